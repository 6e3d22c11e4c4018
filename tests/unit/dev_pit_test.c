/*
 * dev_pit_test.c - the 8254 on virtual time: counts, latches, read-back,
 * OUT0's rising edges on IRQ 0, and when the next one is due.
 *
 * Time starts at 0 ns; the probe on IRQ 0 counts rising edges.
 */
#include <CUnit/Basic.h>

#include "../../vmm/dev/pit.h"

#define MS 1000000ull

static struct pit pit;
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

/* Exactly the nanosecond at which TICKS clock ticks have elapsed. */
static uint64_t at_tick(uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * 1000000000u + PIT_HZ - 1) / PIT_HZ);
}

static void setup(void)
{
	edges = 0;
	level = false;
	pit_init(&pit, (struct irq_line){ .set = probe }, 0);
}

/* Program counter I: control word CW, then COUNT as LSB and MSB. */
static void program(unsigned i, uint8_t cw, uint16_t count, uint64_t now)
{
	pit_write(&pit, PIT_PORT_CONTROL, cw, now);
	pit_write(&pit, PIT_PORT_COUNTER0 + i, (uint8_t)count, now);
	pit_write(&pit, PIT_PORT_COUNTER0 + i, (uint8_t)(count >> 8), now);
}

static uint16_t read_count(unsigned i, uint64_t now)
{
	uint16_t lo = pit_read(&pit, PIT_PORT_COUNTER0 + i, now);

	return (uint16_t)(lo | pit_read(&pit, PIT_PORT_COUNTER0 + i, now) << 8);
}

static void test_rate_generator_interrupts_once_per_period(void)
{
	setup();
	program(0, 0x34, 1193, 0);                      /* mode 2: ~1 kHz */
	edges = 0;
	CU_ASSERT_EQUAL(pit_next_deadline(&pit, 0), at_tick(1193));
	pit_advance(&pit, at_tick(1193) - 1);
	CU_ASSERT_EQUAL(edges, 0);
	pit_advance(&pit, at_tick(1193));
	CU_ASSERT_EQUAL(edges, 1);
	CU_ASSERT_EQUAL(pit_next_deadline(&pit, at_tick(1193)), at_tick(2 * 1193));
	pit_advance(&pit, at_tick(2 * 1193));
	CU_ASSERT_EQUAL(edges, 2);
}

static void test_counter_counts_down_at_1193182_hz(void)
{
	setup();
	program(0, 0x34, 10000, 0);
	CU_ASSERT_EQUAL(read_count(0, at_tick(2500)), 7500);
	CU_ASSERT_EQUAL(read_count(0, at_tick(2500) - 1), 7501);
}

static void test_late_advance_coalesces_periods_into_one_interrupt(void)
{
	setup();
	program(0, 0x34, 1193, 0);
	edges = 0;
	pit_advance(&pit, 10 * MS);
	CU_ASSERT_EQUAL(edges, 1);
	CU_ASSERT_EQUAL(pit_next_deadline(&pit, 10 * MS), at_tick(11 * 1193));
}

static void test_latch_command_freezes_the_count_until_both_bytes_are_read(void)
{
	uint8_t lo, hi;

	setup();
	program(0, 0x34, 10000, 0);
	pit_write(&pit, PIT_PORT_CONTROL, 0x00, at_tick(100));   /* latch counter 0 */
	lo = pit_read(&pit, PIT_PORT_COUNTER0, at_tick(5000));
	hi = pit_read(&pit, PIT_PORT_COUNTER0, at_tick(6000));
	CU_ASSERT_EQUAL(lo | hi << 8, 9900);
	CU_ASSERT_EQUAL(read_count(0, at_tick(7000)), 3000);      /* released */
}

static void test_second_latch_before_reading_keeps_the_first(void)
{
	setup();
	program(0, 0x34, 10000, 0);
	pit_write(&pit, PIT_PORT_CONTROL, 0x00, at_tick(100));
	pit_write(&pit, PIT_PORT_CONTROL, 0x00, at_tick(200));
	CU_ASSERT_EQUAL(read_count(0, at_tick(300)), 9900);
}

static void test_read_back_latches_status_then_count(void)
{
	setup();
	program(2, 0xb6, 1000, 0);                      /* counter 2, mode 3, LSB/MSB */
	pit_write(&pit, PIT_PORT_CONTROL, 0xc8, 0);     /* read-back count+status, counter 2 */
	CU_ASSERT_EQUAL(pit_read(&pit, 0x42, 0), 0xb6);  /* OUT high, LSB/MSB, mode 3 */
	CU_ASSERT_EQUAL(pit_read(&pit, 0x42, 0), 1000 & 0xff);
	CU_ASSERT_EQUAL(pit_read(&pit, 0x42, 0), 1000 >> 8);
}

static void test_status_shows_out_mode_access_and_null_count(void)
{
	setup();
	pit_write(&pit, PIT_PORT_CONTROL, 0x30, 0);     /* counter 0, mode 0, no count yet */
	pit_write(&pit, PIT_PORT_CONTROL, 0xe2, 0);     /* read-back status of counter 0 */
	CU_ASSERT_EQUAL(pit_read(&pit, PIT_PORT_COUNTER0, 0), 0x40 | 0x30);
	pit_write(&pit, PIT_PORT_COUNTER0, 100, 0);
	pit_write(&pit, PIT_PORT_COUNTER0, 0, 0);
	pit_write(&pit, PIT_PORT_CONTROL, 0xe2, at_tick(100));
	CU_ASSERT_EQUAL(pit_read(&pit, PIT_PORT_COUNTER0, at_tick(100)), 0x80 | 0x30);
}

static void test_power_on_counters_are_mode_3_never_programmed(void)
{
	setup();
	pit_write(&pit, PIT_PORT_CONTROL, 0xe4, 0);     /* status of counter 1 */
	CU_ASSERT_EQUAL(pit_read(&pit, 0x41, 0), 0x86);  /* as QEMU shows */
	CU_ASSERT_EQUAL(pit_read(&pit, PIT_PORT_CONTROL, 0), 0);
}

static void test_mode0_raises_out_once_at_terminal_count_and_wraps(void)
{
	setup();
	program(0, 0x30, 100, 0);
	edges = 0;
	CU_ASSERT_FALSE(pit_out(&pit, 0, at_tick(99)));
	CU_ASSERT_EQUAL(pit_next_deadline(&pit, 0), at_tick(100));
	pit_advance(&pit, at_tick(100));
	CU_ASSERT_EQUAL(edges, 1);
	CU_ASSERT_TRUE(pit_out(&pit, 0, at_tick(5000)));
	CU_ASSERT_EQUAL(pit_next_deadline(&pit, at_tick(100)), PIT_NO_DEADLINE);
	CU_ASSERT_EQUAL(read_count(0, at_tick(101)), 0xffff);   /* keeps counting */
}

static void test_mode0_first_byte_of_a_new_count_stops_counting(void)
{
	setup();
	program(0, 0x30, 1000, 0);
	pit_write(&pit, PIT_PORT_COUNTER0, 0x00, at_tick(10));
	CU_ASSERT_EQUAL(pit_next_deadline(&pit, at_tick(10)), PIT_NO_DEADLINE);
	pit_write(&pit, PIT_PORT_COUNTER0, 0x01, at_tick(20));  /* count 256 */
	CU_ASSERT_EQUAL(pit_next_deadline(&pit, at_tick(20)), at_tick(20) + at_tick(256));
	CU_ASSERT_EQUAL(read_count(0, at_tick(20)), 256);
}

static void test_square_wave_is_high_for_the_first_half_period(void)
{
	setup();
	program(0, 0x36, 1000, 0);                      /* mode 3 */
	CU_ASSERT_TRUE(pit_out(&pit, 0, at_tick(499)));
	CU_ASSERT_FALSE(pit_out(&pit, 0, at_tick(500)));
	CU_ASSERT_TRUE(pit_out(&pit, 0, at_tick(1000)));
	CU_ASSERT_EQUAL(read_count(0, at_tick(100)), 800);      /* counts by two */
}

static void test_software_strobe_pulses_out_low_for_one_tick(void)
{
	setup();
	program(0, 0x38, 50, 0);                        /* mode 4 */
	edges = 0;
	CU_ASSERT_TRUE(pit_out(&pit, 0, at_tick(49)));
	CU_ASSERT_FALSE(pit_out(&pit, 0, at_tick(50)));
	CU_ASSERT_EQUAL(pit_next_deadline(&pit, at_tick(10)), at_tick(51));
	pit_advance(&pit, at_tick(51));
	CU_ASSERT_EQUAL(edges, 1);
}

static void test_bcd_counter_counts_in_decimal(void)
{
	setup();
	program(0, 0x35, 0x1000, 0);                    /* mode 2, BCD, 1000 */
	CU_ASSERT_EQUAL(read_count(0, at_tick(1)), 0x0999);
	CU_ASSERT_EQUAL(pit_next_deadline(&pit, 0), at_tick(1000));
}

static void test_count_zero_means_65536(void)
{
	setup();
	program(0, 0x34, 0, 0);
	CU_ASSERT_EQUAL(pit_next_deadline(&pit, 0), at_tick(65536));
	CU_ASSERT_EQUAL(read_count(0, at_tick(1)), 65535);
}

static void test_gate_2_low_holds_counter_2_and_port_61_shows_out2(void)
{
	setup();
	program(2, 0xb0, 100, 0);                       /* counter 2, mode 0 */
	CU_ASSERT_EQUAL(read_count(2, at_tick(1000)), 100);     /* gate low: held */
	pit_write(&pit, PIT_PORT_SYSCTL_B, 0x01, at_tick(1000)); /* gate high */
	CU_ASSERT_EQUAL(pit_read(&pit, PIT_PORT_SYSCTL_B,
				 at_tick(1000) + at_tick(100) - 1) & 0x20, 0);
	CU_ASSERT_EQUAL(pit_read(&pit, PIT_PORT_SYSCTL_B,
				 at_tick(1000) + at_tick(100)) & 0x21, 0x21);
}

static void test_port_61_refresh_bit_toggles_on_every_read(void)
{
	uint8_t a, b;

	setup();
	a = pit_read(&pit, PIT_PORT_SYSCTL_B, 0);
	b = pit_read(&pit, PIT_PORT_SYSCTL_B, 0);
	CU_ASSERT_EQUAL((a ^ b) & 0x10, 0x10);
	CU_ASSERT_EQUAL(a, 0x30);                       /* as QEMU's first read */
}

static void test_counting_stays_exact_after_ten_hours(void)
{
	uint64_t t = 36000ull * 1000000000ull + 123456789;
	uint64_t ticks = (uint64_t)((unsigned __int128)t * PIT_HZ / 1000000000u);

	setup();
	program(0, 0x34, 0, 0);
	CU_ASSERT_EQUAL(read_count(0, t), 65536 - ticks % 65536);
	CU_ASSERT_EQUAL(pit_next_deadline(&pit, t), at_tick((ticks / 65536 + 1) * 65536));
}

static const struct { const char *name; void (*fn)(void); } tests[] = {
	{ "the rate generator interrupts once per period", test_rate_generator_interrupts_once_per_period },
	{ "the counter counts down at 1.193182 MHz", test_counter_counts_down_at_1193182_hz },
	{ "a late advance coalesces periods into one interrupt", test_late_advance_coalesces_periods_into_one_interrupt },
	{ "the latch command freezes the count until both bytes are read", test_latch_command_freezes_the_count_until_both_bytes_are_read },
	{ "a second latch before reading keeps the first", test_second_latch_before_reading_keeps_the_first },
	{ "read-back latches the status before the count", test_read_back_latches_status_then_count },
	{ "status shows OUT, mode, access and null count", test_status_shows_out_mode_access_and_null_count },
	{ "power-on counters are mode 3, never programmed", test_power_on_counters_are_mode_3_never_programmed },
	{ "mode 0 raises OUT once at terminal count, then wraps", test_mode0_raises_out_once_at_terminal_count_and_wraps },
	{ "mode 0: the first byte of a new count stops counting", test_mode0_first_byte_of_a_new_count_stops_counting },
	{ "the square wave is high for the first half period", test_square_wave_is_high_for_the_first_half_period },
	{ "the software strobe pulses OUT low for one tick", test_software_strobe_pulses_out_low_for_one_tick },
	{ "a BCD counter counts in decimal", test_bcd_counter_counts_in_decimal },
	{ "a count of 0 means 65536", test_count_zero_means_65536 },
	{ "gate 2 low holds counter 2; port 0x61 shows OUT2", test_gate_2_low_holds_counter_2_and_port_61_shows_out2 },
	{ "port 0x61's refresh bit toggles on every read", test_port_61_refresh_bit_toggles_on_every_read },
	{ "counting stays exact after ten hours", test_counting_stays_exact_after_ten_hours },
};

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("8254 PIT", NULL, NULL);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures != 0;
}
