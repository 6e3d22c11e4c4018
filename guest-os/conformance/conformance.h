/*
 * conformance.h - what the conformance guests share: the probe.
 *
 * A probe runs one instruction that may fault, and reports what happened:
 * "no fault", or the vector and error code.  The trap handler steps the
 * interrupted EIP over the faulting instruction (its length is given), so the
 * program goes on.  Nothing printed may depend on addresses or timing.
 */
#ifndef CONFORMANCE_H
#define CONFORMANCE_H

#include <stdint.h>

#include "kernel.h"

struct probe {
    int faulted;
    uint32_t vector, err, cpl;
    uint32_t skip;          /* bytes to step over on a fault */
};

extern volatile struct probe probe;

/* Arm the probe for an instruction of LEN bytes. */
static inline void probe_arm(uint32_t len)
{
    probe.faulted = 0;
    probe.skip = len;
}

/* Print "NAME: no fault" or "NAME: #XX err 0xE cpl N". */
void probe_report(const char *name);

/* Install the probe's handler on every exception vector. */
void probe_install(void);

/* What every conformance guest does first: the UART, the 8259s masked, the
 * IDT with the probe on every exception, and the line "NAME: conformance
 * guest". */
void conformance_start(const char *name);

/* Segment selectors of the conformance GDT. */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE 0x1b
#define SEL_UDATA 0x23
#define SEL_TSS   0x28

/* Run the user-mode part (cpu_user.c) at CPL 3; returns when it exits. */
void user_tests(void);

#endif
