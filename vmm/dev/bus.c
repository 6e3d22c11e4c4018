/*
 * bus.c - port and MMIO dispatch by two short tables, searched in claim order.
 *
 * The tables are small (a PC has a dozen devices) and searched linearly:
 * the cost of an exit dwarfs the search, and claim order gives a simple,
 * deterministic rule when two ranges overlap: the earlier claim wins.
 */
#include "bus.h"

#include <stddef.h>

#include "../core/log.h"

#define MAX_PORT_DEVICES 32
#define MAX_MMIO_DEVICES 8

static struct port_device port_devices[MAX_PORT_DEVICES];
static unsigned nport_devices;
static struct mmio_device mmio_devices[MAX_MMIO_DEVICES];
static unsigned nmmio_devices;

void bus_claim_ports(const struct port_device *d)
{
	if (nport_devices == MAX_PORT_DEVICES)
		panic("too many port devices (%s)", d->name);
	port_devices[nport_devices++] = *d;
}

void bus_claim_mmio(const struct mmio_device *d)
{
	if (nmmio_devices == MAX_MMIO_DEVICES)
		panic("too many MMIO devices (%s)", d->name);
	mmio_devices[nmmio_devices++] = *d;
}

void bus_reset(void)
{
	nport_devices = 0;
	nmmio_devices = 0;
}

static const struct port_device *find_port(uint16_t port)
{
	for (unsigned i = 0; i < nport_devices; i++)
		if (port >= port_devices[i].first && port <= port_devices[i].last)
			return &port_devices[i];
	return NULL;
}

static uint32_t size_mask(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

/* Does device D take an access of SIZE bytes whole? */
static int takes_whole(const struct port_device *d, unsigned size)
{
	return d->max_size == 0 || size <= d->max_size;
}

uint32_t bus_port_read(uint16_t port, unsigned size)
{
	const struct port_device *d = find_port(port);
	uint32_t val = 0;

	if (!d || !d->read)
		return size_mask(size);
	if (takes_whole(d, size))
		return d->read(d->dev, port, size) & size_mask(size);
	for (unsigned i = 0; i < size; i += d->max_size)
		val |= bus_port_read((uint16_t)(port + i), d->max_size) << (i * 8);
	return val & size_mask(size);
}

void bus_port_write(uint16_t port, unsigned size, uint32_t val)
{
	const struct port_device *d = find_port(port);

	if (!d || !d->write)
		return;
	if (takes_whole(d, size)) {
		d->write(d->dev, port, size, val & size_mask(size));
		return;
	}
	for (unsigned i = 0; i < size; i += d->max_size)
		bus_port_write((uint16_t)(port + i), d->max_size,
			       (val >> (i * 8)) & size_mask(d->max_size));
}

/* The device whose range holds all of [GPA, GPA+SIZE), or NULL. */
static const struct mmio_device *find_mmio(uint64_t gpa, unsigned size)
{
	for (unsigned i = 0; i < nmmio_devices; i++) {
		const struct mmio_device *d = &mmio_devices[i];

		if (gpa >= d->base && gpa - d->base < d->size &&
		    size <= d->size - (gpa - d->base))
			return d;
	}
	return NULL;
}

int bus_mmio_claimed(uint64_t gpa)
{
	return find_mmio(gpa, 1) != NULL;
}

static uint64_t size_mask64(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

uint64_t bus_mmio_read(uint64_t gpa, unsigned size)
{
	const struct mmio_device *d = find_mmio(gpa, size);
	uint64_t val = 0;

	if (d)
		return d->read ? d->read(d->dev, gpa - d->base, size) &
					 size_mask64(size) : 0;
	if (size == 1)
		return 0;                       /* unassigned: reads as zero */
	for (unsigned i = 0; i < size; i++)
		val |= bus_mmio_read(gpa + i, 1) << (i * 8);
	return val;
}

void bus_mmio_write(uint64_t gpa, unsigned size, uint64_t val)
{
	const struct mmio_device *d = find_mmio(gpa, size);

	if (d) {
		if (d->write)
			d->write(d->dev, gpa - d->base, size,
				 val & size_mask64(size));
		return;
	}
	if (size == 1)
		return;                         /* unassigned: dropped */
	for (unsigned i = 0; i < size; i++)
		bus_mmio_write(gpa + i, 1, (val >> (i * 8)) & 0xff);
}
