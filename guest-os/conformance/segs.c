/*
 * segs.c - conformance guest: segment loads, the LDT, and descriptor edits.
 *
 * The guest believes its GDT and LDT are what the CPU reads.  Under the
 * monitor the CPU reads sanitized copies (the shadow GDT and LDT), so every
 * line below is a place where a stale or wrong copy would show:
 *
 *   - data and stack segment loads from the GDT: valid, null, DPL/RPL
 *     violations, not present, beyond the limit, system descriptors, user
 *     code loaded into DS by the kernel (hidden while the kernel runs), and
 *     what the loaded segment's base really is (read through FS);
 *   - lldt and its faults, and the same loads from the LDT, a far jump into
 *     an LDT code segment, an exception taken there, and user mode entered
 *     on LDT code and stack selectors;
 *   - descriptors rewritten in place and reloaded (no lgdt), a loaded
 *     segment keeping its cached descriptor, the kernel's own CS descriptor
 *     rewritten under it, a TSS descriptor rewritten then loaded by ltr,
 *     lgdt of a new table - with paging off, and again with paging on.
 *
 * Natively the output is the reference; under the monitor it must be
 * identical except for the lines tests/integration/segs*.diff list, one
 * file per descriptor policy (documented in docs/deprivileging.md).
 */
#include "conformance.h"
#include "x86.h"

#define SEL_LDT      0x30
#define SEL_WIN      0x38   /* a data window onto marker[] */
#define SEL_XONLY    0x40   /* execute-only code */
#define SEL_NP       0x48   /* data, not present */
#define SEL_LDT_NP   0x50   /* an LDT descriptor, not present */
#define SEL_WIN2     0x58   /* data, built without the accessed bit */
#define SEL_WIN3     0x60   /* data, no accessed bit, read back at once */
#define GDT_N        13

#define LSEL_DATA    0x04   /* LDT 0: kernel data onto marker[3] */
#define LSEL_UDATA   0x0f   /* LDT 1: user data, flat */
#define LSEL_KCODE   0x14   /* LDT 2: kernel code, flat */
#define LSEL_NP      0x1c   /* LDT 3: not present */
#define LSEL_UCODE   0x27   /* LDT 4: user code, flat */
#define LDT_N        5

/* Each table alone in its page, but the last: a GDT sharing its page with
 * data the kernel writes often (as xv6's does, in struct cpu). */
static struct segdesc gdt[512] __attribute__((aligned(4096)));
static struct segdesc gdt2[512] __attribute__((aligned(4096)));
static struct segdesc ldt[512] __attribute__((aligned(4096)));
static struct {
    struct segdesc gdt[GDT_N];
    volatile uint32_t counter;
} shared __attribute__((aligned(4096)));
static volatile uint32_t marker[4] = {
    0xaaaa0001, 0xbbbb0002, 0xcccc0003, 0xdddd0004,
};
static struct tss {
    uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt, iomap;
} tss[2] __attribute__((aligned(16)));
static uint8_t kernel_stack[2][4096] __attribute__((aligned(16)));
static uint8_t user_stack[4096] __attribute__((aligned(16)));
static uint32_t page_dir[1024] __attribute__((aligned(4096)));

static struct segdesc seg(uint32_t base, uint32_t limit, uint8_t access,
                          uint8_t flags)
{
    return (struct segdesc){ (uint16_t)limit, (uint16_t)base,
                             (uint8_t)(base >> 16), access,
                             (uint8_t)(flags << 4 | ((limit >> 16) & 0xf)),
                             (uint8_t)(base >> 24) };
}

static struct segdesc flat(uint8_t access)
{
    return seg(0, 0xfffff, access, 0xc);
}

static struct segdesc window(volatile uint32_t *at, uint8_t access)
{
    return seg((uint32_t)at, 0xfff, access, 0x4);
}

static void set_base(struct segdesc *d, uint32_t base)
{
    d->base_lo = (uint16_t)base;
    d->base_mid = (uint8_t)(base >> 16);
    d->base_hi = (uint8_t)(base >> 24);
}

static struct segdesc tss_desc(struct tss *t)
{
    return seg((uint32_t)t, sizeof(*t) - 1, 0x89, 0);
}

/* ---- probes ---------------------------------------------------------- */

/* Load SEL into FS as a probe; print the outcome and, if it loaded, the
 * first word read through FS (what the segment's base really is). */
static void load_fs(const char *what, uint16_t sel, int read)
{
    uint32_t word = 0;

    probe_arm(2);
    asm volatile("mov %k0, %%fs" : : "r"((uint32_t)sel) : "memory");
    if (!probe.faulted && read) {
        asm volatile("movl %%fs:0, %0" : "=r"(word));
        kprintf("%s: loaded, reads 0x%08x\n", what, word);
    } else {
        probe_report(what);
    }
}

/* Load SEL into DS (then back to kernel data) as a probe. */
static void load_ds(const char *what, uint16_t sel)
{
    probe_arm(2);
    asm volatile("mov %k0, %%ds" : : "r"((uint32_t)sel) : "memory");
    asm volatile("mov %k0, %%ds" : : "r"((uint32_t)SEL_KDATA) : "memory");
    probe_report(what);
}

/* pop SEL into ES (1 byte), as a probe. */
static void pop_es(const char *what, uint16_t sel)
{
    probe_arm(1);
    asm volatile("pushl %k0\n\tpopl %%es\n\t" : : "r"((uint32_t)sel) : "memory");
    probe_report(what);
    asm volatile("mov %k0, %%es" : : "r"((uint32_t)SEL_KDATA) : "memory");
}

/* Load SEL into SS as a probe; SS is restored right after. */
static void load_ss(const char *what, uint16_t sel)
{
    probe_arm(2);
    asm volatile("mov %k0, %%ss\n\t"
                 "mov %k1, %%ss"
                 : : "r"((uint32_t)sel), "r"((uint32_t)SEL_KDATA) : "memory");
    probe_report(what);
}

static void lldt_probe(const char *what, uint16_t sel)
{
    uint16_t now;

    probe_arm(3);
    asm volatile("lldt %w0" : : "r"(sel) : "memory");
    probe_report(what);
    asm volatile("sldt %0" : "=r"(now));
    kprintf("  sldt 0x%04x\n", now);
}

/* ---- the tables ------------------------------------------------------ */

static void tables_setup(void)
{
    gdt[1] = flat(0x9b);
    gdt[2] = flat(0x93);
    gdt[3] = flat(0xfb);
    gdt[4] = flat(0xf3);
    gdt[5] = tss_desc(&tss[0]);
    gdt[6] = seg((uint32_t)ldt, LDT_N * 8 - 1, 0x82, 0);
    gdt[7] = window(&marker[0], 0x93);
    gdt[8] = flat(0x99);                    /* execute-only */
    gdt[9] = flat(0x13);                    /* not present */
    gdt[10] = seg((uint32_t)ldt, LDT_N * 8 - 1, 0x02, 0);
    gdt[11] = window(&marker[1], 0x92);     /* no accessed bit */
    gdt[12] = window(&marker[2], 0x92);
    ldt[0] = window(&marker[3], 0x93);
    ldt[1] = flat(0xf3);
    ldt[2] = flat(0x9b);
    ldt[3] = flat(0x13);
    ldt[4] = flat(0xfb);
    for (int i = 0; i < 2; i++) {
        tss[i].ss0 = SEL_KDATA;
        tss[i].esp0 = (uint32_t)(kernel_stack[i] + sizeof(kernel_stack[i]));
        tss[i].iomap = sizeof(tss[i]);
    }
    lgdt(gdt, GDT_N);
    asm volatile("ljmp %0, $1f\n1:\n\t"
                 "mov %1, %%ds\n\tmov %1, %%es\n\tmov %1, %%ss\n\t"
                 "mov %1, %%fs\n\tmov %1, %%gs"
                 : : "i"(SEL_KCODE), "r"(SEL_KDATA) : "memory");
    asm volatile("ltr %w0" : : "r"((uint16_t)SEL_TSS));
}

/* ---- segment loads from the GDT -------------------------------------- */

static void gdt_loads(void)
{
    uint32_t access;

    load_ds("ds <- 0x10 kernel data", SEL_KDATA);
    load_ds("ds <- 0x13 kernel data, rpl 3", SEL_KDATA | 3);
    load_ds("ds <- 0 null", 0);
    load_ds("ds <- 0x23 user data", SEL_UDATA);
    load_ds("ds <- 0x08 readable kernel code", SEL_KCODE);
    load_ds("ds <- 0x40 execute-only code", SEL_XONLY);
    load_ds("ds <- 0x48 not present", SEL_NP);
    load_ds("ds <- 0x28 tss", SEL_TSS);
    load_ds("ds <- 0x30 ldt descriptor", SEL_LDT);
    load_ds("ds <- 0x200 beyond the gdt", 0x200);
    load_ds("ds <- 0x1b user code", SEL_UCODE);
    load_ds("ds <- 0x18 user code, rpl 0", SEL_UCODE & ~3);
    pop_es("pop es <- 0x1b user code", SEL_UCODE);
    load_fs("fs <- 0x1b user code", SEL_UCODE, 0);
    load_ss("ss <- 0 null", 0);
    load_ss("ss <- 0x23 user data at cpl 0", SEL_UDATA);
    load_ss("ss <- 0x08 code", SEL_KCODE);
    load_ss("ss <- 0x48 not present", SEL_NP);
    load_fs("fs <- 0x38 window", SEL_WIN, 1);
    load_fs("fs <- 0x58 window", SEL_WIN2, 1);
    access = gdt[11].access;
    kprintf("0x58 access byte after the load: 0x%02x\n", access);
    asm volatile("mov %k1, %%fs\n\t"
                 "movzbl %2, %0"
                 : "=r"(access) : "r"((uint32_t)SEL_WIN3), "m"(gdt[12].access));
    kprintf("0x60 access byte read right after the load: 0x%02x\n", access);
    asm volatile("lar %1, %0" : "=r"(access) : "r"((uint32_t)SEL_UCODE));
    kprintf("lar 0x1b from the kernel: 0x%08x\n", access);
    asm volatile("lar %1, %0" : "=r"(access) : "r"((uint32_t)SEL_KDATA));
    kprintf("lar 0x10 from the kernel: 0x%08x\n", access);
    asm volatile("mov %k0, %%fs" : : "r"((uint32_t)SEL_KDATA));
}

/* ---- the LDT ---------------------------------------------------------- */

static void int3_handler(struct trapframe *tf)
{
    kprintf("  int3 taken: cs 0x%04x\n", tf->cs);
}

static void ldt_tests(void)
{
    lldt_probe("lldt 0x34 (ti = 1)", SEL_LDT | 4);
    lldt_probe("lldt 0x10 data", SEL_KDATA);
    lldt_probe("lldt 0x50 not present", SEL_LDT_NP);
    lldt_probe("lldt 0x200 beyond the gdt", 0x200);
    load_fs("fs <- 0x04 with no ldt", LSEL_DATA, 1);
    lldt_probe("lldt 0x30", SEL_LDT);
    load_fs("fs <- 0x04 ldt window", LSEL_DATA, 1);
    load_fs("fs <- 0x07 ldt window, rpl 3", LSEL_DATA | 3, 1);
    load_ds("ds <- 0x0f ldt user data", LSEL_UDATA);
    load_ds("ds <- 0x1c ldt not present", LSEL_NP);
    load_ds("ds <- 0x2c beyond the ldt", 0x2c);
    load_ds("ds <- 0x27 ldt user code", LSEL_UCODE);
    load_ss("ss <- 0x04 ldt kernel data", LSEL_DATA);
    load_ss("ss <- 0x0f ldt user data at cpl 0", LSEL_UDATA);
    trap_register(T_BRKPT, int3_handler);
    asm volatile("ljmp %0, $1f\n1:\n\t"
                 "int3\n\t"
                 "ljmp %1, $2f\n2:"
                 : : "i"(LSEL_KCODE), "i"(SEL_KCODE) : "memory");
    kprintf("far jump into ldt code and back: done\n");
}

/* ---- descriptor edits ------------------------------------------------- */

/* Rewrite descriptors in place and reload them, without lgdt. */
static void descriptor_edits(const char *mode)
{
    kprintf("-- descriptor edits, %s --\n", mode);
    set_base(&gdt[7], (uint32_t)&marker[0]);
    load_fs("fs <- 0x38", SEL_WIN, 1);
    set_base(&gdt[7], (uint32_t)&marker[1]);
    load_fs("fs <- 0x38 after its base changed", SEL_WIN, 1);
    set_base(&gdt[7], (uint32_t)&marker[2]);
    {
        uint32_t word;

        asm volatile("movl %%fs:0, %0" : "=r"(word));
        kprintf("fs cached across a second change, reads 0x%08x\n", word);
    }
    /* (a trap's return reloads FS from the table: take FS off it first) */
    asm volatile("mov %k0, %%fs" : : "r"((uint32_t)SEL_KDATA));
    gdt[7].access &= (uint8_t)~0x80;
    load_fs("fs <- 0x38 made not present", SEL_WIN, 1);
    gdt[7].access |= 0x80;
    set_base(&gdt[7], (uint32_t)&marker[3]);
    load_fs("fs <- 0x38 present again", SEL_WIN, 1);
    set_base(&ldt[0], (uint32_t)&marker[2]);
    load_fs("fs <- 0x04 after its ldt base changed", LSEL_DATA, 1);
    set_base(&ldt[0], (uint32_t)&marker[3]);
    gdt[7].access = 0x91;                   /* read-only data now */
    load_ss("ss <- 0x38 made read-only", SEL_WIN);
    gdt[7].access = 0x93;

    /* the kernel's own code descriptor, rewritten under its CS */
    set_base(&gdt[1], 0x1000);
    asm volatile("cli; sti; cli" ::: "memory");
    set_base(&gdt[1], 0);
    kprintf("ran on with the kernel code descriptor rewritten: yes\n");

    /* a new table without lgdt's help for slot 7, then lgdt */
    for (int i = 0; i < GDT_N; i++)
        gdt2[i] = gdt[i];
    set_base(&gdt2[7], (uint32_t)&marker[2]);
    lgdt(gdt2, GDT_N);
    load_fs("fs <- 0x38 after lgdt of a copy", SEL_WIN, 1);
    set_base(&gdt2[7], (uint32_t)&marker[1]);
    load_fs("fs <- 0x38 after the copy changed", SEL_WIN, 1);
    lgdt(gdt, GDT_N);
    load_fs("fs <- 0x38 after lgdt back", SEL_WIN, 1);
    asm volatile("mov %k0, %%fs" : : "r"((uint32_t)SEL_KDATA));
}

/*
 * A GDT sharing its page with a counter written 100 times, then a
 * descriptor rewritten in place and reloaded: the monitor's hybrid
 * descriptor policy stops tracing such a table after 64 writes that change
 * no descriptor (the difference is listed in segs_hybrid.diff).
 */
static void shared_page(void)
{
    for (int i = 0; i < GDT_N; i++)
        shared.gdt[i] = gdt[i];
    lgdt(shared.gdt, GDT_N);
    for (int i = 0; i < 100; i++)
        shared.counter++;
    set_base(&shared.gdt[7], (uint32_t)&marker[2]);
    load_fs("fs <- 0x38 rewritten in a gdt sharing its page", SEL_WIN, 1);
    asm volatile("mov %k0, %%fs" : : "r"((uint32_t)SEL_KDATA));
    lgdt(gdt, GDT_N);
}

/* A TSS descriptor rewritten (another TSS), then ltr. */
static void tss_switch(void)
{
    uint16_t tr;

    gdt[5] = tss_desc(&tss[1]);
    probe_arm(3);
    asm volatile("ltr %w0" : : "r"((uint16_t)SEL_TSS));
    probe_report("ltr of the rewritten tss descriptor");
    asm volatile("str %0" : "=r"(tr));
    kprintf("str 0x%04x, descriptor type %u\n", tr, gdt[5].access & 0xf);
}

/* ---- user mode on LDT selectors ---------------------------------------- */

static uint32_t user_cs, user_ss, user_ds, on_second_stack;

void back_in_kernel(void);

static void syscall_handler(struct trapframe *tf)
{
    uint32_t here = (uint32_t)&tf;

    user_cs = tf->cs;
    user_ss = tf->ss;
    user_ds = tf->ds;
    on_second_stack = here >= (uint32_t)kernel_stack[1] &&
                      here < (uint32_t)kernel_stack[1] + sizeof(kernel_stack[1]);
    tf->cs = SEL_KCODE;                 /* iret to CPL 0: no stack pop */
    tf->eip = (uint32_t)back_in_kernel;
}

static void user_main(void)
{
    asm volatile("mov %k0, %%ds\n\tint $0x80"
                 : : "r"((uint32_t)LSEL_UDATA) : "memory");
    for (;;)
        ;
}

static void user_mode(void)
{
    trap_register(T_SYSCALL, syscall_handler);
    asm volatile("pushl %0\n\t"             /* SS */
                 "pushl %1\n\t"             /* ESP */
                 "pushfl\n\t"
                 "pushl %2\n\t"             /* CS */
                 "pushl %3\n\t"             /* EIP */
                 "iret"
                 : : "i"(LSEL_UDATA),
                     "r"((uint32_t)(user_stack + sizeof(user_stack))),
                     "i"(LSEL_UCODE), "r"(user_main)
                 : "memory");
    for (;;)
        ;
}

/* ---- paging ------------------------------------------------------------ */

/* Identity-map the first 64 MiB with 4 MiB pages and turn paging on. */
static void paging_on(void)
{
    uint32_t cr0, cr4;

    for (uint32_t i = 0; i < 16; i++)
        page_dir[i] = i << 22 | 0x87;       /* P, W, U, PS */
    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    asm volatile("mov %0, %%cr4" : : "r"(cr4 | 0x10));
    asm volatile("mov %0, %%cr3" : : "r"(page_dir));
    asm volatile("mov %%cr0, %0" : "=r"(cr0));
    asm volatile("mov %0, %%cr0" : : "r"(cr0 | 0x80000000u) : "memory");
}

void finish(void);
void finish(void)
{
    kprintf("user mode on ldt selectors: cs 0x%04x ss 0x%04x ds 0x%04x\n",
            user_cs, user_ss, user_ds);
    kprintf("system call on the second tss stack: %s\n",
            on_second_stack ? "yes" : "no");
    lldt_probe("lldt 0", 0);
    load_fs("fs <- 0x04 after lldt 0", LSEL_DATA, 1);
    kprintf("segs: done\n");
    poweroff(0);
}

void kmain(uint32_t magic, void *mbi)
{
    (void)magic;
    (void)mbi;
    conformance_start("segs");
    tables_setup();
    gdt_loads();
    ldt_tests();
    descriptor_edits("paging off");
    paging_on();
    descriptor_edits("paging on");
    shared_page();
    tss_switch();
    user_mode();            /* returns through back_in_kernel */
}

/* Where the system call from user mode lands, on the kernel stack. */
asm(".text\n"
    ".globl back_in_kernel\n"
    "back_in_kernel:\n\t"
    "mov $0x10, %ax\n\t"
    "mov %ax, %ds\n\t"
    "mov %ax, %es\n\t"
    "jmp finish\n");
