/*
 * check.c - the shadow's invariants, checked.
 *
 * The problem: a shadow MMU that is wrong does not crash; it quietly lets
 * the guest write what it should not, or read memory that is not its own.
 * The promises must be checkable from the outside, by tests and by debug
 * builds, at any point between two operations.
 *
 * The approach: one pass over every shadow page, reading the guest entries
 * each was built from, plus one over every guest frame's bookkeeping.  The
 * promises (DESIGN.md 5):
 *
 *  1. Safety, always.  A shadow leaf maps guest RAM only: never the hole,
 *     never past the end, never a device.  A link points to a live shadow
 *     page one level down with the same mode bits.  Entries carry no bit the
 *     shadow does not mean (no G, XD, CD, WT).  The budget holds.
 *  2. Bookkeeping.  Every leaf is on the reverse map of what it maps and
 *     every link on its child's parent list, and nothing else is; counts
 *     agree; the current root is the one for the guest's CR3 and mode.
 *  3. Traces.  Under TRACE and HYBRID, the frame of every page built from
 *     a guest table is traced unless out of sync; a traced frame has no
 *     writable leaf and no 2 MiB leaf over it.  LAZY traces nothing.
 *  4. Coherence, where the policy promises it: under TRACE for every page,
 *     under HYBRID for every page in sync.  Each present entry is what a
 *     walk through the guest entry behind it could install *now*: the same
 *     frame, and rights that the guest grants (present, accessed; W only if
 *     dirty, and only as CR0.WP allows; U as the guest's, but for the WP = 0
 *     switch when SMEP and SMAP are off).  Since every link is checked the
 *     same way, every translation the shadow makes equals the guest's, or
 *     is absent, or grants less.  LAZY promises coherence only where the
 *     guest flushed (tested from outside, against a reference walker).
 */
#include <stdio.h>

#include "mmu.h"

#define FAIL(mmu, ...) \
	(snprintf((mmu)->why, sizeof((mmu)->why), __VA_ARGS__), (mmu)->why)

#define SPTE_MEANT (SPTE_ADDR_MASK | SPTE_P | SPTE_W | SPTE_U | SPTE_A | \
		    SPTE_D | SPTE_PS | SPTE_GUEST_GLOBAL)

/*
 * Does a shadow leaf with rights SHADOW grant only what GUEST does, in a
 * page whose role has MODE bits?  U only if the guest's; W only where a
 * write is allowed; and U dropped from a user page only by the CR0.WP = 0
 * switch, never under SMEP or SMAP (SMX), which make a supervisor page more
 * permissive than a user one.
 */
static bool rights_within(unsigned shadow, unsigned guest, uint32_t mode)
{
	bool sup_write = (guest & ACC_W) || !(mode & ROLE_WP);
	bool may_drop_u = !(mode & (ROLE_WP | ROLE_SMX));

	return (!(shadow & ACC_U) || (guest & ACC_U)) &&
	       ((shadow & ACC_U) || !(guest & ACC_U) || may_drop_u) &&
	       (!(shadow & ACC_W) || sup_write) &&
	       (shadow != ACC_ALL || guest == ACC_ALL);
}

static unsigned spte_rights(uint64_t spte)
{
	return (spte & SPTE_W ? ACC_W : 0) | (spte & SPTE_U ? ACC_U : 0);
}

static bool chain_has(struct shadow_mmu *mmu, sref_t head, sref_t ref)
{
	for (unsigned n = 0; head && n <= mmu->npages * SPTES; n++) {
		if (head == ref)
			return true;
		head = *sref_next(mmu, head);
	}
	return false;
}

/* Rule 1 and 2 for leaf SPTE in slot SLOT of SP. */
static const char *check_leaf(struct shadow_mmu *mmu, struct shadow_page *sp,
			      unsigned slot, uint64_t spte)
{
	bool large = spte & SPTE_PS;
	uint64_t size = large ? PAGE_2M : PAGE_4K;
	uint64_t hpa = spte & SPTE_ADDR_MASK, gpa = hpa - mmu->ram.base;
	sref_t ref = sref_make(mmu, sp, slot);
	struct frame_info *fi;

	if (hpa < mmu->ram.base || !gpa_is_ram(mmu, gpa, size) ||
	    gpa % size)
		return FAIL(mmu, "page %u slot %u maps machine 0x%llx, "
			    "not guest RAM", (unsigned)(sp - mmu->pages), slot,
			    (unsigned long long)hpa);
	if (large) {
		if (region_is_traced(mmu, gpa))
			return FAIL(mmu, "2 MiB leaf over traced frames at "
				    "gpa 0x%llx", (unsigned long long)gpa);
		if (!chain_has(mmu, mmu->regions[gpa / PAGE_2M].large_rmap,
			       ref))
			return FAIL(mmu, "2 MiB leaf at gpa 0x%llx missing "
				    "from its reverse map",
				    (unsigned long long)gpa);
		return NULL;
	}
	fi = frame_info(mmu, gpa / PAGE_4K);
	if (fi->traced && (spte & SPTE_W))
		return FAIL(mmu, "traced frame 0x%llx mapped writable",
			    (unsigned long long)gpa);
	if (!chain_has(mmu, fi->rmap, ref))
		return FAIL(mmu, "leaf onto gpa 0x%llx missing from its "
			    "reverse map", (unsigned long long)gpa);
	return NULL;
}

/* Rule 1 and 2 for link SPTE in slot SLOT of SP. */
static const char *check_link(struct shadow_mmu *mmu, struct shadow_page *sp,
			      unsigned slot, uint64_t spte)
{
	struct shadow_page *child = page_of_hpa(mmu, spte & SPTE_ADDR_MASK);
	unsigned level = ROLE_LEVEL(sp->role);

	if (!child || !child->in_use)
		return FAIL(mmu, "page %u slot %u links to a dead page",
			    (unsigned)(sp - mmu->pages), slot);
	if (ROLE_LEVEL(child->role) != level - 1 ||
	    (child->role & ROLE_MODE_BITS) != (sp->role & ROLE_MODE_BITS))
		return FAIL(mmu, "page %u slot %u links to a page of the "
			    "wrong level or mode", (unsigned)(sp - mmu->pages),
			    slot);
	if ((spte & ~(SPTE_ADDR_MASK | SPTE_GUEST_GLOBAL)) !=
	    (SPTE_P | SPTE_W | SPTE_U | SPTE_A))
		return FAIL(mmu, "page %u slot %u: link with odd bits",
			    (unsigned)(sp - mmu->pages), slot);
	if (level == LEVEL_ROOT &&
	    (slot > 3 || child->gfn != sp->gfn ||
	     ROLE_QUADRANT(child->role) != slot))
		return FAIL(mmu, "root %u slot %u links the wrong directory",
			    (unsigned)(sp - mmu->pages), slot);
	if (!chain_has(mmu, child->parents, sref_make(mmu, sp, slot)))
		return FAIL(mmu, "link missing from page %u's parents",
			    (unsigned)(child - mmu->pages));
	return NULL;
}

/* Rule 4 for slot SLOT (present) of page table SP (not direct). */
static const char *coherent_pt(struct shadow_mmu *mmu, struct shadow_page *sp,
			       unsigned slot, uint64_t spte)
{
	uint32_t gpte = gpte_read(mmu, pt_entry_gpa(sp, slot));
	unsigned guest = ROLE_ACCESS(sp->role) & gpte_rights(gpte);

	if ((gpte & (GPTE_P | GPTE_A)) != (GPTE_P | GPTE_A) ||
	    (spte & SPTE_ADDR_MASK) != mmu->ram.base + (gpte & GPTE_FRAME) ||
	    !rights_within(spte_rights(spte), guest, sp->role) ||
	    ((spte & SPTE_W) && !(gpte & GPTE_D)) ||
	    ((spte & SPTE_GUEST_GLOBAL) && !(gpte & GPTE_G)))
		return FAIL(mmu, "page table %u (gfn 0x%x) slot %u: shadow "
			    "0x%llx but guest 0x%08x", (unsigned)(sp - mmu->pages),
			    sp->gfn, slot, (unsigned long long)spte, gpte);
	return NULL;
}

/* Rule 4 for slot SLOT (present) of directory page SP. */
static const char *coherent_pd(struct shadow_mmu *mmu, struct shadow_page *sp,
			       unsigned slot, uint64_t spte)
{
	uint32_t gpde = gpte_read(mmu, pd_entry_gpa(sp, slot));
	struct shadow_page *child = NULL;
	bool large = (gpde & GPTE_PS) && (sp->role & ROLE_PSE);
	uint64_t half = (uint64_t)(gpde & GPDE_LARGE_HIGH) << GPDE_HIGH_SHIFT |
			(gpde & GPDE_LARGE_FRAME) | (slot & 1) * PAGE_2M;
	unsigned rights = spte_rights(spte);

	if (spte_is_link(sp, spte))
		child = page_of_hpa(mmu, spte & SPTE_ADDR_MASK);
	if (child && !(child->role & ROLE_DIRECT)) {
		if (!spde_link_matches(mmu, sp, slot, child, gpde))
			goto incoherent;
		return NULL;
	}
	if (child) {
		rights = ROLE_ACCESS(child->role);
		if (child->gfn != half >> 12)
			goto incoherent;
	} else if ((spte & SPTE_ADDR_MASK) != mmu->ram.base + half) {
		goto incoherent;
	}
	if ((gpde & (GPTE_P | GPTE_A)) != (GPTE_P | GPTE_A) || !large ||
	    (gpde & GPDE_LARGE_RSVD) ||
	    !rights_within(rights, gpte_rights(gpde), sp->role) ||
	    ((rights & ACC_W) && !(gpde & GPTE_D)) ||
	    ((spte & SPTE_GUEST_GLOBAL) && !(gpde & GPTE_G)))
		goto incoherent;
	return NULL;
incoherent:
	return FAIL(mmu, "directory %u (gfn 0x%x) slot %u: shadow 0x%llx but "
		    "guest 0x%08x", (unsigned)(sp - mmu->pages), sp->gfn, slot,
		    (unsigned long long)spte, gpde);
}

/* Rule 4 for a direct page: its leaves are its region, within its rights. */
static const char *coherent_direct(struct shadow_mmu *mmu,
				   struct shadow_page *sp, unsigned slot,
				   uint64_t spte)
{
	uint64_t gpa = ((uint64_t)sp->gfn + slot) * PAGE_4K;

	if ((spte & SPTE_ADDR_MASK) != mmu->ram.base + gpa ||
	    (spte_rights(spte) & ~ROLE_ACCESS(sp->role)))
		return FAIL(mmu, "direct page %u slot %u: 0x%llx",
			    (unsigned)(sp - mmu->pages), slot,
			    (unsigned long long)spte);
	return NULL;
}

static bool promises_coherence(const struct shadow_mmu *mmu,
			       const struct shadow_page *sp)
{
	return mmu->params.policy != SHADOW_LAZY && !sp->unsync;
}

static const char *check_entry(struct shadow_mmu *mmu, struct shadow_page *sp,
			       unsigned slot, uint64_t spte)
{
	unsigned level = ROLE_LEVEL(sp->role);
	const char *why;

	if (spte & ~SPTE_MEANT)
		return FAIL(mmu, "page %u slot %u: bits the shadow never "
			    "sets: 0x%llx", (unsigned)(sp - mmu->pages), slot,
			    (unsigned long long)spte);
	if ((spte & SPTE_PS) && level != LEVEL_PD)
		return FAIL(mmu, "page %u slot %u: PS outside a directory",
			    (unsigned)(sp - mmu->pages), slot);
	why = spte_is_link(sp, spte) ? check_link(mmu, sp, slot, spte)
				     : check_leaf(mmu, sp, slot, spte);
	if (why || !promises_coherence(mmu, sp))
		return why;
	if (level == LEVEL_PD)
		return coherent_pd(mmu, sp, slot, spte);
	if (level == LEVEL_PT && (sp->role & ROLE_DIRECT))
		return coherent_direct(mmu, sp, slot, spte);
	if (level == LEVEL_PT)
		return coherent_pt(mmu, sp, slot, spte);
	return NULL;
}

static unsigned chain_length(struct shadow_mmu *mmu, sref_t head)
{
	unsigned n = 0;

	for (; head && n <= mmu->npages * SPTES; n++)
		head = *sref_next(mmu, head);
	return n;
}

static const char *check_page(struct shadow_mmu *mmu, struct shadow_page *sp,
			      unsigned *leaves)
{
	unsigned present = 0, global = 0;
	const char *why;

	if (page_find(mmu, sp->gfn, sp->role) != sp)
		return FAIL(mmu, "page %u not found in the cache by its key",
			    (unsigned)(sp - mmu->pages));
	if (sp->unsync && (mmu->params.policy != SHADOW_HYBRID ||
			   ROLE_LEVEL(sp->role) != LEVEL_PT ||
			   !frame_info(mmu, sp->gfn) ||
			   !frame_info(mmu, sp->gfn)->unsync))
		return FAIL(mmu, "page %u out of sync where it cannot be",
			    (unsigned)(sp - mmu->pages));
	for (unsigned slot = 0; slot < SPTES; slot++) {
		uint64_t spte = sp->spte[slot];

		if (!(spte & SPTE_P)) {
			if (spte)
				return FAIL(mmu, "page %u slot %u: junk in a "
					    "clear entry",
					    (unsigned)(sp - mmu->pages), slot);
			continue;
		}
		present++;
		global += !!(spte & SPTE_GUEST_GLOBAL);
		*leaves += !spte_is_link(sp, spte);
		why = check_entry(mmu, sp, slot, spte);
		if (why)
			return why;
	}
	if (present != sp->present || global != sp->global)
		return FAIL(mmu, "page %u counts %u present, %u global; has "
			    "%u, %u", (unsigned)(sp - mmu->pages), sp->present,
			    sp->global, present, global);
	return NULL;
}

/* Rule 2 for chains: their members are exactly the leaves and links. */
static const char *check_chains(struct shadow_mmu *mmu, unsigned leaves)
{
	unsigned on_rmaps = 0, links = 0, parents = 0;

	for (gfn_t gfn = 0; gfn < mmu->nframes; gfn++)
		on_rmaps += chain_length(mmu, mmu->frames[gfn].rmap);
	for (uint32_t r = 0; r < mmu->nregions; r++)
		on_rmaps += chain_length(mmu, mmu->regions[r].large_rmap);
	for (unsigned i = 0; i < mmu->npages; i++) {
		struct shadow_page *sp = &mmu->pages[i];

		if (!sp->in_use)
			continue;
		parents += chain_length(mmu, sp->parents);
		for (unsigned slot = 0; slot < SPTES; slot++)
			links += (sp->spte[slot] & SPTE_P) &&
				 spte_is_link(sp, sp->spte[slot]);
	}
	if (on_rmaps != leaves || parents != links)
		return FAIL(mmu, "chains hold %u leaves and %u links; the "
			    "tables have %u and %u", on_rmaps, parents, leaves,
			    links);
	return NULL;
}

/* Rule 3 and the frame bookkeeping, for guest frame GFN. */
static const char *check_frame(struct shadow_mmu *mmu, gfn_t gfn,
			       unsigned *unsync)
{
	struct frame_info *fi = &mmu->frames[gfn];
	unsigned shadowed = 0, pd = 0;
	struct shadow_page *sp, *next;
	bool traced;

	for_each_page_of_frame(mmu, sp, gfn, next)
		if (page_is_content(sp)) {
			shadowed++;
			pd += ROLE_LEVEL(sp->role) == LEVEL_PD;
		}
	if (!frame_info(mmu, gfn))      /* the hole: never counted, traced, mapped */
		return fi->shadowed || fi->traced || fi->rmap ?
			FAIL(mmu, "hole frame 0x%x traced or mapped", gfn) :
			NULL;
	traced = (shadowed && policy_traces(mmu) && !fi->unsync) ||
		 fi->watched;
	*unsync += fi->unsync;
	if (shadowed != fi->shadowed || pd != fi->shadowed_pd ||
	    traced != !!fi->traced || (fi->unsync && (!shadowed || pd)))
		return FAIL(mmu, "frame 0x%x: %u shadow pages (%u directories)"
			    ", counted %u (%u), traced %u, out of sync %u", gfn,
			    shadowed, pd, fi->shadowed, fi->shadowed_pd,
			    fi->traced, fi->unsync);
	return NULL;
}

static const char *check_frames(struct shadow_mmu *mmu)
{
	unsigned unsync = 0;
	const char *why;

	for (gfn_t gfn = 0; gfn < mmu->nframes; gfn++) {
		why = check_frame(mmu, gfn, &unsync);
		if (why)
			return why;
	}
	for (uint32_t r = 0; r < mmu->nregions; r++) {
		unsigned traced = 0;

		for (gfn_t gfn = r * SPTES;
		     gfn < (r + 1) * SPTES && gfn < mmu->nframes; gfn++)
			traced += mmu->frames[gfn].traced;
		if (traced != mmu->regions[r].traced)
			return FAIL(mmu, "region %u: %u traced frames, counted "
				    "%u", r, traced, mmu->regions[r].traced);
	}
	if (unsync != mmu->n_unsync || unsync > mmu->params.unsync_max)
		return FAIL(mmu, "%u frames out of sync, %u listed", unsync,
			    mmu->n_unsync);
	return NULL;
}

static const char *check_root(struct shadow_mmu *mmu)
{
	struct shadow_page *root;

	if (!mmu->mode->paging)
		return mmu->active_root == mmu->paging_off_root ? NULL :
			FAIL(mmu, "paging off, but not on the identity shadow");
	if (mmu->root < 0)
		return FAIL(mmu, "paging on, no root");
	root = root_page(mmu);
	if (!root->in_use || ROLE_LEVEL(root->role) != LEVEL_ROOT ||
	    root->gfn != mmu->cr3 >> 12 ||
	    (root->role & ROLE_MODE_BITS) != role_mode_bits(mmu) ||
	    mmu->active_root != root->hpa)
		return FAIL(mmu, "the active root is not the one for CR3 "
			    "0x%x", mmu->cr3);
	return NULL;
}

const char *shadow_check_invariants(struct shadow_mmu *mmu)
{
	unsigned in_use = 0, leaves = 0;
	const char *why = check_root(mmu);

	for (unsigned i = 0; !why && i < mmu->npages; i++)
		if (mmu->pages[i].in_use) {
			in_use++;
			why = check_page(mmu, &mmu->pages[i], &leaves);
		}
	if (!why && in_use != mmu->pages_in_use)
		why = FAIL(mmu, "%u pages in use, counted %u", in_use,
			   mmu->pages_in_use);
	if (!why)
		why = check_chains(mmu, leaves);
	if (!why)
		why = check_frames(mmu);
	return why;
}
