/* scan.c - `vmm scan GUEST.elf`: where a guest kernel uses the instructions
 * that x86 lets unprivileged code run although they are sensitive.
 *
 * The problem: Popek and Goldberg's condition for trap-and-emulate is that
 * every sensitive instruction is privileged. On x86 it is not (Robin &
 * Irvine, 2000): SGDT, PUSHF, POPF, LAR, a far RET and others behave
 * differently at CPL 1 without faulting. A user of the monitor should be
 * able to see where a kernel relies on them, and what the monitor does at
 * each place.
 *
 * The approach: read the guest's executable sections with libelf, sweep
 * them with capstone in 32-bit mode, and list every instruction in the
 * table below by address, symbol+offset (the ELF symbol table, symbols.c) and
 * the monitor's handling; then a count per mnemonic. A linear sweep can
 * misread data mixed into code; the census says so.
 */
#include "scan.h"

#include <capstone/capstone.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "symbols.h"
#include "verdict.h"

struct sensitive {
    const char *mnemonic;
    const char *handling;
};

#define H_UMIP "UMIP: faults at CPL 1 and 3; emulated with the virtual value"
#define H_INT  "faults through the monitor's DPL-0 gates; delivered through the guest IDT"
#define H_RET  "to ring 0: faults (RPL 0 < CPL 1) and is emulated; to ring 3: #NP, emulated"
#define H_SEG  "reads RPL 1 for CS/SS: a known difference"
#define H_DESC "reads the shadow GDT/LDT: guest DPL 0 reads as DPL 1, and lar " \
               "shows user code not present in the kernel: known differences"

/* Robin & Irvine's list, in capstone's spelling (32-bit mode). */
static const struct sensitive table[] = {
    { "sgdt", H_UMIP }, { "sidt", H_UMIP }, { "sldt", H_UMIP },
    { "str", H_UMIP }, { "smsw", H_UMIP },
    { "pushfd", "correct by construction: real IF is the virtual IF in the "
                "guest kernel; IOPL reads 0, a known difference" },
    { "pushf", "correct by construction (16-bit form); IOPL reads 0" },
    { "popfd", "known hole: at CPL 1 cannot change IF or IOPL, and does not "
               "fault" },
    { "popf", "known hole (16-bit form): cannot change IF or IOPL" },
    { "lar", H_DESC }, { "lsl", H_DESC }, { "verr", H_DESC },
    { "verw", H_DESC },
    { "lcall", "direct to a code segment: runs at CPL 1; through a gate or "
               "to a TSS: stops the guest (call gates and task switches are "
               "not run)" },
    { "ljmp", "direct to a code segment: runs at CPL 1; through a gate or "
              "to a TSS: stops the guest (call gates and task switches are "
              "not run)" },
    { "retf", H_RET }, { "iretd", H_RET }, { "iret", H_RET },
    { "int", H_INT }, { "int3", H_INT }, { "into", H_INT },
    { "sysenter", "faults on the monitor's SYSENTER MSRs; emulated from the "
                  "guest's" },
    { "sysexit", "faults at CPL 1; emulated" },
};

#define NTABLE (sizeof(table) / sizeof(table[0]))

/* The table entry for MNEMONIC, or NULL. */
static const struct sensitive *lookup(const char *mnemonic)
{
    for (size_t i = 0; i < NTABLE; i++)
        if (strcmp(table[i].mnemonic, mnemonic) == 0)
            return &table[i];
    return NULL;
}

const char *scan_handling(const char *mnemonic)
{
    const struct sensitive *s = lookup(mnemonic);

    return s ? s->handling : NULL;
}

static const struct sensitive segment_entry = { "push/mov cs/ss", H_SEG };

/* push of CS or SS, or a mov from them: sensitive by operand. */
static const struct sensitive *segment_access(const cs_insn *in)
{
    bool push = strcmp(in->mnemonic, "push") == 0;
    bool mov = strcmp(in->mnemonic, "mov") == 0;
    size_t n = strlen(in->op_str);
    const char *tail = n >= 4 ? in->op_str + n - 4 : "";

    if ((push && (!strcmp(in->op_str, "cs") || !strcmp(in->op_str, "ss"))) ||
        (mov && (!strcmp(tail, ", cs") || !strcmp(tail, ", ss"))))
        return &segment_entry;
    return NULL;
}

struct census {
    const char *mnemonic;
    unsigned count;
};

static void count(struct census *c, size_t *n, const char *mnemonic)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(c[i].mnemonic, mnemonic) == 0) {
            c[i].count++;
            return;
        }
    c[*n].mnemonic = mnemonic;
    c[*n].count = 1;
    (*n)++;
}

/* Sweep one executable section; print each sensitive instruction, named
 * from SYMS. */
static void sweep(const struct symtab *syms, csh cs, cs_insn *in,
                  const GElf_Shdr *sh,
                  Elf_Data *data, struct census *c, size_t *nc, FILE *out)
{
    const uint8_t *code = data->d_buf;
    size_t size = data->d_size;
    uint64_t addr = sh->sh_addr;

    while (size > 0) {
        const struct sensitive *s;
        char where[128];

        if (!cs_disasm_iter(cs, &code, &size, &addr, in)) {
            code++, size--, addr++;        /* not an instruction: step */
            continue;
        }
        s = lookup(in->mnemonic);
        if (!s)
            s = segment_access(in);
        if (!s)
            continue;
        symtab_describe(syms, (uint32_t)in->address, where, sizeof(where));
        fprintf(out, "0x%08x  %-28s %-8s %-18s %s\n", (uint32_t)in->address,
                where, in->mnemonic, in->op_str, s->handling);
        count(c, nc, s->mnemonic);
    }
}

int scan_guest(const char *path, FILE *out, FILE *err)
{
    struct census c[NTABLE + 1];
    struct symtab syms;
    size_t nc = 0, ncode = 0;
    Elf_Scn *scn = NULL;
    cs_insn *in;
    csh cs;
    Elf *elf;
    int fd;

    if (elf_version(EV_CURRENT) == EV_NONE ||
        (fd = open(path, O_RDONLY)) < 0) {
        fprintf(err, "vmm: %s: cannot open: %s\n", path, strerror(errno));
        return VMM_EXIT_BAD_GUEST;
    }
    elf = elf_begin(fd, ELF_C_READ, NULL);
    if (elf == NULL || elf_kind(elf) != ELF_K_ELF || gelf_getclass(elf) != ELFCLASS32) {
        fprintf(err, "vmm: %s: not a 32-bit ELF file\n", path);
        if (elf)
            elf_end(elf);
        close(fd);
        return VMM_EXIT_BAD_GUEST;
    }
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &cs) != CS_ERR_OK ||
        (in = cs_malloc(cs)) == NULL) {
        fprintf(err, "vmm: capstone could not start\n");
        elf_end(elf);
        close(fd);
        return VMM_EXIT_UNAVAILABLE;
    }
    symtab_load(&syms, elf);
    fprintf(out, "sensitive unprivileged instructions in %s\n", path);
    fprintf(out, "%-10s  %-28s %-8s %-18s %s\n", "address", "symbol+offset",
            "insn", "operands", "under the monitor");
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        Elf_Data *data;

        if (gelf_getshdr(scn, &sh) == NULL || sh.sh_type != SHT_PROGBITS ||
            !(sh.sh_flags & SHF_EXECINSTR) ||
            (data = elf_getdata(scn, NULL)) == NULL || data->d_size == 0)
            continue;
        ncode++;
        sweep(&syms, cs, in, &sh, data, c, &nc, out);
    }
    fprintf(out, "\ncensus (%zu executable section%s, linear sweep: data "
            "inside code may be misread):\n", ncode, ncode == 1 ? "" : "s");
    for (size_t i = 0; i < nc; i++)
        fprintf(out, "  %-16s %u\n", c[i].mnemonic, c[i].count);
    if (nc == 0)
        fprintf(out, "  none\n");
    symtab_free(&syms);
    cs_free(in, 1);
    cs_close(&cs);
    elf_end(elf);
    close(fd);
    return 0;
}

void scan_usage(FILE *out)
{
    fputs("Usage: vmm scan GUEST.elf\n"
          "\n"
          "List every sensitive but unprivileged instruction (Robin & Irvine:\n"
          "sgdt sidt sldt str smsw pushf popf lar lsl verr verw, push/mov of\n"
          "CS and SS, far call/jmp/ret, int n, iret, sysenter/sysexit) in the\n"
          "guest's executable sections, by address and symbol+offset, with how\n"
          "the monitor handles it, then a count per instruction. Exit status 0,\n"
          "or 65 if the file is not a 32-bit ELF file.\n", out);
}

int scan_main(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        scan_usage(stdout);
        return 0;
    }
    if (argc != 2) {
        fputs("Usage: vmm scan GUEST.elf; try 'vmm scan --help'\n", stderr);
        return VMM_EXIT_USAGE;
    }
    return scan_guest(argv[1], stdout, stderr);
}
