/*
 * guest_boot.c - the monitor as the guest's multiboot loader.
 *
 * QEMU hands the monitor the guest kernel as multiboot module 0 (its string is
 * "<path> <guest command line>", exactly the command line QEMU gives a
 * multiboot kernel natively) and the guest's own modules as modules 1..n.
 * The monitor does for the guest what QEMU's loader does natively: load each
 * PT_LOAD segment at its physical address, place the modules page-aligned
 * after the kernel, write a multiboot information structure with the same
 * flags, memory sizes and memory map, and enter the kernel in 32-bit
 * protected mode with paging off, flat segments, EAX = 0x2BADB002 and
 * EBX = the information, and QEMU's own boot GDT loaded (cpu/segments.c).
 * The one difference: it runs in ring 1.
 *
 * The vmm command checks the guest file with libelf before the run; these
 * checks repeat the ones that keep the monitor safe, and a failure stops the
 * run with a report.
 */
#include "guest_boot.h"

#include <string.h>

#include "../cpu/segments.h"
#include "../dev/mptable.h"
#include "x86.h"
#include "layout.h"
#include "report.h"

/* ELF32 as far as a loader needs it (System V ABI, i386 supplement). */
struct elf32_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf32_phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

#define ELFCLASS32 1
#define EM_386     3
#define PT_LOAD    1
#define PAGE       4096u

/* QEMU's PC: conventional memory ends at 639 KiB; BIOS keeps the top 128 KiB. */
#define MEM_LOWER_KIB      639
#define BIOS_RESERVED_TOP  0x20000u
#define HIGH_MEMORY        0x100000u

static _Noreturn void bad_guest(const char *why)
{
	char reason[160] = "guest kernel file: ";

	strncpy(reason + strlen(reason), why,
		sizeof(reason) - strlen(reason) - 1);
	report_guest_died(reason, 0, 0, 0, "");
}

static uint32_t align_up(uint32_t x)
{
	return (x + PAGE - 1) & ~(PAGE - 1);
}

/* Copy the PT_LOAD segments of ELF (SIZE bytes) into guest RAM. */
static uint32_t load_segments(struct vcpu *v, const uint8_t *elf, uint32_t size)
{
	const struct elf32_ehdr *eh = (const void *)elf;
	uint32_t top = 0;
	int loaded = 0;

	if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4))
		bad_guest("not an ELF file");
	if (eh->ident[4] != ELFCLASS32 || eh->machine != EM_386)
		bad_guest("not a 32-bit i386 ELF file");
	if (eh->phentsize != sizeof(struct elf32_phdr) ||
	    (uint64_t)eh->phoff + (uint64_t)eh->phnum * eh->phentsize > size)
		bad_guest("program headers lie outside the file");
	for (unsigned i = 0; i < eh->phnum; i++) {
		const struct elf32_phdr *ph =
			(const void *)(elf + eh->phoff + i * eh->phentsize);
		uint8_t *dst;

		if (ph->type != PT_LOAD || ph->memsz == 0)
			continue;
		if (ph->filesz > ph->memsz ||
		    (uint64_t)ph->offset + ph->filesz > size)
			bad_guest("a segment's data lies outside the file");
		dst = gmem_gpa_ptr(&v->mem, ph->paddr, ph->memsz);
		if (!dst)
			bad_guest("a segment lies outside guest RAM");
		memcpy(dst, elf + ph->offset, ph->filesz);
		memset(dst + ph->filesz, 0, ph->memsz - ph->filesz);
		if (ph->paddr + ph->memsz > top)
			top = ph->paddr + ph->memsz;
		loaded = 1;
	}
	if (!loaded)
		bad_guest("no loadable segment");
	v->tf->rip = eh->entry;
	return align_up(top);
}

/* Bump allocator in guest-physical memory for the loader's products. */
struct placer {
	struct vcpu *v;
	uint32_t next;
};

static uint32_t place(struct placer *p, const void *data, uint32_t len)
{
	uint32_t at = p->next;
	uint8_t *dst = gmem_gpa_ptr(&p->v->mem, at, len);

	if (!dst)
		bad_guest("kernel and modules do not fit in guest RAM");
	memcpy(dst, data, len);
	p->next = (at + len + 3) & ~3u;
	return at;
}

static uint32_t place_string(struct placer *p, const char *s)
{
	return place(p, s, (uint32_t)strlen(s) + 1);
}

/* The memory map QEMU's BIOS reports for a PC with SIZE bytes of RAM. */
static uint32_t place_mmap(struct placer *p, uint64_t size, uint32_t *len)
{
	const struct multiboot_mmap_entry map[] = {
		{ 20, 0, MEM_LOWER_KIB * 1024ull, MMAP_AVAILABLE },
		{ 20, MEM_LOWER_KIB * 1024ull, 0xa0000 - MEM_LOWER_KIB * 1024ull,
		  MMAP_RESERVED },
		{ 20, 0xf0000, 0x10000, MMAP_RESERVED },
		{ 20, HIGH_MEMORY, size - HIGH_MEMORY - BIOS_RESERVED_TOP,
		  MMAP_AVAILABLE },
		{ 20, size - BIOS_RESERVED_TOP, BIOS_RESERVED_TOP, MMAP_RESERVED },
		{ 20, 0xfffc0000, 0x40000, MMAP_RESERVED },
	};

	*len = sizeof(map);
	return place(p, map, sizeof(map));
}

/*T:020 The monitor plays the guest's boot loader: the guest sees the same
 * multiboot information QEMU would give it natively, down to the flags and
 * memory sizes, because the test of this monitor is that a guest cannot
 * tell.  Its first instruction runs at real CPL 1 with CS = 0x09: the
 * selector QEMU's loader leaves (0x08), with the ring compressed. */
/*
 * The MP floating pointer and configuration table for one CPU, and the BIOS
 * data area words that point kernels to them, where SeaBIOS puts them.
 */
static void write_mp_tables(struct vcpu *v)
{
	uint32_t id[4];
	struct mptable_cpu cpu;

	cpuid(1, 0, id);
	cpu.signature = id[0];
	cpu.features = id[3];
	if (mptable_write_bda(v->mem.ram, v->mem.size) ||
	    !mptable_write(v->mem.ram, v->mem.size, MPTABLE_FP_GPA,
			   MPTABLE_TABLE_GPA, &cpu))
		bad_guest("guest RAM too small for the MP tables");
}

void guest_boot(struct vcpu *v, const struct multiboot_info *mbi)
{
	const struct multiboot_module *mods = hpa_to_ptr(mbi->mods_addr);
	struct multiboot_module gmods[16];
	struct multiboot_info gmbi;
	struct placer p = { .v = v };
	uint32_t mmap_length;
	unsigned n;

	if (!(mbi->flags & MBI_MODS) || mbi->mods_count == 0)
		bad_guest("none given (no multiboot module)");
	n = mbi->mods_count - 1;
	if (n > 16)
		bad_guest("more than 16 modules");
	p.next = load_segments(v, hpa_to_ptr(mods[0].mod_start),
			       mods[0].mod_end - mods[0].mod_start);
	for (unsigned i = 0; i < n; i++) {
		const struct multiboot_module *m = &mods[i + 1];

		p.next = align_up(p.next);
		gmods[i].mod_start = place(&p, hpa_to_ptr(m->mod_start),
					   m->mod_end - m->mod_start);
		gmods[i].mod_end = gmods[i].mod_start + m->mod_end - m->mod_start;
		gmods[i].string = place_string(&p, hpa_to_ptr(m->string));
		gmods[i].reserved = 0;
	}

	memset(&gmbi, 0, sizeof(gmbi));
	gmbi.flags = MBI_MEMORY | MBI_BOOTDEV | MBI_CMDLINE | MBI_MODS |
		     MBI_MMAP | MBI_LOADER;
	gmbi.mem_lower = MEM_LOWER_KIB;
	gmbi.mem_upper = (uint32_t)((v->mem.size - HIGH_MEMORY -
				     BIOS_RESERVED_TOP) / 1024);
	gmbi.boot_device = 0x8000ffff;
	gmbi.cmdline = place_string(&p, hpa_to_ptr(mods[0].string));
	gmbi.mods_count = n;
	gmbi.mods_addr = n ? place(&p, gmods, n * sizeof(gmods[0])) : 0;
	gmbi.mmap_addr = place_mmap(&p, v->mem.size, &mmap_length);
	gmbi.mmap_length = mmap_length;
	gmbi.boot_loader_name = place_string(&p, "qemu");

	v->tf->rbx = place(&p, &gmbi, sizeof(gmbi));
	write_mp_tables(v);
	v->tf->rax = MULTIBOOT_BOOTLOADER_MAGIC;
	v->tf->rflags = FL_FIXED;               /* IF = 0, IOPL = 0 */
	segments_init_boot(v);
}
