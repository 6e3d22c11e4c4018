/*
 * syscall.h - system calls (syscall.c).
 */
#ifndef GUEST_SYSCALL_H
#define GUEST_SYSCALL_H

#include <stdint.h>

#include "kernel.h"

/* Carry out the system call the current process asked for in `tf` (abi.h
 * says how) and return its result for EAX. */
int32_t syscall_dispatch(struct trapframe *tf);

#endif /* GUEST_SYSCALL_H */
