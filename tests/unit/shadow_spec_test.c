/*
 * shadow_spec_test.c - the shadow MMU, specified one behaviour at a time.
 *
 * Each test boots a simulated guest (shadow_sim.h), builds a few guest page
 * tables, acts as the guest would (touch memory, write a page table, load
 * CR3, invlpg), and checks what the guest's architecture says must happen -
 * plus the shadow's own invariants after every test.
 *
 * The guest layout used throughout:
 *   0x10000  page directory A        0x11000, 0x12000  page tables
 *   0x13000  page directory B        0x200000...       data frames
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "shadow_sim.h"

#define PD   0x10000u
#define PT   0x11000u
#define PT2  0x12000u
#define PDB  0x13000u
#define DATA 0x200000u

static struct sim s;

static struct shadow_params params(enum shadow_policy policy)
{
	return (struct shadow_params){ .policy = policy, .budget_frames = 64,
				       .flood_writes = 3, .unsync_writes = 2,
				       .unsync_max = 4 };
}

static void boot_with(struct shadow_params p)
{
	sim_init(&s, &p);
}

static void boot(enum shadow_policy policy)
{
	boot_with(params(policy));
}

/* Turn paging on with directory PD, CR4 = CR4 and CR0.WP = WP. */
static void paging_on(uint32_t cr4, uint32_t wp)
{
	sim_cr4(&s, cr4);
	sim_cr3(&s, PD);
	sim_cr0(&s, SIM_CR0_PE | SIM_CR0_PG | wp);
}

static uint32_t pde_at(uint32_t pd, uint32_t gva)
{
	return pd + (gva >> 22) * 4;
}

static uint32_t pte_at(uint32_t pt, uint32_t gva)
{
	return pt + ((gva >> 12) & 0x3ff) * 4;
}

/* Map 4 KiB page GVA to FRAME through table PT, directory PD. */
static void map4k(uint32_t pd, uint32_t pt, uint32_t gva, uint32_t frame,
		  uint32_t flags)
{
	sim_poke32(&s, pde_at(pd, gva), pt | G_P | G_W | G_U);
	sim_poke32(&s, pte_at(pt, gva), frame | flags);
}

static struct outcome touch(uint32_t gva, enum shadow_access access, int cpl)
{
	uint8_t buf[4] = { 1, 2, 3, 4 };

	return sim_access(&s, gva, access, cpl, buf, 4);
}

/* The guest stores V at GPA with an instruction the monitor emulates. */
static void guest_store32(uint32_t gpa, uint32_t v)
{
	shadow_emulated_write(s.mmu, gpa, &v, 4);
}

static uint64_t leaf(uint32_t gva)
{
	uint64_t size;

	return shadow_leaf(&s, gva, &size);
}

static uint64_t leaf_size(uint32_t gva)
{
	uint64_t size;

	shadow_leaf(&s, gva, &size);
	return size;
}

static const struct shadow_stats *stats(void)
{
	return shadow_stats(s.mmu);
}

/* Every test ends here: the invariants hold, then the machine goes. */
static void done(void)
{
	const char *why = shadow_check_invariants(s.mmu);
	const char *incoherent = sim_check_coherence(&s);

	if (why)
		printf("\n    invariant: %s\n", why);
	if (incoherent)
		printf("\n    coherence: %s\n", incoherent);
	CU_ASSERT_PTR_NULL(why);
	CU_ASSERT_PTR_NULL(incoherent);
	sim_free(&s);
}

/* ---- hidden faults, A and D ------------------------------------------- */

static void test_hidden_fault_fills_the_shadow_and_sets_accessed_bits(void)
{
	struct outcome o;

	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, G_P | G_W | G_U);
	paging_on(0, SIM_CR0_WP);
	o = touch(0x500c, SHADOW_READ, 3);
	CU_ASSERT_EQUAL(o.kind, OUT_OK);
	CU_ASSERT_EQUAL(o.gpa[0], DATA + 0xc);
	CU_ASSERT_EQUAL(stats()->hidden_faults, 1);
	CU_ASSERT(sim_peek32(&s, pde_at(PD, 0x5000)) & G_A);
	CU_ASSERT(sim_peek32(&s, pte_at(PT, 0x5000)) & G_A);
	CU_ASSERT_FALSE(sim_peek32(&s, pte_at(PT, 0x5000)) & G_D);
	CU_ASSERT_EQUAL(leaf(0x5000) & SPTE_ADDR_MASK, SIM_RAM_BASE + DATA);
	touch(0x5000, SHADOW_READ, 3);
	CU_ASSERT_EQUAL(stats()->hidden_faults, 1);     /* no second fault */
	done();
}

static void test_first_write_to_a_clean_page_sets_the_guest_dirty_bit(void)
{
	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, G_P | G_W | G_U);
	paging_on(0, SIM_CR0_WP);
	touch(0x5000, SHADOW_READ, 3);
	CU_ASSERT_FALSE(leaf(0x5000) & SPTE_W);         /* clean: read-only */
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_WRITE, 3).kind, OUT_OK);
	CU_ASSERT_EQUAL(stats()->hidden_faults, 2);
	CU_ASSERT(sim_peek32(&s, pte_at(PT, 0x5000)) & G_D);
	CU_ASSERT(leaf(0x5000) & SPTE_W);
	CU_ASSERT_EQUAL(sim_peek32(&s, DATA), 0x04030201u);
	done();
}

static void test_a_not_present_page_is_a_true_fault(void)
{
	struct outcome o;

	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, 0);
	paging_on(0, SIM_CR0_WP);
	o = touch(0x5123, SHADOW_READ, 3);
	CU_ASSERT_EQUAL(o.kind, OUT_FAULT);
	CU_ASSERT_EQUAL(o.error_code, E_U);
	CU_ASSERT_EQUAL(o.cr2, 0x5123);
	o = touch(0x5123, SHADOW_WRITE, 0);
	CU_ASSERT_EQUAL(o.error_code, E_W);
	/* The directory entry was used to reach the table: it is accessed. */
	CU_ASSERT(sim_peek32(&s, pde_at(PD, 0x5000)) & G_A);
	CU_ASSERT_EQUAL(stats()->true_faults, 2);
	CU_ASSERT_EQUAL(leaf(0x5000), 0);
	done();
}

static void test_user_write_to_a_read_only_page_faults_with_p_w_u(void)
{
	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, G_P | G_U);
	paging_on(0, SIM_CR0_WP);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_WRITE, 3).error_code,
			E_P | E_W | E_U);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_READ, 3).kind, OUT_OK);
	done();
}

static void test_user_access_to_a_supervisor_page_faults(void)
{
	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, G_P | G_W);
	paging_on(0, SIM_CR0_WP);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_READ, 0).kind, OUT_OK);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_READ, 3).error_code, E_P | E_U);
	CU_ASSERT_FALSE(leaf(0x5000) & SPTE_U);
	done();
}

static void test_kernel_write_to_read_only_page_obeys_cr0_wp(void)
{
	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, G_P);
	paging_on(0, SIM_CR0_WP);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_WRITE, 0).error_code, E_P | E_W);
	sim_cr0(&s, SIM_CR0_PE | SIM_CR0_PG);           /* WP = 0 */
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_WRITE, 0).kind, OUT_OK);
	CU_ASSERT(sim_peek32(&s, pte_at(PT, 0x5000)) & G_D);
	CU_ASSERT_EQUAL(sim_peek32(&s, DATA), 0x04030201u);
	done();
}

/*
 * CR0.WP = 0 and a user read-only page: the kernel may write it, user code
 * may only read it.  One real entry cannot say that, so the shadow switches.
 */
static void test_wp0_user_read_only_page_switches_between_kernel_and_user(void)
{
	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, G_P | G_U);
	paging_on(0, 0);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_WRITE, 0).kind, OUT_OK);
	CU_ASSERT_EQUAL(leaf(0x5000) & (SPTE_U | SPTE_W), SPTE_W);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_READ, 3).kind, OUT_OK);
	CU_ASSERT_EQUAL(leaf(0x5000) & (SPTE_U | SPTE_W), SPTE_U);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_WRITE, 3).error_code,
			E_P | E_W | E_U);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_WRITE, 0).kind, OUT_OK);
	CU_ASSERT_EQUAL(stats()->hidden_faults, 3);
	done();
}

/* ---- SMEP and SMAP ---------------------------------------------------- */

/*
 * The real CPU enforces the guest's SMEP and SMAP on the shadow's U bits;
 * the walk must agree, so that what they refuse is a true fault - with the
 * error code the guest's CPU gives - and never a hidden one "fixed" forever.
 */
static void test_smep_kernel_fetch_from_a_user_page_is_a_true_fault_with_i_d(void)
{
	struct outcome o;

	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, G_P | G_W | G_U);
	paging_on(SIM_CR4_SMEP, SIM_CR0_WP);
	o = touch(0x5010, SHADOW_FETCH, 0);
	CU_ASSERT_EQUAL(o.kind, OUT_FAULT);
	CU_ASSERT_EQUAL(o.error_code, E_P | E_ID);
	CU_ASSERT_EQUAL(o.cr2, 0x5010);
	CU_ASSERT_EQUAL(stats()->true_faults, 1);
	/* Not the leaf's Accessed bit: the access was refused. */
	CU_ASSERT_FALSE(sim_peek32(&s, pte_at(PT, 0x5000)) & G_A);
	CU_ASSERT_EQUAL(touch(0x5010, SHADOW_READ, 0).kind, OUT_OK);
	CU_ASSERT_EQUAL(touch(0x5010, SHADOW_FETCH, 3).kind, OUT_OK);
	CU_ASSERT_EQUAL(touch(0x5010, SHADOW_FETCH, 0).error_code,
			E_P | E_ID);
	sim_cr4(&s, 0);
	CU_ASSERT_EQUAL(touch(0x5010, SHADOW_FETCH, 0).kind, OUT_OK);
	done();
}

static void test_with_smep_every_fetch_fault_reports_i_d(void)
{
	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, 0);
	map4k(PD, PT, 0x6000, DATA, G_P | G_W);
	paging_on(0, SIM_CR0_WP);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_FETCH, 3).error_code, E_U);
	sim_cr4(&s, SIM_CR4_SMEP);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_FETCH, 3).error_code,
			E_U | E_ID);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_FETCH, 0).error_code, E_ID);
	CU_ASSERT_EQUAL(touch(0x6000, SHADOW_FETCH, 3).error_code,
			E_P | E_U | E_ID);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_READ, 0).error_code, 0);
	done();
}

static void test_smap_kernel_data_access_to_a_user_page_faults_unless_ac(void)
{
	struct outcome o;

	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, G_P | G_W | G_U);
	map4k(PD, PT, 0x6000, DATA + 0x1000, G_P | G_W);
	paging_on(SIM_CR4_SMAP, SIM_CR0_WP);
	o = touch(0x5008, SHADOW_READ, 0);
	CU_ASSERT_EQUAL(o.kind, OUT_FAULT);
	CU_ASSERT_EQUAL(o.error_code, E_P);
	CU_ASSERT_EQUAL(touch(0x5008, SHADOW_WRITE, 0).error_code, E_P | E_W);
	CU_ASSERT_EQUAL(touch(0x5008, SHADOW_FETCH, 0).kind, OUT_OK);
	CU_ASSERT_EQUAL(touch(0x6008, SHADOW_WRITE, 0).kind, OUT_OK);
	CU_ASSERT_EQUAL(touch(0x5008, SHADOW_WRITE, 3).kind, OUT_OK);
	s.ac = true;                                    /* stac */
	CU_ASSERT_EQUAL(touch(0x5008, SHADOW_WRITE, 0).kind, OUT_OK);
	CU_ASSERT_EQUAL(sim_peek32(&s, DATA + 8), 0x04030201u);
	s.ac = false;                                   /* clac */
	CU_ASSERT_EQUAL(touch(0x5008, SHADOW_READ, 0).error_code, E_P);
	CU_ASSERT_EQUAL(stats()->true_faults, 3);
	done();
}

/* What the monitor itself reads or writes for the guest obeys SMAP too. */
static void test_smap_applies_to_the_monitors_emulated_accesses(void)
{
	uint64_t gpa;
	uint32_t err = 0;

	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, G_P | G_W | G_U);
	paging_on(SIM_CR4_SMAP, SIM_CR0_WP);
	CU_ASSERT_FALSE(shadow_translate(s.mmu, 0x5004, SHADOW_WRITE,
					 SHADOW_SUPERVISOR, &gpa, &err));
	CU_ASSERT_EQUAL(err, E_P | E_W);
	CU_ASSERT(shadow_translate(s.mmu, 0x5004, SHADOW_WRITE,
				   SHADOW_SUPERVISOR_AC, &gpa, &err));
	CU_ASSERT_EQUAL(gpa, DATA + 4);
	CU_ASSERT(shadow_translate(s.mmu, 0x5004, SHADOW_READ, SHADOW_USER,
				   &gpa, &err));
	done();
}

/*
 * CR0.WP = 0 under SMAP: the kernel (with AC) may write a read-only user
 * page, but the page may not become supervisor-only, or the kernel could
 * then read it with AC clear.  The shadow keeps it user read-only and has
 * the write emulated.
 */
static void test_wp0_under_smap_a_kernel_write_to_a_user_page_is_emulated(void)
{
	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, G_P | G_U);
	paging_on(SIM_CR4_SMAP, 0);
	s.ac = true;
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_WRITE, 0).kind, OUT_OK);
	CU_ASSERT_EQUAL(stats()->emulate_faults, 1);
	CU_ASSERT_EQUAL(sim_peek32(&s, DATA), 0x04030201u);
	CU_ASSERT(sim_peek32(&s, pte_at(PT, 0x5000)) & G_D);
	CU_ASSERT_EQUAL(leaf(0x5000) & (SPTE_U | SPTE_W), SPTE_U);
	s.ac = false;
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_READ, 0).error_code, E_P);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_READ, 3).kind, OUT_OK);
	done();
}

/* Setting SMEP under WP = 0 takes away the kernel-writable switch. */
static void test_wp0_smep_turned_on_ends_the_kernel_writable_switch(void)
{
	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, G_P | G_U);
	paging_on(0, 0);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_WRITE, 0).kind, OUT_OK);
	CU_ASSERT_EQUAL(leaf(0x5000) & (SPTE_U | SPTE_W), SPTE_W);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_FETCH, 0).kind, OUT_OK);
	sim_cr4(&s, SIM_CR4_SMEP);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_FETCH, 0).error_code,
			E_P | E_ID);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_WRITE, 0).kind, OUT_OK);
	CU_ASSERT_EQUAL(leaf(0x5000) & SPTE_U, SPTE_U);
	CU_ASSERT_EQUAL(stats()->emulate_faults, 1);
	done();
}

static void test_paging_off_knows_no_smep_or_smap(void)
{
	boot(SHADOW_TRACE);
	sim_cr4(&s, SIM_CR4_SMEP | SIM_CR4_SMAP);
	CU_ASSERT_EQUAL(touch(0x123456, SHADOW_FETCH, 0).kind, OUT_OK);
	CU_ASSERT_EQUAL(touch(0x123456, SHADOW_WRITE, 0).kind, OUT_OK);
	done();
}

/* ---- large pages, MMIO and the edges of RAM --------------------------- */

static void test_4mib_page_is_shadowed_as_two_2mib_entries(void)
{
	boot(SHADOW_TRACE);
	sim_poke32(&s, pde_at(PD, 0x800000),
		   0x400000 | G_PS | G_P | G_W | G_U | G_A | G_D);
	paging_on(SIM_CR4_PSE, SIM_CR0_WP);
	CU_ASSERT_EQUAL(touch(0x800010, SHADOW_WRITE, 3).gpa[0], 0x400010);
	CU_ASSERT_EQUAL(touch(0xbffff0, SHADOW_READ, 3).gpa[0], 0x7ffff0);
	CU_ASSERT_EQUAL(leaf_size(0x800000), 0x200000);
	CU_ASSERT_EQUAL(leaf_size(0xa00000), 0x200000);
	CU_ASSERT_EQUAL(leaf(0xa00000) & SPTE_ADDR_MASK,
			SIM_RAM_BASE + 0x600000);
	CU_ASSERT_EQUAL(stats()->hidden_faults, 2);
	done();
}

static void test_4mib_page_over_the_hole_is_shadowed_in_4kib_pieces(void)
{
	struct outcome o;

	boot(SHADOW_TRACE);
	sim_poke32(&s, pde_at(PD, 0), 0 | G_PS | G_P | G_W);
	paging_on(SIM_CR4_PSE, SIM_CR0_WP);
	CU_ASSERT_EQUAL(touch(0x1000, SHADOW_READ, 0).kind, OUT_OK);
	CU_ASSERT_EQUAL(leaf_size(0x1000), 0x1000);
	o = touch(0xa0000, SHADOW_WRITE, 0);
	CU_ASSERT_EQUAL(o.kind, OUT_MMIO);
	CU_ASSERT_EQUAL(o.mmio_gpa, 0xa0000);
	CU_ASSERT_EQUAL(leaf(0xa0000), 0);
	CU_ASSERT_EQUAL(touch(0x300000, SHADOW_READ, 0).kind, OUT_OK);
	CU_ASSERT_EQUAL(leaf_size(0x300000), 0x200000);
	done();
}

static void test_guest_physical_beyond_ram_is_mmio_and_never_mapped(void)
{
	struct outcome o;

	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, 0x2000000, G_P | G_W);   /* 32 MiB: no RAM */
	paging_on(0, SIM_CR0_WP);
	o = touch(0x5010, SHADOW_READ, 0);
	CU_ASSERT_EQUAL(o.kind, OUT_MMIO);
	CU_ASSERT_EQUAL(o.mmio_gpa, 0x2000010);
	CU_ASSERT_EQUAL(leaf(0x5000), 0);
	CU_ASSERT_EQUAL(stats()->mmio_faults, 1);
	done();
}

static void test_pse36_page_above_4gib_is_mmio(void)
{
	struct shadow_fault f;

	boot(SHADOW_TRACE);
	sim_poke32(&s, pde_at(PD, 0x400000), 0 | 1u << 13 | G_PS | G_P | G_W);
	paging_on(SIM_CR4_PSE, SIM_CR0_WP);
	CU_ASSERT_EQUAL(shadow_page_fault(s.mmu, 0x400008, SHADOW_READ,
					  SHADOW_SUPERVISOR, &f), SHADOW_MMIO);
	CU_ASSERT_EQUAL(f.gpa, 0x100000008ull);
	done();
}

static void test_reserved_bit_in_a_4mib_entry_faults_with_rsvd(void)
{
	boot(SHADOW_TRACE);
	sim_poke32(&s, pde_at(PD, 0x400000), 0x400000 | 1u << 21 | G_PS | G_P);
	paging_on(SIM_CR4_PSE, SIM_CR0_WP);
	CU_ASSERT_EQUAL(touch(0x400000, SHADOW_WRITE, 3).error_code,
			E_P | E_RSVD | E_W | E_U);
	CU_ASSERT_FALSE(sim_peek32(&s, pde_at(PD, 0x400000)) & G_A);
	done();
}

static void test_without_cr4_pse_the_ps_bit_is_ignored(void)
{
	boot(SHADOW_TRACE);
	sim_poke32(&s, pde_at(PD, 0x400000), PT | G_PS | G_P | G_W);
	sim_poke32(&s, pte_at(PT, 0x401000), DATA | G_P);
	paging_on(0, SIM_CR0_WP);
	CU_ASSERT_EQUAL(touch(0x401000, SHADOW_READ, 0).gpa[0], DATA);
	CU_ASSERT_EQUAL(leaf_size(0x401000), 0x1000);
	done();
}

static void test_paging_off_maps_ram_and_leaves_the_hole_to_mmio(void)
{
	boot(SHADOW_TRACE);
	CU_ASSERT_EQUAL(touch(0x123456, SHADOW_WRITE, 0).gpa[0], 0x123456);
	CU_ASSERT_EQUAL(touch(0xb8000, SHADOW_WRITE, 0).kind, OUT_MMIO);
	CU_ASSERT_EQUAL(touch(SIM_RAM_SIZE, SHADOW_READ, 0).kind, OUT_MMIO);
	CU_ASSERT_EQUAL(stats()->pages_built, 0);
	done();
}

static void test_pae_paging_is_refused(void)
{
	boot(SHADOW_TRACE);
	CU_ASSERT_EQUAL(shadow_on_cr4_write(s.mmu, SIM_CR4_PAE), 0);
	CU_ASSERT_EQUAL(shadow_on_cr0_write(s.mmu, SIM_CR0_PE | SIM_CR0_PG), -1);
	sim_cr4(&s, 0);
	done();
}

/* ---- traces ----------------------------------------------------------- */

static void test_guest_page_tables_are_write_protected_and_writes_traced(void)
{
	struct shadow_fault f;
	uint32_t v = (DATA + 0x1000) | G_P | G_A;

	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, G_P | G_W | G_A | G_D);
	sim_poke32(&s, pte_at(PT, 0x7000), PT | G_P | G_W | G_A | G_D);
	paging_on(0, SIM_CR0_WP);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_READ, 0).kind, OUT_OK);
	CU_ASSERT_EQUAL(touch(0x7000, SHADOW_READ, 0).kind, OUT_OK);
	CU_ASSERT_FALSE(leaf(0x7000) & SPTE_W);         /* PT is traced */
	CU_ASSERT_EQUAL(shadow_page_fault(s.mmu, 0x7000 + 0x14, SHADOW_WRITE,
					  SHADOW_SUPERVISOR, &f),
			SHADOW_TRACED_WRITE);
	CU_ASSERT_EQUAL(f.gpa, PT + 0x14);
	/* The guest's store, emulated: PTE 5 now maps the next frame. */
	CU_ASSERT_EQUAL(sim_access(&s, 0x7014, SHADOW_WRITE, 0, &v, 4).kind,
			OUT_OK);
	CU_ASSERT_EQUAL(stats()->traced_writes, 2);
	CU_ASSERT_EQUAL(leaf(0x5000) & SPTE_ADDR_MASK,
			SIM_RAM_BASE + DATA + 0x1000);
	done();
}

/*
 * A watched frame (the monitor's descriptor tables) is write-protected in
 * the shadow whatever the policy, and paging on or off; a write to it is
 * a traced write counted apart; unwatched, it is writable again.
 */
static void test_a_watched_frame_is_write_protected_under_every_policy(void)
{
	const enum shadow_policy policies[] = {
		SHADOW_TRACE, SHADOW_LAZY, SHADOW_HYBRID,
	};
	struct shadow_fault f;

	for (unsigned i = 0; i < 3; i++) {
		boot(policies[i]);
		map4k(PD, PT, 0x5000, DATA, G_P | G_W | G_A | G_D);
		paging_on(0, SIM_CR0_WP);
		CU_ASSERT_EQUAL(touch(0x5000, SHADOW_WRITE, 0).kind, OUT_OK);
		CU_ASSERT_TRUE(leaf(0x5000) & SPTE_W);
		shadow_watch_frame(s.mmu, DATA + 0x123);
		CU_ASSERT_TRUE(shadow_frame_watched(s.mmu, DATA));
		CU_ASSERT_FALSE(leaf(0x5000) & SPTE_W);
		CU_ASSERT_EQUAL(shadow_page_fault(s.mmu, 0x5008, SHADOW_WRITE,
						  0, &f), SHADOW_TRACED_WRITE);
		CU_ASSERT_EQUAL(f.gpa, DATA + 8);
		CU_ASSERT_EQUAL(stats()->watched_writes, 1);
		CU_ASSERT_EQUAL(stats()->traced_writes, 0);
		shadow_unwatch_frame(s.mmu, DATA);
		CU_ASSERT_FALSE(shadow_frame_watched(s.mmu, DATA));
		CU_ASSERT_EQUAL(shadow_page_fault(s.mmu, 0x5008, SHADOW_WRITE,
						  0, &f), SHADOW_HIDDEN);
		CU_ASSERT_TRUE(leaf(0x5000) & SPTE_W);
		done();
	}
}

static void test_a_watched_frame_is_write_protected_with_paging_off(void)
{
	struct shadow_fault f;

	boot(SHADOW_HYBRID);
	CU_ASSERT_TRUE(leaf(DATA) & SPTE_W);
	shadow_watch_frame(s.mmu, DATA);
	shadow_watch_frame(s.mmu, DATA);        /* GDT and LDT in one frame */
	CU_ASSERT_FALSE(leaf(DATA) & SPTE_W);
	CU_ASSERT_TRUE(leaf(DATA + 0x1000) & SPTE_W);   /* only that frame */
	CU_ASSERT_EQUAL(leaf_size(DATA), 0x1000);
	CU_ASSERT_EQUAL(shadow_page_fault(s.mmu, DATA + 4, SHADOW_WRITE, 0, &f),
			SHADOW_TRACED_WRITE);
	shadow_unwatch_frame(s.mmu, DATA);
	CU_ASSERT_FALSE(leaf(DATA) & SPTE_W);   /* still watched once */
	shadow_unwatch_frame(s.mmu, DATA);
	CU_ASSERT_TRUE(leaf(DATA) & SPTE_W);
	done();
}

static void test_write_to_a_traced_table_updates_only_the_touched_entry(void)
{
	uint64_t before6;
	unsigned hidden;

	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, G_P | G_W | G_U);
	map4k(PD, PT, 0x6000, DATA + 0x1000, G_P | G_W | G_U);
	paging_on(0, SIM_CR0_WP);
	touch(0x5000, SHADOW_READ, 3);
	touch(0x6000, SHADOW_READ, 3);
	before6 = leaf(0x6000);
	hidden = stats()->hidden_faults;
	guest_store32(pte_at(PT, 0x5000), (DATA + 0x2000) | G_P | G_U | G_A);
	CU_ASSERT_EQUAL(leaf(0x5000) & SPTE_ADDR_MASK,
			SIM_RAM_BASE + DATA + 0x2000);
	CU_ASSERT_EQUAL(leaf(0x6000), before6);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_READ, 3).gpa[0], DATA + 0x2000);
	CU_ASSERT_EQUAL(touch(0x6000, SHADOW_READ, 3).gpa[0], DATA + 0x1000);
	CU_ASSERT_EQUAL(stats()->hidden_faults, hidden);
	done();
}

static void test_a_misaligned_write_across_two_entries_updates_both(void)
{
	uint32_t pte5 = (DATA + 0x10000) | G_P | G_U | G_A;
	uint32_t pte6 = (DATA + 0x4000) | G_P | G_U | G_A;
	uint8_t bytes[4];

	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, G_P | G_W | G_U);
	map4k(PD, PT, 0x6000, DATA + 0x1000, G_P | G_W | G_U);
	paging_on(0, SIM_CR0_WP);
	touch(0x5000, SHADOW_READ, 3);
	touch(0x6000, SHADOW_READ, 3);
	memcpy(bytes, (uint8_t *)&pte5 + 2, 2);         /* high half of PTE 5 */
	memcpy(bytes + 2, &pte6, 2);                    /* low half of PTE 6 */
	shadow_emulated_write(s.mmu, pte_at(PT, 0x5000) + 2, bytes, 4);
	CU_ASSERT_EQUAL(sim_peek32(&s, pte_at(PT, 0x5000)) >> 16, pte5 >> 16);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_READ, 3).gpa[0],
			(sim_peek32(&s, pte_at(PT, 0x5000)) & ~0xfffu));
	CU_ASSERT_EQUAL(touch(0x6000, SHADOW_READ, 3).gpa[0],
			(sim_peek32(&s, pte_at(PT, 0x6000)) & ~0xfffu));
	done();
}

static void test_a_page_crossing_write_updates_both_tables(void)
{
	uint32_t two[2] = { (DATA + 0x5000) | G_P | G_A, (DATA + 0x6000) | G_P | G_A };

	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x3ff000, DATA, G_P);             /* last entry of PT */
	map4k(PD, PT2, 0x400000, DATA + 0x1000, G_P);   /* first of PT2 */
	paging_on(0, SIM_CR0_WP);
	touch(0x3ff000, SHADOW_READ, 0);
	touch(0x400000, SHADOW_READ, 0);
	shadow_emulated_write(s.mmu, PT + 0xffc, two, 8);
	CU_ASSERT_EQUAL(leaf(0x3ff000) & SPTE_ADDR_MASK,
			SIM_RAM_BASE + DATA + 0x5000);
	CU_ASSERT_EQUAL(leaf(0x400000) & SPTE_ADDR_MASK,
			SIM_RAM_BASE + DATA + 0x6000);
	done();
}

static void test_clearing_a_directory_accessed_bit_is_seen_by_the_next_walk(void)
{
	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, G_P | G_W);
	paging_on(0, SIM_CR0_WP);
	touch(0x5000, SHADOW_READ, 0);
	guest_store32(pde_at(PD, 0x5000), PT | G_P | G_W | G_U);  /* A = 0 */
	CU_ASSERT_EQUAL(leaf(0x5000), 0);
	touch(0x5000, SHADOW_READ, 0);
	CU_ASSERT(sim_peek32(&s, pde_at(PD, 0x5000)) & G_A);
	done();
}

static void test_write_flooding_unshadows_a_table(void)
{
	struct shadow_fault f;

	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, G_P | G_W);
	map4k(PD, PT2, 0x407000, PT, G_P | G_W | G_A | G_D);  /* PT, seen */
	paging_on(0, SIM_CR0_WP);
	touch(0x5000, SHADOW_READ, 0);
	for (uint32_t i = 0; i < 3; i++)
		guest_store32(PT + 0x100 + 4 * i, 0);   /* no walk in between */
	CU_ASSERT_EQUAL(stats()->flooded, 1);
	CU_ASSERT_EQUAL(leaf(0x5000), 0);
	/* No longer a traced table: the guest writes it directly. */
	CU_ASSERT_EQUAL(shadow_page_fault(s.mmu, 0x407100, SHADOW_WRITE,
					  SHADOW_SUPERVISOR, &f), SHADOW_HIDDEN);
	CU_ASSERT(leaf(0x407000) & SPTE_W);
	done();
}

static void test_untracing_a_frame_drops_the_shadow_built_from_it(void)
{
	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, G_P | G_W);
	paging_on(0, SIM_CR0_WP);
	touch(0x5000, SHADOW_READ, 0);
	shadow_untrace_frame(s.mmu, PT + 0x14);
	CU_ASSERT_EQUAL(leaf(0x5000), 0);
	CU_ASSERT_EQUAL(stats()->untraced, 1);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_READ, 0).gpa[0], DATA);
	done();
}

/* ---- CR3, invlpg, policies -------------------------------------------- */

static void test_switching_back_to_an_address_space_hits_the_cache(void)
{
	unsigned hidden;

	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, G_P | G_W | G_U);
	map4k(PDB, PT2, 0x5000, DATA + 0x1000, G_P | G_W | G_U);
	paging_on(0, SIM_CR0_WP);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_READ, 3).gpa[0], DATA);
	sim_cr3(&s, PDB);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_READ, 3).gpa[0], DATA + 0x1000);
	hidden = stats()->hidden_faults;
	sim_cr3(&s, PD);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_READ, 3).gpa[0], DATA);
	CU_ASSERT_EQUAL(stats()->hidden_faults, hidden);
	CU_ASSERT_EQUAL(stats()->root_hits, 1);
	CU_ASSERT_EQUAL(stats()->cr3_loads, 3);
	done();
}

static void test_global_page_survives_a_cr3_load_under_lazy_policy(void)
{
	boot(SHADOW_LAZY);
	map4k(PD, PT, 0x5000, DATA, G_P | G_W | G_G);
	map4k(PD, PT, 0x6000, DATA + 0x1000, G_P | G_W);
	paging_on(SIM_CR4_PGE, SIM_CR0_WP);
	touch(0x5000, SHADOW_READ, 0);
	touch(0x6000, SHADOW_READ, 0);
	sim_cr3(&s, PD);
	CU_ASSERT_NOT_EQUAL(leaf(0x5000), 0);
	CU_ASSERT_EQUAL(leaf(0x6000), 0);
	sim_cr4(&s, 0);                 /* PGE off: even globals go */
	CU_ASSERT_EQUAL(leaf(0x5000), 0);
	done();
}

static void test_invlpg_drops_the_entry_for_that_address(void)
{
	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, G_P | G_W);
	map4k(PD, PT, 0x6000, DATA + 0x1000, G_P | G_W);
	paging_on(0, SIM_CR0_WP);
	touch(0x5000, SHADOW_READ, 0);
	touch(0x6000, SHADOW_READ, 0);
	shadow_on_invlpg(s.mmu, 0x5abc);
	CU_ASSERT_EQUAL(leaf(0x5000), 0);
	CU_ASSERT_NOT_EQUAL(leaf(0x6000), 0);
	done();
}

/* LAZY traces nothing: the shadow is stale exactly as a TLB would be. */
static void test_lazy_policy_sees_a_table_change_only_after_invlpg(void)
{
	uint32_t v = (DATA + 0x1000) | G_P | G_W;

	boot(SHADOW_LAZY);
	map4k(PD, PT, 0x5000, DATA, G_P | G_W);
	sim_poke32(&s, pte_at(PT, 0x7000), PT | G_P | G_W);
	paging_on(0, SIM_CR0_WP);
	touch(0x5000, SHADOW_READ, 0);
	CU_ASSERT_EQUAL(sim_access(&s, pte_at(0x7000, 0x5000), SHADOW_WRITE, 0,
				   &v, 4).kind, OUT_OK);
	CU_ASSERT_EQUAL(stats()->traced_writes, 0);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_READ, 0).gpa[0], DATA);  /* stale */
	shadow_on_invlpg(s.mmu, 0x5000);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_READ, 0).gpa[0], DATA + 0x1000);
	done();
}

/*
 * A global entry cached while space B ran, in a table space A does not map:
 * A's invlpg of B's address must still reach it, or A sees it stale as
 * soon as A maps that table itself.
 */
static void test_lazy_invlpg_reaches_tables_the_current_space_does_not_map(void)
{
	boot(SHADOW_LAZY);
	map4k(PDB, PT, 0x5000, DATA, G_P | G_W | G_G);
	paging_on(SIM_CR4_PGE, SIM_CR0_WP);
	sim_cr3(&s, PDB);
	touch(0x5000, SHADOW_READ, 0);
	sim_cr3(&s, PD);                /* the global entry stays cached */
	sim_poke32(&s, pte_at(PT, 0x5000), (DATA + 0x1000) | G_P | G_W | G_G);
	shadow_on_invlpg(s.mmu, 0x5000);        /* B's address, global */
	sim_poke32(&s, pde_at(PD, 0x805000), PT | G_P | G_W | G_U);
	CU_ASSERT_EQUAL(touch(0x805000, SHADOW_READ, 0).gpa[0], DATA + 0x1000);
	done();
}

/*
 * Lazy: PT is shadowed for 0x5000, then the guest points directory entry 0
 * at PT2 and entry 2 (0x800000) at PT, without flushing yet.
 */
static void swap_directory_links(void)
{
	boot(SHADOW_LAZY);
	map4k(PD, PT, 0x5000, DATA, G_P | G_W);
	map4k(PD, PT2, 0x405000, DATA + 0x1000, G_P | G_W);
	paging_on(0, SIM_CR0_WP);
	touch(0x5000, SHADOW_READ, 0);
	sim_poke32(&s, pde_at(PD, 0x0), PT2 | G_P | G_W | G_U);
	sim_poke32(&s, pde_at(PD, 0x800000), PT | G_P | G_W | G_U);
}

/*
 * The guest points a directory entry at another table and flushes the
 * region page by page.  The shadow's link to the old table must go, or the
 * old table - refilled through another alias - shows through it.
 */
static void test_lazy_invlpg_drops_a_directory_link_the_guest_replaced(void)
{
	swap_directory_links();
	for (uint32_t page = 0; page < 1024; page++)
		shadow_on_invlpg(s.mmu, page << 12);
	CU_ASSERT_EQUAL(touch(0x805000, SHADOW_READ, 0).gpa[0], DATA);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_READ, 0).gpa[0], DATA + 0x1000);
	done();
}

/* The same, flushed by a CR3 load: links to non-global tables go. */
static void test_lazy_cr3_load_drops_directory_links_to_non_global_tables(void)
{
	swap_directory_links();
	sim_cr3(&s, PD);
	CU_ASSERT_EQUAL(touch(0x805000, SHADOW_READ, 0).gpa[0], DATA);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_READ, 0).gpa[0], DATA + 0x1000);
	done();
}

/* G means nothing without CR4.PGE: such an entry goes at a CR3 load. */
static void test_lazy_global_bit_without_cr4_pge_does_not_survive_cr3_load(void)
{
	boot(SHADOW_LAZY);
	map4k(PD, PT, 0x5000, DATA, G_P | G_W | G_G);
	paging_on(0, SIM_CR0_WP);
	touch(0x5000, SHADOW_READ, 0);
	sim_cr3(&s, PD);
	CU_ASSERT_EQUAL(leaf(0x5000), 0);
	done();
}

/* The guest clears a directory entry's A and flushes: the next access sets it. */
static void test_lazy_directory_accessed_bit_cleared_and_flushed_is_set_again(void)
{
	boot(SHADOW_LAZY);
	map4k(PD, PT, 0x5000, DATA, G_P | G_W);
	paging_on(0, SIM_CR0_WP);
	touch(0x5000, SHADOW_READ, 0);
	sim_poke32(&s, pde_at(PD, 0x5000), PT | G_P | G_W | G_U);  /* A = 0 */
	shadow_on_invlpg(s.mmu, 0x5000);
	touch(0x6000, SHADOW_READ, 0);
	CU_ASSERT(sim_peek32(&s, pde_at(PD, 0x5000)) & G_A);
	done();
}

static void test_hybrid_lets_a_busy_table_go_out_of_sync_until_cr3_load(void)
{
	struct shadow_fault f;

	boot(SHADOW_HYBRID);            /* unsync after more than 2 writes */
	map4k(PD, PT, 0x5000, DATA, G_P | G_W);
	sim_poke32(&s, pte_at(PT, 0x7000), PT | G_P | G_W | G_A | G_D);
	paging_on(0, SIM_CR0_WP);
	touch(0x5000, SHADOW_READ, 0);
	touch(0x7000, SHADOW_READ, 0);
	for (uint32_t i = 0; i < 3; i++)
		guest_store32(PT + 0x200 + 4 * i, 0);
	CU_ASSERT_EQUAL(stats()->pages_unsynced, 1);
	/* Out of sync: the guest writes the table with no trace. */
	CU_ASSERT_EQUAL(shadow_page_fault(s.mmu, 0x7000, SHADOW_WRITE,
					  SHADOW_SUPERVISOR, &f), SHADOW_HIDDEN);
	CU_ASSERT(leaf(0x7000) & SPTE_W);
	sim_poke32(&s, pte_at(PT, 0x5000), (DATA + 0x1000) | G_P | G_W | G_A);
	sim_cr3(&s, PD);
	CU_ASSERT_EQUAL(stats()->pages_resynced, 1);
	CU_ASSERT_FALSE(leaf(0x7000) & SPTE_W);         /* traced again */
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_READ, 0).gpa[0], DATA + 0x1000);
	done();
}

/*
 * An out-of-sync table shadowed under both CR0.WP roles: the guest changes
 * an entry and invlpgs it under one; the other role's copy must not show
 * the old entry after a WP switch.
 */
static void test_hybrid_resyncs_before_a_cr0_wp_switch(void)
{
	boot(SHADOW_HYBRID);
	map4k(PD, PT, 0x5000, DATA, G_P | G_W | G_A);
	paging_on(0, SIM_CR0_WP);
	touch(0x5000, SHADOW_READ, 0);
	sim_cr0(&s, SIM_CR0_PE | SIM_CR0_PG);
	touch(0x5000, SHADOW_READ, 0);
	sim_cr0(&s, SIM_CR0_PE | SIM_CR0_PG | SIM_CR0_WP);
	for (uint32_t i = 0; i < 3; i++)
		guest_store32(PT + 0x200 + 4 * i, 0);
	CU_ASSERT_EQUAL(stats()->pages_unsynced, 2);    /* both roles */
	sim_poke32(&s, pte_at(PT, 0x5000), (DATA + 0x1000) | G_P | G_W | G_A);
	shadow_on_invlpg(s.mmu, 0x5000);
	sim_cr0(&s, SIM_CR0_PE | SIM_CR0_PG);
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_READ, 0).gpa[0], DATA + 0x1000);
	done();
}

static void test_cr0_wp_change_switches_to_the_root_of_that_role(void)
{
	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, G_P | G_W);
	paging_on(0, SIM_CR0_WP);
	touch(0x5000, SHADOW_READ, 0);
	sim_cr0(&s, SIM_CR0_PE | SIM_CR0_PG);
	CU_ASSERT_EQUAL(leaf(0x5000), 0);               /* a WP = 0 root */
	touch(0x5000, SHADOW_READ, 0);
	sim_cr0(&s, SIM_CR0_PE | SIM_CR0_PG | SIM_CR0_WP);
	CU_ASSERT_NOT_EQUAL(leaf(0x5000), 0);           /* cached, still valid */
	done();
}

static void test_a_policy_change_starts_from_an_empty_shadow(void)
{
	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, G_P | G_W);
	paging_on(0, SIM_CR0_WP);
	touch(0x5000, SHADOW_READ, 0);
	shadow_set_policy(s.mmu, SHADOW_LAZY);
	CU_ASSERT_EQUAL(leaf(0x5000), 0);
	CU_ASSERT_EQUAL(stats()->pages_in_use, 1);      /* the new root */
	CU_ASSERT_EQUAL(touch(0x5000, SHADOW_READ, 0).gpa[0], DATA);
	done();
}

/* ---- budget ----------------------------------------------------------- */

static void test_the_budget_evicts_the_least_recently_used_table(void)
{
	struct shadow_params p = params(SHADOW_TRACE);

	p.budget_frames = 6;            /* root, PD, 4 tables */
	boot_with(p);
	for (uint32_t i = 0; i < 8; i++)
		map4k(PD, PT + i * 0x1000, i << 22, DATA + i * 0x1000, G_P);
	paging_on(0, SIM_CR0_WP);
	for (uint32_t i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(touch(i << 22, SHADOW_READ, 0).gpa[0],
				DATA + i * 0x1000);
	CU_ASSERT_EQUAL(stats()->pages_in_use, 6);
	CU_ASSERT_EQUAL(stats()->evicted, 4);
	for (uint32_t i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(leaf(i << 22), 0);      /* the oldest went */
	for (uint32_t i = 4; i < 8; i++)
		CU_ASSERT_NOT_EQUAL(leaf(i << 22), 0);
	done();
}

static void test_the_checker_reports_a_writable_mapping_of_a_traced_table(void)
{
	const char *why;
	uint64_t *pdpt, *pd, *pt;

	boot(SHADOW_TRACE);
	map4k(PD, PT, 0x5000, DATA, G_P | G_W);
	sim_poke32(&s, pte_at(PT, 0x7000), PT | G_P | G_W | G_A | G_D);
	paging_on(0, SIM_CR0_WP);
	touch(0x5000, SHADOW_READ, 0);
	touch(0x7000, SHADOW_READ, 0);
	CU_ASSERT_PTR_NULL(shadow_check_invariants(s.mmu));
	pdpt = s.env.hpa_ptr(s.pdpt);
	pd = s.env.hpa_ptr(pdpt[0] & SPTE_ADDR_MASK);
	pt = s.env.hpa_ptr(pd[0] & SPTE_ADDR_MASK);
	pt[7] |= SPTE_W;                /* a bug, injected */
	why = shadow_check_invariants(s.mmu);
	CU_ASSERT_PTR_NOT_NULL(why);
	CU_ASSERT_PTR_NOT_NULL(why ? strstr(why, "traced") : NULL);
	pt[7] &= ~SPTE_W;
	done();
}

int main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
#define T(fn, name) { name, fn }
		T(test_hidden_fault_fills_the_shadow_and_sets_accessed_bits,
		  "a hidden fault fills the shadow and sets the accessed bits"),
		T(test_first_write_to_a_clean_page_sets_the_guest_dirty_bit,
		  "first write to a clean page sets the guest dirty bit"),
		T(test_a_not_present_page_is_a_true_fault,
		  "a not-present page is a true fault"),
		T(test_user_write_to_a_read_only_page_faults_with_p_w_u,
		  "user write to a read-only page faults with P|W|U"),
		T(test_user_access_to_a_supervisor_page_faults,
		  "user access to a supervisor page faults"),
		T(test_kernel_write_to_read_only_page_obeys_cr0_wp,
		  "kernel write to a read-only page obeys CR0.WP"),
		T(test_wp0_user_read_only_page_switches_between_kernel_and_user,
		  "WP=0: a user read-only page switches between kernel and user"),
		T(test_smep_kernel_fetch_from_a_user_page_is_a_true_fault_with_i_d,
		  "SMEP: a kernel fetch from a user page is a true fault, I/D"),
		T(test_with_smep_every_fetch_fault_reports_i_d,
		  "with SMEP every fetch fault reports I/D"),
		T(test_smap_kernel_data_access_to_a_user_page_faults_unless_ac,
		  "SMAP: kernel data access to a user page faults unless AC"),
		T(test_smap_applies_to_the_monitors_emulated_accesses,
		  "SMAP applies to the monitor's emulated accesses"),
		T(test_wp0_under_smap_a_kernel_write_to_a_user_page_is_emulated,
		  "WP=0 under SMAP: a kernel write to a user page is emulated"),
		T(test_wp0_smep_turned_on_ends_the_kernel_writable_switch,
		  "WP=0: SMEP turned on ends the kernel-writable switch"),
		T(test_paging_off_knows_no_smep_or_smap,
		  "paging off knows no SMEP or SMAP"),
		T(test_4mib_page_is_shadowed_as_two_2mib_entries,
		  "4 MiB page shadowed as two 2 MiB entries"),
		T(test_4mib_page_over_the_hole_is_shadowed_in_4kib_pieces,
		  "4 MiB page over the hole is shadowed in 4 KiB pieces"),
		T(test_guest_physical_beyond_ram_is_mmio_and_never_mapped,
		  "guest-physical beyond RAM is MMIO and never mapped"),
		T(test_pse36_page_above_4gib_is_mmio,
		  "a PSE-36 page above 4 GiB is MMIO"),
		T(test_reserved_bit_in_a_4mib_entry_faults_with_rsvd,
		  "reserved bit in a 4 MiB entry faults with RSVD"),
		T(test_without_cr4_pse_the_ps_bit_is_ignored,
		  "without CR4.PSE the PS bit is ignored"),
		T(test_paging_off_maps_ram_and_leaves_the_hole_to_mmio,
		  "paging off maps RAM and leaves the hole to MMIO"),
		T(test_pae_paging_is_refused, "PAE paging is refused"),
		T(test_guest_page_tables_are_write_protected_and_writes_traced,
		  "guest page tables are write-protected and writes traced"),
		T(test_a_watched_frame_is_write_protected_under_every_policy,
		  "a watched frame is write-protected under every policy"),
		T(test_a_watched_frame_is_write_protected_with_paging_off,
		  "a watched frame is write-protected with paging off"),
		T(test_write_to_a_traced_table_updates_only_the_touched_entry,
		  "write to a traced page table updates only the touched entry"),
		T(test_a_misaligned_write_across_two_entries_updates_both,
		  "a misaligned write across two entries updates both"),
		T(test_a_page_crossing_write_updates_both_tables,
		  "a page-crossing write updates both tables"),
		T(test_clearing_a_directory_accessed_bit_is_seen_by_the_next_walk,
		  "clearing a directory accessed bit is seen by the next walk"),
		T(test_write_flooding_unshadows_a_table,
		  "write flooding unshadows a table"),
		T(test_untracing_a_frame_drops_the_shadow_built_from_it,
		  "untracing a frame drops the shadow built from it"),
		T(test_switching_back_to_an_address_space_hits_the_cache,
		  "switching back to an address space hits the cache"),
		T(test_global_page_survives_a_cr3_load_under_lazy_policy,
		  "global page survives a CR3 load under lazy policy"),
		T(test_invlpg_drops_the_entry_for_that_address,
		  "invlpg drops the entry for that address"),
		T(test_lazy_policy_sees_a_table_change_only_after_invlpg,
		  "lazy policy sees a table change only after invlpg"),
		T(test_lazy_invlpg_reaches_tables_the_current_space_does_not_map,
		  "lazy invlpg reaches tables the current space does not map"),
		T(test_lazy_invlpg_drops_a_directory_link_the_guest_replaced,
		  "lazy invlpg drops a directory link the guest replaced"),
		T(test_lazy_cr3_load_drops_directory_links_to_non_global_tables,
		  "lazy CR3 load drops directory links to non-global tables"),
		T(test_lazy_global_bit_without_cr4_pge_does_not_survive_cr3_load,
		  "lazy: G without CR4.PGE does not survive a CR3 load"),
		T(test_lazy_directory_accessed_bit_cleared_and_flushed_is_set_again,
		  "lazy: a directory A bit cleared and flushed is set again"),
		T(test_hybrid_lets_a_busy_table_go_out_of_sync_until_cr3_load,
		  "hybrid lets a busy table go out of sync until a CR3 load"),
		T(test_hybrid_resyncs_before_a_cr0_wp_switch,
		  "hybrid resyncs before a CR0.WP switch"),
		T(test_cr0_wp_change_switches_to_the_root_of_that_role,
		  "a CR0.WP change switches to the root of that role"),
		T(test_a_policy_change_starts_from_an_empty_shadow,
		  "a policy change starts from an empty shadow"),
		T(test_the_budget_evicts_the_least_recently_used_table,
		  "the budget evicts the least recently used table"),
		T(test_the_checker_reports_a_writable_mapping_of_a_traced_table,
		  "the checker reports a writable mapping of a traced table"),
#undef T
	};
	CU_pSuite suite;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("shadow MMU, specified", NULL, NULL);
	for (unsigned i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(suite, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures != 0;
}
