/*
 * devices_pit.c - the 8254 timer: modes as the status byte reports them,
 * counting, and the rate of the timer interrupt.
 *
 * The problem: kernels program counter 0 for their tick (mode 2 or 3 at
 * HZ), time short delays with counter 2 and its gate on port 0x61, and read
 * counts back with latch and read-back commands.  The monitor's 8254
 * (vmm/dev/pit.c) counts virtual time; if its counters ran at the wrong
 * speed or reported the wrong mode, a guest's clock would drift or its
 * calibration loops would hang.
 *
 * The approach: read-back status bytes (which encode the programming, not
 * the time) are printed; counting is checked only by direction ("the
 * latched count went down"); the tick rate
 * is counted - IRQ 0 at 100 Hz over 300 ms of channel 2 - and printed
 * within a tolerance.
 */
#include "devices.h"

#include "x86.h"

#define CH0 0x40
#define CH1 0x41
#define CH2 0x42
#define CONTROL 0x43
#define SYSCTL_B 0x61
#define SYSCTL_GATE2 (1u << 0)
#define SYSCTL_SPEAKER (1u << 1)

/*
 * Control word:
 *     7   6    5   4     3  2  1     0
 *  +-------+-------+---------+-----+
 *  |  SC   |  RW   |  mode   | BCD |     SC 11: read-back command
 *  +-------+-------+---------+-----+     RW 00: latch the count
 * Read-back: 11 | /COUNT | /STATUS | CNT2 CNT1 CNT0 | 0   (0 = latch it)
 * Status byte: OUT | NULL COUNT | RW | mode | BCD.
 */
#define CW(ch, rw, mode) ((uint8_t)((ch) << 6 | (rw) << 4 | (mode) << 1))
#define RW_LATCH 0
#define RW_LSB 1
#define RW_MSB 2
#define RW_BOTH 3
#define CW_BCD 1u
#define CW_RW_FIELD 0x30u
#define READBACK_STATUS(ch) ((uint8_t)(0xc0 | 0x20 | (2u << (ch))))
#define STATUS_OUT 0x80u
#define STATUS_NULL_COUNT 0x40u

#define TICK_HZ 100u
#define TICK_COUNT (PIT_HZ / TICK_HZ)   /* 11931: 100.002 Hz */

static uint8_t channel_status(unsigned ch)
{
    outb(CONTROL, READBACK_STATUS(ch));
    return inb(CH0 + ch);
}

/* Latch channel CH's count and read it (LSB then MSB programming). */
static uint16_t latched_count(unsigned ch)
{
    uint8_t lo, hi;

    outb(CONTROL, CW(ch, RW_LATCH, 0));
    lo = inb(CH0 + ch);
    hi = inb(CH0 + ch);
    return (uint16_t)(lo | hi << 8);
}

static void load(unsigned ch, uint8_t cw, uint16_t count)
{
    outb(CONTROL, cw);
    outb(CH0 + ch, (uint8_t)count);
    outb(CH0 + ch, (uint8_t)(count >> 8));
}

/* IRQ 0 rises once, a few microseconds from now, and stays up: counter 0
 * in mode 0 (interrupt on terminal count) with a count of 2. */
void pit_oneshot_source(void)
{
    load(0, CW(0, RW_BOTH, 0), 2);
}

/* The status byte says what was programmed (OUT, which depends on the
 * moment, is left out). */
static void modes(void)
{
    static const uint8_t words[] = {
        CW(1, RW_BOTH, 2), CW(1, RW_LSB, 3), CW(1, RW_MSB, 0),
        CW(1, RW_BOTH, 5) | CW_BCD, CW(1, RW_BOTH, 1), CW(1, RW_BOTH, 4),
    };

    for (unsigned i = 0; i < sizeof(words); i++) {
        outb(CONTROL, words[i]);
        outb(CH1, 0x10);
        if ((words[i] & CW_RW_FIELD) == CW(0, RW_BOTH, 0))
            outb(CH1, 0x00);
        pit2_wait_ticks(10);
        kprintf("pit: control 0x%02x, status 0x%02x\n", words[i],
                channel_status(1) & (uint8_t)~STATUS_OUT);
    }
}

/* About 200 port reads' worth of time, with no help from channel 2. */
static void spin(void)
{
    for (int i = 0; i < 200; i++)
        (void)inb(SYSCTL_B);
}

/* A running counter counts down.  (With its gate low, an 8254 stops
 * counting; QEMU's keeps counting, the monitor's stops: not compared.) */
static void counting(void)
{
    uint8_t b = inb(SYSCTL_B) & (uint8_t)~(SYSCTL_GATE2 | SYSCTL_SPEAKER);
    uint16_t c1, c2;

    outb(SYSCTL_B, b | SYSCTL_GATE2);
    load(2, CW(2, RW_BOTH, 2), 0xf000);
    spin();
    c1 = latched_count(2);
    spin();
    c2 = latched_count(2);
    kprintf("pit: gate 2 high: count %s\n", c2 < c1 ? "goes down" : "does not");
    outb(SYSCTL_B, b);
    kprintf("pit: channel 2 status 0x%02x\n",
            channel_status(2) & (uint8_t)~STATUS_OUT);
}

static void tick_hook(uint32_t vector)
{
    (void)vector;
    outb(0x20, 0x20);
}

/* IRQ 0 at 100 Hz (HZ = 100, as Linux had it) counted over RATE_WINDOW_MS
 * of channel 2. */
static void tick_rate(void)
{
    dev_set_hook(DEV_PIC_VECTOR(0), tick_hook);
    pic_set_masks(0xfffe);
    load(0, CW(0, RW_BOTH, 2), TICK_COUNT);
    report_rate("pit: 100 Hz tick, in 300 ms", DEV_PIC_VECTOR(0),
                RATE_WINDOW_MS * TICK_HZ / 1000);
    kprintf("pit: counter 0 mode 2 status 0x%02x\n",
            channel_status(0) & (uint8_t)~STATUS_OUT);
    pic_set_masks(0xffff);
    load(0, CW(0, RW_BOTH, 0), 0xffff);
    dev_set_hook(DEV_PIC_VECTOR(0), 0);
}

void pit_section(void)
{
    kprintf("pit: bios status 0x%02x 0x%02x 0x%02x\n",
            dev_boot.pit_status[0], dev_boot.pit_status[1],
            dev_boot.pit_status[2]);
    cli();
    modes();
    counting();
    tick_rate();
}

/* For devices.c, before anything is changed: channel CH's status byte
 * without OUT. */
uint8_t pit_boot_status(unsigned ch)
{
    return channel_status(ch) & (uint8_t)~STATUS_OUT;
}
