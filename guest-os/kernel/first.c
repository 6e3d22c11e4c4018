/*
 * first.c - the first guest: a kernel that checks the machine it boots on.
 *
 * The monitor must run an unmodified kernel exactly as a real PC would.  The
 * simplest way to test that is a kernel that observes the machine - the
 * multiboot hand-off, segment loads, exceptions, software interrupts, the
 * interrupt flag - and prints one line per observation.  Run natively on
 * QEMU and under the monitor, the two outputs must be identical byte for
 * byte.  So every line is deterministic: no addresses, no timing.
 *
 * The kernel also checks each observation against what the architecture
 * says it must be, prints "FAIL: ..." for each mismatch, and powers off
 * with status 0 if all matched and 1 otherwise.  It believes it runs in
 * ring 0, so every trap frame must say the interrupted code had CPL 0.
 *
 * To provoke an exception at a known place, a test stores the address of
 * the instruction (or of the one after it) in `expect` and executes it; the
 * handler compares the saved EIP with that address and moves EIP past the
 * faulting instruction, whose length the test states.
 */
#include "kernel.h"
#include "multiboot.h"
#include "x86.h"

/* Lengths of the instructions that fault on purpose below. */
#define DIVL_ECX_LEN 2 /* F7 F1 */
#define UD2_LEN 2      /* 0F 0B */

#define SYSCALL_ARG 21 /* passed in EAX; the handler returns twice it */

static unsigned failures;

/* The trap a test is about to provoke; the handler checks against it. */
static volatile struct {
    uint32_t vector;      /* the vector that must arrive */
    uint32_t eip;         /* where the saved EIP must point */
    const char *eip_says; /* how to print that place: "at the divl" */
    uint32_t skip;        /* bytes the handler advances EIP by */
    uint32_t if_flag;     /* EFLAGS.IF the frame must show, 0 or 1 */
    uint32_t taken;       /* times the handler ran */
} expect;

/* Count a failure and say what went wrong if `got` differs from `want`. */
static void check_eq(const char *what, uint32_t got, uint32_t want)
{
    if (got == want)
        return;
    kprintf("FAIL: %s: got 0x%x, expected 0x%x\n", what, got, want);
    failures++;
}

/* Return 1 if EFLAGS.IF is set in `eflags`, else 0. */
static uint32_t if_bit(uint32_t eflags)
{
    return (eflags & EFLAGS_IF) != 0;
}

/* ---- 1. the multiboot hand-off -------------------------------------------- */

/* Print the arguments of the command line `cmdline`: what follows its first
 * word, which by the loaders' convention is the kernel's path (a path that
 * depends on where the image was built, so it is not printed). */
static void print_cmdline_arguments(const char *cmdline)
{
    const char *args = cmdline;
    while (*args != '\0' && *args != ' ')
        args++;
    while (*args == ' ')
        args++;
    kprintf("multiboot: cmdline arguments \"%s\"\n", args);
}

/* Check the loader's magic and print what its information structure says. */
static void report_multiboot(uint32_t magic, const struct multiboot_info *mbi)
{
    check_eq("multiboot magic", magic, MULTIBOOT_BOOT_MAGIC);
    if (magic != MULTIBOOT_BOOT_MAGIC)
        return; /* then EBX means nothing: do not read it */
    kprintf("multiboot: magic 0x%x ok\n", magic);
    kprintf("multiboot: flags 0x%x\n", mbi->flags);

    check_eq("multiboot memory info present",
             mbi->flags & MBI_FLAG_MEMORY, MBI_FLAG_MEMORY);
    if (mbi->flags & MBI_FLAG_MEMORY)
        kprintf("multiboot: mem_lower %u KiB, mem_upper %u KiB\n",
                mbi->mem_lower, mbi->mem_upper);

    if (mbi->flags & MBI_FLAG_CMDLINE)
        print_cmdline_arguments((const char *)mbi->cmdline);
    else
        kprintf("multiboot: no cmdline\n");
}

/* ---- 2. segments ---------------------------------------------------------- */

/* Install the GDT and check that the data segment registers hold the kernel
 * data selector.  (CS and SS are not read back: see x86.h.) */
static void test_gdt(void)
{
    unsigned before = failures;
    gdt_init();
    check_eq("ds after gdt_init", read_ds(), SEG_KDATA);
    check_eq("es after gdt_init", read_es(), SEG_KDATA);
    check_eq("fs after gdt_init", read_fs(), SEG_KDATA);
    check_eq("gs after gdt_init", read_gs(), SEG_KDATA);
    if (failures == before)
        kprintf("gdt ok\n");
}

/* ---- 3 and 4. exceptions and software interrupts -------------------------- */

/* Announce the trap the next instruction will raise: `vector`, with the
 * saved EIP described as `eip_says`, resuming `skip` bytes further on, from
 * code running with EFLAGS.IF = `if_flag`.  The test's asm fills in eip. */
static void expect_trap(uint32_t vector, const char *eip_says, uint32_t skip,
                        uint32_t if_flag)
{
    expect.vector = vector;
    expect.eip = 0;
    expect.eip_says = eip_says;
    expect.skip = skip;
    expect.if_flag = if_flag;
    expect.taken = 0;
}

/* The handler of every provoked trap: print and check what the frame says
 * about the interrupted code, then resume it after the instruction. */
static void on_expected_trap(struct trapframe *tf)
{
    uint32_t cpl = tf->cs & SEL_RPL_MASK;
    uint32_t iflag = if_bit(tf->eflags);

    expect.taken++;
    kprintf("trap %u (%s): error %u, eip %s, cpl %u, if %u\n", tf->trapno,
            trap_name(tf->trapno), tf->err,
            tf->eip == expect.eip ? expect.eip_says : "ELSEWHERE", cpl, iflag);
    check_eq("trap vector", tf->trapno, expect.vector);
    check_eq("trap error code", tf->err, 0);
    check_eq("trap saved eip", tf->eip, expect.eip);
    check_eq("trap saved cpl", cpl, 0);
    check_eq("trap saved if", iflag, expect.if_flag);
    tf->eip += expect.skip;
}

/* The system call: checked like any provoked trap, and it returns twice
 * its argument in EAX. */
static void on_syscall(struct trapframe *tf)
{
    on_expected_trap(tf);
    tf->eax = tf->eax * 2;
}

/* Divide by zero with `divl %ecx`: #DE, saved EIP at the divl. */
static void test_divide_error(void)
{
    uint32_t lo = 1, hi = 0;
    expect_trap(T_DIVIDE, "at the divl", DIVL_ECX_LEN, 0);
    asm volatile("movl $1f, %[eip]\n"
                 "1:\tdivl %%ecx"
                 : [eip] "=m"(expect.eip), "+a"(lo), "+d"(hi)
                 : "c"(0)
                 : "cc", "memory");
    check_eq("#DE handler runs once", expect.taken, 1);
    kprintf("#DE: resumed after the divl\n");
}

/* Execute ud2: #UD, saved EIP at the ud2. */
static void test_invalid_opcode(void)
{
    expect_trap(T_ILLOP, "at the ud2", UD2_LEN, 0);
    asm volatile("movl $1f, %[eip]\n"
                 "1:\tud2"
                 : [eip] "=m"(expect.eip)
                 :
                 : "memory");
    check_eq("#UD handler runs once", expect.taken, 1);
    kprintf("#UD: resumed after the ud2\n");
}

/* Execute int3: #BP is a trap, so the saved EIP is after the int3. */
static void test_breakpoint(void)
{
    expect_trap(T_BRKPT, "after the int3", 0, 0);
    asm volatile("movl $1f, %[eip]\n\t"
                 "int3\n"
                 "1:"
                 : [eip] "=m"(expect.eip)
                 :
                 : "memory");
    check_eq("#BP handler runs once", expect.taken, 1);
    kprintf("#BP: resumed after the int3\n");
}

/* Make the system call `int $0x80` with SYSCALL_ARG in EAX from code running
 * with EFLAGS.IF = `if_flag`; check and print what comes back in EAX. */
static void test_syscall(uint32_t if_flag)
{
    uint32_t eax = SYSCALL_ARG;
    expect_trap(T_SYSCALL, "after the int", 0, if_flag);
    asm volatile("movl $1f, %[eip]\n\t"
                 "int $0x80\n"
                 "1:"
                 : [eip] "=m"(expect.eip), "+a"(eax)
                 :
                 : "memory");
    check_eq("syscall handler runs once", expect.taken, 1);
    check_eq("syscall return value", eax, SYSCALL_ARG * 2);
    kprintf("int 0x80: eax %u in, %u back\n", SYSCALL_ARG, eax);
}

/* Install the IDT and the handlers, then provoke each trap in turn. */
static void test_traps(void)
{
    idt_init();
    trap_register(T_DIVIDE, on_expected_trap);
    trap_register(T_ILLOP, on_expected_trap);
    trap_register(T_BRKPT, on_expected_trap);
    trap_register(T_SYSCALL, on_syscall);
    kprintf("idt ok\n");

    test_divide_error();
    test_invalid_opcode();
    test_syscall(0);
    test_breakpoint();
}

/* ---- 5. the interrupt flag ------------------------------------------------ */

/* Check that cli and sti change IF as pushf sees it, and that a system call
 * made with IF = 1 sees IF = 1 in its frame and returns with IF = 1.  The
 * PICs are masked first, so no device interrupt can arrive while IF = 1. */
static void test_interrupt_flag(void)
{
    pic_mask_all();

    cli();
    uint32_t after_cli = if_bit(read_eflags());
    kprintf("cli: if %u\n", after_cli);
    check_eq("if after cli", after_cli, 0);

    sti();
    uint32_t after_sti = if_bit(read_eflags());
    kprintf("sti: if %u\n", after_sti);
    check_eq("if after sti", after_sti, 1);

    test_syscall(1);
    uint32_t after_syscall = if_bit(read_eflags());
    kprintf("after int 0x80: if %u\n", after_syscall);
    check_eq("if after int 0x80", after_syscall, 1);

    cli();
}

/* ---- 6. the verdict ------------------------------------------------------- */

/* The kernel's entry from boot.S: run every check, report, power off. */
void kmain(uint32_t magic, const struct multiboot_info *mbi)
{
    uart_init();
    kprintf("first: hello from the first guest\n");

    report_multiboot(magic, mbi);
    test_gdt();
    test_traps();
    test_interrupt_flag();

    if (failures == 0) {
        kprintf("first: all checks passed\n");
        poweroff(0);
    }
    kprintf("first: %u checks failed\n", failures);
    poweroff(1);
}
