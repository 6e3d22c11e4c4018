/* report.c - read the monitor's exit report back out of its log.
 *
 * The problem: the monitor runs inside QEMU and has no file system; all it can
 * tell the host is a stream of bytes on its log channel (QEMU's debugcon,
 * which vmm points at a temporary file). That stream mixes free-text log
 * lines with the one thing vmm must understand: the report the monitor writes
 * just before it powers the machine off.
 *
 * The approach: the report is a block of lines that start with '@', so it
 * can be picked out of any amount of free text:
 *
 *   @report-begin
 *   @outcome poweroff <V>            the guest wrote V (decimal) to port 0xf4
 *   @outcome died <reason>           the monitor stopped the guest
 *   @outcome panic <reason>          the monitor itself failed
 *   @where 0x<eip> cpl=<n> <insn>    where it stopped (optional)
 *   @exit <cause> <count> <cycles>   one per exit cause
 *   @insn <mnemonic> <count> <cycles> one per emulated instruction
 *   @stat <name> <value>             any other counter
 *   @hot 0x<eip> <count> <cycles> <cause>
 *                                    the exit profile: one line per hot
 *                                    guest address, hottest first
 *   @report-end
 *
 * The parser is fed one line at a time and keeps only the last block. Lines
 * it does not know (new kinds of '@' line, malformed numbers, free text) are
 * skipped, so an older vmm reads a newer monitor's report. A block counts as
 * complete only once it has both an @outcome and its @report-end: a monitor
 * that crashed half-way through writing leaves an incomplete one.
 */
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "symbols.h"

void report_init(struct vmm_report *r)
{
    memset(r, 0, sizeof(*r));
}

/* Free an array of counters and their names. */
static void free_counters(struct report_counter *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(c[i].name);
    free(c);
}

void report_free(struct vmm_report *r)
{
    free(r->reason);
    free(r->insn);
    free_counters(r->exits, r->n_exits);
    free_counters(r->insns, r->n_insns);
    for (size_t i = 0; i < r->n_stats; i++) {
        free(r->stats[i].name);
        free(r->stats[i].value);
    }
    free(r->stats);
    for (size_t i = 0; i < r->n_hot; i++)
        free(r->hot[i].cause);
    free(r->hot);
    report_init(r);
}

/* Like strdup, but out of memory is fatal: the host has no sane way on. */
static char *xstrdup(const char *s)
{
    char *d = strdup(s);

    if (d == NULL) {
        fputs("vmm: out of memory\n", stderr);
        exit(70);
    }
    return d;
}

/* Grow *arr (of elements of SIZE bytes, *n in use) by one zeroed element and
 * return a pointer to it. Out of memory is fatal. */
static void *grow(void *arrp, size_t *n, size_t size)
{
    void **arr = arrp;
    char *p = realloc(*arr, (*n + 1) * size);

    if (p == NULL) {
        fputs("vmm: out of memory\n", stderr);
        exit(70);
    }
    *arr = p;
    memset(p + *n * size, 0, size);
    return p + (*n)++ * size;
}

/* Cut the next blank-separated word out of the mutable string at *p, advance
 * *p past it, and return it; NULL if only blanks are left. */
static char *take_word(char **p)
{
    char *s = *p, *w;

    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '\0')
        return NULL;
    w = s;
    while (*s && *s != ' ' && *s != '\t')
        s++;
    if (*s)
        *s++ = '\0';
    *p = s;
    return w;
}

/* Return the rest of the mutable string at *p with surrounding blanks
 * removed (possibly empty). */
static char *take_rest(char **p)
{
    char *s = *p, *e;

    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        *--e = '\0';
    *p = e;
    return s;
}

/* Parse a decimal number of at most 64 bits into *out; false unless the
 * whole word is digits and fits. */
static bool parse_u64(const char *w, uint64_t *out)
{
    uint64_t v = 0;

    if (w == NULL || *w == '\0')
        return false;
    for (; *w; w++) {
        if (*w < '0' || *w > '9')
            return false;
        if (v > (UINT64_MAX - (uint64_t)(*w - '0')) / 10)
            return false;
        v = v * 10 + (uint64_t)(*w - '0');
    }
    *out = v;
    return true;
}

/* "@outcome poweroff <V>", "@outcome died <reason>", "@outcome panic <reason>". */
static void parse_outcome(struct vmm_report *r, char *args)
{
    char *kind = take_word(&args);
    char *reason;
    uint64_t v;

    if (kind == NULL)
        return;
    if (strcmp(kind, "poweroff") == 0) {
        if (!parse_u64(take_word(&args), &v) || v > UINT32_MAX)
            return;
        r->outcome = OUTCOME_POWEROFF;
        r->status = (uint32_t)v;
    } else if (strcmp(kind, "died") == 0 || strcmp(kind, "panic") == 0) {
        reason = take_rest(&args);
        free(r->reason);
        r->reason = xstrdup(*reason ? reason : "(no reason given)");
        r->outcome = kind[0] == 'd' ? OUTCOME_DIED : OUTCOME_PANIC;
    }
}

/* "@where 0x<eip> cpl=<n> <instruction text>". */
static void parse_where(struct vmm_report *r, char *args)
{
    char *eip = take_word(&args), *cpl = take_word(&args), *end;
    unsigned long long e;
    uint64_t c;

    if (eip == NULL || cpl == NULL || strncmp(eip, "0x", 2) != 0 ||
        strncmp(cpl, "cpl=", 4) != 0)
        return;
    e = strtoull(eip + 2, &end, 16);
    if (end == eip + 2 || *end != '\0' || e > UINT32_MAX ||
        !parse_u64(cpl + 4, &c) || c > 3)
        return;
    r->has_where = true;
    r->eip = (uint32_t)e;
    r->cpl = (unsigned)c;
    free(r->insn);
    r->insn = xstrdup(take_rest(&args));
}

/* Parse "0x<hex>" of at most 32 bits into *out; false unless it is all
 * of the word. */
static bool parse_hex32(const char *w, uint32_t *out)
{
    unsigned long long v;
    char *end;

    if (w == NULL || strncmp(w, "0x", 2) != 0 || w[2] == '\0' ||
        w[2] == '-' || w[2] == '+')
        return false;
    errno = 0;
    v = strtoull(w + 2, &end, 16);
    if (errno || *end != '\0' || v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* "@hot 0x<eip> <count> <cycles> <cause>": one more profile entry. */
static void parse_hot(struct vmm_report *r, char *args)
{
    char *eip = take_word(&args), *count = take_word(&args);
    char *cycles = take_word(&args), *cause = take_word(&args);
    struct report_hot h;

    if (!parse_hex32(eip, &h.eip) || !parse_u64(count, &h.count) ||
        !parse_u64(cycles, &h.cycles) || cause == NULL)
        return;
    h.cause = xstrdup(cause);
    *(struct report_hot *)grow(&r->hot, &r->n_hot, sizeof(h)) = h;
}

/* "@exit <name> <count> <cycles>" or "@insn ...": add to the counter of that
 * name in *arr (a second line for the same name adds to the first). */
static void parse_counter(struct report_counter **arr, size_t *n, char *args)
{
    char *name = take_word(&args);
    uint64_t count, cycles;
    struct report_counter *c = NULL;

    if (name == NULL || !parse_u64(take_word(&args), &count) ||
        !parse_u64(take_word(&args), &cycles))
        return;
    for (size_t i = 0; i < *n && c == NULL; i++)
        if (strcmp((*arr)[i].name, name) == 0)
            c = &(*arr)[i];
    if (c == NULL) {
        c = grow(arr, n, sizeof(**arr));
        c->name = xstrdup(name);
    }
    c->count += count;
    c->cycles += cycles;
}

/* "@stat <name> <value>": record it (a later line for a name replaces it). */
static void parse_stat(struct vmm_report *r, char *args)
{
    char *name = take_word(&args), *value = take_rest(&args);
    struct report_stat *s = NULL;

    if (name == NULL || *value == '\0')
        return;
    for (size_t i = 0; i < r->n_stats && s == NULL; i++)
        if (strcmp(r->stats[i].name, name) == 0)
            s = &r->stats[i];
    if (s == NULL) {
        s = grow(&r->stats, &r->n_stats, sizeof(*s));
        s->name = xstrdup(name);
    }
    free(s->value);
    s->value = xstrdup(value);
}

/* Handle one '@' line inside a block: KEY is its first word, ARGS the rest. */
static void parse_block_line(struct vmm_report *r, const char *key, char *args)
{
    if (strcmp(key, "@outcome") == 0)
        parse_outcome(r, args);
    else if (strcmp(key, "@where") == 0)
        parse_where(r, args);
    else if (strcmp(key, "@exit") == 0)
        parse_counter(&r->exits, &r->n_exits, args);
    else if (strcmp(key, "@insn") == 0)
        parse_counter(&r->insns, &r->n_insns, args);
    else if (strcmp(key, "@stat") == 0)
        parse_stat(r, args);
    else if (strcmp(key, "@hot") == 0)
        parse_hot(r, args);
    /* anything else: a newer monitor's line, skipped */
}

void report_feed_line(struct vmm_report *r, const char *line)
{
    size_t len = strlen(line);
    char *copy, *p, *key;

    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
    if (len == 0 || line[0] != '@')
        return;
    p = copy = strndup(line, len);
    if (copy == NULL)
        return;
    key = take_word(&p);
    if (strcmp(key, "@report-begin") == 0) {
        report_free(r);
        r->in_block = true;
    } else if (strcmp(key, "@report-end") == 0) {
        if (r->in_block)
            r->complete = r->outcome != OUTCOME_NONE;
        r->in_block = false;
    } else if (r->in_block) {
        parse_block_line(r, key, p);
    }
    free(copy);
}

void report_parse_string(struct vmm_report *r, const char *text)
{
    const char *nl;
    char *line;

    while (*text) {
        nl = strchr(text, '\n');
        line = strndup(text, nl ? (size_t)(nl - text) : strlen(text));
        if (line)
            report_feed_line(r, line);
        free(line);
        text = nl ? nl + 1 : text + strlen(text);
    }
}

void report_parse_stream(struct vmm_report *r, FILE *f)
{
    char *line = NULL;
    size_t cap = 0;

    while (getline(&line, &cap, f) >= 0)
        report_feed_line(r, line);
    free(line);
}

/* Number of decimal digits needed to print V. */
static int digits(uint64_t v)
{
    int d = 1;

    while (v >= 10) {
        v /= 10;
        d++;
    }
    return d;
}

/* Widen *w to at least X. */
static void widen(int *w, int x)
{
    if (x > *w)
        *w = x;
}

/* Print one table row: name, count, total cycles, average cycles per event. */
static void print_row(FILE *out, const int w[4], const char *name,
                      uint64_t count, uint64_t cycles)
{
    fprintf(out, "  %-*s  %*llu  %*llu  ", w[0], name, w[1],
            (unsigned long long)count, w[2], (unsigned long long)cycles);
    if (count)
        fprintf(out, "%*llu\n", w[3], (unsigned long long)(cycles / count));
    else
        fprintf(out, "%*s\n", w[3], "-");
}

/* Print a titled table of counters with count, cycles and average columns
 * (PER names the event: "exit", "insn"), plus a total row if n > 1. */
static void print_counters(FILE *out, const char *title, const char *per,
                           const struct report_counter *c, size_t n)
{
    char avg[32];
    int w[4] = { 5, 5, 6, 0 };  /* "total", "count", "cycles", avg header */
    uint64_t tcount = 0, tcycles = 0;

    snprintf(avg, sizeof(avg), "cycles/%s", per);
    w[3] = (int)strlen(avg);
    widen(&w[0], (int)strlen(title) - 2);      /* rows are indented 2 */
    for (size_t i = 0; i < n; i++) {
        widen(&w[0], (int)strlen(c[i].name));
        tcount += c[i].count;
        tcycles += c[i].cycles;
    }
    widen(&w[1], digits(tcount));
    widen(&w[2], digits(tcycles));
    for (size_t i = 0; i < n; i++)
        if (c[i].count)
            widen(&w[3], digits(c[i].cycles / c[i].count));
    fprintf(out, "\n%-*s  %*s  %*s  %*s\n", w[0] + 2, title, w[1], "count",
            w[2], "cycles", w[3], avg);
    for (size_t i = 0; i < n; i++)
        print_row(out, w, c[i].name, c[i].count, c[i].cycles);
    if (n > 1)
        print_row(out, w, "total", tcount, tcycles);
}

/* Print the outcome line (and where the guest stopped, if known). */
static void print_outcome(const struct vmm_report *r, FILE *out)
{
    if (r->outcome == OUTCOME_POWEROFF)
        fprintf(out, "outcome: guest powered off, status %u\n", r->status);
    else if (r->outcome == OUTCOME_DIED)
        fprintf(out, "outcome: guest stopped by the monitor: %s\n", r->reason);
    else if (r->outcome == OUTCOME_PANIC)
        fprintf(out, "outcome: the monitor failed (a monitor bug): %s\n",
                r->reason);
    else
        fprintf(out, "outcome: unknown (the report is incomplete)\n");
    if (r->has_where)
        fprintf(out, "  at eip 0x%08x, cpl %u: %s\n", r->eip, r->cpl,
                *r->insn ? r->insn : "(instruction not decoded)");
}

void report_print(const struct vmm_report *r, FILE *out)
{
    int w = 0;

    fprintf(out, "\n== vmm report ==\n");
    print_outcome(r, out);
    if (r->n_exits)
        print_counters(out, "exits by cause", "exit", r->exits, r->n_exits);
    if (r->n_insns)
        print_counters(out, "emulated instructions", "insn", r->insns,
                       r->n_insns);
    if (r->n_stats == 0)
        return;
    for (size_t i = 0; i < r->n_stats; i++)
        widen(&w, (int)strlen(r->stats[i].name));
    fprintf(out, "\nstats\n");
    for (size_t i = 0; i < r->n_stats; i++)
        fprintf(out, "  %-*s  %s\n", w, r->stats[i].name, r->stats[i].value);
}

/* The widths of the profile table's columns: symbol, instruction, exits,
 * cycles, cycles per exit. */
struct profile_widths {
    int sym, insn, count, cycles, avg;
};

/* Symbolize and disassemble every hot address of R from IMAGE (NULL: not
 * readable) into SYMS[i] and INSNS[i] (each of SIZE bytes), widening *W. */
static void describe_hot(const struct vmm_report *r,
                         const struct guest_image *image, char (*syms)[96],
                         char (*insns)[64], struct profile_widths *w)
{
    for (size_t i = 0; i < r->n_hot; i++) {
        const struct report_hot *h = &r->hot[i];

        if (image == NULL) {
            snprintf(syms[i], sizeof(syms[i]), "?");
            snprintf(insns[i], sizeof(insns[i]), "?");
        } else {
            guest_image_describe(image, h->eip, syms[i], sizeof(syms[i]));
            guest_image_disasm(image, h->eip, insns[i], sizeof(insns[i]));
        }
        widen(&w->sym, (int)strlen(syms[i]));
        widen(&w->insn, (int)strlen(insns[i]));
        widen(&w->count, digits(h->count));
        widen(&w->cycles, digits(h->cycles));
        if (h->count)
            widen(&w->avg, digits(h->cycles / h->count));
    }
}

void report_print_profile(const struct vmm_report *r, const char *guest_path,
                          FILE *out)
{
    struct profile_widths w = { 13, 11, 5, 6, 11 };
    struct guest_image image;
    char (*syms)[96], (*insns)[64], why[256] = "no guest ELF given";
    bool have_image;

    if (r->n_hot == 0)
        return;
    syms = calloc(r->n_hot, sizeof(*syms));
    insns = calloc(r->n_hot, sizeof(*insns));
    if (syms == NULL || insns == NULL) {
        free(syms);
        free(insns);
        return;
    }
    have_image = guest_path && guest_image_open(&image, guest_path, why,
                                                sizeof(why));
    describe_hot(r, have_image ? &image : NULL, syms, insns, &w);
    fprintf(out, "\nhottest guest instructions (by exits, then by cycles; "
            "%s%s)\n", have_image ? "named from " : "not named: ",
            have_image ? guest_path : why);
    fprintf(out, "  %-10s  %-*s  %-*s  %*s  %*s  %*s  %s\n", "eip", w.sym,
            "symbol+offset", w.insn, "instruction", w.count, "exits",
            w.cycles, "cycles", w.avg, "cycles/exit", "cause");
    for (size_t i = 0; i < r->n_hot; i++) {
        const struct report_hot *h = &r->hot[i];

        fprintf(out, "  0x%08x  %-*s  %-*s  %*llu  %*llu  %*llu  %s\n",
                h->eip, w.sym, syms[i], w.insn, insns[i], w.count,
                (unsigned long long)h->count, w.cycles,
                (unsigned long long)h->cycles, w.avg,
                (unsigned long long)(h->count ? h->cycles / h->count : 0),
                h->cause);
    }
    if (have_image)
        guest_image_close(&image);
    free(syms);
    free(insns);
}

void json_write_string(FILE *out, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char c;

    fputc('"', out);
    for (; (c = (unsigned char)*s) != '\0'; s++) {
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c == '\t')
            fputs("\\t", out);
        else if (c == '\r')
            fputs("\\r", out);
        else if (c < 0x20 || c >= 0x7f)
            fprintf(out, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

/* Write "name":[{"cause"|"mnemonic":..,"count":..,"cycles":..},...]. */
static void json_counters(FILE *out, const char *name, const char *key,
                          const struct report_counter *c, size_t n)
{
    fprintf(out, ",\"%s\":[", name);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "%s{\"%s\":", i ? "," : "", key);
        json_write_string(out, c[i].name);
        fprintf(out, ",\"count\":%llu,\"cycles\":%llu}",
                (unsigned long long)c[i].count,
                (unsigned long long)c[i].cycles);
    }
    fputc(']', out);
}

/* Write a stat value: as a JSON number if it is a plain decimal number,
 * otherwise as a string. */
static void json_stat_value(FILE *out, const char *v)
{
    uint64_t n;

    if (parse_u64(v, &n) && (v[0] != '0' || v[1] == '\0'))
        fprintf(out, "%llu", (unsigned long long)n);
    else
        json_write_string(out, v);
}

void report_write_json_members(const struct vmm_report *r, FILE *out)
{
    if (r->outcome == OUTCOME_POWEROFF) {
        fprintf(out, "\"outcome\":\"poweroff\",\"status\":%u", r->status);
    } else {
        fprintf(out, "\"outcome\":\"%s\",\"reason\":",
                r->outcome == OUTCOME_PANIC ? "panic" : "died");
        json_write_string(out, r->reason ? r->reason : "");
    }
    if (r->has_where) {
        fprintf(out, ",\"where\":{\"eip\":%u,\"cpl\":%u,\"insn\":", r->eip,
                r->cpl);
        json_write_string(out, r->insn);
        fputc('}', out);
    }
    json_counters(out, "exits", "cause", r->exits, r->n_exits);
    json_counters(out, "instructions", "mnemonic", r->insns, r->n_insns);
    fputs(",\"stats\":{", out);
    for (size_t i = 0; i < r->n_stats; i++) {
        if (i)
            fputc(',', out);
        json_write_string(out, r->stats[i].name);
        fputc(':', out);
        json_stat_value(out, r->stats[i].value);
    }
    fputc('}', out);
    if (r->n_hot == 0)
        return;
    fputs(",\"hot\":[", out);
    for (size_t i = 0; i < r->n_hot; i++) {
        fprintf(out, "%s{\"eip\":%u,\"count\":%llu,\"cycles\":%llu,"
                "\"cause\":", i ? "," : "", r->hot[i].eip,
                (unsigned long long)r->hot[i].count,
                (unsigned long long)r->hot[i].cycles);
        json_write_string(out, r->hot[i].cause);
        fputc('}', out);
    }
    fputc(']', out);
}
