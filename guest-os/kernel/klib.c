/*
 * klib.c - memory and string routines for a kernel without a C library,
 * and panic().
 *
 * Plain byte loops: clear and short beats fast here (the kernel copies whole
 * pages only in fork's copy-on-write faults and in exec, and those go
 * through memcpy with 4-byte moves when both ends are aligned).
 */
#include "klib.h"

#include "console.h"
#include "kernel.h"

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    if (((uintptr_t)d | n) % 4 == 0) {
        uint32_t v = (uint8_t)c * 0x01010101u;
        size_t words = n / 4;
        asm volatile("rep stosl" : "+D"(d), "+c"(words) : "a"(v) : "memory");
        return dst;
    }
    while (n-- > 0)
        *d++ = (uint8_t)c;
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (((uintptr_t)d | (uintptr_t)s | n) % 4 == 0) {
        size_t words = n / 4;
        asm volatile("rep movsl" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
        return dst;
    }
    while (n-- > 0)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n-- > 0)
        d[n] = s[n];
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (; n > 0; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0')
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b)
        a++, b++;
    return (uint8_t)*a - (uint8_t)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n > 0; n--, a++, b++) {
        if (*a != *b)
            return (uint8_t)*a - (uint8_t)*b;
        if (*a == '\0')
            return 0;
    }
    return 0;
}

void strlcpy(char *dst, const char *src, size_t size)
{
    size_t i = 0;
    if (size == 0)
        return;
    for (; i + 1 < size && src[i] != '\0'; i++)
        dst[i] = src[i];
    dst[i] = '\0';
}

void panic(const char *where, const char *why)
{
    kprintf("panic: %s: %s\n", where, why);
    console_poweroff(1);
}
