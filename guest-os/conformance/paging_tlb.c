/*
 * paging_tlb.c - when a changed entry takes effect, global pages, and the
 * Accessed and Dirty bits.
 *
 * The problem: the CPU caches translations, and a kernel must flush them
 * when it changes an entry - one page with invlpg, every non-global page by
 * loading CR3, everything by toggling CR4.PGE.  After such a flush the new
 * entry is guaranteed to be used; before it, the architecture allows either
 * the old or the new translation, so nothing here ever looks through an
 * entry that was changed and not flushed.  Global pages are kept across CR3
 * loads only where both address spaces map them identically, since a stale
 * global translation may or may not survive.  Accessed and Dirty are set by
 * the CPU in the guest's own entries; a shadow MMU must set them where the
 * CPU would and nowhere else: A on every entry used by a walk that reaches
 * it, the leaf's A and D only when the access is allowed.
 *
 * The approach: a few fixed linear addresses, signed frames (each word of
 * frame F holds 0x5a000000 | F >> 12, so a read tells which frame it hit),
 * and one printed line per step.
 */
#include "paging_guest.h"

#define VA_TLB    0x48000000u
#define VA_GLOBAL 0x4c000000u
#define VA_AD     0x50000000u
#define VA_AD_CODE 0x50002000u
#define VA_BIG2   0x84000000u       /* a global 4 MiB page */
#define BIG_ALT   0x00c00000u       /* the other 4 MiB frame it may map */
#define BIG_PROBE 0x003ff000u       /* offset of the signed frame in each */
#define PWU (PTE_P | PTE_W | PTE_U)
#define CR3_PWT_PCD 0x18u

static struct outcome user_seen;
static uint32_t user_va;

static void user_read(void) { user_seen = probe_read(user_va); }
static void user_write(void) { user_seen = probe_write(user_va, 0x600d); }

/* Read VA at CPL CPL. */
static struct outcome read_at(uint32_t va, unsigned cpl)
{
    if (cpl == 0)
        return probe_read(va);
    user_va = va;
    run_user(user_read);
    return user_seen;
}

/* Write VA at CPL CPL. */
static struct outcome write_at(uint32_t va, unsigned cpl)
{
    if (cpl == 0)
        return probe_write(va, 0x600d);
    user_va = va;
    run_user(user_write);
    return user_seen;
}

/* Print "STEP: read <outcome>" for a read of VA at CPL. */
static void show_read(const char *step, uint32_t va, unsigned cpl)
{
    kprintf("%s: cpl%u read ", step, cpl);
    outcome_print(read_at(va, cpl), 1);
    kprintf("\n");
}

static void show_write(const char *step, uint32_t va, unsigned cpl)
{
    kprintf("%s: cpl%u write ", step, cpl);
    outcome_print(write_at(va, cpl), 0);
    kprintf("\n");
}

static void reload_cr3(void)
{
    write_cr3(read_cr3());
}

static uint32_t signed_frame(void)
{
    uint32_t f = frame_alloc();

    frame_sign(f);
    return f;
}

/* ---- invlpg and CR3 loads ----------------------------------------------- */

void tlb_invlpg_and_cr3(void)
{
    uint32_t f1 = signed_frame(), f2 = signed_frame(), f3 = signed_frame();
    pte_t *pte = pte_of(main_space, VA_TLB);
    pde_t *pde = &main_space[PDX(VA_TLB)], old_pde = *pde;
    pte_t *other = (pte_t *)frame_alloc();
    pde_t *space_b = space_new();

    kprintf("-- invlpg and CR3 loads (frames f1 0x%08x f2 0x%08x f3 0x%08x)\n",
            frame_signature(f1), frame_signature(f2), frame_signature(f3));
    *pte = f1 | PWU;
    show_read("mapped to f1", VA_TLB, 0);
    *pte = f2 | PWU;
    invlpg((void *)VA_TLB);
    show_read("entry -> f2, invlpg", VA_TLB, 0);
    *pte = f3 | PWU;
    reload_cr3();
    show_read("entry -> f3, cr3 reloaded", VA_TLB, 0);
    show_read("entry -> f3, cr3 reloaded", VA_TLB + 0xffc, 3);
    other[PTX(VA_TLB)] = f1 | PWU;
    *pde = (uint32_t)other | PWU;
    reload_cr3();
    show_read("directory entry -> another table (f1), cr3 reloaded", VA_TLB, 0);
    *pde = old_pde;
    *pte = f2 | PWU;
    invlpg((void *)VA_TLB);
    show_read("directory entry back, entry -> f2, invlpg", VA_TLB, 0);

    /* A table the kernel keeps writing (a monitor may stop tracing it);
     * page aging clears the directory entry's A; entries changed after
     * that are in force after invlpg, whichever page is touched first. */
    for (unsigned i = 2; i <= 5; i++)
        pte[i] = f3 | PWU;
    pte[0] = pte[1] = f1 | PWU;
    invlpg((void *)VA_TLB);
    invlpg((void *)(VA_TLB + PAGE_SIZE));
    show_read("a busy table, two entries -> f1, invlpg", VA_TLB, 0);
    show_read("  the second", VA_TLB + PAGE_SIZE, 0);
    *pde &= ~PTE_A;
    invlpg((void *)VA_TLB);
    pte[1] = f2 | PWU;
    invlpg((void *)(VA_TLB + PAGE_SIZE));
    show_read("directory entry's A cleared, second entry -> f2, invlpg; the "
              "first", VA_TLB, 0);
    show_read("  the second", VA_TLB + PAGE_SIZE, 0);
    *pde &= ~PTE_A;
    invlpg((void *)VA_TLB);
    pte[1] = 0;
    invlpg((void *)(VA_TLB + PAGE_SIZE));
    show_read("directory entry's A cleared, second entry not present, invlpg; "
              "the first", VA_TLB, 0);
    show_read("  the second", VA_TLB + PAGE_SIZE, 0);
    for (unsigned i = 1; i <= 5; i++)
        pte[i] = 0;
    *pte = f2 | PWU;
    invlpg((void *)VA_TLB);

    *pte = f2 | PTE_W | PTE_U;
    invlpg((void *)VA_TLB);
    show_read("P cleared, invlpg", VA_TLB + 0x234, 0);
    show_write("P cleared, invlpg", VA_TLB + 0x234, 0);
    show_read("P cleared, invlpg", VA_TLB + 0xffc, 3);
    show_write("P cleared, invlpg", VA_TLB + 0xffc, 3);
    *pte = f2 | PTE_P | PTE_U;
    invlpg((void *)VA_TLB);
    show_read("W cleared, invlpg", VA_TLB + 0x10, 0);
    show_write("W cleared, invlpg", VA_TLB + 0x10, 0);
    show_write("W cleared, invlpg", VA_TLB + 0x10, 3);
    *pte = f2 | PWU;
    invlpg((void *)VA_TLB);
    show_write("W set again, invlpg", VA_TLB + 0x10, 0);
    show_write("W set again, invlpg", VA_TLB + 0x10, 3);
    *pte = f2 | PTE_P | PTE_W;
    invlpg((void *)VA_TLB);
    show_read("U cleared, invlpg", VA_TLB + 0x10, 3);
    show_read("U cleared, invlpg", VA_TLB + 0x10, 0);
    *pde = old_pde & ~PTE_P;
    invlpg((void *)VA_TLB);
    show_read("directory entry P cleared, invlpg", VA_TLB + 0x20, 0);
    *pde = old_pde;
    *pte = f2 | PWU;
    invlpg((void *)VA_TLB);

    write_cr3((uint32_t)space_b);
    show_read("address space b, nothing mapped there", VA_TLB, 0);
    *pte_of(space_b, VA_TLB) = f3 | PWU;
    show_read("address space b, mapped to f3", VA_TLB, 0);
    write_cr3((uint32_t)main_space);
    show_read("back in the first space", VA_TLB, 0);
    write_cr3((uint32_t)main_space | CR3_PWT_PCD);
    kprintf("cr3 loaded with PWT and PCD reads back low bits 0x%03x\n",
            read_cr3() & 0xfff);
    show_read("cr3 with PWT and PCD", VA_TLB, 0);
    write_cr3((uint32_t)main_space);
    *pte = 0;
    invlpg((void *)VA_TLB);
}

/*
 * One page table under two directories that grant different rights: user
 * read-write in a, user read-only in b.  An entry changed in the shared
 * table is in force in both after the flushes each needs.
 */
void tlb_shared_table(void)
{
    uint32_t f1 = signed_frame(), f2 = signed_frame();
    pde_t *a = main_space, *b = space_new();
    pte_t *pte = pte_of(a, VA_TLB);

    kprintf("-- one table, two directories (a: PWU, b: P-U; f1 0x%08x f2 "
            "0x%08x)\n", frame_signature(f1), frame_signature(f2));
    b[PDX(VA_TLB)] = (a[PDX(VA_TLB)] & PTE_FRAME_MASK) | PTE_P | PTE_U;
    *pte = f1 | PWU;
    invlpg((void *)VA_TLB);
    show_write("space a", VA_TLB + 0x40, 3);
    write_cr3((uint32_t)b);
    show_read("space b", VA_TLB + 0x40, 3);
    show_write("space b", VA_TLB + 0x40, 3);
    *pte = f2 | PWU;
    invlpg((void *)VA_TLB);
    show_read("entry -> f2 from b, invlpg", VA_TLB, 3);
    write_cr3((uint32_t)a);
    show_read("space a", VA_TLB, 3);
    show_write("space a", VA_TLB + 0x40, 3);
    kprintf("A/D: entry %s, directory entries a %s b %s\n", ad_str(*pte),
            ad_str(a[PDX(VA_TLB)]), ad_str(b[PDX(VA_TLB)]));
    *pte = 0;
    invlpg((void *)VA_TLB);
}

/* ---- global pages ------------------------------------------------------- */

/* Point VA_BIG2 at the 4 MiB frame BIG with BITS in both spaces; invlpg. */
static void big2_map(pde_t *a, pde_t *b, uint32_t big, uint32_t bits)
{
    a[PDX(VA_BIG2)] = big | PTE_PS | bits;
    b[PDX(VA_BIG2)] = big | PTE_PS | bits;
    invlpg((void *)VA_BIG2);
}

/*
 * Address spaces a and b share the page table of VA_GLOBAL, so a global
 * translation is the same in both and may be kept across the switch.
 */
void tlb_global_pages(void)
{
    uint32_t g1 = signed_frame(), g2 = signed_frame(), g3 = signed_frame();
    pde_t *a = main_space, *b = space_new();
    pte_t *shared = table_of(a, VA_GLOBAL), *pte = &shared[PTX(VA_GLOBAL)];

    kprintf("-- global pages (frames g1 0x%08x g2 0x%08x g3 0x%08x)\n",
            frame_signature(g1), frame_signature(g2), frame_signature(g3));
    b[PDX(VA_GLOBAL)] = a[PDX(VA_GLOBAL)];
    cr4_set(CR4_PGE, 1);
    kprintf("cr4 with PGE: 0x%08x\n", read_cr4());
    *pte = g1 | PWU | PTE_G;
    show_read("space a, global entry -> g1", VA_GLOBAL, 0);
    write_cr3((uint32_t)b);
    show_read("space b (same table)", VA_GLOBAL, 0);
    show_read("space b (same table)", VA_GLOBAL, 3);
    *pte = g2 | PWU | PTE_G;
    invlpg((void *)VA_GLOBAL);
    show_read("global entry -> g2, invlpg", VA_GLOBAL, 0);
    write_cr3((uint32_t)a);
    show_read("space a", VA_GLOBAL, 0);
    *pte = g3 | PWU | PTE_G;
    cr4_set(CR4_PGE, 0);
    cr4_set(CR4_PGE, 1);
    show_read("global entry -> g3, CR4.PGE toggled", VA_GLOBAL, 0);
    *pte = g1 | PWU;
    cr4_set(CR4_PGE, 0);
    cr4_set(CR4_PGE, 1);
    show_read("entry -> g1 not global, CR4.PGE toggled", VA_GLOBAL, 0);
    *pte = g2 | PWU;
    reload_cr3();
    show_read("non-global entry -> g2, cr3 reloaded", VA_GLOBAL, 0);
    cr4_set(CR4_PGE, 0);
    *pte = g3 | PWU | PTE_G;
    invlpg((void *)VA_GLOBAL);
    show_read("PGE clear, entry -> g3 with G, invlpg", VA_GLOBAL, 0);
    *pte = g1 | PWU | PTE_G;
    reload_cr3();
    show_read("PGE clear, G ignored: entry -> g1, cr3 reloaded", VA_GLOBAL, 0);
    cr4_set(CR4_PGE, 1);

    *pte = g2 | PWU | PTE_G;
    invlpg((void *)VA_GLOBAL);
    show_read("global entry -> g2, A and D clear", VA_GLOBAL, 0);
    kprintf("after a read in a: A/D %s\n", ad_str(*pte));
    write_cr3((uint32_t)b);
    show_write("space b", VA_GLOBAL, 3);
    kprintf("after a write in b: A/D %s, g2 holds 0x%08x\n", ad_str(*pte),
            *(volatile uint32_t *)g2);

    frame_sign(BIG_FRAME + BIG_PROBE);
    frame_sign(BIG_ALT + BIG_PROBE);
    big2_map(a, b, BIG_FRAME, PWU | PTE_G);
    show_read("global 4 MiB page", VA_BIG2 + BIG_PROBE, 0);
    write_cr3((uint32_t)a);
    show_read("space a", VA_BIG2 + BIG_PROBE, 3);
    big2_map(a, b, BIG_ALT, PWU | PTE_G);
    show_read("global 4 MiB page -> the other frame, invlpg", VA_BIG2 + BIG_PROBE, 0);
    big2_map(a, b, BIG_FRAME, PWU | PTE_G);
    write_cr3((uint32_t)b);
    show_read("back, invlpg, space b", VA_BIG2 + BIG_PROBE, 0);
    kprintf("A/D of the 4 MiB entry: a %s b %s\n", ad_str(a[PDX(VA_BIG2)]),
            ad_str(b[PDX(VA_BIG2)]));
    write_cr3((uint32_t)a);
    big2_map(a, b, 0, 0);
    *pte = 0;
    invlpg((void *)VA_GLOBAL);
    cr4_set(CR4_PGE, 0);
}

/* ---- Accessed and Dirty ------------------------------------------------- */

/* A data page at VA_AD and a code page at VA_AD_CODE, one table. */
struct ad_page {
    pde_t *pde;
    pte_t *pte, *code_pte;
    uint32_t frame, code;
};

/* Give the entries of P the flags PDE_BITS and PTE_BITS (both pages), A
 * and D clear; invlpg. */
static void ad_reset(struct ad_page *p, uint32_t pde_bits, uint32_t pte_bits)
{
    *p->pde = (*p->pde & PTE_FRAME_MASK) | pde_bits;
    *p->pte = p->frame | pte_bits;
    *p->code_pte = p->code | pte_bits;
    invlpg((void *)VA_AD);
    invlpg((void *)VA_AD_CODE);
}

static void ad_show(const struct ad_page *p, const char *after)
{
    kprintf("A/D after %s: pde %s pte %s code pte %s\n", after,
            ad_str(*p->pde), ad_str(*p->pte), ad_str(*p->code_pte));
}

void accessed_dirty(void)
{
    struct ad_page p;
    uint32_t *src, *dst;

    kprintf("-- Accessed and Dirty\n");
    p.pte = pte_of(main_space, VA_AD);
    p.code_pte = pte_of(main_space, VA_AD_CODE);
    p.pde = &main_space[PDX(VA_AD)];
    p.frame = signed_frame();
    p.code = frame_alloc();
    plant_return(p.code + 0x800);
    ad_reset(&p, PWU, PWU);
    ad_show(&p, "nothing");
    probe_read(VA_AD);
    ad_show(&p, "a read");
    probe_write(VA_AD + 4, 1);
    ad_show(&p, "a write");
    *p.pte &= ~PTE_D;
    invlpg((void *)VA_AD);
    probe_write(VA_AD + 4, 2);
    ad_show(&p, "D cleared, invlpg, a write");
    ad_reset(&p, PWU, PWU);
    probe_fetch(VA_AD_CODE + 0x800);
    ad_show(&p, "a fetch");
    ad_reset(&p, PWU, PWU);
    probe_write(VA_AD + 8, 3);
    ad_show(&p, "a first access that writes");
    ad_reset(&p, PWU, PWU);
    read_at(VA_AD, 3);
    ad_show(&p, "a user read");
    ad_reset(&p, PWU, PWU);
    write_at(VA_AD, 3);
    ad_show(&p, "a user write");
    ad_reset(&p, PWU, PTE_P | PTE_U);
    kprintf("write to a read-only page: ");
    outcome_print(probe_write(VA_AD, 4), 0);
    kprintf("\n");
    ad_show(&p, "a refused write");
    ad_reset(&p, PWU, PTE_P | PTE_W);
    kprintf("user read of a supervisor page: ");
    outcome_print(read_at(VA_AD, 3), 0);
    kprintf("\n");
    ad_show(&p, "a refused user read");
    ad_reset(&p, PTE_P | PTE_W, PWU);
    kprintf("user read under a supervisor directory entry: ");
    outcome_print(read_at(VA_AD, 3), 0);
    kprintf("\n");
    ad_show(&p, "a refusal by the directory entry");
    ad_reset(&p, PWU, PTE_W | PTE_U);
    probe_read(VA_AD);
    ad_show(&p, "a read of a page not present");
    ad_reset(&p, PTE_W | PTE_U, PWU);
    probe_read(VA_AD);
    ad_show(&p, "a read under a directory entry not present");
    set_wp(0);
    ad_reset(&p, PWU, PTE_P | PTE_U);
    kprintf("CR0.WP clear, write to a read-only page: ");
    outcome_print(probe_write(VA_AD + 12, 5), 0);
    kprintf("\n");
    ad_show(&p, "a supervisor write with CR0.WP clear");
    set_wp(1);

    ad_reset(&p, PWU, PWU);
    src = (uint32_t *)VA_AD;
    dst = (uint32_t *)(VA_AD + 0x1000);
    *pte_of(main_space, VA_AD + 0x1000) = frame_alloc() | PWU;
    invlpg(dst);
    asm volatile("cld; rep movsl"
                 : "+S"(src), "+D"(dst) : "c"(16) : "memory");
    kprintf("A/D after rep movsl from the page to the next: source %s "
            "destination %s\n", ad_str(*p.pte),
            ad_str(*pte_of(main_space, VA_AD + 0x1000)));
    kprintf("the copy: 0x%08x\n", *(volatile uint32_t *)(VA_AD + 0x1000 + 8));
    *p.pte = 0;
    *p.code_pte = 0;
    *pte_of(main_space, VA_AD + 0x1000) = 0;
    invlpg((void *)VA_AD);
    invlpg((void *)VA_AD_CODE);
    invlpg((void *)(VA_AD + 0x1000));
}
