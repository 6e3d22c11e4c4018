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
 *   cli-hlt      disables interrupts and halts for ever.
 *   unbacked     reads guest-physical memory beyond RAM.
 *
 * The last six have no common outcome to print: natively QEMU resets, runs
 * the mode, or hangs; the monitor must stop the guest cleanly, naming what
 * it did.
 */
#include "kernel.h"
#include "multiboot.h"
#include "x86.h"

static struct segdesc gdt[8];
static volatile uint32_t fault_vector, fault_err, faulted;
static volatile uint32_t skip;

static void handler(struct trapframe *tf)
{
    faulted = 1;
    fault_vector = tf->trapno;
    fault_err = tf->err;
    if (!skip) {
        kprintf("unexpected %s\n", trap_name(tf->trapno));
        poweroff(1);
    }
    tf->eip += skip;
    skip = 0;
}

static void report(const char *what)
{
    if (faulted)
        kprintf("%s: %s err 0x%x\n", what, trap_name(fault_vector), fault_err);
    else
        kprintf("%s: no fault\n", what);
    faulted = 0;
}

static struct segdesc seg(uint8_t access, uint8_t flags)
{
    return (struct segdesc){ 0xffff, 0, 0, access, (uint8_t)(flags | 0xf), 0 };
}

/* Load DS with SEL (mov %ax,%ds is 2 bytes), report, restore. */
static void try_ds(const char *what, uint16_t sel)
{
    skip = 2;
    asm volatile("mov %0, %%ds" : : "r"(sel) : "memory");
    skip = 0;
    asm volatile("mov %0, %%ds" : : "r"((uint16_t)0x10));
    report(what);
}

/* ljmp *mem to SEL:label (6 bytes); the label returns through a jump back. */
static void try_ljmp(const char *what, uint16_t sel)
{
    static uint32_t target[2];
    uint32_t arrived = 0;

    target[1] = sel;
    asm volatile("movl $1f, %1\n\t"
                 "movl $6, skip\n\t"
                 "ljmp *%1\n\t"
                 "jmp 2f\n"
                 "1:\tmovl $1, %0\n\t"
                 "ljmp $0x08, $2f\n"
                 "2:\tmovl $0, skip"
                 : "+r"(arrived), "+m"(target[0]) : : "memory");
    (void)target;
    kprintf("%s: %s\n", what, arrived ? "arrived" : "refused");
    report(what);
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

static void unbacked(void)
{
    kprintf("read 0x%08x\n", *(volatile uint32_t *)0xf0000000);
}

/* The case: the first word after the kernel path on the command line. */
static const char *choose(const struct multiboot_info *mbi)
{
    const char *s = (const char *)mbi->cmdline;

    while (*s && *s != ' ')
        s++;
    while (*s == ' ')
        s++;
    return s;
}

static int is(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *b == 0 && (*a == 0 || *a == ' ');
}

void kmain(uint32_t magic, struct multiboot_info *mbi)
{
    const char *c = choose(mbi);

    (void)magic;
    uart_init();
    pic_mask_all();
    idt_init();
    for (uint32_t v = 0; v < 32; v++)
        trap_register(v, handler);
    kprintf("hostile: %s\n", c);
    if (is(c, "descriptors"))
        descriptors();
    else if (is(c, "idt-garbage"))
        idt_garbage();
    else if (is(c, "v86"))
        v86();
    else if (is(c, "real-mode"))
        real_mode();
    else if (is(c, "call-gate"))
        call_gate();
    else if (is(c, "cli-hlt"))
        asm volatile("cli; hlt");
    else if (is(c, "unbacked"))
        unbacked();
    else
        kprintf("unknown case\n");
    kprintf("hostile: survived\n");
    poweroff(0);
}
