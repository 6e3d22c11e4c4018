/*
 * kbench_loops.S - the timed loops of the kernel-level benchmarks.
 *
 * Each loop runs the one operation being measured `n` times (n > 0), with
 * nothing else in the loop but a decrement and a branch, so the C code that
 * times it (kbench.c) measures the operation and not the compiler's choices.
 * The loops live in .text; everything they write - the scratch PTE, the
 * stack - lives on other pages (under QEMU's TCG a store to a page that holds
 * code discards that page's translated code).  C prototypes, with the
 * registers used:
 *
 *   void loop_int(uint32_t n);                    ECX = n
 *   void loop_in(uint32_t n);                     ECX = n, AL
 *   void loop_sti_cli(uint32_t n);                ECX = n
 *   void loop_call(uint32_t n);                   ECX = n
 *   void loop_fault_load(uint32_t n, uint32_t va);  ECX = n, EDX = va, EAX
 *   void loop_divide_by_zero(uint32_t n);         ECX = n, EAX EDX EBX
 *   void loop_ptemod(uint32_t n, pte_t *pte, pte_t a, pte_t b, uint32_t va);
 *   void loop_cr3_reload(uint32_t n);             ECX = n, EAX
 *
 * loop_fault_load and loop_divide_by_zero fault on every iteration; the
 * kernel's fault handler resumes them at fault_load_resume and
 * divide_resume, which kbench.c announces to ostrap.c before the loop.
 * Each function keeps EBX ESI EDI EBP, as the C calling convention wants.
 */
#define KBENCH_INT_VECTOR 0x81 /* kbench.c installs bare_iret there */
#define POST_PORT 0x80         /* the BIOS POST code port */

        .text
        .globl loop_int
loop_int:
        movl 4(%esp), %ecx
1:      int $KBENCH_INT_VECTOR
        decl %ecx
        jnz 1b
        ret

        .globl loop_in
loop_in:
        movl 4(%esp), %ecx
1:      inb $POST_PORT, %al
        decl %ecx
        jnz 1b
        ret

/* sti then cli: the interrupt flag toggled, interrupts never taken (the
 * cli sits in sti's one-instruction shadow). */
        .globl loop_sti_cli
loop_sti_cli:
        movl 4(%esp), %ecx
1:      sti
        cli
        decl %ecx
        jnz 1b
        ret

empty_function:
        ret

        .globl loop_call
loop_call:
        movl 4(%esp), %ecx
1:      call empty_function
        decl %ecx
        jnz 1b
        ret

        .globl loop_fault_load, fault_load_resume
loop_fault_load:
        movl 4(%esp), %ecx
        movl 8(%esp), %edx
1:      movl (%edx), %eax               /* faults: not present */
fault_load_resume:
        decl %ecx
        jnz 1b
        ret

        .globl loop_divide_by_zero, divide_resume
loop_divide_by_zero:
        pushl %ebx
        movl 8(%esp), %ecx
        xorl %ebx, %ebx
1:      movl $1, %eax
        xorl %edx, %edx
        divl %ebx                       /* faults: #DE */
divide_resume:
        decl %ecx
        jnz 1b
        popl %ebx
        ret

        .globl loop_ptemod
loop_ptemod:
        pushl %ebx
        pushl %esi
        pushl %edi
        movl 16(%esp), %ecx             /* n */
        movl 20(%esp), %edx             /* pte */
        movl 24(%esp), %ebx             /* a */
        movl 28(%esp), %esi             /* b */
        movl 32(%esp), %edi             /* va */
1:      movl %ebx, (%edx)               /* map frame a ... */
        invlpg (%edi)
        movl (%edi), %eax               /* ... and use it */
        movl %esi, (%edx)               /* map frame b ... */
        invlpg (%edi)
        movl (%edi), %eax               /* ... and use it */
        decl %ecx
        jnz 1b
        popl %edi
        popl %esi
        popl %ebx
        ret

        .globl loop_cr3_reload
loop_cr3_reload:
        movl 4(%esp), %ecx
        movl %cr3, %eax
1:      movl %eax, %cr3
        decl %ecx
        jnz 1b
        ret

        .section .note.GNU-stack, "", @progbits  /* no executable stack */
