/* host_elfgen.h - write small guest ELF files, good and broken, for the
 * tests of vmm's guest check. See host_elfgen.c.
 */
#ifndef HOST_ELFGEN_H
#define HOST_ELFGEN_H

#include <stdbool.h>
#include <stddef.h>

/* The guest RAM the variants are judged against: 256 MiB, vmm's default. */
#define ELFGEN_MEM_MIB 256

/* The status the valid guest powers off with (it writes it to port 0xf4). */
#define ELFGEN_VALID_STATUS 5

/* One test file: its name, and the substring vmm's one-line complaint must
 * contain (NULL: the file is a good guest). */
struct elf_variant {
    const char *name;
    const char *expect;
};

/* All variants, ending with { NULL, NULL }. The first is "valid". */
extern const struct elf_variant elf_variants[];

/* Write the variant called NAME to PATH ("missing" writes nothing).
 * Returns the variant, or NULL if NAME is unknown or the write failed. */
const struct elf_variant *elfgen_write(const char *name, const char *path);

#endif
