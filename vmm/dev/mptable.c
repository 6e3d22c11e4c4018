/*
 * mptable.c - the MP floating pointer and configuration table.
 *
 * Problem: xv6-class kernels learn that there is one CPU, where its local
 * APIC and the I/O APIC are, and how ISA interrupts reach the I/O APIC pins
 * only from the MP tables (QEMU's SeaBIOS writes them; this monitor has no
 * BIOS).  xv6's mp.c checks the "_MP_" signature and checksum, the "PCMP"
 * table's version (1 or 4) and checksum, and reads the processor and I/O APIC
 * entries; Linux also reads the bus and interrupt entries.
 *
 * Approach: build the structures byte by byte at the guest-physical
 * addresses the caller chooses, like SeaBIOS's tables on QEMU's PC (checked
 * natively: floating pointer at 0xf5ba0, OEM "BOCHSCPU", product "0.1", I/O
 * APIC ID 0, version 0x11), with one difference: there is no PCI bus, so the
 * ISA bus has ID 0 and all ISA IRQs but 2 are listed (SeaBIOS leaves out those
 * it gives to PCI).  IRQ 0 goes to pin 2, as the board wires the PIT.
 *
 *   floating pointer (16 bytes)             table header (44 bytes)
 *   0  "_MP_"                               0  "PCMP"      4 length (u16)
 *   4  table address (u32)                  6  version 4   7 checksum
 *   8  length in 16-byte units (1)          8  OEM ID (8)  16 product ID (12)
 *   9  version (4)  10 checksum             28 OEM table (u32) 32 its size (u16)
 *   11 feature 1 (0: table present)         34 entry count (u16)
 *   12 feature 2 (bit 7: IMCR; 0: virtual   36 local APIC address (u32)
 *      wire mode)  13-15 reserved           40 ext. length (u16) 42 ext. sum
 */
#include "mptable.h"

#include <string.h>

#include "ioapic.h"
#include "lapic.h"

#define FP_SIZE             16
#define HEADER_SIZE         44
#define PROCESSOR_SIZE      20
#define ENTRY_SIZE          8
#define SPEC_REV_1_4        4
#define ENTRY_PROCESSOR     0
#define ENTRY_BUS           1
#define ENTRY_IOAPIC        2
#define ENTRY_IO_INTERRUPT  3
#define ENTRY_LOCAL_INTERRUPT 4
#define INT_TYPE_INT        0
#define INT_TYPE_NMI        1
#define INT_TYPE_EXTINT     3
#define CPU_ENABLED         0x01
#define CPU_BOOTSTRAP       0x02
#define IOAPIC_ENABLED      0x01
#define MP_IOAPIC_VERSION   0x11
#define MP_LAPIC_VERSION    0x14
#define ISA_BUS_ID          0
#define ISA_IRQS            16
#define PIT_IRQ             0
#define PIT_IOAPIC_PIN      2
#define CASCADE_IRQ         2
#define ALL_LAPICS          0xff
#define LINT0               0
#define LINT1               1
#define TABLE_ENTRIES       (1 + 1 + 1 + (ISA_IRQS - 1) + 2)
#define TABLE_SIZE          (HEADER_SIZE + PROCESSOR_SIZE + (TABLE_ENTRIES - 1) * ENTRY_SIZE)

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

/* The byte that makes the N bytes at P sum to zero. */
static uint8_t checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + p[i]);
	return (uint8_t)-sum;
}

static uint8_t *put_processor(uint8_t *p, const struct mptable_cpu *cpu)
{
	p[0] = ENTRY_PROCESSOR;
	p[1] = 0;                       /* local APIC ID */
	p[2] = MP_LAPIC_VERSION;
	p[3] = CPU_ENABLED | CPU_BOOTSTRAP;
	put32(p + 4, cpu->signature);
	put32(p + 8, cpu->features);
	return p + PROCESSOR_SIZE;
}

static uint8_t *put_isa_bus(uint8_t *p)
{
	p[0] = ENTRY_BUS;
	p[1] = ISA_BUS_ID;
	memcpy(p + 2, "ISA   ", 6);
	return p + ENTRY_SIZE;
}

static uint8_t *put_ioapic(uint8_t *p)
{
	p[0] = ENTRY_IOAPIC;
	p[1] = MPTABLE_IOAPIC_ID;
	p[2] = MP_IOAPIC_VERSION;
	p[3] = IOAPIC_ENABLED;
	put32(p + 4, IOAPIC_BASE);
	return p + ENTRY_SIZE;
}

/* An interrupt entry; flags 0: polarity and trigger conform to the bus. */
static uint8_t *put_interrupt(uint8_t *p, uint8_t entry, uint8_t type,
			      uint8_t src_irq, uint8_t dest, uint8_t pin)
{
	p[0] = entry;
	p[1] = type;
	put16(p + 2, 0);
	p[4] = ISA_BUS_ID;
	p[5] = src_irq;
	p[6] = dest;
	p[7] = pin;
	return p + ENTRY_SIZE;
}

static void put_header(uint8_t *t)
{
	memcpy(t, "PCMP", 4);
	put16(t + 4, TABLE_SIZE);
	t[6] = SPEC_REV_1_4;
	memcpy(t + 8, "BOCHSCPU", 8);
	memcpy(t + 16, "0.1         ", 12);
	put16(t + 34, TABLE_ENTRIES);
	put32(t + 36, LAPIC_BASE);
}

static void put_floating_pointer(uint8_t *fp, uint32_t table_gpa)
{
	memcpy(fp, "_MP_", 4);
	put32(fp + 4, table_gpa);
	fp[8] = 1;
	fp[9] = SPEC_REV_1_4;
	fp[10] = checksum(fp, FP_SIZE);
}

static int fits(uint64_t ram_size, uint32_t gpa, uint64_t size)
{
	return gpa <= ram_size && size <= ram_size - gpa;
}

size_t mptable_write(uint8_t *ram, uint64_t ram_size, uint32_t fp_gpa,
		     uint32_t table_gpa, const struct mptable_cpu *cpu)
{
	uint8_t *t = ram + table_gpa, *p;

	if ((fp_gpa & 15) || !fits(ram_size, fp_gpa, FP_SIZE) ||
	    !fits(ram_size, table_gpa, TABLE_SIZE))
		return 0;
	memset(t, 0, TABLE_SIZE);
	put_header(t);
	p = put_processor(t + HEADER_SIZE, cpu);
	p = put_isa_bus(p);
	p = put_ioapic(p);
	for (uint8_t irq = 0; irq < ISA_IRQS; irq++)
		if (irq != CASCADE_IRQ)
			p = put_interrupt(p, ENTRY_IO_INTERRUPT, INT_TYPE_INT, irq,
					  MPTABLE_IOAPIC_ID,
					  irq == PIT_IRQ ? PIT_IOAPIC_PIN : irq);
	p = put_interrupt(p, ENTRY_LOCAL_INTERRUPT, INT_TYPE_EXTINT, 0, 0, LINT0);
	put_interrupt(p, ENTRY_LOCAL_INTERRUPT, INT_TYPE_NMI, 0, ALL_LAPICS, LINT1);
	t[7] = checksum(t, TABLE_SIZE);

	memset(ram + fp_gpa, 0, FP_SIZE);
	put_floating_pointer(ram + fp_gpa, table_gpa);
	return TABLE_SIZE;
}

int mptable_write_bda(uint8_t *ram, uint64_t ram_size)
{
	if (!fits(ram_size, BDA_EBDA_SEGMENT, 2) || !fits(ram_size, BDA_BASE_MEMORY, 2))
		return -1;
	put16(ram + BDA_EBDA_SEGMENT, EBDA_SEGMENT);
	put16(ram + BDA_BASE_MEMORY, BASE_MEMORY_KIB);
	return 0;
}
