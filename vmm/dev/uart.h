/*
 * uart.h - a 16550A UART (the guest's COM1 at 0x3f8, IRQ 4).
 *
 *   offset  read                      write
 *     0     RBR receive buffer        THR transmit holding   (DLAB=1: DLL)
 *     1     IER interrupt enable      IER                    (DLAB=1: DLM)
 *     2     IIR interrupt ident.      FCR FIFO control
 *     3     LCR line control          LCR
 *     4     MCR modem control         MCR
 *     5     LSR line status           -
 *     6     MSR modem status          -
 *     7     SCR scratch               SCR
 *
 * The bytes travel through a backend: PUT takes each byte the guest
 * transmits, GET gives the next byte typed for the guest (or -1 for none).
 * The UART asks GET only when its receive FIFO has room, so input waits in
 * the backend, never overruns.
 */
#ifndef VMM_DEV_UART_H
#define VMM_DEV_UART_H

#include <stdbool.h>
#include <stdint.h>

#include "irq.h"

#define COM1_BASE        0x3f8
#define COM1_IRQ         4
#define UART_FIFO_SIZE   16
#define UART_NO_DEADLINE UINT64_MAX

/* Register offsets. */
#define UART_RBR 0
#define UART_THR 0
#define UART_DLL 0
#define UART_IER 1
#define UART_DLM 1
#define UART_IIR 2
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

/*
 *  IER  3: modem status  2: line status  1: THR empty  0: data received
 *  IIR  7-6: FIFOs on (11)  3-1: cause  0: 1 = nothing pending
 *       cause 011 line status, 010 data, 110 timeout, 001 THR empty, 000 modem
 *  FCR  7-6: RX trigger (1,4,8,14)  2: clear TX  1: clear RX  0: FIFOs on
 *  LCR  7: DLAB  6: break  5-3: parity  2: stop bits  1-0: word length - 5
 *  MCR  4: loopback  3: OUT2  2: OUT1  1: RTS  0: DTR
 *  LSR  7: RX FIFO error  6: TEMT  5: THRE  4: BI  3: FE  2: PE  1: OE  0: DR
 *  MSR  7: DCD  6: RI  5: DSR  4: CTS  3: dDCD  2: TERI  1: dDSR  0: dCTS
 */
#define IER_RX_DATA      (1u << 0)
#define IER_THR_EMPTY    (1u << 1)
#define IER_LINE_STATUS  (1u << 2)
#define IER_MODEM_STATUS (1u << 3)
#define IIR_NONE         0x01u
#define IIR_LINE_STATUS  0x06u
#define IIR_RX_DATA      0x04u
#define IIR_RX_TIMEOUT   0x0cu
#define IIR_THR_EMPTY    0x02u
#define IIR_MODEM_STATUS 0x00u
#define IIR_FIFOS_ON     0xc0u
#define FCR_FIFO_ENABLE  (1u << 0)
#define FCR_CLEAR_RX     (1u << 1)
#define FCR_CLEAR_TX     (1u << 2)
#define FCR_TRIGGER(v)   (((v) >> 6) & 3u)
#define LCR_DLAB         (1u << 7)
#define MCR_DTR          (1u << 0)
#define MCR_RTS          (1u << 1)
#define MCR_OUT1         (1u << 2)
#define MCR_OUT2         (1u << 3)
#define MCR_LOOPBACK     (1u << 4)
#define LSR_DATA_READY   (1u << 0)
#define LSR_OVERRUN      (1u << 1)
#define LSR_PARITY_ERR   (1u << 2)
#define LSR_FRAMING_ERR  (1u << 3)
#define LSR_BREAK        (1u << 4)
#define LSR_THR_EMPTY    (1u << 5)
#define LSR_TX_EMPTY     (1u << 6)
#define MSR_DELTAS       0x0fu
#define MSR_TERI         (1u << 2)
#define MSR_CTS          (1u << 4)
#define MSR_DSR          (1u << 5)
#define MSR_RI           (1u << 6)
#define MSR_DCD          (1u << 7)

struct uart_backend {
	void (*put)(void *ctx, uint8_t byte);
	int (*get)(void *ctx);          /* next input byte, or -1 */
	void *ctx;
};

struct uart {
	uint8_t ier, lcr, mcr, lsr, msr, scr, fcr, dll, dlm;
	uint8_t rx[UART_FIFO_SIZE];
	unsigned rx_head, rx_count;
	bool thr_empty_pending;         /* the THRE interrupt, until IIR read or THR write */
	uint64_t rx_activity_ns;        /* last byte in or out of the RX FIFO */
	struct uart_backend backend;
	struct irq_line irq;
};

/* Power-on state (QEMU's): divisor 12, FIFOs off, modem lines CTS DSR DCD. */
void uart_init(struct uart *u, struct uart_backend backend, struct irq_line irq);

/* A guest read of register REG (0-7) at time NOW. */
uint8_t uart_read(struct uart *u, unsigned reg, uint64_t now);

/* A guest write of VAL to register REG at time NOW. */
void uart_write(struct uart *u, unsigned reg, uint8_t val, uint64_t now);

/* Let time pass until NOW: take input from the backend, time out the FIFO. */
void uart_advance(struct uart *u, uint64_t now);

/* When the receive FIFO's character timeout would fire, or UART_NO_DEADLINE. */
uint64_t uart_next_deadline(const struct uart *u, uint64_t now);

#endif
