/*
 * ostrap.c - what the OS kernel does about each trap.
 *
 * trap.c hands every trap to the handler registered for its vector; this
 * file registers the OS's handlers.  The causes, and who handles them:
 *
 *   vector          cause                    handler
 *   0-31 but 14     exception                on_exception
 *   14              page fault               on_page_fault
 *   32 (IRQ 0)      timer tick               on_timer
 *   36 (IRQ 4)      COM1                     on_com1
 *   other 32-47     masked lines, spurious   on_other_irq
 *
 * (intr.c delivers line n on vector 32 + n, and the timer on 32, whether
 * the 8259s and the PIT or the APICs are in use.)
 *   0x80            system call              on_syscall
 *
 * No other vector has a gate (idt.c), and reaching a missing gate raises
 * #GP, an exception: the list is complete.
 *
 * An exception in user mode is the process's doing: a copy-on-write page
 * fault is resolved and the process goes on; any other fault goes to the
 * process's catch handler if it set one (abi.h), and otherwise kills it,
 * with a line on the console saying why - the kernel keeps running.  An
 * exception in kernel mode is a kernel bug, and panics, unless kbench.c
 * announced it (ostrap_expect_kernel_fault).
 *
 * Every trap from user mode ends in return_to_user: a process that was
 * killed exits there, and one the timer interrupted gives up the CPU.
 */
#include "ostrap.h"

#include "abi.h"
#include "console.h"
#include "intr.h"
#include "klib.h"
#include "mmu.h"
#include "paging.h"
#include "pit.h"
#include "proc.h"
#include "syscall.h"
#include "uart16550.h"
#include "vm.h"
#include "x86.h"

extern void (*const irq_entries[PIC_IRQS])(void); /* osvectors.S */

/* The kernel-mode fault kbench.c provokes, if any. */
static struct {
    int vector; /* -1: none expected */
    uint32_t resume_eip;
} expected = {-1, 0};

void ostrap_expect_kernel_fault(int vector, uint32_t resume_eip)
{
    expected.vector = vector;
    expected.resume_eip = resume_eip;
}

/* Return 1 if the trap with frame `tf` interrupted user mode. */
static int from_user(const struct trapframe *tf)
{
    return (tf->cs & SEL_RPL_MASK) == DPL_USER;
}

/* The last thing before the return to user mode: die if killed. */
static void return_to_user(struct trapframe *tf)
{
    struct proc *p = proc_current();
    if (from_user(tf) && p->killed)
        proc_exit(p->exit_status);
}

/* An exception in kernel mode at `tf`, faulting address `addr`: resume
 * where kbench.c said, or panic. */
static void kernel_fault(struct trapframe *tf, uint32_t addr)
{
    if ((int)tf->trapno == expected.vector) {
        tf->eip = expected.resume_eip;
        return;
    }
    kprintf("os: kernel %s, error 0x%x, at eip 0x%08x, address 0x%08x\n",
            trap_name(tf->trapno), tf->err, tf->eip, addr);
    panic("kernel_fault", "exception in kernel mode");
}

/* An exception the process caused at `tf` (faulting address `addr` for a
 * page fault): resume it at its catch handler, or kill it. */
static void user_fault(struct trapframe *tf, uint32_t addr)
{
    struct proc *p = proc_current();
    if (p->catch_eip != 0) {
        tf->ecx = tf->eip;
        tf->eip = p->catch_eip;
        tf->eax = tf->trapno;
        tf->edx = tf->trapno == T_PGFLT ? addr : 0;
        return;
    }
    kprintf("os: killed pid %d (%s): %s, error 0x%x, at eip 0x%08x",
            p->pid, p->name, trap_name(tf->trapno), tf->err, tf->eip);
    if (tf->trapno == T_PGFLT)
        kprintf(", address 0x%08x", addr);
    kprintf("\n");
    proc_kill(p, WAIT_KILLED | (int)tf->trapno);
}

static void on_exception(struct trapframe *tf)
{
    if (!from_user(tf)) {
        kernel_fault(tf, 0);
        return;
    }
    user_fault(tf, 0);
    return_to_user(tf);
}

/* A page fault.  From user mode, a write to a present copy-on-write page is
 * the fault fork arranged: give the process its copy and retry. */
static void on_page_fault(struct trapframe *tf)
{
    uint32_t addr = read_cr2();
    if (!from_user(tf)) {
        kernel_fault(tf, addr);
        return;
    }
    struct proc *p = proc_current();
    int cow = (tf->err & (PF_P | PF_W)) == (PF_P | PF_W) && addr < USER_TOP;
    if (!cow || vm_break_cow(p->pgdir, addr) != 0)
        user_fault(tf, addr);
    return_to_user(tf);
}

/* The timer: count the tick, and take the CPU from a user process. */
static void on_timer(struct trapframe *tf)
{
    pit_tick();
    intr_eoi(IRQ_TIMER);
    if (!from_user(tf))
        return; /* the scheduler was idle, waiting for an interrupt */
    proc_yield();
    return_to_user(tf);
}

static void on_com1(struct trapframe *tf)
{
    console_intr();
    intr_eoi(IRQ_COM1);
    return_to_user(tf);
}

/* A line with no driver: only spurious interrupts can arrive (every other
 * line is masked): the 8259s' IRQ 7 and 15, or the local APIC's. */
static void on_other_irq(struct trapframe *tf)
{
    uint32_t irq = tf->trapno - PIC_VECTOR_BASE;
    if (intr_is_spurious(irq)) {
        return_to_user(tf);
        return;
    }
    kprintf("os: interrupt from masked IRQ %u\n", irq);
    panic("on_other_irq", "masked line interrupted");
}

static void on_syscall(struct trapframe *tf)
{
    tf->eax = (uint32_t)syscall_dispatch(tf);
    return_to_user(tf);
}

void ostrap_init(void)
{
    idt_init();
    for (uint32_t v = 0; v < 32; v++)
        trap_register(v, on_exception);
    trap_register(T_PGFLT, on_page_fault);
    for (uint32_t irq = 0; irq < PIC_IRQS; irq++) {
        idt_set_gate(PIC_VECTOR_BASE + irq, irq_entries[irq], DPL_KERNEL);
        trap_register(PIC_VECTOR_BASE + irq, on_other_irq);
    }
    trap_register(PIC_VECTOR_BASE + IRQ_TIMER, on_timer);
    trap_register(PIC_VECTOR_BASE + IRQ_COM1, on_com1);
    trap_register(T_SYSCALL, on_syscall);
}
