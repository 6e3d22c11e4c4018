/*
 * mp.c - finding the interrupt hardware: the MultiProcessor Specification
 * tables.
 *
 * A PC's BIOS describes its processors and I/O APICs in two tables (Intel
 * MultiProcessor Specification 1.4).  The 16-byte floating pointer, tagged
 * "_MP_" and 16-byte aligned, lies in one of three places, searched in this
 * order: the first KiB of the Extended BIOS Data Area (its segment is the
 * BIOS data area's word at 0x40E), the last KiB of base memory (its size in
 * KiB is the word at 0x413), and the BIOS ROM, 0xF0000-0xFFFFF.  It points
 * to the configuration table, tagged "PCMP": a header giving the local
 * APIC's address, then one entry per processor, bus, I/O APIC and
 * interrupt assignment.  Both structures are checked: their bytes sum to 0.
 *
 * All three search areas are below 1 MiB, where the kernel's map of
 * physical memory always reaches; a configuration table is used only if it
 * lies there too (BIOSes put it next to the pointer).
 */
#include "mp.h"

#include "klib.h"
#include "memlayout.h"

#define BDA_EBDA_SEGMENT 0x40E /* u16: the EBDA's real-mode segment */
#define BDA_BASE_KIB 0x413     /* u16: KiB of base memory */
#define BIOS_ROM 0xF0000
#define BIOS_ROM_SIZE 0x10000
#define LOW_MEMORY_END 0x100000

/*
 * The floating pointer:
 *
 *   0        4         8     9      10      11    12         15
 *  +--------+---------+-----+------+-------+-----+----------+
 *  | "_MP_" | table   | len | spec | check | cfg | feature  |
 *  |        | address | /16 | rev  | sum   | type| bytes 2-5|
 *  +--------+---------+-----+------+-------+-----+----------+
 *  Feature byte 2, bit 7 (IMCRP): the IMCR is present and the BIOS left the
 *  machine in PIC mode.
 */
struct mp_pointer {
    char signature[4];
    uint32_t table_pa;
    uint8_t length; /* in 16-byte units */
    uint8_t spec_rev;
    uint8_t checksum;
    uint8_t config_type; /* 0: a configuration table follows */
    uint8_t feature2;
    uint8_t reserved[3];
} __attribute__((packed));
#define MP_FEATURE2_IMCRP 0x80u

/* The configuration table's header; the entries follow it. */
struct mp_table {
    char signature[4]; /* "PCMP" */
    uint16_t length;   /* header and entries, in bytes */
    uint8_t spec_rev;
    uint8_t checksum;
    char oem_product[20];
    uint32_t oem_table_pa;
    uint16_t oem_table_size;
    uint16_t entry_count;
    uint32_t lapic_pa;
    uint16_t ext_length;
    uint8_t ext_checksum;
    uint8_t reserved;
} __attribute__((packed));

/* The first byte of every entry says what it is, and so how long it is. */
#define MP_PROCESSOR 0 /* 20 bytes */
#define MP_BUS 1       /* 8 bytes each from here on */
#define MP_IOAPIC 2
#define MP_IOINTR 3
#define MP_LINTR 4
#define MP_PROCESSOR_SIZE 20
#define MP_ENTRY_SIZE 8

struct mp_processor {
    uint8_t type, lapic_id, lapic_version, flags;
    uint32_t signature, features, reserved[2];
} __attribute__((packed));
#define MP_CPU_ENABLED 0x01u

struct mp_ioapic {
    uint8_t type, id, version, flags;
    uint32_t pa;
} __attribute__((packed));
#define MP_IOAPIC_ENABLED 0x01u

/* Return the sum of the `len` bytes at `p` (0 for a valid table). */
static uint8_t byte_sum(const void *p, uint32_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;
    for (uint32_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + b[i]);
    return sum;
}

/* Return the valid floating pointer in physical [pa, pa + len), or 0. */
static const struct mp_pointer *search(physaddr_t pa, uint32_t len)
{
    for (physaddr_t at = pa; at + sizeof(struct mp_pointer) <= pa + len; at += 16) {
        const struct mp_pointer *fp = phys_to_virt(at);
        if (memcmp(fp->signature, "_MP_", 4) == 0 &&
            byte_sum(fp, sizeof(*fp)) == 0)
            return fp;
    }
    return 0;
}

/* Return the floating pointer from the three places the specification
 * names, searched in its order; 0 if none holds one. */
static const struct mp_pointer *find_pointer(void)
{
    const uint16_t *bda_ebda = phys_to_virt(BDA_EBDA_SEGMENT);
    const uint16_t *bda_kib = phys_to_virt(BDA_BASE_KIB);
    physaddr_t ebda = (physaddr_t)*bda_ebda << 4;
    physaddr_t base_end = (physaddr_t)*bda_kib * 1024;
    const struct mp_pointer *fp = 0;
    if (ebda != 0)
        fp = search(ebda, 1024);
    if (fp == 0 && base_end >= 1024)
        fp = search(base_end - 1024, 1024);
    if (fp == 0)
        fp = search(BIOS_ROM, BIOS_ROM_SIZE);
    return fp;
}

/* Return the checked configuration table `fp` points to, or 0. */
static const struct mp_table *find_table(const struct mp_pointer *fp)
{
    if (fp->config_type != 0 || fp->table_pa == 0 ||
        fp->table_pa >= LOW_MEMORY_END - sizeof(struct mp_table))
        return 0;
    const struct mp_table *t = phys_to_virt(fp->table_pa);
    if (memcmp(t->signature, "PCMP", 4) != 0 ||
        (t->spec_rev != 1 && t->spec_rev != 4) ||
        fp->table_pa + t->length > LOW_MEMORY_END ||
        byte_sum(t, t->length) != 0)
        return 0;
    return t;
}

/* Record the processors and the first I/O APIC of table `t` in `m`.
 * Return -1 if an entry has an unknown type. */
static int read_entries(const struct mp_table *t, struct mp_machine *m)
{
    const uint8_t *p = (const uint8_t *)(t + 1);
    const uint8_t *end = (const uint8_t *)t + t->length;
    while (p < end) {
        if (*p == MP_PROCESSOR) {
            const struct mp_processor *cpu = (const void *)p;
            m->ncpu += (cpu->flags & MP_CPU_ENABLED) != 0;
            p += MP_PROCESSOR_SIZE;
            continue;
        }
        if (*p == MP_IOAPIC) {
            const struct mp_ioapic *io = (const void *)p;
            if ((io->flags & MP_IOAPIC_ENABLED) && m->ioapic_pa == 0) {
                m->ioapic_pa = io->pa;
                m->ioapic_id = io->id;
            }
        } else if (*p != MP_BUS && *p != MP_IOINTR && *p != MP_LINTR) {
            return -1;
        }
        p += MP_ENTRY_SIZE;
    }
    return 0;
}

int mp_find(struct mp_machine *m)
{
    memset(m, 0, sizeof(*m));
    const struct mp_pointer *fp = find_pointer();
    if (fp == 0)
        return -1;
    const struct mp_table *t = find_table(fp);
    if (t == 0 || read_entries(t, m) != 0)
        return -1;
    m->lapic_pa = t->lapic_pa;
    m->imcr = (fp->feature2 & MP_FEATURE2_IMCRP) != 0;
    if (m->ncpu == 0 || m->ioapic_pa == 0 || m->lapic_pa == 0)
        return -1;
    return 0;
}
