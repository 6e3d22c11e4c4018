/*
 * account.c - exit accounting (see account.h).
 */
#include "account.h"

#include <stddef.h>

struct accounts accounts;

static const char *const exception_names[32] = {
	"de", "db", "nmi", "bp", "of", "br", "ud", "nm", "df", "cso", "ts",
	"np", "ss", "gp", "pf", "exc15", "mf", "ac", "mc", "xm", "ve", "cp",
	"exc22", "exc23", "exc24", "exc25", "exc26", "exc27", "exc28",
	"exc29", "exc30", "exc31",
};

static const char *const pf_cause_names[] = {
	"pf-hidden", "pf-true", "pf-trace", "pf-mmio", "pf-edge", "irq-window",
	"pf-desc", "pf-emulate",
};

const char *exit_cause_name(unsigned cause)
{
	if (cause < 32)
		return exception_names[cause];
	if (cause >= ACCOUNT_VECTORS && cause < ACCOUNT_CAUSES)
		return pf_cause_names[cause - ACCOUNT_VECTORS];
	return "irq";
}

static const char *const pseudo_names[] = {
	[INSN_MOV_CR0 - INSN_PSEUDO_BASE] = "mov-cr0",
	[INSN_MOV_CR2 - INSN_PSEUDO_BASE] = "mov-cr2",
	[INSN_MOV_CR3 - INSN_PSEUDO_BASE] = "mov-cr3",
	[INSN_MOV_CR4 - INSN_PSEUDO_BASE] = "mov-cr4",
	[INSN_MOV_FROM_CR - INSN_PSEUDO_BASE] = "mov-from-cr",
	[INSN_MOV_DR - INSN_PSEUDO_BASE] = "mov-dr",
	[INSN_MOV_SS - INSN_PSEUDO_BASE] = "mov-ss",
};

const char *account_pseudo_insn_name(unsigned id)
{
	if (id < INSN_PSEUDO_BASE || id >= INSN_PSEUDO_END)
		return NULL;
	return pseudo_names[id - INSN_PSEUDO_BASE];
}

void account_exit(unsigned cause, unsigned insn_id, uint64_t cycles)
{
	struct tally *t = &accounts.by_cause[cause % ACCOUNT_CAUSES];

	t->count++;
	t->cycles += cycles;
	if (insn_id && insn_id < ACCOUNT_INSNS) {
		accounts.by_insn[insn_id].count++;
		accounts.by_insn[insn_id].cycles += cycles;
	}
}

void account_guest_event(unsigned vector)
{
	accounts.guest_events[vector % ACCOUNT_VECTORS].count++;
}
