/*
 * dev_ide_test.c - the ATA PIO channel: what a driver sees when it probes,
 * identifies, reads and writes, and what an absent drive looks like (the
 * values QEMU 7.2 shows natively).
 *
 * The master is a RAM disk of 2048 sectors; sector n is filled with n's low
 * byte.  The probe on IRQ 14 records the line.
 */
#include <CUnit/Basic.h>
#include <string.h>

#include "../../vmm/dev/ide.h"

#define DISK_SECTORS 2048

static struct ide_channel ch;
static uint8_t disk[DISK_SECTORS][IDE_SECTOR_SIZE];
static bool irq, fail_next, flushed;
static unsigned reads;

static int disk_read(void *ctx, uint32_t lba, void *buf)
{
	(void)ctx;
	reads++;
	if (fail_next)
		return -1;
	memcpy(buf, disk[lba], IDE_SECTOR_SIZE);
	return 0;
}

static int disk_write(void *ctx, uint32_t lba, const void *buf)
{
	(void)ctx;
	memcpy(disk[lba], buf, IDE_SECTOR_SIZE);
	return 0;
}

static int disk_flush(void *ctx)
{
	(void)ctx;
	flushed = true;
	return 0;
}

static void probe(void *ctx, unsigned line, bool level)
{
	(void)ctx;
	(void)line;
	irq = level;
}

static const struct ide_backend master = {
	.read = disk_read, .write = disk_write, .flush = disk_flush,
	.sectors = DISK_SECTORS,
};

static void setup_with(const struct ide_backend *m, const struct ide_backend *s)
{
	for (unsigned i = 0; i < DISK_SECTORS; i++)
		memset(disk[i], (uint8_t)i, IDE_SECTOR_SIZE);
	irq = fail_next = flushed = false;
	reads = 0;
	ide_init(&ch, m, s, (struct irq_line){ .set = probe, .line = IDE_PRIMARY_IRQ });
}

static void setup(void)
{
	setup_with(&master, NULL);
}

static uint8_t rd(unsigned reg)
{
	return (uint8_t)ide_read(&ch, reg, 1);
}

static void wr(unsigned reg, uint8_t val)
{
	ide_write(&ch, reg, 1, val);
}

static uint16_t rdw(void)
{
	return (uint16_t)ide_read(&ch, ATA_REG_DATA, 2);
}

/* Select the master in LBA mode and name COUNT sectors from LBA. */
static void lba28(uint32_t lba, uint8_t count)
{
	wr(ATA_REG_DEVICE, (uint8_t)(0xe0 | (lba >> 24)));
	wr(ATA_REG_NSECTOR, count);
	wr(ATA_REG_LBA_LOW, (uint8_t)lba);
	wr(ATA_REG_LBA_MID, (uint8_t)(lba >> 8));
	wr(ATA_REG_LBA_HIGH, (uint8_t)(lba >> 16));
}

static void test_channel_without_drives_reads_zero_everywhere(void)
{
	setup_with(NULL, NULL);
	wr(ATA_REG_NSECTOR, 5);
	for (unsigned reg = 0; reg < 8; reg++)
		CU_ASSERT_EQUAL(rd(reg), 0);
	CU_ASSERT_EQUAL(ide_read_alt_status(&ch), 0);
}

static void test_absent_slave_shows_status_zero_and_ignores_commands(void)
{
	setup();
	wr(ATA_REG_DEVICE, 0xb0);
	wr(ATA_REG_NSECTOR, 5);
	CU_ASSERT_EQUAL(rd(ATA_REG_STATUS), 0);
	CU_ASSERT_EQUAL(rd(ATA_REG_ERROR), 0);
	CU_ASSERT_EQUAL(rd(ATA_REG_NSECTOR), 5);        /* its copy of the write */
	CU_ASSERT_EQUAL(rd(ATA_REG_DEVICE), 0xb0);
	wr(ATA_REG_COMMAND, ATA_CMD_IDENTIFY);
	CU_ASSERT_EQUAL(rd(ATA_REG_STATUS), 0);
	CU_ASSERT_FALSE(irq);
	wr(ATA_REG_DEVICE, 0xa0);
	CU_ASSERT_EQUAL(rd(ATA_REG_STATUS), ATA_SR_DRDY | ATA_SR_DSC);
}

static void test_identify_gives_a_block_of_qemu_like_data(void)
{
	uint16_t id[256];

	setup();
	wr(ATA_REG_DEVICE, 0xa0);
	wr(ATA_REG_COMMAND, ATA_CMD_IDENTIFY);
	CU_ASSERT_TRUE(irq);
	CU_ASSERT_EQUAL(ide_read_alt_status(&ch), 0x58);
	CU_ASSERT_TRUE(irq);                            /* alternate status keeps it */
	CU_ASSERT_EQUAL(rd(ATA_REG_STATUS), 0x58);
	CU_ASSERT_FALSE(irq);                           /* status acknowledges */
	for (int i = 0; i < 256; i++)
		id[i] = rdw();
	CU_ASSERT_EQUAL(rd(ATA_REG_STATUS), 0x50);
	CU_ASSERT_FALSE(irq);                           /* no interrupt at the end */
	CU_ASSERT_EQUAL(id[0], 0x0040);
	CU_ASSERT_EQUAL(id[1], 2);                      /* cylinders, as QEMU */
	CU_ASSERT_EQUAL(id[3], 16);
	CU_ASSERT_EQUAL(id[6], 63);
	CU_ASSERT_EQUAL(id[10], 0x514d);                /* "QM00001" */
	CU_ASSERT_EQUAL(id[27], 0x5145);                /* "QEMU HARDDISK" */
	CU_ASSERT_EQUAL(id[28], 0x4d55);
	CU_ASSERT_TRUE(id[49] & (1u << 9));             /* LBA */
	CU_ASSERT_FALSE(id[49] & (1u << 8));            /* no DMA */
	CU_ASSERT_EQUAL(id[60] | id[61] << 16, DISK_SECTORS);
	CU_ASSERT_FALSE(id[83] & (1u << 10));           /* no LBA48 */
}

static void test_read_sectors_moves_data_with_an_interrupt_per_block(void)
{
	setup();
	lba28(5, 2);
	wr(ATA_REG_COMMAND, ATA_CMD_READ_SECTORS);
	CU_ASSERT_TRUE(irq);
	CU_ASSERT_EQUAL(rd(ATA_REG_STATUS), 0x58);
	CU_ASSERT_EQUAL(rd(ATA_REG_NSECTOR), 1);        /* as QEMU: advanced at load */
	CU_ASSERT_EQUAL(rd(ATA_REG_LBA_LOW), 6);
	for (int i = 0; i < 256; i++)
		CU_ASSERT_EQUAL(rdw(), 0x0505);
	CU_ASSERT_TRUE(irq);                            /* the second block */
	CU_ASSERT_EQUAL(rd(ATA_REG_STATUS), 0x58);
	for (int i = 0; i < 256; i++)
		CU_ASSERT_EQUAL(rdw(), 0x0606);
	CU_ASSERT_EQUAL(rd(ATA_REG_STATUS), 0x50);
	CU_ASSERT_EQUAL(rd(ATA_REG_NSECTOR), 0);
	CU_ASSERT_EQUAL(rd(ATA_REG_LBA_LOW), 7);
	CU_ASSERT_FALSE(irq);
}

static void test_data_port_reads_32_bits_at_a_time(void)
{
	setup();
	lba28(0x12, 1);
	wr(ATA_REG_COMMAND, ATA_CMD_READ_SECTORS);
	for (int i = 0; i < 128; i++)
		CU_ASSERT_EQUAL(ide_read(&ch, ATA_REG_DATA, 4), 0x12121212u);
	CU_ASSERT_EQUAL(rd(ATA_REG_STATUS), 0x50);
}

static void test_byte_access_to_the_data_port_moves_a_word(void)
{
	setup();
	disk[3][0] = 0x34;
	disk[3][1] = 0x12;
	disk[3][2] = 0x78;
	disk[3][3] = 0x56;
	lba28(3, 1);
	wr(ATA_REG_COMMAND, ATA_CMD_READ_SECTORS);
	CU_ASSERT_EQUAL(ide_read(&ch, ATA_REG_DATA, 1), 0x34);
	CU_ASSERT_EQUAL(rdw(), 0x5678);
}

static void test_write_sectors_takes_data_then_interrupts(void)
{
	setup();
	lba28(100, 2);
	wr(ATA_REG_COMMAND, ATA_CMD_WRITE_SECTORS);
	CU_ASSERT_EQUAL(ide_read_alt_status(&ch), 0x58);
	CU_ASSERT_FALSE(irq);                           /* none for the first block */
	for (int i = 0; i < 256; i++)
		ide_write(&ch, ATA_REG_DATA, 2, 0xbeef);
	CU_ASSERT_TRUE(irq);
	CU_ASSERT_EQUAL(disk[100][0], 0xef);
	CU_ASSERT_EQUAL(disk[100][511], 0xbe);
	CU_ASSERT_EQUAL(rd(ATA_REG_STATUS), 0x58);
	for (int i = 0; i < 128; i++)
		ide_write(&ch, ATA_REG_DATA, 4, 0x11223344);
	CU_ASSERT_TRUE(irq);
	CU_ASSERT_EQUAL(rd(ATA_REG_STATUS), 0x50);
	CU_ASSERT_EQUAL(disk[101][0], 0x44);
	CU_ASSERT_EQUAL(rd(ATA_REG_NSECTOR), 0);
	CU_ASSERT_EQUAL(rd(ATA_REG_LBA_LOW), 102);
	CU_ASSERT_EQUAL(disk[102][0], 102);             /* untouched */
}

static void test_read_past_the_end_aborts(void)
{
	setup();
	lba28(DISK_SECTORS - 1, 2);
	wr(ATA_REG_COMMAND, ATA_CMD_READ_SECTORS);
	CU_ASSERT_TRUE(irq);
	CU_ASSERT_EQUAL(rd(ATA_REG_STATUS), 0x41);      /* DRDY ERR, as QEMU */
	CU_ASSERT_EQUAL(rd(ATA_REG_ERROR), ATA_ER_ABRT);
	CU_ASSERT_EQUAL(reads, 0);
}

static void test_sector_count_zero_means_256(void)
{
	setup();
	lba28(DISK_SECTORS - 255, 0);                   /* 256 from here is one too many */
	wr(ATA_REG_COMMAND, ATA_CMD_READ_SECTORS);
	CU_ASSERT_EQUAL(rd(ATA_REG_STATUS), 0x41);
	lba28(DISK_SECTORS - 256, 0);
	wr(ATA_REG_COMMAND, ATA_CMD_READ_SECTORS);
	CU_ASSERT_EQUAL(rd(ATA_REG_STATUS), 0x58);
}

static void test_unknown_commands_and_identify_packet_abort(void)
{
	setup();
	wr(ATA_REG_DEVICE, 0xa0);
	wr(ATA_REG_COMMAND, 0x55);
	CU_ASSERT_EQUAL(rd(ATA_REG_STATUS), 0x41);
	CU_ASSERT_EQUAL(rd(ATA_REG_ERROR), 0x04);
	wr(ATA_REG_COMMAND, ATA_CMD_IDENTIFY_PACKET);
	CU_ASSERT_EQUAL(rd(ATA_REG_STATUS), 0x41);
}

static void test_backend_failure_aborts_the_command(void)
{
	setup();
	fail_next = true;
	lba28(1, 1);
	wr(ATA_REG_COMMAND, ATA_CMD_READ_SECTORS);
	CU_ASSERT_EQUAL(rd(ATA_REG_STATUS), 0x41);
}

static void test_nien_keeps_the_interrupt_line_low(void)
{
	setup();
	ide_write_control(&ch, ATA_CTL_NIEN);
	lba28(1, 1);
	wr(ATA_REG_COMMAND, ATA_CMD_READ_SECTORS);
	CU_ASSERT_FALSE(irq);
	ide_write_control(&ch, 0);
	CU_ASSERT_TRUE(irq);                            /* still pending: now seen */
}

static void test_software_reset_shows_signatures(void)
{
	setup();
	lba28(77, 3);
	ide_write_control(&ch, ATA_CTL_SRST);
	ide_write_control(&ch, 0);
	CU_ASSERT_EQUAL(rd(ATA_REG_STATUS), 0x50);
	CU_ASSERT_EQUAL(rd(ATA_REG_ERROR), 0x01);
	CU_ASSERT_EQUAL(rd(ATA_REG_NSECTOR), 1);
	CU_ASSERT_EQUAL(rd(ATA_REG_LBA_LOW), 1);
	CU_ASSERT_EQUAL(rd(ATA_REG_LBA_MID), 0);
	CU_ASSERT_EQUAL(rd(ATA_REG_DEVICE), 0xa0);
	wr(ATA_REG_DEVICE, 0xb0);                       /* the absent slave */
	CU_ASSERT_EQUAL(rd(ATA_REG_LBA_MID), 0xff);
	CU_ASSERT_EQUAL(rd(ATA_REG_LBA_HIGH), 0xff);
	CU_ASSERT_EQUAL(rd(ATA_REG_STATUS), 0);
}

static void test_chs_address_maps_to_the_same_sector_as_lba(void)
{
	setup();
	wr(ATA_REG_DEVICE, 0xa0 | 2);                   /* CHS, head 2 */
	wr(ATA_REG_NSECTOR, 1);
	wr(ATA_REG_LBA_LOW, 4);                         /* sector 4 */
	wr(ATA_REG_LBA_MID, 1);                         /* cylinder 1 */
	wr(ATA_REG_LBA_HIGH, 0);
	wr(ATA_REG_COMMAND, ATA_CMD_READ_SECTORS);
	CU_ASSERT_EQUAL(rdw(), (uint8_t)((1 * 16 + 2) * 63 + 3) * 0x0101);
}

static void test_flush_cache_reaches_the_backend(void)
{
	setup();
	wr(ATA_REG_DEVICE, 0xa0);
	wr(ATA_REG_COMMAND, ATA_CMD_FLUSH_CACHE);
	CU_ASSERT_TRUE(flushed);
	CU_ASSERT_EQUAL(rd(ATA_REG_STATUS), 0x50);
}

static void test_read_native_max_in_the_addressing_mode_in_use(void)
{
	setup();
	wr(ATA_REG_DEVICE, 0xa0);                       /* CHS, as QEMU showed */
	wr(ATA_REG_COMMAND, ATA_CMD_READ_NATIVE_MAX);
	CU_ASSERT_EQUAL(rd(ATA_REG_LBA_LOW), 0x20);
	CU_ASSERT_EQUAL(rd(ATA_REG_LBA_MID), 0x02);
	wr(ATA_REG_DEVICE, 0xe0);
	wr(ATA_REG_COMMAND, ATA_CMD_READ_NATIVE_MAX);
	CU_ASSERT_EQUAL(rd(ATA_REG_LBA_LOW), 0xff);
	CU_ASSERT_EQUAL(rd(ATA_REG_LBA_MID), 0x07);
}

static void test_check_power_mode_says_active(void)
{
	setup();
	wr(ATA_REG_DEVICE, 0xa0);
	wr(ATA_REG_COMMAND, ATA_CMD_CHECK_POWER);
	CU_ASSERT_EQUAL(rd(ATA_REG_NSECTOR), 0xff);
	CU_ASSERT_EQUAL(rd(ATA_REG_STATUS), 0x50);
}

static void test_slave_drive_serves_its_own_backend(void)
{
	struct ide_backend slave = master;

	setup_with(NULL, &slave);
	wr(ATA_REG_DEVICE, 0xf0);                       /* slave, LBA */
	CU_ASSERT_EQUAL(rd(ATA_REG_STATUS), 0x50);
	wr(ATA_REG_NSECTOR, 1);
	wr(ATA_REG_LBA_LOW, 9);
	wr(ATA_REG_COMMAND, ATA_CMD_READ_SECTORS);
	CU_ASSERT_EQUAL(rdw(), 0x0909);
}

static const struct { const char *name; void (*fn)(void); } tests[] = {
	{ "a channel without drives reads 0 everywhere", test_channel_without_drives_reads_zero_everywhere },
	{ "an absent slave shows status 0 and ignores commands", test_absent_slave_shows_status_zero_and_ignores_commands },
	{ "IDENTIFY gives one block of QEMU-like data", test_identify_gives_a_block_of_qemu_like_data },
	{ "READ SECTORS moves data with an interrupt per block", test_read_sectors_moves_data_with_an_interrupt_per_block },
	{ "the data port reads 32 bits at a time", test_data_port_reads_32_bits_at_a_time },
	{ "a byte access to the data port moves a word", test_byte_access_to_the_data_port_moves_a_word },
	{ "WRITE SECTORS takes data, then interrupts", test_write_sectors_takes_data_then_interrupts },
	{ "a read past the end aborts", test_read_past_the_end_aborts },
	{ "a sector count of 0 means 256", test_sector_count_zero_means_256 },
	{ "unknown commands and IDENTIFY PACKET abort", test_unknown_commands_and_identify_packet_abort },
	{ "a backend failure aborts the command", test_backend_failure_aborts_the_command },
	{ "nIEN keeps the interrupt line low", test_nien_keeps_the_interrupt_line_low },
	{ "a software reset shows the signatures", test_software_reset_shows_signatures },
	{ "a CHS address maps to the same sector as LBA", test_chs_address_maps_to_the_same_sector_as_lba },
	{ "FLUSH CACHE reaches the backend", test_flush_cache_reaches_the_backend },
	{ "READ NATIVE MAX answers in the addressing mode in use", test_read_native_max_in_the_addressing_mode_in_use },
	{ "CHECK POWER MODE says active", test_check_power_mode_says_active },
	{ "the slave drive serves its own backend", test_slave_drive_serves_its_own_backend },
};

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("IDE/ATA PIO", NULL, NULL);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures != 0;
}
