/*
 * stdlib.h - memory allocation and sorting for the freestanding monitor.
 *
 * malloc and friends (vmm/lib/malloc.c) carve blocks out of one fixed arena
 * that the monitor hands over with heap_init() (see heap.h) before the first
 * allocation; until then every allocation fails with NULL.  qsort lives in
 * vmm/lib/qsort.c.  Nothing else of the hosted stdlib.h exists here.
 */
#ifndef VMM_LIB_STDLIB_H
#define VMM_LIB_STDLIB_H

#include <stddef.h>

void *malloc(size_t size);
void *calloc(size_t nmemb, size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);

void qsort(void *base, size_t nmemb, size_t size,
           int (*compar)(const void *, const void *));

#endif
