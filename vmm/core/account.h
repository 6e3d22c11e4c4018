/*
 * account.h - the measuring instrument: every exit counted and timed.
 *
 * Each exit is charged, in TSC cycles from the first C instruction of the
 * exit to the last before the return to the guest, to its cause (the vector
 * that brought the guest into the monitor) and, when the exit emulated an
 * instruction, to that instruction's mnemonic.
 */
#ifndef VMM_ACCOUNT_H
#define VMM_ACCOUNT_H

#include <stdint.h>

struct tally {
	uint64_t count;
	uint64_t cycles;
};

#define ACCOUNT_VECTORS 256
#define ACCOUNT_INSNS   1600        /* > X86_INS_ENDING in capstone 4 */

/*
 * Exit causes: the vector that brought the guest in (0-255), or, for a page
 * fault, what the shadow MMU found it to be.
 */
enum exit_cause {
	CAUSE_PF_HIDDEN = ACCOUNT_VECTORS,  /* shadow filled, guest unaware */
	CAUSE_PF_TRUE,                      /* reflected into the guest */
	CAUSE_PF_TRACE,                     /* write to a traced page table */
	CAUSE_PF_MMIO,                      /* device memory */
	CAUSE_PF_EDGE,                      /* an access across 4 GiB */
	CAUSE_IRQ_WINDOW,                   /* the single step after sti */
	CAUSE_PF_DESC,                      /* write to a watched GDT/LDT frame */
	CAUSE_PF_EMULATE,                   /* a kernel write no shadow entry
					       can grant (CR0.WP=0, SMEP/SMAP) */
	ACCOUNT_CAUSES
};

/*
 * Instructions that capstone names alike but that cost differently are
 * counted apart under names of their own (above capstone's X86_INS_ENDING).
 */
enum pseudo_insn {
	INSN_PSEUDO_BASE = 1550,
	INSN_MOV_CR0 = INSN_PSEUDO_BASE,    /* "mov-cr0" */
	INSN_MOV_CR2,
	INSN_MOV_CR3,                       /* a guest context switch */
	INSN_MOV_CR4,
	INSN_MOV_FROM_CR,
	INSN_MOV_DR,
	INSN_MOV_SS,
	INSN_PSEUDO_END
};

/* The name of pseudo-instruction ID, or NULL if it is capstone's. */
const char *account_pseudo_insn_name(unsigned id);

struct accounts {
	struct tally by_cause[ACCOUNT_CAUSES];
	struct tally by_insn[ACCOUNT_INSNS];
	struct tally guest_events[ACCOUNT_VECTORS];  /* delivered to the guest */
};

extern struct accounts accounts;

void account_exit(unsigned cause, unsigned insn_id, uint64_t cycles);
void account_guest_event(unsigned vector);

/* Short name of an exit cause: "gp", "pf-hidden", ..., "irq". */
const char *exit_cause_name(unsigned cause);

#endif
