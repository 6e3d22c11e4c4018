/*
 * devices.h - the virtual PC: its devices, and the seams to the monitor.
 *
 * The board (devices.c) owns one of each device model, claims their ports
 * and MMIO ranges on the bus (bus.h), wires their interrupt lines, and
 * answers the monitor's three questions: what does the guest see at this
 * port or address, when must time next be advanced, and which interrupt
 * does the CPU take.  Every model is pure: no real hardware, no real time;
 * the same sources build into the monitor and into host unit tests.
 *
 * THE MONITOR'S PROTOCOL
 *
 *  1. Start-up.  devices_init() (monitor only, machine.c) builds the board
 *     with the real machine's backends: COM1 for the console, the primary
 *     IDE channel's disks, the CMOS clock's date.  The guest finds the
 *     devices as SeaBIOS leaves them on QEMU's PC (devices.c lists what).
 *     The MP tables are not the board's: guest_boot writes them into guest
 *     RAM with mptable.h.  Tests call devices_setup() with their own.
 *
 *  2. Virtual time.  The devices read "now" (nanoseconds, never decreasing)
 *     from the clock installed with devices_set_clock(); until one is
 *     installed time stands still at 0.  After every exit that touched a
 *     device, and after every devices_advance(), the monitor asks
 *     devices_next_deadline(now) and programs its real timer for it
 *     (DEVICES_NO_DEADLINE: nothing is due).  When the timer fires, or at
 *     any other moment (it is cheap), it calls devices_advance(now): every
 *     timer that ran out raises its interrupt, and the console takes in the
 *     bytes the user typed - so call it now and then even with no deadline
 *     (the UART only sees input on advance and on guest reads of its LSR,
 *     IIR or RBR).
 *
 *  3. Port and MMIO exits.  `in`/`out` go to bus_port_read/bus_port_write;
 *     a shadow fault on a guest-physical address that is not RAM goes to
 *     bus_mmio_read/bus_mmio_write (LAPIC 0xfee00000, I/O APIC 0xfec00000,
 *     CGA 0xb8000-0xbffff; elsewhere reads 0 and writes vanish).
 *
 *  4. Interrupts.  Before resuming the guest:
 *
 *        v = devices_pending_vector();      -1: nothing wants the CPU
 *        if (v >= 0 && guest IF = 1 && no interrupt shadow) {
 *                v = devices_ack();         the INTA cycle / IRR -> ISR
 *                deliver vector v through the guest IDT;
 *        }
 *
 *     devices_pending_vector() changes nothing and may be asked any number
 *     of times; devices_ack() commits, and its return value is the vector to
 *     deliver (it can be a spurious vector: PIC IRQ 7/15, or the APIC's
 *     spurious vector, if the request went away in between).  The order is
 *     QEMU's: an 8259 request that the local APIC passes through (LINT0
 *     unmasked in ExtINT mode) comes first, then the local APIC's highest
 *     IRR above its processor priority.  The guest's EOIs (PIC port
 *     writes, LAPIC EOI register) are ordinary device writes.
 *
 *  5. Interrupt lines.  A device drives ISA IRQ n; the board sends it to
 *     8259 input n (IRQ 2 is the cascade) and to I/O APIC pin n, except IRQ
 *     0, which goes to pin 2 as on QEMU's PC (the MP table says so).
 */
#ifndef VMM_DEVICES_H
#define VMM_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "cga.h"
#include "ide.h"
#include "ioapic.h"
#include "lapic.h"
#include "pci.h"
#include "pic.h"
#include "pit.h"
#include "ps2.h"
#include "rtc.h"
#include "uart.h"

#define DEVICES_NO_DEADLINE UINT64_MAX

/* The clock seam: virtual time in nanoseconds. */
struct dev_clock {
	uint64_t (*now_ns)(void *ctx);
	void *ctx;
};

/* What the board is built from: the backends of its devices. */
struct devices_config {
	uint64_t ram_bytes;             /* for the CMOS memory-size bytes */
	struct rtc_time start_time;     /* the RTC's date and time at start */
	struct uart_backend com1;       /* the guest console's bytes */
	struct ide_backend disk[2];     /* primary master, slave; sectors 0: absent */
};

/* The board: one of each device. */
struct pc {
	struct dev_clock clock;
	struct pic_pair pic;
	struct pit pit;
	struct lapic lapic;
	struct ioapic ioapic;
	struct uart com1;
	struct rtc rtc;
	struct ide_channel ide;
	struct cga cga;
	struct ps2 ps2;
	struct pci_config pci;
};

/* Monitor start-up: the board on the real machine's backends, plus the exit port. */
void devices_init(void);

/* Build the board from CFG with clock CLOCK and claim its ports and MMIO. */
void devices_setup(const struct devices_config *cfg, struct dev_clock clock);

/* Install the clock the devices read time from. */
void devices_set_clock(struct dev_clock clock);

/* The board itself (for inspection: tests, the exit report). */
struct pc *devices_board(void);

/* Let virtual time pass until NOW: due timers interrupt, typed input arrives. */
void devices_advance(uint64_t now);

/*
 * The earliest instant at which a device needs devices_advance(), or
 * DEVICES_NO_DEADLINE.  At or before NOW means: advance at once.
 */
uint64_t devices_next_deadline(uint64_t now);

/* The vector the CPU would take now if it could, or -1.  Changes nothing. */
int devices_pending_vector(void);

/* The CPU takes the interrupt: acknowledge it; returns the vector, or -1. */
int devices_ack(void);

/* Drive ISA interrupt line IRQ (0-15) to LEVEL (to the PICs and the I/O APIC). */
void devices_irq_set_level(unsigned irq, bool level);

void exitport_init(void);

#endif
