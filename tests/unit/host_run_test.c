/* host_run_test.c - the QEMU command line vmm builds, the exit status it
 * chooses, the options it takes, and where it looks for programs.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host_test.h"
#include "paths.h"
#include "qemu.h"
#include "report.h"
#include "run.h"
#include "verdict.h"

/* ---- qemu: the command line ---- */

/* Join ARGV with '|' between arguments, so boundaries show; caller frees. */
static char *join(char **argv)
{
    size_t len = 1;
    char *s;

    for (size_t i = 0; argv[i]; i++)
        len += strlen(argv[i]) + 1;
    s = calloc(1, len);
    for (size_t i = 0; argv[i]; i++) {
        if (i)
            strcat(s, "|");
        strcat(s, argv[i]);
    }
    return s;
}

/* Build the argv for C and compare it, joined by '|', with WANT. */
static void assert_argv(const struct qemu_config *c, const char *want)
{
    char **argv = qemu_build_argv(c);
    char *got = join(argv);

    if (strcmp(got, want) != 0)
        fprintf(stderr, "\n  got  %s\n  want %s\n", got, want);
    CU_ASSERT_STRING_EQUAL(got, want);
    free(got);
    qemu_free_argv(argv);
}

static const char *const two_initrds[] = { "/i/one", "/i/two" };

static void test_monitor_mode_boots_monitor_with_guest_as_module_0(void)
{
    struct qemu_config c = {
        .qemu = "qemu-system-x86_64", .monitor = "/b/monitor.elf",
        .guest = "/b/guests/first.elf", .mem_mib = 256, .append = "",
        .logfile = "/tmp/vmm-monitor-log-abc", .timeout_s = 600,
    };

    assert_argv(&c, "timeout|--foreground|-k|5|600|qemu-system-x86_64|"
        "-machine|pc|-cpu|max,-mpx,-pku,-pks|-m|448|-nodefaults|-display|none|-no-reboot|"
        "-kernel|/b/monitor.elf|-append|mem=256|"
        "-initrd|/b/guests/first.elf |-serial|stdio|"
        "-debugcon|file:/tmp/vmm-monitor-log-abc|"
        "-device|isa-debug-exit,iobase=0xf4,iosize=4");
}

/* Module 0 is "<guest> <append>" and --initrd files follow; commas in the
 * guest's name and command line are doubled for QEMU's list parser. */
static void test_monitor_mode_appends_cmdline_and_initrds(void)
{
    struct qemu_config c = {
        .qemu = "/opt/q", .monitor = "m.elf", .guest = "g,1.elf",
        .mem_mib = 16, .append = "console=ttyS0 a,b", .initrds = two_initrds,
        .n_initrds = 2, .logfile = "/t/log", .timeout_s = 3,
    };

    assert_argv(&c, "timeout|--foreground|-k|5|3|/opt/q|"
        "-machine|pc|-cpu|max,-mpx,-pku,-pks|-m|208|-nodefaults|-display|none|-no-reboot|"
        "-kernel|m.elf|-append|mem=16|"
        "-initrd|g,,1.elf console=ttyS0 a,,b,/i/one,/i/two|-serial|stdio|"
        "-debugcon|file:/t/log|-device|isa-debug-exit,iobase=0xf4,iosize=4");
}

static void test_native_mode_boots_the_guest_itself(void)
{
    struct qemu_config c = {
        .native = true, .qemu = "qemu-system-x86_64", .monitor = "unused",
        .guest = "g.elf", .mem_mib = 2048, .append = "x=1", .timeout_s = 0,
        .logfile = "unused",
    };

    assert_argv(&c, "timeout|--foreground|-k|5|0|qemu-system-x86_64|"
        "-machine|pc|-cpu|max,-mpx,-pku,-pks|-m|2048|-nodefaults|-display|none|-no-reboot|"
        "-kernel|g.elf|-append|x=1|-serial|stdio|"
        "-device|isa-debug-exit,iobase=0xf4,iosize=4");
    c.initrds = two_initrds;
    c.n_initrds = 2;
    c.append = "";
    assert_argv(&c, "timeout|--foreground|-k|5|0|qemu-system-x86_64|"
        "-machine|pc|-cpu|max,-mpx,-pku,-pks|-m|2048|-nodefaults|-display|none|-no-reboot|"
        "-kernel|g.elf|-append||-initrd|/i/one,/i/two|-serial|stdio|"
        "-device|isa-debug-exit,iobase=0xf4,iosize=4");
}

/* --hda and --hdb are QEMU's IDE primary master and slave in both modes,
 * raw, with commas in the file name doubled; -device isa-debug-exit stays
 * last. */
static void test_disks_are_ide_primary_master_and_slave(void)
{
    struct qemu_config c = {
        .qemu = "q", .monitor = "m.elf", .guest = "g.elf", .mem_mib = 16,
        .append = "", .logfile = "/t/log", .timeout_s = 3,
        .disks = { "/d/a.img", "/d/b,1.img" },
    };

    assert_argv(&c, "timeout|--foreground|-k|5|3|q|"
        "-machine|pc|-cpu|max,-mpx,-pku,-pks|-m|208|-nodefaults|-display|none|-no-reboot|"
        "-kernel|m.elf|-append|mem=16|-initrd|g.elf |-serial|stdio|"
        "-debugcon|file:/t/log|"
        "-drive|file=/d/a.img,format=raw,if=ide,index=0|"
        "-drive|file=/d/b,,1.img,format=raw,if=ide,index=1|"
        "-device|isa-debug-exit,iobase=0xf4,iosize=4");
    c.native = true;
    c.disks[0] = NULL;
    assert_argv(&c, "timeout|--foreground|-k|5|3|q|"
        "-machine|pc|-cpu|max,-mpx,-pku,-pks|-m|16|-nodefaults|-display|none|-no-reboot|"
        "-kernel|g.elf|-append||-serial|stdio|"
        "-drive|file=/d/b,,1.img,format=raw,if=ide,index=1|"
        "-device|isa-debug-exit,iobase=0xf4,iosize=4");
}

/* ---- verdict: the exit status ---- */

/* QEMU exited by itself with STATUS after SECONDS. */
static struct qemu_end exited(int status, double seconds)
{
    return (struct qemu_end){ .exited = true, .status = status,
                              .seconds = seconds };
}

/* Decide for monitor mode with LOG as the monitor's log. */
static void decide_monitor(const char *log, struct qemu_end end,
                           struct verdict *v)
{
    struct vmm_report r;

    report_init(&r);
    report_parse_string(&r, log);
    verdict_decide(false, &end, &r, 600, v);
    report_free(&r);
}

#define POWEROFF_7 "@report-begin\n@outcome poweroff 7\n@report-end\n"
#define DIED "@report-begin\n@outcome died triple fault\n" \
             "@where 0x0010002a cpl=1 mov %eax,%cr3\n@report-end\n"

static void test_report_poweroff_is_the_exit_status(void)
{
    struct verdict v;

    decide_monitor(POWEROFF_7, exited(15, 1), &v);
    CU_ASSERT_EQUAL(v.kind, VERDICT_POWEROFF);
    CU_ASSERT_EQUAL(v.exit_status, 7);
    CU_ASSERT_STRING_EQUAL(v.message, "");
    CU_ASSERT_STRING_EQUAL(v.warning, "");
    CU_ASSERT_FALSE(v.keep_log);
}

/* QEMU's status should be (7 << 1) | 1 = 15; anything else is a warning,
 * but the report still decides. */
static void test_report_and_qemu_status_disagree_warns(void)
{
    struct verdict v;

    decide_monitor(POWEROFF_7, exited(1, 1), &v);
    CU_ASSERT_EQUAL(v.exit_status, 7);
    CU_ASSERT_PTR_NOT_NULL(strstr(v.warning, "QEMU exited with status 1"));
}

static void test_died_report_exits_71_with_reason_and_where(void)
{
    struct verdict v;

    decide_monitor(DIED, exited(3, 1), &v);
    CU_ASSERT_EQUAL(v.kind, VERDICT_DIED);
    CU_ASSERT_EQUAL(v.exit_status, VMM_EXIT_DIED);
    CU_ASSERT_STRING_EQUAL(v.message,
        "vmm: guest stopped by the monitor: triple fault\n"
        "vmm:   at eip 0x0010002a, cpl 1: mov %eax,%cr3");
}

/* A reset under -no-reboot is a clean exit 0 with nothing in the log. */
static void test_no_report_exits_70_and_keeps_the_log(void)
{
    struct verdict v;

    decide_monitor("monitor: panic in shadow_on_cr3_load\n", exited(0, 1), &v);
    CU_ASSERT_EQUAL(v.kind, VERDICT_NO_REPORT);
    CU_ASSERT_EQUAL(v.exit_status, VMM_EXIT_NO_REPORT);
    CU_ASSERT_TRUE(v.keep_log);
    CU_ASSERT_PTR_NOT_NULL(strstr(v.message, "QEMU exited with status 0"));
    CU_ASSERT_PTR_NOT_NULL(strstr(v.message, "no report was written"));
    decide_monitor("@report-begin\n@outcome poweroff 0\n", exited(1, 1), &v);
    CU_ASSERT_EQUAL(v.exit_status, VMM_EXIT_NO_REPORT);
    CU_ASSERT_PTR_NOT_NULL(strstr(v.message, "cut off"));
}

static void test_timeout_exits_124(void)
{
    struct verdict v;

    decide_monitor("", exited(124, 600), &v);
    CU_ASSERT_EQUAL(v.kind, VERDICT_TIMEOUT);
    CU_ASSERT_EQUAL(v.exit_status, VMM_EXIT_TIMEOUT);
    CU_ASSERT_STRING_EQUAL(v.message,
                           "vmm: guest still running after 600 s, stopped");
    decide_monitor("", exited(137, 605), &v);   /* needed SIGKILL */
    CU_ASSERT_EQUAL(v.exit_status, VMM_EXIT_TIMEOUT);
}

/* 137 is also a guest writing 68 to port 0xf4; before the timeout it is. */
static void test_status_137_before_the_timeout_is_a_guest_status(void)
{
    struct qemu_end end = exited(137, 2);
    struct vmm_report r;
    struct verdict v;

    report_init(&r);
    verdict_decide(true, &end, &r, 600, &v);
    CU_ASSERT_EQUAL(v.kind, VERDICT_POWEROFF);
    CU_ASSERT_EQUAL(v.exit_status, 68);
}

static void test_native_odd_status_is_the_guest_value(void)
{
    struct qemu_end end = exited(11, 1);
    struct vmm_report r;
    struct verdict v;

    report_init(&r);
    verdict_decide(true, &end, &r, 600, &v);
    CU_ASSERT_EQUAL(v.kind, VERDICT_POWEROFF);
    CU_ASSERT_EQUAL(v.exit_status, 5);
    end = exited(2, 1);
    verdict_decide(true, &end, &r, 600, &v);
    CU_ASSERT_EQUAL(v.kind, VERDICT_QEMU_FAILED);
    CU_ASSERT_EQUAL(v.exit_status, VMM_EXIT_NO_REPORT);
    CU_ASSERT_STRING_EQUAL(v.message, "vmm: QEMU exited with status 2");
    end = exited(124, 600);
    verdict_decide(true, &end, &r, 600, &v);
    CU_ASSERT_EQUAL(v.exit_status, VMM_EXIT_TIMEOUT);
}

/* Even a complete report: the user stopped vmm, so it says so. */
static void test_interrupt_wins_and_exits_130(void)
{
    struct qemu_end end = exited(15, 1);
    struct vmm_report r;
    struct verdict v;

    end.interrupted = true;
    report_init(&r);
    report_parse_string(&r, POWEROFF_7);
    verdict_decide(false, &end, &r, 600, &v);
    report_free(&r);
    CU_ASSERT_EQUAL(v.kind, VERDICT_INTERRUPTED);
    CU_ASSERT_EQUAL(v.exit_status, VMM_EXIT_INTERRUPTED);
    CU_ASSERT_STRING_EQUAL(v.message, "vmm: interrupted");
}

/* Write the JSON document for verdict V into a string; caller frees. */
static char *json_of(const struct verdict *v, bool native,
                     const struct qemu_end *end, const struct vmm_report *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    verdict_write_json(v, native, end, r, 600, f);
    fclose(f);
    return buf;
}

static void test_json_documents_say_outcome_and_mode(void)
{
    struct qemu_end end = exited(11, 1);
    struct vmm_report r;
    struct verdict v;
    char *s;

    report_init(&r);
    verdict_decide(true, &end, &r, 600, &v);
    s = json_of(&v, true, &end, &r);
    CU_ASSERT_STRING_EQUAL(s, "{\"outcome\":\"poweroff\",\"status\":5,"
                              "\"mode\":\"native\"}\n");
    free(s);
    end = exited(124, 600);
    verdict_decide(false, &end, &r, 600, &v);
    s = json_of(&v, false, &end, &r);
    CU_ASSERT_STRING_EQUAL(s, "{\"outcome\":\"timeout\",\"timeout_s\":600,"
                              "\"mode\":\"monitor\"}\n");
    free(s);
    report_parse_string(&r, POWEROFF_7);
    end = exited(15, 1);
    verdict_decide(false, &end, &r, 600, &v);
    s = json_of(&v, false, &end, &r);
    CU_ASSERT_STRING_EQUAL(s, "{\"outcome\":\"poweroff\",\"status\":7,"
        "\"exits\":[],\"instructions\":[],\"stats\":{},\"mode\":\"monitor\"}\n");
    free(s);
    report_free(&r);
}

/* ---- run: options ---- */

/* Parse the NULL-terminated words after "run" into *O; returns the code. */
static int parse_words(struct run_options *o, char *err, const char **words)
{
    char *argv[32] = { "run" };
    int argc = 1;

    while (*words && argc < 31)
        argv[argc++] = (char *)*words++;
    argv[argc] = NULL;
    return run_parse_options(argc, argv, o, err, 256);
}

static void test_defaults(void)
{
    struct run_options o;
    char err[256];
    const char *w[] = { NULL };

    CU_ASSERT_EQUAL(parse_words(&o, err, w), 0);
    CU_ASSERT_PTR_NULL(o.guest);
    CU_ASSERT_EQUAL(o.mem_mib, 256);
    CU_ASSERT_EQUAL(o.timeout_s, 600);
    CU_ASSERT_STRING_EQUAL(o.append, "");
    CU_ASSERT_FALSE(o.native || o.quiet || o.help);
    CU_ASSERT_PTR_NULL(o.report_json);
    CU_ASSERT_PTR_NULL(o.disks[0]);
    CU_ASSERT_PTR_NULL(o.disks[1]);
    run_options_free(&o);
}

static void test_every_option_is_taken_in_any_order(void)
{
    struct run_options o;
    char err[256];
    const char *w[] = { "--native", "--mem", "16", "g.elf", "--append",
        "a b", "--initrd", "x,y", "--initrd=z", "--timeout", "0",
        "--report-json", "r.json", "--quiet", "--hdb", "b.img",
        "--hda=a.img", NULL };

    CU_ASSERT_EQUAL_FATAL(parse_words(&o, err, w), 0);
    CU_ASSERT_STRING_EQUAL(o.guest, "g.elf");
    CU_ASSERT_TRUE(o.native && o.quiet);
    CU_ASSERT_EQUAL(o.mem_mib, 16);
    CU_ASSERT_STRING_EQUAL(o.append, "a b");
    CU_ASSERT_EQUAL_FATAL(o.n_initrds, 3);
    CU_ASSERT_STRING_EQUAL(o.initrds[0], "x");
    CU_ASSERT_STRING_EQUAL(o.initrds[1], "y");
    CU_ASSERT_STRING_EQUAL(o.initrds[2], "z");
    CU_ASSERT_EQUAL(o.timeout_s, 0);
    CU_ASSERT_STRING_EQUAL(o.report_json, "r.json");
    CU_ASSERT_STRING_EQUAL(o.disks[0], "a.img");
    CU_ASSERT_STRING_EQUAL(o.disks[1], "b.img");
    run_options_free(&o);
}

/* Assert that WORDS are refused as a usage error whose reason has WANT. */
static void assert_usage_error(const char **words, const char *want)
{
    struct run_options o;
    char err[256] = "";

    CU_ASSERT_EQUAL(parse_words(&o, err, words), VMM_EXIT_USAGE);
    if (strstr(err, want) == NULL)
        fprintf(stderr, "\n  got \"%s\", want \"%s\"\n", err, want);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
    run_options_free(&o);
}

static void test_bad_options_are_usage_errors(void)
{
    const char *mem_low[] = { "--mem", "15", NULL };
    const char *mem_high[] = { "--mem", "2049", NULL };
    const char *mem_word[] = { "--mem", "lots", NULL };
    const char *timeout_neg[] = { "--timeout", "-1", NULL };
    const char *no_value[] = { "g.elf", "--append", NULL };
    const char *unknown[] = { "--turbo", NULL };
    const char *two[] = { "a.elf", "b.elf", NULL };
    const char *empty_item[] = { "--initrd", "a,,b", NULL };
    const char *hda_no_value[] = { "--hda", NULL };

    assert_usage_error(mem_low, "--mem 15: want a whole number of MiB from 16 to 2048");
    assert_usage_error(mem_high, "--mem 2049");
    assert_usage_error(mem_word, "--mem lots");
    assert_usage_error(timeout_neg, "--timeout -1");
    assert_usage_error(no_value, "option --append needs a value");
    assert_usage_error(unknown, "unknown option '--turbo'");
    assert_usage_error(two, "one guest at a time");
    assert_usage_error(empty_item, "empty file name");
    assert_usage_error(hda_no_value, "option --hda needs a value");
}

/* An --initrd naming one existing file with a comma in its name cannot be
 * given to QEMU, and vmm says so rather than splitting it. */
static void test_initrd_file_with_comma_is_refused(void)
{
    char value[512];
    const char *w[] = { "--initrd", value, NULL };
    FILE *f;

    snprintf(value, sizeof(value), "%s", host_tmp_path("disk,1.img"));
    f = fopen(value, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fclose(f);
    assert_usage_error(w, "contains a comma");
}

/* ---- paths: finding programs ---- */

static void test_search_finds_executables_on_path_only(void)
{
    char found[512], dirs[600];
    const char *prog = host_tmp_path("fake-qemu");
    FILE *f = fopen(prog, "w");

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fclose(f);
    snprintf(dirs, sizeof(dirs), "/nonexistent:%s", host_tmp_dir());
    CU_ASSERT_FALSE(paths_search("fake-qemu", dirs, found, sizeof(found)));
    chmod(prog, 0755);
    CU_ASSERT_TRUE(paths_search("fake-qemu", dirs, found, sizeof(found)));
    CU_ASSERT_STRING_EQUAL(found, host_tmp_path("fake-qemu"));
    CU_ASSERT_FALSE(paths_search("fake-qemu", "/nonexistent", found,
                                 sizeof(found)));
    CU_ASSERT_TRUE(paths_search(host_tmp_path("fake-qemu"), "", found,
                                sizeof(found)));
    CU_ASSERT_FALSE(paths_search("sh", host_tmp_dir(), found, sizeof(found)));
}

/* Add a suite called NAME, or give up. */
static CU_pSuite new_suite(const char *name)
{
    CU_pSuite s = CU_add_suite(name, NULL, NULL);

    if (s == NULL)
        exit(2);
    return s;
}

void host_add_qemu_suite(void)
{
    CU_pSuite s = new_suite("qemu command line");

    CU_add_test(s, "monitor mode boots the monitor with the guest as module 0",
                test_monitor_mode_boots_monitor_with_guest_as_module_0);
    CU_add_test(s, "monitor mode appends the command line and initrds",
                test_monitor_mode_appends_cmdline_and_initrds);
    CU_add_test(s, "native mode boots the guest itself",
                test_native_mode_boots_the_guest_itself);
    CU_add_test(s, "disks are IDE primary master and slave",
                test_disks_are_ide_primary_master_and_slave);
}

void host_add_verdict_suite(void)
{
    CU_pSuite s = new_suite("verdict");

    CU_add_test(s, "report poweroff is the exit status",
                test_report_poweroff_is_the_exit_status);
    CU_add_test(s, "report and QEMU status disagree: warning",
                test_report_and_qemu_status_disagree_warns);
    CU_add_test(s, "died report exits 71 with reason and where",
                test_died_report_exits_71_with_reason_and_where);
    CU_add_test(s, "no report exits 70 and keeps the log",
                test_no_report_exits_70_and_keeps_the_log);
    CU_add_test(s, "timeout exits 124", test_timeout_exits_124);
    CU_add_test(s, "status 137 before the timeout is a guest status",
                test_status_137_before_the_timeout_is_a_guest_status);
    CU_add_test(s, "native odd status is the guest value",
                test_native_odd_status_is_the_guest_value);
    CU_add_test(s, "interrupt wins and exits 130",
                test_interrupt_wins_and_exits_130);
    CU_add_test(s, "JSON documents say outcome and mode",
                test_json_documents_say_outcome_and_mode);
}

void host_add_options_suite(void)
{
    CU_pSuite s = new_suite("options and paths");

    CU_add_test(s, "defaults", test_defaults);
    CU_add_test(s, "every option is taken, in any order",
                test_every_option_is_taken_in_any_order);
    CU_add_test(s, "bad options are usage errors",
                test_bad_options_are_usage_errors);
    CU_add_test(s, "initrd file with a comma is refused",
                test_initrd_file_with_comma_is_refused);
    CU_add_test(s, "search finds executables on PATH only",
                test_search_finds_executables_on_path_only);
}
