/*
 * ps2.h - the 8042 PS/2 controller's ports, with a keyboard that only answers.
 *
 *   0x60  read: output buffer          write: data (to the keyboard, or a
 *                                             command's parameter)
 *   0x64  read: status                 write: controller command
 *
 *   status   7: parity err  6: timeout  5: aux data  4: not inhibited
 *            3: last write was a command  2: system flag  1: input full
 *            0: output full
 */
#ifndef VMM_DEV_PS2_H
#define VMM_DEV_PS2_H

#include <stdbool.h>
#include <stdint.h>

#include "irq.h"

#define PS2_DATA        0x60
#define PS2_STATUS      0x64
#define PS2_COMMAND     0x64
#define PS2_IRQ         1
#define PS2_QUEUE       8

#define PS2_ST_OUTPUT_FULL   (1u << 0)
#define PS2_ST_SYSTEM        (1u << 2)
#define PS2_ST_COMMAND       (1u << 3)
#define PS2_ST_NOT_INHIBITED (1u << 4)

/* The controller configuration byte ("command byte"). */
#define PS2_CB_KBD_INT       (1u << 0)
#define PS2_CB_AUX_INT       (1u << 1)
#define PS2_CB_SYSTEM        (1u << 2)
#define PS2_CB_KBD_DISABLED  (1u << 4)
#define PS2_CB_AUX_DISABLED  (1u << 5)
#define PS2_CB_TRANSLATE     (1u << 6)

struct ps2 {
	uint8_t queue[PS2_QUEUE];
	unsigned head, count;
	uint8_t last_read;
	uint8_t command_byte, output_port;
	uint8_t awaiting;               /* a command whose parameter comes next, or 0 */
	uint8_t kbd_awaiting;           /* a keyboard command awaiting its parameter */
	bool last_write_was_command;
	bool reset_requested;           /* the guest pulsed the CPU reset line */
	struct irq_line irq1;
};

/* The controller as SeaBIOS leaves it: self-tested, keyboard enabled, aux off. */
void ps2_init(struct ps2 *p, struct irq_line irq1);

/* A guest read of the byte at PORT (0x60 or 0x64). */
uint8_t ps2_read(struct ps2 *p, uint16_t port);

/* A guest write of byte VAL at PORT. */
void ps2_write(struct ps2 *p, uint16_t port, uint8_t val);

#endif
