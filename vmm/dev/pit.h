/*
 * pit.h - the 8254 programmable interval timer, and port 0x61's view of it.
 *
 * Ports:
 *   0x40-0x42  counters 0-2 (byte access: LSB, MSB, or LSB then MSB)
 *   0x43       control word (write only)
 *   0x61       system control port B: bit 0 gate 2, bit 1 speaker data,
 *              bit 4 refresh toggle, bit 5 OUT2
 *
 * Counter 0's OUT is ISA IRQ 0; counter 1 (DRAM refresh) is modelled but
 * wired to nothing; counter 2's gate and OUT are bits of port 0x61.
 * Time is virtual: every call takes NOW in nanoseconds and the counters
 * count at 1.193182 MHz of it.
 */
#ifndef VMM_DEV_PIT_H
#define VMM_DEV_PIT_H

#include <stdbool.h>
#include <stdint.h>

#include "irq.h"

#define PIT_PORT_COUNTER0 0x40
#define PIT_PORT_CONTROL  0x43
#define PIT_PORT_SYSCTL_B 0x61
#define PIT_HZ            1193182u
#define PIT_NO_DEADLINE   UINT64_MAX

struct pit_counter {
	uint8_t mode;                   /* 0-5 */
	uint8_t access;                 /* RW of the control word: 1 LSB, 2 MSB, 3 both */
	bool bcd;
	uint32_t reload;                /* N: 1-65536 binary, 1-10000 BCD */
	bool loaded;                    /* a count has been written since the control word */
	bool triggered;                 /* modes 1 and 5: a gate edge started counting */
	bool null_count;                /* status bit 6 */
	bool gate;

	/* Elapsed clock ticks since the count was loaded: base + run time. */
	uint64_t base_ticks;
	uint64_t run_since_ns;

	/* Byte-wise access state. */
	bool write_msb_next, read_msb_next;
	uint8_t write_lsb;
	bool count_latched, count_latch_msb_next, status_latched;
	uint16_t count_latch;
	uint8_t status_latch;

	uint64_t seen_ticks;            /* elapsed ticks when OUT was last reported */
};

struct pit {
	struct pit_counter counter[3];
	uint8_t sysctl_b;               /* port 0x61 bits 0-3 as written */
	uint8_t refresh_toggle;         /* bit 4 of port 0x61, flips per read */
	struct irq_line irq0;
};

/* Power-on at time NOW: counters in mode 3 counting 65536; gates 0 and 1 high. */
void pit_init(struct pit *pit, struct irq_line irq0, uint64_t now);

/* A guest read of the byte at PORT (0x40-0x43 or 0x61) at time NOW. */
uint8_t pit_read(struct pit *pit, uint16_t port, uint64_t now);

/* A guest write of byte VAL at PORT at time NOW. */
void pit_write(struct pit *pit, uint16_t port, uint8_t val, uint64_t now);

/* Let time pass until NOW: raise IRQ 0 for an OUT0 rising edge since last time. */
void pit_advance(struct pit *pit, uint64_t now);

/* When the next OUT0 rising edge happens (> NOW), or PIT_NO_DEADLINE. */
uint64_t pit_next_deadline(const struct pit *pit, uint64_t now);

/* Counter I's OUT at NOW (for tests and port 0x61). */
bool pit_out(const struct pit *pit, unsigned i, uint64_t now);

#endif
