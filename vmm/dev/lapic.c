/*
 * lapic.c - the local APIC: priorities, EOI, the timer, and harmless IPIs.
 *
 * Problem: an xv6-class or Linux-class guest enables its APIC through the
 * spurious-interrupt register, masks LINT0/LINT1, runs the APIC timer
 * (one-shot or periodic, with a divider), sets its task priority, ends
 * interrupts by writing EOI, reads the error status register, and sends
 * INIT/STARTUP to processors the MP table says are not there.  The monitor
 * needs the vector the CPU would take and an acknowledge, like INTA.
 *
 * Approach: the registers of SDM vol. 3A ch. 10, held as the guest sees
 * them; IRR, ISR and TMR as 256-bit maps.  The processor priority is
 * computed when needed (PPR = the higher of TPR and the class in service), so
 * it cannot go stale.  The timer keeps no running count: the count is
 * computed from when it was loaded; the bus clock is 1 GHz (one tick per
 * nanosecond, as QEMU's APIC), divided by 1-128.  Where the SDM leaves
 * freedom we follow QEMU (the reference): reset puts LINT0 in ExtINT
 * unmasked (virtual-wire mode for the BSP), and register accesses other
 * than 4 bytes wide read 0 and are ignored.  An IPI reaches only this CPU:
 * fixed IPIs to itself are accepted, INIT, STARTUP, NMI and SMI are dropped
 * (the MP table announces no other processor), and the delivery-status bit
 * always reads idle.
 *
 *   divide configuration (0x3e0): bits 3,1,0 = 000 /2, 001 /4, 010 /8,
 *   011 /16, 100 /32, 101 /64, 110 /128, 111 /1
 *
 *   interrupt command (0x300)
 *    19 18 17  16  15  14  13  12  11  10    8 7        0
 *   +-----+------+---+---+---+---+---+-------+----------+
 *   |short|  0   |TM |LVL| 0 |DS |DM | mode  |  vector  |   0x310: dest in 31-24
 *   +-----+------+---+---+---+---+---+-------+----------+
 *   shorthand: 00 dest field, 01 self, 10 all including self, 11 all but self
 */
#include "lapic.h"

#include <string.h>

#define LAPIC_VERSION_VALUE 0x00050014u     /* version 0x14, 6 LVT entries */
#define DFR_RESERVED_ONES   0x0fffffffu
#define DFR_MODEL_FLAT      0xfu
#define SVR_WRITABLE        0x1ffu
#define ICR_DEST_LOGICAL    (1u << 11)
#define ICR_LEVEL_TRIGGER   (1u << 15)
#define ICR_SHORTHAND(v)    (((v) >> 18) & 3u)
#define ICR_LOW_WRITABLE    0x000ccfffu     /* all but delivery status */
#define SHORTHAND_NONE      0
#define SHORTHAND_SELF      1
#define SHORTHAND_ALL       2
#define BROADCAST_DEST      0xff
#define NO_VECTOR           (-1)
#define FIRST_LEGAL_VECTOR  16

/* Which bits of each LVT entry the guest can write. */
static const uint32_t lvt_writable[LVT_COUNT] = {
	[LVT_TIMER] = 0x000700ff,       /* vector, mask, timer mode */
	[LVT_THERMAL] = 0x000107ff,     /* vector, mode, mask */
	[LVT_PERF] = 0x000107ff,
	[LVT_LINT0] = 0x0001a7ff,       /* vector, mode, polarity, trigger, mask */
	[LVT_LINT1] = 0x0001a7ff,
	[LVT_ERROR] = 0x000100ff,       /* vector, mask */
};

static bool test_bit(const uint32_t *map, unsigned v)
{
	return (map[v / 32] >> (v % 32)) & 1;
}

static void set_bit(uint32_t *map, unsigned v, bool on)
{
	if (on)
		map[v / 32] |= 1u << (v % 32);
	else
		map[v / 32] &= ~(1u << (v % 32));
}

/* The highest vector set in MAP, or -1. */
static int highest_bit(const uint32_t *map)
{
	for (int w = 7; w >= 0; w--)
		if (map[w])
			return w * 32 + 31 - __builtin_clz(map[w]);
	return NO_VECTOR;
}

/* PPR: the task priority, or the priority class in service if higher. */
static uint32_t processor_priority(const struct lapic *l)
{
	int isrv = highest_bit(l->isr);
	uint32_t in_service = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

	return (l->tpr & 0xf0) >= in_service ? l->tpr & 0xff : in_service;
}

/* Record ERROR in the error status; the error LVT may interrupt. */
static void report_error(struct lapic *l, uint32_t error)
{
	uint32_t lvt = l->lvt[LVT_ERROR];

	l->esr_pending |= error;
	if (!(lvt & LVT_MASKED) && LVT_VECTOR(lvt) >= FIRST_LEGAL_VECTOR)
		lapic_accept(l, (uint8_t)LVT_VECTOR(lvt), false);
}

void lapic_accept(struct lapic *l, uint8_t vector, bool level)
{
	if (vector < FIRST_LEGAL_VECTOR) {
		report_error(l, ESR_RECEIVE_ILLEGAL_VECTOR);
		return;
	}
	set_bit(l->irr, vector, true);
	set_bit(l->tmr, vector, level);
}

/* Fire local vector table entry WHICH (edge-triggered, fixed). */
static void fire_lvt(struct lapic *l, enum lapic_lvt which)
{
	uint32_t lvt = l->lvt[which];

	if (!(lvt & LVT_MASKED))
		lapic_accept(l, (uint8_t)LVT_VECTOR(lvt), false);
}

void lapic_init(struct lapic *l)
{
	memset(l, 0, sizeof(*l));
	l->dfr = 0xffffffffu;
	l->svr = 0xff;
	for (unsigned i = 0; i < LVT_COUNT; i++)
		l->lvt[i] = LVT_MASKED;
	l->lvt[LVT_LINT0] = DELIVERY_EXTINT << 8;   /* virtual wire, as QEMU's BSP */
	l->shift = 1;                               /* divide by 2 */
}

bool lapic_is_destination(const struct lapic *l, uint8_t dest, bool logical)
{
	uint8_t logical_id = (uint8_t)(l->ldr >> 24);

	if (dest == BROADCAST_DEST)
		return true;
	if (!logical)
		return dest == l->id;
	if ((l->dfr >> 28) == DFR_MODEL_FLAT)
		return (dest & logical_id) != 0;
	return (dest >> 4) == (logical_id >> 4) &&              /* cluster */
	       (dest & logical_id & 0x0f) != 0;
}

int lapic_pending_vector(const struct lapic *l)
{
	int v = highest_bit(l->irr);

	if (!(l->svr & SVR_APIC_ENABLED) || v < 0)
		return NO_VECTOR;
	if (((uint32_t)v & 0xf0) <= (processor_priority(l) & 0xf0))
		return NO_VECTOR;
	return v;
}

int lapic_acknowledge(struct lapic *l)
{
	int v = lapic_pending_vector(l);

	if (v < 0)
		return (int)(l->svr & 0xff);    /* spurious: nothing changes */
	set_bit(l->irr, (unsigned)v, false);
	set_bit(l->isr, (unsigned)v, true);
	return v;
}

bool lapic_accepts_pic(const struct lapic *l)
{
	uint32_t lint0 = l->lvt[LVT_LINT0];

	return !(lint0 & LVT_MASKED) &&
	       LVT_DELIVERY_MODE(lint0) == DELIVERY_EXTINT;
}

/* EOI: the highest vector in service is done; tell the I/O APIC if level. */
static void end_of_interrupt(struct lapic *l)
{
	int v = highest_bit(l->isr);

	if (v < 0)
		return;
	set_bit(l->isr, (unsigned)v, false);
	if (test_bit(l->tmr, (unsigned)v) && l->eoi_broadcast)
		l->eoi_broadcast(l->eoi_ctx, (uint8_t)v);
}

/*
 * The timer.
 */

static uint64_t timer_ticks(const struct lapic *l, uint64_t now)
{
	return l->ticks_before + ((now - l->start_ns) >> l->shift);
}

static bool timer_periodic(const struct lapic *l)
{
	return (l->lvt[LVT_TIMER] & LVT_TIMER_MODE_MASK) == LVT_TIMER_PERIODIC;
}

static bool timer_one_shot(const struct lapic *l)
{
	return (l->lvt[LVT_TIMER] & LVT_TIMER_MODE_MASK) == 0;
}

/* Schedule the next expiry after elapsed ticks E; disarm if none comes. */
static void timer_schedule(struct lapic *l, uint64_t e)
{
	uint64_t n = l->initial_count, fire;

	if (n == 0 || (!timer_periodic(l) && !timer_one_shot(l)) ||
	    (timer_one_shot(l) && e >= n)) {
		l->timer_armed = false;
		return;
	}
	fire = timer_periodic(l) ? (e / n + 1) * n : n;
	l->next_fire_ns = l->start_ns + ((fire - l->ticks_before) << l->shift);
	l->timer_armed = true;
}

/* Restart the elapsed-tick count at NOW from E ticks (the divider may change). */
static void timer_rebase(struct lapic *l, uint64_t e, uint64_t now)
{
	l->ticks_before = e;
	l->start_ns = now;
}

static uint32_t timer_current_count(const struct lapic *l, uint64_t now)
{
	uint64_t n = l->initial_count, e;

	if (n == 0 || (!l->timer_armed && !timer_periodic(l)))
		return 0;
	e = timer_ticks(l, now);
	if (timer_periodic(l))
		return (uint32_t)(n - e % n);
	return e >= n ? 0 : (uint32_t)(n - e);
}

void lapic_advance(struct lapic *l, uint64_t now)
{
	if (!l->timer_armed || now < l->next_fire_ns)
		return;
	fire_lvt(l, LVT_TIMER);         /* several periods passed: one interrupt */
	timer_schedule(l, timer_ticks(l, now));
}

uint64_t lapic_next_deadline(const struct lapic *l, uint64_t now)
{
	(void)now;
	return l->timer_armed ? l->next_fire_ns : LAPIC_NO_DEADLINE;
}

static void write_initial_count(struct lapic *l, uint32_t val, uint64_t now)
{
	l->initial_count = val;
	timer_rebase(l, 0, now);
	timer_schedule(l, 0);
}

static void write_divide(struct lapic *l, uint32_t val, uint64_t now)
{
	unsigned code = (val & 3) | ((val >> 1) & 4);
	uint64_t e = timer_ticks(l, now);

	l->divide_config = val & 0xb;
	l->shift = (code + 1) & 7;
	timer_rebase(l, e, now);
	if (l->timer_armed)
		timer_schedule(l, e);
}

/*
 * The interrupt command register: only this CPU exists.
 */

static bool icr_reaches_self(const struct lapic *l)
{
	switch (ICR_SHORTHAND(l->icr_low)) {
	case SHORTHAND_SELF:
	case SHORTHAND_ALL:
		return true;
	case SHORTHAND_NONE:
		return lapic_is_destination(l, (uint8_t)(l->icr_high >> 24),
					    l->icr_low & ICR_DEST_LOGICAL);
	default:
		return false;           /* all excluding self: nobody */
	}
}

static void send_ipi(struct lapic *l)
{
	unsigned mode = LVT_DELIVERY_MODE(l->icr_low);
	uint8_t vector = (uint8_t)LVT_VECTOR(l->icr_low);

	if (mode != DELIVERY_FIXED && mode != DELIVERY_LOWEST)
		return;                 /* INIT, STARTUP, NMI, SMI: dropped */
	if (vector < FIRST_LEGAL_VECTOR) {
		report_error(l, ESR_SEND_ILLEGAL_VECTOR);
		return;
	}
	if (icr_reaches_self(l))
		lapic_accept(l, vector, l->icr_low & ICR_LEVEL_TRIGGER);
}

/* Software disable sets every LVT mask bit. */
static void write_svr(struct lapic *l, uint32_t val)
{
	l->svr = val & SVR_WRITABLE;
	if (!(l->svr & SVR_APIC_ENABLED))
		for (unsigned i = 0; i < LVT_COUNT; i++)
			l->lvt[i] |= LVT_MASKED;
}

static void write_lvt(struct lapic *l, enum lapic_lvt which, uint32_t val,
		      uint64_t now)
{
	uint64_t e = timer_ticks(l, now);
	bool was_armed = l->timer_armed;

	if (!(l->svr & SVR_APIC_ENABLED))
		val |= LVT_MASKED;      /* masks cannot be cleared while disabled */
	l->lvt[which] = (l->lvt[which] & ~lvt_writable[which]) |
			(val & lvt_writable[which]);
	if (which == LVT_TIMER && (was_armed || timer_periodic(l)))
		timer_schedule(l, e);   /* the timer mode may have changed */
}

static uint32_t read_map(const uint32_t *map, uint32_t offset, uint32_t base)
{
	return map[(offset - base) >> 4];
}

uint32_t lapic_read(struct lapic *l, uint32_t offset, uint64_t now)
{
	offset &= 0xff0;
	if (offset >= LAPIC_ISR && offset < LAPIC_ISR + 0x80)
		return read_map(l->isr, offset, LAPIC_ISR);
	if (offset >= LAPIC_TMR && offset < LAPIC_TMR + 0x80)
		return read_map(l->tmr, offset, LAPIC_TMR);
	if (offset >= LAPIC_IRR && offset < LAPIC_IRR + 0x80)
		return read_map(l->irr, offset, LAPIC_IRR);
	if (offset >= LAPIC_LVT_TIMER && offset <= LAPIC_LVT_ERROR)
		return l->lvt[(offset - LAPIC_LVT_TIMER) >> 4];
	switch (offset) {
	case LAPIC_ID:             return (uint32_t)l->id << 24;
	case LAPIC_VERSION:        return LAPIC_VERSION_VALUE;
	case LAPIC_TPR:            return l->tpr;
	case LAPIC_APR:            return 0;
	case LAPIC_PPR:            return processor_priority(l);
	case LAPIC_EOI:            return 0;
	case LAPIC_LDR:            return l->ldr;
	case LAPIC_DFR:            return l->dfr;
	case LAPIC_SVR:            return l->svr;
	case LAPIC_ESR:            return l->esr;
	case LAPIC_ICR_LOW:        return l->icr_low;
	case LAPIC_ICR_HIGH:       return l->icr_high;
	case LAPIC_TIMER_INITIAL:  return l->initial_count;
	case LAPIC_TIMER_CURRENT:  return timer_current_count(l, now);
	case LAPIC_TIMER_DIVIDE:   return l->divide_config;
	default:
		report_error(l, ESR_ILLEGAL_REGISTER);
		return 0;
	}
}

void lapic_write(struct lapic *l, uint32_t offset, uint32_t val, uint64_t now)
{
	offset &= 0xff0;
	if (offset >= LAPIC_LVT_TIMER && offset <= LAPIC_LVT_ERROR) {
		write_lvt(l, (enum lapic_lvt)((offset - LAPIC_LVT_TIMER) >> 4),
			  val, now);
		return;
	}
	if ((offset >= LAPIC_ISR && offset < LAPIC_IRR + 0x80) ||
	    offset == LAPIC_VERSION || offset == LAPIC_APR ||
	    offset == LAPIC_PPR || offset == LAPIC_TIMER_CURRENT)
		return;                 /* read-only */
	switch (offset) {
	case LAPIC_ID:             l->id = (uint8_t)(val >> 24); break;
	case LAPIC_TPR:            l->tpr = val & 0xff; break;
	case LAPIC_EOI:            end_of_interrupt(l); break;
	case LAPIC_LDR:            l->ldr = val & 0xff000000u; break;
	case LAPIC_DFR:            l->dfr = val | DFR_RESERVED_ONES; break;
	case LAPIC_SVR:            write_svr(l, val); break;
	case LAPIC_ESR:
		l->esr = l->esr_pending;        /* write, then read */
		l->esr_pending = 0;
		break;
	case LAPIC_ICR_LOW:
		l->icr_low = val & ICR_LOW_WRITABLE;
		send_ipi(l);
		break;
	case LAPIC_ICR_HIGH:       l->icr_high = val & 0xff000000u; break;
	case LAPIC_TIMER_INITIAL:  write_initial_count(l, val, now); break;
	case LAPIC_TIMER_DIVIDE:   write_divide(l, val, now); break;
	default:
		report_error(l, ESR_ILLEGAL_REGISTER);
		break;
	}
}
