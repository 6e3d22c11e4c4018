/*
 * proc.h - processes and the scheduler (proc.c, swtch.S).
 */
#ifndef GUEST_PROC_H
#define GUEST_PROC_H

#include <stdint.h>

#include "kernel.h"
#include "paging.h"

#define NPROC 64          /* process slots */
#define NOFILE 16         /* open files per process */
#define KSTACK_SIZE 8192  /* each process's kernel stack */
#define PROC_NAME_LEN 16

enum proc_state {
    PROC_UNUSED,   /* free slot */
    PROC_EMBRYO,   /* being built by fork or at boot */
    PROC_SLEEPING, /* waiting in the kernel for `chan` */
    PROC_RUNNABLE, /* ready: the scheduler may pick it */
    PROC_RUNNING,  /* on the CPU */
    PROC_ZOMBIE,   /* exited; its parent has not waited for it yet */
};

/* What swtch saves of a kernel thread that stops running: the registers
 * the C calling convention says a callee keeps, and where to resume.
 * (EAX, ECX, EDX are the caller's to save; ESP is the context's address.) */
struct context {
    uint32_t edi, esi, ebx, ebp;
    uint32_t eip;
};

struct file;

struct proc {
    enum proc_state state;
    int pid;
    char name[PROC_NAME_LEN];   /* the program it runs, for messages */
    pde_t *pgdir;               /* its address space */
    uint32_t heap_start, brk;   /* the heap is [heap_start, brk) */
    uint32_t catch_eip;         /* abi.h "catching faults"; 0: off */
    uint8_t *kstack;            /* bottom of its kernel stack */
    struct trapframe *tf;       /* its user registers, at the stack top */
    struct context *context;    /* where swtch left it, when not running */
    struct proc *parent;
    const void *chan;           /* what it sleeps for, if SLEEPING */
    int killed;                 /* dies on its way back to user mode */
    int exit_status;            /* what wait() reports (abi.h) */
    struct file *ofile[NOFILE]; /* open files, by fd */
};

/* swtch.S: save the current kernel thread's context in *save and continue
 * the one at `load`. */
void swtch(struct context **save, struct context *load);

/* Return the process on the CPU, or 0 in the scheduler and at boot. */
struct proc *proc_current(void);

/* Create the first process, running `path` from the ramdisk with the
 * `argc` arguments `argv`; panic if it cannot be started. */
void proc_start_first(const char *path, int argc, char *const argv[]);

/* Run processes forever (the boot thread becomes the scheduler). */
void scheduler(void) __attribute__((noreturn));

/* Give up the CPU; come back when the scheduler picks this process again. */
void proc_yield(void);

/* Sleep until proc_wakeup(chan).  Callers re-check what they wait for. */
void proc_sleep(const void *chan);

/* Make every process sleeping on `chan` runnable. */
void proc_wakeup(const void *chan);

/* fork: return the child's pid, or -ENOMEM. */
int proc_fork(void);

/* End the current process with wait() status `status`. */
void proc_exit(int status) __attribute__((noreturn));

/* Reap a zombie child: store its status at user address `status_uva`
 * (unless 0) and return its pid; -ECHILD if there are no children. */
int proc_wait(uint32_t status_uva);

/* Make process `p` die with wait() status `status` on its way back to user
 * mode (the first reason given wins), waking it if it sleeps. */
void proc_kill(struct proc *p, int status);

/* Return the live process with pid `pid`, or 0. */
struct proc *proc_find(int pid);

#endif /* GUEST_PROC_H */
