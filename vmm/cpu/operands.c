/*
 * operands.c - operand access for the emulator (see operands.h).
 */
#include "operands.h"

#include "debugreg.h"
#include "interrupts.h"
#include "segments.h"

enum emulate_result reflect_gp0(struct vcpu *v)
{
	reflect_exception(v, EXC_GP, true, 0);
	return EMU_DONE;
}

/* The instruction completed: EIP past it, and RF clear (the CPU clears it
 * after every instruction; a fault left it set in the frame). */
void advance(struct vcpu *v, const struct decoded *d)
{
	v->tf->rip = (uint32_t)(v->tf->rip + d->insn->size);
	v->tf->rflags &= ~(uint64_t)FL_RF;
	v->exit.stepped = true;
}

/* The trap-frame slot holding the 32-bit register family of R, or NULL. */
static uint64_t *gpr_slot(struct trap_frame *tf, x86_reg r)
{
	switch (r) {
	case X86_REG_EAX: case X86_REG_AX: case X86_REG_AL: case X86_REG_AH:
		return &tf->rax;
	case X86_REG_EBX: case X86_REG_BX: case X86_REG_BL: case X86_REG_BH:
		return &tf->rbx;
	case X86_REG_ECX: case X86_REG_CX: case X86_REG_CL: case X86_REG_CH:
		return &tf->rcx;
	case X86_REG_EDX: case X86_REG_DX: case X86_REG_DL: case X86_REG_DH:
		return &tf->rdx;
	case X86_REG_ESI: case X86_REG_SI: return &tf->rsi;
	case X86_REG_EDI: case X86_REG_DI: return &tf->rdi;
	case X86_REG_EBP: case X86_REG_BP: return &tf->rbp;
	case X86_REG_ESP: case X86_REG_SP: return &tf->rsp;
	default: return NULL;
	}
}

/* Which bytes of the 32-bit register R names: shift and width in bits. */
static void reg_part(x86_reg r, unsigned *shift, unsigned *bits)
{
	*shift = 0;
	switch (r) {
	case X86_REG_AH: case X86_REG_BH: case X86_REG_CH: case X86_REG_DH:
		*shift = 8; *bits = 8; return;
	case X86_REG_AL: case X86_REG_BL: case X86_REG_CL: case X86_REG_DL:
		*bits = 8; return;
	case X86_REG_AX: case X86_REG_BX: case X86_REG_CX: case X86_REG_DX:
	case X86_REG_SI: case X86_REG_DI: case X86_REG_BP: case X86_REG_SP:
		*bits = 16; return;
	default:
		*bits = 32; return;
	}
}

/* The selector loaded in segment register R, as the guest would read it. */
static uint16_t segment_selector(const struct vcpu *v, x86_reg r)
{
	uint16_t sel;

	switch (r) {
	case X86_REG_CS: return virtual_cs(v);
	case X86_REG_SS: return virtual_ss(v);
	case X86_REG_ES: __asm__("mov %%es, %0" : "=r"(sel)); return sel;
	case X86_REG_FS: __asm__("mov %%fs, %0" : "=r"(sel)); return sel;
	case X86_REG_GS: __asm__("mov %%gs, %0" : "=r"(sel)); return sel;
	default:         __asm__("mov %%ds, %0" : "=r"(sel)); return sel;
	}
}

uint32_t reg_read(const struct vcpu *v, x86_reg r)
{
	uint64_t *slot = gpr_slot(v->tf, r);
	unsigned shift, bits;

	if (!slot)
		return segment_selector(v, r);
	reg_part(r, &shift, &bits);
	return (uint32_t)(*slot >> shift) &
	       (bits == 32 ? 0xffffffffu : (1u << bits) - 1);
}

void reg_write(struct vcpu *v, x86_reg r, uint32_t val)
{
	uint64_t *slot = gpr_slot(v->tf, r);
	unsigned shift, bits;
	uint64_t mask;

	if (!slot)
		return;
	reg_part(r, &shift, &bits);
	if (bits == 32) {
		*slot = val;            /* a 32-bit write zero-extends */
		return;
	}
	mask = ((1ull << bits) - 1) << shift;
	*slot = (*slot & ~mask) | (((uint64_t)val << shift) & mask);
}

uint32_t mem_operand_address(const struct vcpu *v, const cs_x86_op *op)
{
	uint32_t a = (uint32_t)op->mem.disp;
	x86_reg seg = op->mem.segment;

	if (op->mem.base != X86_REG_INVALID)
		a += reg_read(v, op->mem.base);
	if (op->mem.index != X86_REG_INVALID)
		a += reg_read(v, op->mem.index) * (uint32_t)op->mem.scale;
	if (seg == X86_REG_INVALID)
		seg = (op->mem.base == X86_REG_ESP || op->mem.base == X86_REG_EBP)
			      ? X86_REG_SS : X86_REG_DS;
	if (seg == X86_REG_CS)
		return seg_base(v, (uint16_t)v->tf->cs) + a;
	return seg_base(v, segment_selector(v, seg)) + a;
}

/* A guest memory access of the emulator failed: do what the CPU would. */
static bool access_failed(struct vcpu *v, enum gmem_status st,
			  const struct gmem_fault *f)
{
	if (st == GM_PAGE_FAULT) {
		v->cr2 = f->gva;
		reflect_exception(v, EXC_PF, true, f->pf_error);
		return false;
	}
	guest_fatal(v, "emulated access to guest-physical 0x%08llx, which is "
		    "not RAM (devices in memory are not emulated yet)",
		    (unsigned long long)f->gpa);
}

/* An access the monitor made for the guest's instruction: the guest's
 * data breakpoints must see it (debugreg.h). */
static void note_access(struct vcpu *v, uint32_t gva, unsigned len,
			bool write)
{
	if (v->dr[7] & DR7_ENABLES)
		v->exit.db_hits |= dr_data_hits(v->dr, gva, len, write);
}

bool pop_selector(struct vcpu *v, const struct decoded *d, uint16_t *sel,
		  uint32_t *esp_after)
{
	uint32_t esp = (uint32_t)v->tf->rsp, word = 0;
	unsigned size = d->x86->prefix[2] == X86_PREFIX_OPSIZE ? 2 : 4;

	if (!guest_read(v, seg_base(v, (uint16_t)v->tf->ss) + esp, &word, size))
		return false;
	*sel = (uint16_t)word;
	*esp_after = esp + size;
	return true;
}

bool guest_read(struct vcpu *v, uint32_t gva, void *buf, unsigned len)
{
	struct gmem_fault f;
	enum gmem_status st = gmem_read(&v->mem, gva, buf, len, guest_cpl(v),
					&f);

	note_access(v, gva, len, false);
	return st == GM_OK || access_failed(v, st, &f);
}

bool guest_write(struct vcpu *v, uint32_t gva, const void *buf, unsigned len)
{
	struct gmem_fault f;
	enum gmem_status st = gmem_write(&v->mem, gva, buf, len, guest_cpl(v),
					 &f);

	note_access(v, gva, len, true);
	return st == GM_OK || access_failed(v, st, &f);
}

bool operand_read(struct vcpu *v, const cs_x86_op *op, unsigned size,
		  uint32_t *val)
{
	*val = 0;
	switch (op->type) {
	case X86_OP_REG:
		*val = reg_read(v, op->reg);
		return true;
	case X86_OP_IMM:
		*val = (uint32_t)op->imm;
		return true;
	default:
		return guest_read(v, mem_operand_address(v, op), val, size);
	}
}

bool operand_write(struct vcpu *v, const cs_x86_op *op, unsigned size,
		   uint32_t val)
{
	if (op->type == X86_OP_REG) {
		reg_write(v, op->reg, val);
		return true;
	}
	return guest_write(v, mem_operand_address(v, op), &val, size);
}
