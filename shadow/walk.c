/*
 * walk.c - the guest's page walks, one per paging mode.
 *
 * The problem: to fill the shadow, or to tell a hidden fault from a true
 * one, the monitor must translate a guest linear address exactly as the
 * guest's CPU would - the same rights, the same #PF error code, and the same
 * Accessed and Dirty bits left in the guest's own entries.
 *
 * The approach: the paging mode is data.  CR0.PG and CR4.PAE choose an entry
 * of a small table (paging off, 32-bit paging; PAE is the next to add), and
 * its walk function reads the guest's entries through the door into guest
 * RAM, records each in a struct guest_walk, and decides.  The A/D rules are
 * the reference CPU's (QEMU 7.2, as real Intel parts do): a directory entry
 * that points to a page table gets A as soon as it is used to reach the
 * table, even if the walk then fails; the leaf gets A, and D on a write,
 * only if the access is allowed.  Rights (access_allowed): a user access
 * needs U at every level, and W for a write; a supervisor write needs W at
 * every level only when CR0.WP is set; with CR4.SMEP a supervisor fetch, and
 * with CR4.SMAP a supervisor data access without EFLAGS.AC, may not touch a
 * user page (U at every level).  32-bit paging has no execute-disable: a
 * user fetch is checked as a read.
 */
#include "mmu.h"

/*T:210 The life of a page fault, 2: the guest walk.  A hidden fault and a true fault look the same to the
 * CPU; only the guest's own page tables tell them apart.  walk_32bit reads
 * the directory entry (CR3 + 4 * bits 31:22 of the address), then, unless it
 * maps a 4 MiB page, the table entry, and ANDs their U and W bits.  On the
 * way it sets the Accessed and Dirty bits exactly where the guest's CPU
 * would, because the guest may read them (page aging, dirty tracking).
 */

/* The U/W rights one guest entry grants. */
unsigned gpte_rights(uint32_t gpte)
{
	return (gpte & GPTE_W ? ACC_W : 0) | (gpte & GPTE_U ? ACC_U : 0);
}

/*
 * May the access W describes go where RIGHTS (the AND over the walk) allow?
 * SDM vol. 3A, 4.6.  A user page is one with U at every level.
 */
static bool access_allowed(const struct shadow_mmu *mmu,
			   const struct guest_walk *w, unsigned rights)
{
	bool write = w->access == SHADOW_WRITE, user_page = rights & ACC_U;

	if (w->user)
		return user_page && (!write || (rights & ACC_W));
	if (w->access == SHADOW_FETCH)
		return !(user_page && (mmu->cr4 & GCR4_SMEP));
	if (user_page && (mmu->cr4 & GCR4_SMAP) && !w->ac)
		return false;
	return !write || (rights & ACC_W) || !(mmu->cr0 & GCR0_WP);
}

static void walk_start(struct guest_walk *w, gva_t gva,
		       enum shadow_access access, enum shadow_privilege who)
{
	*w = (struct guest_walk){ .gva = gva, .access = access,
				  .user = who == SHADOW_USER,
				  .ac = who == SHADOW_SUPERVISOR_AC };
}

/*
 * Fail the walk with a #PF error code: P said by PRESENT_BITS, plus W, U,
 * and I/D for a fetch while CR4.SMEP is set (SDM 4.7).
 */
static bool walk_fault(const struct shadow_mmu *mmu, struct guest_walk *w,
		       uint32_t present_bits)
{
	w->error_code = present_bits |
			(w->access == SHADOW_WRITE ? PFERR_WRITE : 0) |
			(w->user ? PFERR_USER : 0) |
			(w->access == SHADOW_FETCH && (mmu->cr4 & GCR4_SMEP)
				 ? PFERR_FETCH : 0);
	return false;
}

/* Set A (and D if DIRTY) in the guest entry at GPA, as the CPU does. */
static uint32_t mark_used(struct shadow_mmu *mmu, gpa_t gpa, uint32_t gpte,
			  bool dirty)
{
	uint32_t used = gpte | GPTE_A | (dirty ? GPTE_D : 0);

	if (mmu->peeking)
		return gpte;
	if (used != gpte)
		gpte_write(mmu, gpa, used);
	return used;
}

/* Paging off: linear is physical, everything allowed. */
static bool walk_paging_off(struct shadow_mmu *mmu, gva_t gva,
			    enum shadow_access access, enum shadow_privilege who,
			    struct guest_walk *w)
{
	(void)mmu;
	walk_start(w, gva, access, who);
	w->gpa = gva;
	w->rights = ACC_ALL;
	w->dirty = true;
	return true;
}

/* The leaf is the directory entry PDE (already read): a 4 MiB page. */
static bool walk_large(struct shadow_mmu *mmu, struct guest_walk *w,
		       uint32_t pde)
{
	bool write = w->access == SHADOW_WRITE;

	w->large = true;
	if (pde & GPDE_LARGE_RSVD)
		return walk_fault(mmu, w, PFERR_PRESENT | PFERR_RSVD);
	w->rights = gpte_rights(pde);
	if (!access_allowed(mmu, w, w->rights))
		return walk_fault(mmu, w, PFERR_PRESENT);
	w->entry[0] = mark_used(mmu, w->entry_gpa[0], pde, write);
	w->gpa = (uint64_t)(pde & GPDE_LARGE_HIGH) << GPDE_HIGH_SHIFT |
		 (pde & GPDE_LARGE_FRAME) | (w->gva & (PAGE_4M - 1));
	w->dirty = w->entry[0] & GPTE_D;
	w->global = (mmu->cr4 & GCR4_PGE) && (pde & GPTE_G);
	return true;
}

/*
 * 32-bit paging (SDM 4.3):
 *
 *   linear  31       22 21       12 11          0
 *          +-----------+-----------+-------------+
 *          | directory |   table   |   offset    |
 *          +-----------+-----------+-------------+
 *   CR3 -> directory[1024] -> table[1024] -> 4 KiB page
 *                          -> (PS, CR4.PSE) 4 MiB page, offset = bits 21:0
 */
static bool walk_32bit(struct shadow_mmu *mmu, gva_t gva,
		       enum shadow_access access, enum shadow_privilege who,
		       struct guest_walk *w)
{
	bool write = access == SHADOW_WRITE;
	uint32_t pde, pte;

	walk_start(w, gva, access, who);
	w->levels = 1;
	w->entry_gpa[0] = (mmu->cr3 & GPTE_FRAME) | (gva >> 22) * 4;
	w->entry[0] = pde = gpte_read(mmu, w->entry_gpa[0]);
	if (!(pde & GPTE_P))
		return walk_fault(mmu, w, 0);
	if ((pde & GPTE_PS) && (mmu->cr4 & GCR4_PSE))
		return walk_large(mmu, w, pde);
	w->entry[0] = pde = mark_used(mmu, w->entry_gpa[0], pde, false);

	w->levels = 2;
	w->entry_gpa[1] = (pde & GPTE_FRAME) | ((gva >> 12) & (GPTES - 1)) * 4;
	w->entry[1] = pte = gpte_read(mmu, w->entry_gpa[1]);
	if (!(pte & GPTE_P))
		return walk_fault(mmu, w, 0);
	w->rights = gpte_rights(pde) & gpte_rights(pte);
	if (!access_allowed(mmu, w, w->rights))
		return walk_fault(mmu, w, PFERR_PRESENT);
	w->entry[1] = pte = mark_used(mmu, w->entry_gpa[1], pte, write);
	w->gpa = (pte & GPTE_FRAME) | (gva & (PAGE_4K - 1));
	w->dirty = pte & GPTE_D;
	w->global = (mmu->cr4 & GCR4_PGE) && (pte & GPTE_G);
	return true;
}

/* Filling the shadow (fault.c) for each mode. */
void fill_paging_off(struct shadow_mmu *mmu, const struct guest_walk *w);
void fill_32bit(struct shadow_mmu *mmu, const struct guest_walk *w);

const struct paging_mode paging_off_mode = {
	.name = "paging off", .paging = false,
	.walk = walk_paging_off, .fill = fill_paging_off,
};

const struct paging_mode paging_32bit_mode = {
	.name = "32-bit", .paging = true,
	.walk = walk_32bit, .fill = fill_32bit,
};

const struct paging_mode *paging_mode_for(uint32_t cr0, uint32_t cr4)
{
	if (!(cr0 & GCR0_PG))
		return &paging_off_mode;
	if (cr4 & GCR4_PAE)
		return NULL;            /* PAE paging: not yet */
	return &paging_32bit_mode;
}

bool shadow_translate(struct shadow_mmu *mmu, gva_t gva,
		      enum shadow_access access, enum shadow_privilege who,
		      uint64_t *gpa, uint32_t *pf_error)
{
	struct guest_walk w;

	if (!mmu->mode->walk(mmu, gva, access, who, &w)) {
		*pf_error = w.error_code;
		return false;
	}
	*gpa = w.gpa;
	return true;
}

bool shadow_peek(struct shadow_mmu *mmu, gva_t gva, uint64_t *gpa)
{
	struct guest_walk w;
	bool ok;

	mmu->peeking = true;
	ok = mmu->mode->walk(mmu, gva, SHADOW_READ, SHADOW_SUPERVISOR_AC, &w);
	mmu->peeking = false;
	*gpa = w.gpa;
	return ok;
}
