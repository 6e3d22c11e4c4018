/*
 * frames.h - machine memory for the monitor: 4 KiB frames and large blocks.
 */
#ifndef VMM_FRAMES_H
#define VMM_FRAMES_H

#include <stdint.h>

#include "layout.h"

/* Hand out machine memory from [start, end). */
void frames_init(hpa_t start, hpa_t end);

/* One zeroed 4 KiB frame; panics when machine memory is exhausted. */
hpa_t frame_alloc(void);

/* SIZE bytes, zeroed, aligned to ALIGN (a power of two); 0 if none left. */
hpa_t frames_alloc_block(uint64_t size, uint64_t align);

/* Bytes still free. */
uint64_t frames_free_bytes(void);

#endif
