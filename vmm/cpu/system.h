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

#endif
