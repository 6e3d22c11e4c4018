/*
 * dev_stubs.c - what the device sources need from the monitor, for host tests.
 *
 * bus.c panics when its tables overflow; on the host that aborts the test.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

_Noreturn void panic_at(const char *func, const char *fmt, ...);

_Noreturn void panic_at(const char *func, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "panic in %s: ", func);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
