/*
 * cpu.c - conformance guest: what a kernel sees of its CPU's system state.
 *
 * The guest believes it runs at CPL 0.  Under the monitor it runs at CPL 1,
 * and every line below is a place where that could show: control
 * registers and their reserved bits, the descriptor-table registers, the
 * task register and the TSS busy bit, model-specific registers, and the
 * transitions between CPL 0 and CPL 3 (cpu_user.c).  Natively on QEMU the
 * output is the reference; under the monitor it must be identical.
 */
#include "conformance.h"
#include "x86.h"

static struct segdesc gdt[6];
static struct tss {
    uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt, iomap;
} tss __attribute__((aligned(16)));
static uint8_t kernel_stack[8192] __attribute__((aligned(16)));

static struct segdesc flat(uint8_t access)
{
    return (struct segdesc){ 0xffff, 0, 0, access, 0xcf, 0 };
}

/* A GDT with kernel and user segments and a 32-bit TSS; lgdt, reload, ltr. */
static void segments_setup(void)
{
    uint32_t base = (uint32_t)&tss;

    gdt[1] = flat(0x9b);        /* kernel code, accessed */
    gdt[2] = flat(0x93);        /* kernel data */
    gdt[3] = flat(0xfb);        /* user code */
    gdt[4] = flat(0xf3);        /* user data */
    gdt[5] = (struct segdesc){ sizeof(tss) - 1, (uint16_t)base,
                               (uint8_t)(base >> 16), 0x89, 0x00,
                               (uint8_t)(base >> 24) };
    tss.ss0 = SEL_KDATA;
    tss.esp0 = (uint32_t)(kernel_stack + sizeof(kernel_stack));
    tss.iomap = sizeof(tss);
    lgdt(gdt, 6);
    asm volatile("ljmp %0, $1f\n1:\n\t"
                 "mov %1, %%ds\n\tmov %1, %%es\n\tmov %1, %%ss\n\t"
                 "mov %1, %%fs\n\tmov %1, %%gs"
                 : : "i"(SEL_KCODE), "r"(SEL_KDATA) : "memory");
}

static uint32_t read_cr(int n)
{
    uint32_t v = 0;

    switch (n) {
    case 0: asm volatile("mov %%cr0, %0" : "=r"(v)); break;
    case 2: asm volatile("mov %%cr2, %0" : "=r"(v)); break;
    case 3: asm volatile("mov %%cr3, %0" : "=r"(v)); break;
    case 4: asm volatile("mov %%cr4, %0" : "=r"(v)); break;
    }
    return v;
}

/* mov VAL to CRn as a probe: "crN <- VAL: no fault" or the fault. */
static void write_cr(int n, uint32_t val)
{
    probe_arm(3);
    switch (n) {
    case 0: asm volatile("mov %0, %%cr0" : : "r"(val) : "memory"); break;
    case 2: asm volatile("mov %0, %%cr2" : : "r"(val) : "memory"); break;
    case 3: asm volatile("mov %0, %%cr3" : : "r"(val) : "memory"); break;
    case 4: asm volatile("mov %0, %%cr4" : : "r"(val) : "memory"); break;
    }
    /* mov crN, reg is 3 bytes (0f 22 /r). */
    kprintf("cr%d <- 0x%08x", n, val);
    probe_report("");
}

static void control_registers(void)
{
    uint32_t cr0 = read_cr(0), cr4 = read_cr(4);
    uint16_t msw;

    kprintf("boot cr0 0x%08x cr4 0x%08x cr2 0x%08x cr3 0x%08x\n", cr0, cr4,
            read_cr(2), read_cr(3));
    write_cr(0, cr0 | 0x00050000);              /* WP, AM */
    kprintf("cr0 now 0x%08x\n", read_cr(0));
    write_cr(0, cr0 | 0x00000008);              /* TS */
    kprintf("cr0 with TS 0x%08x\n", read_cr(0));
    asm volatile("clts");
    kprintf("cr0 after clts 0x%08x\n", read_cr(0));
    write_cr(0, (cr0 | 0x20000000) & ~0x40000000u);  /* NW without CD */
    write_cr(0, cr0);
    asm volatile("lmsw %w0" : : "r"((uint16_t)0x000a));  /* MP, TS; PE stays */
    kprintf("cr0 after lmsw 0x000a: 0x%08x\n", read_cr(0));
    asm volatile("lmsw %w0" : : "r"((uint16_t)0x0000));  /* cannot clear PE */
    kprintf("cr0 after lmsw 0: 0x%08x\n", read_cr(0));
    asm volatile("smsw %0" : "=m"(msw));
    kprintf("smsw m16 0x%04x\n", msw);
    write_cr(0, cr0);
    write_cr(2, 0x12345678);
    kprintf("cr2 now 0x%08x\n", read_cr(2));
    write_cr(3, 0x00123000);
    kprintf("cr3 now 0x%08x\n", read_cr(3));
    write_cr(4, cr4 | 0x00000090);              /* PSE, PGE */
    kprintf("cr4 now 0x%08x\n", read_cr(4));
    write_cr(4, cr4 | 0x00000020);              /* PAE (paging is off) */
    write_cr(4, cr4);
    kprintf("cr4 back 0x%08x\n", read_cr(4));
}

static void descriptor_registers(void)
{
    struct pseudodesc g, i;
    uint16_t tr, ldtr;

    asm volatile("sgdt %0; sidt %1" : "=m"(g), "=m"(i));
    kprintf("sgdt limit 0x%04x, base %s\n", g.limit,
            g.base == (uint32_t)gdt ? "our gdt" : "elsewhere");
    kprintf("sidt limit 0x%04x\n", i.limit);
    asm volatile("str %0; sldt %1" : "=r"(tr), "=r"(ldtr));
    kprintf("str 0x%04x sldt 0x%04x\n", tr, ldtr);
    kprintf("tss descriptor type %u before ltr\n", gdt[5].access & 0xf);
    probe_arm(3);
    asm volatile("ltr %w0" : : "r"((uint16_t)SEL_TSS));
    probe_report("ltr 0x28");
    kprintf("tss descriptor type %u after ltr\n", gdt[5].access & 0xf);
    asm volatile("str %0" : "=r"(tr));
    kprintf("str 0x%04x\n", tr);
    probe_arm(3);
    asm volatile("ltr %w0" : : "r"((uint16_t)SEL_TSS));
    probe_report("ltr of a busy tss");
    probe_arm(3);
    asm volatile("ltr %w0" : : "r"((uint16_t)SEL_KDATA));
    probe_report("ltr of a data segment");
    probe_arm(3);
    asm volatile("lldt %w0" : : "r"((uint16_t)0));
    probe_report("lldt 0");
}

/* rdmsr MSR as a probe; print the value or the fault. */
static void show_msr(const char *name, uint32_t msr)
{
    uint32_t lo = 0, hi = 0;

    probe_arm(2);
    asm volatile("rdmsr" : "+a"(lo), "+d"(hi) : "c"(msr));
    if (probe.faulted)
        probe_report(name);
    else
        kprintf("%s: 0x%08x%08x\n", name, hi, lo);
}

static void write_msr(const char *name, uint32_t msr, uint32_t lo, uint32_t hi)
{
    probe_arm(2);
    asm volatile("wrmsr" : : "a"(lo), "d"(hi), "c"(msr));
    probe_report(name);
}

static void model_specific_registers(void)
{
    show_msr("rdmsr apic_base", 0x1b);
    show_msr("rdmsr sysenter_cs", 0x174);
    write_msr("wrmsr sysenter_cs", 0x174, SEL_KCODE, 0);
    write_msr("wrmsr sysenter_esp", 0x175, 0x9000, 0);
    write_msr("wrmsr sysenter_eip", 0x176, 0x101000, 0);
    show_msr("rdmsr sysenter_cs", 0x174);
    show_msr("rdmsr sysenter_esp", 0x175);
    show_msr("rdmsr sysenter_eip", 0x176);
    show_msr("rdmsr pat", 0x277);
    write_msr("wrmsr pat", 0x277, 0x00070106, 0x00070406);
    show_msr("rdmsr pat", 0x277);
    show_msr("rdmsr misc_enable", 0x1a0);
    show_msr("rdmsr mtrrcap", 0xfe);
    show_msr("rdmsr mtrr_def_type", 0x2ff);
    show_msr("rdmsr unknown 0x12345", 0x12345);
    write_msr("wrmsr unknown 0x12345", 0x12345, 1, 0);
}

static void debug_registers(void)
{
    uint32_t dr0, dr6, dr7, dr4;

    asm volatile("mov %%dr6, %0; mov %%dr7, %1" : "=r"(dr6), "=r"(dr7));
    kprintf("boot dr6 0x%08x dr7 0x%08x\n", dr6, dr7);
    asm volatile("mov %0, %%dr0" : : "r"(0x00001000));
    asm volatile("mov %%dr0, %0" : "=r"(dr0));
    asm volatile("mov %%dr4, %0" : "=r"(dr4));
    kprintf("dr0 0x%08x, dr4 reads as dr6 0x%08x\n", dr0, dr4);
}

/* A far return to the same ring: natively plain, under the monitor a
 * frame with RPL 0 that the CPU refuses at CPL 1. */
static void far_return(void)
{
    uint32_t seen = 0;

    asm volatile("pushl %1\n\t"
                 "pushl $1f\n\t"
                 "lret\n"
                 "1:\tmovl $1, %0"
                 : "=r"(seen) : "i"(SEL_KCODE) : "memory");
    kprintf("lret to ring 0: %s\n", seen ? "arrived" : "lost");
}

static void cache_and_tlb(void)
{
    probe_arm(2);
    asm volatile("wbinvd");
    probe_report("wbinvd");
    probe_arm(3);
    asm volatile("invlpg (%0)" : : "r"(0x1000) : "memory");
    probe_report("invlpg");
}

void kmain(uint32_t magic, void *mbi)
{
    (void)magic;
    (void)mbi;
    conformance_start("cpu");
    control_registers();
    segments_setup();
    descriptor_registers();
    model_specific_registers();
    cache_and_tlb();
    debug_registers();
    far_return();
    user_tests();           /* does not return: see cpu_user.c */
}
