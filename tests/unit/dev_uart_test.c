/*
 * dev_uart_test.c - the 16550A: registers, divisor latch, FIFO, interrupts,
 * loopback, and the console backend both ways.
 *
 * The backend is a test terminal: what the guest transmits lands in `out`,
 * what the user "types" waits in `in` until the UART takes it.
 */
#include <CUnit/Basic.h>
#include <string.h>

#include "../../vmm/dev/uart.h"

static struct uart u;
static char out[64];
static unsigned nout;
static const char *in;
static bool irq;

static void put(void *ctx, uint8_t byte)
{
	(void)ctx;
	if (nout < sizeof(out) - 1)
		out[nout++] = (char)byte;
}

static int get(void *ctx)
{
	(void)ctx;
	return in && *in ? (uint8_t)*in++ : -1;
}

static void probe(void *ctx, unsigned line, bool level)
{
	(void)ctx;
	(void)line;
	irq = level;
}

static void setup(void)
{
	memset(out, 0, sizeof(out));
	nout = 0;
	in = NULL;
	irq = false;
	uart_init(&u, (struct uart_backend){ .put = put, .get = get },
		  (struct irq_line){ .set = probe, .line = COM1_IRQ });
}

static uint8_t rd(unsigned reg)
{
	return uart_read(&u, reg, 0);
}

static void wr(unsigned reg, uint8_t val)
{
	uart_write(&u, reg, val, 0);
}

/* 115200 baud, 8N1: one character is 10 bits = 86805 ns. */
static void line_115200_8n1(void)
{
	wr(UART_LCR, LCR_DLAB);
	wr(UART_DLL, 1);
	wr(UART_DLM, 0);
	wr(UART_LCR, 0x03);
}

static void test_reset_registers_are_qemus(void)
{
	setup();
	CU_ASSERT_EQUAL(rd(UART_IER), 0);
	CU_ASSERT_EQUAL(rd(UART_IIR), IIR_NONE);
	CU_ASSERT_EQUAL(rd(UART_LCR), 0);
	CU_ASSERT_EQUAL(rd(UART_MCR), 0);
	CU_ASSERT_EQUAL(rd(UART_LSR), 0x60);
	CU_ASSERT_EQUAL(rd(UART_MSR), 0xb0);
	wr(UART_LCR, LCR_DLAB);
	CU_ASSERT_EQUAL(rd(UART_DLL), 12);
	CU_ASSERT_EQUAL(rd(UART_DLM), 0);
}

static void test_transmitted_bytes_reach_the_terminal_at_once(void)
{
	setup();
	wr(UART_THR, 'h');
	wr(UART_THR, 'i');
	CU_ASSERT_STRING_EQUAL(out, "hi");
	CU_ASSERT_EQUAL(rd(UART_LSR) & (LSR_THR_EMPTY | LSR_TX_EMPTY),
			LSR_THR_EMPTY | LSR_TX_EMPTY);
}

static void test_divisor_latch_hides_behind_dlab(void)
{
	setup();
	wr(UART_LCR, LCR_DLAB | 0x03);
	wr(UART_DLL, 0x01);
	wr(UART_DLM, 0x02);
	CU_ASSERT_EQUAL(nout, 0);                       /* not transmitted */
	wr(UART_LCR, 0x03);
	wr(UART_IER, 0x05);
	wr(UART_LCR, LCR_DLAB);
	CU_ASSERT_EQUAL(rd(UART_DLL), 0x01);
	CU_ASSERT_EQUAL(rd(UART_DLM), 0x02);
	wr(UART_LCR, 0);
	CU_ASSERT_EQUAL(rd(UART_IER), 0x05);
}

static void test_typed_bytes_arrive_in_order_through_rbr(void)
{
	setup();
	in = "ls";
	CU_ASSERT_EQUAL(rd(UART_LSR) & LSR_DATA_READY, LSR_DATA_READY);
	CU_ASSERT_EQUAL(rd(UART_RBR), 'l');
	CU_ASSERT_EQUAL(rd(UART_RBR), 's');
	CU_ASSERT_EQUAL(rd(UART_LSR) & LSR_DATA_READY, 0);
}

static void test_input_waits_in_the_backend_while_the_fifo_is_full(void)
{
	setup();
	wr(UART_FCR, FCR_FIFO_ENABLE);
	in = "0123456789abcdefXYZ";
	uart_advance(&u, 0);
	CU_ASSERT_STRING_EQUAL(in, "XYZ");              /* 16 taken, no overrun */
	CU_ASSERT_EQUAL(rd(UART_LSR) & LSR_OVERRUN, 0);
	for (int i = 0; i < 17; i++)
		rd(UART_RBR);
	CU_ASSERT_STRING_EQUAL(in, "");
}

static void test_received_data_interrupt_follows_ier_and_rbr(void)
{
	setup();
	wr(UART_IER, IER_RX_DATA);
	CU_ASSERT_FALSE(irq);
	in = "x";
	uart_advance(&u, 0);
	CU_ASSERT_TRUE(irq);
	CU_ASSERT_EQUAL(rd(UART_IIR), IIR_RX_DATA);
	CU_ASSERT_EQUAL(rd(UART_RBR), 'x');
	CU_ASSERT_FALSE(irq);
	CU_ASSERT_EQUAL(rd(UART_IIR), IIR_NONE);
}

static void test_fifo_interrupts_at_the_trigger_level(void)
{
	setup();
	wr(UART_FCR, FCR_FIFO_ENABLE | 0x40);           /* trigger at 4 bytes */
	wr(UART_IER, IER_RX_DATA);
	in = "abc";
	uart_advance(&u, 0);
	CU_ASSERT_FALSE(irq);
	in = "abcd";
	rd(UART_RBR);
	rd(UART_RBR);
	rd(UART_RBR);
	uart_advance(&u, 0);
	CU_ASSERT_TRUE(irq);
	CU_ASSERT_EQUAL(rd(UART_IIR), IIR_FIFOS_ON | IIR_RX_DATA);
}

static void test_few_bytes_time_out_after_four_character_times(void)
{
	setup();
	line_115200_8n1();
	wr(UART_FCR, FCR_FIFO_ENABLE | 0x80);           /* trigger at 8 */
	wr(UART_IER, IER_RX_DATA);
	in = "ab";
	uart_advance(&u, 1000);
	CU_ASSERT_FALSE(irq);
	CU_ASSERT_EQUAL(uart_next_deadline(&u, 1000), 1000 + 4 * 86805);
	uart_advance(&u, 1000 + 4 * 86805 - 1);
	CU_ASSERT_FALSE(irq);
	uart_advance(&u, 1000 + 4 * 86805);
	CU_ASSERT_TRUE(irq);
	CU_ASSERT_EQUAL(uart_read(&u, UART_IIR, 1000 + 4 * 86805),
			IIR_FIFOS_ON | IIR_RX_TIMEOUT);
	CU_ASSERT_EQUAL(uart_next_deadline(&u, 1000 + 4 * 86805), UART_NO_DEADLINE);
}

static void test_thr_empty_interrupt_comes_on_enable_and_after_each_byte(void)
{
	setup();
	wr(UART_IER, IER_THR_EMPTY);
	CU_ASSERT_TRUE(irq);
	CU_ASSERT_EQUAL(rd(UART_IIR), IIR_THR_EMPTY);   /* reading IIR clears it */
	CU_ASSERT_FALSE(irq);
	CU_ASSERT_EQUAL(rd(UART_IIR), IIR_NONE);
	wr(UART_THR, '!');
	CU_ASSERT_TRUE(irq);
	wr(UART_IER, 0);
	CU_ASSERT_FALSE(irq);
}

static void test_received_data_outranks_thr_empty(void)
{
	setup();
	wr(UART_IER, IER_RX_DATA | IER_THR_EMPTY);
	in = "k";
	CU_ASSERT_EQUAL(rd(UART_IIR), IIR_RX_DATA);
	rd(UART_RBR);
	CU_ASSERT_EQUAL(rd(UART_IIR), IIR_THR_EMPTY);
}

static void test_loopback_returns_bytes_and_overruns_a_full_holding_register(void)
{
	setup();
	wr(UART_MCR, MCR_LOOPBACK);
	wr(UART_IER, IER_LINE_STATUS);
	wr(UART_THR, 'a');
	CU_ASSERT_EQUAL(nout, 0);
	wr(UART_THR, 'b');                              /* no FIFO: 'b' is lost */
	CU_ASSERT_EQUAL(rd(UART_IIR), IIR_LINE_STATUS);
	CU_ASSERT_EQUAL(rd(UART_LSR) & (LSR_OVERRUN | LSR_DATA_READY),
			LSR_OVERRUN | LSR_DATA_READY);
	CU_ASSERT_EQUAL(rd(UART_LSR) & LSR_OVERRUN, 0); /* read clears it */
	CU_ASSERT_EQUAL(rd(UART_RBR), 'a');
}

static void test_loopback_wires_modem_control_to_modem_status(void)
{
	setup();
	rd(UART_MSR);
	wr(UART_MCR, MCR_LOOPBACK | 0x0a);              /* as Linux's probe */
	CU_ASSERT_EQUAL(rd(UART_MSR) & 0xf0, 0x90);     /* DCD and CTS */
	wr(UART_MCR, MCR_LOOPBACK | MCR_OUT1);
	wr(UART_MCR, MCR_LOOPBACK);
	CU_ASSERT_EQUAL(rd(UART_MSR), MSR_TERI | 0x08 | 0x01);  /* RI fell; DCD, CTS changed */
	CU_ASSERT_EQUAL(rd(UART_MSR), 0x00);            /* deltas clear on read */
}

static void test_modem_status_interrupt(void)
{
	setup();
	wr(UART_IER, IER_MODEM_STATUS);
	wr(UART_MCR, MCR_LOOPBACK);
	CU_ASSERT_TRUE(irq);
	CU_ASSERT_EQUAL(rd(UART_IIR), IIR_MODEM_STATUS);
	rd(UART_MSR);
	CU_ASSERT_FALSE(irq);
}

static void test_scratch_register_keeps_its_byte(void)
{
	setup();
	wr(UART_SCR, 0x5a);
	CU_ASSERT_EQUAL(rd(UART_SCR), 0x5a);
}

static void test_fifo_control_clears_the_receiver(void)
{
	setup();
	wr(UART_FCR, FCR_FIFO_ENABLE);
	CU_ASSERT_EQUAL(rd(UART_IIR), IIR_FIFOS_ON | IIR_NONE);
	wr(UART_MCR, MCR_LOOPBACK);
	wr(UART_THR, 'q');
	wr(UART_FCR, FCR_FIFO_ENABLE | FCR_CLEAR_RX);
	CU_ASSERT_EQUAL(rd(UART_LSR) & LSR_DATA_READY, 0);
}

static const struct { const char *name; void (*fn)(void); } tests[] = {
	{ "the reset registers are QEMU's", test_reset_registers_are_qemus },
	{ "transmitted bytes reach the terminal at once", test_transmitted_bytes_reach_the_terminal_at_once },
	{ "the divisor latch hides behind DLAB", test_divisor_latch_hides_behind_dlab },
	{ "typed bytes arrive in order through RBR", test_typed_bytes_arrive_in_order_through_rbr },
	{ "input waits in the backend while the FIFO is full", test_input_waits_in_the_backend_while_the_fifo_is_full },
	{ "the received-data interrupt follows IER and RBR", test_received_data_interrupt_follows_ier_and_rbr },
	{ "the FIFO interrupts at the trigger level", test_fifo_interrupts_at_the_trigger_level },
	{ "a few bytes time out after four character times", test_few_bytes_time_out_after_four_character_times },
	{ "the THR-empty interrupt comes on enable and after each byte", test_thr_empty_interrupt_comes_on_enable_and_after_each_byte },
	{ "received data outranks THR empty", test_received_data_outranks_thr_empty },
	{ "loopback returns bytes; a full holding register overruns", test_loopback_returns_bytes_and_overruns_a_full_holding_register },
	{ "loopback wires modem control to modem status", test_loopback_wires_modem_control_to_modem_status },
	{ "the modem status interrupt", test_modem_status_interrupt },
	{ "the scratch register keeps its byte", test_scratch_register_keeps_its_byte },
	{ "FIFO control clears the receiver", test_fifo_control_clears_the_receiver },
};

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("16550A UART", NULL, NULL);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures != 0;
}
