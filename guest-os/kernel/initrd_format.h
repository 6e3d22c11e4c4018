/*
 * initrd_format.h - the layout of the initial ramdisk, a flat archive.
 *
 * The ramdisk holds the user programs.  It is one file, passed to the kernel
 * as the first multiboot module (QEMU's -initrd, `vmm run --initrd`), and
 * made at build time by guest-os/user/mkinitrd.c; both include this header.
 * All numbers are little-endian:
 *
 *   offset 0  +----------------------------------------+
 *             | magic "RAMDISK1" (8 bytes)             |
 *         8   | count: number of files (4 bytes)       |
 *        12   | reserved, 0 (4 bytes)                  |
 *        16   +----------------------------------------+
 *             | count entries, 32 bytes each:          |
 *             |   name, NUL-padded (24 bytes)          |
 *             |   offset of the data from offset 0 (4) |
 *             |   size of the data in bytes (4)        |
 *             +----------------------------------------+
 *             | the files' data, each starting on a    |
 *             | 16-byte boundary                       |
 *             +----------------------------------------+
 */
#ifndef GUEST_INITRD_FORMAT_H
#define GUEST_INITRD_FORMAT_H

#include <stdint.h>

#define INITRD_MAGIC "RAMDISK1"
#define INITRD_MAGIC_LEN 8
#define INITRD_NAME_LEN 24 /* including the terminating NUL */
#define INITRD_ALIGN 16
#define INITRD_MAX_FILES 64

struct initrd_header {
    char magic[INITRD_MAGIC_LEN];
    uint32_t count;
    uint32_t reserved;
};

struct initrd_entry {
    char name[INITRD_NAME_LEN];
    uint32_t offset;
    uint32_t size;
};

#endif /* GUEST_INITRD_FORMAT_H */
