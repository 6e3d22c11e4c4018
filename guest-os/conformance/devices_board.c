/*
 * devices_board.c - the small devices of the board: CGA text memory and the
 * CRT controller, the 8042 PS/2 controller, and PCI configuration space
 * with nothing behind the slots probed.
 *
 * The problem: each is simple, and each is touched by every PC kernel's
 * early boot: the console writes to 0xb8000 and moves the cursor through
 * the CRTC, the keyboard driver reads the 8042's status and sends it
 * commands, and the PCI scan reads vendor IDs until it gets all ones.  The
 * monitor models them (vmm/dev/cga.c, ps2.c, pci.c); natively they are
 * QEMU's.  (The monitor's PC has no PCI device at all, where QEMU's has its
 * chipset's; so only slots that are empty in both are probed.)
 *
 * The approach: write patterns to text memory and read them back through
 * every access width (the CRT controller's ports are not compared: QEMU's
 * PC, started without a display adapter, has none, the monitor's has a
 * CGA's); send the 8042 and the keyboard the commands whose replies are
 * fixed; read configuration space at empty slots and with the enable bit
 * clear.
 */
#include "devices.h"

#include "x86.h"

/* ---- CGA ------------------------------------------------------------------ */

#define CGA_MEM 0xb8000u
#define CGA_MEM_END 0xc0000u

static void cga(void)
{
    volatile uint8_t *b = (volatile uint8_t *)CGA_MEM;
    volatile uint16_t *w = (volatile uint16_t *)CGA_MEM;
    volatile uint32_t *d = (volatile uint32_t *)CGA_MEM;
    volatile uint16_t *last = (volatile uint16_t *)(CGA_MEM_END - 2);

    w[0] = 0x1f44;              /* 'D', white on blue */
    w[1] = 0x1f45;
    b[4] = 'V';
    b[5] = 0x1f;
    d[1] = 0x1f531f56;          /* "VS" */
    d[2] = 0x2f492f43;          /* "CI" */
    *last = 0x4e21;
    kprintf("cga: read back bytes %02x %02x %02x %02x words %04x %04x "
            "dwords %08x %08x, last word %04x\n", b[0], b[1], b[4], b[5],
            w[0], w[1], d[1], d[2], *last);
}

/* ---- PS/2 ----------------------------------------------------------------- */

#define PS2_DATA 0x60
#define PS2_STATUS 0x64
#define PS2_COMMAND 0x64
#define ST_OUTPUT_FULL 0x01u
#define ST_INPUT_FULL 0x02u
/* Bit 3 says whether the last write went to 0x64 (a command) or 0x60.  An
 * 8042 and the monitor's model keep it so; QEMU's always shows 1.  Not
 * compared. */
#define ST_COMMAND 0x08u
#define STATUS_COMPARED ((uint8_t)~ST_COMMAND)
#define CCMD_READ_CB 0x20u
#define CCMD_SELF_TEST 0xaau
#define CCMD_KBD_TEST 0xabu
#define CCMD_WRITE_KBD_OBUF 0xd2u
#define KCMD_ECHO 0xeeu
#define KCMD_IDENTIFY 0xf2u
#define PS2_POLL 100000

static void ps2_wait_input_empty(void)
{
    for (int i = 0; i < PS2_POLL && (inb(PS2_STATUS) & ST_INPUT_FULL); i++)
        ;
}

/* The next byte of output, or -1 if none comes. */
static int ps2_read(void)
{
    for (int i = 0; i < PS2_POLL; i++)
        if (inb(PS2_STATUS) & ST_OUTPUT_FULL)
            return inb(PS2_DATA);
    return -1;
}

static void ps2_drain(void)
{
    while (inb(PS2_STATUS) & ST_OUTPUT_FULL)
        (void)inb(PS2_DATA);
}

static void ps2_command(uint8_t cmd)
{
    ps2_wait_input_empty();
    outb(PS2_COMMAND, cmd);
}

static void ps2_data(uint8_t v)
{
    ps2_wait_input_empty();
    outb(PS2_DATA, v);
}

/* IRQ 1: the 8042 puts BYTE in its output buffer as if the keyboard sent
 * it (command 0xd2); the line stays up until port 0x60 is read. */
void ps2_byte_source(uint8_t byte)
{
    ps2_command(CCMD_WRITE_KBD_OBUF);
    ps2_data(byte);
}

static void ps2(void)
{
    int r1, r2, r3;

    kprintf("ps2: status 0x%02x (bit 3 left out)\n",
            inb(PS2_STATUS) & STATUS_COMPARED);
    ps2_drain();
    ps2_command(CCMD_READ_CB);
    kprintf("ps2: command byte 0x%02x\n", ps2_read());
    ps2_command(CCMD_SELF_TEST);
    r1 = ps2_read();
    ps2_command(CCMD_KBD_TEST);
    r2 = ps2_read();
    kprintf("ps2: self test 0x%02x, keyboard interface test 0x%02x\n", r1, r2);
    ps2_data(KCMD_ECHO);
    kprintf("ps2: keyboard echo 0x%02x\n", ps2_read());
    ps2_data(KCMD_IDENTIFY);
    r1 = ps2_read();
    r2 = ps2_read();
    r3 = ps2_read();
    kprintf("ps2: keyboard identify 0x%02x 0x%02x 0x%02x\n", r1, r2, r3);
    ps2_byte_source(0x5a);
    kprintf("ps2: after 0xd2 0x5a: status 0x%02x, ",
            inb(PS2_STATUS) & STATUS_COMPARED);
    kprintf("data 0x%02x, status 0x%02x\n", inb(PS2_DATA),
            inb(PS2_STATUS) & STATUS_COMPARED);
}

/* ---- PCI ------------------------------------------------------------------ */

#define PCI_ADDRESS 0xcf8
#define PCI_DATA 0xcfc
#define PCI_ENABLE 0x80000000u
#define PCI_BDF(bus, dev, fn) ((uint32_t)(bus) << 16 | (dev) << 11 | (fn) << 8)

static uint32_t pci_read(uint32_t address)
{
    outl(PCI_ADDRESS, address);
    return inl(PCI_DATA);
}

static void pci(void)
{
    uint32_t a = PCI_ENABLE | PCI_BDF(0, 31, 0);

    kprintf("pci: 00:1f.0 vendor/device 0x%08x\n", pci_read(a));
    kprintf("pci: address register reads 0x%08x\n", inl(PCI_ADDRESS));
    kprintf("pci: 00:1f.7 0x%08x, 01:00.0 0x%08x, ff:1f.7 0x%08x\n",
            pci_read(PCI_ENABLE | PCI_BDF(0, 31, 7)),
            pci_read(PCI_ENABLE | PCI_BDF(1, 0, 0)),
            pci_read(PCI_ENABLE | PCI_BDF(255, 31, 7)));
    outl(PCI_ADDRESS, a | 0x08);
    kprintf("pci: 00:1f.0 offset 8: 16 bits at 0xcfe 0x%04x, 8 bits at "
            "0xcff 0x%02x\n", inw(PCI_DATA + 2), inb(PCI_DATA + 3));
    kprintf("pci: enable bit clear: 0x%08x\n", pci_read(PCI_BDF(0, 31, 0)));
}

void board_section(void)
{
    cga();
    ps2();
    pci();
}
