/*
 * devices.c - the board: one of each device, their wiring, and virtual time.
 *
 * Problem: the device models know nothing of each other or of the bus; a PC
 * wires them together (interrupt lines to both the 8259 pair and the I/O
 * APIC, the I/O APIC to the local APIC, the local APIC's EOI back to the I/O
 * APIC), puts them at fixed ports and addresses, and a BIOS programs some of
 * them before the kernel runs.  The monitor needs one place to ask for the
 * next deadline, to let time pass, and to take an interrupt.
 *
 * Approach: a single static board.  The bus calls small adapters that read
 * the clock and pass "now" to the pure models; the models drive their
 * interrupt lines into isa_irq(), which fans out to the PICs and the I/O
 * APIC.  After building the devices in their power-on state, the board
 * programs them the way SeaBIOS leaves them on QEMU's PC (read natively from
 * QEMU 7.2 with a probe guest), so a guest finds the same machine under the
 * monitor as natively:
 *
 *   8259s     initialised, vectors 0x08 / 0x70, IMR 0xb8 / 0x8e
 *   8254      counter 0 in mode 2, count 65536 (18.2 Hz); 1 and 2 untouched
 *   LAPIC     enabled (SVR 0x1ff), LINT0 ExtINT (0x8700), LINT1 NMI (0x8400)
 *   16550     8 data bits (LCR 0x03), OUT2 (MCR 0x08), FIFOs on
 *   IDE       the slave selected (device register 0xb0)
 *
 * Differences from QEMU's PC that a guest can see: no PCI device at all, no
 * floppy, DMA or VGA beyond the CGA text page, a blank screen.
 */
#include "devices.h"

#include <stddef.h>

#include "mptable.h"

#define ISA_IRQS            16
#define PIT_IOAPIC_PIN      2
#define MASTER_VECTOR_BASE  0x08
#define SLAVE_VECTOR_BASE   0x70
#define BIOS_MASTER_IMR     0xb8
#define BIOS_SLAVE_IMR      0x8e
#define ICW1_EDGE_CASCADE_ICW4 0x11
#define ICW3_MASTER         0x04        /* the slave on IR2 */
#define ICW3_SLAVE          0x02        /* slave ID 2 */
#define ICW4_8086           0x01
#define PIT_CW_COUNTER0_MODE2 0x34      /* counter 0, LSB then MSB, mode 2 */
#define BIOS_SVR            0x1ff
#define BIOS_LINT0          0x8700      /* ExtINT, level */
#define BIOS_LINT1          0x8400      /* NMI, level */
#define BIOS_UART_MCR       MCR_OUT2
#define BIOS_IDE_DEVICE     0xb0

static struct pc the_pc;

struct pc *devices_board(void)
{
	return &the_pc;
}

static uint64_t now(void)
{
	return the_pc.clock.now_ns ? the_pc.clock.now_ns(the_pc.clock.ctx) : 0;
}

void devices_set_clock(struct dev_clock clock)
{
	the_pc.clock = clock;
}

/*
 * Interrupt wiring.
 */

static unsigned ioapic_pin_of(unsigned irq)
{
	return irq == 0 ? PIT_IOAPIC_PIN : irq;
}

void devices_irq_set_level(unsigned irq, bool level)
{
	if (irq >= ISA_IRQS || irq == PIC_CASCADE_IRQ)
		return;
	pic_set_irq(&the_pc.pic, irq, level);
	ioapic_set_irq(&the_pc.ioapic, ioapic_pin_of(irq), level);
}

static void isa_irq(void *ctx, unsigned irq, bool level)
{
	(void)ctx;
	devices_irq_set_level(irq, level);
}

static struct irq_line isa_line(unsigned irq)
{
	return (struct irq_line){ .set = isa_irq, .line = irq };
}

/* An I/O APIC message reaches the only local APIC if it is addressed to it. */
static void ioapic_to_lapic(void *ctx, const struct apic_message *m)
{
	(void)ctx;
	if (m->delivery_mode != DELIVERY_FIXED && m->delivery_mode != DELIVERY_LOWEST)
		return;
	if (lapic_is_destination(&the_pc.lapic, m->dest, m->logical))
		lapic_accept(&the_pc.lapic, m->vector, m->level);
}

static void lapic_eoi_to_ioapic(void *ctx, uint8_t vector)
{
	(void)ctx;
	ioapic_eoi(&the_pc.ioapic, vector);
}

/* Does the 8259 pair have the CPU's attention through LINT0? */
static bool pic_wants_cpu(void)
{
	return lapic_accepts_pic(&the_pc.lapic) && pic_int_output(&the_pc.pic);
}

int devices_pending_vector(void)
{
	if (pic_wants_cpu())
		return pic_pending_vector(&the_pc.pic);
	return lapic_pending_vector(&the_pc.lapic);
}

int devices_ack(void)
{
	if (pic_wants_cpu())
		return pic_acknowledge(&the_pc.pic);
	if (lapic_pending_vector(&the_pc.lapic) < 0)
		return -1;
	return lapic_acknowledge(&the_pc.lapic);
}

/*
 * Time.
 */

void devices_advance(uint64_t t)
{
	pit_advance(&the_pc.pit, t);
	lapic_advance(&the_pc.lapic, t);
	rtc_advance(&the_pc.rtc, t);
	uart_advance(&the_pc.com1, t);
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

uint64_t devices_next_deadline(uint64_t t)
{
	uint64_t d = pit_next_deadline(&the_pc.pit, t);

	d = earliest(d, lapic_next_deadline(&the_pc.lapic, t));
	d = earliest(d, rtc_next_deadline(&the_pc.rtc, t));
	return earliest(d, uart_next_deadline(&the_pc.com1, t));
}

/*
 * Bus adapters: the bus knows (dev, port, size); the models want "now".
 */

static uint32_t pic_port_read(void *dev, uint16_t port, unsigned size)
{
	(void)size;
	return pic_read(dev, port);
}

static void pic_port_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	(void)size;
	pic_write(dev, port, (uint8_t)val);
}

static uint32_t pit_port_read(void *dev, uint16_t port, unsigned size)
{
	(void)size;
	return pit_read(dev, port, now());
}

static void pit_port_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	(void)size;
	pit_write(dev, port, (uint8_t)val, now());
}

static uint32_t rtc_port_read(void *dev, uint16_t port, unsigned size)
{
	(void)size;
	return rtc_read(dev, port, now());
}

static void rtc_port_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	(void)size;
	rtc_write(dev, port, (uint8_t)val, now());
}

static uint32_t uart_port_read(void *dev, uint16_t port, unsigned size)
{
	(void)size;
	return uart_read(dev, port - COM1_BASE, now());
}

static void uart_port_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	(void)size;
	uart_write(dev, port - COM1_BASE, (uint8_t)val, now());
}

static uint32_t ide_port_read(void *dev, uint16_t port, unsigned size)
{
	return ide_read(dev, port - IDE_PRIMARY_BASE, size);
}

static void ide_port_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	ide_write(dev, port - IDE_PRIMARY_BASE, size, val);
}

static uint32_t ide_control_read(void *dev, uint16_t port, unsigned size)
{
	(void)port;
	(void)size;
	return ide_read_alt_status(dev);
}

static void ide_control_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	(void)port;
	(void)size;
	ide_write_control(dev, (uint8_t)val);
}

static uint32_t cga_port_read_cb(void *dev, uint16_t port, unsigned size)
{
	(void)size;
	return cga_port_read(dev, port);
}

static void cga_port_write_cb(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	(void)size;
	cga_port_write(dev, port, (uint8_t)val);
}

static uint32_t ps2_port_read(void *dev, uint16_t port, unsigned size)
{
	(void)size;
	return ps2_read(dev, port);
}

static void ps2_port_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	(void)size;
	ps2_write(dev, port, (uint8_t)val);
}

static uint32_t pci_port_read(void *dev, uint16_t port, unsigned size)
{
	return pci_read(dev, port, size);
}

static void pci_port_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	pci_write(dev, port, size, val);
}

/* The APIC registers are 32 bits wide: other accesses read 0, as on QEMU. */
static uint64_t lapic_mmio_read(void *dev, uint64_t offset, unsigned size)
{
	return size == 4 ? lapic_read(dev, (uint32_t)offset, now()) : 0;
}

static void lapic_mmio_write(void *dev, uint64_t offset, unsigned size, uint64_t val)
{
	if (size == 4)
		lapic_write(dev, (uint32_t)offset, (uint32_t)val, now());
}

static uint64_t ioapic_mmio_read(void *dev, uint64_t offset, unsigned size)
{
	return ioapic_read(dev, (uint32_t)offset, size);
}

static void ioapic_mmio_write(void *dev, uint64_t offset, unsigned size, uint64_t val)
{
	ioapic_write(dev, (uint32_t)offset, size, (uint32_t)val);
}

static uint64_t cga_mmio_read(void *dev, uint64_t offset, unsigned size)
{
	return cga_mem_read(dev, (uint32_t)offset, size);
}

static void cga_mmio_write(void *dev, uint64_t offset, unsigned size, uint64_t val)
{
	cga_mem_write(dev, (uint32_t)offset, size, val);
}

/* Every device at its PC port; ISA devices answer one byte at a time. */
static const struct port_device board_ports[] = {
	{ "pic-master", PIC_MASTER_CMD, PIC_MASTER_DATA, pic_port_read,
	  pic_port_write, &the_pc.pic, 1 },
	{ "pic-slave", PIC_SLAVE_CMD, PIC_SLAVE_DATA, pic_port_read,
	  pic_port_write, &the_pc.pic, 1 },
	{ "pic-elcr", PIC_ELCR_MASTER, PIC_ELCR_SLAVE, pic_port_read,
	  pic_port_write, &the_pc.pic, 1 },
	{ "pit", PIT_PORT_COUNTER0, PIT_PORT_CONTROL, pit_port_read,
	  pit_port_write, &the_pc.pit, 1 },
	{ "system-control-b", PIT_PORT_SYSCTL_B, PIT_PORT_SYSCTL_B,
	  pit_port_read, pit_port_write, &the_pc.pit, 1 },
	{ "ps2-data", PS2_DATA, PS2_DATA, ps2_port_read, ps2_port_write,
	  &the_pc.ps2, 1 },
	{ "ps2-status", PS2_STATUS, PS2_STATUS, ps2_port_read, ps2_port_write,
	  &the_pc.ps2, 1 },
	{ "rtc", RTC_PORT_INDEX, RTC_PORT_DATA, rtc_port_read, rtc_port_write,
	  &the_pc.rtc, 1 },
	{ "ide-data", IDE_PRIMARY_BASE, IDE_PRIMARY_BASE, ide_port_read,
	  ide_port_write, &the_pc.ide, 0 },     /* 16 and 32 bits wide */
	{ "ide", IDE_PRIMARY_BASE + 1, IDE_PRIMARY_BASE + 7, ide_port_read,
	  ide_port_write, &the_pc.ide, 1 },
	{ "ide-control", IDE_PRIMARY_CONTROL, IDE_PRIMARY_CONTROL,
	  ide_control_read, ide_control_write, &the_pc.ide, 1 },
	{ "cga-crtc", CGA_PORT_FIRST, CGA_PORT_LAST, cga_port_read_cb,
	  cga_port_write_cb, &the_pc.cga, 1 },
	{ "uart-com1", COM1_BASE, COM1_BASE + UART_SCR, uart_port_read,
	  uart_port_write, &the_pc.com1, 1 },
	{ "pci-config", PCI_CONFIG_ADDRESS, PCI_PORT_LAST, pci_port_read,
	  pci_port_write, &the_pc.pci, 0 },     /* sizes handled by pci.c */
};

static const struct mmio_device board_mmio[] = {
	{ "lapic", LAPIC_BASE, LAPIC_SIZE, lapic_mmio_read, lapic_mmio_write,
	  &the_pc.lapic },
	{ "ioapic", IOAPIC_BASE, IOAPIC_SIZE, ioapic_mmio_read,
	  ioapic_mmio_write, &the_pc.ioapic },
	{ "cga-text", CGA_MEM_BASE, CGA_MEM_SIZE, cga_mmio_read, cga_mmio_write,
	  &the_pc.cga },
};

static void claim_all(void)
{
	for (size_t i = 0; i < sizeof(board_ports) / sizeof(board_ports[0]); i++)
		bus_claim_ports(&board_ports[i]);
	for (size_t i = 0; i < sizeof(board_mmio) / sizeof(board_mmio[0]); i++)
		bus_claim_mmio(&board_mmio[i]);
}

/* One 8259 through its initialization words, as a BIOS does. */
static void bios_init_pic(struct pc *pc, uint16_t cmd, uint8_t base, uint8_t icw3,
			  uint8_t imr)
{
	pic_write(&pc->pic, cmd, ICW1_EDGE_CASCADE_ICW4);
	pic_write(&pc->pic, cmd + 1, base);
	pic_write(&pc->pic, cmd + 1, icw3);
	pic_write(&pc->pic, cmd + 1, ICW4_8086);
	pic_write(&pc->pic, cmd + 1, imr);
}

/* Leave the devices as SeaBIOS leaves them on QEMU's PC (see the top). */
static void bios_handoff(struct pc *pc, uint64_t t)
{
	bios_init_pic(pc, PIC_MASTER_CMD, MASTER_VECTOR_BASE, ICW3_MASTER, BIOS_MASTER_IMR);
	bios_init_pic(pc, PIC_SLAVE_CMD, SLAVE_VECTOR_BASE, ICW3_SLAVE, BIOS_SLAVE_IMR);
	pit_write(&pc->pit, PIT_PORT_CONTROL, PIT_CW_COUNTER0_MODE2, t);
	pit_write(&pc->pit, PIT_PORT_COUNTER0, 0, t);
	pit_write(&pc->pit, PIT_PORT_COUNTER0, 0, t);
	lapic_write(&pc->lapic, LAPIC_SVR, BIOS_SVR, t);
	lapic_write(&pc->lapic, LAPIC_LVT_LINT0, BIOS_LINT0, t);
	lapic_write(&pc->lapic, LAPIC_LVT_LINT1, BIOS_LINT1, t);
	uart_write(&pc->com1, UART_MCR, BIOS_UART_MCR, t);  /* LCR, FCR: reset */
	ide_write(&pc->ide, ATA_REG_DEVICE, 1, BIOS_IDE_DEVICE);
}

void devices_setup(const struct devices_config *cfg, struct dev_clock clock)
{
	struct pc *pc = &the_pc;
	uint64_t t;

	pc->clock = clock;
	t = now();
	pic_init(&pc->pic);
	pit_init(&pc->pit, isa_line(0), t);
	lapic_init(&pc->lapic);
	pc->lapic.eoi_broadcast = lapic_eoi_to_ioapic;
	pc->ioapic.deliver = ioapic_to_lapic;
	ioapic_init(&pc->ioapic, MPTABLE_IOAPIC_ID);
	uart_init(&pc->com1, cfg->com1, isa_line(COM1_IRQ));
	rtc_init(&pc->rtc, &cfg->start_time, t, isa_line(RTC_IRQ));
	rtc_set_memory_size(&pc->rtc, cfg->ram_bytes);
	ide_init(&pc->ide, &cfg->disk[0], &cfg->disk[1], isa_line(IDE_PRIMARY_IRQ));
	cga_init(&pc->cga);
	ps2_init(&pc->ps2, isa_line(PS2_IRQ));
	pci_init(&pc->pci);
	bios_handoff(pc, t);
	claim_all();
}
