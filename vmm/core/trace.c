/*
 * trace.c - one line per exit, for people watching the monitor work.
 *
 * With `trace=CLASSES` on the monitor's command line (vmm run --trace),
 * every exit of a traced class writes a line to the log channel as it
 * happens, which vmm shows live:
 *
 *   @trace CLASS 0xEIP cpl=N WHAT | INSTRUCTION
 *
 * The classes: priv (an emulated privileged instruction), io (port and
 * device-memory accesses), pf-hidden, pf-trace, pf-true (page faults, by
 * what the shadow found), cr3 (guest address-space switches), irq (the
 * monitor's timer, and interrupts delivered to the guest), int (software
 * interrupts and exceptions delivered through the guest's IDT).  Tracing
 * costs nothing but a flag test when it is off.
 */
#include "trace.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../cpu/decode.h"
#include "account.h"
#include "log.h"
#include "x86.h"

enum trace_class {
	TC_PRIV, TC_IO, TC_PF_HIDDEN, TC_PF_TRACE, TC_PF_TRUE, TC_CR3,
	TC_IRQ, TC_INT, TC_OTHER, TC_COUNT
};

static const char *const class_names[TC_COUNT] = {
	"priv", "io", "pf-hidden", "pf-trace", "pf-true", "cr3", "irq", "int",
	"other",
};

bool trace_enabled;
static unsigned traced;             /* bit per class */
static char insn_text[80], what[96];

/* The class named by the LEN bytes at NAME, or -1. */
static int class_named(const char *name, size_t len)
{
	for (int c = 0; c < TC_COUNT; c++)
		if (strlen(class_names[c]) == len &&
		    !strncmp(class_names[c], name, len))
			return c;
	return -1;
}

bool trace_init(const char *list)
{
	while (*list) {
		size_t len = 0;
		int c;

		while (list[len] && list[len] != ',')
			len++;
		c = class_named(list, len);

		if (len == 3 && !strncmp(list, "all", 3))
			traced = (1u << TC_COUNT) - 1;
		else if (c < 0)
			return false;
		else
			traced |= 1u << c;
		list += len + (list[len] == ',');
	}
	trace_enabled = traced != 0;
	return true;
}

void trace_begin(struct vcpu *v)
{
	struct decoded d;

	what[0] = 0;
	if (decode_guest_insn(v, &d) == 0 || d.nbytes)
		decode_text(&d, insn_text, sizeof(insn_text));
	else
		snprintf(insn_text, sizeof(insn_text), "(not fetchable)");
}

void trace_note(struct vcpu *v, const char *fmt, ...)
{
	va_list ap;

	(void)v;
	if (!trace_enabled)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
}

static bool is_io(unsigned insn)
{
	return insn == X86_INS_IN || insn == X86_INS_OUT ||
	       insn == X86_INS_INSB || insn == X86_INS_INSW ||
	       insn == X86_INS_INSD || insn == X86_INS_OUTSB ||
	       insn == X86_INS_OUTSW || insn == X86_INS_OUTSD;
}

/* The class of the exit just handled. */
static enum trace_class classify(const struct vcpu *v)
{
	unsigned cause = v->exit.cause, insn = v->exit.insn_id;

	switch (cause) {
	case CAUSE_PF_HIDDEN: return TC_PF_HIDDEN;
	case CAUSE_PF_TRACE:  return TC_PF_TRACE;
	case CAUSE_PF_DESC:   return TC_PF_TRACE;
	case CAUSE_PF_EMULATE: return TC_PF_HIDDEN;
	case CAUSE_PF_TRUE:   return TC_PF_TRUE;
	case CAUSE_PF_MMIO:   return TC_IO;
	case CAUSE_IRQ_WINDOW: return TC_IRQ;
	default: break;
	}
	if (cause >= 32 && cause < ACCOUNT_VECTORS)
		return TC_IRQ;
	if (insn == INSN_MOV_CR3)
		return TC_CR3;
	if (is_io(insn))
		return TC_IO;
	if (insn)
		return TC_PRIV;
	if (cause < 32)
		return TC_INT;
	return TC_OTHER;
}

void trace_end(struct vcpu *v)
{
	enum trace_class c = classify(v);

	if (!(traced & (1u << c)))
		return;
	if (!what[0] && v->exit.insn_id)
		snprintf(what, sizeof(what), "emulated");
	log_printf("@trace %s 0x%08x cpl=%d %s | %s\n", class_names[c],
		   v->exit.eip, v->exit.cpl, what[0] ? what : "-", insn_text);
}
