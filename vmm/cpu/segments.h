/*
 * segments.h - the shadow GDT: the real GDT mirrors the guest's, sanitized.
 *
 * Real GDT slots 0 .. GDT_GUEST_SLOTS-1 mirror the guest GDT entry for entry,
 * so guest selector values stay valid; the top slots hold the monitor's own
 * descriptors, DPL 0, which a guest at CPL 1 or 3 can never load.
 *
 *   slot 0 .. 8185   guest entries (sanitized, see descriptor.h)
 *   slot 8186, 8187  the guest's CS and SS as loaded before its last lgdt
 *   slot 8188        monitor 64-bit code      selector 0xffe0
 *   slot 8189        monitor data             selector 0xffe8
 *   slot 8190-8191   monitor TSS (16 bytes)   selector 0xfff0
 */
#ifndef VMM_SEGMENTS_H
#define VMM_SEGMENTS_H

#include <stdint.h>

#include "vcpu.h"

#define GDT_SLOTS       8192
#define GDT_GUEST_SLOTS 8186
#define SLOT_STALE_CS   8186
#define SLOT_STALE_SS   8187
#define SEL_MON_CODE    (8188 * 8)
#define SEL_MON_DATA    (8189 * 8)
#define SEL_MON_TSS     (8190 * 8)

extern uint64_t real_gdt[GDT_SLOTS];

/* Install the guest's boot-time GDT and segments, as QEMU's multiboot
 * loader leaves them (CS 0x08, data 0x10, GDTR 0xc02b8/0x27). */
void segments_init_boot(struct vcpu *v);

/* Copy the guest GDT the vcpu's GDTR names into the real GDT, sanitized. */
void segments_sync_gdt(struct vcpu *v);

/* The CS selector the guest believes it has loaded (RPL as the guest sees it). */
uint16_t virtual_cs(const struct vcpu *v);

/* Base address of the segment SEL names in the real GDT (0 for null). */
uint32_t seg_base(const struct vcpu *v, uint16_t sel);

/*
 * Load the guest's task register with SEL, as `ltr` does: checks, faults
 * delivered to the guest (returns -1), the busy bit set in the guest's GDT.
 */
int segments_load_tr(struct vcpu *v, uint16_t sel);

/*
 * Load SS with SEL for the guest at its current CPL (mov ss, pop ss): the
 * CPU's checks, faults delivered (returns -1); RPL compressed for ring 1.
 */
int segments_load_ss(struct vcpu *v, uint16_t sel);

/*
 * Make the guest's DPL-3 code descriptors present exactly when the guest is
 * about to run at CPL 3 (see the top of segments.c).  Called before every
 * return to the guest.
 */
void segments_prepare_return(struct vcpu *v);

/*
 * Re-read guest GDT slot SEL names into the real GDT.  True if the real
 * descriptor changed (a faulting segment load may then be retried).
 */
bool segments_refresh_slot(struct vcpu *v, uint16_t sel);

/*
 * Whether the real CPU can resume the guest with the CS and SS now in its
 * trap frame (the checks iretq makes against the real GDT).  If not, *BAD
 * is the selector it would refuse.
 */
bool segments_resumable(const struct vcpu *v, uint16_t *bad);

/* Whether the guest's loaded CS is a 32-bit code segment (D = 1). */
bool segments_code_is_32bit(const struct vcpu *v);

/* Read the guest's own descriptor for SEL; 0 if beyond its GDT or unreadable. */
int guest_descriptor(struct vcpu *v, uint16_t sel, uint64_t *desc);

#endif
