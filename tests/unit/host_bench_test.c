/* host_bench_test.c - the unit tests of `vmm bench` and the exit profile:
 * everything that does not need QEMU (label unit).
 *
 *   bench      the console line parser, the split of the monitor's time
 *              into categories, the table, the goals, the JSON, the chart
 *   json       the JSON reader and a report read back from --report-json
 *   profile    @hot lines, and their table named and disassembled from a
 *              guest ELF (argv[1]: the first guest, build/guests/first.elf)
 *
 * No timing is ever checked: the numbers here are made up.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "chart.h"
#include "host_bench_xml.h"
#include "report_json.h"
#include "symbols.h"

static const char *first_elf;   /* argv[1] */

/* Run FN(ARG, f) on a memory stream and return what it wrote (free it).
 * Not inlined: GCC then takes the stream's buffer for a dangling local. */
static __attribute__((noinline)) char *capture(void (*fn)(const void *, FILE *), const void *arg)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    fn(arg, f);
    fclose(f);
    return text;
}

static void parse_report(struct vmm_report *r, const char *text)
{
    report_init(r);
    report_parse_string(r, text);
}

/* --- bench: console lines --------------------------------------------- */

static void test_a_result_line_is_parsed(void)
{
    char name[32];
    unsigned iters;
    uint64_t cpo;

    CU_ASSERT_TRUE(bench_parse_line("bench u.syscall iters=20000 "
                                    "cycles_per_op=1282\r\n", name,
                                    sizeof(name), &iters, &cpo));
    CU_ASSERT_STRING_EQUAL(name, "u.syscall");
    CU_ASSERT_EQUAL(iters, 20000);
    CU_ASSERT_EQUAL(cpo, 1282);
    CU_ASSERT_TRUE(bench_parse_line("bench k.int iters=1 cycles_per_op="
                                    "18446744073709551615", name,
                                    sizeof(name), &iters, &cpo));
    CU_ASSERT_EQUAL(cpo, UINT64_MAX);
}

static void test_other_console_lines_are_not_results(void)
{
    static const char *const lines[] = {
        "os: booting, command line \"suite\"",
        "bench", "bench u.x", "bench u.x iters=5",
        "bench u.x iters=5 cycles_per_op=",
        "bench u.x iters=-5 cycles_per_op=7",
        "bench u.x iters=5 cycles_per_op=7 extra",
        "bench u.x iters=99999999999 cycles_per_op=7",
        "bench u.x iters=5 cycles_per_op=99999999999999999999",
        "benchmark u.x iters=5 cycles_per_op=7",
        "bench  iters=5 cycles_per_op=7",
        "suite: 9 benchmarks, 0 failed",
    };
    char name[32];
    unsigned iters;
    uint64_t cpo;

    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
        CU_ASSERT_FALSE(bench_parse_line(lines[i], name, sizeof(name),
                                         &iters, &cpo));
    CU_ASSERT_FALSE(bench_parse_line("bench a-name-too-long-for-the-buffer "
                                     "iters=1 cycles_per_op=1", name, 8,
                                     &iters, &cpo));
}

/* --- bench: the split ------------------------------------------------- */

/* Every kind of exit and instruction the split knows, with made-up but
 * consistent numbers: instruction cycles are part of their cause's. */
static const char split_log[] =
    "@report-begin\n@outcome poweroff 0\n"
    "@exit gp 100 10000\n@exit np 10 1000\n"
    "@exit pf-hidden 20 2000\n@exit pf-trace 5 5000\n"
    "@exit pf-mmio 3 300\n@exit irq0 7 70\n"
    "@exit pf-true 4 400\n@exit de 2 20\n@exit irq-window 1 10\n"
    "@insn mov-cr3 30 3000\n@insn in 10 1000\n@insn outsb 2 200\n"
    "@insn iretd 10 1000\n@insn mov 5 4000\n@insn stosd 1 900\n"
    "@report-end\n";

static void test_the_split_charges_each_cause_to_its_category(void)
{
    struct vmm_report r;
    struct bench_split s;

    parse_report(&r, split_log);
    bench_split_report(&r, &s);
    CU_ASSERT_EQUAL(s.exits, 152);
    CU_ASSERT_EQUAL(s.exit_cycles, 18800);
    CU_ASSERT_EQUAL(s.count[CAT_HIDDEN], 20);
    CU_ASSERT_EQUAL(s.cycles[CAT_HIDDEN], 2000);
    CU_ASSERT_EQUAL(s.count[CAT_TRACED], 5);        /* mov, stosd inside */
    CU_ASSERT_EQUAL(s.cycles[CAT_TRACED], 5000);
    CU_ASSERT_EQUAL(s.count[CAT_CR3], 30);
    CU_ASSERT_EQUAL(s.cycles[CAT_CR3], 3000);
    CU_ASSERT_EQUAL(s.count[CAT_DEVICE], 3 + 7 + 10 + 2);
    CU_ASSERT_EQUAL(s.cycles[CAT_DEVICE], 300 + 70 + 1000 + 200);
    CU_ASSERT_EQUAL(s.count[CAT_PRIV], 110 - 30 - 12);
    CU_ASSERT_EQUAL(s.cycles[CAT_PRIV], 11000 - 3000 - 1200);
    CU_ASSERT_EQUAL(s.count[CAT_REST], 4 + 2 + 1);
    CU_ASSERT_EQUAL(s.cycles[CAT_REST], 400 + 20 + 10);
    CU_ASSERT_TRUE(s.cr3_separate);
    report_free(&r);
}

/* Counters that disagree (more I/O than #GP) make priv 0, not huge. */
static void test_the_split_never_goes_negative(void)
{
    struct vmm_report r;
    struct bench_split s;

    parse_report(&r, "@report-begin\n@outcome poweroff 0\n@exit gp 1 10\n"
                     "@insn in 5 500\n@report-end\n");
    bench_split_report(&r, &s);
    CU_ASSERT_EQUAL(s.count[CAT_PRIV], 0);
    CU_ASSERT_EQUAL(s.cycles[CAT_PRIV], 0);
    CU_ASSERT_EQUAL(s.cycles[CAT_REST], 0);
    CU_ASSERT_FALSE(s.cr3_separate);
    report_free(&r);
}

/* --- bench: tables, goals, JSON, chart -------------------------------- */

/* Results of two policies, three workloads, made up: k.in costs 1.5 times
 * native k.int under trace (a PASS at the limit), u.forkwait passes only
 * under lazy, u.syscall is missing under lazy. */
static void make_results(struct bench_results *b)
{
    struct vmm_report r;
    size_t k, u, f;

    memset(b, 0, sizeof(*b));
    b->policies[0] = "trace";
    b->policies[1] = "lazy";
    b->n_policies = 2;
    k = bench_add_workload(b, "kbench");
    u = bench_add_workload(b, "bench syscall");
    f = bench_add_workload(b, "bench fork & <wait>");
    bench_record(b, k, -1, "k.int", 10, 400);
    bench_record(b, k, -1, "k.in", 10, 100);
    bench_record(b, k, 0, "k.int", 10, 4000);
    bench_record(b, k, 0, "k.in", 10, 600);
    bench_record(b, k, 1, "k.in", 10, 800);
    bench_record(b, u, -1, "u.syscall", 10, 1000);
    bench_record(b, u, 0, "u.syscall", 10, 2500);
    bench_record(b, f, -1, "u.forkwait", 10, 1000);
    bench_record(b, f, 0, "u.forkwait", 10, 9000);
    bench_record(b, f, 1, "u.forkwait", 10, 2000);
    parse_report(&r, split_log);
    for (size_t w = 0; w < 3; w++)
        for (size_t p = 0; p < 2; p++) {
            bench_split_report(&r, &b->workloads[w].split[p]);
            b->workloads[w].ran[p] = b->workloads[w].ok[p] = true;
        }
    report_free(&r);
}

static void print_table(const void *b, FILE *f) { bench_print_table(b, f); }
static void print_split(const void *b, FILE *f) { bench_print_split(b, f); }
static void print_goals(const void *b, FILE *f) { bench_print_goals(b, f); }
static void write_json(const void *b, FILE *f) { bench_write_json(b, "g.elf", f); }
static void write_svg(const void *b, FILE *f) { chart_write_svg(b, f); }

static void test_the_table_shows_native_each_policy_and_the_ratio(void)
{
    struct bench_results b;
    char *t;

    make_results(&b);
    t = capture(print_table, &b);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "benchmark"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "trace    ratio"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "  k.in                 100         "
                                     "600    6.00x         800    8.00x\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "  u.syscall           1000        "
                                     "2500    2.50x           -        -\n"));
    free(t);
    bench_results_free(&b);
}

static void test_the_split_table_has_a_section_per_policy(void)
{
    struct bench_results b;
    char *t, row[64];

    make_results(&b);
    t = capture(print_split, &b);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "\npolicy trace\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "\npolicy lazy\n"));
    snprintf(row, sizeof(row), "  %-20s  %9d", "kbench", 152);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, row));
    snprintf(row, sizeof(row), "  %-20s  %9d", "all workloads", 3 * 152);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, row));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "   10.6%"));     /* hidden 2000/18800 */
    free(t);
    bench_results_free(&b);
}

static void test_goals_pass_at_the_limit_and_forkwait_takes_the_best(void)
{
    struct bench_results b;
    char *t, *line;
    FILE *null;

    make_results(&b);
    t = capture(print_goals, &b);
    line = strstr(t, "privileged insn");
    CU_ASSERT_PTR_NOT_NULL(line);       /* 600/400 = 1.5: PASS; 800: MISS */
    if (line)
        CU_ASSERT_EQUAL(strncmp(strchr(line, '\n') - 4, "MISS", 4), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "page fault reflected: u.pgfault"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "-        -  n/a\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "2.50x        -  PASS\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "9.00x    2.00x  PASS (best: lazy)\n"));
    null = fopen("/dev/null", "w");
    CU_ASSERT_EQUAL(bench_print_goals(&b, null), 1);  /* k.in under lazy */
    fclose(null);
    free(t);
    bench_results_free(&b);
}

/* The number member KEY of JSON object V, or -1. */
static double number(const struct json_value *v, const char *key)
{
    const struct json_value *m = json_member(v, key, JSON_NUMBER);

    return m ? atof(m->str) : -1;
}

static void test_json_has_a_record_per_benchmark_and_policy(void)
{
    struct bench_results b;
    struct json_value doc;
    const struct json_value *recs, *rec, *cats;
    char *t;

    make_results(&b);
    t = capture(write_json, &b);
    CU_ASSERT_TRUE_FATAL(json_parse(t, &doc));
    recs = json_member(&doc, "records", JSON_ARRAY);
    CU_ASSERT_PTR_NOT_NULL_FATAL(recs);
    CU_ASSERT_EQUAL(recs->n, 4 * 2);
    rec = &recs->items[1];                      /* k.int under lazy */
    CU_ASSERT_STRING_EQUAL(json_member(rec, "bench", JSON_STRING)->str,
                           "k.int");
    CU_ASSERT_STRING_EQUAL(json_member(rec, "policy", JSON_STRING)->str,
                           "lazy");
    CU_ASSERT_EQUAL(number(rec, "native_cycles"), 400);
    CU_ASSERT_PTR_NOT_NULL(json_member(rec, "monitor_cycles", JSON_NULL));
    CU_ASSERT_PTR_NOT_NULL(json_member(rec, "ratio", JSON_NULL));
    rec = &recs->items[2];                      /* k.in under trace */
    CU_ASSERT_EQUAL(number(rec, "ratio"), 6.0);
    cats = json_member(rec, "categories", JSON_OBJECT);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cats);
    CU_ASSERT_EQUAL(cats->n, CAT_COUNT);
    CU_ASSERT_EQUAL(number(json_member(cats, "cr3_switches", JSON_OBJECT),
                           "cycles"), 3000);
    CU_ASSERT_EQUAL(json_member(&doc, "goals", JSON_ARRAY)->n, 4);
    CU_ASSERT_EQUAL(json_member(&doc, "workloads", JSON_ARRAY)->n, 3 * 2);
    json_free(&doc);
    free(t);
    bench_results_free(&b);
}

static void test_the_chart_is_well_formed_svg(void)
{
    struct bench_results b;
    char *t, root[16], why[128];
    unsigned elements = 0;

    make_results(&b);
    t = capture(write_svg, &b);
    CU_ASSERT_TRUE(xml_well_formed(t, root, sizeof(root), &elements, why,
                                   sizeof(why)));
    CU_ASSERT_STRING_EQUAL(root, "svg");
    CU_ASSERT_TRUE(elements > 3 * 2 * CAT_COUNT);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "bench fork &amp; &lt;wait&gt;"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, ">all workloads</text>"));
    free(t);
    bench_results_free(&b);
}

static void test_the_xml_checker_refuses_broken_documents(void)
{
    static const char *const bad[] = {
        "", "<svg>", "<svg></g>", "<svg a=1/>", "<svg>a & b</svg>",
        "<svg/><svg/>", "text<svg/>", "<svg><g></svg></g>",
    };
    char root[16], why[128];
    unsigned n;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CU_ASSERT_FALSE(xml_well_formed(bad[i], root, sizeof(root), &n, why,
                                        sizeof(why)));
    CU_ASSERT_TRUE(xml_well_formed("<?xml version=\"1.0\"?>\n<a x='1'>"
                                   "&amp;&#65;<b/></a>\n", root,
                                   sizeof(root), &n, why, sizeof(why)));
    CU_ASSERT_EQUAL(n, 2);
}

/* --- json: the reader, and a report read back ------------------------- */

static void test_the_json_reader_takes_json_and_refuses_the_rest(void)
{
    static const char *const bad[] = {
        "", "{", "[1,]", "{\"a\":}", "{\"a\" 1}", "\"\\x\"", "\"\\u12\"",
        "01x", "nul", "[1] 2", "\"a\nb\"", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
        "[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    };
    struct json_value v;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CU_ASSERT_FALSE(json_parse(bad[i], &v));
    }
    CU_ASSERT_TRUE_FATAL(json_parse(" {\"s\":\"a\\\"\\\\\\n\\u00e9\\u20ac\","
                                    "\"n\":-1.5e3,\"t\":true,\"z\":null,"
                                    "\"a\":[]} ", &v));
    CU_ASSERT_STRING_EQUAL(json_member(&v, "s", JSON_STRING)->str,
                           "a\"\\\n\xe9\xe2\x82\xac");
    CU_ASSERT_STRING_EQUAL(json_member(&v, "n", JSON_NUMBER)->str, "-1.5e3");
    CU_ASSERT_TRUE(json_member(&v, "t", JSON_BOOL)->truth);
    CU_ASSERT_PTR_NOT_NULL(json_member(&v, "z", JSON_NULL));
    CU_ASSERT_EQUAL(json_member(&v, "a", JSON_ARRAY)->n, 0);
    CU_ASSERT_PTR_NULL(json_member(&v, "s", JSON_NUMBER));
    json_free(&v);
}

static void write_report_json(const void *r, FILE *f)
{
    fputc('{', f);
    report_write_json_members(r, f);
    fputs(",\"mode\":\"monitor\"}\n", f);
}

/* What report_write_json_members writes, report_parse_json reads back. */
static void test_a_report_survives_its_json(void)
{
    struct vmm_report r, back;
    char outcome[16], *t;

    parse_report(&r, "@report-begin\n@outcome died bad \"x\" \\ y\n"
                     "@where 0x80100000 cpl=1 mov cr3, eax\n"
                     "@exit gp 3 300\n@insn mov-cr3 2 200\n"
                     "@stat shadow_policy trace\n@stat exits 3\n"
                     "@hot 0x80101234 3 300 gp\n@report-end\n");
    t = capture(write_report_json, &r);
    report_init(&back);
    CU_ASSERT_TRUE_FATAL(report_parse_json(&back, t, outcome,
                                           sizeof(outcome)));
    CU_ASSERT_STRING_EQUAL(outcome, "died");
    CU_ASSERT_TRUE(back.complete);
    CU_ASSERT_STRING_EQUAL(back.reason, "bad \"x\" \\ y");
    CU_ASSERT_EQUAL(back.eip, 0x80100000);
    CU_ASSERT_EQUAL(back.cpl, 1);
    CU_ASSERT_STRING_EQUAL(back.insn, "mov cr3, eax");
    CU_ASSERT_EQUAL(back.n_exits, 1);
    CU_ASSERT_EQUAL(back.exits[0].cycles, 300);
    CU_ASSERT_STRING_EQUAL(back.insns[0].name, "mov-cr3");
    CU_ASSERT_EQUAL(back.n_stats, 2);
    CU_ASSERT_EQUAL(back.n_hot, 1);
    CU_ASSERT_EQUAL(back.hot[0].eip, 0x80101234);
    report_free(&back);
    report_free(&r);
    free(t);
    report_init(&back);         /* a native run's document: no report */
    CU_ASSERT_TRUE(report_parse_json(&back, "{\"outcome\":\"timeout\","
                                     "\"timeout_s\":5,\"mode\":\"native\"}",
                                     outcome, sizeof(outcome)));
    CU_ASSERT_STRING_EQUAL(outcome, "timeout");
    CU_ASSERT_FALSE(back.complete);
    report_free(&back);
}

/* --- profile: @hot lines and their table ------------------------------ */

static void test_hot_lines_are_read_in_order_and_bad_ones_skipped(void)
{
    struct vmm_report r;

    parse_report(&r, "@report-begin\n@outcome poweroff 0\n"
                     "@hot 0x80102117 1063 16837522 np\n"
                     "@hot 0x00400a41 602 7884006 gp\n"
                     "@hot 0x1 2 3\n@hot 12 1 1 gp\n@hot 0x1ffffffff 1 1 gp\n"
                     "@hot 0xzz 1 1 gp\n@report-end\n");
    CU_ASSERT_TRUE(r.complete);
    CU_ASSERT_EQUAL_FATAL(r.n_hot, 2);
    CU_ASSERT_EQUAL(r.hot[0].eip, 0x80102117);
    CU_ASSERT_EQUAL(r.hot[0].count, 1063);
    CU_ASSERT_EQUAL(r.hot[0].cycles, 16837522);
    CU_ASSERT_STRING_EQUAL(r.hot[0].cause, "np");
    CU_ASSERT_EQUAL(r.hot[1].eip, 0x00400a41);
    report_free(&r);
}

/* The address of symbol NAME in IMAGE, or 0. */
static uint32_t symbol_address(const struct guest_image *g, const char *name)
{
    for (size_t i = 0; i < g->syms.n; i++)
        if (!strcmp(g->syms.syms[i].name, name))
            return g->syms.syms[i].addr;
    return 0;
}

static const char *profile_elf;

static void print_profile(const void *r, FILE *f)
{
    report_print_profile(r, profile_elf, f);
}

/* A kernel address is named and disassembled from the guest ELF; an
 * address outside it is "?"; no profile prints nothing. */
static void test_the_profile_names_and_disassembles_hot_addresses(void)
{
    struct guest_image g;
    struct vmm_report r;
    char why[256], log[256], sym[64], insn[64], *t;
    uint32_t kmain;

    CU_ASSERT_TRUE_FATAL(guest_image_open(&g, first_elf, why, sizeof(why)));
    kmain = symbol_address(&g, "kmain");
    CU_ASSERT_NOT_EQUAL_FATAL(kmain, 0);
    CU_ASSERT_TRUE(guest_image_describe(&g, kmain + 1, sym, sizeof(sym)));
    CU_ASSERT_STRING_EQUAL(sym, "kmain+0x1");
    CU_ASSERT_TRUE(guest_image_disasm(&g, kmain, insn, sizeof(insn)));
    CU_ASSERT_FALSE(guest_image_describe(&g, 0xfffff000, sym, sizeof(sym)));
    guest_image_close(&g);
    snprintf(log, sizeof(log), "@report-begin\n@outcome poweroff 0\n"
             "@hot 0x%08x 5 500 gp\n@hot 0xfffff000 1 10 pf-hidden\n"
             "@report-end\n", kmain);
    parse_report(&r, log);
    profile_elf = first_elf;
    t = capture(print_profile, &r);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "hottest guest instructions"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "kmain+0x0"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, insn));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "  0xfffff000  ?"));
    free(t);
    profile_elf = "/nonexistent/guest.elf";
    t = capture(print_profile, &r);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "not named: /nonexistent/guest.elf"));
    free(t);
    report_free(&r);
    parse_report(&r, "@report-begin\n@outcome poweroff 0\n@report-end\n");
    t = capture(print_profile, &r);
    CU_ASSERT_STRING_EQUAL(t, "");
    free(t);
    report_free(&r);
}

/* The nearest symbol at or below wins, unless its size stops short. */
static void test_symbols_name_the_covering_symbol(void)
{
    struct symbol syms[] = {
        { "start", 0x1000, 0 }, { "small", 0x2000, 0x10 },
        { "label", 0x1800, 0 },
    };
    struct symtab t = { syms, 3 };
    char buf[32];

    CU_ASSERT_TRUE(symtab_describe(&t, 0x2004, buf, sizeof(buf)));
    CU_ASSERT_STRING_EQUAL(buf, "small+0x4");
    CU_ASSERT_TRUE(symtab_describe(&t, 0x2010, buf, sizeof(buf)));
    CU_ASSERT_STRING_EQUAL(buf, "label+0x810");
    CU_ASSERT_TRUE(symtab_describe(&t, 0x1000, buf, sizeof(buf)));
    CU_ASSERT_STRING_EQUAL(buf, "start+0x0");
    CU_ASSERT_FALSE(symtab_describe(&t, 0xfff, buf, sizeof(buf)));
    CU_ASSERT_STRING_EQUAL(buf, "?");
}

struct test {
    const char *name;
    void (*fn)(void);
};

static const struct test bench_tests[] = {
    { "a result line is parsed", test_a_result_line_is_parsed },
    { "other console lines are not results",
      test_other_console_lines_are_not_results },
    { "the split charges each cause to its category",
      test_the_split_charges_each_cause_to_its_category },
    { "the split never goes negative", test_the_split_never_goes_negative },
    { "the table shows native, each policy and the ratio",
      test_the_table_shows_native_each_policy_and_the_ratio },
    { "the split table has a section per policy",
      test_the_split_table_has_a_section_per_policy },
    { "goals pass at the limit; forkwait takes the best policy",
      test_goals_pass_at_the_limit_and_forkwait_takes_the_best },
    { "JSON has a record per benchmark and policy",
      test_json_has_a_record_per_benchmark_and_policy },
    { "the chart is well-formed SVG", test_the_chart_is_well_formed_svg },
    { "the XML checker refuses broken documents",
      test_the_xml_checker_refuses_broken_documents },
}, json_tests[] = {
    { "the JSON reader takes JSON and refuses the rest",
      test_the_json_reader_takes_json_and_refuses_the_rest },
    { "a report survives its JSON", test_a_report_survives_its_json },
}, profile_tests[] = {
    { "hot lines are read in order, bad ones skipped",
      test_hot_lines_are_read_in_order_and_bad_ones_skipped },
    { "the profile names and disassembles hot addresses",
      test_the_profile_names_and_disassembles_hot_addresses },
    { "symbols name the covering symbol",
      test_symbols_name_the_covering_symbol },
};

static void add_suite(const char *name, const struct test *t, size_t n)
{
    CU_pSuite s = CU_add_suite(name, NULL, NULL);

    for (size_t i = 0; s && i < n; i++)
        CU_add_test(s, t[i].name, t[i].fn);
}

#define ADD_SUITE(name, tests) \
    add_suite(name, tests, sizeof(tests) / sizeof(tests[0]))

int main(int argc, char **argv)
{
    unsigned failures;

    if (argc != 2) {
        fputs("usage: host_bench_test FIRST.elf\n", stderr);
        return 2;
    }
    first_elf = argv[1];
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    ADD_SUITE("bench", bench_tests);
    ADD_SUITE("json", json_tests);
    ADD_SUITE("profile", profile_tests);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failures != 0;
}
