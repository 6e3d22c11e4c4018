/*
 * uaccess.c - reading and writing user memory on behalf of a system call.
 *
 * A system call's pointer arguments are user addresses: they may point
 * anywhere - into the kernel half, at nothing, at a read-only page, or at a
 * page the process shares copy-on-write with its parent.  The kernel must not
 * simply dereference them: it would read kernel memory for the caller, or
 * fault in the kernel.  So every access goes through this door, one page at
 * a time: look the page up in the process's own page tables, insist on
 * present + user (+ writable, for a write), and then copy through the
 * kernel's map of physical memory.  A copy-on-write page about to be written
 * is first made the process's own (vm_break_cow), exactly as a user write
 * would have done.  The kernel therefore never takes a page fault on user
 * memory, and never writes to a page a process could not have written.
 */
#include "uaccess.h"

#include "abi.h"
#include "klib.h"
#include "memlayout.h"
#include "vm.h"

/* Return the kernel's pointer to user address `uva` in `pgdir` if the
 * process may read it (and write it, if `write`), else 0. */
static uint8_t *user_byte(pde_t *pgdir, uint32_t uva, int write)
{
    if (uva >= USER_TOP)
        return 0;
    pte_t *pte = vm_lookup(pgdir, uva);
    if (pte == 0 || (*pte & (PTE_P | PTE_U)) != (PTE_P | PTE_U))
        return 0;
    if (write && !(*pte & PTE_W)) {
        if (!(*pte & PTE_COW) || vm_break_cow(pgdir, uva) != 0)
            return 0;
    }
    return (uint8_t *)phys_to_virt(pte_frame(*pte)) + uva % PAGE_SIZE;
}

/* Return how many bytes from `uva` to the end of its page, at most `n`. */
static uint32_t chunk(uint32_t uva, uint32_t n)
{
    uint32_t left = PAGE_SIZE - uva % PAGE_SIZE;
    return n < left ? n : left;
}

int copy_to_user(pde_t *pgdir, uint32_t uva, const void *src, uint32_t n)
{
    const uint8_t *s = src;
    while (n > 0) {
        uint32_t len = chunk(uva, n);
        uint8_t *d = user_byte(pgdir, uva, 1);
        if (d == 0)
            return -EFAULT;
        memcpy(d, s, len);
        uva += len, s += len, n -= len;
    }
    return 0;
}

int copy_from_user(pde_t *pgdir, void *dst, uint32_t uva, uint32_t n)
{
    uint8_t *d = dst;
    while (n > 0) {
        uint32_t len = chunk(uva, n);
        const uint8_t *s = user_byte(pgdir, uva, 0);
        if (s == 0)
            return -EFAULT;
        memcpy(d, s, len);
        uva += len, d += len, n -= len;
    }
    return 0;
}

int copy_string_from_user(pde_t *pgdir, char *dst, uint32_t uva, uint32_t size)
{
    for (uint32_t i = 0; i < size; i++, uva++) {
        const uint8_t *s = user_byte(pgdir, uva, 0);
        if (s == 0)
            return -EFAULT;
        dst[i] = (char)*s;
        if (*s == '\0')
            return (int)i;
    }
    return -E2BIG;
}
