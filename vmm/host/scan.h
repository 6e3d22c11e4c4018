/* scan.h - `vmm scan`: the census of sensitive instructions in a guest.
 * See scan.c.
 */
#ifndef VMM_HOST_SCAN_H
#define VMM_HOST_SCAN_H

#include <stdio.h>

/* How the monitor handles sensitive instruction MNEMONIC (capstone's
 * spelling, e.g. "pushfd"), or NULL if it is not one. Pure. */
const char *scan_handling(const char *mnemonic);

/* Print the census of guest ELF PATH to OUT; errors to ERR. Returns 0, or
 * 65 if the file cannot be read as an ELF with code. */
int scan_guest(const char *path, FILE *out, FILE *err);

/* `vmm scan` with its arguments (argv[0] is "scan"). */
int scan_main(int argc, char **argv);
void scan_usage(FILE *out);

#endif
