/*
 * stdio.h - formatted output into memory, the only stdio the monitor has.
 *
 * There are no streams: the monitor formats into a buffer with snprintf and
 * sends the text wherever it likes.  vmm/lib/format.c implements the C99
 * semantics for the integer, character, string and pointer conversions; there
 * is no floating point (the monitor is built without the FPU and SSE).
 */
#ifndef VMM_LIB_STDIO_H
#define VMM_LIB_STDIO_H

#include <stdarg.h>
#include <stddef.h>

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
              va_list args)
    __attribute__((format(printf, 3, 0)));
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
