/* symbols.c - turn a guest address into something a person can read.
 *
 * The problem: the monitor reports guest addresses (where an exit happened,
 * which instructions are hot), and `vmm scan` finds addresses by sweeping
 * code. A bare 0x80101a3c says nothing; "trap_entry+0x1c  iretd" does.
 *
 * The approach: the guest is an ELF file, and the file has what is needed.
 * Its symbol table names the addresses (libelf); its loadable segments hold
 * the code bytes at their virtual addresses, which capstone decodes in
 * 32-bit mode. Both are read from the file, never from the running guest:
 * what the table shows is the kernel as built. A user program's address
 * (a process's code, not in the kernel's file) has no name here.
 */
#include "symbols.h"

#include <capstone/capstone.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_INSN_BYTES 15       /* the longest x86 instruction */

/* Add symbol NAME at ADDR of SIZE to *T. False if out of memory. */
static bool symtab_add(struct symtab *t, const char *name, uint32_t addr,
                       uint32_t size)
{
    struct symbol *s = realloc(t->syms, (t->n + 1) * sizeof(*s));

    if (s == NULL)
        return false;
    t->syms = s;
    s = &t->syms[t->n];
    if ((s->name = strdup(name)) == NULL)
        return false;
    s->addr = addr;
    s->size = size;
    t->n++;
    return true;
}

/* Add the named symbols of one SHT_SYMTAB section to *T. */
static void load_section(struct symtab *t, Elf *elf, Elf_Scn *scn,
                         const GElf_Shdr *sh)
{
    Elf_Data *data = elf_getdata(scn, NULL);

    if (data == NULL || sh->sh_entsize == 0)
        return;
    for (size_t i = 0; i < sh->sh_size / sh->sh_entsize; i++) {
        GElf_Sym sym;
        const char *name;

        if (gelf_getsym(data, (int)i, &sym) == NULL ||
            GELF_ST_TYPE(sym.st_info) == STT_SECTION ||
            GELF_ST_TYPE(sym.st_info) == STT_FILE)
            continue;
        name = elf_strptr(elf, sh->sh_link, sym.st_name);
        if (name && *name &&
            !symtab_add(t, name, (uint32_t)sym.st_value,
                        (uint32_t)sym.st_size))
            return;
    }
}

void symtab_load(struct symtab *t, Elf *elf)
{
    Elf_Scn *scn = NULL;
    GElf_Shdr sh;

    t->syms = NULL;
    t->n = 0;
    while ((scn = elf_nextscn(elf, scn)) != NULL)
        if (gelf_getshdr(scn, &sh) != NULL && sh.sh_type == SHT_SYMTAB)
            load_section(t, elf, scn, &sh);
}

void symtab_free(struct symtab *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->syms[i].name);
    free(t->syms);
    t->syms = NULL;
    t->n = 0;
}

bool symtab_describe(const struct symtab *t, uint32_t addr, char *buf,
                     size_t len)
{
    const struct symbol *best = NULL;

    for (size_t i = 0; i < t->n; i++) {
        const struct symbol *s = &t->syms[i];

        if (s->addr > addr || (s->size && addr - s->addr >= s->size))
            continue;
        if (best == NULL || s->addr > best->addr)
            best = s;
    }
    if (best == NULL) {
        snprintf(buf, len, "?");
        return false;
    }
    snprintf(buf, len, "%s+0x%x", best->name, addr - best->addr);
    return true;
}

bool guest_image_open(struct guest_image *g, const char *path, char *err,
                      size_t errlen)
{
    memset(g, 0, sizeof(*g));
    g->fd = -1;
    if (elf_version(EV_CURRENT) == EV_NONE ||
        (g->fd = open(path, O_RDONLY)) < 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return false;
    }
    g->elf = elf_begin(g->fd, ELF_C_READ, NULL);
    if (g->elf == NULL || elf_kind(g->elf) != ELF_K_ELF ||
        gelf_getclass(g->elf) != ELFCLASS32) {
        snprintf(err, errlen, "%s: not a 32-bit ELF file", path);
        guest_image_close(g);
        return false;
    }
    symtab_load(&g->syms, g->elf);
    return true;
}

void guest_image_close(struct guest_image *g)
{
    symtab_free(&g->syms);
    if (g->elf)
        elf_end(g->elf);
    if (g->fd >= 0)
        close(g->fd);
    g->elf = NULL;
    g->fd = -1;
}

/* The loadable segment of G holding VA in its memory image (file data and
 * zero fill), into *PH. False if there is none. */
static bool segment_of(const struct guest_image *g, uint32_t va,
                       GElf_Phdr *ph)
{
    size_t nphdr;

    if (g->elf == NULL || elf_getphdrnum(g->elf, &nphdr) != 0)
        return false;
    for (size_t i = 0; i < nphdr; i++)
        if (gelf_getphdr(g->elf, (int)i, ph) != NULL &&
            ph->p_type == PT_LOAD && va >= ph->p_vaddr &&
            va - ph->p_vaddr < ph->p_memsz)
            return true;
    return false;
}

bool guest_image_describe(const struct guest_image *g, uint32_t va,
                          char *buf, size_t len)
{
    GElf_Phdr ph;

    if (!segment_of(g, va, &ph)) {
        snprintf(buf, len, "?");
        return false;
    }
    return symtab_describe(&g->syms, va, buf, len);
}

size_t guest_image_read(const struct guest_image *g, uint32_t va,
                        uint8_t *buf, size_t len)
{
    GElf_Phdr ph;
    uint64_t avail;

    if (!segment_of(g, va, &ph) || va - ph.p_vaddr >= ph.p_filesz)
        return 0;
    avail = ph.p_filesz - (va - ph.p_vaddr);
    if (avail < len)
        len = (size_t)avail;
    if (pread(g->fd, buf, len, (off_t)(ph.p_offset + (va - ph.p_vaddr))) !=
        (ssize_t)len)
        return 0;
    return len;
}

bool guest_image_disasm(const struct guest_image *g, uint32_t va, char *buf,
                        size_t len)
{
    uint8_t code[MAX_INSN_BYTES];
    size_t n = guest_image_read(g, va, code, sizeof(code));
    cs_insn *in = NULL;
    bool ok = false;
    csh cs;

    if (n == 0) {
        snprintf(buf, len, "(not in the ELF file: a process's code?)");
        return false;
    }
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &cs) != CS_ERR_OK) {
        snprintf(buf, len, "(capstone could not start)");
        return false;
    }
    if (cs_disasm(cs, code, n, va, 1, &in) == 1) {
        snprintf(buf, len, "%s%s%s", in->mnemonic, in->op_str[0] ? " " : "",
                 in->op_str);
        ok = true;
    } else {
        snprintf(buf, len, "(not an instruction)");
    }
    if (in)
        cs_free(in, 1);
    cs_close(&cs);
    return ok;
}
