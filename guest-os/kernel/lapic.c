/*
 * lapic.c - the local APIC: the CPU's own interrupt controller and timer.
 *
 * Every interrupt the CPU takes in APIC mode passes through its local APIC:
 * the I/O APIC (ioapic.c) sends device interrupts to it as messages, and
 * its own timer raises one on a vector of its local vector table (LVT).
 * The registers are 32 bits, one per 16-byte slot of a 4 KiB page at the
 * address the MP table gives (0xFEE00000 on a PC), reached with ordinary
 * loads and stores through an uncached mapping.
 *
 * The kernel enables the APIC in its spurious-interrupt vector register,
 * masks the local inputs it does not use (LINT0 is where the 8259s would
 * come in, as "ExtINT"; LINT1 is NMI; the error and performance-counter
 * entries), and sets the task priority to 0 so that every vector gets
 * through.  Each interrupt is acknowledged by writing the EOI register.
 *
 * The timer counts down from an initial count at the bus clock divided by
 * a chosen divisor, and in periodic mode reloads and interrupts each time
 * it reaches zero.  The bus clock differs from machine to machine, so the
 * kernel measures it: it lets the timer run free while PIT channel 2 (a
 * known 1.193182 MHz, gated and read through port 0x61) counts down one
 * tick's worth, and uses the count that elapsed as the periodic count.
 */
#include "lapic.h"

#include "klib.h"
#include "x86.h"

/* Register offsets (bytes) in the APIC page. */
#define LAPIC_ID 0x020      /* bits 31-24: the APIC ID */
#define LAPIC_VERSION 0x030 /* bits 23-16: the number of LVT entries - 1 */
#define LAPIC_TPR 0x080     /* task priority */
#define LAPIC_EOI 0x0B0
#define LAPIC_SVR 0x0F0     /* spurious-interrupt vector */
#define LAPIC_ESR 0x280     /* error status */
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_PERF 0x340
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3E0

#define LAPIC_ID_SHIFT 24
#define LAPIC_VERSION_MAXLVT_SHIFT 16
#define LAPIC_MAXLVT_WITH_PERF 4

/*
 * The spurious-interrupt vector register:
 *
 *   31        9    8     7        0
 *  +----------+--------+----------+
 *  | reserved | ENABLE |  vector  |
 *  +----------+--------+----------+
 */
#define SVR_ENABLE 0x100u

/*
 * A local vector table entry (the timer's has the mode bits):
 *
 *   31      19   18 17   16   15-13  12   11  10-8    7        0
 *  +----------+-------+------+-----+----+---+------+----------+
 *  | reserved | timer | MASK |     | DS |   | mode |  vector  |
 *  |          | mode  |      |     |    |   |      |          |
 *  +----------+-------+------+-----+----+---+------+----------+
 *  timer mode 00: one-shot, 01: periodic.  MASK 1: no interrupt.
 */
#define LVT_MASKED 0x10000u
#define LVT_TIMER_ONE_SHOT 0x00000u
#define LVT_TIMER_PERIODIC 0x20000u

/* The divide configuration register: bits 3, 1, 0 = 011 divide by 16. */
#define TIMER_DIVIDE_BY_16 0x3u
#define TIMER_COUNT_MAX 0xFFFFFFFFu

/* PIT channel 2, and port 0x61 (system control port B), which holds its
 * gate (bit 0, in), its speaker enable (bit 1) and its output (bit 5). */
#define PIT_CHANNEL2 0x42
#define PIT_COMMAND 0x43
#define PIT_INPUT_HZ 1193182
#define SYSCTL_B 0x61
#define SYSCTL_B_GATE2 0x01u
#define SYSCTL_B_SPEAKER 0x02u
#define SYSCTL_B_OUT2 0x20u
/* The PIT command: channel 2 (SC 10), low then high byte (RW 11), mode 0
 * "interrupt on terminal count": OUT goes high when the count runs out. */
#define PIT_CMD_CH2_ONESHOT 0xB0u

static volatile uint32_t *lapic;

/* Return register `reg`. */
static uint32_t lapic_read(uint32_t reg)
{
    return lapic[reg / 4];
}

/* Set register `reg` to `v`, and wait for the write to land (a read). */
static void lapic_write(uint32_t reg, uint32_t v)
{
    lapic[reg / 4] = v;
    (void)lapic[LAPIC_ID / 4];
}

void lapic_init(physaddr_t pa, uint32_t spurious_vector)
{
    lapic = (volatile uint32_t *)pa; /* vm_map_mmio maps it at pa */
    lapic_write(LAPIC_SVR, SVR_ENABLE | spurious_vector);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
    lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
    uint32_t maxlvt = (lapic_read(LAPIC_VERSION) >> LAPIC_VERSION_MAXLVT_SHIFT) & 0xFF;
    if (maxlvt >= LAPIC_MAXLVT_WITH_PERF)
        lapic_write(LAPIC_LVT_PERF, LVT_MASKED);
    lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
    lapic_write(LAPIC_ESR, 0); /* back-to-back writes clear it */
    lapic_write(LAPIC_ESR, 0);
    lapic_write(LAPIC_EOI, 0);
    lapic_write(LAPIC_TPR, 0);
}

uint8_t lapic_id(void)
{
    return (uint8_t)(lapic_read(LAPIC_ID) >> LAPIC_ID_SHIFT);
}

/* Return how far the timer, divided by 16, counts in 1/`hz` of a second:
 * run it free (masked, one-shot) while PIT channel 2 counts that long. */
static uint32_t timer_count_per_tick(uint32_t hz)
{
    uint32_t pit_count = PIT_INPUT_HZ / hz;
    outb(SYSCTL_B, (inb(SYSCTL_B) & ~SYSCTL_B_SPEAKER) | SYSCTL_B_GATE2);
    outb(PIT_COMMAND, PIT_CMD_CH2_ONESHOT);
    lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_16);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | LVT_TIMER_ONE_SHOT);
    outb(PIT_CHANNEL2, (uint8_t)pit_count);
    outb(PIT_CHANNEL2, (uint8_t)(pit_count >> 8)); /* PIT starts counting */
    lapic_write(LAPIC_TIMER_INITIAL, TIMER_COUNT_MAX);
    while (!(inb(SYSCTL_B) & SYSCTL_B_OUT2))
        ;
    uint32_t elapsed = TIMER_COUNT_MAX - lapic_read(LAPIC_TIMER_CURRENT);
    lapic_write(LAPIC_TIMER_INITIAL, 0); /* stop it */
    outb(SYSCTL_B, inb(SYSCTL_B) & ~(SYSCTL_B_GATE2 | SYSCTL_B_SPEAKER));
    return elapsed;
}

void lapic_timer_start(uint32_t hz, uint32_t vector)
{
    uint32_t count = timer_count_per_tick(hz);
    if (count == 0)
        panic("lapic_timer_start", "the APIC timer did not count");
    lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_16);
    lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_PERIODIC | vector);
    lapic_write(LAPIC_TIMER_INITIAL, count);
}

void lapic_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}
