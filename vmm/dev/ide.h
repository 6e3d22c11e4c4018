/*
 * ide.h - an IDE/ATA channel in PIO mode: the PC's primary channel, master and slave.
 *
 *   port   read                 write
 *   0x1f0  data (16/32 bits)    data
 *   0x1f1  error                features
 *   0x1f2  sector count         sector count
 *   0x1f3  LBA 7-0 / sector     LBA 7-0
 *   0x1f4  LBA 15-8 / cyl. low  LBA 15-8
 *   0x1f5  LBA 23-16 / cyl. hi  LBA 23-16
 *   0x1f6  device/head          device/head: bit 6 LBA, bit 4 drive, 3-0 LBA 27-24 / head
 *   0x1f7  status               command
 *   0x3f6  alternate status     device control: bit 2 SRST, bit 1 nIEN
 *
 * Each drive is a block backend: READ and WRITE one 512-byte sector at an
 * LBA (returning 0, or -1 on failure), FLUSH (may be NULL), and SECTORS, its
 * size; a drive with SECTORS = 0 is absent.
 */
#ifndef VMM_DEV_IDE_H
#define VMM_DEV_IDE_H

#include <stdbool.h>
#include <stdint.h>

#include "irq.h"

#define IDE_PRIMARY_BASE    0x1f0
#define IDE_PRIMARY_CONTROL 0x3f6
#define IDE_PRIMARY_IRQ     14
#define IDE_SECTOR_SIZE     512

/* Register offsets from the command block base. */
#define ATA_REG_DATA     0
#define ATA_REG_ERROR    1
#define ATA_REG_FEATURES 1
#define ATA_REG_NSECTOR  2
#define ATA_REG_LBA_LOW  3
#define ATA_REG_LBA_MID  4
#define ATA_REG_LBA_HIGH 5
#define ATA_REG_DEVICE   6
#define ATA_REG_STATUS   7
#define ATA_REG_COMMAND  7

/*
 *  status   7: BSY  6: DRDY  5: DF  4: DSC  3: DRQ  2: CORR  1: IDX  0: ERR
 *  error    4: IDNF  2: ABRT   (after reset or diagnostics: 0x01 = passed)
 *  device   7,5: 1  6: LBA  4: DEV (0 master, 1 slave)  3-0: LBA 27-24 or head
 *  control  2: SRST  1: nIEN
 */
#define ATA_SR_BSY      0x80
#define ATA_SR_DRDY     0x40
#define ATA_SR_DF       0x20
#define ATA_SR_DSC      0x10
#define ATA_SR_DRQ      0x08
#define ATA_SR_ERR      0x01
#define ATA_ER_ABRT     0x04
#define ATA_DIAG_PASSED 0x01
#define ATA_DEV_LBA     0x40
#define ATA_DEV_SLAVE   0x10
#define ATA_DEV_ONES    0xa0
#define ATA_CTL_SRST    0x04
#define ATA_CTL_NIEN    0x02

/* Commands. */
#define ATA_CMD_RECALIBRATE     0x10
#define ATA_CMD_READ_SECTORS    0x20
#define ATA_CMD_READ_SECTORS_NR 0x21
#define ATA_CMD_WRITE_SECTORS   0x30
#define ATA_CMD_WRITE_SECTORS_NR 0x31
#define ATA_CMD_VERIFY          0x40
#define ATA_CMD_VERIFY_NR       0x41
#define ATA_CMD_DIAGNOSTIC      0x90
#define ATA_CMD_SPECIFY         0x91
#define ATA_CMD_IDENTIFY_PACKET 0xa1
#define ATA_CMD_STANDBY_NOW     0xe0
#define ATA_CMD_IDLE_NOW        0xe1
#define ATA_CMD_CHECK_POWER     0xe5
#define ATA_CMD_FLUSH_CACHE     0xe7
#define ATA_CMD_IDENTIFY        0xec
#define ATA_CMD_SET_FEATURES    0xef
#define ATA_CMD_READ_NATIVE_MAX 0xf8

struct ide_backend {
	int (*read)(void *ctx, uint32_t lba, void *buf);
	int (*write)(void *ctx, uint32_t lba, const void *buf);
	int (*flush)(void *ctx);
	uint32_t sectors;
	void *ctx;
};

/* The task-file registers; each drive keeps its own copy of what was written. */
struct ata_taskfile {
	uint8_t features, nsector, lba_low, lba_mid, lba_high, device;
};

struct ide_drive {
	struct ide_backend backend;
	struct ata_taskfile tf;
	uint8_t status, error;
	uint16_t cylinders, heads, sectors_per_track;
};

enum ide_transfer { IDE_IDLE, IDE_DATA_IN, IDE_DATA_OUT };

struct ide_channel {
	struct ide_drive drive[2];
	unsigned unit;                  /* the selected drive: DEV of the last device write */
	uint8_t control;
	bool intrq;                     /* the selected drive asserts INTRQ */

	/* The PIO transfer in progress. */
	enum ide_transfer transfer;
	uint8_t buf[IDE_SECTOR_SIZE];
	unsigned buf_pos;
	uint32_t lba;                   /* the sector in buf (read) or expected (write) */
	unsigned sectors_left;          /* including the one in buf */
	bool moves_sectors;             /* sectors (not IDENTIFY data) move */

	struct irq_line irq;
};

/* Power-on state with drives MASTER and SLAVE (NULL: absent). */
void ide_init(struct ide_channel *ch, const struct ide_backend *master,
	      const struct ide_backend *slave, struct irq_line irq);

/* A guest read of SIZE bytes at command-block register REG (0-7). */
uint32_t ide_read(struct ide_channel *ch, unsigned reg, unsigned size);

/* A guest write of SIZE bytes VAL at command-block register REG. */
void ide_write(struct ide_channel *ch, unsigned reg, unsigned size, uint32_t val);

/* The control block: alternate status (read) and device control (write). */
uint8_t ide_read_alt_status(struct ide_channel *ch);
void ide_write_control(struct ide_channel *ch, uint8_t val);

#endif
