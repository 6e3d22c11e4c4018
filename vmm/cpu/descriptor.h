/*
 * descriptor.h - segment descriptors, and how the shadow GDT sanitizes them.
 *
 * A code or data segment descriptor (SDM vol. 3A, figure 3-8):
 *
 *  63      56 55 54 53 52 51    48 47 46 45 44 43    40 39          32
 * +----------+--+--+--+--+--------+--+-----+--+--------+--------------+
 * |base 31:24| G|DB| L|AV|lim19:16| P| DPL | S|  type  |  base 23:16  |
 * +----------+--+--+--+--+--------+--+-----+--+--------+--------------+
 *  31                           16 15                                0
 * +-------------------------------+----------------------------------+
 * |          base 15:0            |           limit 15:0             |
 * +-------------------------------+----------------------------------+
 *
 * This module is pure (no monitor state), so host tests check it.
 */
#ifndef VMM_DESCRIPTOR_H
#define VMM_DESCRIPTOR_H

#include <stdint.h>

#define DESC_TYPE_SHIFT 40
#define DESC_TYPE_MASK  (0xfull << DESC_TYPE_SHIFT)
#define DESC_TYPE_CODE  (0x8ull << DESC_TYPE_SHIFT)   /* with S=1: code */
#define DESC_TYPE_ACCESSED (0x1ull << DESC_TYPE_SHIFT) /* set by a load */
#define DESC_TYPE_WRITABLE (0x2ull << DESC_TYPE_SHIFT) /* data: writable */
#define DESC_TYPE_CONFORMING (0x4ull << DESC_TYPE_SHIFT) /* code: conforming */
#define DESC_S          (1ull << 44)                  /* code/data, not system */
#define DESC_DPL_SHIFT  45
#define DESC_DPL_MASK   (3ull << DESC_DPL_SHIFT)
#define DESC_P          (1ull << 47)
#define DESC_L          (1ull << 53)                  /* 64-bit code */
#define DESC_DB         (1ull << 54)
#define DESC_G          (1ull << 55)

static inline unsigned desc_dpl(uint64_t d)
{
	return (unsigned)((d & DESC_DPL_MASK) >> DESC_DPL_SHIFT);
}

static inline uint32_t desc_base(uint64_t d)
{
	return (uint32_t)(((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000));
}

/* The segment limit in bytes - 1, granularity applied. */
static inline uint32_t desc_limit(uint64_t d)
{
	uint32_t lim = (uint32_t)((d & 0xffff) | ((d >> 32) & 0xf0000));

	return (d & DESC_G) ? (lim << 12) | 0xfff : lim;
}

/*
 * The descriptor the real GDT holds for guest descriptor GDESC: code and
 * data segments with DPL 0 become DPL 1 (ring compression), the L bit is
 * cleared (a guest never gets 64-bit code), and system descriptors (TSS,
 * LDT, gates) are never copied through: they shadow as zero, not present.
 * A not-present code or data descriptor stays not present, so loading it
 * raises #NP as natively.
 */
uint64_t desc_sanitize(uint64_t gdesc);

#endif
