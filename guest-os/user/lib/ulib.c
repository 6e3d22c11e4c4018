/*
 * ulib.c - the small C library of user programs: memory and string
 * routines, and the names of error numbers and exceptions for messages.
 */
#include "user.h"

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    while (n-- > 0)
        *d++ = (uint8_t)c;
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (n-- > 0)
        *d++ = *s++;
    return dst;
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

int atoi(const char *s)
{
    int sign = 1, v = 0;
    if (*s == '-')
        sign = -1, s++;
    for (; *s >= '0' && *s <= '9'; s++)
        v = v * 10 + (*s - '0');
    return sign * v;
}

const char *errname(int e)
{
    static const struct {
        int number;
        const char *name;
    } names[] = {
        {ENOENT, "ENOENT"}, {ESRCH, "ESRCH"},   {EINTR, "EINTR"},
        {E2BIG, "E2BIG"},   {ENOEXEC, "ENOEXEC"}, {EBADF, "EBADF"},
        {ECHILD, "ECHILD"}, {ENOMEM, "ENOMEM"}, {EFAULT, "EFAULT"},
        {EINVAL, "EINVAL"}, {EMFILE, "EMFILE"}, {EPIPE, "EPIPE"},
        {ENOSYS, "ENOSYS"},
    };
    if (e < 0)
        e = -e;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].number == e)
            return names[i].name;
    return "E?";
}

const char *trapname(int vector)
{
    static const char *const names[] = {
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
        "#DF", "#CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
        "#MF", "#AC", "#MC", "#XM",
    };
    if (vector >= 0 && vector < (int)(sizeof(names) / sizeof(names[0])))
        return names[vector];
    return vector == KILLED_BY_KILL ? "kill" : "?";
}
