/*
 * pipe.c - pipes: a bounded byte queue between processes.
 *
 * A pipe lives in one page frame: a ring buffer and the counts of bytes ever
 * written and read (their difference is what the ring holds; each modulo
 * the ring size is a position in it).  A reader of an empty pipe sleeps on
 * `nread` until a writer adds bytes; a writer of a full pipe sleeps on
 * `nwrite` until a reader takes some.  Once the last writer has closed, a
 * reader gets what is left and then end of file; once the last reader has
 * closed, a writer gets -EPIPE.  Two processes that ping-pong one byte
 * through a pair of pipes switch the CPU - and the address space - at
 * every byte: the context-switch benchmark.
 *
 * Bytes move between the ring and user memory through uaccess.c, in at
 * most two contiguous pieces per call (before and after the ring wraps).
 */
#include "pipe.h"

#include "abi.h"
#include "frame.h"
#include "memlayout.h"
#include "proc.h"
#include "uaccess.h"

struct pipe {
    uint32_t nread;  /* bytes read so far */
    uint32_t nwrite; /* bytes written so far */
    int readopen;    /* the read end is open */
    int writeopen;   /* the write end is open */
    uint8_t data[2048]; /* a power of two: positions survive wrap-around */
};

#define PIPE_SIZE (sizeof(((struct pipe *)0)->data))

_Static_assert(sizeof(struct pipe) <= PAGE_SIZE, "a pipe fits in a frame");

struct pipe *pipe_alloc(void)
{
    physaddr_t pa = frame_alloc();
    if (pa == 0)
        return 0;
    struct pipe *p = phys_to_virt(pa);
    p->readopen = p->writeopen = 1;
    return p;
}

void pipe_free(struct pipe *p)
{
    frame_unref(virt_to_phys(p));
}

void pipe_close(struct pipe *p, int writer)
{
    if (writer) {
        p->writeopen = 0;
        proc_wakeup(&p->nread);
    } else {
        p->readopen = 0;
        proc_wakeup(&p->nwrite);
    }
    if (!p->readopen && !p->writeopen)
        pipe_free(p);
}

/* Return how many bytes can move between the ring at position `pos` and
 * user memory in one piece: at most `want`, and not past the ring's end. */
static uint32_t piece(uint32_t pos, uint32_t want)
{
    uint32_t to_end = PIPE_SIZE - pos % PIPE_SIZE;
    return want < to_end ? want : to_end;
}

int pipe_write(struct pipe *p, uint32_t uva, uint32_t n)
{
    struct proc *me = proc_current();
    uint32_t done = 0;
    while (done < n) {
        if (!p->readopen)
            return done > 0 ? (int)done : -EPIPE;
        if (me->killed)
            return (int)done;
        uint32_t room = PIPE_SIZE - (p->nwrite - p->nread);
        if (room == 0) {
            proc_wakeup(&p->nread);
            proc_sleep(&p->nwrite);
            continue;
        }
        uint32_t len = piece(p->nwrite, room < n - done ? room : n - done);
        if (copy_from_user(me->pgdir, &p->data[p->nwrite % PIPE_SIZE],
                           uva + done, len) < 0)
            return done > 0 ? (int)done : -EFAULT;
        p->nwrite += len;
        done += len;
    }
    proc_wakeup(&p->nread);
    return (int)done;
}

int pipe_read(struct pipe *p, uint32_t uva, uint32_t n)
{
    struct proc *me = proc_current();
    while (p->nread == p->nwrite && p->writeopen) {
        if (me->killed)
            return -EINTR;
        proc_sleep(&p->nread);
    }
    uint32_t done = 0;
    while (done < n && p->nread != p->nwrite) {
        uint32_t avail = p->nwrite - p->nread;
        uint32_t len = piece(p->nread, avail < n - done ? avail : n - done);
        if (copy_to_user(me->pgdir, uva + done, &p->data[p->nread % PIPE_SIZE],
                         len) < 0)
            return done > 0 ? (int)done : -EFAULT;
        p->nread += len;
        done += len;
    }
    proc_wakeup(&p->nwrite);
    return (int)done;
}
