/*
 * desc_trace.c - knowing when the guest writes its GDT or LDT.
 *
 * The problem: segments.c keeps the real GDT and LDT sanitized mirrors of
 * the guest's, re-read at lgdt, lldt and wherever a segment load faults.
 * A guest that rewrites a valid descriptor in place and loads it without a
 * fault would get the old one.
 *
 * The approach (the descriptor policy, segments.h), as for page tables
 * (shadow/trace.c): the guest frames under the two tables are *watched* by
 * the shadow MMU - write-protected in every shadow, the paging-off one
 * too - so each write faults (exit cause pf-desc), is emulated, and comes
 * here through the guest-memory door: every descriptor it touched is read
 * again into the real table (segments_refresh_slot), with the same
 * sanitizing, hiding and parking as at lgdt.  The frames are those the
 * tables' linear addresses map to; they are looked up again whenever guest
 * paging changes (a CR3 load, CR0.PG, CR4.PSE/PGE, an invlpg of a table
 * page), and a table whose frames moved is read again whole.  Under
 * DESC_HYBRID a table whose frames take DESC_IDLE_WRITES writes in a row
 * that change no descriptor stops being traced until its next lgdt/lldt.
 */
#include <string.h>

#include "../core/log.h"
#include "../core/paging.h"
#include "segments.h"
#include "segments_internal.h"

static enum desc_policy desc_policy = DESC_HYBRID;

/*
 * DESC_HYBRID: watched writes in a row to a table's frames that changed no
 * code or data descriptor (other data sharing the page, a TSS descriptor
 * that ltr will read anyway), and whether the table's trace was dropped
 * for that reason (until its next lgdt or lldt).
 */
#define DESC_IDLE_WRITES 64
static unsigned idle_writes[2];
static bool trace_dropped[2];

/*
 * The guest frames under a descriptor table, while it is traced:
 * page P of the table (linear LIN + P * 4 KiB) is guest-physical FRAME[P],
 * or NO_FRAME where the guest's tables map nothing.  A table of 64 KiB not
 * aligned to a page spans 17 pages.
 */
#define WATCH_PAGES 17
#define NO_FRAME    (~0ull)
struct table_watch {
	uint32_t lin;
	unsigned pages;
	uint64_t frame[WATCH_PAGES];
};
static struct table_watch watches[2];   /* [0] the GDT, [1] the LDT */

/*
 * Look up the frames under table TI (linear BASE, LIMIT bytes - 1, or
 * nothing if !PRESENT) and watch them instead of the ones watched so far.
 * True if any frame changed: the table's contents may have changed too.
 */
static bool watch_table(unsigned ti, bool present,
			uint32_t base, uint32_t limit)
{
	struct table_watch *w = &watches[ti], now = { .lin = base & ~0xfffu };
	bool changed;

	if (present && desc_policy != DESC_SYNC && !trace_dropped[ti]) {
		uint64_t last = (uint64_t)base + (limit > 0xffff ? 0xffff : limit);

		now.pages = (unsigned)((last >> 12) - (base >> 12) + 1);
		for (unsigned p = 0; p < now.pages; p++)
			if (!shadow_peek(the_shadow, now.lin + p * 4096u,
					 &now.frame[p]) || now.frame[p] >> 32)
				now.frame[p] = NO_FRAME;  /* unmapped, or no RAM
							     (a PSE-36 page) */
	}
	changed = now.pages != w->pages ||
		  (now.pages && (now.lin != w->lin ||
				 memcmp(now.frame, w->frame,
					now.pages * sizeof(now.frame[0]))));
	if (!changed)
		return false;
	for (unsigned p = 0; p < w->pages; p++)
		if (w->frame[p] != NO_FRAME)
			shadow_unwatch_frame(the_shadow, (gpa_t)w->frame[p]);
	for (unsigned p = 0; p < now.pages; p++)
		if (now.frame[p] != NO_FRAME)
			shadow_watch_frame(the_shadow, (gpa_t)now.frame[p]);
	*w = now;
	return true;
}

static void watch_gdt(struct vcpu *v)
{
	watch_table(0, true, v->gdtr.base, v->gdtr.limit);
}

/* Is there an LDT to trace?  (Not the reset state's: see reset_ldt.) */
static bool ldt_traced(const struct vcpu *v)
{
	return segments_ldt_slots(v) != 0 && !v->ldtr.reset;
}

static void watch_ldt(struct vcpu *v)
{
	watch_table(1, ldt_traced(v), v->ldtr.base, v->ldtr.limit);
}

/*T:145 Descriptor traces.  While a table is traced the guest's writes to the
 * frames under its GDT and LDT fault (the shadow MMU keeps them read-only)
 * and are emulated like writes to page tables; the bytes then come here,
 * and every descriptor they touched is read again into the real table -
 * with the same sanitizing, hiding and parking as at lgdt.  Writes to the
 * rest of such a frame (a kernel's GDT often shares its page with other
 * data) cost an exit and change nothing: the price of exactness, measured
 * in docs/deprivileging.md.  Returns whether the write fell on the
 * table's frames (*TOUCHED) and changed a real descriptor. */
static bool refresh_written(struct vcpu *v, unsigned ti, uint64_t gpa,
			    size_t len, bool *touched)
{
	const struct table_watch *w = &watches[ti];
	uint32_t base, limit;
	bool changed = false;

	*touched = false;
	if (!segments_guest_table(v, ti, &base, &limit))
		return false;
	for (unsigned p = 0; p < w->pages; p++) {
		uint64_t frame = w->frame[p], from, to;
		uint32_t lin_from, lin_to;

		if (frame == NO_FRAME || gpa + len <= frame ||
		    gpa >= frame + 4096)
			continue;
		*touched = true;
		from = gpa > frame ? gpa : frame;
		to = gpa + len < frame + 4096 ? gpa + len : frame + 4096;
		lin_from = w->lin + p * 4096u + (uint32_t)(from - frame);
		lin_to = w->lin + p * 4096u + (uint32_t)(to - frame);
		if (lin_to <= base)
			continue;
		lin_from = lin_from < base ? base : lin_from;
		for (uint32_t i = (lin_from - base) / 8;
		     i <= (lin_to - 1 - base) / 8 && i * 8u + 7 <= limit; i++)
			changed |= segments_refresh_slot(v,
						(uint16_t)(i * 8 | ti << 2));
	}
	return changed;
}

/*T:146 Hybrid descriptor traces.  Only a code or data descriptor that
 * changes under the guest and is reloaded without a fault needs a trace;
 * a TSS descriptor is read by ltr, and the rest of the page is not the
 * table at all.  So under DESC_HYBRID a table whose frames take
 * DESC_IDLE_WRITES writes in a row that change no real descriptor stops
 * being traced until its next lgdt or lldt: a kernel that keeps hot data
 * next to its GDT (xv6's struct cpu) then pays for 64 exits, not for
 * every lock it takes. */
void segments_guest_wrote(struct vcpu *v, uint64_t gpa, size_t len)
{
	if (desc_policy == DESC_SYNC)
		return;
	for (unsigned ti = 0; ti < 2; ti++) {
		bool touched;

		if (refresh_written(v, ti, gpa, len, &touched)) {
			idle_writes[ti] = 0;
		} else if (touched && desc_policy == DESC_HYBRID &&
			   ++idle_writes[ti] >= DESC_IDLE_WRITES) {
			trace_dropped[ti] = true;
			watch_table(ti, false, 0, 0);
			log_printf("segments: %s trace dropped after %u writes "
				   "that changed no descriptor\n",
				   ti ? "LDT" : "GDT", DESC_IDLE_WRITES);
		}
	}
}

void desc_trace_new_table(struct vcpu *v, unsigned ti)
{
	trace_dropped[ti] = false;
	idle_writes[ti] = 0;
	if (ti)
		watch_ldt(v);
	else
		watch_gdt(v);
}

void segments_paging_changed(struct vcpu *v)
{
	if (desc_policy == DESC_SYNC)
		return;
	if (watch_table(0, true, v->gdtr.base, v->gdtr.limit))
		segments_sync_table(v, 0, segments_gdt_slots(v));
	if (watch_table(1, ldt_traced(v), v->ldtr.base, v->ldtr.limit) &&
	    !v->ldtr.reset)
		segments_sync_table(v, 1, segments_ldt_slots(v));
}

void segments_page_remapped(struct vcpu *v, uint32_t lin)
{
	for (unsigned ti = 0; ti < 2; ti++) {
		const struct table_watch *w = &watches[ti];

		/* unsigned: a table that wraps at 4 GiB wraps here too */
		if ((uint32_t)((lin & ~0xfffu) - w->lin) / 4096u < w->pages) {
			segments_paging_changed(v);
			return;
		}
	}
}

void segments_stop_tracing(struct vcpu *v)
{
	log_printf("segments: a write to a descriptor table could not be "
		   "emulated; descriptor policy now sync\n");
	segments_set_policy(v, DESC_SYNC);
}

void segments_set_policy(struct vcpu *v, enum desc_policy policy)
{
	desc_policy = policy;
	watch_gdt(v);
	watch_ldt(v);
}

enum desc_policy segments_policy(void)
{
	return desc_policy;
}

const char *desc_policy_name(enum desc_policy policy)
{
	return policy == DESC_TRACE ? "trace" :
	       policy == DESC_HYBRID ? "hybrid" : "sync";
}

int desc_policy_from_name(const char *name, enum desc_policy *policy)
{
	if (!strcmp(name, "trace"))
		*policy = DESC_TRACE;
	else if (!strcmp(name, "sync"))
		*policy = DESC_SYNC;
	else if (!strcmp(name, "hybrid"))
		*policy = DESC_HYBRID;
	else
		return -1;
	return 0;
}
