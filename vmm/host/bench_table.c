/* bench_table.c - what `vmm bench` measured, as tables, goals and JSON.
 *
 * The problem: a run of the benchmark suite under the monitor gives two
 * kinds of numbers. The guest prints cycles per operation for each
 * benchmark; the monitor reports its exits by cause and by emulated
 * instruction, with cycles. A reader wants Adams & Agesen's comparison
 * (native against virtualized, as a ratio) and an answer to "where does
 * the monitor's time go" in the terms of the design: hidden faults, traced
 * writes, CR3 switches, privileged-instruction emulation, devices.
 *
 * The approach: the monitor charges every exit to its cause and, when it
 * emulated an instruction, also to that instruction, with the same cycles.
 * So an instruction's cycles are part of its cause's, and the split is:
 *
 *   hidden faults   cause pf-hidden
 *   traced writes   cause pf-trace (the writes emulated inside it included)
 *   CR3 switches    instruction mov-cr3 (raised as #GP)
 *   devices         instructions in, out, ins*, outs* (#GP), cause pf-mmio,
 *                   and irq0, the monitor's timer that drives device time
 *   privileged      causes gp and np, less what CR3 and devices took of them
 *   rest            all other exits: true faults and exceptions reflected
 *                   to the guest, interrupt windows, ...
 *
 * Everything here is pure: it reads struct bench_results and writes text.
 */
#include "bench.h"

#include <stdlib.h>
#include <string.h>

const char *const bench_category_key[CAT_COUNT] = {
    "hidden_faults", "traced_writes", "cr3_switches", "privileged",
    "devices", "rest",
};

const char *const bench_category_title[CAT_COUNT] = {
    "hidden faults", "traced writes", "CR3 switches",
    "privileged instructions", "device exits", "the rest",
};

/* Short column heads for the split table, in category order. */
static const char *const category_head[CAT_COUNT] = {
    "hidden", "traced", "cr3", "priv", "device", "rest",
};

/* The instructions that are device exits when the guest runs them. */
static const char *const device_insns[] = {
    "in", "out", "insb", "insw", "insd", "outsb", "outsw", "outsd",
};

/* Add counter C to category CAT of S. */
static void charge(struct bench_split *s, enum bench_category cat,
                   const struct report_counter *c)
{
    s->count[cat] += c->count;
    s->cycles[cat] += c->cycles;
}

static bool is_device_insn(const char *name)
{
    for (size_t i = 0; i < sizeof(device_insns) / sizeof(device_insns[0]); i++)
        if (!strcmp(name, device_insns[i]))
            return true;
    return false;
}

/* A - B, or 0 if B is larger (the monitor's counters disagree). */
static uint64_t less(uint64_t a, uint64_t b)
{
    return a > b ? a - b : 0;
}

void bench_split_report(const struct vmm_report *r, struct bench_split *s)
{
    struct report_counter trapped = { NULL, 0, 0 };    /* gp + np */
    uint64_t count = 0, cycles = 0;

    memset(s, 0, sizeof(*s));
    for (size_t i = 0; i < r->n_exits; i++) {
        const struct report_counter *c = &r->exits[i];

        s->exits += c->count;
        s->exit_cycles += c->cycles;
        if (!strcmp(c->name, "pf-hidden"))
            charge(s, CAT_HIDDEN, c);
        else if (!strcmp(c->name, "pf-trace"))
            charge(s, CAT_TRACED, c);
        else if (!strcmp(c->name, "pf-mmio") || !strcmp(c->name, "irq0"))
            charge(s, CAT_DEVICE, c);
        else if (!strcmp(c->name, "gp") || !strcmp(c->name, "np"))
            trapped.count += c->count, trapped.cycles += c->cycles;
    }
    for (size_t i = 0; i < r->n_insns; i++) {
        const struct report_counter *c = &r->insns[i];

        if (!strcmp(c->name, "mov-cr3")) {
            charge(s, CAT_CR3, c);
            s->cr3_separate = true;
        } else if (is_device_insn(c->name)) {
            charge(s, CAT_DEVICE, c);
            count += c->count;
            cycles += c->cycles;
        }
    }
    s->count[CAT_PRIV] = less(trapped.count, s->count[CAT_CR3] + count);
    s->cycles[CAT_PRIV] = less(trapped.cycles, s->cycles[CAT_CR3] + cycles);
    count = cycles = 0;
    for (int k = 0; k < CAT_REST; k++)
        count += s->count[k], cycles += s->cycles[k];
    s->count[CAT_REST] = less(s->exits, count);
    s->cycles[CAT_REST] = less(s->exit_cycles, cycles);
}

/* If *P starts with PREFIX and then decimal digits (a number that fits),
 * put the number in *V, advance *P past it and return true. */
static bool take_number(const char **p, const char *prefix, uint64_t *v)
{
    const char *s = *p;

    if (strncmp(s, prefix, strlen(prefix)) != 0)
        return false;
    s += strlen(prefix);
    if (*s < '0' || *s > '9')
        return false;
    for (*v = 0; *s >= '0' && *s <= '9'; s++) {
        if (*v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
            return false;
        *v = *v * 10 + (uint64_t)(*s - '0');
    }
    *p = s;
    return true;
}

bool bench_parse_line(const char *line, char *name, size_t len,
                      unsigned *iters, uint64_t *cpo)
{
    const char *p = line + strlen("bench "), *word = p;
    uint64_t n;

    if (strncmp(line, "bench ", strlen("bench ")) != 0)
        return false;
    p += strcspn(p, " \t\r\n");
    if (p == word || (size_t)(p - word) >= len ||
        !take_number(&p, " iters=", &n) || n > UINT32_MAX ||
        !take_number(&p, " cycles_per_op=", cpo))
        return false;
    if (p[strspn(p, " \t\r\n")] != '\0')
        return false;               /* more words: not a result line */
    snprintf(name, len, "%.*s", (int)(strcspn(word, " \t\r\n")), word);
    *iters = (unsigned)n;
    return true;
}

size_t bench_add_workload(struct bench_results *b, const char *cmdline)
{
    struct bench_workload *w;

    w = realloc(b->workloads, (b->n_workloads + 1) * sizeof(*w));
    if (w == NULL || (cmdline = strdup(cmdline)) == NULL) {
        fputs("vmm: out of memory\n", stderr);
        exit(70);
    }
    b->workloads = w;
    memset(&w[b->n_workloads], 0, sizeof(*w));
    w[b->n_workloads].cmdline = (char *)cmdline;
    return b->n_workloads++;
}

/* The result named NAME in B, made (for WORKLOAD) if there is none. */
static struct bench_result *result_for(struct bench_results *b,
                                       const char *name, size_t workload)
{
    struct bench_result *r;

    for (size_t i = 0; i < b->n_benches; i++)
        if (!strcmp(b->benches[i].name, name))
            return &b->benches[i];
    r = realloc(b->benches, (b->n_benches + 1) * sizeof(*r));
    if (r == NULL || (name = strdup(name)) == NULL) {
        fputs("vmm: out of memory\n", stderr);
        exit(70);
    }
    b->benches = r;
    r = &r[b->n_benches++];
    memset(r, 0, sizeof(*r));
    r->name = (char *)name;
    r->workload = workload;
    return r;
}

void bench_record(struct bench_results *b, size_t workload, int policy,
                  const char *name, unsigned iters, uint64_t cpo)
{
    struct bench_result *r = result_for(b, name, workload);

    r->iters = iters;
    if (policy < 0)
        r->native = cpo;
    else if ((size_t)policy < b->n_policies)
        r->monitor[policy] = cpo;
}

void bench_results_free(struct bench_results *b)
{
    for (size_t i = 0; i < b->n_workloads; i++)
        free(b->workloads[i].cmdline);
    for (size_t i = 0; i < b->n_benches; i++)
        free(b->benches[i].name);
    free(b->workloads);
    free(b->benches);
    b->workloads = NULL;
    b->benches = NULL;
    b->n_workloads = b->n_benches = 0;
}

/* MONITOR / NATIVE as a ratio, or a negative number if either is missing. */
static double ratio(uint64_t monitor, uint64_t native)
{
    return monitor && native ? (double)monitor / (double)native : -1.0;
}

/* Format ratio X into BUF (of 16 bytes) with the digits that matter. */
static const char *fmt_ratio(double x, char buf[16])
{
    if (x < 0)
        snprintf(buf, 16, "-");
    else
        snprintf(buf, 16, x < 10 ? "%.2fx" : x < 100 ? "%.1fx" : "%.0fx", x);
    return buf;
}

/* Print V right-aligned in W columns, or "-" for 0 (not measured). */
static void print_cycles(FILE *out, int w, uint64_t v)
{
    if (v)
        fprintf(out, "  %*llu", w, (unsigned long long)v);
    else
        fprintf(out, "  %*s", w, "-");
}

void bench_print_table(const struct bench_results *b, FILE *out)
{
    char buf[16];

    fprintf(out, "\ncycles per operation, native and under the monitor "
            "(ratio = monitor / native)\n");
    fprintf(out, "  %-12s  %10s", "benchmark", "native");
    for (size_t p = 0; p < b->n_policies; p++)
        fprintf(out, "  %10s  %7s", b->policies[p], "ratio");
    fputc('\n', out);
    for (size_t i = 0; i < b->n_benches; i++) {
        const struct bench_result *r = &b->benches[i];

        fprintf(out, "  %-12s", r->name);
        print_cycles(out, 10, r->native);
        for (size_t p = 0; p < b->n_policies; p++) {
            print_cycles(out, 10, r->monitor[p]);
            fprintf(out, "  %7s", fmt_ratio(ratio(r->monitor[p], r->native),
                                            buf));
        }
        fputc('\n', out);
    }
}

/* Print one row of the split table: LABEL, exits, Mcycles, then each
 * category's share of the exit cycles. */
static void print_split_row(FILE *out, const char *label,
                            const struct bench_split *s)
{
    fprintf(out, "  %-20s  %9llu  %9.1f", label,
            (unsigned long long)s->exits, (double)s->exit_cycles / 1e6);
    for (int k = 0; k < CAT_COUNT; k++) {
        if (s->exit_cycles)
            fprintf(out, "  %6.1f%%", 100.0 * (double)s->cycles[k] /
                    (double)s->exit_cycles);
        else
            fprintf(out, "  %7s", "-");
    }
    fputc('\n', out);
}

/* Add S to *SUM. */
static void add_split(struct bench_split *sum, const struct bench_split *s)
{
    for (int k = 0; k < CAT_COUNT; k++) {
        sum->count[k] += s->count[k];
        sum->cycles[k] += s->cycles[k];
    }
    sum->exits += s->exits;
    sum->exit_cycles += s->exit_cycles;
    sum->cr3_separate |= s->cr3_separate;
}

struct bench_split bench_policy_total(const struct bench_results *b,
                                      size_t p)
{
    struct bench_split sum;

    memset(&sum, 0, sizeof(sum));
    for (size_t w = 0; w < b->n_workloads; w++)
        if (b->workloads[w].ran[p])
            add_split(&sum, &b->workloads[w].split[p]);
    return sum;
}

/* Print the head of a split table: the first columns, then the categories. */
static void print_split_head(FILE *out, const char *first)
{
    fprintf(out, "  %-20s  %9s  %9s", first, "exits", "Mcycles");
    for (int k = 0; k < CAT_COUNT; k++)
        fprintf(out, "  %7s", category_head[k]);
    fputc('\n', out);
}

void bench_print_split(const struct bench_results *b, FILE *out)
{
    bool cr3_separate = false;

    fprintf(out, "\nthe monitor's time by category: share of the exit cycles "
            "of each workload's\nwhole run (the guest booted with that "
            "command line; benchmarks printed by one\nrun share its split)\n");
    fprintf(out, "  hidden = hidden faults, traced = traced writes, cr3 = CR3 "
            "switches,\n  priv = privileged-instruction emulation, device = "
            "device exits, rest = the rest\n");
    for (size_t p = 0; p < b->n_policies; p++) {
        struct bench_split total = bench_policy_total(b, p);

        fprintf(out, "\npolicy %s\n", b->policies[p]);
        print_split_head(out, "workload");
        for (size_t w = 0; w < b->n_workloads; w++)
            if (b->workloads[w].ran[p])
                print_split_row(out, b->workloads[w].cmdline,
                                &b->workloads[w].split[p]);
        print_split_row(out, "all workloads", &total);
        cr3_separate |= total.cr3_separate;
    }
    if (b->n_policies) {
        fprintf(out, "\nall workloads, by policy\n");
        print_split_head(out, "policy");
        for (size_t p = 0; p < b->n_policies; p++) {
            struct bench_split total = bench_policy_total(b, p);

            print_split_row(out, b->policies[p], &total);
        }
        fprintf(out, "\nthe three-way trade-off, all workloads: count and "
                "Mcycles\n  %-10s %22s %22s %22s\n", "policy",
                "hidden faults", "traced writes", "CR3 switches");
        for (size_t p = 0; p < b->n_policies; p++) {
            struct bench_split t = bench_policy_total(b, p);

            fprintf(out, "  %-10s", b->policies[p]);
            for (int c = CAT_HIDDEN; c <= CAT_CR3; c++)
                fprintf(out, " %12llu %8.1f M", (unsigned long long)t.count[c],
                        t.cycles[c] / 1e6);
            fputc('\n', out);
        }
    }
    if (!cr3_separate)
        fprintf(out, "(this monitor does not report mov-cr3 apart from other "
                "movs: CR3 switches are counted under priv)\n");
}

/* The goals: the ratio of MONITOR's cycles per operation under a
 * policy to NATIVE's natively, at most LIMIT; judged on the best policy or
 * on every one. The first of the candidate names the run printed is used. */
struct bench_goal {
    const char *title;
    const char *monitor[2];
    const char *native[2];
    double limit;
    bool best_policy;
};

static const struct bench_goal goals[] = {
    { "privileged insn: k.in vs native k.int", { "k.in" },
      { "k.int" }, 1.5, false },
    { "true page fault reflected: u.pgfault", { "u.pgfault", "k.pgfault" },
      { "u.pgfault", "k.pgfault" }, 2.5, false },
    { "system call: u.syscall", { "u.syscall" }, { "u.syscall" }, 3.0,
      false },
    { "fork + wait: u.forkwait, best policy", { "u.forkwait" },
      { "u.forkwait" }, 3.0, true },
};

#define N_GOALS (sizeof(goals) / sizeof(goals[0]))

static const struct bench_result *find(const struct bench_results *b,
                                       const char *name)
{
    for (size_t i = 0; name && i < b->n_benches; i++)
        if (!strcmp(b->benches[i].name, name))
            return &b->benches[i];
    return NULL;
}

/* Goal G's ratio under each policy into RATIOS (negative: not measured),
 * and the candidate pair used into *USED (0 or 1). */
static void goal_ratios(const struct bench_results *b,
                        const struct bench_goal *g, double *ratios,
                        int *used)
{
    for (*used = 0; *used < 2; ++*used) {
        const struct bench_result *m = find(b, g->monitor[*used]);
        const struct bench_result *n = find(b, g->native[*used]);
        bool any = false;

        for (size_t p = 0; p < b->n_policies; p++) {
            ratios[p] = m && n ? ratio(m->monitor[p], n->native) : -1.0;
            any |= ratios[p] >= 0;
        }
        if (any || g->monitor[1] == NULL)
            return;
        if (*used == 1) {
            *used = 0;          /* neither measured: name the first */
            return;
        }
    }
}

/* The verdict of goal G from its RATIOS: "PASS", "MISS" or "n/a"; the
 * policy it was judged on (best policy goals) into *JUDGED (-1: all). */
static const char *goal_verdict(const struct bench_results *b,
                                const struct bench_goal *g,
                                const double *ratios, int *judged)
{
    bool any = false, all_pass = true;

    *judged = -1;
    for (size_t p = 0; p < b->n_policies; p++) {
        if (ratios[p] < 0)
            continue;
        any = true;
        all_pass &= ratios[p] <= g->limit;
        if (*judged < 0 || ratios[p] < ratios[*judged])
            *judged = (int)p;
    }
    if (!any)
        return "n/a";
    if (g->best_policy)
        return ratios[*judged] <= g->limit ? "PASS" : "MISS";
    *judged = -1;
    return all_pass ? "PASS" : "MISS";
}

int bench_print_goals(const struct bench_results *b, FILE *out)
{
    double ratios[BENCH_MAX_POLICIES];
    char buf[16];
    int missed = 0, used, judged;

    fprintf(out, "\ngoals (ratio of cycles per operation, monitor / native, "
            "this run; judged on\nevery policy unless marked best policy)\n");
    fprintf(out, "  %-40s  %5s", "goal", "limit");
    for (size_t p = 0; p < b->n_policies; p++)
        fprintf(out, "  %7s", b->policies[p]);
    fprintf(out, "  verdict\n");
    for (size_t i = 0; i < N_GOALS; i++) {
        const char *v;

        goal_ratios(b, &goals[i], ratios, &used);
        v = goal_verdict(b, &goals[i], ratios, &judged);
        fprintf(out, "  %-40s  %4.1fx", goals[i].title, goals[i].limit);
        for (size_t p = 0; p < b->n_policies; p++)
            fprintf(out, "  %7s", fmt_ratio(ratios[p], buf));
        fprintf(out, "  %s", v);
        if (used == 1)
            fprintf(out, " (%s)", goals[i].monitor[1]);
        if (judged >= 0)
            fprintf(out, " (best: %s)", b->policies[judged]);
        fputc('\n', out);
        missed += !strcmp(v, "MISS");
    }
    return missed;
}

/* Write "categories":{"hidden_faults":{"count":N,"cycles":N},...}. */
static void json_split(FILE *out, const struct bench_split *s)
{
    fputs("\"categories\":{", out);
    for (int k = 0; k < CAT_COUNT; k++)
        fprintf(out, "%s\"%s\":{\"count\":%llu,\"cycles\":%llu}", k ? "," : "",
                bench_category_key[k], (unsigned long long)s->count[k],
                (unsigned long long)s->cycles[k]);
    fputc('}', out);
}

/* Write V as a JSON number, or null for 0 (not measured). */
static void json_cycles(FILE *out, uint64_t v)
{
    if (v)
        fprintf(out, "%llu", (unsigned long long)v);
    else
        fputs("null", out);
}

/* Write a ratio (negative: null) as a JSON number. */
static void json_ratio(FILE *out, double x)
{
    if (x < 0)
        fputs("null", out);
    else
        fprintf(out, "%.4f", x);
}

/* Write one record: benchmark R under policy P. */
static void json_record(const struct bench_results *b,
                        const struct bench_result *r, size_t p, FILE *out)
{
    const struct bench_workload *w = &b->workloads[r->workload];

    fputs("{\"bench\":", out);
    json_write_string(out, r->name);
    fputs(",\"policy\":", out);
    json_write_string(out, b->policies[p]);
    fputs(",\"workload\":", out);
    json_write_string(out, w->cmdline);
    fprintf(out, ",\"iters\":%u,\"native_cycles\":", r->iters);
    json_cycles(out, r->native);
    fputs(",\"monitor_cycles\":", out);
    json_cycles(out, r->monitor[p]);
    fputs(",\"ratio\":", out);
    json_ratio(out, ratio(r->monitor[p], r->native));
    fprintf(out, ",\"exits\":%llu,\"exit_cycles\":%llu,",
            (unsigned long long)w->split[p].exits,
            (unsigned long long)w->split[p].exit_cycles);
    json_split(out, &w->split[p]);
    fputc('}', out);
}

/* Write "workloads":[...]: each workload's split under each policy. */
static void json_workloads(const struct bench_results *b, FILE *out)
{
    bool first = true;

    fputs(",\"workloads\":[", out);
    for (size_t w = 0; w < b->n_workloads; w++)
        for (size_t p = 0; p < b->n_policies; p++) {
            const struct bench_workload *wl = &b->workloads[w];

            fputs(first ? "{\"workload\":" : ",{\"workload\":", out);
            first = false;
            json_write_string(out, wl->cmdline);
            fputs(",\"policy\":", out);
            json_write_string(out, b->policies[p]);
            fprintf(out, ",\"native_ok\":%s,\"ok\":%s,\"exits\":%llu,"
                    "\"exit_cycles\":%llu,", wl->native_ok ? "true" : "false",
                    wl->ok[p] ? "true" : "false",
                    (unsigned long long)wl->split[p].exits,
                    (unsigned long long)wl->split[p].exit_cycles);
            json_split(out, &wl->split[p]);
            fputc('}', out);
        }
    fputc(']', out);
}

/* Write "goals":[...]: each goal's limit, ratio per policy and verdict. */
static void json_goals(const struct bench_results *b, FILE *out)
{
    double ratios[BENCH_MAX_POLICIES];
    int used, judged;

    fputs(",\"goals\":[", out);
    for (size_t i = 0; i < N_GOALS; i++) {
        const char *v;

        goal_ratios(b, &goals[i], ratios, &used);
        v = goal_verdict(b, &goals[i], ratios, &judged);
        fprintf(out, "%s{\"goal\":", i ? "," : "");
        json_write_string(out, goals[i].title);
        fputs(",\"bench\":", out);
        json_write_string(out, goals[i].monitor[used]);
        fputs(",\"native_bench\":", out);
        json_write_string(out, goals[i].native[used]);
        fprintf(out, ",\"limit\":%.1f,\"best_policy\":%s,\"ratios\":{",
                goals[i].limit, goals[i].best_policy ? "true" : "false");
        for (size_t p = 0; p < b->n_policies; p++) {
            fprintf(out, "%s\"%s\":", p ? "," : "", b->policies[p]);
            json_ratio(out, ratios[p]);
        }
        fprintf(out, "},\"verdict\":\"%s\"}", v);
    }
    fputc(']', out);
}

void bench_write_json(const struct bench_results *b, const char *guest,
                      FILE *out)
{
    bool first = true;

    fputs("{\"guest\":", out);
    json_write_string(out, guest);
    fputs(",\"policies\":[", out);
    for (size_t p = 0; p < b->n_policies; p++) {
        fputs(p ? "," : "", out);
        json_write_string(out, b->policies[p]);
    }
    fputs("],\"categories\":[", out);
    for (int k = 0; k < CAT_COUNT; k++)
        fprintf(out, "%s\"%s\"", k ? "," : "", bench_category_key[k]);
    fputs("],\"categories_cover\":\"the whole run of the record's workload\""
          ",\"records\":[", out);
    for (size_t i = 0; i < b->n_benches; i++)
        for (size_t p = 0; p < b->n_policies; p++) {
            fputs(first ? "" : ",", out);
            first = false;
            json_record(b, &b->benches[i], p, out);
        }
    fputc(']', out);
    json_workloads(b, out);
    json_goals(b, out);
    fputs("}\n", out);
}
