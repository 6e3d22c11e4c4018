/*
 * segments.c - keeping the real GDT a sanitized mirror of the guest's.
 *
 * The guest's GDT is a primary structure in guest memory; the real GDT is its
 * shadow.  It is re-synced whole at `lgdt`, and one slot at a time where the
 * monitor sees a segment load: `mov ss` (it traps), and any segment load
 * that faults on its selector (a descriptor the guest has written since,
 * over an absent slot, is picked up and the load retried).  A guest that
 * rewrites a *valid* descriptor in place and reloads DS/ES/FS/GS without a
 * new `lgdt` still gets the old one: that needs the GDT's page traced like
 * a page table (planned).
 *
 * Loaded segments outlive their descriptors.  A CPU caches the descriptor of
 * every segment register when it is loaded, so a kernel may `lgdt` a table
 * in which its current CS selector means something else, and run on until
 * its far jump reloads CS.  The monitor returns to the guest with iretq,
 * which reloads CS and SS from the real GDT at every exit.  So when an lgdt
 * changes the descriptor under the loaded CS or SS, the old descriptor is
 * parked in a spare slot and the register is pointed at it, until the guest
 * loads that register again.  The guest's own selector is remembered and is
 * what interrupt frames record; only a `mov %cs`/`push %cs` inside that
 * window could see the parked selector.
 *
 * User code descriptors are present only while user code runs.  An `iret`
 * from the guest kernel (CPL 1) to user mode (CPL 3) neither faults nor
 * changes IF, so the monitor would not see the guest leave its kernel.  So
 * while the guest kernel runs, the real GDT marks its DPL-3 code segments
 * not present: the return to user mode raises #NP(selector) with the frame
 * still on the guest stack, and the monitor completes the `iret` itself.
 * Every way back from CPL 3 is an exit, after which they are hidden again.
 */
#include "segments.h"

#include <string.h>

#include "../core/log.h"
#include "descriptor.h"
#include "interrupts.h"

uint64_t real_gdt[GDT_SLOTS] __attribute__((aligned(4096)));

/* Real GDT slots holding the guest's DPL-3 code descriptors. */
static uint16_t user_code_slots[64];
static unsigned n_user_code_slots;

/*
 * The GDT QEMU 7.2's multiboot loader leaves behind, in its option ROM at
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
}

int guest_descriptor(struct vcpu *v, uint16_t sel, uint64_t *desc)
{
	uint32_t off = SEL_INDEX(sel) * 8u;
	struct gmem_fault f;

	if (SEL_TI(sel) || off + 7 > v->gdtr.limit)
		return -1;
	if (gmem_read(&v->mem, v->gdtr.base + off, desc, 8, 0, &f) != GM_OK)
		return -1;
	return 0;
}

/*
 * Before an lgdt overwrites the slot under the loaded segment *REG, park its
 * current descriptor in slot PARK and point *REG there; *PARKED keeps the
 * selector the guest believes it has.
 */
static void park_loaded_segment(uint64_t *reg, unsigned park, uint16_t *parked)
{
	uint16_t sel = (uint16_t)*reg;

	if (SEL_INDEX(sel) == park || SEL_INDEX(sel) == 0)
		return;                 /* parked already, or nothing loaded */
	real_gdt[park] = real_gdt[SEL_INDEX(sel)];
	*parked = sel;
	*reg = (uint64_t)(park * 8 | SEL_RPL(sel));
}

/* After the sync: a parked segment whose descriptor did not change returns. */
static void unpark_if_same(uint64_t *reg, unsigned park, uint16_t parked)
{
	if (SEL_INDEX(*reg) == park &&
	    real_gdt[park] == real_gdt[SEL_INDEX(parked)])
		*reg = parked;
}

uint16_t virtual_cs(const struct vcpu *v)
{
	uint16_t cs = (uint16_t)v->tf->cs;

	if (SEL_INDEX(cs) == SLOT_STALE_CS)
		cs = v->stale_cs;
	return SEL_RPL(cs) == 1 ? (uint16_t)(cs & ~3u) : cs;
}

/* Take slot I off the list of user code slots, if it is there. */
static void forget_user_code_slot(unsigned i)
{
	for (unsigned k = 0; k < n_user_code_slots; k++)
		if (user_code_slots[k] == i) {
			user_code_slots[k] = user_code_slots[--n_user_code_slots];
			return;
		}
}

/*
 * The real descriptor for guest GDT slot I (I > 0 and inside the guest's
 * limit): the guest's, sanitized, and - for present user code while the
 * guest kernel runs - hidden (see the top of this file).
 */
static uint64_t shadow_slot(struct vcpu *v, unsigned i)
{
	uint64_t d = 0;

	if (i == 0 || guest_descriptor(v, (uint16_t)(i * 8), &d))
		return 0;
	d = desc_sanitize(d);
	if ((d & DESC_P) && (d & DESC_TYPE_CODE) && desc_dpl(d) == 3) {
		if (n_user_code_slots == 64)
			guest_fatal(v, "more than 64 user code segments in the "
				    "GDT");
		user_code_slots[n_user_code_slots++] = (uint16_t)i;
		if (!v->user_code_present)
			d &= ~DESC_P;
	}
	return d;
}

/*T:140 lgdt.  The real GDT is the guest's, sanitized (descriptor.c):
 * DPL 0 becomes DPL 1, no 64-bit code, no system descriptors.  A loaded CS
 * or SS whose descriptor the new table changes is parked first (see the top
 * of this file), because every return to the guest reloads CS and SS. */
void segments_sync_gdt(struct vcpu *v)
{
	unsigned n = (v->gdtr.limit + 1u) / 8u;

	if (n > GDT_GUEST_SLOTS) {
		log_printf("segments: guest GDT has %u entries; slots from %u "
			   "up are the monitor's and read as absent\n",
			   n, GDT_GUEST_SLOTS);
		n = GDT_GUEST_SLOTS;
	}
	park_loaded_segment(&v->tf->cs, SLOT_STALE_CS, &v->stale_cs);
	park_loaded_segment(&v->tf->ss, SLOT_STALE_SS, &v->stale_ss);
	n_user_code_slots = 0;
	for (unsigned i = 0; i < GDT_GUEST_SLOTS; i++)
		real_gdt[i] = i < n ? shadow_slot(v, i) : 0;
	unpark_if_same(&v->tf->cs, SLOT_STALE_CS, v->stale_cs);
	unpark_if_same(&v->tf->ss, SLOT_STALE_SS, v->stale_ss);
}

bool segments_refresh_slot(struct vcpu *v, uint16_t sel)
{
	unsigned i = SEL_INDEX(sel);
	uint64_t d;

	if (i == 0 || SEL_TI(sel) || i >= GDT_GUEST_SLOTS ||
	    i * 8u + 7 > v->gdtr.limit)
		return false;
	forget_user_code_slot(i);
	d = shadow_slot(v, i);
	if (d == real_gdt[i])
		return false;
	if (SEL_INDEX(v->tf->cs) == i)
		park_loaded_segment(&v->tf->cs, SLOT_STALE_CS, &v->stale_cs);
	if (SEL_INDEX(v->tf->ss) == i)
		park_loaded_segment(&v->tf->ss, SLOT_STALE_SS, &v->stale_ss);
	real_gdt[i] = d;
	return true;
}

/* The real descriptor SEL names, or 0 for null, LDT and monitor slots. */
static uint64_t real_descriptor(uint16_t sel)
{
	if (SEL_INDEX(sel) == 0 || SEL_TI(sel) || SEL_INDEX(sel) > SLOT_STALE_SS)
		return 0;
	return real_gdt[SEL_INDEX(sel)];
}

/* Whether real GDT slot INDEX holds guest user code hidden while the
 * kernel runs (present for the guest, made present at the return). */
static bool hidden_user_code(unsigned index)
{
	for (unsigned i = 0; i < n_user_code_slots; i++)
		if (user_code_slots[i] == index)
			return true;
	return false;
}

bool segments_resumable(const struct vcpu *v, uint16_t *bad)
{
	uint16_t cs = (uint16_t)v->tf->cs, ss = (uint16_t)v->tf->ss;
	uint64_t c = real_descriptor(cs), s = real_descriptor(ss);
	unsigned rpl = SEL_RPL(cs);
	bool conforming = (c & DESC_TYPE_CONFORMING) != 0;
	bool present = (c & DESC_P) ||
		       (rpl == 3 && hidden_user_code(SEL_INDEX(cs)));

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
	if (SEL_INDEX(v->tf->cs) != SLOT_STALE_CS)
		real_gdt[SLOT_STALE_CS] = 0;
	if (SEL_INDEX(v->tf->ss) != SLOT_STALE_SS)
		real_gdt[SLOT_STALE_SS] = 0;
}

void segments_prepare_return(struct vcpu *v)
{
	bool want = (v->tf->cs & 3) == 3;

	clear_unused_parking(v);
	if (want == v->user_code_present)
		return;
	for (unsigned i = 0; i < n_user_code_slots; i++) {
		if (want)
			real_gdt[user_code_slots[i]] |= DESC_P;
		else
			real_gdt[user_code_slots[i]] &= ~DESC_P;
	}
	v->user_code_present = want;
}

/* Deliver fault VECTOR with selector error code SEL; return -1. */
static int selector_fault(struct vcpu *v, uint8_t vector, uint16_t sel)
{
	reflect_exception(v, vector, true, sel & ~3u);
	return -1;
}

#define TSS_TYPE_AVAILABLE 0x9ull
#define TSS_TYPE_BUSY_BIT  (2ull << DESC_TYPE_SHIFT)

int segments_load_ss(struct vcpu *v, uint16_t sel)
{
	unsigned cpl = (unsigned)guest_cpl(v);
	uint64_t d, old;
	uint16_t bad;

	if (SEL_INDEX(sel) == 0 || SEL_RPL(sel) != cpl ||
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
		v->tf->ss = old;        /* the guest's GDT changed since lgdt */
		return selector_fault(v, EXC_GP, sel);
	}
	return 0;
}

int segments_load_tr(struct vcpu *v, uint16_t sel)
{
	uint32_t off = SEL_INDEX(sel) * 8u;
	uint64_t d;

	if (SEL_INDEX(sel) == 0 || SEL_TI(sel) || guest_descriptor(v, sel, &d) ||
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
	if (SEL_INDEX(sel) == 0 || SEL_TI(sel) ||
	    SEL_INDEX(sel) > SLOT_STALE_SS)
		return 0;
	return desc_base(real_gdt[SEL_INDEX(sel)]);
}
