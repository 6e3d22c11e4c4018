/*
 * devices_ide.c - the primary IDE channel: probing, IDENTIFY, reading and
 * writing sectors by PIO, errors, IRQ 14; and the persistence cases.
 *
 * The problem: the guest's disk is the monitor's ATA model (vmm/dev/ide.c)
 * in front of the machine's real disk, which is the image file given with
 * `vmm run --hda`.  A PC disk driver probes a drive by selecting it and
 * reading status, identifies it, then moves sectors through the data port -
 * polling status, or sleeping until IRQ 14 - and must see the same drive
 * natively and under the monitor, and its writes must reach the file.
 *
 * The approach: the scratch disk the test script makes holds a known
 * header in sector 0 (HEADER below) and zeros after it.  Print what
 * IDENTIFY says that a PIO driver uses (model, serial, geometry, LBA
 * capacity); read the header; write sectors and read them back, one and
 * several per command; print the task file after a transfer and after a
 * rejected command; count the interrupts of a read and a write with nIEN
 * clear.  Data transfers use one `inw`/`outw` per word.
 *
 * The persistence cases (command line disk-write, disk-read) write
 * PERSIST_SECTORS sectors of text, each line "vmm persistence: sector N of
 * 4.\n" 16 times, from sector PERSIST_FIRST, and read them back in a later
 * run; tests/integration/devices_persist.sh compares the image file too.
 */
#include "devices.h"

#include "x86.h"

#define DATA 0x1f0
#define ERROR 0x1f1
#define COUNT 0x1f2
#define LBA_LOW 0x1f3
#define LBA_MID 0x1f4
#define LBA_HIGH 0x1f5
#define DEVICE 0x1f6
#define STATUS 0x1f7
#define COMMAND 0x1f7
#define CONTROL 0x3f6           /* write: device control; read: alt status */

/*
 *  status   7: BSY  6: DRDY  5: DF  4: DSC  3: DRQ  0: ERR
 *  device   7,5: 1  6: LBA  4: DEV (1 = slave)  3-0: LBA 27-24
 *  control  2: SRST  1: nIEN (1: no interrupts)
 */
#define ST_BSY 0x80u
#define ST_DRQ 0x08u
#define ST_ERR 0x01u
#define DEV_MASTER_LBA 0xe0u
#define DEV_SLAVE 0x10u
#define CTL_NIEN 0x02u
#define CMD_READ 0x20u
#define CMD_WRITE 0x30u
#define CMD_FLUSH 0xe7u
#define CMD_IDENTIFY 0xecu

#define SECTOR_WORDS 256
#define POLL_LIMIT 10000000
#define IRQ_IDE 14
#define IDE_VECTOR DEV_PIC_VECTOR(IRQ_IDE)
#define HEADER "vmm devices scratch disk"
#define PERSIST_FIRST 1
#define PERSIST_SECTORS 4
#define LINE_BYTES 32

static uint16_t sector[SECTOR_WORDS];

/* Wait until BSY clears: the status, or 0xff if it never does. */
static uint8_t wait_not_busy(void)
{
    for (int i = 0; i < POLL_LIMIT; i++) {
        uint8_t st = inb(STATUS);

        if (!(st & ST_BSY))
            return st;
    }
    return 0xff;
}

/* Wait for DRQ; 0, or -1 on error or time-out. */
static int wait_drq(void)
{
    uint8_t st = wait_not_busy();

    return st != 0xff && (st & ST_DRQ) && !(st & ST_ERR) ? 0 : -1;
}

/* Select the master and name COUNT sectors from LBA; then COMMAND. */
static void issue(uint8_t command, uint32_t lba, uint8_t count)
{
    outb(DEVICE, (uint8_t)(DEV_MASTER_LBA | ((lba >> 24) & 0x0f)));
    wait_not_busy();
    outb(COUNT, count);
    outb(LBA_LOW, (uint8_t)lba);
    outb(LBA_MID, (uint8_t)(lba >> 8));
    outb(LBA_HIGH, (uint8_t)(lba >> 16));
    outb(COMMAND, command);
}

static void read_data(uint16_t *w)
{
    for (int i = 0; i < SECTOR_WORDS; i++)
        w[i] = inw(DATA);
}

static void write_data(const uint16_t *w)
{
    for (int i = 0; i < SECTOR_WORDS; i++)
        outw(DATA, w[i]);
}

/* Read COUNT sectors from LBA into BUF; 0 or -1. */
static int read_sectors(uint32_t lba, uint8_t count, uint16_t *buf)
{
    issue(CMD_READ, lba, count);
    for (int s = 0; s < count; s++) {
        if (wait_drq() != 0)
            return -1;
        read_data(buf + s * SECTOR_WORDS);
    }
    return 0;
}

/* Write COUNT sectors from BUF to LBA; 0 or -1. */
static int write_sectors(uint32_t lba, uint8_t count, const uint16_t *buf)
{
    issue(CMD_WRITE, lba, count);
    for (int s = 0; s < count; s++) {
        if (wait_drq() != 0)
            return -1;
        write_data(buf + s * SECTOR_WORDS);
    }
    return (wait_not_busy() & ST_ERR) ? -1 : 0;
}

static uint8_t flush(void)
{
    outb(DEVICE, DEV_MASTER_LBA);
    wait_not_busy();
    outb(COMMAND, CMD_FLUSH);
    return wait_not_busy();
}

/* Print the ATA string of WORDS words at W (two characters per word, the
 * first in the high byte), trailing spaces left out. */
static void print_ata_string(const uint16_t *w, int words)
{
    char s[81];
    int n = 0;

    for (int i = 0; i < words; i++) {
        s[n++] = (char)(w[i] >> 8);
        s[n++] = (char)w[i];
    }
    while (n > 0 && s[n - 1] == ' ')
        n--;
    s[n] = '\0';
    kprintf("\"%s\"", s);
}

static uint32_t byte_sum(const void *p, int n)
{
    const uint8_t *b = p;
    uint32_t sum = 0;

    for (int i = 0; i < n; i++)
        sum += b[i];
    return sum;
}

/* ---- the section --------------------------------------------------------- */

/* Is there a disk at all?  A channel without drives reads 0 (QEMU) or 0xff. */
static int probe(void)
{
    uint8_t st;

    outb(CONTROL, CTL_NIEN);
    kprintf("ide: device register as the bios left it 0x%02x\n", inb(DEVICE));
    outb(DEVICE, DEV_MASTER_LBA | DEV_SLAVE);
    kprintf("ide: slave selected: status 0x%02x\n", inb(STATUS));
    outb(DEVICE, DEV_MASTER_LBA);
    st = inb(STATUS);
    kprintf("ide: master selected: status 0x%02x alt status 0x%02x\n", st,
            inb(CONTROL));
    return st != 0 && st != 0xff;
}

static void identify(void)
{
    issue(CMD_IDENTIFY, 0, 0);
    if (wait_drq() != 0) {
        kprintf("ide: identify: no data, status 0x%02x\n", inb(STATUS));
        return;
    }
    read_data(sector);
    kprintf("ide: identify model ");
    print_ata_string(&sector[27], 20);
    kprintf(" serial ");
    print_ata_string(&sector[10], 10);
    kprintf(" firmware ");
    print_ata_string(&sector[23], 4);
    kprintf("\nide: identify word 0 0x%04x, chs %u/%u/%u, lba %s, "
            "%u sectors\n", sector[0], sector[1], sector[3], sector[6],
            (sector[49] & (1u << 9)) ? "yes" : "no",
            (uint32_t)sector[61] << 16 | sector[60]);
    kprintf("ide: after identify status 0x%02x\n", inb(STATUS));
}

static void print_taskfile(const char *when)
{
    kprintf("ide: %s: status 0x%02x error 0x%02x count 0x%02x lba "
            "0x%02x%02x%02x device 0x%02x\n", when, inb(STATUS), inb(ERROR),
            inb(COUNT), inb(LBA_HIGH), inb(LBA_MID), inb(LBA_LOW),
            inb(DEVICE));
}

static void header(void)
{
    char text[sizeof(HEADER)];

    if (read_sectors(0, 1, sector) != 0) {
        kprintf("ide: read of sector 0 failed\n");
        return;
    }
    for (unsigned i = 0; i < sizeof(HEADER) - 1; i++)
        text[i] = ((const char *)sector)[i];
    text[sizeof(HEADER) - 1] = '\0';
    kprintf("ide: sector 0 begins \"%s\", byte sum 0x%x\n", text,
            byte_sum(sector, 512));
    print_taskfile("after reading sector 0");
}

static uint16_t big[3 * SECTOR_WORDS], back[3 * SECTOR_WORDS];

static void write_and_read_back(void)
{
    int same = 1, wrc, rrc;

    for (int i = 0; i < 3 * SECTOR_WORDS; i++)
        big[i] = (uint16_t)(i * 0x9e37u + 0x1234u);
    wrc = write_sectors(5, 3, big);
    print_taskfile("after writing sectors 5-7");
    rrc = read_sectors(5, 3, back);
    for (int i = 0; i < 3 * SECTOR_WORDS; i++)
        same &= back[i] == big[i];
    kprintf("ide: wrote 3 sectors in one command (%s), read them back in "
            "one (%s): %s\n", wrc ? "failed" : "ok", rrc ? "failed" : "ok",
            same ? "same" : "DIFFERENT");
    kprintf("ide: flush cache: status 0x%02x\n", flush());
}

static void errors(void)
{
    issue(CMD_READ, 0x0fffff00, 1);
    wait_not_busy();
    print_taskfile("read past the end");
    outb(DEVICE, DEV_MASTER_LBA);
    outb(COMMAND, 0xa1);        /* IDENTIFY PACKET: not for a disk */
    wait_not_busy();
    print_taskfile("identify packet");
}

static void ide_hook(uint32_t vector)
{
    (void)vector;
    (void)inb(STATUS);          /* acknowledges INTRQ */
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
}

/* Wait (IF set) until the interrupt count reaches N; the count. */
static uint32_t wait_irqs(uint32_t n)
{
    sti();
    for (int ms = 0; ms < 100 && dev_irq_count[IDE_VECTOR] < n; ms++)
        delay_ms(1);
    cli();
    return dev_irq_count[IDE_VECTOR];
}

/* With nIEN clear: a read of 2 sectors interrupts once per sector, a write
 * of 1 once, at the end. */
static void interrupts(void)
{
    uint32_t after_cmd, after_read, after_write;

    dev_set_hook(IDE_VECTOR, ide_hook);
    pic_set_masks((uint16_t)~(1u << IRQ_IDE | 1u << 2));
    outb(CONTROL, 0);
    dev_let_interrupts_in();
    dev_irq_count[IDE_VECTOR] = 0;
    issue(CMD_READ, 5, 2);
    after_cmd = wait_irqs(1);
    read_data(back);
    wait_irqs(2);
    read_data(back + SECTOR_WORDS);
    after_read = wait_irqs(2);
    issue(CMD_WRITE, 9, 1);
    wait_drq();
    write_data(big);
    after_write = wait_irqs(3);
    outb(CONTROL, CTL_NIEN);
    pic_set_masks(0xffff);
    dev_set_hook(IDE_VECTOR, 0);
    kprintf("ide: irq 14: %u after the read command, %u after 2 sectors, "
            "%u after writing 1\n", after_cmd, after_read, after_write);
}

void ide_section(void)
{
    cli();
    if (!probe()) {
        kprintf("ide: no disk (run with a scratch disk: vmm run --hda)\n");
        return;
    }
    identify();
    header();
    write_and_read_back();
    errors();
    interrupts();
    dev_irq_reset();
}

/* ---- persistence --------------------------------------------------------- */

/* Sector S of the pattern: its line, 16 times. */
static void fill_pattern(uint32_t s)
{
    static const char line[] = "vmm persistence: sector 0 of 4.\n";
    char *p = (char *)sector;

    for (int i = 0; i < 512; i++)
        p[i] = line[i % LINE_BYTES];
    for (int i = 0; i < 512; i += LINE_BYTES)
        p[i + 24] = (char)('0' + s);
}

void disk_write_pattern(void)
{
    int failed = 0;

    outb(CONTROL, CTL_NIEN);
    for (uint32_t s = 1; s <= PERSIST_SECTORS; s++) {
        fill_pattern(s);
        failed |= write_sectors(PERSIST_FIRST + s - 1, 1, sector);
    }
    kprintf("disk-write: %u sectors from sector %u: %s, flush status 0x%02x\n",
            PERSIST_SECTORS, PERSIST_FIRST, failed ? "FAILED" : "written",
            flush());
}

void disk_read_pattern(void)
{
    static uint16_t want[SECTOR_WORDS];

    outb(CONTROL, CTL_NIEN);
    for (uint32_t s = 1; s <= PERSIST_SECTORS; s++) {
        int same = 1;

        fill_pattern(s);
        for (int i = 0; i < SECTOR_WORDS; i++)
            want[i] = sector[i];
        if (read_sectors(PERSIST_FIRST + s - 1, 1, sector) != 0) {
            kprintf("disk-read: sector %u: read failed\n", PERSIST_FIRST + s - 1);
            continue;
        }
        for (int i = 0; i < SECTOR_WORDS; i++)
            same &= sector[i] == want[i];
        kprintf("disk-read: sector %u: ", PERSIST_FIRST + s - 1);
        for (int i = 0; i < LINE_BYTES - 1; i++)
            kprintf("%c", ((const char *)sector)[i]);
        kprintf(" (x16: %s)\n", same ? "yes" : "no");
    }
}
