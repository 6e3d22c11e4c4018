/*
 * vcpu.h - the virtual CPU: what the guest believes its processor holds.
 *
 * The guest's general registers, EIP, ESP, and the arithmetic flags live in
 * the trap frame on the exit stack (core/trap.h): they are real, loaded into
 * the CPU whenever the guest runs.  What the guest may not hold for real -
 * control registers, descriptor-table registers, its privilege level - lives
 * here, and the monitor maps it onto the real CPU:
 *
 *   virtual CPL 0  runs at real CPL 1 (ring compression)
 *   virtual CPL 3  runs at real CPL 3
 *   virtual IF     equals the real IF while the guest kernel runs
 */
#ifndef VMM_VCPU_H
#define VMM_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/gmem.h"
#include "../core/trap.h"
#include "../core/x86.h"

struct dtr {
	uint32_t base;
	uint16_t limit;
};

/* What the current exit is about; filled by the handlers, read by accounting. */
struct exit_info {
	unsigned cause;             /* the vector, or an enum exit_cause */
	unsigned insn_id;           /* capstone X86_INS_* emulated, or 0 */
	uint32_t eip;               /* guest EIP when the exit began */
	bool stepped;               /* an instruction was emulated to its end */
	bool guest_tf;              /* the guest's EFLAGS.TF when it began */
	bool db_held;               /* a mov/pop ss: its single-step trap
				       waits for the next instruction */
	uint32_t db_hits;           /* DR6 B0-B3: breakpoints the accesses
				       the monitor made for it hit */
	int cpl;                    /* guest CPL then */
	uint64_t start_tsc;
	bool in_progress;           /* not yet charged (see exit_account) */
};

struct vcpu {
	struct trap_frame *tf;      /* guest registers, valid during an exit */

	uint32_t cr0, cr2, cr3, cr4;
	struct dtr gdtr, idtr;
	uint16_t stale_cs, stale_ss;    /* selectors parked in the stale slots */
	uint32_t dr[8];                 /* debug registers (DR4/5 unused) */
	struct {
		uint16_t sel;
		uint32_t base, limit;
		bool valid;             /* holds a table (not after lldt 0) */
		bool reset;             /* the reset state's: base 0, limit
					   0xffff, until the first lldt */
	} ldtr;                         /* the guest's LDT register */
	struct {
		uint16_t sel;
		uint32_t base, limit;
	} tr;                           /* the guest's task register */
	struct vmsrs {
		uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
		uint64_t apic_base, pat, misc_enable, mtrr_def_type;
		uint64_t mtrr_var[16], mtrr_fixed[11];
	} msr;
	bool user_if;                   /* virtual IF while at CPL 3 */
	bool irq_shadow;                /* sti / mov ss: wait one insn ... */
	uint32_t shadow_eip;            /* ... the one at this EIP */
	bool irq_window_step;           /* TF set by the monitor (vintr.c) */
	bool tf_before_step;            /* ... and the guest's own TF then */
	bool user_code_present;         /* the hidden code descriptors (user,
					   conforming, DPL-1/2) are present:
					   the guest runs at CPL 3 */

	struct guest_mem mem;       /* guest RAM and its translation */
	struct exit_info exit;
	uint64_t exits;             /* exits taken so far */
};

extern struct vcpu the_vcpu;

/* Real CPL the guest was running at when it exited. */
static inline int real_cpl(const struct vcpu *v)
{
	return (int)(v->tf->cs & 3);
}

/* The guest's own idea of its privilege level (0 or 3). */
static inline int guest_cpl(const struct vcpu *v)
{
	return real_cpl(v) == 1 ? 0 : real_cpl(v);
}

/* Map a guest-visible selector RPL onto the ring it really runs in. */
static inline uint16_t compress_rpl(uint16_t sel)
{
	return SEL_RPL(sel) == 0 ? (uint16_t)(sel | 1) : sel;
}

/*
 * Charge the exit in progress to its cause; the report calls it so that the
 * exit that ends the run is counted like every other.
 */
void exit_account(void);

/*
 * Stop the guest: it did something the monitor cannot or will not carry
 * out.  Reports the reason with the guest address and decoded instruction.
 */
_Noreturn void guest_fatal(struct vcpu *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
