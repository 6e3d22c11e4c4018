/* host_bench_xml.c - a checker of XML well-formedness, just enough for SVG.
 *
 * The chart `vmm bench --chart` writes must open in a browser, which
 * refuses an SVG file that is not well-formed XML. This checker walks the
 * text once, keeping a stack of open element names: every tag must close
 * the element last opened, every attribute value must be quoted, and every
 * '&' must start a known entity. It does not read DTDs, CDATA sections or
 * namespaces: the chart has none of them.
 */
#include "host_bench_xml.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 64
#define MAX_NAME  64

struct xml {
    const char *p;
    char stack[MAX_DEPTH][MAX_NAME];
    int depth;
    unsigned elements;
    bool root_seen;
    char *why;
    size_t whylen;
};

static bool fail(struct xml *x, const char *what)
{
    snprintf(x->why, x->whylen, "%s at offset ...%.20s", what, x->p);
    return false;
}

static bool name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.' ||
           c == ':';
}

/* Read a name at x->p into NAME. */
static bool read_name(struct xml *x, char name[MAX_NAME])
{
    size_t n = 0;

    if (!isalpha((unsigned char)*x->p) && *x->p != '_')
        return fail(x, "expected a name");
    while (name_char(*x->p) && n < MAX_NAME - 1)
        name[n++] = *x->p++;
    name[n] = '\0';
    return !name_char(*x->p) || fail(x, "name too long");
}

/* An entity or character reference at x->p ('&'). */
static bool read_reference(struct xml *x)
{
    static const char *const known[] = { "&amp;", "&lt;", "&gt;", "&quot;",
                                         "&apos;" };

    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (!strncmp(x->p, known[i], strlen(known[i]))) {
            x->p += strlen(known[i]);
            return true;
        }
    if (x->p[1] == '#') {
        x->p += 2 + (x->p[2] == 'x');
        if (!isxdigit((unsigned char)*x->p))
            return fail(x, "bad character reference");
        while (isxdigit((unsigned char)*x->p))
            x->p++;
        if (*x->p++ == ';')
            return true;
    }
    return fail(x, "bare '&'");
}

/* The attributes of a start tag, up to '>' or "/>" (not consumed). */
static bool read_attributes(struct xml *x)
{
    char name[MAX_NAME], quote;

    for (;;) {
        while (isspace((unsigned char)*x->p))
            x->p++;
        if (*x->p == '>' || (x->p[0] == '/' && x->p[1] == '>'))
            return true;
        if (!read_name(x, name))
            return false;
        while (isspace((unsigned char)*x->p))
            x->p++;
        if (*x->p++ != '=')
            return fail(x, "attribute without '='");
        while (isspace((unsigned char)*x->p))
            x->p++;
        quote = *x->p++;
        if (quote != '"' && quote != '\'')
            return fail(x, "unquoted attribute");
        while (*x->p && *x->p != quote) {
            if (*x->p == '<')
                return fail(x, "'<' in an attribute");
            if (*x->p != '&')
                x->p++;
            else if (!read_reference(x))
                return false;
        }
        if (*x->p++ != quote)
            return fail(x, "unterminated attribute");
    }
}

/* A tag at x->p ('<'): start, end, empty, comment or declaration. */
static bool read_tag(struct xml *x)
{
    char name[MAX_NAME];
    const char *end;

    if (!strncmp(x->p, "<!--", 4) || !strncmp(x->p, "<?", 2)) {
        end = strstr(x->p, x->p[1] == '!' ? "-->" : "?>");
        if (end == NULL)
            return fail(x, "unterminated comment or declaration");
        x->p = end + (x->p[1] == '!' ? 3 : 2);
        return true;
    }
    if (x->p[1] == '/') {
        x->p += 2;
        if (!read_name(x, name))
            return false;
        while (isspace((unsigned char)*x->p))
            x->p++;
        if (*x->p++ != '>' || x->depth == 0 ||
            strcmp(name, x->stack[x->depth - 1]) != 0)
            return fail(x, "end tag does not match");
        x->depth--;
        return true;
    }
    x->p++;
    if (x->depth == 0 && x->root_seen)
        return fail(x, "a second root element");
    if (!read_name(x, name) || !read_attributes(x))
        return false;
    x->elements++;
    x->root_seen = true;
    if (*x->p == '/') {
        x->p += 2;
        return true;
    }
    x->p++;
    if (x->depth == MAX_DEPTH)
        return fail(x, "too deep");
    strcpy(x->stack[x->depth++], name);
    return true;
}

bool xml_well_formed(const char *text, char *root, size_t len,
                     unsigned *elements, char *why, size_t whylen)
{
    struct xml x = { .p = text, .why = why, .whylen = whylen };
    const char *first = NULL;

    snprintf(why, whylen, "well-formed");
    while (*x.p) {
        if (*x.p == '<') {
            if (first == NULL && x.p[1] != '?' && x.p[1] != '!')
                first = x.p + 1;
            if (!read_tag(&x))
                return false;
        } else if (*x.p == '&') {
            if (!read_reference(&x))
                return false;
        } else if (x.depth == 0 && !isspace((unsigned char)*x.p)) {
            return fail(&x, "text outside the root element");
        } else {
            x.p++;
        }
    }
    if (!x.root_seen || x.depth != 0)
        return fail(&x, x.root_seen ? "unclosed element" : "no root element");
    snprintf(root, len, "%.*s", (int)strcspn(first, " \t\r\n/>"), first);
    *elements = x.elements;
    return true;
}
