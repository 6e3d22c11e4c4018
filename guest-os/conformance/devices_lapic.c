/*
 * devices_lapic.c - the local APIC: identity, priorities, the timer, EOI
 * and a self-IPI.
 *
 * The problem: an SMP-era kernel (Linux, xv6's lapic.c) finds its CPU's
 * APIC at 0xfee00000, reads its ID and version, sets the task priority to
 * hold interrupts back, runs its tick from the APIC timer (one-shot or
 * periodic, with a divider) and ends every APIC interrupt with a write to
 * EOI.  Under the monitor the page is not memory: each load and store
 * faults and is decoded and emulated (vmm/dev/lapic.c); a wrong register,
 * a timer at the wrong rate or an EOI that does not clear the in-service bit
 * changes what the kernel does.
 *
 * The approach: print the registers whose values are architectural or set
 * by the BIOS; fire the timer and a self-IPI with the task priority above
 * and then below their class, reading IRR and ISR bits on the way; count
 * periodic timer interrupts over 300 ms of PIT channel 2.
 */
#include "devices.h"

#include "x86.h"

#define LAPIC 0xfee00000u
#define ID 0x020
#define VERSION 0x030
#define TPR 0x080
#define PPR 0x0a0
#define EOI 0x0b0
#define LDR 0x0d0
#define DFR 0x0e0
#define SVR 0x0f0
#define ISR0 0x100              /* ISR, TMR and IRR: 8 registers 0x10 apart, */
#define TMR0 0x180              /* bit v % 32 of register v / 32 */
#define IRR0 0x200
#define ESR 0x280
#define ICR_LOW 0x300
#define ICR_HIGH 0x310
#define LVT_TIMER 0x320
#define LVT_THERMAL 0x330
#define LVT_PERF 0x340
#define LVT_LINT0 0x350
#define LVT_LINT1 0x360
#define LVT_ERROR 0x370
#define TIMER_INITIAL 0x380
#define TIMER_CURRENT 0x390
#define TIMER_DIVIDE 0x3e0

/*
 * LVT timer entry:  17: periodic   16: masked   7-0: vector
 * ICR low:          19-18: destination shorthand (01 = self)
 *                   14: level assert   10-8: delivery mode   7-0: vector
 * Divide configuration: bits 3,1,0 = 1011 divide by 1, 0011 by 16.
 */
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define ICR_SELF (1u << 18)
#define ICR_ASSERT (1u << 14)
#define DIVIDE_BY_1 0xbu
#define DIVIDE_BY_16 0x3u

#define PERIODIC_COUNT 625000u
#define PERIODIC_HZ 100u
#define TIMER_VECTOR 0x40
#define IPI_VECTOR 0x51
#define PRIORITY_ABOVE_TIMER 0x50   /* class 5 > class 4 of vector 0x40 */

static uint32_t rd(uint32_t reg)
{
    return mmio_read32(LAPIC + reg);
}

static void wr(uint32_t reg, uint32_t v)
{
    mmio_write32(LAPIC + reg, v);
}

/* Is VECTOR's bit set in the 256-bit register that starts at REG0? */
static int bit_of(uint32_t reg0, uint32_t vector)
{
    return (rd(reg0 + 0x10 * (vector / 32)) >> (vector % 32)) & 1;
}

static int isr_in_handler;          /* ISR bit of the vector, as its handler saw it */
static int eoi_in_handler = 1;

static void apic_hook(uint32_t vector)
{
    isr_in_handler = bit_of(ISR0, vector);
    if (eoi_in_handler)
        wr(EOI, 0);
}

static void identity(void)
{
    uint32_t lo, hi;

    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0x1b));
    kprintf("lapic: apic base msr 0x%08x%08x\n", hi, lo);
    kprintf("lapic: id 0x%08x version 0x%08x\n", rd(ID), rd(VERSION));
    kprintf("lapic: svr 0x%08x ldr 0x%08x dfr 0x%08x\n", rd(SVR), rd(LDR),
            rd(DFR));
    kprintf("lapic: lvt timer 0x%08x thermal 0x%08x perf 0x%08x\n",
            rd(LVT_TIMER), rd(LVT_THERMAL), rd(LVT_PERF));
    kprintf("lapic: lvt lint0 0x%08x lint1 0x%08x error 0x%08x\n",
            rd(LVT_LINT0), rd(LVT_LINT1), rd(LVT_ERROR));
    kprintf("lapic: timer initial 0x%08x divide 0x%08x\n", rd(TIMER_INITIAL),
            rd(TIMER_DIVIDE));
}

static void priorities(void)
{
    wr(ESR, 0);
    kprintf("lapic: esr 0x%08x\n", rd(ESR));
    kprintf("lapic: tpr 0x%02x ppr 0x%02x\n", rd(TPR), rd(PPR));
    wr(TPR, 0x5a);
    kprintf("lapic: tpr 0x5a reads 0x%02x, ppr 0x%02x\n", rd(TPR), rd(PPR));
    wr(TPR, 0x1ff);
    kprintf("lapic: tpr 0x1ff reads 0x%02x\n", rd(TPR));
    wr(TPR, 0);
}

/* Wait (IF clear) until the one-shot timer has run out and its interrupt
 * waits in the IRR.  (Natively QEMU requests it from its main loop, which
 * a loaded host may run late: the count reads 0 before the IRR bit is set.) */
static void wait_timer_out(void)
{
    for (int i = 0; i < 100 && (rd(TIMER_CURRENT) != 0 ||
                                !bit_of(IRR0, TIMER_VECTOR)); i++)
        delay_ms(1);
}

/* A one-shot of 1 ms fires once; held back by the task priority, it waits
 * in the IRR; with the priority lowered it is taken, in service in its
 * handler, and gone from ISR after the EOI. */
static void one_shot(void)
{
    dev_irq_reset();
    wr(TIMER_DIVIDE, DIVIDE_BY_1);
    wr(LVT_TIMER, TIMER_VECTOR);
    kprintf("lapic: lvt timer 0x%02x reads 0x%08x\n", TIMER_VECTOR,
            rd(LVT_TIMER));
    wr(TIMER_INITIAL, 1000000);
    sti();
    delay_ms(5);
    cli();
    kprintf("lapic: one-shot 1 ms: %u interrupts in 5 ms, current count %u, "
            "isr bit in handler %d, after eoi %d\n",
            dev_irq_count[TIMER_VECTOR], rd(TIMER_CURRENT), isr_in_handler,
            bit_of(ISR0, TIMER_VECTOR));
    wr(TPR, PRIORITY_ABOVE_TIMER);
    wr(TIMER_INITIAL, 100000);
    wait_timer_out();
    dev_let_interrupts_in();
    kprintf("lapic: tpr 0x%02x: %u interrupts, irr bit %d, ppr 0x%02x\n",
            PRIORITY_ABOVE_TIMER, dev_irq_count[TIMER_VECTOR],
            bit_of(IRR0, TIMER_VECTOR), rd(PPR));
    wr(TPR, 0);
    dev_let_interrupts_in();
    kprintf("lapic: tpr 0: %u interrupts, irr bit %d, isr bit %d\n",
            dev_irq_count[TIMER_VECTOR], bit_of(IRR0, TIMER_VECTOR),
            bit_of(ISR0, TIMER_VECTOR));
}

/* Without an EOI the vector stays in service and the PPR shows it. */
static void in_service(void)
{
    dev_irq_reset();
    eoi_in_handler = 0;
    wr(TIMER_INITIAL, 100000);
    wait_timer_out();
    dev_let_interrupts_in();
    kprintf("lapic: no eoi: %u interrupts, isr bit %d, ppr 0x%02x\n",
            dev_irq_count[TIMER_VECTOR], bit_of(ISR0, TIMER_VECTOR), rd(PPR));
    wr(EOI, 0);
    kprintf("lapic: eoi: isr bit %d, ppr 0x%02x\n", bit_of(ISR0, TIMER_VECTOR),
            rd(PPR));
    eoi_in_handler = 1;
    wr(LVT_TIMER, TIMER_VECTOR | LVT_MASKED);
    wr(TIMER_INITIAL, 100000);
    wait_timer_out();
    dev_let_interrupts_in();
    kprintf("lapic: masked one-shot: %u interrupts, irr bit %d\n",
            dev_irq_count[TIMER_VECTOR] - 1, bit_of(IRR0, TIMER_VECTOR));
}

/* Periodic at 100 Hz, divided by 16: 625000 times 16 bus clocks at 1 GHz
 * is 10 ms. */
static void periodic(void)
{
    uint32_t cur, lvt;

    dev_irq_reset();
    wr(TIMER_DIVIDE, DIVIDE_BY_16);
    wr(LVT_TIMER, TIMER_VECTOR | LVT_PERIODIC);
    wr(TIMER_INITIAL, PERIODIC_COUNT);
    report_rate("lapic: periodic 10 ms timer, in 300 ms", TIMER_VECTOR,
                RATE_WINDOW_MS * PERIODIC_HZ / 1000);
    cur = rd(TIMER_CURRENT);
    lvt = rd(LVT_TIMER);
    wr(LVT_TIMER, TIMER_VECTOR | LVT_MASKED);
    wr(TIMER_INITIAL, 0);
    kprintf("lapic: periodic current count %s\n",
            cur <= PERIODIC_COUNT ? "within the period" : "out of range");
    kprintf("lapic: lvt timer periodic reads 0x%08x, divide 0x%08x\n", lvt,
            rd(TIMER_DIVIDE));
}

/* An IPI to itself: fixed delivery, shorthand "self". */
static void self_ipi(void)
{
    dev_irq_reset();
    wr(ICR_HIGH, 0);
    wr(ICR_LOW, ICR_SELF | ICR_ASSERT | IPI_VECTOR);
    kprintf("lapic: self ipi: irr bit %d, icr 0x%08x\n", bit_of(IRR0, IPI_VECTOR),
            rd(ICR_LOW) & ~(1u << 12));
    dev_let_interrupts_in();
    kprintf("lapic: self ipi: %u interrupts, isr bit in handler %d\n",
            dev_irq_count[IPI_VECTOR], isr_in_handler);
}

void lapic_section(void)
{
    cli();
    dev_set_hook(TIMER_VECTOR, apic_hook);
    dev_set_hook(IPI_VECTOR, apic_hook);
    identity();
    priorities();
    one_shot();
    in_service();
    periodic();
    self_ipi();
    dev_irq_reset();
}
