/* host_elfgen.c - build guest ELF files byte by byte, then break them.
 *
 * The problem: vmm must refuse every kind of unloadable guest, and a test of
 * that needs one file of each kind. Real toolchains won't make most of them
 * (a segment in the PC hole, file data past the end of the file).
 *
 * The approach: start from one small valid guest written with the structs of
 * <elf.h> - an ELF32 i386 ET_EXEC with one PT_LOAD segment at 1 MiB holding a
 * multiboot header and three instructions (mov $5,%al; out %al,$0xf4; hlt),
 * so it also boots natively on QEMU and powers off with status 5 - and make
 * each broken variant by changing one field. The table pairs each variant
 * with the words vmm's complaint must contain.
 *
 *   file offset 0      Elf32_Ehdr
 *               0x34   Elf32_Phdr[e_phnum]
 *               0x1000 segment 0: multiboot header, code   (0x100 bytes)
 *   loaded at   paddr = vaddr = 0x100000, p_memsz 0x2000
 */
#include "host_elfgen.h"

#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SEG_OFFSET   0x1000u
#define SEG_FILESZ   0x100u
#define SEG_MEMSZ    0x2000u
#define SEG_ADDR     0x100000u
#define FILE_SIZE    (SEG_OFFSET + SEG_FILESZ)
#define MB_MAGIC     0x1BADB002u
#define ENTRY        (SEG_ADDR + 12)            /* after the multiboot header */
#define MIN(a, b)    ((a) < (b) ? (a) : (b))

/* The guest being built: headers, and the whole file image. */
struct elfgen {
    Elf32_Ehdr eh;
    Elf32_Phdr ph[2];
    unsigned char image[FILE_SIZE];
    size_t size;                /* bytes of image to write */
    bool elf64;                 /* write an ELF64 header instead */
    bool raw;                   /* write the image without ELF headers */
};

/* Fill G with the valid guest described at the top of the file. */
static void make_valid(struct elfgen *g)
{
    static const unsigned char code[] = { 0xb0, ELFGEN_VALID_STATUS, /* mov */
                                          0xe6, 0xf4,               /* out */
                                          0xf4 };                   /* hlt */
    uint32_t mb[3] = { MB_MAGIC, 0, -MB_MAGIC };

    memset(g, 0, sizeof(*g));
    memcpy(g->eh.e_ident, ELFMAG, SELFMAG);
    g->eh.e_ident[EI_CLASS] = ELFCLASS32;
    g->eh.e_ident[EI_DATA] = ELFDATA2LSB;
    g->eh.e_ident[EI_VERSION] = EV_CURRENT;
    g->eh.e_type = ET_EXEC;
    g->eh.e_machine = EM_386;
    g->eh.e_version = EV_CURRENT;
    g->eh.e_entry = ENTRY;
    g->eh.e_phoff = sizeof(Elf32_Ehdr);
    g->eh.e_ehsize = sizeof(Elf32_Ehdr);
    g->eh.e_phentsize = sizeof(Elf32_Phdr);
    g->eh.e_phnum = 1;
    g->ph[0] = (Elf32_Phdr){ .p_type = PT_LOAD, .p_offset = SEG_OFFSET,
        .p_vaddr = SEG_ADDR, .p_paddr = SEG_ADDR, .p_filesz = SEG_FILESZ,
        .p_memsz = SEG_MEMSZ, .p_flags = PF_R | PF_W | PF_X, .p_align = 0x1000 };
    memcpy(g->image + SEG_OFFSET, mb, sizeof(mb));
    memcpy(g->image + SEG_OFFSET + sizeof(mb), code, sizeof(code));
    g->size = FILE_SIZE;
}

/* Lay the headers of G into its image (the ELF64 variant gets a minimal
 * x86-64 header instead). */
static void lay_headers(struct elfgen *g)
{
    Elf64_Ehdr e64;

    if (g->elf64) {
        memset(&e64, 0, sizeof(e64));
        memcpy(e64.e_ident, g->eh.e_ident, EI_NIDENT);
        e64.e_ident[EI_CLASS] = ELFCLASS64;
        e64.e_type = ET_EXEC;
        e64.e_machine = EM_X86_64;
        e64.e_version = EV_CURRENT;
        e64.e_entry = ENTRY;
        e64.e_ehsize = sizeof(e64);
        memcpy(g->image, &e64, sizeof(e64));
        return;
    }
    memcpy(g->image, &g->eh, sizeof(g->eh));
    if (g->eh.e_phoff < FILE_SIZE)      /* what fits: phdrs-past-eof */
        memcpy(g->image + g->eh.e_phoff, g->ph,
               MIN(g->eh.e_phnum * sizeof(Elf32_Phdr),
                   FILE_SIZE - g->eh.e_phoff));
}

/* Apply the change that makes variant NAME out of the valid guest. Returns
 * false if NAME is not a variant. */
static bool mutate(struct elfgen *g, const char *name)
{
    Elf32_Phdr *ph = &g->ph[0];

    if (!strcmp(name, "valid") || !strcmp(name, "missing")) ;
    else if (!strcmp(name, "empty"))      g->raw = true, g->size = 0;
    else if (!strcmp(name, "text"))       g->raw = true, g->size =
        (size_t)sprintf((char *)g->image, "#!/bin/sh\necho not a kernel\n");
    else if (!strcmp(name, "truncated"))  g->size = 30;
    else if (!strcmp(name, "elf64"))      g->elf64 = true;
    else if (!strcmp(name, "arm"))        g->eh.e_machine = EM_ARM;
    else if (!strcmp(name, "relocatable")) g->eh.e_type = ET_REL;
    else if (!strcmp(name, "shared"))     g->eh.e_type = ET_DYN;
    else if (!strcmp(name, "no-load"))    ph->p_type = PT_NOTE;
    else if (!strcmp(name, "no-phdrs"))   g->eh.e_phnum = 0, g->eh.e_phoff = 0;
    else if (!strcmp(name, "phdrs-past-eof")) g->eh.e_phoff = FILE_SIZE - 8;
    else if (!strcmp(name, "outside-ram")) ph->p_paddr = ELFGEN_MEM_MIB << 20;
    else if (!strcmp(name, "wraps-4g"))   ph->p_paddr = 0xfffff000u;
    else if (!strcmp(name, "pc-hole"))    ph->p_paddr = 0xb8000;
    else if (!strcmp(name, "pc-hole-edge")) ph->p_paddr = 0x100000 - 0x1000;
    else if (!strcmp(name, "filesz-gt-memsz")) ph->p_memsz = 0x80;
    else if (!strcmp(name, "data-past-eof")) ph->p_offset = FILE_SIZE - 0x10;
    else if (!strcmp(name, "entry-outside")) g->eh.e_entry = 0x200000;
    else if (!strcmp(name, "entry-at-end")) g->eh.e_entry = SEG_ADDR + SEG_MEMSZ;
    else if (!strcmp(name, "second-load-bad")) {
        g->eh.e_phnum = 2;
        g->ph[1] = g->ph[0];
        g->ph[1].p_paddr = 0xa0000;
    } else
        return false;
    return true;
}

const struct elf_variant elf_variants[] = {
    { "valid",            NULL },
    { "missing",          "cannot open: No such file or directory" },
    { "empty",            "not an ELF file" },
    { "text",             "not an ELF file" },
    { "truncated",        "truncated ELF file" },
    { "elf64",            "64-bit ELF (ELFCLASS64)" },
    { "arm",              "not i386 (EM_386)" },
    { "relocatable",      "not an executable: e_type is ET_REL" },
    { "shared",           "not an executable: e_type is ET_DYN" },
    { "no-load",          "no loadable (PT_LOAD) segment" },
    { "no-phdrs",         "no loadable (PT_LOAD) segment" },
    { "phdrs-past-eof",   "program headers" },
    { "outside-ram",      "outside guest RAM" },
    { "wraps-4g",         "outside guest RAM" },
    { "pc-hole",          "overlaps the PC hole" },
    { "pc-hole-edge",     "overlaps the PC hole" },
    { "filesz-gt-memsz",  "p_filesz > p_memsz" },
    { "data-past-eof",    "beyond the end of the file" },
    { "entry-outside",    "entry point 0x00200000 is not inside any loadable segment" },
    { "entry-at-end",     "entry point 0x00102000 is not inside" },
    { "second-load-bad",  "segment 1: physical range 0x000a0000" },
    { NULL, NULL },
};

/* Find the variant called NAME in the table; NULL if there is none. */
static const struct elf_variant *find_variant(const char *name)
{
    for (const struct elf_variant *v = elf_variants; v->name; v++)
        if (!strcmp(v->name, name))
            return v;
    return NULL;
}

const struct elf_variant *elfgen_write(const char *name, const char *path)
{
    const struct elf_variant *v = find_variant(name);
    struct elfgen g;
    FILE *f;
    bool ok;

    make_valid(&g);
    if (v == NULL || !mutate(&g, name))
        return NULL;
    remove(path);
    if (!strcmp(name, "missing"))
        return v;
    if (!g.raw)
        lay_headers(&g);
    f = fopen(path, "wb");
    if (f == NULL)
        return NULL;
    ok = fwrite(g.image, 1, g.size, f) == g.size;
    return fclose(f) == 0 && ok ? v : NULL;
}
