/*
 * tss.h - the task state segment (tss.c).
 */
#ifndef GUEST_TSS_H
#define GUEST_TSS_H

#include <stdint.h>

/* Install the TSS (in the GDT and the task register). */
void tss_init(void);

/* Make `esp0` the stack the CPU switches to on entry from user mode. */
void tss_set_kernel_stack(uint32_t esp0);

#endif /* GUEST_TSS_H */
