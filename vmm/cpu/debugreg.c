/*
 * debugreg.c - matching accesses against the guest's breakpoints.
 */
#include "debugreg.h"

#define RW_EXEC  0u
#define RW_WRITE 1u
#define RW_IO    2u
#define RW_RW    3u
#define CR4_DE   (1u << 3)

static unsigned bp_rw(uint32_t dr7, unsigned n)
{
	return (dr7 >> (16 + 4 * n)) & 3u;
}

/* Bytes breakpoint N covers: LEN 00, 01, 11, 10 = 1, 2, 4, 8. */
static uint32_t bp_len(uint32_t dr7, unsigned n)
{
	static const uint32_t bytes[4] = { 1, 2, 8, 4 };

	return bytes[(dr7 >> (18 + 4 * n)) & 3u];
}

static bool bp_enabled(uint32_t dr7, unsigned n)
{
	return (dr7 >> (2 * n)) & 3u;
}

/* Does [at, at+len) overlap breakpoint N's bytes (its address aligned
 * down to its length, as the CPU compares it)? */
static bool bp_covers(const uint32_t dr[8], unsigned n, uint32_t at,
		      uint32_t len)
{
	uint32_t size = bp_len(dr[7], n);
	uint64_t start = dr[n] & ~(size - 1);

	return (uint64_t)at < start + size && start < (uint64_t)at + len;
}

uint32_t dr_data_hits(const uint32_t dr[8], uint32_t lin, unsigned len,
		      bool write)
{
	uint32_t hits = 0;

	for (unsigned n = 0; n < 4; n++) {
		unsigned rw = bp_rw(dr[7], n);

		if (bp_enabled(dr[7], n) &&
		    (rw == RW_RW || (rw == RW_WRITE && write)) &&
		    bp_covers(dr, n, lin, len))
			hits |= 1u << n;
	}
	return hits;
}

uint32_t dr_io_hits(const uint32_t dr[8], uint32_t cr4, uint16_t port,
		    unsigned len)
{
	uint32_t hits = 0;

	if (!(cr4 & CR4_DE))
		return 0;
	for (unsigned n = 0; n < 4; n++)
		if (bp_enabled(dr[7], n) && bp_rw(dr[7], n) == RW_IO &&
		    bp_covers(dr, n, port, len))
			hits |= 1u << n;
	return hits;
}

uint64_t dr7_for_cpu(uint32_t dr7)
{
	uint64_t real = dr7 & 0xffff0300u;      /* R/W, LEN, LE, GE */

	for (unsigned n = 0; n < 4; n++)
		if (bp_rw(dr7, n) == RW_IO)
			real &= ~(3ull << (16 + 4 * n));        /* and no enable */
		else
			real |= dr7 & (3u << (2 * n));
	return real | 0x400;
}
