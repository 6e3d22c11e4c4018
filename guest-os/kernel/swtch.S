/*
 * swtch.S - switch from one kernel thread to another.
 *
 *     void swtch(struct context **save, struct context *load);
 *
 * Every process has its own kernel stack, and so has the scheduler (the boot
 * stack).  To stop running one and continue another, push the registers the
 * C calling convention says a called function must keep (EBP EBX ESI EDI) on
 * the current stack, store that stack pointer in *save - that address, with
 * the return address above it, is a struct context (proc.h) - then load ESP
 * from `load`, pop the same registers and return: into whatever call of
 * swtch the other thread made, or, for a new process, into forkret.
 * Register contract: EAX and EDX are clobbered (the caller saves them);
 * EFLAGS.IF is untouched (it is 0: kernel code runs with interrupts off).
 */
        .text
        .globl swtch
swtch:
        movl 4(%esp), %eax      /* save */
        movl 8(%esp), %edx      /* load */
        pushl %ebp
        pushl %ebx
        pushl %esi
        pushl %edi
        movl %esp, (%eax)       /* *save = this thread's context */
        movl %edx, %esp         /* the other thread's stack */
        popl %edi
        popl %esi
        popl %ebx
        popl %ebp
        ret

        .section .note.GNU-stack, "", @progbits  /* no executable stack */
