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
#include "mmu.h"

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

/*
 * Make guest frame GPA read-only (RO) or writable again in the paging-off
 * shadow PDPT: a watched frame (trace.c) must fault on writes with paging
 * off too.  A 2 MiB leaf over it is split into 4 KiB leaves for good.
 */
void shadow_paging_off_protect(const struct shadow_env *env,
			       const struct shadow_guest_ram *ram,
			       shadow_hpa_t pdpt, uint64_t gpa, bool ro)
{
	uint64_t *spdpte = env->hpa_ptr(pdpt), *spde, *spte;
	unsigned g = (unsigned)(gpa / PAGE_1G);
	unsigned i = (unsigned)(gpa / PAGE_2M % ENTRIES);
	unsigned j = (unsigned)(gpa / PAGE_4K % ENTRIES);

	gpa &= ~(PAGE_4K - 1);
	if (!is_ram(ram, gpa, PAGE_4K) || g >= 4 || !(spdpte[g] & SPTE_P))
		return;
	spde = env->hpa_ptr(spdpte[g] & SPTE_ADDR_MASK);
	if (spde[i] & SPTE_PS)
		spde[i] = build_pt(env, ram, gpa & ~(PAGE_2M - 1)) | SPTE_P |
			  SPTE_W | SPTE_U;
	spte = env->hpa_ptr(spde[i] & SPTE_ADDR_MASK);
	if (ro)
		spte[j] &= ~SPTE_W;
	else
		spte[j] |= SPTE_W;
}
