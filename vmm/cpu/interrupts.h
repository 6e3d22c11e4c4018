/*
 * interrupts.h - delivering interrupts and exceptions to the guest.
 */
#ifndef VMM_INTERRUPTS_H
#define VMM_INTERRUPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "vcpu.h"

/* How the event arose: the gate DPL check applies to software ones only. */
enum event_kind {
	EV_EXCEPTION,       /* a fault or trap the guest's code raised */
	EV_SOFTWARE,        /* int n, int3, into */
	EV_EXTERNAL,        /* a virtual hardware interrupt */
};

struct guest_event {
	uint8_t vector;
	enum event_kind kind;
	bool has_error;
	uint32_t error;
	uint32_t return_eip;    /* EIP the frame records */
};

/*
 * Deliver EV through the guest's IDT, as the CPU would: build the frame on
 * the guest stack and point the vcpu at the handler.  A failure to deliver
 * becomes #GP/#NP/#DF as the SDM says; a third fault stops the guest.
 */
void deliver_event(struct vcpu *v, const struct guest_event *ev);

/* Reflect exception VECTOR (with ERROR if HAS_ERROR) at the current EIP. */
void reflect_exception(struct vcpu *v, uint8_t vector, bool has_error,
		       uint32_t error);

#endif
