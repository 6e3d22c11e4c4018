/* report_json.c - read a monitor's report back from `vmm run --report-json`.
 *
 * The problem: `vmm bench` runs `vmm run` once per configuration, as a
 * child process, and needs each run's report back: the exits by cause, the
 * emulated instructions, the exit profile. The child writes exactly that
 * as a JSON file (verdict_write_json), so the report has to be read out of
 * JSON again - without a JSON library on the host.
 *
 * The approach: a small recursive-descent reader for the whole of JSON
 * (objects, arrays, strings with their escapes, numbers kept as text so
 * 64-bit counts stay exact, true, false, null) builds a tree; the tree is
 * then turned back into the monitor's own '@' lines and fed to the report
 * parser (report.c). One parser of reports, two ways in.
 */
#include "report_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 32

struct reader {
    const char *p;
    int depth;
};

static bool read_value(struct reader *rd, struct json_value *v);

void json_free(struct json_value *v)
{
    for (size_t i = 0; i < v->n; i++) {
        json_free(&v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->str);
    memset(v, 0, sizeof(*v));
}

static void skip_blanks(struct reader *rd)
{
    while (*rd->p == ' ' || *rd->p == '\t' || *rd->p == '\n' ||
           *rd->p == '\r')
        rd->p++;
}

/* The value of hexadecimal digit C, or -1. */
static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Append code point U to OUT at *n as UTF-8; a U below 0x100 that came
 * from "\u00XX" is the byte XX, which is how report.c escapes raw bytes. */
static void put_code(char *out, size_t *n, unsigned u)
{
    if (u < 0x100) {
        out[(*n)++] = (char)u;
    } else if (u < 0x800) {
        out[(*n)++] = (char)(0xc0 | u >> 6);
        out[(*n)++] = (char)(0x80 | (u & 0x3f));
    } else {
        out[(*n)++] = (char)(0xe0 | u >> 12);
        out[(*n)++] = (char)(0x80 | ((u >> 6) & 0x3f));
        out[(*n)++] = (char)(0x80 | (u & 0x3f));
    }
}

/* One escape after a backslash at rd->p; append it to OUT at *n. */
static bool read_escape(struct reader *rd, char *out, size_t *n)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *e = strchr(from, *rd->p);
    unsigned u = 0;

    if (*rd->p && e) {
        out[(*n)++] = to[e - from];
        rd->p++;
        return true;
    }
    if (*rd->p++ != 'u')
        return false;
    for (int i = 0; i < 4; i++) {
        int h = hexval(*rd->p++);

        if (h < 0)
            return false;
        u = u << 4 | (unsigned)h;
    }
    if (u == 0)
        return false;           /* a NUL would end the C string */
    put_code(out, n, u);
    return true;
}

/* A string at rd->p (after its opening quote) into a new *OUT. */
static bool read_string(struct reader *rd, char **out)
{
    size_t cap = strlen(rd->p) + 1, n = 0;
    char *s = malloc(cap);      /* escapes never lengthen the text */

    if (s == NULL)
        return false;
    while (*rd->p != '"') {
        if ((unsigned char)*rd->p < 0x20) {
            free(s);
            return false;       /* the end, or a raw control byte */
        }
        if (*rd->p != '\\') {
            s[n++] = *rd->p++;
        } else if (rd->p++, !read_escape(rd, s, &n)) {
            free(s);
            return false;
        }
    }
    rd->p++;
    s[n] = '\0';
    *out = s;
    return true;
}

/* A number at rd->p, kept as its text: -?digits(.digits)?([eE][+-]?digits)? */
static bool read_number(struct reader *rd, struct json_value *v)
{
    const char *start = rd->p, *digits;

    if (*rd->p == '-')
        rd->p++;
    digits = rd->p;
    rd->p += strspn(rd->p, "0123456789");
    if (rd->p == digits)
        return false;
    if (*rd->p == '.') {
        digits = ++rd->p;
        rd->p += strspn(rd->p, "0123456789");
        if (rd->p == digits)
            return false;
    }
    if (*rd->p == 'e' || *rd->p == 'E') {
        rd->p++;
        if (*rd->p == '+' || *rd->p == '-')
            rd->p++;
        digits = rd->p;
        rd->p += strspn(rd->p, "0123456789");
        if (rd->p == digits)
            return false;
    }
    v->type = JSON_NUMBER;
    return (v->str = strndup(start, (size_t)(rd->p - start))) != NULL;
}

/* Grow V's children by one; return it (zeroed), or NULL. */
static struct json_value *add_item(struct json_value *v)
{
    struct json_value *items = realloc(v->items, (v->n + 1) * sizeof(*items));

    if (items == NULL)
        return NULL;
    v->items = items;
    memset(&items[v->n], 0, sizeof(*items));
    return &items[v->n++];
}

/* The members of an array or object after its opening bracket. */
static bool read_members(struct reader *rd, struct json_value *v, char close)
{
    skip_blanks(rd);
    if (*rd->p == close)
        return rd->p++, true;
    for (;;) {
        char *key = NULL;
        struct json_value *item;

        skip_blanks(rd);
        if (close == '}') {
            if (*rd->p++ != '"' || !read_string(rd, &key))
                return false;
            skip_blanks(rd);
            if (*rd->p++ != ':' ||
                !(v->keys = realloc(v->keys, (v->n + 1) * sizeof(char *)))) {
                free(key);
                return false;
            }
            v->keys[v->n] = key;
        }
        if ((item = add_item(v)) == NULL || !read_value(rd, item))
            return false;
        skip_blanks(rd);
        if (*rd->p == close)
            return rd->p++, true;
        if (*rd->p++ != ',')
            return false;
    }
}

/* Any JSON value at rd->p into *V (fresh). */
static bool read_value(struct reader *rd, struct json_value *v)
{
    static const struct { const char *word; enum json_type type; bool truth; }
    words[] = { { "true", JSON_BOOL, true }, { "false", JSON_BOOL, false },
                { "null", JSON_NULL, false } };
    bool ok;

    skip_blanks(rd);
    if (*rd->p == '{' || *rd->p == '[') {
        if (++rd->depth > JSON_MAX_DEPTH)
            return false;
        v->type = *rd->p == '{' ? JSON_OBJECT : JSON_ARRAY;
        rd->p++;
        ok = read_members(rd, v, v->type == JSON_OBJECT ? '}' : ']');
        rd->depth--;
        return ok;
    }
    if (*rd->p == '"') {
        rd->p++;
        v->type = JSON_STRING;
        return read_string(rd, &v->str);
    }
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (!strncmp(rd->p, words[i].word, strlen(words[i].word))) {
            rd->p += strlen(words[i].word);
            v->type = words[i].type;
            v->truth = words[i].truth;
            return true;
        }
    return read_number(rd, v);
}

const struct json_value *json_member(const struct json_value *v,
                                     const char *key, enum json_type type)
{
    if (v == NULL || v->type != JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < v->n; i++)
        if (!strcmp(v->keys[i], key))
            return v->items[i].type == type ? &v->items[i] : NULL;
    return NULL;
}

/* The text of member KEY of V, a number or a string; "" if neither. */
static const char *text_of(const struct json_value *v, const char *key)
{
    const struct json_value *m = json_member(v, key, JSON_NUMBER);

    if (m == NULL)
        m = json_member(v, key, JSON_STRING);
    return m ? m->str : "";
}

/* Feed "KEY A B C" to R, with newlines in the words turned into blanks. */
static void feed(struct vmm_report *r, const char *key, const char *a,
                 const char *b, const char *c, const char *d)
{
    char *line = NULL;

    if (asprintf(&line, "%s %s %s %s %s", key, a, b, c, d) < 0)
        return;
    for (char *s = line; *s; s++)
        if (*s == '\n' || *s == '\r')
            *s = ' ';
    report_feed_line(r, line);
    free(line);
}

/* Feed each element of array member KEY of DOC as a "LINE NAME count
 * cycles" report line, the name being the element's member NAME. */
static void feed_counters(struct vmm_report *r, const struct json_value *doc,
                          const char *key, const char *line,
                          const char *name)
{
    const struct json_value *a = json_member(doc, key, JSON_ARRAY);

    for (size_t i = 0; a && i < a->n; i++)
        feed(r, line, text_of(&a->items[i], name),
             text_of(&a->items[i], "count"), text_of(&a->items[i], "cycles"),
             "");
}

/* Feed the report lines that DOC, a --report-json document, stands for. */
static void feed_document(struct vmm_report *r, const struct json_value *doc,
                          const char *outcome)
{
    const struct json_value *stats = json_member(doc, "stats", JSON_OBJECT);
    const struct json_value *where = json_member(doc, "where", JSON_OBJECT);
    const struct json_value *hot = json_member(doc, "hot", JSON_ARRAY);
    char hex[24], cpl[16];

    report_feed_line(r, "@report-begin");
    if (!strcmp(outcome, "poweroff"))
        feed(r, "@outcome", outcome, text_of(doc, "status"), "", "");
    else if (!strcmp(outcome, "died") || !strcmp(outcome, "panic"))
        feed(r, "@outcome", outcome, text_of(doc, "reason"), "", "");
    if (where) {
        snprintf(hex, sizeof(hex), "0x%08llx",
                 strtoull(text_of(where, "eip"), NULL, 10));
        snprintf(cpl, sizeof(cpl), "cpl=%.4s", text_of(where, "cpl"));
        feed(r, "@where", hex, cpl, text_of(where, "insn"), "");
    }
    feed_counters(r, doc, "exits", "@exit", "cause");
    feed_counters(r, doc, "instructions", "@insn", "mnemonic");
    for (size_t i = 0; stats && i < stats->n; i++)
        feed(r, "@stat", stats->keys[i], text_of(stats, stats->keys[i]), "",
             "");
    for (size_t i = 0; hot && i < hot->n; i++) {
        snprintf(hex, sizeof(hex), "0x%08llx",
                 strtoull(text_of(&hot->items[i], "eip"), NULL, 10));
        feed(r, "@hot", hex, text_of(&hot->items[i], "count"),
             text_of(&hot->items[i], "cycles"),
             text_of(&hot->items[i], "cause"));
    }
    report_feed_line(r, "@report-end");
}

bool json_parse(const char *text, struct json_value *v)
{
    struct reader rd = { text, 0 };
    bool ok;

    memset(v, 0, sizeof(*v));
    ok = read_value(&rd, v);
    skip_blanks(&rd);
    if (ok && *rd.p == '\0')
        return true;
    json_free(v);
    return false;
}

bool report_parse_json(struct vmm_report *r, const char *text,
                       char *outcome, size_t outcome_len)
{
    struct json_value doc;
    const struct json_value *o;

    if (!json_parse(text, &doc))
        return false;
    o = json_member(&doc, "outcome", JSON_STRING);
    if (o) {
        snprintf(outcome, outcome_len, "%s", o->str);
        feed_document(r, &doc, o->str);
    }
    json_free(&doc);
    return o != NULL;
}
