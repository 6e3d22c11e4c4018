/*
 * heap.h - handing the allocator its memory, and asking how much is used.
 *
 * malloc (vmm/lib/malloc.c) manages exactly one arena.  The monitor calls
 * heap_init once at boot with a region it owns; malloc, calloc, realloc and
 * free (declared in <stdlib.h>) then work inside that region only.
 */
#ifndef VMM_LIB_HEAP_H
#define VMM_LIB_HEAP_H

#include <stddef.h>

/* Give the allocator [base, base+size) as its whole arena, forgetting any
 * previous arena and every block in it.  base need not be aligned. */
void heap_init(void *base, size_t size);

/* Bytes of the arena taken by live allocations, block headers and rounding
 * included; 0 once everything has been freed. */
size_t heap_bytes_in_use(void);

#endif
