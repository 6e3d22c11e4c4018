/*
 * ioapic.h - the I/O APIC: device interrupt lines to vectors (ioapic.c).
 */
#ifndef GUEST_IOAPIC_H
#define GUEST_IOAPIC_H

#include <stdint.h>

#include "paging.h"

/* Take over the I/O APIC whose registers are at `pa` (mapped with
 * vm_map_mmio), with MP-table ID `id`: mask every pin. */
void ioapic_init(physaddr_t pa, uint8_t id);

/* Route ISA line `irq` (not 0) to `vector` on the CPU whose local APIC ID is
 * `dest`: edge triggered, active high, and let it through. */
void ioapic_route(uint32_t irq, uint32_t vector, uint8_t dest);

#endif /* GUEST_IOAPIC_H */
