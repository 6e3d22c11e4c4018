/* host_mkelf.c - write one test guest for the shell tests of `vmm run`.
 *
 * Usage: host_mkelf VARIANT PATH
 * Writes the variant (see host_elfgen.c) to PATH and prints the words vmm's
 * complaint must contain (an empty line for the valid guest). Exit status 2
 * for an unknown variant or a failed write.
 */
#include <stdio.h>

#include "host_elfgen.h"

int main(int argc, char **argv)
{
    const struct elf_variant *v;

    if (argc != 3) {
        fprintf(stderr, "usage: host_mkelf VARIANT PATH\n");
        return 2;
    }
    v = elfgen_write(argv[1], argv[2]);
    if (v == NULL) {
        fprintf(stderr, "host_mkelf: unknown variant or cannot write %s\n",
                argv[2]);
        return 2;
    }
    printf("%s\n", v->expect ? v->expect : "");
    return 0;
}
