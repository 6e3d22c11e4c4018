/*
 * dev_board_test.c - the virtual PC as the monitor drives it: the guest's
 * port and MMIO accesses through the bus, virtual time from a clock the
 * test turns, interrupts asked for and acknowledged as the exit path does.
 *
 * The board starts as SeaBIOS leaves QEMU's PC: the first cases check the
 * values a probe guest read natively on QEMU 7.2.
 */
#include <CUnit/Basic.h>
#include <string.h>

#include "../../vmm/dev/devices.h"

#define MS 1000000ull

static uint64_t clock_ns;
static char console[64];
static unsigned nconsole;
static const char *typed;
static uint8_t disk[64][IDE_SECTOR_SIZE];

static uint64_t test_clock(void *ctx)
{
	(void)ctx;
	return clock_ns;
}

static void console_put(void *ctx, uint8_t b)
{
	(void)ctx;
	if (nconsole < sizeof(console) - 1)
		console[nconsole++] = (char)b;
}

static int console_get(void *ctx)
{
	(void)ctx;
	return typed && *typed ? (uint8_t)*typed++ : -1;
}

static int disk_read(void *ctx, uint32_t lba, void *buf)
{
	(void)ctx;
	memcpy(buf, disk[lba], IDE_SECTOR_SIZE);
	return 0;
}

static int disk_write(void *ctx, uint32_t lba, const void *buf)
{
	(void)ctx;
	memcpy(disk[lba], buf, IDE_SECTOR_SIZE);
	return 0;
}

static void setup(void)
{
	struct devices_config cfg = {
		.ram_bytes = 128u << 20,
		.start_time = { .year = 2024, .month = 6, .day = 1, .hour = 12 },
		.com1 = { .put = console_put, .get = console_get },
		.disk = { { .read = disk_read, .write = disk_write, .sectors = 64 } },
	};

	clock_ns = 0;
	memset(console, 0, sizeof(console));
	nconsole = 0;
	typed = NULL;
	for (unsigned i = 0; i < 64; i++)
		memset(disk[i], (uint8_t)i, IDE_SECTOR_SIZE);
	bus_reset();
	devices_setup(&cfg, (struct dev_clock){ .now_ns = test_clock });
}

static uint8_t inb(uint16_t port)
{
	return (uint8_t)bus_port_read(port, 1);
}

static void outb(uint16_t port, uint8_t v)
{
	bus_port_write(port, 1, v);
}

static uint32_t lapic(uint32_t reg)
{
	return (uint32_t)bus_mmio_read(LAPIC_BASE + reg, 4);
}

static void lapic_set(uint32_t reg, uint32_t v)
{
	bus_mmio_write(LAPIC_BASE + reg, 4, v);
}

static uint32_t ioapic(uint8_t reg)
{
	bus_mmio_write(IOAPIC_BASE + IOAPIC_REGSEL, 4, reg);
	return (uint32_t)bus_mmio_read(IOAPIC_BASE + IOAPIC_WINDOW, 4);
}

static void ioapic_set(uint8_t reg, uint32_t v)
{
	bus_mmio_write(IOAPIC_BASE + IOAPIC_REGSEL, 4, reg);
	bus_mmio_write(IOAPIC_BASE + IOAPIC_WINDOW, 4, v);
}

/* Time passes as the monitor lets it: to T, advancing the devices. */
static void run_until(uint64_t t)
{
	clock_ns = t;
	devices_advance(t);
}

/* xv6's way: APIC on, LINT0/1 masked, PICs masked, IRQ routed to vector 32+irq. */
static void xv6_interrupt_setup(unsigned irq, unsigned pin)
{
	lapic_set(LAPIC_SVR, 0x100 | 63);
	lapic_set(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_set(LAPIC_LVT_LINT1, LVT_MASKED);
	outb(PIC_MASTER_DATA, 0xff);
	outb(PIC_SLAVE_DATA, 0xff);
	ioapic_set((uint8_t)(0x10 + 2 * pin), 32 + irq);
	ioapic_set((uint8_t)(0x11 + 2 * pin), 0);
}

static void test_devices_start_as_seabios_leaves_qemus_pc(void)
{
	setup();
	CU_ASSERT_EQUAL(inb(PIC_MASTER_DATA), 0xb8);
	CU_ASSERT_EQUAL(inb(PIC_SLAVE_DATA), 0x8e);
	CU_ASSERT_EQUAL(inb(PIC_ELCR_SLAVE), 0x00);
	outb(PIT_PORT_CONTROL, 0xe2);
	CU_ASSERT_EQUAL(inb(0x40), 0x80 | 0x34);        /* QEMU: 0x34, see pit.c */
	outb(PIT_PORT_CONTROL, 0xe8);
	CU_ASSERT_EQUAL(inb(0x42), 0x86);
	CU_ASSERT_EQUAL(inb(PIT_PORT_SYSCTL_B), 0x30);
	CU_ASSERT_EQUAL(lapic(LAPIC_VERSION), 0x00050014);
	CU_ASSERT_EQUAL(lapic(LAPIC_SVR), 0x1ff);
	CU_ASSERT_EQUAL(lapic(LAPIC_LVT_LINT0), 0x8700);
	CU_ASSERT_EQUAL(lapic(LAPIC_LVT_LINT1), 0x8400);
	CU_ASSERT_EQUAL(lapic(LAPIC_LVT_TIMER), 0x10000);
	CU_ASSERT_EQUAL(ioapic(IOAPIC_REG_ID), 0);
	CU_ASSERT_EQUAL(ioapic(IOAPIC_REG_VERSION), 0x00170020);
	CU_ASSERT_EQUAL(inb(COM1_BASE + UART_IIR), 0x01);  /* FIFOs off */
	CU_ASSERT_EQUAL(inb(COM1_BASE + UART_LCR), 0x00);
	CU_ASSERT_EQUAL(inb(COM1_BASE + UART_MCR), 0x08);
	CU_ASSERT_EQUAL(inb(COM1_BASE + UART_LSR), 0x60);
	CU_ASSERT_EQUAL(inb(COM1_BASE + UART_MSR), 0xb0);
	CU_ASSERT_EQUAL(inb(PS2_STATUS), 0x1c);
	CU_ASSERT_EQUAL(inb(RTC_PORT_INDEX), 0xff);
	CU_ASSERT_EQUAL(inb(0x1f6), 0xb0);              /* SeaBIOS probed the slave last */
	CU_ASSERT_EQUAL(inb(0x1f7), 0x00);              /* ...which is absent */
	CU_ASSERT_EQUAL(inb(0x3da), 0x09);
}

static void test_unassigned_ports_and_memory_behave_as_on_qemu(void)
{
	setup();
	CU_ASSERT_EQUAL(inb(0x2e0), 0xff);
	CU_ASSERT_EQUAL(bus_port_read(0x2e0, 4), 0xffffffffu);
	CU_ASSERT_EQUAL(bus_mmio_read(0xe0000000, 4), 0);
	bus_mmio_write(0xe0000000, 4, 1);
	CU_ASSERT_EQUAL(bus_mmio_read(0xe0000000, 4), 0);
	CU_ASSERT_EQUAL(inb(PIT_PORT_CONTROL), 0x00);
}

static void test_word_read_of_the_pic_reads_two_registers(void)
{
	setup();
	outb(PIC_MASTER_CMD, 0x0a);
	CU_ASSERT_EQUAL(bus_port_read(PIC_MASTER_CMD, 2) >> 8, 0xb8);
}

static void test_bios_timer_ticks_through_the_pic_at_18_hz(void)
{
	uint64_t due;

	setup();
	due = devices_next_deadline(0);
	CU_ASSERT(due > 54 * MS && due < 55 * MS);
	run_until(due);
	CU_ASSERT_EQUAL(devices_pending_vector(), 0x08);        /* IRQ 0 at the BIOS base */
	CU_ASSERT_EQUAL(devices_ack(), 0x08);
	CU_ASSERT_EQUAL(devices_pending_vector(), -1);
	outb(PIC_MASTER_CMD, 0x20);                     /* EOI */
	CU_ASSERT_EQUAL(devices_pending_vector(), -1);
}

static void test_pit_interrupt_through_the_io_apic_as_linux_routes_it(void)
{
	setup();
	xv6_interrupt_setup(0, 2);                      /* IRQ 0 is on pin 2 */
	outb(PIT_PORT_CONTROL, 0x34);
	outb(0x40, 1193 & 0xff);
	outb(0x40, 1193 >> 8);
	run_until(devices_next_deadline(clock_ns));
	CU_ASSERT_EQUAL(devices_pending_vector(), 32);
	CU_ASSERT_EQUAL(devices_ack(), 32);
	lapic_set(LAPIC_EOI, 0);
	CU_ASSERT_EQUAL(devices_pending_vector(), -1);
}

static void test_lapic_timer_drives_the_next_deadline(void)
{
	setup();
	xv6_interrupt_setup(1, 1);
	outb(PIT_PORT_CONTROL, 0x30);                   /* park the PIT: one-shot, not loaded */
	lapic_set(LAPIC_TIMER_DIVIDE, 0xb);
	lapic_set(LAPIC_LVT_TIMER, 0x20000 | 32);       /* periodic, as xv6 */
	lapic_set(LAPIC_TIMER_INITIAL, 10000000);
	CU_ASSERT_EQUAL(devices_next_deadline(0), 10 * MS);
	run_until(10 * MS);
	CU_ASSERT_EQUAL(devices_ack(), 32);
	lapic_set(LAPIC_EOI, 0);
	CU_ASSERT_EQUAL(devices_next_deadline(10 * MS), 20 * MS);
}

static void test_typed_key_interrupts_through_ioapic_pin_4(void)
{
	setup();
	xv6_interrupt_setup(COM1_IRQ, COM1_IRQ);
	outb(COM1_BASE + UART_IER, IER_RX_DATA);
	CU_ASSERT_EQUAL(devices_pending_vector(), -1);
	typed = "a";
	run_until(1 * MS);
	CU_ASSERT_EQUAL(devices_ack(), 32 + COM1_IRQ);
	CU_ASSERT_EQUAL(inb(COM1_BASE + UART_RBR), 'a');
	lapic_set(LAPIC_EOI, 0);
	CU_ASSERT_EQUAL(devices_pending_vector(), -1);
}

static void test_guest_console_output_reaches_the_terminal(void)
{
	setup();
	for (const char *s = "$ "; *s; s++) {
		while (!(inb(COM1_BASE + UART_LSR) & LSR_THR_EMPTY))
			;
		outb(COM1_BASE + UART_THR, (uint8_t)*s);
	}
	CU_ASSERT_STRING_EQUAL(console, "$ ");
}

static void test_level_interrupt_is_resent_after_eoi_while_asserted(void)
{
	setup();
	xv6_interrupt_setup(11, 11);
	ioapic_set(0x10 + 22, REDIR_LEVEL_TRIGGER | 43);
	devices_irq_set_level(11, true);
	CU_ASSERT_EQUAL(devices_ack(), 43);
	CU_ASSERT_EQUAL(devices_pending_vector(), -1);
	lapic_set(LAPIC_EOI, 0);                        /* broadcast to the I/O APIC */
	CU_ASSERT_EQUAL(devices_pending_vector(), 43);
	devices_ack();
	devices_irq_set_level(11, false);
	lapic_set(LAPIC_EOI, 0);
	CU_ASSERT_EQUAL(devices_pending_vector(), -1);
}

static void test_disk_read_with_irq_14_through_the_slave_pic(void)
{
	setup();
	outb(PIC_MASTER_DATA, 0xfb);                    /* only the cascade */
	outb(PIC_SLAVE_DATA, 0xbf);                     /* only IRQ 14 */
	outb(0x1f6, 0xe0);
	outb(0x1f2, 1);
	outb(0x1f3, 7);
	outb(0x1f4, 0);
	outb(0x1f5, 0);
	outb(0x1f7, ATA_CMD_READ_SECTORS);
	CU_ASSERT_EQUAL(devices_ack(), 0x70 + 6);       /* slave base 0x70, IR6 */
	for (int i = 0; i < 128; i++)                   /* xv6's insl */
		CU_ASSERT_EQUAL(bus_port_read(0x1f0, 4), 0x07070707u);
	CU_ASSERT_EQUAL(inb(0x1f7), 0x50);
}

static void test_cga_text_memory_is_mmio(void)
{
	setup();
	CU_ASSERT_TRUE(bus_mmio_claimed(0xb8000));
	CU_ASSERT_TRUE(bus_mmio_claimed(0xbffff));
	CU_ASSERT_FALSE(bus_mmio_claimed(0xc0000));
	bus_mmio_write(0xb8000, 2, 0x0741);
	CU_ASSERT_EQUAL(bus_mmio_read(0xb8000, 2), 0x0741);
}

static void test_lapic_ignores_accesses_narrower_than_32_bits(void)
{
	setup();
	CU_ASSERT_EQUAL(bus_mmio_read(LAPIC_BASE + LAPIC_VERSION, 1), 0);
	bus_mmio_write(LAPIC_BASE + LAPIC_TPR, 1, 0x20);
	CU_ASSERT_EQUAL(lapic(LAPIC_TPR), 0);
}

static void test_rtc_keeps_the_date_the_machine_gave(void)
{
	setup();
	outb(RTC_PORT_INDEX, RTC_HOURS);
	CU_ASSERT_EQUAL(inb(RTC_PORT_DATA), 0x12);
	outb(RTC_PORT_INDEX, 0x35);
	CU_ASSERT_EQUAL(inb(RTC_PORT_DATA), 0x07);      /* 128 MiB, as QEMU */
}

static void test_pci_has_no_device(void)
{
	setup();
	bus_port_write(PCI_CONFIG_ADDRESS, 4, 0x80000000);
	CU_ASSERT_EQUAL(bus_port_read(PCI_CONFIG_ADDRESS, 4), 0x80000000);
	CU_ASSERT_EQUAL(bus_port_read(PCI_CONFIG_DATA, 4), 0xffffffffu);
}

static const struct { const char *name; void (*fn)(void); } tests[] = {
	{ "devices start as SeaBIOS leaves QEMU's PC", test_devices_start_as_seabios_leaves_qemus_pc },
	{ "unassigned ports and memory behave as on QEMU", test_unassigned_ports_and_memory_behave_as_on_qemu },
	{ "a word read of the PIC reads two registers", test_word_read_of_the_pic_reads_two_registers },
	{ "the BIOS timer ticks through the PIC at 18.2 Hz", test_bios_timer_ticks_through_the_pic_at_18_hz },
	{ "the PIT interrupts through the I/O APIC (pin 2)", test_pit_interrupt_through_the_io_apic_as_linux_routes_it },
	{ "the LAPIC timer drives the next deadline", test_lapic_timer_drives_the_next_deadline },
	{ "a typed key interrupts through I/O APIC pin 4", test_typed_key_interrupts_through_ioapic_pin_4 },
	{ "guest console output reaches the terminal", test_guest_console_output_reaches_the_terminal },
	{ "a level interrupt is resent after EOI while asserted", test_level_interrupt_is_resent_after_eoi_while_asserted },
	{ "a disk read interrupts on IRQ 14 through the slave PIC", test_disk_read_with_irq_14_through_the_slave_pic },
	{ "CGA text memory is MMIO", test_cga_text_memory_is_mmio },
	{ "the LAPIC ignores accesses narrower than 32 bits", test_lapic_ignores_accesses_narrower_than_32_bits },
	{ "the RTC keeps the date the machine gave", test_rtc_keeps_the_date_the_machine_gave },
	{ "PCI has no device", test_pci_has_no_device },
};

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("the virtual PC", NULL, NULL);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures != 0;
}
