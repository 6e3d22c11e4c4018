/*
 * dev_rtc_test.c - the MC146818: the date as the guest reads it in every
 * format, a clock that follows virtual time across a leap day, SET, the
 * CMOS bytes, and the interrupt flags.
 *
 * The clock starts at Wednesday 2024-02-28 23:59:58 at virtual time 0.
 */
#include <CUnit/Basic.h>

#include "../../vmm/dev/rtc.h"

#define SEC 1000000000ull

static struct rtc r;
static bool irq8;

static void probe(void *ctx, unsigned line, bool level)
{
	(void)ctx;
	(void)line;
	irq8 = level;
}

static void setup(void)
{
	struct rtc_time t = { .year = 2024, .month = 2, .day = 28,
			      .hour = 23, .minute = 59, .second = 58 };

	irq8 = false;
	rtc_init(&r, &t, 0, (struct irq_line){ .set = probe, .line = RTC_IRQ });
}

static uint8_t cmos(uint8_t index, uint64_t now)
{
	rtc_write(&r, RTC_PORT_INDEX, index, now);
	return rtc_read(&r, RTC_PORT_DATA, now);
}

static void cmos_set(uint8_t index, uint8_t val, uint64_t now)
{
	rtc_write(&r, RTC_PORT_INDEX, index, now);
	rtc_write(&r, RTC_PORT_DATA, val, now);
}

static void test_status_registers_start_as_on_qemu(void)
{
	setup();
	CU_ASSERT_EQUAL(cmos(RTC_STATUS_A, 0), 0x26);
	CU_ASSERT_EQUAL(cmos(RTC_STATUS_B, 0), 0x02);
	CU_ASSERT_EQUAL(cmos(RTC_STATUS_C, 0), 0x00);
	CU_ASSERT_EQUAL(cmos(RTC_STATUS_D, 0), 0x80);
	CU_ASSERT_EQUAL(cmos(CMOS_SHUTDOWN, 0), 0x00);
	CU_ASSERT_EQUAL(rtc_read(&r, RTC_PORT_INDEX, 0), 0xff);
}

static void test_time_reads_in_bcd_24_hour_by_default(void)
{
	setup();
	CU_ASSERT_EQUAL(cmos(RTC_SECONDS, 0), 0x58);
	CU_ASSERT_EQUAL(cmos(RTC_MINUTES, 0), 0x59);
	CU_ASSERT_EQUAL(cmos(RTC_HOURS, 0), 0x23);
	CU_ASSERT_EQUAL(cmos(RTC_WEEKDAY, 0), 4);       /* Sunday = 1 */
	CU_ASSERT_EQUAL(cmos(RTC_DAY, 0), 0x28);
	CU_ASSERT_EQUAL(cmos(RTC_MONTH, 0), 0x02);
	CU_ASSERT_EQUAL(cmos(RTC_YEAR, 0), 0x24);
	CU_ASSERT_EQUAL(cmos(CMOS_CENTURY, 0), 0x20);
}

static void test_clock_follows_virtual_time_into_a_leap_day(void)
{
	setup();
	CU_ASSERT_EQUAL(cmos(RTC_SECONDS, 2 * SEC - 1), 0x59);
	CU_ASSERT_EQUAL(cmos(RTC_SECONDS, 2 * SEC), 0x00);
	CU_ASSERT_EQUAL(cmos(RTC_HOURS, 2 * SEC), 0x00);
	CU_ASSERT_EQUAL(cmos(RTC_DAY, 2 * SEC), 0x29);
	CU_ASSERT_EQUAL(cmos(RTC_MONTH, 2 * SEC), 0x02);
	CU_ASSERT_EQUAL(cmos(RTC_WEEKDAY, 2 * SEC), 5);
	CU_ASSERT_EQUAL(cmos(RTC_DAY, (2 + 86400) * SEC), 0x01);
	CU_ASSERT_EQUAL(cmos(RTC_MONTH, (2 + 86400) * SEC), 0x03);
}

static void test_year_and_century_roll_over(void)
{
	struct rtc_time t = { .year = 2099, .month = 12, .day = 31,
			      .hour = 23, .minute = 59, .second = 59 };

	rtc_init(&r, &t, 0, (struct irq_line){ 0 });
	CU_ASSERT_EQUAL(cmos(RTC_YEAR, SEC), 0x00);
	CU_ASSERT_EQUAL(cmos(CMOS_CENTURY, SEC), 0x21);
	CU_ASSERT_EQUAL(cmos(RTC_MONTH, SEC), 0x01);
}

static void test_binary_mode_reads_plain_numbers(void)
{
	setup();
	cmos_set(RTC_STATUS_B, RTC_B_24H | RTC_B_BINARY, 0);
	CU_ASSERT_EQUAL(cmos(RTC_SECONDS, 0), 58);
	CU_ASSERT_EQUAL(cmos(RTC_YEAR, 0), 24);
	CU_ASSERT_EQUAL(cmos(CMOS_CENTURY, 0), 20);
}

static void test_twelve_hour_mode_flags_pm_in_bit_7(void)
{
	setup();
	cmos_set(RTC_STATUS_B, 0, 0);                   /* BCD, 12-hour */
	CU_ASSERT_EQUAL(cmos(RTC_HOURS, 0), 0x91);      /* 11 PM */
	CU_ASSERT_EQUAL(cmos(RTC_HOURS, 2 * SEC), 0x12);        /* midnight: 12 AM */
	cmos_set(RTC_STATUS_B, RTC_B_BINARY, 2 * SEC);
	cmos_set(RTC_HOURS, 0x80 | 1, 2 * SEC);         /* 1 PM, binary */
	cmos_set(RTC_STATUS_B, RTC_B_24H | RTC_B_BINARY, 2 * SEC);
	CU_ASSERT_EQUAL(cmos(RTC_HOURS, 2 * SEC), 13);
}

static void test_set_holds_the_clock_while_the_guest_writes_it(void)
{
	setup();
	cmos_set(RTC_STATUS_B, RTC_B_SET | RTC_B_24H, 0);
	cmos_set(RTC_HOURS, 0x08, 0);
	cmos_set(RTC_MINUTES, 0x30, 0);
	cmos_set(RTC_SECONDS, 0x00, 0);
	CU_ASSERT_EQUAL(cmos(RTC_SECONDS, 5 * SEC), 0x00);      /* held */
	cmos_set(RTC_STATUS_B, RTC_B_24H, 5 * SEC);
	CU_ASSERT_EQUAL(cmos(RTC_SECONDS, 6 * SEC), 0x01);
	CU_ASSERT_EQUAL(cmos(RTC_MINUTES, 6 * SEC), 0x30);
	CU_ASSERT_EQUAL(cmos(RTC_HOURS, 6 * SEC), 0x08);
}

static void test_setting_set_clears_update_interrupts(void)
{
	setup();
	cmos_set(RTC_STATUS_B, RTC_B_SET | RTC_B_UIE | RTC_B_24H, 0);
	CU_ASSERT_EQUAL(cmos(RTC_STATUS_B, 0), RTC_B_SET | RTC_B_24H);
}

static void test_update_in_progress_shows_just_before_each_second(void)
{
	setup();
	CU_ASSERT_EQUAL(cmos(RTC_STATUS_A, SEC - 244001) & RTC_A_UIP, 0);
	CU_ASSERT_EQUAL(cmos(RTC_STATUS_A, SEC - 1000) & RTC_A_UIP, RTC_A_UIP);
	CU_ASSERT_EQUAL(cmos(RTC_STATUS_A, SEC) & RTC_A_UIP, 0);
}

static void test_cmos_bytes_keep_what_is_written(void)
{
	setup();
	cmos_set(CMOS_SHUTDOWN, 0x0a, 0);               /* xv6's warm reset code */
	CU_ASSERT_EQUAL(cmos(CMOS_SHUTDOWN, 0), 0x0a);
	cmos_set(0x7f, 0x42, 0);
	CU_ASSERT_EQUAL(cmos(0x7f, 0), 0x42);
}

static void test_nmi_bit_of_the_index_does_not_change_the_register(void)
{
	setup();
	rtc_write(&r, RTC_PORT_INDEX, 0x80 | RTC_MINUTES, 0);
	CU_ASSERT_EQUAL(rtc_read(&r, RTC_PORT_DATA, 0), 0x59);
	CU_ASSERT_TRUE(r.nmi_disabled);
}

static void test_status_c_and_d_are_read_only(void)
{
	setup();
	cmos_set(RTC_STATUS_C, 0xff, 0);
	cmos_set(RTC_STATUS_D, 0x00, 0);
	CU_ASSERT_EQUAL(cmos(RTC_STATUS_C, 0), 0x00);
	CU_ASSERT_EQUAL(cmos(RTC_STATUS_D, 0), 0x80);
}

static void test_update_ended_interrupt_fires_each_second(void)
{
	setup();
	cmos_set(RTC_STATUS_B, RTC_B_UIE | RTC_B_24H, SEC / 2);
	CU_ASSERT_EQUAL(rtc_next_deadline(&r, SEC / 2), SEC);
	rtc_advance(&r, SEC);
	CU_ASSERT_TRUE(irq8);
	CU_ASSERT_EQUAL(cmos(RTC_STATUS_C, SEC), RTC_C_IRQF | RTC_C_UF | RTC_C_PF);
	CU_ASSERT_FALSE(irq8);
	CU_ASSERT_EQUAL(rtc_next_deadline(&r, SEC), 2 * SEC);
}

static void test_flags_rise_without_their_interrupts(void)
{
	setup();
	CU_ASSERT_EQUAL(cmos(RTC_STATUS_C, SEC), RTC_C_UF | RTC_C_PF);
	CU_ASSERT_FALSE(irq8);
	CU_ASSERT_EQUAL(cmos(RTC_STATUS_C, SEC), 0);    /* reading cleared them */
}

static void test_periodic_interrupt_at_1024_hz(void)
{
	setup();
	cmos_set(RTC_STATUS_B, RTC_B_PIE | RTC_B_24H, 0);
	CU_ASSERT_EQUAL(rtc_next_deadline(&r, 0), 976563);     /* 32 cycles of 32768 Hz */
	rtc_advance(&r, 976562);
	CU_ASSERT_FALSE(irq8);
	rtc_advance(&r, 976563);
	CU_ASSERT_TRUE(irq8);
	CU_ASSERT_EQUAL(cmos(RTC_STATUS_C, 976563), RTC_C_IRQF | RTC_C_PF);
}

static void test_alarm_fires_when_the_time_matches(void)
{
	setup();
	cmos_set(RTC_SECONDS_ALARM, 0x00, 0);
	cmos_set(RTC_MINUTES_ALARM, 0x00, 0);
	cmos_set(RTC_HOURS_ALARM, 0xc0, 0);             /* any hour */
	cmos_set(RTC_STATUS_B, RTC_B_AIE | RTC_B_24H, 0);
	rtc_advance(&r, SEC);
	CU_ASSERT_FALSE(irq8);                          /* 23:59:59 */
	rtc_advance(&r, 2 * SEC);
	CU_ASSERT_TRUE(irq8);                           /* 00:00:00 */
	CU_ASSERT_EQUAL(cmos(RTC_STATUS_C, 2 * SEC) & RTC_C_AF, RTC_C_AF);
}

static void test_divider_reset_stops_the_clock(void)
{
	setup();
	cmos_set(RTC_STATUS_A, 0x70, 0);                /* divider held in reset */
	CU_ASSERT_EQUAL(cmos(RTC_SECONDS, 10 * SEC), 0x58);
	cmos_set(RTC_STATUS_A, 0x26, 10 * SEC);
	CU_ASSERT_EQUAL(cmos(RTC_SECONDS, 11 * SEC), 0x59);
}

static void test_memory_size_bytes_are_those_qemu_shows_for_128_mib(void)
{
	setup();
	rtc_set_memory_size(&r, 128u << 20);
	CU_ASSERT_EQUAL(cmos(0x15, 0), 0x80);
	CU_ASSERT_EQUAL(cmos(0x16, 0), 0x02);
	CU_ASSERT_EQUAL(cmos(0x17, 0), 0xff);
	CU_ASSERT_EQUAL(cmos(0x18, 0), 0xff);
	CU_ASSERT_EQUAL(cmos(0x30, 0), 0xff);
	CU_ASSERT_EQUAL(cmos(0x31, 0), 0xff);
	CU_ASSERT_EQUAL(cmos(0x34, 0), 0x00);
	CU_ASSERT_EQUAL(cmos(0x35, 0), 0x07);
}

static void test_weekday_of_known_dates(void)
{
	CU_ASSERT_EQUAL(rtc_weekday(2000, 1, 1), 7);    /* Saturday */
	CU_ASSERT_EQUAL(rtc_weekday(2024, 3, 1), 6);    /* Friday */
	CU_ASSERT_EQUAL(rtc_weekday(1970, 1, 1), 5);    /* Thursday */
}

static const struct { const char *name; void (*fn)(void); } tests[] = {
	{ "status registers start as on QEMU", test_status_registers_start_as_on_qemu },
	{ "the time reads in BCD, 24-hour, by default", test_time_reads_in_bcd_24_hour_by_default },
	{ "the clock follows virtual time into a leap day", test_clock_follows_virtual_time_into_a_leap_day },
	{ "year and century roll over", test_year_and_century_roll_over },
	{ "binary mode reads plain numbers", test_binary_mode_reads_plain_numbers },
	{ "12-hour mode flags PM in bit 7", test_twelve_hour_mode_flags_pm_in_bit_7 },
	{ "SET holds the clock while the guest writes it", test_set_holds_the_clock_while_the_guest_writes_it },
	{ "setting SET clears update interrupts", test_setting_set_clears_update_interrupts },
	{ "update in progress shows just before each second", test_update_in_progress_shows_just_before_each_second },
	{ "CMOS bytes keep what is written (shutdown byte)", test_cmos_bytes_keep_what_is_written },
	{ "the NMI bit of the index does not change the register", test_nmi_bit_of_the_index_does_not_change_the_register },
	{ "status C and D are read-only", test_status_c_and_d_are_read_only },
	{ "the update-ended interrupt fires each second", test_update_ended_interrupt_fires_each_second },
	{ "flags rise without their interrupts (PF at rate 6, UF)", test_flags_rise_without_their_interrupts },
	{ "the periodic interrupt at 1024 Hz", test_periodic_interrupt_at_1024_hz },
	{ "the alarm fires when the time matches", test_alarm_fires_when_the_time_matches },
	{ "a divider reset stops the clock", test_divider_reset_stops_the_clock },
	{ "memory-size bytes are those QEMU shows for 128 MiB", test_memory_size_bytes_are_those_qemu_shows_for_128_mib },
	{ "the weekday of known dates", test_weekday_of_known_dates },
};

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("MC146818 RTC", NULL, NULL);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures != 0;
}
