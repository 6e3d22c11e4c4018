/*
 * emulate.c - the life of a privileged instruction: dispatch.
 *
 * The guest kernel runs at CPL 1 with IOPL 0, so every instruction that needs
 * CPL 0 (or IOPL >= CPL) raises #GP(0) and arrives here decoded.  The
 * dispatcher hands it to the file that owns its mechanism:
 *
 *   here          cli sti in out ins outs, mov/pop/lss ss; hlt (vintr.c)
 *   system.c      control, descriptor-table, task registers, MSRs, caches,
 *                 xsetbv
 *   transfer.c    iret, retf, sysenter, sysexit, int n / int3 / into
 *
 * Two instructions raise #UD instead at CPL 1, stac and clac (system.c):
 * emulate_ud takes them.
 *
 * Each handler does to the vcpu what the instruction would have done to a
 * real CPU at the guest's CPL - including the faults it would raise - and
 * moves EIP past it.  Anything else that raised #GP is either a genuine
 * guest fault (reflected), or a privileged instruction not yet emulated (the
 * guest is stopped, naming it).
 *
 * Virtual IOPL is always 0 (the guest cannot raise it: see
 * docs/deprivileging.md), so at guest CPL 3 the IOPL-sensitive cli, sti, in
 * and out fault, as natively.
 */
#include "emulate.h"

#include <stdbool.h>

#include "../core/x86.h"
#include "../core/account.h"
#include "../core/vintr.h"
#include "../dev/bus.h"
#include "debugreg.h"
#include "descriptor.h"
#include "interrupts.h"
#include "operands.h"
#include "segments.h"
#include "system.h"
#include "transfer.h"

/*T:100 The life of a privileged instruction, 3: emulation.  The guest
 * kernel executed, say, `cli` at CPL 1.  The CPU refused (#GP), the monitor
 * saved the guest's registers, decoded the bytes at CS:EIP with capstone,
 * and now does what a CPU at CPL 0 would have done: clear IF - in the saved
 * RFLAGS, which become the real ones when the guest resumes - and step EIP
 * over the instruction. */
static enum emulate_result emulate_cli(struct vcpu *v, const struct decoded *d)
{
	if (guest_cpl(v) != 0)
		return reflect_gp0(v);
	v->tf->rflags &= ~(uint64_t)FL_IF;
	advance(v, d);
	return EMU_DONE;
}

static enum emulate_result emulate_sti(struct vcpu *v, const struct decoded *d)
{
	bool was_clear = !(v->tf->rflags & FL_IF);

	if (guest_cpl(v) != 0)
		return reflect_gp0(v);
	v->tf->rflags |= FL_IF;
	advance(v, d);
	if (was_clear)
		vintr_after_sti(v);
	return EMU_DONE;
}

/*
 * hlt: wait for the next virtual interrupt (the machine halts meanwhile);
 * with interrupts disabled nothing can ever wake the guest: stop it with a
 * report.
 */
static enum emulate_result emulate_hlt(struct vcpu *v, const struct decoded *d)
{
	if (guest_cpl(v) != 0)
		return reflect_gp0(v);
	if (!(v->tf->rflags & FL_IF))
		guest_fatal(v, "hlt with interrupts disabled (cli; hlt): the "
			    "guest can never wake up");
	advance(v, d);
	vintr_halt(v);
	return EMU_DONE;
}

/* The port an in/out names: an immediate, or DX. */
static uint16_t io_port(const struct vcpu *v, const cs_x86_op *op)
{
	if (op->type == X86_OP_IMM)
		return (uint16_t)op->imm;
	return (uint16_t)reg_read(v, X86_REG_DX);
}

/* The monitor performs every in and out: the guest's I/O breakpoints
 * (CR4.DE) are checked here (debugreg.h). */
static void note_io(struct vcpu *v, uint16_t port, unsigned size)
{
	if (v->dr[7] & DR7_ENABLES)
		v->exit.db_hits |= dr_io_hits(v->dr, v->cr4, port, size);
}

static enum emulate_result emulate_in(struct vcpu *v, const struct decoded *d)
{
	const cs_x86_op *dst = &d->x86->operands[0];

	if (guest_cpl(v) != 0)
		return reflect_gp0(v);
	reg_write(v, dst->reg,
		  bus_port_read(io_port(v, &d->x86->operands[1]), dst->size));
	note_io(v, io_port(v, &d->x86->operands[1]), dst->size);
	advance(v, d);
	return EMU_DONE;
}

static enum emulate_result emulate_out(struct vcpu *v, const struct decoded *d)
{
	const cs_x86_op *src = &d->x86->operands[1];
	uint16_t port = io_port(v, &d->x86->operands[0]);

	if (guest_cpl(v) != 0)
		return reflect_gp0(v);
	/* Advance first: the exit port's write never returns. */
	advance(v, d);
	note_io(v, port, src->size);
	bus_port_write(port, src->size, reg_read(v, src->reg));
	return EMU_DONE;
}

/*
 * Move the index or count register at SLOT by DELTA: the whole register,
 * or under 16-bit addressing (a 67 prefix) only its low word, which wraps
 * at 64 KiB while the upper half stays (SDM vol. 2, INS/OUTS, REP).
 */
static void index_add(uint64_t *slot, int32_t delta, bool addr16)
{
	uint32_t r = (uint32_t)*slot;

	*slot = addr16 ? (r & 0xffff0000u) | (uint16_t)(r + (uint32_t)delta)
		       : (uint32_t)(r + (uint32_t)delta);
}

/*
 * ins and outs, with or without rep: port DX to ES:EDI, or DS:ESI (or the
 * segment the prefix names) to port DX, element by element, so that a
 * fault part-way leaves ECX, ESI and EDI where the CPU would.  With 16-bit
 * addressing, DI, SI and CX (capstone names the 16-bit base registers, so
 * the addresses come out right).
 */
static enum emulate_result emulate_string_io(struct vcpu *v,
					     const struct decoded *d)
{
	bool in = d->insn->id == X86_INS_INSB || d->insn->id == X86_INS_INSW ||
		  d->insn->id == X86_INS_INSD;
	unsigned size = d->x86->operands[in ? 0 : 1].size;  /* the element */
	/* For ins/outs (as for stos/movs) F2 repeats just as F3 does. */
	bool rep = d->x86->prefix[0] == X86_PREFIX_REP ||
		   d->x86->prefix[0] == X86_PREFIX_REPNE;
	int32_t step = (v->tf->rflags & FL_DF) ? -(int32_t)size : (int32_t)size;
	const cs_x86_op *mem = &d->x86->operands[in ? 0 : 1];
	uint16_t port = (uint16_t)reg_read(v, X86_REG_DX);
	bool addr16 = d->x86->prefix[3] == X86_PREFIX_ADDRSIZE;
	uint32_t count_mask = addr16 ? 0xffffu : 0xffffffffu;

	if (guest_cpl(v) != 0)
		return reflect_gp0(v);
	while (!rep || ((uint32_t)v->tf->rcx & count_mask) != 0) {
		uint32_t val = 0;

		if (in) {
			/* The store is checked before the port is read (a read
			 * may change the device), as QEMU does. */
			if (!guest_write(v, mem_operand_address(v, mem), &val, size))
				return EMU_DONE;
			val = bus_port_read(port, size);
			note_io(v, port, size);
			if (!guest_write(v, mem_operand_address(v, mem), &val, size))
				return EMU_DONE;
			index_add(&v->tf->rdi, step, addr16);
		} else {
			if (!guest_read(v, mem_operand_address(v, mem), &val, size))
				return EMU_DONE;
			bus_port_write(port, size, val);
			note_io(v, port, size);
			index_add(&v->tf->rsi, step, addr16);
		}
		if (!rep)
			break;
		index_add(&v->tf->rcx, -1, addr16);
		if ((v->exit.guest_tf || v->exit.db_hits) &&
		    ((uint32_t)v->tf->rcx & count_mask) != 0) {
			/* A debug trap comes after this iteration, with EIP
			 * still on the instruction (SDM vol. 3B 17.3.1.2):
			 * the rest runs when the guest resumes it. */
			v->exit.stepped = true;
			return EMU_DONE;
		}
	}
	advance(v, d);
	return EMU_DONE;
}

/* mov ss, r/m16, pop ss and lss: an RPL-0 selector faults at CPL 1. */
static enum emulate_result emulate_load_ss(struct vcpu *v,
					   const struct decoded *d)
{
	uint32_t sel;

	if (d->insn->id == X86_INS_LSS) {
		/* m16:32, or m16:16 under the 66 prefix: offset, selector */
		bool o16 = d->x86->prefix[2] == X86_PREFIX_OPSIZE;
		uint32_t addr = mem_operand_address(v, &d->x86->operands[1]);
		uint32_t offset = 0;
		uint16_t far_sel;

		if (!guest_read(v, addr, &offset, o16 ? 2 : 4) ||
		    !guest_read(v, addr + (o16 ? 2 : 4), &far_sel, 2))
			return EMU_DONE;
		if (segments_load_ss(v, far_sel) == 0) {
			reg_write(v, d->x86->operands[0].reg, offset);
			advance(v, d);
		}
		return EMU_DONE;
	}
	if (d->insn->id == X86_INS_POP) {
		uint32_t esp;
		uint16_t popped;

		if (!pop_selector(v, d, &popped, &esp))
			return EMU_DONE;
		if (segments_load_ss(v, popped) == 0) {
			v->tf->rsp = esp;
			advance(v, d);
			vintr_after_sti(v);     /* pop ss shields one insn */
			v->exit.db_held = true; /* ... from #DB too */
		}
		return EMU_DONE;
	}
	v->exit.insn_id = INSN_MOV_SS;
	if (!operand_read(v, &d->x86->operands[1], 2, &sel))
		return EMU_DONE;
	if (segments_load_ss(v, (uint16_t)sel) == 0) {
		advance(v, d);
		vintr_after_sti(v);             /* mov ss shields one insn */
		v->exit.db_held = true;         /* ... from #DB too */
	}
	return EMU_DONE;
}

/* True if D loads SS (mov ss, ...; pop ss; lss). */
static bool loads_ss(const struct decoded *d)
{
	const cs_x86_op *op = &d->x86->operands[0];

	if (d->insn->id == X86_INS_LSS)
		return true;
	return (d->insn->id == X86_INS_MOV || d->insn->id == X86_INS_POP) &&
	       op->type == X86_OP_REG && op->reg == X86_REG_SS;
}

/*
 * A far jump or call whose target selector names a system descriptor in the
 * guest's GDT: a call gate, a task gate or a TSS.  The real GDT never holds
 * those (descriptor.c), so the CPU refused with #GP; natively the transfer
 * would have gone through.
 */
static bool far_transfer_through_system_descriptor(struct vcpu *v,
						   const struct decoded *d)
{
	const cs_x86_op *op = &d->x86->operands[0];
	uint32_t sel;
	uint64_t desc;

	if (d->insn->id != X86_INS_LJMP && d->insn->id != X86_INS_LCALL)
		return false;
	if (d->x86->op_count == 2 && op->type == X86_OP_IMM) {
		sel = (uint32_t)op->imm;
	} else if (op->type == X86_OP_MEM) {
		uint16_t s;

		if (!guest_read(v, mem_operand_address(v, op) + 4, &s, 2))
			return false;
		sel = s;
	} else {
		return false;
	}
	return guest_descriptor(v, (uint16_t)sel, &desc) == 0 &&
	       (desc & DESC_P) && !(desc & DESC_S);
}

/*
 * rdpmc in the guest kernel: at CPL 1 with CR4.PCE clear it raises #GP.
 * QEMU 7.2, the reference, models no performance counters and raises #UD
 * for rdpmc at CPL 0 (checked by the hostile guest's rdpmc case), so the
 * monitor does the same.  At CPL 3 the #GP is the guest's own.
 */
static enum emulate_result emulate_rdpmc(struct vcpu *v)
{
	if (guest_cpl(v) != 0)
		return EMU_NOT_MINE;
	reflect_exception(v, EXC_UD, false, 0);
	return EMU_DONE;
}

/*T:090 The life of a privileged instruction, 2: dispatch.  A #GP from the
 * guest has three possible causes: a software interrupt through one of the
 * monitor's DPL-0 gates (the IDT bit of the error code says so), an
 * instruction that faults only because the guest kernel runs at CPL 1
 * (emulated), or a genuine fault of the guest's own making (reflected into
 * the guest, as the hardware would have raised it natively). */
enum emulate_result emulate_gp(struct vcpu *v, const struct decoded *d)
{
	enum emulate_result r;

	if (v->tf->error & ERR_IDT)
		return emulate_int(v, d);
	v->exit.insn_id = d->insn->id;
	switch (d->insn->id) {
	case X86_INS_CLI:   return emulate_cli(v, d);
	case X86_INS_STI:   return emulate_sti(v, d);
	case X86_INS_HLT:   return emulate_hlt(v, d);
	case X86_INS_IN:    return emulate_in(v, d);
	case X86_INS_OUT:   return emulate_out(v, d);
	case X86_INS_INSB: case X86_INS_INSW: case X86_INS_INSD:
	case X86_INS_OUTSB: case X86_INS_OUTSW: case X86_INS_OUTSD:
		return emulate_string_io(v, d);
	case X86_INS_IRET: case X86_INS_IRETD:
		return emulate_iret(v, d);
	case X86_INS_RETF:  return emulate_retf(v, d);
	case X86_INS_SYSENTER:
		return guest_cpl(v) == 3 ? emulate_sysenter(v, d) : reflect_gp0(v);
	case X86_INS_SYSEXIT: return emulate_sysexit(v, d);
	case X86_INS_RDPMC:   return emulate_rdpmc(v);
	default:
		break;
	}
	if (loads_ss(d))
		return emulate_load_ss(v, d);
	r = emulate_system(v, d);
	if (r != EMU_NOT_MINE)
		return r;
	if (far_transfer_through_system_descriptor(v, d))
		guest_fatal(v, "far jump or call through a call gate, task gate "
			    "or TSS: call gates and hardware task switches are "
			    "not run");
	v->exit.insn_id = 0;
	return EMU_NOT_MINE;
}

/*
 * A #UD from the guest has two possible causes: stac or clac at the guest
 * kernel's CPL 0, which the real CPU refuses at CPL 1 (emulated), or an
 * instruction the guest's own CPU would refuse too (reflected).
 */
enum emulate_result emulate_ud(struct vcpu *v, const struct decoded *d)
{
	switch (d->insn->id) {
	case X86_INS_STAC: case X86_INS_CLAC:
		return emulate_stac_clac(v, d);
	default:
		return EMU_NOT_MINE;
	}
}

enum emulate_result emulate_np(struct vcpu *v, const struct decoded *d)
{
	if (guest_cpl(v) != 0)
		return EMU_NOT_MINE;
	if (d->insn->id == X86_INS_IRET || d->insn->id == X86_INS_IRETD)
		return emulate_iret(v, d);
	if (d->insn->id == X86_INS_RETF)
		return emulate_retf(v, d);
	return EMU_NOT_MINE;
}
