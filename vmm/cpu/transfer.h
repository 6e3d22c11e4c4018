/*
 * transfer.h - control transfers that cross the monitor: iret, int n.
 */
#ifndef VMM_TRANSFER_H
#define VMM_TRANSFER_H

#include "emulate.h"

/*
 * iret or iretw executed by the guest kernel (it faulted: #GP or #NP).  At
 * guest CPL 3 the fault is the guest's own: EMU_NOT_MINE, to be reflected.
 */
enum emulate_result emulate_iret(struct vcpu *v, const struct decoded *d);

/* retf / retf imm16 (or lretw) by the guest kernel (#GP or #NP); as iret. */
enum emulate_result emulate_retf(struct vcpu *v, const struct decoded *d);

/* sysenter from guest user mode; sysexit from the guest kernel. */
enum emulate_result emulate_sysenter(struct vcpu *v, const struct decoded *d);
enum emulate_result emulate_sysexit(struct vcpu *v, const struct decoded *d);

/* int n, int3, into: a software interrupt through the guest's IDT. */
enum emulate_result emulate_int(struct vcpu *v, const struct decoded *d);

#endif
