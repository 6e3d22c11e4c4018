/*
 * mmu.h - the x86 protected-mode structures this kernel builds: EFLAGS bits,
 * segment selectors, segment descriptors and interrupt gates.
 *
 * The CPU reads these formats straight out of memory, so their layout is
 * fixed by the architecture (Intel SDM vol. 3, chapters 3 and 6).  Each one is
 * drawn below next to the macros that name its fields; code elsewhere builds
 * descriptors only through these names.  The selector values are usable from
 * assembly too (vectors.S includes this file).
 */
#ifndef GUEST_MMU_H
#define GUEST_MMU_H

/*
 * EFLAGS, the bits this kernel looks at:
 *
 *   31            10   9   8   7   6   5   4   3   2   1   0
 *  +-------------+---+---+---+---+---+---+---+---+---+---+---+
 *  |  ...        |DF |IF |TF |SF |ZF | 0 |AF | 0 |PF | 1 |CF |
 *  +-------------+---+---+---+---+---+---+---+---+---+---+---+
 */
#define EFLAGS_IF (1u << 9) /* maskable interrupts enabled */

/*
 * A segment selector, as loaded into CS, DS, SS, ...:
 *
 *   15                              3   2   1   0
 *  +---------------------------------+---+-------+
 *  |         descriptor index        |TI |  RPL  |
 *  +---------------------------------+---+-------+
 *  TI = 0: the index is into the GDT.  RPL: requested privilege level.
 */
#define SEL_RPL_MASK 0x3u
#define SEL_INDEX_SHIFT 3
#define SELECTOR(index, rpl) (((index) << SEL_INDEX_SHIFT) | (rpl))

/* The flat GDT this kernel installs (gdt.c), one slot per segment. */
#define GDT_NULL 0  /* the CPU requires slot 0 to be unused */
#define GDT_KCODE 1 /* ring 0 code, base 0, limit 4 GiB */
#define GDT_KDATA 2 /* ring 0 data */
#define GDT_UCODE 3 /* ring 3 code */
#define GDT_UDATA 4 /* ring 3 data */
#define GDT_TSS 5   /* the task state segment, once gdt_install_tss ran */
#define GDT_ENTRIES 6

#define DPL_KERNEL 0
#define DPL_USER 3

#define SEG_KCODE SELECTOR(GDT_KCODE, DPL_KERNEL) /* 0x08 */
#define SEG_KDATA SELECTOR(GDT_KDATA, DPL_KERNEL) /* 0x10 */
#define SEG_UCODE SELECTOR(GDT_UCODE, DPL_USER)   /* 0x1B */
#define SEG_UDATA SELECTOR(GDT_UDATA, DPL_USER)   /* 0x23 */
#define SEG_TSS SELECTOR(GDT_TSS, DPL_KERNEL)     /* 0x28 */

#ifndef __ASSEMBLER__
#include <stdint.h>

/*
 * A code or data segment descriptor (8 bytes, little-endian):
 *
 *   63      56 55 54 53 52 51   48 47 46 45 44 43     40 39            32
 *  +----------+--+--+--+--+-------+--+-----+--+---------+----------------+
 *  |base 31:24|G |DB|L |AV|lim    |P | DPL |S |  type   |   base 23:16   |
 *  |          |  |  |  |L |19:16  |  |     |  |         |                |
 *  +----------+--+--+--+--+-------+--+-----+--+---------+----------------+
 *   31                          16 15                                   0
 *  +------------------------------+--------------------------------------+
 *  |         base 15:0            |            limit 15:0                |
 *  +------------------------------+--------------------------------------+
 *
 * Below, "access" is bits 47:40 and "flags" is bits 55:52.
 */
struct segdesc {
    uint16_t limit_lo;
    uint16_t base_lo;
    uint8_t base_mid;
    uint8_t access;    /* P | DPL | S | type */
    uint8_t limit_hi_flags; /* flags in the high nibble, limit 19:16 low */
    uint8_t base_hi;
} __attribute__((packed));

/* access byte */
#define SEG_ACCESSED (1u << 0) /* type bit 0: the CPU sets it on load */
#define SEG_RW (1u << 1)       /* code: readable; data: writable */
#define SEG_EXEC (1u << 3)     /* type bit 3: code segment */
#define SEG_S (1u << 4)        /* 1 = code/data, 0 = system descriptor */
#define SEG_DPL_SHIFT 5
#define SEG_PRESENT (1u << 7)

/* type of a system descriptor (S = 0) */
#define SEG_TYPE_TSS32 0x9u /* 32-bit TSS, available (ltr makes it 0xB: busy) */

/* flags nibble (bits 55:52 of the descriptor) */
#define SEG_FLAG_DB (1u << 2) /* 32-bit default operand size */
#define SEG_FLAG_G (1u << 3)  /* limit counts 4 KiB pages */

/*
 * An interrupt or trap gate in the IDT (8 bytes):
 *
 *   63                            48 47 46 45 44 43    40 39   37 36    32
 *  +--------------------------------+--+-----+--+--------+-------+-------+
 *  |        handler offset 31:16    |P | DPL |0 |  type  |  0 0 0|  0    |
 *  +--------------------------------+--+-----+--+--------+-------+-------+
 *   31                            16 15                                  0
 *  +--------------------------------+------------------------------------+
 *  |        code segment selector   |       handler offset 15:0          |
 *  +--------------------------------+------------------------------------+
 *
 * type 0xE is a 32-bit interrupt gate: entering it clears EFLAGS.IF.
 * DPL is the least privileged CPL allowed to reach the gate with `int n`.
 */
struct gatedesc {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t zero;
    uint8_t access; /* P | DPL | 0 | type */
    uint16_t offset_hi;
} __attribute__((packed));

#define GATE_TYPE_INTR32 0xEu
#define GATE_DPL_SHIFT 5
#define GATE_PRESENT (1u << 7)

#define IDT_ENTRIES 256

/*
 * The 32-bit task state segment, as far as a kernel without hardware task
 * switching uses it: on an interrupt or exception from ring 3, the CPU loads
 * SS:ESP from ss0:esp0 before it pushes the frame.  An I/O map base at or
 * past the limit means "no I/O permission bitmap": with IOPL 0, every port
 * access from ring 3 faults.
 *
 *   offset  field            offset  field
 *     0     link               4     esp0
 *     8     ss0               12..96 esp1 .. ldt (unused here)
 *   100     trap (bit 0)     102     iomap base
 */
struct taskstate {
    uint32_t link;
    uint32_t esp0;
    uint16_t ss0, ss0_pad;
    uint32_t unused[22]; /* esp1, ss1, esp2, ss2, cr3 .. gs, ldt */
    uint16_t trap;
    uint16_t iomap_base;
} __attribute__((packed));

/* The operand of lgdt and lidt: table limit (size - 1) and linear base. */
struct pseudodesc {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

#endif /* !__ASSEMBLER__ */
#endif /* GUEST_MMU_H */
