/*
 * memory_insn.h - emulating an instruction whose memory access faulted.
 */
#ifndef VMM_MEMORY_INSN_H
#define VMM_MEMORY_INSN_H

#include "emulate.h"

/*
 * Carry out D, an ordinary instruction that reads or writes memory, on the
 * vcpu, with every memory access through the guest-memory door (so writes
 * to traced page tables reach the shadow and device addresses reach the
 * bus).  EMU_NOT_MINE if D is not one this emulator knows: the caller then
 * falls back (stop tracing the frame, or stop the guest for MMIO).
 */
enum emulate_result emulate_memory_insn(struct vcpu *v,
					const struct decoded *d);

#endif
