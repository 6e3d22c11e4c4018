/*
 * trapentry.S - the world switch.
 *
 * Every exit from the guest is an interrupt or exception taken through the
 * monitor's 64-bit IDT.  The guest runs at CPL 1 or 3, so the CPU switches to
 * the TSS's RSP0 - the top of the exit stack - and pushes SS, RSP, RFLAGS,
 * CS, RIP (and, for some vectors, an error code).  The stubs below complete
 * that into a struct trap_frame (core/trap.h) by pushing a dummy error code
 * where the CPU pushed none, the vector, and the fifteen general registers.
 * The frame of the guest therefore always sits at the same address, at the
 * top of the exit stack, and IS the guest's register state while the
 * monitor runs.
 *
 *     void trap_entry(struct trap_frame *tf);      C, called with rdi = tf
 *     void trap_return(struct trap_frame *tf);     never returns: iretq to tf
 *
 * Nothing else is saved: the guest's DS/ES/FS/GS stay loaded while the
 * monitor runs (64-bit code ignores them), and its x87/SSE state is saved
 * only around the one monitor component that uses SSE (cpu/decode.c).
 */

	.text
	.altmacro

/* Vectors without a CPU error code push a zero to keep one frame layout. */
.macro TRAP_NOERR n
	.align 16
	pushq $0
	pushq $\n
	jmp trap_common
.endm
.macro TRAP_ERR n
	.align 16
	pushq $\n
	jmp trap_common
.endm

	.align 16
	.globl trap_stubs
trap_stubs:
	.set vec, 0
	.rept 256
	.if vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 || vec == 30
	TRAP_ERR %vec
	.else
	TRAP_NOERR %vec
	.endif
	.set vec, vec + 1
	.endr

/*T:050 The world switch, guest to monitor.  The guest ran at CPL 1 or 3; the
 * CPU took the exit through a DPL-0 gate, switched to the exit stack (TSS
 * RSP0) and pushed the guest's SS, ESP, EFLAGS, CS, EIP.  The stub pushed a
 * vector (and a zero error code where the CPU gives none); here the general
 * registers complete struct trap_frame, and C takes over.  The way back is
 * the same frame, popped, and iretq. */
trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rbp
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	mov  %rsp, %rdi
	call trap_entry
	mov  %rsp, %rdi                     /* trap_entry returned: same frame */

	.globl trap_return
trap_return:
	mov  %rdi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rbp
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp                      /* vector, error code */
	.globl trap_return_iretq
trap_return_iretq:                          /* see exit.c: bad_resume */
	iretq
