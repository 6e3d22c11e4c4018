/*
 * file.h - open files: what a file descriptor refers to (file.c).
 */
#ifndef GUEST_FILE_H
#define GUEST_FILE_H

#include <stdint.h>

struct pipe;

enum file_type {
    FILE_NONE,    /* free slot */
    FILE_CONSOLE, /* the terminal, both ways */
    FILE_PIPE,    /* one end of a pipe */
};

struct file {
    enum file_type type;
    int ref;       /* descriptors (in all processes) that refer to it */
    int readable;
    int writable;
    struct pipe *pipe;
};

/* Return a new reference to the console file. */
struct file *file_console(void);

/* Return `f` with one more reference (for dup, fork). */
struct file *file_dup(struct file *f);

/* Drop one reference to `f`; the last one closes it. */
void file_close(struct file *f);

/* Read up to `n` bytes from `f` into the current process's memory at user
 * address `uva`.  Return the count, 0 at end of file, or -E. */
int file_read(struct file *f, uint32_t uva, uint32_t n);

/* Write `n` bytes from user address `uva` to `f`.  Return the count or -E. */
int file_write(struct file *f, uint32_t uva, uint32_t n);

/* Make a pipe: *rf reads from it, *wf writes to it.  Return 0 or -E. */
int file_pipe(struct file **rf, struct file **wf);

#endif /* GUEST_FILE_H */
