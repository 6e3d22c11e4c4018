/*
 * lapic.h - the local APIC of the guest's one CPU, at 0xfee00000.
 *
 * Registers are 32 bits wide, one per 16-byte slot of a 4 KiB page; the
 * guest reaches them with ordinary loads and stores (MMIO).
 */
#ifndef VMM_DEV_LAPIC_H
#define VMM_DEV_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define LAPIC_BASE        0xfee00000u
#define LAPIC_SIZE        0x1000u
#define LAPIC_NO_DEADLINE UINT64_MAX

/* Register offsets (Intel SDM vol. 3A, table 10-1). */
#define LAPIC_ID          0x020
#define LAPIC_VERSION     0x030
#define LAPIC_TPR         0x080
#define LAPIC_APR         0x090
#define LAPIC_PPR         0x0a0
#define LAPIC_EOI         0x0b0
#define LAPIC_LDR         0x0d0
#define LAPIC_DFR         0x0e0
#define LAPIC_SVR         0x0f0
#define LAPIC_ISR         0x100     /* 8 registers, 32 vectors each */
#define LAPIC_TMR         0x180
#define LAPIC_IRR         0x200
#define LAPIC_ESR         0x280
#define LAPIC_ICR_LOW     0x300
#define LAPIC_ICR_HIGH    0x310
#define LAPIC_LVT_TIMER   0x320
#define LAPIC_LVT_THERMAL 0x330
#define LAPIC_LVT_PERF    0x340
#define LAPIC_LVT_LINT0   0x350
#define LAPIC_LVT_LINT1   0x360
#define LAPIC_LVT_ERROR   0x370
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE  0x3e0

/*
 * Local vector table entry
 *   31      19 18 17 16  15  14  13  12  11 10    8 7        0
 *  +----------+-----+---+---+---+---+---+--+-------+----------+
 *  | reserved |timer| M |TM |RIR|POL|DS |  | mode  |  vector  |
 *  +----------+-----+---+---+---+---+---+--+-------+----------+
 *  timer mode 00 one-shot, 01 periodic, 10 TSC-deadline
 */
#define LVT_VECTOR(v)        ((v) & 0xffu)
#define LVT_DELIVERY_MODE(v) (((v) >> 8) & 7u)
#define LVT_LEVEL_TRIGGER    (1u << 15)
#define LVT_MASKED           (1u << 16)
#define LVT_TIMER_PERIODIC   (1u << 17)
#define LVT_TIMER_MODE_MASK  (3u << 17)
#define DELIVERY_FIXED       0
#define DELIVERY_LOWEST      1
#define DELIVERY_SMI         2
#define DELIVERY_NMI         4
#define DELIVERY_INIT        5
#define DELIVERY_STARTUP     6
#define DELIVERY_EXTINT      7

/* Spurious-interrupt vector register: bit 8 enables the APIC (software). */
#define SVR_APIC_ENABLED     (1u << 8)

/* Error status register bits. */
#define ESR_SEND_ILLEGAL_VECTOR    (1u << 5)
#define ESR_RECEIVE_ILLEGAL_VECTOR (1u << 6)
#define ESR_ILLEGAL_REGISTER       (1u << 7)

enum lapic_lvt { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1,
		 LVT_ERROR, LVT_COUNT };

struct lapic {
	uint8_t id;
	uint32_t tpr, ldr, dfr, svr, esr, esr_pending, icr_low, icr_high;
	uint32_t lvt[LVT_COUNT];
	uint32_t irr[8], isr[8], tmr[8];        /* bit v%32 of word v/32 */

	/* The timer: elapsed bus ticks = ticks_before + (now - start) >> shift. */
	uint32_t divide_config, initial_count;
	unsigned shift;
	uint64_t start_ns, ticks_before, next_fire_ns;
	bool timer_armed;

	/* A level-triggered vector was EOIed: the I/O APICs must hear of it. */
	void (*eoi_broadcast)(void *ctx, uint8_t vector);
	void *eoi_ctx;
};

/* Power-on state of the bootstrap processor's APIC (ID 0). */
void lapic_init(struct lapic *l);

/* A guest read of the 4 bytes at OFFSET in the APIC page, at time NOW. */
uint32_t lapic_read(struct lapic *l, uint32_t offset, uint64_t now);

/* A guest write of the 4 bytes VAL at OFFSET, at time NOW. */
void lapic_write(struct lapic *l, uint32_t offset, uint32_t val, uint64_t now);

/* An interrupt message for VECTOR arrives (fixed delivery); LEVEL: level-triggered. */
void lapic_accept(struct lapic *l, uint8_t vector, bool level);

/* Does a message to DEST (physical or LOGICAL) reach this APIC? */
bool lapic_is_destination(const struct lapic *l, uint8_t dest, bool logical);

/* The vector the CPU would take now (highest IRR above the priority), or -1. */
int lapic_pending_vector(const struct lapic *l);

/* The CPU takes it: IRR -> ISR.  Nothing deliverable: the spurious vector. */
int lapic_acknowledge(struct lapic *l);

/* Is LINT0 set up to pass the 8259's INTR through (unmasked ExtINT)? */
bool lapic_accepts_pic(const struct lapic *l);

/* Let time pass until NOW: a timer that ran out interrupts. */
void lapic_advance(struct lapic *l, uint64_t now);

/* When the timer next runs out (<= NOW: it already has), or LAPIC_NO_DEADLINE. */
uint64_t lapic_next_deadline(const struct lapic *l, uint64_t now);

#endif
