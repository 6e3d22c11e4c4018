/*
 * devices_mp.c - the MP tables, found the way the MultiProcessor
 * Specification 1.4 says a kernel finds them.
 *
 * The problem: xv6 and Linux learn the CPU, the local and I/O APIC
 * addresses and the ISA interrupt routing from the MP floating pointer
 * ("_MP_") and its configuration table ("PCMP").  Natively SeaBIOS writes
 * them; under the monitor there is no BIOS, and guest_boot writes them
 * (vmm/dev/mptable.c).  A kernel must find them by the standard search and
 * read the same machine from them.
 *
 * The approach: search the first KiB of the EBDA (its segment at 0x40e in
 * the BIOS data area), then the last KiB of base memory (its size in KiB at
 * 0x413), then 0xf0000-0xfffff, on 16-byte boundaries; check both
 * checksums; print what a kernel takes from the tables.  By design the two
 * machines differ in one respect - QEMU's has a PCI bus, interrupt entries
 * for its PCI devices and no ISA entries for IRQs 5, 9, 10 and 11, which
 * it gives to PCI; the monitor's has no PCI - so only the ISA bus is
 * printed, and interrupt entries only for ISA sources other than those.
 * Addresses are printed only where the specification fixes them.
 */
#include "devices.h"

#define BDA_EBDA_SEGMENT 0x40e
#define BDA_BASE_KIB 0x413
#define BIOS_ROM 0xf0000u
#define BIOS_ROM_END 0x100000u
#define FP_SIZE 16
#define HEADER_SIZE 44

/* Entry types, and their sizes. */
#define MP_PROCESSOR 0
#define MP_BUS 1
#define MP_IOAPIC 2
#define MP_IOINTR 3
#define MP_LINTR 4
#define PROCESSOR_SIZE 20
#define ENTRY_SIZE 8
/* SeaBIOS leaves out the ISA entries of the IRQs QEMU's PC gives to PCI. */
#define QEMU_PCI_IRQS ((1u << 5) | (1u << 9) | (1u << 10) | (1u << 11))

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

/* The 16-bit word at physical address PA (hidden from GCC's bounds checks:
 * the BIOS data area sits in the first page). */
static uint16_t phys16(uint32_t pa)
{
    const volatile uint16_t *p;

    asm("" : "=r"(p) : "0"(pa));
    return *p;
}

static uint8_t sum(const uint8_t *p, uint32_t n)
{
    uint8_t s = 0;

    for (uint32_t i = 0; i < n; i++)
        s = (uint8_t)(s + p[i]);
    return s;
}

static int is_fp(const uint8_t *p)
{
    return p[0] == '_' && p[1] == 'M' && p[2] == 'P' && p[3] == '_' &&
           sum(p, FP_SIZE) == 0;
}

/* A floating pointer with a valid checksum in [BASE, BASE + LEN), or 0. */
static const uint8_t *search(uint32_t base, uint32_t len)
{
    for (uint32_t a = base; a + FP_SIZE <= base + len; a += 16)
        if (is_fp((const uint8_t *)a))
            return (const uint8_t *)a;
    return 0;
}

/* The floating pointer, and which area it was found in. */
static const uint8_t *find_fp(const char **where)
{
    uint32_t ebda = (uint32_t)phys16(BDA_EBDA_SEGMENT) << 4;
    uint32_t base_top = (uint32_t)phys16(BDA_BASE_KIB) * 1024;
    const uint8_t *fp;

    kprintf("mp: bda: ebda segment 0x%04x, base memory %u KiB\n", ebda >> 4,
            base_top / 1024);
    if (ebda && (fp = search(ebda, 1024))) {
        *where = "the first KiB of the ebda";
        return fp;
    }
    if ((fp = search(base_top - 1024, 1024))) {
        *where = "the last KiB of base memory";
        return fp;
    }
    *where = "the bios rom area";
    return search(BIOS_ROM, BIOS_ROM_END - BIOS_ROM);
}

/* Print N bytes at P as text. */
static void print_text(const uint8_t *p, int n)
{
    while (n > 0 && p[n - 1] == ' ')
        n--;
    kprintf("\"");
    for (int i = 0; i < n; i++)
        kprintf("%c", p[i]);
    kprintf("\"");
}

/* The ID of the bus named "ISA" among the entries, or -1. */
static int isa_bus_id(const uint8_t *e, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++) {
        if (e[0] == MP_BUS && e[2] == 'I' && e[3] == 'S' && e[4] == 'A')
            return e[1];
        e += e[0] == MP_PROCESSOR ? PROCESSOR_SIZE : ENTRY_SIZE;
    }
    return -1;
}

static void print_entry(const uint8_t *e, int isa)
{
    static const char *const int_types[] = { "int", "nmi", "smi", "extint" };
    const char *type = e[1] < 4 ? int_types[e[1]] : "?";

    switch (e[0]) {
    case MP_PROCESSOR:
        kprintf("mp: processor: apic id %u version 0x%02x flags 0x%02x\n",
                e[1], e[2], e[3]);
        break;
    case MP_BUS:
        if (e[1] == isa)
            kprintf("mp: bus \"ISA\"\n");
        break;
    case MP_IOAPIC:
        kprintf("mp: ioapic: id %u version 0x%02x flags 0x%02x at 0x%08x\n",
                e[1], e[2], e[3], get32(e + 4));
        break;
    case MP_IOINTR:
        if (e[4] == isa && !(QEMU_PCI_IRQS & (1u << e[5])))
            kprintf("mp: isa irq %u: %s, flags 0x%04x, to ioapic %u pin %u\n",
                    e[5], type, get16(e + 2), e[6], e[7]);
        break;
    case MP_LINTR:
        kprintf("mp: local interrupt: %s, flags 0x%04x, source %s irq %u, to "
                "apic 0x%02x lint%u\n", type, get16(e + 2),
                e[4] == isa ? "isa" : "other", e[5], e[6], e[7]);
        break;
    default:
        kprintf("mp: entry of unknown type %u\n", e[0]);
        break;
    }
}

static void config_table(const uint8_t *t)
{
    uint16_t len = get16(t + 4), count = get16(t + 34);
    const uint8_t *e = t + HEADER_SIZE;
    int isa;

    if (!(t[0] == 'P' && t[1] == 'C' && t[2] == 'M' && t[3] == 'P')) {
        kprintf("mp: no PCMP table where the pointer points\n");
        return;
    }
    kprintf("mp: table: spec rev %u, checksum %s, oem ", t[6],
            sum(t, len) == 0 ? "ok" : "BAD");
    print_text(t + 8, 8);
    kprintf(" product ");
    print_text(t + 16, 12);
    kprintf(", local apic at 0x%08x\n", get32(t + 36));
    isa = isa_bus_id(e, count);
    for (uint32_t i = 0; i < count && e < t + len; i++) {
        print_entry(e, isa);
        e += e[0] == MP_PROCESSOR ? PROCESSOR_SIZE : ENTRY_SIZE;
    }
}

void mp_section(void)
{
    const char *where;
    const uint8_t *fp = find_fp(&where);

    if (!fp) {
        kprintf("mp: no floating pointer found\n");
        return;
    }
    kprintf("mp: floating pointer in %s, checksum ok, length %u, spec rev "
            "%u, features 0x%02x 0x%02x\n", where, fp[8] * 16, fp[9], fp[11],
            fp[12]);
    if (get32(fp + 4) == 0) {
        kprintf("mp: default configuration %u\n", fp[11]);
        return;
    }
    config_table((const uint8_t *)get32(fp + 4));
}
