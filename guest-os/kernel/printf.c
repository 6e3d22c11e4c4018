/*
 * printf.c - formatted output to the console.
 *
 * The kernel has no C library, so it brings the one formatting routine it
 * needs.  It knows %s %c %d %u %x and %%, each with an optional field width
 * and '0' padding ("%08x", "%5u").  Numbers are converted with 32-bit
 * arithmetic only, so no helper from libgcc is needed.  Output goes byte by
 * byte to uart_putc(), or to the function a kernel with a console driver
 * names with kprintf_set_output().
 */
#include <stdarg.h>

#include "kernel.h"

/* Where every byte goes. */
static void (*kputc)(char c) = uart_putc;

/* Send kprintf's output to `putc` from now on. */
void kprintf_set_output(void (*putc)(char c))
{
    kputc = putc;
}

/* Print `s`, right-aligned in a field of `width` characters padded with
 * `pad`. */
static void put_padded(const char *s, unsigned width, char pad)
{
    unsigned len = 0;
    while (s[len] != '\0')
        len++;
    for (; len < width; width--)
        kputc(pad);
    for (; *s != '\0'; s++)
        kputc(*s);
}

/* Print the unsigned number `v` in base `base` (10 or 16), with a leading
 * '-' if `negative`, padded to `width` with `pad`. */
static void put_number(uint32_t v, unsigned base, int negative,
                       unsigned width, char pad)
{
    static const char digits[] = "0123456789abcdef";
    char buf[12]; /* "-" + 10 decimal digits + NUL */
    char *p = buf + sizeof(buf);

    *--p = '\0';
    do {
        *--p = digits[v % base];
        v /= base;
    } while (v != 0);

    if (negative && pad == '0') { /* sign before the zeros: -0042 */
        kputc('-');
        put_padded(p, width > 0 ? width - 1 : 0, pad);
        return;
    }
    if (negative)
        *--p = '-';
    put_padded(p, width, pad);
}

/* Print one conversion `spec` (the letter after '%', width and pad already
 * parsed), taking its argument from `ap`. */
static void put_conversion(char spec, unsigned width, char pad, va_list *ap)
{
    switch (spec) {
    case 'd': {
        int32_t v = va_arg(*ap, int32_t);
        uint32_t magnitude = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
        put_number(magnitude, 10, v < 0, width, pad);
        break;
    }
    case 'u':
        put_number(va_arg(*ap, uint32_t), 10, 0, width, pad);
        break;
    case 'x':
        put_number(va_arg(*ap, uint32_t), 16, 0, width, pad);
        break;
    case 's': {
        const char *s = va_arg(*ap, const char *);
        put_padded(s != 0 ? s : "(null)", width, ' ');
        break;
    }
    case 'c':
        kputc((char)va_arg(*ap, int));
        break;
    case '%':
        kputc('%');
        break;
    default: /* unknown: print it as written so the mistake shows */
        kputc('%');
        kputc(spec);
        break;
    }
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; *p != '\0'; p++) {
        if (*p != '%') {
            kputc(*p);
            continue;
        }
        p++;
        char pad = ' ';
        if (*p == '0') {
            pad = '0';
            p++;
        }
        unsigned width = 0;
        for (; *p >= '0' && *p <= '9'; p++)
            width = width * 10 + (unsigned)(*p - '0');
        if (*p == '\0')
            break;
        put_conversion(*p, width, pad, &ap);
    }
    va_end(ap);
}
