/*
 * mp.h - the BIOS's MultiProcessor Specification tables (mp.c).
 */
#ifndef GUEST_MP_H
#define GUEST_MP_H

#include <stdint.h>

#include "paging.h"

/* What the tables say about the machine's interrupt hardware. */
struct mp_machine {
    physaddr_t lapic_pa;  /* the local APICs' registers */
    physaddr_t ioapic_pa; /* the (first) I/O APIC's registers */
    uint8_t ioapic_id;
    int ncpu;             /* enabled processor entries */
    int imcr;             /* 1: the IMCR must be switched to APIC mode */
};

/* Find and check the floating pointer and configuration table, and fill
 * `m` from them.  Return 0, or -1 if there are none, a checksum is wrong,
 * or they list no processor or no I/O APIC. */
int mp_find(struct mp_machine *m);

#endif /* GUEST_MP_H */
