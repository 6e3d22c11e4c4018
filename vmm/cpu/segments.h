/*
 * segments.h - the shadow GDT: the real GDT mirrors the guest's, sanitized.
 *
 * Real GDT slots 0 .. GDT_GUEST_SLOTS-1 mirror the guest GDT entry for entry,
 * so guest selector values stay valid; the top slots hold the monitor's own
 * descriptors, DPL 0, which a guest at CPL 1 or 3 can never load.
 *
 *   slot 0 .. 8183   guest entries (sanitized, see descriptor.h)
 *   slot 8184-8185   the real LDT (16 bytes)  selector 0xffc0
 *   slot 8186, 8187  the guest's CS and SS as loaded before a re-sync
 *                    changed their descriptors (parked, segments.c)
 *   slot 8188        monitor 64-bit code      selector 0xffe0
 *   slot 8189        monitor data             selector 0xffe8
 *   slot 8190-8191   monitor TSS (16 bytes)   selector 0xfff0
 *
 * The real LDT mirrors the guest's LDT the same way (real_ldt), so LDT
 * selectors (TI = 1) stay valid too.
 */
#ifndef VMM_SEGMENTS_H
#define VMM_SEGMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "vcpu.h"

#define GDT_SLOTS       8192
#define GDT_GUEST_SLOTS 8184
#define SLOT_LDT        8184
#define LDT_SLOTS       8192
#define SLOT_STALE_CS   8186
#define SLOT_STALE_SS   8187
#define SEL_MON_CODE    (8188 * 8)
#define SEL_MON_DATA    (8189 * 8)
#define SEL_MON_TSS     (8190 * 8)

extern uint64_t real_gdt[GDT_SLOTS];
extern uint64_t *real_ldt;             /* LDT_SLOTS, from the heap */

/*
 * How the real descriptor tables stay coherent with the guest's (the
 * policy of `vmm run --descriptors`, measured in docs/deprivileging.md):
 *   DESC_SYNC   re-sync points only: the whole table at lgdt and lldt, one
 *               slot at ltr, mov ss and any segment load that faults on its
 *               selector.  Free; misses a valid descriptor rewritten in
 *               place and reloaded without a fault.
 *   DESC_TRACE  also watch the frames that hold the guest's GDT and LDT
 *               (write-protected in every shadow): each write is emulated
 *               and the slots it touched are re-synced.  Exact, paging on
 *               or off; costs an exit per write to those frames.
 *   DESC_HYBRID TRACE, but a table whose frames take many writes in a row
 *               that change no code or data descriptor goes back to
 *               DESC_SYNC until its next lgdt/lldt.  The default.
 */
enum desc_policy { DESC_SYNC, DESC_TRACE, DESC_HYBRID };

void segments_set_policy(struct vcpu *v, enum desc_policy policy);
enum desc_policy segments_policy(void);
const char *desc_policy_name(enum desc_policy policy);
int desc_policy_from_name(const char *name, enum desc_policy *policy);

/* Install the guest's boot-time GDT and segments, as QEMU's multiboot
 * loader leaves them (CS 0x08, data 0x10, GDTR 0xc02b8/0x27). */
void segments_init_boot(struct vcpu *v);

/* Copy the guest GDT the vcpu's GDTR names into the real GDT, sanitized. */
void segments_sync_gdt(struct vcpu *v);

/*
 * Load the guest's LDTR with SEL, as `lldt` does: the CPU's checks, faults
 * delivered (returns -1); the guest LDT copied into the real one.
 */
int segments_load_ldt(struct vcpu *v, uint16_t sel);

/*
 * Guest paging changed (CR3 load, CR0.PG): the descriptor tables' linear
 * addresses may now name other frames.  Re-sync a table whose frames moved.
 */
void segments_paging_changed(struct vcpu *v);

/*
 * The guest invalidated the TLB entry of linear address LIN (invlpg): if
 * the page lies under a traced table, its frame may have moved - as at a
 * CR3 load, the table is looked up again.  (Segment loads read the tables
 * through the page tables of the moment; a kernel that remaps the GDT's
 * page and flushes it expects the new frame.)
 */
void segments_page_remapped(struct vcpu *v, uint32_t lin);

/*
 * LEN bytes at guest-physical GPA were written through the guest-memory
 * door.  While a table is traced (DESC_TRACE, DESC_HYBRID until it gives
 * the trace up), re-sync the descriptors they touched.
 */
void segments_guest_wrote(struct vcpu *v, uint64_t gpa, size_t len);

/*
 * A write to a watched frame could not be emulated: stop tracing the
 * descriptor tables (fall back to DESC_SYNC for the rest of the run) so
 * the guest can perform it itself.
 */
void segments_stop_tracing(struct vcpu *v);

/* The CS selector the guest believes it has loaded (RPL as the guest sees it). */
uint16_t virtual_cs(const struct vcpu *v);

/* The SS selector the guest has loaded (its own while SS is parked; the
 * RPL is the real one: a guest kernel's SS reads RPL 1). */
uint16_t virtual_ss(const struct vcpu *v);

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
 * Before every return to the guest: make the hidden code descriptors
 * (user, conforming, DPL-1/2) present exactly when the guest is about to
 * run at CPL 3 (see the top of segments.c), and empty a parking slot the
 * guest no longer has loaded.
 */
void segments_prepare_return(struct vcpu *v);

/*
 * Re-read the guest descriptor SEL names (GDT or LDT) into the real table.  True if the real
 * descriptor changed (a faulting segment load may then be retried).
 */
bool segments_refresh_slot(struct vcpu *v, uint16_t sel);

/*
 * A segment load faulted on SEL, whose descriptor the mirror lacks: if the
 * guest's descriptor lies inside its table but on a page its tables do not
 * let the CPU read, deliver the #PF the CPU raises there - a kernel may
 * demand-page its LDT - and return true.
 */
bool segments_descriptor_page_fault(struct vcpu *v, uint16_t sel);

/*
 * Whether the real CPU can resume the guest with the CS and SS now in its
 * trap frame (the checks iretq makes against the real GDT).  If not, *BAD
 * is the selector it would refuse.
 */
bool segments_resumable(const struct vcpu *v, uint16_t *bad);

/*
 * The guest kernel's data-segment load (mov Sreg / pop Sreg) of selector
 * hidden from it raised #NP: complete it as the CPU would natively.  False
 * if D is not such a load (the #NP is then the guest's).
 */
struct decoded;
bool segments_load_hidden_data(struct vcpu *v, const struct decoded *d);

/* Whether SEL names conforming code hidden while the guest kernel runs. */
bool segments_hidden_conforming(uint16_t sel);

/* Whether SEL names the guest's (non-conforming) DPL-1 or DPL-2 code,
 * hidden while the guest kernel runs. */
bool segments_hidden_inner_ring(uint16_t sel);

/* Whether the guest's loaded CS is a 32-bit code segment (D = 1). */
bool segments_code_is_32bit(const struct vcpu *v);

/* Read the guest's own descriptor for SEL (GDT or LDT); 0 if found, -1 if
 * beyond its table, in a null LDT, or unreadable. */
int guest_descriptor(struct vcpu *v, uint16_t sel, uint64_t *desc);

#endif
