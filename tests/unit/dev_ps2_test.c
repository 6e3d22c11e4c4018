/*
 * dev_ps2_test.c - the 8042 controller: nothing to read until asked, and an
 * answer for every question a kernel's probe asks.
 */
#include <CUnit/Basic.h>

#include "../../vmm/dev/ps2.h"

static struct ps2 p;
static unsigned edges;
static bool level;

static void probe(void *ctx, unsigned line, bool l)
{
	(void)ctx;
	(void)line;
	if (l && !level)
		edges++;
	level = l;
}

static void setup(void)
{
	edges = 0;
	level = false;
	ps2_init(&p, (struct irq_line){ .set = probe, .line = PS2_IRQ });
}

static void test_status_has_no_data_as_seabios_leaves_it(void)
{
	setup();
	CU_ASSERT_EQUAL(ps2_read(&p, PS2_STATUS), 0x1c);
	CU_ASSERT_FALSE(level);
}

static void test_read_command_byte(void)
{
	setup();
	ps2_write(&p, PS2_COMMAND, 0x20);
	CU_ASSERT_EQUAL(ps2_read(&p, PS2_STATUS), 0x1d);
	CU_ASSERT_EQUAL(ps2_read(&p, PS2_DATA), 0x61);
	CU_ASSERT_EQUAL(ps2_read(&p, PS2_STATUS) & PS2_ST_OUTPUT_FULL, 0);
}

static void test_write_command_byte_takes_the_next_data_byte(void)
{
	setup();
	ps2_write(&p, PS2_COMMAND, 0x60);
	ps2_write(&p, PS2_DATA, 0x45);
	CU_ASSERT_EQUAL(ps2_read(&p, PS2_STATUS) & PS2_ST_COMMAND, 0);
	ps2_write(&p, PS2_COMMAND, 0x20);
	CU_ASSERT_EQUAL(ps2_read(&p, PS2_DATA), 0x45);
}

static void test_self_tests_pass(void)
{
	setup();
	ps2_write(&p, PS2_COMMAND, 0xaa);
	CU_ASSERT_EQUAL(ps2_read(&p, PS2_DATA), 0x55);
	ps2_write(&p, PS2_COMMAND, 0xab);
	CU_ASSERT_EQUAL(ps2_read(&p, PS2_DATA), 0x00);
}

static void test_keyboard_reset_is_acknowledged_then_passes(void)
{
	setup();
	ps2_write(&p, PS2_DATA, 0xff);
	CU_ASSERT_EQUAL(edges, 1);
	CU_ASSERT_EQUAL(ps2_read(&p, PS2_DATA), 0xfa);
	CU_ASSERT_EQUAL(edges, 2);                      /* a new edge per byte */
	CU_ASSERT_EQUAL(ps2_read(&p, PS2_DATA), 0xaa);
	CU_ASSERT_FALSE(level);
}

static void test_keyboard_command_parameter_is_acknowledged(void)
{
	setup();
	ps2_write(&p, PS2_DATA, 0xed);                  /* set LEDs */
	ps2_write(&p, PS2_DATA, 0x07);
	CU_ASSERT_EQUAL(ps2_read(&p, PS2_DATA), 0xfa);
	CU_ASSERT_EQUAL(ps2_read(&p, PS2_DATA), 0xfa);
	CU_ASSERT_EQUAL(ps2_read(&p, PS2_STATUS) & PS2_ST_OUTPUT_FULL, 0);
}

static void test_empty_buffer_reads_the_last_byte_again(void)
{
	setup();
	ps2_write(&p, PS2_DATA, 0xee);
	CU_ASSERT_EQUAL(ps2_read(&p, PS2_DATA), 0xee);
	CU_ASSERT_EQUAL(ps2_read(&p, PS2_DATA), 0xee);
}

static void test_interrupt_needs_the_command_byte_enable(void)
{
	setup();
	ps2_write(&p, PS2_COMMAND, 0x60);
	ps2_write(&p, PS2_DATA, 0x60);                  /* keyboard interrupt off */
	ps2_write(&p, PS2_DATA, 0xf4);
	CU_ASSERT_EQUAL(edges, 0);
	CU_ASSERT_EQUAL(ps2_read(&p, PS2_STATUS) & PS2_ST_OUTPUT_FULL, 1);
}

static void test_reset_pulse_is_recorded(void)
{
	setup();
	ps2_write(&p, PS2_COMMAND, 0xfe);
	CU_ASSERT_TRUE(p.reset_requested);
}

static const struct { const char *name; void (*fn)(void); } tests[] = {
	{ "status has no data, as SeaBIOS leaves it", test_status_has_no_data_as_seabios_leaves_it },
	{ "read the command byte", test_read_command_byte },
	{ "write command byte takes the next data byte", test_write_command_byte_takes_the_next_data_byte },
	{ "the self tests pass", test_self_tests_pass },
	{ "a keyboard reset is acknowledged, then passes", test_keyboard_reset_is_acknowledged_then_passes },
	{ "a keyboard command's parameter is acknowledged", test_keyboard_command_parameter_is_acknowledged },
	{ "an empty buffer reads the last byte again", test_empty_buffer_reads_the_last_byte_again },
	{ "the interrupt needs the command byte's enable", test_interrupt_needs_the_command_byte_enable },
	{ "a reset pulse is recorded", test_reset_pulse_is_recorded },
};

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("8042 PS/2 controller", NULL, NULL);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures != 0;
}
