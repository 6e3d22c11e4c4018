/*
 * bench_loops.S - the timed loops of the user-level nanobenchmarks.
 *
 * As in the kernel's (kernel/kbench_loops.S): each loop repeats one
 * operation `n` times (n > 0) with only a decrement and a branch around it,
 * in .text, writing nothing but registers.  C prototypes and registers:
 *
 *   void uloop_syscall(uint32_t n);              ECX = n, EAX
 *   void uloop_call(uint32_t n);                 ECX = n
 *   void uloop_fault_load(uint32_t n, uint32_t va);
 *   void uloop_divide_by_zero(uint32_t n);
 *
 * uloop_syscall makes the null system call getpid with `int $0x80`
 * directly: the kernel keeps every register but EAX.  The two faulting
 * loops need the process's catch handler (abi.h "catching faults") set to
 * their resume label, ufault_load_resume or udivide_resume: the kernel
 * resumes there with EAX = vector, ECX = faulting EIP, EDX = address - so
 * the count lives in ESI, which the kernel keeps.
 */
#include "abi.h"

        .text
        .globl uloop_syscall
uloop_syscall:
        movl 4(%esp), %ecx
1:      movl $SYS_getpid, %eax
        int $SYSCALL_VECTOR
        decl %ecx
        jnz 1b
        ret

empty_function:
        ret

        .globl uloop_call
uloop_call:
        movl 4(%esp), %ecx
1:      call empty_function
        decl %ecx
        jnz 1b
        ret

        .globl uloop_fault_load, ufault_load_resume
uloop_fault_load:
        pushl %esi
        pushl %edi
        movl 12(%esp), %esi             /* n */
        movl 16(%esp), %edi             /* va */
1:      movl (%edi), %eax               /* faults: not present */
ufault_load_resume:
        decl %esi
        jnz 1b
        popl %edi
        popl %esi
        ret

        .globl uloop_divide_by_zero, udivide_resume
uloop_divide_by_zero:
        pushl %esi
        pushl %ebx
        movl 12(%esp), %esi             /* n */
        xorl %ebx, %ebx
1:      movl $1, %eax
        xorl %edx, %edx
        divl %ebx                       /* faults: #DE */
udivide_resume:
        decl %esi
        jnz 1b
        popl %ebx
        popl %esi
        ret

        .section .note.GNU-stack, "", @progbits  /* no executable stack */
