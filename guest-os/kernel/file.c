/*
 * file.c - open files: the objects file descriptors point at.
 *
 * A file descriptor is an index into its process's `ofile` table; the entry
 * points at a struct file here, shared by every descriptor that refers to
 * the same open file (fork copies the table, so parent and child share the
 * console and their pipes).  A file counts its references and is closed
 * when the last one goes.  There are two kinds: the console, one file for
 * the whole system, and the two ends of a pipe (pipe.c).
 *
 * read and write move data between user memory and the device through a
 * small kernel buffer, one chunk at a time, so user memory is only ever
 * touched through uaccess.c.
 */
#include "file.h"

#include "abi.h"
#include "console.h"
#include "klib.h"
#include "pipe.h"
#include "proc.h"
#include "uaccess.h"

#define NFILE 128
#define CHUNK 128 /* bytes moved per step between user memory and a device */

static struct file files[NFILE];
static struct file console_file = {
    .type = FILE_CONSOLE, .ref = 0, .readable = 1, .writable = 1,
};

struct file *file_console(void)
{
    console_file.ref++;
    return &console_file;
}

/* Return a free file slot, made a file of `type` with one reference, or 0. */
static struct file *file_alloc(enum file_type type)
{
    for (struct file *f = files; f < files + NFILE; f++) {
        if (f->type == FILE_NONE) {
            memset(f, 0, sizeof(*f));
            f->type = type;
            f->ref = 1;
            return f;
        }
    }
    return 0;
}

struct file *file_dup(struct file *f)
{
    if (f->ref < 1)
        panic("file_dup", "file not open");
    f->ref++;
    return f;
}

void file_close(struct file *f)
{
    if (f->ref < 1)
        panic("file_close", "file not open");
    if (--f->ref > 0 || f->type == FILE_CONSOLE)
        return;
    if (f->type == FILE_PIPE)
        pipe_close(f->pipe, f->writable);
    f->type = FILE_NONE;
}

/* Read from the console: one line at most, as typed. */
static int console_read_user(uint32_t uva, uint32_t n)
{
    char buf[CHUNK];
    int got = console_read(buf, n < CHUNK ? n : CHUNK);
    if (got > 0 && copy_to_user(proc_current()->pgdir, uva, buf, (uint32_t)got) < 0)
        return -EFAULT;
    return got;
}

/* Write to the console, a chunk at a time. */
static int console_write_user(uint32_t uva, uint32_t n)
{
    char buf[CHUNK];
    uint32_t done = 0;
    while (done < n) {
        uint32_t len = n - done < CHUNK ? n - done : CHUNK;
        if (copy_from_user(proc_current()->pgdir, buf, uva + done, len) < 0)
            return done > 0 ? (int)done : -EFAULT;
        int sent = console_write(buf, len);
        done += (uint32_t)sent;
        if ((uint32_t)sent < len)
            break;
    }
    return (int)done;
}

int file_read(struct file *f, uint32_t uva, uint32_t n)
{
    if (!f->readable)
        return -EBADF;
    if (f->type == FILE_CONSOLE)
        return console_read_user(uva, n);
    return pipe_read(f->pipe, uva, n);
}

int file_write(struct file *f, uint32_t uva, uint32_t n)
{
    if (!f->writable)
        return -EBADF;
    if (f->type == FILE_CONSOLE)
        return console_write_user(uva, n);
    return pipe_write(f->pipe, uva, n);
}

int file_pipe(struct file **rf, struct file **wf)
{
    struct pipe *p = pipe_alloc();
    if (p == 0)
        return -ENOMEM;
    *rf = file_alloc(FILE_PIPE);
    *wf = *rf != 0 ? file_alloc(FILE_PIPE) : 0;
    if (*wf == 0) {
        if (*rf != 0)
            (*rf)->type = FILE_NONE;
        pipe_free(p);
        return -ENOMEM;
    }
    **rf = (struct file){.type = FILE_PIPE, .ref = 1, .readable = 1, .pipe = p};
    **wf = (struct file){.type = FILE_PIPE, .ref = 1, .writable = 1, .pipe = p};
    return 0;
}
