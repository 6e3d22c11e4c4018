/*
 * libc_rename.h - give the monitor's libc functions other names on the host.
 *
 * The unit test links the monitor's string, sort, allocation and formatting
 * functions into an ordinary program next to glibc, so that it can compare
 * the two.  Both cannot be called memcpy, so libc.cmake force-includes this
 * file into every vmm/lib source it builds for the test: there, and only
 * there, memcpy is spelled shim_memcpy.  libc_test.c declares the shim_
 * names itself.  heap_init and heap_bytes_in_use need no new names.
 */
#ifndef LIBC_RENAME_H
#define LIBC_RENAME_H

#define memcpy shim_memcpy
#define memmove shim_memmove
#define memset shim_memset
#define memcmp shim_memcmp
#define strlen shim_strlen
#define strnlen shim_strnlen
#define strcmp shim_strcmp
#define strncmp shim_strncmp
#define strcpy shim_strcpy
#define strncpy shim_strncpy
#define strchr shim_strchr
#define strrchr shim_strrchr
#define strstr shim_strstr

#define qsort shim_qsort

#define malloc shim_malloc
#define calloc shim_calloc
#define realloc shim_realloc
#define free shim_free

#define vsnprintf shim_vsnprintf
#define snprintf shim_snprintf

#endif
