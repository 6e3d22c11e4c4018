/*
 * paging.c - the monitor's side of the shadow MMU.
 *
 * shadow/ owns the shadow page tables and decides what each page fault
 * means; this file gives it what it needs from the monitor (machine frames,
 * the real CR3, the TLB, a panic) and acts on its decisions:
 *
 *   hidden fault   nothing more: the shadow is filled, the guest resumes
 *   true fault     #PF delivered to the guest with the shadow's error code
 *                  and CR2
 *   traced write   the instruction is emulated (cpu/memory_insn.c); its
 *                  write reaches shadow_emulated_write through the
 *                  guest-memory door; an instruction the emulator does not
 *                  know makes the shadow stop tracing that frame instead
 *   emulate        the same, for a write no real entry can grant (CR0.WP
 *                  clear under SMEP/SMAP); no fallback: the guest stops
 *   MMIO           the instruction is emulated against the device bus
 *
 * The guest-memory door (core/gmem.c) is connected here too: its guest
 * walker is the shadow's, its writes into RAM go through
 * shadow_emulated_write, and its accesses outside RAM go to the bus.
 */
#include "paging.h"

#include <stdio.h>
#include <string.h>

#include "../cpu/decode.h"
#include "../cpu/interrupts.h"
#include "../cpu/memory_insn.h"
#include "../cpu/segments.h"
#include "../dev/bus.h"
#include "account.h"
#include "frames.h"
#include "log.h"
#include "trace.h"
#include "x86.h"

#define VGA_HOLE_START  0xa0000
#define VGA_HOLE_END    0xc0000
#define GUEST_RAM_ALIGN 0x200000
#define PML4_GUEST      0           /* the guest's low 4 GiB */
#define PML4_DIRECT_MAP 256
#define PML4_IMAGE      511

struct shadow_mmu *the_shadow;
static enum shadow_policy the_policy;
static hpa_t real_root;             /* the real PML4 */

extern uint64_t boot_pml4[512];

static shadow_hpa_t env_alloc_frame(void)
{
	return frame_alloc();
}

static void *env_hpa_ptr(shadow_hpa_t pa)
{
	return hpa_to_ptr(pa);
}

static shadow_hpa_t env_alloc_block(uint64_t size)
{
	return frames_alloc_block(size, 4096);
}

/*T:300 Switching shadows.  The real PML4 is one page, shared by every
 * guest address space: its upper half maps the monitor, its entry 0 the
 * guest's low 4 GiB.  A CR3 load in the guest becomes, at most, a new
 * entry 0 here and a reload of the real CR3, which flushes the real TLB. */
static void env_activate_root(void *ctx, shadow_hpa_t pdpt)
{
	uint64_t *pml4 = hpa_to_ptr(real_root);

	(void)ctx;
	pml4[PML4_GUEST] = pdpt | SPTE_P | SPTE_W | SPTE_U;
	write_cr3(real_root);
}

static void env_flush_tlb(void *ctx)
{
	(void)ctx;
	write_cr3(real_root);
}

static void env_panic(void *ctx, const char *why)
{
	(void)ctx;
	panic("shadow MMU: %s", why);
}

/*
 * Who paging says makes an access at CPL (0 or 3) while the guest is in the
 * state V holds.  CPL 0 covers the guest kernel's own accesses and the
 * implicit ones the monitor makes for the guest at either CPL (descriptor
 * tables, the TSS, the frames of event delivery).  SMAP exempts a
 * supervisor access only while the guest runs at CPL 0 with EFLAGS.AC set:
 * so the SDM says for explicit accesses, and so QEMU 7.2, the reference,
 * does for implicit ones too (the SDM never exempts those).
 */
static enum shadow_privilege privilege(const struct vcpu *v, int cpl)
{
	if (cpl == 3)
		return SHADOW_USER;
	if (guest_cpl(v) == 0 && (v->tf->rflags & FL_AC))
		return SHADOW_SUPERVISOR_AC;
	return SHADOW_SUPERVISOR;
}

/* gmem's walker: the guest's own page tables, through the shadow. */
static enum gmem_status door_translate(void *ctx, gva_t gva,
				       enum gmem_access access, int cpl,
				       uint64_t *gpa, uint32_t *pf_error)
{
	enum shadow_access a = access == GM_WRITE ? SHADOW_WRITE :
			       access == GM_FETCH ? SHADOW_FETCH : SHADOW_READ;

	return shadow_translate(the_shadow, gva, a, privilege(ctx, cpl), gpa,
				pf_error) ? GM_OK : GM_PAGE_FAULT;
}

/* gmem's writes into guest RAM: the shadow must see each one. */
static void door_write_ram(void *ctx, gpa_t gpa, const void *bytes, size_t len)
{
	shadow_emulated_write(the_shadow, gpa, bytes, (unsigned)len);
	segments_guest_wrote(ctx, gpa, len);        /* ctx: the vcpu */
}

/* An access of LEN bytes the bus takes whole: 1, 2, 4 or 8. */
static bool whole_access(size_t len)
{
	return len == 1 || len == 2 || len == 4 || len == 8;
}

/* gmem's reads outside RAM: the device bus, one access or byte by byte. */
static void door_mmio_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	uint8_t *b = buf;
	uint64_t v;

	(void)ctx;
	if (whole_access(len)) {
		v = bus_mmio_read(gpa, (unsigned)len);
		memcpy(buf, &v, len);
		return;
	}
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)bus_mmio_read(gpa + i, 1);
}

static void door_mmio_write(void *ctx, uint64_t gpa, const void *buf,
			    size_t len)
{
	const uint8_t *b = buf;
	uint64_t v = 0;

	(void)ctx;
	if (whole_access(len)) {
		memcpy(&v, buf, len);
		bus_mmio_write(gpa, (unsigned)len, v);
		return;
	}
	for (size_t i = 0; i < len; i++)
		bus_mmio_write(gpa + i, 1, b[i]);
}

void paging_init(struct vcpu *v, uint64_t mib, enum shadow_policy policy,
		 unsigned budget_frames)
{
	static struct shadow_env env = {
		.alloc_frame = env_alloc_frame, .hpa_ptr = env_hpa_ptr,
		.alloc_block = env_alloc_block,
		.activate_root = env_activate_root, .flush_tlb = env_flush_tlb,
		.panic = env_panic,
	};
	struct shadow_params params = SHADOW_DEFAULT_PARAMS(policy);
	struct shadow_guest_ram ram = {
		.size = mib << 20, .hole_start = VGA_HOLE_START,
		.hole_end = VGA_HOLE_END,
	};
	uint64_t *pml4;

	if (budget_frames)
		params.budget_frames = budget_frames;
	the_policy = policy;
	ram.base = frames_alloc_block(ram.size, GUEST_RAM_ALIGN);
	if (!ram.base)
		panic("no room for %llu MiB of guest RAM (%llu MiB free)",
		      (unsigned long long)mib,
		      (unsigned long long)(frames_free_bytes() >> 20));
	real_root = frame_alloc();
	pml4 = hpa_to_ptr(real_root);
	pml4[PML4_DIRECT_MAP] = boot_pml4[PML4_DIRECT_MAP];
	pml4[PML4_IMAGE] = boot_pml4[PML4_IMAGE];
	the_shadow = shadow_create(&env, &ram, &params);
	if (!the_shadow)
		panic("cannot create the shadow MMU (budget %u frames)",
		      params.budget_frames);
	v->mem = (struct guest_mem){
		.ram = hpa_to_ptr(ram.base), .size = ram.size,
		.hole_start = VGA_HOLE_START, .hole_end = VGA_HOLE_END,
		.translate = door_translate, .write_ram = door_write_ram,
		.mmio_read = door_mmio_read, .mmio_write = door_mmio_write,
		.ctx = v,
	};
	env_activate_root(NULL, shadow_root(the_shadow));
	log_printf("monitor: shadow policy %s, budget %u frames\n",
		   shadow_policy_name(policy), params.budget_frames);
}

/* The kind of access a #PF error code describes. */
static enum shadow_access fault_access(uint64_t error)
{
	if (error & PF_FETCH)
		return SHADOW_FETCH;
	return (error & PF_WRITE) ? SHADOW_WRITE : SHADOW_READ;
}

/* Decode the faulting instruction and emulate it through the door. */
static bool emulate_faulting_insn(struct vcpu *v)
{
	struct decoded d;

	if (decode_guest_insn(v, &d))
		guest_fatal(v, "the instruction that faulted cannot be "
			    "decoded%s%s", d.why ? ": " : "", d.why ? d.why : "");
	return emulate_memory_insn(v, &d) == EMU_DONE;
}

/*
 * The fallback for a traced write the emulator does not know: stop tracing
 * the frame and let the guest do the write itself.  If the very next exit
 * is the same instruction faulting the same way, the frame was traced
 * again by the walk the retry needed (a table that maps itself): stop the
 * guest rather than loop.
 */
static void untrace_and_retry(struct vcpu *v, gpa_t gpa)
{
	static uint64_t last_exit;
	static uint32_t last_eip;

	if (v->exits == last_exit + 1 && (uint32_t)v->tf->rip == last_eip)
		guest_fatal(v, "a write to a traced page table that the monitor "
			    "cannot emulate, and that untracing cannot let "
			    "through");
	last_exit = v->exits;
	last_eip = (uint32_t)v->tf->rip;
	shadow_untrace_frame(the_shadow, gpa);
}

/*T:200 The life of a page fault, 0: the exit.  The real CPU walked the
 * shadow and refused.  CR2 holds the linear address; the error code says
 * read, write or fetch, user or supervisor.  Above 4 GiB nothing is ever
 * mapped: only an access that straddles the 4 GiB line lands there, and
 * the reference CPU wraps it to linear 0, which the door does too.
 * Below, the shadow decides (shadow/fault.c). */
void paging_page_fault(struct vcpu *v)
{
	uint64_t cr2 = read_cr2();
	struct shadow_fault f;

	if (cr2 >> 32) {
		v->exit.cause = CAUSE_PF_EDGE;
		if (!emulate_faulting_insn(v))
			guest_fatal(v, "an access across the 4 GiB line by an "
				    "instruction the monitor cannot emulate");
		return;
	}
	switch (shadow_page_fault(the_shadow, (gva_t)cr2,
				  fault_access(v->tf->error),
				  privilege(v, guest_cpl(v)), &f)) {
	case SHADOW_HIDDEN:
		v->exit.cause = CAUSE_PF_HIDDEN;
		trace_note(v, "shadow filled for 0x%08llx",
			   (unsigned long long)cr2);
		break;
	case SHADOW_TRUE_FAULT:
		v->exit.cause = CAUSE_PF_TRUE;
		v->cr2 = f.cr2;
		trace_note(v, "true fault at 0x%08x, error 0x%x: reflected",
			   f.cr2, f.error_code);
		reflect_exception(v, EXC_PF, true, f.error_code);
		break;
	case SHADOW_TRACED_WRITE:
		if (shadow_frame_watched(the_shadow, f.gpa)) {
			v->exit.cause = CAUSE_PF_DESC;
			trace_note(v, "write to descriptor-table frame at "
				   "0x%08llx emulated",
				   (unsigned long long)f.gpa);
			if (!emulate_faulting_insn(v))
				segments_stop_tracing(v);
			break;
		}
		v->exit.cause = CAUSE_PF_TRACE;
		trace_note(v, "write to traced table at 0x%08llx emulated",
			   (unsigned long long)f.gpa);
		if (!emulate_faulting_insn(v)) {
			trace_note(v, "write to traced table at 0x%08llx: "
				   "untraced", (unsigned long long)f.gpa);
			untrace_and_retry(v, (gpa_t)f.gpa);
		}
		break;
	case SHADOW_EMULATE:
		v->exit.cause = CAUSE_PF_EMULATE;
		trace_note(v, "kernel write to a read-only user page at "
			   "0x%08llx emulated", (unsigned long long)cr2);
		if (!emulate_faulting_insn(v))
			guest_fatal(v, "a kernel write to a read-only user page "
				    "(CR0.WP clear, CR4.SMEP/SMAP set) by an "
				    "instruction the monitor cannot emulate");
		break;
	case SHADOW_MMIO:
		v->exit.cause = CAUSE_PF_MMIO;
		trace_note(v, "device memory at 0x%08llx",
			   (unsigned long long)f.gpa);
		if (fault_access(v->tf->error) == SHADOW_FETCH)
			guest_fatal(v, "instruction fetch from guest-physical "
				    "0x%llx, which is not RAM",
				    (unsigned long long)f.gpa);
		if (!emulate_faulting_insn(v))
			guest_fatal(v, "device memory at 0x%llx accessed by an "
				    "instruction the monitor cannot emulate",
				    (unsigned long long)f.gpa);
		break;
	}
}

void paging_report(void)
{
	const struct shadow_stats *s = shadow_stats(the_shadow);

#define STAT(name) log_printf("@stat shadow_" #name " %llu\n", \
			      (unsigned long long)s->name)
	log_printf("@stat shadow_policy %s\n", shadow_policy_name(the_policy));
	STAT(hidden_faults); STAT(true_faults); STAT(mmio_faults);
	STAT(traced_writes); STAT(watched_writes); STAT(emulate_faults);
	STAT(emulated_writes); STAT(cr3_loads);
	STAT(root_hits); STAT(root_misses); STAT(cache_hits);
	STAT(cache_misses); STAT(invlpgs); STAT(pages_built);
	STAT(pages_zapped); STAT(pages_unsynced); STAT(pages_resynced);
	STAT(flooded); STAT(evicted); STAT(untraced); STAT(tlb_flushes);
	STAT(pages_peak);
#undef STAT
}
