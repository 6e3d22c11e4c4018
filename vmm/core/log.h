/*
 * log.h - the monitor's own voice.
 *
 * The monitor never writes to the guest's console.  It writes to QEMU's
 * debug console (port 0xE9), which the vmm command sends to a log file and
 * reads the exit report from (lines that start with '@', see core/report.c).
 */
#ifndef VMM_LOG_H
#define VMM_LOG_H

#define LOG_PORT 0xe9

void log_write(const char *s, unsigned long len);
void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A broken monitor invariant: log the reason, the calling function's name,
 * and stop the machine.  Not for guest misbehaviour (see guest_fatal).
 */
#define panic(...) panic_at(__func__, __VA_ARGS__)
_Noreturn void panic_at(const char *func, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
