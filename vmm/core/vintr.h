/*
 * vintr.h - virtual interrupts: time passing, delivery, and waiting.
 */
#ifndef VMM_VINTR_H
#define VMM_VINTR_H

#include "../cpu/vcpu.h"

/* Start the clock and connect it to the devices. */
void vintr_init(void);

/*
 * At the end of every exit: let virtual time pass, deliver the interrupt
 * the devices want if the guest can take it, and arm the alarm for the
 * next device deadline.
 */
void vintr_before_resume(struct vcpu *v);

/* The machine's timer interrupt was the exit's cause. */
void vintr_timer_exit(struct vcpu *v);

/*
 * The guest executed hlt with IF set: wait, with the machine halted, until
 * an interrupt is pending for it.  Never returns to a guest with nothing
 * to do.
 */
void vintr_halt(struct vcpu *v);

/*
 * The guest just set IF (sti) or loaded SS: interrupts must wait one
 * instruction (the interrupt shadow).  If one is pending at the end of the
 * exit, that instruction is single-stepped so the monitor gets control
 * right after it.
 */
void vintr_after_sti(struct vcpu *v);

/*
 * At the start of every exit: end the single step vintr_after_sti began.
 * True if this exit (a #DB, VECTOR) was that step, which the guest must
 * not see; false otherwise.
 */
bool vintr_step_done(struct vcpu *v, unsigned vector);

/* Whether the monitor is halted in vintr_halt (a timer trap at CPL 0 is
 * then expected). */
extern volatile bool vintr_idle;

#endif
