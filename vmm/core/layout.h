/*
 * layout.h - where the monitor lives in the address space.
 *
 * The monitor runs in 64-bit mode, entirely above the 4 GiB that a guest in
 * compatibility mode can reach.  Two windows matter:
 *
 *   0x0000000000000000 .. 0x00000000ffffffff  the guest's linear space (shadow)
 *   0x0000000100000000 .. 0x0000007fffffffff  never mapped (see the 4 GiB edge)
 *   0xffff800000000000 .. +4 GiB              direct map of machine RAM
 *   0xffffffff80000000 .. +1 GiB              the monitor image (-mcmodel=kernel)
 *
 * "Machine" memory is the RAM QEMU gives the monitor; guest RAM is one
 * contiguous block of it.  hpa_t names a machine-physical address.
 */
#ifndef VMM_LAYOUT_H
#define VMM_LAYOUT_H

#define KERNEL_VMA      0xffffffff80000000
#define DIRECT_MAP_VMA  0xffff800000000000
#define DIRECT_MAP_SIZE 0x100000000        /* the boot page tables map 4 GiB */

#ifndef __ASSEMBLER__
#include <stdint.h>

typedef uint64_t hpa_t;                     /* machine-physical address */

/* The monitor's pointer to machine-physical address PA (direct map). */
static inline void *hpa_to_ptr(hpa_t pa)
{
	return (void *)(DIRECT_MAP_VMA + pa);
}

/* The machine-physical address behind a direct-map or image pointer. */
static inline hpa_t ptr_to_hpa(const void *p)
{
	uint64_t va = (uint64_t)p;
	return va >= KERNEL_VMA ? va - KERNEL_VMA : va - DIRECT_MAP_VMA;
}
#endif
#endif
