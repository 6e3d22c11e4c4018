/*
 * crt0.S - where every user program starts.
 *
 * exec (kernel/exec.c) leaves ESP pointing at argc, with argv above it, and
 * no return address: there is nothing to return to.  _start calls
 *
 *     int main(int argc, char *argv[]);
 *
 * on a 16-byte aligned stack, as the i386 System V ABI wants, and passes
 * what main returns to exit().  Register contract at _start: ESP as above;
 * every other register undefined.
 */
        .section .text.start, "ax"
        .globl _start
_start:
        xorl %ebp, %ebp                 /* end of the frame-pointer chain */
        movl (%esp), %eax               /* argc */
        movl 4(%esp), %edx              /* argv */
        andl $-16, %esp
        subl $8, %esp
        pushl %edx
        pushl %eax
        call main
        movl %eax, (%esp)
        call exit                       /* never returns */
1:      jmp 1b

        .section .note.GNU-stack, "", @progbits  /* no executable stack */
