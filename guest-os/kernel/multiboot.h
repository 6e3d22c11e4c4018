/*
 * multiboot.h - what a Multiboot (version 1) boot loader hands the kernel.
 *
 * QEMU's -kernel option, GRUB and the monitor all boot this kernel the same
 * way: 32-bit protected mode, paging off, flat segments, EAX holding
 * MULTIBOOT_BOOT_MAGIC and EBX the physical address of the information
 * structure below.  Each field is valid only if its bit in `flags` is set.
 * The header that asks for this lives in boot.S.
 */
#ifndef GUEST_MULTIBOOT_H
#define GUEST_MULTIBOOT_H

/* In the kernel image: the header a loader searches the first 8 KiB for. */
#define MULTIBOOT_HEADER_MAGIC 0x1BADB002u
#define MULTIBOOT_HEADER_PAGE_ALIGN (1u << 0) /* load modules page-aligned */
#define MULTIBOOT_HEADER_MEMORY_INFO (1u << 1) /* fill in mem_lower/upper */

/* In EAX at entry: proof that a multiboot loader started us. */
#define MULTIBOOT_BOOT_MAGIC 0x2BADB002u

#ifndef __ASSEMBLER__
#include <stdint.h>

/*
 * The multiboot information structure (the fields up to the memory map):
 *
 *   offset  field         valid if flags bit
 *     0     flags         -
 *     4     mem_lower     0  (KiB of memory below 1 MiB)
 *     8     mem_upper     0  (KiB of memory above 1 MiB, up to the first hole)
 *    12     boot_device   1
 *    16     cmdline       2  (physical address of a NUL-terminated string)
 *    20     mods_count    3
 *    24     mods_addr     3
 *    28     syms[4]       4 or 5
 *    44     mmap_length   6
 *    48     mmap_addr     6
 */
struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower;
    uint32_t mem_upper;
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count;
    uint32_t mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length;
    uint32_t mmap_addr;
};

/*
 * A module (mods_addr points at mods_count of them): a file the loader put
 * in memory, page-aligned, at [mod_start, mod_end), with its command line
 * (QEMU: the file name given to -initrd) at `string`.
 */
struct multiboot_module {
    uint32_t mod_start;
    uint32_t mod_end;
    uint32_t string;
    uint32_t reserved;
};

/*
 * An entry of the memory map (mmap_addr, mmap_length bytes of them).  `size`
 * counts the bytes after itself, so the next entry is at
 * (char *)entry + entry->size + 4.
 */
struct multiboot_mmap_entry {
    uint32_t size;
    uint64_t addr;
    uint64_t len;
    uint32_t type; /* MMAP_AVAILABLE: usable RAM; anything else: not */
} __attribute__((packed));

#define MMAP_AVAILABLE 1

#define MBI_FLAG_MEMORY (1u << 0)
#define MBI_FLAG_BOOT_DEVICE (1u << 1)
#define MBI_FLAG_CMDLINE (1u << 2)
#define MBI_FLAG_MODULES (1u << 3)
#define MBI_FLAG_MMAP (1u << 6)

#endif /* !__ASSEMBLER__ */
#endif /* GUEST_MULTIBOOT_H */
