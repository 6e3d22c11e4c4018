/*
 * initrd.h - the initial ramdisk (initrd.c).
 */
#ifndef GUEST_INITRD_H
#define GUEST_INITRD_H

#include <stdint.h>

/* Use the `size` bytes at `image` (the kernel's mapping of the module) as the
 * ramdisk.  Return the number of files, or -1 (and keep none) if the image
 * is not a well-formed ramdisk. */
int initrd_init(const uint8_t *image, uint32_t size);

/* For an image read from a disk piece by piece: given its first `len`
 * bytes at `head`, return how many bytes of it are needed to know more -
 * the header, then the entry table, then everything the entries cover -
 * or `len` itself once that is all of it; 0 if `head` is not a ramdisk. */
uint32_t initrd_size_needed(const uint8_t *head, uint32_t len);

/* Find the file `name` (a leading '/' is ignored).  Return 0 and set *data,
 * *size, or -ENOENT. */
int initrd_find(const char *name, const uint8_t **data, uint32_t *size);

#endif /* GUEST_INITRD_H */
