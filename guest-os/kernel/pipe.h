/*
 * pipe.h - pipes (pipe.c).
 */
#ifndef GUEST_PIPE_H
#define GUEST_PIPE_H

#include <stdint.h>

struct pipe;

/* Return a new pipe, open at both ends, or 0 if out of memory. */
struct pipe *pipe_alloc(void);

/* Free a pipe that no file refers to (file.c, when making one failed). */
void pipe_free(struct pipe *p);

/* Close the write end (if `writer`) or the read end; the last close frees
 * the pipe. */
void pipe_close(struct pipe *p, int writer);

/* Read up to `n` bytes into user address `uva` of the current process,
 * sleeping while the pipe is empty and a writer remains.  Return the
 * count, 0 at end of file, or -E. */
int pipe_read(struct pipe *p, uint32_t uva, uint32_t n);

/* Write `n` bytes from user address `uva`, sleeping while the pipe is full.
 * Return `n`, the count written before the process was killed, or -E. */
int pipe_write(struct pipe *p, uint32_t uva, uint32_t n);

#endif /* GUEST_PIPE_H */
