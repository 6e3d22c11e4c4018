/*
 * devices.h - the virtual PC's devices, each claiming its ports on the bus.
 */
#ifndef VMM_DEVICES_H
#define VMM_DEVICES_H

void uart_init(void);
void exitport_init(void);

/* Claim every device's ports. */
static inline void devices_init(void)
{
	uart_init();
	exitport_init();
}

#endif
