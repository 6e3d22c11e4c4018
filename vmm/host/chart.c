/* chart.c - draw where the monitor's time goes, per policy and workload.
 *
 * The problem: the split tables of `vmm bench` hold 6 categories x every
 * workload x 3 policies; the pattern (trace spends its time in traced
 * writes, lazy in hidden faults, ...) is easier to see than to read.
 *
 * The approach: an SVG file written by hand - no library, any browser shows
 * it. One group of bars per workload (and one for all workloads together),
 * one bar per policy in each group, each bar a stack of the six categories.
 * Workloads differ in cost by orders of magnitude, so each group is scaled
 * to its own most expensive policy: within a group the bars compare
 * policies; the number on each bar gives its monitor cycles.
 *
 *      ^          #
 *      |    #     #        each bar, bottom to top: hidden faults,
 *      |    #  #  #        traced writes, CR3 switches, privileged,
 *      |    #  #  #        devices, the rest
 *      +----t--l--h------
 *          workload
 */
#include "chart.h"

#include <string.h>

#define BAR_W      18           /* px */
#define BAR_GAP     4
#define GROUP_GAP  26
#define PLOT_H    260           /* the tallest bar */
#define TOP        92           /* title and legend above the plot */
#define LEFT       20
#define RIGHT     130           /* room for the last slanted name */
#define BOTTOM    120           /* room for slanted workload names */

/* One colour per category, in enum bench_category order. */
static const char *const colour[CAT_COUNT] = {
    "#d62728", "#ff7f0e", "#9467bd", "#1f77b4", "#2ca02c", "#7f7f7f",
};

/* Write S as XML character data (escaping & < > " '). */
static void xml_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':  fputs("&amp;", out); break;
        case '<':  fputs("&lt;", out); break;
        case '>':  fputs("&gt;", out); break;
        case '"':  fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        default:
            if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f)
                fputc(*s, out);
            else
                fputc('?', out);        /* keep the file plain ASCII */
        }
    }
}

/* Draw one stacked bar at X for split S, scaled so that FULL cycles fill
 * PLOT_H, with the policy's initial under it and its Mcycles above it. */
static void bar(FILE *out, int x, const struct bench_split *s, uint64_t full,
                const char *policy)
{
    double y = TOP + PLOT_H, h;

    for (int k = 0; k < CAT_COUNT; k++) {
        if (full == 0 || s->cycles[k] == 0)
            continue;
        h = (double)PLOT_H * (double)s->cycles[k] / (double)full;
        y -= h;
        fprintf(out, "<rect x=\"%d\" y=\"%.2f\" width=\"%d\" height=\"%.2f\" "
                "fill=\"%s\"><title>%s: %s, %llu exits, %llu cycles</title>"
                "</rect>\n", x, y, BAR_W, h, colour[k], policy,
                bench_category_title[k], (unsigned long long)s->count[k],
                (unsigned long long)s->cycles[k]);
    }
    fprintf(out, "<text x=\"%d\" y=\"%.2f\" font-size=\"8\" "
            "text-anchor=\"middle\">%.0f</text>\n", x + BAR_W / 2, y - 3,
            (double)s->exit_cycles / 1e6);
    fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"10\" "
            "text-anchor=\"middle\">%c</text>\n", x + BAR_W / 2,
            TOP + PLOT_H + 12, policy[0]);
}

/* Draw the group of bars of one workload LABEL at X; SPLITS[p] is policy
 * p's split, drawn if RAN[p]. Returns the x after the group. */
static int group(FILE *out, const struct bench_results *b, int x,
                 const char *label, const struct bench_split *splits,
                 const bool *ran)
{
    uint64_t full = 0;
    int x0 = x;

    for (size_t p = 0; p < b->n_policies; p++)
        if (ran[p] && splits[p].exit_cycles > full)
            full = splits[p].exit_cycles;
    for (size_t p = 0; p < b->n_policies; p++, x += BAR_W + BAR_GAP)
        if (ran[p])
            bar(out, x, &splits[p], full, b->policies[p]);
    fprintf(out, "<text transform=\"translate(%d,%d) rotate(35)\" "
            "font-size=\"10\">", (x0 + x - BAR_GAP) / 2 - 4,
            TOP + PLOT_H + 24);
    xml_text(out, label);
    fputs("</text>\n", out);
    return x - BAR_GAP + GROUP_GAP;
}

/* The legend: a swatch and a name per category, and how to read it. */
static void legend(FILE *out, const struct bench_results *b)
{
    for (int k = 0; k < CAT_COUNT; k++) {
        int x = LEFT + (k % 3) * 170, y = 34 + (k / 3) * 16;

        fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
                "fill=\"%s\"/>\n<text x=\"%d\" y=\"%d\" font-size=\"11\">"
                "%s</text>\n", x, y, colour[k], x + 14, y + 9,
                bench_category_title[k]);
    }
    fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\">bars: ", LEFT,
            34 + 2 * 16 + 9);
    for (size_t p = 0; p < b->n_policies; p++)
        fprintf(out, "%s%c = %s", p ? ", " : "", b->policies[p][0],
                b->policies[p]);
    fputs("; number on a bar: its million cycles</text>\n", out);
}

void chart_write_svg(const struct bench_results *b, FILE *out)
{
    int group_w = (int)b->n_policies * (BAR_W + BAR_GAP) - BAR_GAP + GROUP_GAP;
    int width = LEFT + (int)(b->n_workloads + 1) * group_w + RIGHT;
    int height = TOP + PLOT_H + BOTTOM, x = LEFT + GROUP_GAP / 2;
    struct bench_split total[BENCH_MAX_POLICIES];
    bool ran[BENCH_MAX_POLICIES];

    if (width < 900)
        width = 900;
    fprintf(out, "<?xml version=\"1.0\" encoding=\"US-ASCII\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">"
            "\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            width, height, width, height);
    fprintf(out, "<text x=\"%d\" y=\"18\" font-size=\"14\">The monitor's "
            "time by category, per workload and policy (each workload "
            "scaled to its costliest policy)</text>\n", LEFT);
    legend(out, b);
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
            "stroke=\"black\"/>\n", LEFT, TOP + PLOT_H, width - LEFT,
            TOP + PLOT_H);
    for (size_t p = 0; p < b->n_policies; p++) {
        total[p] = bench_policy_total(b, p);
        ran[p] = false;
        for (size_t w = 0; w < b->n_workloads; w++)
            ran[p] |= b->workloads[w].ran[p];
    }
    for (size_t w = 0; w < b->n_workloads; w++)
        x = group(out, b, x, b->workloads[w].cmdline, b->workloads[w].split,
                  b->workloads[w].ran);
    group(out, b, x, "all workloads", total, ran);
    fputs("</svg>\n", out);
}
