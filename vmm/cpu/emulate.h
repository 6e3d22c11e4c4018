/*
 * emulate.h - privileged and sensitive instructions, carried out for the guest.
 */
#ifndef VMM_EMULATE_H
#define VMM_EMULATE_H

#include "decode.h"

enum emulate_result {
	EMU_DONE,           /* emulated; EIP advanced or redirected */
	EMU_NOT_MINE,       /* not a virtualization fault: reflect it */
};

/* Handle the #GP raised by the guest instruction D. */
enum emulate_result emulate_gp(struct vcpu *v, const struct decoded *d);

/* Handle the #NP raised by D: the guest kernel's return to user mode. */
enum emulate_result emulate_np(struct vcpu *v, const struct decoded *d);

/* Handle the #UD raised by D: stac or clac at the guest's CPL 0. */
enum emulate_result emulate_ud(struct vcpu *v, const struct decoded *d);

#endif
