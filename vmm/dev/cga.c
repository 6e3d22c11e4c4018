/*
 * cga.c - CGA text memory and the CRT controller.
 *
 * Problem: PC kernels write their console to text memory at 0xb8000 and move
 * the hardware cursor through CRTC registers 0x0e/0x0f, reading the cursor
 * position back (xv6's cgaputc does).  Some wait for vertical retrace on
 * 0x3da.  Nobody looks at the screen here: the guest's console that matters
 * is its serial port.
 *
 * Approach: text memory is a plain 32 KiB array behind MMIO (so every guest
 * access traps, which is slow but exact), the CRTC a register file that reads
 * back what was written (VGA-compatible, as on QEMU), and the input status
 * register flips its retrace and display-enable bits on every read, as QEMU's
 * does, so a retrace wait finishes.  The registers start with the mode 3
 * values a BIOS programs.
 */
#include "cga.h"

#include <string.h>

#define STATUS_DISPLAY_ENABLE 0x01
#define STATUS_VRETRACE       0x08
#define MODE3_MODE_CONTROL    0x29          /* 80x25 text, video on, blink */
#define MODE3_COLOR           0x30

static const uint8_t mode3_crtc[] = {
	0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e,
	0x00, 0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3,
	0xff,
};

void cga_init(struct cga *c)
{
	memset(c, 0, sizeof(*c));
	for (unsigned i = 0; i < CGA_MEM_SIZE; i += 2) {
		c->mem[i] = (uint8_t)CGA_BLANK;
		c->mem[i + 1] = (uint8_t)(CGA_BLANK >> 8);
	}
	memcpy(c->crtc, mode3_crtc, sizeof(mode3_crtc));
	c->mode = MODE3_MODE_CONTROL;
	c->color = MODE3_COLOR;
}

uint64_t cga_mem_read(const struct cga *c, uint32_t offset, unsigned size)
{
	uint64_t val = 0;

	for (unsigned i = 0; i < size && offset + i < CGA_MEM_SIZE; i++)
		val |= (uint64_t)c->mem[offset + i] << (8 * i);
	return val;
}

void cga_mem_write(struct cga *c, uint32_t offset, unsigned size, uint64_t val)
{
	for (unsigned i = 0; i < size && offset + i < CGA_MEM_SIZE; i++)
		c->mem[offset + i] = (uint8_t)(val >> (8 * i));
}

uint8_t cga_port_read(struct cga *c, uint16_t port)
{
	switch (port) {
	case CGA_CRTC_INDEX: return c->crtc_index;
	case CGA_CRTC_DATA:  return c->crtc[c->crtc_index];
	case CGA_MODE:       return c->mode;
	case CGA_COLOR:      return c->color;
	case CGA_STATUS:
		c->status ^= STATUS_DISPLAY_ENABLE | STATUS_VRETRACE;
		return c->status;
	default:             return 0xff;
	}
}

void cga_port_write(struct cga *c, uint16_t port, uint8_t val)
{
	switch (port) {
	case CGA_CRTC_INDEX: c->crtc_index = val; break;
	case CGA_CRTC_DATA:  c->crtc[c->crtc_index] = val; break;
	case CGA_MODE:       c->mode = val; break;
	case CGA_COLOR:      c->color = val; break;
	default:             break;
	}
}
