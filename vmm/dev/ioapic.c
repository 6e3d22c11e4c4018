/*
 * ioapic.c - the I/O APIC: pins in, interrupt messages out.
 *
 * Problem: a guest that uses the APICs (xv6 does, Linux does) routes each
 * device interrupt through a redirection-table entry: vector, delivery mode,
 * destination, edge or level, masked or not.  A level-triggered interrupt
 * must be sent once and then wait (Remote IRR) until the local APIC's EOI
 * comes back; if the line is still asserted then, it is sent again.
 *
 * Approach: the registers of the 82093AA datasheet behind the IOREGSEL /
 * IOWIN window, plus QEMU's version 0x20 EOI register.  An input pin latches
 * a request in IRR (on a rising edge, or while a level is asserted); service()
 * turns unmasked requests into messages for the board to deliver.  As on
 * QEMU's I/O APIC (the reference), an edge that arrives while its pin is
 * masked stays latched and is delivered when the pin is unmasked; inputs are
 * active high whatever the polarity bit says (the board drives ISA lines
 * active high).  Only fixed and lowest-priority messages go anywhere: NMI,
 * SMI, INIT and ExtINT pins are not modelled.
 *
 *   version register: bits 23-16 = highest pin (23), bits 7-0 = 0x20
 */
#include "ioapic.h"

#define IOAPIC_VERSION_VALUE ((uint32_t)(IOAPIC_PINS - 1) << 16 | 0x20)
#define ID_SHIFT             24
#define ID_MASK              0x0fu
#define REDIR_READ_ONLY      (REDIR_DELIVERY_STATUS | REDIR_REMOTE_IRR)
#define REDIR_RESERVED       0x00fffffffffe0000ull

void ioapic_init(struct ioapic *io, uint8_t id)
{
	void (*deliver)(void *, const struct apic_message *) = io->deliver;
	void *ctx = io->deliver_ctx;

	*io = (struct ioapic){ .id = id, .deliver = deliver, .deliver_ctx = ctx };
	for (unsigned i = 0; i < IOAPIC_PINS; i++)
		io->redir[i] = REDIR_MASKED;
}

static void send(struct ioapic *io, uint64_t e)
{
	struct apic_message m = {
		.vector = REDIR_VECTOR(e), .dest = REDIR_DEST(e),
		.delivery_mode = REDIR_DELIVERY_MODE(e),
		.logical = (e & REDIR_DEST_LOGICAL) != 0,
		.level = (e & REDIR_LEVEL_TRIGGER) != 0,
	};

	if (io->deliver)
		io->deliver(io->deliver_ctx, &m);
}

/* Send every unmasked request that may go: edges once, levels once per EOI. */
static void service(struct ioapic *io)
{
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t *e = &io->redir[pin];

		if (!(io->irr & (1u << pin)) || (*e & REDIR_MASKED))
			continue;
		if (*e & REDIR_LEVEL_TRIGGER) {
			if (*e & REDIR_REMOTE_IRR)
				continue;
			*e |= REDIR_REMOTE_IRR;
		} else {
			io->irr &= ~(1u << pin);
		}
		send(io, *e);
	}
}

void ioapic_set_irq(struct ioapic *io, unsigned pin, bool level)
{
	uint32_t bit;
	bool was;

	if (pin >= IOAPIC_PINS)
		return;
	bit = 1u << pin;
	was = (io->level_in & bit) != 0;
	io->level_in = level ? io->level_in | bit : io->level_in & ~bit;
	if (io->redir[pin] & REDIR_LEVEL_TRIGGER)
		io->irr = level ? io->irr | bit : io->irr & ~bit;
	else if (level && !was && !(io->redir[pin] & REDIR_MASKED))
		io->irr |= bit;         /* an edge on a masked pin is lost */
	service(io);
}

void ioapic_eoi(struct ioapic *io, uint8_t vector)
{
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t *e = &io->redir[pin];

		if ((*e & REDIR_LEVEL_TRIGGER) && REDIR_VECTOR(*e) == vector)
			*e &= ~REDIR_REMOTE_IRR;
	}
	service(io);
}

static uint32_t read_register(const struct ioapic *io, uint8_t index)
{
	unsigned pin = (index - IOAPIC_REG_REDTBL) / 2;

	switch (index) {
	case IOAPIC_REG_ID:      return (uint32_t)io->id << ID_SHIFT;
	case IOAPIC_REG_VERSION: return IOAPIC_VERSION_VALUE;
	case IOAPIC_REG_ARB:     return 0;
	default:
		if (index < IOAPIC_REG_REDTBL || pin >= IOAPIC_PINS)
			return 0xffffffffu;
		return (uint32_t)(io->redir[pin] >> (index & 1 ? 32 : 0));
	}
}

/* A write to pin's entry keeps the read-only bits; a level pin may re-send. */
static void write_redir(struct ioapic *io, unsigned pin, bool high, uint32_t val)
{
	uint64_t *e = &io->redir[pin];
	uint64_t keep = high ? 0x00000000ffffffffull : 0xffffffff00000000ull;
	uint64_t v = (uint64_t)val << (high ? 32 : 0);

	keep |= REDIR_READ_ONLY;
	*e = (*e & keep) | (v & ~keep & ~REDIR_RESERVED);
	if (!(*e & REDIR_LEVEL_TRIGGER))
		*e &= ~REDIR_REMOTE_IRR;
	else if (io->level_in & (1u << pin))
		io->irr |= 1u << pin;   /* a level pin shows its line */
	service(io);
}

static void write_register(struct ioapic *io, uint8_t index, uint32_t val)
{
	unsigned pin = (index - IOAPIC_REG_REDTBL) / 2;

	if (index == IOAPIC_REG_ID)
		io->id = (uint8_t)((val >> ID_SHIFT) & ID_MASK);
	else if (index >= IOAPIC_REG_REDTBL && pin < IOAPIC_PINS)
		write_redir(io, pin, index & 1, val);
}

uint32_t ioapic_read(struct ioapic *io, uint32_t offset, unsigned size)
{
	if (offset == IOAPIC_REGSEL)
		return io->regsel;
	if (offset == IOAPIC_WINDOW && size == 4)
		return read_register(io, io->regsel);
	return 0;
}

void ioapic_write(struct ioapic *io, uint32_t offset, unsigned size, uint32_t val)
{
	if (offset == IOAPIC_REGSEL)
		io->regsel = (uint8_t)val;
	else if (offset == IOAPIC_WINDOW && size == 4)
		write_register(io, io->regsel, val);
	else if (offset == IOAPIC_EOI)
		ioapic_eoi(io, (uint8_t)val);
}
