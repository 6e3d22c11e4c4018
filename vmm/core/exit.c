/*
 * exit.c - exit dispatch: every way the guest can enter the monitor.
 *
 * The guest enters the monitor only through the real IDT (core/trapentry.S).
 * The causes, by vector, and who handles each:
 *
 *   #GP (13)        privileged instruction or software interrupt: decode,
 *                   then cpu/emulate.c; a genuine #GP is reflected
 *   #PF (14)        the shadow MMU decides: hidden, true, traced write or
 *                   MMIO (core/paging.c)
 *   #NP (11)        the guest kernel's iret to user mode (user code is
 *                   hidden while the kernel runs: cpu/segments.c), its
 *                   loads of hidden code into DS..GS, far jumps to ring
 *                   1/2 code (#GP); else reflected
 *   #DB (1)         the monitor's single step through an interrupt shadow
 *                   (core/vintr.c), else the guest's own: reflected, with
 *                   its DR6 status
 *   #UD (6)         stac or clac at the guest's CPL 0: cpu/emulate.c;
 *                   else reflected
 *   #SS, #TS        reflected with their error codes
 *   other 0-31      the guest's own exceptions (#DE, #BP, #OF, #BR, #NM,
 *                   #MF, #AC, #XM): reflected unchanged
 *   #DF, #MC, NMI   the monitor's own trouble: panic
 *   32 (IRQ 0)      the monitor's own alarm (core/vtime.c): virtual time
 *                   has reached a device deadline
 *   33-255          other machine interrupts: masked, so only spurious
 *
 * After the handler, virtual time passes for the devices, a pending
 * virtual interrupt is delivered if the guest can take it (core/vintr.c),
 * and the exit is charged to its cause; then the guest resumes.
 */
#include <stdarg.h>
#include <stdio.h>

#include "../cpu/debugreg.h"
#include "../cpu/decode.h"
#include "../cpu/emulate.h"
#include "../cpu/interrupts.h"
#include "../cpu/segments.h"
#include "../cpu/vcpu.h"
#include "account.h"
#include "cpu_tables.h"
#include "log.h"
#include "paging.h"
#include "profile.h"
#include "trace.h"
#include "vintr.h"
#include "vtime.h"
#include "report.h"
#include "x86.h"

/* Exceptions whose frame carries an error code (SDM vol. 3A, table 6-1). */
static bool has_error_code(unsigned vector)
{
	return vector == EXC_DF || vector == EXC_TS || vector == EXC_NP ||
	       vector == EXC_SS || vector == EXC_GP || vector == EXC_PF ||
	       vector == EXC_AC || vector == EXC_CP;
}

_Noreturn void guest_fatal(struct vcpu *v, const char *fmt, ...)
{
	char reason[256], text[96];
	struct decoded d;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	decode_guest_insn(v, &d);
	decode_text(&d, text, sizeof(text));
	log_printf("guest stopped at 0x%08x: %s\n", (uint32_t)v->tf->rip,
		   reason);
	report_guest_died(reason, 1, (uint32_t)v->tf->rip, guest_cpl(v), text);
}

/*
 * A segment load faulted on a selector whose guest descriptor differs from
 * the real table's copy (the guest wrote it after its last lgdt or lldt):
 * refresh the slot and let the guest retry the instruction, instead of
 * reflecting a fault the guest would not see natively.  If the guest's
 * descriptor cannot be read at all (its page is not mapped), the guest
 * gets the #PF its CPU raises when it reads the descriptor.
 */
static bool retry_after_descriptor_refresh(struct vcpu *v)
{
	uint32_t err = (uint32_t)v->tf->error;

	if ((err & ~3u) == 0 || (err & (ERR_IDT | ERR_EXT)))
		return false;
	return segments_refresh_slot(v, (uint16_t)err) ||
	       segments_descriptor_page_fault(v, (uint16_t)err);
}

/*T:080 The life of a privileged instruction, 1: the exit.  Every gate of
 * the real IDT is the monitor's; a #GP from the guest lands here with the
 * guest's registers already saved in the trap frame.  The instruction at
 * CS:EIP is decoded with capstone before anything else is decided. */
static void exit_gp(struct vcpu *v)
{
	struct decoded d;

	if (decode_guest_insn(v, &d))
		guest_fatal(v, "#GP(0x%llx) at an instruction that cannot be "
			    "fetched or decoded%s%s",
			    (unsigned long long)v->tf->error,
			    d.why ? ": " : "", d.why ? d.why : "");
	if (emulate_gp(v, &d) == EMU_NOT_MINE && !retry_after_descriptor_refresh(v))
		reflect_exception(v, EXC_GP, true, (uint32_t)v->tf->error);
}

/*
 * #NP: in the guest kernel, most often its iret to user mode (user code is
 * hidden while it runs), or a data-segment load of a hidden selector; both
 * are completed as the CPU would.  Conforming code segments are hidden too,
 * and a transfer into one is not run.  Otherwise the #NP is the guest's.
 */
static void exit_np(struct vcpu *v)
{
	struct decoded d;

	if (guest_cpl(v) == 0 && decode_guest_insn(v, &d) == 0) {
		if (segments_load_hidden_data(v, &d))
			return;
		if (segments_hidden_conforming((uint16_t)v->tf->error))
			guest_fatal(v, "transfer from the kernel to conforming "
				    "code segment 0x%llx: conforming code is "
				    "not run by direct execution",
				    (unsigned long long)v->tf->error);
		if (emulate_np(v, &d) == EMU_DONE)
			return;
		/* What is left to fault on ring 1/2 code (hidden) is a far
		 * jump or call: DPL != CPL 0, natively #GP(selector). */
		if (segments_hidden_inner_ring((uint16_t)v->tf->error)) {
			reflect_exception(v, EXC_GP, true,
					  (uint32_t)v->tf->error & ~3u);
			return;
		}
	}
	if (retry_after_descriptor_refresh(v))
		return;
	reflect_exception(v, EXC_NP, true, (uint32_t)v->tf->error);
}

/*
 * A #UD: stac and clac need CPL 0, so the guest kernel's fault at CPL 1;
 * anything else (and bytes capstone does not know) is the guest's own.
 */
static void exit_ud(struct vcpu *v)
{
	struct decoded d;

	if (decode_guest_insn(v, &d) == 0 && emulate_ud(v, &d) == EMU_DONE)
		return;
	reflect_exception(v, EXC_UD, false, 0);
}

/* An exception of the guest's own making: deliver it through its IDT. */
static void exit_reflect(struct vcpu *v, unsigned vector)
{
	reflect_exception(v, (uint8_t)vector, has_error_code(vector),
			  (uint32_t)v->tf->error);
}

/*
 * The iretq back into the guest faulted: the CS or SS the monitor was about
 * to load cannot be loaded from the real GDT.  Every path that sets them
 * checks first (segments_resumable); this is the net under those checks, so
 * that a guest can never turn a selector the monitor missed into a monitor
 * crash.  The guest's frame at the top of the exit stack still holds its
 * EIP and CS (the nested fault's frame lies below them).
 */
static _Noreturn void bad_resume(struct trap_frame *nested)
{
	struct vcpu *v = &the_vcpu;

	v->tf = exit_frame;
	guest_fatal(v, "the guest cannot be resumed: the real CPU refused CS "
		    "0x%llx / SS 0x%llx (#%llu, error 0x%llx)",
		    (unsigned long long)exit_frame->cs,
		    (unsigned long long)exit_frame->ss,
		    (unsigned long long)nested->vector,
		    (unsigned long long)nested->error);
}

/* A trap taken while the monitor itself ran: only a monitor bug does that. */
static _Noreturn void monitor_fault(struct trap_frame *tf)
{
	panic("vector %llu (error 0x%llx) in the monitor at rip 0x%llx, "
	      "cr2 0x%llx", (unsigned long long)tf->vector,
	      (unsigned long long)tf->error, (unsigned long long)tf->rip,
	      (unsigned long long)read_cr2());
}

/* Charge the exit in progress to its cause (and instruction), once. */
void exit_account(void)
{
	struct vcpu *v = &the_vcpu;

	if (!v->exit.in_progress)
		return;
	uint64_t cycles;

	v->exit.in_progress = false;
	cycles = rdtsc() - v->exit.start_tsc;
	account_exit(v->exit.cause, v->exit.insn_id, cycles);
	profile_exit(v->exit.eip, v->exit.cause, cycles);
	if (trace_enabled)
		trace_end(v);
}

static void dispatch(struct vcpu *v, unsigned vector);

/*
 * The debug traps of an instruction the monitor emulated, as the CPU would
 * raise them after it: a single-step trap (DR6.BS) if the guest had
 * EFLAGS.TF set, and the data and I/O breakpoints its accesses hit (DR6
 * B0-B3, debugreg.h) - one #DB for all.  (Instructions the guest runs
 * itself trap on the real CPU.)  After `mov ss` and `pop ss` the
 * single-step trap waits one instruction (SDM vol. 3A 6.8.3): the guest
 * resumes with TF still set, and the real CPU raises it after the next.
 * Their own data breakpoints raise nothing at all: the SDM holds them for
 * an instruction too, but QEMU 7.2, the reference, drops them (checked by
 * the debugregs guest).
 */
static void debug_traps(struct vcpu *v)
{
	bool step = v->exit.guest_tf;

	if (!v->exit.stepped || v->exit.db_held || (!step && !v->exit.db_hits))
		return;
	v->dr[6] |= v->exit.db_hits | (step ? DR6_BS : 0);
	reflect_exception(v, EXC_DB, false, 0);
}

/* A #DB the guest's own code raised: its DR6 status, then the guest's. */
static void exit_debug(struct vcpu *v)
{
	uint64_t dr6;

	__asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
	v->dr[6] |= (uint32_t)dr6 & (DR6_BS | DR6_B0_B3);
	__asm__ volatile("mov %0, %%dr6" : : "r"((uint64_t)DR6_FIXED));
	reflect_exception(v, EXC_DB, false, 0);
}

/*
 * A #DB in the monitor itself, at the entry of an exit.  The guest's data
 * breakpoints are armed in the real DR0-DR3 (debugreg.h), and an
 * instruction that reads or writes a watched word and then faults into
 * the monitor (an iret popping a watched frame, a pop ss) leaves its match
 * pending: QEMU raises it at the first instruction of the monitor's
 * handler.  It is dropped, and the monitor carries on: the exit then
 * emulates that instruction, and its emulation decides the guest's #DB as
 * the reference CPU would (operands.c, debug_traps).  Anything else is a
 * monitor fault.  Found by the debugregs guest; a guest could otherwise
 * stop the monitor with one breakpoint on its own stack.
 */
static bool guest_breakpoint_in_monitor(const struct trap_frame *tf)
{
	uint64_t dr6;

	if (tf->vector != EXC_DB)
		return false;
	__asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
	if ((dr6 & ~(uint64_t)DR6_B0_B3) != DR6_FIXED || !(dr6 & DR6_B0_B3))
		return false;
	__asm__ volatile("mov %0, %%dr6" : : "r"((uint64_t)DR6_FIXED));
	return true;
}

/*T:060 Exit dispatch.  One handler per cause, listed at the top of this
 * file.  A trap with CPL 0 in its frame came from the monitor itself: that
 * is a monitor bug, and a panic.  Each exit is timed from here to the
 * return, and charged to its cause: that accounting is the report. */
void trap_entry(struct trap_frame *tf)
{
	struct vcpu *v = &the_vcpu;
	unsigned vector = (unsigned)tf->vector;

	if ((tf->cs & 3) == 0 && !(tf->rflags & FL_VM)) {
		if (vector >= IRQ_BASE && vintr_idle) {
			if (vector == VTIME_IRQ_VECTOR)
				vtime_ack();    /* the alarm woke vintr_halt */
			return;         /* else a spurious machine IRQ */
		}
		if (tf->rip == (uint64_t)trap_return_iretq &&
		    (tf->vector == EXC_GP || tf->vector == EXC_NP ||
		     tf->vector == EXC_SS))
			bad_resume(tf);
		if (guest_breakpoint_in_monitor(tf))
			return;
		monitor_fault(tf);
	}
	v->tf = tf;
	v->exits++;
	v->exit = (struct exit_info){
		.cause = vector, .in_progress = true, .start_tsc = rdtsc(),
		.eip = (uint32_t)tf->rip, .cpl = guest_cpl(v),
		.guest_tf = v->irq_window_step
				    ? v->tf_before_step && (tf->rflags & FL_TF)
				    : (tf->rflags & FL_TF) != 0,
	};
	if (trace_enabled)
		trace_begin(v);
	if (tf->rflags & FL_VM)
		guest_fatal(v, "the guest is in virtual-8086 mode (QEMU's TCG "
			    "lets an iret at CPL 1 set EFLAGS.VM; hardware "
			    "does not): not run by direct execution");
	if (vintr_step_done(v, vector))
		v->exit.cause = CAUSE_IRQ_WINDOW;
	else
		dispatch(v, vector);
	debug_traps(v);
	vintr_before_resume(v);
	segments_prepare_return(v);
	exit_account();
}

/* One handler per cause (the list at the top of this file). */
static void dispatch(struct vcpu *v, unsigned vector)
{
	struct trap_frame *tf = v->tf;

	switch (vector) {
	case VTIME_IRQ_VECTOR:
		vintr_timer_exit(v);
		break;
	case EXC_GP:
		exit_gp(v);
		break;
	case EXC_PF:
		paging_page_fault(v);
		break;
	case EXC_NP:
		exit_np(v);
		break;
	case EXC_UD:
		exit_ud(v);
		break;
	case EXC_DB:
		exit_debug(v);
		break;
	case EXC_NMI: case EXC_DF: case EXC_MC:
		monitor_fault(tf);
	default:
		if (vector >= IRQ_BASE)
			break;  /* a spurious machine IRQ: nothing to do */
		exit_reflect(v, vector);
		break;
	}
}
