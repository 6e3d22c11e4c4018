/*
 * osmain.c - the OS kernel's boot: from the multiboot hand-off to the first
 * process.
 *
 * entry.S has turned paging on with a provisional page directory and called
 * os_main.  What the boot loader left must be read before the kernel starts
 * handing out memory: how much RAM there is (the memory map), where the
 * ramdisk is (the first module; without one, the kernel reads the same
 * image from the start of the first IDE disk), what the command line says -
 * and which frames hold all that, so the frame allocator leaves them
 * alone.  Then the
 * mechanisms are set up in dependency order - memory, segments, traps,
 * interrupt controllers, devices - and the command line decides what runs:
 *
 *   (empty), suite     the kernel benchmarks, then the program "suite"
 *   kbench             the kernel benchmarks only, then power off
 *   PROGRAM ARGS...    that program from the ramdisk, e.g. "sh", "ostest",
 *                      "bench syscall"
 *
 * Programs run under "init" (the first process, user/init.c), which starts
 * the named program and powers off with its exit status when it is done.
 * The command line as the kernel receives it starts with the kernel's own
 * path, which is skipped.
 */
#include "console.h"
#include "frame.h"
#include "ide.h"
#include "initrd.h"
#include "intr.h"
#include "kbench.h"
#include "kernel.h"
#include "klib.h"
#include "memlayout.h"
#include "multiboot.h"
#include "ostrap.h"
#include "proc.h"
#include "tss.h"
#include "vm.h"

#define HIGH_MEMORY 0x100000 /* 1 MiB: where the kernel and free RAM start */
#define MAX_WORDS 15
#define CMDLINE_MAX 256

extern char __kernel_end[]; /* os.ld */

static char cmdline[CMDLINE_MAX]; /* the arguments: the path skipped */
static char *words[MAX_WORDS + 2]; /* "init", the words, NULL */
static int nwords;

/* Copy the boot command line without its first word into `cmdline` and
 * split it into `words`, after "init". */
static void read_command_line(const struct multiboot_info *mbi)
{
    const char *s = "";
    if (mbi->flags & MBI_FLAG_CMDLINE)
        s = phys_to_virt(mbi->cmdline);
    while (*s != '\0' && *s != ' ')
        s++;
    while (*s == ' ')
        s++;
    strlcpy(cmdline, s, sizeof(cmdline));

    static char split[CMDLINE_MAX];
    strlcpy(split, cmdline, sizeof(split));
    words[0] = "init";
    char *p = split;
    while (*p != '\0' && nwords < MAX_WORDS) {
        words[1 + nwords++] = p;
        while (*p != '\0' && *p != ' ')
            p++;
        while (*p == ' ')
            *p++ = '\0';
    }
}

/* Return the end of the RAM the kernel will use: the usable region that
 * starts below 1 MiB and extends past it, capped at PHYS_MAP_MAX, rounded
 * down to a whole 4 MiB page. */
static physaddr_t ram_end(const struct multiboot_info *mbi)
{
    uint64_t end = 0;
    if (mbi->flags & MBI_FLAG_MMAP) {
        const uint8_t *p = phys_to_virt(mbi->mmap_addr);
        const uint8_t *stop = p + mbi->mmap_length;
        for (; p < stop; p += ((const struct multiboot_mmap_entry *)p)->size + 4) {
            const struct multiboot_mmap_entry *e = (const void *)p;
            if (e->type == MMAP_AVAILABLE && e->addr <= HIGH_MEMORY &&
                e->addr + e->len > HIGH_MEMORY)
                end = e->addr + e->len;
        }
    } else if (mbi->flags & MBI_FLAG_MEMORY) {
        end = HIGH_MEMORY + (uint64_t)mbi->mem_upper * 1024;
    }
    if (end > PHYS_MAP_MAX)
        end = PHYS_MAP_MAX;
    end &= ~(uint64_t)(BIG_PAGE_SIZE - 1);
    if (end < 2 * BIG_PAGE_SIZE)
        panic("ram_end", "less than 8 MiB of RAM");
    return (physaddr_t)end;
}

/* Raise *end to the end of the string at physical address `pa`. */
static void past_string(physaddr_t *end, physaddr_t pa)
{
    physaddr_t e = pa + strlen(phys_to_virt(pa)) + 1;
    if (e > *end)
        *end = e;
}

/* Raise *end to `e`. */
static void past(physaddr_t *end, physaddr_t e)
{
    if (e > *end)
        *end = e;
}

/* Return the first page above everything the loader left above 1 MiB: the
 * kernel image, the modules and their strings, the information structure
 * at `mbi_pa` and what it points to. */
static physaddr_t boot_data_end(physaddr_t mbi_pa, const struct multiboot_info *mbi)
{
    physaddr_t end = virt_to_phys(__kernel_end);
    past(&end, mbi_pa + sizeof(*mbi));
    if (mbi->flags & MBI_FLAG_CMDLINE)
        past_string(&end, mbi->cmdline);
    if (mbi->flags & MBI_FLAG_MMAP)
        past(&end, mbi->mmap_addr + mbi->mmap_length);
    if (mbi->flags & MBI_FLAG_MODULES) {
        const struct multiboot_module *m = phys_to_virt(mbi->mods_addr);
        past(&end, mbi->mods_addr + mbi->mods_count * sizeof(*m));
        for (uint32_t i = 0; i < mbi->mods_count; i++) {
            past(&end, m[i].mod_end);
            if (m[i].string != 0)
                past_string(&end, m[i].string);
        }
    }
    return PAGE_ROUND_UP(end);
}

/* Read the ramdisk image from the start of the first disk into free memory
 * at *free_start (below `ram_top`), and move *free_start past it. */
static void ramdisk_from_disk(physaddr_t *free_start, physaddr_t ram_top)
{
    uint8_t *image = phys_to_virt(*free_start);
    uint32_t have = 0, need = IDE_SECTOR_SIZE;
    while (need > have) {
        uint32_t sectors = (need + IDE_SECTOR_SIZE - 1) / IDE_SECTOR_SIZE;
        if (*free_start + sectors * IDE_SECTOR_SIZE > ram_top ||
            ide_read(0, sectors, image) < 0) {
            kprintf("os: no ramdisk (boot with -initrd initrd.img, or it as disk)\n");
            return;
        }
        have = sectors * IDE_SECTOR_SIZE;
        need = initrd_size_needed(image, have);
        if (need == 0) {
            kprintf("os: no ramdisk module, and the disk holds none\n");
            return;
        }
    }
    int n = initrd_init(image, need);
    kprintf("os: ramdisk from the disk: %d files\n", n);
    *free_start = PAGE_ROUND_UP(*free_start + have);
}

/* Use the first module as the ramdisk, or else the one on the disk. */
static void find_ramdisk(const struct multiboot_info *mbi, physaddr_t *free_start,
                         physaddr_t ram_top)
{
    if (!(mbi->flags & MBI_FLAG_MODULES) || mbi->mods_count == 0) {
        ramdisk_from_disk(free_start, ram_top);
        return;
    }
    const struct multiboot_module *m = phys_to_virt(mbi->mods_addr);
    if (m->mod_end < m->mod_start || m->mod_end > ram_top) {
        kprintf("os: the ramdisk lies outside usable RAM\n");
        return;
    }
    int n = initrd_init(phys_to_virt(m->mod_start), m->mod_end - m->mod_start);
    if (n < 0)
        kprintf("os: the first module is not a ramdisk\n");
    else
        kprintf("os: ramdisk: %d files\n", n);
}

/* Set up the CPU tables and the devices; interrupts stay off until the
 * scheduler or a user process enables them. */
static void machine_init(void)
{
    gdt_init();
    tss_init();
    ostrap_init();
    intr_init();
    console_init();
}

void os_main(uint32_t magic, physaddr_t mbi_pa)
{
    uart_init();
    if (magic != MULTIBOOT_BOOT_MAGIC)
        panic("os_main", "not started by a multiboot loader");
    const struct multiboot_info *mbi = phys_to_virt(mbi_pa);
    read_command_line(mbi);
    kprintf("os: booting, command line \"%s\"\n", cmdline);

    physaddr_t top = ram_end(mbi);
    physaddr_t free_start = boot_data_end(mbi_pa, mbi);
    if (free_start >= top)
        panic("os_main", "no free RAM above the boot data");
    find_ramdisk(mbi, &free_start, top);
    vm_init(top); /* the boot data stays reachable at KERNBASE + pa */
    frame_init(free_start, top);
    machine_init();

    if (nwords == 0)
        words[1 + nwords++] = "suite";
    if (strcmp(words[1], "kbench") == 0 || strcmp(words[1], "suite") == 0)
        kbench_run_all();
    if (strcmp(words[1], "kbench") == 0)
        console_poweroff(0);
    proc_start_first("init", 1 + nwords, words);
    scheduler();
}
