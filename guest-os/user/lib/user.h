/*
 * user.h - what a user program of the OS can call: the system calls
 * (lib/usys.S) and a small C library (lib/ulib.c, lib/printf.c).
 *
 * System calls return what the kernel returns: a result >= 0, or -E with E
 * one of abi.h's error numbers (errname() spells it).  sbrk returns the old
 * break, or -E cast to a pointer.
 */
#ifndef USER_H
#define USER_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"

/* ---- system calls (abi.h says what each does) -------------------------- */

void exit(int status) __attribute__((noreturn));
int fork(void);
int wait(int *status);
int exec(const char *path, char *const argv[]);
int getpid(void);
char *sbrk(int increment);
int read(int fd, void *buf, uint32_t n);
int write(int fd, const void *buf, uint32_t n);
int close(int fd);
int pipe(int fd[2]);
int yield(void);
int map(uint32_t va, uint32_t npages);
int unmap(uint32_t va, uint32_t npages);
int catch_faults(const void *resume_eip);
void halt(int status) __attribute__((noreturn));
uint32_t uptime(void);
int freemem(void);
int kill(int pid);
int dup(int fd);
int syscall(int number, ...); /* any call by number, up to five arguments */

/* ---- ulib.c --------------------------------------------------------------- */

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int atoi(const char *s);

/* Return the name of error number `e` ("ENOENT"), or "E?" if unknown; takes
 * e or -e. */
const char *errname(int e);

/* Return the mnemonic of exception `vector` ("#PF"). */
const char *trapname(int vector);

/* ---- printf.c: formatted output ------------------------------------------- */

/* Format into `buf` of `size` bytes (always NUL-terminated); return the
 * length.  %d %u %x %s %c %%, with a width and '0' padding. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Print to standard output in one write (up to 255 bytes). */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- the CPU's cycle counter -------------------------------------------- */

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

#endif /* USER_H */
