/*
 * console.c - the OS kernel's console: COM1 with interrupts, an output
 * queue, and line-edited input.
 *
 * Processes write far more than the UART sends at once, so output is queued:
 * console_write puts bytes in `tx`, a ring, and turns on the UART's
 * "transmitter empty" interrupt (IER.ETBEI).  Each such interrupt moves up to
 * a FIFO's worth (16 bytes) from the ring into the UART; when the ring is
 * empty the interrupt is turned off again.  A writer that finds the ring full
 * sleeps until the interrupt handler has made room.
 *
 * Input arrives by the "received data" interrupt (IER.ERBFI), one byte or a
 * FIFO's worth at a time, into `rx`, a ring with three indices, as in xv6:
 *
 *      r: next byte read() takes     w: end of the complete lines
 *      e: end of the line being edited (echoed, not yet readable)
 *
 *      ... | read | complete lines | edited line | free ... |
 *            r ---------------------> w -----------> e
 *
 * A byte typed is echoed and appended at e; backspace takes one back; a
 * newline (or ^D, or a full ring) moves w up to e and wakes readers.
 *
 * The kernel's own messages (kprintf) do not queue: console_kputc sends
 * everything queued first and then its byte, polling the UART (uart.c), so
 * they appear in order with the processes' output and even while the
 * kernel cannot sleep.  Before power-off the queue is drained the same way.
 */
#include "console.h"

#include "abi.h"
#include "intr.h"
#include "kernel.h"
#include "proc.h"
#include "uart16550.h"
#include "x86.h"

#define TX_RING 2048
#define RX_RING 256
#define CTRL_D 0x04
#define BACKSPACE 0x08
#define DELETE 0x7F

static struct {
    char buf[TX_RING];
    uint32_t head, tail; /* send buf[head % TX_RING] next; append at tail */
    int irq_on;          /* the transmitter-empty interrupt is enabled */
} tx;

static struct {
    char buf[RX_RING];
    uint32_t r, w, e; /* as the opening comment draws */
} rx;

/* Write the interrupt enable register: receive always, transmit if `tx_on`. */
static void set_tx_interrupt(int tx_on)
{
    tx.irq_on = tx_on;
    outb(COM1 + UART_IER, IER_RX | (tx_on ? IER_TX : 0));
}

/* Append `c` to the output ring; return 0 if it is full. */
static int tx_put(char c)
{
    if (tx.tail - tx.head == TX_RING)
        return 0;
    tx.buf[tx.tail++ % TX_RING] = c;
    return 1;
}

/* Make sure queued output is on its way: with the interrupt enabled, the
 * UART raises it as soon as its transmitter is empty. */
static void tx_start(void)
{
    if (!tx.irq_on && tx.head != tx.tail)
        set_tx_interrupt(1);
}

/* The transmitter is empty: refill its FIFO, or stop if nothing is left. */
static void tx_refill(void)
{
    if (tx.head == tx.tail) {
        set_tx_interrupt(0);
        return;
    }
    for (int n = 0; n < UART_FIFO_BYTES && tx.head != tx.tail; n++)
        outb(COM1 + UART_THR, (uint8_t)tx.buf[tx.head++ % TX_RING]);
    proc_wakeup(&tx);
}

/* Send everything queued by polling (interrupts must be off). */
static void tx_drain(void)
{
    while (tx.head != tx.tail)
        uart_putc(tx.buf[tx.head++ % TX_RING]);
}

void console_init(void)
{
    kprintf_set_output(console_kputc);
    outb(COM1 + UART_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
    set_tx_interrupt(0);
    intr_enable(IRQ_COM1);
}

int console_write(const char *buf, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        while (!tx_put(buf[i])) {
            tx_start();
            if (proc_current()->killed)
                return (int)i;
            proc_sleep(&tx);
        }
    }
    tx_start();
    return (int)n;
}

/* Echo typed byte `c` (dropped if the output ring is full). */
static void echo(char c)
{
    tx_put(c);
    tx_start();
}

/* Take in one byte typed at the terminal. */
static void rx_input(char c)
{
    if (c == '\r')
        c = '\n';
    if (c == BACKSPACE || c == DELETE) {
        if (rx.e != rx.w) {
            rx.e--;
            echo('\b'), echo(' '), echo('\b');
        }
        return;
    }
    if (rx.e - rx.r == RX_RING)
        return; /* full: drop it */
    rx.buf[rx.e++ % RX_RING] = c;
    if (c != CTRL_D)
        echo(c);
    if (c == '\n' || c == CTRL_D || rx.e - rx.r == RX_RING) {
        rx.w = rx.e;
        proc_wakeup(&rx.r);
    }
}

int console_read(char *buf, uint32_t n)
{
    while (rx.r == rx.w) {
        if (proc_current()->killed)
            return -EINTR;
        proc_sleep(&rx.r);
    }
    uint32_t got = 0;
    while (got < n && rx.r != rx.w) {
        char c = rx.buf[rx.r % RX_RING];
        if (c == CTRL_D) {
            if (got == 0)
                rx.r++; /* end of input: read returns 0 */
            break;          /* else leave it for the next read */
        }
        rx.r++;
        buf[got++] = c;
        if (c == '\n')
            break;
    }
    return (int)got;
}

void console_intr(void)
{
    for (;;) {
        uint8_t iir = inb(COM1 + UART_IIR);
        if (iir & IIR_NOT_PENDING)
            return;
        switch (iir & IIR_CAUSE_MASK) {
        case IIR_RX_DATA:
        case IIR_RX_TIMEOUT:
            while (inb(COM1 + UART_LSR) & LSR_DR)
                rx_input((char)inb(COM1 + UART_RBR));
            break;
        case IIR_TX_EMPTY:
            tx_refill();
            break;
        case IIR_LINE_STATUS:
            inb(COM1 + UART_LSR); /* reading it clears the cause */
            break;
        default: /* IIR_MODEM_STATUS */
            inb(COM1 + UART_MSR);
            break;
        }
    }
}

void console_kputc(char c)
{
    uint32_t eflags = read_eflags();
    cli();
    tx_drain();
    uart_putc(c);
    if (eflags & EFLAGS_IF)
        sti();
}

void console_poweroff(uint32_t status)
{
    cli();
    tx_drain();
    while (!(inb(COM1 + UART_LSR) & LSR_TEMT))
        ;
    poweroff(status);
}
