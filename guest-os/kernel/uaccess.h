/*
 * uaccess.h - the one door between the kernel and user memory (uaccess.c).
 *
 * User addresses are uint32_t, never pointers: only these functions turn
 * one into something the kernel can read or write.  Each returns 0 (or a
 * length) on success and -EFAULT if any byte is outside the process's
 * memory or, for a write, not writable by it.
 */
#ifndef GUEST_UACCESS_H
#define GUEST_UACCESS_H

#include <stdint.h>

#include "paging.h"

/* Copy `n` bytes from the kernel's `src` to user address `uva` in `pgdir`,
 * giving the process its own copy of any copy-on-write page first. */
int copy_to_user(pde_t *pgdir, uint32_t uva, const void *src, uint32_t n);

/* Copy `n` bytes from user address `uva` in `pgdir` to the kernel's `dst`. */
int copy_from_user(pde_t *pgdir, void *dst, uint32_t uva, uint32_t n);

/* Copy the NUL-terminated string at user address `uva` into `dst` of `size`
 * bytes.  Return its length, -EFAULT, or -E2BIG if it does not fit. */
int copy_string_from_user(pde_t *pgdir, char *dst, uint32_t uva, uint32_t size);

#endif /* GUEST_UACCESS_H */
