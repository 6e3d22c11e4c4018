/*
 * paging_off.c - the shadow of a guest that has not turned paging on.
 *
 * With CR0.PG = 0 a guest linear address is its physical address.  The real
 * CPU always pages in long mode, so the monitor builds tables that say
 * exactly that - guest linear X maps to the machine frame backing guest
 * physical X - for guest RAM only.  Addresses in the hole and beyond RAM stay
 * unmapped: touching them faults into the monitor, which is how MMIO and
 * unbacked memory are caught.  2 MiB pages are used wherever a 2 MiB region
 * is wholly RAM; 4 KiB pages elsewhere.
 *
 *   PDPT (4 entries, 1 GiB each) -> PD (512 x 2 MiB) -> PT (512 x 4 KiB)
 */
#include "shadow.h"

#define PAGE_4K  0x1000ull
#define PAGE_2M  0x200000ull
#define PAGE_1G  0x40000000ull
#define ENTRIES  512

static int is_ram(const struct shadow_guest_ram *ram, uint64_t gpa,
		  uint64_t len)
{
	return gpa + len <= ram->size &&
	       !(gpa < ram->hole_end && gpa + len > ram->hole_start);
}

/* The page table for the 2 MiB region at GPA, 4 KiB pages over RAM only. */
static shadow_hpa_t build_pt(const struct shadow_env *env,
			     const struct shadow_guest_ram *ram, uint64_t gpa)
{
	shadow_hpa_t pt = env->alloc_frame();
	uint64_t *spte = env->hpa_ptr(pt);

	for (unsigned i = 0; i < ENTRIES; i++) {
		uint64_t a = gpa + i * PAGE_4K;

		if (is_ram(ram, a, PAGE_4K))
			spte[i] = (ram->base + a) | SPTE_P | SPTE_W | SPTE_U;
	}
	return pt;
}

shadow_hpa_t shadow_build_paging_off(const struct shadow_env *env,
				     const struct shadow_guest_ram *ram)
{
	shadow_hpa_t pdpt = env->alloc_frame();
	uint64_t *spdpte = env->hpa_ptr(pdpt);

	for (unsigned g = 0; g < 4 && g * PAGE_1G < ram->size; g++) {
		shadow_hpa_t pd = env->alloc_frame();
		uint64_t *spde = env->hpa_ptr(pd);

		for (unsigned i = 0; i < ENTRIES; i++) {
			uint64_t a = g * PAGE_1G + i * PAGE_2M;

			if (a >= ram->size)
				break;
			if (is_ram(ram, a, PAGE_2M) &&
			    (ram->base + a) % PAGE_2M == 0)
				spde[i] = (ram->base + a) | SPTE_P | SPTE_W |
					  SPTE_U | SPTE_PS;
			else
				spde[i] = build_pt(env, ram, a) | SPTE_P |
					  SPTE_W | SPTE_U;
		}
		spdpte[g] = pd | SPTE_P | SPTE_W | SPTE_U;
	}
	return pdpt;
}
