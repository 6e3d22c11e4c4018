/*
 * klib.h - the few C library routines the OS kernel uses.
 *
 * The kernel is freestanding: no C library.  GCC may still emit calls to
 * memcpy and memset for structure copies, so those exist under their
 * standard names with their standard meaning; so do the string routines the
 * kernel needs (klib.c).
 */
#ifndef GUEST_KLIB_H
#define GUEST_KLIB_H

#include <stddef.h>
#include <stdint.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* Copy the string `src` into `dst` of `size` bytes, always NUL-terminated,
 * truncating if needed. */
void strlcpy(char *dst, const char *src, size_t size);

/* Stop the machine after printing "panic: <where>: <why>": a broken kernel
 * invariant (not a misbehaving process, which is killed instead). */
void panic(const char *where, const char *why) __attribute__((noreturn));

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* GUEST_KLIB_H */
