/*
 * paging_hostile.c - a guest whose page tables point where no guest should
 * look: beyond its RAM, above 4 GiB, at devices, at the monitor.
 *
 * The problem: a shadow MMU translates guest-physical addresses the guest
 * writes into its own entries.  A frame number beyond guest RAM could be
 * the monitor's own memory (it sits just above, in the same machine); one
 * above 4 GiB (PSE-36) could be truncated into guest RAM; a device's page
 * is not memory at all; a page table or a CR3 outside RAM must not be read
 * from host memory.  On a PC (natively, QEMU's) unbacked memory reads as
 * zeros and swallows writes, and devices answer as devices; the guest must
 * see exactly that under the monitor, or be stopped with a report where the
 * monitor cannot follow (a triple fault, code run from outside RAM) - never
 * reach host memory, never crash the monitor.
 *
 * The approach: identity-map the first 16 MiB with 4 MiB pages, then, for
 * the case the command line names, map the hostile frames at fixed linear
 * addresses and print what reads, writes and read-backs see:
 *
 *   beyond-ram      4 KiB pages just above RAM (where the monitor's memory
 *                   would be), further up, and in the PCI hole
 *   beyond-ram-4m   4 MiB pages above RAM
 *   pse36           4 MiB pages above 4 GiB (PSE-36 address bits), one of
 *                   them over RAM's alias: RAM must not change
 *   lapic           the local and I/O APIC through 4 KiB and 4 MiB pages
 *   table-beyond-ram  page tables (directory entries) beyond RAM, in the
 *                   monitor's range and the PCI hole: every entry reads as
 *                   not present
 *   self-and-absurd a directory mapping itself twice, and entries with
 *                   frames beyond RAM, far above it, and in the PCI hole
 *   string-beyond-ram  rep movsl/stosl between RAM and beyond RAM
 *   fetch-beyond-ram   a jump to code beyond RAM (the monitor stops)
 *   cr3-beyond-ram, cr3-lapic  CR3 outside RAM: natively a triple fault
 *                   (nothing is mapped); the monitor stops
 *
 * Known differences, kept to be resolved (the report of issue 4):
 *
 *   vga             the VGA window 0xa0000-0xbffff as pages and as a page
 *                   table: natively (no display device) it holds what the
 *                   BIOS left and keeps what is written; the monitor's PC
 *                   has a hole there and CGA text memory at 0xb8000
 *   rom             the BIOS ROM at 0xfffff000 as a page and as a page
 *                   table: natively the BIOS's bytes, under the monitor 0
 *   table-lapic     a page table in the local APIC page, whose TPR register
 *                   makes one entry present: natively QEMU 7.2 hangs in the
 *                   walk; the monitor reads the table as zeros (#PF)
 *   idt-unmapped    an IDT whose second page is not present, and `int
 *                   $0x80`: natively #PF (CR2 the gate's address); the
 *                   monitor delivers #GP(0x402)
 */
#include "cases.h"
#include "kernel.h"
#include "multiboot.h"
#include "paging.h"
#include "x86.h"

#define IDENTITY_PAGES 4            /* 4 MiB each: the first 16 MiB */
#define VA_HOSTILE 0x40000000u      /* 4 KiB hostile pages, one per slot */
#define VA_BIG     0x80000000u      /* 4 MiB hostile pages, one per slot */
#define RAM_TOP    0x10000000u      /* 256 MiB, `vmm run`'s default */
#define LAPIC      0xfee00000u
#define LAPIC_ID      0x20          /* register offsets */
#define LAPIC_VERSION 0x30
#define LAPIC_TPR     0x80          /* task priority: 8 bits, read-write */
#define TPR_AS_ENTRY  (LAPIC_TPR / 4)   /* its slot in a page table there */
#define IOAPIC     0xfec00000u
#define IOAPIC_SELECT 0x00
#define IOAPIC_WINDOW 0x10
#define IOAPIC_REG_VERSION 1
#define SELF_SLOT   1023u           /* directory entries that map the */
#define SELF_SLOT_2 1022u           /* directory itself */
#define WINDOW      0xffc00000u     /* what SELF_SLOT maps: every table */
#define WINDOW_2    0xff800000u     /* ... and SELF_SLOT_2 */
#define BIG_OFFSET  0x003fffffu     /* offset bits of a 4 MiB page */
#define PAGE_CACHE_OFF (PTE_PCD | PTE_PWT)
#define PWU (PTE_P | PTE_W | PTE_U)
#define PSE36_SHIFT 19              /* address bit 32 is entry bit 13 */
#define PATTERN 0x5eed5eedu

static pde_t pd[ENTRIES_PER_TABLE] __attribute__((aligned(PAGE_SIZE)));
static pte_t table[ENTRIES_PER_TABLE] __attribute__((aligned(PAGE_SIZE)));
static pte_t absurd[ENTRIES_PER_TABLE] __attribute__((aligned(PAGE_SIZE)));
static volatile uint32_t ram_canary[PAGE_SIZE / 4]
        __attribute__((aligned(PAGE_SIZE)));

/* ---- the probe: one access that may fault ------------------------------ */

static volatile uint32_t resume, faulted, fault_vector, fault_err, fault_cr2;

static void handler(struct trapframe *tf)
{
    if (!resume) {
        kprintf("unexpected %s err 0x%x eip 0x%08x\n", trap_name(tf->trapno),
                tf->err, tf->eip);
        poweroff(1);
    }
    faulted = 1;
    fault_vector = tf->trapno;
    fault_err = tf->err;
    fault_cr2 = tf->trapno == T_PGFLT ? read_cr2() : 0;
    tf->eip = resume;
}

static __attribute__((noinline)) uint32_t read32(uint32_t va)
{
    uint32_t v = 0;

    faulted = 0;
    asm volatile("movl $1f, %[res]\n\t"
                 "movl (%[va]), %[v]\n"
                 "1:\tmovl $0, %[res]"
                 : [v] "+r"(v), [res] "=m"(resume) : [va] "r"(va) : "memory");
    return v;
}

static __attribute__((noinline)) void write32(uint32_t va, uint32_t v)
{
    faulted = 0;
    asm volatile("movl $1f, %[res]\n\t"
                 "movl %[v], (%[va])\n"
                 "1:\tmovl $0, %[res]"
                 : [res] "=m"(resume) : [va] "r"(va), [v] "r"(v) : "memory");
}

/* Print the value just read, or the fault it raised. */
static void show(uint32_t v)
{
    if (faulted)
        kprintf("%s err 0x%x cr2 0x%08x", trap_name(fault_vector), fault_err,
                fault_cr2);
    else
        kprintf("0x%08x", v);
}

/* Read VA, write PATTERN, read back; one line, labelled WHAT. */
static void read_write_read(const char *what, uint32_t va)
{
    kprintf("%s: read ", what);
    show(read32(va));
    write32(va, PATTERN);
    kprintf(", write %s", faulted ? "faulted" : "done");
    kprintf(", read back ");
    show(read32(va));
    kprintf("\n");
}

/* ---- mappings ----------------------------------------------------------- */

/* Identity-map the first 16 MiB with 4 MiB pages; turn paging on. */
static void paging_on(void)
{
    for (uint32_t i = 0; i < IDENTITY_PAGES; i++)
        pd[i] = i * BIG_PAGE_SIZE | PTE_PS | PTE_P | PTE_W;
    pd[PDX(VA_HOSTILE)] = (uint32_t)table | PWU;
    write_cr4(read_cr4() | CR4_PSE);
    write_cr3((uint32_t)pd);
    write_cr0(read_cr0() | CR0_PG | CR0_WP);
}

/* Map slot SLOT of the hostile table at physical PA; return its address. */
static uint32_t map4k(unsigned slot, uint32_t pa, uint32_t flags)
{
    uint32_t va = VA_HOSTILE + slot * PAGE_SIZE;

    table[slot] = pa | flags;
    invlpg((void *)va);
    return va;
}

/* Map 4 MiB slot SLOT at physical address HIGH:PA (HIGH = bits 39:32). */
static uint32_t map4m(unsigned slot, uint32_t high, uint32_t pa)
{
    uint32_t va = VA_BIG + slot * BIG_PAGE_SIZE;

    pd[PDX(va)] = (pa & ~BIG_OFFSET) | high << (32 - PSE36_SHIFT) |
                  PTE_PS | PTE_P | PTE_W;
    invlpg((void *)va);
    return va;
}

/* ---- the cases ---------------------------------------------------------- */

/* 4-byte accesses whose first half is RAM (the canary page) and second
 * half is beyond RAM, and the other way round. */
static void across_ram_edge(void)
{
    uint32_t ram = map4k(40, (uint32_t)ram_canary, PWU);
    uint32_t beyond = map4k(41, RAM_TOP, PWU);

    map4k(42, (uint32_t)ram_canary, PWU);   /* after `beyond` */
    ram_canary[1023] = 0x44332211;
    ram_canary[0] = 0x88776655;
    read_write_read("across RAM then beyond", ram + PAGE_SIZE - 2);
    kprintf("  the canary's last word 0x%08x\n", ram_canary[1023]);
    read_write_read("across beyond then RAM", beyond + PAGE_SIZE - 2);
    kprintf("  the canary's first word 0x%08x\n", ram_canary[0]);
}

static void beyond_ram(void)
{
    static const uint32_t frames[] = {
        RAM_TOP, RAM_TOP + 0x1000, RAM_TOP + 0x400000, RAM_TOP + 0x8000000,
        RAM_TOP + 0xbfff000, RAM_TOP + 0xc000000, 0x20000000, 0x7ffff000,
        0xc0000000, 0xe0000000, 0xf0000000,
    };
    for (unsigned i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
        uint32_t va = map4k(i, frames[i], PWU);

        kprintf("4k page at 0x%08x", frames[i]);
        read_write_read("", va + 0x10);
    }
    kprintf("table entries A/D:");
    for (unsigned i = 0; i < sizeof(frames) / sizeof(frames[0]); i++)
        kprintf(" %c%c", table[i] & PTE_A ? 'A' : '-',
                table[i] & PTE_D ? 'D' : '-');
    kprintf("\n");
    across_ram_edge();
}

static void beyond_ram_4m(void)
{
    static const uint32_t frames[] = { RAM_TOP, RAM_TOP + 0x400000,
                                       0x1c000000, 0x40000000 };
    static const uint32_t offsets[] = { 0, 0x1ff004, 0x200008, 0x3ffffc };

    for (unsigned i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
        uint32_t va = map4m(i, 0, frames[i]);

        for (unsigned j = 0; j < sizeof(offsets) / sizeof(offsets[0]); j++) {
            kprintf("4m page at 0x%08x + 0x%06x", frames[i], offsets[j]);
            read_write_read("", va + offsets[j]);
        }
        kprintf("  entry A/D %c%c\n", pd[PDX(va)] & PTE_A ? 'A' : '-',
                pd[PDX(va)] & PTE_D ? 'D' : '-');
    }
}

/* 4 MiB pages above 4 GiB.  One covers RAM's alias (guest-physical
 * 4 GiB + the canary's address): the canary must keep its value. */
static void pse36(void)
{
    uint32_t canary = (uint32_t)ram_canary;
    uint32_t va;

    ram_canary[4] = 0xc0ffee;
    va = map4m(0, 1, canary);
    kprintf("4m page at 4 GiB + 0x%08x (RAM's alias): entry 0x%08x\n",
            canary & ~BIG_OFFSET, pd[PDX(va)]);
    read_write_read("  the canary's alias", va + (canary & BIG_OFFSET) + 16);
    kprintf("  the canary in RAM: 0x%08x\n", ram_canary[4]);
    va = map4m(1, 1, 0);
    read_write_read("4m page at 4 GiB", va + 0x100);
    va = map4m(2, 0x0f, 0xffc00000u);
    read_write_read("4m page at 0xf_ffc00000", va + 0x3ff000);
    va = map4m(3, 0xff, 0xffc00000u);
    read_write_read("4m page at 0xff_ffc00000", va + 0x3ff000);
    va = map4m(4, 1, LAPIC & ~BIG_OFFSET);
    read_write_read("4m page at 4 GiB + the APIC window",
                    va + (LAPIC & BIG_OFFSET) + LAPIC_VERSION);
}

static void lapic(void)
{
    uint32_t va = map4k(0, LAPIC, PTE_P | PTE_W | PAGE_CACHE_OFF);
    uint32_t big;

    kprintf("lapic through a 4k page: id ");
    show(read32(va + LAPIC_ID));
    kprintf(" version ");
    show(read32(va + LAPIC_VERSION));
    kprintf(" tpr ");
    show(read32(va + LAPIC_TPR));
    write32(va + LAPIC_TPR, 0x20);
    kprintf(", tpr after writing 0x20 ");
    show(read32(va + LAPIC_TPR));
    write32(va + LAPIC_TPR, 0);
    kprintf("\n  entry A/D %c%c\n", table[0] & PTE_A ? 'A' : '-',
            table[0] & PTE_D ? 'D' : '-');
    big = map4m(0, 0, IOAPIC);
    kprintf("the APIC window through a 4m page: lapic version ");
    show(read32(big + (LAPIC - IOAPIC) + LAPIC_VERSION));
    write32(big + IOAPIC_SELECT, IOAPIC_REG_VERSION);
    kprintf(", ioapic version ");
    show(read32(big + IOAPIC_WINDOW));
    kprintf("\n  entry A/D %c%c\n", pd[PDX(big)] & PTE_A ? 'A' : '-',
            pd[PDX(big)] & PTE_D ? 'D' : '-');
}

/* The VGA window, as pages and as a page table. */
static void vga(void)
{
    static const uint32_t frames[] = { 0xa0000, 0xb0000, 0xb8000, 0xbf000 };
    uint32_t va = VA_BIG + 0x5000;

    for (unsigned i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
        kprintf("4k page at 0x%08x", frames[i]);
        read_write_read("", map4k(i, frames[i], PWU) + 0x10);
    }
    pd[PDX(va)] = 0xb8000 | PWU;
    invlpg((void *)va);
    kprintf("page table at 0x000b8000");
    read_write_read("", va);
}

/* Pages and a page table in the BIOS ROM at the top of 4 GiB. */
static void rom(void)
{
    uint32_t va = VA_BIG + 0x3000;

    kprintf("4k page at 0xfffff000");
    read_write_read("", map4k(0, 0xfffff000u, PWU) + 0xff0);
    pd[PDX(va)] = 0xfffff000u | PWU;
    invlpg((void *)va);
    kprintf("page table at 0xfffff000");
    read_write_read("", va);
}

/* Directory entries whose page tables are not RAM: every entry reads as
 * not present; the directory entry is marked accessed all the same. */
static void table_beyond_ram(void)
{
    static const uint32_t tables[] = { RAM_TOP, RAM_TOP + 0x1000,
                                       0x1bfff000, 0x20000000, 0xe0000000 };

    for (unsigned i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        uint32_t va = VA_BIG + i * BIG_PAGE_SIZE + 0x5000;

        pd[PDX(va)] = tables[i] | PWU;
        invlpg((void *)va);
        kprintf("page table at 0x%08x", tables[i]);
        read_write_read("", va);
        kprintf("  directory entry A/D %c%c\n", pd[PDX(va)] & PTE_A ? 'A' : '-',
                pd[PDX(va)] & PTE_D ? 'D' : '-');
    }
}

/*
 * A page table in the local APIC page.  Entry 32 is the task priority
 * register (offset 0x80): with TPR = 0x07 it reads as "frame 0, P W U".
 * The canary page then shows through slot 32 - natively.
 */
static void table_lapic(void)
{
    uint32_t apic = map4k(0, LAPIC, PTE_P | PTE_W | PAGE_CACHE_OFF);
    uint32_t va = VA_BIG + TPR_AS_ENTRY * PAGE_SIZE;
    volatile uint32_t *low = (volatile uint32_t *)0x800;   /* RAM */

    write32(apic + LAPIC_TPR, PWU);
    kprintf("lapic tpr 0x%x\n", read32(apic + LAPIC_TPR));
    pd[PDX(VA_BIG)] = LAPIC | PWU;
    invlpg((void *)va);
    asm("" : "+r"(low));            /* a plain address, not a null pointer */
    *low = 0xfeedf00d;
    kprintf("page table at the lapic, slot 32");
    read_write_read("", va + 0x800);
    kprintf("  lapic tpr now 0x%x, directory entry A/D %c%c\n",
            read32(apic + LAPIC_TPR), pd[PDX(VA_BIG)] & PTE_A ? 'A' : '-',
            pd[PDX(VA_BIG)] & PTE_D ? 'D' : '-');
    write32(apic + LAPIC_TPR, 0);
}

/*
 * A directory that maps itself at entries 1023 and 1022, and a page table
 * whose entries name absurd frames: beyond RAM, the last frame of the
 * address space, the directory itself.
 */
static void self_and_absurd(void)
{
    static const uint32_t frames[] = { RAM_TOP, 0x3ffff000, 0xfebff000 };
    uint32_t as_page = VA_BIG + 3 * PAGE_SIZE;  /* absurd[3]: the directory */

    pd[SELF_SLOT] = (uint32_t)pd | PTE_P | PTE_W;
    pd[SELF_SLOT_2] = (uint32_t)pd | PTE_P | PTE_W;
    pd[PDX(VA_BIG)] = (uint32_t)absurd | PWU;
    for (unsigned i = 0; i < sizeof(frames) / sizeof(frames[0]); i++)
        absurd[i] = frames[i] | PWU;
    absurd[3] = (uint32_t)pd | PWU;
    kprintf("the directory through entry 1023: entry 0 %s, entry 1022 %s\n",
            read32(WINDOW + SELF_SLOT * PAGE_SIZE) == pd[0] ? "right" : "wrong",
            read32(WINDOW + SELF_SLOT * PAGE_SIZE + SELF_SLOT_2 * 4) ==
                    pd[SELF_SLOT_2] ? "right" : "wrong");
    kprintf("the directory through entry 1022: entry 1023 %s\n",
            read32(WINDOW_2 + SELF_SLOT_2 * PAGE_SIZE + SELF_SLOT * 4) ==
                    pd[SELF_SLOT] ? "right" : "wrong");
    kprintf("the hostile table through the window: entry 3 %s\n",
            read32(WINDOW + PDX(VA_BIG) * PAGE_SIZE + 3 * 4) == absurd[3]
                    ? "right" : "wrong");
    for (unsigned i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
        kprintf("absurd frame 0x%08x", frames[i]);
        read_write_read("", VA_BIG + i * PAGE_SIZE + 0xff0);
    }
    kprintf("the directory as a page");
    read_write_read("", as_page + PDX(0x12345678) * 4);
    kprintf("  directory entry %u now 0x%08x\n", PDX(0x12345678),
            pd[PDX(0x12345678)]);
    pd[PDX(0x12345678)] = 0;
    kprintf("A/D: 1023 %c%c, 1022 %c%c\n", pd[SELF_SLOT] & PTE_A ? 'A' : '-',
            pd[SELF_SLOT] & PTE_D ? 'D' : '-',
            pd[SELF_SLOT_2] & PTE_A ? 'A' : '-',
            pd[SELF_SLOT_2] & PTE_D ? 'D' : '-');
}

static void string_beyond_ram(void)
{
    uint32_t va = map4k(0, RAM_TOP, PWU);
    uint32_t *src = (uint32_t *)va, *dst = (uint32_t *)ram_canary;

    for (unsigned i = 0; i < 8; i++)
        ram_canary[i] = 0x11111111u * i;
    asm volatile("cld; rep movsl" : "+S"(src), "+D"(dst) : "c"(4) : "memory");
    kprintf("rep movsl from beyond RAM: %08x %08x %08x %08x %08x\n",
            ram_canary[0], ram_canary[1], ram_canary[2], ram_canary[3],
            ram_canary[4]);
    dst = (uint32_t *)va;
    asm volatile("cld; rep stosl" : "+D"(dst) : "a"(PATTERN), "c"(4)
                 : "memory");
    src = (uint32_t *)va;
    dst = (uint32_t *)ram_canary + 4;
    asm volatile("cld; rep movsl" : "+S"(src), "+D"(dst) : "c"(2) : "memory");
    kprintf("rep stosl beyond RAM, then read back: %08x %08x %08x\n",
            ram_canary[4], ram_canary[5], ram_canary[6]);
}

/*
 * The IDT straddles two pages and the second is not mapped: `int $0x80`
 * reads its gate there.  Natively the CPU raises #PF (CR2 = the gate's
 * address), delivered through vector 14, whose gate is on the first page.
 */
static void idt_unmapped(void)
{
    static uint8_t room[3 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
    struct pseudodesc old;
    struct gatedesc *idt = (struct gatedesc *)(room + 2 * PAGE_SIZE -
                                               T_SYSCALL * 8);
    uint32_t va = VA_HOSTILE + 50 * PAGE_SIZE;

    asm volatile("sidt %0" : "=m"(old));
    map4k(50, (uint32_t)room + PAGE_SIZE, PTE_P | PTE_W);
    map4k(51, (uint32_t)room + 2 * PAGE_SIZE, 0);
    for (unsigned i = 0; i < IDT_ENTRIES; i++)
        idt[i] = ((struct gatedesc *)old.base)[i];
    idt = (struct gatedesc *)(va + PAGE_SIZE - T_SYSCALL * 8);
    lidt(idt, IDT_ENTRIES);
    kprintf("idt at 0x%08x, gate 0x80 at 0x%08x (not present)\n",
            (uint32_t)idt, (uint32_t)&idt[T_SYSCALL]);
    faulted = 0;
    asm volatile("movl $1f, %0\n\t"
                 "int $0x80\n"
                 "1:\tmovl $0, %0" : "=m"(resume) : : "memory");
    kprintf("int $0x80: ");
    show(0);
    kprintf("\n");
    asm volatile("lidt %0" : : "m"(old));
}

static void fetch_beyond_ram(void)
{
    uint32_t va = map4k(0, RAM_TOP, PWU);

    kprintf("jumping to 0x%08x\n", va);
    asm volatile("call *%0" : : "r"(va) : "memory");
}

static void cr3_at(uint32_t pa)
{
    kprintf("cr3 <- 0x%08x\n", pa);
    write_cr3(pa);
    kprintf("still running\n");
}

static void cr3_beyond_ram(void) { cr3_at(RAM_TOP); }
static void cr3_lapic(void) { cr3_at(LAPIC); }

static const struct hostile_case cases[] = {
    { "beyond-ram", beyond_ram }, { "beyond-ram-4m", beyond_ram_4m },
    { "pse36", pse36 }, { "lapic", lapic }, { "vga", vga },
    { "table-beyond-ram", table_beyond_ram }, { "table-lapic", table_lapic },
    { "self-and-absurd", self_and_absurd },
    { "string-beyond-ram", string_beyond_ram }, { "rom", rom },
    { "idt-unmapped", idt_unmapped },
    { "fetch-beyond-ram", fetch_beyond_ram },
    { "cr3-beyond-ram", cr3_beyond_ram }, { "cr3-lapic", cr3_lapic },
};

/* The case: the first word after the kernel path on the command line,
 * copied (the command line may lie outside what paging maps). */
void kmain(uint32_t magic, struct multiboot_info *mbi)
{
    const char *c = hostile_case_name(mbi);

    (void)magic;
    uart_init();
    pic_mask_all();
    gdt_init();
    idt_init();
    for (uint32_t v = 0; v < 32; v++)
        trap_register(v, handler);
    kprintf("paging_hostile: %s\n", c);
    paging_on();
    hostile_run(c, cases, sizeof(cases) / sizeof(cases[0]));
    kprintf("paging_hostile: survived\n");
    poweroff(0);
}
