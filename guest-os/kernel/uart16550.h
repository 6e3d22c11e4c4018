/*
 * uart16550.h - the registers of the PC's serial port, a 16550 UART.
 *
 * uart.c drives it by polling (every kernel here), console.c by interrupts
 * (the OS kernel); both name its registers and bits from here.  The layout
 * is the National Semiconductor PC16550D data sheet's.
 */
#ifndef GUEST_UART16550_H
#define GUEST_UART16550_H

#define COM1 0x3F8

/*
 * The registers, as offsets from the base port.  Offsets 0 and 1 mean the
 * divisor latch instead while LCR.DLAB is set.
 *
 *   +0  THR  transmit holding (write)      DLL  divisor low byte  (DLAB=1)
 *   +1  IER  interrupt enable               DLM  divisor high byte (DLAB=1)
 *   +2  FCR  FIFO control (write)
 *   +3  LCR  line control
 *   +4  MCR  modem control
 *   +5  LSR  line status
 */
#define UART_THR 0
#define UART_DLL 0
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5

/*
 * LCR, line control:
 *
 *     7      6      5   4   3     2      1   0
 *  +------+-------+-----------+------+---------+
 *  | DLAB | break |  parity   | stop | wordlen |
 *  +------+-------+-----------+------+---------+
 *  wordlen 3 = 8 data bits; parity 0 = none; stop 0 = one stop bit: "8N1".
 */
#define LCR_WORDLEN_8 0x03u
#define LCR_DLAB (1u << 7)

/* FCR, FIFO control: enable the FIFOs and empty both of them. */
#define FCR_ENABLE (1u << 0)
#define FCR_CLEAR_RX (1u << 1)
#define FCR_CLEAR_TX (1u << 2)

/* MCR, modem control: tell the other end we are here and ready. */
#define MCR_DTR (1u << 0)
#define MCR_RTS (1u << 1)

/* LSR, line status: bit 5 says the transmit holding register is empty. */
#define LSR_THRE (1u << 5)

/* The divisor of the 115200 Hz UART clock: 1 gives 115200 baud. */
#define UART_DIVISOR_115200 1

/* MCR bit 3, OUT2: on a PC it gates the UART's interrupt line to the PIC. */
#define MCR_OUT2 (1u << 3)

/*
 * IER, interrupt enable:
 *
 *     7   6   5   4     3       2       1       0
 *  +---+---+---+---+-------+-------+-------+-------+
 *  | 0 | 0 | 0 | 0 | EDSSI | ELSI  | ETBEI | ERBFI |
 *  +---+---+---+---+-------+-------+-------+-------+
 *  ERBFI: received data available   ETBEI: transmit holding register empty
 *  ELSI: line status                EDSSI: modem status
 */
#define IER_RX (1u << 0)
#define IER_TX (1u << 1)

/*
 * IIR, interrupt identification (read at offset 2):
 *
 *     7   6    5   4     3       2   1       0
 *  +-------+---+---+-------+-----------+---------+
 *  | FIFOs | 0 | 0 |timeout|   cause   | NOTPEND |
 *  +-------+---+---+-------+-----------+---------+
 *  NOTPEND = 1: no interrupt pending.  Bits 3:1, highest priority first:
 *  011 line status, 010 data available, 110 character timeout (data),
 *  001 transmitter empty, 000 modem status.
 */
#define UART_IIR 2
#define IIR_NOT_PENDING (1u << 0)
#define IIR_CAUSE_MASK 0x0Eu
#define IIR_LINE_STATUS 0x06u
#define IIR_RX_DATA 0x04u
#define IIR_RX_TIMEOUT 0x0Cu
#define IIR_TX_EMPTY 0x02u
#define IIR_MODEM_STATUS 0x00u

#define UART_RBR 0 /* receive buffer (read) */
#define UART_MSR 6 /* modem status */

/* LSR: bit 0, data ready; bit 6, transmitter (FIFO and shifter) empty. */
#define LSR_DR (1u << 0)
#define LSR_TEMT (1u << 6)

#define UART_FIFO_BYTES 16 /* the transmit FIFO takes this many at once */
#define IRQ_COM1 4

#endif /* GUEST_UART16550_H */
