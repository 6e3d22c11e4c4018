/*
 * dev_pic_test.c - the 8259A pair, specified by what a kernel does with it.
 *
 * Most cases start from the pair as Linux or xv6 programs it: master at
 * vectors 0x20, slave at 0x28, slave on IR2, 8086 mode, nothing masked.
 */
#include <CUnit/Basic.h>

#include "../../vmm/dev/pic.h"

static struct pic_pair p;

static void program(uint8_t icw4, uint8_t master_imr, uint8_t slave_imr)
{
	pic_init(&p);
	pic_write(&p, PIC_MASTER_CMD, 0x11);
	pic_write(&p, PIC_MASTER_DATA, 0x20);
	pic_write(&p, PIC_MASTER_DATA, 0x04);
	pic_write(&p, PIC_MASTER_DATA, icw4);
	pic_write(&p, PIC_SLAVE_CMD, 0x11);
	pic_write(&p, PIC_SLAVE_DATA, 0x28);
	pic_write(&p, PIC_SLAVE_DATA, 0x02);
	pic_write(&p, PIC_SLAVE_DATA, icw4);
	pic_write(&p, PIC_MASTER_DATA, master_imr);
	pic_write(&p, PIC_SLAVE_DATA, slave_imr);
}

static void pulse(unsigned irq)
{
	pic_set_irq(&p, irq, true);
	pic_set_irq(&p, irq, false);
}

static uint8_t read_irr(uint16_t cmd)
{
	pic_write(&p, cmd, 0x0a);
	return pic_read(&p, cmd);
}

static uint8_t read_isr(uint16_t cmd)
{
	pic_write(&p, cmd, 0x0b);
	return pic_read(&p, cmd);
}

static void test_initialization_words_set_vector_base_and_mask(void)
{
	program(0x01, 0xfd, 0xff);
	CU_ASSERT_EQUAL(pic_read(&p, PIC_MASTER_DATA), 0xfd);
	pulse(1);
	CU_ASSERT_TRUE(pic_int_output(&p));
	CU_ASSERT_EQUAL(pic_pending_vector(&p), 0x21);
}

static void test_masked_line_is_requested_but_does_not_interrupt(void)
{
	program(0x01, 0xff, 0xff);
	pulse(3);
	CU_ASSERT_EQUAL(read_irr(PIC_MASTER_CMD), 0x08);
	CU_ASSERT_FALSE(pic_int_output(&p));
	CU_ASSERT_EQUAL(pic_pending_vector(&p), -1);
	pic_write(&p, PIC_MASTER_DATA, 0xf7);           /* unmask: it comes */
	CU_ASSERT_EQUAL(pic_pending_vector(&p), 0x23);
}

static void test_acknowledge_moves_request_from_irr_to_isr(void)
{
	program(0x01, 0, 0);
	pulse(4);
	CU_ASSERT_EQUAL(pic_acknowledge(&p), 0x24);
	CU_ASSERT_EQUAL(read_irr(PIC_MASTER_CMD), 0x00);
	CU_ASSERT_EQUAL(read_isr(PIC_MASTER_CMD), 0x10);
	CU_ASSERT_FALSE(pic_int_output(&p));
}

static void test_in_service_level_blocks_lower_and_lets_higher_nest(void)
{
	program(0x01, 0, 0);
	pulse(3);
	CU_ASSERT_EQUAL(pic_acknowledge(&p), 0x23);
	pulse(5);
	CU_ASSERT_EQUAL(pic_pending_vector(&p), -1);    /* 5 waits for 3 */
	pulse(1);
	CU_ASSERT_EQUAL(pic_pending_vector(&p), 0x21);  /* 1 nests over 3 */
}

static void test_nonspecific_eoi_ends_the_highest_priority_level(void)
{
	program(0x01, 0, 0);
	pulse(3);
	pic_acknowledge(&p);
	pulse(1);
	pic_acknowledge(&p);
	CU_ASSERT_EQUAL(read_isr(PIC_MASTER_CMD), 0x0a);
	pic_write(&p, PIC_MASTER_CMD, 0x20);
	CU_ASSERT_EQUAL(read_isr(PIC_MASTER_CMD), 0x08);
}

static void test_specific_eoi_ends_only_the_named_level(void)
{
	program(0x01, 0, 0);
	pulse(3);
	pic_acknowledge(&p);
	pulse(1);
	pic_acknowledge(&p);
	pic_write(&p, PIC_MASTER_CMD, 0x63);            /* specific EOI, IR3 */
	CU_ASSERT_EQUAL(read_isr(PIC_MASTER_CMD), 0x02);
}

static void test_slave_interrupt_comes_through_ir2_with_the_slave_vector(void)
{
	program(0x01, 0, 0);
	pulse(14);
	CU_ASSERT_EQUAL(read_irr(PIC_MASTER_CMD), 0x04);
	CU_ASSERT_EQUAL(pic_pending_vector(&p), 0x2e);
	CU_ASSERT_EQUAL(pic_acknowledge(&p), 0x2e);
	CU_ASSERT_EQUAL(read_isr(PIC_SLAVE_CMD), 0x40);
	CU_ASSERT_EQUAL(read_isr(PIC_MASTER_CMD), 0x04);
}

static void test_second_slave_request_is_a_new_edge_after_ack(void)
{
	program(0x01, 0, 0);
	pulse(14);
	pulse(8);                                       /* higher than 14 */
	CU_ASSERT_EQUAL(pic_acknowledge(&p), 0x28);
	pic_write(&p, PIC_SLAVE_CMD, 0x20);
	pic_write(&p, PIC_MASTER_CMD, 0x20);
	CU_ASSERT_EQUAL(pic_pending_vector(&p), 0x2e);  /* 14 still comes */
}

static void test_edge_request_stays_latched_when_the_line_drops(void)
{
	program(0x01, 0, 0);
	pic_set_irq(&p, 6, true);
	pic_set_irq(&p, 6, false);
	CU_ASSERT_EQUAL(pic_acknowledge(&p), 0x26);
}

static void test_edge_line_held_high_interrupts_once(void)
{
	program(0x01, 0, 0);
	pic_set_irq(&p, 6, true);
	pic_acknowledge(&p);
	pic_write(&p, PIC_MASTER_CMD, 0x20);
	pic_set_irq(&p, 6, true);                       /* no new edge */
	CU_ASSERT_EQUAL(pic_pending_vector(&p), -1);
}

static void test_level_line_that_drops_before_inta_gives_spurious_irq7(void)
{
	program(0x01, 0, 0);
	pic_write(&p, PIC_ELCR_MASTER, 0x20);           /* IRQ 5 level-triggered */
	pic_set_irq(&p, 5, true);
	CU_ASSERT_EQUAL(pic_pending_vector(&p), 0x25);
	pic_set_irq(&p, 5, false);
	CU_ASSERT_EQUAL(pic_acknowledge(&p), 0x27);
	CU_ASSERT_EQUAL(read_isr(PIC_MASTER_CMD), 0x00); /* IR7 not in service */
}

static void test_slave_spurious_is_irq15_with_master_ir2_in_service(void)
{
	program(0x01, 0, 0);
	pic_write(&p, PIC_ELCR_SLAVE, 0x08);            /* IRQ 11 level */
	pic_set_irq(&p, 11, true);
	pic_set_irq(&p, 11, false);
	/* the master latched the slave's edge on IR2; the slave has nothing */
	CU_ASSERT_EQUAL(pic_acknowledge(&p), 0x2f);
	CU_ASSERT_EQUAL(read_isr(PIC_SLAVE_CMD), 0x00);
	CU_ASSERT_EQUAL(read_isr(PIC_MASTER_CMD), 0x04);
}

static void test_level_line_still_high_after_eoi_interrupts_again(void)
{
	program(0x01, 0, 0);
	pic_write(&p, PIC_ELCR_SLAVE, 0x04);            /* IRQ 10 level */
	pic_set_irq(&p, 10, true);
	CU_ASSERT_EQUAL(pic_acknowledge(&p), 0x2a);
	pic_write(&p, PIC_SLAVE_CMD, 0x20);
	pic_write(&p, PIC_MASTER_CMD, 0x20);
	CU_ASSERT_EQUAL(pic_pending_vector(&p), 0x2a);
}

static void test_elcr_cannot_make_timer_cascade_or_rtc_level(void)
{
	pic_init(&p);
	pic_write(&p, PIC_ELCR_MASTER, 0xff);
	pic_write(&p, PIC_ELCR_SLAVE, 0xff);
	CU_ASSERT_EQUAL(pic_read(&p, PIC_ELCR_MASTER), 0xf8);
	CU_ASSERT_EQUAL(pic_read(&p, PIC_ELCR_SLAVE), 0xde);
}

static void test_auto_eoi_leaves_nothing_in_service(void)
{
	program(0x03, 0, 0);                            /* ICW4: 8086, AEOI */
	pulse(1);
	CU_ASSERT_EQUAL(pic_acknowledge(&p), 0x21);
	CU_ASSERT_EQUAL(read_isr(PIC_MASTER_CMD), 0x00);
}

static void test_set_priority_makes_the_next_level_highest(void)
{
	program(0x01, 0, 0);
	pic_write(&p, PIC_MASTER_CMD, 0xc4);            /* IR4 lowest: IR5 highest */
	pulse(3);
	pulse(6);
	CU_ASSERT_EQUAL(pic_acknowledge(&p), 0x26);
}

static void test_rotate_on_nonspecific_eoi_gives_the_ended_level_lowest_priority(void)
{
	program(0x01, 0, 0);
	pulse(1);
	pic_acknowledge(&p);
	pic_write(&p, PIC_MASTER_CMD, 0xa0);            /* rotate on EOI */
	pulse(1);
	pulse(3);
	CU_ASSERT_EQUAL(pic_acknowledge(&p), 0x23);     /* IR2 highest now */
}

static void test_poll_mode_read_acknowledges_and_reports_the_level(void)
{
	program(0x01, 0, 0);
	pulse(5);
	pic_write(&p, PIC_MASTER_CMD, 0x0c);            /* OCW3 poll */
	CU_ASSERT_EQUAL(pic_read(&p, PIC_MASTER_CMD), 0x85);
	CU_ASSERT_EQUAL(read_isr(PIC_MASTER_CMD), 0x20);
	pic_write(&p, PIC_MASTER_CMD, 0x0c);
	CU_ASSERT_EQUAL(pic_read(&p, PIC_MASTER_CMD), 0x00);
}

static void test_special_mask_mode_lets_lower_levels_through(void)
{
	program(0x01, 0, 0);
	pulse(3);
	pic_acknowledge(&p);
	pic_write(&p, PIC_MASTER_DATA, 0x08);           /* mask the level in service */
	pic_write(&p, PIC_MASTER_CMD, 0x68);            /* set special mask mode */
	pulse(5);
	CU_ASSERT_EQUAL(pic_pending_vector(&p), 0x25);
	pic_write(&p, PIC_MASTER_CMD, 0x48);            /* reset it */
	CU_ASSERT_EQUAL(pic_pending_vector(&p), -1);
}

static void test_icw1_clears_mask_and_in_service(void)
{
	program(0x01, 0x55, 0);
	pulse(1);
	pic_acknowledge(&p);
	pic_write(&p, PIC_MASTER_CMD, 0x11);
	CU_ASSERT_EQUAL(pic_read(&p, PIC_MASTER_DATA), 0x00);
	CU_ASSERT_EQUAL(read_isr(PIC_MASTER_CMD), 0x00);
}

static void test_irr_is_read_by_default(void)
{
	program(0x01, 0xff, 0xff);
	pulse(0);
	CU_ASSERT_EQUAL(pic_read(&p, PIC_MASTER_CMD), 0x01);
}

static const struct { const char *name; void (*fn)(void); } tests[] = {
	{ "initialization words set the vector base and the mask", test_initialization_words_set_vector_base_and_mask },
	{ "a masked line is requested but does not interrupt", test_masked_line_is_requested_but_does_not_interrupt },
	{ "acknowledge moves the request from IRR to ISR", test_acknowledge_moves_request_from_irr_to_isr },
	{ "an in-service level blocks lower ones and lets higher ones nest", test_in_service_level_blocks_lower_and_lets_higher_nest },
	{ "a non-specific EOI ends the highest-priority level", test_nonspecific_eoi_ends_the_highest_priority_level },
	{ "a specific EOI ends only the named level", test_specific_eoi_ends_only_the_named_level },
	{ "a slave interrupt comes through IR2 with the slave's vector", test_slave_interrupt_comes_through_ir2_with_the_slave_vector },
	{ "a second slave request is a new edge after the acknowledge", test_second_slave_request_is_a_new_edge_after_ack },
	{ "an edge request stays latched when the line drops", test_edge_request_stays_latched_when_the_line_drops },
	{ "an edge line held high interrupts once", test_edge_line_held_high_interrupts_once },
	{ "a level line that drops before INTA gives spurious IRQ 7", test_level_line_that_drops_before_inta_gives_spurious_irq7 },
	{ "the slave's spurious interrupt is IRQ 15, master IR2 in service", test_slave_spurious_is_irq15_with_master_ir2_in_service },
	{ "a level line still high after EOI interrupts again", test_level_line_still_high_after_eoi_interrupts_again },
	{ "ELCR cannot make the timer, cascade or RTC lines level", test_elcr_cannot_make_timer_cascade_or_rtc_level },
	{ "auto-EOI leaves nothing in service", test_auto_eoi_leaves_nothing_in_service },
	{ "set priority makes the next level the highest", test_set_priority_makes_the_next_level_highest },
	{ "rotate on non-specific EOI gives the ended level lowest priority", test_rotate_on_nonspecific_eoi_gives_the_ended_level_lowest_priority },
	{ "a poll-mode read acknowledges and reports the level", test_poll_mode_read_acknowledges_and_reports_the_level },
	{ "special mask mode lets lower levels through", test_special_mask_mode_lets_lower_levels_through },
	{ "ICW1 clears the mask and the in-service register", test_icw1_clears_mask_and_in_service },
	{ "the command port reads IRR by default", test_irr_is_read_by_default },
};

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("8259A PIC pair", NULL, NULL);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures != 0;
}
