/*
 * exec.c - replacing a process's program with an ELF file from the ramdisk.
 *
 * exec builds the new address space completely before it touches the old
 * one, so that a failure - no such file, not an executable, no memory -
 * returns an error to a process that is still intact:
 *
 *   1. find the file in the ramdisk and check its ELF header;
 *   2. in a fresh address space, map each PT_LOAD segment's pages (read-only
 *      unless the segment is writable) and copy in its file bytes (the rest
 *      stays zero: .bss);
 *   3. map the stack below USER_TOP and lay out the arguments on it:
 *
 *        USER_TOP ->  +-------------------------+
 *                     | argument strings        |
 *                     +-------------------------+
 *                     | argv[argc] = 0          |
 *                     | argv[argc-1] ... argv[0]|
 *                     +-------------------------+
 *                     | argv  (-> argv[0])      |
 *             esp ->  | argc                    |  what crt0.S expects
 *                     +-------------------------+
 *
 *   4. commit: the process takes the new address space, its heap starts at
 *      the first page above the program, its registers are set to start at
 *      the entry point, and the old address space is freed.
 *
 * The loader writes program bytes into frames it has just allocated and
 * mapped, some read-only; it reaches them through the kernel's map of
 * physical memory (load_bytes), the one place that writes user pages
 * without uaccess.c's permission checks - they belong to no process yet.
 */
#include "exec.h"

#include "abi.h"
#include "elf.h"
#include "initrd.h"
#include "klib.h"
#include "memlayout.h"
#include "proc.h"
#include "uaccess.h"
#include "vm.h"

#define STACK_BOTTOM (USER_TOP - USER_STACK_PAGES * PAGE_SIZE)

/* Return 1 if the `size` bytes at `image` start with an ELF header of an
 * i386 executable whose program headers lie inside the file. */
static int elf_ok(const uint8_t *image, uint32_t size)
{
    const struct elf_header *eh = (const void *)image;
    if (size < sizeof(*eh) || memcmp(eh->ident, ELF_MAGIC, 4) != 0)
        return 0;
    if (eh->ident[EI_CLASS] != ELFCLASS32 || eh->ident[EI_DATA] != ELFDATA2LSB ||
        eh->type != ET_EXEC || eh->machine != EM_386 ||
        eh->phentsize != sizeof(struct elf_phdr))
        return 0;
    return eh->phoff <= size &&
           eh->phnum <= (size - eh->phoff) / sizeof(struct elf_phdr);
}

/* Copy `n` bytes from `src` to user address `va` of the new address space
 * `pgdir`, whose pages there are mapped (whatever their permissions). */
static void load_bytes(pde_t *pgdir, uint32_t va, const uint8_t *src, uint32_t n)
{
    while (n > 0) {
        uint32_t len = PAGE_SIZE - va % PAGE_SIZE;
        if (len > n)
            len = n;
        pte_t *pte = vm_lookup(pgdir, va);
        if (pte == 0 || !(*pte & PTE_P))
            panic("load_bytes", "page not mapped");
        memcpy((uint8_t *)phys_to_virt(pte_frame(*pte)) + va % PAGE_SIZE, src, len);
        va += len, src += len, n -= len;
    }
}

/* Map and fill the segment `ph` of `image` (`size` bytes) in `pgdir`; raise
 * *end to the page above it.  Return 0 or -E. */
static int load_segment(pde_t *pgdir, const uint8_t *image, uint32_t size,
                        const struct elf_phdr *ph, uint32_t *end)
{
    uint32_t top = ph->vaddr + ph->memsz;
    if (ph->filesz > ph->memsz || ph->offset > size ||
        ph->filesz > size - ph->offset || top < ph->vaddr ||
        ph->vaddr < USER_TEXT || top > USER_HEAP_MAX)
        return -ENOEXEC;
    uint32_t first = PAGE_ROUND_DOWN(ph->vaddr);
    uint32_t npages = (PAGE_ROUND_UP(top) - first) / PAGE_SIZE;
    uint32_t perm = PTE_U | ((ph->flags & ELF_PF_W) ? PTE_W : 0);
    int err = vm_map_zeroed(pgdir, first, npages, perm);
    if (err == -EINVAL)
        return -ENOEXEC; /* two segments share a page */
    if (err < 0)
        return err;
    load_bytes(pgdir, ph->vaddr, image + ph->offset, ph->filesz);
    if (PAGE_ROUND_UP(top) > *end)
        *end = PAGE_ROUND_UP(top);
    return 0;
}

/* Load every PT_LOAD segment of the checked ELF `image` into `pgdir`; set
 * *end to the first page above them all.  Return 0 or -E. */
static int load_program(pde_t *pgdir, const uint8_t *image, uint32_t size,
                        uint32_t *end)
{
    const struct elf_header *eh = (const void *)image;
    const struct elf_phdr *ph = (const void *)(image + eh->phoff);
    *end = USER_TEXT;
    for (uint32_t i = 0; i < eh->phnum; i++) {
        if (ph[i].type != PT_LOAD || ph[i].memsz == 0)
            continue;
        int err = load_segment(pgdir, image, size, &ph[i], end);
        if (err < 0)
            return err;
    }
    return eh->entry >= USER_TEXT && eh->entry < *end ? 0 : -ENOEXEC;
}

/* Map the stack in `pgdir` and lay out `argc` and `argv` on it as the
 * opening comment draws.  Set *esp.  Return 0 or -E. */
static int push_arguments(pde_t *pgdir, int argc, char *const argv[],
                          uint32_t *esp)
{
    uint32_t uargv[EXEC_MAX_ARGS + 1];
    uint32_t total = 0;
    if (argc > EXEC_MAX_ARGS)
        return -E2BIG;
    for (int i = 0; i < argc; i++)
        total += strlen(argv[i]) + 1;
    if (total > EXEC_MAX_ARGLEN)
        return -E2BIG;
    int err = vm_map_zeroed(pgdir, STACK_BOTTOM, USER_STACK_PAGES, PTE_U | PTE_W);
    if (err < 0)
        return err;

    uint32_t sp = USER_TOP;
    for (int i = argc - 1; i >= 0; i--) {
        uint32_t len = strlen(argv[i]) + 1;
        sp -= len;
        copy_to_user(pgdir, sp, argv[i], len);
        uargv[i] = sp;
    }
    uargv[argc] = 0;
    sp &= ~3u;
    sp -= (uint32_t)(argc + 1) * sizeof(uint32_t);
    copy_to_user(pgdir, sp, uargv, (uint32_t)(argc + 1) * sizeof(uint32_t));
    uint32_t frame[2] = {(uint32_t)argc, sp};
    sp -= sizeof(frame);
    copy_to_user(pgdir, sp, frame, sizeof(frame));
    *esp = sp;
    return 0;
}

/* Return the last component of `path`. */
static const char *base_name(const char *path)
{
    const char *name = path;
    for (const char *s = path; *s != '\0'; s++)
        if (*s == '/')
            name = s + 1;
    return name;
}

int exec(struct proc *p, const char *path, int argc, char *const argv[])
{
    const uint8_t *image;
    uint32_t size, end, esp;
    int err = initrd_find(path, &image, &size);
    if (err < 0)
        return err;
    if (!elf_ok(image, size))
        return -ENOEXEC;
    pde_t *pgdir = vm_create();
    if (pgdir == 0)
        return -ENOMEM;
    err = load_program(pgdir, image, size, &end);
    if (err == 0)
        err = push_arguments(pgdir, argc, argv, &esp);
    if (err < 0) {
        vm_destroy(pgdir);
        return err;
    }

    pde_t *old = p->pgdir;
    p->pgdir = pgdir;
    p->heap_start = p->brk = end;
    p->catch_eip = 0;
    strlcpy(p->name, base_name(path), sizeof(p->name));
    p->tf->eip = ((const struct elf_header *)image)->entry;
    p->tf->esp = esp;
    if (p == proc_current())
        vm_switch(pgdir);
    if (old != 0)
        vm_destroy(old);
    return 0;
}
