/*
 * decode.h - the guest instruction at CS:EIP, decoded by capstone.
 */
#ifndef VMM_DECODE_H
#define VMM_DECODE_H

#include <capstone/capstone.h>
#include <stddef.h>

#include "vcpu.h"

struct decoded {
	cs_insn *insn;              /* capstone's view, with detail */
	const cs_x86 *x86;          /* insn->detail->x86 */
	uint8_t bytes[16];
	size_t nbytes;              /* bytes fetched */
	struct gmem_fault fault;    /* why fetching stopped, if it did */
	const char *why;            /* why it was not decoded at all, or NULL */
};

void decode_init(void);

/*
 * Decode the guest instruction at CS:EIP into D.  Returns 0, or -1 if its
 * bytes cannot all be fetched or do not form an instruction.
 */
int decode_guest_insn(struct vcpu *v, struct decoded *d);

/* "mnemonic operands" of D, or a hex dump of its bytes if it has none. */
void decode_text(const struct decoded *d, char *buf, size_t len);

/* How often the decoded-instruction cache answered, and capstone did. */
void decode_stats(uint64_t *hits, uint64_t *misses);

/* Capstone's name for instruction ID (X86_INS_*). */
const char *decode_insn_name(unsigned id);

#endif
