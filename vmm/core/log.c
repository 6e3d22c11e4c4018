/*
 * log.c - formatted output to the monitor's log channel, and panic.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

#include "report.h"
#include "x86.h"

void log_write(const char *s, unsigned long len)
{
	for (unsigned long i = 0; i < len; i++)
		outb(LOG_PORT, (uint8_t)s[i]);
}

/* Format into a bounded buffer and send it; long lines are cut, not lost. */
static void log_vprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n < 0)
		return;
	if ((unsigned)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	log_write(buf, (unsigned long)n);
}

void log_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(fmt, ap);
	va_end(ap);
}

_Noreturn void panic_at(const char *func, const char *fmt, ...)
{
	char reason[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	log_printf("monitor panic in %s: %s\n", func, reason);
	report_monitor_panic(func, reason);
}
