/*
 * uart.c - the guest's COM1, a 16550 reduced to what a polled console needs.
 *
 * Transmitted bytes go to the real COM1 that QEMU wires to the user's
 * terminal, so the guest's console appears exactly where it would natively.
 * The transmitter is always ready (LSR.THRE and TEMT set), receive is empty,
 * and no interrupts are raised: the full 16550 is the platform issue's work.
 * Registers without an effect here (IER, LCR, MCR, SCR, divisor latch) keep
 * what the guest writes and read it back.
 */
#include "devices.h"

#include <stdint.h>

#include "../core/x86.h"
#include "bus.h"

#define COM1_BASE   0x3f8
#define REG_DATA    0       /* THR/RBR, or DLL with LCR.DLAB */
#define REG_IER     1       /* or DLM with LCR.DLAB */
#define REG_IIR     2       /* read: IIR, write: FCR */
#define REG_LCR     3
#define REG_MCR     4
#define REG_LSR     5
#define REG_MSR     6
#define REG_SCR     7

#define LCR_DLAB    0x80
#define LSR_THRE    0x20    /* transmit holding register empty */
#define LSR_TEMT    0x40    /* transmitter empty */
#define IIR_NO_INT  0x01
#define IIR_FIFO    0xc0    /* FIFOs enabled */
#define FCR_ENABLE  0x01

struct uart {
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
};

static struct uart com1 = { .dll = 12 };

/* Send one byte to the real COM1, waiting until it can take it. */
static void real_com1_put(uint8_t c)
{
	while (!(inb(COM1_BASE + REG_LSR) & LSR_THRE))
		;
	outb(COM1_BASE + REG_DATA, c);
}

static uint32_t uart_read(void *dev, uint16_t port, unsigned size)
{
	struct uart *u = dev;
	int dlab = (u->lcr & LCR_DLAB) != 0;

	(void)size;
	switch (port - COM1_BASE) {
	case REG_DATA: return dlab ? u->dll : 0;
	case REG_IER:  return dlab ? u->dlm : u->ier;
	case REG_IIR:  return IIR_NO_INT | ((u->fcr & FCR_ENABLE) ? IIR_FIFO : 0);
	case REG_LCR:  return u->lcr;
	case REG_MCR:  return u->mcr;
	case REG_LSR:  return LSR_THRE | LSR_TEMT;
	case REG_MSR:  return 0;
	default:       return u->scr;
	}
}

static void uart_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	struct uart *u = dev;
	int dlab = (u->lcr & LCR_DLAB) != 0;
	uint8_t b = (uint8_t)val;

	(void)size;
	switch (port - COM1_BASE) {
	case REG_DATA:
		if (dlab)
			u->dll = b;
		else
			real_com1_put(b);
		break;
	case REG_IER:
		if (dlab)
			u->dlm = b;
		else
			u->ier = b & 0x0f;
		break;
	case REG_IIR: u->fcr = b; break;
	case REG_LCR: u->lcr = b; break;
	case REG_MCR: u->mcr = b & 0x1f; break;
	case REG_SCR: u->scr = b; break;
	default: break;                 /* LSR and MSR are read-only */
	}
}

void uart_init(void)
{
	static const struct port_device d = {
		.name = "uart-com1", .first = COM1_BASE,
		.last = COM1_BASE + REG_SCR, .read = uart_read,
		.write = uart_write, .dev = &com1,
	};

	bus_claim_ports(&d);
}
