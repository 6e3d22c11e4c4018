/*
 * memory_insn.c - the instructions that write page tables or touch devices.
 *
 * A write to a guest page table that the shadow traces, and any access to
 * device memory, faults into the monitor, which must then do what the
 * instruction does - exactly, flags included - with the access redirected
 * (to shadow_emulated_write, or to the device bus).  The instructions that
 * kernels use for this are few: mov, movzx/movsx, xchg, the ALU operations
 * (with and without lock), inc/dec/not/neg, bt/bts/btr/btc, cmpxchg, and
 * stos/movs with or without rep.  Every memory access here goes through
 * operands.c, i.e. the guest-memory door, so the redirection is automatic.
 *
 * The arithmetic flags come from the real ALU: the monitor executes the
 * same operation on the same values with the guest's flags loaded, and keeps
 * the flags it produced.  Nothing else of RFLAGS is touched.
 */
#include "memory_insn.h"

#include <string.h>

#include "../core/x86.h"
#include "debugreg.h"
#include "operands.h"
#include "segments.h"

#define ARITH_FLAGS (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

/*
 * The instruction "NAME SUFFIX s, d" with the guest's flags F loaded before
 * and read back after; D and S in registers of the width the operand
 * modifiers (B, W, K: 8, 16, 32 bits) and constraint C name.
 */
#define ALU2_AS(name, sfx, mod, c)                                         \
	__asm__("pushq %[f]; popfq; " #name #sfx " %" #mod "[s], %"          \
		#mod "[d]; pushfq; popq %[f]"                               \
		: [d] "+" c(d), [f] "+r"(f) : [s] c(s) : "cc")

/* Two-operand ALU instruction NAME, 16- or 32-bit (bt* have no 8-bit form). */
#define ALU2_WL(ID, name)                                                  \
	case ID:                                                           \
		if (size == 2)                                             \
			ALU2_AS(name, w, w, "r");                          \
		else                                                       \
			ALU2_AS(name, l, k, "r");                          \
		break

/* Two-operand ALU instruction NAME on SIZE bytes, flags F in and out. */
#define ALU2(ID, name)                                                     \
	case ID:                                                           \
		if (size == 1)                                             \
			ALU2_AS(name, b, b, "q");                          \
		else if (size == 2)                                        \
			ALU2_AS(name, w, w, "r");                          \
		else                                                       \
			ALU2_AS(name, l, k, "r");                          \
		break

/* One-operand ALU instruction NAME on SIZE bytes. */
#define ALU1(ID, name)                                                     \
	case ID:                                                           \
		if (size == 1)                                             \
			__asm__("pushq %[f]; popfq; " #name "b %b[d]; "     \
				"pushfq; popq %[f]"                        \
				: [d] "+q"(d), [f] "+r"(f) : : "cc");       \
		else if (size == 2)                                        \
			__asm__("pushq %[f]; popfq; " #name "w %w[d]; "     \
				"pushfq; popq %[f]"                        \
				: [d] "+r"(d), [f] "+r"(f) : : "cc");       \
		else                                                       \
			__asm__("pushq %[f]; popfq; " #name "l %k[d]; "     \
				"pushfq; popq %[f]"                        \
				: [d] "+r"(d), [f] "+r"(f) : : "cc");       \
		break

/*
 * D OP S on SIZE bytes as the CPU computes it; *FLAGS carries the guest's
 * arithmetic flags in and out.  Returns the result.
 */
static uint32_t alu(unsigned id, unsigned size, uint32_t d, uint32_t s,
		    uint64_t *flags)
{
	uint64_t host;
	uint64_t f;

	__asm__ volatile("pushfq; popq %0" : "=r"(host));
	f = (host & ~(uint64_t)ARITH_FLAGS) | (*flags & ARITH_FLAGS);
	switch (id) {
	ALU2(X86_INS_ADD, add);
	ALU2(X86_INS_ADC, adc);
	ALU2(X86_INS_SUB, sub);
	ALU2(X86_INS_SBB, sbb);
	ALU2(X86_INS_AND, and);
	ALU2(X86_INS_OR, or);
	ALU2(X86_INS_XOR, xor);
	ALU2(X86_INS_CMP, cmp);
	ALU2(X86_INS_TEST, test);
	ALU2_WL(X86_INS_BT, bt);
	ALU2_WL(X86_INS_BTS, bts);
	ALU2_WL(X86_INS_BTR, btr);
	ALU2_WL(X86_INS_BTC, btc);
	ALU1(X86_INS_INC, inc);
	ALU1(X86_INS_DEC, dec);
	ALU1(X86_INS_NOT, not);
	ALU1(X86_INS_NEG, neg);
	default:
		break;
	}
	*flags = (*flags & ~(uint64_t)ARITH_FLAGS) | (f & ARITH_FLAGS);
	return d;
}

static uint32_t size_mask(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

/* Whether instruction ID writes its first operand back. */
static bool writes_destination(unsigned id)
{
	return id != X86_INS_CMP && id != X86_INS_TEST && id != X86_INS_BT;
}

/* op1 OP= op2 (or op1 OP op2 for cmp/test/bt; OP op1 for one operand). */
static enum emulate_result emulate_alu(struct vcpu *v, const struct decoded *d)
{
	const cs_x86_op *dst = &d->x86->operands[0];
	const cs_x86_op *src = d->x86->op_count > 1 ? &d->x86->operands[1] : NULL;
	unsigned size = dst->size, id = d->insn->id;
	uint32_t a, b = 0, r;

	if (size != 1 && size != 2 && size != 4)
		return EMU_NOT_MINE;
	if ((id == X86_INS_BT || id == X86_INS_BTS || id == X86_INS_BTR ||
	     id == X86_INS_BTC) && src->type == X86_OP_REG && dst->type == X86_OP_MEM &&
	    reg_read(v, src->reg) >= size * 8)
		return EMU_NOT_MINE;    /* a bit string beyond the operand */
	if (!operand_read(v, dst, size, &a) ||
	    (src && !operand_read(v, src, src->size, &b)))
		return EMU_DONE;
	r = alu(id, size, a, b & size_mask(src ? src->size : 4), &v->tf->rflags);
	if (writes_destination(id) &&
	    !operand_write(v, dst, size, r & size_mask(size)))
		return EMU_DONE;
	advance(v, d);
	return EMU_DONE;
}

/* mov, movzx, movsx: one read, one write. */
static enum emulate_result emulate_mov(struct vcpu *v, const struct decoded *d)
{
	const cs_x86_op *dst = &d->x86->operands[0];
	const cs_x86_op *src = &d->x86->operands[1];
	uint32_t val;

	if (!operand_read(v, src, src->size, &val))
		return EMU_DONE;
	val &= size_mask(src->size);
	if (d->insn->id == X86_INS_MOVSX && src->size < 4 &&
	    (val & (1u << (src->size * 8 - 1))))
		val |= ~size_mask(src->size);
	if (operand_write(v, dst, dst->size, val & size_mask(dst->size)))
		advance(v, d);
	return EMU_DONE;
}

static enum emulate_result emulate_xchg(struct vcpu *v, const struct decoded *d)
{
	const cs_x86_op *a = &d->x86->operands[0], *b = &d->x86->operands[1];
	uint32_t va, vb;

	if (!operand_read(v, a, a->size, &va) || !operand_read(v, b, b->size, &vb))
		return EMU_DONE;
	/* The memory operand is written first: if it faults, nothing changed. */
	if (a->type == X86_OP_MEM) {
		if (!operand_write(v, a, a->size, vb))
			return EMU_DONE;
		operand_write(v, b, b->size, va);
	} else {
		if (!operand_write(v, b, b->size, va))
			return EMU_DONE;
		operand_write(v, a, a->size, vb);
	}
	advance(v, d);
	return EMU_DONE;
}

/* cmpxchg r/m, r: if accumulator == r/m then r/m = r else accumulator = r/m. */
static enum emulate_result emulate_cmpxchg(struct vcpu *v,
					   const struct decoded *d)
{
	const cs_x86_op *dst = &d->x86->operands[0];
	const cs_x86_op *src = &d->x86->operands[1];
	unsigned size = dst->size;
	x86_reg acc = size == 1 ? X86_REG_AL : size == 2 ? X86_REG_AX
							: X86_REG_EAX;
	uint32_t cur, newv, expect = reg_read(v, acc);

	if (!operand_read(v, dst, size, &cur) ||
	    !operand_read(v, src, size, &newv))
		return EMU_DONE;
	alu(X86_INS_CMP, size, expect, cur, &v->tf->rflags);
	if (v->tf->rflags & FL_ZF) {
		if (!operand_write(v, dst, size, newv))
			return EMU_DONE;
	} else {
		/* The CPU writes the old value back (a locked RMW cycle). */
		if (!operand_write(v, dst, size, cur))
			return EMU_DONE;
		reg_write(v, acc, cur);
	}
	advance(v, d);
	return EMU_DONE;
}

/*
 * rep stos upwards, a page at a time: one write per page (and so one
 * shadow_emulated_write) instead of one per element.  Zeroing a page table
 * this way is what a kernel does after every fork and exit.  A fault on a
 * page leaves ECX and EDI at the first element of that page, and EIP on the
 * instruction, as the CPU would.  Not taken while the guest single-steps or
 * has breakpoints armed: their traps come after each iteration.
 */
static enum emulate_result emulate_rep_stos_forward(struct vcpu *v,
						    const struct decoded *d,
						    unsigned size,
						    uint32_t es_base)
{
	static uint8_t chunk[GUEST_PAGE_SIZE];
	uint32_t val = (uint32_t)v->tf->rax;

	while ((uint32_t)v->tf->rcx != 0) {
		uint32_t edi = (uint32_t)v->tf->rdi;
		uint32_t lin = es_base + edi;
		uint32_t room = (GUEST_PAGE_SIZE - (lin & (GUEST_PAGE_SIZE - 1))) /
				size;
		uint32_t n = (uint32_t)v->tf->rcx < room ? (uint32_t)v->tf->rcx
							 : room;

		if (n == 0)
			n = 1;                  /* an element across the page */
		for (uint32_t i = 0; i < n; i++)
			memcpy(chunk + i * size, &val, size);
		if (!guest_write(v, lin, chunk, n * size))
			return EMU_DONE;
		v->tf->rdi = (uint32_t)(edi + n * size);
		v->tf->rcx = (uint32_t)(v->tf->rcx - n);
	}
	advance(v, d);
	return EMU_DONE;
}

/*
 * stos and movs, with or without rep: element by element, so that a fault
 * part-way leaves ECX/ESI/EDI where the CPU would, and EIP on the
 * instruction to restart it.
 */
static enum emulate_result emulate_string(struct vcpu *v,
					  const struct decoded *d)
{
	unsigned size = d->x86->operands[0].size;      /* the element */
	/* F2 repeats stos and movs just as F3 does. */
	bool rep = d->x86->prefix[0] == X86_PREFIX_REP ||
		   d->x86->prefix[0] == X86_PREFIX_REPNE;
	bool movs = d->insn->id == X86_INS_MOVSB || d->insn->id == X86_INS_MOVSW ||
		    d->insn->id == X86_INS_MOVSD;
	int32_t step = (v->tf->rflags & FL_DF) ? -(int32_t)size : (int32_t)size;
	uint16_t es;

	if (d->x86->prefix[3] == X86_PREFIX_ADDRSIZE ||
	    (d->x86->prefix[2] == X86_PREFIX_OPSIZE && size == 4))
		return EMU_NOT_MINE;
	for (unsigned i = 0; movs && i < d->x86->op_count; i++)
		if (d->x86->operands[i].type != X86_OP_MEM)
			return EMU_NOT_MINE;    /* SSE movsd shares the id */
	__asm__("mov %%es, %0" : "=r"(es));
	if (rep && !movs && step > 0 && !v->exit.guest_tf &&
	    !(v->dr[7] & DR7_ENABLES))
		return emulate_rep_stos_forward(v, d, size, seg_base(v, es));
	while (!rep || (uint32_t)v->tf->rcx != 0) {
		uint32_t val = (uint32_t)v->tf->rax;
		uint32_t edi = (uint32_t)v->tf->rdi, esi = (uint32_t)v->tf->rsi;

		if (movs && !guest_read(v, mem_operand_address(v, &d->x86->operands[1]),
					&val, size))
			return EMU_DONE;
		if (!guest_write(v, seg_base(v, es) + edi, &val, size))
			return EMU_DONE;
		v->tf->rdi = (uint32_t)(edi + step);
		if (movs)
			v->tf->rsi = (uint32_t)(esi + step);
		if (!rep)
			break;
		v->tf->rcx = (uint32_t)(v->tf->rcx - 1);
		if ((v->exit.guest_tf || v->exit.db_hits) &&
		    (uint32_t)v->tf->rcx != 0) {
			/* a debug trap after this iteration, EIP still on the
			 * instruction (SDM vol. 3B 17.3.1.2) */
			v->exit.stepped = true;
			return EMU_DONE;
		}
	}
	advance(v, d);
	return EMU_DONE;
}

enum emulate_result emulate_memory_insn(struct vcpu *v, const struct decoded *d)
{
	v->exit.insn_id = d->insn->id;
	switch (d->insn->id) {
	case X86_INS_MOV: case X86_INS_MOVZX: case X86_INS_MOVSX:
		return emulate_mov(v, d);
	case X86_INS_XCHG:
		return emulate_xchg(v, d);
	case X86_INS_CMPXCHG:
		return emulate_cmpxchg(v, d);
	case X86_INS_ADD: case X86_INS_ADC: case X86_INS_SUB:
	case X86_INS_SBB: case X86_INS_AND: case X86_INS_OR:
	case X86_INS_XOR: case X86_INS_CMP: case X86_INS_TEST:
	case X86_INS_INC: case X86_INS_DEC: case X86_INS_NOT:
	case X86_INS_NEG: case X86_INS_BT: case X86_INS_BTS:
	case X86_INS_BTR: case X86_INS_BTC:
		return emulate_alu(v, d);
	case X86_INS_STOSB: case X86_INS_STOSW: case X86_INS_STOSD:
	case X86_INS_MOVSB: case X86_INS_MOVSW: case X86_INS_MOVSD:
		return emulate_string(v, d);
	default:
		v->exit.insn_id = 0;
		return EMU_NOT_MINE;
	}
}
