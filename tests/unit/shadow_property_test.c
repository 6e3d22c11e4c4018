/*
 * shadow_property_test.c - the shadow MMU against a reference walker, on
 * random guests.
 *
 * Property: a guest cannot tell the shadowed machine from the reference
 * machine (shadow_sim.h).  A random guest - four address spaces over sixteen
 * page tables, shared and aliased, with random present/writable/user/global
 * bits, 4 MiB pages, entries pointing into the hole, past RAM and above
 * 4 GiB, and a kernel window at 0xc0000000 mapping all of guest RAM through
 * which it writes its own page tables - takes thousands of random steps:
 * reads, writes and fetches at CPL 3 and at CPL 0 with EFLAGS.AC clear or
 * set, aligned, misaligned and page-crossing page-table writes, CR3
 * switches, invlpg, CR0.WP, CR4.PSE, CR4.PGE, CR4.SMEP, CR4.SMAP and CR0.PG
 * changes, untraced frames and policy switches.  After
 * every step both machines must have produced the same outcome (the same
 * data, or the same #PF error code and CR2, or the same MMIO address), hold
 * the same page tables (Accessed and Dirty bits included), the shadow's
 * invariants must hold, and every translation the active shadow root makes
 * must be the guest's.
 *
 * The guest keeps the TLB discipline the architecture asks for: after
 * changing an entry it flushes what may hold the old one (invlpg, or a CR3
 * reload, or a CR4.PGE toggle for global entries).  LAZY and HYBRID rely on
 * it; TRACE must be right even when the guest skips it, so under TRACE it
 * does, half the time.
 *
 * Runs are deterministic: a fixed seed per run (SHADOW_SEED and
 * SHADOW_STEPS in the environment override it, to explore); a failure
 * prints the run, seed and step, which reproduce it.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shadow_sim.h"

#define NSPACES    4
#define NPTS       16
#define NDATA      48
#define WINDOW     0xc0000000u      /* the kernel's view of guest RAM */
#define TABLES     0x300000u        /* all guest tables live in here */
#define WINDOW_PT  (TABLES)                     /* 4: map the window */
#define PD_BASE    (TABLES + 4 * 4096)          /* NSPACES directories */
#define PT_BASE    (PD_BASE + NSPACES * 4096)   /* NPTS page tables */
#define TABLES_END (PT_BASE + NPTS * 4096)

struct run {
	const char *name;
	enum shadow_policy policy;
	unsigned budget, steps;
	uint64_t seed;
	bool switch_policies;
	unsigned flood_writes, unsync_writes;
};

struct world {
	struct sim s;
	struct run run;
	uint64_t rng;
	unsigned step;
	unsigned space;             /* the current address space */
	uint32_t data[NDATA];       /* frames random entries point to */
	uint8_t snapshot[TABLES_END - TABLES];
	char what[160];             /* the step being taken, for failures */
	char failure[768];
};

/* ---- randomness (xorshift64*, seeded) --------------------------------- */

static uint64_t rnd64(struct world *w)
{
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 0x2545f4914f6cdd1dull;
}

static uint32_t rnd(struct world *w, uint32_t n)
{
	return (uint32_t)((rnd64(w) >> 32) % n);
}

static bool chance(struct world *w, unsigned percent)
{
	return rnd(w, 100) < percent;
}

/* ---- the random guest ------------------------------------------------- */

static const unsigned pdx[] = { 0, 1, 2, 255, 256, 511, 512, 767 };
static const unsigned ptx[] = { 0, 1, 2, 511, 512, 513, 1022, 1023 };
#define PICK(w, a) (a)[rnd((w), sizeof(a) / sizeof((a)[0]))]

static uint32_t pd_of(unsigned space) { return PD_BASE + space * 4096; }
static uint32_t pt_of(unsigned t) { return PT_BASE + t * 4096; }

static bool is_table_frame(uint32_t frame)
{
	return frame >= TABLES && frame < TABLES_END;
}

/* Random flag bits: P as asked, the rest by coin. */
static uint32_t random_flags(struct world *w, bool present)
{
	return (present ? G_P : 0) | (chance(w, 60) ? G_W : 0) |
	       (chance(w, 60) ? G_U : 0) | (chance(w, 50) ? G_A : 0) |
	       (chance(w, 40) ? G_D : 0) | (chance(w, 25) ? G_G : 0) |
	       (rnd(w, 8) << 9) | (chance(w, 10) ? 0x18 : 0);
}

/* A frame for a page-table entry to map: mostly data, sometimes odd. */
static uint32_t random_frame(struct world *w)
{
	unsigned r = rnd(w, 100);

	if (r < 70)
		return PICK(w, w->data);
	if (r < 78)
		return pt_of(rnd(w, NPTS));
	if (r < 82)
		return pd_of(rnd(w, NSPACES));
	if (r < 85)
		return WINDOW_PT + rnd(w, 4) * 4096;
	if (r < 90)
		return SIM_HOLE_START + rnd(w, 32) * 4096;
	if (r < 95)
		return SIM_RAM_SIZE + rnd(w, 1024) * 4096;
	return rnd(w, SIM_RAM_SIZE / 4096) * 4096;
}

static uint32_t random_pte(struct world *w)
{
	if (chance(w, 12))
		return (uint32_t)rnd64(w) & ~G_P;
	return random_frame(w) | random_flags(w, true);
}

static uint32_t random_pde(struct world *w)
{
	static const uint32_t big[] = { 0, 0x400000, 0x800000, 0xc00000,
					0x1000000, 0xfec00000 };
	uint32_t e;

	if (chance(w, 12))
		return (uint32_t)rnd64(w) & ~G_P;
	if (chance(w, 55)) {
		e = chance(w, 88) ? pt_of(rnd(w, NPTS)) : random_frame(w);
		return e | (random_flags(w, true) & ~G_PS) |
		       (chance(w, 5) ? G_PS : 0);
	}
	e = PICK(w, big) | G_PS | random_flags(w, true);
	if (chance(w, 4))
		e |= 1u << 21;                          /* reserved */
	if (chance(w, 4))
		e |= (rnd(w, 255) + 1) << 13;           /* PSE-36: > 4 GiB */
	return e;
}

/* ---- failing loudly --------------------------------------------------- */

static bool failed(struct world *w)
{
	return w->failure[0] != 0;
}

static void fail(struct world *w, const char *why)
{
	if (failed(w))
		return;
	snprintf(w->failure, sizeof(w->failure),
		 "run \"%s\" (policy %s, budget %u) seed %llu step %u (%s): %s",
		 w->run.name, shadow_policy_name(w->run.policy), w->run.budget,
		 (unsigned long long)w->run.seed, w->step, w->what, why);
}

/* ---- the guest's TLB discipline --------------------------------------- */

static void invlpg(struct world *w, uint32_t gva)
{
	shadow_on_invlpg(w->s.mmu, gva);
}

/*
 * Flush every translation of the 4 MiB at INDEX: page by page, or everything,
 * global entries too (Linux's __flush_tlb_all).
 */
static void flush_region(struct world *w, unsigned index)
{
	if (chance(w, 30)) {
		for (uint32_t page = 0; page < 1024; page++)
			invlpg(w, index << 22 | page << 12);
		return;
	}
	if (w->s.cr4 & SIM_CR4_PGE) {
		sim_cr4(&w->s, w->s.cr4 & ~SIM_CR4_PGE);
		sim_cr4(&w->s, w->s.cr4 | SIM_CR4_PGE);
	} else {
		sim_cr3(&w->s, w->s.cr3);
	}
}

/* Directory entry OLD at INDEX of space SPACE's directory changed. */
static void directory_changed(struct world *w, unsigned space, unsigned index,
			      uint32_t old)
{
	bool pge = w->s.cr4 & SIM_CR4_PGE, pse = w->s.cr4 & SIM_CR4_PSE;
	bool large = (old & G_P) && (old & G_PS) && pse;
	bool table = (old & G_P) && !large;
	uint32_t gva = index << 22 | rnd(w, 1u << 22);

	if (space == w->space && table)
		flush_region(w, index);
	else if (space == w->space && large)
		invlpg(w, gva);
	else if (pge && table)
		flush_region(w, index); /* global entries below it */
	else if (pge && large && (old & G_G))
		invlpg(w, gva);
}

/* Table entry OLD at INDEX of frame FRAME changed: every use of it. */
static void table_changed(struct world *w, uint32_t frame, unsigned index,
			  uint32_t old)
{
	bool pge = w->s.cr4 & SIM_CR4_PGE, pse = w->s.cr4 & SIM_CR4_PSE;

	for (unsigned space = 0; space < NSPACES; space++)
		for (unsigned x = 0; x < 1024; x++) {
			uint32_t pde = sim_peek32(&w->s, pd_of(space) + x * 4);

			if (!(pde & G_P) || ((pde & G_PS) && pse) ||
			    (pde & ~0xfffu) != frame)
				continue;
			if (space == w->space ||
			    (pge && (old & G_P) && (old & G_G)))
				invlpg(w, x << 22 | index << 12);
		}
}

/*
 * After the guest wrote [gpa, gpa+len): for each guest table entry the
 * bytes changed, flush what the guest's TLB may hold of the old entry.
 */
static void keep_tlb_discipline(struct world *w, uint64_t gpa, unsigned len)
{
	if (!(w->s.cr0 & SIM_CR0_PG) ||
	    (w->run.policy == SHADOW_TRACE && chance(w, 50)))
		return;
	for (uint64_t e = gpa & ~3ull; e < gpa + len; e += 4) {
		uint32_t frame = (uint32_t)e & ~0xfffu, old, new;

		if (!is_table_frame(frame))
			continue;
		memcpy(&old, w->snapshot + (e - TABLES), 4);
		new = sim_peek32(&w->s, (uint32_t)e);
		if (old == new)
			continue;
		for (unsigned space = 0; space < NSPACES; space++)
			if (frame == pd_of(space))
				directory_changed(w, space, (e & 0xfff) / 4,
						  old);
		table_changed(w, frame, (e & 0xfff) / 4, old);
	}
}

/* ---- comparing the two machines --------------------------------------- */

static void compare(struct world *w, const struct outcome *o,
		    const struct outcome *r, const uint8_t *obuf,
		    const uint8_t *rbuf, unsigned len, bool read)
{
	char why[256];

	if (o->broken) {
		fail(w, o->broken);
		return;
	}
	if (o->kind != r->kind)
		snprintf(why, sizeof(why), "outcome %d, reference %d", o->kind,
			 r->kind);
	else if (o->kind == OUT_FAULT &&
		 (o->error_code != r->error_code || o->cr2 != r->cr2))
		snprintf(why, sizeof(why), "#PF 0x%x at 0x%08x, reference #PF "
			 "0x%x at 0x%08x", o->error_code, o->cr2, r->error_code,
			 r->cr2);
	else if (o->kind == OUT_MMIO && o->mmio_gpa != r->mmio_gpa)
		snprintf(why, sizeof(why), "MMIO at 0x%llx, reference 0x%llx",
			 (unsigned long long)o->mmio_gpa,
			 (unsigned long long)r->mmio_gpa);
	else if (o->kind != OUT_FAULT && o->gpa[0] != r->gpa[0])
		snprintf(why, sizeof(why), "gpa 0x%llx, reference 0x%llx",
			 (unsigned long long)o->gpa[0],
			 (unsigned long long)r->gpa[0]);
	else if (o->kind != OUT_FAULT && read && memcmp(obuf, rbuf, len))
		snprintf(why, sizeof(why), "read different data");
	else
		return;
	fail(w, why);
}

/* The two machines' guest RAM must match over [gpa, gpa+len). */
static void same_ram(struct world *w, uint64_t gpa, uint64_t len)
{
	char why[160];

	if (gpa >= SIM_RAM_SIZE)
		return;
	if (gpa + len > SIM_RAM_SIZE)
		len = SIM_RAM_SIZE - gpa;
	if (!memcmp(w->s.ram + gpa, w->s.ref_ram + gpa, len))
		return;
	for (uint64_t i = 0; i < len; i++)
		if (w->s.ram[gpa + i] != w->s.ref_ram[gpa + i]) {
			snprintf(why, sizeof(why), "guest RAM differs at gpa "
				 "0x%llx: 0x%02x, reference 0x%02x",
				 (unsigned long long)(gpa + i),
				 w->s.ram[gpa + i], w->s.ref_ram[gpa + i]);
			break;
		}
	fail(w, why);
}

/* One guest access on both machines; a write keeps the TLB discipline. */
static void access_both(struct world *w, uint32_t gva,
			enum shadow_access access, int cpl, const uint8_t *data,
			unsigned len)
{
	uint8_t obuf[8], rbuf[8];
	struct outcome o, r;

	memcpy(obuf, data, len);
	memcpy(rbuf, data, len);
	if (access == SHADOW_WRITE)
		memcpy(w->snapshot, w->s.ram + TABLES, sizeof(w->snapshot));
	o = sim_access(&w->s, gva, access, cpl, obuf, len);
	r = ref_access(&w->s, gva, access, cpl, rbuf, len);
	compare(w, &o, &r, obuf, rbuf, len, access != SHADOW_WRITE);
	for (unsigned i = 0; r.kind != OUT_FAULT && i < r.pieces; i++) {
		same_ram(w, r.gpa[i] & ~0xfffull, 4096);
		if (access == SHADOW_WRITE && !failed(w))
			keep_tlb_discipline(w, r.gpa[i], r.len[i]);
	}
}

/* ---- the steps -------------------------------------------------------- */

static uint32_t random_offset(struct world *w)
{
	unsigned r = rnd(w, 4);

	return r == 0 ? 0 : r == 1 ? 4096 - 1 - rnd(w, 4) : rnd(w, 4096);
}

static uint32_t random_gva(struct world *w)
{
	unsigned r = rnd(w, 100);

	if (r < 75)
		return PICK(w, pdx) << 22 | PICK(w, ptx) << 12 |
		       random_offset(w);
	if (r < 90)
		return WINDOW + (chance(w, 50) ? TABLES + rnd(w, TABLES_END -
							       TABLES)
					       : PICK(w, w->data) +
						 random_offset(w));
	return (uint32_t)rnd64(w);
}

static void step_access(struct world *w)
{
	static const unsigned lens[] = { 1, 2, 4, 4 };
	enum shadow_access access = (enum shadow_access)rnd(w, 3);
	int cpl = chance(w, 60) ? 0 : 3;
	uint32_t gva = random_gva(w);
	unsigned len = PICK(w, lens);
	uint64_t bytes = rnd64(w);

	w->s.ac = chance(w, 30);
	snprintf(w->what, sizeof(w->what), "%s of %u at 0x%08x, CPL %d, AC %d",
		 access == SHADOW_WRITE ? "write" :
		 access == SHADOW_READ ? "read" : "fetch", len, gva, cpl,
		 w->s.ac);
	access_both(w, gva, access, cpl, (const uint8_t *)&bytes, len);
}

/*
 * The guest kernel writes one of its page tables through the window:
 * aligned, misaligned inside an entry, straddling two entries, eight bytes,
 * or across the end of the frame into the next one.
 */
static void step_table_write(struct world *w)
{
	bool dir = chance(w, 35);
	uint32_t frame = dir ? pd_of(rnd(w, NSPACES)) : pt_of(rnd(w, NPTS));
	uint32_t index = dir ? PICK(w, pdx) : PICK(w, ptx);
	uint32_t v[2] = { dir ? random_pde(w) : random_pte(w),
			  dir ? random_pde(w) : random_pte(w) };
	uint32_t gpa = frame + index * 4, gva;
	static const uint32_t flips[] = { G_A, G_D, G_W, G_U, G_G, G_P,
					  G_A | G_D, G_W | G_D };

	if (chance(w, 40))      /* what kernels mostly do: flip a bit or two */
		v[0] = sim_peek32(&w->s, gpa) ^ PICK(w, flips);
	unsigned r = rnd(w, 100), len = 4, skip = 0;

	if (r < 8)
		len = 2, skip = 1 + rnd(w, 2);          /* inside one entry */
	else if (r < 16)
		len = 4, skip = 2;                      /* across two entries */
	else if (r < 23)
		len = 8;                                /* two entries */
	else if (r < 30)
		gpa = frame + 0xffc, len = 4, skip = 2; /* across two frames */
	gpa += skip;
	gva = (w->s.cr0 & SIM_CR0_PG) ? WINDOW + gpa : gpa;
	snprintf(w->what, sizeof(w->what), "table write of %u at gpa 0x%x "
		 "(0x%08x 0x%08x)", len, gpa, v[0], v[1]);
	access_both(w, gva, SHADOW_WRITE, 0, (const uint8_t *)v + skip, len);
}

static void step_cr3(struct world *w)
{
	w->space = chance(w, 25) ? w->space : rnd(w, NSPACES);
	snprintf(w->what, sizeof(w->what), "CR3 load, space %u", w->space);
	sim_cr3(&w->s, pd_of(w->space));
}

static void step_invlpg(struct world *w)
{
	uint32_t gva = random_gva(w);

	snprintf(w->what, sizeof(w->what), "invlpg 0x%08x", gva);
	invlpg(w, gva);
}

static void step_control(struct world *w)
{
	unsigned r = rnd(w, 9);

	snprintf(w->what, sizeof(w->what), "control register change %u", r);
	if (r < 3)
		sim_cr0(&w->s, w->s.cr0 ^ SIM_CR0_WP);
	else if (r < 5)
		sim_cr4(&w->s, w->s.cr4 ^ SIM_CR4_PSE);
	else if (r < 6)
		sim_cr4(&w->s, w->s.cr4 ^ SIM_CR4_PGE);
	else if (r < 7)
		sim_cr4(&w->s, w->s.cr4 ^ SIM_CR4_SMEP);
	else if (r < 8)
		sim_cr4(&w->s, w->s.cr4 ^ SIM_CR4_SMAP);
	else
		sim_cr0(&w->s, w->s.cr0 ^ SIM_CR0_PG);
}

static void step_untrace(struct world *w)
{
	uint32_t frame = TABLES + rnd(w, (TABLES_END - TABLES) / 4096) * 4096;

	snprintf(w->what, sizeof(w->what), "untrace frame 0x%x", frame);
	shadow_untrace_frame(w->s.mmu, frame + rnd(w, 4096));
}

static void step_policy(struct world *w)
{
	w->run.policy = (enum shadow_policy)rnd(w, 3);
	snprintf(w->what, sizeof(w->what), "policy %s",
		 shadow_policy_name(w->run.policy));
	shadow_set_policy(w->s.mmu, w->run.policy);
}

static void step(struct world *w)
{
	unsigned r = rnd(w, 100);

	if (!(w->s.cr0 & SIM_CR0_PG) && chance(w, 25)) {
		snprintf(w->what, sizeof(w->what), "paging on");
		sim_cr0(&w->s, w->s.cr0 | SIM_CR0_PG);
	} else if (r < 50)
		step_access(w);
	else if (r < 72)
		step_table_write(w);
	else if (r < 80)
		step_cr3(w);
	else if (r < 87)
		step_invlpg(w);
	else if (r < 94)
		step_control(w);
	else if (r < 96)
		step_untrace(w);
	else if (r < 97 && w->run.switch_policies)
		step_policy(w);
	else
		step_access(w);
}

/* After every step: the invariants, coherence, the guest's tables. */
static void check(struct world *w)
{
	const char *why;

	if (failed(w))
		return;
	why = shadow_check_invariants(w->s.mmu);
	if (!why)
		why = sim_check_coherence(&w->s);
	if (why) {
		fail(w, why);
		return;
	}
	same_ram(w, TABLES, TABLES_END - TABLES);
	if (w->step % 512 == 0)
		same_ram(w, 0, SIM_RAM_SIZE);
}

/* ---- a run ------------------------------------------------------------ */

static void build_guest(struct world *w)
{
	for (uint32_t i = 0; i < NDATA; i++)
		w->data[i] = i < 8 ? (0x1000 + rnd(w, 0x9f) * 4096)
				   : (0x400000 + rnd(w, 0xc00) * 4096);
	for (uint32_t i = 0; i < 4; i++)
		for (uint32_t k = 0; k < 1024; k++)
			sim_poke32(&w->s, WINDOW_PT + i * 4096 + k * 4,
				   (i << 22 | k << 12) | G_P | G_W | G_G);
	for (unsigned space = 0; space < NSPACES; space++) {
		for (unsigned i = 0; i < sizeof(pdx) / sizeof(pdx[0]); i++)
			sim_poke32(&w->s, pd_of(space) + pdx[i] * 4,
				   random_pde(w));
		for (uint32_t i = 0; i < 4; i++)
			sim_poke32(&w->s, pd_of(space) + (768 + i) * 4,
				   (WINDOW_PT + i * 4096) | G_P | G_W);
	}
	for (unsigned t = 0; t < NPTS; t++)
		for (unsigned i = 0; i < sizeof(ptx) / sizeof(ptx[0]); i++)
			sim_poke32(&w->s, pt_of(t) + ptx[i] * 4, random_pte(w));
	sim_cr4(&w->s, (chance(w, 75) ? SIM_CR4_PSE : 0) |
			       (chance(w, 50) ? SIM_CR4_PGE : 0) |
			       (chance(w, 50) ? SIM_CR4_SMEP : 0) |
			       (chance(w, 50) ? SIM_CR4_SMAP : 0));
	sim_cr3(&w->s, pd_of(0));
	sim_cr0(&w->s, SIM_CR0_PE | SIM_CR0_PG |
			       (chance(w, 75) ? SIM_CR0_WP : 0));
}

static uint64_t env_number(const char *name, uint64_t def)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : def;
}

/* Run RUN; returns its counters in *STATS. */
static bool run_world(struct run run, struct shadow_stats *stats)
{
	static struct world w;
	struct shadow_params p = {
		.policy = run.policy, .budget_frames = run.budget,
		.flood_writes = run.flood_writes,
		.unsync_writes = run.unsync_writes, .unsync_max = 4,
	};

	memset(&w, 0, sizeof(w));
	run.seed = env_number("SHADOW_SEED", run.seed);
	run.steps = (unsigned)env_number("SHADOW_STEPS", run.steps);
	w.run = run;
	w.rng = run.seed * 0x9e3779b97f4a7c15ull + 1;
	sim_init(&w.s, &p);
	build_guest(&w);
	for (w.step = 1; w.step <= run.steps && !failed(&w); w.step++) {
		step(&w);
		check(&w);
	}
	*stats = *shadow_stats(w.s.mmu);
	printf("\n    %s: %u steps, hidden %llu, true %llu, mmio %llu, traced "
	       "%llu, emulate %llu, cr3 %llu (root hits %llu), built %llu, "
	       "zapped %llu, evicted %llu, flooded %llu, unsynced %llu, "
	       "resynced %llu",
	       run.name, w.step - 1,
	       (unsigned long long)stats->hidden_faults,
	       (unsigned long long)stats->true_faults,
	       (unsigned long long)stats->mmio_faults,
	       (unsigned long long)stats->traced_writes,
	       (unsigned long long)stats->emulate_faults,
	       (unsigned long long)stats->cr3_loads,
	       (unsigned long long)stats->root_hits,
	       (unsigned long long)stats->pages_built,
	       (unsigned long long)stats->pages_zapped,
	       (unsigned long long)stats->evicted,
	       (unsigned long long)stats->flooded,
	       (unsigned long long)stats->pages_unsynced,
	       (unsigned long long)stats->pages_resynced);
	if (failed(&w))
		printf("\n    FAILED: %s\n", w.failure);
	sim_free(&w.s);
	return !failed(&w);
}

static void test_trace_policy_is_indistinguishable_from_the_reference(void)
{
	struct run run = { "trace", SHADOW_TRACE, 64, 5000, 1, false, 3, 2 };
	struct shadow_stats st;

	CU_ASSERT(run_world(run, &st));
	CU_ASSERT(st.traced_writes > 0);
	CU_ASSERT(st.flooded > 0);
	CU_ASSERT(st.root_hits > 0);
}

static void test_lazy_policy_is_indistinguishable_from_the_reference(void)
{
	struct run run = { "lazy", SHADOW_LAZY, 64, 5000, 2, false, 3, 2 };
	struct shadow_stats st;

	CU_ASSERT(run_world(run, &st));
	CU_ASSERT_EQUAL(st.traced_writes, 0);
}

static void test_hybrid_policy_is_indistinguishable_from_the_reference(void)
{
	struct run run = { "hybrid", SHADOW_HYBRID, 64, 5000, 3, false, 6, 1 };
	struct shadow_stats st;

	CU_ASSERT(run_world(run, &st));
	CU_ASSERT(st.pages_unsynced > 0);
	CU_ASSERT(st.pages_resynced > 0);
}

static void test_a_small_budget_evicts_and_stays_correct(void)
{
	struct run run = { "small budget, every policy", SHADOW_TRACE, 10, 4000,
			   4, true, 3, 1 };
	struct shadow_stats st;

	CU_ASSERT(run_world(run, &st));
	CU_ASSERT(st.evicted > 0);
	CU_ASSERT(st.pages_peak <= 10);
}

static void test_two_runs_of_one_guest_count_the_same(void)
{
	struct run run = { "repeatable", SHADOW_HYBRID, 12, 1500, 5, true, 3, 1 };
	struct shadow_stats a, b;

	CU_ASSERT(run_world(run, &a));
	CU_ASSERT(run_world(run, &b));
	CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof(a)), 0);
}

int main(void)
{
	CU_pSuite suite;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("shadow MMU against the reference walker", NULL,
			     NULL);
	CU_add_test(suite, "trace policy: indistinguishable from the reference",
		    test_trace_policy_is_indistinguishable_from_the_reference);
	CU_add_test(suite, "lazy policy: indistinguishable from the reference",
		    test_lazy_policy_is_indistinguishable_from_the_reference);
	CU_add_test(suite, "hybrid policy: indistinguishable from the reference",
		    test_hybrid_policy_is_indistinguishable_from_the_reference);
	CU_add_test(suite, "a small budget evicts and stays correct",
		    test_a_small_budget_evicts_and_stays_correct);
	CU_add_test(suite, "two runs of one guest count the same",
		    test_two_runs_of_one_guest_count_the_same);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures != 0;
}
