/*
 * vm.h - address spaces: page directories and what they map (vm.c).
 *
 * A page directory is named by the kernel's pointer to it (`pde_t *`); CR3
 * gets its physical address.  User virtual addresses are plain uint32_t:
 * the kernel never dereferences one (uaccess.c translates them).
 */
#ifndef GUEST_VM_H
#define GUEST_VM_H

#include "paging.h"

/* Build the kernel's page directory - all RAM below `ram_end` (a multiple
 * of 4 MiB) at KERNBASE, and the scratch page's table - and switch to it. */
void vm_init(physaddr_t ram_end);

/* Map the 4 MiB of physical address space around device registers at `pa`
 * (MMIO_BASE or above) at the same virtual address, uncached, in the kernel
 * half.  Only at boot, before the first address space is created. */
void vm_map_mmio(physaddr_t pa);

/* Return the page table entry that maps SCRATCH_VA (kbench.c's to play
 * with; it is shared by every address space). */
pte_t *vm_scratch_pte(void);

/* Return a new address space: the kernel half, and nothing below USER_TOP;
 * 0 if out of memory. */
pde_t *vm_create(void);

/* Free the address space `pgdir`: its user pages (or this space's share of
 * them), its page tables and the directory.  It must not be loaded. */
void vm_destroy(pde_t *pgdir);

/* Make `pgdir` the address space the CPU translates with. */
void vm_switch(pde_t *pgdir);

/* Return the entry that maps user address `va` in `pgdir`, or 0 if no page
 * table covers it (never allocates). */
pte_t *vm_lookup(pde_t *pgdir, uint32_t va);

/* Map `npages` fresh zeroed frames at the page-aligned user address `va`
 * with permissions `perm` (PTE_U, PTE_W).  Return 0, -EINVAL if a page in
 * the range is already mapped, or -ENOMEM; on failure nothing is left
 * mapped. */
int vm_map_zeroed(pde_t *pgdir, uint32_t va, uint32_t npages, uint32_t perm);

/* Unmap `npages` pages from the page-aligned user address `va`, dropping
 * this space's share of each frame; unmapped pages in the range are
 * skipped. */
void vm_unmap(pde_t *pgdir, uint32_t va, uint32_t npages);

/* Give `child` (fresh from vm_create) the user half of `parent`, sharing
 * every frame: writable pages become read-only and copy-on-write in both.
 * Return 0 or -ENOMEM (then the caller destroys `child`). */
int vm_fork_copy(pde_t *parent, pde_t *child);

/* Make the copy-on-write page at user address `va` writable for `pgdir`
 * alone: copy it, unless nobody else shares it.  Return 0, -EFAULT if it
 * is not a copy-on-write page, or -ENOMEM. */
int vm_break_cow(pde_t *pgdir, uint32_t va);

#endif /* GUEST_VM_H */
