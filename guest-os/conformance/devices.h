/*
 * devices.h - what the files of the devices conformance guest share.
 *
 * devices.c boots the guest, owns the interrupt entry points and the one
 * clock every measurement trusts (PIT channel 2, polled); each
 * devices_<device>.c drives one device the way a PC kernel does and prints
 * what it sees.  Everything printed is deterministic: values that depend on
 * the date, on addresses or on how fast the machine runs are either not
 * printed or printed as "within a stated tolerance: ok".
 */
#ifndef CONFORMANCE_DEVICES_H
#define CONFORMANCE_DEVICES_H

#include <stdint.h>

#include "kernel.h"

/* ---- devices.c: interrupts ---------------------------------------------- */

/*
 * Every vector from DEV_FIRST_VECTOR up (but the system call's) has an entry
 * point; an interrupt on it is counted in dev_irq_count[vector], appended to
 * the log, and handed to the vector's hook, if one is set (the hook sends
 * any EOI).  The PICs deliver IRQ n on vector DEV_PIC_VECTOR(n).
 */
#define DEV_FIRST_VECTOR 32
#define DEV_PIC_VECTOR(irq) (PIC_VECTOR_BASE + (irq))
#define DEV_LOG_SIZE 32

typedef void (*dev_hook_t)(uint32_t vector);

extern volatile uint32_t dev_irq_count[256];
extern volatile uint8_t dev_log[DEV_LOG_SIZE];
extern volatile uint32_t dev_log_len;

/* Call HOOK (NULL: none) when VECTOR interrupts. */
void dev_set_hook(uint32_t vector, dev_hook_t hook);

/* Forget the counts and the log. */
void dev_irq_reset(void);

/* Print the vectors of the log as "NAME: v1 v2 ..." (in hex). */
void dev_print_log(const char *name);

/* Enable interrupts long enough for every pending one to be taken. */
void dev_let_interrupts_in(void);

/* What the BIOS left in the registers that kmain changes before any section
 * runs (the PICs and COM1): read first thing. */
struct dev_boot_state {
    uint8_t pic_imr[2];
    uint8_t uart_ier, uart_iir, uart_lcr, uart_mcr;
    uint8_t pit_status[3];      /* read-back status, OUT left out */
};
extern struct dev_boot_state dev_boot;

/* ---- devices.c: the trusted clock, PIT channel 2 ------------------------- */

#define PIT_HZ 1193182u
#define PIT_TICKS_PER_MS 1193u      /* PIT_HZ / 1000, rounded down */

/* Wait TICKS (1..65535) periods of the 1.193182 MHz PIT clock, polling
 * channel 2's OUT on port 0x61. */
void pit2_wait_ticks(uint32_t ticks);

/* The same in two halves: start the TICKS periods; have they passed? */
void pit2_start(uint32_t ticks);
int pit2_expired(void);

/* Wait MS milliseconds (by PIT channel 2). */
void delay_ms(uint32_t ms);

/*
 * The window the timer rates are counted in, and their rates: slow enough
 * that a busy host, which can hold QEMU (natively, or the monitor's QEMU)
 * off for ten milliseconds and more, makes a timer lose at most a period
 * or two of the window (natively QEMU's timers drop, or merge into one
 * request, the periods they were late for; so does the monitor).
 */
#define RATE_WINDOW_MS 300u
#define RATE_TOLERANCE 3u
#define RATE_ATTEMPTS 3

/* With a timer running on VECTOR, count its interrupts in a window of
 * RATE_WINDOW_MS (IF set), and print as report_within "NAME: WANT +- TOL
 * interrupts: ok", or the count.  Up to RATE_ATTEMPTS windows are tried,
 * and the first within tolerance counts: a host that held QEMU off only
 * costs interrupts, so one good window shows the rate the guest asked for,
 * and a timer at the wrong rate fails them all. */
void report_rate(const char *name, uint32_t vector, uint32_t want);

/* Print "NAME: WANT +- TOL UNIT: ok", or the count seen if it is not
 * within TOL of WANT. */
void report_within(const char *name, uint32_t got, uint32_t want,
                   uint32_t tol, const char *unit);

/* ---- the sections: one file each ----------------------------------------- */

void pic_section(void);      /* devices_pic.c */
void pit_section(void);      /* devices_pit.c */
void lapic_section(void);    /* devices_lapic.c */
void ioapic_section(void);   /* devices_ioapic.c */
void uart_section(void);     /* devices_uart.c */
void rtc_section(void);      /* devices_rtc.c */
void ide_section(void);      /* devices_ide.c */
void board_section(void);    /* devices_board.c: CGA, PS/2, PCI */
void mp_section(void);       /* devices_mp.c */

/* Interrupt sources the sections share: each makes one line rise and stay
 * up until its device is answered (ON = 0: answer it, the line drops). */
void pit_oneshot_source(void);          /* IRQ 0, devices_pit.c */
void ps2_byte_source(uint8_t byte);     /* IRQ 1, devices_board.c */
void uart_thre_source(int on);          /* IRQ 4, devices_uart.c */
void rtc_periodic_source(int on);       /* IRQ 8, devices_rtc.c */

/* devices_pic.c: both chips at once, master in the low byte. */
uint16_t pic_read_irr(void);
uint16_t pic_read_isr(void);
uint16_t pic_get_masks(void);
void pic_set_masks(uint16_t imr);

/* devices_pit.c: channel CH's read-back status byte, OUT left out. */
uint8_t pit_boot_status(unsigned ch);

/* devices_ide.c: the persistence cases. */
void disk_write_pattern(void);
void disk_read_pattern(void);

/* ---- small helpers ------------------------------------------------------- */

static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
    asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* A 32-bit load or store at physical address PA (paging is off). */
static inline uint32_t mmio_read32(uint32_t pa)
{
    return *(volatile uint32_t *)pa;
}

static inline void mmio_write32(uint32_t pa, uint32_t v)
{
    *(volatile uint32_t *)pa = v;
}

#endif
