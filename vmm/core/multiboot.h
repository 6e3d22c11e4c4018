/*
 * multiboot.h - Multiboot (version 1) information, as a loader hands it over.
 *
 * The monitor reads one (from QEMU) and writes one (for its guest).
 */
#ifndef VMM_MULTIBOOT_H
#define VMM_MULTIBOOT_H

#include <stdint.h>

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002

#define MBI_MEMORY   (1u << 0)
#define MBI_BOOTDEV  (1u << 1)
#define MBI_CMDLINE  (1u << 2)
#define MBI_MODS     (1u << 3)
#define MBI_MMAP     (1u << 6)
#define MBI_LOADER   (1u << 9)

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;      /* KiB */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe[6];
} __attribute__((packed));

struct multiboot_module {
	uint32_t mod_start, mod_end;
	uint32_t string;
	uint32_t reserved;
} __attribute__((packed));

/* A memory map entry; SIZE counts the bytes after itself (20). */
struct multiboot_mmap_entry {
	uint32_t size;
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

#define MMAP_AVAILABLE 1
#define MMAP_RESERVED  2

#endif
