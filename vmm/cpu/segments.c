/*
 * segments.c - keeping the real GDT and LDT sanitized mirrors of the guest's.
 *
 * The guest's GDT and LDT are primary structures in guest memory; the real
 * GDT and LDT are their shadows, slot for slot, so that guest selectors
 * (TI = 0 or 1) mean the same thing to the real CPU.  Keeping them coherent
 * is the page tables' problem again, solved the same two ways (the
 * descriptor policy, segments.h):
 *
 *  - re-sync points (DESC_SYNC): the whole table at `lgdt` and `lldt`, one
 *    slot where the monitor sees a segment load: `mov ss` (it traps; `ltr`
 *    reads the guest's descriptor itself), and any segment load that faults
 *    on its selector (a descriptor
 *    the guest has written since, over an absent slot, is picked up and the
 *    load retried).  A guest that rewrites a *valid* descriptor in place and
 *    reloads DS/ES/FS/GS without a new `lgdt` still gets the old one.
 *  - traces (DESC_TRACE, and DESC_HYBRID until it gives a table's trace
 *    up): the same, and each write to the frames under the tables re-reads
 *    the descriptors it touched (desc_trace.c).
 *
 * Loaded segments outlive their descriptors.  A CPU caches the descriptor of
 * every segment register when it is loaded, so a kernel may `lgdt` a table
 * in which its current CS selector means something else, and run on until
 * its far jump reloads CS.  The monitor returns to the guest with iretq,
 * which reloads CS and SS from the real tables at every exit.  So when a
 * re-sync changes the descriptor under the loaded CS or SS, the old
 * descriptor is parked in a spare GDT slot and the register is pointed at
 * it, until the guest loads that register again.  The guest's own selector
 * is remembered and is what interrupt frames record; only a `mov %cs`/
 * `push %cs` inside that window could see the parked selector.  (DS, ES, FS
 * and GS are never reloaded by the monitor: their caches stay the guest's.)
 *
 * User code descriptors are present only while user code runs.  An `iret`
 * from the guest kernel (CPL 1) to user mode (CPL 3) neither faults nor
 * changes IF, so the monitor would not see the guest leave its kernel.  So
 * while the guest kernel runs, the real tables mark its DPL-3 code segments
 * - and its conforming code segments, which an iret with RPL 3 enters at
 * CPL 3 too - not present: the return to user mode raises #NP(selector)
 * with the frame still on the guest stack, and the monitor completes the
 * `iret` to user code itself (one into conforming code stops the guest:
 * it is not run).  Every way back from CPL 3 is an exit, after which they
 * are hidden again.  DPL-1 and DPL-2 code is hidden the same way, because
 * the real CPU cannot tell the guest's ring 1 from its kernel's (see
 * must_hide).  A kernel that loads such a selector into a data segment
 * register gets its #NP completed by the monitor (see
 * segments_load_hidden_data).
 */
#include "segments.h"

#include <stdlib.h>
#include <string.h>

#include "../core/log.h"
#include "../core/paging.h"
#include "descriptor.h"
#include "interrupts.h"
#include "decode.h"
#include "operands.h"
#include "segments_internal.h"

uint64_t real_gdt[GDT_SLOTS] __attribute__((aligned(4096)));
/* The real LDT: 64 KiB from the heap (on the first load of the LDTR, at
 * boot), not in the bss beside the monitor's hot data - see slot_list:
 * there it cost a system call 7% under TCG. */
uint64_t *real_ldt;

/*
 * A set of real slots, as selectors with RPL 0 (GDT or LDT), each listed
 * at most once (shadow_slot's callers forget a slot before they mirror it
 * again).  Room for every mirrored slot, from the heap on first use rather
 * than beside the monitor's hot data: under TCG each page the monitor
 * touches costs a software-TLB entry, and moving that data by eight pages
 * cost every exit 10%.
 */
#define MAX_LISTED (GDT_GUEST_SLOTS + LDT_SLOTS)
struct slot_list {
	uint16_t *sel;
	unsigned n;
};

/* Slots hiding code the kernel must not enter by itself (must_hide). */
static struct slot_list hidden;
/* Slots whose guest descriptor is not yet marked accessed (note_accessed). */
static struct slot_list unaccessed;

/* Slots of each real table that may hold a guest descriptor (GDT, LDT). */
static unsigned mirrored[2];
/* Entries the real LDTR covers now (0: the null LDT). */
static unsigned real_ldt_slots;

/*
 * The QEMU 7.2 GDT its multiboot loader leaves behind, in its option ROM at
 * 0xc02b8: null, flat 32-bit code (0x08) and data (0x10), and 16-bit code
 * and data it used on the way.  A guest may take an exception before it
 * loads its own GDT, so the monitor gives it the same table, in guest RAM.
 */
#define BOOT_GDT_BASE  0xc02b8
#define BOOT_CODE_SEL  0x08
#define BOOT_DATA_SEL  0x10

static const uint64_t boot_gdt[] = {
	0,
	0x00cf9a000000ffffull,      /* 0x08: code, base 0, 4 GiB, 32-bit */
	0x00cf93000000ffffull,      /* 0x10: data */
	0x00009e000000ffffull,      /* 0x18: 16-bit conforming code */
	0x000092000000ffffull,      /* 0x20: 16-bit data */
};

static void load_real_ldt(unsigned n, uint32_t limit);

/*
 * The LDTR a CPU comes out of reset with (SDM vol. 3A 9.1.1), which QEMU's
 * multiboot path leaves alone: selector 0, base 0, limit 0xffff - a table
 * over whatever lies at linear 0 (the BIOS's interrupt vectors), usable
 * until the first lldt.  No kernel means to use it, so it is mirrored on
 * demand, not up front: the real LDT covers all 8192 slots, empty, and a
 * load that faults on one reads the guest's descriptor into it and retries
 * (segments_refresh_slot).  It is not traced.
 */
static void reset_ldt(struct vcpu *v)
{
	v->ldtr.sel = 0;
	v->ldtr.base = 0;
	v->ldtr.limit = 0xffff;
	v->ldtr.valid = v->ldtr.reset = true;
	load_real_ldt(LDT_SLOTS, 0xffff);
}

void segments_init_boot(struct vcpu *v)
{
	struct gmem_fault f;

	if (gmem_write(&v->mem, BOOT_GDT_BASE, boot_gdt, sizeof(boot_gdt), 0,
		       &f) != GM_OK)
		panic("guest RAM cannot hold the boot GDT");
	v->gdtr.base = BOOT_GDT_BASE;
	v->gdtr.limit = sizeof(boot_gdt) - 1;
	v->tf->cs = v->tf->ss = 0;          /* nothing loaded yet to park */
	segments_sync_gdt(v);
	v->tf->cs = BOOT_CODE_SEL | 1;
	v->tf->ss = BOOT_DATA_SEL | 1;
	__asm__ volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%fs; mov %0, %%gs"
			 : : "r"(BOOT_DATA_SEL));
	reset_ldt(v);
}

/* ---- the guest's tables and the real ones ----------------------------- */

/* The null selector: index 0 of the GDT (LDT index 0 is an entry). */
static bool is_null(uint16_t sel)
{
	return (sel & ~3u) == 0;
}

bool segments_guest_table(const struct vcpu *v, unsigned ti, uint32_t *base,
			  uint32_t *limit)
{
	if (!ti) {
		*base = v->gdtr.base;
		*limit = v->gdtr.limit;
		return true;
	}
	if (!v->ldtr.valid)
		return false;
	*base = v->ldtr.base;
	*limit = v->ldtr.limit;
	return true;
}

int guest_descriptor(struct vcpu *v, uint16_t sel, uint64_t *desc)
{
	uint32_t base, limit, off = SEL_INDEX(sel) * 8u;
	struct gmem_fault f;

	if (!segments_guest_table(v, SEL_TI(sel), &base, &limit) || off + 7 > limit)
		return -1;
	if (gmem_read(&v->mem, base + off, desc, 8, 0, &f) != GM_OK)
		return -1;
	return 0;
}

/* The real slot mirroring guest selector SEL, or NULL beyond the mirror. */
static uint64_t *real_slot(uint16_t sel)
{
	unsigned i = SEL_INDEX(sel);

	if (SEL_TI(sel))
		return i < real_ldt_slots ? &real_ldt[i] : NULL;
	return i < GDT_GUEST_SLOTS ? &real_gdt[i] : NULL;
}

/* The real descriptor SEL names: 0 for null and the monitor's slots, and
 * the parked descriptors for the parking slots. */
static uint64_t real_descriptor(uint16_t sel)
{
	const uint64_t *slot = real_slot(sel);

	if (!SEL_TI(sel) && (SEL_INDEX(sel) == SLOT_STALE_CS ||
			     SEL_INDEX(sel) == SLOT_STALE_SS))
		return real_gdt[SEL_INDEX(sel)];
	return slot && !is_null(sel) ? *slot : 0;
}

/* ---- sets of slots ---------------------------------------------------- */

static void list_add(struct slot_list *l, uint16_t sel)
{
	if (!l->sel && !(l->sel = calloc(MAX_LISTED, sizeof(*l->sel))))
		panic("no memory for a list of descriptor slots");
	if (l->n == MAX_LISTED)
		panic("more listed slots than real ones");
	l->sel[l->n++] = sel & ~3u;
}

static bool list_has(const struct slot_list *l, uint16_t sel)
{
	for (unsigned i = 0; i < l->n; i++)
		if (l->sel[i] == (sel & ~3u))
			return true;
	return false;
}

static void list_forget(struct slot_list *l, uint16_t sel)
{
	for (unsigned i = 0; i < l->n; i++)
		if (l->sel[i] == (sel & ~3u)) {
			l->sel[i] = l->sel[--l->n];
			return;
		}
}

/* Forget every slot of table TI (it is about to be re-synced). */
static void list_forget_table(struct slot_list *l, unsigned ti)
{
	for (unsigned i = 0; i < l->n; )
		if (SEL_TI(l->sel[i]) == ti)
			l->sel[i] = l->sel[--l->n];
		else
			i++;
}

/* ---- hiding user and conforming code while the kernel runs ------------ */

static bool is_hidden(uint16_t sel)
{
	return list_has(&hidden, sel);
}

/*
 * Guest code (descriptor GDESC, before sanitizing) the guest kernel could
 * enter without the monitor: DPL-3 code, and conforming code, which an
 * iret with RPL 3 enters at CPL 3; and DPL-1 and DPL-2 code, because the
 * real CPU cannot tell the guest's ring 1 from its kernel's (ring 0
 * compressed into ring 1): a far jump there from the kernel would pass
 * the CPU's DPL = CPL check, and an iret to RPL 1 would be a return to the
 * same ring, without the outer stack.  Only the kernel's own DPL-0 code
 * stays present while it runs.
 */
static bool must_hide(uint64_t gdesc)
{
	return (gdesc & DESC_P) && (gdesc & DESC_S) &&
	       (gdesc & DESC_TYPE_CODE) &&
	       (desc_dpl(gdesc) != 0 || (gdesc & DESC_TYPE_CONFORMING));
}

/*
 * The real descriptor for guest selector SEL (not null, inside the guest's
 * table): the guest's, sanitized, and - for user, conforming and ring 1/2
 * code while the guest kernel runs - hidden (see the top of this file).
 */
static uint64_t shadow_slot(struct vcpu *v, uint16_t sel)
{
	uint64_t d = 0;

	if (is_null(sel) || guest_descriptor(v, sel, &d))
		return 0;
	if ((d & DESC_S) && !(d & DESC_TYPE_ACCESSED))
		list_add(&unaccessed, sel);
	if (must_hide(d)) {
		d = desc_sanitize(d);
		list_add(&hidden, sel);
		if (!v->user_code_present)
			d &= ~DESC_P;
		return d;
	}
	return desc_sanitize(d);
}

/* ---- parking the loaded CS and SS ------------------------------------- */

/*
 * Before a re-sync of table TI overwrites the slot under the loaded segment
 * *REG, park its current descriptor in slot PARK and point *REG there;
 * *PARKED keeps the selector the guest believes it has.
 */
static void park_loaded_segment(uint64_t *reg, unsigned ti, unsigned park,
				uint16_t *parked)
{
	uint16_t sel = (uint16_t)*reg;

	if (SEL_TI(sel) != ti || is_null(sel) ||
	    (!ti && SEL_INDEX(sel) == park))
		return;                 /* other table, nothing, or parked */
	real_gdt[park] = real_descriptor(sel);
	*parked = sel;
	*reg = (uint64_t)(park * 8 | SEL_RPL(sel));
}

/* After the sync: a parked segment whose descriptor did not change returns. */
static void unpark_if_same(uint64_t *reg, unsigned park, uint16_t parked)
{
	if (!SEL_TI(*reg) && SEL_INDEX(*reg) == park &&
	    real_gdt[park] == real_descriptor(parked))
		*reg = parked;
}

uint16_t virtual_cs(const struct vcpu *v)
{
	uint16_t cs = (uint16_t)v->tf->cs;

	if (!SEL_TI(cs) && SEL_INDEX(cs) == SLOT_STALE_CS)
		cs = v->stale_cs;
	return SEL_RPL(cs) == 1 ? (uint16_t)(cs & ~3u) : cs;
}

uint16_t virtual_ss(const struct vcpu *v)
{
	uint16_t ss = (uint16_t)v->tf->ss;

	return !SEL_TI(ss) && SEL_INDEX(ss) == SLOT_STALE_SS ? v->stale_ss : ss;
}

/* ---- re-sync: whole tables -------------------------------------------- */

/* Park the loaded CS and SS if they come from table TI. */
static void park_loaded_segments(struct vcpu *v, unsigned ti)
{
	park_loaded_segment(&v->tf->cs, ti, SLOT_STALE_CS, &v->stale_cs);
	park_loaded_segment(&v->tf->ss, ti, SLOT_STALE_SS, &v->stale_ss);
}

void segments_sync_table(struct vcpu *v, unsigned ti, unsigned n)
{
	uint64_t *real = ti ? real_ldt : real_gdt;
	unsigned clear = mirrored[ti] > n ? mirrored[ti] : n;

	park_loaded_segments(v, ti);
	list_forget_table(&hidden, ti);
	list_forget_table(&unaccessed, ti);
	for (unsigned i = 0; i < clear; i++)
		real[i] = i < n ? shadow_slot(v, (uint16_t)(i * 8 | ti << 2)) : 0;
	mirrored[ti] = n;
	unpark_if_same(&v->tf->cs, SLOT_STALE_CS, v->stale_cs);
	unpark_if_same(&v->tf->ss, SLOT_STALE_SS, v->stale_ss);
}

/* Point the real LDTR at the first N slots of real_ldt, LIMIT bytes - 1. */
static void load_real_ldt(unsigned n, uint32_t limit)
{
	uint64_t base;

	if (!real_ldt && !(real_ldt = calloc(LDT_SLOTS, sizeof(*real_ldt))))
		panic("no memory for the real LDT");
	base = (uint64_t)(uintptr_t)real_ldt;
	real_ldt_slots = n;
	if (!n) {
		__asm__ volatile("lldt %w0" : : "r"(0));
		return;
	}
	if (limit > LDT_SLOTS * 8 - 1)
		limit = LDT_SLOTS * 8 - 1;
	/* A 16-byte LDT descriptor (type 2, DPL 0, present), SDM 3A 8.2.3 */
	real_gdt[SLOT_LDT] = (limit & 0xffff) | (base & 0xffffff) << 16 |
			     0x82ull << 40 | (uint64_t)(limit >> 16) << 48 |
			     (base >> 24 & 0xff) << 56;
	real_gdt[SLOT_LDT + 1] = base >> 32;
	__asm__ volatile("lldt %w0" : : "r"(SLOT_LDT * 8));
}

/* Slots of the guest LDT (whole descriptors inside its limit, at most 8192). */
unsigned segments_ldt_slots(const struct vcpu *v)
{
	uint64_t n = ((uint64_t)v->ldtr.limit + 1) / 8;

	if (!v->ldtr.valid)
		return 0;
	return n > LDT_SLOTS ? LDT_SLOTS : (unsigned)n;
}

static void sync_ldt_table(struct vcpu *v)
{
	unsigned n = segments_ldt_slots(v);

	/* A CS or SS loaded from the old LDT is parked while real_ldt_slots
	 * still covers it: an LDT shorter than its index (or lldt 0) would
	 * park nothing, and the next iretq would refuse the guest's CS. */
	park_loaded_segments(v, 1);
	/* Then the real LDTR: unparking compares against the new size. */
	load_real_ldt(n, v->ldtr.limit);
	segments_sync_table(v, 1, n);
}

unsigned segments_gdt_slots(const struct vcpu *v)
{
	unsigned n = (v->gdtr.limit + 1u) / 8u;

	if (n > GDT_GUEST_SLOTS) {
		log_printf("segments: guest GDT has %u entries; slots from %u "
			   "up are the monitor's and read as absent\n",
			   n, GDT_GUEST_SLOTS);
		n = GDT_GUEST_SLOTS;
	}
	return n;
}

/* ---- lgdt, lldt, and one slot at a time -------------------------------- */

/*T:140 lgdt.  The real GDT is the guest's, sanitized (descriptor.c):
 * DPL 0 becomes DPL 1, no 64-bit code, no system descriptors.  A loaded CS
 * or SS whose descriptor the new table changes is parked first (see the top
 * of this file), because every return to the guest reloads CS and SS.
 * Traced, the new table's frames are watched from now on. */
void segments_sync_gdt(struct vcpu *v)
{
	segments_sync_table(v, 0, segments_gdt_slots(v));
	desc_trace_new_table(v, 0);
}

/* Deliver fault VECTOR with selector error code SEL; return -1. */
static int selector_fault(struct vcpu *v, uint8_t vector, uint16_t sel)
{
	reflect_exception(v, vector, true, sel & ~3u);
	return -1;
}

#define LDT_TYPE           0x2ull
#define TSS_TYPE_AVAILABLE 0x9ull
#define TSS_TYPE_BUSY_BIT  (2ull << DESC_TYPE_SHIFT)

/*T:142 lldt.  The selector must name an LDT descriptor in the GDT (SDM
 * vol. 2, LLDT); a null selector leaves no LDT.  The guest's LDT is then
 * mirrored into the monitor's real_ldt like the GDT, and the real LDTR
 * points there - through a 16-byte LDT descriptor in a monitor slot of the
 * real GDT, since the real CPU is in long mode.  LDT selectors (TI = 1)
 * then work for the guest without further exits. */
int segments_load_ldt(struct vcpu *v, uint16_t sel)
{
	uint64_t d;

	if (is_null(sel)) {
		v->ldtr.sel = sel;
		v->ldtr.base = v->ldtr.limit = 0;
		v->ldtr.valid = false;
	} else {
		if (SEL_TI(sel) || guest_descriptor(v, sel, &d) ||
		    (d & DESC_S) ||
		    (d & DESC_TYPE_MASK) >> DESC_TYPE_SHIFT != LDT_TYPE)
			return selector_fault(v, EXC_GP, sel);
		if (!(d & DESC_P))
			return selector_fault(v, EXC_NP, sel);
		v->ldtr.sel = sel;
		v->ldtr.base = desc_base(d);
		v->ldtr.limit = desc_limit(d);
		v->ldtr.valid = true;
	}
	v->ldtr.reset = false;
	sync_ldt_table(v);
	desc_trace_new_table(v, 1);
	return 0;
}

bool segments_refresh_slot(struct vcpu *v, uint16_t sel)
{
	uint64_t *slot = real_slot(sel), d;
	uint32_t base, limit;

	if (is_null(sel) || !slot ||
	    !segments_guest_table(v, SEL_TI(sel), &base, &limit) ||
	    SEL_INDEX(sel) * 8u + 7 > limit)
		return false;
	list_forget(&hidden, sel);
	list_forget(&unaccessed, sel);
	d = shadow_slot(v, sel);
	if (d == *slot)
		return false;
	if ((v->tf->cs & ~3u) == (sel & ~3u))
		park_loaded_segment(&v->tf->cs, SEL_TI(sel), SLOT_STALE_CS,
				    &v->stale_cs);
	if ((v->tf->ss & ~3u) == (sel & ~3u))
		park_loaded_segment(&v->tf->ss, SEL_TI(sel), SLOT_STALE_SS,
				    &v->stale_ss);
	*slot = d;
	return true;
}

bool segments_descriptor_page_fault(struct vcpu *v, uint16_t sel)
{
	uint32_t base, limit, off = SEL_INDEX(sel) * 8u;
	struct gmem_fault f;
	uint64_t d;

	if (is_null(sel) ||
	    !segments_guest_table(v, SEL_TI(sel), &base, &limit) ||
	    off + 7 > limit ||
	    gmem_read(&v->mem, base + off, &d, 8, 0, &f) != GM_PAGE_FAULT)
		return false;
	v->cr2 = f.gva;
	reflect_exception(v, EXC_PF, true, f.pf_error);
	return true;
}

/* ---- returning to the guest ------------------------------------------- */

bool segments_resumable(const struct vcpu *v, uint16_t *bad)
{
	uint16_t cs = (uint16_t)v->tf->cs, ss = (uint16_t)v->tf->ss;
	uint64_t c = real_descriptor(cs), s = real_descriptor(ss);
	unsigned rpl = SEL_RPL(cs);
	bool conforming = (c & DESC_TYPE_CONFORMING) != 0;
	bool present = (c & DESC_P) || (rpl == 3 && is_hidden(cs));

	*bad = cs;
	if (rpl == 0 || !(c & DESC_S) || !(c & DESC_TYPE_CODE) || !present ||
	    (conforming ? desc_dpl(c) > rpl : desc_dpl(c) != rpl))
		return false;
	*bad = ss;
	return (s & DESC_S) && !(s & DESC_TYPE_CODE) &&
	       (s & DESC_TYPE_WRITABLE) && (s & DESC_P) &&
	       desc_dpl(s) == rpl && SEL_RPL(ss) == rpl;
}

/* A parked slot the guest no longer has loaded must not stay loadable. */
static void clear_unused_parking(const struct vcpu *v)
{
	if (SEL_TI(v->tf->cs) || SEL_INDEX(v->tf->cs) != SLOT_STALE_CS)
		real_gdt[SLOT_STALE_CS] = 0;
	if (SEL_TI(v->tf->ss) || SEL_INDEX(v->tf->ss) != SLOT_STALE_SS)
		real_gdt[SLOT_STALE_SS] = 0;
}

/* Make every hidden slot present (PRESENT) or not. */
static void show_hidden(bool present)
{
	for (unsigned i = 0; i < hidden.n; i++) {
		uint64_t *slot = real_slot(hidden.sel[i]);

		if (!slot)
			continue;
		if (present)
			*slot |= DESC_P;
		else
			*slot &= ~DESC_P;
	}
}

/*
 * The CPU marks a descriptor accessed when it loads it - in the table it
 * reads, the real one.  Natively that is the guest's own table.  So before
 * every return the monitor looks at the slots whose guest descriptor is
 * not marked yet, and for each the CPU has marked in the real table since,
 * sets the bit in the guest's descriptor (a write of its access byte, as
 * the CPU's is).  Soon every descriptor in use is marked and the list is
 * empty.  A guest that reads its descriptor back before its next exit
 * still finds the bit clear; a table the guest made read-only (or, under
 * SMAP, a user page) is left as it is (natively the CPU would fault).
 */
static void note_accessed(struct vcpu *v)
{
	for (unsigned i = 0; i < unaccessed.n; ) {
		uint16_t sel = unaccessed.sel[i];
		const uint64_t *slot = real_slot(sel);
		uint32_t base, limit, at;
		struct gmem_fault f;
		uint8_t access;

		if (!slot || !(*slot & DESC_TYPE_ACCESSED)) {
			i++;
			continue;
		}
		list_forget(&unaccessed, sel);  /* slot i now holds another */
		if (!segments_guest_table(v, SEL_TI(sel), &base, &limit))
			continue;
		at = base + SEL_INDEX(sel) * 8u + 5;            /* P DPL S type */
		if (gmem_read(&v->mem, at, &access, 1, 0, &f) == GM_OK &&
		    !(access & 1)) {
			access |= 1;
			gmem_write(&v->mem, at, &access, 1, 0, &f);
		}
	}
}

void segments_prepare_return(struct vcpu *v)
{
	bool want = (v->tf->cs & 3) == 3;

	clear_unused_parking(v);
	if (unaccessed.n)
		note_accessed(v);
	if (want == v->user_code_present)
		return;
	show_hidden(want);
	v->user_code_present = want;
}

/* The data segment register D loads (mov Sreg, pop Sreg, lds/les/lfs/lgs),
 * or X86_REG_INVALID. */
static x86_reg loaded_data_segment(const struct decoded *d)
{
	const cs_x86_op *op = &d->x86->operands[0];

	switch (d->insn->id) {
	case X86_INS_LDS: return X86_REG_DS;
	case X86_INS_LES: return X86_REG_ES;
	case X86_INS_LFS: return X86_REG_FS;
	case X86_INS_LGS: return X86_REG_GS;
	case X86_INS_MOV: case X86_INS_POP:
		if (op->type == X86_OP_REG &&
		    (op->reg == X86_REG_DS || op->reg == X86_REG_ES ||
		     op->reg == X86_REG_FS || op->reg == X86_REG_GS))
			return op->reg;
		return X86_REG_INVALID;
	default:
		return X86_REG_INVALID;
	}
}

/*
 * Read the selector load D takes: from its operand (mov), the stack (pop:
 * *ESP_AFTER is ESP after it), or a far pointer m16:32 (lds..: *OFFSET is
 * its offset, m16:16 with an operand-size prefix).  False if the read
 * faulted (the fault is delivered).
 */
static bool read_loaded_selector(struct vcpu *v, const struct decoded *d,
				 uint16_t *sel, uint32_t *esp_after,
				 uint32_t *offset)
{
	const cs_x86_op *src = &d->x86->operands[1];
	unsigned off_size = d->x86->prefix[2] == X86_PREFIX_OPSIZE ? 2 : 4;
	uint8_t far[6];
	uint32_t val;

	switch (d->insn->id) {
	case X86_INS_POP:
		return pop_selector(v, d, sel, esp_after);
	case X86_INS_MOV:
		if (!operand_read(v, src, 2, &val))
			return false;
		*sel = (uint16_t)val;
		return true;
	default:
		if (!guest_read(v, mem_operand_address(v, src), far,
				off_size + 2))
			return false;
		*offset = 0;
		memcpy(offset, far, off_size);
		memcpy(sel, far + off_size, 2);
		return true;
	}
}

/*
 * The guest kernel loaded a data segment register with a selector whose
 * real slot is hidden (user, conforming or DPL-1/2 code: readable code may
 * be loaded into DS..GS at CPL 0) and the CPU raised #NP(selector).
 * Natively the load succeeds: every other check came before the present
 * bit.  So the monitor makes the slot present, performs the same load (at
 * CPL 0, where the privilege checks pass as they do for the guest), and
 * hides the slot again; the segment register keeps the descriptor it
 * cached, and the iretq back to ring 1 keeps it too (its DPL is not below
 * 1).  Handles
 * `mov Sreg, r/m16`, `pop Sreg` and lds/les/lfs/lgs - every way to load
 * DS..GS - and the rest of what they do (ESP, the offset register); false
 * for anything else.
 */
bool segments_load_hidden_data(struct vcpu *v, const struct decoded *d)
{
	uint16_t err = (uint16_t)v->tf->error, sel;
	uint32_t esp = 0, offset = 0;
	x86_reg seg = loaded_data_segment(d);

	if (!is_hidden(err) || v->user_code_present || seg == X86_REG_INVALID)
		return false;
	if (!read_loaded_selector(v, d, &sel, &esp, &offset))
		return true;
	if ((sel & ~3u) != (err & ~3u))
		return false;
	show_hidden(true);
	switch (seg) {
	case X86_REG_DS: __asm__ volatile("mov %w0, %%ds" : : "r"(sel)); break;
	case X86_REG_ES: __asm__ volatile("mov %w0, %%es" : : "r"(sel)); break;
	case X86_REG_FS: __asm__ volatile("mov %w0, %%fs" : : "r"(sel)); break;
	default:         __asm__ volatile("mov %w0, %%gs" : : "r"(sel)); break;
	}
	show_hidden(false);
	if (d->insn->id == X86_INS_POP)
		v->tf->rsp = esp;
	else if (d->insn->id != X86_INS_MOV)
		reg_write(v, d->x86->operands[0].reg, offset);
	advance(v, d);
	return true;
}

bool segments_hidden_conforming(uint16_t sel)
{
	return is_hidden(sel) && (real_descriptor(sel) & DESC_TYPE_CONFORMING);
}

bool segments_hidden_inner_ring(uint16_t sel)
{
	uint64_t d = real_descriptor(sel);

	return is_hidden(sel) && !(d & DESC_TYPE_CONFORMING) &&
	       desc_dpl(d) < 3;
}

/* ---- the task register, SS, and questions about the tables ------------ */

int segments_load_ss(struct vcpu *v, uint16_t sel)
{
	unsigned cpl = (unsigned)guest_cpl(v);
	uint64_t d, old;
	uint16_t bad;

	if (is_null(sel) || SEL_RPL(sel) != cpl ||
	    guest_descriptor(v, sel, &d) || !(d & DESC_S) ||
	    (d & DESC_TYPE_CODE) || !(d & DESC_TYPE_WRITABLE) ||
	    desc_dpl(d) != cpl)
		return selector_fault(v, EXC_GP, sel);
	if (!(d & DESC_P))
		return selector_fault(v, EXC_SS, sel);
	segments_refresh_slot(v, sel);
	old = v->tf->ss;
	v->tf->ss = compress_rpl(sel);
	if (!segments_resumable(v, &bad)) {
		v->tf->ss = old;        /* the guest's table changed since */
		return selector_fault(v, EXC_GP, sel);
	}
	return 0;
}

int segments_load_tr(struct vcpu *v, uint16_t sel)
{
	uint32_t off = SEL_INDEX(sel) * 8u;
	uint64_t d;

	if (is_null(sel) || SEL_TI(sel) || guest_descriptor(v, sel, &d) ||
	    (d & DESC_S) ||
	    ((d & DESC_TYPE_MASK) >> DESC_TYPE_SHIFT) != TSS_TYPE_AVAILABLE)
		return selector_fault(v, EXC_GP, sel);
	if (!(d & DESC_P))
		return selector_fault(v, EXC_NP, sel);
	d |= TSS_TYPE_BUSY_BIT;
	if (gmem_write(&v->mem, v->gdtr.base + off, &d, 8, 0,
		       &(struct gmem_fault){ 0 }) != GM_OK)
		return selector_fault(v, EXC_GP, sel);
	v->tr.sel = sel;
	v->tr.base = desc_base(d);
	v->tr.limit = desc_limit(d);
	return 0;
}

bool segments_code_is_32bit(const struct vcpu *v)
{
	return (real_descriptor((uint16_t)v->tf->cs) & DESC_DB) != 0;
}

uint32_t seg_base(const struct vcpu *v, uint16_t sel)
{
	(void)v;
	return desc_base(real_descriptor(sel));
}
