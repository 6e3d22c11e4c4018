/*
 * interrupts.c - the guest's IDT, walked by the monitor.
 *
 * The real IDT belongs to the monitor, so nothing the guest raises reaches
 * its handlers by itself.  The monitor does what the CPU would have done:
 * read the gate from the guest's IDT, check it, push EFLAGS, CS and EIP (and
 * the error code) on the guest's stack with the *virtual* CS and EFLAGS, and
 * resume the guest at the handler.
 *
 * An interrupt or trap gate (SDM vol. 3A, figure 6-2):
 *
 *  63            48 47 46 45 44 43   40 39          32
 * +----------------+--+-----+--+------+--------------+
 * |  offset 31:16  | P| DPL | 0| type |   (unused)   |
 * +----------------+--+-----+--+------+--------------+
 *  31            16 15                              0
 * +----------------+---------------------------------+
 * |   selector     |          offset 15:0            |
 * +----------------+---------------------------------+
 *
 *   type 0xe / 0xf   32-bit interrupt / trap gate: 4-byte frame words
 *   type 0x6 / 0x7   16-bit interrupt / trap gate: 2-byte frame words
 *
 * An interrupt gate clears IF, a trap gate leaves it.  The frame, lowest
 * address first (each word 4 or 2 bytes, by the gate's size):
 *
 *   [error code]  EIP  CS  EFLAGS  [ESP  SS]      ESP, SS: from CPL 3 only
 *
 * A 16-bit gate keeps the low halves: IP, FLAGS, SP; the handler's code
 * segment is whatever the gate names - in a 32-bit kernel a 32-bit one,
 * whose handler returns with `iretw` (transfer.c).  Bits 31:16 of a 16-bit
 * gate's offset are reserved: the SDM loads IP from bits 15:0, QEMU 7.2 (the
 * reference) jumps to all 32; the monitor does as QEMU does, and the gates16
 * conformance guest pins it.
 *
 * From guest CPL 3 the CPU switches to the ring-0 stack named by the guest's
 * TSS (SS0:ESP0, whatever the gate's size) and pushes the user SS and ESP
 * first; the monitor does the same.  Not yet here: task gates, handlers in
 * DPL 1-3 code and the full double-fault classification; each stops the
 * guest with a report naming it.
 */
#include "interrupts.h"

/* The SDM's name of exception VECTOR ("#GP"), or "vector N" text. */
static const char *exception_mnemonic(unsigned vector)
{
	static const char *const names[] = {
		[EXC_DE] = "#DE", [EXC_DB] = "#DB", [EXC_BP] = "#BP",
		[EXC_OF] = "#OF", [EXC_BR] = "#BR", [EXC_UD] = "#UD",
		[EXC_NM] = "#NM", [EXC_DF] = "#DF", [EXC_TS] = "#TS",
		[EXC_NP] = "#NP", [EXC_SS] = "#SS", [EXC_GP] = "#GP",
		[EXC_PF] = "#PF", [EXC_MF] = "#MF", [EXC_AC] = "#AC",
	};

	if (vector < sizeof(names) / sizeof(names[0]) && names[vector])
		return names[vector];
	return "another exception";
}

/* Why a delivery failed: the exception it turns into instead. */
struct delivery_fault {
	uint8_t vector;
	uint32_t error;
	uint32_t cr2;               /* for #PF: the linear address */
};

#include "../core/account.h"
#include "../core/log.h"
#include "../core/trace.h"
#include "../core/x86.h"
#include "descriptor.h"
#include "segments.h"

#define GATE_TYPE_SHIFT 40
#define GATE_TYPE_MASK  (0x1full << GATE_TYPE_SHIFT)   /* type and S=0 */
#define GATE_TASK       0x05
#define GATE_INT16      0x06
#define GATE_TRAP16     0x07
#define GATE_INT32      0x0e
#define GATE_TRAP32     0x0f
#define GATE_32BIT      0x08    /* type bit 3: the gate's size */
#define GATE_TRAP       0x01    /* type bit 0: trap gate, IF left alone */

static unsigned gate_type(uint64_t g)
{
	return (unsigned)((g & GATE_TYPE_MASK) >> GATE_TYPE_SHIFT);
}

/* The handler's EIP; for a 16-bit gate too all 32 bits, as QEMU 7.2 does
 * (see the top of this file). */
static uint32_t gate_offset(uint64_t g)
{
	return (uint32_t)((g & 0xffff) | ((g >> 32) & 0xffff0000));
}

/* Bytes per frame word: 4 through a 32-bit gate, 2 through a 16-bit one. */
static unsigned gate_word_size(unsigned type)
{
	return (type & GATE_32BIT) ? 4 : 2;
}

/*
 * Lay the N words of a frame out in OUT as the CPU's pushes leave them,
 * WORDS[0] at the lowest address, each truncated to SIZE bytes (2 or 4).
 * Returns the frame's length in bytes.
 */
static unsigned frame_layout(const uint32_t *words, unsigned n, unsigned size,
			     uint8_t *out)
{
	for (unsigned i = 0; i < n; i++)
		for (unsigned b = 0; b < size; b++)
			out[i * size + b] = (uint8_t)(words[i] >> (8 * b));
	return n * size;
}

static uint16_t gate_selector(uint64_t g)
{
	return (uint16_t)(g >> 16);
}

/*
 * The EFLAGS image the guest believes it has: IOPL 0 as it really runs, and
 * at CPL 3 the IF the guest's iret asked for (user code really runs with
 * IF set).
 */
static uint32_t virtual_eflags(const struct vcpu *v)
{
	uint32_t fl = (uint32_t)v->tf->rflags | FL_FIXED;

	if (guest_cpl(v) == 3)
		fl = (fl & ~FL_IF) | (v->user_if ? FL_IF : 0);
	return fl;
}

/* The guest's ring-0 stack from its TSS: SS0 and ESP0, checked as the CPU
 * checks them (#TS with the selector); 0 or -1 with *why set. */
static int tss_ring0_stack(struct vcpu *v, uint16_t *ss0, uint32_t *esp0,
			   struct delivery_fault *why);


/*
 * A memory access of the delivery failed (F): if the guest's paging refused
 * it, the fault is #PF at that address, whatever *WHY said; returns -1.
 */
static int access_fault(struct delivery_fault *why, const struct gmem_fault *f)
{
	if (f->status == GM_PAGE_FAULT) {
		why->vector = EXC_PF;
		why->error = f->pf_error;
		why->cr2 = f->gva;
	}
	return -1;
}

/* Try once; return 0, or -1 with *why naming the fault delivery raised. */
static int try_deliver(struct vcpu *v, const struct guest_event *ev,
		       struct delivery_fault *why)
{
	uint32_t gate_err = ev->vector * 8u + ERR_IDT +
			    (ev->kind == EV_EXTERNAL ? ERR_EXT : 0);
	struct trap_frame *tf = v->tf;
	struct gmem_fault f;
	uint64_t gate, target;
	const struct trap_frame saved = *v->tf;
	const bool from_user = guest_cpl(v) == 3;
	uint32_t frame[6], esp;
	uint8_t bytes[sizeof(frame)];
	uint16_t ss, bad;
	unsigned n = 0, type, len;

	why->vector = EXC_GP;
	why->error = gate_err;
	if (ev->vector * 8u + 7 > v->idtr.limit)
		return -1;
	if (gmem_read(&v->mem, v->idtr.base + ev->vector * 8u, &gate, 8, 0, &f))
		return access_fault(why, &f);
	type = gate_type(gate);
	if (type == GATE_TASK)
		guest_fatal(v, "vector %u goes through a task gate: hardware "
			    "task switches are not run", ev->vector);
	if (type != GATE_INT32 && type != GATE_TRAP32 &&
	    type != GATE_INT16 && type != GATE_TRAP16)
		return -1;
	if (ev->kind == EV_SOFTWARE && desc_dpl(gate) < (unsigned)guest_cpl(v))
		return -1;
	if (!(gate & DESC_P)) {
		why->vector = EXC_NP;
		return -1;
	}
	why->error = gate_selector(gate) & ~3u;
	if (guest_descriptor(v, gate_selector(gate), &target) ||
	    !(target & DESC_S) || !(target & DESC_TYPE_CODE))
		return -1;
	if (!(target & DESC_P)) {
		why->vector = EXC_NP;
		return -1;
	}
	if (desc_dpl(target) != 0)
		guest_fatal(v, "vector %u: handler segment with DPL %u: only "
			    "DPL-0 handlers are supported", ev->vector,
			    desc_dpl(target));
	if (target & DESC_TYPE_CONFORMING)
		guest_fatal(v, "vector %u: handler in a conforming code segment: "
			    "conforming code is not run by direct execution",
			    ev->vector);
	ss = (uint16_t)tf->ss;
	esp = (uint32_t)tf->rsp;
	if (guest_cpl(v) == 3 && tss_ring0_stack(v, &ss, &esp, why))
		return -1;

	/* frame[] is the pushes in reverse order: lowest address first; a
	 * 16-bit gate keeps the low half of each word. */
	if (ev->has_error)
		frame[n++] = ev->error;
	frame[n++] = ev->return_eip;
	frame[n++] = virtual_cs(v);
	frame[n++] = virtual_eflags(v);
	if (from_user) {
		frame[n++] = (uint32_t)tf->rsp;
		frame[n++] = virtual_ss(v);
		/* The handler inherits the user's IF, not the real one. */
		tf->rflags = (tf->rflags & ~(uint64_t)FL_IF) |
			     (v->user_if ? FL_IF : 0);
	}
	len = frame_layout(frame, n, gate_word_size(type), bytes);
	esp -= len;
	if (gmem_write(&v->mem, seg_base(v, ss) + esp, bytes, len, 0, &f)) {
		why->vector = EXC_SS;
		why->error = 0;
		return access_fault(why, &f);
	}
	tf->ss = compress_rpl(ss);
	tf->rsp = esp;
	tf->rip = gate_offset(gate);
	tf->cs = (gate_selector(gate) & ~3u) | 1;       /* handler DPL 0 */
	tf->rflags &= ~(uint64_t)(FL_TF | FL_NT | FL_RF | FL_VM);
	if (!(type & GATE_TRAP))
		tf->rflags &= ~(uint64_t)FL_IF;
	if (!segments_resumable(v, &bad)) {
		*tf = saved;
		why->vector = EXC_GP;
		why->error = bad & ~3u;
		return -1;
	}
	return 0;
}

static int tss_ring0_stack(struct vcpu *v, uint16_t *ss0, uint32_t *esp0,
			   struct delivery_fault *why)
{
	struct gmem_fault f;
	uint32_t stack[2];              /* ESP0 at offset 4, SS0 at offset 8 */
	uint64_t d;

	if (v->tr.sel == 0)
		guest_fatal(v, "interrupt from user mode with no task register "
			    "loaded: no ring-0 stack");
	why->vector = EXC_TS;
	why->error = v->tr.sel & ~3u;
	if (v->tr.limit < 11)
		return -1;
	if (gmem_read(&v->mem, v->tr.base + 4, stack, 8, 0, &f) != GM_OK)
		return access_fault(why, &f);
	*esp0 = stack[0];
	*ss0 = (uint16_t)stack[1];
	why->error = *ss0 & ~3u;
	if (SEL_INDEX(*ss0) == 0 || SEL_RPL(*ss0) != 0 ||
	    guest_descriptor(v, *ss0, &d) || !(d & DESC_S) ||
	    (d & DESC_TYPE_CODE) || !(d & DESC_TYPE_WRITABLE) ||
	    desc_dpl(d) != 0)
		return -1;
	if (!(d & DESC_P)) {
		why->vector = EXC_SS;
		return -1;
	}
	return 0;
}

/*T:130 Delivering an interrupt or exception into the guest.  The monitor
 * does what the CPU would: read the gate from the guest's IDT, check it,
 * push EFLAGS, CS, EIP (and the error code) on the guest stack - with the
 * CS and EFLAGS the guest believes in, not the real ones - and resume at
 * the handler.  If delivery itself faults, the fault is delivered instead;
 * if that fails too, #DF; a third failure is a triple fault, which stops
 * the guest with a report naming all three. */
/* Exception classes for double faults (SDM vol. 3A, table 6-4). */
enum fault_class { BENIGN, CONTRIBUTORY, PAGE_FAULT };

static enum fault_class fault_class(const struct guest_event *ev)
{
	if (ev->kind != EV_EXCEPTION)
		return BENIGN;
	switch (ev->vector) {
	case EXC_DE: case EXC_TS: case EXC_NP: case EXC_SS: case EXC_GP:
		return CONTRIBUTORY;
	case EXC_PF:
		return PAGE_FAULT;
	default:
		return BENIGN;
	}
}

/*
 * Whether SECOND, raised while delivering FIRST, makes a double fault
 * (SDM table 6-5): contributory after contributory, and contributory or
 * #PF after #PF.  Otherwise SECOND is delivered instead of FIRST.
 */
static bool makes_double_fault(const struct guest_event *first,
			       const struct guest_event *second)
{
	enum fault_class a = fault_class(first), b = fault_class(second);

	return (a == CONTRIBUTORY && b == CONTRIBUTORY) ||
	       (a == PAGE_FAULT && b != BENIGN);
}

void deliver_event(struct vcpu *v, const struct guest_event *ev)
{
	struct guest_event cur = *ev, next;
	struct delivery_fault why, first = { 0, 0, 0 };
	bool in_double_fault = false;

	account_guest_event(ev->vector);
	trace_note(v, "delivered %s %u through the guest IDT",
		   ev->kind == EV_EXTERNAL ? "interrupt" :
		   ev->kind == EV_SOFTWARE ? "int" : "exception", ev->vector);
	while (try_deliver(v, &cur, &why) != 0) {
		if (cur.vector == ev->vector && cur.kind == ev->kind)
			first = why;
		if (in_double_fault)
			guest_fatal(v, "triple fault: vector %u could not be "
				    "delivered (%s, error 0x%x), and the #DF "
				    "that followed raised %s (error 0x%x)",
				    ev->vector, exception_mnemonic(first.vector),
				    first.error, exception_mnemonic(why.vector),
				    why.error);
		/* The fault delivery raised, delivered in its place. */
		next = (struct guest_event){
			.vector = why.vector, .kind = EV_EXCEPTION,
			.has_error = true, .error = why.error,
			.return_eip = (uint32_t)v->tf->rip,
		};
		if (why.vector == EXC_PF)
			v->cr2 = why.cr2;
		if (makes_double_fault(&cur, &next)) {
			next.vector = EXC_DF;
			next.error = 0;
			in_double_fault = true;
		}
		account_guest_event(next.vector);
		cur = next;
	}
}

void reflect_exception(struct vcpu *v, uint8_t vector, bool has_error,
		       uint32_t error)
{
	struct guest_event ev = {
		.vector = vector, .kind = EV_EXCEPTION, .has_error = has_error,
		.error = error, .return_eip = (uint32_t)v->tf->rip,
	};

	deliver_event(v, &ev);
}
