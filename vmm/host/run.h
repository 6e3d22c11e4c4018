/* run.h - `vmm run`: check a guest, run it under the monitor (or natively)
 * in QEMU, report. See run.c.
 */
#ifndef VMM_HOST_RUN_H
#define VMM_HOST_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define RUN_DEFAULT_MEM_MIB   256
#define RUN_MIN_MEM_MIB        16
#define RUN_MAX_MEM_MIB      2048
#define RUN_DEFAULT_TIMEOUT_S 600
#define RUN_DISKS               2   /* --hda, --hdb: IDE primary master, slave */
#define RUN_DISK_SECTOR       512   /* a disk image holds at least one */

/* The options of `vmm run`, as given. */
struct run_options {
    const char *guest;          /* NULL: the default guest */
    bool native;
    bool quiet;
    bool help;
    unsigned mem_mib;
    const char *append;         /* "" if none */
    char **initrds;             /* owned; from every --initrd, in order */
    size_t n_initrds;
    unsigned timeout_s;         /* 0: no limit */
    const char *report_json;    /* NULL: none */
    const char *policy;         /* shadow sync policy; NULL: the monitor's */
    const char *trace;          /* --trace classes; NULL: no trace */
    const char *descriptors;    /* descriptor-table policy; NULL: the monitor's */
    unsigned shadow_mem_mib;    /* shadow page budget; 0: the monitor's */
    const char *disks[RUN_DISKS]; /* --hda, --hdb image files; NULL: none */
};

/* Parse `vmm run` arguments (argv[0] is "run") into *O. Returns 0, or
 * VMM_EXIT_USAGE with a one-line reason in ERR. Free with run_options_free
 * either way. */
int run_parse_options(int argc, char **argv, struct run_options *o,
                      char *err, size_t errlen);

/* Free what run_parse_options allocated. */
void run_options_free(struct run_options *o);

/* Print the help of `vmm run` to OUT. */
void run_usage(FILE *out);

/* `vmm run ...`: the whole command; returns vmm's exit status. */
int run_main(int argc, char **argv);

#endif
