/* tracer.h - `vmm run --trace`: show the monitor's @trace lines live.
 * See tracer.c.
 */
#ifndef VMM_HOST_TRACER_H
#define VMM_HOST_TRACER_H

#include <stdbool.h>
#include <stdio.h>

#include "symbols.h"

/* The trace classes the monitor knows, comma-separated, for --help. */
#define TRACE_CLASSES "priv,io,pf-hidden,pf-trace,pf-true,cr3,irq,int"

/* Whether LIST ("all", or classes joined by commas) names only known
 * classes. Pure. */
bool tracer_classes_ok(const char *list);

struct tracer {
    FILE *log;                  /* the monitor's log, read as it grows */
    struct guest_image image;   /* for symbols; may have failed to open */
    bool have_image;
    char partial[512];          /* a line not yet complete */
    size_t npartial;
    FILE *out;
};

/* Start following LOGFILE, naming addresses from GUEST_ELF, printing to OUT. */
void tracer_start(struct tracer *t, const char *logfile, const char *guest_elf,
                  FILE *out);

/* Print every complete @trace line written since the last call. */
void tracer_poll(void *tracer);

/* Print what is left and close. */
void tracer_stop(struct tracer *t);

/* Format one "@trace CLASS 0xEIP cpl=N WHAT | INSN" line (without the
 * newline) for people into BUF, symbolizing with G (may be NULL); false if
 * LINE is not a trace line. Pure but for G. */
bool tracer_format(const char *line, const struct guest_image *g, char *buf,
                   size_t len);

#endif
