/*
 * kernel.h - what the kernel's files offer each other.
 *
 * Each group of declarations below belongs to the one file named in its
 * heading; that file's opening comment says how the mechanism works.  The
 * x86 instruction wrappers are in x86.h, the hardware table formats in mmu.h.
 */
#ifndef GUEST_KERNEL_H
#define GUEST_KERNEL_H

#include <stdint.h>

/* ---- uart.c: the console, a 16550 on COM1 ------------------------------ */

void uart_init(void);
void uart_putc(char c);

/* ---- printf.c: formatted console output -------------------------------- */

/* Print to the console.  Understands %s %c %d %u %x %%, with an optional
 * field width and '0' padding (e.g. "%08x"). */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Send kprintf's output to `putc` instead of uart_putc. */
void kprintf_set_output(void (*putc)(char c));

/* ---- gdt.c: the flat segments ------------------------------------------ */

void gdt_init(void);

struct taskstate;
/* Put the TSS `ts` in the GDT and load the task register with it. */
void gdt_install_tss(struct taskstate *ts);

/* ---- idt.c + vectors.S + trap.c: exceptions and software interrupts ---- */

/*
 * The trap frame: what vectors.S and the CPU leave on the stack when an
 * exception or `int n` enters the kernel, lowest address first.  trap()
 * receives a pointer to it; changes made to it take effect on return.
 *
 *   pushed by alltraps (pushal)   edi esi ebp oesp ebx edx ecx eax
 *   pushed by alltraps            gs fs es ds
 *   pushed by the vector stub     trapno, err (0 if the CPU pushes none)
 *   pushed by the CPU             eip cs eflags
 *   ... and only on a ring change esp ss
 */
struct trapframe {
    uint32_t edi, esi, ebp, oesp, ebx, edx, ecx, eax;
    uint16_t gs, gs_pad, fs, fs_pad, es, es_pad, ds, ds_pad;
    uint32_t trapno;
    uint32_t err;
    uint32_t eip;
    uint16_t cs, cs_pad;
    uint32_t eflags;
    uint32_t esp; /* valid only if the trap came from user mode */
    uint16_t ss, ss_pad;
};

/* Exception vectors (Intel SDM vol. 3, table 6-1) this kernel names. */
#define T_DIVIDE 0  /* #DE divide error */
#define T_BRKPT 3   /* #BP breakpoint (int3) */
#define T_ILLOP 6   /* #UD invalid opcode */
#define T_SYSCALL 0x80 /* the system-call software interrupt */

typedef void (*trap_handler_t)(struct trapframe *tf);

void idt_init(void);
void idt_set_gate(uint32_t vector, void (*entry)(void), unsigned dpl);
void trap_register(uint32_t vector, trap_handler_t handler);
const char *trap_name(uint32_t vector);
void trap(struct trapframe *tf); /* called by vectors.S */

/* ---- pic.c: the 8259A interrupt controllers ---------------------------- */

void pic_mask_all(void);

/* For a kernel with device drivers (the OS): pic_remap programs both
 * 8259As to deliver IRQ n on vector PIC_VECTOR_BASE + n, every line masked;
 * pic_unmask lets one line through; pic_eoi acknowledges an interrupt;
 * pic_is_spurious tells a spurious IRQ 7 or 15 from a real one. */
#define PIC_VECTOR_BASE 32
#define PIC_IRQS 16
void pic_remap(void);
void pic_unmask(uint32_t irq);
void pic_eoi(uint32_t irq);
int pic_is_spurious(uint32_t irq);

/* ---- exitport.c: leaving the machine ----------------------------------- */

void poweroff(uint32_t status) __attribute__((noreturn));

#endif /* GUEST_KERNEL_H */
