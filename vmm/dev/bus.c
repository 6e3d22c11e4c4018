/*
 * bus.c - port dispatch by a short table, searched in claim order.
 */
#include "bus.h"

#include <stddef.h>

#include "../core/log.h"

#define MAX_PORT_DEVICES 32

static struct port_device devices[MAX_PORT_DEVICES];
static unsigned ndevices;

void bus_claim_ports(const struct port_device *d)
{
	if (ndevices == MAX_PORT_DEVICES)
		panic("too many port devices (%s)", d->name);
	devices[ndevices++] = *d;
}

static const struct port_device *find(uint16_t port)
{
	for (unsigned i = 0; i < ndevices; i++)
		if (port >= devices[i].first && port <= devices[i].last)
			return &devices[i];
	return NULL;
}

static uint32_t size_mask(unsigned size)
{
	return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

uint32_t bus_port_read(uint16_t port, unsigned size)
{
	const struct port_device *d = find(port);

	if (!d || !d->read)
		return size_mask(size);
	return d->read(d->dev, port, size) & size_mask(size);
}

void bus_port_write(uint16_t port, unsigned size, uint32_t val)
{
	const struct port_device *d = find(port);

	if (d && d->write)
		d->write(d->dev, port, size, val & size_mask(size));
}
