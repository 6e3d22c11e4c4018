/* elfcheck.h - is this file a guest kernel the monitor (or QEMU) can load?
 *
 * See elfcheck.c for the list of checks. The check is pure: it reads the
 * file and nothing else, so the unit tests can hand it crafted ELF files.
 */
#ifndef VMM_HOST_ELFCHECK_H
#define VMM_HOST_ELFCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The legacy PC hole: VGA memory and BIOS ROMs, never guest RAM. */
#define PC_HOLE_START 0x000A0000u
#define PC_HOLE_END   0x00100000u   /* exclusive */

/* Check that PATH is a 32-bit i386 executable ELF whose loadable segments
 * fit in guest RAM [0, mem_bytes) outside the PC hole and whose entry point
 * lies in one of them. Return true if so; otherwise false, with one line
 * (no path, no newline) saying what is wrong written to errbuf. */
bool elf_check_guest(const char *path, uint64_t mem_bytes,
                     char *errbuf, size_t errlen);

#endif
