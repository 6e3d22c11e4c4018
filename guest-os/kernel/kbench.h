/*
 * kbench.h - the kernel-level benchmarks (kbench.c).
 */
#ifndef GUEST_KBENCH_H
#define GUEST_KBENCH_H

/* Run every kernel-level benchmark and print one "bench k.NAME" line each.
 * Needs traps and the kernel page directory set up, and no process yet. */
void kbench_run_all(void);

#endif /* GUEST_KBENCH_H */
