/*
 * mptable.h - the Intel MultiProcessor Specification 1.4 tables for one CPU.
 *
 * A kernel finds the MP floating pointer ("_MP_", 16 bytes, 16-byte aligned)
 * by searching the first KiB of the EBDA (segment at BDA 0x40e), the last
 * KiB of base memory (KiB count at BDA 0x413), and 0xf0000-0xfffff; it points
 * to the configuration table ("PCMP") that lists the processors, buses,
 * I/O APICs and interrupt routing.  Both carry checksums (bytes sum to 0).
 *
 * Placement: the guest's RAM below 1 MiB is ordinary RAM, so whoever builds
 * the guest's memory map must mark the BIOS areas reserved, as QEMU's e820
 * does: [0x9fc00, 0xa0000) (the EBDA) and [0xf0000, 0x100000).
 */
#ifndef VMM_DEV_MPTABLE_H
#define VMM_DEV_MPTABLE_H

#include <stddef.h>
#include <stdint.h>

#define MPTABLE_FP_GPA     0xf5ba0u     /* where SeaBIOS puts it on QEMU's PC */
#define MPTABLE_TABLE_GPA  0xf5bb0u
#define BDA_EBDA_SEGMENT   0x40e        /* u16: EBDA segment */
#define BDA_BASE_MEMORY    0x413        /* u16: KiB of base memory */
#define EBDA_SEGMENT       0x9fc0
#define BASE_MEMORY_KIB    639
#define MPTABLE_IOAPIC_ID  0            /* QEMU's I/O APIC has ID 0 */

/* What the processor entry says about the CPU (CPUID leaf 1 EAX and EDX). */
struct mptable_cpu {
	uint32_t signature, features;
};

/*
 * Write the floating pointer at FP_GPA and the configuration table at
 * TABLE_GPA into guest RAM (host pointer RAM to guest-physical 0, RAM_SIZE
 * bytes).  Returns the table's length in bytes, or 0 (writing nothing) when
 * either would not fit in RAM or FP_GPA is not 16-byte aligned.
 */
size_t mptable_write(uint8_t *ram, uint64_t ram_size, uint32_t fp_gpa,
		     uint32_t table_gpa, const struct mptable_cpu *cpu);

/*
 * Write the BIOS data area words kernels use to find the EBDA and the end of
 * base memory (segment 0x9fc0, 639 KiB), as SeaBIOS leaves them.  Returns 0,
 * or -1 if RAM is too small to hold them.
 */
int mptable_write_bda(uint8_t *ram, uint64_t ram_size);

#endif
