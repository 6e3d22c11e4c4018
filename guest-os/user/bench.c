/*
 * bench.c - the user-level benchmarks, one per run: `bench NAME [ITERS]`.
 *
 * Nanobenchmarks (Adams and Agesen, ASPLOS 2006), from ring 3:
 *   u.syscall   the null system call (getpid), `int $0x80` and back
 *   u.callret   call and return: no trap (the control)
 *   u.pgfault   a load from an unmapped page: a true page fault, which the
 *               kernel hands back to the process's catch handler
 *   u.divzero   a divide by zero, handed back the same way
 * Macro workloads:
 *   u.ctxsw     two processes ping-pong a byte through two pipes; one op is
 *               a round trip: two context switches, two CR3 loads
 *   u.forkwait  fork a child that exits at once, and wait for it: address
 *               space copy (copy-on-write), teardown, scheduling
 *   u.exec      exec a program (this one) over and over: one op is an exec
 *   u.mapunmap  map 16 fresh pages, touch each, unmap them: page-table
 *               writes, invlpg, page allocation
 *   u.compute   integer arithmetic with no system call: the control whose
 *               cost a monitor should not change
 *
 * Each prints one line, "bench u.NAME iters=N cycles_per_op=C", where C is
 * TSC cycles per operation.  Only C varies between runs.
 */
#include "user.h"

void uloop_syscall(uint32_t n);
void uloop_call(uint32_t n);
void uloop_fault_load(uint32_t n, uint32_t va);
void uloop_divide_by_zero(uint32_t n);
extern const char ufault_load_resume[], udivide_resume[];

#define UNMAPPED_VA 0x00001000 /* below USER_TEXT: never mapped */
#define MAP_PAGES 16
#define PAGE 4096

/* Print the result line of `name`: `ops` operations took `cycles`. */
static void report(const char *name, uint32_t ops, uint64_t cycles)
{
    printf("bench %s iters=%u cycles_per_op=%u\n", name, ops,
           (uint32_t)(cycles / ops));
}

/* Time `loop(n)` and report it as `name`. */
static int time_loop(const char *name, void (*loop)(uint32_t), uint32_t n)
{
    uint64_t start = rdtsc();
    loop(n);
    report(name, n, rdtsc() - start);
    return 0;
}

static int bench_pgfault(uint32_t n)
{
    catch_faults(ufault_load_resume);
    uint64_t start = rdtsc();
    uloop_fault_load(n, UNMAPPED_VA);
    report("u.pgfault", n, rdtsc() - start);
    catch_faults(0);
    return 0;
}

static int bench_divzero(uint32_t n)
{
    catch_faults(udivide_resume);
    uint64_t start = rdtsc();
    uloop_divide_by_zero(n);
    report("u.divzero", n, rdtsc() - start);
    catch_faults(0);
    return 0;
}

/* The child of u.ctxsw: echo each byte from `in` to `out` until the end. */
static void echo_bytes(int in, int out)
{
    char b;
    while (read(in, &b, 1) == 1)
        write(out, &b, 1);
    exit(0);
}

static int bench_ctxsw(uint32_t n)
{
    int there[2], back[2];
    if (pipe(there) < 0 || pipe(back) < 0)
        return 1;
    int pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        close(there[1]);
        close(back[0]);
        echo_bytes(there[0], back[1]);
    }
    close(there[0]);
    close(back[1]);
    char b = 'x';
    write(there[1], &b, 1); /* warm up: both sides running */
    read(back[0], &b, 1);
    uint64_t start = rdtsc();
    for (uint32_t i = 0; i < n; i++) {
        write(there[1], &b, 1);
        read(back[0], &b, 1);
    }
    report("u.ctxsw", n, rdtsc() - start);
    close(there[1]);
    wait(0);
    return 0;
}

static int bench_forkwait(uint32_t n)
{
    uint64_t start = rdtsc();
    for (uint32_t i = 0; i < n; i++) {
        int pid = fork();
        if (pid == 0)
            exit(0);
        if (pid < 0 || wait(0) != pid)
            return 1;
    }
    report("u.forkwait", n, rdtsc() - start);
    return 0;
}

/* Return the value of the hexadecimal number `s`. */
static uint32_t parse_hex(const char *s)
{
    uint32_t v = 0;
    for (; *s != '\0'; s++)
        v = v * 16 + (uint32_t)(*s <= '9' ? *s - '0' : *s - 'a' + 10);
    return v;
}

/* One step of u.exec: argv = bench exec-step LEFT N START_HI START_LO, the
 * start time in hexadecimal.  Exec the next step, or report when none is
 * left. */
static int exec_step(char *argv[])
{
    uint32_t left = (uint32_t)atoi(argv[2]), n = (uint32_t)atoi(argv[3]);
    uint64_t start = ((uint64_t)parse_hex(argv[4]) << 32) | parse_hex(argv[5]);
    if (left == 0) {
        report("u.exec", n, rdtsc() - start);
        return 0;
    }
    char left_s[12];
    snprintf(left_s, sizeof(left_s), "%u", left - 1);
    char *next[] = {"bench", "exec-step", left_s, argv[3], argv[4], argv[5], 0};
    exec("bench", next);
    return 1;
}

static int bench_exec(uint32_t n)
{
    char n_s[12], hi[12], lo[12];
    uint64_t start = rdtsc();
    snprintf(n_s, sizeof(n_s), "%u", n);
    snprintf(hi, sizeof(hi), "%x", (uint32_t)(start >> 32));
    snprintf(lo, sizeof(lo), "%x", (uint32_t)start);
    char *step[] = {"bench", "exec-step", n_s, n_s, hi, lo, 0};
    return exec_step(step);
}

static int bench_mapunmap(uint32_t n)
{
    uint64_t start = rdtsc();
    for (uint32_t i = 0; i < n; i++) {
        if (map(USER_MAP_BASE, MAP_PAGES) < 0)
            return 1;
        for (uint32_t p = 0; p < MAP_PAGES; p++)
            *(volatile uint32_t *)(USER_MAP_BASE + p * PAGE) = i;
        unmap(USER_MAP_BASE, MAP_PAGES);
    }
    report("u.mapunmap", n, rdtsc() - start);
    return 0;
}

static volatile uint32_t compute_result; /* keeps the work from vanishing */

static int bench_compute(uint32_t n)
{
    uint32_t x = 2463534242u, sum = 0;
    uint64_t start = rdtsc();
    for (uint32_t i = 0; i < n; i++) {
        x ^= x << 13; /* xorshift32 */
        x ^= x >> 17;
        x ^= x << 5;
        sum += x % 1009;
    }
    report("u.compute", n, rdtsc() - start);
    compute_result = sum;
    return 0;
}

static int bench_syscall(uint32_t n)
{
    return time_loop("u.syscall", uloop_syscall, n);
}

static int bench_callret(uint32_t n)
{
    return time_loop("u.callret", uloop_call, n);
}

static const struct {
    const char *name;
    int (*run)(uint32_t n);
    uint32_t iters; /* the default: the suite's */
} benches[] = {
    {"syscall", bench_syscall, 20000},   {"callret", bench_callret, 1000000},
    {"pgfault", bench_pgfault, 10000},   {"divzero", bench_divzero, 10000},
    {"ctxsw", bench_ctxsw, 2000},        {"forkwait", bench_forkwait, 200},
    {"exec", bench_exec, 100},           {"mapunmap", bench_mapunmap, 500},
    {"compute", bench_compute, 1000000},
};

int main(int argc, char *argv[])
{
    if (argc == 6 && strcmp(argv[1], "exec-step") == 0)
        return exec_step(argv);
    for (size_t i = 0; argc >= 2 && i < sizeof(benches) / sizeof(benches[0]); i++) {
        if (strcmp(argv[1], benches[i].name) != 0)
            continue;
        uint32_t n = argc > 2 ? (uint32_t)atoi(argv[2]) : benches[i].iters;
        return benches[i].run(n > 0 ? n : 1);
    }
    printf("usage: bench NAME [ITERS]; NAME: syscall callret pgfault divzero"
           " ctxsw forkwait exec mapunmap compute\n");
    return 2;
}
