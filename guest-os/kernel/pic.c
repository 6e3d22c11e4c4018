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
 *
 * A kernel with drivers (the OS kernel) instead re-programs both controllers
 * with the four initialization words ICW1-ICW4, moving IRQ 0-15 to vectors
 * 32-47 past the exceptions, then unmasks the lines it handles.  Each
 * interrupt must be acknowledged with an end-of-interrupt command (OCW2)
 * before the controller delivers another of the same or lower priority.
 */
#include "kernel.h"
#include "x86.h"

#define PIC_MASTER_CMD 0x20  /* ICW1, OCW2, OCW3; reads IRR or ISR */
#define PIC_MASTER_DATA 0x21 /* IMR of the master: IRQ 0-7; ICW2-4 */
#define PIC_SLAVE_CMD 0xA0
#define PIC_SLAVE_DATA 0xA1  /* IMR of the slave: IRQ 8-15 */

#define PIC_CASCADE_IRQ 2 /* the master line the slave is wired to */
#define PIC_SLAVE_FIRST_IRQ 8

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

/*
 * ICW1, written to the command port, starts initialization:
 *
 *     7   6   5    4      3      2      1      0
 *  +---+---+---+------+------+------+------+-----+
 *  | 0 | 0 | 0 | INIT | LTIM | ADI  | SNGL | IC4 |
 *  +---+---+---+------+------+------+------+-----+
 *  LTIM 0: edge triggered; SNGL 0: cascaded; IC4 1: an ICW4 follows.
 * ICW2 (data port): the vector of line 0 (multiple of 8).
 * ICW3 (data port): master: a 1 bit per line with a slave on it; slave:
 *   the number of the master line it hangs on.
 * ICW4 (data port): bit 0, uPM = 1: 8086 mode (vectors, not 8080 calls).
 */
#define ICW1_INIT 0x10u
#define ICW1_IC4 0x01u
#define ICW4_8086 0x01u

/*
 * OCW2 and OCW3, written to the command port (bit 3 tells them apart):
 *
 *   OCW2:   7    6    5    4   3   2   1   0     OCW3:  bit 3 = 1,
 *        +----+----+-----+---+---+----------+          bits 1:0 = 11:
 *        | R  | SL | EOI | 0 | 0 | level    |          the next read of the
 *        +----+----+-----+---+---+----------+          command port gives ISR
 *   EOI alone (0x20): "the interrupt being serviced is done".
 */
#define OCW2_EOI 0x20u
#define OCW3_READ_ISR 0x0Bu
#define ISR_LINE_7 0x80u /* a spurious interrupt arrives as line 7 */

/* Initialize one controller (`cmd`, `data` ports) to put line 0 at `vector`,
 * with `icw3` as its cascade word, and mask all its lines. */
static void pic_init_one(uint16_t cmd, uint16_t data, uint8_t vector,
                         uint8_t icw3)
{
    outb(cmd, ICW1_INIT | ICW1_IC4);
    outb(data, vector);
    outb(data, icw3);
    outb(data, ICW4_8086);
    outb(data, PIC_MASK_ALL_LINES);
}

/* Move IRQ 0-15 to vectors PIC_VECTOR_BASE.. and mask every line except the
 * cascade (so that unmasking a slave line is enough to receive it). */
void pic_remap(void)
{
    pic_init_one(PIC_MASTER_CMD, PIC_MASTER_DATA, PIC_VECTOR_BASE,
                 1u << PIC_CASCADE_IRQ);
    pic_init_one(PIC_SLAVE_CMD, PIC_SLAVE_DATA,
                 PIC_VECTOR_BASE + PIC_SLAVE_FIRST_IRQ, PIC_CASCADE_IRQ);
    pic_unmask(PIC_CASCADE_IRQ);
}

/* Let line `irq` (0-15) interrupt. */
void pic_unmask(uint32_t irq)
{
    uint16_t port = irq < PIC_SLAVE_FIRST_IRQ ? PIC_MASTER_DATA : PIC_SLAVE_DATA;
    uint8_t bit = (uint8_t)(1u << (irq % 8));
    outb(port, inb(port) & (uint8_t)~bit);
}

/* Acknowledge interrupt `irq` so its controller(s) can deliver the next. */
void pic_eoi(uint32_t irq)
{
    if (irq >= PIC_SLAVE_FIRST_IRQ)
        outb(PIC_SLAVE_CMD, OCW2_EOI);
    outb(PIC_MASTER_CMD, OCW2_EOI);
}

/* Return 1 if interrupt `irq` (7 or 15, the lines a controller reports when
 * a request vanished before it was acknowledged) is spurious: its in-service
 * bit is clear.  A spurious IRQ 15 still needs an EOI at the master, which
 * this function sends; a spurious interrupt must get no other EOI. */
int pic_is_spurious(uint32_t irq)
{
    int slave = irq >= PIC_SLAVE_FIRST_IRQ;
    uint16_t cmd = slave ? PIC_SLAVE_CMD : PIC_MASTER_CMD;
    if (irq % 8 != 7)
        return 0;
    outb(cmd, OCW3_READ_ISR);
    if (inb(cmd) & ISR_LINE_7)
        return 0;
    if (slave)
        outb(PIC_MASTER_CMD, OCW2_EOI);
    return 1;
}
