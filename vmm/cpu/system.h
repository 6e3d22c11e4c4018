/*
 * system.h - the system instructions: control registers, descriptor-table
 * and task registers, model-specific registers, caches and TLB.
 */
#ifndef VMM_SYSTEM_H
#define VMM_SYSTEM_H

#include "emulate.h"

/* The virtual CPU's registers at reset into the multiboot state. */
void system_init(struct vcpu *v);

/* Handle D if it is a system instruction; EMU_NOT_MINE otherwise. */
enum emulate_result emulate_system(struct vcpu *v, const struct decoded *d);

/*
 * stac or clac D raised #UD: they need CPL 0 (SDM vol. 2, STAC/CLAC), so
 * at CPL 1 they fault whatever CR4.SMAP says.  At the guest's CPL 0, on a
 * CPU model with SMAP, set or clear the guest's EFLAGS.AC (a lock prefix is
 * ignored, as QEMU 7.2 does); otherwise the #UD is the guest's own
 * (EMU_NOT_MINE).
 */
enum emulate_result emulate_stac_clac(struct vcpu *v, const struct decoded *d);

#endif
