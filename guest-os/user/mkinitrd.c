/*
 * mkinitrd.c - make the OS's initial ramdisk from files (a host tool).
 *
 *     mkinitrd OUTPUT FILE...
 *
 * writes OUTPUT in the format of kernel/initrd_format.h: a header, one entry
 * per FILE named after the FILE's last path component, then the files'
 * data, each on a 16-byte boundary.  Runs at build time on the build
 * machine (a little-endian x86, as the format wants).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "initrd_format.h"


/* Read all of `path` into a new buffer; set *size.  Exit on failure. */
static unsigned char *read_file(const char *path, uint32_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0) {
        fprintf(stderr, "mkinitrd: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    long len = ftell(f);
    rewind(f);
    unsigned char *data = malloc(len > 0 ? (size_t)len : 1);
    if (data == NULL || fread(data, 1, (size_t)len, f) != (size_t)len) {
        fprintf(stderr, "mkinitrd: cannot read %s\n", path);
        exit(1);
    }
    fclose(f);
    *size = (uint32_t)len;
    return data;
}

/* Return the last component of `path`. */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

static uint32_t align(uint32_t x)
{
    return (x + INITRD_ALIGN - 1) & ~(uint32_t)(INITRD_ALIGN - 1);
}

int main(int argc, char *argv[])
{
    int n = argc - 2;
    if (n < 1 || n > INITRD_MAX_FILES) {
        fprintf(stderr, "usage: mkinitrd OUTPUT FILE... (1 to %d files)\n", INITRD_MAX_FILES);
        return 2;
    }
    struct initrd_header header = {.count = (uint32_t)n};
    struct initrd_entry entries[INITRD_MAX_FILES];
    unsigned char *data[INITRD_MAX_FILES];
    uint32_t offset = align(sizeof(header) + (uint32_t)n * sizeof(entries[0]));
    memcpy(header.magic, INITRD_MAGIC, INITRD_MAGIC_LEN);
    memset(entries, 0, sizeof(entries));
    for (int i = 0; i < n; i++) {
        const char *name = base_name(argv[i + 2]);
        if (strlen(name) >= INITRD_NAME_LEN) {
            fprintf(stderr, "mkinitrd: name too long: %s\n", name);
            return 1;
        }
        strcpy(entries[i].name, name);
        data[i] = read_file(argv[i + 2], &entries[i].size);
        entries[i].offset = offset;
        offset = align(offset + entries[i].size);
    }

    FILE *out = fopen(argv[1], "wb");
    if (out == NULL) {
        fprintf(stderr, "mkinitrd: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    fwrite(&header, sizeof(header), 1, out);
    fwrite(entries, sizeof(entries[0]), (size_t)n, out);
    for (int i = 0; i < n; i++) {
        static const unsigned char zeros[INITRD_ALIGN];
        long pad = (long)entries[i].offset - ftell(out);
        fwrite(zeros, 1, (size_t)pad, out);
        fwrite(data[i], 1, entries[i].size, out);
        free(data[i]);
    }
    if (fclose(out) != 0) {
        fprintf(stderr, "mkinitrd: cannot write %s\n", argv[1]);
        return 1;
    }
    return 0;
}
