/* run.c - `vmm run`: from a file name to a guest's exit report.
 *
 * The problem: running a guest under the monitor takes a dozen QEMU options,
 * a scratch file for the monitor's log, a guest that is actually loadable,
 * and reading the results back out of three places (QEMU's exit status,
 * timeout's exit status, the monitor's log). Each failure along the way must
 * say, in one line, what went wrong.
 *
 * The approach: one pass, in this order, stopping at the first failure:
 *   1. parse the options                            (usage error: 64)
 *   2. check the guest ELF, the --initrd files and  (unusable file: 65)
 *      the --hda/--hdb disk images
 *   3. find QEMU and the monitor image              (missing: 69)
 *   4. open --report-json, create the monitor log
 *   5. run QEMU under timeout, guest console on this terminal (qemu.c)
 *   6. parse the monitor's report from the log (report.c), decide the
 *      outcome and exit status (verdict.c), print the report, write JSON,
 *      delete the log unless it explains a failure or VMM_KEEP_LOG is set.
 * Nothing is started before steps 1-3 pass, so a bad guest never reaches
 * QEMU.
 */
#include "run.h"
#include "tracer.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfcheck.h"
#include "paths.h"
#include "qemu.h"
#include "report.h"
#include "verdict.h"

/* One run: its options, the files it found, and how it ended. */
struct run {
    struct run_options o;
    char guest[PATH_MAX];
    char qemu[PATH_MAX];
    char monitor[PATH_MAX];
    char log[PATH_MAX];         /* "" in native mode */
    FILE *json;                 /* --report-json, or NULL */
    struct qemu_end end;
    struct vmm_report report;
    struct verdict verdict;
};

/* Print one "vmm: ..." line to stderr: for errors and warnings. */
static void complain(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static void complain(const char *fmt, ...)
{
    va_list ap;

    fputs("vmm: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Print one "vmm: ..." line of chatter to stderr, unless --quiet. */
static void say(const struct run *run, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void say(const struct run *run, const char *fmt, ...)
{
    va_list ap;

    if (run->o.quiet)
        return;
    fputs("vmm: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void run_usage(FILE *out)
{
    fprintf(out,
"Usage: vmm run [GUEST.elf] [options]\n"
"\n"
"Run a 32-bit multiboot guest kernel de-privileged under the trap-and-emulate\n"
"monitor, inside QEMU, with the guest's serial console on this terminal\n"
"(^C stops it). When the guest powers off, print the monitor's report: VM\n"
"exits by cause and emulated instructions, with counts and cycles, and other\n"
"counters.\n"
"\n"
"GUEST.elf defaults to the project's OS, <dir of vmm>/guests/os.elf, with its\n"
"ramdisk guests/initrd.img (unless --initrd names others): with no --append\n"
"it runs its benchmark suite. Before starting QEMU,\n"
"vmm checks that it is a 32-bit (ELFCLASS32) i386 executable (ET_EXEC) ELF\n"
"file with at least one PT_LOAD segment; that each segment's file data is in\n"
"the file and its physical range is inside guest RAM and clear of the PC hole\n"
"0xa0000-0xfffff; and that the entry point is inside a loadable segment.\n"
"\n"
"Options:\n"
"  --native              run the guest directly on QEMU, without the monitor,\n"
"                        for comparison (no report)\n"
"  --mem MiB             guest RAM in MiB, %d..%d (default %d); under the\n"
"                        monitor the machine gets %d MiB more for the monitor\n"
"  --append CMDLINE      the guest's command line; the guest sees\n"
"                        \"GUEST.elf CMDLINE\" (as QEMU gives any multiboot\n"
"                        kernel)\n"
"  --initrd FILE[,FILE...]\n"
"                        extra multiboot modules, in order (may be repeated);\n"
"                        names may not contain ',' or ' '\n"
"  --hda FILE            a raw disk image (at least 512 bytes, readable and\n"
"                        writable) as the guest's IDE primary master; the\n"
"                        guest's writes go to FILE (under the monitor too:\n"
"                        it drives the machine's disk, which is FILE)\n"
"  --hdb FILE            the same, as the IDE primary slave\n"
"  --policy P            how the shadow page tables stay coherent with the\n"
"                        guest's: trace (write-protect and emulate writes to\n"
"                        guest page tables), lazy (no traces:\n"
"                        drop shadows where the guest flushes its TLB), or\n"
"                        hybrid (trace, but let busy page tables go out of\n"
"                        sync until the next CR3 load or invlpg; the\n"
"                        default, as measured in docs/shadow-paging.md)\n"
"  --descriptors P       how the real GDT and LDT stay coherent with the\n"
"                        guest's: trace (write-protect the frames holding\n"
"                        them and re-read each descriptor written: exact),\n"
"                        sync (re-read only at lgdt, lldt, ltr, mov ss and\n"
"                        faulting segment loads), or hybrid (trace, but stop\n"
"                        tracing a table whose page takes 64 writes in a row\n"
"                        that change no descriptor, until its next lgdt or\n"
"                        lldt; the default). docs/deprivileging.md has what\n"
"                        each costs\n"
"  --shadow-mem MiB      memory for shadow page tables, 1..256 (default 8);\n"
"                        when full, the least recently used are dropped\n"
"  --timeout S           stop the guest after S seconds (default %d; 0: never)\n"
"  --report-json FILE    also write the outcome and the report to FILE as JSON;\n"
"                        \"outcome\" is poweroff, died, panic, timeout,\n"
"                        no-report, qemu-failed or interrupted\n"
"  --quiet               print only the guest console and errors\n"
"  --trace[=CLASSES]     show every exit as it happens, on stderr: guest\n"
"                        address and symbol, decoded instruction, what the\n"
"                        monitor did; CLASSES (default all) from\n"
"                        " TRACE_CLASSES "\n"
"  -h, --help            show this help\n"
"\n"
"Environment:\n"
"  VMM_MONITOR    the monitor image (default <dir of vmm>/monitor.elf)\n"
"  VMM_QEMU       the QEMU binary (default qemu-system-x86_64, on PATH)\n"
"  VMM_KEEP_LOG   if set, keep the monitor's log file and print its path\n"
"  TMPDIR         where the monitor's log file is made (default /tmp)\n"
"\n"
"Exit status:\n"
"  V     the guest powered off by writing V to port 0xf4 (the low 8 bits of\n"
"        V; with --native, 0..127, and QEMU's own errors read as V = 0)\n"
"  64    usage error, or a file name QEMU cannot take\n"
"  65    the guest, an --initrd file or a disk image cannot be used (one\n"
"        line says why); nothing was started\n"
"  69    QEMU, timeout or the monitor image is missing or cannot be run\n"
"  70    the monitor failed (its report says why), or there is no complete\n"
"        report: the monitor crashed, the machine reset, or QEMU failed (the\n"
"        monitor's log is kept and its path printed);\n"
"        with --native: QEMU exited with an even status or was killed\n"
"  71    the monitor stopped the guest (the reason and the instruction are\n"
"        printed)\n"
"  124   the guest was still running after --timeout seconds\n"
"  130   vmm was interrupted (SIGINT or SIGTERM)\n"
"A guest's own status V may equal one of these; --report-json tells them\n"
"apart.\n",
            RUN_MIN_MEM_MIB, RUN_MAX_MEM_MIB, RUN_DEFAULT_MEM_MIB,
            MONITOR_EXTRA_MIB, RUN_DEFAULT_TIMEOUT_S);
}

/* Parse the decimal number S into *OUT; false unless it is all digits and
 * within [min, max]. */
static bool parse_uint(const char *s, unsigned min, unsigned max,
                       unsigned *out)
{
    unsigned long v;
    char *end;

    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return false;
    *out = (unsigned)v;
    return true;
}

/* Add the files of one --initrd VALUE (a comma-separated list) to *O.
 * Returns 0, or VMM_EXIT_USAGE with the reason in ERR. */
static int add_initrds(struct run_options *o, const char *value,
                       char *err, size_t errlen)
{
    const char *p = value, *comma;
    size_t n;

    if (strchr(value, ',') && access(value, F_OK) == 0)
        return snprintf(err, errlen, "--initrd %s: the file name contains a "
                        "comma, which QEMU takes as a list separator; rename "
                        "the file", value), VMM_EXIT_USAGE;
    do {
        comma = strchr(p, ',');
        n = comma ? (size_t)(comma - p) : strlen(p);
        if (n == 0)
            return snprintf(err, errlen, "--initrd %s: empty file name in "
                            "the list", value), VMM_EXIT_USAGE;
        o->initrds = realloc(o->initrds, (o->n_initrds + 1) * sizeof(char *));
        if (o->initrds == NULL || !(o->initrds[o->n_initrds++] = strndup(p, n)))
            return snprintf(err, errlen, "out of memory"), VMM_EXIT_USAGE;
        p = comma + 1;
    } while (comma);
    return 0;
}

enum { OPT_NATIVE = 256, OPT_MEM, OPT_APPEND, OPT_INITRD, OPT_TIMEOUT,
       OPT_REPORT_JSON, OPT_QUIET, OPT_POLICY, OPT_SHADOW_MEM, OPT_HDA,
       OPT_HDB, OPT_TRACE, OPT_DESCRIPTORS };

static const struct option run_longopts[] = {
    { "native",      no_argument,       NULL, OPT_NATIVE },
    { "mem",         required_argument, NULL, OPT_MEM },
    { "policy",      required_argument, NULL, OPT_POLICY },
    { "shadow-mem",  required_argument, NULL, OPT_SHADOW_MEM },
    { "descriptors", required_argument, NULL, OPT_DESCRIPTORS },
    { "append",      required_argument, NULL, OPT_APPEND },
    { "initrd",      required_argument, NULL, OPT_INITRD },
    { "hda",         required_argument, NULL, OPT_HDA },
    { "hdb",         required_argument, NULL, OPT_HDB },
    { "timeout",     required_argument, NULL, OPT_TIMEOUT },
    { "report-json", required_argument, NULL, OPT_REPORT_JSON },
    { "quiet",       no_argument,       NULL, OPT_QUIET },
    { "trace",       optional_argument, NULL, OPT_TRACE },
    { "help",        no_argument,       NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

/* Apply one option C (from getopt_long) with value ARG to *O. Returns 0 or
 * VMM_EXIT_USAGE with the reason in ERR. */
static int apply_option(struct run_options *o, int c, const char *arg,
                        char *err, size_t errlen)
{
    switch (c) {
    case OPT_NATIVE:  o->native = true; return 0;
    case OPT_TRACE:
        o->trace = arg ? arg : "all";
        if (tracer_classes_ok(o->trace))
            return 0;
        return snprintf(err, errlen, "--trace=%s: want all, or classes from "
                        TRACE_CLASSES " joined by commas", o->trace),
               VMM_EXIT_USAGE;
    case OPT_QUIET:   o->quiet = true; return 0;
    case 'h':         o->help = true; return 0;
    case OPT_APPEND:  o->append = arg; return 0;
    case OPT_REPORT_JSON: o->report_json = arg; return 0;
    case OPT_INITRD:  return add_initrds(o, arg, err, errlen);
    case OPT_HDA:     o->disks[0] = arg; return 0;
    case OPT_HDB:     o->disks[1] = arg; return 0;
    case OPT_MEM:
        if (parse_uint(arg, RUN_MIN_MEM_MIB, RUN_MAX_MEM_MIB, &o->mem_mib))
            return 0;
        return snprintf(err, errlen, "--mem %s: want a whole number of MiB "
                        "from %d to %d", arg, RUN_MIN_MEM_MIB,
                        RUN_MAX_MEM_MIB), VMM_EXIT_USAGE;
    case OPT_POLICY:
        if (!strcmp(arg, "trace") || !strcmp(arg, "lazy") ||
            !strcmp(arg, "hybrid"))
            return o->policy = arg, 0;
        return snprintf(err, errlen, "--policy %s: want trace, lazy or "
                        "hybrid", arg), VMM_EXIT_USAGE;
    case OPT_DESCRIPTORS:
        if (!strcmp(arg, "trace") || !strcmp(arg, "sync") ||
            !strcmp(arg, "hybrid"))
            return o->descriptors = arg, 0;
        return snprintf(err, errlen, "--descriptors %s: want trace, sync or "
                        "hybrid", arg), VMM_EXIT_USAGE;
    case OPT_SHADOW_MEM:
        if (parse_uint(arg, 1, 256, &o->shadow_mem_mib))
            return 0;
        return snprintf(err, errlen, "--shadow-mem %s: want a whole number "
                        "of MiB from 1 to 256", arg), VMM_EXIT_USAGE;
    case OPT_TIMEOUT:
        if (parse_uint(arg, 0, 100000000, &o->timeout_s))
            return 0;
        return snprintf(err, errlen, "--timeout %s: want a whole number of "
                        "seconds (0: no limit)", arg), VMM_EXIT_USAGE;
    }
    return VMM_EXIT_USAGE;
}

/* Describe the option getopt_long could not take (it returned C) in ERR. */
static void bad_option(int c, char **argv, char *err, size_t errlen)
{
    const char *arg = argv[optind - 1];

    if (c == ':')
        snprintf(err, errlen, "option %s needs a value", arg);
    else if (optopt && optopt < 256)
        snprintf(err, errlen, "unknown option '-%c'", optopt);
    else
        snprintf(err, errlen, "unknown option '%s'", arg);
}

int run_parse_options(int argc, char **argv, struct run_options *o,
                      char *err, size_t errlen)
{
    int c, rc;

    memset(o, 0, sizeof(*o));
    o->mem_mib = RUN_DEFAULT_MEM_MIB;
    o->timeout_s = RUN_DEFAULT_TIMEOUT_S;
    o->append = "";
    optind = 0;                 /* GNU: full reset, so tests may call again */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", run_longopts, NULL)) != -1) {
        if (c == '?' || c == ':') {
            bad_option(c, argv, err, errlen);
            return VMM_EXIT_USAGE;
        }
        if ((rc = apply_option(o, c, optarg, err, errlen)) != 0)
            return rc;
    }
    if (argc - optind > 1)
        return snprintf(err, errlen, "one guest at a time: '%s' and '%s'",
                        argv[optind], argv[optind + 1]), VMM_EXIT_USAGE;
    o->guest = optind < argc ? argv[optind] : NULL;
    if (o->trace && o->native)
        return snprintf(err, errlen, "--trace watches the monitor: it does "
                        "not go with --native"), VMM_EXIT_USAGE;
    return 0;
}

void run_options_free(struct run_options *o)
{
    for (size_t i = 0; i < o->n_initrds; i++)
        free(o->initrds[i]);
    free(o->initrds);
    o->initrds = NULL;
    o->n_initrds = 0;
}

/* Step 2, the names: QEMU's multiboot loader ends a module's file name at
 * the first space, so the guest (a module under the monitor) and --initrd
 * files may not have one. Returns 0 or VMM_EXIT_USAGE after saying why. */
static int check_module_names(const struct run *run)
{
    if (!run->o.native && strchr(run->guest, ' ')) {
        complain("%s: the file name contains a space, which QEMU's multiboot "
                 "loader cannot take for a module; rename the file",
                 run->guest);
        return VMM_EXIT_USAGE;
    }
    for (size_t i = 0; i < run->o.n_initrds; i++)
        if (strchr(run->o.initrds[i], ' ')) {
            complain("--initrd %s: the file name contains a space, which "
                     "QEMU's multiboot loader cannot take; rename the file",
                     run->o.initrds[i]);
            return VMM_EXIT_USAGE;
        }
    return 0;
}

/* Step 2, the files: the guest passes elf_check_guest, and every --initrd
 * is a readable regular file. Returns 0 or VMM_EXIT_BAD_GUEST after saying
 * why in one line. */
static int check_files(const struct run *run)
{
    char why[256];
    struct stat st;
    const char *f;

    if (!elf_check_guest(run->guest, (uint64_t)run->o.mem_mib << 20, why,
                         sizeof(why))) {
        complain("%s: %s", run->guest, why);
        return VMM_EXIT_BAD_GUEST;
    }
    for (size_t i = 0; i < run->o.n_initrds; i++) {
        f = run->o.initrds[i];
        if (stat(f, &st) != 0 || access(f, R_OK) != 0) {
            complain("--initrd %s: cannot read: %s", f, strerror(errno));
            return VMM_EXIT_BAD_GUEST;
        }
        if (!S_ISREG(st.st_mode)) {
            complain("--initrd %s: not a regular file", f);
            return VMM_EXIT_BAD_GUEST;
        }
    }
    return 0;
}

/* The option that names disk I. */
static const char *disk_option(unsigned i)
{
    return i == 0 ? "--hda" : "--hdb";
}

/* Step 2, one disk: FILE (given as OPT) exists, is a regular file of at
 * least one sector or a block device, and can be opened for reading and
 * writing, as QEMU will. Returns 0 or VMM_EXIT_BAD_GUEST after saying why. */
static int check_disk(const char *opt, const char *file, struct stat *st)
{
    int fd;

    if (stat(file, st) != 0) {
        complain("%s %s: cannot use the disk image: %s", opt, file,
                 strerror(errno));
        return VMM_EXIT_BAD_GUEST;
    }
    if (!S_ISREG(st->st_mode) && !S_ISBLK(st->st_mode)) {
        complain("%s %s: not a disk image (a regular file or a block "
                 "device)", opt, file);
        return VMM_EXIT_BAD_GUEST;
    }
    if (S_ISREG(st->st_mode) && st->st_size < RUN_DISK_SECTOR) {
        complain("%s %s: %lld bytes; a disk image holds at least one "
                 "%d-byte sector", opt, file, (long long)st->st_size,
                 RUN_DISK_SECTOR);
        return VMM_EXIT_BAD_GUEST;
    }
    if ((fd = open(file, O_RDWR)) < 0) {
        complain("%s %s: cannot open for reading and writing: %s", opt, file,
                 strerror(errno));
        return VMM_EXIT_BAD_GUEST;
    }
    close(fd);
    return 0;
}

/* Step 2, the disks: each is usable, and --hda and --hdb are not one file
 * (QEMU would refuse to lock it twice). Returns 0 or VMM_EXIT_BAD_GUEST. */
static int check_disks(const struct run *run)
{
    struct stat st[RUN_DISKS];
    int rc;

    for (unsigned i = 0; i < RUN_DISKS; i++)
        if (run->o.disks[i] &&
            (rc = check_disk(disk_option(i), run->o.disks[i], &st[i])) != 0)
            return rc;
    if (run->o.disks[0] && run->o.disks[1] && st[0].st_dev == st[1].st_dev &&
        st[0].st_ino == st[1].st_ino) {
        complain("--hda %s and --hdb %s: the same file; give two images",
                 run->o.disks[0], run->o.disks[1]);
        return VMM_EXIT_BAD_GUEST;
    }
    return 0;
}

/* Step 3: find QEMU and, in monitor mode, a readable monitor image.
 * Returns 0 or VMM_EXIT_UNAVAILABLE after saying why. */
static int find_tools(struct run *run)
{
    char why[512];

    if (!paths_find_qemu(run->qemu, sizeof(run->qemu), why, sizeof(why))) {
        complain("%s", why);
        return VMM_EXIT_UNAVAILABLE;
    }
    if (run->o.native)
        return 0;
    if (!paths_monitor_image(run->monitor, sizeof(run->monitor))) {
        complain("cannot find the monitor image (set VMM_MONITOR)");
        return VMM_EXIT_UNAVAILABLE;
    }
    if (access(run->monitor, R_OK) != 0) {
        complain("monitor image %s: %s (build it, or set VMM_MONITOR)",
                 run->monitor, strerror(errno));
        return VMM_EXIT_UNAVAILABLE;
    }
    return 0;
}

/* Step 4: open the --report-json file and create the monitor's log.
 * Returns 0, or an exit status after saying why. */
static int prepare_outputs(struct run *run)
{
    char why[512];

    if (run->o.report_json && !(run->json = fopen(run->o.report_json, "w"))) {
        complain("--report-json %s: cannot create: %s", run->o.report_json,
                 strerror(errno));
        return VMM_EXIT_USAGE;
    }
    if (!run->o.native &&
        !paths_make_log(run->log, sizeof(run->log), why, sizeof(why))) {
        complain("%s", why);
        return VMM_EXIT_NO_REPORT;
    }
    return 0;
}

/* Step 5: build the command line and run QEMU to its end. Returns 0, or
 * VMM_EXIT_UNAVAILABLE if it could not be started. */
static int run_qemu(struct run *run)
{
    struct qemu_config c = {
        .native = run->o.native, .qemu = run->qemu, .monitor = run->monitor,
        .guest = run->guest, .mem_mib = run->o.mem_mib,
        .append = run->o.append,
        .initrds = (const char *const *)run->o.initrds,
        .n_initrds = run->o.n_initrds, .logfile = run->log,
        .timeout_s = run->o.timeout_s, .policy = run->o.policy,
        .descriptors = run->o.descriptors,
        .shadow_mem_mib = run->o.shadow_mem_mib,
        .disks = { run->o.disks[0], run->o.disks[1] },
        .trace = run->o.trace,
    };
    char **argv = qemu_build_argv(&c);
    struct tracer tracer;
    char why[512];
    int rc;

    say(run, "running %s %s (%u MiB guest RAM, timeout %u s)", run->guest,
        run->o.native ? "natively on QEMU" : "under the monitor",
        run->o.mem_mib, run->o.timeout_s);
    fflush(stdout);
    fflush(stderr);
    if (run->o.trace) {
        tracer_start(&tracer, run->log, run->guest, stderr);
        rc = qemu_run_watched(argv, &run->end, why, sizeof(why),
                              tracer_poll, &tracer);
        tracer_stop(&tracer);
    } else {
        rc = qemu_run(argv, &run->end, why, sizeof(why));
    }
    qemu_free_argv(argv);
    if (rc != 0) {
        complain("%s (is coreutils' timeout installed?)", why);
        return VMM_EXIT_UNAVAILABLE;
    }
    return 0;
}

/* Step 6, reading: parse the monitor's log (if any) and decide. */
static void judge(struct run *run)
{
    FILE *f;

    if (!run->o.native && (f = fopen(run->log, "r")) != NULL) {
        report_parse_stream(&run->report, f);
        fclose(f);
    }
    verdict_decide(run->o.native, &run->end, &run->report, run->o.timeout_s,
                   &run->verdict);
}

/* Step 6, telling: the report table (stdout), then the verdict's words
 * (stderr), then the JSON file. */
static void tell(struct run *run)
{
    const struct verdict *v = &run->verdict;

    fflush(stdout);
    if (!run->o.quiet && run->report.complete && !run->o.native &&
        v->kind != VERDICT_INTERRUPTED) {
        report_print(&run->report, stdout);
        report_print_profile(&run->report, run->guest, stdout);
    } else if (v->kind == VERDICT_POWEROFF)
        say(run, "guest powered off with status %u", v->status);
    fflush(stdout);
    if (v->warning[0])
        fprintf(stderr, "%s\n", v->warning);
    if (v->message[0])
        fprintf(stderr, "%s\n", v->message);
    if (run->json) {
        verdict_write_json(v, run->o.native, &run->end, &run->report,
                           run->o.timeout_s, run->json);
        if (fclose(run->json) != 0)
            complain("--report-json %s: write failed: %s",
                     run->o.report_json, strerror(errno));
        run->json = NULL;
    }
}

/* Delete the monitor's log, unless it explains a failure or VMM_KEEP_LOG is
 * set; then say where it is. */
static void dispose_log(struct run *run)
{
    if (run->log[0] == '\0')
        return;
    if (run->verdict.keep_log || getenv("VMM_KEEP_LOG"))
        complain("monitor log kept at %s", run->log);
    else
        unlink(run->log);
}

/* The default guest (the OS) needs its ramdisk, unless --initrd gave one. */
static int add_default_initrd(struct run *run)
{
    char path[4096], err[256];

    if (run->o.n_initrds)
        return 0;
    if (!paths_default_initrd(path, sizeof(path)))
        return complain("cannot find the default guest's ramdisk"),
               VMM_EXIT_USAGE;
    if (add_initrds(&run->o, path, err, sizeof(err)))
        return complain("%s", err), VMM_EXIT_USAGE;
    return 0;
}

/* Steps 2-6 for parsed options; returns vmm's exit status. */
static int run_guest(struct run *run)
{
    int rc;

    if (run->o.guest)
        snprintf(run->guest, sizeof(run->guest), "%s", run->o.guest);
    else if (!paths_default_guest(run->guest, sizeof(run->guest)))
        return complain("cannot find the default guest; name one"),
               VMM_EXIT_USAGE;
    else if ((rc = add_default_initrd(run)) != 0)
        return rc;
    if ((rc = check_module_names(run)) || (rc = check_files(run)) ||
        (rc = check_disks(run)) || (rc = find_tools(run)) || (rc = prepare_outputs(run)) ||
        (rc = run_qemu(run))) {
        if (run->json)
            fclose(run->json);
        if (run->log[0])
            unlink(run->log);
        return rc;
    }
    judge(run);
    tell(run);
    dispose_log(run);
    return run->verdict.exit_status;
}

int run_main(int argc, char **argv)
{
    struct run run;
    char err[512];
    int rc;

    memset(&run, 0, sizeof(run));
    report_init(&run.report);
    rc = run_parse_options(argc, argv, &run.o, err, sizeof(err));
    if (rc != 0) {
        complain("run: %s; try 'vmm run --help'", err);
    } else if (run.o.help) {
        run_usage(stdout);
    } else {
        rc = run_guest(&run);
    }
    report_free(&run.report);
    run_options_free(&run.o);
    return rc;
}
