/*
 * machine.c - the virtual PC wired to the real machine (monitor only).
 *
 * Problem: the board (devices.c) is pure; its backends are the machine the
 * monitor runs on.  The guest's console is the machine's COM1, which QEMU
 * connects to the user's terminal; the guest's disks are the machine's
 * primary IDE master and slave; the guest's clock starts at the date the
 * machine's own CMOS clock shows.
 *
 * Approach: three small backends over the real ports, polled (the monitor
 * keeps the machine's interrupts masked), and devices_init(), which builds
 * the board on them and adds the exit port.  Virtual time is the monitor's
 * to install (devices_set_clock); until then the devices' time stands still.
 */
#include "devices.h"

#include "../core/x86.h"
#include "../cpu/vcpu.h"
#include "machine_ata.h"

#define REAL_COM1        0x3f8
#define REAL_CMOS_INDEX  0x70
#define REAL_CMOS_DATA   0x71
#define CMOS_POLL_LIMIT  1000000u

/* The guest transmitted BYTE: send it to the real COM1 (the user's terminal). */
static void com1_put(void *ctx, uint8_t byte)
{
	(void)ctx;
	while (!(inb(REAL_COM1 + UART_LSR) & LSR_THR_EMPTY))
		;
	outb(REAL_COM1 + UART_THR, byte);
}

/* A byte the user typed, or -1. */
static int com1_get(void *ctx)
{
	(void)ctx;
	if (!(inb(REAL_COM1 + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(REAL_COM1 + UART_RBR);
}

static uint8_t cmos_read(uint8_t index)
{
	outb(REAL_CMOS_INDEX, index);   /* bit 7 clear: NMI stays enabled */
	return inb(REAL_CMOS_DATA);
}

static unsigned from_bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10u + (v & 15u);
}

/* The machine's date and time, read between two updates of its RTC. */
static void read_machine_time(struct rtc_time *t)
{
	uint8_t b;
	bool binary, pm;
	unsigned hour;

	for (unsigned i = 0; i < CMOS_POLL_LIMIT &&
			     (cmos_read(RTC_STATUS_A) & RTC_A_UIP); i++)
		;
	b = cmos_read(RTC_STATUS_B);
	binary = b & RTC_B_BINARY;
	hour = cmos_read(RTC_HOURS);
	pm = !(b & RTC_B_24H) && (hour & 0x80);
	hour = from_bcd(hour & 0x7f, binary);
	t->hour = (uint8_t)(!(b & RTC_B_24H) ? hour % 12 + (pm ? 12 : 0) : hour);
	t->second = (uint8_t)from_bcd(cmos_read(RTC_SECONDS), binary);
	t->minute = (uint8_t)from_bcd(cmos_read(RTC_MINUTES), binary);
	t->day = (uint8_t)from_bcd(cmos_read(RTC_DAY), binary);
	t->month = (uint8_t)from_bcd(cmos_read(RTC_MONTH), binary);
	t->year = (uint16_t)(from_bcd(cmos_read(CMOS_CENTURY), binary) * 100 +
			     from_bcd(cmos_read(RTC_YEAR), binary));
}

static const unsigned units[2] = { 0, 1 };

static int disk_read(void *ctx, uint32_t lba, void *buf)
{
	return machine_ata_read(*(const unsigned *)ctx, lba, buf);
}

static int disk_write(void *ctx, uint32_t lba, const void *buf)
{
	return machine_ata_write(*(const unsigned *)ctx, lba, buf);
}

static int disk_flush(void *ctx)
{
	return machine_ata_flush(*(const unsigned *)ctx);
}

void devices_init(void)
{
	struct devices_config cfg = {
		.ram_bytes = the_vcpu.mem.size,
		.com1 = { .put = com1_put, .get = com1_get },
	};

	read_machine_time(&cfg.start_time);
	for (unsigned i = 0; i < 2; i++)
		cfg.disk[i] = (struct ide_backend){
			.read = disk_read, .write = disk_write,
			.flush = disk_flush, .ctx = (void *)&units[i],
			.sectors = machine_ata_identify(i),
		};
	devices_setup(&cfg, (struct dev_clock){ 0 });
	exitport_init();
}
