/*
 * ostrap.h - the OS kernel's answer to every trap (ostrap.c).
 */
#ifndef GUEST_OSTRAP_H
#define GUEST_OSTRAP_H

#include <stdint.h>

/* Install the IDT with the OS's handler for every vector. */
void ostrap_init(void);

/* Expect exception `vector` in kernel mode and resume at `resume_eip` when
 * it comes (kbench.c provokes faults on purpose); vector -1: expect none. */
void ostrap_expect_kernel_fault(int vector, uint32_t resume_eip);

#endif /* GUEST_OSTRAP_H */
