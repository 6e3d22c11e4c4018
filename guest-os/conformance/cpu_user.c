/*
 * cpu_user.c - the conformance guest at CPL 3.
 *
 * The kernel enters user mode with iret (a return to an outer ring), runs
 * probes there, and comes back through `int $0x80`.  Each probe's outcome is
 * stored, and the kernel prints them once back at CPL 0, since user code
 * may not touch the UART.  What is checked: that privileged instructions
 * fault at CPL 3 with the right error codes, that a DPL-0 gate refuses
 * `int3`, that the system call arrives with the user's CS and a stack from
 * the TSS, and what the sensitive unprivileged instructions return.
 */
#include "conformance.h"
#include "x86.h"

#define SYS_EXIT_TO_KERNEL 0xdead
#define SYS_DOUBLE 1
#define NPROBES 16

static struct {
    const char *name;
    struct probe p;
    uint32_t value;
} results[NPROBES];
static unsigned nresults;
static uint8_t user_stack[4096] __attribute__((aligned(16)));
static uint32_t syscall_cpl, syscall_esp_ok, user_eflags_if;
static uint8_t sysenter_stack[1024] __attribute__((aligned(16)));
volatile uint32_t sysenter_seen, sysexit_if;

/*
 * The kernel's sysenter entry: note the visit and go straight back to the
 * user code whose address is in EDX, on the user stack in ECX.  `sti` right
 * before sysexit (as Linux does) returns with interrupts on.
 */
void sysenter_entry(void);
asm(".text\n"
    "sysenter_entry:\n\t"
    "movl $1, sysenter_seen\n\t"
    "sti\n\t"
    "sysexit\n");

/* Keep the probe's outcome (and a value the probe read) for printing later. */
static void keep(const char *name, uint32_t value)
{
    results[nresults].name = name;
    results[nresults].p = probe;
    results[nresults].value = value;
    nresults++;
}

static void user_main(void)
{
    struct pseudodesc g;
    uint32_t v = 0;
    uint16_t sel = 0;

    probe_arm(1); asm volatile("cli"); keep("user cli", 0);
    probe_arm(1); asm volatile("sti"); keep("user sti", 0);
    probe_arm(1); asm volatile("hlt"); keep("user hlt", 0);
    probe_arm(1); asm volatile("inb %%dx, %%al" : "+a"(v) : "d"(0x3f8)); keep("user in", 0);
    probe_arm(1); asm volatile("int3"); keep("user int3 (dpl-0 gate)", 0);
    probe_arm(2); asm volatile("ud2"); keep("user ud2", 0);
    probe_arm(3); asm volatile("mov %%cr0, %0" : "=r"(v)); keep("user mov from cr0", 0);
    probe_arm(7); asm volatile("sgdt %0" : "=m"(g)); keep("user sgdt limit", g.limit);
    probe_arm(3); asm volatile("str %0" : "=r"(sel)); keep("user str", sel);
    probe_arm(4); asm volatile("smsw %0" : "=r"(v)); keep("user smsw (low 16)", v & 0xffff);
    probe_arm(0);
    asm volatile("movl %%esp, %%ecx\n\t"
                 "movl $1f, %%edx\n\t"
                 "sysenter\n"
                 "1:" : : : "ecx", "edx", "memory");
    sysexit_if = (read_eflags() >> 9) & 1;
    user_eflags_if = (read_eflags() >> 9) & 1;
    v = 21;
    asm volatile("int $0x80" : "+a"(v));
    keep("user int 0x80 doubled", v);
    v = SYS_EXIT_TO_KERNEL;
    asm volatile("int $0x80" : "+a"(v));
    for (;;)
        ;
}

/* Back at CPL 0 for good: print what user mode saw, and finish. */
static void back_in_kernel(void)
{
    for (unsigned i = 0; i < nresults; i++) {
        probe = results[i].p;
        if (probe.faulted)
            probe_report(results[i].name);
        else
            kprintf("%s: no fault, value 0x%x\n", results[i].name,
                    results[i].value);
    }
    kprintf("user pushf IF %u\n", user_eflags_if);
    kprintf("sysenter reached the kernel: %s, back in user mode with IF %u\n",
            sysenter_seen ? "yes" : "no", sysexit_if);
    kprintf("syscall from cpl %u, on the tss stack: %s\n", syscall_cpl,
            syscall_esp_ok ? "yes" : "no");
    kprintf("cpu: done\n");
    poweroff(0);
}

static void syscall_handler(struct trapframe *tf)
{
    uint32_t here = (uint32_t)&tf;

    if (tf->eax == SYS_EXIT_TO_KERNEL) {
        tf->cs = SEL_KCODE;             /* iret to CPL 0: no stack pop */
        tf->eip = (uint32_t)back_in_kernel;
        return;
    }
    syscall_cpl = tf->cs & 3;
    syscall_esp_ok = here > (uint32_t)user_stack + sizeof(user_stack) ||
                     here < (uint32_t)user_stack;
    tf->eax *= 2;
}

/* wrmsr of the three SYSENTER MSRs. */
static void sysenter_setup(void)
{
    uint32_t esp = (uint32_t)(sysenter_stack + sizeof(sysenter_stack));

    asm volatile("wrmsr" : : "c"(0x174), "a"(SEL_KCODE), "d"(0));
    asm volatile("wrmsr" : : "c"(0x175), "a"(esp), "d"(0));
    asm volatile("wrmsr" : : "c"(0x176), "a"((uint32_t)sysenter_entry), "d"(0));
}

void user_tests(void)
{
    trap_register(T_SYSCALL, syscall_handler);
    sysenter_setup();
    asm volatile("mov %0, %%ds\n\tmov %0, %%es\n\t"
                 "pushl %0\n\t"             /* SS */
                 "pushl %1\n\t"             /* ESP */
                 "pushfl\n\t"
                 "orl $0x200, (%%esp)\n\t"  /* user mode runs with IF=1 */
                 "pushl %2\n\t"             /* CS */
                 "pushl %3\n\t"             /* EIP */
                 "iret"
                 : : "r"((uint32_t)SEL_UDATA),
                     "r"((uint32_t)(user_stack + sizeof(user_stack))),
                     "i"(SEL_UCODE), "r"(user_main)
                 : "memory");
    for (;;)
        ;
}
