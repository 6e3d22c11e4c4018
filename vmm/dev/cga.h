/*
 * cga.h - colour text memory at 0xb8000 and the CRT controller's ports.
 *
 *   0xb8000-0xbffff  text memory: character, attribute, character, ...
 *   0x3d4            CRTC index        0x3d5  CRTC data (0x0e/0x0f: cursor)
 *   0x3d8            mode control      0x3d9  colour select
 *   0x3da            input status: bits 0 and 3 toggle on every read
 */
#ifndef VMM_DEV_CGA_H
#define VMM_DEV_CGA_H

#include <stdint.h>

#define CGA_MEM_BASE    0xb8000u
#define CGA_MEM_SIZE    0x8000u
#define CGA_PORT_FIRST  0x3d4
#define CGA_CRTC_INDEX  0x3d4
#define CGA_CRTC_DATA   0x3d5
#define CGA_MODE        0x3d8
#define CGA_COLOR       0x3d9
#define CGA_STATUS      0x3da
#define CGA_PORT_LAST   0x3da
#define CRTC_CURSOR_HIGH 0x0e
#define CRTC_CURSOR_LOW  0x0f
#define CGA_BLANK       0x0720  /* a space, light grey on black */

struct cga {
	uint8_t mem[CGA_MEM_SIZE];
	uint8_t crtc_index;
	uint8_t crtc[256];
	uint8_t mode, color, status;
};

/* The screen as a BIOS leaves it in mode 3: blank, cursor at the top left. */
void cga_init(struct cga *c);

/* A guest read of SIZE (1-8) bytes at OFFSET in text memory. */
uint64_t cga_mem_read(const struct cga *c, uint32_t offset, unsigned size);

/* A guest write of SIZE bytes VAL at OFFSET in text memory. */
void cga_mem_write(struct cga *c, uint32_t offset, unsigned size, uint64_t val);

/* A guest read of the byte at PORT (0x3d4-0x3da). */
uint8_t cga_port_read(struct cga *c, uint16_t port);

/* A guest write of byte VAL at PORT. */
void cga_port_write(struct cga *c, uint16_t port, uint8_t val);

#endif
