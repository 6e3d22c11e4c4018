/* main.c - the `vmm` command: pick the subcommand.
 *
 * The problem: people should run a guest under the monitor without ever
 * writing a QEMU command line, and learn everything the command does from
 * its --help.
 *
 * The approach: `vmm COMMAND [ARGS]`, git-style, each command in its own
 * file: `run` (run.c), `bench` (bench.c) and `scan` (scan.c).
 * `vmm --help` prints the overview and the whole help of each.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "run.h"
#include "scan.h"
#include "verdict.h"

/* Print the overview of vmm and then each command's help to OUT. */
static void usage(FILE *out)
{
    fputs(
"Usage: vmm COMMAND [ARGS...]\n"
"       vmm --help\n"
"\n"
"vmm runs an unmodified 32-bit multiboot guest kernel de-privileged under a\n"
"trap-and-emulate virtual machine monitor, inside QEMU, and reports what the\n"
"monitor did: every VM exit by cause, every emulated instruction.\n"
"\n"
"Commands:\n"
"  run       run a guest (described below)\n"
"  bench     run the benchmark suite natively and under each policy; compare\n"
"  scan      list the sensitive unprivileged instructions of a guest\n"
"  help      show this help\n"
"\n"
"vmm exits with status 64 for an unknown command or a missing one; otherwise\n"
"with the status of the command.\n"
"\n", out);
    run_usage(out);
    fputs("\n", out);
    bench_usage(out);
    fputs("\n", out);
    scan_usage(out);
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : NULL;

    if (cmd == NULL) {
        fputs("Usage: vmm COMMAND [ARGS...]; try 'vmm --help'\n", stderr);
        return VMM_EXIT_USAGE;
    }
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "run"))
        return run_main(argc - 1, argv + 1);
    if (!strcmp(cmd, "bench"))
        return bench_main(argc - 1, argv + 1);
    if (!strcmp(cmd, "scan"))
        return scan_main(argc - 1, argv + 1);
    fprintf(stderr, "vmm: unknown command '%s'; try 'vmm --help'\n", cmd);
    return VMM_EXIT_USAGE;
}
