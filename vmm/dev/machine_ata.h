/*
 * machine_ata.h - the monitor's own driver for the real machine's IDE disks.
 *
 * Polled ATA PIO on the machine's primary channel (0x1f0-0x1f7, 0x3f6),
 * LBA28, one sector at a time.  UNIT 0 is the master, 1 the slave.  Every
 * wait is bounded: a drive that does not answer in time is an error, never a
 * hang.
 */
#ifndef VMM_MACHINE_ATA_H
#define VMM_MACHINE_ATA_H

#include <stdint.h>

/* Probe UNIT: its size in 512-byte sectors, or 0 if there is no ATA disk. */
uint32_t machine_ata_identify(unsigned unit);

/* Read sector LBA of UNIT into BUF (512 bytes).  0, or -1 on error. */
int machine_ata_read(unsigned unit, uint32_t lba, void *buf);

/* Write BUF (512 bytes) to sector LBA of UNIT.  0, or -1 on error. */
int machine_ata_write(unsigned unit, uint32_t lba, const void *buf);

/* Flush UNIT's write cache to the medium.  0, or -1 on error. */
int machine_ata_flush(unsigned unit);

#endif
