/*
 * bus.h - the I/O port bus: every guest `in`/`out` lands here.
 *
 * Devices claim port ranges at start-up.  An unclaimed port reads as all ones
 * and ignores writes, as on QEMU's PC.
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
};

void bus_claim_ports(const struct port_device *d);

/* A guest read of SIZE (1, 2 or 4) bytes at PORT. */
uint32_t bus_port_read(uint16_t port, unsigned size);

/* A guest write of SIZE (1, 2 or 4) bytes at PORT. */
void bus_port_write(uint16_t port, unsigned size, uint32_t val);

#endif
