/*
 * pit.c - the 8254 programmable interval timer on virtual time.
 *
 * Problem: a guest programs a counter with a control word and a count, then
 * reads the counter back (directly, latched, or with read-back), and expects
 * IRQ 0 at every rising edge of counter 0's OUT.  The monitor has no 1.19 MHz
 * clock to step the counters with, only "now" in nanoseconds whenever it
 * looks, and must be told when the next interrupt is due.
 *
 * Approach: a counter stores no running count.  It stores when its count was
 * loaded; its elapsed clock ticks are computed from NOW, and the counter
 * value and OUT are pure functions of (mode, N, elapsed ticks):
 *
 *   mode 0  interrupt on terminal count  OUT low until N ticks, then high
 *   mode 1  hardware one-shot            as mode 0, started by a gate edge
 *   mode 2  rate generator               OUT low for 1 tick of every N
 *   mode 3  square wave                  OUT high ceil(N/2), low floor(N/2)
 *   mode 4  software strobe              OUT low for tick N only
 *   mode 5  hardware strobe              as mode 4, started by a gate edge
 *
 * so rising edges between two instants can be counted without stepping, and
 * the next one can be computed.  While the gate is low, modes 0, 2, 3 and 4
 * stop counting (the elapsed ticks freeze in base_ticks).
 * Ticks are floor(ns * 1193182 / 10^9), computed in 64 bits by splitting off
 * whole seconds, so no 128-bit arithmetic is needed.  Simplifications, as in
 * QEMU's 8254: a count takes effect at once (not on the next clock, nor at
 * the end of the current period in modes 2 and 3).  One difference from
 * QEMU, which a read-back status shows: QEMU's mode-2 OUT is high only during
 * the tick the count runs out; here, as in the datasheet, it is high except
 * for that tick (the rising edges, and so the interrupts, are the same).
 *
 *   control word (port 0x43)
 *    7   6   5   4   3   2   1   0
 *   +-------+-------+-----------+---+         SC = 3: read-back command
 *   |  SC   |  RW   |   mode    |BCD|         RW = 0: counter latch command
 *   +-------+-------+-----------+---+
 *   read-back: 7-6 = 11, bit 5 !COUNT, bit 4 !STATUS, bits 3-1 counters 2-0
 *   status byte: bit 7 OUT, bit 6 null count, bits 5-0 as the control word
 *   (access mode 00 in a status byte: never programmed since power-on)
 */
#include "pit.h"

#define NS_PER_SEC          1000000000ull
#define CW_SELECT(v)        (((v) >> 6) & 3u)
#define CW_ACCESS(v)        (((v) >> 4) & 3u)
#define CW_MODE(v)          (((v) >> 1) & 7u)
#define CW_BCD              (1u << 0)
#define SELECT_READ_BACK    3
#define ACCESS_LATCH        0
#define ACCESS_LSB          1
#define ACCESS_MSB          2
#define ACCESS_LSB_MSB      3
#define RB_NO_COUNT         (1u << 5)
#define RB_NO_STATUS        (1u << 4)
#define RB_COUNTER(i)       (1u << (1 + (i)))
#define STATUS_OUT          (1u << 7)
#define STATUS_NULL_COUNT   (1u << 6)
#define SYSB_GATE2          (1u << 0)
#define SYSB_WRITABLE       0x0fu
#define SYSB_REFRESH        (1u << 4)
#define SYSB_OUT2           (1u << 5)

/* Clock ticks in DT nanoseconds: floor(DT * PIT_HZ / 10^9), exactly. */
static uint64_t ns_to_ticks(uint64_t dt)
{
	return (dt / NS_PER_SEC) * PIT_HZ +
	       (dt % NS_PER_SEC) * PIT_HZ / NS_PER_SEC;
}

/* The first nanosecond count at which ns_to_ticks reaches TICKS. */
static uint64_t ticks_to_ns(uint64_t ticks)
{
	return (ticks / PIT_HZ) * NS_PER_SEC +
	       ((ticks % PIT_HZ) * NS_PER_SEC + PIT_HZ - 1) / PIT_HZ;
}

static bool gate_triggered_mode(const struct pit_counter *c)
{
	return c->mode == 1 || c->mode == 5;
}

/* Does the counter count right now (a count loaded, gate or trigger)? */
static bool counting(const struct pit_counter *c)
{
	if (!c->loaded)
		return false;
	return gate_triggered_mode(c) ? c->triggered : c->gate;
}

static uint64_t elapsed(const struct pit_counter *c, uint64_t now)
{
	if (!counting(c) || now < c->run_since_ns)
		return c->base_ticks;
	return c->base_ticks + ns_to_ticks(now - c->run_since_ns);
}

/* Start (or restart) counting N from zero at NOW. */
static void restart(struct pit_counter *c, uint64_t now)
{
	c->base_ticks = 0;
	c->seen_ticks = 0;
	c->run_since_ns = now;
}

/* OUT after D elapsed ticks. */
static bool out_after(const struct pit_counter *c, uint64_t d)
{
	uint64_t n = c->reload;

	if (!c->loaded || (gate_triggered_mode(c) && !c->triggered))
		return c->mode != 0;
	switch (c->mode) {
	case 0:
	case 1: return d >= n;
	case 2: return d % n != n - 1 || n == 1;
	case 3: return d % n < (n + 1) / 2;
	default: return d != n;         /* modes 4 and 5 */
	}
}

/* Rising edges of OUT in elapsed ticks (D0, D1]. */
static uint64_t rising_edges(const struct pit_counter *c, uint64_t d0,
			     uint64_t d1)
{
	uint64_t n = c->reload;

	if (d1 <= d0)
		return 0;
	switch (c->mode) {
	case 0:
	case 1: return d0 < n && d1 >= n;
	case 2:
	case 3: return n < 2 ? 0 : d1 / n - d0 / n;
	default: return d0 <= n && d1 >= n + 1;
	}
}

/* The elapsed tick of the first rising edge after D, or 0 if none comes. */
static uint64_t next_edge(const struct pit_counter *c, uint64_t d)
{
	uint64_t n = c->reload;

	switch (c->mode) {
	case 0:
	case 1: return d < n ? n : 0;
	case 2:
	case 3: return n < 2 ? 0 : (d / n + 1) * n;
	default: return d <= n ? n + 1 : 0;
	}
}

static uint16_t to_bcd(uint32_t v)
{
	return (uint16_t)((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 |
			  (v / 10 % 10) << 4 | v % 10);
}

static uint32_t from_bcd(uint16_t v)
{
	return (v >> 12 & 15) * 1000u + (v >> 8 & 15) * 100u +
	       (v >> 4 & 15) * 10u + (v & 15);
}

/* The counting element as the guest reads it. */
static uint16_t counter_value(const struct pit_counter *c, uint64_t now)
{
	uint64_t d = elapsed(c, now), n = c->reload;
	uint32_t modulus = c->bcd ? 10000 : 65536, v;

	if (!c->loaded || (gate_triggered_mode(c) && !c->triggered))
		v = n % modulus;
	else if (c->mode == 2)
		v = (uint32_t)(n - d % n);
	else if (c->mode == 3)
		v = (uint32_t)(n - (2 * d) % n);
	else
		v = (uint32_t)((n + modulus - d % modulus) % modulus);
	v %= modulus;
	return c->bcd ? to_bcd(v) : (uint16_t)v;
}

bool pit_out(const struct pit *pit, unsigned i, uint64_t now)
{
	const struct pit_counter *c = &pit->counter[i];

	return out_after(c, elapsed(c, now));
}

/*
 * Power-on, as QEMU's 8254: every counter in mode 3 counting 65536 from NOW,
 * its access mode 0 ("never programmed": reads and writes go LSB then MSB).
 */
void pit_init(struct pit *pit, struct irq_line irq0, uint64_t now)
{
	*pit = (struct pit){ .irq0 = irq0 };
	for (unsigned i = 0; i < 3; i++) {
		struct pit_counter *c = &pit->counter[i];

		c->mode = 3;
		c->reload = 65536;
		c->loaded = true;
		c->gate = i != 2;
		restart(c, now);
	}
}

/* Tell IRQ 0 what OUT0 did since it was last told. */
static void report_out0(struct pit *pit, uint64_t now)
{
	struct pit_counter *c = &pit->counter[0];
	uint64_t d = elapsed(c, now);

	if (rising_edges(c, c->seen_ticks, d)) {
		irq_line_set(&pit->irq0, false);
		irq_line_set(&pit->irq0, true);
	}
	c->seen_ticks = d;
	irq_line_set(&pit->irq0, out_after(c, d));
}

void pit_advance(struct pit *pit, uint64_t now)
{
	report_out0(pit, now);
}

uint64_t pit_next_deadline(const struct pit *pit, uint64_t now)
{
	const struct pit_counter *c = &pit->counter[0];
	uint64_t edge;

	if (!counting(c))
		return PIT_NO_DEADLINE;
	edge = next_edge(c, elapsed(c, now));
	if (edge == 0)
		return PIT_NO_DEADLINE;
	return c->run_since_ns + ticks_to_ns(edge - c->base_ticks);
}

/* Latch the count unless a latched count is still unread. */
static void latch_count(struct pit_counter *c, uint64_t now)
{
	if (c->count_latched)
		return;
	c->count_latch = counter_value(c, now);
	c->count_latched = true;
	c->count_latch_msb_next = false;
}

static void latch_status(struct pit_counter *c, uint64_t now)
{
	if (c->status_latched)
		return;
	c->status_latch = (uint8_t)((out_after(c, elapsed(c, now)) ? STATUS_OUT : 0) |
				    (c->null_count ? STATUS_NULL_COUNT : 0) |
				    c->access << 4 | c->mode << 1 |
				    (c->bcd ? CW_BCD : 0));
	c->status_latched = true;
}

static void read_back(struct pit *pit, uint8_t val, uint64_t now)
{
	for (unsigned i = 0; i < 3; i++) {
		if (!(val & RB_COUNTER(i)))
			continue;
		if (!(val & RB_NO_COUNT))
			latch_count(&pit->counter[i], now);
		if (!(val & RB_NO_STATUS))
			latch_status(&pit->counter[i], now);
	}
}

/* A control word for one counter: new mode, the counter waits for a count. */
static void write_control(struct pit_counter *c, uint8_t val, uint64_t now)
{
	if (CW_ACCESS(val) == ACCESS_LATCH) {
		latch_count(c, now);
		return;
	}
	c->access = (uint8_t)CW_ACCESS(val);
	c->mode = (uint8_t)CW_MODE(val);
	if (c->mode > 5)
		c->mode -= 4;           /* modes 6 and 7 are 2 and 3 */
	c->bcd = (val & CW_BCD) != 0;
	c->loaded = false;
	c->triggered = false;
	c->null_count = true;
	c->write_msb_next = c->read_msb_next = false;
	c->count_latched = c->status_latched = false;
}

/* The whole count has been written: load it and start. */
static void load_count(struct pit_counter *c, uint16_t raw, uint64_t now)
{
	uint32_t n = c->bcd ? from_bcd(raw) : raw;

	c->reload = n ? n : (c->bcd ? 10000 : 65536);
	c->loaded = true;
	c->triggered = false;
	c->null_count = false;
	restart(c, now);
}

static void write_count(struct pit_counter *c, uint8_t val, uint64_t now)
{
	switch (c->access) {
	case ACCESS_LSB:
		load_count(c, val, now);
		break;
	case ACCESS_MSB:
		load_count(c, (uint16_t)(val << 8), now);
		break;
	default:
		if (!c->write_msb_next) {
			c->write_lsb = val;
			c->write_msb_next = true;
			if (c->mode == 0)       /* the first byte stops counting */
				c->loaded = false;
		} else {
			c->write_msb_next = false;
			load_count(c, (uint16_t)(c->write_lsb | val << 8), now);
		}
		break;
	}
}

static uint8_t read_counter(struct pit_counter *c, uint64_t now)
{
	uint16_t v;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status_latch;
	}
	if (c->count_latched) {
		v = c->count_latch;
		if (c->access != ACCESS_LSB && c->access != ACCESS_MSB &&
		    !c->count_latch_msb_next) {
			c->count_latch_msb_next = true;
			return (uint8_t)v;
		}
		c->count_latched = false;
		return (uint8_t)(c->access == ACCESS_LSB ? v : v >> 8);
	}
	v = counter_value(c, now);
	if (c->access == ACCESS_LSB)
		return (uint8_t)v;
	if (c->access == ACCESS_MSB)
		return (uint8_t)(v >> 8);
	c->read_msb_next = !c->read_msb_next;
	return (uint8_t)(c->read_msb_next ? v : v >> 8);
}

/*
 * Gate 2 follows port 0x61 bit 0.  Modes 1 and 5 start on a rising edge and
 * ignore a falling one; modes 2 and 3 stop while low and reload on a rising
 * edge; modes 0 and 4 stop while low and resume where they were.
 */
static void set_gate(struct pit_counter *c, bool gate, uint64_t now)
{
	if (gate == c->gate)
		return;
	if (gate_triggered_mode(c)) {
		c->gate = gate;
		if (gate) {
			restart(c, now);
			c->triggered = true;
		}
		return;
	}
	c->base_ticks = elapsed(c, now);
	c->run_since_ns = now;
	c->gate = gate;
	if (gate && (c->mode == 2 || c->mode == 3))
		restart(c, now);
}

uint8_t pit_read(struct pit *pit, uint16_t port, uint64_t now)
{
	uint8_t v;

	if (port == PIT_PORT_SYSCTL_B) {
		pit->refresh_toggle ^= SYSB_REFRESH;
		v = pit->sysctl_b | pit->refresh_toggle;
		return (uint8_t)(v | (pit_out(pit, 2, now) ? SYSB_OUT2 : 0));
	}
	if (port == PIT_PORT_CONTROL)
		return 0;               /* write-only; QEMU reads 0 */
	return read_counter(&pit->counter[port - PIT_PORT_COUNTER0], now);
}

void pit_write(struct pit *pit, uint16_t port, uint8_t val, uint64_t now)
{
	report_out0(pit, now);          /* account for time under the old setup */
	if (port == PIT_PORT_SYSCTL_B) {
		pit->sysctl_b = val & SYSB_WRITABLE;
		set_gate(&pit->counter[2], val & SYSB_GATE2, now);
	} else if (port == PIT_PORT_CONTROL) {
		if (CW_SELECT(val) == SELECT_READ_BACK)
			read_back(pit, val, now);
		else
			write_control(&pit->counter[CW_SELECT(val)], val, now);
	} else {
		write_count(&pit->counter[port - PIT_PORT_COUNTER0], val, now);
	}
	report_out0(pit, now);
}
