/*
 * vm.c - address spaces: the kernel half every process shares, the user half
 * each process owns, and copy-on-write between a parent and its child.
 *
 * The kernel half (KERNBASE and up, memlayout.h) is built once at boot in
 * the kernel's page directory: all of RAM in 4 MiB global pages, and one
 * page table for the scratch page.  Every new address space starts as a copy
 * of those directory entries, so they point at the same 4 MiB pages and the
 * same scratch table.  Device registers (the APICs') get 4 MiB uncached pages
 * at their own physical addresses, above MMIO_BASE, also before the first
 * process; nothing in the kernel half changes after boot, so the copies
 * never need updating.  Global pages (CR4.PGE) keep the kernel's TLB
 * entries across the CR3 load of every context switch.
 *
 * The user half is two-level, 4 KiB pages, page tables allocated on first
 * use.  Directory entries for user page tables allow everything (P W U):
 * the page table entries alone decide.
 *
 * fork does not copy memory.  vm_fork_copy makes the child's page tables
 * point at the parent's frames and write-protects every writable page in
 * both, marking it PTE_COW; each shared frame counts one more user
 * (frame.c).  The first write to such a page faults; vm_break_cow then
 * gives the writer its own copy - or, if it is the frame's last user, just
 * makes the page writable again.  With CR0.WP set the kernel's own writes
 * obey the same rule, but the kernel writes user memory only through
 * uaccess.c, which breaks copy-on-write before it writes.
 *
 * Whenever an entry of the loaded address space changes, the stale TLB entry
 * is dropped (invlpg), or the whole TLB by reloading CR3 after fork.
 */
#include "vm.h"

#include "abi.h"
#include "frame.h"
#include "klib.h"
#include "memlayout.h"
#include "x86.h"

#define KERNEL_PDE (PTE_P | PTE_W | PTE_PS | PTE_G) /* 4 MiB, global */
#define MMIO_PDE (KERNEL_PDE | PTE_PCD | PTE_PWT) /* device registers: uncached */
#define TABLE_PDE (PTE_P | PTE_W | PTE_U) /* user page tables: PTEs decide */

static pde_t kernel_pgdir[ENTRIES_PER_TABLE] __attribute__((aligned(PAGE_SIZE)));
static pte_t scratch_table[ENTRIES_PER_TABLE] __attribute__((aligned(PAGE_SIZE)));

void vm_init(physaddr_t ram_end)
{
    for (physaddr_t pa = 0; pa < ram_end; pa += BIG_PAGE_SIZE)
        kernel_pgdir[PDX(KERNBASE + pa)] = pa | KERNEL_PDE;
    kernel_pgdir[PDX(SCRATCH_VA)] = virt_to_phys(scratch_table) | PTE_P | PTE_W;
    write_cr4(read_cr4() | CR4_PGE);
    vm_switch(kernel_pgdir);
}

void vm_map_mmio(physaddr_t pa)
{
    if (pa < MMIO_BASE)
        panic("vm_map_mmio", "device registers below MMIO_BASE");
    kernel_pgdir[PDX(pa)] = (pa & ~(uint32_t)(BIG_PAGE_SIZE - 1)) | MMIO_PDE;
    invlpg((const void *)pa);
}

pte_t *vm_scratch_pte(void)
{
    return &scratch_table[PTX(SCRATCH_VA)];
}

pde_t *vm_create(void)
{
    physaddr_t pa = frame_alloc();
    if (pa == 0)
        return 0;
    pde_t *pgdir = phys_to_virt(pa);
    for (uint32_t i = PDX(KERNBASE); i < ENTRIES_PER_TABLE; i++)
        pgdir[i] = kernel_pgdir[i];
    return pgdir;
}

void vm_switch(pde_t *pgdir)
{
    physaddr_t pa = virt_to_phys(pgdir);
    if (read_cr3() != pa)
        write_cr3(pa);
}

/* Return 1 if `pgdir` is the address space the CPU is using. */
static int is_loaded(pde_t *pgdir)
{
    return read_cr3() == virt_to_phys(pgdir);
}

/* Return the page table of `pgdir` that covers user address `va`, allocating
 * it if `alloc`; 0 if there is none (or no memory for it). */
static pte_t *page_table(pde_t *pgdir, uint32_t va, int alloc)
{
    pde_t *pde = &pgdir[PDX(va)];
    if (*pde & PTE_P)
        return phys_to_virt(pte_frame(*pde));
    if (!alloc)
        return 0;
    physaddr_t pa = frame_alloc();
    if (pa == 0)
        return 0;
    *pde = pa | TABLE_PDE;
    return phys_to_virt(pa);
}

pte_t *vm_lookup(pde_t *pgdir, uint32_t va)
{
    if (va >= USER_TOP)
        panic("vm_lookup", "not a user address");
    pte_t *table = page_table(pgdir, va, 0);
    return table != 0 ? &table[PTX(va)] : 0;
}

/* Set the entry for `va` in `pgdir` to `pte`, and drop the old translation
 * from the TLB if this address space is loaded. */
static void set_pte(pde_t *pgdir, pte_t *slot, uint32_t va, pte_t pte)
{
    *slot = pte;
    if (is_loaded(pgdir))
        invlpg((const void *)va);
}

int vm_map_zeroed(pde_t *pgdir, uint32_t va, uint32_t npages, uint32_t perm)
{
    for (uint32_t i = 0; i < npages; i++) {
        uint32_t page = va + i * PAGE_SIZE;
        pte_t *table = page_table(pgdir, page, 1);
        if (table == 0 || (table[PTX(page)] & PTE_P)) {
            vm_unmap(pgdir, va, i);
            return table == 0 ? -ENOMEM : -EINVAL;
        }
        physaddr_t pa = frame_alloc();
        if (pa == 0) {
            vm_unmap(pgdir, va, i);
            return -ENOMEM;
        }
        set_pte(pgdir, &table[PTX(page)], page, pa | perm | PTE_P);
    }
    return 0;
}

void vm_unmap(pde_t *pgdir, uint32_t va, uint32_t npages)
{
    for (uint32_t i = 0; i < npages; i++) {
        uint32_t page = va + i * PAGE_SIZE;
        pte_t *pte = vm_lookup(pgdir, page);
        if (pte == 0 || !(*pte & PTE_P))
            continue;
        physaddr_t pa = pte_frame(*pte);
        set_pte(pgdir, pte, page, 0);
        frame_unref(pa);
    }
}

/* Share the page mapped by the parent's entry `*ppte` with the child's entry
 * `*cpte`, write-protecting a writable page in both as copy-on-write. */
static void share_page(pte_t *ppte, pte_t *cpte)
{
    if (*ppte & PTE_W)
        *ppte = (*ppte & ~(pte_t)PTE_W) | PTE_COW;
    *cpte = *ppte & ~(pte_t)(PTE_A | PTE_D);
    frame_ref(pte_frame(*ppte));
}

int vm_fork_copy(pde_t *parent, pde_t *child)
{
    int result = 0;
    for (uint32_t d = 0; d < PDX(USER_TOP) && result == 0; d++) {
        if (!(parent[d] & PTE_P))
            continue;
        pte_t *ptable = phys_to_virt(pte_frame(parent[d]));
        uint32_t base = d << PDX_SHIFT;
        for (uint32_t t = 0; t < ENTRIES_PER_TABLE; t++) {
            if (!(ptable[t] & PTE_P))
                continue;
            pte_t *ctable = page_table(child, base, 1);
            if (ctable == 0) {
                result = -ENOMEM;
                break;
            }
            share_page(&ptable[t], &ctable[t]);
        }
    }
    if (is_loaded(parent))
        write_cr3(virt_to_phys(parent)); /* its writable pages became read-only */
    return result;
}

int vm_break_cow(pde_t *pgdir, uint32_t va)
{
    pte_t *pte = vm_lookup(pgdir, va);
    pte_t want = PTE_P | PTE_U | PTE_COW;
    if (pte == 0 || (*pte & want) != want)
        return -EFAULT;
    uint32_t page = PAGE_ROUND_DOWN(va);
    physaddr_t old = pte_frame(*pte);
    pte_t flags = (*pte & ~(pte_t)(PTE_FRAME_MASK | PTE_COW)) | PTE_W;
    if (frame_refcount(old) == 1) {
        set_pte(pgdir, pte, page, old | flags);
        return 0;
    }
    physaddr_t copy = frame_alloc();
    if (copy == 0)
        return -ENOMEM;
    memcpy(phys_to_virt(copy), phys_to_virt(old), PAGE_SIZE);
    set_pte(pgdir, pte, page, copy | flags);
    frame_unref(old);
    return 0;
}

void vm_destroy(pde_t *pgdir)
{
    if (is_loaded(pgdir))
        panic("vm_destroy", "address space still loaded");
    for (uint32_t d = 0; d < PDX(USER_TOP); d++) {
        if (!(pgdir[d] & PTE_P))
            continue;
        pte_t *table = phys_to_virt(pte_frame(pgdir[d]));
        for (uint32_t t = 0; t < ENTRIES_PER_TABLE; t++)
            if (table[t] & PTE_P)
                frame_unref(pte_frame(table[t]));
        frame_unref(pte_frame(pgdir[d]));
    }
    frame_unref(virt_to_phys(pgdir));
}
