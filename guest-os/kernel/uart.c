/*
 * uart.c - the console: a 16550 UART on COM1, driven by polling.
 *
 * The PC's first serial port is a National Semiconductor 16550 at I/O ports
 * 0x3F8-0x3FF.  QEMU connects it to the terminal (-serial stdio) and the
 * monitor connects its virtual one to the user's terminal, so whatever the
 * kernel writes here is the output that tests compare.  Output is polled: wait
 * until the transmit holding register is empty, then write the byte.  No
 * interrupts are used, so the console works before the IDT exists and its
 * output does not depend on timing.
 */
#include "kernel.h"
#include "x86.h"

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

/* Program COM1 for 115200 baud 8N1 with FIFOs on and interrupts off. */
void uart_init(void)
{
    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DLL, UART_DIVISOR_115200 & 0xFF);
    outb(COM1 + UART_DLM, UART_DIVISOR_115200 >> 8);
    outb(COM1 + UART_LCR, LCR_WORDLEN_8);
    outb(COM1 + UART_FCR, FCR_ENABLE | FCR_CLEAR_RX | FCR_CLEAR_TX);
    outb(COM1 + UART_MCR, MCR_DTR | MCR_RTS);
}

/* Send one byte, waiting first until the transmitter can take it.
 * Bytes go out unchanged: '\n' is not expanded to "\r\n". */
void uart_putc(char c)
{
    while ((inb(COM1 + UART_LSR) & LSR_THRE) == 0)
        ;
    outb(COM1 + UART_THR, (uint8_t)c);
}
