/*
 * paging_writes.c - page-table entries written by every kind of store, and
 * accesses and instructions that cross a page boundary.
 *
 * The problem: a shadow MMU that traces page tables write-protects them and
 * emulates each store the guest makes to them.  Kernels write entries with
 * far more than `mov`: `xchg` and `lock cmpxchg` (atomic updates), `lock
 * or`/`and` and `bts`/`btr` (flag changes), `add` (the next frame), `rep
 * movs`/`rep stos` (copying and clearing tables), `cmpxchg8b`, non-temporal
 * and SSE stores, pushes, stores through another alias of the table, and
 * stores that are misaligned or straddle two frames - two tables, or a
 * table and a page the store may not touch.  Each must have exactly its
 * architectural effect (including its flags and returned values, and no
 * partial write when it faults), and the new entry must be in force after
 * invlpg.  Separately, an instruction whose bytes cross a page boundary, or
 * an access that does, faults with CR2 on the page that refused.
 *
 * The approach: a table mapping signed frames f0..f7 (consecutive, so
 * adding 0x1000 to an entry selects the next), and frames at chosen
 * addresses for the split stores.  Each step writes, flushes, reads through
 * the mapping and prints which frame it reached.  The table is used before
 * each write so that a tracing monitor has it shadowed.
 */
#include "paging_guest.h"

#define VA_W      0x54000000u       /* slot i maps VA_W + i * 4 KiB */
#define VA_SPLIT  0x54800000u       /* two tables in consecutive frames: */
#define VA_SPLIT_A (VA_SPLIT + 0x3ff000u)   /* last entry of the first */
#define VA_SPLIT_B (VA_SPLIT + 0x400000u)   /* first entry of the second */
#define VA_WINDOW 0x58000000u       /* the two tables, mapped as data */
#define VA_ALIAS  0x5c000000u       /* a 4 MiB page over the frame pool */
#define VA_CROSS  0x60000000u       /* code pages c1, c2 */
#define VA_DCROSS 0x60002000u       /* data pages d1, d2 */
#define PWU (PTE_P | PTE_W | PTE_U)
#define PTE_P_BIT 0                 /* bit numbers, for bts and btr */
#define PTE_W_BIT 1
#define NFRAMES 8
#define CR4_OSFXSR 0x200u
#define CROSS_INSN_OFF 0xffdu       /* mov $imm32, %eax: 3 bytes + 2 bytes */

static uint32_t f[NFRAMES];
static pte_t *wt;                   /* the table of VA_W */

/* "f3" for a value read from frame f3, else the value in hex. */
static void print_frame_of(uint32_t value)
{
    for (unsigned i = 0; i < NFRAMES; i++)
        if (value == frame_signature(f[i])) {
            kprintf("f%u", i);
            return;
        }
    kprintf("0x%08x", value);
}

/* Flush VA, read it, print "STEP: reads fN" or the fault. */
static void check(const char *step, uint32_t va)
{
    struct outcome o;

    invlpg((void *)va);
    o = probe_read(va);
    kprintf("%s: ", step);
    if (o.faulted)
        outcome_print(o, 0);
    else {
        kprintf("reads ");
        print_frame_of(o.value);
    }
    kprintf("\n");
}

static uint32_t slot_va(unsigned slot)
{
    return VA_W + slot * PAGE_SIZE;
}

/* Map SLOT to frame fN with FLAGS (a plain store), invlpg, and use it. */
static void prime(unsigned slot, unsigned n, uint32_t flags)
{
    wt[slot] = f[n] | flags;
    invlpg((void *)slot_va(slot));
    probe_read(slot_va(slot));
}

/* ---- the instructions --------------------------------------------------- */

static void plain_stores(void)
{
    uint32_t old;

    prime(0, 0, PWU);
    check("before: slot 0", slot_va(0));
    asm volatile("movl %1, %0" : "=m"(wt[0]) : "r"(f[1] | PWU) : "memory");
    check("movl f1", slot_va(0));
    asm volatile("movw %1, %0" : "=m"(*(uint16_t *)&wt[0])
                 : "r"((uint16_t)((f[1] | PTE_P) & 0xffff)) : "memory");
    check("movw of the low half: P only", slot_va(0));
    kprintf("  kernel write: ");
    outcome_print(probe_write(slot_va(0), 1), 0);
    kprintf("\n");
    asm volatile("movb %1, %0" : "=m"(*(uint8_t *)&wt[0])
                 : "i"(PWU) : "memory");
    invlpg((void *)slot_va(0));
    kprintf("movb of the flags byte: PWU: kernel write ");
    outcome_print(probe_write(slot_va(0), 1), 0);
    kprintf(", entry %s %s\n", rights_str(wt[0]), ad_str(wt[0]));
    frame_sign(f[1]);
    old = f[2] | PWU;
    asm volatile("xchgl %0, %1" : "+r"(old), "+m"(wt[0]) : : "memory");
    check("xchgl f2", slot_va(0));
    kprintf("  old entry: ");
    print_frame_of(frame_signature(pte_frame(old)));
    kprintf(" %s %s\n", rights_str(old), ad_str(old));
}

static void atomic_updates(void)
{
    uint32_t expect;
    int zf, cf;

    expect = wt[0];
    asm volatile("lock cmpxchgl %3, %1"
                 : "+a"(expect), "+m"(wt[0]), "=@ccz"(zf)
                 : "r"(f[3] | PWU) : "memory");
    kprintf("lock cmpxchgl, expected value right: zf %u\n", zf);
    check("  then", slot_va(0));
    expect = f[0] | PWU;
    asm volatile("lock cmpxchgl %3, %1"
                 : "+a"(expect), "+m"(wt[0]), "=@ccz"(zf)
                 : "r"(f[4] | PWU) : "memory");
    kprintf("lock cmpxchgl, expected value wrong: zf %u, eax the entry: %s\n",
            zf, expect == wt[0] ? "yes" : "no");
    check("  then", slot_va(0));
    wt[0] = f[3] | PTE_P | PTE_U;
    asm volatile("lock orl %1, %0" : "+m"(wt[0]) : "i"(PTE_W) : "memory");
    invlpg((void *)slot_va(0));
    kprintf("lock orl W: kernel write ");
    outcome_print(probe_write(slot_va(0), 1), 0);
    kprintf("\n");
    asm volatile("lock andl %1, %0" : "+m"(wt[0]) : "i"(~PTE_W) : "memory");
    invlpg((void *)slot_va(0));
    kprintf("lock andl ~W: kernel write ");
    outcome_print(probe_write(slot_va(0), 1), 0);
    kprintf("\n");
    asm volatile("lock btsl %2, %0" : "+m"(wt[0]), "=@ccc"(cf)
                 : "Ir"(PTE_W_BIT) : "memory");
    invlpg((void *)slot_va(0));
    kprintf("lock btsl W: cf %u, kernel write ", cf);
    outcome_print(probe_write(slot_va(0), 1), 0);
    kprintf("\n");
    asm volatile("lock btrl %2, %0" : "+m"(wt[0]), "=@ccc"(cf)
                 : "Ir"(PTE_P_BIT) : "memory");
    kprintf("lock btrl P: cf %u\n", cf);
    check("  then", slot_va(0));
    asm volatile("btsl %2, %0" : "+m"(wt[0]), "=@ccc"(cf)
                 : "Ir"(PTE_P_BIT) : "memory");
    kprintf("btsl P: cf %u\n", cf);
    check("  then", slot_va(0));
    frame_sign(f[3]);
}

static void arithmetic(void)
{
    uint32_t old = PAGE_SIZE;

    asm volatile("addl %1, %0" : "+m"(wt[0]) : "i"(PAGE_SIZE) : "memory");
    check("addl 0x1000 (f3 + 1)", slot_va(0));
    asm volatile("lock xaddl %0, %1" : "+r"(old), "+m"(wt[0]) : : "memory");
    check("lock xaddl 0x1000", slot_va(0));
    kprintf("  old entry: ");
    print_frame_of(frame_signature(pte_frame(old)));
    kprintf("\n");
    asm volatile("subl %1, %0" : "+m"(wt[0]) : "i"(2 * PAGE_SIZE) : "memory");
    check("subl 0x2000", slot_va(0));
}

/* cmpxchg8b on slots 2 and 3 (8-byte aligned): both entries at once. */
static void eight_bytes(void)
{
    uint64_t expect;
    int zf;

    prime(2, 0, PWU);
    prime(3, 1, PWU);
    expect = (uint64_t)wt[3] << 32 | wt[2];
    asm volatile("lock cmpxchg8b %1"
                 : "+A"(expect), "+m"(*(uint64_t *)&wt[2]), "=@ccz"(zf)
                 : "b"(f[6] | PWU), "c"(f[7] | PWU) : "memory");
    kprintf("lock cmpxchg8b: zf %u\n", zf);
    check("  slot 2", slot_va(2));
    check("  slot 3", slot_va(3));
}

static void strings(void)
{
    const uint32_t *src;
    uint32_t template[4], *dst;

    for (unsigned i = 0; i < 4; i++) {
        template[i] = f[i] | PWU;
        prime(4 + i, 7, PWU);
    }
    src = template;
    dst = &wt[4];
    asm volatile("cld; rep movsl"
                 : "+S"(src), "+D"(dst) : "c"(4) : "memory");
    check("rep movsl f0..f3 into slots 4..7: slot 4", slot_va(4));
    check("  slot 7", slot_va(7));
    dst = &wt[5];
    asm volatile("cld; stosl" : "+D"(dst) : "a"(f[6] | PWU) : "memory");
    check("stosl f6 into slot 5", slot_va(5));
    src = template;
    dst = &wt[6];
    asm volatile("cld; movsl" : "+S"(src), "+D"(dst) : : "memory");
    check("movsl f0 into slot 6", slot_va(6));
}

static void unusual_stores(void)
{
    uint64_t pair = ((uint64_t)(f[7] | PWU) << 32) | (f[6] | PWU);
    uint32_t saved_esp;

    prime(0, 0, PWU);
    asm volatile("movnti %1, %0" : "=m"(wt[0]) : "r"(f[5] | PWU) : "memory");
    check("movnti f5", slot_va(0));

    prime(1, 0, PWU);
    cr4_set(CR4_OSFXSR, 1);
    asm volatile("movq %1, %%xmm0\n\tmovq %%xmm0, %0"
                 : "=m"(*(uint64_t *)&wt[0]) : "m"(pair) : "memory");  /* the compiler never uses xmm0 */
    cr4_set(CR4_OSFXSR, 0);
    check("movq from xmm0, f6 and f7: slot 0", slot_va(0));
    check("  slot 1", slot_va(1));

    asm volatile("movl %%esp, %0\n\t"
                 "movl %1, %%esp\n\t"
                 "pushl %2\n\t"
                 "movl %0, %%esp"
                 : "=&r"(saved_esp) : "r"(&wt[1]), "r"(f[2] | PWU) : "memory");
    check("pushl f2 with esp in the table", slot_va(0));

    main_space[PDX(VA_ALIAS)] = FRAME_POOL | PTE_PS | PTE_P | PTE_W;
    invlpg((void *)VA_ALIAS);
    *(volatile pte_t *)(VA_ALIAS + ((uint32_t)wt - FRAME_POOL)) = f[4] | PWU;
    check("movl f4 through a 4 MiB alias of the table", slot_va(0));
    main_space[PDX(VA_ALIAS)] = 0;
    invlpg((void *)VA_ALIAS);
}

/* Signed frames at fixed addresses: FIXED_FRAMES + 0x10000 * N + 0x4000 * M. */
static uint32_t fixed(unsigned n, unsigned m)
{
    return FIXED_FRAMES + 0x10000 * n + 0x4000 * m;
}

/* A 4-byte store at byte 2 of slot 8: the high half of slot 8 and the low
 * half of slot 9. */
static void misaligned(void)
{
    uint8_t *at = (uint8_t *)&wt[8] + 2;

    for (unsigned n = 1; n <= 3; n++)
        frame_sign(fixed(n, 0));
    frame_sign(fixed(3, 1));
    wt[8] = fixed(1, 0) | PWU;
    wt[9] = fixed(3, 0) | PWU;
    probe_read(slot_va(8));
    probe_read(slot_va(9));
    asm volatile("movl %1, %0" : "=m"(*(uint32_t *)at)
                 : "r"((fixed(3, 1) & 0xffff) << 16 | PWU << 16 |
                       fixed(2, 0) >> 16) : "memory");
    check("misaligned movl across slots 8 and 9: slot 8 (fixed 2 0x5a000c20)",
          slot_va(8));
    check("  slot 9 (fixed 3.1 0x5a000c34)", slot_va(9));
}

static void zeroed(void)
{
    pte_t *dst = wt;

    asm volatile("cld; rep stosl"
                 : "+D"(dst) : "a"(0), "c"(ENTRIES_PER_TABLE) : "memory");
    write_cr3(read_cr3());
    kprintf("rep stosl zeroed the table, cr3 reloaded\n");
    check("  slot 0", slot_va(0));
    check("  slot 5", slot_va(5));
    check("  slot 9", slot_va(9));
    prime(0, 3, PWU);
    check("  slot 0 mapped again to f3", slot_va(0));
}

/* ---- stores that straddle two tables ----------------------------------- */

/* Map the two tables (consecutive frames) at VA_WINDOW with FIRST and
 * SECOND as flags (0: not present); invlpg. */
static void window(pte_t *two, uint32_t first, uint32_t second)
{
    pte_t *w = pte_of(main_space, VA_WINDOW);

    w[0] = first ? (uint32_t)two | first : 0;
    w[1] = second ? ((uint32_t)two + PAGE_SIZE) | second : 0;
    invlpg((void *)VA_WINDOW);
    invlpg((void *)(VA_WINDOW + PAGE_SIZE));
}

static void split_store(const char *what, uint32_t value)
{
    kprintf("%s: ", what);
    outcome_print(probe_write(VA_WINDOW + PAGE_SIZE - 2, value), 0);
    kprintf("\n");
}

static void split_tables(void)
{
    pte_t *two = (pte_t *)frame_alloc();      /* and the frame after it */
    uint32_t second = frame_alloc();
    uint32_t a_entry, b_entry;

    if (second != (uint32_t)two + PAGE_SIZE) {
        kprintf("FAIL: tables not consecutive\n");
        poweroff(1);
    }
    for (unsigned n = 5; n <= 7; n++)
        frame_sign(fixed(n, 0));
    frame_sign(fixed(7, 1));
    main_space[PDX(VA_SPLIT_A)] = (uint32_t)two | PWU;
    main_space[PDX(VA_SPLIT_B)] = second | PWU;
    two[ENTRIES_PER_TABLE - 1] = fixed(5, 0) | PWU;
    two[ENTRIES_PER_TABLE] = fixed(7, 0) | PWU;
    probe_read(VA_SPLIT_A);
    probe_read(VA_SPLIT_B);
    kprintf("-- stores across two tables (last entry of one, first of the "
            "next)\n");
    check("before: the first (fixed 5 0x5a000c50)", VA_SPLIT_A);
    check("before: the second (fixed 7 0x5a000c70)", VA_SPLIT_B);
    a_entry = two[ENTRIES_PER_TABLE - 1];
    b_entry = two[ENTRIES_PER_TABLE];

    window(two, PTE_P | PTE_W, PTE_P);
    split_store("across, the second page read-only", 0x400700c6);
    window(two, PTE_P | PTE_W, 0);
    split_store("across, the second page not present", 0x400700c6);
    window(two, PTE_P, PTE_P | PTE_W);
    split_store("across, the first page read-only", 0x400700c6);
    kprintf("entries unchanged: %s\n",
            two[ENTRIES_PER_TABLE - 1] == a_entry &&
            two[ENTRIES_PER_TABLE] == b_entry ? "yes" : "no");
    check("  the first", VA_SPLIT_A);
    check("  the second", VA_SPLIT_B);

    window(two, PTE_P | PTE_W, PTE_P | PTE_W);
    split_store("across, both writable", 0x400700c6);
    check("  the first (fixed 6 0x5a000c60)", VA_SPLIT_A);
    check("  the second (fixed 7.1 0x5a000c74)", VA_SPLIT_B);
    *(volatile uint32_t *)((uint8_t *)two + PAGE_SIZE - 2) = 0x000700c5;
    check("the same through the identity map: the first", VA_SPLIT_A);
    check("  the second", VA_SPLIT_B);
    window(two, 0, 0);
    main_space[PDX(VA_SPLIT_A)] = 0;
    main_space[PDX(VA_SPLIT_B)] = 0;
    write_cr3(read_cr3());
}

void entry_writes(void)
{
    kprintf("-- page-table entries written by different instructions\n");
    wt = table_of(main_space, VA_W);
    for (unsigned i = 0; i < NFRAMES; i++) {
        f[i] = frame_alloc();
        frame_sign(f[i]);
    }
    plain_stores();
    atomic_updates();
    arithmetic();
    eight_bytes();
    strings();
    unusual_stores();
    misaligned();
    zeroed();
    split_tables();
}

/* ---- crossing a page boundary ------------------------------------------- */

/*
 * c1 ends with the first 3 bytes of `mov $0x12345678, %eax`; c2 starts
 * with its last 2 and `jmp *%ecx`.  d1 and d2 hold 0x5678 and 0x1234 at
 * their edge, so a 4-byte read across it sees 0x12345678.
 */
struct cross {
    pte_t *pte;                     /* the entries of c1, c2, d1, d2 */
    uint32_t c1, c2, d1, d2;
};

static void cross_map(struct cross *x, uint32_t code2, uint32_t data2)
{
    x->pte[0] = x->c1 | PWU;
    x->pte[1] = code2 ? x->c2 | code2 : 0;
    x->pte[2] = x->d1 | PWU;
    x->pte[3] = data2 ? x->d2 | data2 : 0;
    for (unsigned i = 0; i < 4; i++)
        invlpg((void *)(VA_CROSS + i * PAGE_SIZE));
}

static struct outcome user_seen;

static void user_cross_fetch(void)
{
    user_seen = probe_fetch(VA_CROSS + CROSS_INSN_OFF);
}

static void show_cross_fetch(const char *what, unsigned cpl)
{
    struct outcome o;

    if (cpl == 3) {
        run_user(user_cross_fetch);
        o = user_seen;
    } else
        o = probe_fetch(VA_CROSS + CROSS_INSN_OFF);
    kprintf("instruction across pages, %s, cpl%u: ", what, cpl);
    outcome_print(o, 1);
    if (o.faulted)
        kprintf(" eip 0x%08x", o.eip);
    kprintf("\n");
}

static void code_across(struct cross *x)
{
    static const uint8_t insn[] = { 0xb8, 0x78, 0x56, 0x34, 0x12, 0xff, 0xe1 };

    for (unsigned i = 0; i < sizeof(insn); i++)
        *(volatile uint8_t *)(i < 3 ? x->c1 + CROSS_INSN_OFF + i
                                    : x->c2 + i - 3) = insn[i];
    cross_map(x, PWU, PWU);
    show_cross_fetch("both pages present", 0);
    show_cross_fetch("both pages present", 3);
    kprintf("  A/D c1 %s c2 %s\n", ad_str(x->pte[0]), ad_str(x->pte[1]));
    cross_map(x, 0, PWU);
    show_cross_fetch("the second page not present", 0);
    show_cross_fetch("the second page not present", 3);
    cross_map(x, PTE_P | PTE_W, PWU);
    show_cross_fetch("the second page supervisor-only", 3);
    show_cross_fetch("the second page supervisor-only", 0);
    cross_map(x, PWU, PWU);
    x->pte[0] = 0;
    invlpg((void *)VA_CROSS);
    show_cross_fetch("the first page not present", 0);
    cross_map(x, PWU, PWU);
    show_cross_fetch("both present again", 3);
}

static void data_across(struct cross *x)
{
    uint32_t at = VA_DCROSS + PAGE_SIZE - 2;

    *(volatile uint16_t *)(x->d1 + PAGE_SIZE - 2) = 0x5678;
    *(volatile uint16_t *)x->d2 = 0x1234;
    cross_map(x, PWU, PWU);
    kprintf("read across pages: ");
    outcome_print(probe_read(at), 1);
    kprintf("; A/D d1 %s d2 %s\n", ad_str(x->pte[2]), ad_str(x->pte[3]));
    cross_map(x, PWU, 0);
    kprintf("read across pages, the second not present: ");
    outcome_print(probe_read(at), 1);
    kprintf("\n");
    cross_map(x, PWU, PTE_P | PTE_U);
    kprintf("write across pages, the second read-only: ");
    outcome_print(probe_write(at, 0xabcdef01), 0);
    kprintf("; d1 edge 0x%04x d2 0x%04x; A/D d1 %s d2 %s\n",
            *(volatile uint16_t *)(x->d1 + PAGE_SIZE - 2),
            *(volatile uint16_t *)x->d2, ad_str(x->pte[2]),
            ad_str(x->pte[3]));
    cross_map(x, PWU, PWU);
    kprintf("write across pages: ");
    outcome_print(probe_write(at, 0xabcdef01), 0);
    kprintf("; d1 edge 0x%04x d2 0x%04x; A/D d1 %s d2 %s\n",
            *(volatile uint16_t *)(x->d1 + PAGE_SIZE - 2),
            *(volatile uint16_t *)x->d2, ad_str(x->pte[2]),
            ad_str(x->pte[3]));
}

void page_crossing(void)
{
    struct cross x;

    kprintf("-- crossing a page boundary\n");
    x.pte = pte_of(main_space, VA_CROSS);
    x.c1 = frame_alloc();
    x.c2 = frame_alloc();
    x.d1 = frame_alloc();
    x.d2 = frame_alloc();
    code_across(&x);
    data_across(&x);
    for (unsigned i = 0; i < 4; i++)
        x.pte[i] = 0;
    write_cr3(read_cr3());
}
