/*
 * ioapic.c - the I/O APIC: where device interrupt lines go in APIC mode.
 *
 * In APIC mode the ISA interrupt lines do not reach the CPU through the
 * 8259s (which the kernel masks) but through the I/O APIC: each of its
 * input pins has a 64-bit redirection entry that says which vector to
 * send, to which local APIC, and whether the pin is masked.  The registers
 * are indirect: write a register's index to IOREGSEL, then read or write
 * it through IOWIN.  The kernel masks every pin, then unmasks those it has
 * drivers for.
 *
 * ISA line n arrives on pin n - except line 0, the PIT, which a PC wires to
 * pin 2 (the MP table's interrupt entries say so).  The kernel never routes
 * line 0 (its tick comes from the local APIC timer), so it takes pin = line,
 * as xv6 does, and does not read the interrupt entries.
 */
#include "ioapic.h"

#include "kernel.h"
#include "klib.h"

#define IOAPIC_REGSEL 0x00 /* byte offsets in the register page */
#define IOAPIC_WINDOW 0x10

#define IOAPIC_REG_ID 0x00      /* bits 27-24: the APIC ID */
#define IOAPIC_REG_VERSION 0x01 /* bits 23-16: the number of pins - 1 */
#define IOAPIC_REG_REDTBL 0x10  /* pin n: low half 0x10 + 2n, high 0x11 + 2n */
#define IOAPIC_VERSION_MAXPIN_SHIFT 16
#define IOAPIC_ID_SHIFT 24

/*
 * A redirection entry:
 *
 *   63      56 55     17   16    15   14   13   12  11   10-8   7       0
 *  +----------+--------+------+----+----+----+----+----+------+---------+
 *  |   dest   |reserved| MASK | TM |RIRR| POL| DS | DM | mode |  vector |
 *  +----------+--------+------+----+----+----+----+----+------+---------+
 *  TM 0: edge, 1: level.  POL 0: active high.  DM 0: dest is an APIC ID.
 *  mode 000: fixed.  The low half is bits 31-0, the high half 63-32.
 */
#define REDIR_MASKED 0x00010000u
#define REDIR_EDGE_HIGH_FIXED 0x00000000u
#define REDIR_DEST_SHIFT 24 /* in the high half */

static volatile uint32_t *ioapic;

/* Return indirect register `reg`. */
static uint32_t ioapic_read(uint32_t reg)
{
    ioapic[IOAPIC_REGSEL / 4] = reg;
    return ioapic[IOAPIC_WINDOW / 4];
}

/* Set indirect register `reg` to `v`. */
static void ioapic_write(uint32_t reg, uint32_t v)
{
    ioapic[IOAPIC_REGSEL / 4] = reg;
    ioapic[IOAPIC_WINDOW / 4] = v;
}

/* Set pin `pin`'s redirection entry to `hi`:`lo` (the mask bit is in lo,
 * written last when unmasking, first when masking). */
static void set_redirection(uint32_t pin, uint32_t lo, uint32_t hi)
{
    ioapic_write(IOAPIC_REG_REDTBL + 2 * pin, lo | REDIR_MASKED);
    ioapic_write(IOAPIC_REG_REDTBL + 2 * pin + 1, hi);
    ioapic_write(IOAPIC_REG_REDTBL + 2 * pin, lo);
}

void ioapic_init(physaddr_t pa, uint8_t id)
{
    ioapic = (volatile uint32_t *)pa; /* vm_map_mmio maps it at pa */
    uint32_t got = (ioapic_read(IOAPIC_REG_ID) >> IOAPIC_ID_SHIFT) & 0xF;
    if (got != (id & 0xFu))
        panic("ioapic_init", "the I/O APIC's ID is not the MP table's");
    uint32_t pins = ((ioapic_read(IOAPIC_REG_VERSION) >> IOAPIC_VERSION_MAXPIN_SHIFT) & 0xFF) + 1;
    for (uint32_t pin = 0; pin < pins; pin++)
        set_redirection(pin, REDIR_MASKED | (PIC_VECTOR_BASE + pin), 0);
}

void ioapic_route(uint32_t irq, uint32_t vector, uint8_t dest)
{
    set_redirection(irq, REDIR_EDGE_HIGH_FIXED | vector,
                    (uint32_t)dest << REDIR_DEST_SHIFT);
}
