/* elfcheck.c - refuse a bad guest before QEMU ever starts.
 *
 * The problem: a guest that cannot run fails late and obscurely. QEMU's
 * multiboot loader says "kernel too old", the monitor stops the guest with a
 * triple fault, or nothing prints at all. Every one of those failures is
 * visible in the guest's ELF headers, so vmm reads them first and names the
 * problem in one line.
 *
 * The approach: libelf reads the file header and program headers; we then
 * check, in order, each property the loader relies on:
 *   1. the file opens and is an ELF file;
 *   2. it is 32-bit (ELFCLASS32), little-endian, for i386 (EM_386), and an
 *      executable (ET_EXEC), not an object file or a shared object;
 *   3. it has at least one loadable (PT_LOAD) segment, and every one has
 *      p_filesz <= p_memsz, file data inside the file, and a physical range
 *      [p_paddr, p_paddr + p_memsz) inside guest RAM [0, mem) that does not
 *      touch the PC hole [0xA0000, 0x100000);
 *   4. the entry point e_entry lies in the virtual range of a PT_LOAD segment.
 * The first failure wins. The check only reads the file, so it is a pure
 * function of the file's bytes and the guest RAM size.
 */
#include "elfcheck.h"

#include <errno.h>
#include <fcntl.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Everything one check needs: the open file and where to say what failed. */
struct guest_file {
    Elf *elf;
    int fd;
    off_t size;                 /* file size in bytes */
    uint64_t mem_bytes;         /* guest RAM size */
    char *err;
    size_t errlen;
};

/* Write a printf-style reason into the error buffer; always returns false so
 * a check can `return fail(...)`. */
static bool fail(struct guest_file *g, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(g->err, g->errlen, fmt, ap);
    va_end(ap);
    return false;
}

/* Name an e_type value for messages. */
static const char *elf_type_name(unsigned type)
{
    switch (type) {
    case ET_NONE: return "ET_NONE, no file type";
    case ET_REL:  return "ET_REL, a relocatable object file";
    case ET_DYN:  return "ET_DYN, a shared object or PIE executable";
    case ET_CORE: return "ET_CORE, a core dump";
    default:      return "an unknown type";
    }
}

/* Name a few common e_machine values for messages; NULL if we don't know it. */
static const char *elf_machine_name(unsigned machine)
{
    switch (machine) {
    case EM_X86_64:  return "x86-64";
    case EM_ARM:     return "ARM";
    case EM_AARCH64: return "AArch64";
    case EM_RISCV:   return "RISC-V";
    case EM_MIPS:    return "MIPS";
    case EM_PPC:     return "PowerPC";
    default:         return NULL;
    }
}

/* Does the file begin with the ELF magic "\177ELF"? (libelf does not say
 * "ELF" of a file too short to hold a header.) */
static bool starts_with_elf_magic(struct guest_file *g)
{
    char magic[SELFMAG];

    return pread(g->fd, magic, SELFMAG, 0) == SELFMAG &&
           memcmp(magic, ELFMAG, SELFMAG) == 0;
}

/* Check the identification bytes and the file header (items 1 and 2).
 * Returns the header, or NULL with the reason recorded. */
static Elf32_Ehdr *check_header(struct guest_file *g)
{
    size_t nident;
    char *ident;
    Elf32_Ehdr *eh;
    const char *mname;

    if (elf_kind(g->elf) != ELF_K_ELF)
        return fail(g, starts_with_elf_magic(g) ? "truncated ELF file (%lld "
                    "bytes)" : "not an ELF file", (long long)g->size), NULL;
    ident = elf_getident(g->elf, &nident);
    if (ident == NULL || nident < EI_NIDENT)
        return fail(g, "truncated ELF identification"), NULL;
    if (ident[EI_CLASS] == ELFCLASS64)
        return fail(g, "64-bit ELF (ELFCLASS64); the guest must be a 32-bit "
                    "(ELFCLASS32) i386 kernel"), NULL;
    if (ident[EI_CLASS] != ELFCLASS32)
        return fail(g, "unknown ELF class %d; the guest must be ELFCLASS32",
                    ident[EI_CLASS]), NULL;
    if (ident[EI_DATA] != ELFDATA2LSB)
        return fail(g, "not a little-endian (ELFDATA2LSB) ELF file"), NULL;
    eh = elf32_getehdr(g->elf);
    if (eh == NULL)
        return fail(g, "cannot read the ELF header: %s", elf_errmsg(-1)), NULL;
    if (eh->e_machine != EM_386) {
        mname = elf_machine_name(eh->e_machine);
        return fail(g, "built for %s (e_machine %u), not i386 (EM_386)",
                    mname ? mname : "another machine", eh->e_machine), NULL;
    }
    if (eh->e_type != ET_EXEC)
        return fail(g, "not an executable: e_type is %s; the guest must be "
                    "ET_EXEC", elf_type_name(eh->e_type)), NULL;
    return eh;
}

/* Check one PT_LOAD segment, number i (item 3): sizes, file data, and its
 * physical range against guest RAM and the PC hole. */
static bool check_load_segment(struct guest_file *g, size_t i,
                               const Elf32_Phdr *ph)
{
    uint64_t start = ph->p_paddr;
    uint64_t end = start + (uint64_t)ph->p_memsz;       /* exclusive */
    uint64_t file_end = (uint64_t)ph->p_offset + ph->p_filesz;

    if (ph->p_filesz > ph->p_memsz)
        return fail(g, "segment %zu: file size 0x%x is larger than its memory "
                    "size 0x%x (p_filesz > p_memsz)", i, ph->p_filesz,
                    ph->p_memsz);
    if (file_end > (uint64_t)g->size)
        return fail(g, "segment %zu: file data (offset 0x%x, 0x%x bytes) runs "
                    "beyond the end of the file (%lld bytes)", i, ph->p_offset,
                    ph->p_filesz, (long long)g->size);
    if (ph->p_memsz == 0)
        return true;
    if (end > g->mem_bytes)
        return fail(g, "segment %zu: physical range 0x%08llx-0x%08llx lies "
                    "outside guest RAM (0-0x%08llx, %llu MiB)", i,
                    (unsigned long long)start, (unsigned long long)end - 1,
                    (unsigned long long)g->mem_bytes - 1,
                    (unsigned long long)(g->mem_bytes >> 20));
    if (start < PC_HOLE_END && end > PC_HOLE_START)
        return fail(g, "segment %zu: physical range 0x%08llx-0x%08llx overlaps "
                    "the PC hole 0x000a0000-0x000fffff (VGA and BIOS)", i,
                    (unsigned long long)start, (unsigned long long)end - 1);
    return true;
}

/* Check the program headers (item 3) and that e_entry lies inside the
 * virtual range of a loadable segment (item 4). */
static bool check_segments(struct guest_file *g, const Elf32_Ehdr *eh)
{
    size_t n, i, loads = 0;
    bool entry_found = false;
    Elf32_Phdr *ph;

    if (eh->e_phnum && eh->e_phentsize != sizeof(Elf32_Phdr))
        return fail(g, "program headers of %u bytes, not %zu",
                    eh->e_phentsize, sizeof(Elf32_Phdr));
    /* libelf quietly reports none if they lie past the end; we say so */
    if ((uint64_t)eh->e_phoff + eh->e_phnum * sizeof(Elf32_Phdr) >
        (uint64_t)g->size)
        return fail(g, "program headers (offset 0x%x, %u entries) run beyond "
                    "the end of the file (%lld bytes)", eh->e_phoff,
                    eh->e_phnum, (long long)g->size);
    if (elf_getphdrnum(g->elf, &n) != 0)
        return fail(g, "cannot read the program headers: %s", elf_errmsg(-1));
    ph = n ? elf32_getphdr(g->elf) : NULL;
    if (n && ph == NULL)
        return fail(g, "cannot read the program headers: %s", elf_errmsg(-1));
    for (i = 0; i < n; i++) {
        if (ph[i].p_type != PT_LOAD)
            continue;
        loads++;
        if (!check_load_segment(g, i, &ph[i]))
            return false;
        if (eh->e_entry >= ph[i].p_vaddr &&
            (uint64_t)eh->e_entry < (uint64_t)ph[i].p_vaddr + ph[i].p_memsz)
            entry_found = true;
    }
    if (loads == 0)
        return fail(g, "no loadable (PT_LOAD) segment");
    if (!entry_found)
        return fail(g, "entry point 0x%08x is not inside any loadable segment",
                    eh->e_entry);
    return true;
}

/* Open PATH as a regular file for the check; returns the fd or -1 with the
 * reason recorded. */
static int open_guest(struct guest_file *g, const char *path)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return fail(g, "cannot open: %s", strerror(errno)), -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fail(g, "not a regular file"), -1;
    }
    g->size = st.st_size;
    return fd;
}

bool elf_check_guest(const char *path, uint64_t mem_bytes,
                     char *errbuf, size_t errlen)
{
    struct guest_file g = { .mem_bytes = mem_bytes, .err = errbuf,
                            .errlen = errlen };
    Elf32_Ehdr *eh;
    bool ok = false;
    int fd;

    if (errlen)
        errbuf[0] = '\0';
    if (elf_version(EV_CURRENT) == EV_NONE)
        return fail(&g, "libelf is out of date");
    fd = open_guest(&g, path);
    if (fd < 0)
        return false;
    g.fd = fd;
    g.elf = elf_begin(fd, ELF_C_READ, NULL);
    if (g.elf == NULL) {
        fail(&g, "cannot read: %s", elf_errmsg(-1));
    } else {
        eh = check_header(&g);
        ok = eh != NULL && check_segments(&g, eh);
        elf_end(g.elf);
    }
    close(fd);
    return ok;
}
