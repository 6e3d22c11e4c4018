/*
 * ps2.c - the 8042 keyboard controller, enough for a kernel to probe it.
 *
 * Problem: PC kernels look at port 0x64 for keyboard data (xv6's kbdintr
 * reads status and returns when the output buffer is empty), and Linux-class
 * kernels probe the controller: read and write the command byte, run the
 * self tests, reset the keyboard and wait for its answers.  There is no
 * keyboard here - the guest's console is its serial port - but nothing may
 * hang waiting for an answer that never comes.
 *
 * Approach: the controller's command byte, output port and a small output
 * queue.  Controller commands and keyboard commands get the answers a real
 * controller and keyboard give (0x55 for the self test, 0xfa ACK, 0xaa after
 * a keyboard reset, ...); no key is ever pressed.  IRQ 1 is raised while the
 * output buffer is full and the command byte enables it, and drops for a
 * moment at each read so the next byte is a fresh edge.  A pulse of the reset
 * line (command 0xfe, or the output port's reset bit) is recorded in
 * reset_requested; resetting the machine is not modelled.  The initial state
 * is what a guest finds on QEMU after SeaBIOS: status 0x1c, command byte 0x61.
 */
#include "ps2.h"

#include <string.h>

#define CMD_READ_CB        0x20
#define CMD_WRITE_CB       0x60
#define CMD_AUX_DISABLE    0xa7
#define CMD_AUX_ENABLE     0xa8
#define CMD_AUX_TEST       0xa9
#define CMD_SELF_TEST      0xaa
#define CMD_KBD_TEST       0xab
#define CMD_KBD_DISABLE    0xad
#define CMD_KBD_ENABLE     0xae
#define CMD_READ_INPUT     0xc0
#define CMD_READ_OUTPUT    0xd0
#define CMD_WRITE_OUTPUT   0xd1
#define CMD_WRITE_KBD_OBUF 0xd2
#define CMD_WRITE_AUX_OBUF 0xd3
#define CMD_WRITE_AUX      0xd4
#define CMD_PULSE_FIRST    0xf0     /* 0xf0-0xff: pulse output lines; bit 0 clear = reset */
#define SELF_TEST_OK       0x55
#define INTERFACE_OK       0x00
#define OUTPUT_RESET_LINE  (1u << 0)    /* 0: the CPU is held in reset */
#define OUTPUT_A20         (1u << 1)
#define INPUT_PORT_VALUE   0x80         /* keyboard not inhibited by the key lock */

#define KBD_ACK            0xfa
#define KBD_SELF_TEST_OK   0xaa
#define KBD_ECHO           0xee
#define KBD_CMD_SET_LEDS   0xed
#define KBD_CMD_ECHO       0xee
#define KBD_CMD_SCANCODES  0xf0
#define KBD_CMD_IDENTIFY   0xf2
#define KBD_CMD_TYPEMATIC  0xf3
#define KBD_CMD_RESET      0xff
#define KBD_ID_1           0xab
#define KBD_ID_2           0x83
#define KBD_ID_2_TRANSLATED 0x41        /* 0x83 as the 8042 translates it */

static void update_irq(struct ps2 *p)
{
	irq_line_set(&p->irq1, p->count && (p->command_byte & PS2_CB_KBD_INT));
}

static void push(struct ps2 *p, uint8_t byte)
{
	if (p->count == PS2_QUEUE)
		return;
	p->queue[(p->head + p->count) % PS2_QUEUE] = byte;
	p->count++;
	update_irq(p);
}

void ps2_init(struct ps2 *p, struct irq_line irq1)
{
	memset(p, 0, sizeof(*p));
	p->irq1 = irq1;
	p->command_byte = PS2_CB_KBD_INT | PS2_CB_AUX_DISABLED | PS2_CB_TRANSLATE;
	p->output_port = OUTPUT_RESET_LINE | OUTPUT_A20;
	p->last_write_was_command = true;
}

static uint8_t status(const struct ps2 *p)
{
	return (uint8_t)((p->count ? PS2_ST_OUTPUT_FULL : 0) |
			 PS2_ST_SYSTEM |                /* the self test passed */
			 (p->last_write_was_command ? PS2_ST_COMMAND : 0) |
			 PS2_ST_NOT_INHIBITED);
}

uint8_t ps2_read(struct ps2 *p, uint16_t port)
{
	if (port == PS2_STATUS)
		return status(p);
	if (p->count) {
		p->last_read = p->queue[p->head];
		p->head = (p->head + 1) % PS2_QUEUE;
		p->count--;
		irq_line_set(&p->irq1, false);  /* the next byte is a new edge */
		update_irq(p);
	}
	return p->last_read;                    /* empty: the last byte again */
}

static void controller_command(struct ps2 *p, uint8_t cmd)
{
	switch (cmd) {
	case CMD_READ_CB:     push(p, p->command_byte); break;
	case CMD_AUX_DISABLE: p->command_byte |= PS2_CB_AUX_DISABLED; break;
	case CMD_AUX_ENABLE:  p->command_byte &= (uint8_t)~PS2_CB_AUX_DISABLED; break;
	case CMD_AUX_TEST:
	case CMD_KBD_TEST:    push(p, INTERFACE_OK); break;
	case CMD_SELF_TEST:   push(p, SELF_TEST_OK); break;
	case CMD_KBD_DISABLE: p->command_byte |= PS2_CB_KBD_DISABLED; break;
	case CMD_KBD_ENABLE:  p->command_byte &= (uint8_t)~PS2_CB_KBD_DISABLED; break;
	case CMD_READ_INPUT:  push(p, INPUT_PORT_VALUE); break;
	case CMD_READ_OUTPUT: push(p, p->output_port); break;
	case CMD_WRITE_CB:
	case CMD_WRITE_OUTPUT:
	case CMD_WRITE_KBD_OBUF:
	case CMD_WRITE_AUX_OBUF:
	case CMD_WRITE_AUX:
		p->awaiting = cmd;
		break;
	default:
		if (cmd >= CMD_PULSE_FIRST && !(cmd & OUTPUT_RESET_LINE))
			p->reset_requested = true;
		break;                          /* anything else: accepted, ignored */
	}
}

/* The parameter byte of the controller command that awaits one. */
static void command_parameter(struct ps2 *p, uint8_t val)
{
	uint8_t cmd = p->awaiting;

	p->awaiting = 0;
	switch (cmd) {
	case CMD_WRITE_CB:       p->command_byte = val; update_irq(p); break;
	case CMD_WRITE_OUTPUT:
		p->output_port = val;
		if (!(val & OUTPUT_RESET_LINE))
			p->reset_requested = true;
		break;
	case CMD_WRITE_KBD_OBUF:
	case CMD_WRITE_AUX_OBUF: push(p, val); break;
	default:                 break;     /* to the mouse: there is none */
	}
}

/* A byte for the keyboard: it answers as a PS/2 keyboard does. */
static void keyboard_byte(struct ps2 *p, uint8_t val)
{
	if (p->kbd_awaiting) {
		p->kbd_awaiting = 0;
		push(p, KBD_ACK);
		return;
	}
	switch (val) {
	case KBD_CMD_ECHO:
		push(p, KBD_ECHO);
		break;
	case KBD_CMD_RESET:
		push(p, KBD_ACK);
		push(p, KBD_SELF_TEST_OK);
		break;
	case KBD_CMD_IDENTIFY:
		push(p, KBD_ACK);
		push(p, KBD_ID_1);
		push(p, (p->command_byte & PS2_CB_TRANSLATE) ?
			KBD_ID_2_TRANSLATED : KBD_ID_2);
		break;
	case KBD_CMD_SET_LEDS:
	case KBD_CMD_SCANCODES:
	case KBD_CMD_TYPEMATIC:
		p->kbd_awaiting = val;
		push(p, KBD_ACK);
		break;
	default:
		push(p, KBD_ACK);
		break;
	}
}

void ps2_write(struct ps2 *p, uint16_t port, uint8_t val)
{
	p->last_write_was_command = port == PS2_COMMAND;
	if (port == PS2_COMMAND)
		controller_command(p, val);
	else if (p->awaiting)
		command_parameter(p, val);
	else
		keyboard_byte(p, val);
}
