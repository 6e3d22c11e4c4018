/*
 * transfer.c - iret and software interrupts, completed by the monitor.
 *
 * Both cross privilege boundaries the real CPU will not cross for a guest
 * running de-privileged.  An iret in the guest kernel returns either to
 * its own ring (a frame with CS.RPL 0, which the CPU refuses at CPL 1 with
 * #GP) or to user mode (a not-present user code segment: #NP, see
 * segments.c).  A software interrupt hits one of the monitor's DPL-0 gates
 * (#GP with the IDT bit).  The monitor does what the CPU would have done
 * for a guest really at CPL 0.
 */
#include "transfer.h"

#include "../core/x86.h"
#include "descriptor.h"
#include "interrupts.h"
#include "operands.h"
#include "segments.h"

/*
 * The operand size of an iret or retf: 4 bytes, or 2 under the 66 prefix.
 * (The guest's code segment is a 32-bit one: the decoder refuses CS.D = 0.)
 */
static unsigned operand_size(const struct decoded *d)
{
	return d->x86->prefix[2] == X86_PREFIX_OPSIZE ? 2 : 4;
}

/*
 * Read N words of SIZE bytes (4 or 2) from the guest stack, starting
 * OFFSET bytes above ESP, zero-extended into OUT; ESP does not move.  False
 * (the fault delivered) if the stack cannot be read.
 */
static bool peek_stack(struct vcpu *v, uint32_t offset, uint32_t *out,
		       unsigned n, unsigned size)
{
	uint8_t bytes[5 * 4];
	uint32_t esp = (uint32_t)v->tf->rsp + offset;

	if (!guest_read(v, seg_base(v, (uint16_t)v->tf->ss) + esp, bytes,
			n * size))
		return false;
	for (unsigned i = 0; i < n; i++) {
		out[i] = 0;
		for (unsigned b = 0; b < size; b++)
			out[i] |= (uint32_t)bytes[i * size + b] << (8 * b);
	}
	return true;
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

/*
 * The real RFLAGS after an iret popped IMAGE, SIZE bytes of it.  A 16-bit
 * iret loads FLAGS, bits 15:0, and leaves the upper bits as they are (SDM
 * vol. 2, IRET: AC, ID and the rest survive).  RF among them is taken as 0:
 * it is what the iret itself ran with, the 1 in the saved RFLAGS being the
 * mark every fault leaves (SDM vol. 3A, 17.3.1.1).
 */
static uint64_t popped_eflags(struct vcpu *v, uint32_t image, unsigned size)
{
	if (size == 2)
		image = ((uint32_t)v->tf->rflags & ~(0xffffu | FL_RF)) |
			(image & 0xffff);
	return sanitize_eflags(v, image);
}

/* The checks of an iret to user mode on the guest's own descriptors. */
static bool user_return_ok(struct vcpu *v, uint16_t cs, uint16_t ss)
{
	uint64_t c, s;

	if (guest_descriptor(v, cs, &c) || !(c & DESC_S) ||
	    !(c & DESC_TYPE_CODE) || desc_dpl(c) != 3) {
		reflect_exception(v, EXC_GP, true, cs & ~3u);
		return false;
	}
	if (!(c & DESC_P)) {
		reflect_exception(v, EXC_NP, true, cs & ~3u);
		return false;
	}
	if (SEL_RPL(ss) != 3 || guest_descriptor(v, ss, &s) ||
	    !(s & DESC_S) || (s & DESC_TYPE_CODE) ||
	    !(s & DESC_TYPE_WRITABLE) || desc_dpl(s) != 3) {
		reflect_exception(v, EXC_GP, true, ss & ~3u);
		return false;
	}
	if (!(s & DESC_P)) {
		reflect_exception(v, EXC_SS, true, ss & ~3u);
		return false;
	}
	return true;
}

/*
 * The frame SAVED was replaced by a return target; keep it only if the
 * real CPU can load its CS and SS, else put SAVED back and raise #GP with
 * the selector, as the CPU's own checks on the target would.  A return
 * that goes through has completed its instruction: a single-step trap
 * comes after it (exit.c, debug_traps).  Its pops hit no data breakpoint:
 * QEMU 7.2, the reference, raises none for them (the debugregs guest).
 */
static void commit_return(struct vcpu *v, const struct trap_frame *saved)
{
	uint16_t bad;

	if (segments_resumable(v, &bad)) {
		v->exit.stepped = true;
		v->exit.db_hits = 0;
		return;
	}
	*v->tf = *saved;
	reflect_exception(v, EXC_GP, true, bad & ~3u);
}

/*T:110 An `iret` in the guest kernel returns to a frame whose CS has RPL 0
 * (the virtual CS the monitor pushed, or one the guest built); at CPL 1 that
 * is a return to a more privileged ring, which the CPU refuses with #GP.  So
 * the monitor pops the frame itself and resumes the guest at the target with
 * the selector's RPL compressed to 1.  A return to user mode arrives as #NP
 * instead (segments.c hides user code while the kernel runs); the monitor
 * pops the outer ESP and SS too, remembers the user's IF, and resumes user
 * code with the real IF set.  The frame's words are 4 bytes, or 2 for the
 * `iretw` of a handler behind a 16-bit gate (interrupts.c): IP, CS, FLAGS
 * (and SP, SS), with EFLAGS bits 31:16 left as they are. */
enum emulate_result emulate_iret(struct vcpu *v, const struct decoded *d)
{
	const unsigned size = operand_size(d);
	struct trap_frame saved = *v->tf;
	uint32_t w[5];                  /* EIP CS EFLAGS [ESP SS] */
	uint16_t cs;

	if (guest_cpl(v) != 0)
		return EMU_NOT_MINE;    /* at CPL 3 the fault is the guest's */
	v->exit.insn_id = d->insn->id;
	if (v->tf->rflags & FL_NT)
		guest_fatal(v, "iret with EFLAGS.NT set: hardware task "
			    "switches are not run");
	if (!peek_stack(v, 0, w, 3, size))
		return EMU_DONE;
	cs = (uint16_t)w[1];
	if (SEL_RPL(cs) == 0) {
		v->tf->rsp = (uint32_t)(v->tf->rsp + 3 * size);
		v->tf->rflags = popped_eflags(v, w[2], size);
	} else if (SEL_RPL(cs) == 3) {
		if (!peek_stack(v, 0, w, 5, size) ||
		    !user_return_ok(v, cs, (uint16_t)w[4]))
			return EMU_DONE;
		v->tf->rsp = w[3];
		v->tf->ss = (uint16_t)w[4];
		v->user_if = (w[2] & FL_IF) != 0;
		v->tf->rflags = popped_eflags(v, w[2], size) | FL_IF;
	} else {
		guest_fatal(v, "iret to ring %u: the guest may use rings 0 and "
			    "3 only", SEL_RPL(cs));
	}
	v->tf->rip = w[0];
	v->tf->cs = compress_rpl(cs);
	commit_return(v, &saved);
	return EMU_DONE;
}

/*
 * A far return from the guest kernel: to an RPL-0 CS it faults like iret
 * (#GP), to user code like iret (#NP).  Pops EIP and CS (IP and CS under
 * the 66 prefix), releases IMM16 bytes of parameters, and for a return to
 * CPL 3 pops ESP and SS too, releasing IMM16 bytes of the outer stack as
 * well.
 */
enum emulate_result emulate_retf(struct vcpu *v, const struct decoded *d)
{
	const unsigned size = operand_size(d);
	struct trap_frame saved = *v->tf;
	uint32_t w[2], outer[2];        /* EIP CS, then ESP SS */
	uint32_t release = d->x86->op_count ? (uint32_t)d->x86->operands[0].imm
					    : 0;
	uint16_t cs;

	if (guest_cpl(v) != 0)
		return EMU_NOT_MINE;    /* at CPL 3 the fault is the guest's */
	v->exit.insn_id = d->insn->id;
	if (!peek_stack(v, 0, w, 2, size))
		return EMU_DONE;
	cs = (uint16_t)w[1];
	if (SEL_RPL(cs) == 3) {
		if (!peek_stack(v, 2 * size + release, outer, 2, size) ||
		    !user_return_ok(v, cs, (uint16_t)outer[1]))
			return EMU_DONE;
		v->tf->rsp = outer[0] + release;
		v->tf->ss = (uint16_t)outer[1];
		v->user_if = (v->tf->rflags & FL_IF) != 0;
		v->tf->rflags |= FL_IF;
	} else if (SEL_RPL(cs) == 0) {
		v->tf->rsp = (uint32_t)(v->tf->rsp + 2 * size + release);
	} else {
		guest_fatal(v, "far return to ring %u: the guest may use rings "
			    "0 and 3 only", SEL_RPL(cs));
	}
	v->tf->rip = w[0];
	v->tf->cs = compress_rpl(cs);
	commit_return(v, &saved);
	return EMU_DONE;
}

/*
 * sysenter and sysexit load fixed flat descriptors without reading the GDT;
 * the monitor can only load what the real GDT holds at those selectors, so
 * a guest whose GDT disagrees is stopped with a report.
 */
static void require_flat_segments(struct vcpu *v, const char *insn)
{
	uint16_t bad;

	if (!segments_resumable(v, &bad))
		guest_fatal(v, "%s to selector 0x%04x, which the guest's GDT "
			    "does not hold as the flat segment %s loads",
			    insn, bad, insn);
}

/*
 * sysenter at CPL 3: the real SYSENTER MSRs are the monitor's (zero), so the
 * CPU raises #GP(0); the monitor enters the guest kernel with the guest's
 * SYSENTER_CS/ESP/EIP, as the SDM's SYSENTER pseudo-code says (CS and
 * CS+8 with flat descriptors; IF, VM and RF cleared).
 */
enum emulate_result emulate_sysenter(struct vcpu *v, const struct decoded *d)
{
	uint16_t cs = (uint16_t)v->msr.sysenter_cs & ~3u;

	v->exit.insn_id = d->insn->id;
	if (SEL_INDEX(cs) == 0) {
		reflect_exception(v, EXC_GP, true, 0);
		return EMU_DONE;
	}
	v->tf->cs = compress_rpl(cs);
	v->tf->ss = compress_rpl((uint16_t)(cs + 8));
	v->tf->rip = (uint32_t)v->msr.sysenter_eip;
	v->tf->rsp = (uint32_t)v->msr.sysenter_esp;
	v->tf->rflags &= ~(uint64_t)(FL_IF | FL_VM | FL_RF);
	require_flat_segments(v, "sysenter");
	return EMU_DONE;
}

/* sysexit at CPL 0 (real CPL 1 faults): back to user code at EDX, ESP ECX. */
enum emulate_result emulate_sysexit(struct vcpu *v, const struct decoded *d)
{
	uint16_t cs = (uint16_t)v->msr.sysenter_cs & ~3u;

	v->exit.insn_id = d->insn->id;
	if (guest_cpl(v) != 0 || SEL_INDEX(cs) == 0) {
		reflect_exception(v, EXC_GP, true, 0);
		return EMU_DONE;
	}
	v->tf->cs = (uint16_t)(cs + 16) | 3;
	v->tf->ss = (uint16_t)(cs + 24) | 3;
	v->tf->rip = (uint32_t)v->tf->rdx;
	v->tf->rsp = (uint32_t)v->tf->rcx;
	v->user_if = (v->tf->rflags & FL_IF) != 0;
	v->tf->rflags |= FL_IF;
	require_flat_segments(v, "sysexit");
	return EMU_DONE;
}

/*T:120 A software interrupt.  The real IDT's gates are all DPL 0, so `int n`
 * at CPL 1 or 3 raises #GP with the IDT bit set in its error code.  The
 * vector comes from the instruction, not the error code: QEMU 7.2 reports
 * vector*16+2 for a 64-bit IDT where the SDM says vector*8+2. */
enum emulate_result emulate_int(struct vcpu *v, const struct decoded *d)
{
	struct guest_event ev = {
		.kind = EV_SOFTWARE,
		.return_eip = (uint32_t)(v->tf->rip + d->insn->size),
	};

	switch (d->insn->id) {
	case X86_INS_INT3: ev.vector = EXC_BP; break;
	case X86_INS_INTO: ev.vector = EXC_OF; break;
	case X86_INS_INT:  ev.vector = (uint8_t)d->x86->operands[0].imm; break;
	default:
		guest_fatal(v, "#GP through an IDT gate from an instruction "
			    "that is not a software interrupt");
	}
	deliver_event(v, &ev);
	return EMU_DONE;
}
