/*
 * trace.c - traces: knowing when the guest writes its page tables.
 *
 * The problem: the guest changes its page tables with ordinary stores, which
 * the CPU does not report.  A shadow built from a guest table is stale the
 * moment the guest writes that table - unless the write can be seen.
 *
 * The approach (VMware's traces, KVM's write protection): every guest frame
 * that holds a table some cached shadow page was built from is mapped
 * read-only in every shadow.  To find "every" mapping, each 4 KiB shadow
 * leaf is on the reverse map of the guest frame it maps, and each 2 MiB leaf
 * on that of its 2 MiB region (a region holding a traced frame gets 4 KiB
 * leaves instead).  A write to a traced frame faults; the monitor emulates
 * the instruction and hands the bytes to shadow_emulated_write, which stores
 * them and brings exactly the shadow entries derived from the changed guest
 * entries up to date: a table entry's leaf is recomputed, a directory
 * entry's two 2 MiB slots are cleared.  Any alignment works: every 4-byte
 * guest entry the bytes touch is looked at.  A table written flood_writes
 * times with no walk using it in between is probably no longer a page table
 * (or the guest is filling a new one): it is unshadowed (KVM's write
 * flooding).  Under HYBRID, a page table written more than unsync_writes
 * times goes out of sync instead (policy.c).
 */
#include <string.h>

#include "mmu.h"

/* ---- reverse maps ----------------------------------------------------- */

/* The guest-physical address leaf SPTE maps. */
static uint64_t spte_gpa(const struct shadow_mmu *mmu, uint64_t spte)
{
	return (spte & SPTE_ADDR_MASK) - mmu->ram.base;
}

static sref_t *rmap_head(struct shadow_mmu *mmu, uint64_t spte, bool large)
{
	uint64_t gpa = spte_gpa(mmu, spte);
	struct frame_info *fi = large ? NULL : frame_info(mmu, gpa / PAGE_4K);

	if (large)
		return &mmu->regions[gpa / PAGE_2M].large_rmap;
	if (!fi)
		SHADOW_BUG(mmu, "a shadow leaf maps what is not guest RAM");
	return &fi->rmap;
}

/* Put leaf REF (= SPTE) on the reverse map of what it maps. */
void rmap_add(struct shadow_mmu *mmu, sref_t ref, uint64_t spte, bool large)
{
	sref_t *head = rmap_head(mmu, spte, large);

	*sref_next(mmu, ref) = *head;
	*head = ref;
}

void rmap_remove(struct shadow_mmu *mmu, sref_t ref, uint64_t spte, bool large)
{
	sref_t *link = rmap_head(mmu, spte, large);

	while (*link != ref) {
		if (!*link)
			SHADOW_BUG(mmu, "leaf missing from its reverse map");
		link = sref_next(mmu, *link);
	}
	*link = *sref_next(mmu, ref);
	*sref_next(mmu, ref) = 0;
}

/* ---- which frames are traced ------------------------------------------ */

bool frame_is_traced(struct shadow_mmu *mmu, uint64_t gfn)
{
	struct frame_info *fi = frame_info(mmu, gfn);

	return fi && fi->traced;
}

/* Does the 2 MiB region holding GPA hold a traced frame? */
bool region_is_traced(struct shadow_mmu *mmu, uint64_t gpa)
{
	return gpa / PAGE_2M < mmu->nregions &&
	       mmu->regions[gpa / PAGE_2M].traced;
}

/*
 * Start tracing guest frame GFN: no shadow may write it any more.  Its
 * 4 KiB leaves lose W; 2 MiB leaves over it go (a fault refills the region
 * with 4 KiB leaves, this frame's read-only).
 */
void frame_trace(struct shadow_mmu *mmu, gfn_t gfn)
{
	struct frame_info *fi = frame_info(mmu, gfn);
	struct region_info *region = &mmu->regions[gfn / SPTES];

	if (!fi || fi->traced)
		return;
	fi->traced = 1;
	region->traced++;
	for (sref_t ref = fi->rmap; ref; ref = *sref_next(mmu, ref))
		spte_write_protect(mmu, ref);
	while (region->large_rmap)
		spte_set(mmu, sref_page(mmu, region->large_rmap),
			 sref_slot(region->large_rmap), 0);
}

/*
 * Stop tracing GFN - unless it is watched, which keeps it write-protected.
 * Its read-only leaves stay so until a write faults.
 */
void frame_untrace(struct shadow_mmu *mmu, gfn_t gfn)
{
	struct frame_info *fi = frame_info(mmu, gfn);

	if (!fi || !fi->traced || fi->watched)
		return;
	fi->traced = 0;
	mmu->regions[gfn / SPTES].traced--;
}

/*
 * Watches: the same write protection, asked for by the monitor for frames
 * that are not page tables (the guest's descriptor tables).  A frame is
 * traced while it is watched or a traced page table, whichever lasts.
 */
void shadow_watch_frame(struct shadow_mmu *mmu, gpa_t gpa)
{
	struct frame_info *fi = frame_info(mmu, gpa / PAGE_4K);

	if (!fi)
		return;
	op_begin(mmu);
	if (fi->watched == UINT8_MAX)
		SHADOW_BUG(mmu, "a frame watched 255 times");
	if (fi->watched++ == 0) {
		shadow_paging_off_protect(&mmu->env, &mmu->ram,
					  mmu->paging_off_root, gpa, true);
		mmu->flush_pending = true;
	}
	frame_trace(mmu, gpa / PAGE_4K);
	op_end(mmu);
}

void shadow_unwatch_frame(struct shadow_mmu *mmu, gpa_t gpa)
{
	gfn_t gfn = gpa / PAGE_4K;
	struct frame_info *fi = frame_info(mmu, gfn);

	if (!fi || !fi->watched)
		return;
	op_begin(mmu);
	if (--fi->watched == 0) {
		shadow_paging_off_protect(&mmu->env, &mmu->ram,
					  mmu->paging_off_root, gpa, false);
		if (!(fi->shadowed && policy_traces(mmu) && !fi->unsync))
			frame_untrace(mmu, gfn);
	}
	op_end(mmu);
}

bool shadow_frame_watched(struct shadow_mmu *mmu, uint64_t gpa)
{
	struct frame_info *fi = frame_info(mmu, gpa / PAGE_4K);

	return fi && fi->watched;
}

/* Shadow page SP was just built from its guest frame: count and trace it. */
void frame_shadowed(struct shadow_mmu *mmu, struct shadow_page *sp)
{
	struct frame_info *fi = frame_info(mmu, sp->gfn);

	if (!fi)
		return;
	if (ROLE_LEVEL(sp->role) == LEVEL_PD) {
		if (fi->unsync)         /* directories are never out of sync */
			frame_resync(mmu, sp->gfn);
		fi->shadowed_pd++;
	}
	fi->shadowed++;
	if (fi->unsync)
		sp->unsync = true;      /* joins its frame's other tables */
	else if (policy_traces(mmu))
		frame_trace(mmu, sp->gfn);
}

/* Shadow page SP is going away: the last one of a frame ends its trace. */
void frame_unshadowed(struct shadow_mmu *mmu, struct shadow_page *sp)
{
	struct frame_info *fi = frame_info(mmu, sp->gfn);

	if (!fi)
		return;
	fi->shadowed--;
	if (ROLE_LEVEL(sp->role) == LEVEL_PD)
		fi->shadowed_pd--;
	if (fi->shadowed)
		return;
	if (fi->unsync) {
		for (unsigned i = 0; i < mmu->n_unsync; i++)
			if (mmu->unsync_list[i] == sp->gfn)
				mmu->unsync_list[i] =
					mmu->unsync_list[--mmu->n_unsync];
		fi->unsync = 0;
	}
	fi->writes = 0;
	frame_untrace(mmu, sp->gfn);
}

/* ---- emulated writes -------------------------------------------------- */

/*T:240 The traced write, 2: bringing the shadow up to date.  The guest
 * entry at index INDEX of frame GFN changed.  Every cached shadow page of
 * that frame (all roles) that covers the entry gets the change: in a page
 * table the one leaf is recomputed from the new entry (installed even if
 * it was empty, when the guest entry is already accessed - saving the fault
 * that would follow); in a directory the two 2 MiB slots the entry covers
 * are cleared, and the next walk links what the entry now says.
 */
static void gpte_changed(struct shadow_mmu *mmu, gfn_t gfn, unsigned index,
			 uint32_t gpte)
{
	struct shadow_page *sp, *next;

	for_each_page_of_frame(mmu, sp, gfn, next) {
		unsigned level = ROLE_LEVEL(sp->role);
		unsigned quadrant = ROLE_QUADRANT(sp->role);

		if (!page_is_content(sp))
			continue;
		if (level == LEVEL_PT && index / SPTES == quadrant)
			spte_set(mmu, sp, index % SPTES,
				 spte_from_gpte(mmu, sp, gpte));
		if (level == LEVEL_PD && index / (GPTES / 4) == quadrant) {
			unsigned slot = index % (GPTES / 4) * 2;

			spte_set(mmu, sp, slot, 0);
			spte_set(mmu, sp, slot + 1, 0);
		}
	}
}

/*
 * A traced frame was written: count it towards flooding (every shadow page
 * of the frame), or, under HYBRID, towards letting a page table go out of
 * sync.
 */
static void frame_written(struct shadow_mmu *mmu, gfn_t gfn)
{
	struct frame_info *fi = frame_info(mmu, gfn);
	struct shadow_page *sp, *next;

	if (!fi->traced)
		return;
	/* (a watched frame stays write-protected: out of sync it would be
	 * written through unseen, so it never goes) */
	if (mmu->params.policy == SHADOW_HYBRID && !fi->shadowed_pd &&
	    !fi->watched && ++fi->writes > mmu->params.unsync_writes &&
	    mmu->n_unsync < mmu->params.unsync_max) {
		frame_unsync(mmu, gfn);
		return;
	}
	if (!mmu->params.flood_writes)
		return;
	for_each_page_of_frame(mmu, sp, gfn, next)
		if (page_is_content(sp) &&
		    ++sp->writes >= mmu->params.flood_writes) {
			page_zap(mmu, sp);
			mmu->stats.flooded++;
		}
}

/*T:230 The traced write, 1: the store.  The guest wrote a frame holding one
 * of its page tables; the CPU faulted because every shadow maps that frame
 * read-only, and the monitor decoded the instruction and hands over its
 * bytes.  They are stored entry by entry: for each 4-byte guest entry the
 * store touches (a misaligned store touches two; a page-crossing one is
 * split per frame by the caller loop), the entry before and after is
 * compared, and only a real change reaches the shadow.  Then the write is
 * counted, for flooding and, under HYBRID, for going out of sync.
 */
static void write_in_frame(struct shadow_mmu *mmu, uint64_t gpa,
			   const uint8_t *src, unsigned n)
{
	uint8_t *dst = guest_ram(mmu, gpa, n);
	struct frame_info *fi = frame_info(mmu, gpa / PAGE_4K);
	uint64_t first = gpa & ~3ull, end = gpa + n;

	if (!dst)
		return;                 /* not RAM: the caller's MMIO */
	if (!fi->shadowed) {
		memcpy(dst, src, n);
		return;
	}
	for (uint64_t entry = first; entry < end; entry += 4) {
		uint64_t from = entry > gpa ? entry : gpa;
		uint64_t to = entry + 4 < end ? entry + 4 : end;
		uint32_t old = gpte_read(mmu, entry), new;

		memcpy(mmu->ram_ptr + from, src + (from - gpa), to - from);
		new = gpte_read(mmu, entry);
		if (new != old)
			gpte_changed(mmu, (gfn_t)(gpa / PAGE_4K),
				     (unsigned)(entry % PAGE_4K) / 4, new);
	}
	frame_written(mmu, (gfn_t)(gpa / PAGE_4K));
}

void shadow_emulated_write(struct shadow_mmu *mmu, gpa_t gpa,
			   const void *bytes, unsigned len)
{
	const uint8_t *src = bytes;
	uint64_t at = gpa;

	op_begin(mmu);
	mmu->stats.emulated_writes++;
	while (len) {
		unsigned n = (unsigned)(PAGE_4K - at % PAGE_4K);

		if (n > len)
			n = len;
		write_in_frame(mmu, at, src, n);
		at += n;
		src += n;
		len -= n;
	}
	op_end(mmu);
}

void shadow_untrace_frame(struct shadow_mmu *mmu, gpa_t gpa)
{
	gfn_t gfn = gpa >> 12;
	struct shadow_page *sp, *next;

	op_begin(mmu);
	mmu->stats.untraced++;
	for_each_page_of_frame(mmu, sp, gfn, next)
		if (page_is_content(sp))
			page_zap(mmu, sp);
	op_end(mmu);
}
