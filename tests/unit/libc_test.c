/*
 * libc_test.c - the monitor's small libc (vmm/lib), checked against glibc.
 *
 * The monitor cannot use the host's C library, so vmm/lib reimplements the
 * part it needs.  The best specification of those functions is a C library
 * that is known to be right, so this test links the monitor's versions into
 * the same program as glibc under the names shim_memcpy, shim_vsnprintf, ...
 * (see libc_rename.h and libc.cmake) and gives both the same inputs:
 * every offset, length and overlap for the byte functions; a large generated
 * table of formats, cut short at every buffer size, for vsnprintf; random
 * arrays of many element sizes for qsort.  The allocator has no glibc twin
 * that shares its arena, so it is checked against its contract: alignment,
 * no overlap, contents kept, coalescing, and clean failure.  All "random"
 * input comes from a fixed seed, so every run does exactly the same.
 */
#include <CUnit/Basic.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "heap.h"

/* The monitor's functions, under the names libc_rename.h gave them. */
void *shim_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *shim_memmove(void *dst, const void *src, size_t n);
void *shim_memset(void *dst, int byte, size_t n);
int shim_memcmp(const void *a, const void *b, size_t n);
size_t shim_strlen(const char *s);
size_t shim_strnlen(const char *s, size_t maxlen);
int shim_strcmp(const char *a, const char *b);
int shim_strncmp(const char *a, const char *b, size_t n);
char *shim_strcpy(char *restrict dst, const char *restrict src);
char *shim_strncpy(char *restrict dst, const char *restrict src, size_t n);
char *shim_strchr(const char *s, int c);
char *shim_strrchr(const char *s, int c);
char *shim_strstr(const char *haystack, const char *needle);
void shim_qsort(void *base, size_t nmemb, size_t size,
		int (*compar)(const void *, const void *));
void *shim_malloc(size_t size);
void *shim_calloc(size_t nmemb, size_t size);
void *shim_realloc(void *ptr, size_t size);
void shim_free(void *ptr);
int shim_vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
		   va_list args) __attribute__((format(printf, 3, 0)));
int shim_snprintf(char *restrict buf, size_t size, const char *restrict fmt,
		  ...) __attribute__((format(printf, 3, 4)));

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_REPORTS 20 /* mismatches printed per test before going quiet */

/* ---------------------------------------------------------------------- */
/* Fixed-seed pseudo-random numbers (splitmix64), the same on every run.  */

static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
	rng_state = seed;
}

/* The next 64 pseudo-random bits. */
static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A pseudo-random number in [0, n). */
static size_t rng_below(size_t n)
{
	return rng_next() % n;
}

/* Fill n bytes with pseudo-random bytes drawn from [0, range). */
static void rng_fill(unsigned char *p, size_t n, unsigned range)
{
	while (n-- > 0)
		*p++ = (unsigned char)rng_below(range);
}

/* -1, 0 or 1: the sign of a comparison result. */
static int sign_of(int x)
{
	return (x > 0) - (x < 0);
}

/* ---------------------------------------------------------------------- */
/* Byte and string functions.                                              */

#define BYTES 80  /* buffer for the exhaustive offset/length loops */
#define GUARD 0xa5 /* fill around the bytes a function may touch */

static void test_memcpy_copies_every_offset_and_length(void)
{
	unsigned char src[BYTES], want[BYTES], got[BYTES];
	int bad = 0;

	rng_seed(1);
	rng_fill(src, sizeof(src), 256);
	for (size_t off = 0; off < 16; off++)
		for (size_t soff = 0; soff < 16; soff++)
			for (size_t n = 0; n + 16 <= BYTES; n++) {
				memset(want, GUARD, BYTES);
				memset(got, GUARD, BYTES);
				memcpy(want + off, src + soff, n);
				void *r = shim_memcpy(got + off, src + soff, n);
				bad += r != got + off || memcmp(want, got, BYTES);
			}
	CU_ASSERT_EQUAL(bad, 0);
}

static void test_memmove_handles_overlap_in_both_directions(void)
{
	unsigned char start[BYTES], want[BYTES], got[BYTES];
	int bad = 0;

	rng_seed(2);
	rng_fill(start, sizeof(start), 256);
	for (size_t dst = 0; dst < 24; dst++)
		for (size_t src = 0; src < 24; src++)
			for (size_t n = 0; n + 24 <= BYTES; n++) {
				memcpy(want, start, BYTES);
				memcpy(got, start, BYTES);
				memmove(want + dst, want + src, n);
				void *r = shim_memmove(got + dst, got + src, n);
				bad += r != got + dst || memcmp(want, got, BYTES);
			}
	CU_ASSERT_EQUAL(bad, 0);
}

static void test_memset_fills_every_offset_and_length_with_any_byte(void)
{
	static const int bytes[] = { 0, 1, 0x7f, 0x80, 0xff, -1, 0x1234 };
	unsigned char want[BYTES], got[BYTES];
	int bad = 0;

	for (size_t b = 0; b < ARRAY_LEN(bytes); b++)
		for (size_t off = 0; off < 16; off++)
			for (size_t n = 0; n + 16 <= BYTES; n++) {
				memset(want, GUARD, BYTES);
				memset(got, GUARD, BYTES);
				memset(want + off, bytes[b], n);
				void *r = shim_memset(got + off, bytes[b], n);
				bad += r != got + off || memcmp(want, got, BYTES);
			}
	CU_ASSERT_EQUAL(bad, 0);
}

static void test_memcmp_orders_bytes_as_unsigned(void)
{
	unsigned char a[32], b[32];
	int bad = 0;

	rng_seed(3);
	for (int round = 0; round < 20000; round++) {
		size_t n = rng_below(sizeof(a) + 1);

		rng_fill(a, sizeof(a), 256);
		memcpy(b, a, sizeof(b));
		if (n > 0 && rng_below(4) != 0)
			b[rng_below(n)] = (unsigned char)rng_below(256);
		bad += sign_of(memcmp(a, b, n)) != sign_of(shim_memcmp(a, b, n));
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(shim_memcmp("\x80", "\x7f", 1) > 0);
	CU_ASSERT_EQUAL(shim_memcmp(NULL, NULL, 0), 0);
}

/* Strings that exercise the string functions: empty, prefixes of each
 * other, bytes above 0x7f, repeats for strstr and strrchr. */
static const char *const sample_strings[] = {
	"", "a", "b", "ab", "abc", "abd", "abcd", "aab", "aaab", "abab",
	"ababc", "\x80", "\x7f", "a\xff", "hello, world", "hello", "world",
	"mississippi", "issi", "ssip", "x86_64", "0x%x",
};

static void test_strlen_and_strnlen_match_glibc(void)
{
	for (size_t i = 0; i < ARRAY_LEN(sample_strings); i++) {
		const char *s = sample_strings[i];

		CU_ASSERT_EQUAL(shim_strlen(s), strlen(s));
		for (size_t max = 0; max < 16; max++)
			CU_ASSERT_EQUAL(shim_strnlen(s, max), strnlen(s, max));
	}
	/* strnlen must not look past maxlen: no NUL in this array. */
	static const char unterminated[4] = { 'a', 'b', 'c', 'd' };
	CU_ASSERT_EQUAL(shim_strnlen(unterminated, sizeof(unterminated)), 4);
}

static void test_strcmp_and_strncmp_agree_in_sign_with_glibc(void)
{
	int bad = 0;

	for (size_t i = 0; i < ARRAY_LEN(sample_strings); i++)
		for (size_t j = 0; j < ARRAY_LEN(sample_strings); j++) {
			const char *a = sample_strings[i], *b = sample_strings[j];

			bad += sign_of(shim_strcmp(a, b)) != sign_of(strcmp(a, b));
			for (size_t n = 0; n < 8; n++)
				bad += sign_of(shim_strncmp(a, b, n)) !=
				       sign_of(strncmp(a, b, n));
		}
	CU_ASSERT_EQUAL(bad, 0);
	/* Equal strings stop the comparison at their NUL, whatever follows. */
	CU_ASSERT_EQUAL(shim_strncmp("ab\0x", "ab\0y", 4), 0);
}

static void test_strcpy_and_strncpy_pad_and_truncate_like_glibc(void)
{
	char want[32], got[32];

	for (size_t i = 0; i < ARRAY_LEN(sample_strings); i++) {
		const char *s = sample_strings[i];

		memset(want, GUARD, sizeof(want));
		memset(got, GUARD, sizeof(got));
		CU_ASSERT_PTR_EQUAL(shim_strcpy(got, s), got);
		strcpy(want, s);
		CU_ASSERT_EQUAL(memcmp(want, got, sizeof(got)), 0);
		for (size_t n = 0; n < 20; n++) {
			memset(want, GUARD, sizeof(want));
			memset(got, GUARD, sizeof(got));
			CU_ASSERT_PTR_EQUAL(shim_strncpy(got, s, n), got);
			strncpy(want, s, n);
			CU_ASSERT_EQUAL(memcmp(want, got, sizeof(got)), 0);
		}
	}
}

static void test_strchr_and_strrchr_find_the_terminator(void)
{
	static const int wanted[] = { 'a', 'b', 's', 'i', 'o', 'z', '\0',
				      0x80, 0xff, 'a' + 256 };

	for (size_t i = 0; i < ARRAY_LEN(sample_strings); i++)
		for (size_t c = 0; c < ARRAY_LEN(wanted); c++) {
			const char *s = sample_strings[i];

			CU_ASSERT_PTR_EQUAL(shim_strchr(s, wanted[c]),
					    strchr(s, wanted[c]));
			CU_ASSERT_PTR_EQUAL(shim_strrchr(s, wanted[c]),
					    strrchr(s, wanted[c]));
		}
}

static void test_strstr_matches_glibc(void)
{
	for (size_t i = 0; i < ARRAY_LEN(sample_strings); i++)
		for (size_t j = 0; j < ARRAY_LEN(sample_strings); j++) {
			const char *h = sample_strings[i], *n = sample_strings[j];

			CU_ASSERT_PTR_EQUAL(shim_strstr(h, n), strstr(h, n));
		}
}

/* ---------------------------------------------------------------------- */
/* qsort.                                                                  */

static size_t compared_size; /* element size seen by compare_whole */

/* Order elements by all their bytes, so "equal" means "identical" and
 * any correct sort produces exactly the same array. */
static int compare_whole(const void *a, const void *b)
{
	return memcmp(a, b, compared_size);
}

/* Order elements by their first byte only, so many elements tie. */
static int compare_first_byte(const void *a, const void *b)
{
	return *(const unsigned char *)a - *(const unsigned char *)b;
}

static void test_qsort_matches_glibc_for_random_arrays_of_many_sizes(void)
{
	static const size_t elem_sizes[] = { 1, 2, 3, 4, 8, 12, 16, 24, 33 };
	static const size_t counts[] = { 0, 1, 2, 3, 5, 8, 31, 100, 1000 };
	static const unsigned ranges[] = { 2, 16, 256 }; /* many ties .. few */
	int bad = 0;

	rng_seed(4);
	for (size_t e = 0; e < ARRAY_LEN(elem_sizes); e++)
		for (size_t c = 0; c < ARRAY_LEN(counts); c++)
			for (size_t r = 0; r < ARRAY_LEN(ranges); r++) {
				size_t bytes = elem_sizes[e] * counts[c];
				unsigned char *want = malloc(bytes + 1);
				unsigned char *got = malloc(bytes + 1);

				rng_fill(want, bytes, ranges[r]);
				memcpy(got, want, bytes);
				compared_size = elem_sizes[e];
				qsort(want, counts[c], elem_sizes[e], compare_whole);
				shim_qsort(got, counts[c], elem_sizes[e],
					   compare_whole);
				bad += memcmp(want, got, bytes) != 0;
				free(want);
				free(got);
			}
	CU_ASSERT_EQUAL(bad, 0);
}

static void test_qsort_output_is_a_sorted_permutation_when_keys_tie(void)
{
	enum { COUNT = 500, SIZE = 7 };
	unsigned char input[COUNT * SIZE], got[COUNT * SIZE];

	rng_seed(5);
	rng_fill(input, sizeof(input), 256);
	for (size_t i = 0; i < COUNT; i++)
		input[i * SIZE] %= 8; /* keys 0..7: every key ties */
	memcpy(got, input, sizeof(got));
	shim_qsort(got, COUNT, SIZE, compare_first_byte);
	for (size_t i = 1; i < COUNT; i++)
		CU_ASSERT(got[(i - 1) * SIZE] <= got[i * SIZE]);
	/* Same elements: fully sorted, both arrays must be identical. */
	compared_size = SIZE;
	qsort(input, COUNT, SIZE, compare_whole);
	qsort(got, COUNT, SIZE, compare_whole);
	CU_ASSERT_EQUAL(memcmp(input, got, sizeof(got)), 0);
}

static int compare_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static void test_qsort_sorts_sorted_reversed_and_tiny_inputs(void)
{
	enum { COUNT = 257 };
	int up[COUNT], down[COUNT], one = 42;

	for (int i = 0; i < COUNT; i++) {
		up[i] = i;
		down[i] = COUNT - 1 - i;
	}
	shim_qsort(up, COUNT, sizeof(int), compare_int);
	shim_qsort(down, COUNT, sizeof(int), compare_int);
	for (int i = 0; i < COUNT; i++) {
		CU_ASSERT_EQUAL(up[i], i);
		CU_ASSERT_EQUAL(down[i], i);
	}
	shim_qsort(NULL, 0, sizeof(int), compare_int); /* must not touch base */
	shim_qsort(&one, 1, sizeof(int), compare_int);
	CU_ASSERT_EQUAL(one, 42);
}

/* ---------------------------------------------------------------------- */
/* malloc, calloc, realloc, free.                                          */

#define ARENA_SIZE (256 * 1024)
#define BLOCK_ALIGN 16
#define BLOCK_HEADER 16 /* malloc.c's per-block header: an empty arena can
			   give one request of ARENA_SIZE - BLOCK_HEADER */

static unsigned char arena[ARENA_SIZE] __attribute__((aligned(BLOCK_ALIGN)));

/* A fresh arena, empty, filled with junk so calloc must really zero. */
static void fresh_heap(void)
{
	memset(arena, GUARD, sizeof(arena));
	heap_init(arena, sizeof(arena));
}

/* True if [p, p+n) lies inside the arena and p is 16-byte aligned. */
static int in_arena_and_aligned(const void *p, size_t n)
{
	const unsigned char *b = p;

	return b >= arena && b + n <= arena + sizeof(arena) &&
	       (uintptr_t)b % BLOCK_ALIGN == 0;
}

/* Byte i of the pattern written into a block tagged `tag`. */
static unsigned char pattern_byte(unsigned tag, size_t i)
{
	return (unsigned char)(tag * 131 + i * 7 + (i >> 8));
}

/* Write the pattern for tag into n bytes at p. */
static void fill_pattern(unsigned char *p, size_t n, unsigned tag)
{
	for (size_t i = 0; i < n; i++)
		p[i] = pattern_byte(tag, i);
}

/* True if the first n bytes at p still hold the pattern for tag. */
static int pattern_intact(const unsigned char *p, size_t n, unsigned tag)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != pattern_byte(tag, i))
			return 0;
	return 1;
}

static void test_malloc_returns_aligned_distinct_blocks_in_the_arena(void)
{
	unsigned char *blocks[64];

	fresh_heap();
	for (unsigned i = 0; i < ARRAY_LEN(blocks); i++) {
		blocks[i] = shim_malloc(i * 3 + 1);
		CU_ASSERT_FATAL(blocks[i] != NULL);
		CU_ASSERT(in_arena_and_aligned(blocks[i], i * 3 + 1));
		fill_pattern(blocks[i], i * 3 + 1, i);
	}
	for (unsigned i = 0; i < ARRAY_LEN(blocks); i++)
		CU_ASSERT(pattern_intact(blocks[i], i * 3 + 1, i));
	CU_ASSERT(heap_bytes_in_use() > 0);
	for (unsigned i = 0; i < ARRAY_LEN(blocks); i++)
		shim_free(blocks[i]);
	CU_ASSERT_EQUAL(heap_bytes_in_use(), 0);
}

static void test_malloc_zero_returns_unique_pointers(void)
{
	void *a, *b;

	fresh_heap();
	a = shim_malloc(0);
	b = shim_malloc(0);
	CU_ASSERT_PTR_NOT_NULL(a);
	CU_ASSERT_PTR_NOT_NULL(b);
	CU_ASSERT_PTR_NOT_EQUAL(a, b);
	shim_free(a);
	shim_free(b);
	shim_free(NULL); /* a no-op */
	CU_ASSERT_EQUAL(heap_bytes_in_use(), 0);
}

static void test_malloc_fails_cleanly_when_the_arena_is_exhausted(void)
{
	size_t count = 0;
	void *p;

	fresh_heap();
	CU_ASSERT_PTR_NULL(shim_malloc(SIZE_MAX));
	CU_ASSERT_PTR_NULL(shim_malloc(SIZE_MAX - BLOCK_ALIGN));
	CU_ASSERT_PTR_NULL(shim_malloc(ARENA_SIZE));
	while ((p = shim_malloc(1000)) != NULL)
		count++;
	CU_ASSERT(count > ARENA_SIZE / 1100 && count <= ARENA_SIZE / 1000);
	CU_ASSERT(heap_bytes_in_use() <= ARENA_SIZE);
}

static void test_free_coalesces_so_the_whole_arena_is_usable_again(void)
{
	enum { COUNT = 200 };
	void *blocks[COUNT], *whole;

	fresh_heap();
	for (int i = 0; i < COUNT; i++)
		blocks[i] = shim_malloc(100 + i);
	/* Free in an order that leaves holes on both sides of later frees. */
	for (int i = 0; i < COUNT; i += 2)
		shim_free(blocks[i]);
	for (int i = COUNT - 1; i > 0; i -= 2)
		shim_free(blocks[i]);
	CU_ASSERT_EQUAL(heap_bytes_in_use(), 0);
	whole = shim_malloc(ARENA_SIZE - BLOCK_HEADER);
	CU_ASSERT_PTR_NOT_NULL(whole);
	CU_ASSERT_EQUAL(heap_bytes_in_use(), ARENA_SIZE);
	shim_free(whole);
}

static void test_heap_init_aligns_an_unaligned_arena_inward(void)
{
	unsigned char *base = arena + 3, *p;
	size_t size = 1000;

	heap_init(base, size);
	while ((p = shim_malloc(40)) != NULL) {
		CU_ASSERT((uintptr_t)p % BLOCK_ALIGN == 0);
		CU_ASSERT(p >= base && p + 40 <= base + size);
	}
}

static void test_an_arena_too_small_for_a_block_makes_malloc_fail(void)
{
	heap_init(arena, 40);
	CU_ASSERT_PTR_NULL(shim_malloc(0));
	heap_init(NULL, 0);
	CU_ASSERT_PTR_NULL(shim_malloc(1));
	CU_ASSERT_PTR_NULL(shim_calloc(1, 1));
}

static void test_calloc_zeroes_and_rejects_overflowing_products(void)
{
	unsigned char *p;

	fresh_heap();
	p = shim_calloc(100, 7);
	CU_ASSERT_FATAL(p != NULL);
	for (int i = 0; i < 700; i++)
		CU_ASSERT_EQUAL(p[i], 0);
	shim_free(p);
	CU_ASSERT_PTR_NULL(shim_calloc(SIZE_MAX, 2));
	CU_ASSERT_PTR_NULL(shim_calloc(2, SIZE_MAX));
	CU_ASSERT_PTR_NULL(shim_calloc((SIZE_MAX >> 4) + 1, 16));
	CU_ASSERT_PTR_NULL(shim_calloc(SIZE_MAX / 3 + 1, 3));
	p = shim_calloc(0, SIZE_MAX); /* product 0: like malloc(0) */
	CU_ASSERT_PTR_NOT_NULL(p);
	shim_free(p);
	CU_ASSERT_EQUAL(heap_bytes_in_use(), 0);
}

static void test_realloc_null_is_malloc_and_zero_size_frees(void)
{
	void *p;

	fresh_heap();
	p = shim_realloc(NULL, 50);
	CU_ASSERT_FATAL(p != NULL);
	CU_ASSERT(in_arena_and_aligned(p, 50));
	CU_ASSERT(heap_bytes_in_use() > 0);
	CU_ASSERT_PTR_NULL(shim_realloc(p, 0));
	CU_ASSERT_EQUAL(heap_bytes_in_use(), 0);
}

static void test_realloc_keeps_contents_when_growing_and_shrinking(void)
{
	unsigned char *p, *blocker, *q;

	fresh_heap();
	p = shim_malloc(64);
	fill_pattern(p, 64, 1);
	/* Grow into free space right behind it (in place). */
	p = shim_realloc(p, 1000);
	CU_ASSERT_FATAL(p != NULL);
	CU_ASSERT(pattern_intact(p, 64, 1));
	fill_pattern(p, 1000, 2);
	/* Grow past a neighbour in use (must move). */
	blocker = shim_malloc(16);
	q = shim_realloc(p, 5000);
	CU_ASSERT_FATAL(q != NULL);
	CU_ASSERT(pattern_intact(q, 1000, 2));
	CU_ASSERT(q + 5000 <= blocker || q >= blocker + 16);
	/* Shrink: same place, prefix kept. */
	p = shim_realloc(q, 10);
	CU_ASSERT_PTR_EQUAL(p, q);
	CU_ASSERT(pattern_intact(p, 10, 2));
	/* A request that cannot be met fails and leaves the block alone. */
	CU_ASSERT_PTR_NULL(shim_realloc(p, ARENA_SIZE * 2));
	CU_ASSERT(pattern_intact(p, 10, 2));
	shim_free(p);
	shim_free(blocker);
	CU_ASSERT_EQUAL(heap_bytes_in_use(), 0);
}

/* One live allocation of the stress test. */
struct slot {
	unsigned char *p;
	size_t n;
	unsigned tag;
};

/* True if the live slots overlap, or have lost their patterns. */
static int slots_damaged(const struct slot *slots, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (slots[i].p == NULL)
			continue;
		if (!pattern_intact(slots[i].p, slots[i].n, slots[i].tag))
			return 1;
		for (size_t j = i + 1; j < count; j++)
			if (slots[j].p != NULL &&
			    slots[i].p < slots[j].p + slots[j].n &&
			    slots[j].p < slots[i].p + slots[i].n)
				return 1;
	}
	return 0;
}

/* One random step on slot s: allocate it if empty, otherwise free it or
 * resize it.  Returns 1 if the allocator broke a promise. */
static int stress_step(struct slot *s, unsigned tag)
{
	size_t n = rng_below(4) == 0 ? rng_below(8000) : rng_below(200);
	unsigned char *p;

	if (s->p == NULL) {
		p = rng_below(2) ? shim_malloc(n) : shim_calloc(1, n);
		if (p == NULL)
			return 0; /* the arena may really be full */
	} else if (rng_below(3) == 0) {
		shim_free(s->p);
		s->p = NULL;
		return 0;
	} else {
		p = shim_realloc(s->p, n);
		if (n == 0) { /* realloc(p, 0) frees p and returns NULL */
			s->p = NULL;
			return p != NULL;
		}
		if (p == NULL)
			return 0; /* full: the old block stays, unchanged */
		if (!pattern_intact(p, n < s->n ? n : s->n, s->tag))
			return 1;
	}
	if (!in_arena_and_aligned(p, n))
		return 1;
	fill_pattern(p, n, tag);
	*s = (struct slot){ p, n, tag };
	return 0;
}

static void test_random_alloc_free_realloc_keeps_every_block_intact(void)
{
	struct slot slots[64] = { 0 };
	int bad = 0;

	fresh_heap();
	rng_seed(6);
	for (unsigned step = 1; step <= 50000; step++) {
		bad += stress_step(&slots[rng_below(ARRAY_LEN(slots))], step);
		if (step % 1000 == 0)
			bad += slots_damaged(slots, ARRAY_LEN(slots));
	}
	CU_ASSERT_EQUAL(bad, 0);
	for (size_t i = 0; i < ARRAY_LEN(slots); i++)
		shim_free(slots[i].p);
	CU_ASSERT_EQUAL(heap_bytes_in_use(), 0);
	CU_ASSERT_PTR_NOT_NULL(shim_malloc(ARENA_SIZE - BLOCK_HEADER));
}

/* True if running `action` in a child process kills it with SIGILL, the
 * signal of the trap malloc.c uses to stop the machine. */
static int stops_the_machine(void (*action)(void))
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		action();
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGILL;
}

static void free_twice(void)
{
	void *p;

	fresh_heap();
	p = shim_malloc(10);
	shim_free(p);
	shim_free(p);
}

static void free_a_pointer_malloc_never_gave(void)
{
	fresh_heap();
	shim_free(arena + 64);
}

static void test_freeing_a_bad_pointer_stops_the_machine(void)
{
	CU_ASSERT(stops_the_machine(free_twice));
	CU_ASSERT(stops_the_machine(free_a_pointer_malloc_never_gave));
}

/* ---------------------------------------------------------------------- */
/* vsnprintf and snprintf.                                                 */

#define FORMAT_BUF 512
static int format_mismatches;

/* Print what went wrong with fmt at buffer size `size` (the first few
 * times only), showing also the whole text each side produces. */
static void report_format_mismatch(const char *fmt, size_t size, va_list args)
{
	char want[FORMAT_BUF], got[FORMAT_BUF];
	int want_len, got_len;
	va_list copy;

	if (format_mismatches++ >= MAX_REPORTS)
		return;
	va_copy(copy, args);
	want_len = vsnprintf(want, sizeof(want), fmt, copy);
	va_end(copy);
	va_copy(copy, args);
	got_len = shim_vsnprintf(got, sizeof(got), fmt, copy);
	va_end(copy);
	printf("\n    \"%s\" differs at buffer size %zu; whole text: "
	       "glibc %d \"%s\", shim %d \"%s\"",
	       fmt, size, want_len, want, got_len, got);
}

/* Format with glibc and with the shim into buffers of every size from 0 to
 * one past the full length (or FORMAT_BUF), and count a mismatch if the
 * return value, the text, or the bytes beyond the buffer ever differ. */
static void check_format(const char *fmt, ...)
{
	char want[FORMAT_BUF], got[FORMAT_BUF];
	va_list args, copy;
	int full;

	va_start(args, fmt);
	va_copy(copy, args);
	full = vsnprintf(want, sizeof(want), fmt, copy);
	va_end(copy);
	for (size_t size = 0; size <= (size_t)full + 1 && size <= FORMAT_BUF;
	     size++) {
		int want_len, got_len;

		memset(want, GUARD, sizeof(want));
		memset(got, GUARD, sizeof(got));
		va_copy(copy, args);
		want_len = vsnprintf(want, size, fmt, copy);
		va_end(copy);
		va_copy(copy, args);
		got_len = shim_vsnprintf(got, size, fmt, copy);
		va_end(copy);
		if (want_len != got_len || memcmp(want, got, sizeof(got)) != 0) {
			report_format_mismatch(fmt, size, args);
			break;
		}
	}
	va_end(args);
}

/* Formats of the kind capstone and the monitor write, one by one. */
static void test_format_typical_formats_match_glibc(void)
{
	format_mismatches = 0;
	check_format("plain text, no conversions");
	check_format("");
	check_format("0x%x", 0xdeadbeefu);
	check_format("-0x%" PRIx64, (uint64_t)0x123456789abcdef0ull);
	check_format("%" PRId64 " %" PRIu64, INT64_MIN, UINT64_MAX);
	check_format("#%u, #%d, $%d", 7u, -8, INT32_MIN);
	check_format("0x%02x|-0%lxh|$-0x%lx|%%%s|#-%lu", 0xau, 0xfful, 1ul,
		     "st", 9ul);
	check_format("%s%s [%s]", "rep ", "movsb", "");
	check_format("%-10s|%10s|%.2s|%-6.3s|", "left", "right", "cut", "abcdef");
	check_format("%c%c%c", 'o', 'k', '!');
	check_format("[%5c][%-5c]", 'x', 'y');
	check_format("NUL inside: [%c]", '\0');
	check_format("%% %5d%% %%", 42);
	check_format("%p %p %20p %-20p|", (void *)0xffffffff80001000ull,
		     (void *)NULL, (void *)0x1234, (void *)NULL);
	check_format("%s %.3s %10s", (char *)NULL, (char *)NULL, (char *)NULL);
	check_format("%hhd %hhu %hhx %hd %hu %hx", 0x1ff, 0x1ff, -1, 0x18000,
		     0x18000, -1);
	check_format("%ld %lu %lx %lld %llu %llX", LONG_MIN, ULONG_MAX,
		     ULONG_MAX, LLONG_MIN, ULLONG_MAX, ULLONG_MAX);
	check_format("%zu %zd %zx %td %tx %jd %ju %jx", SIZE_MAX, (ssize_t)-2,
		     (size_t)0xabc, (ptrdiff_t)-3, (ptrdiff_t)-3, INTMAX_MIN,
		     UINTMAX_MAX, (uintmax_t)0xfeed);
	check_format("%*d|%-*d|%*d|%.*d|%.*d|%*.*x|", 6, 1, 6, 2, -6, 3, 4, 5,
		     -1, 6, 8, 3, 0xa);
	check_format("%*s|%.*s|", -8, "neg", -1, "whole string");
	check_format("%i %o %#o %#x %#X %X", -12, 8u, 8u, 255u, 255u, 0xabcu);
	check_format("%.0d|%.0u|%.0x|%#.0x|%#.0o|%5.0d|", 0, 0u, 0u, 0u, 0u, 0);
	check_format("%08.3d|%-08d|%+08d|% 08d|%08x|%#08x|", 5, 5, 5, 5, 0xbu,
		     0xbu);
	check_format("%+d % d %+d % d %+ d", 0, 0, -1, -1, 3);
	check_format("%%%d%%%s%%", 1, "two");
	check_format("%1000d|%.300d", 1, 2);
	CU_ASSERT_EQUAL(format_mismatches, 0);
}

/* The parts a generated integer conversion is made of. */
static const char *const gen_flags[] = {
	"", "-", "+", " ", "#", "0", "-+", "- ", "-#", "-0", "+ ", "+#",
	"+0", " #", " 0", "#0", "-+ ", "-+#", "-+0", "- #", "- 0", "-#0",
	"+ #", "+ 0", "+#0", " #0", "-+ #", "-+ 0", "-+#0", "- #0", "+ #0",
	"-+ #0",
};
static const char *const gen_widths[] = { "", "1", "6", "25" };
static const char *const gen_precisions[] = { "", ".", ".0", ".1", ".4",
					      ".23" };
/* How an argument is passed for a length modifier (hh and h promote). */
enum arg_type { ARG_INT, ARG_LONG, ARG_LLONG, ARG_SIZE, ARG_PTRDIFF, ARG_INTMAX };
static const struct {
	const char *modifier;
	enum arg_type type;
} gen_lengths[] = {
	{ "hh", ARG_INT }, { "h", ARG_INT },	   { "", ARG_INT },
	{ "l", ARG_LONG }, { "ll", ARG_LLONG },	   { "z", ARG_SIZE },
	{ "t", ARG_PTRDIFF }, { "j", ARG_INTMAX },
};
static const char gen_letters[] = "diuoxX";
static const long long gen_values[] = {
	0, 1, -1, 7, 8, 9, 10, 15, 16, 127, 128, 255, 256, -128, 32767,
	-32768, 65535, 65536, INT32_MAX, INT32_MIN, UINT32_MAX,
	0x123456789abcdefll, INT64_MAX, INT64_MIN,
};

/* Check one generated integer format with value v passed as the type the
 * length modifier and the letter call for (signed for d and i). */
static void check_integer_format(const char *fmt, enum arg_type type,
				 char letter, long long v)
{
	int is_signed = letter == 'd' || letter == 'i';

	switch (type) {
	case ARG_INT:
		if (is_signed)
			check_format(fmt, (int)v);
		else
			check_format(fmt, (unsigned)v);
		break;
	case ARG_LONG:
		if (is_signed)
			check_format(fmt, (long)v);
		else
			check_format(fmt, (unsigned long)v);
		break;
	case ARG_LLONG:
		if (is_signed)
			check_format(fmt, v);
		else
			check_format(fmt, (unsigned long long)v);
		break;
	case ARG_SIZE:
		check_format(fmt, (size_t)v);
		break;
	case ARG_PTRDIFF:
		check_format(fmt, (ptrdiff_t)v);
		break;
	case ARG_INTMAX:
		if (is_signed)
			check_format(fmt, (intmax_t)v);
		else
			check_format(fmt, (uintmax_t)v);
		break;
	}
}

/* Every flag set x width x precision x length x letter x value. */
static void test_format_every_integer_combination_matches_glibc(void)
{
	char fmt[32];

	format_mismatches = 0;
	for (size_t f = 0; f < ARRAY_LEN(gen_flags); f++)
	for (size_t w = 0; w < ARRAY_LEN(gen_widths); w++)
	for (size_t p = 0; p < ARRAY_LEN(gen_precisions); p++)
	for (size_t l = 0; l < ARRAY_LEN(gen_lengths); l++)
	for (size_t c = 0; gen_letters[c] != '\0'; c++) {
		snprintf(fmt, sizeof(fmt), "%%%s%s%s%s%c", gen_flags[f],
			 gen_widths[w], gen_precisions[p],
			 gen_lengths[l].modifier, gen_letters[c]);
		for (size_t v = 0; v < ARRAY_LEN(gen_values); v++)
			check_integer_format(fmt, gen_lengths[l].type,
					     gen_letters[c], gen_values[v]);
	}
	CU_ASSERT_EQUAL(format_mismatches, 0);
}

/* %c, %s and %p under every flag set, width and precision. */
static void test_format_text_and_pointer_combinations_match_glibc(void)
{
	static const char *const strings[] = { "", "a", "capstone", NULL };
	static const uintptr_t pointers[] = { 0, 1, 0xb8000,
					      0xffffffff80000000ull };
	char fmt[32];

	format_mismatches = 0;
	for (size_t f = 0; f < ARRAY_LEN(gen_flags); f++)
	for (size_t w = 0; w < ARRAY_LEN(gen_widths); w++)
	for (size_t p = 0; p < ARRAY_LEN(gen_precisions); p++) {
		const char *spec = "%%%s%s%s%c";

		snprintf(fmt, sizeof(fmt), spec, gen_flags[f], gen_widths[w],
			 gen_precisions[p], 's');
		for (size_t s = 0; s < ARRAY_LEN(strings); s++)
			check_format(fmt, strings[s]);
		snprintf(fmt, sizeof(fmt), spec, gen_flags[f], gen_widths[w],
			 gen_precisions[p], 'p');
		for (size_t v = 0; v < ARRAY_LEN(pointers); v++)
			check_format(fmt, (void *)pointers[v]);
		snprintf(fmt, sizeof(fmt), "%%%s%s%c", gen_flags[f],
			 gen_widths[w], 'c');
		check_format(fmt, 'Z');
	}
	CU_ASSERT_EQUAL(format_mismatches, 0);
}

static void test_format_size_zero_writes_nothing_and_returns_length(void)
{
	char buf[4] = { 'x', 'y', 'z', 'w' };

	CU_ASSERT_EQUAL(shim_snprintf(NULL, 0, "%d-%s", 12345, "abc"), 9);
	CU_ASSERT_EQUAL(shim_snprintf(buf, 0, "%d", 7), 1);
	CU_ASSERT_EQUAL(buf[0], 'x');
	CU_ASSERT_EQUAL(shim_snprintf(buf, 1, "%d", 7), 1);
	CU_ASSERT_EQUAL(buf[0], '\0');
	CU_ASSERT_EQUAL(buf[1], 'y');
	CU_ASSERT_EQUAL(shim_snprintf(buf, sizeof(buf), "0x%x", 0xabcu), 5);
	CU_ASSERT_STRING_EQUAL(buf, "0xa");
}

/* ---------------------------------------------------------------------- */

/* One test: its name states the behaviour, the function checks it. */
struct test {
	const char *name;
	void (*run)(void);
};

#define TEST(fn) { #fn, fn }

static const struct test string_tests[] = {
	TEST(test_memcpy_copies_every_offset_and_length),
	TEST(test_memmove_handles_overlap_in_both_directions),
	TEST(test_memset_fills_every_offset_and_length_with_any_byte),
	TEST(test_memcmp_orders_bytes_as_unsigned),
	TEST(test_strlen_and_strnlen_match_glibc),
	TEST(test_strcmp_and_strncmp_agree_in_sign_with_glibc),
	TEST(test_strcpy_and_strncpy_pad_and_truncate_like_glibc),
	TEST(test_strchr_and_strrchr_find_the_terminator),
	TEST(test_strstr_matches_glibc),
};

static const struct test qsort_tests[] = {
	TEST(test_qsort_matches_glibc_for_random_arrays_of_many_sizes),
	TEST(test_qsort_output_is_a_sorted_permutation_when_keys_tie),
	TEST(test_qsort_sorts_sorted_reversed_and_tiny_inputs),
};

static const struct test malloc_tests[] = {
	TEST(test_malloc_returns_aligned_distinct_blocks_in_the_arena),
	TEST(test_malloc_zero_returns_unique_pointers),
	TEST(test_malloc_fails_cleanly_when_the_arena_is_exhausted),
	TEST(test_free_coalesces_so_the_whole_arena_is_usable_again),
	TEST(test_heap_init_aligns_an_unaligned_arena_inward),
	TEST(test_an_arena_too_small_for_a_block_makes_malloc_fail),
	TEST(test_calloc_zeroes_and_rejects_overflowing_products),
	TEST(test_realloc_null_is_malloc_and_zero_size_frees),
	TEST(test_realloc_keeps_contents_when_growing_and_shrinking),
	TEST(test_random_alloc_free_realloc_keeps_every_block_intact),
	TEST(test_freeing_a_bad_pointer_stops_the_machine),
};

static const struct test format_tests[] = {
	TEST(test_format_typical_formats_match_glibc),
	TEST(test_format_every_integer_combination_matches_glibc),
	TEST(test_format_text_and_pointer_combinations_match_glibc),
	TEST(test_format_size_zero_writes_nothing_and_returns_length),
};

/* Register a suite of n tests; false if CUnit ran out of memory. */
static int add_suite(const char *name, const struct test *tests, size_t n)
{
	CU_pSuite suite = CU_add_suite(name, NULL, NULL);

	if (suite == NULL)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (CU_add_test(suite, tests[i].name, tests[i].run) == NULL)
			return 0;
	return 1;
}

int main(void)
{
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	if (!add_suite("libc.string", string_tests, ARRAY_LEN(string_tests)) ||
	    !add_suite("libc.qsort", qsort_tests, ARRAY_LEN(qsort_tests)) ||
	    !add_suite("libc.malloc", malloc_tests, ARRAY_LEN(malloc_tests)) ||
	    !add_suite("libc.format", format_tests, ARRAY_LEN(format_tests))) {
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures != 0;
}
