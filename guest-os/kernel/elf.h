/*
 * elf.h - the parts of an ELF32 executable that exec reads.
 *
 * An executable starts with the ELF header; its program headers (at e_phoff,
 * e_phnum of them) list the segments to load: PT_LOAD entries say "copy
 * p_filesz bytes from file offset p_offset to virtual address p_vaddr, and
 * zero the rest up to p_memsz".  Everything else in the file (sections,
 * symbols) is for linkers and debuggers.  (System V ABI, i386 supplement.)
 */
#ifndef GUEST_ELF_H
#define GUEST_ELF_H

#include <stdint.h>

#define ELF_MAGIC "\177ELF"
#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS32 1
#define ELFDATA2LSB 1 /* little-endian */
#define ET_EXEC 2     /* an executable, linked at fixed addresses */
#define EM_386 3

struct elf_header {
    uint8_t ident[16]; /* ELF_MAGIC, class, data, version, padding */
    uint16_t type;
    uint16_t machine;
    uint32_t version;
    uint32_t entry; /* where execution starts */
    uint32_t phoff; /* file offset of the program headers */
    uint32_t shoff;
    uint32_t flags;
    uint16_t ehsize;
    uint16_t phentsize;
    uint16_t phnum;
    uint16_t shentsize;
    uint16_t shnum;
    uint16_t shstrndx;
};

#define PT_LOAD 1

/* p_flags */
#define ELF_PF_X 0x1
#define ELF_PF_W 0x2
#define ELF_PF_R 0x4

struct elf_phdr {
    uint32_t type;
    uint32_t offset;
    uint32_t vaddr;
    uint32_t paddr;
    uint32_t filesz;
    uint32_t memsz;
    uint32_t flags;
    uint32_t align;
};

#endif /* GUEST_ELF_H */
