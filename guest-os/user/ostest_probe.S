/*
 * ostest_probe.S - instructions that fault on purpose, for ostest's check of
 * catch_faults (abi.h "catching faults").
 *
 * The caller sets the process's catch handler to the probe's resume label
 * first; the kernel then resumes there with EAX = vector and EDX = the
 * faulting address (for a page fault), ESP unchanged.  C prototypes:
 *
 *   uint32_t probe_read(uint32_t va, uint32_t *fault_addr);
 *       read the word at va; return 0xFFFFFFFF if that worked, else the
 *       vector; *fault_addr = EDX (0 if no fault).  Resume: probe_read_resume.
 *   uint32_t probe_divide(void);
 *       divide by zero; return the vector (0xFFFFFFFF if nothing happened).
 *       Resume: probe_divide_resume.
 */
        .text
        .globl probe_read, probe_read_resume
probe_read:
        movl 4(%esp), %eax
        xorl %edx, %edx
        movl (%eax), %eax               /* may fault */
        movl $-1, %eax
probe_read_resume:
        movl 8(%esp), %ecx
        movl %edx, (%ecx)
        ret

        .globl probe_divide, probe_divide_resume
probe_divide:
        pushl %ebx
        xorl %ebx, %ebx
        movl $1, %eax
        xorl %edx, %edx
        divl %ebx                       /* faults: #DE */
        movl $-1, %eax
probe_divide_resume:
        popl %ebx
        ret

        .section .note.GNU-stack, "", @progbits  /* no executable stack */
