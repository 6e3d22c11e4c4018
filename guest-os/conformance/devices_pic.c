/*
 * devices_pic.c - the 8259A pair: masks, request and in-service registers,
 * priorities, and the two kinds of EOI.
 *
 * The problem: a PC kernel relies on the PICs' bookkeeping, not just on
 * interrupts arriving.  A request is latched in the IRR even while its line
 * is masked; the INTA cycle moves the highest-priority unmasked request to
 * the ISR; while a line is in service, requests of equal or lower priority
 * wait; a non-specific EOI ends the highest-priority line in service, a
 * specific EOI the line it names.  Under the monitor all of this is the
 * 8259 model's (vmm/dev/pic.c), and any slip shows as an interrupt taken
 * too early, too late, twice or never.
 *
 * The approach: with IF clear, make requests pending on purpose from devices
 * whose interrupt line stays up until the handler answers it - PIT channel 0
 * in mode 0 (IRQ 0), the 8042's output buffer (IRQ 1), the UART's
 * transmitter-empty condition (IRQ 4), the RTC's periodic flag (IRQ 8, on
 * the slave) - read IRR and ISR through OCW3, then let interrupts in and log
 * each vector with the ISR its handler saw.  Nothing here depends on time
 * beyond "the request has had 1 ms to arrive".
 */
#include "devices.h"

#include "uart16550.h"
#include "x86.h"

#define MASTER_CMD 0x20
#define MASTER_DATA 0x21
#define SLAVE_CMD 0xa0
#define SLAVE_DATA 0xa1
#define ELCR_MASTER 0x4d0
#define ELCR_SLAVE 0x4d1
/* QEMU's PC gives IRQs 5, 9, 10 and 11 to PCI (level-triggered there); the
 * monitor's PC has no PCI device, so only the other lines are compared. */
#define ELCR_ISA_LINES 0xf1dfu

/*
 * OCW2 (command port, bits 4:3 = 00):
 *     7    6    5     4   3   2   1   0
 *  +----+----+-----+---+---+-----------+
 *  | R  | SL | EOI | 0 | 0 |   level   |
 *  +----+----+-----+---+---+-----------+
 * OCW3 (command port, bits 4:3 = 01):
 *     7    6     5     4   3   2    1     0
 *  +---+-----+-----+---+---+---+-----+-----+
 *  | 0 | ESMM| SMM | 0 | 1 | P | RR  | RIS |
 *  +---+-----+-----+---+---+---+-----+-----+
 *  RR=1: the next read of the command port gives IRR (RIS=0) or ISR (RIS=1);
 *  P=1: poll - the next read acknowledges the highest request, as INTA does,
 *  and gives 0x80 | its level.
 */
#define OCW2_EOI 0x20u
#define OCW2_SPECIFIC_EOI 0x60u     /* | level */
#define OCW3_READ_IRR 0x0au
#define OCW3_READ_ISR 0x0bu
#define OCW3_POLL 0x0cu

#define IRQ_PIT 0
#define IRQ_PS2 1
#define IRQ_CASCADE 2
#define IRQ_UART 4
#define IRQ_RTC 8
#define ALL_MASKED 0xffffu
#define CASCADE_BIT (1u << IRQ_CASCADE)

/* Read the register OCW3 selects, from both chips: master | slave << 8. */
static uint16_t read_both(uint8_t ocw3)
{
    outb(MASTER_CMD, ocw3);
    outb(SLAVE_CMD, ocw3);
    return (uint16_t)(inb(MASTER_CMD) | inb(SLAVE_CMD) << 8);
}

uint16_t pic_read_irr(void)
{
    return read_both(OCW3_READ_IRR);
}

uint16_t pic_read_isr(void)
{
    return read_both(OCW3_READ_ISR);
}

/* Set both masks: bit n masks IRQ n. */
void pic_set_masks(uint16_t imr)
{
    outb(MASTER_DATA, (uint8_t)imr);
    outb(SLAVE_DATA, (uint8_t)(imr >> 8));
}

uint16_t pic_get_masks(void)
{
    return (uint16_t)(inb(MASTER_DATA) | inb(SLAVE_DATA) << 8);
}

/* Mask everything but the cascade and the lines in UNMASKED. */
static void only_unmask(uint16_t unmasked)
{
    pic_set_masks((uint16_t)(ALL_MASKED & ~(unmasked | CASCADE_BIT)));
}

/* ---- the handlers: what each interrupt saw ------------------------------- */

#define SEEN_MAX 8
static struct { uint8_t vector; uint16_t isr; } seen[SEEN_MAX];
static unsigned n_seen;
static int eoi_in_handler;          /* send an EOI from the handler? */

/* Silence the device behind IRQ so its line drops. */
static void answer_device(uint32_t irq)
{
    switch (irq) {
    case IRQ_PIT: break;                        /* mode 0: stays high */
    case IRQ_PS2: (void)inb(0x60); break;       /* take the byte */
    case IRQ_UART: uart_thre_source(0); break;
    case IRQ_RTC: rtc_periodic_source(0); break;
    }
}

static void pic_hook(uint32_t vector)
{
    uint32_t irq = vector - PIC_VECTOR_BASE;

    if (n_seen < SEEN_MAX) {
        seen[n_seen].vector = (uint8_t)vector;
        seen[n_seen].isr = pic_read_isr();
        n_seen++;
    }
    answer_device(irq);
    if (!eoi_in_handler)
        return;
    if (irq >= 8)
        outb(SLAVE_CMD, OCW2_EOI);
    outb(MASTER_CMD, OCW2_EOI);
}

static void hooks_on(void)
{
    n_seen = 0;
    for (uint32_t irq = 0; irq < 16; irq++)
        dev_set_hook(PIC_VECTOR_BASE + irq, pic_hook);
}

/* Print "NAME: 0xVV (isr 0xIIII) ..." for what the handlers saw. */
static void print_seen(const char *name)
{
    kprintf("pic: %s:", name);
    if (n_seen == 0)
        kprintf(" nothing");
    for (unsigned i = 0; i < n_seen; i++)
        kprintf(" 0x%02x (isr 0x%04x)", seen[i].vector, seen[i].isr);
    kprintf("\n");
    n_seen = 0;
}

static void print_irr_isr(const char *when)
{
    kprintf("pic: %s: irr 0x%04x isr 0x%04x\n", when, pic_read_irr(),
            pic_read_isr());
}

/* ---- the experiments ----------------------------------------------------- */

/* Requests on IRQ 0, 1 and 4 with their lines masked.  The PIT's edge can
 * come late on a loaded machine (natively too), so wait, boundedly, until
 * all three are in the IRR: the printed state must not depend on timing. */
static void raise_master_requests(void)
{
    const uint16_t all = (1u << IRQ_PIT) | (1u << IRQ_PS2) | (1u << IRQ_UART);

    pit_oneshot_source();
    ps2_byte_source(0x5a);
    uart_thre_source(1);
    delay_ms(1);
    for (unsigned ms = 0; ms < 100 && (pic_read_irr() & all) != all; ms++)
        delay_ms(1);
}

static void masks(void)
{
    kprintf("pic: bios imr 0x%02x 0x%02x\n", dev_boot.pic_imr[0],
            dev_boot.pic_imr[1]);
    kprintf("pic: imr after init 0x%04x\n", pic_get_masks());
    pic_set_masks(0x5aa5);
    kprintf("pic: imr 0x5aa5 reads 0x%04x\n", pic_get_masks());
    kprintf("pic: elcr, isa lines: 0x%04x\n",
            (inb(ELCR_MASTER) | inb(ELCR_SLAVE) << 8) & ELCR_ISA_LINES);
    pic_set_masks(ALL_MASKED);
}

/* Masked requests wait in the IRR; unmasked, they come in priority order,
 * each with only its own line in service. */
static void priority_order(void)
{
    raise_master_requests();
    print_irr_isr("masked requests on 0, 1, 4");
    eoi_in_handler = 1;
    dev_let_interrupts_in();
    print_seen("still masked, taken");
    only_unmask((1u << IRQ_PIT) | (1u << IRQ_PS2) | (1u << IRQ_UART));
    dev_let_interrupts_in();
    print_seen("unmasked, taken");
    print_irr_isr("after non-specific eois");
}

/* Without an EOI, IRQ 0 in service holds back 1 and 4; a specific EOI for
 * another line changes nothing; the one for IRQ 0 lets them in. */
static void in_service_blocks(void)
{
    only_unmask(0);
    raise_master_requests();
    only_unmask((1u << IRQ_PIT) | (1u << IRQ_PS2) | (1u << IRQ_UART));
    eoi_in_handler = 0;
    dev_let_interrupts_in();
    print_seen("no eoi, taken");
    print_irr_isr("irq 0 in service");
    outb(MASTER_CMD, OCW2_SPECIFIC_EOI | 3);
    print_irr_isr("after specific eoi 3");
    dev_let_interrupts_in();
    print_seen("still held back");
    outb(MASTER_CMD, OCW2_SPECIFIC_EOI | IRQ_PIT);
    print_irr_isr("after specific eoi 0");
    dev_let_interrupts_in();
    print_seen("then taken");
    print_irr_isr("irq 1 in service");
    outb(MASTER_CMD, OCW2_EOI);
    print_irr_isr("one non-specific eoi");
    outb(MASTER_CMD, OCW2_EOI);
    print_irr_isr("two non-specific eois");
}

/* A higher-priority request interrupts a line in service (nesting). */
static void nesting(void)
{
    only_unmask((1u << IRQ_PIT) | (1u << IRQ_UART));
    eoi_in_handler = 0;
    uart_thre_source(1);
    dev_let_interrupts_in();
    print_seen("irq 4 alone, no eoi");
    pit_oneshot_source();
    delay_ms(1);
    for (unsigned ms = 0; ms < 100 && !(pic_read_irr() & (1u << IRQ_PIT)); ms++)
        delay_ms(1);            /* the edge can come late on a busy host */
    dev_let_interrupts_in();
    print_seen("irq 0 while 4 in service");
    outb(MASTER_CMD, OCW2_EOI);
    print_irr_isr("non-specific eoi ends irq 0");
    outb(MASTER_CMD, OCW2_EOI);
    print_irr_isr("and then irq 4");
}

/* Poll mode: the read of the command port is the INTA cycle. */
static void poll_mode(void)
{
    uint8_t first, second;

    only_unmask(1u << IRQ_UART);
    uart_thre_source(1);
    delay_ms(1);
    outb(MASTER_CMD, OCW3_POLL);
    first = inb(MASTER_CMD);
    uart_thre_source(0);
    kprintf("pic: poll 0x%02x, then isr 0x%04x\n", first, pic_read_isr());
    outb(MASTER_CMD, OCW2_EOI);
    outb(MASTER_CMD, OCW3_POLL);
    second = inb(MASTER_CMD);
    kprintf("pic: poll with nothing pending 0x%02x\n", second);
    pic_set_masks(ALL_MASKED);
}

/* IRQ 8 arrives through the slave and the master's IR2; the slave line
 * needs an EOI at both chips. */
static void cascade(void)
{
    pic_set_masks(ALL_MASKED);
    rtc_periodic_source(1);
    delay_ms(10);               /* more than two periods at 256 Hz */
    print_irr_isr("irq 8 masked at the slave");
    only_unmask(1u << IRQ_RTC);
    print_irr_isr("irq 8 unmasked");
    eoi_in_handler = 1;
    dev_let_interrupts_in();
    print_seen("taken");
    print_irr_isr("after eois at both");
    pic_set_masks(ALL_MASKED);
}

void pic_section(void)
{
    cli();
    hooks_on();
    masks();
    priority_order();
    in_service_blocks();
    nesting();
    poll_mode();
    cascade();
    dev_irq_reset();
    pic_set_masks(ALL_MASKED & ~CASCADE_BIT);
}
