/*
 * pit.h - the timer: an 8254 PIT at TIMER_HZ (pit.c), and the tick count
 * (whichever timer ticks: see intr.c).
 */
#ifndef GUEST_PIT_H
#define GUEST_PIT_H

#include <stdint.h>

#define TIMER_HZ 100
#define IRQ_TIMER 0

/* Start channel 0 interrupting TIMER_HZ times a second (IRQ 0). */
void pit_init(void);

/* The timer interrupt: count a tick. */
void pit_tick(void);

/* Return the ticks since pit_init. */
uint32_t pit_ticks(void);

#endif /* GUEST_PIT_H */
