/*
 * policy.c - the guest's TLB discipline, and the three ways to keep a
 * shadow coherent: CR3 loads, invlpg, CR0/CR4 writes.
 *
 * The problem: the guest flushes its TLB (CR3 load: all but global entries;
 * invlpg: one page; CR4.PGE or CR0.PG change: everything) and expects its
 * table changes to be seen afterwards.  A shadow that traces every table
 * needs none of that; one that traces nothing must act on all of it; one in
 * between must resync what it let go.  Each trades trace costs, hidden
 * faults and CR3 costs differently - that trade-off is what the monitor
 * measures.
 *
 * The approach: one function per guest action, each saying what it means
 * under each policy.
 *
 *                 TRACE             LAZY                     HYBRID
 *   CR3 load      switch root       drop all non-global      resync every
 *                                   entries, switch root     unsynced table,
 *                                                            switch root
 *   invlpg        drop the entry    drop the address in      drop the entry
 *                 (current root)    every cached table       (current root)
 *   CR4.PGE,PSE   -                 drop everything          resync all
 *   CR0.WP,       switch to the root of the new role (cached or built);
 *   CR4.PSE       HYBRID resyncs first (CR4.SMEP/SMAP too, under WP = 0)
 *   CR0.PG        every policy drops everything: the paging-off shadow
 *                 honours no traces
 *
 * Under LAZY the shadow is a TLB: an entry may be stale exactly where the
 * guest's own TLB may be, and no further.  Because shadow tables are shared
 * between address spaces, aliased at several addresses, and kept after they
 * are unlinked, "where" is computed conservatively: invlpg clears the
 * address's slot in every cached table that could map it (every alias of a
 * guest entry has the same slot), and rechecks every directory link there;
 * a CR3 load clears every non-global entry of every table.  Linked or not,
 * no cached table then holds anything the guest has flushed.
 *
 * HYBRID's out-of-sync tables are stale by design, so whatever could make
 * one reachable without a CR3 load resyncs them first: a role switch (CR0.WP,
 * CR4.PSE) brings in the other role's tables of the same guest frames.
 */
#include "mmu.h"

/* ---- HYBRID: out of sync and back ------------------------------------- */

/*T:270 Hybrid, 1: letting go.  A page table the guest keeps writing (a fork
 * copying entries, a kernel filling a new table) costs one emulated write
 * per store under TRACE.  Under HYBRID, once it has been written more than
 * unsync_writes times it goes out of sync: its frame is no longer traced
 * (the read-only leaves onto it stay so until the next write faults and
 * maps it writable), and its shadow pages are left as they are - stale, the
 * way the guest's own TLB may be - until the next CR3 load resyncs them.  Only
 * frames shadowed as page tables qualify: a directory's shadow links to
 * other shadow pages and must never be stale.
 */
void frame_unsync(struct shadow_mmu *mmu, gfn_t gfn)
{
	struct frame_info *fi = frame_info(mmu, gfn);
	struct shadow_page *sp, *next;

	fi->unsync = 1;
	mmu->unsync_list[mmu->n_unsync++] = gfn;
	for_each_page_of_frame(mmu, sp, gfn, next)
		if (page_is_content(sp)) {
			sp->unsync = true;
			mmu->stats.pages_unsynced++;
		}
	frame_untrace(mmu, gfn);
}

/*T:275 Hybrid, 2: catching up.  Resyncing an out-of-sync frame recomputes
 * every present leaf of its shadow pages from the guest entries as they are
 * now, then traces the frame again (write-protecting every leaf onto it).
 * Entries never filled stay empty; walks fill them.
 */
void frame_resync(struct shadow_mmu *mmu, gfn_t gfn)
{
	struct frame_info *fi = frame_info(mmu, gfn);
	struct shadow_page *sp, *next;

	for_each_page_of_frame(mmu, sp, gfn, next) {
		if (!page_is_content(sp) || ROLE_LEVEL(sp->role) != LEVEL_PT)
			continue;
		for (unsigned slot = 0; sp->present && slot < SPTES; slot++)
			if (sp->spte[slot] & SPTE_P)
				spte_set(mmu, sp, slot, spte_from_gpte(mmu, sp,
					 gpte_read(mmu, pt_entry_gpa(sp, slot))));
		if (sp->unsync)
			mmu->stats.pages_resynced++;
		sp->unsync = false;
	}
	for (unsigned i = 0; i < mmu->n_unsync; i++)
		if (mmu->unsync_list[i] == gfn)
			mmu->unsync_list[i] = mmu->unsync_list[--mmu->n_unsync];
	fi->unsync = 0;
	fi->writes = 0;
	if (policy_traces(mmu))
		frame_trace(mmu, gfn);
}

static void resync_all(struct shadow_mmu *mmu)
{
	while (mmu->n_unsync)
		frame_resync(mmu, mmu->unsync_list[0]);
}

/* ---- LAZY: dropping what the guest flushes ---------------------------- */

/* Clear the entries of SP that a CR3 load flushes: all but global ones. */
static void drop_nonglobal_in(struct shadow_mmu *mmu, struct shadow_page *sp)
{
	for (unsigned slot = 0; sp->present > sp->global && slot < SPTES;
	     slot++) {
		uint64_t spte = sp->spte[slot];

		if (!(spte & SPTE_P) || (spte & SPTE_GUEST_GLOBAL))
			continue;
		if (spte_is_link(sp, spte) &&
		    page_of_hpa(mmu, spte & SPTE_ADDR_MASK)->global)
			continue;       /* a table holding global entries */
		spte_set(mmu, sp, slot, 0);
	}
}

/*
 * A CR3 load under LAZY: every entry not derived from a global guest entry
 * goes - leaves first, then directory links to tables left with no global
 * leaf.  The roots' links to their directories depend only on CR3: kept.
 */
static void drop_nonglobal(struct shadow_mmu *mmu)
{
	for (unsigned level = LEVEL_PT; level <= LEVEL_PD; level++)
		for (unsigned i = 0; i < mmu->npages; i++) {
			struct shadow_page *sp = &mmu->pages[i];

			if (sp->in_use && ROLE_LEVEL(sp->role) == level &&
			    !(sp->role & ROLE_DIRECT))
				drop_nonglobal_in(mmu, sp);
		}
}

/* LAZY invlpg in directory page PD: the 4 MiB of GVA, its link checked. */
static void invalidate_in_pd(struct shadow_mmu *mmu, struct shadow_page *pd,
			     gva_t gva)
{
	unsigned first = (gva >> 21) & (SPTES - 2);

	for (unsigned slot = first; slot < first + 2; slot++) {
		uint64_t spte = pd->spte[slot];
		struct shadow_page *child;

		if (!(spte & SPTE_P))
			continue;
		child = spte_is_link(pd, spte) ?
				page_of_hpa(mmu, spte & SPTE_ADDR_MASK) : NULL;
		if (!child || (child->role & ROLE_DIRECT) ||
		    !spde_link_matches(mmu, pd, slot, child,
				       gpte_read(mmu, pd_entry_gpa(pd, slot))))
			spte_set(mmu, pd, slot, 0);
	}
}

/*
 * invlpg GVA under LAZY.  Any cached table may be linked at GVA again
 * without another flush, so the address goes from all of them: the leaf
 * slot of every page table for GVA's half, the 4 MiB page (both 2 MiB
 * halves) or a link the guest directory no longer backs in every directory
 * page for GVA's quarter.
 */
static void invalidate_everywhere(struct shadow_mmu *mmu, gva_t gva)
{
	for (unsigned i = 0; i < mmu->npages; i++) {
		struct shadow_page *sp = &mmu->pages[i];
		unsigned level = ROLE_LEVEL(sp->role);

		if (!sp->in_use || !page_is_content(sp))
			continue;
		if (level == LEVEL_PT &&
		    ROLE_QUADRANT(sp->role) == ((gva >> 21) & 1))
			spte_set(mmu, sp, (gva >> 12) & (SPTES - 1), 0);
		if (level == LEVEL_PD && ROLE_QUADRANT(sp->role) == gva >> 30)
			invalidate_in_pd(mmu, sp, gva);
	}
}

/*
 * invlpg GVA under TRACE and HYBRID: drop the leaf for GVA on the current
 * root's path (for a 4 MiB page, both 2 MiB halves).  Under HYBRID this is
 * what refreshes an out-of-sync table's entry; directories are traced.
 */
static void invalidate_in_root(struct shadow_mmu *mmu, gva_t gva)
{
	uint64_t link = root_page(mmu)->spte[gva >> 30];
	unsigned first = (gva >> 21) & (SPTES - 2);
	struct shadow_page *pd, *pt;

	if (!(link & SPTE_P))
		return;
	pd = page_of_hpa(mmu, link & SPTE_ADDR_MASK);
	for (unsigned slot = first; slot < first + 2; slot++) {
		uint64_t spte = pd->spte[slot];

		if (!(spte & SPTE_P))
			continue;
		pt = spte_is_link(pd, spte) ?
			     page_of_hpa(mmu, spte & SPTE_ADDR_MASK) : NULL;
		if (!pt || (pt->role & ROLE_DIRECT))
			spte_set(mmu, pd, slot, 0);
		else if (slot == ((gva >> 21) & (SPTES - 1)))
			spte_set(mmu, pt, (gva >> 12) & (SPTES - 1), 0);
	}
}

/* ---- the guest's actions ---------------------------------------------- */

/*T:250 The CR3 load.  The guest switches address spaces.  Under TRACE every
 * cached shadow is coherent, so the switch is a cache lookup: the root for
 * (directory frame, role) if cached - its directory and table pages shared
 * with every other root that reaches the same guest tables - else an empty
 * root that faults will fill.  LAZY first drops every entry the guest's CPU
 * would flush (all but global ones); HYBRID first resyncs every table it let
 * go out of sync.  Either way the monitor is told to activate the root,
 * which flushes the real TLB as the guest's CR3 load would.
 */
void shadow_on_cr3_load(struct shadow_mmu *mmu, uint32_t cr3)
{
	op_begin(mmu);
	mmu->stats.cr3_loads++;
	mmu->cr3 = cr3;
	if (mmu->mode->paging) {
		if (mmu->params.policy == SHADOW_LAZY)
			drop_nonglobal(mmu);
		else if (mmu->params.policy == SHADOW_HYBRID)
			resync_all(mmu);
		mmu->root = -1;         /* op_end selects the new one */
	}
	mmu->force_activate = true;
	op_end(mmu);
}

/*T:260 invlpg.  The guest says one page's translation may have changed.
 * TRACE knows already; it drops the entry anyway (one hidden fault later
 * it is back), as the guest's CPU drops its TLB entry.  HYBRID drops it too,
 * which is how an out-of-sync table's entry catches up.  LAZY must find
 * every cached copy of the address (invalidate_everywhere).
 */
void shadow_on_invlpg(struct shadow_mmu *mmu, gva_t gva)
{
	op_begin(mmu);
	mmu->stats.invlpgs++;
	if (mmu->mode->paging) {
		if (mmu->params.policy == SHADOW_LAZY)
			invalidate_everywhere(mmu, gva);
		else
			invalidate_in_root(mmu, gva);
	}
	op_end(mmu);
}

/* The guest's CPU flushes its whole TLB (CR4.PGE or CR4.PSE changed). */
static void flush_everything(struct shadow_mmu *mmu)
{
	if (mmu->params.policy == SHADOW_LAZY)
		zap_all(mmu);
	else if (mmu->params.policy == SHADOW_HYBRID)
		resync_all(mmu);
}

/*
 * CR0 or CR4 now hold CR0 and CR4.  A change of PG drops every shadow (the
 * paging-off shadow ignores traces, so nothing cached could be trusted
 * after); PGE and PSE flush the guest's TLB; WP and PSE (and SMEP/SMAP
 * while WP is clear) change the role, so the root is chosen again (HYBRID
 * resyncs before: the other role's tables of an out-of-sync frame missed
 * the invlpgs since).  SMEP and SMAP otherwise change no shadow entry: the
 * real CPU applies them itself.
 */
static int mode_change(struct shadow_mmu *mmu, uint32_t cr0, uint32_t cr4)
{
	const struct paging_mode *mode = paging_mode_for(cr0, cr4);
	uint32_t cr0_changed = mmu->cr0 ^ cr0, cr4_changed = mmu->cr4 ^ cr4;
	uint32_t old_role = role_mode_bits(mmu);
	bool role_changed;

	if (!mode)
		return -1;
	op_begin(mmu);
	mmu->cr0 = cr0;
	mmu->cr4 = cr4;
	mmu->mode = mode;
	role_changed = role_mode_bits(mmu) != old_role;
	if (cr0_changed & GCR0_PG)
		zap_all(mmu);
	else if (cr4_changed & (GCR4_PGE | GCR4_PSE))
		flush_everything(mmu);
	else if (role_changed && mmu->params.policy == SHADOW_HYBRID)
		resync_all(mmu);
	if ((cr0_changed & GCR0_PG) || role_changed)
		mmu->root = -1;
	if ((cr0_changed & GCR0_PG) || (cr4_changed & (GCR4_PGE | GCR4_PSE)))
		mmu->force_activate = true;
	op_end(mmu);
	return 0;
}

int shadow_on_cr0_write(struct shadow_mmu *mmu, uint32_t cr0)
{
	return mode_change(mmu, cr0, mmu->cr4);
}

int shadow_on_cr4_write(struct shadow_mmu *mmu, uint32_t cr4)
{
	return mode_change(mmu, mmu->cr0, cr4);
}

void shadow_set_policy(struct shadow_mmu *mmu, enum shadow_policy policy)
{
	op_begin(mmu);
	zap_all(mmu);
	mmu->params.policy = policy;
	mmu->root = -1;
	mmu->force_activate = true;
	op_end(mmu);
}
