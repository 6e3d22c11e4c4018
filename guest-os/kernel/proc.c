/*
 * proc.c - processes: creating them (the first at boot, the rest by fork),
 * ending them (exit, wait, kill), and sharing the one CPU among them.
 *
 * A process is a slot in `procs`: an address space (vm.c), a kernel stack
 * whose top holds the user registers while the process is in the kernel (the
 * trap frame), and a kernel context (swtch.S) saved when it is not running.
 *
 * Scheduling is xv6's, on one CPU.  The boot thread becomes the scheduler:
 * it picks the next runnable process round-robin, points the TSS at its
 * kernel stack, loads its page directory and swtch()es to it.  A process
 * gives the CPU back by swtch()ing to the scheduler: when it sleeps, when
 * it exits, and when the timer interrupts it in user mode (preemption,
 * ostrap.c).  The kernel runs with interrupts disabled - every gate is an
 * interrupt gate - except where the scheduler waits for one with sti; hlt.
 * So on one CPU nothing can interleave with kernel code and no locks are
 * needed: sleep and wakeup cannot miss each other.
 *
 * A new process's kernel stack is built to look as if it had been switched
 * away from just before returning to user mode: swtch "returns" into
 * forkret, which returns into trapret (vectors.S), which pops the trap frame
 * and irets to user mode.
 *
 *      kstack + KSTACK_SIZE ->  +--------------------+
 *                               | struct trapframe   |  p->tf
 *                               +--------------------+
 *                               | &trapret           |  forkret returns here
 *                               +--------------------+
 *                               | struct context     |  p->context;
 *                               |   eip = forkret    |  swtch pops it
 *                               +--------------------+
 */
#include "proc.h"

#include "abi.h"
#include "exec.h"
#include "file.h"
#include "klib.h"
#include "mmu.h"
#include "tss.h"
#include "uaccess.h"
#include "vm.h"
#include "x86.h"

extern void trapret(void); /* vectors.S */

static struct proc procs[NPROC];
static uint8_t kstacks[NPROC][KSTACK_SIZE] __attribute__((aligned(16)));
static struct proc *current;
static struct proc *init_proc;
static struct context *scheduler_context;
static int next_pid = 1;

struct proc *proc_current(void)
{
    return current;
}

/* Where a new process's first swtch lands: return into trapret. */
static void forkret(void)
{
}

/* Return a fresh EMBRYO slot with a pid and a kernel stack laid out as the
 * opening comment draws; 0 if every slot is taken. */
static struct proc *proc_alloc(void)
{
    struct proc *p = procs;
    while (p < procs + NPROC && p->state != PROC_UNUSED)
        p++;
    if (p == procs + NPROC)
        return 0;
    memset(p, 0, sizeof(*p));
    p->state = PROC_EMBRYO;
    p->pid = next_pid++;
    p->kstack = kstacks[p - procs];

    uint8_t *sp = p->kstack + KSTACK_SIZE;
    sp -= sizeof(struct trapframe);
    p->tf = (struct trapframe *)sp;
    sp -= sizeof(uint32_t);
    *(uint32_t *)sp = (uint32_t)trapret;
    sp -= sizeof(struct context);
    p->context = (struct context *)sp;
    p->context->eip = (uint32_t)forkret;
    return p;
}

/* Return slot `p` to the free pool (its address space already gone). */
static void proc_free(struct proc *p)
{
    memset(p, 0, sizeof(*p));
    p->state = PROC_UNUSED;
}

void proc_start_first(const char *path, int argc, char *const argv[])
{
    struct proc *p = proc_alloc();
    if (p == 0)
        panic("proc_start_first", "no process slot");
    p->tf->cs = SEG_UCODE;
    p->tf->ds = p->tf->es = p->tf->fs = p->tf->gs = p->tf->ss = SEG_UDATA;
    p->tf->eflags = EFLAGS_IF;
    struct file *console = file_console();
    p->ofile[0] = console;
    p->ofile[1] = file_dup(console);
    p->ofile[2] = file_dup(console);
    int err = exec(p, path, argc, argv);
    if (err < 0) {
        kprintf("os: cannot run %s: error %d\n", path, -err);
        panic("proc_start_first", "the first program did not start");
    }
    init_proc = p;
    p->state = PROC_RUNNABLE;
}

/* Return the next runnable process after the one run last, or 0. */
static struct proc *pick_next(void)
{
    static int last;
    for (int i = 1; i <= NPROC; i++) {
        int slot = (last + i) % NPROC;
        if (procs[slot].state == PROC_RUNNABLE) {
            last = slot;
            return &procs[slot];
        }
    }
    return 0;
}

void scheduler(void)
{
    for (;;) {
        struct proc *p = pick_next();
        if (p == 0) { /* nothing to run: wait for an interrupt */
            sti();
            hlt();
            cli();
            continue;
        }
        tss_set_kernel_stack((uint32_t)(p->kstack + KSTACK_SIZE));
        vm_switch(p->pgdir);
        p->state = PROC_RUNNING;
        current = p;
        swtch(&scheduler_context, p->context);
        current = 0;
    }
}

/* Switch from the current process to the scheduler; the caller has set
 * the process's new state. */
static void sched(void)
{
    if (current->state == PROC_RUNNING)
        panic("sched", "process still running");
    swtch(&current->context, scheduler_context);
}

void proc_yield(void)
{
    current->state = PROC_RUNNABLE;
    sched();
}

void proc_sleep(const void *chan)
{
    current->chan = chan;
    current->state = PROC_SLEEPING;
    sched();
    current->chan = 0;
}

void proc_wakeup(const void *chan)
{
    for (struct proc *p = procs; p < procs + NPROC; p++)
        if (p->state == PROC_SLEEPING && p->chan == chan)
            p->state = PROC_RUNNABLE;
}

int proc_fork(void)
{
    struct proc *np = proc_alloc();
    if (np == 0)
        return -ENOMEM;
    np->pgdir = vm_create();
    if (np->pgdir == 0 || vm_fork_copy(current->pgdir, np->pgdir) < 0) {
        if (np->pgdir != 0)
            vm_destroy(np->pgdir);
        proc_free(np);
        return -ENOMEM;
    }
    *np->tf = *current->tf;
    np->tf->eax = 0; /* fork returns 0 in the child */
    memcpy(np->name, current->name, sizeof(np->name));
    np->heap_start = current->heap_start;
    np->brk = current->brk;
    np->catch_eip = current->catch_eip;
    for (int fd = 0; fd < NOFILE; fd++)
        if (current->ofile[fd] != 0)
            np->ofile[fd] = file_dup(current->ofile[fd]);
    np->parent = current;
    np->state = PROC_RUNNABLE;
    return np->pid;
}

void proc_exit(int status)
{
    struct proc *p = current;
    if (p == init_proc)
        panic("proc_exit", "the first process exited");
    for (int fd = 0; fd < NOFILE; fd++) {
        if (p->ofile[fd] != 0) {
            file_close(p->ofile[fd]);
            p->ofile[fd] = 0;
        }
    }
    for (struct proc *q = procs; q < procs + NPROC; q++) {
        if (q->parent != p)
            continue;
        q->parent = init_proc; /* orphans: the first process reaps them */
        if (q->state == PROC_ZOMBIE)
            proc_wakeup(init_proc);
    }
    p->exit_status = status;
    p->state = PROC_ZOMBIE;
    proc_wakeup(p->parent);
    sched();
    panic("proc_exit", "a zombie ran");
}

int proc_wait(uint32_t status_uva)
{
    for (;;) {
        int children = 0;
        for (struct proc *q = procs; q < procs + NPROC; q++) {
            if (q->parent != current)
                continue;
            children++;
            if (q->state != PROC_ZOMBIE)
                continue;
            if (status_uva != 0 &&
                copy_to_user(current->pgdir, status_uva, &q->exit_status,
                             sizeof(q->exit_status)) < 0)
                return -EFAULT;
            int pid = q->pid;
            vm_destroy(q->pgdir);
            proc_free(q);
            return pid;
        }
        if (children == 0)
            return -ECHILD;
        if (current->killed)
            return -EINTR;
        proc_sleep(current); /* proc_exit wakes the parent */
    }
}

void proc_kill(struct proc *p, int status)
{
    if (!p->killed) {
        p->killed = 1;
        p->exit_status = status;
    }
    if (p->state == PROC_SLEEPING)
        p->state = PROC_RUNNABLE;
}

struct proc *proc_find(int pid)
{
    for (struct proc *p = procs; p < procs + NPROC; p++)
        if (p->pid == pid && p->state != PROC_UNUSED && p->state != PROC_ZOMBIE)
            return p;
    return 0;
}
