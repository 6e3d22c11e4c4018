/*
 * fault.c - the page-fault handler, and filling the shadow from a walk.
 *
 * The problem: the real CPU faults whenever the shadow lacks what it needs,
 * which is far more often than the guest's tables lack it.  Each fault must
 * be sorted into the guest's business and the monitor's, and when it is the
 * monitor's, the shadow must be fixed so that the access succeeds when the
 * guest instruction is restarted - with no more rights than the guest's
 * tables grant.
 *
 * The approach: walk, then decide, then install (KVM's paging_tmpl.h).  The
 * mode's walk function (walk.c) reads the guest tables into a struct
 * guest_walk; shadow_page_fault decides the cause from it; the mode's fill
 * function builds the path root -> PD -> PT that the real CPU will walk and
 * writes the leaf.  What rights a leaf gets is one function, shadow_rights:
 *
 *  - W only if the guest leaf is Dirty: the first write faults, and the walk
 *    sets D.
 *  - W never on a frame that holds a traced guest table (trace.c).
 *  - CR0.WP = 0 lets the guest kernel write pages its tables mark read-only.
 *    The real CPU runs with WP = 1 (ring 1 is supervisor), so the shadow
 *    gives a supervisor page W outright; a *user* read-only page cannot be
 *    "user read-only, supervisor writable" in one real entry, so it is
 *    shadowed user read-only until the kernel writes it, then supervisor-
 *    only writable (U cleared) until user code touches it again: each
 *    switch is one hidden fault (KVM's choice).  Either way the shadow never
 *    grants what the guest does not - except under the guest's CR4.SMEP or
 *    SMAP, which the real CPU enforces on the leaf's U bit: there a user
 *    page made supervisor-only would let the kernel run or read what the
 *    guest forbids.  So with SMEP or SMAP on (role bit SMX) the page stays
 *    user read-only, and the kernel's write is emulated instead (EMULATE).
 */
#include "mmu.h"

/* The rights the leaf filled for the successful walk W gets, now. */
static unsigned leaf_rights(const struct shadow_mmu *mmu,
			    const struct guest_walk *w)
{
	return shadow_rights(w->rights, role_mode_bits(mmu), w->dirty,
			     w->access == SHADOW_WRITE && !w->user);
}

/*T:205 The life of a page fault, 1: the causes.  The guest touched a linear
 * address below 4 GiB and the real CPU, walking the shadow, refused.  Why?
 *  - hidden: the guest's tables allow it, the shadow does not (yet): never
 *    filled, dropped by a policy, evicted, read-only until the page is
 *    dirty, or the other side of the CR0.WP = 0 switch.  Fill and resume.
 *  - true: the guest's tables refuse it.  Reflect #PF into the guest.
 *  - MMIO: it translates to a guest-physical address that is not RAM.
 *    Nothing there is ever mapped; the monitor emulates the access.
 *  - traced write: an allowed write to a frame holding a guest page table.
 *    The monitor emulates it through shadow_emulated_write.
 *  - emulate: an allowed write that no real entry can grant (a kernel write
 *    to a read-only user page with CR0.WP clear, under SMEP or SMAP).
 * That is every case: a walk either fails (true) or yields an address that
 * is RAM or not (MMIO); a RAM write is traced, or grantable, or not.  The
 * walk applies the guest's SMEP and SMAP, which the real CPU enforces too:
 * a fault they cause is true, never "fixed" as a hidden one.
 */
enum shadow_fault_kind shadow_page_fault(struct shadow_mmu *mmu, gva_t gva,
					 enum shadow_access access,
					 enum shadow_privilege who,
					 struct shadow_fault *out)
{
	struct guest_walk w;

	op_begin(mmu);
	*out = (struct shadow_fault){ .kind = SHADOW_HIDDEN };
	if (!mmu->mode->walk(mmu, gva, access, who, &w)) {
		out->kind = SHADOW_TRUE_FAULT;
		out->error_code = w.error_code;
		out->cr2 = gva;
		mmu->stats.true_faults++;
	} else if (!gpa_is_ram(mmu, w.gpa, 1)) {
		out->kind = SHADOW_MMIO;
		out->gpa = w.gpa;
		mmu->stats.mmio_faults++;
	} else {
		mmu->mode->fill(mmu, &w);
		if (access == SHADOW_WRITE && frame_is_traced(mmu, w.gpa >> 12)) {
			out->kind = SHADOW_TRACED_WRITE;
			out->gpa = w.gpa;
			if (shadow_frame_watched(mmu, w.gpa))
				mmu->stats.watched_writes++;
			else
				mmu->stats.traced_writes++;
		} else if (access == SHADOW_WRITE &&
			   !(leaf_rights(mmu, &w) & ACC_W)) {
			out->kind = SHADOW_EMULATE;
			out->gpa = w.gpa;
			mmu->stats.emulate_faults++;
		} else {
			mmu->stats.hidden_faults++;
		}
	}
	op_end(mmu);
	return out->kind;
}

/*
 * The rights a shadow leaf gets, from the guest's rights GUEST along the
 * walk, the role's MODE bits (CR0.WP, and SMX: CR4.SMEP or SMAP with WP
 * clear), the leaf's Dirty bit, and whether the access being served is a
 * supervisor write (see the top of this file).
 */
unsigned shadow_rights(unsigned guest, uint32_t mode, bool dirty,
		       bool kernel_write)
{
	unsigned rights = guest;

	if (!(mode & ROLE_WP) && !(guest & ACC_W)) {
		if (!(guest & ACC_U))
			rights = ACC_W;         /* supervisor page: kernel writes */
		else if (kernel_write && !(mode & ROLE_SMX))
			rights = ACC_W;         /* user page, while the kernel writes */
	}
	if (!dirty)
		rights &= ~ACC_W;
	return rights;
}

/* Guest-physical address of the guest entry behind slot SLOT of page PT. */
uint64_t pt_entry_gpa(const struct shadow_page *pt, unsigned slot)
{
	return (uint64_t)pt->gfn * PAGE_4K +
	       (ROLE_QUADRANT(pt->role) * SPTES + slot) * 4;
}

/* ... of directory page PD (two slots per guest entry: the 2 MiB halves). */
uint64_t pd_entry_gpa(const struct shadow_page *pd, unsigned slot)
{
	return (uint64_t)pd->gfn * PAGE_4K +
	       (ROLE_QUADRANT(pd->role) * (GPTES / 4) + slot / 2) * 4;
}

/*
 * The leaf that guest table entry GPTE gives in slot of page table SP - what
 * a walk through it would install, if it could; 0 if nothing may be mapped.
 * Used where the shadow is brought up to date without a fault.
 */
uint64_t spte_from_gpte(struct shadow_mmu *mmu, const struct shadow_page *sp,
			uint32_t gpte)
{
	uint64_t gpa = gpte & GPTE_FRAME;
	unsigned rights;

	if ((gpte & (GPTE_P | GPTE_A)) != (GPTE_P | GPTE_A) ||
	    !gpa_is_ram(mmu, gpa, PAGE_4K))
		return 0;
	rights = shadow_rights(ROLE_ACCESS(sp->role) & gpte_rights(gpte),
			       sp->role, gpte & GPTE_D, false);
	return spte_leaf(mmu, gpa, rights,
			 (mmu->cr4 & GCR4_PGE) && (gpte & GPTE_G), false);
}

/*
 * Is the link in slot SLOT of directory page PD to page table CHILD what
 * guest directory entry GPDE says?  (Present, accessed, not a 4 MiB page,
 * pointing to CHILD's frame, with CHILD's half and rights.)
 */
bool spde_link_matches(struct shadow_mmu *mmu, const struct shadow_page *pd,
		       unsigned slot, const struct shadow_page *child,
		       uint32_t gpde)
{
	uint32_t role = ROLE(LEVEL_PT, slot & 1, gpte_rights(gpde)) |
			(pd->role & ROLE_MODE_BITS);

	(void)mmu;
	return (gpde & (GPTE_P | GPTE_A)) == (GPTE_P | GPTE_A) &&
	       !((gpde & GPTE_PS) && (pd->role & ROLE_PSE)) &&
	       child->gfn == gpde >> 12 && child->role == role;
}

/*
 * The child of PARENT at SLOT for guest frame GFN in ROLE: the page already
 * linked there if it is the right one, else the cached or a new page,
 * linked now (replacing whatever was there).
 */
static struct shadow_page *child_get(struct shadow_mmu *mmu,
				     struct shadow_page *parent, unsigned slot,
				     gfn_t gfn, uint32_t role, bool global)
{
	uint64_t old = parent->spte[slot];
	struct shadow_page *child;

	if ((old & SPTE_P) && spte_is_link(parent, old)) {
		child = page_of_hpa(mmu, old & SPTE_ADDR_MASK);
		if (child->gfn == gfn && child->role == role &&
		    old == spte_link(child, global)) {
			page_touch(mmu, child);
			child->writes = 0;
			return child;
		}
	}
	child = page_get(mmu, gfn, role);
	if (child->unsync)              /* HYBRID: invlpgs missed it unlinked */
		frame_resync(mmu, gfn);
	page_touch(mmu, child);
	child->writes = 0;
	spte_set(mmu, parent, slot, spte_link(child, global));
	return child;
}

/*
 * May the 2 MiB of guest-physical memory at BASE be one 2 MiB shadow leaf?
 * Only if all of it is RAM (no hole), machine-aligned, and no frame in it is
 * traced (a traced frame needs its own read-only 4 KiB leaf).
 */
static bool large_leaf_ok(struct shadow_mmu *mmu, uint64_t base)
{
	return gpa_is_ram(mmu, base, PAGE_2M) &&
	       (mmu->ram.base + base) % PAGE_2M == 0 &&
	       !region_is_traced(mmu, base);
}

/* A guest 4 MiB page: fill the shadow PD slot for W's 2 MiB half. */
static void fill_large(struct shadow_mmu *mmu, struct shadow_page *pd,
		       unsigned slot, const struct guest_walk *w,
		       unsigned rights)
{
	uint64_t half = w->gpa & ~(PAGE_2M - 1);
	struct shadow_page *direct;
	uint32_t role;

	if (large_leaf_ok(mmu, half)) {
		spte_set(mmu, pd, slot,
			 spte_leaf(mmu, half, rights, w->global, true));
		return;
	}
	role = ROLE(LEVEL_PT, 0, rights) | ROLE_DIRECT | role_mode_bits(mmu);
	direct = child_get(mmu, pd, slot, (gfn_t)(half >> 12), role,
			   w->global);
	spte_set(mmu, direct, (w->gva >> 12) & (SPTES - 1),
		 spte_leaf(mmu, w->gpa & ~(PAGE_4K - 1), rights, false, false));
}

/*T:220 The life of a page fault, 3: the fill.  The walk said yes, so the
 * shadow gets the path the real CPU will follow: the root's entry for the
 * 1 GiB quarter links the PD page shadowing that quarter of the guest
 * directory; its entry for the 2 MiB half links the PT page shadowing that
 * half of the guest page table (keyed by the rights of the directory entry,
 * which the link itself does not carry: links grant everything, leaves carry
 * the AND of the walk); and the leaf maps the guest frame's machine frame.
 * Each page on the way may come from the cache; each new one traces its
 * guest frame.  A 4 MiB guest page becomes a 2 MiB leaf per half, or a
 * direct page of 4 KiB leaves where a half is not all RAM or holds a traced
 * frame.
 */
void fill_32bit(struct shadow_mmu *mmu, const struct guest_walk *w)
{
	uint32_t mode = role_mode_bits(mmu);
	struct shadow_page *root = root_page(mmu), *pd, *pt;
	unsigned quarter = w->gva >> 30, slot = (w->gva >> 21) & (SPTES - 1);
	unsigned rights = leaf_rights(mmu, w);

	page_touch(mmu, root);
	pd = child_get(mmu, root, quarter, mmu->cr3 >> 12,
		       ROLE(LEVEL_PD, quarter, ACC_ALL) | mode, false);
	if (w->large) {
		fill_large(mmu, pd, slot, w, rights);
		return;
	}
	pt = child_get(mmu, pd, slot, w->entry[0] >> 12,
		       ROLE(LEVEL_PT, slot & 1, gpte_rights(w->entry[0])) | mode,
		       false);
	spte_set(mmu, pt, (w->gva >> 12) & (SPTES - 1),
		 spte_leaf(mmu, w->gpa & ~(PAGE_4K - 1), rights, w->global,
			   false));
}

/*
 * Paging off: the identity shadow (paging_off.c) already maps all RAM; a
 * fault on RAM is a stale TLB entry, and retrying is all it needs.
 */
void fill_paging_off(struct shadow_mmu *mmu, const struct guest_walk *w)
{
	(void)mmu;
	(void)w;
}
