/* qemu.c - build the QEMU command line, then run QEMU as a child of vmm.
 *
 * The problem: the user should never write a QEMU command line, and the one
 * vmm writes must give the monitor (or, with --native, the guest itself) a
 * machine that always behaves the same way: no default devices, no display,
 * no reboot on a triple fault, a serial console on the user's terminal and a
 * port that powers the machine off with a status. A guest that never powers
 * off must not hang vmm forever, and ^C must stop the guest.
 *
 * The approach: the command line is a pure function of a qemu_config, so the
 * tests can read it. Monitor mode boots the monitor as the multiboot kernel
 * and hands it the guest as module 0, whose string is "<guest> <append>"
 * (QEMU gives a multiboot kernel the command line "<kernel> <append>", so a
 * guest sees the same command line both ways); --initrd files follow as
 * modules 1, 2, ... The monitor's log goes to QEMU's debugcon (port 0xe9),
 * written to a file:
 *
 *   qemu -machine pc -cpu max,-mpx,-pku,-pks -m <mem+192> -nodefaults
 *        -display none
 *        -no-reboot -kernel monitor.elf -append "mem=<mem>"
 *        -initrd "<guest> <append>,<initrd1>,..." -serial stdio
 *        -debugcon file:<log>
 *        [-drive file=<hda>,format=raw,if=ide,index=0]
 *        [-drive file=<hdb>,format=raw,if=ide,index=1]
 *        -device isa-debug-exit,iobase=0xf4,iosize=4
 *
 * The CPU model is QEMU's "max" without the features the monitor does not
 * virtualize and a guest could otherwise see in CPUID, which does not trap:
 * MPX (its CPL<3 bounds configuration would be shared with the monitor's
 * ring 0) and protection keys, user (PKU) and supervisor (PKS), which act
 * on the real 4-level tables the guest runs on (wrpkru does not trap). The
 * same model runs natively and under the monitor (docs/deprivileging.md,
 * "CR4 features").
 *
 * Native mode boots the guest itself with -kernel/-append/-initrd. QEMU
 * splits the -initrd list at commas and reads ",," as one literal comma, so
 * commas in the guest path and command line are doubled; --initrd paths
 * with commas are refused earlier, by run.c.
 *
 * The disks are the same -drive options in both modes: natively they are the
 * guest's IDE primary master and slave; under the monitor they are the
 * machine's, which the monitor probes at boot and shows the guest as its own
 * (vmm/dev/machine_ata.c), so a guest's writes reach the image file either
 * way. The format is always raw, so QEMU never guesses it from the contents
 * (a guest could otherwise write a qcow2 header and be read differently next
 * time); a comma in the file name is doubled, as in -initrd.
 *
 * QEMU always runs under coreutils `timeout --foreground -k 5 S`, which
 * sends SIGTERM after S seconds and SIGKILL 5 s later, and leaves QEMU in the
 * terminal's foreground so the guest console is interactive. vmm forks and
 * execs it, forwards SIGINT/SIGTERM to that one child as SIGTERM, and waits.
 */
#include "qemu.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* The CPU model: see the top of this file. */
#define QEMU_CPU_MODEL "max,-mpx,-pku,-pks"

/* A growing argument vector. */
struct argv_builder {
    char **v;
    size_t n;
};

/* Abort on out-of-memory: vmm cannot do anything useful without memory. */
static void *check_alloc(void *p)
{
    if (p == NULL) {
        fputs("vmm: out of memory\n", stderr);
        exit(70);
    }
    return p;
}

/* Append a copy of S to the vector (which stays NULL-terminated). */
static void push(struct argv_builder *b, const char *s)
{
    b->v = check_alloc(realloc(b->v, (b->n + 2) * sizeof(*b->v)));
    b->v[b->n++] = check_alloc(strdup(s));
    b->v[b->n] = NULL;
}

/* Append a printf-formatted argument. */
static void pushf(struct argv_builder *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void pushf(struct argv_builder *b, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    push(b, check_alloc(s));
    free(s);
}

/* Return a malloc'd copy of S with each ',' doubled, which QEMU's -initrd
 * parser reads back as one literal comma. */
static char *escape_commas(const char *s)
{
    size_t extra = 0;
    char *d, *out;

    for (const char *p = s; *p; p++)
        extra += *p == ',';
    out = d = check_alloc(malloc(strlen(s) + extra + 1));
    for (; *s; s++) {
        *d++ = *s;
        if (*s == ',')
            *d++ = ',';
    }
    *d = '\0';
    return out;
}

/* Return the malloc'd -initrd value: the modules joined by commas, with
 * FIRST (already escaped, or NULL) as module 0. */
static char *initrd_list(const char *first, const struct qemu_config *c)
{
    size_t len = first ? strlen(first) + 1 : 1;
    char *s;

    for (size_t i = 0; i < c->n_initrds; i++)
        len += strlen(c->initrds[i]) + 1;
    s = check_alloc(malloc(len));
    strcpy(s, first ? first : "");
    for (size_t i = 0; i < c->n_initrds; i++) {
        if (*s)
            strcat(s, ",");
        strcat(s, c->initrds[i]);
    }
    return s;
}

/* " shadow_frames=N" for a shadow budget in MiB, or "". */
static const char *shadow_arg(const struct qemu_config *c)
{
    static char buf[32];

    if (!c->shadow_mem_mib)
        return "";
    snprintf(buf, sizeof(buf), " shadow_frames=%u", c->shadow_mem_mib * 256);
    return buf;
}

/* The monitor-mode arguments after the common prefix: the monitor as the
 * kernel, the guest as module 0, the debugcon log. */
static void push_monitor_mode(struct argv_builder *b,
                              const struct qemu_config *c)
{
    char *module0, *guest = escape_commas(c->guest);
    char *append = escape_commas(c->append);
    char *list;

    push(b, "-m"); pushf(b, "%u", c->mem_mib + MONITOR_EXTRA_MIB);
    push(b, "-nodefaults"); push(b, "-display"); push(b, "none");
    push(b, "-no-reboot");
    push(b, "-kernel"); push(b, c->monitor);
    push(b, "-append");
    pushf(b, "mem=%u%s%s%s%s%s%s%s", c->mem_mib,
          c->policy ? " policy=" : "", c->policy ? c->policy : "",
          shadow_arg(c), c->trace ? " trace=" : "", c->trace ? c->trace : "",
          c->descriptors ? " descriptors=" : "",
          c->descriptors ? c->descriptors : "");
    if (asprintf(&module0, "%s %s", guest, append) < 0)
        check_alloc(NULL);
    list = initrd_list(module0, c);
    push(b, "-initrd"); push(b, list);
    push(b, "-serial"); push(b, "stdio");
    push(b, "-debugcon"); pushf(b, "file:%s", c->logfile);
    free(list); free(module0); free(append); free(guest);
}

/* The native-mode arguments after the common prefix: the guest itself as
 * the kernel, with its command line and modules. */
static void push_native_mode(struct argv_builder *b,
                             const struct qemu_config *c)
{
    char *list;

    push(b, "-m"); pushf(b, "%u", c->mem_mib);
    push(b, "-nodefaults"); push(b, "-display"); push(b, "none");
    push(b, "-no-reboot");
    push(b, "-kernel"); push(b, c->guest);
    push(b, "-append"); push(b, c->append);
    if (c->n_initrds) {
        list = initrd_list(NULL, c);
        push(b, "-initrd"); push(b, list);
        free(list);
    }
    push(b, "-serial"); push(b, "stdio");
}

/* The -drive options of the disks: IDE primary master (index 0) and slave
 * (index 1), raw images, written back to their files. */
static void push_disks(struct argv_builder *b, const struct qemu_config *c)
{
    char *file;

    for (unsigned i = 0; i < 2; i++) {
        if (c->disks[i] == NULL)
            continue;
        file = escape_commas(c->disks[i]);
        push(b, "-drive");
        pushf(b, "file=%s,format=raw,if=ide,index=%u", file, i);
        free(file);
    }
}

char **qemu_build_argv(const struct qemu_config *c)
{
    struct argv_builder b = { NULL, 0 };

    push(&b, "timeout"); push(&b, "--foreground");
    push(&b, "-k"); pushf(&b, "%u", QEMU_KILL_AFTER_S);
    pushf(&b, "%u", c->timeout_s);
    push(&b, c->qemu);
    push(&b, "-machine"); push(&b, "pc");
    push(&b, "-cpu"); push(&b, QEMU_CPU_MODEL);
    if (c->native)
        push_native_mode(&b, c);
    else
        push_monitor_mode(&b, c);
    push_disks(&b, c);
    push(&b, "-device"); push(&b, "isa-debug-exit,iobase=0xf4,iosize=4");
    return b.v;
}

void qemu_free_argv(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++)
        free(argv[i]);
    free(argv);
}

/* The child to forward signals to (0: none yet), and the signal that
 * interrupted vmm (0: none). Written by the handler. */
static volatile sig_atomic_t forward_pid;
static volatile sig_atomic_t interrupted_by;

/* SIGINT/SIGTERM handler: remember it and ask the child to stop. */
static void on_interrupt(int sig)
{
    interrupted_by = sig;
    if (forward_pid > 0)
        kill((pid_t)forward_pid, SIGTERM);
}

/* Install on_interrupt for SIGINT and SIGTERM, saving the old actions. */
static void catch_interrupts(struct sigaction old[2])
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old[0]);
    sigaction(SIGTERM, &sa, &old[1]);
}

/* In the child: restore default signal handling and the signal mask, then
 * exec ARGV; on failure send errno up the close-on-exec pipe FD. */
static void exec_child(char *const argv[], int fd, const sigset_t *mask)
{
    int e;

    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sigprocmask(SIG_SETMASK, mask, NULL);
    execvp(argv[0], argv);
    e = errno;
    if (write(fd, &e, sizeof(e)) < 0)
        _exit(127);
    _exit(127);
}

/* Read the exec-failure pipe: 0 if the exec succeeded (EOF), else the
 * child's errno. */
static int exec_error(int fd)
{
    int e = 0;
    ssize_t n;

    do
        n = read(fd, &e, sizeof(e));
    while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof(e) ? e : 0;
}

/* Wait for PID, retrying when a signal interrupts the wait; returns the
 * wait status. */
static int wait_child(pid_t pid, void (*poll)(void *), void *ctx)
{
    const struct timespec pause = { 0, 50 * 1000 * 1000 };
    int st = 0;
    pid_t r;

    for (;;) {
        r = waitpid(pid, &st, poll ? WNOHANG : 0);
        if (r == pid || (r < 0 && errno != EINTR))
            return st;
        if (r == 0 && poll) {
            poll(ctx);
            nanosleep(&pause, NULL);
        }
    }
}

/* Seconds on the monotonic clock. */
static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Fork and exec ARGV with SIGINT/SIGTERM blocked across the fork, so the
 * handler always sees the child's pid. Returns the pid, or -1 with ERR. */
static pid_t start_child(char *const argv[], char *err, size_t errlen)
{
    sigset_t block, old;
    int fds[2], e;
    pid_t pid;

    if (pipe2(fds, O_CLOEXEC) != 0)
        return snprintf(err, errlen, "pipe: %s", strerror(errno)), -1;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &old);
    pid = fork();
    if (pid == 0)
        exec_child(argv, fds[1], &old);
    if (pid > 0)
        forward_pid = pid;
    e = errno;
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(fds[1]);
    if (pid < 0)
        snprintf(err, errlen, "fork: %s", strerror(e));
    else if ((e = exec_error(fds[0])) != 0) {
        snprintf(err, errlen, "cannot run %s: %s", argv[0], strerror(e));
        wait_child(pid, NULL, NULL);
        forward_pid = 0;
        pid = -1;
    }
    close(fds[0]);
    return pid;
}

/* Fill *END from a wait status. */
static void describe_end(int st, struct qemu_end *end)
{
    end->exited = WIFEXITED(st);
    end->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    end->signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
    end->interrupted = interrupted_by != 0;
}

int qemu_run(char *const argv[], struct qemu_end *end,
             char *err, size_t errlen)
{
    return qemu_run_watched(argv, end, err, errlen, NULL, NULL);
}

int qemu_run_watched(char *const argv[], struct qemu_end *end,
                     char *err, size_t errlen, void (*poll)(void *),
                     void *ctx)
{
    struct sigaction old[2];
    struct termios tio;
    /* QEMU puts the terminal in raw mode; if it is killed it can't undo it */
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &tio) == 0;
    double t0 = now();
    pid_t pid;
    int st;

    memset(end, 0, sizeof(*end));
    interrupted_by = 0;
    forward_pid = 0;
    catch_interrupts(old);
    pid = start_child(argv, err, errlen);
    st = pid > 0 ? wait_child(pid, poll, ctx) : 0;
    forward_pid = 0;
    sigaction(SIGINT, &old[0], NULL);
    sigaction(SIGTERM, &old[1], NULL);
    if (tty && tcgetpgrp(STDIN_FILENO) == getpgrp())
        tcsetattr(STDIN_FILENO, TCSANOW, &tio);
    if (pid < 0)
        return -1;
    describe_end(st, end);
    end->seconds = now() - t0;
    return 0;
}
