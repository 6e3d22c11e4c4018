/*
 * exec.h - running a program from the ramdisk (exec.c).
 */
#ifndef GUEST_EXEC_H
#define GUEST_EXEC_H

struct proc;

/* Replace the program of process `p` with the ELF file `path` from the
 * ramdisk, giving it the `argc` arguments `argv` (kernel strings).  On
 * success p's old address space is gone and p will start at the program's
 * entry; return 0.  On failure p is unchanged; return -ENOENT, -ENOEXEC,
 * -E2BIG or -ENOMEM. */
int exec(struct proc *p, const char *path, int argc, char *const argv[]);

#endif /* GUEST_EXEC_H */
