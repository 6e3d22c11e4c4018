/*
 * vintr.c - how the guest's devices interrupt it.
 *
 * Device state changes only inside the monitor: at an exit that touched a
 * device, and when virtual time passes.  So the monitor checks at the end
 * of every exit whether the devices want the CPU (dev/devices.h, "the
 * monitor's protocol") and, if the guest could take an interrupt now,
 * delivers it through the guest's IDT as the CPU would have.  Time passes
 * for the devices when the monitor reads its clock; the machine's one-shot
 * timer (vtime.c) makes sure an exit happens by the next device deadline.
 *
 * Three situations need more than that:
 *   - the guest has IF clear: the interrupt waits; the guest's `sti`
 *     traps, and the instruction after it runs first (the interrupt
 *     shadow; a load of SS has one too), so the monitor single-steps that
 *     one instruction (TF) and delivers after it - however many exits
 *     come in between, until EIP has moved past it;
 *   - the guest executes `hlt` with IF set and nothing pending: the monitor
 *     halts the machine until its timer says a device deadline has come;
 *   - user mode always runs with the real IF set; its virtual IF is the
 *     one its iret asked for (vcpu.user_if).
 */
#include "vintr.h"

#include "../cpu/debugreg.h"
#include "../cpu/interrupts.h"
#include "../dev/devices.h"
#include "log.h"
#include "trace.h"
#include "vtime.h"
#include "x86.h"

/* How long the monitor may go without looking at the console's input. */
#define INPUT_POLL_NS 10000000ull
/* ... and, while the guest keeps exiting, between two device advances. */
#define ADVANCE_EVERY_NS 1000000ull

volatile bool vintr_idle;
static uint64_t armed;              /* the alarm's deadline, ns */
static uint64_t next_due;           /* the devices' next deadline, ns */
static uint64_t last_advance;       /* when time last passed for them */

static uint64_t clock_now(void *ctx)
{
	(void)ctx;
	return vtime_now_ns();
}

void vintr_init(void)
{
	vtime_init();
	devices_set_clock((struct dev_clock){ clock_now, NULL });
	armed = 0;
}

/* The guest's virtual IF. */
static bool guest_if(const struct vcpu *v)
{
	if (guest_cpl(v) == 3)
		return v->user_if;
	return (v->tf->rflags & FL_IF) != 0;
}

/* Arm the alarm for the next deadline (or the input poll), if it moved. */
static void arm_next(uint64_t now)
{
	uint64_t next = devices_next_deadline(now);

	next_due = next;
	if (next > now + INPUT_POLL_NS)
		next = now + INPUT_POLL_NS;
	if (next == armed && next > now)
		return;
	armed = next;
	vtime_arm(next);
}

/*
 * Whether the guest is still before the instruction that an sti or a load
 * of SS shields from interrupts.  The shadow ends once EIP has moved on;
 * an exit in between (a hidden page fault on that very instruction, the
 * machine's alarm) must not end it.
 */
static bool in_shadow(struct vcpu *v)
{
	if (v->irq_shadow && (uint32_t)v->tf->rip == v->shadow_eip)
		return true;
	v->irq_shadow = false;
	return false;
}

/* Single-step the shadowed instruction: an interrupt waits behind it. */
static void step_through_shadow(struct vcpu *v)
{
	if (v->irq_window_step)
		return;
	v->irq_window_step = true;
	v->tf_before_step = (v->tf->rflags & FL_TF) != 0;
	v->tf->rflags |= FL_TF;
}

/*T:400 The life of an interrupt.  A guest device (say the PIT) decided,
 * as virtual time passed, to raise its line; the 8259 model now wants the
 * CPU.  At the end of an exit, if the guest's IF is set and no interrupt
 * shadow holds it off, the monitor runs the INTA cycle on the model
 * (devices_ack) and delivers the vector through the guest's IDT, exactly as
 * an exception is delivered: the guest resumes in its interrupt handler. */
static void deliver_pending(struct vcpu *v)
{
	struct guest_event ev = {
		.kind = EV_EXTERNAL, .return_eip = (uint32_t)v->tf->rip,
	};
	int vector = devices_ack();

	if (vector < 0)
		return;         /* the request went away: nothing to deliver */
	ev.vector = (uint8_t)vector;
	deliver_event(v, &ev);
}

/* Let time pass for the devices, if a deadline came or a while went by
 * (device state changes otherwise only through the guest's own accesses,
 * which the models see at once). */
static void advance_devices(uint64_t now)
{
	if (now < next_due && now - last_advance < ADVANCE_EVERY_NS)
		return;
	devices_advance(now);
	last_advance = now;
}

void vintr_before_resume(struct vcpu *v)
{
	uint64_t now = vtime_now_ns();
	bool shadowed = in_shadow(v);   /* also ends a shadow left behind */

	advance_devices(now);
	if (devices_pending_vector() >= 0) {     /* one question per exit */
		if (shadowed)
			step_through_shadow(v);
		else if (guest_if(v))
			deliver_pending(v);
	}
	arm_next(now);
}

void vintr_timer_exit(struct vcpu *v)
{
	trace_note(v, "timer: device time advanced");
	vtime_ack();
	armed = 0;
}

/*T:410 hlt.  The guest has nothing to do until an interrupt.  The monitor
 * lets virtual time pass to the devices' next deadline with the machine
 * itself halted: it arms its alarm, halts with interrupts enabled, and when
 * the alarm wakes it, advances the devices and looks again. */
void vintr_halt(struct vcpu *v)
{
	(void)v;
	for (;;) {
		uint64_t now = vtime_now_ns();

		devices_advance(now);
		if (devices_pending_vector() >= 0)
			return;
		armed = 0;
		arm_next(now);
		vintr_idle = true;
		__asm__ volatile("sti; hlt; cli" ::: "memory");
		vintr_idle = false;
	}
}

void vintr_after_sti(struct vcpu *v)
{
	v->irq_shadow = true;
	v->shadow_eip = (uint32_t)v->tf->rip;
	devices_advance(vtime_now_ns());
}

bool vintr_step_done(struct vcpu *v, unsigned vector)
{
	bool ours;

	if (!v->irq_window_step)
		return false;
	v->irq_window_step = false;
	if (!v->tf_before_step)
		v->tf->rflags &= ~(uint64_t)FL_TF;
	if (vector == EXC_DB)
		v->irq_shadow = false;  /* the shadowed instruction has run,
					   even if it jumped to itself */
	ours = vector == EXC_DB && !v->tf_before_step;
	if (ours)       /* the guest must not find our step in its DR6 */
		__asm__ volatile("mov %0, %%dr6" : : "r"((uint64_t)DR6_FIXED));
	return ours;
}
