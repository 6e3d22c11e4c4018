/*
 * tables.c - the shadow tables: a cache of them, the links between them,
 * and the budget they live in.
 *
 * The problem: the real CPU walks 4-level tables (PDPT -> PD -> PT for the
 * low 4 GiB), the guest 2-level ones with 1024 entries each.  Building a
 * shadow afresh at every CR3 load would make context switches ruinous, so
 * shadow tables must be kept and shared - yet memory is capped, and a table
 * thrown away must not leave any entry pointing at its frame.
 *
 * The approach (KVM's shadow page cache): a shadow page is keyed by the
 * guest frame it shadows and its role (mmu.h): which quarter or half of the
 * guest table, the rights above it, the guest's CR0.WP and CR4.PSE (and
 * SMEP/SMAP under WP = 0).  Pages are found through a hash on the guest
 * frame, so every page of a frame - the ones a traced write must update -
 * is on one chain.  Each page knows
 * the entries that link to it (its parents); zapping a page clears those
 * first, then its own entries, so nothing ever points at a free frame.
 * Memory is one pool of budget frames; when it is full the least recently
 * used page is zapped - by a use stamp that only grows, ties going to the
 * lower index, so two runs of a guest evict the same pages.
 *
 *   guest CR3 -> directory (1024 x 4 MiB)       shadow root: PDPT (4 x 1 GiB)
 *                  quarter q (256 entries)  ->    PD page (512 x 2 MiB), quadrant q
 *                  entry j -> table (1024)  ->    PT page (512 x 4 KiB), quadrant = half
 *                  entry j = 4 MiB page     ->    two 2 MiB leaves, or two direct
 *                                                 PT pages of 4 KiB leaves
 */
#include <string.h>

#include "mmu.h"

/* ---- references to entries -------------------------------------------- */

sref_t sref_make(struct shadow_mmu *mmu, struct shadow_page *sp, unsigned slot)
{
	return (sref_t)((uint32_t)(sp - mmu->pages) << 9 | slot) + 1;
}

struct shadow_page *sref_page(struct shadow_mmu *mmu, sref_t ref)
{
	return &mmu->pages[(ref - 1) >> 9];
}

unsigned sref_slot(sref_t ref)
{
	return (ref - 1) & (SPTES - 1);
}

/* The chain link of the entry REF names. */
sref_t *sref_next(struct shadow_mmu *mmu, sref_t ref)
{
	return &mmu->next[ref - 1];
}

static void chain_add(struct shadow_mmu *mmu, sref_t *head, sref_t ref)
{
	*sref_next(mmu, ref) = *head;
	*head = ref;
}

static void chain_remove(struct shadow_mmu *mmu, sref_t *head, sref_t ref)
{
	sref_t *link = head;

	while (*link != ref) {
		if (!*link)
			SHADOW_BUG(mmu, "entry missing from its chain");
		link = sref_next(mmu, *link);
	}
	*link = *sref_next(mmu, ref);
	*sref_next(mmu, ref) = 0;
}

/* ---- what an entry is ------------------------------------------------- */

/* Built from the contents of a guest table (so traced), or not? */
bool page_is_content(const struct shadow_page *sp)
{
	unsigned level = ROLE_LEVEL(sp->role);

	return !(sp->role & ROLE_DIRECT) && (level == LEVEL_PT ||
					     level == LEVEL_PD);
}

/* Does present entry SPTE of page SP point to another shadow page? */
bool spte_is_link(const struct shadow_page *sp, uint64_t spte)
{
	unsigned level = ROLE_LEVEL(sp->role);

	return level == LEVEL_ROOT || (level == LEVEL_PD && !(spte & SPTE_PS));
}

struct shadow_page *page_of_hpa(struct shadow_mmu *mmu, shadow_hpa_t hpa)
{
	uint64_t i = (hpa - mmu->pool) / PAGE_4K;

	if (hpa < mmu->pool || i >= mmu->npages)
		return NULL;
	return &mmu->pages[i];
}

/* An entry linking to shadow page CHILD. */
uint64_t spte_link(const struct shadow_page *child, bool global)
{
	return child->hpa | SPTE_P | SPTE_W | SPTE_U | SPTE_A |
	       (global ? SPTE_GUEST_GLOBAL : 0);
}

/*
 * A leaf mapping guest RAM at GPA (4 KiB, or 2 MiB if LARGE) with RIGHTS.
 * A 4 KiB leaf onto a traced frame is read-only whatever RIGHTS say.
 */
uint64_t spte_leaf(struct shadow_mmu *mmu, uint64_t gpa, unsigned rights,
		   bool global, bool large)
{
	uint64_t spte = (mmu->ram.base + gpa) | SPTE_P | SPTE_A;

	if (!large && frame_is_traced(mmu, gpa / PAGE_4K))
		rights &= ~ACC_W;
	if (rights & ACC_U)
		spte |= SPTE_U;
	if (rights & ACC_W)
		spte |= SPTE_W | SPTE_D;
	if (global)
		spte |= SPTE_GUEST_GLOBAL;
	if (large)
		spte |= SPTE_PS;
	return spte;
}

/* Record entry REF (now SPTE, present) where it must be found again. */
static void spte_account(struct shadow_mmu *mmu, struct shadow_page *sp,
			 sref_t ref, uint64_t spte, int delta)
{
	bool link = spte_is_link(sp, spte);

	sp->present += delta;
	if (spte & SPTE_GUEST_GLOBAL)
		sp->global += delta;
	if (link && delta > 0)
		chain_add(mmu, &page_of_hpa(mmu, spte & SPTE_ADDR_MASK)->parents,
			  ref);
	else if (link)
		chain_remove(mmu,
			     &page_of_hpa(mmu, spte & SPTE_ADDR_MASK)->parents,
			     ref);
	else if (delta > 0)
		rmap_add(mmu, ref, spte, spte & SPTE_PS);
	else
		rmap_remove(mmu, ref, spte, spte & SPTE_PS);
}

/* Does NEW grant at least what OLD did, to the same place? */
static bool spte_widens(uint64_t old, uint64_t new)
{
	uint64_t rights = SPTE_P | SPTE_W | SPTE_U;

	return (old & SPTE_ADDR_MASK) == (new & SPTE_ADDR_MASK) &&
	       (old & SPTE_PS) == (new & SPTE_PS) &&
	       (old & rights & ~new) == 0;
}

/*
 * Set entry SLOT of SP to SPTE (0 to clear it), keeping the reverse maps
 * and parent lists right, and noting a TLB flush if rights were lost.
 */
void spte_set(struct shadow_mmu *mmu, struct shadow_page *sp, unsigned slot,
	      uint64_t spte)
{
	uint64_t old = sp->spte[slot];
	sref_t ref = sref_make(mmu, sp, slot);

	if (old == spte)
		return;
	if (old & SPTE_P) {
		spte_account(mmu, sp, ref, old, -1);
		if (!(spte & SPTE_P) || !spte_widens(old, spte))
			mmu->flush_pending = true;
	}
	sp->spte[slot] = spte;
	if (spte & SPTE_P)
		spte_account(mmu, sp, ref, spte, +1);
}

/* Take write access away from the leaf REF names (the frame is traced). */
void spte_write_protect(struct shadow_mmu *mmu, sref_t ref)
{
	uint64_t *spte = &sref_page(mmu, ref)->spte[sref_slot(ref)];

	if (*spte & SPTE_W) {
		*spte &= ~(SPTE_W | SPTE_D);
		mmu->flush_pending = true;
	}
}

/* ---- the cache -------------------------------------------------------- */

static int32_t *bucket_of(struct shadow_mmu *mmu, gfn_t gfn)
{
	return &mmu->buckets[(gfn * 0x9e3779b1u) >> (32 - mmu->bucket_bits)];
}

static struct shadow_page *page_at(struct shadow_mmu *mmu, int32_t i)
{
	return i < 0 ? NULL : &mmu->pages[i];
}

/* The first cached page (of any role) of guest frame GFN, or NULL. */
struct shadow_page *frame_first_page(struct shadow_mmu *mmu, gfn_t gfn)
{
	struct shadow_page *sp = page_at(mmu, *bucket_of(mmu, gfn));

	while (sp && sp->gfn != gfn)
		sp = page_at(mmu, sp->hash_next);
	return sp;
}

/* The next cached page after SP with the same guest frame, or NULL. */
struct shadow_page *frame_next_page(struct shadow_mmu *mmu,
				    struct shadow_page *sp)
{
	gfn_t gfn = sp->gfn;

	do
		sp = page_at(mmu, sp->hash_next);
	while (sp && sp->gfn != gfn);
	return sp;
}

struct shadow_page *page_find(struct shadow_mmu *mmu, gfn_t gfn,
			      uint32_t role)
{
	struct shadow_page *sp = frame_first_page(mmu, gfn);

	while (sp && sp->role != role)
		sp = frame_next_page(mmu, sp);
	return sp;
}

static void hash_remove(struct shadow_mmu *mmu, struct shadow_page *sp)
{
	int32_t *link = bucket_of(mmu, sp->gfn);
	int32_t i = (int32_t)(sp - mmu->pages);

	while (*link != i)
		link = &mmu->pages[*link].hash_next;
	*link = sp->hash_next;
}

/* Mark SP used by the current operation (so not evicted by it). */
void page_touch(struct shadow_mmu *mmu, struct shadow_page *sp)
{
	sp->stamp = mmu->clock;
}

/* The current root page (paging on, after root_select). */
struct shadow_page *root_page(struct shadow_mmu *mmu)
{
	return &mmu->pages[mmu->root];
}

/* Clear every entry of SP (it stays cached, linked and traced). */
void page_clear(struct shadow_mmu *mmu, struct shadow_page *sp)
{
	for (unsigned slot = 0; sp->present && slot < SPTES; slot++)
		spte_set(mmu, sp, slot, 0);
}

/*
 * Throw SP away: unlink it from every parent, clear its entries, stop
 * tracing its guest frame if nothing else shadows it, and free it.
 */
void page_zap(struct shadow_mmu *mmu, struct shadow_page *sp)
{
	while (sp->parents)
		spte_set(mmu, sref_page(mmu, sp->parents),
			 sref_slot(sp->parents), 0);
	page_clear(mmu, sp);
	if (page_is_content(sp))
		frame_unshadowed(mmu, sp);
	hash_remove(mmu, sp);
	if (mmu->root == sp - mmu->pages)
		mmu->root = -1;
	sp->in_use = false;
	sp->unsync = false;
	sp->hash_next = mmu->free_page;
	mmu->free_page = (int32_t)(sp - mmu->pages);
	mmu->pages_in_use--;
	mmu->stats.pages_zapped++;
}

void zap_all(struct shadow_mmu *mmu)
{
	for (unsigned i = 0; i < mmu->npages; i++)
		if (mmu->pages[i].in_use)
			page_zap(mmu, &mmu->pages[i]);
}

/*T:280 The budget.  Shadow tables come from a pool of budget_frames frames.
 * When it is empty the least recently used page goes - not the current root,
 * and not one the current operation has used (its stamp is the current
 * clock).  Stamps only grow and ties go to the lower index: no randomness,
 * so a run is repeatable.  The victim's parents are unlinked first; its
 * children stay cached, and a later walk may link them again.
 */
static struct shadow_page *page_evict(struct shadow_mmu *mmu)
{
	struct shadow_page *victim = NULL;

	for (unsigned i = 0; i < mmu->npages; i++) {
		struct shadow_page *sp = &mmu->pages[i];

		if (!sp->in_use || sp->stamp == mmu->clock ||
		    (int32_t)i == mmu->root)
			continue;
		if (!victim || sp->stamp < victim->stamp)
			victim = sp;
	}
	if (!victim)
		SHADOW_BUG(mmu, "budget too small for one walk");
	page_zap(mmu, victim);
	mmu->stats.evicted++;
	return victim;
}

/* A free page, empty, from the pool (evicting if the budget is spent). */
static struct shadow_page *page_alloc(struct shadow_mmu *mmu)
{
	struct shadow_page *sp;

	if (mmu->free_page < 0)
		page_evict(mmu);
	sp = &mmu->pages[mmu->free_page];
	mmu->free_page = sp->hash_next;
	memset(sp->spte, 0, PAGE_4K);
	memset(&mmu->next[(sp - mmu->pages) * SPTES], 0,
	       SPTES * sizeof(sref_t));
	sp->parents = 0;
	sp->present = sp->global = sp->writes = 0;
	sp->unsync = false;
	sp->in_use = true;
	if (++mmu->pages_in_use > mmu->stats.pages_peak)
		mmu->stats.pages_peak = mmu->pages_in_use;
	return sp;
}

/*
 * The shadow page for guest frame GFN in ROLE: from the cache, or built
 * empty (and its guest frame traced).
 */
struct shadow_page *page_get(struct shadow_mmu *mmu, gfn_t gfn,
			     uint32_t role)
{
	struct shadow_page *sp = page_find(mmu, gfn, role);
	int32_t *bucket;

	if (sp) {
		mmu->stats.cache_hits++;
		return sp;
	}
	mmu->stats.cache_misses++;
	mmu->stats.pages_built++;
	sp = page_alloc(mmu);
	sp->gfn = gfn;
	sp->role = role;
	page_touch(mmu, sp);
	bucket = bucket_of(mmu, gfn);
	sp->hash_next = *bucket;
	*bucket = (int32_t)(sp - mmu->pages);
	if (page_is_content(sp))
		frame_shadowed(mmu, sp);
	return sp;
}

/*
 * The role bits every page built now carries: CR0.WP, CR4.PSE, and SMX
 * (CR4.SMEP or SMAP while CR0.WP is clear).
 */
uint32_t role_mode_bits(const struct shadow_mmu *mmu)
{
	bool wp = mmu->cr0 & GCR0_WP;

	return (wp ? ROLE_WP : 0) | (mmu->cr4 & GCR4_PSE ? ROLE_PSE : 0) |
	       (!wp && (mmu->cr4 & (GCR4_SMEP | GCR4_SMAP)) ? ROLE_SMX : 0);
}

/* Make the root for the guest's CR3 and mode current, cached or new. */
void root_select(struct shadow_mmu *mmu)
{
	uint32_t role = ROLE(LEVEL_ROOT, 0, ACC_ALL) | role_mode_bits(mmu);
	gfn_t gfn = mmu->cr3 >> 12;
	struct shadow_page *sp = page_find(mmu, gfn, role);

	if (sp)
		mmu->stats.root_hits++;
	else
		mmu->stats.root_misses++;
	sp = page_get(mmu, gfn, role);
	page_touch(mmu, sp);
	mmu->root = (int32_t)(sp - mmu->pages);
}
