/*
 * trap.h - the frame every exit leaves on the exit stack (core/trapentry.S).
 *
 * Low addresses first; the last five words are what the CPU pushed.
 */
#ifndef VMM_TRAP_H
#define VMM_TRAP_H

#include <stdint.h>

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rdi, rsi, rbp, rdx, rcx, rbx, rax;
	uint64_t vector;
	uint64_t error;         /* CPU error code, or 0 */
	uint64_t rip, cs, rflags, rsp, ss;
};

/* First vector of the hardware interrupts the monitor itself receives. */
#define IRQ_BASE 32

void trap_entry(struct trap_frame *tf);
_Noreturn void trap_return(struct trap_frame *tf);
extern char trap_stubs[];
extern char trap_return_iretq[];
#define TRAP_STUB_SIZE 16

#endif
