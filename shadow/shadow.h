/*
 * shadow.h - the seam between the shadow MMU and the monitor around it.
 *
 * shadow/ never includes monitor internals: everything it needs from its
 * surroundings comes through struct shadow_env, so the same sources build
 * into the monitor and into host unit tests with simulated memory.
 */
#ifndef SHADOW_H
#define SHADOW_H

#include <stdint.h>

typedef uint64_t shadow_hpa_t;      /* machine-physical address */

struct shadow_env {
	shadow_hpa_t (*alloc_frame)(void);          /* zeroed 4 KiB */
	void *(*hpa_ptr)(shadow_hpa_t pa);          /* monitor pointer to it */
};

/* Guest RAM as the shadow sees it: one block of machine memory. */
struct shadow_guest_ram {
	shadow_hpa_t base;          /* machine address of guest-physical 0 */
	uint64_t size;              /* bytes */
	uint32_t hole_start;        /* [hole_start, hole_end): not RAM */
	uint32_t hole_end;
};

/*
 * Build the shadow of the guest's linear space for paging off: identity over
 * guest RAM only, user-accessible and writable, nothing mapped in the hole
 * or beyond RAM.  Returns the page-directory-pointer table that covers the
 * low 4 GiB (PML4 entry 0 of the real root).
 */
shadow_hpa_t shadow_build_paging_off(const struct shadow_env *env,
				     const struct shadow_guest_ram *ram);

/* Real page-table entry bits (x86-64, 4-level). */
#define SPTE_P  (1ull << 0)
#define SPTE_W  (1ull << 1)
#define SPTE_U  (1ull << 2)
#define SPTE_PS (1ull << 7)
#define SPTE_ADDR_MASK 0x000ffffffffff000ull

#endif
