/*
 * uart.c - the 16550A UART: the guest's console, interactive both ways.
 *
 * Problem: a guest's serial driver programs the divisor latch and the line
 * format, turns on the FIFOs, and then either polls LSR or sleeps until the
 * UART interrupts: "data received" (the FIFO reached its trigger level),
 * "character timeout" (fewer bytes wait, and none came for four character
 * times), "transmitter empty", line and modem status.  Probing drivers use
 * the scratch register and loopback mode.  The user types on a terminal the
 * monitor reaches only through its own COM1.
 *
 * Approach: the registers of the 16550A datasheet; a 16-byte receive FIFO
 * (one byte deep when FIFOs are off) filled from the backend whenever there
 * is room (on every LSR, IIR and RBR read, and when time passes), so typed
 * bytes wait in the backend instead of overrunning.  Transmission is
 * instant: a byte written to THR goes to the backend at once, so THRE and
 * TEMT always read 1 and the THRE interrupt comes right after each write.
 * The interrupt output is recomputed after every access, from the same
 * priority rules IIR reports.  Time matters only for the character timeout,
 * computed from the divisor and the line format (1.8432 MHz clock / 16).
 * As on QEMU (the reference), MCR.OUT2 does not gate the interrupt line:
 * guests such as xv6 leave OUT2 clear and still get their interrupts.
 */
#include "uart.h"

#include <string.h>

#define NS_PER_SEC        1000000000ull
#define BAUD_BASE         115200u       /* 1.8432 MHz / 16 */
#define TIMEOUT_CHARS     4
#define LSR_ERRORS        (LSR_OVERRUN | LSR_PARITY_ERR | LSR_FRAMING_ERR | LSR_BREAK)
#define MSR_RESET_LINES   (MSR_DCD | MSR_DSR | MSR_CTS)
#define LCR_WORD_BITS(v)  (5u + ((v) & 3u))
#define LCR_TWO_STOP      (1u << 2)
#define LCR_PARITY        (1u << 3)

static const uint8_t trigger_levels[4] = { 1, 4, 8, 14 };

static bool fifos_on(const struct uart *u)
{
	return u->fcr & FCR_FIFO_ENABLE;
}

static unsigned rx_capacity(const struct uart *u)
{
	return fifos_on(u) ? UART_FIFO_SIZE : 1;
}

static unsigned rx_trigger(const struct uart *u)
{
	return fifos_on(u) ? trigger_levels[FCR_TRIGGER(u->fcr)] : 1;
}

/* Nanoseconds one character takes on the line, as LCR and the divisor say. */
static uint64_t char_time_ns(const struct uart *u)
{
	uint64_t bits = 1 + LCR_WORD_BITS(u->lcr) +
			((u->lcr & LCR_PARITY) ? 1 : 0) +
			((u->lcr & LCR_TWO_STOP) ? 2 : 1);
	uint64_t divisor = (uint64_t)u->dlm << 8 | u->dll;

	return bits * (divisor ? divisor : 65536) * NS_PER_SEC / BAUD_BASE;
}

static bool rx_timed_out(const struct uart *u, uint64_t now)
{
	return fifos_on(u) && u->rx_count > 0 &&
	       now - u->rx_activity_ns >= TIMEOUT_CHARS * char_time_ns(u);
}

/* The cause IIR reports now, by priority; IIR_NONE if none. */
static uint8_t interrupt_cause(const struct uart *u, uint64_t now)
{
	if ((u->ier & IER_LINE_STATUS) && (u->lsr & LSR_ERRORS))
		return IIR_LINE_STATUS;
	if ((u->ier & IER_RX_DATA) && u->rx_count >= rx_trigger(u))
		return IIR_RX_DATA;
	if ((u->ier & IER_RX_DATA) && rx_timed_out(u, now))
		return IIR_RX_TIMEOUT;
	if ((u->ier & IER_THR_EMPTY) && u->thr_empty_pending)
		return IIR_THR_EMPTY;
	if ((u->ier & IER_MODEM_STATUS) && (u->msr & MSR_DELTAS))
		return IIR_MODEM_STATUS;
	return IIR_NONE;
}

static void update_irq(struct uart *u, uint64_t now)
{
	irq_line_set(&u->irq, interrupt_cause(u, now) != IIR_NONE);
}

/* A byte arrives at the receiver; with the FIFO full it is an overrun. */
static void rx_push(struct uart *u, uint8_t byte, uint64_t now)
{
	if (u->rx_count == rx_capacity(u)) {
		u->lsr |= LSR_OVERRUN;
		return;
	}
	u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
	u->rx_count++;
	u->rx_activity_ns = now;
}

/* Take typed bytes from the backend while the FIFO has room. */
static void rx_fill(struct uart *u, uint64_t now)
{
	int c;

	if (!u->backend.get || (u->mcr & MCR_LOOPBACK))
		return;
	while (u->rx_count < rx_capacity(u) &&
	       (c = u->backend.get(u->backend.ctx)) >= 0)
		rx_push(u, (uint8_t)c, now);
}

static uint8_t rx_pop(struct uart *u, uint64_t now)
{
	uint8_t byte;

	if (u->rx_count == 0)
		return 0;
	byte = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
	u->rx_count--;
	u->rx_activity_ns = now;
	return byte;
}

static void rx_clear(struct uart *u)
{
	u->rx_head = u->rx_count = 0;
}

/* The modem lines as MCR's loopback, or as the (absent) modem holds them. */
static uint8_t modem_lines(const struct uart *u)
{
	if (!(u->mcr & MCR_LOOPBACK))
		return MSR_RESET_LINES;
	return (uint8_t)(((u->mcr & MCR_RTS) ? MSR_CTS : 0) |
			 ((u->mcr & MCR_DTR) ? MSR_DSR : 0) |
			 ((u->mcr & MCR_OUT1) ? MSR_RI : 0) |
			 ((u->mcr & MCR_OUT2) ? MSR_DCD : 0));
}

/* Lines change: record each change in the delta bits (RI: its falling edge). */
static void update_modem_lines(struct uart *u)
{
	uint8_t old = u->msr & 0xf0, now = modem_lines(u), changed = old ^ now;

	u->msr = (uint8_t)(now | (u->msr & MSR_DELTAS) |
			   ((changed & MSR_CTS) ? 1u : 0) |
			   ((changed & MSR_DSR) ? 2u : 0) |
			   ((changed & MSR_RI) && !(now & MSR_RI) ? MSR_TERI : 0) |
			   ((changed & MSR_DCD) ? 8u : 0));
}

void uart_init(struct uart *u, struct uart_backend backend, struct irq_line irq)
{
	memset(u, 0, sizeof(*u));
	u->backend = backend;
	u->irq = irq;
	u->dll = 12;                    /* 9600 baud */
	u->lsr = LSR_THR_EMPTY | LSR_TX_EMPTY;
	u->msr = MSR_RESET_LINES;
}

static void transmit(struct uart *u, uint8_t byte, uint64_t now)
{
	if (u->mcr & MCR_LOOPBACK)
		rx_push(u, byte, now);
	else if (u->backend.put)
		u->backend.put(u->backend.ctx, byte);
	u->thr_empty_pending = true;    /* sent at once: THR is empty again */
}

static uint8_t read_iir(struct uart *u, uint64_t now)
{
	uint8_t cause = interrupt_cause(u, now);

	if (cause == IIR_THR_EMPTY)
		u->thr_empty_pending = false;
	return (uint8_t)(cause | (fifos_on(u) ? IIR_FIFOS_ON : 0));
}

static uint8_t read_lsr(struct uart *u)
{
	uint8_t v = (uint8_t)(u->lsr | (u->rx_count ? LSR_DATA_READY : 0));

	u->lsr &= (uint8_t)~LSR_ERRORS;
	return v;
}

static uint8_t read_msr(struct uart *u)
{
	uint8_t v = u->msr;

	u->msr &= (uint8_t)~MSR_DELTAS;
	return v;
}

uint8_t uart_read(struct uart *u, unsigned reg, uint64_t now)
{
	bool dlab = u->lcr & LCR_DLAB;
	uint8_t v;

	rx_fill(u, now);
	switch (reg) {
	case UART_RBR: v = dlab ? u->dll : rx_pop(u, now); break;
	case UART_IER: v = dlab ? u->dlm : u->ier; break;
	case UART_IIR: v = read_iir(u, now); break;
	case UART_LCR: v = u->lcr; break;
	case UART_MCR: v = u->mcr; break;
	case UART_LSR: v = read_lsr(u); break;
	case UART_MSR: v = read_msr(u); break;
	default:       v = u->scr; break;
	}
	rx_fill(u, now);
	update_irq(u, now);
	return v;
}

static void write_ier(struct uart *u, uint8_t val)
{
	bool thre_was_enabled = u->ier & IER_THR_EMPTY;

	u->ier = val & 0x0f;
	if (!(u->ier & IER_THR_EMPTY))
		u->thr_empty_pending = false;
	else if (!thre_was_enabled)
		u->thr_empty_pending = true;    /* THR is empty: say so */
}

static void write_fcr(struct uart *u, uint8_t val, uint64_t now)
{
	if ((val ^ u->fcr) & FCR_FIFO_ENABLE)
		rx_clear(u);            /* turning FIFOs on or off empties them */
	if (val & FCR_CLEAR_RX)
		rx_clear(u);
	u->fcr = val & (FCR_FIFO_ENABLE | 0xc0);
	u->rx_activity_ns = now;
}

void uart_write(struct uart *u, unsigned reg, uint8_t val, uint64_t now)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (reg) {
	case UART_THR:
		if (dlab)
			u->dll = val;
		else
			transmit(u, val, now);
		break;
	case UART_IER:
		if (dlab)
			u->dlm = val;
		else
			write_ier(u, val);
		break;
	case UART_FCR: write_fcr(u, val, now); break;
	case UART_LCR: u->lcr = val; break;
	case UART_MCR:
		u->mcr = val & 0x1f;
		update_modem_lines(u);
		break;
	case UART_SCR: u->scr = val; break;
	default: break;                 /* LSR and MSR are read-only */
	}
	rx_fill(u, now);
	update_irq(u, now);
}

void uart_advance(struct uart *u, uint64_t now)
{
	rx_fill(u, now);
	update_irq(u, now);
}

uint64_t uart_next_deadline(const struct uart *u, uint64_t now)
{
	if (!(u->ier & IER_RX_DATA) || !fifos_on(u) || u->rx_count == 0 ||
	    u->rx_count >= rx_trigger(u) || rx_timed_out(u, now))
		return UART_NO_DEADLINE;
	return u->rx_activity_ns + TIMEOUT_CHARS * char_time_ns(u);
}
