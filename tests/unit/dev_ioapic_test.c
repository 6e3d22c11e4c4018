/*
 * dev_ioapic_test.c - the I/O APIC: the register window, the redirection
 * table, and which messages go out for edges and levels.
 */
#include <CUnit/Basic.h>

#include "../../vmm/dev/ioapic.h"

static struct ioapic io;
static struct apic_message sent[8];
static unsigned nsent;

static void capture(void *ctx, const struct apic_message *m)
{
	(void)ctx;
	if (nsent < 8)
		sent[nsent] = *m;
	nsent++;
}

static void setup(void)
{
	io.deliver = capture;
	ioapic_init(&io, 0);
	nsent = 0;
}

static uint32_t reg_read(uint8_t index)
{
	ioapic_write(&io, IOAPIC_REGSEL, 4, index);
	return ioapic_read(&io, IOAPIC_WINDOW, 4);
}

static void reg_write(uint8_t index, uint32_t val)
{
	ioapic_write(&io, IOAPIC_REGSEL, 4, index);
	ioapic_write(&io, IOAPIC_WINDOW, 4, val);
}

/* Route PIN: LOW is the low dword of its entry, DEST the high byte. */
static void route(unsigned pin, uint32_t low, uint8_t dest)
{
	reg_write((uint8_t)(IOAPIC_REG_REDTBL + 2 * pin + 1), (uint32_t)dest << 24);
	reg_write((uint8_t)(IOAPIC_REG_REDTBL + 2 * pin), low);
}

static void test_reset_state_is_qemus(void)
{
	setup();
	CU_ASSERT_EQUAL(reg_read(IOAPIC_REG_ID), 0);
	CU_ASSERT_EQUAL(reg_read(IOAPIC_REG_VERSION), 0x00170020);
	CU_ASSERT_EQUAL(reg_read(IOAPIC_REG_ARB), 0);
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		CU_ASSERT_EQUAL(reg_read((uint8_t)(0x10 + 2 * pin)), 0x00010000);
		CU_ASSERT_EQUAL(reg_read((uint8_t)(0x11 + 2 * pin)), 0);
	}
	CU_ASSERT_EQUAL(ioapic_read(&io, IOAPIC_REGSEL, 4), 0x11 + 2 * 23);
}

static void test_id_register_holds_four_bits(void)
{
	setup();
	reg_write(IOAPIC_REG_ID, 0xff000000u);
	CU_ASSERT_EQUAL(reg_read(IOAPIC_REG_ID), 0x0f000000u);
}

static void test_redirection_entry_reads_back_without_read_only_bits(void)
{
	setup();
	route(4, 0x0001f031 | REDIR_REMOTE_IRR | REDIR_DELIVERY_STATUS, 0x03);
	CU_ASSERT_EQUAL(reg_read(0x18), 0x0001a031);    /* DS and RIRR are read-only */
	CU_ASSERT_EQUAL(reg_read(0x19), 0x03000000u);
}

static void test_unmasked_edge_pin_sends_once_per_rising_edge(void)
{
	setup();
	route(4, 0x24, 0);
	ioapic_set_irq(&io, 4, true);
	ioapic_set_irq(&io, 4, true);                   /* still high: no edge */
	ioapic_set_irq(&io, 4, false);
	CU_ASSERT_EQUAL(nsent, 1);
	CU_ASSERT_EQUAL(sent[0].vector, 0x24);
	CU_ASSERT_FALSE(sent[0].level);
	ioapic_set_irq(&io, 4, true);
	CU_ASSERT_EQUAL(nsent, 2);
}

static void test_masked_edge_is_lost(void)
{
	setup();
	route(1, REDIR_MASKED | 0x21, 0);
	ioapic_set_irq(&io, 1, true);
	ioapic_set_irq(&io, 1, false);
	CU_ASSERT_EQUAL(nsent, 0);
	route(1, 0x21, 0);              /* the datasheet and QEMU: nothing */
	CU_ASSERT_EQUAL(nsent, 0);
}

static void test_level_pin_waits_for_eoi_and_resends_while_asserted(void)
{
	setup();
	route(10, REDIR_LEVEL_TRIGGER | 0x3a, 0);
	ioapic_set_irq(&io, 10, true);
	CU_ASSERT_EQUAL(nsent, 1);
	CU_ASSERT_TRUE(sent[0].level);
	CU_ASSERT_TRUE(reg_read(0x10 + 20) & REDIR_REMOTE_IRR);
	ioapic_set_irq(&io, 10, true);
	CU_ASSERT_EQUAL(nsent, 1);                      /* Remote IRR holds it */
	ioapic_eoi(&io, 0x3a);
	CU_ASSERT_EQUAL(nsent, 2);                      /* still asserted: again */
	ioapic_set_irq(&io, 10, false);
	ioapic_eoi(&io, 0x3a);
	CU_ASSERT_EQUAL(nsent, 2);
	CU_ASSERT_FALSE(reg_read(0x10 + 20) & REDIR_REMOTE_IRR);
}

static void test_eoi_register_ends_a_level_interrupt(void)
{
	setup();
	route(10, REDIR_LEVEL_TRIGGER | 0x3a, 0);
	ioapic_set_irq(&io, 10, true);
	ioapic_write(&io, IOAPIC_EOI, 4, 0x3a);
	CU_ASSERT_EQUAL(nsent, 2);
}

static void test_eoi_for_another_vector_changes_nothing(void)
{
	setup();
	route(10, REDIR_LEVEL_TRIGGER | 0x3a, 0);
	ioapic_set_irq(&io, 10, true);
	ioapic_eoi(&io, 0x3b);
	CU_ASSERT_EQUAL(nsent, 1);
}

static void test_message_carries_destination_mode_and_delivery(void)
{
	setup();
	route(14, REDIR_DEST_LOGICAL | (1u << 8) | 0x2e, 0x01);
	ioapic_set_irq(&io, 14, true);
	CU_ASSERT_EQUAL(nsent, 1);
	CU_ASSERT_EQUAL(sent[0].dest, 0x01);
	CU_ASSERT_TRUE(sent[0].logical);
	CU_ASSERT_EQUAL(sent[0].delivery_mode, 1);      /* lowest priority */
}

static void test_narrow_window_access_reads_zero(void)
{
	setup();
	ioapic_write(&io, IOAPIC_REGSEL, 1, IOAPIC_REG_VERSION);
	CU_ASSERT_EQUAL(ioapic_read(&io, IOAPIC_WINDOW, 2), 0);
	CU_ASSERT_EQUAL(ioapic_read(&io, IOAPIC_WINDOW, 4), 0x00170020);
}

static const struct { const char *name; void (*fn)(void); } tests[] = {
	{ "the reset state is QEMU's", test_reset_state_is_qemus },
	{ "the ID register holds four bits", test_id_register_holds_four_bits },
	{ "a redirection entry reads back without its read-only bits", test_redirection_entry_reads_back_without_read_only_bits },
	{ "an unmasked edge pin sends once per rising edge", test_unmasked_edge_pin_sends_once_per_rising_edge },
	{ "an edge on a masked pin is lost", test_masked_edge_is_lost },
	{ "a level pin waits for EOI and resends while asserted", test_level_pin_waits_for_eoi_and_resends_while_asserted },
	{ "the EOI register ends a level interrupt", test_eoi_register_ends_a_level_interrupt },
	{ "an EOI for another vector changes nothing", test_eoi_for_another_vector_changes_nothing },
	{ "the message carries destination, mode and delivery", test_message_carries_destination_mode_and_delivery },
	{ "a narrow window access reads zero", test_narrow_window_access_reads_zero },
};

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("I/O APIC", NULL, NULL);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures != 0;
}
