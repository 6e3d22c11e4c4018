/*
 * paging_fork.c - two things kernels do with page tables that go beyond
 * mapping pages: fork with copy-on-write, and a directory that maps itself.
 *
 * Copy-on-write: fork copies the parent's page table for the child and
 * clears R/W in both copies (marking the entries with an AVL bit), so the
 * first write on either side faults; the fault handler copies the frame
 * (or, for its last user, just makes it writable again), updates the
 * faulting side's entry, invalidates it, and the write is restarted.  A
 * shadow MMU sees a table copied by `rep movsl`, entries changed by `lock
 * andl` in a live table, CR3 switches between two spaces sharing frames,
 * and faults that the guest resolves itself.
 *
 * Self map: directory entry 1023 points at the directory itself, so the
 * directory is also a page table and every table appears in a 4 MiB window
 * at 0xffc00000 (entry I of table T at 0xffc00000 + T * 4096 + I * 4), the
 * directory itself at 0xfffff000.  Kernels read and write their entries
 * through the window; the CPU sets Accessed and Dirty in a directory entry
 * when it serves as a leaf.  A shadow MMU must shadow one guest frame in two
 * roles at once.
 */
#include "paging_guest.h"

#define VA_COW      0x44000000u
#define VA_SELF     0x64000000u
#define VA_SELF_NEW 0x64400000u     /* its directory entry made via the window */
#define VA_SELF_BIG 0x64800000u     /* a 4 MiB page, seen through the window */
#define SELF_SLOT   1023u
#define WINDOW      0xffc00000u     /* every page table */
#define WINDOW_PD   0xfffff000u     /* the directory */
#define PWU (PTE_P | PTE_W | PTE_U)
#define COW_PAGES 3
#define MAX_FRAMES 8

/* ---- copy-on-write ------------------------------------------------------ */

static struct {
    uint32_t frame;
    unsigned refs;
} shares[MAX_FRAMES];

static unsigned *refs_of(uint32_t frame)
{
    for (unsigned i = 0; i < MAX_FRAMES; i++)
        if (shares[i].frame == frame)
            return &shares[i].refs;
    for (unsigned i = 0; i < MAX_FRAMES; i++)
        if (!shares[i].frame) {
            shares[i].frame = frame;
            return &shares[i].refs;
        }
    kprintf("FAIL: too many shared frames\n");
    poweroff(1);
}

static const char *space_name(void)
{
    return read_cr3() == (uint32_t)main_space ? "parent" : "child";
}

/* The page-fault hook: resolve a write to a copy-on-write entry. */
static int cow_fault(struct trapframe *tf, uint32_t cr2)
{
    pde_t *pd = (pde_t *)(read_cr3() & PTE_FRAME_MASK);
    pte_t *pte;
    unsigned *refs;
    uint32_t copy;

    if ((tf->err & (PF_P | PF_W)) != (PF_P | PF_W) ||
        !(pd[PDX(cr2)] & PTE_P))
        return 0;
    pte = &((pte_t *)pte_frame(pd[PDX(cr2)]))[PTX(cr2)];
    if (!(*pte & PTE_COW))
        return 0;
    refs = refs_of(pte_frame(*pte));
    kprintf("cow fault in the %s: err 0x%x cr2 0x%08x cpl %u: ", space_name(),
            tf->err, cr2, tf->cs & 3);
    if (*refs > 1) {
        copy = frame_alloc();
        for (unsigned i = 0; i < PAGE_SIZE / 4; i++)
            ((uint32_t *)copy)[i] = ((uint32_t *)pte_frame(*pte))[i];
        (*refs)--;
        *refs_of(copy) = 1;
        *pte = copy | PWU;
        kprintf("copied\n");
    } else {
        *pte = (*pte & ~PTE_COW) | PTE_W;
        kprintf("last user, made writable\n");
    }
    invlpg((void *)cr2);
    return 1;
}

static struct outcome user_seen;
static uint32_t user_va, user_value;

static void user_read(void) { user_seen = probe_read(user_va); }
static void user_write(void) { user_seen = probe_write(user_va, user_value); }

static void show_user_read(uint32_t va)
{
    user_va = va;
    run_user(user_read);
    kprintf("%s user read 0x%08x: ", space_name(), va);
    outcome_print(user_seen, 1);
    kprintf("\n");
}

static void show_user_write(uint32_t va, uint32_t value)
{
    user_va = va;
    user_value = value;
    run_user(user_write);
    kprintf("%s user write 0x%08x <- 0x%08x: ", space_name(), va, value);
    outcome_print(user_seen, 0);
    kprintf("\n");
}

static void show_kernel_write(uint32_t va, uint32_t value)
{
    kprintf("%s kernel write 0x%08x <- 0x%08x: ", space_name(), va, value);
    outcome_print(probe_write(va, value), 0);
    kprintf("\n");
}

/*
 * fork: the child's table is a copy of the parent's (rep movsl); every
 * writable entry becomes read-only and copy-on-write in both (lock andl /
 * lock orl on the parent's live table), and the parent reloads CR3.
 */
static pde_t *fork_space(pte_t *parent_table)
{
    pde_t *child = space_new();
    pte_t *table = (pte_t *)frame_alloc();
    pte_t *src = parent_table, *dst = table;
    unsigned marked = 0;

    asm volatile("cld; rep movsl"
                 : "+S"(src), "+D"(dst) : "c"(PAGE_SIZE / 4) : "memory");
    for (unsigned i = 0; i < ENTRIES_PER_TABLE; i++) {
        if (!(parent_table[i] & PTE_W))
            continue;
        asm volatile("lock andl %1, %0" : "+m"(parent_table[i])
                     : "ri"(~PTE_W) : "memory");
        asm volatile("lock orl %1, %0" : "+m"(parent_table[i])
                     : "ri"(PTE_COW) : "memory");
        table[i] = (table[i] & ~PTE_W) | PTE_COW;
        (*refs_of(pte_frame(table[i])))++;
        marked++;
    }
    child[PDX(VA_COW)] = (uint32_t)table | PWU;
    write_cr3(read_cr3());
    kprintf("fork: the table copied, %u entries copy-on-write in both\n",
            marked);
    return child;
}

/* Print an entry of each space: rights, A/D, COW, and whether they share. */
static void show_entries(pde_t *child, uint32_t va)
{
    pte_t p = *pte_of(main_space, va), c = *pte_of(child, va);

    kprintf("entries for 0x%08x: parent %s %s%s, child %s %s%s, %s frame\n",
            va, rights_str(p), ad_str(p), p & PTE_COW ? " cow" : "",
            rights_str(c), ad_str(c), c & PTE_COW ? " cow" : "",
            pte_frame(p) == pte_frame(c) ? "same" : "distinct");
}

void fork_copy_on_write(void)
{
    pte_t *table = table_of(main_space, VA_COW);
    uint32_t text = frame_alloc();
    pde_t *child;

    kprintf("-- fork with copy-on-write\n");
    for (unsigned i = 0; i < COW_PAGES - 1; i++) {
        table[i] = frame_alloc() | PWU;
        *refs_of(pte_frame(table[i])) = 1;
    }
    table[COW_PAGES - 1] = text | PTE_P | PTE_U;        /* shared read-only */
    *(volatile uint32_t *)text = 0x7e47;
    show_user_write(VA_COW + 0x10, 0xaaaa0001);
    show_user_write(VA_COW + 0x1010, 0xaaaa1001);
    child = fork_space(table);
    page_fault_hook = cow_fault;
    show_user_write(VA_COW + 0x10, 0xbbbb0002);
    show_user_read(VA_COW + 0x10);
    write_cr3((uint32_t)child);
    show_user_read(VA_COW + 0x10);
    show_user_write(VA_COW + 0x10, 0xcccc0003);
    show_user_read(VA_COW + 0x10);
    show_kernel_write(VA_COW + 0x1010, 0xcccc1003);
    show_user_read(VA_COW + 0x2000);
    write_cr3((uint32_t)main_space);
    show_user_read(VA_COW + 0x10);
    show_user_read(VA_COW + 0x1010);
    show_kernel_write(VA_COW + 0x1010, 0xbbbb1002);
    show_user_read(VA_COW + 0x1010);
    show_user_write(VA_COW + 0x2000, 0xbad);
    page_fault_hook = 0;
    for (unsigned i = 0; i < COW_PAGES; i++)
        show_entries(child, VA_COW + i * PAGE_SIZE);
    write_cr3((uint32_t)child);
    show_user_read(VA_COW + 0x1010);
    write_cr3((uint32_t)main_space);
    for (unsigned i = 0; i < COW_PAGES; i++)
        table[i] = 0;
    write_cr3((uint32_t)main_space);
}

/* ---- a directory that maps itself --------------------------------------- */

/* Where the window shows the table entry, or the directory entry, of VA. */
static volatile pte_t *window_pte(uint32_t va)
{
    return (volatile pte_t *)(WINDOW + (va >> PAGE_SHIFT) * 4);
}

static volatile pde_t *window_pde(uint32_t va)
{
    return (volatile pde_t *)(WINDOW_PD + PDX(va) * 4);
}

static void show_read(const char *what, uint32_t va)
{
    kprintf("%s: read ", what);
    outcome_print(probe_read(va), 1);
    kprintf("\n");
}

void self_map(void)
{
    pte_t *table = table_of(main_space, VA_SELF);
    uint32_t f1 = frame_alloc(), f2 = frame_alloc(), f3 = frame_alloc();
    uint32_t new_table = frame_alloc();

    kprintf("-- a directory that maps itself (entry %u)\n", SELF_SLOT);
    frame_sign(f1);
    frame_sign(f2);
    frame_sign(f3);
    table[PTX(VA_SELF)] = f1 | PWU;
    main_space[SELF_SLOT] = (uint32_t)main_space | PTE_P | PTE_W;
    show_read("mapped to f1", VA_SELF);
    kprintf("its entry through the window: %s, flags %s %s\n",
            *window_pte(VA_SELF) == table[PTX(VA_SELF)] ? "the same" : "differs",
            rights_str(*window_pte(VA_SELF)), ad_str(*window_pte(VA_SELF)));
    kprintf("its directory entry through the window: %s\n",
            *window_pde(VA_SELF) == main_space[PDX(VA_SELF)] ? "the same"
                                                              : "differs");
    kprintf("the self entry through the window: %s, flags %s %s\n",
            *window_pde(WINDOW) == main_space[SELF_SLOT] ? "the same" : "differs",
            rights_str(main_space[SELF_SLOT]), ad_str(main_space[SELF_SLOT]));

    *window_pte(VA_SELF) = f2 | PWU;
    invlpg((void *)VA_SELF);
    show_read("entry -> f2 written through the window, invlpg", VA_SELF);
    kprintf("A/D: the table's directory entry %s, the self entry %s\n",
            ad_str(main_space[PDX(VA_SELF)]), ad_str(main_space[SELF_SLOT]));

    *window_pde(VA_SELF_NEW) = new_table | PWU;
    invlpg((void *)window_pte(VA_SELF_NEW));
    *window_pte(VA_SELF_NEW) = f3 | PWU;
    show_read("a new table linked and filled through the window (f3)",
              VA_SELF_NEW);
    kprintf("the new table holds 0x%08x at its slot: %s\n",
            ((pte_t *)new_table)[PTX(VA_SELF_NEW)],
            ((pte_t *)new_table)[PTX(VA_SELF_NEW)] == (f3 | PWU | PTE_A)
                    ? "f3 PWU A" : "something else");
    kprintf("f1 0x%08x f2 0x%08x f3 0x%08x\n", frame_signature(f1),
            frame_signature(f2), frame_signature(f3));

    main_space[PDX(VA_SELF_BIG)] = BIG_FRAME | PTE_PS | PTE_P | PTE_W;
    invlpg((void *)VA_SELF_BIG);
    kprintf("the window page of a 4 MiB entry is its first 4 KiB: %s\n",
            probe_read((uint32_t)window_pte(VA_SELF_BIG) + 0x100).value ==
                    *(volatile uint32_t *)(BIG_FRAME + 0x100) ? "yes" : "no");
    main_space[PDX(VA_SELF_BIG)] = 0;
    invlpg((void *)VA_SELF_BIG);
    invlpg((void *)window_pte(VA_SELF_BIG));

    user_va = (uint32_t)window_pte(VA_SELF);
    run_user(user_read);
    kprintf("user read of the window: ");
    outcome_print(user_seen, 1);
    kprintf("\n");

    main_space[SELF_SLOT] = 0;
    write_cr3(read_cr3());
    show_read("self entry removed, cr3 reloaded, the window", (uint32_t)
              window_pte(VA_SELF));
    table[PTX(VA_SELF)] = 0;
    main_space[PDX(VA_SELF_NEW)] = 0;
    write_cr3(read_cr3());
}
