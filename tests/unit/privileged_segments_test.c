/*
 * privileged_segments_test.c - segments.c: the real GDT and LDT as
 * sanitized mirrors of the guest's, user code hidden while the guest kernel
 * runs, the loaded CS parked across an lgdt, descriptor traces.
 */
#include "privileged_harness.h"

#include <string.h>

#define NEW_GDT 0x5000u

/* Run `lgdt [eax]` for a table of ENTRIES descriptors at BASE. */
static enum exit_result run_lgdt(uint32_t base, unsigned entries)
{
	frame.rax = DATA;
	put16(DATA, (uint16_t)(entries * 8 - 1));
	put32(DATA + 2, base);
	return RUN_GP(0, 0x0f, 0x01, 0x10);
}

/* Copy the guest's GDT to BASE, ENTRIES descriptors. */
static void copy_gdt(uint32_t base, unsigned entries)
{
	memcpy(guest_ram + base, guest_ram + GDT_BASE, entries * 8);
}

/* SDM-level outcome of lgdt under the monitor: every slot the guest's,
 * sanitized (descriptor.h), user and conforming code hidden, and nothing
 * left of the previous, longer table. */
static void test_lgdt_mirrors_the_guest_gdt_sanitized(void)
{
	const uint64_t gdt[] = {
		0, D_KCODE, D_KDATA, D_UCODE, D_UDATA, D_CODE64, D_TSS,
		D_CALLGATE, D_CONFORM,
	};

	memcpy(guest_ram + NEW_GDT, gdt, sizeof(gdt));
	CU_ASSERT_EQUAL(run_lgdt(NEW_GDT, 9), EXIT_DONE);
	CU_ASSERT_EQUAL(V->gdtr.base, NEW_GDT);
	CU_ASSERT_EQUAL(V->gdtr.limit, 9 * 8 - 1);
	CU_ASSERT_EQUAL(real_gdt[0], 0);
	CU_ASSERT_EQUAL(real_gdt[1], D_KCODE | DPL1);
	CU_ASSERT_EQUAL(real_gdt[2], D_KDATA | DPL1);
	CU_ASSERT_EQUAL(real_gdt[3], D_UCODE & ~DESC_P);       /* hidden */
	CU_ASSERT_EQUAL(real_gdt[4], D_UDATA);
	CU_ASSERT_EQUAL(real_gdt[5], (D_CODE64 | DPL1) & ~DESC_L);
	CU_ASSERT_EQUAL(real_gdt[6], 0);                        /* TSS */
	CU_ASSERT_EQUAL(real_gdt[7], 0);                        /* call gate */
	CU_ASSERT_EQUAL(real_gdt[8], (D_CONFORM | DPL1) & ~DESC_P);
	for (unsigned i = 9; i < GDT_ENTRIES; i++)
		CU_ASSERT_EQUAL(real_gdt[i], 0);
	CU_ASSERT_EQUAL(frame.cs, SEL_KCODE | 1);       /* unchanged: not parked */
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 3);
}

static void test_user_code_is_present_only_while_user_code_runs(void)
{
	CU_ASSERT_EQUAL(real_gdt[SEL_UCODE >> 3], D_UCODE & ~DESC_P);
	guest_to_user();
	CU_ASSERT_EQUAL(real_gdt[SEL_UCODE >> 3], D_UCODE);
	CU_ASSERT_EQUAL(real_gdt[SEL_CONFORM >> 3], D_CONFORM | DPL1);
	frame.cs = SEL_KCODE | 1;
	frame.ss = SEL_KDATA | 1;
	segments_prepare_return(V);
	CU_ASSERT_EQUAL(real_gdt[SEL_UCODE >> 3], D_UCODE & ~DESC_P);
	CU_ASSERT_EQUAL(real_gdt[SEL_CONFORM >> 3], (D_CONFORM | DPL1) & ~DESC_P);
}

static void test_conforming_code_is_known_as_hidden_conforming_code(void)
{
	CU_ASSERT(segments_hidden_conforming(SEL_CONFORM));
	CU_ASSERT(!segments_hidden_conforming(SEL_UCODE));
	CU_ASSERT(!segments_hidden_conforming(SEL_KCODE));
}

/*
 * A loaded CS outlives its descriptor: after an lgdt that changes slot 1,
 * the guest runs on with the old one, parked; exception frames still show
 * its own selector; the parking slot is cleared once CS is reloaded.
 */
static void test_lgdt_that_changes_the_loaded_cs_parks_it(void)
{
	const uint64_t new_kcode = D_KCODE & ~0xffffull;    /* limit 0xf0000 */
	struct guest_event ev = {
		.vector = EXC_UD, .kind = EV_EXCEPTION,
		.return_eip = KERNEL_EIP + 3,
	};

	copy_gdt(NEW_GDT, GDT_ENTRIES);
	put64(NEW_GDT + SEL_KCODE, new_kcode);
	CU_ASSERT_EQUAL(run_lgdt(NEW_GDT, GDT_ENTRIES), EXIT_DONE);
	CU_ASSERT_EQUAL(real_gdt[SEL_KCODE >> 3], new_kcode | DPL1);
	CU_ASSERT_EQUAL(frame.cs, SLOT_STALE_CS * 8 | 1);
	CU_ASSERT_EQUAL(real_gdt[SLOT_STALE_CS], D_KCODE | DPL1);
	CU_ASSERT_EQUAL(V->stale_cs, SEL_KCODE | 1);
	CU_ASSERT_EQUAL(virtual_cs(V), SEL_KCODE);
	CU_ASSERT_EQUAL(frame.ss, SEL_KDATA | 1);       /* its slot is unchanged */

	CU_ASSERT_EQUAL(deliver(&ev), EXIT_DONE);
	CU_ASSERT_EQUAL(stack_word(1), SEL_KCODE);      /* the guest's own CS */
	CU_ASSERT_EQUAL(frame.cs, SEL_KCODE | 1);       /* reloaded by delivery */
	CU_ASSERT_EQUAL(real_gdt[SLOT_STALE_CS], 0);
}

static void test_lgdt_of_the_same_table_elsewhere_parks_nothing(void)
{
	copy_gdt(NEW_GDT, GDT_ENTRIES);
	CU_ASSERT_EQUAL(run_lgdt(NEW_GDT, GDT_ENTRIES), EXIT_DONE);
	CU_ASSERT_EQUAL(frame.cs, SEL_KCODE | 1);
	CU_ASSERT_EQUAL(frame.ss, SEL_KDATA | 1);
	CU_ASSERT_EQUAL(real_gdt[SLOT_STALE_CS], 0);
	CU_ASSERT_EQUAL(real_gdt[SLOT_STALE_SS], 0);
}

/* Slots from GDT_GUEST_SLOTS up are the monitor's: a 64 KiB guest GDT is
 * mirrored up to there, and the rest is left alone (and logged). */
static void test_a_guest_gdt_larger_than_the_mirror_stops_at_the_monitors_slots(void)
{
	const uint32_t big = 0x50000;
	const uint64_t mine = 0x00209a0000000000ull;      /* a 64-bit code */

	copy_gdt(big, GDT_ENTRIES);
	for (unsigned i = GDT_ENTRIES; i < 8192; i++)
		put64(big + 8 * i, D_UDATA);
	real_gdt[SEL_MON_CODE >> 3] = mine;
	CU_ASSERT_EQUAL(run_lgdt(big, 8192), EXIT_DONE);
	CU_ASSERT_EQUAL(real_gdt[GDT_GUEST_SLOTS - 1], D_UDATA);
	CU_ASSERT_EQUAL(real_gdt[SEL_MON_CODE >> 3], mine);
	CU_ASSERT(strstr(fake_monitor.log, "8192 entries") != NULL);
	real_gdt[SEL_MON_CODE >> 3] = 0;
}

/* Under traces (the hybrid policy too) the frame holding the GDT is
 * watched, and a write the shadow MMU emulates there re-syncs the slot it
 * touched. */
static void test_a_traced_write_to_the_gdt_resyncs_its_slot(void)
{
	const uint64_t moved = D_UDATA | 0x0100000000000000ull;  /* base 16M */

	CU_ASSERT(fake_shadow_watches(GDT_BASE));
	put64(GDT_BASE + (SEL_UDATA & ~3u), moved);
	segments_guest_wrote(V, GDT_BASE + (SEL_UDATA & ~3u), 8);
	CU_ASSERT_EQUAL(real_gdt[SEL_UDATA >> 3], moved);
	CU_ASSERT_EQUAL(real_gdt[SEL_KDATA >> 3], D_KDATA | DPL1);
}

static void test_lgdt_moves_the_watch_to_the_new_tables_frame(void)
{
	copy_gdt(NEW_GDT, GDT_ENTRIES);
	CU_ASSERT_EQUAL(run_lgdt(NEW_GDT, GDT_ENTRIES), EXIT_DONE);
	CU_ASSERT(fake_shadow_watches(NEW_GDT));
	CU_ASSERT(!fake_shadow_watches(GDT_BASE));
}

/*
 * DESC_HYBRID: writes to the GDT's frame that change no descriptor (data
 * sharing its page) stop its trace after DESC_IDLE_WRITES (64) in a row;
 * the next lgdt traces the table again.
 */
static void test_a_gdt_frame_written_64_times_in_vain_is_no_longer_traced(void)
{
	const uint32_t beside = GDT_BASE + 0x800;       /* past its limit */

	for (unsigned i = 0; i < 63; i++)
		segments_guest_wrote(V, beside, 4);
	CU_ASSERT(fake_shadow_watches(GDT_BASE));
	segments_guest_wrote(V, beside, 4);
	CU_ASSERT(!fake_shadow_watches(GDT_BASE));
	CU_ASSERT(strstr(fake_monitor.log, "GDT trace dropped") != NULL);
	frame.rax = 0x5000;             /* a CR3 load looks at the tables again */
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x22, 0xd8), EXIT_DONE);
	CU_ASSERT(!fake_shadow_watches(GDT_BASE));
	frame.rip = KERNEL_EIP;
	CU_ASSERT_EQUAL(run_lgdt(GDT_BASE, GDT_ENTRIES), EXIT_DONE);
	CU_ASSERT(fake_shadow_watches(GDT_BASE));
}

/* One write that changes a descriptor starts the count again. */
static void test_a_write_that_changes_a_descriptor_keeps_the_trace(void)
{
	const uint32_t beside = GDT_BASE + 0x800;

	for (unsigned i = 0; i < 63; i++)
		segments_guest_wrote(V, beside, 4);
	put64(GDT_BASE + (SEL_UDATA & ~3u), D_UDATA & ~DESC_P);
	segments_guest_wrote(V, GDT_BASE + (SEL_UDATA & ~3u), 8);
	for (unsigned i = 0; i < 63; i++)
		segments_guest_wrote(V, beside, 4);
	CU_ASSERT(fake_shadow_watches(GDT_BASE));
	CU_ASSERT_EQUAL(real_gdt[SEL_UDATA >> 3], D_UDATA & ~DESC_P);
}

/* Under DESC_SYNC nothing is watched: the write waits for the next lgdt. */
static void test_under_the_sync_policy_a_written_slot_waits_for_lgdt(void)
{
	segments_set_policy(V, DESC_SYNC);
	CU_ASSERT(!fake_shadow_watches(GDT_BASE));
	put64(GDT_BASE + (SEL_UDATA & ~3u), D_UDATA & ~DESC_P);
	segments_guest_wrote(V, GDT_BASE + (SEL_UDATA & ~3u), 8);
	CU_ASSERT_EQUAL(real_gdt[SEL_UDATA >> 3], D_UDATA);
}

/* A segment load the monitor sees re-reads its slot first. */
static void test_mov_ss_picks_up_a_descriptor_written_since_the_last_lgdt(void)
{
	segments_set_policy(V, DESC_SYNC);
	put64(GDT_BASE + SEL_LDT_NP, D_KDATA);      /* slot 9 was an LDT */
	CU_ASSERT_EQUAL(real_gdt[SEL_LDT_NP >> 3], 0);
	frame.rax = SEL_LDT_NP;
	CU_ASSERT_EQUAL(RUN_GP(SEL_LDT_NP, 0x8e, 0xd0), EXIT_DONE);
	CU_ASSERT_EQUAL(frame.ss, SEL_LDT_NP | 1);
	CU_ASSERT_EQUAL(real_gdt[SEL_LDT_NP >> 3], D_KDATA | DPL1);
}

static void test_the_guest_ldt_is_mirrored_sanitized(void)
{
	CU_ASSERT_EQUAL(segments_load_ldt(V, SEL_LDT), 0);
	CU_ASSERT_EQUAL(real_ldt[LDT_KDATA >> 3], D_KDATA | DPL1);
	CU_ASSERT_EQUAL(real_ldt[LDT_UCODE >> 3], D_UCODE & ~DESC_P);
	CU_ASSERT_EQUAL(real_ldt[LDT_KDATA2 >> 3], D_KDATA | DPL1);
	CU_ASSERT_EQUAL(real_ldt[LDT_TSS >> 3], 0);
	CU_ASSERT_EQUAL(real_ldt[4], 0);
	CU_ASSERT(fake_shadow_watches(LDT_BASE));
}

/*
 * The guest kernel loads DS with user code it may read (mov ds, ax): the
 * CPU raised #NP because the slot is hidden.  The monitor performs the
 * load with the slot shown, and hides it again.  (The fake CPU records the
 * descriptor the load saw; an LDT selector always faults in the host
 * process, which has no LDT.)
 */
static void test_a_kernel_load_of_hidden_user_code_into_ds_is_completed(void)
{
	const struct fake_segment_load *load = &fake_cpu.loads[1];

	CU_ASSERT_EQUAL(segments_load_ldt(V, SEL_LDT), 0);
	frame.rax = LDT_UCODE;
	CU_ASSERT_EQUAL(RUN_NP(LDT_UCODE & ~3u, 0x8e, 0xd8), EXIT_DONE);
	CU_ASSERT_EQUAL_FATAL(fake_cpu.n_loads, 2);     /* lldt, mov ds */
	CU_ASSERT_EQUAL(load->kind, FAKE_MOV_SREG);
	CU_ASSERT_EQUAL(load->sreg, 3);                 /* DS */
	CU_ASSERT_EQUAL(load->sel, LDT_UCODE);
	CU_ASSERT_EQUAL(load->desc, D_UCODE);           /* shown for the load */
	CU_ASSERT_EQUAL(real_ldt[LDT_UCODE >> 3], D_UCODE & ~DESC_P);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 2);
}

static void test_an_np_on_another_selector_is_the_guests_own(void)
{
	CU_ASSERT_EQUAL(segments_load_ldt(V, SEL_LDT), 0);
	frame.rax = SEL_KDATA_NP;
	CU_ASSERT_EQUAL(RUN_NP(SEL_KDATA_NP, 0x8e, 0xd8), EXIT_NOT_MINE);
	CU_ASSERT_EQUAL(fake_cpu.n_loads, 1);           /* the lldt only */
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP);
}

/* The checks iretq makes: CS code of DPL = RPL, SS writable of DPL = RPL. */
static void test_resumable_refuses_what_iretq_would_refuse(void)
{
	uint16_t bad = 0;

	CU_ASSERT(segments_resumable(V, &bad));
	frame.cs = SEL_KCODE;                   /* RPL 0: the monitor's ring */
	CU_ASSERT(!segments_resumable(V, &bad));
	CU_ASSERT_EQUAL(bad, SEL_KCODE);
	frame.cs = SEL_KCODE | 1;
	frame.ss = SEL_KDATA_RO | 1;
	CU_ASSERT(!segments_resumable(V, &bad));
	CU_ASSERT_EQUAL(bad, SEL_KDATA_RO | 1);
	frame.ss = SEL_UDATA;                   /* DPL 3 under CPL 1 */
	CU_ASSERT(!segments_resumable(V, &bad));
	CU_ASSERT_EQUAL(bad, SEL_UDATA);
}

static void test_guest_descriptor_reads_only_inside_the_table(void)
{
	uint64_t d = 0;

	CU_ASSERT_EQUAL(guest_descriptor(V, SEL_KDATA2, &d), 0);
	CU_ASSERT_EQUAL(d, D_KDATA);
	CU_ASSERT_EQUAL(guest_descriptor(V, GDT_ENTRIES * 8, &d), -1);
	CU_ASSERT_EQUAL(guest_descriptor(V, LDT_KDATA, &d), -1);  /* no LDT */
}

CU_TestInfo segment_tests[] = {
	{ "lgdt mirrors the guest GDT sanitized",
	  test_lgdt_mirrors_the_guest_gdt_sanitized },
	{ "user code is present only while user code runs",
	  test_user_code_is_present_only_while_user_code_runs },
	{ "conforming code is known as hidden conforming code",
	  test_conforming_code_is_known_as_hidden_conforming_code },
	{ "lgdt that changes the loaded CS parks it",
	  test_lgdt_that_changes_the_loaded_cs_parks_it },
	{ "lgdt of the same table elsewhere parks nothing",
	  test_lgdt_of_the_same_table_elsewhere_parks_nothing },
	{ "a guest GDT larger than the mirror stops at the monitor's slots",
	  test_a_guest_gdt_larger_than_the_mirror_stops_at_the_monitors_slots },
	{ "a traced write to the GDT re-syncs its slot",
	  test_a_traced_write_to_the_gdt_resyncs_its_slot },
	{ "lgdt moves the watch to the new table's frame",
	  test_lgdt_moves_the_watch_to_the_new_tables_frame },
	{ "a GDT frame written 64 times in vain is no longer traced",
	  test_a_gdt_frame_written_64_times_in_vain_is_no_longer_traced },
	{ "a write that changes a descriptor keeps the trace",
	  test_a_write_that_changes_a_descriptor_keeps_the_trace },
	{ "under the sync policy a written slot waits for lgdt",
	  test_under_the_sync_policy_a_written_slot_waits_for_lgdt },
	{ "mov ss picks up a descriptor written since the last lgdt",
	  test_mov_ss_picks_up_a_descriptor_written_since_the_last_lgdt },
	{ "the guest LDT is mirrored sanitized",
	  test_the_guest_ldt_is_mirrored_sanitized },
	{ "a kernel load of hidden user code into DS is completed",
	  test_a_kernel_load_of_hidden_user_code_into_ds_is_completed },
	{ "an #NP on another selector is the guest's own",
	  test_an_np_on_another_selector_is_the_guests_own },
	{ "resumable refuses what iretq would refuse",
	  test_resumable_refuses_what_iretq_would_refuse },
	{ "guest_descriptor reads only inside the table",
	  test_guest_descriptor_reads_only_inside_the_table },
	CU_TEST_INFO_NULL,
};
