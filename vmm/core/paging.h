/*
 * paging.h - the monitor's side of the shadow MMU seam (shadow/shadow.h).
 */
#ifndef VMM_PAGING_H
#define VMM_PAGING_H

#include "../../shadow/shadow.h"
#include "../cpu/vcpu.h"

extern struct shadow_mmu *the_shadow;

/*
 * Carve MIB MiB of guest RAM out of machine memory, create the shadow MMU
 * with POLICY and a budget of BUDGET_FRAMES shadow tables, build the real
 * root page table, switch to it, and connect the vcpu's guest-memory door.
 */
void paging_init(struct vcpu *v, uint64_t mib, enum shadow_policy policy,
		 unsigned budget_frames);

/* A #PF exit: hidden, true, MMIO or traced write, handled. */
void paging_page_fault(struct vcpu *v);

/* Write the shadow's counters into the report. */
void paging_report(void);

#endif
