/*
 * vtime.h - the monitor's clock (the TSC) and alarm (the machine's PIT).
 */
#ifndef VMM_VTIME_H
#define VMM_VTIME_H

#include <stdint.h>

/* The machine's timer interrupt, once the PICs are remapped. */
#define VTIME_IRQ_VECTOR 32

/* Measure the TSC against the PIT; start the clock at 0. */
void vtime_init(void);

/* Nanoseconds since vtime_init(), from the TSC. */
uint64_t vtime_now_ns(void);

/* Make the machine's timer interrupt at DEADLINE_NS (or as close as it can). */
void vtime_arm(uint64_t deadline_ns);

/* The timer interrupt was taken: acknowledge it at the machine's PIC. */
void vtime_ack(void);

/* Whether the machine's timer interrupt is pending (raised, not yet taken). */
int vtime_pending(void);

/* TSC ticks per second, as measured. */
uint64_t vtime_tsc_hz(void);

#endif
