/*
 * pit.c - the timer: channel 0 of the 8254 programmable interval timer.
 *
 * The PIT counts down from a divisor at 1.193182 MHz and, in mode 2 ("rate
 * generator"), pulses its output - IRQ 0 on the master PIC - each time it
 * reaches 1, then reloads.  A divisor of 1193182 / TIMER_HZ gives TIMER_HZ
 * interrupts a second: the tick that preempts user processes (ostrap.c) and
 * the clock behind uptime().  intr.c uses it only when there are no APICs;
 * otherwise the local APIC's timer ticks at the same rate (lapic.c).  The
 * count of ticks, from whichever timer, is kept here; nothing else in the
 * kernel measures time (benchmarks read the TSC).
 */
#include "pit.h"

#include "kernel.h"
#include "x86.h"

#define PIT_CHANNEL0 0x40
#define PIT_COMMAND 0x43
#define PIT_INPUT_HZ 1193182

/*
 * The command byte:
 *
 *     7   6   5   4   3   2   1   0
 *  +-------+-------+-----------+-----+
 *  |  SC   |  RW   |   mode    | BCD |
 *  +-------+-------+-----------+-----+
 *  SC 00: channel 0.  RW 11: the divisor follows, low byte then high byte.
 *  mode 010: rate generator.  BCD 0: binary count.
 */
#define PIT_SC_CHANNEL0 (0u << 6)
#define PIT_RW_LO_HI (3u << 4)
#define PIT_MODE_RATE (2u << 1)
#define PIT_BINARY 0u

static volatile uint32_t ticks;

void pit_init(void)
{
    uint32_t divisor = PIT_INPUT_HZ / TIMER_HZ;
    outb(PIT_COMMAND, PIT_SC_CHANNEL0 | PIT_RW_LO_HI | PIT_MODE_RATE | PIT_BINARY);
    outb(PIT_CHANNEL0, (uint8_t)divisor);
    outb(PIT_CHANNEL0, (uint8_t)(divisor >> 8));
    pic_unmask(IRQ_TIMER);
}

void pit_tick(void)
{
    ticks++;
}

uint32_t pit_ticks(void)
{
    return ticks;
}
