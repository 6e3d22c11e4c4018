/*
 * mmu.h - the shadow MMU's insides, shared by the files of shadow/.
 *
 * shadow.h is the seam the monitor sees.  This header is what the
 * mechanisms share with each other: the guest's entry formats, the record of
 * a guest walk, the shadow page and its role, and the few functions one file
 * offers the others.  Nothing outside shadow/ (but the unit tests) includes
 * it.
 *
 *   walk.c    guest page walks, one per paging mode (the mode table)
 *   tables.c  shadow pages: cache, links, budget and eviction
 *   fault.c   the page-fault handler, and filling the shadow from a walk
 *   trace.c   reverse maps, write protection, emulated writes, flooding
 *   policy.c  CR3 loads, invlpg, CR0/CR4, and the three policies
 *   check.c   the invariants, checked
 *   mmu.c     creation, the door into guest RAM, operations and stats
 */
#ifndef SHADOW_MMU_H
#define SHADOW_MMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shadow.h"

/*
 * A 32-bit guest page-directory or page-table entry (SDM vol. 3, 4.3):
 *
 *   31                              12 11  9  8   7   6   5   4   3   2   1   0
 *  +----------------------------------+-----+---+---+---+---+---+---+---+---+---+
 *  | physical frame address 31:12     | AVL | G |PS | D | A |PCD|PWT|U/S|R/W| P |
 *  +----------------------------------+-----+---+---+---+---+---+---+---+---+---+
 *
 * A directory entry with PS = 1 (and CR4.PSE) maps a 4 MiB page itself:
 *
 *   31            22 21 20          13 12 11 ...                           0
 *  +----------------+--+--------------+---+-------------------------------+
 *  | address 31:22  |0 | address 39:32|PAT|  as above                     |
 *  +----------------+--+--------------+---+-------------------------------+
 *
 * Bit 21 is reserved (a #PF with RSVD if set); bits 20:13 are PSE-36's high
 * address bits, as the reference CPU (QEMU, -cpu max) implements them.
 */
#define GPTE_P   (1u << 0)
#define GPTE_W   (1u << 1)
#define GPTE_U   (1u << 2)
#define GPTE_A   (1u << 5)
#define GPTE_D   (1u << 6)
#define GPTE_PS  (1u << 7)
#define GPTE_G   (1u << 8)
#define GPTE_FRAME        0xfffff000u
#define GPDE_LARGE_FRAME  0xffc00000u
#define GPDE_LARGE_HIGH   0x001fe000u   /* physical address bits 39:32 */
#define GPDE_LARGE_RSVD   0x00200000u
#define GPDE_HIGH_SHIFT   19            /* bit 13 -> bit 32 */

/* Guest control-register bits the shadow reads. */
#define GCR0_WP  (1u << 16)
#define GCR0_PG  (1u << 31)
#define GCR4_PSE (1u << 4)
#define GCR4_PAE (1u << 5)
#define GCR4_PGE (1u << 7)
#define GCR4_SMEP (1u << 20)
#define GCR4_SMAP (1u << 21)

/*
 * The #PF error code (SDM 4.7).  32-bit paging reports I/D (the access was
 * an instruction fetch) only while CR4.SMEP is set, for every fetch fault.
 *
 *    4     3     2     1     0
 *  +-----+-----+-----+-----+-----+
 *  | I/D |RSVD | U/S | W/R |  P  |
 *  +-----+-----+-----+-----+-----+
 */
#define PFERR_PRESENT (1u << 0)
#define PFERR_WRITE   (1u << 1)
#define PFERR_USER    (1u << 2)
#define PFERR_RSVD    (1u << 3)
#define PFERR_FETCH   (1u << 4)

/* Access rights, the two paging knows: the AND over every level walked. */
#define ACC_W   (1u << 0)
#define ACC_U   (1u << 1)
#define ACC_ALL (ACC_W | ACC_U)

#define PAGE_4K      0x1000ull
#define PAGE_2M      0x200000ull
#define PAGE_4M      0x400000ull
#define SPTES        512u           /* entries in a shadow table */
#define GPTES        1024u          /* entries in a guest table */

/*
 * What a guest walk found (KVM's guest_walker): every entry it read, where,
 * and the translation it made.  Filled by the paging mode's walk function.
 */
struct guest_walk {
	gva_t gva;
	enum shadow_access access;
	bool user;                  /* CPL 3 */
	bool ac;                    /* supervisor with EFLAGS.AC: SMAP allows */
	unsigned levels;            /* guest entries read: 0 (paging off), 1, 2 */
	gpa_t entry_gpa[2];         /* [0] the directory entry, [1] the table entry */
	uint32_t entry[2];          /* their values, with A/D as the walk left them */
	bool large;                 /* a 4 MiB page: entry[0] is the leaf */
	uint64_t gpa;               /* the translation (may be >= 4 GiB) */
	unsigned rights;            /* ACC_* of every level */
	bool dirty;                 /* the leaf's D */
	bool global;                /* the leaf's G, with CR4.PGE */
	uint32_t error_code;        /* #PF error code when the walk fails */
};

/* Walk the guest's tables for GVA; true if the access is allowed. */
typedef bool walk_fn(struct shadow_mmu *mmu, gva_t gva,
		     enum shadow_access access, enum shadow_privilege who,
		     struct guest_walk *w);
/* Install in the shadow what a successful walk W found. */
typedef void fill_fn(struct shadow_mmu *mmu, const struct guest_walk *w);

/* A guest paging mode: chosen when CR0 or CR4 change (walk.c). */
struct paging_mode {
	const char *name;
	bool paging;                /* false: linear = physical, no guest tables */
	walk_fn *walk;
	fill_fn *fill;
};

extern const struct paging_mode paging_off_mode, paging_32bit_mode;

/* The paging mode for these CR0 and CR4, or NULL if not implemented. */
const struct paging_mode *paging_mode_for(uint32_t cr0, uint32_t cr4);

/*
 * A shadow page's role: what it shadows, besides the guest frame.  Two
 * shadow pages of one guest frame with different roles are different pages
 * (KVM's role): a guest page table reached through directory entries with
 * different rights, or used under CR0.WP and without, gets one each.
 *
 *    31        10   9    8    7    6     5     4     3  2     1  0
 *  +-----------+----+----+----+-----+-----+------+--------+-------+
 *  |   zero    |SMX |PSE | WP |ACC_U|ACC_W|DIRECT|quadrant | level |
 *  +-----------+----+----+----+-----+-----+------+--------+-------+
 *
 *  level     1 page table, 2 page directory, 3 root (the PDPT)
 *  quadrant  which part of the guest table it shadows: the half of a
 *            1024-entry page table, or the quarter of a directory
 *  DIRECT    no guest table behind it: the 4 KiB pieces of a 2 MiB half of
 *            a guest 4 MiB page (gfn = its first frame)
 *  ACC_*     a page table: the rights of the directory entry above it;
 *            a direct page: the rights of every entry in it
 *  WP, PSE   the guest's CR0.WP and CR4.PSE when it was built
 *  SMX       the guest's CR4.SMEP or SMAP was set, with CR0.WP clear: the
 *            one case where they change what a leaf may be (fault.c)
 */
#define LEVEL_PT   1u
#define LEVEL_PD   2u
#define LEVEL_ROOT 3u
#define ROLE_LEVEL(r)     ((r) & 3u)
#define ROLE_QUADRANT(r)  (((r) >> 2) & 3u)
#define ROLE_DIRECT       (1u << 4)
#define ROLE_ACCESS(r)    (((r) >> 5) & 3u)
#define ROLE_WP           (1u << 7)
#define ROLE_PSE          (1u << 8)
#define ROLE_SMX          (1u << 9)
#define ROLE_MODE_BITS    (ROLE_WP | ROLE_PSE | ROLE_SMX)
#define ROLE(level, quadrant, access) \
	((level) | (quadrant) << 2 | (access) << 5)

/*
 * A reference to one shadow entry: (page index << 9 | slot) + 1, 0 for none.
 * Reverse maps and parent lists are chains of such references, linked
 * through mmu->next (one link per shadow entry: an entry is on one chain).
 */
typedef uint32_t sref_t;

typedef uint32_t gfn_t;             /* guest frame number: gpa >> 12 */

struct shadow_page {
	gfn_t gfn;                  /* guest frame shadowed (see ROLE_DIRECT) */
	uint32_t role;
	shadow_hpa_t hpa;           /* the shadow table */
	uint64_t *spte;             /* its 512 entries */
	sref_t parents;             /* entries that link to this page */
	int32_t hash_next;          /* cache chain, or free list */
	uint64_t stamp;             /* last operation that used it (LRU) */
	uint16_t present;           /* present entries */
	uint16_t global;            /* ... of which marked SPTE_GUEST_GLOBAL */
	uint16_t writes;            /* emulated writes since a walk used it */
	bool in_use;
	bool unsync;                /* HYBRID: out of sync with its guest frame */
};

/* What the shadow knows about one guest frame of RAM. */
struct frame_info {
	sref_t rmap;                /* 4 KiB shadow leaves that map this frame */
	uint16_t shadowed;          /* shadow pages built from this frame */
	uint16_t shadowed_pd;       /* ... of which directories */
	uint16_t writes;            /* HYBRID: emulated writes since last sync */
	uint8_t traced;             /* write-protected in every shadow */
	uint8_t unsync;
	uint8_t watched;            /* watches on it (shadow_watch_frame) */
};

/* ... and about one 2 MiB region of guest-physical memory. */
struct region_info {
	sref_t large_rmap;          /* 2 MiB shadow leaves that map it */
	uint16_t traced;            /* traced frames inside */
};

struct shadow_mmu {
	struct shadow_env env;
	struct shadow_guest_ram ram;
	struct shadow_params params;
	uint8_t *ram_ptr;           /* monitor pointer to guest-physical 0 */

	/* The guest's paging state. */
	const struct paging_mode *mode;
	uint32_t cr0, cr3, cr4;

	/* Shadow pages: page i is the frame at pool + i * 4 KiB. */
	struct shadow_page *pages;
	unsigned npages;            /* = budget */
	shadow_hpa_t pool;
	uint64_t *pool_ptr;
	sref_t *next;               /* npages * 512 chain links */
	int32_t *buckets;           /* cache: gfn hash -> page index */
	unsigned bucket_bits;
	int32_t free_page;
	unsigned pages_in_use;

	struct frame_info *frames;  /* per guest frame below ram.size */
	uint32_t nframes;
	struct region_info *regions;/* per 2 MiB region below ram.size */
	uint32_t nregions;
	gfn_t *unsync_list;         /* HYBRID: frames out of sync */
	unsigned n_unsync;

	int32_t root;               /* current root page, -1: none yet */
	shadow_hpa_t paging_off_root;
	shadow_hpa_t active_root;   /* what env->activate_root last got */
	bool force_activate;        /* a CR3 load: activate even if unchanged */
	bool peeking;               /* shadow_peek: walks leave A and D alone */
	bool flush_pending;         /* entries lost rights since the last flush */
	uint64_t clock;             /* operation counter, the LRU's time */

	struct shadow_stats stats;
	char why[256];              /* the last invariant violation */
};

/* mmu.c: operations, the door into guest RAM, panics. */
void op_begin(struct shadow_mmu *mmu);
void op_end(struct shadow_mmu *mmu);
bool gpa_is_ram(const struct shadow_mmu *mmu, uint64_t gpa, uint64_t len);
void *guest_ram(struct shadow_mmu *mmu, uint64_t gpa, uint64_t len);
uint32_t gpte_read(struct shadow_mmu *mmu, uint64_t gpa);
void gpte_write(struct shadow_mmu *mmu, uint64_t gpa, uint32_t gpte);
struct frame_info *frame_info(struct shadow_mmu *mmu, uint64_t gfn);
bool policy_traces(const struct shadow_mmu *mmu);
void shadow_panic(struct shadow_mmu *mmu, const char *fn, const char *what);
#define SHADOW_BUG(mmu, what) shadow_panic((mmu), __func__, (what))

/* walk.c */
unsigned gpte_rights(uint32_t gpte);

/* tables.c */
struct shadow_page *page_find(struct shadow_mmu *mmu, gfn_t gfn,
			      uint32_t role);
struct shadow_page *page_get(struct shadow_mmu *mmu, gfn_t gfn,
			     uint32_t role);
struct shadow_page *page_of_hpa(struct shadow_mmu *mmu, shadow_hpa_t hpa);
struct shadow_page *sref_page(struct shadow_mmu *mmu, sref_t ref);
unsigned sref_slot(sref_t ref);
sref_t sref_make(struct shadow_mmu *mmu, struct shadow_page *sp,
		 unsigned slot);
sref_t *sref_next(struct shadow_mmu *mmu, sref_t ref);
bool page_is_content(const struct shadow_page *sp);
bool spte_is_link(const struct shadow_page *sp, uint64_t spte);
void spte_set(struct shadow_mmu *mmu, struct shadow_page *sp, unsigned slot,
	      uint64_t spte);
void spte_write_protect(struct shadow_mmu *mmu, sref_t ref);
uint64_t spte_link(const struct shadow_page *child, bool global);
uint64_t spte_leaf(struct shadow_mmu *mmu, uint64_t gpa, unsigned rights,
		   bool global, bool large);
void page_touch(struct shadow_mmu *mmu, struct shadow_page *sp);
void page_clear(struct shadow_mmu *mmu, struct shadow_page *sp);
void page_zap(struct shadow_mmu *mmu, struct shadow_page *sp);
void zap_all(struct shadow_mmu *mmu);
uint32_t role_mode_bits(const struct shadow_mmu *mmu);
struct shadow_page *root_page(struct shadow_mmu *mmu);
void root_select(struct shadow_mmu *mmu);
#define for_each_page_of_frame(mmu, sp, gfn, next_sp)                        \
	for ((sp) = frame_first_page((mmu), (gfn));                          \
	     (sp) && ((next_sp) = frame_next_page((mmu), (sp)), 1);         \
	     (sp) = (next_sp))
struct shadow_page *frame_first_page(struct shadow_mmu *mmu, gfn_t gfn);
struct shadow_page *frame_next_page(struct shadow_mmu *mmu,
				    struct shadow_page *sp);

/* fault.c */
unsigned shadow_rights(unsigned guest, uint32_t mode, bool dirty,
		       bool kernel_write);
uint64_t spte_from_gpte(struct shadow_mmu *mmu, const struct shadow_page *sp,
			uint32_t gpte);
bool spde_link_matches(struct shadow_mmu *mmu, const struct shadow_page *pd,
		       unsigned slot, const struct shadow_page *child,
		       uint32_t gpde);
uint64_t pd_entry_gpa(const struct shadow_page *pd, unsigned slot);
uint64_t pt_entry_gpa(const struct shadow_page *pt, unsigned slot);

/* trace.c */
void rmap_add(struct shadow_mmu *mmu, sref_t ref, uint64_t spte, bool large);
void rmap_remove(struct shadow_mmu *mmu, sref_t ref, uint64_t spte, bool large);
bool frame_is_traced(struct shadow_mmu *mmu, uint64_t gfn);
bool region_is_traced(struct shadow_mmu *mmu, uint64_t gpa);
void frame_shadowed(struct shadow_mmu *mmu, struct shadow_page *sp);
void frame_unshadowed(struct shadow_mmu *mmu, struct shadow_page *sp);
void frame_trace(struct shadow_mmu *mmu, gfn_t gfn);
void frame_untrace(struct shadow_mmu *mmu, gfn_t gfn);

/* paging_off.c */
void shadow_paging_off_protect(const struct shadow_env *env,
			       const struct shadow_guest_ram *ram,
			       shadow_hpa_t pdpt, uint64_t gpa, bool ro);

/* policy.c */
void frame_unsync(struct shadow_mmu *mmu, gfn_t gfn);
void frame_resync(struct shadow_mmu *mmu, gfn_t gfn);

#endif
