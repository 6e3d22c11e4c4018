/*
 * devices_uart.c - the 16550A on COM1: registers, loopback, and its
 * receive, transmitter-empty and character-timeout interrupts.
 *
 * The problem: COM1 is also this guest's console, and the monitor's model
 * (vmm/dev/uart.c) is what carries both the output these tests compare and
 * the user's typing.  A serial driver probes it through the scratch
 * register and loopback mode, programs the divisor, the FIFO trigger level
 * and IER, and then lives on interrupts: "data available" at the trigger
 * level, "character timeout" when fewer bytes wait and the line has gone
 * quiet for four character times, "transmitter empty" after each write,
 * reported in priority order by IIR.
 *
 * The approach: print the registers as the BIOS and uart_init() left them;
 * then, in loopback (where written bytes come back and the modem outputs
 * show up as the modem inputs), send bytes and read them back, and let the
 * interrupts in with a handler that logs every IIR it reads until "none
 * pending".  Nothing is printed while loopback or an interrupt enable is
 * on: the results wait in variables.  The line runs at 1200 baud meanwhile,
 * so the four-character timeout (33 ms) is long enough to read IIR before
 * it and short enough to wait for.
 */
#include "devices.h"

#include "uart16550.h"
#include "x86.h"

#define UART_SCR 7
#define MCR_OUT1 (1u << 2)
#define MCR_LOOPBACK (1u << 4)
#define FCR_TRIGGER_4 (1u << 6)
#define DIVISOR_1200 96
#define IRQ_UART 4
#define UART_VECTOR DEV_PIC_VECTOR(IRQ_UART)
#define FIFO_RESET (FCR_ENABLE | FCR_CLEAR_RX | FCR_CLEAR_TX)

static void set_divisor(uint16_t d)
{
    uint8_t lcr = inb(COM1 + UART_LCR);

    outb(COM1 + UART_LCR, lcr | LCR_DLAB);
    outb(COM1 + UART_DLL, (uint8_t)d);
    outb(COM1 + UART_DLM, (uint8_t)(d >> 8));
    outb(COM1 + UART_LCR, lcr);
}

/* Wait until everything written has left the transmitter. */
static void drain_tx(void)
{
    while ((inb(COM1 + UART_LSR) & (LSR_THRE | LSR_TEMT)) != (LSR_THRE | LSR_TEMT))
        ;
}

/* IRQ 4 up (the transmitter-empty interrupt enabled, with THR empty) or
 * down (all interrupts disabled). */
void uart_thre_source(int on)
{
    if (on) {
        drain_tx();
        outb(COM1 + UART_IER, IER_TX);
    } else {
        outb(COM1 + UART_IER, 0);
        (void)inb(COM1 + UART_IIR);
    }
}

/* ---- the handler: every IIR it read, and every byte ---------------------- */

#define LOG_MAX 16
static uint8_t iir_log[LOG_MAX], rx_log[LOG_MAX];
static unsigned n_iir, n_rx;

static void uart_hook(uint32_t vector)
{
    uint8_t iir;

    (void)vector;
    do {
        iir = inb(COM1 + UART_IIR);
        if (n_iir < LOG_MAX)
            iir_log[n_iir++] = iir;
        if ((iir & IIR_CAUSE_MASK) == IIR_RX_DATA ||
            (iir & IIR_CAUSE_MASK) == IIR_RX_TIMEOUT)
            while (inb(COM1 + UART_LSR) & LSR_DR)
                if (n_rx < LOG_MAX)
                    rx_log[n_rx++] = inb(COM1 + UART_RBR);
    } while (!(iir & IIR_NOT_PENDING) && n_iir < LOG_MAX);
    outb(0x20, 0x20);
}

/* The results of one loopback experiment, printed once it is over. */
struct step {
    const char *name;
    uint32_t interrupts;
    uint8_t iir_before;
    uint8_t iir[LOG_MAX], rx[LOG_MAX];
    unsigned n_iir, n_rx;
};

static void step_begin(struct step *s, const char *name)
{
    s->name = name;
    n_iir = n_rx = 0;
    dev_irq_count[UART_VECTOR] = 0;
    s->iir_before = inb(COM1 + UART_IIR);
}

static void step_end(struct step *s)
{
    s->interrupts = dev_irq_count[UART_VECTOR];
    s->n_iir = n_iir;
    s->n_rx = n_rx;
    for (unsigned i = 0; i < n_iir; i++)
        s->iir[i] = iir_log[i];
    for (unsigned i = 0; i < n_rx; i++)
        s->rx[i] = rx_log[i];
}

static void step_print(const struct step *s)
{
    kprintf("uart: %s: iir before 0x%02x, %u interrupts, iir", s->name,
            s->iir_before, s->interrupts);
    for (unsigned i = 0; i < s->n_iir; i++)
        kprintf(" 0x%02x", s->iir[i]);
    kprintf(", received \"");
    for (unsigned i = 0; i < s->n_rx; i++)
        kprintf("%c", s->rx[i]);
    kprintf("\"\n");
}

/* ---- the experiments ----------------------------------------------------- */

static void registers(void)
{
    uint8_t dll, dlm, lcr;

    kprintf("uart: bios ier 0x%02x iir 0x%02x lcr 0x%02x mcr 0x%02x\n",
            dev_boot.uart_ier, dev_boot.uart_iir, dev_boot.uart_lcr,
            dev_boot.uart_mcr);
    drain_tx();
    kprintf("uart: ier 0x%02x iir 0x%02x lcr 0x%02x mcr 0x%02x lsr 0x%02x "
            "msr 0x%02x\n", inb(COM1 + UART_IER), inb(COM1 + UART_IIR),
            inb(COM1 + UART_LCR), inb(COM1 + UART_MCR), inb(COM1 + UART_LSR),
            inb(COM1 + UART_MSR));
    outb(COM1 + UART_SCR, 0x5a);
    kprintf("uart: scratch 0x5a reads 0x%02x\n", inb(COM1 + UART_SCR));
    drain_tx();
    outb(COM1 + UART_LCR, LCR_WORDLEN_8 | LCR_DLAB);
    lcr = inb(COM1 + UART_LCR);
    dll = inb(COM1 + UART_DLL);
    dlm = inb(COM1 + UART_DLM);
    outb(COM1 + UART_LCR, LCR_WORDLEN_8);
    kprintf("uart: with dlab lcr 0x%02x, divisor 0x%02x%02x\n", lcr, dlm, dll);
}

/* In loopback, the modem outputs come back as inputs: DTR as DSR, RTS as
 * CTS, OUT1 as RI, OUT2 as DCD.  (A 16550 also sets the delta bits of the
 * lines that changed; QEMU's does not in loopback, the monitor's does: only
 * the lines are compared.) */
static void loopback_modem(uint8_t msr[4])
{
    outb(COM1 + UART_MCR, MCR_LOOPBACK | MCR_DTR | MCR_RTS | MCR_OUT1 | MCR_OUT2);
    msr[0] = inb(COM1 + UART_MSR);
    msr[1] = inb(COM1 + UART_MSR);
    outb(COM1 + UART_MCR, MCR_LOOPBACK | MCR_RTS);
    msr[2] = inb(COM1 + UART_MSR);
    msr[3] = inb(COM1 + UART_MSR);
}

/* Bytes written come back, in order; LSR shows them waiting. */
static void loopback_bytes(uint8_t lsr[2], uint8_t got[4])
{
    outb(COM1 + UART_THR, 'A');
    outb(COM1 + UART_THR, 'B');
    outb(COM1 + UART_THR, 'C');
    lsr[0] = inb(COM1 + UART_LSR);
    for (int i = 0; i < 3; i++)
        got[i] = inb(COM1 + UART_RBR);
    got[3] = 0;
    lsr[1] = inb(COM1 + UART_LSR);
}

/* The interrupts, one experiment each, in loopback at 1200 baud. */
static void loopback_interrupts(struct step s[5])
{
    dev_set_hook(UART_VECTOR, uart_hook);
    pic_set_masks((uint16_t)~(1u << IRQ_UART));
    dev_let_interrupts_in();        /* a request latched while masked */

    step_begin(&s[0], "rx, trigger 1");
    outb(COM1 + UART_IER, IER_RX);
    outb(COM1 + UART_THR, 'x');
    dev_let_interrupts_in();
    step_end(&s[0]);

    step_begin(&s[1], "thre enabled");
    outb(COM1 + UART_IER, IER_TX);
    dev_let_interrupts_in();
    step_end(&s[1]);

    step_begin(&s[2], "rx and thre, one byte");
    outb(COM1 + UART_IER, IER_RX | IER_TX);
    outb(COM1 + UART_THR, 'y');
    dev_let_interrupts_in();
    step_end(&s[2]);

    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_FCR, FIFO_RESET | FCR_TRIGGER_4);
    step_begin(&s[3], "trigger 4, one byte, at once");
    outb(COM1 + UART_IER, IER_RX);
    outb(COM1 + UART_THR, 'z');
    s[3].iir_before = inb(COM1 + UART_IIR);
    step_end(&s[3]);
    step_begin(&s[4], "then 50 ms later (timeout)");
    sti();
    delay_ms(50);
    cli();
    step_end(&s[4]);

    outb(COM1 + UART_IER, 0);
    pic_set_masks(0xffff);
    dev_set_hook(UART_VECTOR, 0);
}

static void loopback(void)
{
    uint8_t msr[4], lsr[2], got[4];
    struct step s[5];

    drain_tx();
    set_divisor(DIVISOR_1200);
    outb(COM1 + UART_FCR, FIFO_RESET);
    loopback_modem(msr);
    loopback_bytes(lsr, got);
    loopback_interrupts(s);
    outb(COM1 + UART_FCR, FIFO_RESET);
    outb(COM1 + UART_MCR, MCR_DTR | MCR_RTS);
    set_divisor(UART_DIVISOR_115200);
    kprintf("uart: loopback, all modem outputs: msr lines 0x%02x then 0x%02x; "
            "rts only: 0x%02x then 0x%02x\n", msr[0] & 0xf0, msr[1],
            msr[2] & 0xf0, msr[3]);
    kprintf("uart: loopback \"ABC\" read back \"%c%c%c\", lsr 0x%02x then "
            "0x%02x\n", got[0], got[1], got[2], lsr[0], lsr[1]);
    for (int i = 0; i < 5; i++)
        step_print(&s[i]);
}

static void thre_hook(uint32_t vector)
{
    (void)vector;
    uart_thre_source(0);
    outb(0x20, 0x20);
}

/* OUT2 clear: QEMU's PC does not gate the line with it (the PIC sees it).
 * A request latched earlier, while IRQ 4 was masked, is taken first. */
static void out2_not_gating(void)
{
    uint32_t n;

    dev_set_hook(UART_VECTOR, thre_hook);
    outb(COM1 + UART_MCR, MCR_DTR | MCR_RTS);
    pic_set_masks((uint16_t)~(1u << IRQ_UART));
    dev_let_interrupts_in();
    dev_irq_count[UART_VECTOR] = 0;
    uart_thre_source(1);
    dev_let_interrupts_in();
    n = dev_irq_count[UART_VECTOR];
    pic_set_masks(0xffff);
    dev_set_hook(UART_VECTOR, 0);
    kprintf("uart: thre interrupt with out2 clear: %u interrupts\n", n);
}

void uart_section(void)
{
    cli();
    registers();
    loopback();
    out2_not_gating();
    dev_irq_reset();
}
