/*
 * cases.h - what the hostile guests share: one case per run, named by the
 * first word of the guest's command line (after the kernel's path, which
 * a multiboot loader puts first).
 */
#ifndef HOSTILE_CASES_H
#define HOSTILE_CASES_H

#include "kernel.h"
#include "multiboot.h"

struct hostile_case {
    const char *name;
    void (*run)(void);
};

/*
 * The probe: set hostile_skip to the length of the next instruction, which
 * may fault; the handler (on every exception vector) notes the fault and
 * steps over it; hostile_report prints "WHAT: no fault" or the vector and
 * error code.  A fault with hostile_skip 0 is unexpected: the guest powers
 * off with status 1.
 */
extern volatile uint32_t hostile_skip;
void hostile_report(const char *what);

/* What every hostile guest does first: the UART, the 8259s masked, and the
 * probe's handler on every exception vector. */
void hostile_start(void);

/* The name of the case the command line asks for (the rest of the line). */
const char *hostile_case_name(const struct multiboot_info *mbi);

/* Run the case NAME from CASES[N]; a name that is none of them powers the
 * machine off with status 2, so that a test naming no case fails. */
void hostile_run(const char *name, const struct hostile_case *cases,
                 unsigned n);

#endif
