/*
 * descriptor.c - sanitizing guest descriptors for the shadow GDT.
 *
 * The real GDT is read by the real CPU, so whatever the guest wrote into its
 * own GDT must be made safe before it is copied: a DPL-0 descriptor would let
 * the guest run at real CPL 0, an L=1 code segment would run it in 64-bit
 * mode where it can reach the monitor, and a system descriptor (call gate,
 * TSS, LDT) points the CPU at structures the monitor has not checked.
 */
#include "descriptor.h"

uint64_t desc_sanitize(uint64_t gdesc)
{
	uint64_t d = gdesc;

	if (!(d & DESC_S))
		return 0;
	if (desc_dpl(d) == 0)
		d = (d & ~DESC_DPL_MASK) | (1ull << DESC_DPL_SHIFT);
	return d & ~DESC_L;
}
