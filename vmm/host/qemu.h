/* qemu.h - the QEMU command line, and running it under coreutils timeout.
 *
 * See qemu.c for the two machine layouts (monitor mode, native mode).
 */
#ifndef VMM_HOST_QEMU_H
#define VMM_HOST_QEMU_H

#include <stdbool.h>
#include <stddef.h>

/* Monitor mode gives the machine this much RAM beyond the guest's, for the
 * monitor's own code, heap and shadow page tables. */
#define MONITOR_EXTRA_MIB 192

/* Seconds between timeout's SIGTERM to QEMU and its SIGKILL (-k). */
#define QEMU_KILL_AFTER_S 5

/* Everything that decides the QEMU command line. */
struct qemu_config {
    bool native;                /* run the guest straight on QEMU */
    const char *qemu;           /* the QEMU binary, a path or a name */
    const char *monitor;        /* monitor image (monitor mode only) */
    const char *guest;          /* guest kernel ELF */
    unsigned mem_mib;           /* guest RAM in MiB */
    const char *append;         /* guest command line ("" if none) */
    const char *const *initrds; /* extra multiboot modules */
    size_t n_initrds;
    const char *logfile;        /* debugcon file (monitor mode only) */
    unsigned timeout_s;         /* wall-clock limit; 0 means none */
    const char *policy;         /* monitor: shadow policy; NULL: default */
    const char *trace;          /* monitor: trace classes; NULL: none */
    const char *descriptors;    /* monitor: descriptor policy; NULL: default */
    unsigned shadow_mem_mib;    /* monitor: shadow budget; 0: default */
    const char *disks[2];       /* raw images for IDE primary master and
                                   slave (-drive index 0, 1); NULL: none */
};

/* How the child ("timeout ... qemu ...") ended. */
struct qemu_end {
    bool exited;                /* it exited; `status` is valid */
    int status;                 /* its exit status */
    int signal;                 /* else: the signal that killed it */
    bool interrupted;           /* vmm got SIGINT/SIGTERM and stopped it */
    double seconds;             /* wall-clock run time */
};

/* Build the NULL-terminated argument vector "timeout --foreground -k 5 S
 * qemu ..." for C. Pure: touches no file. Free it with qemu_free_argv. */
char **qemu_build_argv(const struct qemu_config *c);

/* Free a vector from qemu_build_argv (NULL is fine). */
void qemu_free_argv(char **argv);

/* Start ARGV (argv[0] searched on PATH) as a child with the terminal
 * attached, forward SIGINT/SIGTERM to it as SIGTERM, wait for it, and
 * describe its end in *END. Returns 0, or -1 with a reason in ERR if it could
 * not be started (nothing is left running then). */
int qemu_run(char *const argv[], struct qemu_end *end,
             char *err, size_t errlen);

/* As qemu_run, calling POLL(CTX) about every 50 ms while the child runs. */
int qemu_run_watched(char *const argv[], struct qemu_end *end,
                     char *err, size_t errlen, void (*poll)(void *),
                     void *ctx);

#endif
