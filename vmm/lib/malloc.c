/*
 * malloc.c - malloc, calloc, realloc and free inside one fixed arena.
 *
 * The problem: the monitor (and capstone inside it) needs a heap, but there
 * is no operating system underneath to ask for pages.  The monitor owns one
 * region of memory for this and gives it over once, with heap_init().
 *
 * The approach: a first-fit free list, the oldest allocator design there is,
 * chosen because it is short enough to check by eye and behaves the same on
 * every run.  The arena is cut into blocks that lie end to end; each starts
 * with a 16-byte header holding its size, and the caller's bytes follow it:
 *
 *     arena                                                        arena_end
 *     | hdr | payload ... | hdr | payload ..... | hdr | payload ... |
 *     |<--- in use ------>|<------ free ------->|<--- in use ------>|
 *
 * Free blocks are chained in address order.  malloc takes the first free
 * block big enough and splits off what it does not need.  free puts the
 * block back in its place in the chain and merges it with a free neighbour
 * on either side, so the arena never fills up with slivers that could have
 * been one block.  Blocks are multiples of 16 bytes and start on 16-byte
 * boundaries, so every payload is 16-byte aligned.  Freeing a pointer that
 * is not a live block is a monitor bug, and stops the machine.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "heap.h"

#define HEAP_ALIGN 16 /* payload alignment, and the size granule */

/* The header in front of every block. */
struct block {
	_Alignas(HEAP_ALIGN) size_t size; /* whole block, header included */
	struct block *next_free;	  /* free: next free block up in memory
					     (or NULL); in use: IN_USE */
};
_Static_assert(sizeof(struct block) == HEAP_ALIGN,
	       "a header must keep the payload after it aligned");

#define HEADER_SIZE sizeof(struct block)
#define MIN_BLOCK (HEADER_SIZE + HEAP_ALIGN) /* header plus smallest payload */

/* The mark in next_free of a block that is in use: an address no free
 * block can have. */
static struct block in_use_mark;
#define IN_USE (&in_use_mark)

static uintptr_t arena_start, arena_end; /* the arena, aligned inward */
static struct block *free_list;		 /* lowest free block first */
static size_t bytes_in_use;		 /* sum of sizes of blocks in use */

/* A broken heap means the monitor itself is broken: stop right here. */
static void heap_corrupt(void)
{
	__builtin_trap();
}

/* x rounded up to a multiple of HEAP_ALIGN (x must leave room to round). */
static uintptr_t align_up(uintptr_t x)
{
	return (x + HEAP_ALIGN - 1) & ~(uintptr_t)(HEAP_ALIGN - 1);
}

/* x rounded down to a multiple of HEAP_ALIGN. */
static uintptr_t align_down(uintptr_t x)
{
	return x & ~(uintptr_t)(HEAP_ALIGN - 1);
}

/* The payload of block b, and the block of a payload. */
static void *payload_of(struct block *b)
{
	return (unsigned char *)b + HEADER_SIZE;
}

static struct block *block_of(void *payload)
{
	return (struct block *)((unsigned char *)payload - HEADER_SIZE);
}

/* The block that starts right where b ends. */
static struct block *block_after(struct block *b)
{
	return (struct block *)((unsigned char *)b + b->size);
}

/* Make [base, base+size) the arena, one big free block; an arena too
 * small for a single block leaves every allocation failing. */
void heap_init(void *base, size_t size)
{
	uintptr_t start = (uintptr_t)base;

	free_list = NULL;
	bytes_in_use = 0;
	arena_start = arena_end = 0;
	/* Aligning both ends inward may cost up to HEAP_ALIGN at each. */
	if (size < MIN_BLOCK + 2 * HEAP_ALIGN || start + size < start)
		return;
	arena_start = align_up(start);
	arena_end = align_down(start + size);
	free_list = (struct block *)arena_start;
	free_list->size = arena_end - arena_start;
	free_list->next_free = NULL;
}

/* Bytes held by blocks in use, headers included. */
size_t heap_bytes_in_use(void)
{
	return bytes_in_use;
}

/* Size of the block that holds an n-byte request (n == 0 still gets a
 * block of its own); 0 if no block in this arena could hold it. */
static size_t block_size_for(size_t n)
{
	if (n > arena_end - arena_start)
		return 0;
	return HEADER_SIZE + align_up(n == 0 ? 1 : n);
}

/* Cut block b down to `size` bytes if the rest is big enough to be a block
 * of its own, and return that rest (not yet on any list); else NULL. */
static struct block *split(struct block *b, size_t size)
{
	struct block *rest;

	if (b->size - size < MIN_BLOCK)
		return NULL;
	rest = (struct block *)((unsigned char *)b + size);
	rest->size = b->size - size;
	b->size = size;
	return rest;
}

/* Put free block b into the address-ordered free list and merge it with
 * the free blocks directly before and after it. */
static void insert_free(struct block *b)
{
	struct block *prev = NULL, *next = free_list;

	while (next != NULL && next < b) {
		prev = next;
		next = next->next_free;
	}
	b->next_free = next;
	if (next != NULL && block_after(b) == next) {
		b->size += next->size;
		b->next_free = next->next_free;
	}
	if (prev == NULL) {
		free_list = b;
	} else if (block_after(prev) == b) {
		prev->size += b->size;
		prev->next_free = b->next_free;
	} else {
		prev->next_free = b;
	}
}

/* Mark block b as in use, count it, and return its payload. */
static void *hand_out(struct block *b)
{
	b->next_free = IN_USE;
	bytes_in_use += b->size;
	return payload_of(b);
}

/* Allocate n bytes, 16-byte aligned, from the first free block that fits.
 * NULL if no free block is big enough. */
void *malloc(size_t n)
{
	size_t need = block_size_for(n);
	struct block **link;

	if (need == 0)
		return NULL;
	for (link = &free_list; *link != NULL; link = &(*link)->next_free) {
		struct block *b = *link, *rest;

		if (b->size < need)
			continue;
		rest = split(b, need);
		if (rest != NULL) {
			rest->next_free = b->next_free;
			*link = rest;
		} else {
			*link = b->next_free;
		}
		return hand_out(b);
	}
	return NULL;
}

/* The in-use block behind a pointer the caller got from malloc; stops the
 * machine if p is not one. */
static struct block *live_block(void *p)
{
	uintptr_t addr = (uintptr_t)p;
	struct block *b;

	if (addr < arena_start + HEADER_SIZE || addr >= arena_end ||
	    addr != align_down(addr))
		heap_corrupt();
	b = block_of(p);
	if (b->next_free != IN_USE)
		heap_corrupt(); /* freed twice, or never allocated */
	return b;
}

/* Return p's block to the free list; free(NULL) does nothing. */
void free(void *p)
{
	struct block *b;

	if (p == NULL)
		return;
	b = live_block(p);
	bytes_in_use -= b->size;
	insert_free(b);
}

/* Allocate an array of nmemb elements of `size` bytes, all zero.  NULL if
 * the total does not fit in a size_t, or there is no room. */
void *calloc(size_t nmemb, size_t size)
{
	void *p;

	if (size != 0 && nmemb > SIZE_MAX / size)
		return NULL;
	p = malloc(nmemb * size);
	if (p != NULL)
		memset(p, 0, nmemb * size);
	return p;
}

/* If the block right after b is free and the two together hold `need`
 * bytes, take that block over and return true. */
static int grow_in_place(struct block *b, size_t need)
{
	struct block **link = &free_list;
	struct block *next = block_after(b);

	while (*link != NULL && *link < next)
		link = &(*link)->next_free;
	if (*link != next || b->size + next->size < need)
		return 0;
	*link = next->next_free;
	bytes_in_use += next->size;
	b->size += next->size;
	return 1;
}

/* Give back the tail of in-use block b beyond `size` bytes, if it is big
 * enough to be a block. */
static void shrink_in_place(struct block *b, size_t size)
{
	struct block *rest = split(b, size);

	if (rest != NULL) {
		bytes_in_use -= rest->size;
		insert_free(rest);
	}
}

/* Resize p's allocation to n bytes, keeping its contents up to the smaller
 * size: in place if it can, else by moving it.  realloc(NULL, n) is
 * malloc(n); realloc(p, 0) frees p and returns NULL.  On failure returns
 * NULL and leaves p as it was. */
void *realloc(void *p, size_t n)
{
	size_t need = block_size_for(n);
	struct block *b;
	void *moved;

	if (p == NULL)
		return malloc(n);
	if (n == 0) {
		free(p);
		return NULL;
	}
	b = live_block(p);
	if (need == 0)
		return NULL;
	if (b->size >= need || grow_in_place(b, need)) {
		shrink_in_place(b, need);
		return p;
	}
	moved = malloc(n);
	if (moved == NULL)
		return NULL;
	memcpy(moved, p, b->size - HEADER_SIZE);
	free(p);
	return moved;
}
