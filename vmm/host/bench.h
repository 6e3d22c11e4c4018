/* bench.h - `vmm bench`: the benchmark suite natively and under each shadow
 * policy, compared. bench.c runs it; bench_table.c splits the monitor's
 * time and writes the tables and JSON; chart.c draws the split.
 */
#ifndef VMM_HOST_BENCH_H
#define VMM_HOST_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report.h"

#define BENCH_MAX_POLICIES 3

/* Where the monitor's time goes (the split of its exit cycles). */
enum bench_category {
    CAT_HIDDEN,     /* hidden page faults: cause pf-hidden */
    CAT_TRACED,     /* writes to traced guest page tables: pf-trace */
    CAT_CR3,        /* CR3 switches: instruction mov-cr3 */
    CAT_PRIV,       /* the other privileged instructions (gp, np) */
    CAT_DEVICE,     /* in/out/ins/outs, pf-mmio, the timer irq0 */
    CAT_REST,       /* everything else: true faults, exceptions, ... */
    CAT_COUNT
};

/* One run's exits split into the categories: counts and cycles. */
struct bench_split {
    uint64_t count[CAT_COUNT];
    uint64_t cycles[CAT_COUNT];
    uint64_t exits, exit_cycles;        /* the totals of the report */
    bool cr3_separate;  /* the report named mov-cr3 (else it is in PRIV) */
};

/* One guest command line the suite is run with, once per configuration
 * (natively, then under each policy). */
struct bench_workload {
    char *cmdline;                      /* e.g. "bench forkwait" */
    bool native_ok;
    bool ok[BENCH_MAX_POLICIES];        /* that run powered off with 0 */
    bool ran[BENCH_MAX_POLICIES];
    struct bench_split split[BENCH_MAX_POLICIES];
};

/* One benchmark: its cycles per operation natively and per policy
 * (0: no line printed), and the workload whose runs printed it. */
struct bench_result {
    char *name;                         /* e.g. "u.syscall" */
    size_t workload;
    unsigned iters;
    uint64_t native;
    uint64_t monitor[BENCH_MAX_POLICIES];
};

/* Everything one `vmm bench` measured. */
struct bench_results {
    const char *policies[BENCH_MAX_POLICIES];
    size_t n_policies;
    struct bench_workload *workloads;
    size_t n_workloads;
    struct bench_result *benches;       /* in the order first seen */
    size_t n_benches;
};

/* Short names of the categories, for tables and JSON ("hidden_faults"...),
 * and longer ones for people ("hidden faults"). */
extern const char *const bench_category_key[CAT_COUNT];
extern const char *const bench_category_title[CAT_COUNT];

/* Split the exits of a monitor report R into *S (see bench_table.c for the
 * rules). Pure. */
void bench_split_report(const struct vmm_report *r, struct bench_split *s);

/* The sum of policy P's splits over every workload of B that ran. */
struct bench_split bench_policy_total(const struct bench_results *b,
                                      size_t p);

/* Parse one console LINE "bench NAME iters=N cycles_per_op=C" (trailing
 * blanks and CR allowed) into NAME (of LEN bytes), *ITERS and *CPO. False
 * for any other line. Pure. */
bool bench_parse_line(const char *line, char *name, size_t len,
                      unsigned *iters, uint64_t *cpo);

/* Add a workload with command line CMDLINE to B; return its index. */
size_t bench_add_workload(struct bench_results *b, const char *cmdline);

/* Record that benchmark NAME, printed by WORKLOAD's run in configuration
 * POLICY (-1: native, else an index into b->policies), took CPO cycles per
 * operation over ITERS operations. */
void bench_record(struct bench_results *b, size_t workload, int policy,
                  const char *name, unsigned iters, uint64_t cpo);

/* Free everything B owns; B is empty afterwards (its policies kept). */
void bench_results_free(struct bench_results *b);

/* The A&A-style table: per benchmark, native cycles/op, then cycles/op
 * and the ratio to native under each policy. */
void bench_print_table(const struct bench_results *b, FILE *out);

/* Per policy: each workload's monitor time split into the categories. */
void bench_print_split(const struct bench_results *b, FILE *out);

/* The four goals as measured ratios, PASS or MISS (or n/a when a
 * benchmark is missing). Returns how many goals were missed. */
int bench_print_goals(const struct bench_results *b, FILE *out);

/* All of B as one JSON document: "records" (one per benchmark and policy:
 * bench, policy, workload, iters, native_cycles, monitor_cycles, ratio,
 * categories), "workloads", "goals". GUEST names the guest file. */
void bench_write_json(const struct bench_results *b, const char *guest,
                      FILE *out);

/* `vmm bench` with its arguments (argv[0] is "bench"); returns vmm's exit
 * status. */
int bench_main(int argc, char **argv);

/* Print the help of `vmm bench` to OUT. */
void bench_usage(FILE *out);

#endif
