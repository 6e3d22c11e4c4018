/*
 * intr.h - device interrupts: which controllers deliver them (intr.c).
 *
 * Whichever path intr_init takes, ISA line n arrives on vector
 * PIC_VECTOR_BASE + n, and the timer on PIC_VECTOR_BASE + IRQ_TIMER.
 */
#ifndef GUEST_INTR_H
#define GUEST_INTR_H

#include <stdint.h>

/* Choose the interrupt controllers (the APICs if the MP table lists them,
 * else the 8259s), say which on the console, mask every device line, and
 * start the timer at TIMER_HZ. */
void intr_init(void);

/* Let ISA line `irq` (not the timer's) interrupt. */
void intr_enable(uint32_t irq);

/* Acknowledge interrupt `irq` (IRQ_TIMER for the timer). */
void intr_eoi(uint32_t irq);

/* Return 1 if the interrupt on line `irq` is spurious and must not be
 * acknowledged with intr_eoi (anything it needs has been done). */
int intr_is_spurious(uint32_t irq);

#endif /* GUEST_INTR_H */
