/*
 * osvectors.S - the OS kernel's entry points beyond vectors.S: the sixteen
 * device interrupt lines, and a bare `iret` for the int benchmark.
 *
 * The PICs (pic.c), or the APICs (intr.c), deliver IRQ n on vector
 * PIC_VECTOR_BASE + n.  Each
 * vector gets a stub like those of vectors.S - push a zero error code and
 * the vector, then alltraps - so a device interrupt arrives in trap() with
 * the same frame as an exception.  irq_entries[] lists the stubs in IRQ
 * order; ostrap.c installs them in the IDT.
 *
 * bare_iret is the shortest possible interrupt handler.  kbench.c times
 * `int` to it and back: what a trap costs when the handler does nothing.
 *
 *     void bare_iret(void);         reached only through an IDT gate
 */
#define IRQ_VECTOR_BASE 32 /* = PIC_VECTOR_BASE (kernel.h, a C header) */

.macro IRQ_STUB irq
        .text
irq\irq:
        pushl $0
        pushl $(IRQ_VECTOR_BASE + \irq)
        jmp alltraps
        .pushsection .rodata
        .long irq\irq
        .popsection
.endm

        .pushsection .rodata
        .balign 4
        .globl irq_entries
irq_entries:
        .popsection

        .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
        IRQ_STUB \n
        .endr

        .text
        .globl bare_iret
bare_iret:
        iret

        .section .note.GNU-stack, "", @progbits  /* no executable stack */
