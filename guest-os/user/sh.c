/*
 * sh.c - a tiny shell: read a line, run the program it names, repeat.
 *
 * Each line is split at spaces into words; the first names a program in the
 * ramdisk, the rest are its arguments.  The shell forks, the child execs the
 * program, and the shell waits for it and says how it ended if it did not
 * exit with 0.  Built in: "exit [status]", and "help".  The line editing -
 * echo, backspace - is the kernel console's (kernel/console.c).  End of
 * input (^D) ends the shell.
 */
#include "user.h"

#define LINE_MAX 128
#define MAX_WORDS EXEC_MAX_ARGS

static const char help[] =
    "programs: echo true ostest bench suite sh\n"
    "  bench NAME [ITERS]  NAME: syscall callret pgfault divzero ctxsw\n"
    "                      forkwait exec mapunmap compute\n"
    "built in: exit [status], help\n";

/* Read one line (without its newline) into `line`; return 0 at end of
 * input, else 1. */
static int read_line(char *line, size_t size)
{
    size_t len = 0;
    for (;;) {
        char c;
        if (read(0, &c, 1) <= 0)
            return len > 0;
        if (c == '\n')
            break;
        if (len + 1 < size)
            line[len++] = c;
    }
    line[len] = '\0';
    return 1;
}

/* Split `line` at spaces into `words` (NULL-terminated); return the count. */
static int split(char *line, char *words[])
{
    int n = 0;
    char *p = line;
    while (*p != '\0' && n < MAX_WORDS) {
        while (*p == ' ')
            *p++ = '\0';
        if (*p == '\0')
            break;
        words[n++] = p;
        while (*p != '\0' && *p != ' ')
            p++;
    }
    words[n] = 0;
    return n;
}

/* Run the program `words[0]` and report how it ended if not with 0. */
static void run(char *words[])
{
    int pid = fork();
    if (pid < 0) {
        printf("sh: fork: %s\n", errname(pid));
        return;
    }
    if (pid == 0) {
        int err = exec(words[0], words);
        printf("sh: %s: %s\n", words[0], errname(err));
        exit(127);
    }
    int status;
    while (wait(&status) != pid)
        ;
    if (status & WAIT_KILLED)
        printf("sh: %s killed (%s)\n", words[0], trapname(WAIT_CODE(status)));
    else if (WAIT_CODE(status) != 0)
        printf("sh: %s exited with %d\n", words[0], WAIT_CODE(status));
}

int main(void)
{
    char line[LINE_MAX];
    char *words[MAX_WORDS + 1];
    printf("sh: type help for the programs, ^D or exit to leave\n");
    for (;;) {
        write(1, "$ ", 2);
        if (!read_line(line, sizeof(line)))
            return 0;
        if (split(line, words) == 0)
            continue;
        if (strcmp(words[0], "exit") == 0)
            return words[1] != 0 ? atoi(words[1]) : 0;
        if (strcmp(words[0], "help") == 0) {
            write(1, help, sizeof(help) - 1);
            continue;
        }
        run(words);
    }
}
