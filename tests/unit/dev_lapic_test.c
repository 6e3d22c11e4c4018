/*
 * dev_lapic_test.c - the local APIC: reset state, priorities, EOI, the
 * timer on virtual time, the error status, and IPIs to nobody.
 *
 * Time starts at 0; the APIC bus clock is 1 GHz (1 tick per ns) before the
 * divider.  Most cases start with the APIC software-enabled (SVR 0x1ff).
 */
#include <CUnit/Basic.h>

#include "../../vmm/dev/lapic.h"

static struct lapic l;
static int broadcast_vector;

static void on_eoi_broadcast(void *ctx, uint8_t vector)
{
	(void)ctx;
	broadcast_vector = vector;
}

static void setup_disabled(void)
{
	lapic_init(&l);
	l.eoi_broadcast = on_eoi_broadcast;
	broadcast_vector = -1;
}

static void setup(void)
{
	setup_disabled();
	lapic_write(&l, LAPIC_SVR, 0x1ff, 0);
}

static uint32_t rd(uint32_t reg)
{
	return lapic_read(&l, reg, 0);
}

static void wr(uint32_t reg, uint32_t val)
{
	lapic_write(&l, reg, val, 0);
}

static void test_reset_state_is_qemus(void)
{
	setup_disabled();
	CU_ASSERT_EQUAL(rd(LAPIC_ID), 0);
	CU_ASSERT_EQUAL(rd(LAPIC_VERSION), 0x00050014);
	CU_ASSERT_EQUAL(rd(LAPIC_SVR), 0xff);
	CU_ASSERT_EQUAL(rd(LAPIC_DFR), 0xffffffffu);
	CU_ASSERT_EQUAL(rd(LAPIC_LVT_TIMER), LVT_MASKED);
	CU_ASSERT_EQUAL(rd(LAPIC_LVT_LINT0), 0x700);    /* virtual wire */
	CU_ASSERT_EQUAL(rd(LAPIC_LVT_ERROR), LVT_MASKED);
	CU_ASSERT_TRUE(lapic_accepts_pic(&l));
}

static void test_software_disabled_apic_holds_its_interrupts(void)
{
	setup_disabled();
	lapic_accept(&l, 0x40, false);
	CU_ASSERT_EQUAL(lapic_pending_vector(&l), -1);
	wr(LAPIC_SVR, 0x1ff);
	CU_ASSERT_EQUAL(lapic_pending_vector(&l), 0x40);
}

static void test_highest_vector_above_the_task_priority_is_pending(void)
{
	setup();
	lapic_accept(&l, 0x41, false);
	lapic_accept(&l, 0x52, false);
	CU_ASSERT_EQUAL(lapic_pending_vector(&l), 0x52);
	wr(LAPIC_TPR, 0x50);                            /* class 5 and below wait */
	CU_ASSERT_EQUAL(lapic_pending_vector(&l), -1);
	wr(LAPIC_TPR, 0x4f);
	CU_ASSERT_EQUAL(lapic_pending_vector(&l), 0x52);
}

static void test_acknowledge_and_eoi_move_through_irr_and_isr(void)
{
	setup();
	lapic_accept(&l, 0x41, false);
	lapic_accept(&l, 0x52, false);
	CU_ASSERT_EQUAL(lapic_acknowledge(&l), 0x52);
	CU_ASSERT_EQUAL(rd(LAPIC_ISR + 0x20), 1u << (0x52 - 64));
	CU_ASSERT_EQUAL(rd(LAPIC_PPR), 0x50);
	CU_ASSERT_EQUAL(lapic_pending_vector(&l), -1);  /* 0x41 is a lower class */
	wr(LAPIC_EOI, 0);
	CU_ASSERT_EQUAL(rd(LAPIC_ISR + 0x20), 0);
	CU_ASSERT_EQUAL(lapic_pending_vector(&l), 0x41);
	CU_ASSERT_EQUAL(rd(LAPIC_IRR + 0x20), 1u << (0x41 - 64));
}

static void test_eoi_of_a_level_triggered_vector_is_broadcast(void)
{
	setup();
	lapic_accept(&l, 0x30, true);
	CU_ASSERT_EQUAL(rd(LAPIC_TMR + 0x10), 1u << (0x30 - 32));
	lapic_acknowledge(&l);
	wr(LAPIC_EOI, 0);
	CU_ASSERT_EQUAL(broadcast_vector, 0x30);
	broadcast_vector = -1;
	lapic_accept(&l, 0x31, false);
	lapic_acknowledge(&l);
	wr(LAPIC_EOI, 0);
	CU_ASSERT_EQUAL(broadcast_vector, -1);          /* edge: no broadcast */
}

static void test_nothing_to_acknowledge_gives_the_spurious_vector(void)
{
	setup();
	CU_ASSERT_EQUAL(lapic_acknowledge(&l), 0xff);
}

static void test_one_shot_timer_interrupts_once_and_stops_at_zero(void)
{
	setup();
	lapic_write(&l, LAPIC_TIMER_DIVIDE, 0x3, 0);    /* divide by 16 */
	lapic_write(&l, LAPIC_LVT_TIMER, 0x20, 0);      /* one-shot, vector 0x20 */
	lapic_write(&l, LAPIC_TIMER_INITIAL, 1000, 100);
	CU_ASSERT_EQUAL(lapic_next_deadline(&l, 100), 100 + 16000);
	CU_ASSERT_EQUAL(lapic_read(&l, LAPIC_TIMER_CURRENT, 100 + 16 * 250), 750);
	lapic_advance(&l, 100 + 15999);
	CU_ASSERT_EQUAL(lapic_pending_vector(&l), -1);
	lapic_advance(&l, 100 + 16000);
	CU_ASSERT_EQUAL(lapic_pending_vector(&l), 0x20);
	CU_ASSERT_EQUAL(lapic_read(&l, LAPIC_TIMER_CURRENT, 100 + 16000), 0);
	CU_ASSERT_EQUAL(lapic_next_deadline(&l, 100 + 16000), LAPIC_NO_DEADLINE);
}

static void test_periodic_timer_reloads_every_period(void)
{
	setup();
	lapic_write(&l, LAPIC_TIMER_DIVIDE, 0xb, 0);    /* divide by 1 */
	lapic_write(&l, LAPIC_LVT_TIMER, 0x20000 | 0x20, 0);
	lapic_write(&l, LAPIC_TIMER_INITIAL, 1000, 0);
	lapic_advance(&l, 1000);
	CU_ASSERT_EQUAL(lapic_acknowledge(&l), 0x20);
	wr(LAPIC_EOI, 0);
	CU_ASSERT_EQUAL(lapic_next_deadline(&l, 1000), 2000);
	CU_ASSERT_EQUAL(lapic_read(&l, LAPIC_TIMER_CURRENT, 1250), 750);
	lapic_advance(&l, 5500);                        /* late: one interrupt */
	CU_ASSERT_EQUAL(lapic_acknowledge(&l), 0x20);
	CU_ASSERT_EQUAL(lapic_pending_vector(&l), -1);
	CU_ASSERT_EQUAL(lapic_next_deadline(&l, 5500), 6000);
}

static void test_masked_timer_counts_without_interrupting(void)
{
	setup();
	lapic_write(&l, LAPIC_TIMER_DIVIDE, 0xb, 0);
	lapic_write(&l, LAPIC_LVT_TIMER, LVT_MASKED | 0x20, 0);
	lapic_write(&l, LAPIC_TIMER_INITIAL, 1000, 0);
	CU_ASSERT_EQUAL(lapic_read(&l, LAPIC_TIMER_CURRENT, 400), 600);
	lapic_advance(&l, 1000);
	CU_ASSERT_EQUAL(lapic_pending_vector(&l), -1);
}

static void test_initial_count_zero_stops_the_timer(void)
{
	setup();
	lapic_write(&l, LAPIC_LVT_TIMER, 0x20000 | 0x20, 0);
	lapic_write(&l, LAPIC_TIMER_INITIAL, 1000, 0);
	lapic_write(&l, LAPIC_TIMER_INITIAL, 0, 10);
	CU_ASSERT_EQUAL(lapic_next_deadline(&l, 10), LAPIC_NO_DEADLINE);
	CU_ASSERT_EQUAL(lapic_read(&l, LAPIC_TIMER_CURRENT, 10), 0);
}

static void test_divide_change_keeps_the_current_count(void)
{
	setup();
	lapic_write(&l, LAPIC_TIMER_DIVIDE, 0xb, 0);    /* by 1 */
	lapic_write(&l, LAPIC_LVT_TIMER, 0x20, 0);
	lapic_write(&l, LAPIC_TIMER_INITIAL, 1000, 0);
	lapic_write(&l, LAPIC_TIMER_DIVIDE, 0x0, 400);  /* by 2 from now on */
	CU_ASSERT_EQUAL(lapic_read(&l, LAPIC_TIMER_CURRENT, 400), 600);
	CU_ASSERT_EQUAL(lapic_next_deadline(&l, 400), 400 + 2 * 600);
}

static void test_error_status_is_latched_by_a_write(void)
{
	setup();
	wr(LAPIC_ICR_LOW, 0x00004005);                  /* fixed IPI, vector 5 */
	CU_ASSERT_EQUAL(rd(LAPIC_ESR), 0);              /* not yet latched */
	wr(LAPIC_ESR, 0);
	CU_ASSERT_EQUAL(rd(LAPIC_ESR), ESR_SEND_ILLEGAL_VECTOR);
	wr(LAPIC_ESR, 0);
	CU_ASSERT_EQUAL(rd(LAPIC_ESR), 0);
}

static void test_reserved_register_read_is_an_illegal_address(void)
{
	setup();
	CU_ASSERT_EQUAL(rd(0x2f0), 0);                  /* no CMCI entry: as QEMU */
	wr(LAPIC_ESR, 0);
	CU_ASSERT_EQUAL(rd(LAPIC_ESR), ESR_ILLEGAL_REGISTER);
}

static void test_error_lvt_interrupts_on_an_error(void)
{
	setup();
	wr(LAPIC_LVT_ERROR, 0xfe);
	lapic_accept(&l, 3, false);                     /* an illegal vector arrives */
	CU_ASSERT_EQUAL(lapic_pending_vector(&l), 0xfe);
}

static void test_init_and_startup_to_absent_cpus_are_harmless(void)
{
	setup();
	wr(LAPIC_ICR_HIGH, 1u << 24);
	wr(LAPIC_ICR_LOW, 0x0000c500);                  /* INIT, level, assert */
	wr(LAPIC_ICR_LOW, 0x00000608);                  /* STARTUP, page 8 */
	CU_ASSERT_EQUAL(rd(LAPIC_ICR_LOW) & (1u << 12), 0);     /* idle */
	CU_ASSERT_EQUAL(lapic_pending_vector(&l), -1);
	wr(LAPIC_ESR, 0);
	CU_ASSERT_EQUAL(rd(LAPIC_ESR), 0);
}

static void test_fixed_ipi_to_self_arrives(void)
{
	setup();
	wr(LAPIC_ICR_LOW, 0x00044050);                  /* shorthand self, vector 0x50 */
	CU_ASSERT_EQUAL(lapic_pending_vector(&l), 0x50);
}

static void test_fixed_ipi_to_all_but_self_reaches_nobody(void)
{
	setup();
	wr(LAPIC_ICR_LOW, 0x000c4050);
	CU_ASSERT_EQUAL(lapic_pending_vector(&l), -1);
}

static void test_software_disable_masks_every_lvt_entry(void)
{
	setup();
	wr(LAPIC_LVT_TIMER, 0x20);
	wr(LAPIC_SVR, 0xff);
	CU_ASSERT_EQUAL(rd(LAPIC_LVT_TIMER), LVT_MASKED | 0x20);
	CU_ASSERT_FALSE(lapic_accepts_pic(&l));
	wr(LAPIC_LVT_TIMER, 0x21);                      /* mask cannot be cleared */
	CU_ASSERT_EQUAL(rd(LAPIC_LVT_TIMER), LVT_MASKED | 0x21);
}

static void test_masked_lint0_stops_the_pic(void)
{
	setup();
	wr(LAPIC_LVT_LINT0, 0x8700);
	CU_ASSERT_TRUE(lapic_accepts_pic(&l));
	wr(LAPIC_LVT_LINT0, LVT_MASKED);                /* as xv6's lapicinit */
	CU_ASSERT_FALSE(lapic_accepts_pic(&l));
}

static void test_logical_flat_destination_matches_ldr_bits(void)
{
	setup();
	wr(LAPIC_LDR, 0x01000000);
	CU_ASSERT_TRUE(lapic_is_destination(&l, 0x01, true));
	CU_ASSERT_TRUE(lapic_is_destination(&l, 0x03, true));
	CU_ASSERT_FALSE(lapic_is_destination(&l, 0x02, true));
	CU_ASSERT_TRUE(lapic_is_destination(&l, 0x00, false));  /* physical ID 0 */
	CU_ASSERT_FALSE(lapic_is_destination(&l, 0x01, false));
	CU_ASSERT_TRUE(lapic_is_destination(&l, 0xff, false));  /* broadcast */
}

static void test_reserved_bits_of_lvt_entries_read_zero(void)
{
	setup();
	wr(LAPIC_LVT_ERROR, 0xffffffffu);
	CU_ASSERT_EQUAL(rd(LAPIC_LVT_ERROR), 0x000100ff);
	wr(LAPIC_DFR, 0x0fffffff);
	CU_ASSERT_EQUAL(rd(LAPIC_DFR), 0x0fffffff);     /* cluster model */
}

static const struct { const char *name; void (*fn)(void); } tests[] = {
	{ "the reset state is QEMU's", test_reset_state_is_qemus },
	{ "a software-disabled APIC holds its interrupts", test_software_disabled_apic_holds_its_interrupts },
	{ "the highest vector above the task priority is pending", test_highest_vector_above_the_task_priority_is_pending },
	{ "acknowledge and EOI move through IRR and ISR", test_acknowledge_and_eoi_move_through_irr_and_isr },
	{ "the EOI of a level-triggered vector is broadcast", test_eoi_of_a_level_triggered_vector_is_broadcast },
	{ "nothing to acknowledge gives the spurious vector", test_nothing_to_acknowledge_gives_the_spurious_vector },
	{ "the one-shot timer interrupts once and stops at zero", test_one_shot_timer_interrupts_once_and_stops_at_zero },
	{ "the periodic timer reloads every period", test_periodic_timer_reloads_every_period },
	{ "a masked timer counts without interrupting", test_masked_timer_counts_without_interrupting },
	{ "an initial count of zero stops the timer", test_initial_count_zero_stops_the_timer },
	{ "a divide change keeps the current count", test_divide_change_keeps_the_current_count },
	{ "the error status is latched by a write", test_error_status_is_latched_by_a_write },
	{ "a reserved register read is an illegal address", test_reserved_register_read_is_an_illegal_address },
	{ "the error LVT interrupts on an error", test_error_lvt_interrupts_on_an_error },
	{ "INIT and STARTUP to absent CPUs are harmless", test_init_and_startup_to_absent_cpus_are_harmless },
	{ "a fixed IPI to self arrives", test_fixed_ipi_to_self_arrives },
	{ "a fixed IPI to all but self reaches nobody", test_fixed_ipi_to_all_but_self_reaches_nobody },
	{ "software disable masks every LVT entry", test_software_disable_masks_every_lvt_entry },
	{ "a masked LINT0 stops the PIC", test_masked_lint0_stops_the_pic },
	{ "a logical flat destination matches LDR bits", test_logical_flat_destination_matches_ldr_bits },
	{ "reserved bits of LVT entries read zero", test_reserved_bits_of_lvt_entries_read_zero },
};

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("local APIC", NULL, NULL);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures != 0;
}
