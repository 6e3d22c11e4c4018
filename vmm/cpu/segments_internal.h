/*
 * segments_internal.h - what the mirror of the guest's descriptor tables
 * (segments.c) and its traces (desc_trace.c) share.
 */
#ifndef VMM_SEGMENTS_INTERNAL_H
#define VMM_SEGMENTS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "vcpu.h"

/* segments.c */

/* Base and limit of guest table TI (0 the GDT, 1 the LDT); false when the
 * LDTR holds no table. */
bool segments_guest_table(const struct vcpu *v, unsigned ti, uint32_t *base,
			  uint32_t *limit);

/* Descriptors of the guest's GDT, and LDT, the real tables mirror. */
unsigned segments_gdt_slots(const struct vcpu *v);
unsigned segments_ldt_slots(const struct vcpu *v);

/* Mirror the first N descriptors of guest table TI into its real table,
 * parking a loaded CS or SS first. */
void segments_sync_table(struct vcpu *v, unsigned ti, unsigned n);

/* desc_trace.c */

/* Table TI was just loaded (lgdt, lldt) and mirrored: trace it from now
 * on, if the policy says so. */
void desc_trace_new_table(struct vcpu *v, unsigned ti);

#endif
