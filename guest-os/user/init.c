/*
 * init.c - the first process: run what the boot command line names.
 *
 * The kernel starts init with the words of its command line as arguments
 * (kernel/osmain.c): "init suite", "init sh", "init bench syscall".  init
 * runs the named program as its child, reaps every process that ends -
 * orphans are given to init - until that child is done, then powers the
 * machine off with the child's exit status (1 if it was killed, 127 if it
 * could not be started), so an unattended run ends with the program's
 * verdict as the machine's exit status.
 */
#include "user.h"

/* Run argv[0] with its arguments; return its wait status (-E if fork
 * failed). */
static int run(char *argv[])
{
    int pid = fork();
    if (pid < 0)
        return pid;
    if (pid == 0) {
        int err = exec(argv[0], argv);
        printf("init: cannot run %s: %s\n", argv[0], errname(err));
        exit(127);
    }
    int status, reaped;
    while ((reaped = wait(&status)) != pid)
        if (reaped < 0)
            return reaped;
    return status;
}

int main(int argc, char *argv[])
{
    if (argc < 2) {
        printf("init: nothing to run\n");
        halt(1);
    }
    int status = run(argv + 1);
    if (status < 0) {
        printf("init: cannot start %s: %s\n", argv[1], errname(status));
        halt(1);
    }
    if (status & WAIT_KILLED) {
        printf("init: %s was killed (%s)\n", argv[1], trapname(WAIT_CODE(status)));
        halt(1);
    }
    halt(WAIT_CODE(status));
}
