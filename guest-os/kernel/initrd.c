/*
 * initrd.c - the initial ramdisk: the programs exec can run.
 *
 * The boot loader leaves the ramdisk (initrd_format.h) in memory as a
 * multiboot module - or, without a module, the kernel reads the same image
 * from the start of the first disk at boot (osmain.c).  Either way the
 * kernel keeps those frames out of the allocator and reads the archive in
 * place through its map of physical memory.  The
 * archive is checked once, at boot - magic, and every entry's name
 * terminated and data inside the image - so lookups can trust it.
 */
#include "initrd.h"

#include "abi.h"
#include "initrd_format.h"
#include "klib.h"

static const uint8_t *disk;
static const struct initrd_entry *entries;
static uint32_t nfiles;

/* Return the length of `s`, or `max` if none of its first `max` bytes is
 * NUL. */
static uint32_t strlen_max(const char *s, uint32_t max)
{
    uint32_t n = 0;
    while (n < max && s[n] != '\0')
        n++;
    return n;
}

/* Return 1 if `e` has a non-empty NUL-terminated name and its data lies in
 * an image of `size` bytes. */
static int entry_ok(const struct initrd_entry *e, uint32_t size)
{
    if (e->name[0] == '\0' || strlen_max(e->name, INITRD_NAME_LEN) == INITRD_NAME_LEN)
        return 0;
    return e->offset <= size && e->size <= size - e->offset;
}

int initrd_init(const uint8_t *image, uint32_t size)
{
    const struct initrd_header *h = (const void *)image;
    if (size < sizeof(*h) || memcmp(h->magic, INITRD_MAGIC, INITRD_MAGIC_LEN) != 0)
        return -1;
    if (h->count > (size - sizeof(*h)) / sizeof(struct initrd_entry))
        return -1;
    const struct initrd_entry *e = (const void *)(image + sizeof(*h));
    for (uint32_t i = 0; i < h->count; i++)
        if (!entry_ok(&e[i], size))
            return -1;
    disk = image;
    entries = e;
    nfiles = h->count;
    return (int)nfiles;
}

uint32_t initrd_size_needed(const uint8_t *head, uint32_t len)
{
    const struct initrd_header *h = (const void *)head;
    if (len < sizeof(*h))
        return sizeof(*h);
    if (memcmp(h->magic, INITRD_MAGIC, INITRD_MAGIC_LEN) != 0 ||
        h->count > INITRD_MAX_FILES)
        return 0;
    uint32_t end = sizeof(*h) + h->count * sizeof(struct initrd_entry);
    if (len < end)
        return end;
    const struct initrd_entry *e = (const void *)(head + sizeof(*h));
    for (uint32_t i = 0; i < h->count; i++) {
        uint32_t file_end = e[i].offset + e[i].size;
        if (file_end < e[i].offset)
            return 0;
        if (file_end > end)
            end = file_end;
    }
    return end;
}

int initrd_find(const char *name, const uint8_t **data, uint32_t *size)
{
    if (name[0] == '/')
        name++;
    for (uint32_t i = 0; i < nfiles; i++) {
        if (strcmp(entries[i].name, name) == 0) {
            *data = disk + entries[i].offset;
            *size = entries[i].size;
            return 0;
        }
    }
    return -ENOENT;
}
