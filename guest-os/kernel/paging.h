/*
 * paging.h - the i386 two-level page tables, as the OS builds them.
 *
 * With CR0.PG set, the CPU translates every linear address through a page
 * directory (1024 entries, each covering 4 MiB) whose physical address is in
 * CR3, and - unless the directory entry maps a 4 MiB page itself (PS, with
 * CR4.PSE) - a page table (1024 entries, each covering 4 KiB).  The formats
 * are fixed by the architecture (Intel SDM vol. 3, chapter 4.3); they are
 * drawn below next to the names this kernel uses for their bits.  The
 * constants are plain numbers so that entry.S can use them too.
 */
#ifndef GUEST_PAGING_H
#define GUEST_PAGING_H

/*
 * A linear address, as the CPU splits it:
 *
 *   31              22 21              12 11                  0
 *  +------------------+------------------+---------------------+
 *  | directory index  |   table index    |  offset in the page |
 *  +------------------+------------------+---------------------+
 *   PDX(va)            PTX(va)
 */
#define PAGE_SIZE 4096
#define PAGE_SHIFT 12
#define PDX_SHIFT 22
#define BIG_PAGE_SIZE 0x400000 /* what one directory entry maps with PS */
#define ENTRIES_PER_TABLE 1024

#define PDX(va) (((uint32_t)(va) >> PDX_SHIFT) & 0x3FF)
#define PTX(va) (((uint32_t)(va) >> PAGE_SHIFT) & 0x3FF)
#define PAGE_ROUND_DOWN(a) ((uint32_t)(a) & ~(uint32_t)(PAGE_SIZE - 1))
#define PAGE_ROUND_UP(a) PAGE_ROUND_DOWN((uint32_t)(a) + PAGE_SIZE - 1)

/*
 * A page directory or page table entry:
 *
 *   31                              12 11   9  8   7   6   5   4   3   2   1   0
 *  +----------------------------------+------+---+---+---+---+---+---+---+---+---+
 *  | physical frame address 31:12     | AVL  | G |PS | D | A |PCD|PWT|U/S|R/W| P |
 *  +----------------------------------+------+---+---+---+---+---+---+---+---+---+
 *
 * In a directory entry with PS = 1 the frame is a 4 MiB page and bits 21:12
 * must be zero; D and G then mean what they mean in a page table entry.
 * AVL is the operating system's: this kernel keeps its copy-on-write mark
 * there.
 */
#define PTE_P 0x001   /* present */
#define PTE_W 0x002   /* writable (CR0.WP makes it bind the kernel too) */
#define PTE_U 0x004   /* user: reachable at CPL 3 */
#define PTE_PWT 0x008 /* write-through */
#define PTE_PCD 0x010 /* cache disabled */
#define PTE_A 0x020   /* accessed: set by the CPU on use */
#define PTE_D 0x040   /* dirty: set by the CPU on a write */
#define PTE_PS 0x080  /* directory entry: a 4 MiB page */
#define PTE_G 0x100   /* global: survives a CR3 load (with CR4.PGE) */
#define PTE_COW 0x200 /* AVL bit 9: read-only until the next write copies */
#define PTE_FRAME_MASK 0xFFFFF000

/* CR0: the bits this kernel sets. */
#define CR0_PE 0x00000001 /* protected mode */
#define CR0_WP 0x00010000 /* read-only pages bind supervisor writes too */
#define CR0_PG 0x80000000 /* paging */

/* CR4: the bits this kernel sets. */
#define CR4_PSE 0x00000010 /* 4 MiB pages in directory entries */
#define CR4_PGE 0x00000080 /* global pages */

/*
 * The error code the CPU pushes with a page fault (#PF, vector 14); CR2
 * holds the linear address it could not translate:
 *
 *   31                         5    4     3     2     1     0
 *  +---------------------------+-----+-----+-----+-----+-----+
 *  |         reserved          | I/D |RSVD | U/S | W/R |  P  |
 *  +---------------------------+-----+-----+-----+-----+-----+
 *   P:   0 = the page was not present, 1 = a protection violation
 *   W/R: the access was a write        U/S: it came from CPL 3
 *   RSVD: a reserved bit was set       I/D: it was an instruction fetch
 */
#define PF_P 0x01
#define PF_W 0x02
#define PF_U 0x04
#define PF_RSVD 0x08
#define PF_I 0x10

#define T_PGFLT 14 /* the page-fault vector */

#ifndef __ASSEMBLER__
#include <stdint.h>

typedef uint32_t pde_t;      /* a page directory entry */
typedef uint32_t pte_t;      /* a page table entry */
typedef uint32_t physaddr_t; /* a physical address: never dereferenced */

/* Return the physical frame an entry points at. */
static inline physaddr_t pte_frame(pte_t e)
{
    return e & PTE_FRAME_MASK;
}
#endif /* !__ASSEMBLER__ */
#endif /* GUEST_PAGING_H */
