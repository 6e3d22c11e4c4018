/*
 * ide.h - the primary IDE channel's master disk, read by PIO (ide.c).
 */
#ifndef GUEST_IDE_H
#define GUEST_IDE_H

#include <stdint.h>

#define IDE_SECTOR_SIZE 512

/* Read `count` sectors from sector `lba` of the primary master disk into
 * `dst`.  Return 0, or -1 if there is no disk or it reports an error. */
int ide_read(uint32_t lba, uint32_t count, void *dst);

#endif /* GUEST_IDE_H */
