/*
 * paging_rights.c - who may read, write and fetch what.
 *
 * The problem: a 4 KiB page's rights are the AND of its directory entry's
 * and table entry's P, R/W and U/S bits; CPL 3 needs U/S at both levels and
 * R/W for a write; CPL 0 may write anything present unless CR0.WP is set;
 * 32-bit paging has no execute-disable, so a fetch is checked like a read.
 * A refusal is a #PF whose error code says present/not-present, write,
 * user, with CR2 the linear address.  A shadow MMU that rebuilds these
 * rights in real entries (where ring 1 plays CPL 0, and a page "read-only
 * for user, writable for the kernel" has no single real encoding) must
 * reproduce every combination.
 *
 * The approach: every combination of the two entries' three bits (64), at
 * CPL 0 and 3, with CR0.WP on and off: a read, a write and a fetch, each
 * through its own page (code and data never share a page), and then the
 * Accessed/Dirty bits the accesses left and whether the write landed.
 * Then the same for 4 MiB pages (CR4.PSE), a reserved bit in a 4 MiB entry,
 * the PAT bit, and a PS bit that CR4.PSE = 0 makes the CPU ignore.
 */
#include "paging_guest.h"

#define VA_DATA   0x40000000u       /* read and written at +DATA_OFF */
#define VA_CODE   0x40001000u       /* fetched at +CODE_OFF */
#define DATA_OFF  0x100u
#define CODE_OFF  0x800u
#define VA_BIG    0x80000000u       /* a 4 MiB page over BIG_FRAME */
#define BIG_READ  0x000100u         /* first 2 MiB half */
#define BIG_WRITE 0x200100u         /* second half */
#define BIG_FETCH 0x201800u
#define BEFORE    0x11111111u
#define WRITTEN   0x22222222u
#define RIGHTS_BITS (PTE_P | PTE_W | PTE_U)
#define PAT_4M    0x00001000u       /* bit 12 of a 4 MiB directory entry */

/* CR0.WP as the kernel normally runs (1), then clear. */
static const unsigned wp_order[2] = { 1, 0 };

/* The three accesses of one combination, at the current CPL. */
static struct {
    uint32_t read_va, write_va, fetch_va;
    struct outcome read, write, fetch;
} try;

static void try_accesses(void)
{
    try.read = probe_read(try.read_va);
    try.write = probe_write(try.write_va, WRITTEN);
    try.fetch = probe_fetch(try.fetch_va);
}

/* Run the three accesses at CPL 0 or 3. */
static void accesses_at(unsigned cpl)
{
    if (cpl == 3)
        run_user(try_accesses);
    else
        try_accesses();
}

static void print_accesses(void)
{
    kprintf(" read ");
    outcome_print(try.read, 1);
    kprintf(", write ");
    outcome_print(try.write, 0);
    kprintf(", fetch ");
    outcome_print(try.fetch, 0);
}

/* The 3 rights bits of entry combination number N (0..7) as flags. */
static uint32_t rights_of(unsigned n)
{
    return (n & 1 ? PTE_P : 0) | (n & 2 ? PTE_W : 0) | (n & 4 ? PTE_U : 0);
}

static void wp_clear_alternating(const char *what, uint32_t mem);

/* ---- 4 KiB pages -------------------------------------------------------- */

struct small_pages {
    pde_t *pde;
    pte_t *table;
    uint32_t data, code;            /* frames */
};

/* Write the entries of one combination (A and D clear), reset the data. */
static void small_set(const struct small_pages *s, uint32_t pde_bits,
                      uint32_t pte_bits)
{
    *s->pde = (uint32_t)s->table | pde_bits;
    s->table[PTX(VA_DATA)] = s->data | pte_bits;
    s->table[PTX(VA_CODE)] = s->code | pte_bits;
    *(volatile uint32_t *)(s->data + DATA_OFF) = BEFORE;
    invlpg((void *)VA_DATA);
    invlpg((void *)VA_CODE);
}

static void small_one(const struct small_pages *s, unsigned pde_n,
                      unsigned pte_n, unsigned wp, unsigned cpl)
{
    small_set(s, rights_of(pde_n), rights_of(pte_n));
    accesses_at(cpl);
    kprintf("4k pde %s pte %s wp%u cpl%u:", rights_str(rights_of(pde_n)),
            rights_str(rights_of(pte_n)), wp, cpl);
    print_accesses();
    kprintf("; mem 0x%08x; A/D pde %s data %s code %s\n",
            *(volatile uint32_t *)(s->data + DATA_OFF), ad_str(*s->pde),
            ad_str(s->table[PTX(VA_DATA)]), ad_str(s->table[PTX(VA_CODE)]));
}

void rights_4k(void)
{
    struct small_pages s;

    s.table = table_of(main_space, VA_DATA);
    s.pde = &main_space[PDX(VA_DATA)];
    s.data = frame_alloc();
    s.code = frame_alloc();
    plant_return(s.code + CODE_OFF);
    try.read_va = try.write_va = VA_DATA + DATA_OFF;
    try.fetch_va = VA_CODE + CODE_OFF;
    kprintf("-- rights of 4 KiB pages: directory entry x table entry\n");
    for (unsigned i = 0; i < 2; i++) {
        unsigned wp = wp_order[i];

        set_wp(wp);
        for (unsigned pde_n = 0; pde_n < 8; pde_n++)
            for (unsigned pte_n = 0; pte_n < 8; pte_n++)
                for (unsigned cpl = 0; cpl <= 3; cpl += 3)
                    small_one(&s, pde_n, pte_n, wp, cpl);
    }
    small_set(&s, PTE_P | PTE_W | PTE_U, PTE_P | PTE_U);
    wp_clear_alternating("4k page", s.data + DATA_OFF);
    *s.pde = (uint32_t)s.table | PDE_IDENTITY_FLAGS;
    s.table[PTX(VA_DATA)] = 0;
    s.table[PTX(VA_CODE)] = 0;
    invlpg((void *)VA_DATA);
    invlpg((void *)VA_CODE);
}

/* ---- 4 MiB pages -------------------------------------------------------- */

/* Map VA_BIG as one 4 MiB page with BITS; reset data and code. */
static void big_set(uint32_t bits)
{
    main_space[PDX(VA_BIG)] = BIG_FRAME | PTE_PS | bits;
    *(volatile uint32_t *)(BIG_FRAME + BIG_WRITE) = BEFORE;
    *(volatile uint32_t *)(BIG_FRAME + BIG_READ) = BEFORE;
    plant_return(BIG_FRAME + BIG_FETCH);
    invlpg((void *)VA_BIG);
}

static void big_one(uint32_t bits, unsigned wp, unsigned cpl)
{
    big_set(bits);
    accesses_at(cpl);
    kprintf("4m pde %s wp%u cpl%u:", rights_str(bits), wp, cpl);
    print_accesses();
    kprintf("; mem 0x%08x; A/D %s\n",
            *(volatile uint32_t *)(BIG_FRAME + BIG_WRITE),
            ad_str(main_space[PDX(VA_BIG)]));
}

/*
 * Bit 21 of a 4 MiB entry is reserved: every access is a #PF with RSVD.
 * The SDM sets P in such an error code (the entry was present); QEMU 7.2
 * leaves it clear.  P is masked here: only the rest is the reference.
 */
static void big_reserved_bit(void)
{
    big_set(PTE_P | PTE_W | PTE_U | PDE_LARGE_RSVD);
    for (unsigned cpl = 0; cpl <= 3; cpl += 3) {
        accesses_at(cpl);
        try.read.err &= ~PF_P;
        try.write.err &= ~PF_P;
        try.fetch.err &= ~PF_P;
        kprintf("4m pde PWU with bit 21 set, cpl%u (P masked):", cpl);
        print_accesses();
        kprintf("; A/D %s\n", ad_str(main_space[PDX(VA_BIG)]));
    }
}

/* Bit 12 of a 4 MiB entry is PAT, not an address bit. */
static void big_pat_bit(void)
{
    big_set(PTE_P | PTE_W | PAT_4M);
    accesses_at(0);
    kprintf("4m pde PW- with PAT (bit 12), cpl0:");
    print_accesses();
    kprintf("\n");
}

/*
 * Without CR4.PSE, PS in a directory entry is ignored: the entry points to
 * a page table - here the first frame of BIG_FRAME, whose entry for
 * VA_BIG + BIG_WRITE maps a signed frame.  The entry stays the same while
 * CR4.PSE is turned off and on; each change of PSE flushes the TLB.
 */
static void big_without_pse(void)
{
    pte_t *as_table = (pte_t *)BIG_FRAME;
    uint32_t frame = frame_alloc();
    uint32_t slot = PTX(VA_BIG + BIG_WRITE);
    struct outcome o;

    frame_sign(frame);
    as_table[slot] = frame | PTE_P | PTE_W;
    *(volatile uint32_t *)(BIG_FRAME + BIG_WRITE) = BEFORE;
    main_space[PDX(VA_BIG)] = BIG_FRAME | PTE_PS | PTE_P | PTE_W;
    invlpg((void *)VA_BIG);
    kprintf("4m pde PW-, CR4.PSE set: read ");
    outcome_print(probe_read(VA_BIG + BIG_WRITE), 1);
    kprintf("\n");
    cr4_set(CR4_PSE, 0);
    o = probe_read(VA_BIG + BIG_WRITE);
    kprintf("the same entry, CR4.PSE clear (PS ignored): read ");
    outcome_print(o, 1);
    kprintf(" (the frame's signature: %s); A/D pde %s entry %s\n",
            o.value == frame_signature(frame) ? "yes" : "no",
            ad_str(main_space[PDX(VA_BIG)]), ad_str(as_table[slot]));
    cr4_set(CR4_PSE, 1);
    kprintf("the same entry, CR4.PSE set again: read ");
    outcome_print(probe_read(VA_BIG + BIG_WRITE), 1);
    kprintf("\n");
    as_table[slot] = 0;
    main_space[PDX(VA_BIG)] = 0;
    invlpg((void *)VA_BIG);
}

/* A 4 MiB page is one TLB entry: invlpg anywhere in it drops all of it. */
static void big_invlpg(void)
{
    uint32_t other = BIG_FRAME + BIG_PAGE_SIZE;     /* FIXED_FRAMES' 4 MiB */

    frame_sign(other + PAGE_ROUND_DOWN(BIG_WRITE));
    big_set(PTE_P | PTE_W);
    kprintf("4m page: read in the second half ");
    outcome_print(probe_read(VA_BIG + BIG_WRITE), 1);
    main_space[PDX(VA_BIG)] = other | PTE_PS | PTE_P | PTE_W;
    invlpg((void *)(VA_BIG + BIG_READ));
    kprintf("; -> another 4 MiB frame, invlpg in the first half, read in the "
            "second ");
    outcome_print(probe_read(VA_BIG + BIG_WRITE), 1);
    kprintf("\n");
}

/*
 * CR0.WP clear: the kernel may write a user page that is read-only, user
 * code may still only read it.  Alternate the two on the page `try` points
 * at, mapped user read-only, with no change to its entries (a monitor may
 * flip its own entry at each turn).  MEM is the written word's address.
 */
static void wp_clear_alternating(const char *what, uint32_t mem)
{
    set_wp(0);
    for (unsigned round = 0; round < 2; round++) {
        kprintf("CR0.WP clear, user read-only %s, round %u: kernel write ",
                what, round);
        outcome_print(probe_write(try.write_va, WRITTEN + round), 0);
        accesses_at(3);
        kprintf(", then at cpl3:");
        print_accesses();
        kprintf("; mem 0x%08x\n", *(volatile uint32_t *)mem);
    }
    set_wp(1);
}

void rights_4m(void)
{
    kprintf("-- rights of 4 MiB pages (CR4.PSE)\n");
    cr4_set(CR4_PSE, 1);
    try.read_va = VA_BIG + BIG_READ;
    try.write_va = VA_BIG + BIG_WRITE;
    try.fetch_va = VA_BIG + BIG_FETCH;
    for (unsigned i = 0; i < 2; i++) {
        unsigned wp = wp_order[i];

        set_wp(wp);
        for (unsigned n = 0; n < 8; n++)
            for (unsigned cpl = 0; cpl <= 3; cpl += 3)
                big_one(rights_of(n), wp, cpl);
    }
    set_wp(1);
    big_reserved_bit();
    big_pat_bit();
    big_without_pse();
    big_invlpg();
    big_set(PTE_P | PTE_U);
    wp_clear_alternating("4m page", BIG_FRAME + BIG_WRITE);
    main_space[PDX(VA_BIG)] = 0;
    invlpg((void *)VA_BIG);
}
