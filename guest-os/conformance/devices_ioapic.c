/*
 * devices_ioapic.c - the I/O APIC: identity, redirection entries, masking,
 * edge and level delivery, remote IRR and EOI.
 *
 * The problem: a kernel that leaves the 8259s behind routes each ISA line
 * through an I/O APIC redirection entry: it reads the version for the number
 * of pins, writes vector, trigger mode and mask, and for level-triggered
 * lines relies on the remote-IRR bit, which holds the line back until the
 * local APIC's EOI reaches the I/O APIC.  The MP table says the PIT is on
 * pin 2, not 0.  The monitor's model (vmm/dev/ioapic.c) must do all of this
 * as QEMU's does, including what happens to an edge that arrives while its
 * entry is masked.
 *
 * The approach: read the identity and the entries the BIOS left; write
 * patterns and read them back; route the UART's transmitter-empty line (pin
 * 4) and the PIT (pin 2) to vectors and watch them arrive, masked and
 * unmasked, edge and level, reading remote IRR in and after the handler.
 * The 8259s stay masked throughout, so every interrupt seen came this way.
 */
#include "devices.h"

#include "x86.h"

#define IOAPIC 0xfec00000u
#define REGSEL 0x00
#define WINDOW 0x10
#define IOAPIC_EOI 0x40
#define REG_ID 0x00
#define REG_VERSION 0x01
#define REG_ARB 0x02
#define REG_REDIR_LO(pin) (0x10u + 2u * (pin))
#define REG_REDIR_HI(pin) (0x11u + 2u * (pin))

/*
 * Redirection entry, low word:
 *    16  15  14   13  12  11  10-8  7-0
 *  +---+---+----+---+---+---+------+--------+
 *  | M |TM |RIRR|POL|DS |DM | mode | vector |
 *  +---+---+----+---+---+---+------+--------+
 *  M masked; TM 1 level; RIRR remote IRR (read only); DS delivery status
 *  (read only); DM 1 logical destination; high word bits 31-24: destination.
 */
#define RED_MASKED (1u << 16)
#define RED_LEVEL (1u << 15)
#define RED_REMOTE_IRR (1u << 14)
#define LAPIC_EOI_REG 0xfee000b0u
#define LAPIC_IRR0 0xfee00200u

#define PIN_PIT 2
#define PIN_UART 4
#define VECTOR_PIT 0x42
#define VECTOR_UART 0x44

static uint32_t ioapic_read(uint32_t reg)
{
    mmio_write32(IOAPIC + REGSEL, reg);
    return mmio_read32(IOAPIC + WINDOW);
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
    mmio_write32(IOAPIC + REGSEL, reg);
    mmio_write32(IOAPIC + WINDOW, v);
}

static int lapic_irr_bit(uint32_t vector)
{
    return (mmio_read32(LAPIC_IRR0 + 0x10 * (vector / 32)) >> (vector % 32)) & 1;
}

static uint32_t remote_irr_in_handler;
static uint32_t silence_in_handler = 1;   /* on the Nth interrupt */

/* Silence the UART on the silence_in_handler'th interrupt of its vector;
 * EOI.  (A level line never silenced would be sent again at every EOI, for
 * ever: QEMU throttles such a storm after 10000 EOIs, the monitor does not,
 * so that case is not run.) */
static void ioapic_hook(uint32_t vector)
{
    remote_irr_in_handler = ioapic_read(REG_REDIR_LO(PIN_UART)) & RED_REMOTE_IRR;
    if (vector == VECTOR_UART && dev_irq_count[vector] >= silence_in_handler)
        uart_thre_source(0);
    mmio_write32(LAPIC_EOI_REG, 0);
}

static void identity(void)
{
    uint32_t pins;

    kprintf("ioapic: id 0x%08x version 0x%08x arb 0x%08x\n",
            ioapic_read(REG_ID), ioapic_read(REG_VERSION), ioapic_read(REG_ARB));
    pins = (ioapic_read(REG_VERSION) >> 16 & 0xff) + 1;
    kprintf("ioapic: %u pins; at boot:", pins);
    for (uint32_t pin = 0; pin < pins; pin++)
        kprintf("%s%08x", pin % 8 ? " " : "\nioapic:  ",
                ioapic_read(REG_REDIR_LO(pin)));
    kprintf("\nioapic: high words:");
    for (uint32_t pin = 0; pin < pins; pin++)
        kprintf("%s%08x", pin % 8 ? " " : "\nioapic:  ",
                ioapic_read(REG_REDIR_HI(pin)));
    kprintf("\n");
}

/* An entry keeps what is written to its defined bits.  (Reserved bits:
 * QEMU keeps them too, the monitor reads them as 0: not compared.) */
static void read_back(void)
{
    ioapic_write(REG_REDIR_LO(10), RED_MASKED | 0x0d5a);
    ioapic_write(REG_REDIR_HI(10), 0x01000000);
    kprintf("ioapic: 0x%08x 0x01000000 written read 0x%08x 0x%08x\n",
            RED_MASKED | 0x0d5a, ioapic_read(REG_REDIR_LO(10)),
            ioapic_read(REG_REDIR_HI(10)));
    ioapic_write(REG_REDIR_LO(10), RED_MASKED);
    ioapic_write(REG_REDIR_HI(10), 0);
    ioapic_write(REG_ID, 0x0f000000);
    kprintf("ioapic: id 0x0f000000 written reads 0x%08x\n", ioapic_read(REG_ID));
    ioapic_write(REG_ID, 0);
    ioapic_write(REG_VERSION, 0);
    kprintf("ioapic: version after a write 0x%08x\n", ioapic_read(REG_VERSION));
}

/* Route PIN to VECTOR, physical destination 0, with the low-word FLAGS. */
static void route(uint32_t pin, uint32_t vector, uint32_t flags)
{
    ioapic_write(REG_REDIR_HI(pin), 0);
    ioapic_write(REG_REDIR_LO(pin), vector | flags);
}

/* An edge on a masked pin: not delivered while masked; then unmasked. */
static void edge_masked(void)
{
    dev_irq_reset();
    route(PIN_UART, VECTOR_UART, RED_MASKED);
    uart_thre_source(1);
    dev_let_interrupts_in();
    kprintf("ioapic: masked edge: %u interrupts, lapic irr %d\n",
            dev_irq_count[VECTOR_UART], lapic_irr_bit(VECTOR_UART));
    route(PIN_UART, VECTOR_UART, 0);
    dev_let_interrupts_in();
    kprintf("ioapic: unmasked after the edge: %u interrupts\n",
            dev_irq_count[VECTOR_UART]);
    uart_thre_source(0);
    uart_thre_source(1);
    dev_let_interrupts_in();
    kprintf("ioapic: a new edge, unmasked: %u interrupts, remote irr %u\n",
            dev_irq_count[VECTOR_UART], remote_irr_in_handler);
    route(PIN_UART, VECTOR_UART, RED_MASKED);
}

/* Level: remote IRR is set while the vector is in service, until EOI. */
static void level(void)
{
    uint32_t n;

    dev_irq_reset();
    uart_thre_source(0);
    route(PIN_UART, VECTOR_UART, RED_LEVEL);
    uart_thre_source(1);
    dev_let_interrupts_in();
    kprintf("ioapic: level: %u interrupts, remote irr in handler %s, "
            "after eoi 0x%08x\n", dev_irq_count[VECTOR_UART],
            remote_irr_in_handler ? "set" : "clear",
            ioapic_read(REG_REDIR_LO(PIN_UART)));
    /* The line still up at the first EOI: the I/O APIC sends it again;
     * the second handler silences the UART. */
    dev_irq_reset();
    silence_in_handler = 2;
    uart_thre_source(1);
    dev_let_interrupts_in();
    n = dev_irq_count[VECTOR_UART];
    route(PIN_UART, VECTOR_UART, RED_MASKED);
    silence_in_handler = 1;
    kprintf("ioapic: level, line still up at the first eoi: %u interrupts, "
            "remote irr after 0x%08x\n", n, ioapic_read(REG_REDIR_LO(PIN_UART)));
}

/* The PIT's IRQ 0 is on pin 2; pin 0 hears nothing. */
static void pit_on_pin_2(void)
{
    dev_irq_reset();
    route(0, 0x50, 0);
    route(PIN_PIT, VECTOR_PIT, 0);
    pit_oneshot_source();
    delay_ms(1);
    for (unsigned ms = 0; ms < 100 && !dev_irq_count[VECTOR_PIT]; ms++) {
        dev_let_interrupts_in();    /* the edge can come late on a busy host */
        delay_ms(1);
    }
    dev_let_interrupts_in();
    route(0, 0x50, RED_MASKED);
    route(PIN_PIT, VECTOR_PIT, RED_MASKED);
    kprintf("ioapic: pit one-shot: pin 0 %u, pin 2 %u interrupts\n",
            dev_irq_count[0x50], dev_irq_count[VECTOR_PIT]);
}

void ioapic_section(void)
{
    cli();
    pic_set_masks(0xffff);
    dev_set_hook(VECTOR_UART, ioapic_hook);
    dev_set_hook(VECTOR_PIT, ioapic_hook);
    dev_set_hook(0x50, ioapic_hook);
    identity();
    read_back();
    edge_masked();
    level();
    pit_on_pin_2();
    dev_irq_reset();
    pic_set_masks(0xfffb);
}
