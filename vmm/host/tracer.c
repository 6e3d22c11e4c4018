/* tracer.c - the monitor's exits, live, for people watching it work.
 *
 * The problem: with `trace=CLASSES` on its command line the monitor writes
 * one "@trace CLASS 0xEIP cpl=N WHAT | INSTRUCTION" line per exit to its log
 * channel (QEMU's debug console, a file). A user of `vmm run --trace` wants
 * to see them as they happen, next to the guest's console, with the guest
 * address named from the guest's symbols.
 *
 * The approach: while QEMU runs, vmm polls the log file a few times a
 * second (qemu_run's watch hook); each complete new line that is a trace
 * line is printed to stderr as
 *
 *     [pf-hidden] 0x80104b20 memset+0x10      rep stosd ...   shadow filled ...
 *
 * The report lines (@report-begin ...) are left for report.c to parse
 * after the run.
 */
#include "tracer.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char *const classes[] = {
    "priv", "io", "pf-hidden", "pf-trace", "pf-true", "cr3", "irq", "int",
    "other",
};

bool tracer_classes_ok(const char *list)
{
    while (*list) {
        size_t len = strcspn(list, ",");
        bool known = len == 3 && !strncmp(list, "all", 3);

        for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
            known |= strlen(classes[i]) == len &&
                     !strncmp(classes[i], list, len);
        if (!known || len == 0)
            return false;
        list += len + (list[len] == ',');
    }
    return true;
}

bool tracer_format(const char *line, const struct guest_image *g, char *buf,
                   size_t len)
{
    char cls[16], what[256], insn[128], where[128];
    unsigned eip, cpl;
    const char *bar;
    int n;

    if (sscanf(line, "@trace %15s 0x%x cpl=%u %n", cls, &eip, &cpl, &n) != 3)
        return false;
    bar = strstr(line + n, " | ");
    if (!bar)
        return false;
    snprintf(what, sizeof(what), "%.*s", (int)(bar - (line + n)), line + n);
    snprintf(insn, sizeof(insn), "%s", bar + 3);
    if (!g || !guest_image_describe(g, eip, where, sizeof(where)))
        snprintf(where, sizeof(where), "%s", cpl == 3 ? "(user)" : "?");
    snprintf(buf, len, "[%s] 0x%08x %-24s %-34s %s", cls, eip, where, insn,
             what);
    return true;
}

void tracer_start(struct tracer *t, const char *logfile, const char *guest_elf,
                  FILE *out)
{
    char err[256];

    memset(t, 0, sizeof(*t));
    t->out = out;
    t->log = fopen(logfile, "r");
    t->have_image = guest_image_open(&t->image, guest_elf, err, sizeof(err));
}

/* Print LINE if it is a trace line. */
static void show(struct tracer *t, const char *line)
{
    char buf[640];

    if (tracer_format(line, t->have_image ? &t->image : NULL, buf,
                      sizeof(buf)))
        fprintf(t->out, "%s\n", buf);
}

void tracer_poll(void *tracer)
{
    struct tracer *t = tracer;
    int c;

    if (!t->log)
        return;
    clearerr(t->log);
    while ((c = fgetc(t->log)) != EOF) {
        if (c != '\n') {
            if (t->npartial + 1 < sizeof(t->partial))
                t->partial[t->npartial++] = (char)c;
            continue;
        }
        t->partial[t->npartial] = 0;
        show(t, t->partial);
        t->npartial = 0;
    }
    fflush(t->out);
}

void tracer_stop(struct tracer *t)
{
    tracer_poll(t);
    if (t->log)
        fclose(t->log);
    if (t->have_image)
        guest_image_close(&t->image);
    t->log = NULL;
}
