/*
 * suite.c - run every user-level benchmark, one after the other.
 *
 * The boot command line "suite" runs the kernel-level benchmarks in the
 * kernel and then this program (kernel/osmain.c).  Each benchmark runs as
 * its own process, `bench NAME`, so each starts from the same state; the
 * suite waits for it and checks that it exited with 0.  The output is the
 * benchmarks' "bench" lines and a last line with the count; the exit
 * status is the number of benchmarks that failed.
 */
#include "user.h"

static const char *const names[] = {
    "syscall", "callret", "pgfault", "divzero", "ctxsw",
    "forkwait", "exec", "mapunmap", "compute",
};

/* Run `bench name`; return 1 if it did not exit with 0. */
static int run_bench(const char *name)
{
    int pid = fork();
    if (pid == 0) {
        char *argv[] = {"bench", (char *)name, 0};
        exec("bench", argv);
        exit(127);
    }
    int status = -1;
    if (pid < 0 || wait(&status) != pid || status != 0) {
        printf("suite: bench %s failed (status 0x%x)\n", name, status);
        return 1;
    }
    return 0;
}

int main(void)
{
    int failed = 0;
    int count = (int)(sizeof(names) / sizeof(names[0]));
    for (int i = 0; i < count; i++)
        failed += run_bench(names[i]);
    printf("suite: %d benchmarks, %d failed\n", count, failed);
    return failed;
}
