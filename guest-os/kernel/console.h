/*
 * console.h - the console: COM1 driven by interrupts (console.c).
 */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <stdint.h>

/* Switch the console to interrupts (after uart_init, with the IDT and the
 * PICs set up) and route kprintf through console_kputc. */
void console_init(void);

/* Queue the `n` bytes at `buf` for output, sleeping while the queue is full.
 * Return how many were queued (fewer only if the process was killed). */
int console_write(const char *buf, uint32_t n);

/* Read typed input into `buf` (at most `n` bytes, up to and including a
 * newline), sleeping until a line is complete.  Return the count, 0 at
 * end of input (^D), or -EINTR if the process was killed. */
int console_read(char *buf, uint32_t n);

/* The COM1 interrupt (IRQ 4): move bytes between the UART and the queues. */
void console_intr(void);

/* Print one byte for the kernel, synchronously, after everything queued. */
void console_kputc(char c);

/* Send everything queued, then power the machine off with `status`. */
void console_poweroff(uint32_t status) __attribute__((noreturn));

#endif /* GUEST_CONSOLE_H */
