/* host_bench_check.c - check what a real `vmm bench` run wrote: the shape
 * of its tables, of its JSON and of its chart, never its timings.
 *
 *   host_bench_check TABLE JSON SVG BENCH...
 *
 * TABLE is vmm bench's standard output, JSON and SVG its --json and --chart
 * files; each BENCH (e.g. u.syscall) must have been measured natively and
 * under every policy. Prints what is wrong and exits 1, or exits 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "host_bench_xml.h"
#include "report_json.h"

static int failures;

static void check(int ok, const char *what, const char *detail)
{
    if (!ok) {
        fprintf(stderr, "host_bench_check: %s%s%s\n", what,
                detail ? ": " : "", detail ? detail : "");
        failures++;
    }
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *text = NULL;
    size_t len = 0;

    if (f == NULL || getdelim(&text, &len, '\0', f) < 0) {
        fprintf(stderr, "host_bench_check: cannot read %s\n", path);
        exit(1);
    }
    fclose(f);
    return text;
}

/* The line of TEXT that starts with PREFIX, copied into LINE; false if
 * there is none. */
static int find_line(const char *text, const char *prefix, char *line,
                     size_t len)
{
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
        if (!strncmp(p, prefix, strlen(prefix))) {
            snprintf(line, len, "%.*s", (int)strcspn(p, "\n"), p);
            return 1;
        }
    return 0;
}

/* Split LINE into at most MAX blank-separated words; return how many. */
static int words(char *line, char **w, int max)
{
    int n = 0;

    for (char *t = strtok(line, " "); t && n < max; t = strtok(NULL, " "))
        w[n++] = t;
    return n;
}

static int is_number(const char *s)
{
    return *s && strspn(s, "0123456789") == strlen(s);
}

/* A ratio as the table prints it: digits and a point, then 'x'. */
static int is_ratio(const char *s)
{
    size_t n = strlen(s);

    return n >= 2 && s[n - 1] == 'x' &&
           strspn(s, "0123456789.") == n - 1;
}

/* The benchmark table: a header naming the policies, then a row per BENCH
 * with a native figure and a figure and a ratio per policy. */
static void check_table(const char *table, char **policies, int np,
                        char **benches, int nb)
{
    char line[512], *w[16], prefix[64];
    int n;

    check(strstr(table, "cycles per operation, native and under the "
                 "monitor") != NULL, "table title missing", NULL);
    check(find_line(table, "  benchmark ", line, sizeof(line)),
          "table header missing", NULL);
    n = words(line, w, 16);
    check(n == 2 + 2 * np, "table header has the wrong columns", NULL);
    for (int p = 0; p < np && 2 + 2 * p < n; p++)
        check(!strcmp(w[2 + 2 * p], policies[p]) &&
              !strcmp(w[3 + 2 * p], "ratio"), "table header", policies[p]);
    for (int i = 0; i < nb; i++) {
        snprintf(prefix, sizeof(prefix), "  %s ", benches[i]);
        if (!find_line(table, prefix, line, sizeof(line))) {
            check(0, "no table row", benches[i]);
            continue;
        }
        n = words(line, w, 16);
        check(n == 2 + 2 * np, "table row has the wrong columns", benches[i]);
        for (int k = 1; k < n; k++)
            check(k >= 3 && k % 2 ? is_ratio(w[k]) : is_number(w[k]),
                  "table cell is not a number or ratio", w[k]);
    }
}

/* The split: a section per policy, each with an "all workloads" row whose
 * shares add up to 100%; the goals: four lines with a verdict. */
static void check_split_and_goals(const char *table, char **policies, int np)
{
    char head[64], line[512], *w[16];
    const char *sec, *g;
    double sum = 0;
    int n, goals = 0;

    for (int p = 0; p < np; p++) {
        snprintf(head, sizeof(head), "\npolicy %s\n", policies[p]);
        sec = strstr(table, head);
        check(sec != NULL, "no split section for policy", policies[p]);
        if (sec == NULL || !find_line(sec, "  all workloads", line,
                                      sizeof(line)))
            continue;
        n = words(line, w, 16);
        check(n == 4 + CAT_COUNT, "split row has the wrong columns", NULL);
        sum = 0;
        for (int k = 4; k < n; k++)
            sum += atof(w[k]);
        check(n < 5 || (sum > 99.0 && sum < 101.0),
              "split shares do not add up to 100%", policies[p]);
    }
    g = strstr(table, "\ngoals ");
    check(g != NULL, "no goals section", NULL);
    for (const char *p = g; p && *p; p = strchr(p + 1, '\n')) {
        char l[512];

        snprintf(l, sizeof(l), "%.*s", (int)strcspn(p + 1, "\n"), p + 1);
        goals += strstr(l, "  PASS") || strstr(l, "  MISS") ||
                 strstr(l, "  n/a");
    }
    check(goals == 4, "not four goal lines with a verdict", NULL);
}

/* One JSON record: the fields the issue asks for, of the right types. */
static void check_record(const struct json_value *r, char **policies,
                         int np)
{
    static const char *const numbers[] = { "native_cycles",
                                           "monitor_cycles", "ratio" };
    const struct json_value *pol = json_member(r, "policy", JSON_STRING);
    const struct json_value *cats = json_member(r, "categories", JSON_OBJECT);
    int known = 0;

    check(json_member(r, "bench", JSON_STRING) != NULL, "record: bench",
          NULL);
    check(json_member(r, "workload", JSON_STRING) != NULL,
          "record: workload", NULL);
    for (int p = 0; pol && p < np; p++)
        known |= !strcmp(pol->str, policies[p]);
    check(known, "record: policy", pol ? pol->str : NULL);
    for (size_t i = 0; i < 3; i++)
        check(json_member(r, numbers[i], JSON_NUMBER) != NULL ||
              json_member(r, numbers[i], JSON_NULL) != NULL,
              "record: not a number or null", numbers[i]);
    check(cats != NULL, "record: categories", NULL);
    for (int k = 0; cats && k < CAT_COUNT; k++) {
        const struct json_value *c =
            json_member(cats, bench_category_key[k], JSON_OBJECT);

        check(c && json_member(c, "count", JSON_NUMBER) &&
              json_member(c, "cycles", JSON_NUMBER), "record: category",
              bench_category_key[k]);
    }
}

/* The JSON: its policies, a record per benchmark and policy (each BENCH
 * among them, measured), the goals. Puts the policies in POLICIES. */
static int check_json(const char *text, char **policies, char **benches,
                      int nb)
{
    struct json_value doc;
    const struct json_value *pols, *recs, *goals;
    int np = 0;

    if (!json_parse(text, &doc)) {
        check(0, "the JSON file is not JSON", NULL);
        return 0;
    }
    pols = json_member(&doc, "policies", JSON_ARRAY);
    recs = json_member(&doc, "records", JSON_ARRAY);
    goals = json_member(&doc, "goals", JSON_ARRAY);
    check(pols && pols->n > 0, "JSON: policies", NULL);
    for (size_t i = 0; pols && i < pols->n && i < BENCH_MAX_POLICIES; i++)
        policies[np++] = strdup(pols->items[i].str ? pols->items[i].str : "");
    check(recs != NULL, "JSON: records", NULL);
    for (size_t i = 0; recs && i < recs->n; i++)
        check_record(&recs->items[i], policies, np);
    for (int i = 0; recs && i < nb; i++) {
        int found = 0;

        for (size_t j = 0; j < recs->n; j++) {
            const struct json_value *r = &recs->items[j];
            const struct json_value *b = json_member(r, "bench", JSON_STRING);

            found += b && !strcmp(b->str, benches[i]) &&
                     json_member(r, "ratio", JSON_NUMBER);
        }
        check(found == np, "JSON: not measured under every policy",
              benches[i]);
    }
    check(goals && goals->n == 4, "JSON: four goals", NULL);
    check(json_member(&doc, "workloads", JSON_ARRAY) != NULL,
          "JSON: workloads", NULL);
    json_free(&doc);
    return np;
}

int main(int argc, char **argv)
{
    char *table, *json, *svg, *policies[BENCH_MAX_POLICIES];
    char root[16], why[256];
    unsigned elements = 0;
    int np;

    if (argc < 4) {
        fputs("usage: host_bench_check TABLE JSON SVG BENCH...\n", stderr);
        return 2;
    }
    table = slurp(argv[1]);
    json = slurp(argv[2]);
    svg = slurp(argv[3]);
    np = check_json(json, policies, argv + 4, argc - 4);
    check_table(table, policies, np, argv + 4, argc - 4);
    check_split_and_goals(table, policies, np);
    check(xml_well_formed(svg, root, sizeof(root), &elements, why,
                          sizeof(why)), "the chart is not well-formed XML",
          why);
    check(!strcmp(root, "svg") && strstr(svg, "<rect") != NULL,
          "the chart is not an SVG picture with bars", NULL);
    if (failures == 0)
        printf("host_bench_check: table, JSON (%d policies) and chart (%u "
               "elements) have the expected structure\n", np, elements);
    return failures != 0;
}
