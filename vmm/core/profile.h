/*
 * profile.h - the exit profile: which guest instructions cost the most.
 */
#ifndef VMM_PROFILE_H
#define VMM_PROFILE_H

#include <stdint.h>

/* Charge an exit at guest EIP, of CAUSE, costing CYCLES. */
void profile_exit(uint32_t eip, unsigned cause, uint64_t cycles);

/* Write the hottest addresses to the report as "@hot" lines. */
void profile_report(void);

#endif
