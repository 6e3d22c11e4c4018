/*
 * gates16.h - what gates16.c and gates16_low.S share (C and assembly).
 *
 * A 16-bit gate holds a 16-bit handler offset (bits 31:16 are reserved),
 * and the frame it pushes holds the interrupted IP and SP as 16-bit words:
 * the handlers, the code they interrupt and the user stack must all lie
 * below 64 KiB.  The kernel is
 * linked at 1 MiB, so gates16.c copies the block of code in gates16_low.S
 * (position-independent: relative jumps and calls only, data by absolute
 * address through the flat DS) to LOW_BASE and runs it there, with the
 * kernel's flat code segments.
 *
 *   0x6000 .. USER_STACK_TOP    the user stack
 *   LOW_BASE ..                 the copied block: handlers, kernel and user
 *                               code that the handlers interrupt
 *   HIGH_COPY ..                a second copy (see V_HIGH_OFFSET)
 */
#ifndef GATES16_H
#define GATES16_H

#define LOW_BASE        0x8000
#define USER_STACK_TOP  0x7000
#define USER_STACK_TOP2 0x6800      /* the second entry to user mode */

/* The address the copy of LABEL (a symbol of gates16_low.S) runs at. */
#define LOW(label) (LOW_BASE + ((label) - low_start))

/* The vectors the guest gives 16-bit gates (and #GP, for a while). */
#define V_INT16         0x40        /* interrupt gate, DPL 0 */
#define V_TRAP16        0x41        /* trap gate, DPL 0 */
#define V_USER_INT16    0x42        /* interrupt gate, DPL 3 */
#define V_USER_EXIT     0x43        /* trap gate, DPL 3: back to the kernel */
#define V_HIGH_OFFSET   0x44        /* offset bits 31:16 = 1 (reserved) */
#define V_CODE16        0x45        /* into a 16-bit code segment */
#define V_GP            13

/* A second copy of the block, where a gate's offset bits 31:16 point. */
#define HIGH_COPY       (LOW_BASE + 0x10000)

/* The 16-bit code segment of the code16 case (a slot past the kernel's). */
#define SEL_CODE16      0x30

/* A selector beyond the GDT's limit: loading it raises #GP(0x40). */
#define SEL_BEYOND_GDT  0x43

#endif
