/*
 * hostile.c - a guest that tries to escape, or to confuse, its monitor.
 *
 * The command line names one case:
 *
 *   descriptors  a GDT with a DPL-0 code segment, a 64-bit (L=1) code
 *                segment and data, and selectors that name the monitor's own
 *                real-GDT slots: loads and far jumps through each.  The
 *                outcome (faults and error codes, or success) is printed and
 *                must be identical natively and under the monitor.
 *   idt-garbage  IDTR points at garbage, then an exception: a triple fault.
 *   v86          iret with EFLAGS.VM set: virtual-8086 mode.
 *   real-mode    clears CR0.PE.
 *   call-gate    a far call through a call gate.
 *   ljmp-tss, task-gate, iret-nt   hardware task switches: a far jump to a
 *                TSS, int n through a task gate, iret with EFLAGS.NT.
 *   cli-hlt      disables interrupts and halts for ever.
 *   unbacked     reads guest-physical memory beyond RAM.
 *   gdt-unbacked lgdt of a table beyond RAM, then a load from it: a
 *                triple fault.
 *   rdpmc        rdpmc at CPL 0: #UD on QEMU 7.2, which has no counters
 *                (compared with native).
 *   string-io-a16  rep insb/outsb with 16-bit addressing (compared).
 *   step-iret    single-stepping over an emulated iret (compared).
 *
 * Those six have no common outcome to print: natively QEMU resets, runs the
 * mode, or hangs; the monitor must stop the guest cleanly, naming what it
 * did.  The next cases (found by review) try to make the monitor resume the
 * guest with a selector the real CPU refuses, or probe fault delivery; their
 * output must be identical natively and under the monitor:
 *
 *   boot iret-null-cs iret-monitor-cs stale-ss gdt-null-gate ud-np
 *   gate-rpl3 lss np-user sse step step-ss tsd dr7-garbage
 *
 * sysexit-bad and conforming (an iret from the kernel into conforming
 * code: not run by direct execution) must stop cleanly.  lar-user shows the
 * one difference lar makes visible (P = 0 for user code while the kernel
 * runs; listed in docs/deprivileging.md and checked by the segs guest).
 */
#include "cases.h"
#include "kernel.h"
#include "multiboot.h"
#include "x86.h"

static struct segdesc gdt[8];

static struct segdesc seg(uint8_t access, uint8_t flags)
{
    return (struct segdesc){ 0xffff, 0, 0, access, (uint8_t)(flags | 0xf), 0 };
}

/* Load DS with SEL (mov %ax,%ds is 2 bytes), report, restore. */
static void try_ds(const char *what, uint16_t sel)
{
    hostile_skip = 2;
    asm volatile("mov %0, %%ds" : : "r"(sel) : "memory");
    hostile_skip = 0;
    asm volatile("mov %0, %%ds" : : "r"((uint16_t)0x10));
    hostile_report(what);
}

/* ljmp *mem to SEL:label (6 bytes); the label returns through a jump back. */
static void try_ljmp(const char *what, uint16_t sel)
{
    static uint32_t target[2];
    uint32_t arrived = 0;

    target[1] = sel;
    asm volatile("movl $1f, %1\n\t"
                 "movl $6, hostile_skip\n\t"
                 "ljmp *%1\n\t"
                 "jmp 2f\n"
                 "1:\tmovl $1, %0\n\t"
                 "ljmp $0x08, $2f\n"
                 "2:\tmovl $0, hostile_skip"
                 : "+r"(arrived), "+m"(target[0]) : : "memory");
    (void)target;
    kprintf("%s: %s\n", what, arrived ? "arrived" : "refused");
    hostile_report(what);
}

static void descriptors(void)
{
    gdt[1] = seg(0x9b, 0xc0);           /* 0x08 code, DPL 0 */
    gdt[2] = seg(0x93, 0xc0);           /* 0x10 data, DPL 0 */
    gdt[3] = seg(0x9b, 0xe0);           /* 0x18 code, DPL 0, L=1, D=1 */
    gdt[4] = seg(0xf3, 0xc0);           /* 0x20 data, DPL 3 */
    gdt[5] = seg(0x93, 0xc0);
    gdt[5].access &= ~0x80;             /* 0x28 data, not present */
    lgdt(gdt, 8);
    asm volatile("ljmp $0x08, $1f\n1:\n\t"
                 "mov %0, %%ds\n\tmov %0, %%es\n\tmov %0, %%ss"
                 : : "r"(0x10) : "memory");
    try_ds("ds <- dpl-0 data 0x10", 0x10);
    try_ds("ds <- dpl-3 data 0x23", 0x23);
    try_ds("ds <- not-present 0x28", 0x28);
    try_ds("ds <- beyond the gdt 0x40", 0x40);
    try_ds("ds <- monitor data slot 0xffe8", 0xffe8);
    try_ds("ds <- monitor tss slot 0xfff0", 0xfff0);
    try_ljmp("ljmp to the L=1 segment 0x18", 0x18);
    try_ljmp("ljmp to the monitor code slot 0xffe0", 0xffe0);
    try_ljmp("ljmp to a data segment 0x10", 0x10);
}

static void idt_garbage(void)
{
    struct pseudodesc pd = { 0x7ff, 0x00dead00 };

    asm volatile("lidt %0" : : "m"(pd));
    asm volatile("ud2");
}

static void v86(void)
{
    asm volatile("pushl $0\n\tpushl $0\n\tpushl $0\n\tpushl $0\n\t"
                 "pushl $0x23\n\tpushl $0x1000\n\t"
                 "pushl $0x20002\n\t"      /* EFLAGS: VM */
                 "pushl $0\n\tpushl $0\n\t"
                 "iret");
}

/* The same with IF set: the guest would keep exiting in v86 mode. */
static void v86_with_interrupts(void)
{
    asm volatile("pushl $0\n\tpushl $0\n\tpushl $0\n\tpushl $0\n\t"
                 "pushl $0x23\n\tpushl $0x1000\n\t"
                 "pushl $0x20202\n\t"    /* EFLAGS: VM, IF */
                 "pushl $0\n\tpushl $0\n\t"
                 "iret");
}

static void real_mode(void)
{
    uint32_t cr0;

    asm volatile("mov %%cr0, %0" : "=r"(cr0));
    asm volatile("mov %0, %%cr0" : : "r"(cr0 & ~1u));
}

static void call_gate(void)
{
    uint32_t off = (uint32_t)poweroff;

    gdt[1] = seg(0x9b, 0xc0);
    gdt[2] = seg(0x93, 0xc0);
    gdt[3] = (struct segdesc){ (uint16_t)off, 0x08, 0, 0xec, 0,
                               (uint8_t)(off >> 24) };
    gdt[3].limit_hi_flags = (uint8_t)(off >> 16);
    lgdt(gdt, 8);
    asm volatile("lcall $0x18, $0");
}

/* A GDT with flat code and data and, at 0x18, an available 32-bit TSS. */
static void gdt_with_a_tss(void)
{
    static struct taskstate t;
    uint32_t b = (uint32_t)&t;

    gdt[1] = seg(0x9b, 0xc0);
    gdt[2] = seg(0x93, 0xc0);
    gdt[3] = (struct segdesc){ sizeof(t) - 1, (uint16_t)b, (uint8_t)(b >> 16),
                               0x89, 0, (uint8_t)(b >> 24) };
    lgdt(gdt, 8);
}

/* A far jump to a TSS descriptor: a hardware task switch. */
static void ljmp_tss(void)
{
    gdt_with_a_tss();
    asm volatile("ljmp $0x18, $0");
}

/* int n through a task gate in the IDT (naming that TSS). */
static void task_gate(void)
{
    static struct gatedesc idt[0x83];

    gdt_with_a_tss();
    idt[0x82] = (struct gatedesc){ 0, 0x18, 0, GATE_PRESENT | 0x5, 0 };
    lidt(idt, 0x83);
    asm volatile("int $0x82");
}

/* iret with EFLAGS.NT set: a return from a nested task. */
static void iret_nt(void)
{
    asm volatile("pushfl\n\torl $0x4000, (%%esp)\n\tpopfl\n\t"
                 "pushfl\n\tpushl %%cs\n\tpushl $1f\n\tiret\n1:"
                 ::: "memory");
}

static void load_flat_gdt(void);

/*
 * lgdt of a table outside RAM (unassigned guest-physical memory reads as
 * zeros): every selector names a null descriptor, so the #GP of the next
 * segment load cannot be delivered (its gate's CS is null too): natively
 * a triple fault, which QEMU turns into a reset.
 */
static void gdt_unbacked(void)
{
    struct pseudodesc far = { .limit = 0xff, .base = 0xf0000000 };

    gdt[1] = seg(0x9b, 0xc0);
    gdt[2] = seg(0x93, 0xc0);
    load_flat_gdt();
    asm volatile("lgdt %0" : : "m"(far) : "memory");
    try_ds("ds <- 0x10 from a gdt beyond ram", 0x10);
}

/* rdpmc at CPL 0 (counter 0), and with ECX naming no counter. */
static void rdpmc_kernel(void)
{
    uint32_t lo = 0, hi = 0;

    gdt_init();
    hostile_skip = 2;
    asm volatile("rdpmc" : "=a"(lo), "=d"(hi) : "c"(0));
    hostile_report("rdpmc 0");
    hostile_skip = 2;
    asm volatile("rdpmc" : "=a"(lo), "=d"(hi) : "c"(0x1234));
    hostile_report("rdpmc 0x1234");
}

/*
 * ins and outs with 16-bit addressing (a 67 prefix): DI, SI and CX, which
 * wrap at 64 KiB while the upper halves stay.  Port 0x80 reads 0xff.
 */
static void string_io_addr16(void)
{
    volatile uint8_t *buf = (volatile uint8_t *)0x7000;
    uint32_t edi = 0x12347000, esi = 0xabcdfffe, ecx = 0x55550003;

    for (int i = 0; i < 8; i++)
        buf[i] = (uint8_t)i;
    asm volatile("cld\n\taddr16 rep insb"
                 : "+D"(edi), "+c"(ecx) : "d"(0x80) : "memory");
    kprintf("addr16 rep insb: edi 0x%08x ecx 0x%08x, bytes %02x %02x %02x "
            "%02x\n", edi, ecx, buf[0], buf[1], buf[2], buf[3]);
    ecx = 0x55550002;
    asm volatile("cld\n\taddr16 rep outsb"
                 : "+S"(esi), "+c"(ecx) : "d"(0x80) : "memory");
    kprintf("addr16 rep outsb from si 0xfffe: esi 0x%08x ecx 0x%08x\n", esi,
            ecx);
}

static void unbacked(void)
{
    kprintf("read 0x%08x\n", *(volatile uint32_t *)0xf0000000);
}



/* Load GDT[0..7] and reload CS (0x08) and the data segments (0x10). */
static void load_flat_gdt(void)
{
    lgdt(gdt, 8);
    asm volatile("ljmp $0x08, $1f\n1:\n\t"
                 "mov %0, %%ds\n\tmov %0, %%es\n\tmov %0, %%ss"
                 : : "r"(0x10) : "memory");
}

/* The IDT gate of VECTOR, as the kernel's idt.c built it. */
static struct gatedesc *idt_gate(unsigned vector)
{
    struct pseudodesc pd;

    asm volatile("sidt %0" : "=m"(pd));
    return (struct gatedesc *)(pd.base + vector * sizeof(struct gatedesc));
}

/* What QEMU's multiboot loader leaves: GDTR, the CS selector, the GDT. */
static void boot_state(void)
{
    struct pseudodesc pd;
    uint16_t cs;

    asm volatile("sgdt %0" : "=m"(pd));
    asm volatile("mov %%cs, %0" : "=r"(cs));
    kprintf("gdtr %x/%x cs %x\n", pd.base, pd.limit, cs & ~3u);
    for (unsigned i = 0; pd.base && i <= pd.limit / 8u; i++) {
        uint32_t *e = (uint32_t *)(pd.base + 8 * i);

        kprintf(" %u: %08x %08x\n", i, e[1], e[0]);
    }
}

/* iret to a null CS (RPL 0): #GP(0), delivered through the boot GDT. */
static void iret_null_cs(void)
{
    asm volatile("pushfl\n\tpushl $0\n\tpushl $1f\n\tiret\n1:" ::: "memory");
}

/* iret to the selector of the monitor's own code slot: #GP. */
static void iret_monitor_cs(void)
{
    asm volatile("pushfl\n\tpushl $0xffe0\n\tpushl $1f\n\tiret\n1:"
                 ::: "memory");
}

/* sysexit with SYSENTER_CS pointing past the GDT. */
static void sysexit_bad(void)
{
    asm volatile("wrmsr" : : "c"(0x174), "a"(0xffd0), "d"(0));
    asm volatile("mov $0x1000, %%edx\n\tmov $0x1000, %%ecx\n\tsysexit"
                 ::: "edx", "ecx");
}

/* A descriptor written after lgdt, then loaded into SS: works natively. */
static void stale_ss(void)
{
    gdt[1] = seg(0x9b, 0xc0);
    gdt[2] = seg(0x93, 0xc0);
    load_flat_gdt();
    gdt[5] = seg(0x93, 0xc0);
    asm volatile("mov %0, %%ss" : : "r"(0x28) : "memory");
    kprintf("ss now 0x28\n");
    asm volatile("mov %0, %%ss" : : "r"(0x10) : "memory");
}

/* A code descriptor in GDT slot 0 and a gate naming selector 0: #GP(0). */
static void gdt_null_gate(void)
{
    gdt[0] = seg(0x9b, 0xc0);
    gdt[1] = seg(0x9b, 0xc0);
    gdt[2] = seg(0x93, 0xc0);
    load_flat_gdt();
    idt_gate(T_ILLOP)->selector = 0;
    hostile_skip = 2;
    asm volatile("ud2");
    hostile_report("ud2 via gate with null selector");
}

/* #UD through a not-present gate: #NP(vector*8+2), a benign first fault. */
static void ud_gate_not_present(void)
{
    gdt_init();
    idt_gate(T_ILLOP)->access &= (uint8_t)~GATE_PRESENT;
    hostile_skip = 2;
    asm volatile("ud2");
    hostile_report("ud2 with its gate not present");
}

/* A gate whose selector has RPL 3: the CPU ignores the gate's RPL. */
static void gate_rpl3(void)
{
    gdt_init();
    idt_gate(T_ILLOP)->selector = 0x0b;
    hostile_skip = 2;
    asm volatile("ud2");
    hostile_report("ud2 through a gate whose selector has RPL 3");
}

/* lss with an RPL-0 SS selector (faults at CPL 1, emulated). */
static void lss_rpl0(void)
{
    static struct { uint32_t esp; uint16_t ss; } __attribute__((packed)) far;
    uint32_t esp;

    gdt_init();
    asm volatile("mov %%esp, %0" : "=r"(esp));
    far.esp = esp;
    far.ss = 0x10;
    asm volatile("lss %0, %%esp" : : "m"(far) : "memory");
    kprintf("lss done\n");
    {   /* m16:16: SP only, the upper half of ESP stays */
        static struct { uint16_t sp, ss; } __attribute__((packed)) far16;

        asm volatile("mov %%esp, %0" : "=r"(esp));
        far16.sp = (uint16_t)esp;
        far16.ss = 0x10;
        asm volatile("lssw %0, %%sp" : : "m"(far16) : "memory");
        kprintf("lssw done\n");
    }
}

/* xorps while the guest's CR4.OSFXSR is clear: natively #UD. */
static void sse_without_osfxsr(void)
{
    hostile_skip = 3;
    asm volatile("xorps %%xmm0, %%xmm0" ::: "memory");
    hostile_report("xorps with CR4.OSFXSR=0");
}

/* CR4.TSD restricts rdtsc to CPL 0: the guest kernel may still read it. */
static void time_stamp_disable(void)
{
    uint32_t cr4, lo, hi;

    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    asm volatile("mov %0, %%cr4" : : "r"(cr4 | 0x4));    /* TSD */
    hostile_skip = 2;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    hostile_report("rdtsc with CR4.TSD at CPL 0");
    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    kprintf("cr4 reads 0x%x\n", cr4);
}

static volatile uint32_t steps, first_dr6;

static void count_debug_trap(struct trapframe *tf)
{
    (void)tf;
    if (steps++ == 0)
        asm volatile("mov %%dr6, %0" : "=r"(first_dr6));
}

/* Single-step over cli (emulated) and two nops: natively 6 traps. */
static void single_step(void)
{
    gdt_init();
    trap_register(1, count_debug_trap);
    asm volatile("pushfl\n\torl $0x100, (%%esp)\n\tpopfl\n\t"
                 "cli\n\tnop\n\tnop\n\t"
                 "pushfl\n\tandl $~0x100, (%%esp)\n\tpopfl" ::: "memory");
    kprintf("single-step traps %u, dr6 at first 0x%x\n", steps, first_dr6);
}

static volatile uint32_t step_eips[8], n_step_eips;
extern char step_ss_mov[];

static void record_debug_trap(struct trapframe *tf)
{
    if (n_step_eips < 8)
        step_eips[n_step_eips++] = tf->eip;
}

/*
 * Single-step over `mov ss` and `pop ss` (both emulated: an RPL-0 selector
 * faults at CPL 1): the trap after each waits for the next instruction.
 */
static void single_step_ss(void)
{
    gdt_init();
    trap_register(1, record_debug_trap);
    asm volatile("pushfl\n\torl $0x100, (%%esp)\n\tpopfl\n\t"
                 "step_ss_mov: mov %0, %%ss\n\tnop\n\tnop\n\t"
                 "pushl %0\n\tpopl %%ss\n\tnop\n\tnop\n\t"
                 "pushfl\n\tandl $~0x100, (%%esp)\n\tpopfl"
                 : : "r"(0x10) : "memory");
    for (uint32_t i = 0; i < n_step_eips; i++)
        kprintf("single-step trap %u at step_ss_mov+%u\n", i,
                step_eips[i] - (uint32_t)step_ss_mov);
}

/*
 * Single-step over an iret (to the kernel, through a frame with the RPL-0
 * selector, so that it is emulated) and over the instructions after it:
 * the trap after the iret comes at its target, as natively.
 */
extern char step_iret_start[];
static void single_step_iret(void)
{
    gdt_init();
    trap_register(1, record_debug_trap);
    asm volatile("pushfl\n\torl $0x100, (%%esp)\n\tpopfl\n\t"
                 "step_iret_start: pushfl\n\t"
                 "pushl $0x08\n\t"
                 "pushl $1f\n\t"
                 "iret\n"
                 "1:\tnop\n\t"
                 "pushfl\n\tandl $~0x100, (%%esp)\n\tpopfl"
                 ::: "memory");
    for (uint32_t i = 0; i < n_step_eips; i++)
        kprintf("single-step trap %u at step_iret_start+%u\n", i,
                step_eips[i] - (uint32_t)step_iret_start);
}


/* lar of a user code selector, and DS loaded with it, in the kernel. */
static void lar_user(void)
{
    uint32_t ar = 0, zf;

    gdt[1] = seg(0x9b, 0xc0);
    gdt[2] = seg(0x93, 0xc0);
    gdt[3] = seg(0xfb, 0xc0);
    load_flat_gdt();
    asm volatile("lar %2, %0\n\tsetz %b1\n\tmovzbl %b1, %1"
                 : "=r"(ar), "=q"(zf) : "r"(0x1b));
    kprintf("lar 0x1b: 0x%x zf %u\n", ar, zf);
    hostile_skip = 2;
    asm volatile("mov %0, %%ds" : : "r"(0x1b) : "memory");
    hostile_report("ds <- user code 0x1b");
    asm volatile("mov %0, %%ds" : : "r"(0x10) : "memory");
}

static struct taskstate tss;
static uint8_t kstack[4096] __attribute__((aligned(16)));
static uint8_t ustack[4096] __attribute__((aligned(16)));
void user_far_jump(void);
asm(".text\nuser_far_jump:\n\tljmp $0x1b, $1f\n1:\tud2\n");

/*
 * Enter user mode through an iret to selector 0x33: a DPL-0 conforming
 * code segment (CONFORMING), or a not-present DPL-3 one (!CONFORMING).
 */
static void iret_to_user(int conforming)
{
    uint32_t b = (uint32_t)&tss;

    gdt[1] = seg(0x9b, 0xc0);
    gdt[2] = seg(0x93, 0xc0);
    gdt[3] = seg(0xfb, 0xc0);
    gdt[4] = seg(0xf3, 0xc0);
    gdt[5] = (struct segdesc){ sizeof(tss) - 1, (uint16_t)b,
                               (uint8_t)(b >> 16), 0x89, 0,
                               (uint8_t)(b >> 24) };
    gdt[6] = conforming ? seg(0x9f, 0xc0) : seg(0x7b, 0xc0);
    load_flat_gdt();
    tss.ss0 = 0x10;
    tss.esp0 = (uint32_t)(kstack + sizeof(kstack));
    tss.iomap_base = sizeof(tss);
    asm volatile("ltr %w0" : : "r"(0x28));
    asm volatile("pushl $0x23\n\tpushl %0\n\tpushl $0x202\n\t"
                 "pushl $0x33\n\tpushl %1\n\tiret"
                 : : "r"((uint32_t)(ustack + sizeof(ustack))),
                     "r"((uint32_t)user_far_jump) : "memory");
}

/*
 * DR7 with every bit set - GD, the reserved bits, I/O breakpoints without
 * CR4.DE, LEN 10 (8 bytes) on unaligned addresses - and DR0-DR3 at the
 * edges of the linear space.  The monitor loads the guest's breakpoints
 * into the real registers, which run the monitor too: nothing here may
 * fault in ring 0, and what the guest reads back must be as natively.
 */
static void dr7_garbage(void)
{
    uint32_t dr7, dr6;

    asm volatile("mov %0, %%dr0" : : "r"(0xfffffff9u));
    asm volatile("mov %0, %%dr1" : : "r"(0x3u));
    asm volatile("mov %0, %%dr2" : : "r"(0x1u));
    asm volatile("mov %0, %%dr3" : : "r"(0xfffff00du));
    asm volatile("mov %0, %%dr7" : : "r"(0xffffffffu));
    asm volatile("mov %%dr7, %0" : "=r"(dr7));
    asm volatile("mov %%dr6, %0" : "=r"(dr6));
    kprintf("dr7 reads 0x%08x, dr6 0x%08x\n", dr7, dr6);
    asm volatile("mov %0, %%dr7" : : "r"(0u));
    asm volatile("mov %%dr7, %0" : "=r"(dr7));
    kprintf("dr7 cleared reads 0x%08x\n", dr7);
}

static void conforming(void) { iret_to_user(1); }
static void not_present_user_code(void) { iret_to_user(0); }
static void cli_hlt(void) { asm volatile("cli; hlt"); }

static const struct hostile_case cases[] = {
    { "descriptors", descriptors }, { "idt-garbage", idt_garbage },
    { "v86", v86 }, { "v86if", v86_with_interrupts },
    { "real-mode", real_mode }, { "call-gate", call_gate },
    { "cli-hlt", cli_hlt }, { "unbacked", unbacked },
    { "ljmp-tss", ljmp_tss }, { "task-gate", task_gate },
    { "gdt-unbacked", gdt_unbacked }, { "rdpmc", rdpmc_kernel },
    { "string-io-a16", string_io_addr16 }, { "step-iret", single_step_iret },
    { "iret-nt", iret_nt },
    { "boot", boot_state }, { "iret-null-cs", iret_null_cs },
    { "iret-monitor-cs", iret_monitor_cs }, { "sysexit-bad", sysexit_bad },
    { "stale-ss", stale_ss }, { "gdt-null-gate", gdt_null_gate },
    { "ud-np", ud_gate_not_present }, { "gate-rpl3", gate_rpl3 },
    { "lss", lss_rpl0 }, { "np-user", not_present_user_code },
    { "sse", sse_without_osfxsr }, { "step", single_step },
    { "step-ss", single_step_ss },
    { "tsd", time_stamp_disable },
    { "lar-user", lar_user }, { "conforming", conforming },
    { "dr7-garbage", dr7_garbage },
};

void kmain(uint32_t magic, struct multiboot_info *mbi)
{
    const char *c = hostile_case_name(mbi);

    (void)magic;
    hostile_start();
    kprintf("hostile: %s\n", c);
    hostile_run(c, cases, sizeof(cases) / sizeof(cases[0]));
    kprintf("hostile: survived\n");
    poweroff(0);
}
