/*
 * ostest.c - the OS's own test: does it keep the promises of abi.h?
 *
 * Each check sets up a situation with system calls, acts, and compares what
 * happened with what must happen, then prints one verdict line:
 *
 *   check NAME: pass
 *   check NAME: FAIL: what went wrong
 *
 * and the last line counts them.  The exit status is the number of failed
 * checks, so `init ostest` powers the machine off with 0 only if all
 * passed.  Nothing printed depends on timing or on where memory is, so the
 * output is the same natively and under a monitor; the lines the kernel
 * prints when it kills a process (kernel/ostrap.c) name instruction
 * addresses of this program, which are the same in every run of one build.
 *
 * `ostest exit-with N` only exits with N: the exec check runs it.
 */
#include "user.h"

#define PAGE 4096
#define KERNEL_VA 0x80100000u /* the kernel's code: mapped, supervisor */
#define BAD_POINTER ((void *)KERNEL_VA)

uint32_t probe_read(uint32_t va, uint32_t *fault_addr);
uint32_t probe_divide(void);
extern const char probe_read_resume[], probe_divide_resume[];

static int checks, failures;
static volatile int global_var = 1; /* in .data: copy-on-write after fork */

/* Print the verdict of check `name`: passed if `failure` is 0. */
static void verdict(const char *name, const char *failure)
{
    checks++;
    if (failure == 0) {
        printf("check %s: pass\n", name);
        return;
    }
    failures++;
    printf("check %s: FAIL: %s\n", name, failure);
}

/* Run `body` in a child process; return the child's wait status. */
static int in_child(void (*body)(void))
{
    int pid = fork();
    if (pid == 0) {
        body();
        exit(0);
    }
    int status = -1;
    if (pid < 0 || wait(&status) != pid)
        return -1;
    return status;
}

/* ---- fork, wait ------------------------------------------------------------ */

static const char *check_fork(void)
{
    int fds[2];
    if (pipe(fds) < 0)
        return "pipe failed";
    int pid = fork();
    if (pid == 0) {
        int me = getpid();
        write(fds[1], &me, sizeof(me));
        exit(0);
    }
    close(fds[1]);
    int child_pid = 0, status = -1;
    read(fds[0], &child_pid, sizeof(child_pid));
    close(fds[0]);
    if (pid <= 0)
        return "fork did not return a pid in the parent";
    if (wait(&status) != pid)
        return "wait did not return the child's pid";
    if (child_pid != pid)
        return "the child's getpid() is not what fork returned";
    return status == 0 ? 0 : "the child did not exit with 0";
}

static const char *check_wait(void)
{
    int pids[3], seen = 0;
    for (int i = 0; i < 3; i++) {
        pids[i] = fork();
        if (pids[i] == 0)
            exit(10 + i);
    }
    for (int n = 0; n < 3; n++) {
        int status, pid = wait(&status);
        for (int i = 0; i < 3; i++) {
            if (pid != pids[i])
                continue;
            if (status != 10 + i)
                return "a child's exit status came back wrong";
            seen |= 1 << i;
        }
    }
    if (seen != 7)
        return "wait did not return each child once";
    return wait(0) == -ECHILD ? 0 : "wait without children did not fail with ECHILD";
}

/* ---- copy-on-write ---------------------------------------------------------- */

/* Parent and child write the same data, heap and stack variables after
 * fork; a pipe orders the writes.  Each must see only its own. */
static const char *check_cow_isolation(void)
{
    volatile char *heap = (volatile char *)sbrk(PAGE);
    volatile int stack_var = 1;
    int go[2];
    heap[0] = 1;
    global_var = 1;
    if (pipe(go) < 0)
        return "pipe failed";
    int pid = fork();
    if (pid == 0) {
        char b;
        read(go[0], &b, 1); /* the parent has written its 2s */
        if (global_var != 1 || heap[0] != 1 || stack_var != 1)
            exit(1);
        global_var = 3, heap[0] = 3, stack_var = 3;
        exit(global_var == 3 && heap[0] == 3 && stack_var == 3 ? 0 : 2);
    }
    global_var = 2, heap[0] = 2, stack_var = 2;
    write(go[1], "g", 1);
    int status = -1;
    wait(&status);
    close(go[0]);
    close(go[1]);
    int parent_ok = global_var == 2 && heap[0] == 2 && stack_var == 2;
    sbrk(-PAGE);
    if (status == 1)
        return "the child saw the parent's writes";
    if (status != 0)
        return "the child's own writes did not stick";
    return parent_ok ? 0 : "the parent saw the child's writes";
}

static void write_everywhere(void)
{
    volatile int local = 0;
    global_var = 5;
    local = 5;
    (void)local;
}

/* After a child that wrote to shared pages is reaped, every frame is back. */
static const char *check_cow_frees_frames(void)
{
    int before = freemem();
    int status = in_child(write_everywhere);
    int after = freemem();
    if (status != 0)
        return "the child failed";
    return after == before ? 0 : "free memory after fork+exit+wait differs";
}

/* ---- exec ------------------------------------------------------------------ */

static void exec_exit_with_5(void)
{
    char *argv[] = {"ostest", "exit-with", "5", 0};
    exec("ostest", argv);
    exit(99);
}

static void exec_echo(void)
{
    char *argv[] = {"echo", "hello", "from", "exec", 0};
    exec("echo", argv);
    exit(99);
}

static const char *check_exec(void)
{
    if (in_child(exec_exit_with_5) != 5)
        return "the exec'd program did not get its arguments or exit status";
    return in_child(exec_echo) == 0 ? 0 : "exec of echo failed";
}

static const char *check_exec_errors(void)
{
    char *argv[] = {"x", 0};
    char *many[EXEC_MAX_ARGS + 2];
    for (int i = 0; i <= EXEC_MAX_ARGS; i++)
        many[i] = "x";
    many[EXEC_MAX_ARGS + 1] = 0;
    if (exec("no-such-program", argv) != -ENOENT)
        return "a missing program did not fail with ENOENT";
    if (exec("motd", argv) != -ENOEXEC)
        return "a text file did not fail with ENOEXEC";
    if (exec(BAD_POINTER, argv) != -EFAULT)
        return "a path in kernel memory did not fail with EFAULT";
    if (exec("true", BAD_POINTER) != -EFAULT)
        return "argv in kernel memory did not fail with EFAULT";
    if (exec("true", many) != -E2BIG)
        return "too many arguments did not fail with E2BIG";
    return 0;
}

/* ---- sbrk ------------------------------------------------------------------ */

static const char *check_sbrk(void)
{
    char *start = sbrk(0);
    if (sbrk(3 * PAGE) != start)
        return "sbrk did not return the old break";
    for (int i = 0; i < 3 * PAGE; i += 512) {
        if (start[i] != 0)
            return "new heap memory is not zeroed";
        start[i] = (char)i;
    }
    if (sbrk(0) != start + 3 * PAGE)
        return "the break did not move up";
    if (sbrk(-3 * PAGE) != start + 3 * PAGE || sbrk(0) != start)
        return "the break did not move back down";
    if ((int)sbrk(0x7FFFF000) != -ENOMEM)
        return "a huge sbrk did not fail with ENOMEM";
    return (int)sbrk(-0x1000000) == -EINVAL ? 0
           : "shrinking below the heap did not fail with EINVAL";
}

static void touch_after_shrink(void)
{
    volatile char *p = (volatile char *)sbrk(PAGE);
    p[0] = 1;
    sbrk(-PAGE);
    p[0] = 2; /* the page is gone: killed */
}

static const char *check_sbrk_shrink_unmaps(void)
{
    return in_child(touch_after_shrink) == (WAIT_KILLED | 14) ? 0
           : "a write to a page returned by sbrk(-n) did not kill with #PF";
}

/* ---- system call errors ----------------------------------------------------- */

static const char *check_fd_errors(void)
{
    char buf[4] = "abc";
    int fds[2];
    if (write(99, buf, 1) != -EBADF || close(99) != -EBADF || read(-1, buf, 1) != -EBADF)
        return "a descriptor that is not open did not fail with EBADF";
    if (write(1, BAD_POINTER, 4) != -EFAULT)
        return "write from kernel memory did not fail with EFAULT";
    if (pipe(BAD_POINTER) != -EFAULT)
        return "pipe into kernel memory did not fail with EFAULT";
    if (pipe(fds) < 0)
        return "pipe failed";
    if (write(fds[0], buf, 1) != -EBADF || read(fds[1], buf, 1) != -EBADF)
        return "the wrong end of a pipe did not fail with EBADF";
    write(fds[1], "x", 1);
    if (read(fds[0], BAD_POINTER, 1) != -EFAULT)
        return "read into kernel memory did not fail with EFAULT";
    close(fds[0]);
    int err = write(fds[1], buf, 1);
    close(fds[1]);
    return err == -EPIPE ? 0 : "writing a pipe nobody reads did not fail with EPIPE";
}

static const char *check_call_errors(void)
{
    if (syscall(0) != -ENOSYS || syscall(999) != -ENOSYS)
        return "an unknown system call did not fail with ENOSYS";
    if (map(0x1000, 1) != -EINVAL || map(USER_MAP_BASE + 1, 1) != -EINVAL ||
        unmap(USER_TOP, 1) != -EINVAL)
        return "map/unmap outside the map area did not fail with EINVAL";
    if (kill(99999) != -ESRCH)
        return "kill of no process did not fail with ESRCH";
    int pid = fork();
    if (pid == 0)
        exit(0);
    if (wait(BAD_POINTER) != -EFAULT)
        return "wait into kernel memory did not fail with EFAULT";
    return wait(0) == pid ? 0 : "the child was lost after the failed wait";
}

/* ---- processes killed for a bad access -------------------------------------- */

static void read_null(void) { (void)*(volatile int *)0; }
static void write_own_code(void) { *(volatile char *)(uint32_t)read_null = 0; }
static void read_kernel(void) { (void)*(volatile int *)KERNEL_VA; }
static void jump_to_kernel(void) { ((void (*)(void))KERNEL_VA)(); }
static void privileged(void) { asm volatile("cli"); }
static void port_io(void) { asm volatile("inb $0x80, %%al" : : : "eax"); }
static void invalid_opcode(void) { asm volatile("ud2"); }

/* Check that `body`, run in a child, kills it with exception `vector`. */
static const char *killed_with(void (*body)(void), int vector)
{
    int status = in_child(body);
    if (!(status & WAIT_KILLED))
        return "the child was not killed";
    return WAIT_CODE(status) == vector ? 0 : "killed by another exception";
}

static const char *check_os_survives(void)
{
    return in_child(write_everywhere) == 0 ? 0 : "fork after the kills failed";
}

/* ---- scheduling, pipes, catching faults ------------------------------------- */

/* A child that never yields must not keep the parent off the CPU: the
 * timer takes it away. */
static const char *check_preemption(void)
{
    int pid = fork();
    if (pid == 0)
        for (;;)
            ;
    uint32_t start = uptime();
    while (uptime() < start + 3)
        yield();
    kill(pid);
    int status = -1;
    wait(&status);
    return status == (WAIT_KILLED | KILLED_BY_KILL) ? 0
           : "the spinning child did not die by kill()";
}

static void sum_pipe_input(int fd, int expect_bytes)
{
    uint8_t buf[100];
    uint32_t sum = 0;
    int total = 0, n;
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        for (int i = 0; i < n; i++, total++)
            sum += buf[i] ^ (uint32_t)(total % 251);
    exit(total == expect_bytes && sum == 0 ? 0 : 1);
}

/* 10000 bytes, five times the pipe's buffer, arrive intact and in order. */
static const char *check_pipe(void)
{
    enum { BYTES = 10000 };
    int fds[2];
    if (pipe(fds) < 0)
        return "pipe failed";
    int pid = fork();
    if (pid == 0) {
        close(fds[1]);
        sum_pipe_input(fds[0], BYTES);
    }
    close(fds[0]);
    uint8_t chunk[1000];
    for (int at = 0; at < BYTES; at += (int)sizeof(chunk)) {
        for (int i = 0; i < (int)sizeof(chunk); i++)
            chunk[i] = (uint8_t)((at + i) % 251);
        write(fds[1], chunk, sizeof(chunk));
    }
    close(fds[1]);
    int status = -1;
    wait(&status);
    return status == 0 ? 0 : "the bytes did not arrive intact, or no end of file";
}

static const char *check_catch(void)
{
    uint32_t addr;
    catch_faults(probe_read_resume);
    uint32_t vector = probe_read(0x1234, &addr);
    if (vector != 14 || addr != 0x1234)
        return "a caught page fault did not report #PF and the address";
    catch_faults(probe_divide_resume);
    vector = probe_divide();
    catch_faults(0);
    if (vector != 0)
        return "a caught divide error did not report #DE";
    return probe_read((uint32_t)&global_var, &addr) == 0xFFFFFFFFu ? 0
           : "a good read was reported as a fault";
}

int main(int argc, char *argv[])
{
    if (argc == 3 && strcmp(argv[1], "exit-with") == 0)
        return strcmp(argv[0], "ostest") == 0 ? atoi(argv[2]) : 100;

    verdict("fork", check_fork());
    verdict("wait", check_wait());
    verdict("cow-isolation", check_cow_isolation());
    verdict("cow-frees-frames", check_cow_frees_frames());
    verdict("exec", check_exec());
    verdict("exec-errors", check_exec_errors());
    verdict("sbrk", check_sbrk());
    verdict("sbrk-shrink-unmaps", check_sbrk_shrink_unmaps());
    verdict("fd-errors", check_fd_errors());
    verdict("call-errors", check_call_errors());
    verdict("kill-null-read", killed_with(read_null, 14));
    verdict("kill-write-own-code", killed_with(write_own_code, 14));
    verdict("kill-read-kernel", killed_with(read_kernel, 14));
    verdict("kill-jump-to-kernel", killed_with(jump_to_kernel, 14));
    verdict("kill-privileged-cli", killed_with(privileged, 13));
    verdict("kill-port-io", killed_with(port_io, 13));
    verdict("kill-invalid-opcode", killed_with(invalid_opcode, 6));
    verdict("os-survives-kills", check_os_survives());
    verdict("preemption", check_preemption());
    verdict("pipe", check_pipe());
    verdict("catch", check_catch());
    printf("ostest: %d checks, %d failed\n", checks, failures);
    return failures;
}
