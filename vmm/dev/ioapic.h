/*
 * ioapic.h - the I/O APIC at 0xfec00000: 24 interrupt pins, routed to local APICs.
 *
 * The guest selects a register by writing its index to IOREGSEL (offset
 * 0x00) and reads or writes it through IOWIN (offset 0x10); writing a vector
 * to the EOI register (offset 0x40, version 0x20) ends a level-triggered
 * interrupt as a local APIC's EOI broadcast does.
 */
#ifndef VMM_DEV_IOAPIC_H
#define VMM_DEV_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define IOAPIC_BASE     0xfec00000u
#define IOAPIC_SIZE     0x1000u
#define IOAPIC_PINS     24
#define IOAPIC_REGSEL   0x00
#define IOAPIC_WINDOW   0x10
#define IOAPIC_EOI      0x40

/* Indirect registers. */
#define IOAPIC_REG_ID       0x00
#define IOAPIC_REG_VERSION  0x01
#define IOAPIC_REG_ARB      0x02
#define IOAPIC_REG_REDTBL   0x10    /* pin n: low dword 0x10+2n, high 0x11+2n */

/*
 * Redirection table entry
 *   63     56 55      17  16  15  14  13  12  11  10   8 7        0
 *  +---------+----------+---+---+---+---+---+---+------+----------+
 *  |  dest   | reserved | M |TM |RIR|POL|DS |DM | mode |  vector  |
 *  +---------+----------+---+---+---+---+---+---+------+----------+
 */
#define REDIR_VECTOR(e)        ((uint8_t)((e) & 0xff))
#define REDIR_DELIVERY_MODE(e) ((unsigned)((e) >> 8) & 7u)
#define REDIR_DEST_LOGICAL     (1ull << 11)
#define REDIR_DELIVERY_STATUS  (1ull << 12)
#define REDIR_REMOTE_IRR       (1ull << 14)
#define REDIR_LEVEL_TRIGGER    (1ull << 15)
#define REDIR_MASKED           (1ull << 16)
#define REDIR_DEST(e)          ((uint8_t)((e) >> 56))

/* An interrupt message on its way to the local APICs. */
struct apic_message {
	uint8_t vector, dest;
	unsigned delivery_mode;
	bool logical, level;
};

struct ioapic {
	uint8_t id;
	uint8_t regsel;
	uint64_t redir[IOAPIC_PINS];
	uint32_t level_in;              /* input pins as they are now */
	uint32_t irr;                   /* requests not yet delivered */
	void (*deliver)(void *ctx, const struct apic_message *m);
	void *deliver_ctx;
};

/* Power-on state: every pin masked, edge, vector 0; APIC ID ID. */
void ioapic_init(struct ioapic *io, uint8_t id);

/* A guest read of SIZE bytes at OFFSET in the I/O APIC page. */
uint32_t ioapic_read(struct ioapic *io, uint32_t offset, unsigned size);

/* A guest write of SIZE bytes VAL at OFFSET. */
void ioapic_write(struct ioapic *io, uint32_t offset, unsigned size, uint32_t val);

/* Input PIN goes to LEVEL (active high). */
void ioapic_set_irq(struct ioapic *io, unsigned pin, bool level);

/* A local APIC EOIed level-triggered VECTOR. */
void ioapic_eoi(struct ioapic *io, uint8_t vector);

#endif
