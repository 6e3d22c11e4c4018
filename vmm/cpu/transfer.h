/*
 * transfer.h - control transfers that cross the monitor: iret, int n.
 */
#ifndef VMM_TRANSFER_H
#define VMM_TRANSFER_H

#include "emulate.h"

/* iret executed by the guest kernel (it faulted: #GP or #NP). */
enum emulate_result emulate_iret(struct vcpu *v, const struct decoded *d);

/* int n, int3, into: a software interrupt through the guest's IDT. */
enum emulate_result emulate_int(struct vcpu *v, const struct decoded *d);

#endif
