/*
 * printf.c - formatted output for user programs.
 *
 * vsnprintf formats into a buffer; printf formats a whole message and hands
 * it to the kernel in one write(), so that the lines of processes printing
 * at the same time do not cut into each other.  Conversions: %d %u %x %s %c
 * %%, with an optional width and '0' padding ("%08x").
 */
#include "user.h"

/* A buffer being filled: what does not fit is counted but dropped. */
struct out {
    char *buf;
    size_t size, len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

/* Put `s` right-aligned in `width` characters of `pad`. */
static void put_padded(struct out *o, const char *s, unsigned width, char pad)
{
    unsigned len = (unsigned)strlen(s);
    for (; len < width; width--)
        put(o, pad);
    for (; *s != '\0'; s++)
        put(o, *s);
}

/* Put `v` in `base`, with '-' if `negative`, padded to `width`. */
static void put_number(struct out *o, uint32_t v, unsigned base, int negative,
                       unsigned width, char pad)
{
    char digits[12];
    char *p = digits + sizeof(digits);
    *--p = '\0';
    do {
        *--p = "0123456789abcdef"[v % base];
        v /= base;
    } while (v != 0);
    if (negative && pad == '0') {
        put(o, '-');
        put_padded(o, p, width > 0 ? width - 1 : 0, pad);
        return;
    }
    if (negative)
        *--p = '-';
    put_padded(o, p, width, pad);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};
    for (const char *p = fmt; *p != '\0'; p++) {
        if (*p != '%') {
            put(&o, *p);
            continue;
        }
        p++;
        char pad = *p == '0' ? (p++, '0') : ' ';
        unsigned width = 0;
        for (; *p >= '0' && *p <= '9'; p++)
            width = width * 10 + (unsigned)(*p - '0');
        if (*p == '\0')
            break;
        int32_t d;
        switch (*p) {
        case 'd':
            d = va_arg(ap, int32_t);
            put_number(&o, d < 0 ? 0u - (uint32_t)d : (uint32_t)d, 10, d < 0,
                       width, pad);
            break;
        case 'u':
            put_number(&o, va_arg(ap, uint32_t), 10, 0, width, pad);
            break;
        case 'x':
            put_number(&o, va_arg(ap, uint32_t), 16, 0, width, pad);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            put_padded(&o, s != 0 ? s : "(null)", width, ' ');
            break;
        }
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        default:
            put(&o, '%');
            put(&o, *p);
            break;
        }
    }
    if (size > 0)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int printf(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(buf) - 1)
        n = (int)sizeof(buf) - 1;
    return write(1, buf, (uint32_t)n);
}
