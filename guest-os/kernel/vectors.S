/*
 * vectors.S - the entry points the IDT gates point at, and the common path
 *             from them into C.
 *
 * The CPU enters a gate with only EIP, CS and EFLAGS pushed (plus ESP and SS
 * on a ring change), and for some exceptions an error code on top.  C wants
 * one uniform frame, so each vector gets a two-instruction stub that pushes a
 * zero where the CPU pushed no error code, then the vector number, and jumps
 * to alltraps.  alltraps saves the segment and general registers, switches to
 * the kernel data segments, and calls
 *
 *     void trap(struct trapframe *tf);        (trap.c; layout in kernel.h)
 *
 * with ESP pointing at the frame.  When trap() returns, alltraps restores
 * every register from the frame - which trap() may have changed, e.g. EIP to
 * skip an instruction or EAX to return a value - drops the vector and error
 * code, and irets.
 *
 * Other entry points (the OS kernel's device interrupts, osvectors.S) jump
 * to alltraps too, and a new process starts life at trapret: the second
 * half of alltraps, which returns through a frame someone else built.
 *
 * Each stub also appends a { vector, entry } pair to the table
 * trap_entries[] .. trap_entries_end[] in .rodata, which idt.c walks to
 * build the gates; vectors without a stub get no gate.
 */
#include "mmu.h"

        .pushsection .rodata
        .balign 4
        .globl trap_entries
trap_entries:
        .popsection

/* A vector for which the CPU pushes no error code: push a 0 in its place. */
.macro TRAP_NOERR vector
        .text
        .globl vector\vector
vector\vector:
        pushl $0
        pushl $\vector
        jmp alltraps
        .pushsection .rodata
        .long \vector, vector\vector
        .popsection
.endm

/* A vector for which the CPU pushes an error code itself. */
.macro TRAP_ERR vector
        .text
        .globl vector\vector
vector\vector:
        pushl $\vector
        jmp alltraps
        .pushsection .rodata
        .long \vector, vector\vector
        .popsection
.endm

        TRAP_NOERR 0     /* #DE divide error */
        TRAP_NOERR 1     /* #DB debug */
        TRAP_NOERR 2     /* NMI */
        TRAP_NOERR 3     /* #BP breakpoint */
        TRAP_NOERR 4     /* #OF overflow */
        TRAP_NOERR 5     /* #BR bound range */
        TRAP_NOERR 6     /* #UD invalid opcode */
        TRAP_NOERR 7     /* #NM device not available */
        TRAP_ERR   8     /* #DF double fault (error code always 0) */
        TRAP_NOERR 9     /* coprocessor segment overrun */
        TRAP_ERR   10    /* #TS invalid TSS */
        TRAP_ERR   11    /* #NP segment not present */
        TRAP_ERR   12    /* #SS stack fault */
        TRAP_ERR   13    /* #GP general protection */
        TRAP_ERR   14    /* #PF page fault */
        TRAP_NOERR 15    /* reserved */
        TRAP_NOERR 16    /* #MF x87 floating point */
        TRAP_ERR   17    /* #AC alignment check */
        TRAP_NOERR 18    /* #MC machine check */
        TRAP_NOERR 19    /* #XM SIMD floating point */
        TRAP_NOERR 20    /* #VE virtualization */
        TRAP_ERR   21    /* #CP control protection */
        TRAP_NOERR 22
        TRAP_NOERR 23
        TRAP_NOERR 24
        TRAP_NOERR 25
        TRAP_NOERR 26
        TRAP_NOERR 27
        TRAP_NOERR 28    /* #HV hypervisor injection */
        TRAP_ERR   29    /* #VC VMM communication */
        TRAP_ERR   30    /* #SX security */
        TRAP_NOERR 31
        TRAP_NOERR 128   /* T_SYSCALL: int $0x80 */

        .pushsection .rodata
        .globl trap_entries_end
trap_entries_end:
        .popsection

        .text
        .globl alltraps
alltraps:
        pushl %ds
        pushl %es
        pushl %fs
        pushl %gs
        pushal
        movw $SEG_KDATA, %ax        /* the interrupted code may have had */
        movw %ax, %ds               /* user data segments loaded         */
        movw %ax, %es
        pushl %esp                  /* trap(tf): tf = the frame just built */
        call trap
        addl $4, %esp
        .globl trapret
trapret:                            /* ESP points at a struct trapframe */
        popal
        popl %gs
        popl %fs
        popl %es
        popl %ds
        addl $8, %esp               /* drop the vector and the error code */
        iret

        .section .note.GNU-stack, "", @progbits  /* no executable stack */
