/*
 * segs_hostile.c - a guest that attacks the monitor's shadow GDT and LDT.
 *
 * The monitor mirrors the guest's descriptor tables into real ones, hides
 * user and conforming code while the guest kernel runs, parks a loaded CS
 * or SS whose descriptor a re-sync changes, and watches the frames under the
 * tables (vmm/cpu/segments.c).  Each case below does something legal that
 * strains one of those mechanisms, and prints what the CPU did; natively and
 * under the monitor the output must be identical (or differ only as
 * tests/integration/segs_hostile_*.diff says, a difference listed in
 * docs/deprivileging.md).  The command line names the case:
 *
 *   ldt-cs-lldt       CS and SS on LDT selectors, then lldt of a smaller
 *                     LDT and of the null selector: the loaded segments
 *                     keep their cached descriptors
 *   hidden-many       an LDT with 300 user code segments: kernel loads of
 *                     them into FS, and user mode on the last one
 *   popw-hidden       popw %fs of a user code selector in the kernel, and
 *                     popw %ss: ESP moves by 2
 *   lfs-hidden        lds, les, lfs, lgs of a user code selector in the kernel
 *   gdt-top           a 64 KiB GDT: data loaded from its last eight slots
 *   gdt-remap         the GDT's page remapped to another frame (a new PTE
 *                     and invlpg, no CR3 load), then a segment load
 *   gdt-unmapped      a CR3 that leaves the GDT unmapped, then the first
 *                     one again: the table is whole
 *   ldt-demand        an LDT on an unmapped page: #PF at the first load
 *                     from it, mapped by the handler, the load retried
 *   ring1-jmp         DPL-1 code: far jump and call to it from ring 0
 *                     (#GP), and FS loaded with it
 *   ring1-iret        an iret into DPL-1 code: natively it runs in ring 1,
 *                     where mov from CR0 faults; the monitor, which cannot
 *                     tell ring 1 from its kernel's, must stop the guest
 */
#include "cases.h"
#include "kernel.h"
#include "multiboot.h"
#include "paging.h"
#include "x86.h"

#define GDT_N 8192
#define LDT_N 512

static struct segdesc gdt[GDT_N] __attribute__((aligned(4096)));
static struct segdesc ldt[LDT_N] __attribute__((aligned(4096)));
static struct segdesc ldt_small[1] __attribute__((aligned(8)));
static struct taskstate tss;
static uint8_t kstack[4096] __attribute__((aligned(16)));
static uint8_t ustack[4096] __attribute__((aligned(16)));

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE 0x1b
#define SEL_UDATA 0x23
#define SEL_TSS   0x28
#define SEL_LDT   0x30          /* the LDT, LDT_N entries */
#define SEL_LDT1  0x38          /* one entry: ldt_small */
#define LSEL_CODE 0x0c          /* LDT 1: kernel code */
#define LSEL_DATA 0x14          /* LDT 2: kernel data */
#define LDT_UCODE_FIRST 3       /* LDT 3 .. 302: user code */
#define LDT_UCODE_N 300

/* A 4 GiB flat 32-bit segment with access byte ACCESS (accessed preset). */
static struct segdesc flat(uint8_t access)
{
    return (struct segdesc){ 0xffff, 0, 0, (uint8_t)(access | 1), 0xcf, 0 };
}

/* A system descriptor (LDT, TSS) for BASE, LIMIT, of type TYPE. */
static struct segdesc system_seg(const void *base, uint32_t limit, uint8_t type)
{
    uint32_t b = (uint32_t)base;

    return (struct segdesc){ (uint16_t)limit, (uint16_t)b, (uint8_t)(b >> 16),
                             (uint8_t)(0x80 | type),
                             (uint8_t)(limit >> 16 & 0xf), (uint8_t)(b >> 24) };
}

/* The GDT every case starts from: flat kernel and user segments, the TSS,
 * two LDTs; loaded, with CS, SS and the data registers reloaded. */
static void setup_gdt(unsigned entries)
{
    gdt[1] = flat(0x9a);
    gdt[2] = flat(0x92);
    gdt[3] = flat(0xfa);
    gdt[4] = flat(0xf2);
    gdt[5] = system_seg(&tss, sizeof(tss) - 1, 0x9);
    gdt[6] = system_seg(ldt, sizeof(ldt) - 1, 0x2);
    gdt[7] = system_seg(ldt_small, sizeof(ldt_small) - 1, 0x2);
    ldt[0] = flat(0x92);
    ldt[1] = flat(0x9a);
    ldt[2] = flat(0x92);
    ldt_small[0] = flat(0x92);
    lgdt(gdt, entries);
    asm volatile("ljmp $0x08, $1f\n1:\n\t"
                 "mov %0, %%ds\n\tmov %0, %%es\n\tmov %0, %%fs\n\t"
                 "mov %0, %%gs\n\tmov %0, %%ss"
                 : : "r"(SEL_KDATA) : "memory");
    tss.ss0 = SEL_KDATA;
    tss.esp0 = (uint32_t)(kstack + sizeof(kstack));
    tss.iomap_base = sizeof(tss);
    ltr(SEL_TSS);
}

static void lldt(uint16_t sel)
{
    asm volatile("lldt %w0" : : "r"(sel) : "memory");
}

/*
 * A CPU caches the descriptor of each loaded segment: lldt of another LDT,
 * even of none, leaves CS and SS usable until they are loaded again.  (The
 * monitor parks them in spare GDT slots when a re-sync changes their real
 * descriptors; the LDT it parks from must be the one they were loaded from.)
 */
static void ldt_cs_lldt(void)
{
    setup_gdt(8);
    lldt(SEL_LDT);
    asm volatile("ljmp %0, $1f\n1:\n\tmov %1, %%ss"
                 : : "i"(LSEL_CODE), "r"(LSEL_DATA) : "memory");
    kprintf("on ldt cs and ss\n");
    lldt(SEL_LDT1);
    kprintf("on ldt cs and ss after lldt of a one-entry ldt\n");
    lldt(0);
    kprintf("on ldt cs and ss after lldt 0\n");
    asm volatile("mov %0, %%ss\n\tljmp %1, $1f\n1:"
                 : : "r"(SEL_KDATA), "i"(SEL_KCODE) : "memory");
    kprintf("back on gdt cs and ss\n");
}

static uint32_t fs_read(uint32_t off)
{
    uint32_t val;

    asm volatile("movl %%fs:(%1), %0" : "=r"(val) : "r"(off));
    return val;
}

static volatile uint32_t marker = 0x5eb5eb5e;

/* The user code of hidden-many: it arrives on an LDT user code segment. */
void user_ud(void);
asm(".text\nuser_ud:\n\tud2\n");

static void user_arrived(struct trapframe *tf)
{
    kprintf("user mode reached on cs 0x%x, ud2 at user_ud+%u\n", tf->cs,
            tf->eip - (uint32_t)user_ud);
    kprintf("hostile: survived\n");
    poweroff(0);
}

/*
 * Many user code segments: the monitor hides each one (not present) while
 * the kernel runs, so it must remember them all.  The kernel loads some into
 * FS (readable code may be read through a data segment register), then
 * enters user mode on the last one.
 */
static void hidden_many(void)
{
    uint16_t last = (uint16_t)((LDT_UCODE_FIRST + LDT_UCODE_N - 1) * 8 | 7);

    for (unsigned i = 0; i < LDT_UCODE_N; i++)
        ldt[LDT_UCODE_FIRST + i] = flat(0xfa);
    setup_gdt(8);
    lldt(SEL_LDT);
    kprintf("lldt with %u user code segments: done\n", LDT_UCODE_N);
    for (unsigned i = 0; i < LDT_UCODE_N; i += 99) {
        uint16_t sel = (uint16_t)((LDT_UCODE_FIRST + i) * 8 | 7);

        asm volatile("mov %0, %%fs" : : "r"(sel) : "memory");
        kprintf("fs <- 0x%x reads 0x%x\n", sel, fs_read((uint32_t)&marker));
    }
    asm volatile("mov %0, %%fs" : : "r"(SEL_KDATA) : "memory");
    trap_register(T_ILLOP, user_arrived);
    asm volatile("pushl %0\n\tpushl %1\n\tpushl $0x2\n\t"
                 "pushl %2\n\tpushl %3\n\tiret"
                 : : "i"(SEL_UDATA), "r"((uint32_t)(ustack + sizeof(ustack))),
                     "r"((uint32_t)last), "r"((uint32_t)user_ud) : "memory");
}

/* popw %fs: a 16-bit pop takes 2 bytes off the stack, whatever it loads. */
static void popw_hidden(void)
{
    static const uint16_t sels[] = { SEL_KDATA, SEL_UDATA, SEL_UCODE };

    setup_gdt(8);
    for (unsigned i = 0; i < 3; i++) {
        uint32_t before, after, fs;

        asm volatile("mov %%esp, %0\n\tpushw %w3\n\tpopw %%fs\n\t"
                     "mov %%esp, %1\n\tmov %0, %%esp\n\tmov %%fs, %2"
                     : "=&r"(before), "=&r"(after), "=&r"(fs)
                     : "r"((uint32_t)sels[i]) : "memory");
        kprintf("pushw; popw %%fs of 0x%x: esp moved by %d, fs 0x%x, "
                "reads 0x%x\n", sels[i], (int)(after - before), fs & 0xffff,
                fs_read((uint32_t)&marker));
    }
    asm volatile("mov %0, %%fs" : : "r"(SEL_KDATA) : "memory");
    {
        uint32_t before, after;

        asm volatile("mov %%esp, %0\n\tpushw %w2\n\tpopw %%ss\n\t"
                     "mov %%esp, %1\n\tmov %0, %%esp"
                     : "=&r"(before), "=&r"(after)
                     : "r"((uint32_t)SEL_KDATA) : "memory");
        kprintf("pushw; popw %%ss of 0x%x: esp moved by %d\n", SEL_KDATA,
                (int)(after - before));
    }
}

/*
 * lds, les, lfs, lgs with a far pointer to a user code selector: a data
 * segment register may hold readable code of any DPL >= CPL.  Each
 * instruction (0x0f 0xb2-0xb5 or 0xc4/0xc5, mod=00 rm=ebx) then loads the
 * offset into EAX.
 */
static void lfs_hidden(void)
{
    static struct { uint32_t off; uint16_t sel; } __attribute__((packed)) fp;
    uint32_t eax, seg;

    setup_gdt(8);
    fp.off = 0x1234;
    fp.sel = SEL_UCODE;
#define LOAD_FAR(insn, reg, len)                                               \
    do {                                                                        \
        eax = 0;                                                                \
        hostile_skip = len;                                                             \
        asm volatile(insn " (%2), %0\n\tmov %%" reg ", %1"                     \
                     : "+a"(eax), "=r"(seg) : "b"(&fp) : "memory");             \
        hostile_skip = 0;                                                               \
        kprintf(insn " of 0x%x: eax 0x%x, " reg " 0x%x\n", fp.sel, eax,         \
                seg & 0xffff);                                                  \
        hostile_report(insn);                                                           \
    } while (0)
    LOAD_FAR("lfs", "fs", 3);
    LOAD_FAR("lgs", "gs", 3);
    LOAD_FAR("les", "es", 2);
    asm volatile("mov %0, %%es\n\tmov %0, %%fs\n\tmov %0, %%gs"
                 : : "r"(SEL_KDATA) : "memory");
    /* lds last: kprintf needs DS, so restore it before printing */
    eax = 0;
    hostile_skip = 2;
    asm volatile("lds (%2), %0\n\tmov %%ds, %1\n\tmov %3, %%ds"
                 : "+a"(eax), "=r"(seg) : "b"(&fp), "r"(SEL_KDATA)
                 : "memory");
    hostile_skip = 0;
    kprintf("lds of 0x%x: eax 0x%x, ds 0x%x\n", fp.sel, eax, seg & 0xffff);
    hostile_report("lds");
#undef LOAD_FAR
}

/* Load DS with SEL (mov %ax,%ds is 2 bytes), report, restore. */
static void try_ds(uint16_t sel)
{
    hostile_skip = 2;
    asm volatile("mov %0, %%ds" : : "r"(sel) : "memory");
    hostile_skip = 0;
    asm volatile("mov %0, %%ds" : : "r"((uint16_t)SEL_KDATA));
    kprintf("ds <- 0x%04x", sel);
    hostile_report("");
}

/* A full GDT: its last eight slots hold data segments like any other. */
static void gdt_top(void)
{
    for (unsigned i = GDT_N - 8; i < GDT_N; i++)
        gdt[i] = flat(0x92);
    setup_gdt(GDT_N);
    for (unsigned i = GDT_N - 8; i < GDT_N; i++)
        try_ds((uint16_t)(i * 8));
}

/*
 * Between an lgdt that changes the descriptor under CS and the far jump
 * that reloads CS, the monitor keeps the old descriptor loadable in a
 * parking slot of the real GDT (segments.c): a load of its selector
 * (0xffd0) succeeds there, where natively it is beyond the GDT's limit.
 * A documented difference (docs/deprivileging.md).
 */
static void park_window(void)
{
    static struct segdesc other[8] __attribute__((aligned(8)));

    setup_gdt(8);
    for (unsigned i = 0; i < 8; i++)
        other[i] = gdt[i];
    other[1].limit_hi_flags = 0x4f;         /* CS: byte granular now */
    lgdt(other, 8);
    try_ds(0xffd0);
    lgdt(gdt, 8);
    asm volatile("ljmp $0x08, $1f\n1:" ::: "memory");
    try_ds(0xffd0);
}

/*
 * The GDT's page remapped: linear GDT_LIN maps frame gdt_a, then frame
 * gdt_b, by a new PTE and invlpg.  Segment loads read the table through
 * the page tables of the moment, so FS then comes from gdt_b.
 */
#define GDT_LIN 0x00800000u
static struct segdesc gdt_a[512] __attribute__((aligned(4096)));
static struct segdesc gdt_b[512] __attribute__((aligned(4096)));
static uint32_t pgdir[1024] __attribute__((aligned(4096)));
static uint32_t ptab[1024] __attribute__((aligned(4096)));
static volatile uint32_t marker_a = 0xaaaa0001, marker_b = 0xbbbb0002;

static struct segdesc data_at(const volatile void *base)
{
    struct segdesc d = flat(0x92);
    uint32_t b = (uint32_t)base;

    d.base_lo = (uint16_t)b;
    d.base_mid = (uint8_t)(b >> 16);
    d.base_hi = (uint8_t)(b >> 24);
    return d;
}

static uint32_t pgdir_nogdt[1024] __attribute__((aligned(4096)));

static void paging_on(void)
{
    for (unsigned i = 0; i < 2; i++)      /* 0-8 MiB: 4 MiB pages */
        pgdir[i] = pgdir_nogdt[i] = i * BIG_PAGE_SIZE | PTE_P | PTE_W | PTE_PS;
    pgdir[PDX(GDT_LIN)] = (uint32_t)ptab | PTE_P | PTE_W;
    write_cr4(read_cr4() | CR4_PSE);
    write_cr3((uint32_t)pgdir);
    write_cr0(read_cr0() | CR0_PG);
}

static void gdt_remap(void)
{
    struct pseudodesc pd = { 8 * 8 - 1, GDT_LIN };

    setup_gdt(8);
    for (unsigned i = 0; i < 8; i++)
        gdt_a[i] = gdt_b[i] = gdt[i];
    gdt_a[7] = data_at(&marker_a);
    gdt_b[7] = data_at(&marker_b);
    ptab[0] = (uint32_t)gdt_a | PTE_P | PTE_W;
    paging_on();
    asm volatile("lgdt %0" : : "m"(pd));
    asm volatile("mov %0, %%fs" : : "r"(0x38) : "memory");
    kprintf("fs <- 0x38 through frame a: 0x%x\n", fs_read(0));
    ptab[0] = (uint32_t)gdt_b | PTE_P | PTE_W;
    invlpg((void *)GDT_LIN);
    asm volatile("mov %0, %%fs" : : "r"(0x38) : "memory");
    kprintf("fs <- 0x38 after the remap: 0x%x\n", fs_read(0));
    asm volatile("mov %0, %%fs" : : "r"(SEL_KDATA) : "memory");
    setup_gdt(8);
    write_cr0(read_cr0() & ~CR0_PG);
}

/*
 * A CR3 whose page tables do not map the GDT: the kernel runs on (loaded
 * segments are cached; it must take no interrupt), and back on the first
 * CR3 the table is whole again.
 */
static void gdt_unmapped(void)
{
    struct pseudodesc pd = { 8 * 8 - 1, GDT_LIN };

    setup_gdt(8);
    for (unsigned i = 0; i < 8; i++)
        gdt_a[i] = gdt[i];
    gdt_a[7] = data_at(&marker_a);
    ptab[0] = (uint32_t)gdt_a | PTE_P | PTE_W;
    paging_on();
    asm volatile("lgdt %0" : : "m"(pd));
    write_cr3((uint32_t)pgdir_nogdt);
    kprintf("running with the gdt unmapped\n");
    write_cr3((uint32_t)pgdir);
    asm volatile("mov %0, %%fs" : : "r"(0x38) : "memory");
    kprintf("fs <- 0x38 with the gdt mapped again: 0x%x\n", fs_read(0));
    asm volatile("mov %0, %%fs" : : "r"(SEL_KDATA) : "memory");
    setup_gdt(8);
    write_cr0(read_cr0() & ~CR0_PG);
}

/*
 * An LDT on a page not mapped yet: lldt reads only the GDT; the first load
 * of an LDT selector raises #PF at the descriptor, whose handler maps the
 * page and returns to retry the load - demand paging of a descriptor table.
 */
static void map_ldt_page(struct trapframe *tf)
{
    kprintf("#PF err 0x%x at cr2 0x%x: mapping the ldt page\n", tf->err,
            read_cr2());
    ptab[0] = (uint32_t)gdt_a | PTE_P | PTE_W;
    invlpg((void *)GDT_LIN);
}

static void ldt_demand(void)
{
    setup_gdt(8);
    gdt_a[1] = data_at(&marker_b);          /* LDT selector 0x0c */
    gdt[6] = system_seg((void *)GDT_LIN, 2 * 8 - 1, 0x2);
    ptab[0] = 0;
    paging_on();
    lldt(SEL_LDT);
    trap_register(14, map_ldt_page);
    asm volatile("mov %0, %%fs" : : "r"(0x0c) : "memory");
    kprintf("fs <- 0x0c from the demand-mapped ldt: 0x%x\n", fs_read(0));
    asm volatile("mov %0, %%fs" : : "r"(SEL_KDATA) : "memory");
    write_cr0(read_cr0() & ~CR0_PG);
}

/*
 * Ring 1: the kernel enters DPL-1 code by an iret to RPL 1 (a return to an
 * outer ring: ESP and SS are popped too), where privileged instructions
 * fault; a far jump from ring 0 to DPL-1 code is refused (#GP).  The real
 * CPU cannot tell the guest's ring 1 from its ring 0 (the guest kernel runs
 * in ring 1): the monitor must not let it run as kernel code.
 */
static uint8_t r1stack[1024] __attribute__((aligned(16)));
static volatile uint32_t r1_esp;
void ring1_code(void);
asm(".text\nring1_code:\n\tmovl %esp, r1_esp\n\tmovl %cr0, %eax\n");

static void ring1_arrived(struct trapframe *tf)
{
    kprintf("ring 1: cs 0x%x, esp at entry top-%u, %s at ring1_code+%u\n",
            tf->cs, (uint32_t)(r1stack + sizeof(r1stack)) - r1_esp,
            trap_name(tf->trapno), tf->eip - (uint32_t)ring1_code);
    kprintf("hostile: survived\n");
    poweroff(0);
}

/* The GDT with DPL-1 code (0x41) and data (0x49). */
static void setup_ring1(void)
{
    setup_gdt(8);
    gdt[8] = flat(0xba);
    gdt[9] = flat(0xb2);
    lgdt(gdt, 10);
}

static void ring1_jmp(void)
{
    setup_ring1();
    hostile_skip = 7;                           /* ljmp $0x41, $0 */
    asm volatile("ljmp $0x41, $0" ::: "memory");
    hostile_report("ljmp from ring 0 to dpl-1 code");
    hostile_skip = 7;
    asm volatile("lcall $0x41, $0" ::: "memory");
    hostile_report("lcall from ring 0 to dpl-1 code");
    asm volatile("mov %0, %%fs" : : "r"(0x41) : "memory");
    kprintf("fs <- dpl-1 code 0x41 reads 0x%x\n", fs_read((uint32_t)&marker));
    asm volatile("mov %0, %%fs" : : "r"(SEL_KDATA) : "memory");
}

static void ring1_iret(void)
{
    setup_ring1();
    trap_register(13, ring1_arrived);
    asm volatile("pushl $0x49\n\tpushl %0\n\tpushl $0x2\n\t"
                 "pushl $0x41\n\tpushl %1\n\tiret"
                 : : "r"((uint32_t)(r1stack + sizeof(r1stack))),
                     "r"((uint32_t)ring1_code) : "memory");
}

static const struct hostile_case cases[] = {
    { "ldt-cs-lldt", ldt_cs_lldt }, { "hidden-many", hidden_many },
    { "popw-hidden", popw_hidden }, { "lfs-hidden", lfs_hidden },
    { "gdt-top", gdt_top }, { "gdt-remap", gdt_remap },
    { "gdt-unmapped", gdt_unmapped }, { "ldt-demand", ldt_demand },
    { "ring1-jmp", ring1_jmp }, { "ring1-iret", ring1_iret },
    { "park-window", park_window },
};

void kmain(uint32_t magic, struct multiboot_info *mbi)
{
    const char *c = hostile_case_name(mbi);

    (void)magic;
    hostile_start();
    kprintf("segs_hostile: %s\n", c);
    hostile_run(c, cases, sizeof(cases) / sizeof(cases[0]));
    kprintf("hostile: survived\n");
    poweroff(0);
}
