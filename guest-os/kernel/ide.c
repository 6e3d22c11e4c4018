/*
 * ide.c - reading the PC's first hard disk: the primary IDE channel's master
 * drive, by programmed I/O.
 *
 * An ATA disk on the primary channel is driven through eight ports at 0x1F0
 * (the "task file").  To read, the kernel waits until the drive is not busy,
 * writes the sector count and the 28-bit sector number (LBA) into the task
 * file, and issues READ SECTORS.  For each sector the drive then sets DRQ
 * ("data request") in its status register, and the kernel copies the 512
 * bytes out of the data port, 32 bits at a time (rep insl).  The kernel
 * polls the status rather than taking the disk's interrupt (IRQ 14): it
 * reads the disk only at boot, when nothing else could run meanwhile.
 * A missing drive or controller reads as status 0 or 0xFF, and a drive that
 * does not come ready in time counts as missing.
 */
#include "ide.h"

#include "kernel.h"
#include "x86.h"

#define IDE_DATA 0x1F0
#define IDE_COUNT 0x1F2
#define IDE_LBA_LOW 0x1F3
#define IDE_LBA_MID 0x1F4
#define IDE_LBA_HIGH 0x1F5
#define IDE_DRIVE 0x1F6
#define IDE_STATUS 0x1F7  /* read */
#define IDE_COMMAND 0x1F7 /* write */

/*
 * The status register:
 *
 *     7     6     5    4     3     2      1     0
 *  +-----+-----+----+-----+-----+------+-----+-----+
 *  | BSY | RDY | DF | DSC | DRQ | CORR | IDX | ERR |
 *  +-----+-----+----+-----+-----+------+-----+-----+
 *  BSY: busy, ignore the rest.  RDY: ready for a command.  DF: drive fault.
 *  DRQ: a sector's data is waiting in the data port.  ERR: the last command
 *  failed.
 */
#define STATUS_BSY 0x80u
#define STATUS_RDY 0x40u
#define STATUS_DF 0x20u
#define STATUS_DRQ 0x08u
#define STATUS_ERR 0x01u
#define STATUS_NO_DRIVE 0xFFu /* a floating bus: no controller */

/*
 * The drive/head register: bit 6 selects LBA addressing, bit 4 the drive
 * (0 = master), bits 3:0 are LBA bits 27:24; bits 7 and 5 are always 1.
 */
#define DRIVE_MASTER_LBA 0xE0u

#define CMD_READ_SECTORS 0x20u
#define MAX_SECTORS_PER_COMMAND 256 /* a count of 0 means 256 */
#define POLL_LIMIT 1000000

/* Wait until the drive is not busy and shows all the bits of `want`.
 * Return its status, or -1 if there is no drive, it failed, or it took too
 * long. */
static int wait_for(uint8_t want)
{
    for (int i = 0; i < POLL_LIMIT; i++) {
        uint8_t s = inb(IDE_STATUS);
        if (s == 0 || s == STATUS_NO_DRIVE)
            return -1;
        if (s & STATUS_BSY)
            continue;
        if (s & (STATUS_ERR | STATUS_DF))
            return -1;
        if ((s & want) == want)
            return s;
    }
    return -1;
}

/* Read `count` (1..256) sectors from `lba` into `dst`. */
static int read_run(uint32_t lba, uint32_t count, uint8_t *dst)
{
    outb(IDE_DRIVE, DRIVE_MASTER_LBA | ((lba >> 24) & 0x0F));
    if (wait_for(STATUS_RDY) < 0)
        return -1;
    outb(IDE_COUNT, (uint8_t)count); /* 256 is written as 0 */
    outb(IDE_LBA_LOW, (uint8_t)lba);
    outb(IDE_LBA_MID, (uint8_t)(lba >> 8));
    outb(IDE_LBA_HIGH, (uint8_t)(lba >> 16));
    outb(IDE_COMMAND, CMD_READ_SECTORS);
    for (uint32_t i = 0; i < count; i++, dst += IDE_SECTOR_SIZE) {
        if (wait_for(STATUS_DRQ) < 0)
            return -1;
        insl(IDE_DATA, dst, IDE_SECTOR_SIZE / 4);
    }
    return 0;
}

int ide_read(uint32_t lba, uint32_t count, void *dst)
{
    uint8_t *d = dst;
    while (count > 0) {
        uint32_t n = count < MAX_SECTORS_PER_COMMAND ? count : MAX_SECTORS_PER_COMMAND;
        if (read_run(lba, n, d) < 0)
            return -1;
        lba += n, count -= n, d += n * IDE_SECTOR_SIZE;
    }
    return 0;
}
