/*
 * bus.h - the guest's one bus: every `in`/`out` and every MMIO access lands here.
 *
 * Devices claim port ranges and guest-physical ranges at start-up; an access
 * goes to the first device whose range holds it.  What nobody claims behaves
 * as on QEMU's PC: an unclaimed port reads as all ones and ignores writes;
 * unclaimed guest-physical memory outside RAM reads as zeros and drops
 * writes.  Neither ever reaches host memory.
 *
 * ISA devices answer byte by byte.  A port device that sets MAX_SIZE gets
 * wider accesses split into MAX_SIZE pieces at consecutive ports, low port
 * first, exactly as the ISA bus splits them (so `inw 0x20` reads the PIC's
 * ports 0x20 and 0x21).  An MMIO access that does not fit inside one device's
 * range is split into bytes, each dispatched on its own.
 */
#ifndef VMM_BUS_H
#define VMM_BUS_H

#include <stdint.h>

struct port_device {
	const char *name;
	uint16_t first, last;                   /* inclusive */
	uint32_t (*read)(void *dev, uint16_t port, unsigned size);
	void (*write)(void *dev, uint16_t port, unsigned size, uint32_t val);
	void *dev;
	unsigned max_size;                      /* 0: any size reaches the device */
};

struct mmio_device {
	const char *name;
	uint64_t base, size;                    /* guest-physical [base, base+size) */
	uint64_t (*read)(void *dev, uint64_t offset, unsigned size);
	void (*write)(void *dev, uint64_t offset, unsigned size, uint64_t val);
	void *dev;
};

/* Claim D's ports (the table keeps a copy of D).  Earlier claims win. */
void bus_claim_ports(const struct port_device *d);

/* Claim D's guest-physical range (the table keeps a copy).  Earlier claims win. */
void bus_claim_mmio(const struct mmio_device *d);

/* Forget every claim: the bus of a machine with no devices (tests, reset). */
void bus_reset(void);

/* A guest read of SIZE (1, 2 or 4) bytes at PORT. */
uint32_t bus_port_read(uint16_t port, unsigned size);

/* A guest write of SIZE (1, 2 or 4) bytes at PORT. */
void bus_port_write(uint16_t port, unsigned size, uint32_t val);

/* A guest read of SIZE (1, 2, 4 or 8) bytes at GPA, which is not RAM. */
uint64_t bus_mmio_read(uint64_t gpa, unsigned size);

/* A guest write of SIZE (1, 2, 4 or 8) bytes at GPA, which is not RAM. */
void bus_mmio_write(uint64_t gpa, unsigned size, uint64_t val);

/* Does a device claim the byte at GPA?  (The shadow never maps such pages.) */
int bus_mmio_claimed(uint64_t gpa);

#endif
