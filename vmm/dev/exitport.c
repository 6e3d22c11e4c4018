/*
 * exitport.c - the guest powers off: QEMU's isa-debug-exit convention.
 *
 * A guest writes V to I/O port 0xf4; natively QEMU then exits with status
 * (V << 1) | 1.  Under the monitor the same write ends the run the same way,
 * after the monitor has written its exit report: the monitor passes the
 * value on to the real exit port of the machine it runs on.
 */
#include "devices.h"

#include "../core/report.h"
#include "bus.h"

#define EXIT_PORT 0xf4

static void exit_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	(void)dev;
	(void)port;
	(void)size;
	report_poweroff(val);
}

void exitport_init(void)
{
	static const struct port_device d = {
		.name = "exit-port", .first = EXIT_PORT, .last = EXIT_PORT + 3,
		.write = exit_write,
	};

	bus_claim_ports(&d);
}
