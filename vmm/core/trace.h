/*
 * trace.h - `vmm run --trace`: every exit, decoded, as it happens.
 */
#ifndef VMM_TRACE_H
#define VMM_TRACE_H

#include <stdbool.h>

#include "../cpu/vcpu.h"

/* Enable the classes named in LIST ("priv,io,...", or "all"); false if
 * LIST names an unknown class. */
bool trace_init(const char *list);

/* Whether any class is traced (the exit path's only cost when not). */
extern bool trace_enabled;

/* At the start of an exit: remember the instruction at the guest's EIP. */
void trace_begin(struct vcpu *v);

/* Say what the monitor did in this exit (printf-style; the last word wins). */
void trace_note(struct vcpu *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* At the end of an exit: write its "@trace" line if its class is traced. */
void trace_end(struct vcpu *v);

#endif
