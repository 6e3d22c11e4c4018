/*
 * devices_rtc.c - the MC146818 clock and CMOS memory: status registers,
 * data formats, the update cycle and the periodic interrupt.
 *
 * The problem: kernels read the date once at boot (waiting out the update
 * cycle, decoding BCD or binary, 12- or 24-hour as status B says), some
 * use the periodic interrupt on IRQ 8 as a second clock, and firmware-aware
 * ones read the CMOS bytes a BIOS fills in (memory size, equipment).  The
 * date itself differs from run to run, so it cannot be compared; its
 * format can.
 *
 * The approach: print status registers and CMOS bytes, with the
 * update-in-progress bit (which depends on the moment) left out; check that
 * the time fields are valid in each format rather than print them; wait for
 * one update cycle; count periodic interrupts at 64 Hz over 300 ms of PIT
 * channel 2.
 */
#include "devices.h"

#include "x86.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define SECONDS 0x00
#define MINUTES 0x02
#define HOURS 0x04
#define WEEKDAY 0x06
#define DAY 0x07
#define MONTH 0x08
#define YEAR 0x09
#define STATUS_A 0x0a
#define STATUS_B 0x0b
#define STATUS_C 0x0c
#define STATUS_D 0x0d
#define CENTURY 0x32

/*
 *  A  7: UIP  6-4: divider  3-0: periodic rate (6: 1024 Hz)
 *  B  7: SET  6: PIE  5: AIE  4: UIE  3: SQWE  2: DM (1 binary)  1: 24h
 *  C  7: IRQF  6: PF  5: AF  4: UF          (reading clears it)
 *  D  7: VRT
 */
#define A_UIP 0x80u
#define A_RATE_MASK 0x0fu
#define A_RATE_256HZ 8u            /* 32768 Hz >> (rate - 1) */
#define A_RATE_64HZ 10u
#define PERIODIC_HZ 64u
#define B_PIE 0x40u
#define B_UIE 0x10u
#define B_BINARY 0x04u
#define B_24H 0x02u
#define C_PF 0x40u
#define C_UF 0x10u
#define HOUR_PM 0x80u
#define IRQ_RTC 8
#define RTC_VECTOR DEV_PIC_VECTOR(IRQ_RTC)

static uint8_t cmos(uint8_t index)
{
    outb(CMOS_INDEX, index);
    return inb(CMOS_DATA);
}

static void cmos_set(uint8_t index, uint8_t v)
{
    outb(CMOS_INDEX, index);
    outb(CMOS_DATA, v);
}

/* Periodic interrupts at 2 ** (16 - RATE) Hz. */
static void periodic_on(uint8_t rate)
{
    cmos_set(STATUS_A, (uint8_t)((cmos(STATUS_A) & ~A_RATE_MASK) | rate));
    cmos_set(STATUS_B, cmos(STATUS_B) | B_PIE);
}

/* IRQ 8 up (periodic interrupts at 256 Hz) or down (off, flags read). */
void rtc_periodic_source(int on)
{
    if (on) {
        periodic_on(A_RATE_256HZ);
    } else {
        cmos_set(STATUS_B, cmos(STATUS_B) & (uint8_t)~B_PIE);
        (void)cmos(STATUS_C);
    }
}

static void status(void)
{
    kprintf("rtc: status a 0x%02x (uip left out) b 0x%02x d 0x%02x\n",
            cmos(STATUS_A) & (uint8_t)~A_UIP, cmos(STATUS_B), cmos(STATUS_D));
    (void)cmos(STATUS_C);
    /* PF left out: it rises at the rate in status A whatever PIE says, so
     * it is up again if a millisecond passed between the reads (a loaded
     * host). */
    kprintf("rtc: status c read twice: 0x%02x (pf left out)\n",
            cmos(STATUS_C) & (uint8_t)~C_PF);
}

/*
 * The CMOS bytes a BIOS fills in that the monitor's PC has too: floppy
 * types, memory sizes, the century.  (QEMU also fills in the hard disk
 * types and geometry (0x12, 0x19-0x23), the equipment byte (0x14) and the
 * boot order (0x38, 0x3d), which the monitor's CMOS leaves 0: not
 * compared.)
 */
static void memory_bytes(void)
{
    static const struct { uint8_t index; const char *name; } bytes[] = {
        { 0x10, "floppy types" }, { 0x15, "base memory, KiB (low)" },
        { 0x16, "base memory, KiB (high)" },
        { 0x17, "memory above 1 MiB, KiB (low)" }, { 0x18, "(high)" },
        { 0x30, "the same (low)" }, { 0x31, "(high)" },
        { 0x34, "memory above 16 MiB, 64 KiB (low)" }, { 0x35, "(high)" },
        { 0x5b, "memory above 4 GiB, 64 KiB (low)" }, { 0x5c, "(middle)" },
        { 0x5d, "(high)" }, { 0x32, "century" },
    };

    for (unsigned i = 0; i < sizeof(bytes) / sizeof(bytes[0]); i++)
        kprintf("rtc: cmos 0x%02x = 0x%02x %s\n", bytes[i].index,
                cmos(bytes[i].index), bytes[i].name);
}

static int bcd_ok(uint8_t v, unsigned lo, unsigned hi)
{
    unsigned n = (v >> 4) * 10u + (v & 15u);

    return (v >> 4) <= 9 && (v & 15u) <= 9 && n >= lo && n <= hi;
}

static int bin_ok(uint8_t v, unsigned lo, unsigned hi)
{
    return v >= lo && v <= hi;
}

/* Are the time fields valid in the format status B names? */
static int fields_ok(int binary, int h24)
{
    int (*ok)(uint8_t, unsigned, unsigned) = binary ? bin_ok : bcd_ok;
    uint8_t hour = cmos(HOURS);
    int hour_ok = h24 ? ok(hour, 0, 23) : ok(hour & (uint8_t)~HOUR_PM, 1, 12);

    return ok(cmos(SECONDS), 0, 59) && ok(cmos(MINUTES), 0, 59) && hour_ok &&
           ok(cmos(WEEKDAY), 1, 7) && ok(cmos(DAY), 1, 31) &&
           ok(cmos(MONTH), 1, 12) && ok(cmos(YEAR), 0, 99) &&
           ok(cmos(CENTURY), 19, 21);
}

static void formats(void)
{
    uint8_t b = cmos(STATUS_B);

    kprintf("rtc: bcd 24h fields valid: %s\n", fields_ok(0, 1) ? "yes" : "no");
    cmos_set(STATUS_B, b | B_BINARY);
    kprintf("rtc: status b 0x%02x: binary fields valid: %s\n", cmos(STATUS_B),
            fields_ok(1, 1) ? "yes" : "no");
    cmos_set(STATUS_B, (uint8_t)((b | B_BINARY) & ~B_24H));
    kprintf("rtc: status b 0x%02x: binary 12h fields valid: %s\n",
            cmos(STATUS_B), fields_ok(1, 0) ? "yes" : "no");
    cmos_set(STATUS_B, (uint8_t)(b & ~B_24H));
    kprintf("rtc: status b 0x%02x: bcd 12h fields valid: %s\n", cmos(STATUS_B),
            fields_ok(0, 0) ? "yes" : "no");
    cmos_set(STATUS_B, b);
}

#define CHUNK_MS 50
#define CYCLE_CHUNKS 23             /* 1.15 s: more than a second */

/* Poll status A with nothing in between (UIP is up for only 244 us before
 * each update) until UIP shows; 0 if it does not within ten seconds (a
 * poll slowed down by a busy host - a parallel ctest - may miss several
 * windows: under the monitor each poll is two exits). */
static int wait_uip(void)
{
    for (int i = 0; i < 10 * 1000 / CHUNK_MS; i++) {
        pit2_start(CHUNK_MS * PIT_TICKS_PER_MS);
        while (!pit2_expired())
            if (cmos(STATUS_A) & A_UIP)
                return 1;
    }
    return 0;
}

/* Status C once the update-ended flag is up; 0 if it does not rise within
 * 1.15 s. */
static uint8_t wait_update_ended(void)
{
    uint8_t c;

    for (int ms = 0; ms < CYCLE_CHUNKS * CHUNK_MS; ms++) {
        if ((c = cmos(STATUS_C)) & C_UF)
            return c;
        delay_ms(1);
    }
    return 0;
}

/* Within a second the update cycle runs: UIP shows, then the update-ended
 * flag rises, with IRQF as UIE asks. */
static void update_cycle(void)
{
    int uip;
    uint8_t c;

    pic_set_masks(0xffff);
    uip = wait_uip();
    (void)cmos(STATUS_C);
    cmos_set(STATUS_B, cmos(STATUS_B) | B_UIE);
    c = wait_update_ended();
    cmos_set(STATUS_B, cmos(STATUS_B) & (uint8_t)~B_UIE);
    kprintf("rtc: update cycle: uip seen %s, then status c 0x%02x (pf left "
            "out)\n", uip ? "yes" : "no", c & (uint8_t)~C_PF);
}

static void periodic_hook(uint32_t vector)
{
    (void)vector;
    (void)cmos(STATUS_C);
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
}

static void periodic_rate(void)
{
    dev_set_hook(RTC_VECTOR, periodic_hook);
    pic_set_masks((uint16_t)~(1u << IRQ_RTC | 1u << 2));
    dev_let_interrupts_in();        /* a request latched while masked */
    periodic_on(A_RATE_64HZ);
    report_rate("rtc: 64 Hz periodic interrupt, in 300 ms", RTC_VECTOR,
                (RATE_WINDOW_MS * PERIODIC_HZ + 500) / 1000);
    rtc_periodic_source(0);
    dev_let_interrupts_in();
    pic_set_masks(0xffff);
    dev_set_hook(RTC_VECTOR, 0);
}

void rtc_section(void)
{
    cli();
    status();
    memory_bytes();
    formats();
    update_cycle();
    periodic_rate();
    dev_irq_reset();
}
