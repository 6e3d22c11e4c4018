/*
 * string.c - the byte and string functions of the C library, for a monitor
 * that has no C library.
 *
 * The problem: the monitor runs freestanding in ring 0, yet its own code and
 * the capstone disassembler linked into it call memcpy, strlen and friends,
 * and gcc itself emits calls to memcpy and memset for structure copies.
 *
 * The approach: plain C with the exact C-standard semantics (the host unit
 * test compares every function here with glibc's).  The only tuning is that
 * memcpy, memmove and memset move whole words when both pointers allow it,
 * because the monitor copies whole pages.  One trap needs care: at -O2 gcc
 * recognises a byte-copy loop and replaces it with a call to memcpy, which
 * inside memcpy would be endless recursion; NO_LOOP_TO_LIBCALL forbids that
 * rewrite in the functions that could be hit by it.
 */
#include <stdint.h>
#include <string.h>

/* Stop gcc from turning a copy or fill loop into a call to memcpy/memset. */
#define NO_LOOP_TO_LIBCALL \
	__attribute__((optimize("no-tree-loop-distribute-patterns")))

/* A machine word that may alias any other type, for the bulk loops. */
typedef unsigned long __attribute__((may_alias)) word_t;
#define WORD_SIZE sizeof(word_t)

/* True when both addresses sit on a word boundary. */
static int both_word_aligned(const void *a, const void *b)
{
	return (((uintptr_t)a | (uintptr_t)b) % WORD_SIZE) == 0;
}

/* Copy n bytes from src to dst, lowest address first (safe for any overlap
 * in which dst lies below src).  Returns dst. */
NO_LOOP_TO_LIBCALL
static void *copy_forward(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (both_word_aligned(d, s)) {
		for (; n >= WORD_SIZE; n -= WORD_SIZE) {
			*(word_t *)d = *(const word_t *)s;
			d += WORD_SIZE;
			s += WORD_SIZE;
		}
	}
	while (n-- > 0)
		*d++ = *s++;
	return dst;
}

/* Copy n bytes from src to dst, highest address first (safe for any overlap
 * in which dst lies above src).  Returns dst. */
NO_LOOP_TO_LIBCALL
static void *copy_backward(void *dst, const void *src, size_t n)
{
	unsigned char *d = (unsigned char *)dst + n;
	const unsigned char *s = (const unsigned char *)src + n;

	if (both_word_aligned(d, s)) {
		for (; n >= WORD_SIZE; n -= WORD_SIZE) {
			d -= WORD_SIZE;
			s -= WORD_SIZE;
			*(word_t *)d = *(const word_t *)s;
		}
	}
	while (n-- > 0)
		*--d = *--s;
	return dst;
}

/* Copy n bytes between objects that must not overlap.  Returns dst. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	return copy_forward(dst, src, n);
}

/* Copy n bytes as if through a temporary buffer, so the regions may overlap
 * either way.  Returns dst. */
void *memmove(void *dst, const void *src, size_t n)
{
	if ((uintptr_t)dst <= (uintptr_t)src)
		return copy_forward(dst, src, n);
	return copy_backward(dst, src, n);
}

/* Fill n bytes at dst with (unsigned char)byte.  Returns dst. */
NO_LOOP_TO_LIBCALL
void *memset(void *dst, int byte, size_t n)
{
	unsigned char *d = dst;
	unsigned char fill = (unsigned char)byte;

	if ((uintptr_t)d % WORD_SIZE == 0) {
		/* ~0 / 0xff is 0x0101...01: one copy of fill in every byte. */
		word_t pattern = (~(word_t)0 / UINT8_MAX) * fill;

		for (; n >= WORD_SIZE; n -= WORD_SIZE) {
			*(word_t *)d = pattern;
			d += WORD_SIZE;
		}
	}
	while (n-- > 0)
		*d++ = fill;
	return dst;
}

/* Compare n bytes as unsigned char; <0, 0 or >0 as a sorts before, equal to
 * or after b. */
int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *pa = a, *pb = b;

	for (; n > 0; n--, pa++, pb++) {
		if (*pa != *pb)
			return *pa - *pb;
	}
	return 0;
}

/* Number of bytes before the terminating NUL of s. */
size_t strlen(const char *s)
{
	const char *end = s;

	while (*end != '\0')
		end++;
	return end - s;
}

/* strlen(s), but looks at no more than maxlen bytes (returns maxlen if no
 * NUL is among them). */
size_t strnlen(const char *s, size_t maxlen)
{
	size_t len = 0;

	while (len < maxlen && s[len] != '\0')
		len++;
	return len;
}

/* Compare strings as unsigned char, up to the first difference or NUL. */
int strcmp(const char *a, const char *b)
{
	const unsigned char *pa = (const unsigned char *)a;
	const unsigned char *pb = (const unsigned char *)b;

	while (*pa != '\0' && *pa == *pb) {
		pa++;
		pb++;
	}
	return *pa - *pb;
}

/* strcmp limited to the first n characters. */
int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *pa = (const unsigned char *)a;
	const unsigned char *pb = (const unsigned char *)b;

	for (; n > 0; n--, pa++, pb++) {
		if (*pa != *pb || *pa == '\0')
			return *pa - *pb;
	}
	return 0;
}

/* Copy src, NUL included, to dst.  Returns dst. */
char *strcpy(char *restrict dst, const char *restrict src)
{
	return memcpy(dst, src, strlen(src) + 1);
}

/* Copy at most n bytes of src to dst; if src is shorter, pad dst with NULs
 * to exactly n bytes.  dst is not terminated when src has n or more bytes.
 * Returns dst. */
char *strncpy(char *restrict dst, const char *restrict src, size_t n)
{
	size_t len = strnlen(src, n);

	memcpy(dst, src, len);
	memset(dst + len, '\0', n - len);
	return dst;
}

/* First occurrence of (char)c in s, the terminating NUL counting as part of
 * s; NULL if there is none. */
char *strchr(const char *s, int c)
{
	char wanted = (char)c;

	for (;; s++) {
		if (*s == wanted)
			return (char *)s;
		if (*s == '\0')
			return NULL;
	}
}

/* Last occurrence of (char)c in s, the terminating NUL included; NULL if
 * there is none. */
char *strrchr(const char *s, int c)
{
	char wanted = (char)c;
	const char *last = NULL;

	for (;; s++) {
		if (*s == wanted)
			last = s;
		if (*s == '\0')
			return (char *)last;
	}
}

/* First place where needle occurs in haystack; haystack itself when needle
 * is empty, NULL when it does not occur. */
char *strstr(const char *haystack, const char *needle)
{
	size_t needle_len = strlen(needle);

	for (; *haystack != '\0'; haystack++) {
		if (strncmp(haystack, needle, needle_len) == 0)
			return (char *)haystack;
	}
	return needle_len == 0 ? (char *)haystack : NULL;
}
