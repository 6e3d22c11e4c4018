/*
 * irq.h - an interrupt request line out of a device model.
 *
 * A model never knows what it is wired to.  It holds a `struct irq_line` and
 * drives it with irq_line_set(line, level) whenever its output may have
 * changed; the board (devices.c) connects the line to the PIC pair and the
 * I/O APIC, a test connects it to a probe.  Setting the level it already has
 * is harmless: receivers act on changes (edges) or on the level itself.
 */
#ifndef VMM_DEV_IRQ_H
#define VMM_DEV_IRQ_H

#include <stdbool.h>

struct irq_line {
	void (*set)(void *ctx, unsigned line, bool level);
	void *ctx;
	unsigned line;                  /* the ISA IRQ number, for the receiver */
};

/* Drive LINE to LEVEL (a line nobody connected goes nowhere). */
static inline void irq_line_set(const struct irq_line *line, bool level)
{
	if (line->set)
		line->set(line->ctx, line->line, level);
}

#endif
