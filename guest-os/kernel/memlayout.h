/*
 * memlayout.h - where the OS kernel lives in every address space.
 *
 * Each process has its own page directory.  Its lower half is the process's
 * (abi.h draws it); its upper half is the kernel's and is the same in every
 * directory, so the kernel can run, and reach all of physical memory, in any
 * process's address space without a CR3 load:
 *
 *   0xFFFFFFFF +------------------------------+
 *              | device registers (the APICs, |  4 MiB uncached pages at
 *              |   0xFEC00000 on a PC), where |  virtual = physical,
 *              |   vm_map_mmio maps them      |  otherwise unmapped
 *   0xC0400000 +------------------------------+ MMIO_BASE
 *              |         (unmapped)           |
 *   0xC0001000 +------------------------------+
 *              | the scratch page: one 4 KiB  |  kbench.c modifies its PTE
 *   0xC0000000 +------------------------------+ SCRATCH_VA
 *              | physical memory, 0 .. RAM,   |  4 MiB global pages,
 *              | at KERNBASE + physical       |  supervisor, writable
 *   0x80100000 |   (the kernel image: 1 MiB)  |
 *   0x80000000 +------------------------------+ KERNBASE = USER_TOP
 *
 * The kernel is loaded at 1 MiB physical and linked at KERNBASE + 1 MiB
 * (os.ld), except for the few instructions of entry.S that turn paging on.
 * At most PHYS_MAP_MAX bytes of RAM are used.
 */
#ifndef GUEST_MEMLAYOUT_H
#define GUEST_MEMLAYOUT_H

#include "abi.h"

#define KERNBASE 0x80000000
#define PHYS_MAP_MAX 0x40000000 /* 1 GiB: KERNBASE .. SCRATCH_VA */
#define SCRATCH_VA 0xC0000000
#define MMIO_BASE 0xC0400000 /* past the scratch page's 4 MiB */

#ifndef __ASSEMBLER__
#include <stdint.h>

#include "paging.h"

/* Return the kernel's pointer to physical address `pa` (which must be
 * below PHYS_MAP_MAX). */
static inline void *phys_to_virt(physaddr_t pa)
{
    return (void *)(pa + KERNBASE);
}

/* Return the physical address of the kernel pointer `p` (in the map of
 * physical memory). */
static inline physaddr_t virt_to_phys(const void *p)
{
    return (uint32_t)p - KERNBASE;
}
#endif /* !__ASSEMBLER__ */
#endif /* GUEST_MEMLAYOUT_H */
