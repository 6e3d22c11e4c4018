/*
 * x86.h - one C function per x86 instruction the kernel needs.
 *
 * C has no words for port I/O, the interrupt flag or the descriptor-table
 * registers, so each instruction is wrapped here in a tiny inline function
 * with the instruction's own name.  Code elsewhere never writes inline
 * assembly for these; it calls the wrapper, so a reader can grep for every
 * place the kernel does a privileged thing.  (The instructions that this
 * kernel executes on purpose to provoke faults live with their tests.)
 */
#ifndef GUEST_X86_H
#define GUEST_X86_H

#include <stdint.h>

#include "mmu.h"

/* Read one byte from I/O port `port`. */
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* Read `count` 32-bit words from I/O port `port` into `dst` (rep insl). */
static inline void insl(uint16_t port, void *dst, uint32_t count)
{
    asm volatile("cld; rep insl"
                 : "+D"(dst), "+c"(count)
                 : "d"(port)
                 : "memory", "cc");
}

/* Write one byte `v` to I/O port `port`. */
static inline void outb(uint16_t port, uint8_t v)
{
    asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

/* Write the 32-bit value `v` to I/O port `port`. */
static inline void outl(uint16_t port, uint32_t v)
{
    asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

/* Return EFLAGS as pushf sees it (pushf does not fault, even when
 * de-privileged: the monitor keeps the real IF equal to the virtual one). */
static inline uint32_t read_eflags(void)
{
    uint32_t eflags;
    asm volatile("pushfl; popl %0" : "=r"(eflags));
    return eflags;
}

/* Disable maskable interrupts. */
static inline void cli(void)
{
    asm volatile("cli" ::: "memory");
}

/* Enable maskable interrupts (after the next instruction). */
static inline void sti(void)
{
    asm volatile("sti" ::: "memory");
}

/* Stop the CPU until the next interrupt. */
static inline void hlt(void)
{
    asm volatile("hlt" ::: "memory");
}

/* Load GDTR with the table of `entries` descriptors at `gdt`. */
static inline void lgdt(const struct segdesc *gdt, unsigned entries)
{
    struct pseudodesc pd = {
        .limit = (uint16_t)(entries * sizeof(struct segdesc) - 1),
        .base = (uint32_t)gdt,
    };
    asm volatile("lgdt %0" : : "m"(pd) : "memory");
}

/* Load IDTR with the table of `entries` gates at `idt`. */
static inline void lidt(const struct gatedesc *idt, unsigned entries)
{
    struct pseudodesc pd = {
        .limit = (uint16_t)(entries * sizeof(struct gatedesc) - 1),
        .base = (uint32_t)idt,
    };
    asm volatile("lidt %0" : : "m"(pd) : "memory");
}

/* Read the data segment selectors.  (CS and SS are not offered: read with
 * `mov`, they show the real RPL, which differs when the kernel runs
 * de-privileged under the monitor.) */
static inline uint16_t read_ds(void)
{
    uint16_t v;
    asm volatile("movw %%ds, %0" : "=r"(v));
    return v;
}

static inline uint16_t read_es(void)
{
    uint16_t v;
    asm volatile("movw %%es, %0" : "=r"(v));
    return v;
}

static inline uint16_t read_fs(void)
{
    uint16_t v;
    asm volatile("movw %%fs, %0" : "=r"(v));
    return v;
}

static inline uint16_t read_gs(void)
{
    uint16_t v;
    asm volatile("movw %%gs, %0" : "=r"(v));
    return v;
}

/* ---- paging and the task register (the OS kernel's) -------------------- */

static inline uint32_t read_cr0(void)
{
    uint32_t v;
    asm volatile("movl %%cr0, %0" : "=r"(v));
    return v;
}

static inline void write_cr0(uint32_t v)
{
    asm volatile("movl %0, %%cr0" : : "r"(v) : "memory");
}

/* Return CR2: the linear address of the last page fault. */
static inline uint32_t read_cr2(void)
{
    uint32_t v;
    asm volatile("movl %%cr2, %0" : "=r"(v));
    return v;
}

static inline uint32_t read_cr3(void)
{
    uint32_t v;
    asm volatile("movl %%cr3, %0" : "=r"(v));
    return v;
}

/* Load CR3 with the physical address of a page directory: switches address
 * space and flushes every non-global TLB entry. */
static inline void write_cr3(uint32_t pgdir_pa)
{
    asm volatile("movl %0, %%cr3" : : "r"(pgdir_pa) : "memory");
}

static inline uint32_t read_cr4(void)
{
    uint32_t v;
    asm volatile("movl %%cr4, %0" : "=r"(v));
    return v;
}

static inline void write_cr4(uint32_t v)
{
    asm volatile("movl %0, %%cr4" : : "r"(v) : "memory");
}

/* Drop the TLB entry of the page holding linear address `va`. */
static inline void invlpg(const void *va)
{
    asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* Load the task register with the TSS selector `sel`. */
static inline void ltr(uint16_t sel)
{
    asm volatile("ltr %0" : : "r"(sel));
}

/* Return the time-stamp counter. */
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

#endif /* GUEST_X86_H */
