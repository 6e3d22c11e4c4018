/*
 * cpu_tables.h - the monitor's GDT slots, TSS and IDT.
 */
#ifndef VMM_CPU_TABLES_H
#define VMM_CPU_TABLES_H

#include "trap.h"

void cpu_tables_init(void);

/* Where the guest's trap frame sits: the top of the exit stack. */
extern struct trap_frame *const exit_frame;

#endif
