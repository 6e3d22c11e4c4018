/*
 * shadow.h - the shadow MMU, and the seam between it and the monitor.
 *
 * The guest believes it runs on 32-bit x86 with its own page tables.  The
 * real CPU runs 4-level long-mode tables that the monitor owns: the shadow.
 * This module keeps the shadow of the guest's linear space (the low 4 GiB,
 * one page-directory-pointer table that the monitor puts in entry 0 of the
 * real PML4) equal to what the guest's tables say, or less permissive,
 * filling it lazily on page faults and keeping it coherent by one of three
 * policies (DESIGN.md section 5).
 *
 * shadow/ never includes monitor internals: everything it needs from its
 * surroundings comes through struct shadow_env, so the same sources build
 * into the monitor and into host unit tests with simulated memory.
 *
 * What the monitor calls, and when:
 *   shadow_create           once, after carving out guest RAM
 *   shadow_root             once, for the first real PML4 entry 0
 *   shadow_page_fault       on every #PF below 4 GiB while the guest runs
 *   shadow_emulated_write   for every write the monitor performs in guest RAM
 *                           (the traced write it emulates, and its own writes)
 *   shadow_on_cr0_write, shadow_on_cr4_write, shadow_on_cr3_load,
 *   shadow_on_invlpg        when it emulates those instructions
 *   shadow_translate        as the guest walker behind gmem (gmem.h)
 * The shadow calls back env->activate_root and env->flush_tlb before any of
 * these returns, so the real CPU never runs on stale entries.
 *
 * What the shadow assumes of the real CPU while the guest runs: CR0.WP = 1
 * (ring 1 is supervisor; a read-only shadow entry must stop it); CR4.SMEP
 * and CR4.SMAP equal to the guest's while guest paging is on, and clear
 * while it is off (the real CPU then enforces them on the shadow's U bits,
 * which are the guest's: the shadow's walk applies them too, to tell the
 * faults they cause from hidden ones); EFLAGS.AC the guest's; and EFER.NXE
 * either way (the shadow never sets XD).  Guest PAT/PCD/PWT bits are not
 * reflected: the shadow only ever maps guest RAM, write-back.
 */
#ifndef SHADOW_H
#define SHADOW_H

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t shadow_hpa_t;      /* machine-physical address */
typedef uint32_t gva_t;             /* guest linear address (as gmem.h) */
typedef uint32_t gpa_t;             /* guest-physical address (as gmem.h) */

/*
 * What the shadow needs from its surroundings.  The first two are all the
 * paging-off builder uses; the MMU uses them all.
 */
struct shadow_env {
	shadow_hpa_t (*alloc_frame)(void);          /* zeroed 4 KiB */
	void *(*hpa_ptr)(shadow_hpa_t pa);          /* monitor pointer to it */
	/* SIZE bytes, zeroed, contiguous, 4 KiB aligned; 0 if none left. */
	shadow_hpa_t (*alloc_block)(uint64_t size);
	/* Make PDPT the guest's low 4 GiB (real PML4 entry 0) and flush the TLB. */
	void (*activate_root)(void *ctx, shadow_hpa_t pdpt);
	/* Flush the real TLB: shadow entries lost rights or went away. */
	void (*flush_tlb)(void *ctx);
	/* A broken shadow invariant: stop the machine with this reason. */
	void (*panic)(void *ctx, const char *why);
	void *ctx;
};

/* Guest RAM as the shadow sees it: one block of machine memory. */
struct shadow_guest_ram {
	shadow_hpa_t base;          /* machine address of guest-physical 0 */
	uint64_t size;              /* bytes */
	uint32_t hole_start;        /* [hole_start, hole_end): not RAM */
	uint32_t hole_end;
};

/*
 * Build the shadow of the guest's linear space for paging off: identity over
 * guest RAM only, user-accessible and writable, nothing mapped in the hole
 * or beyond RAM.  Returns the page-directory-pointer table that covers the
 * low 4 GiB (PML4 entry 0 of the real root).
 */
shadow_hpa_t shadow_build_paging_off(const struct shadow_env *env,
				     const struct shadow_guest_ram *ram);

/*
 * Real page-table entries (x86-64, 4-level), as the shadow writes them:
 *
 *   63 62      52 51                          12 11 10  9  8  7  6  5  4  3  2  1  0
 *  +--+----------+------------------------------+-----+--+--+--+--+--+--+--+--+--+--+
 *  |XD| ignored  |  machine frame address       | ign |GG|G |PS|D |A |CD|WT|U |W |P |
 *  +--+----------+------------------------------+-----+--+--+--+--+--+--+--+--+--+--+
 *
 * GG (bit 9, ignored by the CPU) is the shadow's own mark: "derived from a
 * global guest entry" - the lazy policy keeps such entries across CR3 loads.
 * The shadow never sets G, XD, CD or WT; it presets A, and D on writable
 * leaves, so the CPU never writes back into shadow tables.
 */
#define SPTE_P  (1ull << 0)
#define SPTE_W  (1ull << 1)
#define SPTE_U  (1ull << 2)
#define SPTE_A  (1ull << 5)
#define SPTE_D  (1ull << 6)
#define SPTE_PS (1ull << 7)
#define SPTE_GUEST_GLOBAL (1ull << 9)
#define SPTE_ADDR_MASK 0x000ffffffffff000ull

/*
 * How the shadow stays coherent with the guest's tables (DESIGN.md 5):
 *   TRACE   every shadowed guest table is write-protected; writes to it are
 *           emulated and update the shadow.  CR3 switches are cheap.
 *   LAZY    nothing is write-protected; the shadow behaves like a TLB and is
 *           dropped where the guest flushes its own: invlpg, and all but
 *           global entries at a CR3 load.  Pays in hidden faults.
 *   HYBRID  TRACE, but a page table written more than unsync_writes times
 *           goes out of sync (writable, not traced) until the next CR3 load,
 *           which resyncs it; invlpg refreshes the one entry.
 */
enum shadow_policy { SHADOW_TRACE, SHADOW_LAZY, SHADOW_HYBRID };

struct shadow_params {
	enum shadow_policy policy;
	unsigned budget_frames;     /* shadow tables, at most (>= SHADOW_MIN_BUDGET) */
	unsigned flood_writes;      /* emulated writes to a table not used by a walk
				       in between, before it is unshadowed (KVM: 3);
				       0: never */
	unsigned unsync_writes;     /* HYBRID: writes to a page table, beyond which
				       it goes out of sync */
	unsigned unsync_max;        /* HYBRID: page-table frames out of sync, at most */
};

#define SHADOW_MIN_BUDGET 4         /* a root, a directory, two tables */

/* A set of defaults that suits a few hundred MiB of guest. */
#define SHADOW_DEFAULT_PARAMS(p) \
	((struct shadow_params){ .policy = (p), .budget_frames = 2048, \
				 .flood_writes = 3, .unsync_writes = 2, \
				 .unsync_max = 16 })

struct shadow_mmu;

/*
 * A shadow MMU for guest RAM RAM, in the state the guest boots in: paging
 * off (CR0 = CR3 = CR4 = 0).  Its memory (budget_frames shadow tables and
 * the bookkeeping) comes from env->alloc_block, once.  NULL if the
 * parameters are out of range or memory is short.
 */
struct shadow_mmu *shadow_create(const struct shadow_env *env,
				 const struct shadow_guest_ram *ram,
				 const struct shadow_params *params);

/* The PDPT that should be in real PML4 entry 0 now. */
shadow_hpa_t shadow_root(const struct shadow_mmu *mmu);

enum shadow_access { SHADOW_READ, SHADOW_WRITE, SHADOW_FETCH };

/*
 * Who makes an access, as paging judges it (SDM vol. 3A, 4.6):
 *   SUPERVISOR     code at CPL 0-2 with EFLAGS.AC clear, or an implicit
 *                  access to a system structure (GDT, IDT, TSS, the frame
 *                  an event delivery pushes) made while CPL is 3: with
 *                  CR4.SMAP it may not touch user pages
 *   SUPERVISOR_AC  code at CPL 0-2 with EFLAGS.AC set: SMAP lets it touch
 *                  user pages (the reference CPU, QEMU 7.2, lets implicit
 *                  accesses at CPL 0-2 through with AC set too; the SDM
 *                  does not)
 *   USER           code at CPL 3
 * A supervisor instruction fetch from a user page faults with CR4.SMEP
 * whatever EFLAGS.AC says.
 */
enum shadow_privilege { SHADOW_SUPERVISOR, SHADOW_SUPERVISOR_AC, SHADOW_USER };

/*
 * The cause of a page fault, as shadow_page_fault decides it:
 *   HIDDEN         the guest's tables allow the access; the shadow now does
 *                  too.  Resume the guest: it never sees this fault.
 *   TRUE_FAULT     the guest's tables refuse: deliver #PF to the guest with
 *                  error_code, and CR2 = cr2.
 *   MMIO           the access translates to gpa, which is not guest RAM
 *                  (a hole, beyond RAM, or above 4 GiB through a PSE-36
 *                  page): emulate the instruction against the device bus.
 *   TRACED_WRITE   an allowed write to gpa, which holds a guest page table:
 *                  emulate the instruction, writing through
 *                  shadow_emulated_write (or shadow_untrace_frame, then
 *                  resume, if it cannot be emulated).
 *   EMULATE        an allowed write to gpa that no real entry can grant: a
 *                  supervisor write, with CR0.WP clear, to a read-only user
 *                  page while the guest has CR4.SMEP or SMAP on (the page
 *                  must stay a user page: fault.c).  Emulate the
 *                  instruction as for TRACED_WRITE; there is no fallback.
 */
enum shadow_fault_kind {
	SHADOW_HIDDEN,
	SHADOW_TRUE_FAULT,
	SHADOW_MMIO,
	SHADOW_TRACED_WRITE,
	SHADOW_EMULATE,
};

struct shadow_fault {
	enum shadow_fault_kind kind;
	uint32_t error_code;        /* TRUE_FAULT: #PF error code, as the CPU pushes it */
	gva_t cr2;                  /* TRUE_FAULT: the guest's CR2 */
	uint64_t gpa;               /* MMIO, TRACED_WRITE: guest-physical address */
};

/*
 * The guest touched linear GVA for ACCESS as WHO, and the real CPU faulted.
 * Decide why (fixing the shadow if the fault was hidden) and say so in
 * *OUT.
 */
enum shadow_fault_kind shadow_page_fault(struct shadow_mmu *mmu, gva_t gva,
					 enum shadow_access access,
					 enum shadow_privilege who,
					 struct shadow_fault *out);

/*
 * Translate GVA as the guest's CPU would for ACCESS by WHO, setting the
 * guest's Accessed/Dirty bits as it would.  True with *GPA set, or false
 * with the #PF error code in *PF_ERROR.  *GPA may exceed 4 GiB (PSE-36): such
 * an address is never RAM.
 */
bool shadow_translate(struct shadow_mmu *mmu, gva_t gva,
		      enum shadow_access access, enum shadow_privilege who,
		      uint64_t *gpa, uint32_t *pf_error);

/*
 * Where the guest's tables map GVA now, for the monitor's own bookkeeping
 * (which frames hold the guest's GDT): a supervisor read that sets no
 * Accessed bit, since the guest's CPU has not touched the page.  True with
 * *GPA set, false if nothing is mapped there.
 */
bool shadow_peek(struct shadow_mmu *mmu, gva_t gva, uint64_t *gpa);

/*
 * Write LEN bytes at guest-physical GPA, as an emulated guest instruction
 * does, and bring the shadow up to date with any guest page-table entry it
 * changed.  Any alignment and length; bytes outside guest RAM are dropped
 * (MMIO is the caller's).  Every monitor write into guest RAM must come
 * through here, or traced tables go stale.
 */
void shadow_emulated_write(struct shadow_mmu *mmu, gpa_t gpa,
			   const void *bytes, unsigned len);

/*
 * Stop tracing the guest frame holding GPA: drop every shadow table derived
 * from it.  The fallback for a write to a traced table that the monitor
 * cannot emulate: resume the guest and let it write; the frame is shadowed
 * (and traced) again the next time a walk uses it.
 */
void shadow_untrace_frame(struct shadow_mmu *mmu, gpa_t gpa);

/*
 * Watch the guest frame holding GPA for the monitor's own reasons (the
 * frames of the guest's GDT and LDT, cpu/segments.c): write-protect it in
 * every shadow, whatever the policy, until as many unwatch calls.  A write
 * to it faults as TRACED_WRITE; the monitor emulates it, and the bytes come
 * through shadow_emulated_write like any other, with paging on or off.
 * Watching what is not RAM does nothing.
 */
void shadow_watch_frame(struct shadow_mmu *mmu, gpa_t gpa);
void shadow_unwatch_frame(struct shadow_mmu *mmu, gpa_t gpa);

/* Is the frame holding GPA watched? */
bool shadow_frame_watched(struct shadow_mmu *mmu, uint64_t gpa);

/*
 * The guest wrote CR0 or CR4 (the new whole value).  Returns 0, or -1 if
 * the guest asked for a paging mode the shadow does not implement (PAE):
 * the monitor then stops the guest with that reason.
 */
int shadow_on_cr0_write(struct shadow_mmu *mmu, uint32_t cr0);
int shadow_on_cr4_write(struct shadow_mmu *mmu, uint32_t cr4);

/* The guest loaded CR3 (also when paging is off: it takes effect later). */
void shadow_on_cr3_load(struct shadow_mmu *mmu, uint32_t cr3);

/* The guest executed invlpg GVA. */
void shadow_on_invlpg(struct shadow_mmu *mmu, gva_t gva);

/* Switch policy at run time; the shadow starts again from empty. */
void shadow_set_policy(struct shadow_mmu *mmu, enum shadow_policy policy);

/* "trace", "lazy", "hybrid"; and back (0, or -1 for an unknown NAME). */
const char *shadow_policy_name(enum shadow_policy policy);
int shadow_policy_from_name(const char *name, enum shadow_policy *policy);

/* What happened, counted.  Cycles are the monitor's to measure. */
struct shadow_stats {
	uint64_t hidden_faults;     /* fixed by filling the shadow */
	uint64_t true_faults;       /* reflected into the guest */
	uint64_t mmio_faults;       /* handed to the device bus */
	uint64_t traced_writes;     /* write faults on traced guest tables */
	uint64_t watched_writes;    /* ... on watched frames (not page tables) */
	uint64_t emulate_faults;    /* writes no real entry can grant (EMULATE) */
	uint64_t emulated_writes;   /* shadow_emulated_write calls */
	uint64_t cr3_loads;
	uint64_t root_hits;         /* a root needed (CR3 load, CR0.WP/CR4.PSE
				       change) was cached */
	uint64_t root_misses;
	uint64_t cache_hits;        /* a shadow table looked up and found */
	uint64_t cache_misses;      /* ... and built */
	uint64_t invlpgs;
	uint64_t pages_built;
	uint64_t pages_zapped;
	uint64_t pages_unsynced;
	uint64_t pages_resynced;
	uint64_t flooded;           /* unshadowed for write flooding */
	uint64_t evicted;           /* zapped to stay within the budget */
	uint64_t untraced;          /* shadow_untrace_frame calls */
	uint64_t tlb_flushes;       /* env->flush_tlb and env->activate_root calls */
	uint64_t pages_in_use;      /* shadow tables now (a gauge) */
	uint64_t pages_peak;
};

const struct shadow_stats *shadow_stats(const struct shadow_mmu *mmu);

/*
 * Check every invariant the shadow promises (DESIGN.md 5); NULL if all
 * hold, else a description of the first violation.  Costs a pass over all
 * shadow tables and guest frames: for tests and debug builds.
 */
const char *shadow_check_invariants(struct shadow_mmu *mmu);

#endif
