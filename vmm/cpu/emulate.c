/*
 * emulate.c - the life of a privileged instruction.
 *
 * The guest kernel runs at CPL 1 with IOPL 0, so every instruction that needs
 * CPL 0 (or IOPL >= CPL) raises #GP(0) and arrives here decoded.  Each
 * handler does to the vcpu what the instruction would have done to a real
 * CPU at CPL 0 - including the faults it would raise - and moves EIP past
 * it.  The dispatcher's list is the whole set handled so far; anything else
 * that raised #GP either is a genuine guest fault (reflected), or a
 * privileged instruction not yet emulated (the guest is stopped, naming it).
 */
#include "emulate.h"

#include <stdbool.h>

#include "../core/account.h"
#include "../core/log.h"
#include "../core/x86.h"
#include "../dev/bus.h"
#include "descriptor.h"
#include "interrupts.h"
#include "segments.h"

/*T:100 The life of a privileged instruction, 3: emulation.  The guest
 * kernel executed, say, `cli` at CPL 1.  The CPU refused (#GP), the monitor
 * saved the guest's registers, decoded the bytes at CS:EIP with capstone,
 * and now does what a CPU at CPL 0 would have done: clear IF - in the saved
 * RFLAGS, which become the real ones when the guest resumes - and step EIP
 * over the instruction. */
static void advance(struct vcpu *v, const struct decoded *d)
{
	v->tf->rip = (uint32_t)(v->tf->rip + d->insn->size);
}

static uint32_t reg_value(const struct vcpu *v, x86_reg r);

static enum emulate_result emulate_cli(struct vcpu *v, const struct decoded *d)
{
	v->tf->rflags &= ~(uint64_t)FL_IF;
	advance(v, d);
	return EMU_DONE;
}

static enum emulate_result emulate_sti(struct vcpu *v, const struct decoded *d)
{
	v->tf->rflags |= FL_IF;
	advance(v, d);
	return EMU_DONE;
}

/* hlt: with nothing that could ever wake the guest, stop it with a report. */
static enum emulate_result emulate_hlt(struct vcpu *v, const struct decoded *d)
{
	(void)d;
	if (!(v->tf->rflags & FL_IF))
		guest_fatal(v, "hlt with interrupts disabled (cli; hlt): the "
			    "guest can never wake up");
	guest_fatal(v, "hlt: no virtual interrupt source exists yet, the "
		    "guest would sleep forever");
}

/* The general register operand R, as the guest sees it. */
static uint32_t reg_value(const struct vcpu *v, x86_reg r)
{
	const struct trap_frame *tf = v->tf;

	switch (r) {
	case X86_REG_EAX: case X86_REG_AX: case X86_REG_AL: return (uint32_t)tf->rax;
	case X86_REG_EBX: case X86_REG_BX: case X86_REG_BL: return (uint32_t)tf->rbx;
	case X86_REG_ECX: case X86_REG_CX: case X86_REG_CL: return (uint32_t)tf->rcx;
	case X86_REG_EDX: case X86_REG_DX: case X86_REG_DL: return (uint32_t)tf->rdx;
	case X86_REG_ESI: case X86_REG_SI: return (uint32_t)tf->rsi;
	case X86_REG_EDI: case X86_REG_DI: return (uint32_t)tf->rdi;
	case X86_REG_EBP: case X86_REG_BP: return (uint32_t)tf->rbp;
	case X86_REG_ESP: case X86_REG_SP: return (uint32_t)tf->rsp;
	case X86_REG_AH: return (uint32_t)(tf->rax >> 8) & 0xff;
	case X86_REG_BH: return (uint32_t)(tf->rbx >> 8) & 0xff;
	case X86_REG_CH: return (uint32_t)(tf->rcx >> 8) & 0xff;
	case X86_REG_DH: return (uint32_t)(tf->rdx >> 8) & 0xff;
	default: return 0;
	}
}

/* Write VAL of SIZE bytes into the low part of RAX, as `in` does. */
static void set_accumulator(struct vcpu *v, unsigned size, uint32_t val)
{
	uint64_t mask = size == 4 ? 0xffffffffull : (1ull << (size * 8)) - 1;

	if (size == 4)
		v->tf->rax = val;       /* a 32-bit write zero-extends */
	else
		v->tf->rax = (v->tf->rax & ~mask) | (val & mask);
}

/* The port an in/out names: an immediate, or DX. */
static uint16_t io_port(const struct vcpu *v, const cs_x86_op *op)
{
	if (op->type == X86_OP_IMM)
		return (uint16_t)op->imm;
	return (uint16_t)reg_value(v, X86_REG_DX);
}

static enum emulate_result emulate_in(struct vcpu *v, const struct decoded *d)
{
	const cs_x86_op *dst = &d->x86->operands[0];
	unsigned size = dst->size;

	set_accumulator(v, size,
			bus_port_read(io_port(v, &d->x86->operands[1]), size));
	advance(v, d);
	return EMU_DONE;
}

static enum emulate_result emulate_out(struct vcpu *v, const struct decoded *d)
{
	const cs_x86_op *src = &d->x86->operands[1];
	uint16_t port = io_port(v, &d->x86->operands[0]);

	/* Advance first: the exit port's write never returns. */
	advance(v, d);
	bus_port_write(port, src->size, reg_value(v, src->reg));
	return EMU_DONE;
}

/* Linear address of memory operand OP (segment base included). */
static uint32_t mem_operand_address(const struct vcpu *v, const cs_x86_op *op)
{
	uint32_t a = (uint32_t)op->mem.disp;
	x86_reg seg = op->mem.segment;
	uint16_t sel;

	if (op->mem.base != X86_REG_INVALID)
		a += reg_value(v, op->mem.base);
	if (op->mem.index != X86_REG_INVALID)
		a += reg_value(v, op->mem.index) * (uint32_t)op->mem.scale;
	if (seg == X86_REG_INVALID)
		seg = (op->mem.base == X86_REG_ESP || op->mem.base == X86_REG_EBP)
			      ? X86_REG_SS : X86_REG_DS;
	switch (seg) {
	case X86_REG_SS: sel = (uint16_t)v->tf->ss; break;
	case X86_REG_CS: sel = (uint16_t)v->tf->cs; break;
	case X86_REG_ES: __asm__("mov %%es, %0" : "=r"(sel)); break;
	case X86_REG_FS: __asm__("mov %%fs, %0" : "=r"(sel)); break;
	case X86_REG_GS: __asm__("mov %%gs, %0" : "=r"(sel)); break;
	default:         __asm__("mov %%ds, %0" : "=r"(sel)); break;
	}
	return seg_base(v, sel) + a;
}

/* Read the 6-byte pseudo-descriptor of lgdt/lidt; reflect #PF-less failures. */
static int read_pseudo_descriptor(struct vcpu *v, const struct decoded *d,
				  struct dtr *out)
{
	uint8_t raw[6];
	struct gmem_fault f;

	if (gmem_read(&v->mem, mem_operand_address(v, &d->x86->operands[0]),
		      raw, sizeof(raw), guest_cpl(v), &f) != GM_OK) {
		reflect_exception(v, EXC_GP, true, 0);
		return -1;
	}
	out->limit = (uint16_t)(raw[0] | raw[1] << 8);
	out->base = (uint32_t)raw[2] | (uint32_t)raw[3] << 8 |
		    (uint32_t)raw[4] << 16 | (uint32_t)raw[5] << 24;
	if (d->x86->prefix[2] == X86_PREFIX_OPSIZE)
		out->base &= 0x00ffffff;    /* 16-bit operand size: 24-bit base */
	return 0;
}

static enum emulate_result emulate_lgdt(struct vcpu *v, const struct decoded *d)
{
	if (read_pseudo_descriptor(v, d, &v->gdtr))
		return EMU_DONE;
	segments_sync_gdt(v);
	advance(v, d);
	return EMU_DONE;
}

static enum emulate_result emulate_lidt(struct vcpu *v, const struct decoded *d)
{
	if (read_pseudo_descriptor(v, d, &v->idtr))
		return EMU_DONE;
	advance(v, d);
	return EMU_DONE;
}

/*
 * Load SS with SEL for the guest kernel: ring compression makes an RPL-0
 * selector fault at CPL 1, so the monitor loads the same selector with RPL 1
 * after checking what the CPU would check (SDM: MOV - "If SS is loaded").
 */
static int load_ss(struct vcpu *v, uint16_t sel)
{
	uint64_t d;

	if (SEL_INDEX(sel) == 0 || SEL_RPL(sel) != (unsigned)guest_cpl(v) ||
	    guest_descriptor(v, sel, &d) || !(d & DESC_S) ||
	    (d & DESC_TYPE_CODE) || !(d & (2ull << DESC_TYPE_SHIFT)) ||
	    desc_dpl(d) != (unsigned)guest_cpl(v)) {
		reflect_exception(v, EXC_GP, true, sel & ~3u);
		return -1;
	}
	if (!(d & DESC_P)) {
		reflect_exception(v, EXC_SS, true, sel & ~3u);
		return -1;
	}
	v->tf->ss = compress_rpl(sel);
	return 0;
}

/* mov ss, r/m16 - the only segment-register move that faults at CPL 1. */
static enum emulate_result emulate_mov_ss(struct vcpu *v,
					  const struct decoded *d)
{
	const cs_x86_op *src = &d->x86->operands[1];
	uint16_t sel;
	struct gmem_fault f;

	if (src->type == X86_OP_REG) {
		sel = (uint16_t)reg_value(v, src->reg);
	} else if (gmem_read(&v->mem, mem_operand_address(v, src), &sel, 2,
			     guest_cpl(v), &f) != GM_OK) {
		reflect_exception(v, EXC_GP, true, 0);
		return EMU_DONE;
	}
	if (load_ss(v, sel) == 0)
		advance(v, d);
	return EMU_DONE;
}

/* Pop N 32-bit words from the guest stack into OUT; -1 reflects #SS. */
static int pop_words(struct vcpu *v, uint32_t *out, unsigned n)
{
	struct gmem_fault f;
	uint32_t esp = (uint32_t)v->tf->rsp;

	if (gmem_read(&v->mem, seg_base(v, (uint16_t)v->tf->ss) + esp, out,
		      n * 4, guest_cpl(v), &f) != GM_OK) {
		reflect_exception(v, EXC_SS, true, 0);
		return -1;
	}
	return 0;
}

/*
 * The real RFLAGS the guest resumes with, from the EFLAGS image it popped:
 * IOPL stays 0 (so cli/sti/in/out keep faulting), VM and the virtual-8086
 * flags are refused, and the fixed bit is set.
 */
static uint64_t sanitize_eflags(struct vcpu *v, uint32_t eflags)
{
	const uint32_t settable = FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF |
				  FL_TF | FL_IF | FL_DF | FL_OF | FL_NT |
				  FL_RF | FL_AC | FL_ID;

	if (eflags & FL_VM)
		guest_fatal(v, "iret to virtual-8086 mode: not run by direct "
			    "execution");
	return (eflags & settable) | FL_FIXED;
}

/*T:110 An `iret` in the guest kernel returns to a frame whose CS has RPL 0
 * (the virtual CS the monitor pushed, or one the guest built); at CPL 1 that
 * is a return to a more privileged ring, which the CPU refuses with #GP.  So
 * the monitor pops the frame itself and resumes the guest at the target with
 * the selector's RPL compressed to 1. */
static enum emulate_result emulate_iret(struct vcpu *v, const struct decoded *d)
{
	uint32_t w[5];
	uint16_t cs;

	if (d->x86->prefix[2] == X86_PREFIX_OPSIZE)
		guest_fatal(v, "16-bit iret is not supported yet");
	if (v->tf->rflags & FL_NT)
		guest_fatal(v, "iret with EFLAGS.NT set: hardware task "
			    "switches are not run");
	if (pop_words(v, w, 3))
		return EMU_DONE;
	cs = (uint16_t)w[1];
	if (SEL_RPL(cs) == 0) {
		v->tf->rsp = (uint32_t)(v->tf->rsp + 12);
	} else if (SEL_RPL(cs) == 3) {
		if (pop_words(v, w, 5))
			return EMU_DONE;
		v->tf->rsp = w[3];
		v->tf->ss = (uint16_t)w[4];
	} else {
		guest_fatal(v, "iret to ring %u: the guest may use rings 0 and "
			    "3 only", SEL_RPL(cs));
	}
	v->tf->rip = w[0];
	v->tf->cs = compress_rpl(cs);
	v->tf->rflags = sanitize_eflags(v, w[2]);
	return EMU_DONE;
}

/*T:120 A software interrupt.  The real IDT's gates are all DPL 0, so `int n`
 * at CPL 1 or 3 raises #GP with the IDT bit set in its error code.  The
 * vector comes from the instruction, not the error code: QEMU 7.2 reports
 * vector*16+2 for a 64-bit IDT where the SDM says vector*8+2. */
static enum emulate_result emulate_int(struct vcpu *v, const struct decoded *d)
{
	struct guest_event ev = {
		.kind = EV_SOFTWARE,
		.return_eip = (uint32_t)(v->tf->rip + d->insn->size),
	};

	switch (d->insn->id) {
	case X86_INS_INT3: ev.vector = EXC_BP; break;
	case X86_INS_INTO: ev.vector = EXC_OF; break;
	default:           ev.vector = (uint8_t)d->x86->operands[0].imm; break;
	}
	account_guest_event(ev.vector);
	deliver_event(v, &ev);
	return EMU_DONE;
}

/* A register operand that only CPL 0 may write or read: SS, CRn, DRn. */
static bool names_system_register(const struct decoded *d)
{
	for (unsigned i = 0; i < d->x86->op_count; i++) {
		const cs_x86_op *op = &d->x86->operands[i];

		if (op->type == X86_OP_REG &&
		    (op->reg == X86_REG_SS ||
		     (op->reg >= X86_REG_CR0 && op->reg <= X86_REG_CR15) ||
		     (op->reg >= X86_REG_DR0 && op->reg <= X86_REG_DR15)))
			return true;
	}
	return false;
}

/*
 * Instructions that fault at CPL 1 only because of de-privileging, which
 * the CPU issue will emulate.  Reflecting their #GP would be wrong, so the
 * guest is stopped with a report naming the instruction instead.
 */
static bool virtualization_fault_not_yet_emulated(const struct decoded *d)
{
	switch (d->insn->id) {
	case X86_INS_LLDT: case X86_INS_LTR: case X86_INS_CLTS:
	case X86_INS_LMSW: case X86_INS_INVLPG: case X86_INS_WBINVD:
	case X86_INS_INVD: case X86_INS_RDMSR: case X86_INS_WRMSR:
	case X86_INS_INSB: case X86_INS_INSW: case X86_INS_INSD:
	case X86_INS_OUTSB: case X86_INS_OUTSW: case X86_INS_OUTSD:
	case X86_INS_RDPMC: case X86_INS_RETF: case X86_INS_IRET:
	case X86_INS_SGDT: case X86_INS_SIDT: case X86_INS_SLDT:
	case X86_INS_STR: case X86_INS_SMSW:
		return true;
	default:
		return names_system_register(d);
	}
}

/*T:090 The life of a privileged instruction, 2: dispatch.  A #GP from the
 * guest has three possible causes: a software interrupt through one of the
 * monitor's DPL-0 gates (the IDT bit of the error code says so), an
 * instruction that faults only because the guest kernel runs at CPL 1
 * (emulated here), or a genuine fault of the guest's own making (reflected
 * into the guest, as the hardware would have raised it natively). */
enum emulate_result emulate_gp(struct vcpu *v, const struct decoded *d)
{
	unsigned id = d->insn->id;

	if (v->tf->error & ERR_IDT)
		return emulate_int(v, d);
	v->exit.insn_id = id;
	switch (id) {
	case X86_INS_CLI:   return emulate_cli(v, d);
	case X86_INS_STI:   return emulate_sti(v, d);
	case X86_INS_HLT:   return emulate_hlt(v, d);
	case X86_INS_IN:    return emulate_in(v, d);
	case X86_INS_OUT:   return emulate_out(v, d);
	case X86_INS_LGDT:  return emulate_lgdt(v, d);
	case X86_INS_LIDT:  return emulate_lidt(v, d);
	case X86_INS_IRETD: return emulate_iret(v, d);
	case X86_INS_MOV:
		if (d->x86->operands[0].type == X86_OP_REG &&
		    d->x86->operands[0].reg == X86_REG_SS)
			return emulate_mov_ss(v, d);
		break;
	default:
		break;
	}
	if (virtualization_fault_not_yet_emulated(d))
		guest_fatal(v, "privileged instruction not emulated yet");
	v->exit.insn_id = 0;
	return EMU_NOT_MINE;
}
