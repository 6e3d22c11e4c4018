/*
 * idt.c - the Interrupt Descriptor Table.
 *
 * When an exception or `int n` happens, the CPU finds the handler for vector n
 * in gate n of the IDT.  This kernel gives every vector that has a stub in
 * vectors.S (the 32 exceptions and the system call, 0x80) a 32-bit interrupt
 * gate: entering it clears EFLAGS.IF, so a handler is never interrupted
 * before it has decided what to do.  Gates are DPL 0 - `int n` from user mode
 * raises #GP instead of reaching them - except the system-call gate, which
 * user code must be able to reach, so it is DPL 3.  Vectors without a stub
 * get no gate (not present): reaching one raises #GP, which has a stub.
 */
#include "kernel.h"
#include "x86.h"

/* One stub of vectors.S: its vector and its entry point. */
struct trap_entry {
    uint32_t vector;
    void (*entry)(void);
};

extern const struct trap_entry trap_entries[], trap_entries_end[];

/* Filled in by idt_init; lives in .bss (zero = not present). */
static struct gatedesc idt[IDT_ENTRIES];

/* Return a present 32-bit interrupt gate to `entry` in the kernel code
 * segment, reachable by `int n` from privilege level `dpl` and above. */
static struct gatedesc intr_gate(void (*entry)(void), unsigned dpl)
{
    uint32_t offset = (uint32_t)entry;
    return (struct gatedesc){
        .offset_lo = (uint16_t)offset,
        .selector = SEG_KCODE,
        .zero = 0,
        .access = GATE_PRESENT | (uint8_t)(dpl << GATE_DPL_SHIFT) |
                  GATE_TYPE_INTR32,
        .offset_hi = (uint16_t)(offset >> 16),
    };
}

/* Point gate `vector` at `entry`, reachable by `int n` from privilege level
 * `dpl` and above (for entry points outside vectors.S). */
void idt_set_gate(uint32_t vector, void (*entry)(void), unsigned dpl)
{
    idt[vector] = intr_gate(entry, dpl);
}

/* Build a gate for every stub in vectors.S and load the IDT. */
void idt_init(void)
{
    for (const struct trap_entry *e = trap_entries; e < trap_entries_end; e++) {
        unsigned dpl = e->vector == T_SYSCALL ? DPL_USER : DPL_KERNEL;
        idt[e->vector] = intr_gate(e->entry, dpl);
    }
    lidt(idt, IDT_ENTRIES);
}
