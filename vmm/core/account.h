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

struct accounts {
	struct tally by_vector[ACCOUNT_VECTORS];
	struct tally by_insn[ACCOUNT_INSNS];
	struct tally guest_events[ACCOUNT_VECTORS];  /* delivered to the guest */
};

extern struct accounts accounts;

void account_exit(unsigned vector, unsigned insn_id, uint64_t cycles);
void account_guest_event(unsigned vector);

/* Short name of an exit cause: "gp", "pf", ..., "irq". */
const char *exit_cause_name(unsigned vector);

#endif
