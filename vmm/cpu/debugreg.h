/*
 * debugreg.h - the guest's hardware breakpoints (DR0-DR3, DR6, DR7).
 *
 * DR7 (SDM vol. 3B, 17.2.4), per breakpoint n = 0..3:
 *
 *   bits 2n, 2n+1     Ln, Gn: enabled (locally, globally - the same here)
 *   bits 16+4n, +1    R/Wn: 00 instruction, 01 data write, 11 data read or
 *                     write, 10 I/O (only with CR4.DE)
 *   bits 18+4n, +1    LENn: 00 1 byte, 01 2, 11 4, 10 8
 *
 * The guest's instruction and data breakpoints are loaded into the real
 * debug registers: the CPU watches the guest's own instructions for it.
 * What the monitor performs itself - in, out, ins, outs, the stores and
 * loads of an emulated instruction - the CPU cannot see, so the monitor
 * checks those accesses against DR7 here and raises the #DB it would.
 * This module is pure: it reads and computes, the callers act.
 */
#ifndef VMM_DEBUGREG_H
#define VMM_DEBUGREG_H

#include <stdbool.h>
#include <stdint.h>

#define DR6_B0_B3 0xfu              /* breakpoint n matched */
#define DR6_BS    (1u << 14)        /* single-step trap */
#define DR6_FIXED 0xffff0ff0u       /* DR6 with nothing to report */
#define DR7_ENABLES 0xffu           /* L0-G3 */

/*
 * The DR6 B0-B3 bits of the enabled data breakpoints in DR (DR0-DR3, DR7)
 * that an access of LEN bytes at linear LIN hits (WRITE: a store).
 */
uint32_t dr_data_hits(const uint32_t dr[8], uint32_t lin, unsigned len,
		      bool write);

/* ... of the enabled I/O breakpoints (CR4.DE set in CR4) that an in or
 * out of LEN bytes at PORT hits. */
uint32_t dr_io_hits(const uint32_t dr[8], uint32_t cr4, uint16_t port,
		    unsigned len);

/*
 * The real DR7 for the guest's DR7: its instruction and data breakpoints
 * (the CPU watches those for it), not its I/O breakpoints (the monitor
 * performs every in and out) nor GD.
 */
uint64_t dr7_for_cpu(uint32_t dr7);

#endif
