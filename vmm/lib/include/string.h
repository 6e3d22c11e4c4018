/*
 * string.h - the byte and string functions the monitor provides.
 *
 * The monitor runs freestanding, so it has no C library; vmm/lib/string.c
 * implements exactly the functions declared here, with C-standard semantics,
 * for the monitor's own code and for the capstone disassembler linked into it.
 */
#ifndef VMM_LIB_STRING_H
#define VMM_LIB_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int byte, size_t n);
int memcmp(const void *a, const void *b, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *restrict dst, const char *restrict src);
char *strncpy(char *restrict dst, const char *restrict src, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);

#endif
