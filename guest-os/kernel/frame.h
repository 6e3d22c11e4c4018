/*
 * frame.h - physical page frames (frame.c).
 */
#ifndef GUEST_FRAME_H
#define GUEST_FRAME_H

#include "paging.h"

/* Hand the frames of [start, end) (page-aligned physical addresses) to the
 * allocator. */
void frame_init(physaddr_t start, physaddr_t end);

/* Return a zeroed frame with reference count 1, or 0 if none is free. */
physaddr_t frame_alloc(void);

/* Count one more user of `pa` (a frame shared after fork). */
void frame_ref(physaddr_t pa);

/* Drop one user of `pa`; the last one frees it. */
void frame_unref(physaddr_t pa);

/* Return how many users `pa` has. */
uint32_t frame_refcount(physaddr_t pa);

/* Return the number of free frames. */
uint32_t frame_free_count(void);

#endif /* GUEST_FRAME_H */
