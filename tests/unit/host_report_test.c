/* host_report_test.c - vmm reads the monitor's report out of a log full of
 * other text, and writes it back out as a table and as JSON.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_test.h"
#include "report.h"

static const char complete_log[] =
    "monitor: booting\n"
    "monitor: guest entry 0x0010000c\n"
    "@report-begin\n"
    "@outcome poweroff 7\n"
    "@exit gp 1234 567890\n"
    "@exit pf 10 99999\n"
    "@insn cli 3 1200\n"
    "@insn out 2 800\n"
    "@stat guest_mem_mib 256\n"
    "@stat policy trace-all\n"
    "@report-end\n"
    "monitor: powering off\n";

static const char died_log[] =
    "@report-begin\r\n"
    "@outcome died triple fault in the guest\r\n"
    "@where 0x0010002a cpl=1 mov %eax,%cr3\r\n"
    "@exit gp 3 300\r\n"
    "@report-end\r\n";

/* Parse TEXT into a fresh report R. */
static void parse(struct vmm_report *r, const char *text)
{
    report_init(r);
    report_parse_string(r, text);
}

static void test_complete_report_is_read_in_full(void)
{
    struct vmm_report r;

    parse(&r, complete_log);
    CU_ASSERT_TRUE(r.complete);
    CU_ASSERT_EQUAL(r.outcome, OUTCOME_POWEROFF);
    CU_ASSERT_EQUAL(r.status, 7);
    CU_ASSERT_FALSE(r.has_where);
    CU_ASSERT_EQUAL_FATAL(r.n_exits, 2);
    CU_ASSERT_STRING_EQUAL(r.exits[0].name, "gp");
    CU_ASSERT_EQUAL(r.exits[0].count, 1234);
    CU_ASSERT_EQUAL(r.exits[0].cycles, 567890);
    CU_ASSERT_STRING_EQUAL(r.exits[1].name, "pf");
    CU_ASSERT_EQUAL_FATAL(r.n_insns, 2);
    CU_ASSERT_STRING_EQUAL(r.insns[1].name, "out");
    CU_ASSERT_EQUAL(r.insns[1].cycles, 800);
    CU_ASSERT_EQUAL_FATAL(r.n_stats, 2);
    CU_ASSERT_STRING_EQUAL(r.stats[1].name, "policy");
    CU_ASSERT_STRING_EQUAL(r.stats[1].value, "trace-all");
    report_free(&r);
}

static void test_died_report_gives_reason_and_where(void)
{
    struct vmm_report r;

    parse(&r, died_log);
    CU_ASSERT_TRUE(r.complete);
    CU_ASSERT_EQUAL(r.outcome, OUTCOME_DIED);
    CU_ASSERT_STRING_EQUAL(r.reason, "triple fault in the guest");
    CU_ASSERT_TRUE(r.has_where);
    CU_ASSERT_EQUAL(r.eip, 0x0010002a);
    CU_ASSERT_EQUAL(r.cpl, 1);
    CU_ASSERT_STRING_EQUAL(r.insn, "mov %eax,%cr3");
    report_free(&r);
}

/* A monitor that crashed while writing leaves a block without its end, or
 * without an outcome: neither is complete. */
static void test_truncated_block_is_incomplete(void)
{
    struct vmm_report r;

    parse(&r, "@report-begin\n@outcome poweroff 0\n@exit gp 1 2\n");
    CU_ASSERT_FALSE(r.complete);
    CU_ASSERT_TRUE(r.in_block);
    report_free(&r);
    parse(&r, "@report-begin\n@exit gp 1 2\n@report-end\n");
    CU_ASSERT_FALSE(r.complete);
    report_free(&r);
    parse(&r, "@report-begin\n@outcome poweroff 0\n@exit gp 1 2\n@repo");
    CU_ASSERT_FALSE(r.complete);
    report_free(&r);
}

/* A newer monitor's lines are skipped, so an older vmm still reads it. */
static void test_unknown_lines_are_ignored(void)
{
    struct vmm_report r;

    parse(&r, "@report-begin\n@hot 0x00100000 999 cli\n"
              "@outcome poweroff 3\n@outcome sleeping 4\n@exit gp 1 2 extra\n"
              "@future\n@report-end\n");
    CU_ASSERT_TRUE(r.complete);
    CU_ASSERT_EQUAL(r.outcome, OUTCOME_POWEROFF);
    CU_ASSERT_EQUAL(r.status, 3);
    CU_ASSERT_EQUAL(r.n_exits, 1);
    report_free(&r);
}

/* Malformed numbers, '@' lines outside a block and plain garbage do not
 * make a report, nor change one. */
static void test_garbage_is_not_a_report(void)
{
    struct vmm_report r;

    parse(&r, "\x01\x02garbage\n@outcome poweroff 1\n@exit gp 5 5\n"
              "@report-end\n\n@@@\n");
    CU_ASSERT_FALSE(r.complete);
    CU_ASSERT_EQUAL(r.outcome, OUTCOME_NONE);
    CU_ASSERT_EQUAL(r.n_exits, 0);
    report_free(&r);
    parse(&r, "@report-begin\n@outcome poweroff x7\n@exit gp -1 2\n"
              "@exit pf 1 99999999999999999999999\n@where 0x1 cpl=9 hlt\n"
              "@where nothex cpl=0 hlt\n@stat lonely\n@report-end\n");
    CU_ASSERT_FALSE(r.complete);
    CU_ASSERT_EQUAL(r.n_exits, 0);
    CU_ASSERT_FALSE(r.has_where);
    CU_ASSERT_EQUAL(r.n_stats, 0);
    report_free(&r);
}

/* Only the last block counts; repeated counter names add up. */
static void test_last_block_wins_and_counters_add(void)
{
    struct vmm_report r;

    parse(&r, "@report-begin\n@outcome died early\n@report-end\n"
              "@report-begin\n@outcome poweroff 9\n@exit gp 1 10\n"
              "@exit gp 2 20\n@report-end\n");
    CU_ASSERT_TRUE(r.complete);
    CU_ASSERT_EQUAL(r.outcome, OUTCOME_POWEROFF);
    CU_ASSERT_PTR_NULL(r.reason);
    CU_ASSERT_EQUAL_FATAL(r.n_exits, 1);
    CU_ASSERT_EQUAL(r.exits[0].count, 3);
    CU_ASSERT_EQUAL(r.exits[0].cycles, 30);
    report_free(&r);
}

/* Run WRITE on report R into a memory buffer; return it (caller frees). */
static char *capture(const struct vmm_report *r,
                     void (*write)(const struct vmm_report *, FILE *))
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    write(r, f);
    fclose(f);
    return buf;
}

/* The table shows the outcome, counts, cycles and averages, aligned. */
static void test_table_shows_counts_cycles_and_averages(void)
{
    struct vmm_report r;
    char *out;

    parse(&r, complete_log);
    out = capture(&r, report_print);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "guest powered off, status 7"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "exits by cause  count  cycles  cycles/exit\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "  gp             1234  567890          460\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "  total          1244  667889          536\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "  cli                      3    1200          400\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "  guest_mem_mib  256\n"));
    free(out);
    report_free(&r);
}

/* Write R's JSON members wrapped in braces. */
static void write_json_object(const struct vmm_report *r, FILE *f)
{
    fputc('{', f);
    report_write_json_members(r, f);
    fputc('}', f);
}

static void test_json_of_poweroff_report(void)
{
    struct vmm_report r;
    char *out;

    parse(&r, complete_log);
    out = capture(&r, write_json_object);
    CU_ASSERT_STRING_EQUAL(out,
        "{\"outcome\":\"poweroff\",\"status\":7,"
        "\"exits\":[{\"cause\":\"gp\",\"count\":1234,\"cycles\":567890},"
        "{\"cause\":\"pf\",\"count\":10,\"cycles\":99999}],"
        "\"instructions\":[{\"mnemonic\":\"cli\",\"count\":3,\"cycles\":1200},"
        "{\"mnemonic\":\"out\",\"count\":2,\"cycles\":800}],"
        "\"stats\":{\"guest_mem_mib\":256,\"policy\":\"trace-all\"}}");
    free(out);
    report_free(&r);
}

/* Strings from the monitor are escaped: quotes, backslashes, control and
 * non-ASCII bytes. */
static void test_json_of_died_report_escapes_strings(void)
{
    struct vmm_report r;
    char *out;

    parse(&r, "@report-begin\n@outcome died bad \"cr3\" \\ \x01\xe9\n"
              "@where 0xc0100000 cpl=0 mov\t%eax,(%ebx)\n@report-end\n");
    out = capture(&r, write_json_object);
    CU_ASSERT_STRING_EQUAL(out,
        "{\"outcome\":\"died\",\"reason\":\"bad \\\"cr3\\\" \\\\ \\u0001\\u00e9\","
        "\"where\":{\"eip\":3222274048,\"cpl\":0,\"insn\":\"mov\\t%eax,(%ebx)\"},"
        "\"exits\":[],\"instructions\":[],\"stats\":{}}");
    free(out);
    report_free(&r);
}

void host_add_report_suite(void)
{
    CU_pSuite s = CU_add_suite("report", NULL, NULL);

    if (s == NULL)
        exit(2);
    CU_add_test(s, "complete report is read in full",
                test_complete_report_is_read_in_full);
    CU_add_test(s, "died report gives reason and where",
                test_died_report_gives_reason_and_where);
    CU_add_test(s, "truncated block is incomplete",
                test_truncated_block_is_incomplete);
    CU_add_test(s, "unknown lines are ignored", test_unknown_lines_are_ignored);
    CU_add_test(s, "garbage is not a report", test_garbage_is_not_a_report);
    CU_add_test(s, "last block wins and counters add",
                test_last_block_wins_and_counters_add);
    CU_add_test(s, "table shows counts, cycles and averages",
                test_table_shows_counts_cycles_and_averages);
    CU_add_test(s, "JSON of a poweroff report", test_json_of_poweroff_report);
    CU_add_test(s, "JSON of a died report escapes strings",
                test_json_of_died_report_escapes_strings);
}
