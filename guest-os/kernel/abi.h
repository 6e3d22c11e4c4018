/*
 * abi.h - the contract between the OS kernel and its user programs.
 *
 * User programs (guest-os/user) and the kernel are built from different
 * sources and meet only at this interface: the system call numbers, their
 * error codes, the status wait() reports, and the shape of a process's user
 * address space.  Both sides include this file, so they cannot disagree.
 *
 * A system call is `int $0x80` with the number in EAX and up to five
 * arguments in EBX, ECX, EDX, ESI, EDI.  The result comes back in EAX; a
 * value from -4095 to -1 is an error, -E.  Every other register is kept.
 */
#ifndef GUEST_ABI_H
#define GUEST_ABI_H

#define SYSCALL_VECTOR 0x80

/* The system calls: number, and what they do (ERR = a -E value). */
#define SYS_exit 1     /* exit(status): never returns */
#define SYS_fork 2     /* fork() -> child pid in the parent, 0 in the child */
#define SYS_wait 3     /* wait(int *status) -> pid of a reaped child, ERR */
#define SYS_exec 4     /* exec(path, argv) -> only ERR returns */
#define SYS_getpid 5   /* getpid() -> pid */
#define SYS_sbrk 6     /* sbrk(increment) -> old break, ERR */
#define SYS_read 7     /* read(fd, buf, n) -> bytes read, 0 at end, ERR */
#define SYS_write 8    /* write(fd, buf, n) -> bytes written, ERR */
#define SYS_close 9    /* close(fd) -> 0, ERR */
#define SYS_pipe 10    /* pipe(int fd[2]) -> 0, ERR: fd[0] reads, fd[1] writes */
#define SYS_yield 11   /* yield() -> 0: let another process run */
#define SYS_map 12     /* map(va, npages) -> 0, ERR: zeroed writable pages */
#define SYS_unmap 13   /* unmap(va, npages) -> 0, ERR */
#define SYS_catch 14   /* catch(resume_eip) -> 0: see "catching faults" */
#define SYS_halt 15    /* halt(status): power the machine off */
#define SYS_uptime 16  /* uptime() -> timer ticks since boot (100 Hz) */
#define SYS_freemem 17 /* freemem() -> free physical pages */
#define SYS_kill 18    /* kill(pid) -> 0, ERR: the process dies */
#define SYS_dup 19     /* dup(fd) -> the lowest free fd, same file, ERR */
#define SYS_COUNT 20

/* Error numbers (the values Linux uses, so they read familiar). */
#define ENOENT 2   /* no such program */
#define ESRCH 3    /* no such process */
#define EINTR 4    /* interrupted: the process was killed while it waited */
#define E2BIG 7    /* exec arguments too long */
#define ENOEXEC 8  /* not an ELF program this kernel can run */
#define EBADF 9    /* fd not open, or not open for that */
#define ECHILD 10  /* wait: no children */
#define ENOMEM 12  /* out of memory, or past the address-space limit */
#define EFAULT 14  /* a pointer outside the process's memory */
#define EINVAL 22  /* an argument out of range */
#define EMFILE 24  /* no free fd */
#define EPIPE 32   /* write to a pipe nobody reads */
#define ENOSYS 38  /* no such system call */

/*
 * The status wait() stores:
 *
 *   31                    9    8    7                         0
 *  +-----------------------+--------+----------------------------+
 *  |          0            | KILLED | exit(status) & 0xFF, or    |
 *  |                       |        | the vector that killed it  |
 *  +-----------------------+--------+----------------------------+
 */
#define WAIT_KILLED 0x100
#define WAIT_CODE(s) ((s) & 0xFF)
#define KILLED_BY_KILL 0xFF /* the code of a process ended by kill() */

/*
 * Catching faults.  After catch(resume_eip) with resume_eip != 0, an
 * exception in the process (a page fault, divide error, #GP, ...) does not
 * kill it: the kernel resumes it at resume_eip with EAX = the vector,
 * ECX = the EIP of the faulting instruction, EDX = the faulting address for
 * a page fault (else 0), and every other register, ESP included, as it was.
 * catch(0) restores the default.  exec() resets it.
 */

/*
 * A process's user address space (the kernel owns everything from
 * USER_TOP up):
 *
 *   USER_TOP       0x80000000  +--------------------------+
 *                              | stack, USER_STACK_PAGES  |
 *                              | (below it: unmapped)     |
 *   USER_MAP_END   0x70000000  +--------------------------+
 *                              | map()/unmap() area       |
 *   USER_MAP_BASE  0x40000000  +--------------------------+ USER_HEAP_MAX
 *                              | heap: sbrk() grows it up |
 *                              | data, bss                |
 *                              | text                     |
 *   USER_TEXT      0x00400000  +--------------------------+
 *                              | unmapped: catches null   |
 *                  0x00000000  +--------------------------+
 */
#define USER_TEXT 0x00400000
#define USER_HEAP_MAX 0x40000000
#define USER_MAP_BASE 0x40000000
#define USER_MAP_END 0x70000000
#define USER_TOP 0x80000000
#define USER_STACK_PAGES 8

#define EXEC_MAX_ARGS 16    /* argv entries exec() accepts, NULL excluded */
#define EXEC_MAX_ARGLEN 256 /* bytes of all argument strings together */

#endif /* GUEST_ABI_H */
