/*
 * pic.c - the 8259A programmable interrupt controller pair, as on a PC.
 *
 * Problem: a guest kernel programs the PICs with the four initialization
 * words, masks lines in the IMR, ends interrupts with specific and
 * non-specific EOIs, reads IRR and ISR, and must see IR7/IR15 when a request
 * vanishes before the CPU acknowledges it.  The monitor, for its part, needs
 * to ask "does the pair want the CPU, with which vector" and to perform the
 * INTA cycle when it delivers.
 *
 * Approach: one struct per chip holding exactly the datasheet's registers
 * (IRR, ISR, IMR, the priority rotation, the mode bits of ICW4/OCW3) and the
 * current level of each input.  The INT output is never stored: it is
 * computed from the registers when asked, the way the chip's priority
 * resolver does it, so it can never go stale.  The slave's INT drives the
 * master's IR2.  Behaviour follows the 8259A datasheet and, where the
 * datasheet leaves room, QEMU's i8259 (the reference the differential tests
 * use): an edge-triggered request stays in IRR once latched, even if the line
 * drops before INTA.
 *
 *   ICW1 (port 0x20/0xa0, bit 4 = 1)       OCW2 (bits 4-3 = 00)
 *    7   5   4    3    2   1    0           7   6   5    4  3  2  1  0
 *   +-------+---+----+---+----+---+        +---+---+---+-----+-------+
 *   |   0   | 1 |LTIM| 0 |SNGL|IC4|        | R |SL |EOI| 0 0 | L2-L0 |
 *   +-------+---+----+---+----+---+        +---+---+---+-----+-------+
 *   OCW3 (bits 4-3 = 01)                   ICW4
 *    7   6    5   4 3  2   1   0            7 5   4     3   2    1    0
 *   +---+----+---+---+---+---+---+         +---+-----+-----+---+----+---+
 *   | 0 |ESMM|SMM|0 1| P |RR |RIS|         | 0 |SFNM | BUF |M/S|AEOI|uPM|
 *   +---+----+---+---+---+---+---+         +---+-----+-----+---+----+---+
 */
#include "pic.h"

#define ICW1_IC4       (1u << 0)
#define ICW1_SNGL      (1u << 1)
#define ICW1_LTIM      (1u << 3)
#define ICW1_MARK      (1u << 4)        /* a write to the command port with this bit is ICW1 */
#define ICW4_AEOI      (1u << 1)
#define ICW4_SFNM      (1u << 4)
#define OCW3_MARK      (1u << 3)        /* with bit 4 clear: OCW3, else OCW2 */
#define OCW3_RIS       (1u << 0)
#define OCW3_RR        (1u << 1)
#define OCW3_POLL      (1u << 2)
#define OCW3_SMM       (1u << 5)
#define OCW3_ESMM      (1u << 6)
#define OCW2_LEVEL(v)  ((v) & 7u)
#define OCW2_CMD(v)    ((v) >> 5)       /* R, SL, EOI */
#define POLL_REQUEST   0x80             /* the poll word: request, level in bits 2-0 */
#define NO_PRIORITY    8

enum ocw2_command {                     /* R SL EOI */
	OCW2_ROTATE_AEOI_CLEAR = 0,     /* 0 0 0 */
	OCW2_NONSPECIFIC_EOI = 1,       /* 0 0 1 */
	OCW2_NOP = 2,                   /* 0 1 0 */
	OCW2_SPECIFIC_EOI = 3,          /* 0 1 1 */
	OCW2_ROTATE_AEOI_SET = 4,       /* 1 0 0 */
	OCW2_ROTATE_NONSPECIFIC_EOI = 5,/* 1 0 1 */
	OCW2_SET_PRIORITY = 6,          /* 1 1 0 */
	OCW2_ROTATE_SPECIFIC_EOI = 7,   /* 1 1 1 */
};

/* Which lines are level-triggered right now (ELCR, or all with LTIM). */
static uint8_t level_lines(const struct pic8259 *c)
{
	return c->level_triggered_all ? 0xff : c->elcr;
}

/*
 * Priority of the highest-priority bit in MASK: 0 is highest, counted from
 * the IR that currently has top priority; NO_PRIORITY if MASK is empty.
 */
static unsigned priority_of(const struct pic8259 *c, uint8_t mask)
{
	for (unsigned prio = 0; prio < 8; prio++)
		if (mask & (1u << ((prio + c->lowest_priority_add) & 7)))
			return prio;
	return NO_PRIORITY;
}

static unsigned ir_of_priority(const struct pic8259 *c, unsigned prio)
{
	return (prio + c->lowest_priority_add) & 7;
}

/*
 * The priority resolver: the IR this chip would interrupt for, or -1.  A
 * request wins if it is unmasked and of higher priority than everything in
 * service (in special mask mode, masked in-service levels do not count; in
 * special fully nested mode the master lets the slave interrupt a slave
 * request already in service).
 */
static int chip_requested_ir(const struct pic8259 *c)
{
	uint8_t in_service = c->isr;
	unsigned want = priority_of(c, c->irr & ~c->imr);

	if (want == NO_PRIORITY)
		return -1;
	if (c->special_mask)
		in_service &= ~c->imr;
	if (c->special_fully_nested && c->is_master)
		in_service &= ~(1u << PIC_CASCADE_IRQ);
	if (want >= priority_of(c, in_service))
		return -1;
	return (int)ir_of_priority(c, want);
}

/* Input IR of chip C goes to LEVEL: latch an edge, or follow a level. */
static void chip_set_input(struct pic8259 *c, unsigned ir, bool level)
{
	uint8_t bit = (uint8_t)(1u << ir);
	bool was = (c->level_in & bit) != 0;

	if (level)
		c->level_in |= bit;
	else
		c->level_in &= ~bit;
	if (level_lines(c) & bit)
		c->irr = level ? (c->irr | bit) : (c->irr & ~bit);
	else if (level && !was)
		c->irr |= bit;
}

/*
 * The slave's INT drives the master's IR2.  FRESH_EDGE: the slave just
 * dropped INT for an INTA cycle, so a request it still holds is a new edge.
 */
static void cascade_update(struct pic_pair *p, bool fresh_edge)
{
	bool slave_int = chip_requested_ir(&p->slave) >= 0;

	if (fresh_edge)
		chip_set_input(&p->master, PIC_CASCADE_IRQ, false);
	chip_set_input(&p->master, PIC_CASCADE_IRQ, slave_int);
}

/* ICW1's reset, as the datasheet lists it. */
static void chip_reset(struct pic8259 *c)
{
	c->irr &= level_lines(c) & c->level_in;
	c->isr = 0;
	c->imr = 0;
	c->lowest_priority_add = 0;
	c->vector_base = 0;
	c->auto_eoi = c->rotate_on_auto_eoi = c->special_fully_nested = false;
	c->special_mask = c->read_isr = c->poll = false;
	c->init_step = 0;
}

void pic_init(struct pic_pair *p)
{
	*p = (struct pic_pair){0};
	p->master.is_master = true;
	p->master.elcr_mask = 0xf8;     /* IRQ 0-2 are edge-only on a PC */
	p->slave.elcr_mask = 0xde;      /* IRQ 8 and 13 are edge-only */
	chip_reset(&p->master);
	chip_reset(&p->slave);
}

void pic_set_irq(struct pic_pair *p, unsigned line, bool level)
{
	if (line < 8) {
		chip_set_input(&p->master, line, level);
	} else if (line < 16) {
		chip_set_input(&p->slave, line - 8, level);
		cascade_update(p, false);
	}
}

bool pic_int_output(const struct pic_pair *p)
{
	return chip_requested_ir(&p->master) >= 0;
}

int pic_pending_vector(const struct pic_pair *p)
{
	int ir = chip_requested_ir(&p->master), slave_ir;

	if (ir < 0)
		return -1;
	if (ir != PIC_CASCADE_IRQ)
		return p->master.vector_base + ir;
	slave_ir = chip_requested_ir(&p->slave);
	return p->slave.vector_base + (slave_ir < 0 ? 7 : slave_ir);
}

/* The chip's part of INTA for IR: ISR (or auto-EOI), and an edge leaves IRR. */
static void chip_acknowledge(struct pic8259 *c, unsigned ir)
{
	uint8_t bit = (uint8_t)(1u << ir);

	if (c->auto_eoi) {
		if (c->rotate_on_auto_eoi)
			c->lowest_priority_add = (uint8_t)((ir + 1) & 7);
	} else {
		c->isr |= bit;
	}
	if (!(level_lines(c) & bit))
		c->irr &= ~bit;
}

int pic_acknowledge(struct pic_pair *p)
{
	int ir = chip_requested_ir(&p->master), slave_ir;
	int vector;

	if (ir < 0)
		return p->master.vector_base + 7;       /* spurious IRQ 7 */
	if (ir == PIC_CASCADE_IRQ) {
		slave_ir = chip_requested_ir(&p->slave);
		if (slave_ir >= 0)
			chip_acknowledge(&p->slave, (unsigned)slave_ir);
		vector = p->slave.vector_base + (slave_ir < 0 ? 7 : slave_ir);
	} else {
		vector = p->master.vector_base + ir;
	}
	chip_acknowledge(&p->master, (unsigned)ir);
	if (ir == PIC_CASCADE_IRQ)
		cascade_update(p, true);
	return vector;
}

/* ICW1: start the initialization sequence. */
static void write_icw1(struct pic8259 *c, uint8_t val)
{
	c->level_triggered_all = (val & ICW1_LTIM) != 0;
	chip_reset(c);
	c->icw4_needed = (val & ICW1_IC4) != 0;
	c->single = (val & ICW1_SNGL) != 0;
	c->init_step = 1;
}

/* OCW2: end of interrupt and priority rotation. */
static void write_ocw2(struct pic8259 *c, uint8_t val)
{
	unsigned prio, ir = OCW2_LEVEL(val);

	switch (OCW2_CMD(val)) {
	case OCW2_ROTATE_AEOI_CLEAR: c->rotate_on_auto_eoi = false; break;
	case OCW2_ROTATE_AEOI_SET:   c->rotate_on_auto_eoi = true; break;
	case OCW2_NONSPECIFIC_EOI:
	case OCW2_ROTATE_NONSPECIFIC_EOI:
		prio = priority_of(c, c->isr);
		if (prio == NO_PRIORITY)
			break;
		ir = ir_of_priority(c, prio);
		c->isr &= (uint8_t)~(1u << ir);
		if (OCW2_CMD(val) == OCW2_ROTATE_NONSPECIFIC_EOI)
			c->lowest_priority_add = (uint8_t)((ir + 1) & 7);
		break;
	case OCW2_SPECIFIC_EOI:
		c->isr &= (uint8_t)~(1u << ir);
		break;
	case OCW2_ROTATE_SPECIFIC_EOI:
		c->isr &= (uint8_t)~(1u << ir);
		c->lowest_priority_add = (uint8_t)((ir + 1) & 7);
		break;
	case OCW2_SET_PRIORITY:
		c->lowest_priority_add = (uint8_t)((ir + 1) & 7);
		break;
	default:
		break;                  /* OCW2_NOP */
	}
}

/* OCW3: what a read returns, poll, special mask mode. */
static void write_ocw3(struct pic8259 *c, uint8_t val)
{
	if (val & OCW3_POLL)
		c->poll = true;
	if (val & OCW3_RR)
		c->read_isr = (val & OCW3_RIS) != 0;
	if (val & OCW3_ESMM)
		c->special_mask = (val & OCW3_SMM) != 0;
}

/* A byte to the data port: the next ICW, or the IMR (OCW1). */
static void write_data(struct pic8259 *c, uint8_t val)
{
	switch (c->init_step) {
	case 1:                         /* ICW2: the vector base */
		c->vector_base = val & 0xf8;
		c->init_step = !c->single ? 2 : c->icw4_needed ? 3 : 0;
		break;
	case 2:                         /* ICW3: the cascade wiring is fixed */
		c->init_step = c->icw4_needed ? 3 : 0;
		break;
	case 3:                         /* ICW4 */
		c->auto_eoi = (val & ICW4_AEOI) != 0;
		c->special_fully_nested = (val & ICW4_SFNM) != 0;
		c->init_step = 0;
		break;
	default:                        /* OCW1 */
		c->imr = val;
		break;
	}
}

/* Poll mode: the read is an acknowledge that returns a status word. */
static uint8_t poll_read(struct pic_pair *p, struct pic8259 *c)
{
	int ir = chip_requested_ir(c);

	c->poll = false;
	if (ir < 0)
		return 0;
	chip_acknowledge(c, (unsigned)ir);
	cascade_update(p, c == &p->slave);
	return (uint8_t)(POLL_REQUEST | ir);
}

static struct pic8259 *chip_of(struct pic_pair *p, uint16_t port)
{
	return (port == PIC_MASTER_CMD || port == PIC_MASTER_DATA ||
		port == PIC_ELCR_MASTER) ? &p->master : &p->slave;
}

uint8_t pic_read(struct pic_pair *p, uint16_t port)
{
	struct pic8259 *c = chip_of(p, port);

	if (port == PIC_ELCR_MASTER || port == PIC_ELCR_SLAVE)
		return c->elcr;
	if (c->poll)
		return poll_read(p, c);
	if (port == PIC_MASTER_CMD || port == PIC_SLAVE_CMD)
		return c->read_isr ? c->isr : c->irr;
	return c->imr;
}

/* After ELCR changes, a line that became level-triggered shows its level. */
static void write_elcr(struct pic8259 *c, uint8_t val)
{
	c->elcr = val & c->elcr_mask;
	c->irr = (uint8_t)((c->irr & ~level_lines(c)) |
			   (c->level_in & level_lines(c)));
}

void pic_write(struct pic_pair *p, uint16_t port, uint8_t val)
{
	struct pic8259 *c = chip_of(p, port);

	if (port == PIC_ELCR_MASTER || port == PIC_ELCR_SLAVE)
		write_elcr(c, val);
	else if (port == PIC_MASTER_DATA || port == PIC_SLAVE_DATA)
		write_data(c, val);
	else if (val & ICW1_MARK)
		write_icw1(c, val);
	else if (val & OCW3_MARK)
		write_ocw3(c, val);
	else
		write_ocw2(c, val);
	if (c == &p->slave)
		cascade_update(p, false);
}
