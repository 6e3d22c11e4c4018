/*
 * paging_guest.h - what the files of the paging conformance guest share.
 *
 * The guest turns on 32-bit paging and prints, one line per observation,
 * what its CPU does with the entries it writes: which accesses fault, with
 * which error code and CR2, which Accessed and Dirty bits appear, and when
 * a changed entry takes effect.  Natively on QEMU the output is the
 * reference; under the monitor it must be byte-identical.  Only what the
 * architecture guarantees is printed: an entry is changed and then used
 * only after invlpg, a CR3 load (non-global entries) or a CR4.PGE toggle
 * (everything), never through a possibly stale TLB entry.
 *
 *   paging_main.c     the order of the sections
 *   paging.c          machine set-up, frames, address spaces, the probe
 *   paging_user.c     running a function at CPL 3 and coming back
 *   paging_rights.c   P, R/W, U/S of both levels x CPL x access x CR0.WP,
 *                     and the same for 4 MiB pages
 *   paging_tlb.c      invlpg, CR3 loads, a table under two directories,
 *                     global pages, Accessed/Dirty
 *   paging_fork.c     copy-on-write between two address spaces, and a
 *                     directory that maps itself
 *   paging_writes.c   entries written by many instructions, and accesses
 *                     and instructions that cross a page boundary
 *
 * Physical memory (identity-mapped, 4 KiB pages, user and writable, so user
 * code can run the same probes):
 *
 *   0x00000000 +----------------------+
 *              | BIOS area, kernel at |
 *              | 1 MiB, its data      |
 *   0x00400000 +----------------------+ FRAME_POOL: frame_alloc()
 *              | page tables, frames  |
 *   0x00800000 +----------------------+ BIG_FRAME: a 4 MiB page's frame
 *              |                      |
 *   0x00c00000 +----------------------+ FIXED_FRAMES: data frames at chosen
 *              |                      | addresses (page-crossing stores)
 *   0x01000000 +----------------------+ IDENTITY_END
 */
#ifndef PAGING_GUEST_H
#define PAGING_GUEST_H

#include <stdint.h>

#include "kernel.h"
#include "paging.h"
#include "x86.h"

#define FRAME_POOL    0x00400000u
#define FRAME_POOL_END 0x00800000u
#define BIG_FRAME     0x00800000u
#define FIXED_FRAMES  0x00c00000u
#define IDENTITY_END  0x01000000u

/* Segment selectors of this guest's GDT. */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE 0x1b
#define SEL_UDATA 0x23
#define SEL_TSS   0x28

#define PDE_IDENTITY_FLAGS (PTE_P | PTE_W | PTE_U)
#define PDE_LARGE_RSVD 0x00200000u  /* bit 21 of a 4 MiB directory entry */

/* ---- paging.c: frames and address spaces ------------------------------- */

/* A zeroed 4 KiB frame from the pool (its physical = its linear address). */
uint32_t frame_alloc(void);

/* Fill the frame at PA with its signature (frame_signature) in every word. */
void frame_sign(uint32_t pa);

/* The value every word of a signed frame holds: 0x5a000000 | (pa >> 12). */
static inline uint32_t frame_signature(uint32_t pa)
{
    return 0x5a000000u | (pa >> 12);
}

/* A new page directory holding the identity map (and nothing else). */
pde_t *space_new(void);

/* The page directory the guest runs on from the start. */
extern pde_t *main_space;

/* The page table behind VA in directory PD, made (flags P|W|U) if absent. */
pte_t *table_of(pde_t *pd, uint32_t va);

/* The entry that maps VA in PD (the table is made if absent). */
pte_t *pte_of(pde_t *pd, uint32_t va);

/* Map the 4 KiB page at VA to PA with FLAGS in PD; no TLB flush. */
void map_page(pde_t *pd, uint32_t va, uint32_t pa, uint32_t flags);

/* The flags of an entry as letters: "PWU" with '-' for clear bits. */
const char *rights_str(uint32_t entry);

/* The A and D bits of an entry as letters: "AD", "A-", "--". */
const char *ad_str(uint32_t entry);

/* Turn CR0.WP on (1) or off (0); turn CR4 bits on or off. */
void set_wp(int on);
void cr4_set(uint32_t bits, int on);

/* ---- paging.c: the probe ------------------------------------------------ */

/*
 * What one access did: no fault (and, for a read, the value read), or a
 * fault with its vector, error code and CR2.  The trap handler records the
 * fault and resumes the probe after the access; see paging.c.
 */
struct outcome {
    uint32_t faulted;
    uint32_t vector, err, cr2, eip;
    uint32_t value;
};

/* Read, write or fetch at VA, at the current CPL.  A fetch jumps to VA
 * with EAX = 0 and ECX = the way back; the code there must end with
 * FETCH_BYTES ("jmp *%ecx"); the outcome's value is EAX after it. */
struct outcome probe_read(uint32_t va);
struct outcome probe_write(uint32_t va, uint32_t value);
struct outcome probe_fetch(uint32_t va);
#define FETCH_BYTES 0xe1ffu

/*
 * Call FN at the current CPL as a probe: a fault anywhere inside it is
 * recorded, and execution resumes after the call with the stack and the
 * callee-saved registers as they were (FN may clobber any register and
 * ESP).  The outcome's value is the EAX it returns.
 */
struct outcome probe_call(uint32_t (*fn)(void));

/* Print an outcome: "ok", "ok 0x...", or "#PF err 0xE cr2 0x...". */
void outcome_print(struct outcome o, int with_value);

/* Put "jmp *%ecx" at PA (a physical = linear address below IDENTITY_END). */
void plant_return(uint32_t pa);

/*
 * A page-fault handler the probe consults first; it returns nonzero if it
 * resolved the fault (the instruction is then restarted), zero to let the
 * probe record it.  Null for none.
 */
struct trapframe;
extern int (*page_fault_hook)(struct trapframe *tf, uint32_t cr2);

/* ---- paging.c: the machine ---------------------------------------------- */

/* Console, IDT with the probe on every exception, TSS; print the banner
 * "NAME: conformance guest". */
void paging_guest_start(const char *name);

/* Identity map, one address space (main_space), paging on with CR0.WP;
 * CR4 clear. */
void paging_on(void);

/* ---- paging_user.c ------------------------------------------------------ */

/* Run FN at CPL 3 (on a user stack, flat user segments); back at CPL 0
 * when it returns. */
void run_user(void (*fn)(void));

/* Set up the TSS (ring-0 stack) and the system-call gate run_user needs. */
void user_setup(void);

/* ---- the sections ------------------------------------------------------- */

void rights_4k(void);
void rights_4m(void);
void tlb_invlpg_and_cr3(void);
void tlb_shared_table(void);
void tlb_global_pages(void);
void accessed_dirty(void);
void fork_copy_on_write(void);
void self_map(void);
void entry_writes(void);
void page_crossing(void);

#endif
