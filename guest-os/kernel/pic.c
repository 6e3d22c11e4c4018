/*
 * pic.c - the two 8259A programmable interrupt controllers.
 *
 * A PC routes its 16 legacy device interrupt lines (IRQ 0-15) through two
 * cascaded 8259As.  The BIOS leaves them programmed to deliver IRQ 0-7 on
 * vectors 8-15 - the same vectors as CPU exceptions such as #DF and #GP - and
 * leaves some lines (the timer, IRQ 0) unmasked.  Until the kernel has
 * drivers for those devices, an interrupt from one would arrive as a bogus
 * exception at a time that depends on the host's clock.  So the kernel masks
 * every line: each controller's interrupt mask register (written as the
 * controller's "OCW1" on its data port) gets a 1 bit per line, and the
 * controllers then deliver nothing, whatever EFLAGS.IF says.
 */
#include "kernel.h"
#include "x86.h"

#define PIC_MASTER_DATA 0x21 /* IMR of the master: IRQ 0-7 */
#define PIC_SLAVE_DATA 0xA1  /* IMR of the slave: IRQ 8-15 */

/*
 * OCW1, the interrupt mask register:
 *
 *     7    6    5    4    3    2    1    0
 *  +----+----+----+----+----+----+----+----+
 *  | M7 | M6 | M5 | M4 | M3 | M2 | M1 | M0 |   Mn = 1: line n masked
 *  +----+----+----+----+----+----+----+----+
 */
#define PIC_MASK_ALL_LINES 0xFFu

/* Mask all 16 IRQ lines on both controllers. */
void pic_mask_all(void)
{
    outb(PIC_MASTER_DATA, PIC_MASK_ALL_LINES);
    outb(PIC_SLAVE_DATA, PIC_MASK_ALL_LINES);
}
