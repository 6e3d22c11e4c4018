/*
 * operands.h - reading and writing the operands of a decoded instruction.
 *
 * Capstone names an instruction's operands (registers, memory, immediates);
 * these functions give them the values they have in the guest, through the
 * trap frame for registers and through the guest-memory door for memory.
 * A memory access the guest's CPU would have faulted on is turned into that
 * fault here, so emulation code only ever sees success.
 */
#ifndef VMM_OPERANDS_H
#define VMM_OPERANDS_H

#include <stdbool.h>

#include "decode.h"
#include "emulate.h"

/* Deliver #GP(0) to the guest for the instruction being emulated: what a
 * privileged instruction at CPL 3, or a reserved bit, raises. */
enum emulate_result reflect_gp0(struct vcpu *v);

/* Step EIP over the decoded instruction D. */
void advance(struct vcpu *v, const struct decoded *d);

/* The value of general or segment register R as the guest sees it. */
uint32_t reg_read(const struct vcpu *v, x86_reg r);

/* Write VAL to general register R with the CPU's partial-register rules. */
void reg_write(struct vcpu *v, x86_reg r, uint32_t val);

/* Linear address of memory operand OP (segment base included). */
uint32_t mem_operand_address(const struct vcpu *v, const cs_x86_op *op);

/*
 * Read OP (register, memory or immediate) of SIZE bytes into *VAL.  Returns
 * false if a memory operand faulted: the fault has then been delivered to
 * the guest (or the guest stopped), and the instruction must not complete.
 */
bool operand_read(struct vcpu *v, const cs_x86_op *op, unsigned size,
		  uint32_t *val);

/* Write VAL (SIZE bytes) to OP, register or memory; false as operand_read. */
bool operand_write(struct vcpu *v, const cs_x86_op *op, unsigned size,
		   uint32_t val);

/*
 * The selector a `pop Sreg` (D) takes from the top of the guest stack, and
 * ESP after it: the pop moves 2 bytes with an operand-size prefix, else 4,
 * of which the selector is the low 2 (SDM vol. 2, POP).  False if the read
 * faulted (delivered, as for operands).
 */
bool pop_selector(struct vcpu *v, const struct decoded *d, uint16_t *sel,
		  uint32_t *esp_after);

/* Read or write LEN bytes of linear memory for the instruction being
 * emulated; false (fault delivered) on failure, as for operands. */
bool guest_read(struct vcpu *v, uint32_t gva, void *buf, unsigned len);
bool guest_write(struct vcpu *v, uint32_t gva, const void *buf, unsigned len);

#endif
