/*
 * usys.S - the system call stubs: one C function per system call.
 *
 * The kernel takes the call number in EAX and arguments in EBX, ECX, EDX,
 * ESI, EDI, and returns the result in EAX (kernel/abi.h).  C passes
 * arguments on the stack, so each stub loads the five argument slots into
 * those registers - whether or not the call uses them all - and executes
 * `int $0x80`.  EBX, ESI, EDI belong to the caller in the C convention, so
 * the stub saves and restores them.  The C prototypes are in user.h.
 *
 *     int syscall(int number, ...)   the same for any number (tests use it
 *                                    to make calls that do not exist)
 */
#include "abi.h"

.macro STUB name, number
        .text
        .globl \name
\name:
        movl $\number, %eax
        jmp enter_kernel
.endm

        .text
enter_kernel:                           /* EAX = the number */
        pushl %ebx
        pushl %esi
        pushl %edi
        movl 16(%esp), %ebx
        movl 20(%esp), %ecx
        movl 24(%esp), %edx
        movl 28(%esp), %esi
        movl 32(%esp), %edi
        int $SYSCALL_VECTOR
        popl %edi
        popl %esi
        popl %ebx
        ret

        .globl syscall
syscall:                                /* the number, then five arguments */
        pushl %ebx
        pushl %esi
        pushl %edi
        movl 16(%esp), %eax
        movl 20(%esp), %ebx
        movl 24(%esp), %ecx
        movl 28(%esp), %edx
        movl 32(%esp), %esi
        movl 36(%esp), %edi
        int $SYSCALL_VECTOR
        popl %edi
        popl %esi
        popl %ebx
        ret

        STUB exit, SYS_exit
        STUB fork, SYS_fork
        STUB wait, SYS_wait
        STUB exec, SYS_exec
        STUB getpid, SYS_getpid
        STUB sbrk, SYS_sbrk
        STUB read, SYS_read
        STUB write, SYS_write
        STUB close, SYS_close
        STUB pipe, SYS_pipe
        STUB yield, SYS_yield
        STUB map, SYS_map
        STUB unmap, SYS_unmap
        STUB catch_faults, SYS_catch
        STUB halt, SYS_halt
        STUB uptime, SYS_uptime
        STUB freemem, SYS_freemem
        STUB kill, SYS_kill
        STUB dup, SYS_dup

        .section .note.GNU-stack, "", @progbits  /* no executable stack */
