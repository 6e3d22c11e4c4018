/*
 * gdt.c - the kernel's own Global Descriptor Table: flat segments.
 *
 * A multiboot loader leaves flat segments loaded but promises nothing about
 * the GDT they came from: it may be gone, or be overwritten by the time the
 * kernel next loads a selector (an interrupt reloads CS; iret reloads CS and
 * SS).  So the kernel first builds its own table - every segment based at 0
 * with a 4 GiB limit, so that segmentation drops out and addresses are just
 * linear addresses - and loads it: lgdt, a far jump to reload CS, and plain
 * moves for the data segment registers.
 *
 * The accessed bit of every descriptor is set in advance.  Otherwise the CPU
 * writes it into the table on the first load of each selector: a store to a
 * descriptor table that nobody wrote, which a monitor shadowing the table
 * would have to trace for no gain.
 */
#include "kernel.h"
#include "x86.h"

/* A flat segment (base 0, limit 4 GiB, 32-bit) with `type` bits (SEG_EXEC,
 * SEG_RW) and privilege level `dpl`, already marked accessed. */
#define SEG_FLAT(type, dpl)                                                   \
    {                                                                         \
        .limit_lo = 0xFFFF, .base_lo = 0, .base_mid = 0,                      \
        .access = SEG_PRESENT | ((dpl) << SEG_DPL_SHIFT) | SEG_S | (type) |   \
                  SEG_ACCESSED,                                               \
        .limit_hi_flags = ((SEG_FLAG_G | SEG_FLAG_DB) << 4) | 0xF,            \
        .base_hi = 0,                                                         \
    }

/* Lives in .data: gdt_install_tss fills in the TSS slot. */
static struct segdesc gdt[GDT_ENTRIES] = {
    [GDT_NULL] = {0},
    [GDT_KCODE] = SEG_FLAT(SEG_EXEC | SEG_RW, DPL_KERNEL),
    [GDT_KDATA] = SEG_FLAT(SEG_RW, DPL_KERNEL),
    [GDT_UCODE] = SEG_FLAT(SEG_EXEC | SEG_RW, DPL_USER),
    [GDT_UDATA] = SEG_FLAT(SEG_RW, DPL_USER),
};

/* Reload CS with `SEG_KCODE` by a far jump to the next instruction. */
static void reload_cs(void)
{
    asm volatile("ljmp %0, $1f\n1:" : : "i"(SEG_KCODE) : "memory");
}

/* Load the data segment registers and SS with the selector `sel`. */
static void reload_data_segments(uint16_t sel)
{
    asm volatile("movw %0, %%ds\n\t"
                 "movw %0, %%es\n\t"
                 "movw %0, %%fs\n\t"
                 "movw %0, %%gs\n\t"
                 "movw %0, %%ss"
                 :
                 : "r"(sel)
                 : "memory");
}

/* Install the flat GDT and load every segment register from it. */
void gdt_init(void)
{
    lgdt(gdt, GDT_ENTRIES);
    reload_cs();
    reload_data_segments(SEG_KDATA);
}

/* Describe the task state segment `ts` in the GDT's TSS slot and load the
 * task register with it (which marks the descriptor busy). */
void gdt_install_tss(struct taskstate *ts)
{
    uint32_t base = (uint32_t)ts;
    uint32_t limit = sizeof(*ts) - 1;
    gdt[GDT_TSS] = (struct segdesc){
        .limit_lo = (uint16_t)limit,
        .base_lo = (uint16_t)base,
        .base_mid = (uint8_t)(base >> 16),
        .access = SEG_PRESENT | (DPL_KERNEL << SEG_DPL_SHIFT) | SEG_TYPE_TSS32,
        .limit_hi_flags = 0, /* byte granularity, limit < 64 KiB */
        .base_hi = (uint8_t)(base >> 24),
    };
    ltr(SEG_TSS);
}
