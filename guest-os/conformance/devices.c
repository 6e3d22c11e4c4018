/*
 * devices.c - conformance guest: the virtual PC's devices, driven as a PC
 * kernel drives them.
 *
 * The problem: a guest kernel sees the monitor's device models (vmm/dev/)
 * where natively it sees QEMU's devices, and the two must be
 * indistinguishable to it: register values after the BIOS, interrupt
 * routing and priorities, EOIs, timers that fire as often as they should,
 * disks that read and write.  Only a guest can tell, and only if what it
 * prints does not depend on the date, on the speed of the machine or on
 * where things happen to lie in memory.
 *
 * The approach: one section per device (devices_<device>.c), each printing
 * register values that are fixed by the hardware's definition, and the
 * outcomes of small experiments - interrupts made pending on purpose with
 * IF clear, then let in and logged in the order they arrive.  Anything
 * timed is measured against one clock both worlds keep honestly, PIT
 * channel 2 polled through port 0x61, and printed only as "within a stated
 * tolerance: ok".  Natively on QEMU the output is the reference; under the
 * monitor it must be byte-identical (tests/integration/devices_*.sh).
 *
 * The command line picks what runs:
 *   (nothing)     every section; the IDE section wants a scratch disk as
 *                 the primary master (vmm run --hda), see devices_ide.c
 *   SECTION...    only those sections (pic pit lapic ioapic uart rtc ide
 *                 board mp)
 *   disk-write    write the persistence pattern to the disk, and power off
 *   disk-read     read it back and print it
 */
#include "devices.h"

#include "multiboot.h"
#include "uart16550.h"
#include "x86.h"

volatile uint32_t dev_irq_count[256];
volatile uint8_t dev_log[DEV_LOG_SIZE];
volatile uint32_t dev_log_len;
static dev_hook_t hooks[256];

/*
 * The entry points of vectors 32-255: sixteen bytes each, every one pushing
 * a zero error code and its vector, then joining vectors.S's alltraps, which
 * calls trap() with the frame.  (vectors.S has only the exceptions and the
 * system call; the system call's vector keeps its own gate.)
 *
 *     dev_vector_stubs + 16 * (v - 32):  pushl $0; pushl $v; jmp alltraps
 */
#define STUB_SIZE 16
asm(".text\n"
    ".balign 16\n"
    ".globl dev_vector_stubs\n"
    "dev_vector_stubs:\n"
    ".set dev_v, 32\n"
    ".rept 224\n"
    ".balign 16\n"
    "pushl $0\n"
    "pushl $dev_v\n"
    "jmp alltraps\n"
    ".set dev_v, dev_v + 1\n"
    ".endr\n");
extern char dev_vector_stubs[];

void dev_set_hook(uint32_t vector, dev_hook_t hook)
{
    hooks[vector] = hook;
}

void dev_irq_reset(void)
{
    for (unsigned v = 0; v < 256; v++)
        dev_irq_count[v] = 0;
    dev_log_len = 0;
}

/* trap() calls this for every vector from 32 up: count, log, hook. */
static void dev_interrupt(struct trapframe *tf)
{
    uint32_t v = tf->trapno;

    dev_irq_count[v]++;
    if (dev_log_len < DEV_LOG_SIZE)
        dev_log[dev_log_len] = (uint8_t)v;
    dev_log_len++;
    if (hooks[v])
        hooks[v](v);
}

/* Give vectors 32-255 (but the system call's) their stubs. */
static void install_vectors(void)
{
    for (uint32_t v = DEV_FIRST_VECTOR; v < 256; v++) {
        if (v == T_SYSCALL)
            continue;
        idt_set_gate(v, (void (*)(void))(dev_vector_stubs +
                                          STUB_SIZE * (v - DEV_FIRST_VECTOR)),
                     DPL_KERNEL);
        trap_register(v, dev_interrupt);
    }
    idt_init();                 /* reload the IDT with every gate */
}

void dev_print_log(const char *name)
{
    kprintf("%s:", name);
    if (dev_log_len == 0)
        kprintf(" none");
    for (uint32_t i = 0; i < dev_log_len && i < DEV_LOG_SIZE; i++)
        kprintf(" 0x%02x", dev_log[i]);
    if (dev_log_len > DEV_LOG_SIZE)
        kprintf(" ... (%u in all)", dev_log_len);
    kprintf("\n");
}

/* ---- the trusted clock --------------------------------------------------- */

/*
 * Port 0x61, system control port B:
 *
 *     7     6     5      4       3      2      1        0
 *  +-----+-----+------+------+------+------+-------+-------+
 *  |     |     | OUT2 | REFR |      |      | SPKR  | GATE2 |
 *  +-----+-----+------+------+------+------+-------+-------+
 *  GATE2 lets PIT channel 2 count; OUT2 is its output; SPKR sends it to
 *  the speaker (kept off).
 */
#define PORT_SYSCTL_B 0x61
#define SYSCTL_GATE2 (1u << 0)
#define SYSCTL_SPEAKER (1u << 1)
#define SYSCTL_OUT2 (1u << 5)
#define PIT_CH2 0x42
#define PIT_CONTROL 0x43
#define PIT_CW_CH2_ONESHOT 0xb0     /* channel 2, LSB then MSB, mode 0 */
#define RELAX_LOOPS 1000

/* Mode 0: OUT2 falls when the count is written, and rises when it has
 * counted down, TICKS clock periods after the gate rose. */
void pit2_start(uint32_t ticks)
{
    uint8_t b = inb(PORT_SYSCTL_B) & (uint8_t)~(SYSCTL_GATE2 | SYSCTL_SPEAKER);

    outb(PORT_SYSCTL_B, b);
    outb(PIT_CONTROL, PIT_CW_CH2_ONESHOT);
    outb(PIT_CH2, (uint8_t)ticks);
    outb(PIT_CH2, (uint8_t)(ticks >> 8));
    outb(PORT_SYSCTL_B, b | SYSCTL_GATE2);
}

int pit2_expired(void)
{
    return (inb(PORT_SYSCTL_B) & SYSCTL_OUT2) != 0;
}

/* A few microseconds of doing nothing, without touching a device.  (A
 * guest that reads a port without pause keeps QEMU's device lock so busy
 * that its timers fire late and lose periods; under the monitor every read
 * is an exit.) */
static void relax(void)
{
    for (volatile int i = 0; i < RELAX_LOOPS; i++)
        ;
}

void pit2_wait_ticks(uint32_t ticks)
{
    pit2_start(ticks);
    while (!pit2_expired())
        relax();
}

#define MAX_MS_PER_SHOT 50u

void delay_ms(uint32_t ms)
{
    while (ms > 0) {
        uint32_t n = ms > MAX_MS_PER_SHOT ? MAX_MS_PER_SHOT : ms;

        pit2_wait_ticks(n * PIT_TICKS_PER_MS);
        ms -= n;
    }
}

static int within(uint32_t got, uint32_t want, uint32_t tol)
{
    return got + tol >= want && got <= want + tol;
}

void report_within(const char *name, uint32_t got, uint32_t want,
                   uint32_t tol, const char *unit)
{
    if (within(got, want, tol))
        kprintf("%s: %u +- %u %s: ok\n", name, want, tol, unit);
    else
        kprintf("%s: %u %s, want %u +- %u: FAIL\n", name, got, unit, want, tol);
}

/* VECTOR's interrupts in one window of RATE_WINDOW_MS, IF set. */
static uint32_t count_window(uint32_t vector)
{
    dev_irq_count[vector] = 0;
    sti();
    delay_ms(RATE_WINDOW_MS);
    cli();
    return dev_irq_count[vector];
}

void report_rate(const char *name, uint32_t vector, uint32_t want)
{
    uint32_t n = 0;

    for (int i = 0; i < RATE_ATTEMPTS; i++)
        if (within(n = count_window(vector), want, RATE_TOLERANCE))
            break;
    report_within(name, n, want, RATE_TOLERANCE, "interrupts");
}

/* One millisecond with IF set: every interrupt pending now, and every one
 * its handlers make pending, is taken.  (Polling port 0x61 exits to the
 * monitor, which delivers what is pending at each exit.) */
void dev_let_interrupts_in(void)
{
    sti();
    pit2_wait_ticks(PIT_TICKS_PER_MS);
    cli();
}

/* ---- the command line ---------------------------------------------------- */

struct section {
    const char *name;
    void (*run)(void);
};

static const struct section sections[] = {
    { "pic", pic_section },       { "pit", pit_section },
    { "lapic", lapic_section },   { "ioapic", ioapic_section },
    { "uart", uart_section },     { "rtc", rtc_section },
    { "ide", ide_section },       { "board", board_section },
    { "mp", mp_section },
    { "disk-write", disk_write_pattern }, { "disk-read", disk_read_pattern },
};
#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))
#define N_FULL_RUN 9                /* the first nine run by default */

/* Does the word at S (ending at a space or NUL) equal NAME? */
static int word_is(const char *s, const char *name)
{
    while (*name && *s == *name)
        s++, name++;
    return *name == '\0' && (*s == ' ' || *s == '\0');
}

/* Run the section the word at S names; 0 if there is none. */
static int run_named(const char *s)
{
    for (unsigned i = 0; i < N_SECTIONS; i++)
        if (word_is(s, sections[i].name)) {
            sections[i].run();
            return 1;
        }
    return 0;
}

/* The words after the first (the kernel's own name), or "". */
static const char *arguments(const struct multiboot_info *mbi)
{
    const char *s;

    if (!(mbi->flags & MBI_FLAG_CMDLINE))
        return "";
    s = (const char *)mbi->cmdline;
    while (*s && *s != ' ')
        s++;
    while (*s == ' ')
        s++;
    return s;
}

/* Run the sections S names, in order; 1 if a word names none. */
static int run_words(const char *s)
{
    int bad = 0;

    while (*s) {
        if (!run_named(s)) {
            kprintf("devices: no section '");
            for (; *s && *s != ' '; s++)
                kprintf("%c", *s);
            kprintf("'\n");
            bad = 1;
        }
        while (*s && *s != ' ')
            s++;
        while (*s == ' ')
            s++;
    }
    return bad;
}

struct dev_boot_state dev_boot;

#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_DATA 0xa1

/* Read what kmain is about to change: the PIC masks, COM1's setup. */
static void save_boot_state(void)
{
    dev_boot.pic_imr[0] = inb(PIC_MASTER_DATA);
    dev_boot.pic_imr[1] = inb(PIC_SLAVE_DATA);
    dev_boot.uart_ier = inb(COM1 + UART_IER);
    dev_boot.uart_iir = inb(COM1 + UART_IIR);
    dev_boot.uart_lcr = inb(COM1 + UART_LCR);
    dev_boot.uart_mcr = inb(COM1 + UART_MCR);
    for (unsigned ch = 0; ch < 3; ch++)
        dev_boot.pit_status[ch] = pit_boot_status(ch);
}

void kmain(uint32_t magic, const struct multiboot_info *mbi)
{
    const char *args = arguments(mbi);

    (void)magic;
    save_boot_state();
    uart_init();
    gdt_init();
    pic_remap();                /* IRQ n on vector 32 + n; all masked */
    install_vectors();
    kprintf("devices: conformance guest\n");
    if (*args) {
        poweroff(run_words(args));
    }
    for (unsigned i = 0; i < N_FULL_RUN; i++)
        sections[i].run();
    kprintf("devices: done\n");
    poweroff(0);
}
