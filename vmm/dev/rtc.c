/*
 * rtc.c - the MC146818 real-time clock on virtual time.
 *
 * Problem: guests read the date and time (in BCD or binary, 12- or 24-hour,
 * as status register B says), wait for "update in progress" to pass, set the
 * clock with B.SET held, use CMOS bytes such as the shutdown status (0x0f),
 * and may ask for interrupts on IRQ 8: periodic (rate in A), update-ended,
 * alarm.  The clock must keep ticking with the guest's virtual time, and it
 * starts from the time the monitor read from the machine's own clock.
 *
 * Approach: the clock is held as binary 24-hour calendar fields plus the
 * virtual time at which the current second began; reading brings it up to
 * date by ticking whole seconds (with calendar carries), and encodes each
 * field in the format B asks for at the moment of the read (so changing
 * B.DM or B.24h converts the clock, as on QEMU).  Alarm bytes are kept as
 * written and compared in the current format (0xc0-0xff: "don't care").
 * Status C's flags are computed for the time that passed since they were last
 * looked at: UF at each second, AF when the alarm matches, PF at each
 * period of the 32.768 kHz divider chain.  IRQ 8 follows C.IRQF.  Writing a
 * time byte changes that field only, with no validation, as the chip does.
 */
#include "rtc.h"

#include <string.h>

#define NS_PER_SEC      1000000000ull
#define DIVIDER_HZ      32768u
#define UIP_BEFORE_NS   244000ull       /* UIP rises 244 us before an update */
#define DIVIDER_RUNNING 2u              /* A bits 6-4 = 010 */
#define ALARM_DONT_CARE 0xc0u
#define HOUR_PM         0x80u
#define SECONDS_PER_DAY 86400u
#define STATUS_A_RESET  0x26            /* divider running, 1024 Hz rate */
#define STATUS_B_RESET  RTC_B_24H
#define CMOS_BASE_MEM_LO   0x15
#define CMOS_EXT_MEM_LO    0x17
#define CMOS_EXT_MEM2_LO   0x30
#define CMOS_HIGH_MEM_LO   0x34

static bool leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
	static const uint8_t days[13] = { 31, 31, 28, 31, 30, 31, 30,
					  31, 31, 30, 31, 30, 31 };

	if (m == 2 && leap(y))
		return 29;
	return m <= 12 ? days[m] : 31;
}

uint8_t rtc_weekday(uint16_t year, uint8_t month, uint8_t day)
{
	static const uint8_t offset[12] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };
	unsigned y = year - (month < 3);

	return (uint8_t)((y + y / 4 - y / 100 + y / 400 + offset[(month + 11u) % 12] +
			  day) % 7 + 1);
}

static bool binary_mode(const struct rtc *r)
{
	return r->cmos[RTC_STATUS_B] & RTC_B_BINARY;
}

static uint8_t encode(const struct rtc *r, unsigned v)
{
	return binary_mode(r) ? (uint8_t)v : (uint8_t)((v / 10 % 10) << 4 | v % 10);
}

static unsigned decode(const struct rtc *r, uint8_t v)
{
	return binary_mode(r) ? v : (v >> 4) * 10u + (v & 15u);
}

static uint8_t encode_hour(const struct rtc *r, unsigned h)
{
	unsigned h12 = h % 12 ? h % 12 : 12;

	if (r->cmos[RTC_STATUS_B] & RTC_B_24H)
		return encode(r, h);
	return (uint8_t)(encode(r, h12) | (h >= 12 ? HOUR_PM : 0));
}

static unsigned decode_hour(const struct rtc *r, uint8_t v)
{
	if (r->cmos[RTC_STATUS_B] & RTC_B_24H)
		return decode(r, v);
	return decode(r, v & 0x7f) % 12 + ((v & HOUR_PM) ? 12 : 0);
}

/* Does the clock tick (SET clear, divider chain not held in reset)? */
static bool clock_running(const struct rtc *r)
{
	return !(r->cmos[RTC_STATUS_B] & RTC_B_SET) &&
	       RTC_A_DIVIDER(r->cmos[RTC_STATUS_A]) <= DIVIDER_RUNNING;
}

static bool divider_running(const struct rtc *r)
{
	return RTC_A_DIVIDER(r->cmos[RTC_STATUS_A]) <= DIVIDER_RUNNING;
}

static bool alarm_field_matches(const struct rtc *r, unsigned reg, uint8_t now)
{
	uint8_t alarm = r->cmos[reg];

	return alarm >= ALARM_DONT_CARE || alarm == now;
}

static bool alarm_matches(const struct rtc *r)
{
	return alarm_field_matches(r, RTC_SECONDS_ALARM, encode(r, r->now.second)) &&
	       alarm_field_matches(r, RTC_MINUTES_ALARM, encode(r, r->now.minute)) &&
	       alarm_field_matches(r, RTC_HOURS_ALARM, encode_hour(r, r->now.hour));
}

static void next_day(struct rtc *r)
{
	struct rtc_time *t = &r->now;

	r->weekday = r->weekday % 7 + 1;
	if (++t->day <= days_in_month(t->year, t->month))
		return;
	t->day = 1;
	if (++t->month <= 12)
		return;
	t->month = 1;
	t->year++;
}

/* One update cycle: the clock advances one second; UF, and AF on a match. */
static void tick_second(struct rtc *r)
{
	struct rtc_time *t = &r->now;

	if (++t->second >= 60) {
		t->second = 0;
		if (++t->minute >= 60) {
			t->minute = 0;
			if (++t->hour >= 24) {
				t->hour = 0;
				next_day(r);
			}
		}
	}
	r->cmos[RTC_STATUS_C] |= RTC_C_UF;
	if (alarm_matches(r))
		r->cmos[RTC_STATUS_C] |= RTC_C_AF;
}

/* Bring the clock up to NOW, one update cycle per elapsed second. */
static void clock_catch_up(struct rtc *r, uint64_t now)
{
	uint64_t seconds;

	if (!clock_running(r) || now - r->second_start_ns < NS_PER_SEC)
		return;
	seconds = (now - r->second_start_ns) / NS_PER_SEC;
	r->second_start_ns += seconds * NS_PER_SEC;
	for (; seconds > SECONDS_PER_DAY; seconds -= SECONDS_PER_DAY) {
		next_day(r);            /* a whole day: every alarm matched once */
		r->cmos[RTC_STATUS_C] |= RTC_C_UF | RTC_C_AF;
	}
	while (seconds--)
		tick_second(r);
}

/* Divider-chain cycles (32.768 kHz) in DT nanoseconds, floor. */
static uint64_t divider_cycles(uint64_t dt)
{
	return dt / NS_PER_SEC * DIVIDER_HZ + dt % NS_PER_SEC * DIVIDER_HZ / NS_PER_SEC;
}

static uint64_t cycles_to_ns(uint64_t c)
{
	return c / DIVIDER_HZ * NS_PER_SEC +
	       (c % DIVIDER_HZ * NS_PER_SEC + DIVIDER_HZ - 1) / DIVIDER_HZ;
}

/* Cycles per periodic interrupt for rate RS (1-15), per the datasheet table. */
static uint64_t periodic_cycles(unsigned rs)
{
	return rs <= 2 ? 1ull << (rs + 6) : 1ull << (rs - 1);
}

/* PF rises at every period that ended since the last look. */
static void periodic_catch_up(struct rtc *r, uint64_t now)
{
	unsigned rs = RTC_A_RATE(r->cmos[RTC_STATUS_A]);
	uint64_t p, before, after;

	if (rs && divider_running(r) && now > r->periodic_seen_ns) {
		p = periodic_cycles(rs);
		before = divider_cycles(r->periodic_seen_ns - r->divider_start_ns) / p;
		after = divider_cycles(now - r->divider_start_ns) / p;
		if (after > before)
			r->cmos[RTC_STATUS_C] |= RTC_C_PF;
	}
	r->periodic_seen_ns = now;
}

static bool irq_flag(const struct rtc *r)
{
	uint8_t b = r->cmos[RTC_STATUS_B], c = r->cmos[RTC_STATUS_C];

	return ((b & RTC_B_PIE) && (c & RTC_C_PF)) ||
	       ((b & RTC_B_AIE) && (c & RTC_C_AF)) ||
	       ((b & RTC_B_UIE) && (c & RTC_C_UF));
}

static void catch_up(struct rtc *r, uint64_t now)
{
	clock_catch_up(r, now);
	periodic_catch_up(r, now);
	irq_line_set(&r->irq8, irq_flag(r));
}

void rtc_init(struct rtc *r, const struct rtc_time *start, uint64_t now,
	      struct irq_line irq8)
{
	memset(r, 0, sizeof(*r));
	r->irq8 = irq8;
	r->now = *start;
	r->weekday = rtc_weekday(start->year, start->month, start->day);
	r->second_start_ns = r->periodic_seen_ns = r->divider_start_ns = now;
	r->cmos[RTC_STATUS_A] = STATUS_A_RESET;
	r->cmos[RTC_STATUS_B] = STATUS_B_RESET;
	r->cmos[RTC_STATUS_D] = RTC_D_VRT;
}

static void put16(struct rtc *r, unsigned at, uint64_t v)
{
	if (v > 0xffff)
		v = 0xffff;
	r->cmos[at] = (uint8_t)v;
	r->cmos[at + 1] = (uint8_t)(v >> 8);
}

void rtc_set_memory_size(struct rtc *r, uint64_t ram_bytes)
{
	uint64_t kib = ram_bytes >> 10;

	put16(r, CMOS_BASE_MEM_LO, 640);
	put16(r, CMOS_EXT_MEM_LO, kib > 1024 ? kib - 1024 : 0);
	put16(r, CMOS_EXT_MEM2_LO, kib > 1024 ? kib - 1024 : 0);
	put16(r, CMOS_HIGH_MEM_LO, ram_bytes > (16u << 20) ?
				   (ram_bytes - (16u << 20)) >> 16 : 0);
}

static uint8_t read_status_a(const struct rtc *r, uint64_t now)
{
	bool uip = clock_running(r) &&
		   now - r->second_start_ns >= NS_PER_SEC - UIP_BEFORE_NS;

	return (uint8_t)((r->cmos[RTC_STATUS_A] & ~RTC_A_UIP) | (uip ? RTC_A_UIP : 0));
}

/* Reading C returns the flags and clears them; IRQ 8 drops. */
static uint8_t read_status_c(struct rtc *r)
{
	uint8_t v = (uint8_t)(r->cmos[RTC_STATUS_C] | (irq_flag(r) ? RTC_C_IRQF : 0));

	r->cmos[RTC_STATUS_C] = 0;
	irq_line_set(&r->irq8, false);
	return v;
}

static uint8_t read_cmos(struct rtc *r, uint8_t i, uint64_t now)
{
	catch_up(r, now);
	switch (i) {
	case RTC_SECONDS:  return encode(r, r->now.second);
	case RTC_MINUTES:  return encode(r, r->now.minute);
	case RTC_HOURS:    return encode_hour(r, r->now.hour);
	case RTC_WEEKDAY:  return encode(r, r->weekday);
	case RTC_DAY:      return encode(r, r->now.day);
	case RTC_MONTH:    return encode(r, r->now.month);
	case RTC_YEAR:     return encode(r, r->now.year % 100);
	case CMOS_CENTURY: return encode(r, r->now.year / 100);
	case RTC_STATUS_A: return read_status_a(r, now);
	case RTC_STATUS_C: return read_status_c(r);
	case RTC_STATUS_D: return RTC_D_VRT;
	default:           return r->cmos[i];
	}
}

/* A: the divider leaving reset restarts the second and the periodic phase. */
static void write_status_a(struct rtc *r, uint8_t val, uint64_t now)
{
	bool was_running = divider_running(r);

	r->cmos[RTC_STATUS_A] = val & (uint8_t)~RTC_A_UIP;
	if (divider_running(r) && !was_running)
		r->second_start_ns = r->divider_start_ns = r->periodic_seen_ns = now;
}

/* B: SET stops the clock (and clears UIE); clearing SET restarts the second. */
static void write_status_b(struct rtc *r, uint8_t val, uint64_t now)
{
	bool was_set = r->cmos[RTC_STATUS_B] & RTC_B_SET;

	if (val & RTC_B_SET)
		val &= (uint8_t)~RTC_B_UIE;
	r->cmos[RTC_STATUS_B] = val;
	if (was_set && !(val & RTC_B_SET))
		r->second_start_ns = now;
}

static void write_cmos(struct rtc *r, uint8_t i, uint8_t val, uint64_t now)
{
	unsigned century = r->now.year / 100;

	catch_up(r, now);
	switch (i) {
	case RTC_SECONDS:  r->now.second = (uint8_t)decode(r, val); break;
	case RTC_MINUTES:  r->now.minute = (uint8_t)decode(r, val); break;
	case RTC_HOURS:    r->now.hour = (uint8_t)decode_hour(r, val); break;
	case RTC_WEEKDAY:  r->weekday = (uint8_t)decode(r, val); break;
	case RTC_DAY:      r->now.day = (uint8_t)decode(r, val); break;
	case RTC_MONTH:    r->now.month = (uint8_t)decode(r, val); break;
	case RTC_YEAR:     r->now.year = (uint16_t)(century * 100 + decode(r, val) % 100); break;
	case CMOS_CENTURY: r->now.year = (uint16_t)(decode(r, val) * 100 + r->now.year % 100); break;
	case RTC_STATUS_A: write_status_a(r, val, now); break;
	case RTC_STATUS_B: write_status_b(r, val, now); break;
	case RTC_STATUS_C:
	case RTC_STATUS_D: break;       /* read-only */
	default:           r->cmos[i] = val; break;
	}
	irq_line_set(&r->irq8, irq_flag(r));
}

uint8_t rtc_read(struct rtc *r, uint16_t port, uint64_t now)
{
	if (port == RTC_PORT_INDEX)
		return 0xff;            /* the index register is write-only */
	return read_cmos(r, r->index, now);
}

void rtc_write(struct rtc *r, uint16_t port, uint8_t val, uint64_t now)
{
	if (port == RTC_PORT_INDEX) {
		r->index = val & 0x7f;
		r->nmi_disabled = (val & RTC_INDEX_NMI_OFF) != 0;
		return;
	}
	write_cmos(r, r->index, val, now);
}

void rtc_advance(struct rtc *r, uint64_t now)
{
	catch_up(r, now);
}

uint64_t rtc_next_deadline(const struct rtc *r, uint64_t now)
{
	uint8_t b = r->cmos[RTC_STATUS_B];
	unsigned rs = RTC_A_RATE(r->cmos[RTC_STATUS_A]);
	uint64_t best = RTC_NO_DEADLINE, p, k;

	if (irq_flag(r))
		return RTC_NO_DEADLINE;         /* IRQ 8 is up until C is read */
	if ((b & RTC_B_PIE) && rs && divider_running(r)) {
		p = periodic_cycles(rs);
		k = divider_cycles(now - r->divider_start_ns) / p + 1;
		best = r->divider_start_ns + cycles_to_ns(k * p);
	}
	if ((b & (RTC_B_UIE | RTC_B_AIE)) && clock_running(r)) {
		k = (now - r->second_start_ns) / NS_PER_SEC + 1;
		if (r->second_start_ns + k * NS_PER_SEC < best)
			best = r->second_start_ns + k * NS_PER_SEC;
	}
	return best;
}
