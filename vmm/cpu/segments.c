/*
 * segments.c - keeping the real GDT a sanitized mirror of the guest's.
 *
 * The guest's GDT is a primary structure in guest memory; the real GDT is its
 * shadow.  This first version re-syncs at `lgdt` only: a guest that edits a
 * descriptor in place and reloads a segment register without a new `lgdt`
 * sees its old descriptor (tracing the GDT is the CPU issue's work).
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

/* Flat 4 GiB code and data as QEMU's multiboot loader leaves them. */
#define BOOT_CODE_SEL  0x10
#define BOOT_DATA_SEL  0x18
#define FLAT_CODE_DESC 0x00cf9a000000ffffull
#define FLAT_DATA_DESC 0x00cf92000000ffffull

void segments_init_boot(struct vcpu *v)
{
	memset(real_gdt, 0, GDT_GUEST_SLOTS * sizeof(uint64_t));
	real_gdt[SEL_INDEX(BOOT_CODE_SEL)] = desc_sanitize(FLAT_CODE_DESC);
	real_gdt[SEL_INDEX(BOOT_DATA_SEL)] = desc_sanitize(FLAT_DATA_DESC);
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

	if (SEL_INDEX(sel) == park)
		return;                 /* parked already: keep the old one */
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
	for (unsigned i = 0; i < GDT_GUEST_SLOTS; i++) {
		uint64_t d = 0;

		if (i > 0 && i < n && guest_descriptor(v, (uint16_t)(i * 8), &d))
			d = 0;
		d = desc_sanitize(d);
		if (d && (d & DESC_TYPE_CODE) && desc_dpl(d) == 3) {
			if (n_user_code_slots == 64)
				guest_fatal(v, "more than 64 user code "
					    "segments in the GDT");
			user_code_slots[n_user_code_slots++] = (uint16_t)i;
			if (!v->user_code_present)
				d &= ~DESC_P;
		}
		real_gdt[i] = d;
	}
	unpark_if_same(&v->tf->cs, SLOT_STALE_CS, v->stale_cs);
	unpark_if_same(&v->tf->ss, SLOT_STALE_SS, v->stale_ss);
}

void segments_prepare_return(struct vcpu *v)
{
	bool want = (v->tf->cs & 3) == 3;

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

#define DESC_TYPE_WRITABLE (2ull << DESC_TYPE_SHIFT)
#define TSS_TYPE_AVAILABLE 0x9ull
#define TSS_TYPE_BUSY_BIT  (2ull << DESC_TYPE_SHIFT)

int segments_load_ss(struct vcpu *v, uint16_t sel)
{
	unsigned cpl = (unsigned)guest_cpl(v);
	uint64_t d;

	if (SEL_INDEX(sel) == 0 || SEL_RPL(sel) != cpl ||
	    guest_descriptor(v, sel, &d) || !(d & DESC_S) ||
	    (d & DESC_TYPE_CODE) || !(d & DESC_TYPE_WRITABLE) ||
	    desc_dpl(d) != cpl)
		return selector_fault(v, EXC_GP, sel);
	if (!(d & DESC_P))
		return selector_fault(v, EXC_SS, sel);
	v->tf->ss = compress_rpl(sel);
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

uint32_t seg_base(const struct vcpu *v, uint16_t sel)
{
	(void)v;
	if (SEL_INDEX(sel) == 0 || SEL_TI(sel) ||
	    SEL_INDEX(sel) > SLOT_STALE_SS)
		return 0;
	return desc_base(real_gdt[SEL_INDEX(sel)]);
}
