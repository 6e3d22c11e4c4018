/*
 * vtime.c - time for the monitor: a clock to read and an alarm to set.
 *
 * The guest's devices run on virtual time in nanoseconds (dev/devices.h).
 * The monitor reads it from the TSC, scaled by a rate measured once at boot
 * against the machine's 8254 (channel 2, whose gate and output are on port
 * 0x61): nanoseconds = (tsc - tsc0) * mult >> 32.  The alarm is the
 * machine's PIT channel 0 in one-shot mode (mode 0) on IRQ 0, re-armed for
 * the devices' next deadline; it can reach at most 65535 ticks (55 ms)
 * ahead, so a later deadline is approached in steps.  Nothing else of the
 * machine's PIC is unmasked.
 */
#include "vtime.h"

#include "log.h"
#include "x86.h"

#define PIT_HZ          1193182ull
#define PIT_CH0         0x40
#define PIT_CH2         0x42
#define PIT_MODE        0x43
#define PIT_GATE_PORT   0x61
#define GATE2           0x01        /* port 0x61: channel 2 gate */
#define SPEAKER         0x02        /* port 0x61: speaker data */
#define OUT2            0x20        /* port 0x61: channel 2 output */
#define MODE_CH0_ONESHOT 0x30       /* ch 0, lobyte/hibyte, mode 0, binary */
#define MODE_CH2_ONESHOT 0xb0       /* ch 2, lobyte/hibyte, mode 0, binary */
#define CALIBRATION_TICKS 11932     /* 10 ms */
#define PIC1_CMD        0x20
#define PIC1_DATA       0x21
#define PIC_EOI         0x20
#define PIC_READ_IRR    0x0a
#define MASK_ALL_BUT_IRQ0 0xfe
#define NS_PER_S        1000000000ull
#define MAX_PIT_COUNT   0xffff

static uint64_t tsc0, tsc_hz, mult;

uint64_t vtime_tsc_hz(void)
{
	return tsc_hz;
}

/* TSC ticks during CALIBRATION_TICKS of the PIT's channel 2. */
static uint64_t measure_tsc(void)
{
	uint64_t t0;

	outb(PIT_GATE_PORT, (uint8_t)((inb(PIT_GATE_PORT) & ~SPEAKER) & ~GATE2));
	outb(PIT_MODE, MODE_CH2_ONESHOT);
	outb(PIT_CH2, CALIBRATION_TICKS & 0xff);
	outb(PIT_CH2, CALIBRATION_TICKS >> 8);
	outb(PIT_GATE_PORT, (uint8_t)(inb(PIT_GATE_PORT) | GATE2));
	t0 = rdtsc();
	while (!(inb(PIT_GATE_PORT) & OUT2))
		;
	return rdtsc() - t0;
}

void vtime_init(void)
{
	uint64_t ticks = measure_tsc();

	if (!ticks)
		panic("the TSC does not advance");
	tsc_hz = ticks * PIT_HZ / CALIBRATION_TICKS;
	mult = (NS_PER_S << 32) / tsc_hz;
	tsc0 = rdtsc();
	vtime_arm(vtime_now_ns() + NS_PER_S);   /* channel 0 into one-shot */
	outb(PIC1_DATA, MASK_ALL_BUT_IRQ0);
	log_printf("monitor: TSC %llu kHz\n", (unsigned long long)(tsc_hz / 1000));
}

uint64_t vtime_now_ns(void)
{
	unsigned __int128 d = (unsigned __int128)(rdtsc() - tsc0) * mult;

	return (uint64_t)(d >> 32);
}

void vtime_arm(uint64_t deadline_ns)
{
	uint64_t now = vtime_now_ns();
	uint64_t ns = deadline_ns > now ? deadline_ns - now : 0;
	uint64_t count = ns * PIT_HZ / NS_PER_S;

	if (ns > NS_PER_S)
		count = MAX_PIT_COUNT;          /* far away: step towards it */
	if (count > MAX_PIT_COUNT)
		count = MAX_PIT_COUNT;
	if (count == 0)
		count = 1;
	outb(PIT_MODE, MODE_CH0_ONESHOT);
	outb(PIT_CH0, (uint8_t)count);
	outb(PIT_CH0, (uint8_t)(count >> 8));
}

void vtime_ack(void)
{
	outb(PIC1_CMD, PIC_EOI);
}

int vtime_pending(void)
{
	outb(PIC1_CMD, PIC_READ_IRR);
	return inb(PIC1_CMD) & 1;
}
