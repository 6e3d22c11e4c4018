/*
 * syscall.c - the system calls: from registers to the kernel's mechanisms.
 *
 * A process asks for a system call with `int $0x80`, the number in EAX and
 * up to five arguments in EBX, ECX, EDX, ESI, EDI (abi.h).  The dispatcher
 * looks the number up in a table; each sys_ function below takes its
 * arguments from the trap frame, checks what only the system call layer can
 * check (file descriptors, ranges), and calls the mechanism - proc.c,
 * exec.c, vm.c, file.c - that does the work.  Pointer arguments stay user
 * addresses (uint32_t) all the way down to uaccess.c.  The result, or -E,
 * goes back in EAX.
 */
#include "syscall.h"

#include "abi.h"
#include "console.h"
#include "exec.h"
#include "file.h"
#include "frame.h"
#include "klib.h"
#include "paging.h"
#include "pit.h"
#include "proc.h"
#include "uaccess.h"
#include "vm.h"

#define ARG1(tf) ((tf)->ebx)
#define ARG2(tf) ((tf)->ecx)
#define ARG3(tf) ((tf)->edx)

/* Return the open file `fd` of the current process, or 0. */
static struct file *fd_file(uint32_t fd)
{
    return fd < NOFILE ? proc_current()->ofile[fd] : 0;
}

/* Give `f` the lowest free descriptor of the current process; return it,
 * or -EMFILE. */
static int fd_alloc(struct file *f)
{
    struct proc *p = proc_current();
    for (int fd = 0; fd < NOFILE; fd++) {
        if (p->ofile[fd] == 0) {
            p->ofile[fd] = f;
            return fd;
        }
    }
    return -EMFILE;
}

static int32_t sys_exit(struct trapframe *tf)
{
    proc_exit((int)(ARG1(tf) & 0xFF));
}

static int32_t sys_fork(struct trapframe *tf)
{
    (void)tf;
    return proc_fork();
}

static int32_t sys_wait(struct trapframe *tf)
{
    return proc_wait(ARG1(tf));
}

/* exec(path, argv): copy the path and the argument strings into the kernel
 * (the old address space is about to go), then exec. */
static int32_t sys_exec(struct trapframe *tf)
{
    struct proc *p = proc_current();
    char path[64];
    char strings[EXEC_MAX_ARGLEN];
    char *argv[EXEC_MAX_ARGS];
    uint32_t used = 0;
    int argc = 0;

    int len = copy_string_from_user(p->pgdir, path, ARG1(tf), sizeof(path));
    if (len < 0)
        return len == -E2BIG ? -ENOENT : len;
    for (;; argc++) {
        uint32_t uarg;
        if (copy_from_user(p->pgdir, &uarg, ARG2(tf) + (uint32_t)argc * 4, 4) < 0)
            return -EFAULT;
        if (uarg == 0)
            break;
        if (argc == EXEC_MAX_ARGS)
            return -E2BIG;
        len = copy_string_from_user(p->pgdir, strings + used, uarg,
                                    EXEC_MAX_ARGLEN - used);
        if (len < 0)
            return len;
        argv[argc] = strings + used;
        used += (uint32_t)len + 1;
    }
    return exec(p, path, argc, argv);
}

static int32_t sys_getpid(struct trapframe *tf)
{
    (void)tf;
    return proc_current()->pid;
}

/* sbrk(increment): move the break by `increment` bytes; pages are mapped
 * (zeroed) or unmapped as the break crosses page boundaries. */
static int32_t sys_sbrk(struct trapframe *tf)
{
    struct proc *p = proc_current();
    int32_t incr = (int32_t)ARG1(tf);
    uint32_t old = p->brk, new = old + (uint32_t)incr;
    if (incr > 0 && (new < old || new > USER_HEAP_MAX))
        return -ENOMEM;
    if (incr < 0 && (new > old || new < p->heap_start))
        return -EINVAL;
    uint32_t old_top = PAGE_ROUND_UP(old), new_top = PAGE_ROUND_UP(new);
    if (new_top > old_top) {
        int err = vm_map_zeroed(p->pgdir, old_top, (new_top - old_top) / PAGE_SIZE,
                                PTE_U | PTE_W);
        if (err < 0)
            return -ENOMEM;
    } else if (new_top < old_top) {
        vm_unmap(p->pgdir, new_top, (old_top - new_top) / PAGE_SIZE);
    }
    p->brk = new;
    return (int32_t)old;
}

static int32_t sys_read(struct trapframe *tf)
{
    struct file *f = fd_file(ARG1(tf));
    return f != 0 ? file_read(f, ARG2(tf), ARG3(tf)) : -EBADF;
}

static int32_t sys_write(struct trapframe *tf)
{
    struct file *f = fd_file(ARG1(tf));
    return f != 0 ? file_write(f, ARG2(tf), ARG3(tf)) : -EBADF;
}

static int32_t sys_close(struct trapframe *tf)
{
    struct file *f = fd_file(ARG1(tf));
    if (f == 0)
        return -EBADF;
    proc_current()->ofile[ARG1(tf)] = 0;
    file_close(f);
    return 0;
}

static int32_t sys_dup(struct trapframe *tf)
{
    struct file *f = fd_file(ARG1(tf));
    if (f == 0)
        return -EBADF;
    int fd = fd_alloc(f);
    if (fd >= 0)
        file_dup(f);
    return fd;
}

/* pipe(int fd[2]): fd[0] is the read end, fd[1] the write end. */
static int32_t sys_pipe(struct trapframe *tf)
{
    struct proc *p = proc_current();
    struct file *rf, *wf;
    int err = file_pipe(&rf, &wf);
    if (err < 0)
        return err;
    int fds[2] = {fd_alloc(rf), -1};
    if (fds[0] >= 0)
        fds[1] = fd_alloc(wf);
    if (fds[1] < 0 || copy_to_user(p->pgdir, ARG1(tf), fds, sizeof(fds)) < 0) {
        if (fds[0] >= 0)
            p->ofile[fds[0]] = 0;
        if (fds[1] >= 0)
            p->ofile[fds[1]] = 0;
        file_close(rf);
        file_close(wf);
        return fds[1] < 0 ? -EMFILE : -EFAULT;
    }
    return 0;
}

static int32_t sys_yield(struct trapframe *tf)
{
    (void)tf;
    proc_yield();
    return 0;
}

/* Return 1 if [va, va + npages pages) is a page-aligned part of the
 * map()/unmap() area. */
static int map_range_ok(uint32_t va, uint32_t npages)
{
    return va % PAGE_SIZE == 0 && va >= USER_MAP_BASE && va < USER_MAP_END &&
           npages <= (USER_MAP_END - va) / PAGE_SIZE;
}

static int32_t sys_map(struct trapframe *tf)
{
    if (!map_range_ok(ARG1(tf), ARG2(tf)))
        return -EINVAL;
    return vm_map_zeroed(proc_current()->pgdir, ARG1(tf), ARG2(tf),
                         PTE_U | PTE_W);
}

static int32_t sys_unmap(struct trapframe *tf)
{
    if (!map_range_ok(ARG1(tf), ARG2(tf)))
        return -EINVAL;
    vm_unmap(proc_current()->pgdir, ARG1(tf), ARG2(tf));
    return 0;
}

static int32_t sys_catch(struct trapframe *tf)
{
    if (ARG1(tf) >= USER_TOP)
        return -EINVAL;
    proc_current()->catch_eip = ARG1(tf);
    return 0;
}

static int32_t sys_halt(struct trapframe *tf)
{
    console_poweroff(ARG1(tf));
}

static int32_t sys_uptime(struct trapframe *tf)
{
    (void)tf;
    return (int32_t)pit_ticks();
}

static int32_t sys_freemem(struct trapframe *tf)
{
    (void)tf;
    return (int32_t)frame_free_count();
}

static int32_t sys_kill(struct trapframe *tf)
{
    struct proc *p = proc_find((int)ARG1(tf));
    if (p == 0)
        return -ESRCH;
    proc_kill(p, WAIT_KILLED | KILLED_BY_KILL);
    return 0;
}

static int32_t (*const syscalls[SYS_COUNT])(struct trapframe *tf) = {
    [SYS_exit] = sys_exit,     [SYS_fork] = sys_fork,
    [SYS_wait] = sys_wait,     [SYS_exec] = sys_exec,
    [SYS_getpid] = sys_getpid, [SYS_sbrk] = sys_sbrk,
    [SYS_read] = sys_read,     [SYS_write] = sys_write,
    [SYS_close] = sys_close,   [SYS_pipe] = sys_pipe,
    [SYS_yield] = sys_yield,   [SYS_map] = sys_map,
    [SYS_unmap] = sys_unmap,   [SYS_catch] = sys_catch,
    [SYS_halt] = sys_halt,     [SYS_uptime] = sys_uptime,
    [SYS_freemem] = sys_freemem, [SYS_kill] = sys_kill,
    [SYS_dup] = sys_dup,
};

int32_t syscall_dispatch(struct trapframe *tf)
{
    uint32_t n = tf->eax;
    if (n >= SYS_COUNT || syscalls[n] == 0)
        return -ENOSYS;
    return syscalls[n](tf);
}
