/* symbols.h - name and disassemble guest addresses from the guest's ELF file.
 * See symbols.c.
 */
#ifndef VMM_HOST_SYMBOLS_H
#define VMM_HOST_SYMBOLS_H

#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One named symbol of the ELF symbol table. */
struct symbol {
    char *name;
    uint32_t addr;
    uint32_t size;              /* 0: unknown (an assembly label) */
};

/* Every named symbol of an ELF file, in the file's order. */
struct symtab {
    struct symbol *syms;
    size_t n;
};

/* Fill *T with the named symbols (not sections, not files) of ELF's
 * SHT_SYMTAB sections; an ELF without one gives an empty table. */
void symtab_load(struct symtab *t, Elf *elf);

/* Free what symtab_load allocated; T is empty afterwards. */
void symtab_free(struct symtab *t);

/* Put "name+0xoff" for ADDR in BUF: the symbol with the highest address at
 * or below ADDR whose size (if it has one) covers ADDR. Without one, put
 * "?" and return false. */
bool symtab_describe(const struct symtab *t, uint32_t addr, char *buf,
                     size_t len);

/* A guest ELF file opened for symbols and code bytes. */
struct guest_image {
    int fd;
    Elf *elf;
    struct symtab syms;
};

/* Open the 32-bit ELF file PATH into *G. False with a reason in ERR if it
 * cannot be read as one (*G is then closed). */
bool guest_image_open(struct guest_image *g, const char *path, char *err,
                      size_t errlen);

/* Close *G (a closed or failed image is fine). */
void guest_image_close(struct guest_image *g);

/* Like symtab_describe with G's symbols, but only for an address inside
 * one of G's loadable segments: any other (a user process's, say) is "?". */
bool guest_image_describe(const struct guest_image *g, uint32_t va,
                          char *buf, size_t len);

/* Copy up to LEN bytes of the guest's memory image at virtual address VA,
 * as the loadable segments' file data give it, into BUF. Returns how many
 * bytes were available (0 if VA is not in any segment's file data). */
size_t guest_image_read(const struct guest_image *g, uint32_t va,
                        uint8_t *buf, size_t len);

/* Disassemble the instruction at VA (capstone, 32-bit mode, Intel syntax)
 * into BUF as "mnemonic operands".
 * False, with a short explanation in BUF, if VA holds no code in the file
 * or no instruction decodes there. */
bool guest_image_disasm(const struct guest_image *g, uint32_t va, char *buf,
                        size_t len);

#endif
