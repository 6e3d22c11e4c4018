/*
 * uart.c - the console: a 16550 UART on COM1, driven by polling.
 *
 * The PC's first serial port is a National Semiconductor 16550 at I/O ports
 * 0x3F8-0x3FF.  QEMU connects it to the terminal (-serial stdio) and the
 * monitor connects its virtual one to the user's terminal, so whatever the
 * kernel writes here is the output that tests compare.  Output is polled: wait
 * until the transmit holding register is empty, then write the byte.  No
 * interrupts are used, so the console works before the IDT exists and its
 * output does not depend on timing.  (The registers are named in
 * uart16550.h; the OS kernel's interrupt-driven console is console.c.)
 */
#include "kernel.h"
#include "uart16550.h"
#include "x86.h"

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
