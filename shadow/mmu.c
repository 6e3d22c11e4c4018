/*
 * mmu.c - the shadow MMU as an object: its creation, its one door into
 * guest RAM, and the frame every operation runs in.
 *
 * The problem: the mechanisms (walks, tables, traces, policies) need memory
 * that a freestanding monitor hands out once, a way to read and write guest
 * page tables that can never stray outside guest RAM, and a single place
 * where the real CPU is told that the shadow changed.  The approach: one
 * block of bookkeeping and one pool of budget_frames shadow tables,
 * allocated at creation; every guest-physical access checked against RAM
 * and the hole here (a guest table outside RAM reads as zeros, as
 * unassigned memory does on the reference PC); and every public operation
 * bracketed by op_begin/op_end, where op_end activates a new root or
 * flushes the TLB if the operation took rights away.
 */
#include <stdio.h>
#include <string.h>

#include "mmu.h"

/* Round BYTES up so whatever follows stays aligned. */
static uint64_t carve_size(uint64_t bytes)
{
	return (bytes + 63) & ~63ull;
}

/* Take BYTES at *AT from the block at BASE (NULL: only measure). */
static void *take(uint8_t *base, uint64_t *at, uint64_t bytes)
{
	void *p = base ? base + *at : NULL;

	*at += carve_size(bytes);
	return p;
}

/* Smallest power of two >= N, as a bit count (at least 4). */
static unsigned bits_for(unsigned n)
{
	unsigned bits = 4;

	while ((1u << bits) < n)
		bits++;
	return bits;
}

static bool params_ok(const struct shadow_guest_ram *ram,
		      const struct shadow_params *p)
{
	return p->budget_frames >= SHADOW_MIN_BUDGET &&
	       p->budget_frames <= (1u << 22) &&
	       p->policy <= SHADOW_HYBRID && ram->size % PAGE_4K == 0 &&
	       ram->size <= (1ull << 32) && ram->hole_start % PAGE_4K == 0 &&
	       ram->hole_end % PAGE_4K == 0 &&
	       ram->hole_start <= ram->hole_end;
}

/* Lay the bookkeeping out in one block at BASE; returns its size. */
static uint64_t carve(struct shadow_mmu *mmu, uint8_t *base)
{
	uint64_t at = 0;

	mmu->pages = take(base, &at, mmu->npages * sizeof(*mmu->pages));
	mmu->next = take(base, &at,
			 (uint64_t)mmu->npages * SPTES * sizeof(sref_t));
	mmu->buckets = take(base, &at,
			    (sizeof(int32_t) << mmu->bucket_bits));
	mmu->frames = take(base, &at, mmu->nframes * sizeof(*mmu->frames));
	mmu->regions = take(base, &at,
			    mmu->nregions * sizeof(*mmu->regions));
	mmu->unsync_list = take(base, &at, (mmu->params.unsync_max + 1) *
						   sizeof(gfn_t));
	return at;
}

/* Every page free, every bucket empty. */
static void pages_init(struct shadow_mmu *mmu)
{
	for (unsigned i = 0; i < (1u << mmu->bucket_bits); i++)
		mmu->buckets[i] = -1;
	for (unsigned i = 0; i < mmu->npages; i++) {
		struct shadow_page *sp = &mmu->pages[i];

		sp->hpa = mmu->pool + (uint64_t)i * PAGE_4K;
		sp->spte = mmu->pool_ptr + (uint64_t)i * SPTES;
		sp->hash_next = i + 1 < mmu->npages ? (int32_t)i + 1 : -1;
	}
	mmu->free_page = 0;
}

struct shadow_mmu *shadow_create(const struct shadow_env *env,
				 const struct shadow_guest_ram *ram,
				 const struct shadow_params *params)
{
	struct shadow_mmu probe, *mmu;
	shadow_hpa_t meta_hpa, mmu_hpa, pool;
	uint64_t meta_size;

	if (!params_ok(ram, params))
		return NULL;
	memset(&probe, 0, sizeof(probe));
	probe.params = *params;
	probe.npages = params->budget_frames;
	probe.bucket_bits = bits_for(params->budget_frames);
	probe.nframes = (uint32_t)(ram->size / PAGE_4K);
	probe.nregions = (uint32_t)((ram->size + PAGE_2M - 1) / PAGE_2M);
	meta_size = carve(&probe, NULL);

	mmu_hpa = env->alloc_block(carve_size(sizeof(*mmu)));
	meta_hpa = env->alloc_block(meta_size);
	pool = env->alloc_block((uint64_t)params->budget_frames * PAGE_4K);
	if (!mmu_hpa || !meta_hpa || !pool)
		return NULL;
	mmu = env->hpa_ptr(mmu_hpa);
	*mmu = probe;
	carve(mmu, env->hpa_ptr(meta_hpa));
	mmu->env = *env;
	mmu->ram = *ram;
	mmu->ram_ptr = env->hpa_ptr(ram->base);
	mmu->pool = pool;
	mmu->pool_ptr = env->hpa_ptr(pool);
	pages_init(mmu);
	mmu->mode = &paging_off_mode;
	mmu->root = -1;
	mmu->paging_off_root = shadow_build_paging_off(env, ram);
	mmu->active_root = mmu->paging_off_root;
	return mmu;
}

shadow_hpa_t shadow_root(const struct shadow_mmu *mmu)
{
	return mmu->active_root;
}

const struct shadow_stats *shadow_stats(const struct shadow_mmu *mmu)
{
	return &mmu->stats;
}

static const char *const policy_names[] = {
	[SHADOW_TRACE] = "trace",
	[SHADOW_LAZY] = "lazy",
	[SHADOW_HYBRID] = "hybrid",
};

const char *shadow_policy_name(enum shadow_policy policy)
{
	return policy <= SHADOW_HYBRID ? policy_names[policy] : "?";
}

int shadow_policy_from_name(const char *name, enum shadow_policy *policy)
{
	for (unsigned p = SHADOW_TRACE; p <= SHADOW_HYBRID; p++)
		if (!strcmp(name, policy_names[p])) {
			*policy = (enum shadow_policy)p;
			return 0;
		}
	return -1;
}

/* Does this policy write-protect shadowed guest tables? */
bool policy_traces(const struct shadow_mmu *mmu)
{
	return mmu->params.policy != SHADOW_LAZY;
}

void shadow_panic(struct shadow_mmu *mmu, const char *fn, const char *what)
{
	snprintf(mmu->why, sizeof(mmu->why), "shadow: %s: %s", fn, what);
	mmu->env.panic(mmu->env.ctx, mmu->why);
	__builtin_trap();
}

/* ---- the door into guest RAM ------------------------------------------ */

bool gpa_is_ram(const struct shadow_mmu *mmu, uint64_t gpa, uint64_t len)
{
	uint64_t end = gpa + len;

	return end <= mmu->ram.size && end > gpa &&
	       !(gpa < mmu->ram.hole_end && end > mmu->ram.hole_start);
}

/* Monitor pointer to guest-physical [gpa, gpa+len), or NULL if not RAM. */
void *guest_ram(struct shadow_mmu *mmu, uint64_t gpa, uint64_t len)
{
	return gpa_is_ram(mmu, gpa, len) ? mmu->ram_ptr + gpa : NULL;
}

/* The guest entry at GPA; zero (not present) outside RAM. */
uint32_t gpte_read(struct shadow_mmu *mmu, uint64_t gpa)
{
	const uint8_t *p = guest_ram(mmu, gpa, 4);
	uint32_t gpte = 0;

	if (p)
		memcpy(&gpte, p, 4);
	return gpte;
}

/* Store GPTE at GPA (the walker's A/D updates); dropped outside RAM. */
void gpte_write(struct shadow_mmu *mmu, uint64_t gpa, uint32_t gpte)
{
	uint8_t *p = guest_ram(mmu, gpa, 4);

	if (p)
		memcpy(p, &gpte, 4);
}

/* Bookkeeping of guest frame GFN, or NULL if it is not RAM. */
struct frame_info *frame_info(struct shadow_mmu *mmu, uint64_t gfn)
{
	if (gfn >= mmu->nframes || !gpa_is_ram(mmu, gfn * PAGE_4K, PAGE_4K))
		return NULL;
	return &mmu->frames[gfn];
}

/* ---- operations ------------------------------------------------------- */

/* Start a public operation: pages it touches are safe from eviction. */
void op_begin(struct shadow_mmu *mmu)
{
	mmu->clock++;
}

/*
 * End a public operation: make sure paging has a root, and that the real
 * CPU runs on it with no entry the shadow has taken away still cached.
 */
void op_end(struct shadow_mmu *mmu)
{
	shadow_hpa_t root = mmu->paging_off_root;

	if (mmu->mode->paging) {
		if (mmu->root < 0)
			root_select(mmu);
		root = root_page(mmu)->hpa;
	}
	if (root != mmu->active_root || mmu->force_activate) {
		mmu->env.activate_root(mmu->env.ctx, root);
		mmu->active_root = root;
		mmu->stats.tlb_flushes++;
	} else if (mmu->flush_pending) {
		mmu->env.flush_tlb(mmu->env.ctx);
		mmu->stats.tlb_flushes++;
	}
	mmu->force_activate = false;
	mmu->flush_pending = false;
	mmu->stats.pages_in_use = mmu->pages_in_use;
}
