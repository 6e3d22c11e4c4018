/*
 * machine_ata.c - polled ATA PIO on the machine's primary IDE channel.
 *
 * Problem: the guest's disk is a real disk of the machine the monitor runs
 * on (QEMU gives the monitor the image files as IDE disks); the guest's
 * writes must reach them.  The monitor has no interrupts for this, and must
 * never hang on a drive that does not answer.
 *
 * Approach: the textbook polled protocol - select the drive, write the task
 * file, issue the command, poll status until BSY clears and DRQ (or ERR)
 * shows, move 256 words through the data port - with every poll bounded by
 * a count of status reads instead of an endless loop.  The drive's interrupt
 * is disabled (nIEN) so it never raises the machine's IRQ 14.  This file
 * touches real hardware: it is built into the monitor only, never tested on
 * the host; the IDE model's tests cover the protocol from the other side.
 */
#include "machine_ata.h"

#include "../core/x86.h"
#include "ide.h"

#define BASE            IDE_PRIMARY_BASE
#define CONTROL         IDE_PRIMARY_CONTROL
#define POLL_LIMIT      10000000u       /* status reads before giving up */
#define SELECT_DELAY    4               /* alternate-status reads: 400 ns */
#define ATAPI_SIG_MID   0x14
#define ATAPI_SIG_HIGH  0xeb
#define LBA28_LIMIT     0x10000000u

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

/* Wait until BSY clears; the final status, or 0xff on timeout. */
static uint8_t wait_not_busy(void)
{
	for (unsigned i = 0; i < POLL_LIMIT; i++) {
		uint8_t st = inb(BASE + ATA_REG_STATUS);

		if (!(st & ATA_SR_BSY))
			return st;
	}
	return 0xff;
}

/* Wait for DRQ: 0 when the drive wants data moved, -1 on error or timeout. */
static int wait_drq(void)
{
	uint8_t st = wait_not_busy();

	if (st == 0xff || (st & (ATA_SR_ERR | ATA_SR_DF)) || !(st & ATA_SR_DRQ))
		return -1;
	return 0;
}

/* Select UNIT with the top LBA bits; interrupts off. */
static void select_drive(unsigned unit, uint32_t lba)
{
	outb(CONTROL, ATA_CTL_NIEN);
	outb(BASE + ATA_REG_DEVICE, (uint8_t)(ATA_DEV_ONES | ATA_DEV_LBA |
			(unit ? ATA_DEV_SLAVE : 0) | ((lba >> 24) & 0x0f)));
	for (unsigned i = 0; i < SELECT_DELAY; i++)
		(void)inb(CONTROL);
}

static int issue(unsigned unit, uint32_t lba, uint8_t cmd)
{
	if (lba >= LBA28_LIMIT)
		return -1;
	select_drive(unit, lba);
	if (wait_not_busy() == 0xff)
		return -1;
	outb(BASE + ATA_REG_NSECTOR, 1);
	outb(BASE + ATA_REG_LBA_LOW, (uint8_t)lba);
	outb(BASE + ATA_REG_LBA_MID, (uint8_t)(lba >> 8));
	outb(BASE + ATA_REG_LBA_HIGH, (uint8_t)(lba >> 16));
	outb(BASE + ATA_REG_COMMAND, cmd);
	return 0;
}

uint32_t machine_ata_identify(unsigned unit)
{
	uint16_t id[256];
	uint8_t st;

	select_drive(unit, 0);
	st = inb(BASE + ATA_REG_STATUS);
	if (st == 0 || st == 0xff)
		return 0;               /* nothing there (QEMU: 0; no controller: 0xff) */
	if (issue(unit, 0, ATA_CMD_IDENTIFY) != 0)
		return 0;
	if (inb(BASE + ATA_REG_LBA_MID) == ATAPI_SIG_MID &&
	    inb(BASE + ATA_REG_LBA_HIGH) == ATAPI_SIG_HIGH)
		return 0;               /* a CD-ROM, not a disk */
	if (wait_drq() != 0)
		return 0;
	for (unsigned i = 0; i < 256; i++)
		id[i] = inw(BASE + ATA_REG_DATA);
	if (!(id[49] & (1u << 9)))
		return 0;               /* no LBA */
	return (uint32_t)id[61] << 16 | id[60];
}

int machine_ata_read(unsigned unit, uint32_t lba, void *buf)
{
	uint16_t *w = buf;

	if (issue(unit, lba, ATA_CMD_READ_SECTORS) != 0 || wait_drq() != 0)
		return -1;
	for (unsigned i = 0; i < IDE_SECTOR_SIZE / 2; i++)
		w[i] = inw(BASE + ATA_REG_DATA);
	return 0;
}

int machine_ata_write(unsigned unit, uint32_t lba, const void *buf)
{
	const uint16_t *w = buf;
	uint8_t st;

	if (issue(unit, lba, ATA_CMD_WRITE_SECTORS) != 0 || wait_drq() != 0)
		return -1;
	for (unsigned i = 0; i < IDE_SECTOR_SIZE / 2; i++)
		outw(BASE + ATA_REG_DATA, w[i]);
	st = wait_not_busy();
	return st == 0xff || (st & (ATA_SR_ERR | ATA_SR_DF)) ? -1 : 0;
}

int machine_ata_flush(unsigned unit)
{
	uint8_t st;

	select_drive(unit, 0);
	if (wait_not_busy() == 0xff)
		return -1;
	outb(BASE + ATA_REG_COMMAND, ATA_CMD_FLUSH_CACHE);
	st = wait_not_busy();
	return st == 0xff || (st & (ATA_SR_ERR | ATA_SR_DF)) ? -1 : 0;
}
