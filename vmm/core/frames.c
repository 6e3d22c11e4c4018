/*
 * frames.c - a bump allocator over the machine memory the monitor is given.
 *
 * The monitor allocates at start-up (guest RAM, page tables) and the shadow
 * MMU allocates as the guest runs; nothing is returned yet.  Allocation order
 * is fixed, so two runs of a guest lay out memory identically.
 */
#include "frames.h"

#include <string.h>

#include "log.h"

#define FRAME_SIZE 4096

static hpa_t next, limit;

void frames_init(hpa_t start, hpa_t end)
{
	next = (start + FRAME_SIZE - 1) & ~(hpa_t)(FRAME_SIZE - 1);
	limit = end;
}

hpa_t frames_alloc_block(uint64_t size, uint64_t align)
{
	hpa_t at = (next + align - 1) & ~(align - 1);

	if (at + size > limit || at + size < at)
		return 0;
	next = at + size;
	memset(hpa_to_ptr(at), 0, size);
	return at;
}

hpa_t frame_alloc(void)
{
	hpa_t f = frames_alloc_block(FRAME_SIZE, FRAME_SIZE);

	if (!f)
		panic("out of machine memory");
	return f;
}

uint64_t frames_free_bytes(void)
{
	return limit > next ? limit - next : 0;
}
