/*
 * machine_pic.c - the real 8259A PICs of the machine the monitor runs on.
 *
 * The BIOS leaves the master PIC on vectors 8-15, on top of the CPU's
 * exceptions, with the timer running.  The guest kernel runs with the real
 * IF equal to its virtual IF, so a real timer tick could arrive while it
 * runs and look like a #DF.  The monitor moves both PICs to vectors
 * IRQ_BASE.. and masks every line: the guest's interrupts are virtual, made
 * by the monitor's device models, never the machine's.
 */
#include "machine_pic.h"

#include "trap.h"
#include "x86.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1
#define ICW1_INIT_ICW4 0x11     /* edge, cascade, ICW4 follows */
#define ICW3_SLAVE_ON_IRQ2 0x04
#define ICW3_SLAVE_ID 0x02
#define ICW4_8086 0x01
#define MASK_ALL 0xff

void machine_pic_init(void)
{
	outb(PIC1_CMD, ICW1_INIT_ICW4);
	outb(PIC2_CMD, ICW1_INIT_ICW4);
	outb(PIC1_DATA, IRQ_BASE);
	outb(PIC2_DATA, IRQ_BASE + 8);
	outb(PIC1_DATA, ICW3_SLAVE_ON_IRQ2);
	outb(PIC2_DATA, ICW3_SLAVE_ID);
	outb(PIC1_DATA, ICW4_8086);
	outb(PIC2_DATA, ICW4_8086);
	outb(PIC1_DATA, MASK_ALL);
	outb(PIC2_DATA, MASK_ALL);
}
