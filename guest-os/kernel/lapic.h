/*
 * lapic.h - the CPU's local APIC: its timer, and end-of-interrupt (lapic.c).
 */
#ifndef GUEST_LAPIC_H
#define GUEST_LAPIC_H

#include <stdint.h>

#include "paging.h"

/* Enable the local APIC whose registers are at `pa` (mapped with
 * vm_map_mmio): spurious interrupts on `spurious_vector` (low four bits
 * set), LINT0, LINT1 and the error and performance entries masked, task
 * priority 0, no interrupt in service. */
void lapic_init(physaddr_t pa, uint32_t spurious_vector);

/* Return this CPU's local APIC ID. */
uint8_t lapic_id(void);

/* Start the timer interrupting `hz` times a second on `vector`, its rate
 * measured against PIT channel 2. */
void lapic_timer_start(uint32_t hz, uint32_t vector);

/* Acknowledge the interrupt being serviced. */
void lapic_eoi(void);

#endif /* GUEST_LAPIC_H */
