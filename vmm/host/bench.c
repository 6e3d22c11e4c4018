/* bench.c - `vmm bench`: run the benchmark suite natively and under each
 * shadow policy, and compare.
 *
 * The problem: the cost of trap-and-emulate and of shadow paging shows only
 * against the same work done natively, and the choice between the policies
 * (trace, lazy, hybrid) only when the same workloads run under each. By
 * hand that is a dozen `vmm run`s, their consoles and reports read side by
 * side.
 *
 * The approach: bench runs `vmm run` itself, as a child process, once per
 * workload and configuration - natively first, then under each policy -
 * and reads back what each run left: the guest's console, whose lines
 * "bench NAME iters=N cycles_per_op=C" are the guest's own timings, and the
 * monitor's report, which `vmm run --report-json` writes to a file
 * (report_json.c reads it). A workload is one guest command line; by
 * default each benchmark of the project's OS runs alone, so the monitor's
 * report of that run is the split of that benchmark (the kernel
 * benchmarks, which the OS runs together, share one). bench_table.c turns
 * the results into the tables and JSON, chart.c into the chart.
 */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "chart.h"
#include "report_json.h"
#include "verdict.h"

#define BENCH_DEFAULT_TIMEOUT_S 600
#define MAX_INITRDS 8

/* The workloads of the project's OS (guest-os/user/suite.c runs the same
 * benchmarks one after the other): "true" boots and exits, the cost under
 * every other run; "kbench" runs the kernel's nanobenchmarks. */
static const char *const full_plan[] = {
    "true", "kbench", "bench syscall", "bench callret", "bench pgfault",
    "bench divzero", "bench ctxsw", "bench forkwait", "bench exec",
    "bench mapunmap", "bench compute",
};

/* --quick: a few benchmarks with fewer iterations, for tests. */
static const char *const quick_plan[] = {
    "bench syscall 2000", "bench pgfault 2000", "bench forkwait 20",
};

struct bench_options {
    const char *guest;          /* NULL: <dir of vmm>/guests/os.elf */
    const char *policies;       /* comma-separated */
    const char *json, *chart;   /* output files, or NULL */
    const char *append;         /* one workload with this command line */
    const char *initrds[MAX_INITRDS];
    size_t n_initrds;
    unsigned timeout_s;
    bool quick, quiet, help;
};

/* Everything a bench run needs while it runs. */
struct bench {
    struct bench_options o;
    char vmm[PATH_MAX];         /* this executable */
    char guest[PATH_MAX];
    char default_initrd[PATH_MAX];
    char tmpdir[PATH_MAX];      /* console, errors and report of a run */
    FILE *json, *chart;
    struct bench_results results;
    unsigned done, total;       /* runs, for the progress lines */
    bool failed;                /* some run did not power off with 0 */
};

/* The child `vmm run` in progress, for the signal handler. */
static volatile pid_t running_child;
static volatile sig_atomic_t interrupted;

/* Print one "vmm bench: ..." line to stderr. */
static void complain(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static void complain(const char *fmt, ...)
{
    va_list ap;

    fputs("vmm bench: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void bench_usage(FILE *out)
{
    fprintf(out,
"Usage: vmm bench [GUEST.elf] [options]\n"
"\n"
"Run the benchmark suite of the project's OS natively on QEMU and under the\n"
"monitor with each shadow policy, and print: a table of cycles per operation\n"
"(native, each policy, and the ratio to native, in the manner of Adams &\n"
"Agesen's nanobenchmark figure); for each policy, the monitor's time split\n"
"into hidden faults, traced writes, CR3 switches, privileged-instruction\n"
"emulation, device exits and the rest; and the project's four goals as\n"
"ratios with PASS or MISS. Progress goes to stderr.\n"
"\n"
"Each workload is one boot of the guest with one command line, run natively\n"
"and under each policy: \"true\" (the cost of booting), \"kbench\" (the\n"
"kernel's nanobenchmarks k.*, which share one run and so one split), and\n"
"\"bench NAME\" for each user benchmark u.*. The split of a workload covers\n"
"its whole run, boot included. Timings under QEMU without KVM are QEMU's\n"
"TSC, not a real CPU's cycles.\n"
"\n"
"GUEST.elf defaults to <dir of vmm>/guests/os.elf, with --initrd\n"
"<dir of vmm>/guests/initrd.img.\n"
"\n"
"Options:\n"
"  --policies LIST   comma-separated policies to compare, of trace, lazy and\n"
"                    hybrid (default trace,lazy,hybrid)\n"
"  --json FILE       also write the results as JSON: one record per\n"
"                    benchmark and policy (bench, policy, workload, iters,\n"
"                    native_cycles, monitor_cycles, ratio, exits, exit_cycles,\n"
"                    categories: count and cycles of each), the split of each\n"
"                    workload, and the goals\n"
"  --chart FILE      also draw the split per workload and policy as SVG\n"
"  --append CMDLINE  run the one workload CMDLINE instead (e.g. \"suite\": the\n"
"                    whole suite in one boot, one split for all of it)\n"
"  --initrd FILE     the guest's ramdisk (may be repeated)\n"
"  --quick           a short suite (syscall, pgfault, forkwait; fewer\n"
"                    iterations): for tests\n"
"  --timeout S       stop a run after S seconds (default %d)\n"
"  --quiet           no progress lines\n"
"  -h, --help        show this help\n"
"\n"
"Exit status: 0 if every run powered off with status 0; 1 if some did not\n"
"(the tables show what was measured); 64 usage; 65 or 69 as vmm run, when\n"
"the guest or the tools cannot be used; 130 interrupted.\n",
            BENCH_DEFAULT_TIMEOUT_S);
}

enum { OPT_POLICIES = 256, OPT_JSON, OPT_CHART, OPT_APPEND, OPT_INITRD,
       OPT_QUICK, OPT_TIMEOUT, OPT_QUIET };

static const struct option bench_longopts[] = {
    { "policies", required_argument, NULL, OPT_POLICIES },
    { "json",     required_argument, NULL, OPT_JSON },
    { "chart",    required_argument, NULL, OPT_CHART },
    { "append",   required_argument, NULL, OPT_APPEND },
    { "initrd",   required_argument, NULL, OPT_INITRD },
    { "quick",    no_argument,       NULL, OPT_QUICK },
    { "timeout",  required_argument, NULL, OPT_TIMEOUT },
    { "quiet",    no_argument,       NULL, OPT_QUIET },
    { "help",     no_argument,       NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

/* Split the --policies list into b->results.policies (pointing into
 * STORAGE, a copy of LIST). False, with a reason, if a name is unknown,
 * repeated, or there are too many. */
static bool parse_policies(struct bench_results *b, char *storage)
{
    char *save = NULL, *p;

    b->n_policies = 0;
    for (p = strtok_r(storage, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        if (strcmp(p, "trace") && strcmp(p, "lazy") && strcmp(p, "hybrid")) {
            complain("--policies: unknown policy '%s' (want trace, lazy, "
                     "hybrid)", p);
            return false;
        }
        for (size_t i = 0; i < b->n_policies; i++)
            if (!strcmp(b->policies[i], p)) {
                complain("--policies: '%s' given twice", p);
                return false;
            }
        b->policies[b->n_policies++] = p;
    }
    if (b->n_policies == 0)
        complain("--policies: no policy given");
    return b->n_policies > 0;
}

/* Parse the arguments (argv[0] is "bench") into *O. Returns 0 or 64. */
static int parse_options(int argc, char **argv, struct bench_options *o)
{
    char *end;
    int c;

    memset(o, 0, sizeof(*o));
    o->policies = "trace,lazy,hybrid";
    o->timeout_s = BENCH_DEFAULT_TIMEOUT_S;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", bench_longopts, NULL)) != -1) {
        switch (c) {
        case OPT_POLICIES: o->policies = optarg; break;
        case OPT_JSON:     o->json = optarg; break;
        case OPT_CHART:    o->chart = optarg; break;
        case OPT_APPEND:   o->append = optarg; break;
        case OPT_QUICK:    o->quick = true; break;
        case OPT_QUIET:    o->quiet = true; break;
        case 'h':          o->help = true; break;
        case OPT_INITRD:
            if (o->n_initrds == MAX_INITRDS)
                return complain("at most %d --initrd", MAX_INITRDS), 64;
            o->initrds[o->n_initrds++] = optarg;
            break;
        case OPT_TIMEOUT:
            errno = 0;
            o->timeout_s = (unsigned)strtoul(optarg, &end, 10);
            if (errno || *end || *optarg < '0' || *optarg > '9' ||
                o->timeout_s == 0)
                return complain("--timeout %s: want a whole number of "
                                "seconds, at least 1", optarg), 64;
            break;
        default:
            return complain("%s: %s; try 'vmm bench --help'",
                            c == ':' ? "missing value" : "unknown option",
                            argv[optind - 1]), 64;
        }
    }
    if (argc - optind > 1)
        return complain("one guest at a time; try 'vmm bench --help'"), 64;
    o->guest = optind < argc ? argv[optind] : NULL;
    return 0;
}

/* Find this executable, the guest and its default ramdisk. Returns 0, or
 * an exit status after saying why. */
static int find_files(struct bench *b)
{
    ssize_t n = readlink("/proc/self/exe", b->vmm, sizeof(b->vmm) - 1);
    char *slash;

    if (n <= 0)
        return complain("cannot find the vmm executable"), 69;
    b->vmm[n] = '\0';
    slash = strrchr(b->vmm, '/');
    snprintf(b->guest, sizeof(b->guest), "%.*s/guests/os.elf",
             (int)(slash - b->vmm), b->vmm);
    snprintf(b->default_initrd, sizeof(b->default_initrd),
             "%.*s/guests/initrd.img", (int)(slash - b->vmm), b->vmm);
    if (b->o.guest) {
        snprintf(b->guest, sizeof(b->guest), "%s", b->o.guest);
        b->default_initrd[0] = '\0';
    }
    if (b->o.n_initrds)
        b->default_initrd[0] = '\0';
    if (access(b->guest, R_OK) != 0)
        return complain("%s: %s", b->guest, strerror(errno)), 65;
    return 0;
}

/* Open the --json and --chart files and the scratch directory, before any
 * run, so that a bad name costs nothing. Returns 0 or an exit status. */
static int open_outputs(struct bench *b)
{
    const char *t = getenv("TMPDIR");

    if (b->o.json && !(b->json = fopen(b->o.json, "w")))
        return complain("--json %s: %s", b->o.json, strerror(errno)), 64;
    if (b->o.chart && !(b->chart = fopen(b->o.chart, "w")))
        return complain("--chart %s: %s", b->o.chart, strerror(errno)), 64;
    snprintf(b->tmpdir, sizeof(b->tmpdir), "%s/vmm-bench.XXXXXX",
             t && *t ? t : "/tmp");
    if (mkdtemp(b->tmpdir) == NULL) {
        complain("cannot make a scratch directory in %s: %s",
                 t && *t ? t : "/tmp", strerror(errno));
        b->tmpdir[0] = '\0';
        return 70;
    }
    return 0;
}

/* The scratch file NAME of this bench. */
static const char *scratch(const struct bench *b, const char *name)
{
    static char path[PATH_MAX + 32];

    snprintf(path, sizeof(path), "%s/%s", b->tmpdir, name);
    return path;
}

/* SIGINT/SIGTERM: remember, and stop the child `vmm run` (which stops
 * QEMU); bench ends once the child has. */
static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
    if (running_child > 0)
        kill(running_child, SIGTERM);
}

/* In the child: stdin from /dev/null, stdout and stderr into the scratch
 * files, then exec ARGV. Never returns. */
static void exec_child(const struct bench *b, char **argv)
{
    int in = open("/dev/null", O_RDONLY);
    int out = open(scratch(b, "console"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(scratch(b, "stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0600);

    if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
        dup2(err, 2) < 0)
        _exit(127);
    execv(argv[0], argv);
    _exit(127);
}

/* Run `vmm run` for WORKLOAD natively (POLICY NULL) or under POLICY; wait
 * for it. Returns its exit status (128+signal if killed, -1 if it could not
 * be started). */
static int spawn_run(const struct bench *b, const char *workload,
                     const char *policy)
{
    char timeout[16], json[PATH_MAX + 32], *argv[32];
    int n = 0, st;
    pid_t pid;

    snprintf(timeout, sizeof(timeout), "%u", b->o.timeout_s);
    argv[n++] = (char *)b->vmm;
    argv[n++] = "run";
    argv[n++] = "--quiet";
    argv[n++] = "--timeout";
    argv[n++] = timeout;
    argv[n++] = policy ? "--policy" : "--native";
    if (policy)
        argv[n++] = (char *)policy;
    for (size_t i = 0; i < b->o.n_initrds; i++) {
        argv[n++] = "--initrd";
        argv[n++] = (char *)b->o.initrds[i];
    }
    if (b->default_initrd[0]) {
        argv[n++] = "--initrd";
        argv[n++] = (char *)b->default_initrd;
    }
    argv[n++] = "--append";
    argv[n++] = (char *)workload;
    argv[n++] = "--report-json";
    snprintf(json, sizeof(json), "%s", scratch(b, "report.json"));
    argv[n++] = json;
    argv[n++] = (char *)b->guest;
    argv[n] = NULL;
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid == 0)
        exec_child(b, argv);
    if (pid < 0)
        return -1;
    running_child = pid;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    running_child = 0;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Read the whole file PATH into a new string ("" if it cannot be read). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *text = NULL;
    size_t len = 0;

    if (f == NULL)
        return strdup("");
    if (getdelim(&text, &len, '\0', f) < 0) {
        free(text);
        text = strdup("");
    }
    fclose(f);
    return text;
}

/* Record the bench lines of the run's console for WORKLOAD under POLICY
 * (-1: native). Returns how many there were. */
static unsigned collect_console(struct bench *b, size_t workload, int policy)
{
    FILE *f = fopen(scratch(b, "console"), "r");
    char *line = NULL, name[64];
    size_t cap = 0;
    unsigned iters, n = 0;
    uint64_t cpo;

    if (f == NULL)
        return 0;
    while (getline(&line, &cap, f) >= 0)
        if (bench_parse_line(line, name, sizeof(name), &iters, &cpo)) {
            bench_record(&b->results, workload, policy, name, iters, cpo);
            n++;
        }
    free(line);
    fclose(f);
    return n;
}

/* Read the run's report for WORKLOAD under policy P into its split. Put
 * the outcome in OUTCOME. True if the guest powered off with status 0. */
static bool collect_report(struct bench *b, size_t workload, int p,
                           char *outcome, size_t len)
{
    struct bench_workload *w = &b->results.workloads[workload];
    char *text = slurp(scratch(b, "report.json"));
    struct vmm_report r;
    bool ok;

    report_init(&r);
    snprintf(outcome, len, "no report");
    ok = report_parse_json(&r, text, outcome, len) &&
         !strcmp(outcome, "poweroff") && r.status == 0;
    if (p >= 0 && r.complete) {
        bench_split_report(&r, &w->split[p]);
        w->ran[p] = true;
    }
    report_free(&r);
    free(text);
    unlink(scratch(b, "report.json"));
    return ok;
}

/* Show the first lines of the failed run's stderr, indented. */
static void show_child_errors(const struct bench *b)
{
    char *text = slurp(scratch(b, "stderr")), *line, *save = NULL;
    int n = 0;

    for (line = strtok_r(text, "\n", &save); line && n < 6;
         line = strtok_r(NULL, "\n", &save), n++)
        fprintf(stderr, "    %s\n", line);
    free(text);
}

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* One run: WORKLOAD natively (P = -1) or under policy P. Returns the child's
 * exit status. */
static int run_one(struct bench *b, size_t workload, int p)
{
    const char *cmdline = b->results.workloads[workload].cmdline;
    const char *config = p < 0 ? "native" : b->results.policies[p];
    char outcome[32];
    double t0 = now();
    unsigned lines;
    int rc = spawn_run(b, cmdline, p < 0 ? NULL : config);
    bool ok;

    lines = collect_console(b, workload, p);
    ok = collect_report(b, workload, p, outcome, sizeof(outcome)) && rc == 0;
    if (p < 0)
        b->results.workloads[workload].native_ok = ok;
    else
        b->results.workloads[workload].ok[p] = ok;
    b->done++;
    if (!b->o.quiet)
        fprintf(stderr, "vmm bench: [%2u/%u] %-7s %-20s %5.1f s  %u "
                "result%s%s%s\n", b->done, b->total, config, cmdline,
                now() - t0, lines, lines == 1 ? "" : "s",
                ok ? "" : "  FAILED: ", ok ? "" : outcome);
    if (!ok && !interrupted) {
        b->failed = true;
        if (b->o.quiet)
            complain("%s %s: failed (%s, exit status %d)", config, cmdline,
                     outcome, rc);
        show_child_errors(b);
    }
    return rc;
}

/* Every workload natively, then under each policy. Returns 0, or the exit
 * status that stops the bench (interrupted, or nothing can run). */
static int run_all(struct bench *b)
{
    struct bench_results *r = &b->results;
    int rc;

    b->total = (unsigned)(r->n_workloads * (1 + r->n_policies));
    for (int p = -1; p < (int)r->n_policies; p++)
        for (size_t w = 0; w < r->n_workloads; w++) {
            rc = run_one(b, w, p);
            if (interrupted || rc == 130)
                return VMM_EXIT_INTERRUPTED;
            if (b->done == 1 && (rc == VMM_EXIT_USAGE ||
                                 rc == VMM_EXIT_BAD_GUEST ||
                                 rc == VMM_EXIT_UNAVAILABLE || rc < 0))
                return rc < 0 ? VMM_EXIT_UNAVAILABLE : rc;
        }
    return 0;
}

/* The workloads: --append's, --quick's or the full plan. */
static void plan(struct bench *b)
{
    const char *const *list = b->o.quick ? quick_plan : full_plan;
    size_t n = b->o.quick ? sizeof(quick_plan) / sizeof(quick_plan[0])
                          : sizeof(full_plan) / sizeof(full_plan[0]);

    if (b->o.append) {
        bench_add_workload(&b->results, b->o.append);
        return;
    }
    for (size_t i = 0; i < n; i++)
        bench_add_workload(&b->results, list[i]);
}

/* Print the tables; write the JSON and the chart. Returns 0 or 70 if a
 * file could not be written. */
static int tell(struct bench *b)
{
    int rc = 0;

    printf("\n== vmm bench: %s, natively and under the monitor ==\n",
           b->guest);
    bench_print_table(&b->results, stdout);
    bench_print_split(&b->results, stdout);
    bench_print_goals(&b->results, stdout);
    if (b->json) {
        bench_write_json(&b->results, b->guest, b->json);
        if (fclose(b->json) != 0)
            rc = 70, complain("--json %s: %s", b->o.json, strerror(errno));
        b->json = NULL;
    }
    if (b->chart) {
        chart_write_svg(&b->results, b->chart);
        if (fclose(b->chart) != 0)
            rc = 70, complain("--chart %s: %s", b->o.chart, strerror(errno));
        b->chart = NULL;
    }
    return rc;
}

/* Remove the scratch files, and output files that were never written. */
static void clean_up(struct bench *b)
{
    if (b->tmpdir[0]) {
        unlink(scratch(b, "console"));
        unlink(scratch(b, "stderr"));
        unlink(scratch(b, "report.json"));
        rmdir(b->tmpdir);
    }
    if (b->json) {                      /* opened, never written */
        fclose(b->json);
        unlink(b->o.json);
    }
    if (b->chart) {
        fclose(b->chart);
        unlink(b->o.chart);
    }
    bench_results_free(&b->results);
}

int bench_main(int argc, char **argv)
{
    struct sigaction sa = { .sa_handler = on_interrupt };
    static struct bench b;
    char *policies = NULL;
    int rc;

    memset(&b, 0, sizeof(b));
    if ((rc = parse_options(argc, argv, &b.o)) != 0)
        return rc;
    if (b.o.help)
        return bench_usage(stdout), 0;
    policies = strdup(b.o.policies);
    if (policies == NULL || !parse_policies(&b.results, policies)) {
        free(policies);
        return VMM_EXIT_USAGE;
    }
    if ((rc = find_files(&b)) == 0 && (rc = open_outputs(&b)) == 0) {
        plan(&b);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        rc = run_all(&b);
        if (rc == 0)
            rc = tell(&b);
        if (rc == 0 && b.failed)
            rc = 1;
    }
    clean_up(&b);
    free(policies);
    return rc;
}
