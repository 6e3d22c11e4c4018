/*
 * cpu_tables.c - the monitor's own GDT slots, TSS and IDT.
 *
 * The real GDT is shared with the guest (cpu/segments.h): the monitor owns
 * its top slots.  The TSS gives the CPU the stack to switch to when the guest
 * traps (RSP0, the exit stack) and separate stacks (IST) for NMI, #DF and
 * #MC, which may arrive when the exit stack cannot be trusted.  Its I/O
 * bitmap offset points past its limit: every guest in/out at CPL > IOPL
 * faults.  Every IDT gate is a DPL-0 interrupt gate, so a guest `int n`
 * raises #GP and the monitor runs with interrupts off.
 */
#include "cpu_tables.h"

#include <string.h>

#include "../cpu/segments.h"
#include "log.h"
#include "trap.h"

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));

#define IST_NMI 1
#define IST_DF  2
#define IST_MC  3
#define STACK_SIZE 16384
#define GATE_INTERRUPT_P_DPL0 0x8e

static struct tss64 tss __attribute__((aligned(64)));
static struct idt_gate idt[256] __attribute__((aligned(4096)));
static uint8_t exit_stack[STACK_SIZE] __attribute__((aligned(4096)));
static uint8_t ist_stacks[3][STACK_SIZE] __attribute__((aligned(4096)));

struct trap_frame *const exit_frame =
	(struct trap_frame *)(exit_stack + STACK_SIZE) - 1;

static void load_gdt(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr = { sizeof(real_gdt) - 1,
					   (uint64_t)real_gdt };

	__asm__ volatile("lgdt %0" : : "m"(gdtr));
	/* Reload CS with a far return, then the data segments. */
	__asm__ volatile("pushq %0\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "mov %1, %%ss"
			 : : "i"(SEL_MON_CODE), "r"(SEL_MON_DATA) : "rax", "memory");
}

/* A 16-byte available 64-bit TSS descriptor in slots 8190-8191. */
static void install_tss(void)
{
	uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;

	tss.rsp[0] = (uint64_t)(exit_stack + STACK_SIZE);
	tss.ist[IST_NMI - 1] = (uint64_t)(ist_stacks[0] + STACK_SIZE);
	tss.ist[IST_DF - 1] = (uint64_t)(ist_stacks[1] + STACK_SIZE);
	tss.ist[IST_MC - 1] = (uint64_t)(ist_stacks[2] + STACK_SIZE);
	tss.iomap_base = sizeof(tss);        /* no I/O bitmap: all ports fault */
	real_gdt[SEL_MON_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
				    (0x89ull << 40) |   /* P, type 9 */
				    ((base >> 24) & 0xff) << 56;
	real_gdt[SEL_MON_TSS / 8 + 1] = base >> 32;
	__asm__ volatile("ltr %w0" : : "r"(SEL_MON_TSS));
}

static void set_gate(unsigned vector, unsigned ist)
{
	uint64_t handler = (uint64_t)(trap_stubs + vector * TRAP_STUB_SIZE);
	struct idt_gate *g = &idt[vector];

	g->offset_low = (uint16_t)handler;
	g->selector = SEL_MON_CODE;
	g->ist = (uint8_t)ist;
	g->type_attr = GATE_INTERRUPT_P_DPL0;
	g->offset_mid = (uint16_t)(handler >> 16);
	g->offset_high = (uint32_t)(handler >> 32);
}

static void install_idt(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint64_t)idt };

	for (unsigned v = 0; v < 256; v++)
		set_gate(v, 0);
	set_gate(2, IST_NMI);
	set_gate(8, IST_DF);
	set_gate(18, IST_MC);
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void cpu_tables_init(void)
{
	real_gdt[SEL_MON_CODE / 8] = 0x00af9a000000ffffull;  /* 64-bit, DPL 0 */
	real_gdt[SEL_MON_DATA / 8] = 0x00cf92000000ffffull;
	load_gdt();
	install_tss();
	install_idt();
}
