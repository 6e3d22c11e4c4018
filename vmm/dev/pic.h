/*
 * pic.h - the two cascaded 8259A programmable interrupt controllers of a PC.
 *
 * Ports (master / slave):
 *   0x20 / 0xa0   command: ICW1, OCW2, OCW3        read: IRR or ISR (OCW3)
 *   0x21 / 0xa1   data:    ICW2-4, then OCW1 (IMR) read: IMR
 *   0x4d0/ 0x4d1  ELCR: 1 = the line is level-triggered
 *
 * The slave's INT output is wired to the master's IR2; the master's INT
 * output goes to the CPU (through the local APIC's LINT0 as ExtINT).
 */
#ifndef VMM_DEV_PIC_H
#define VMM_DEV_PIC_H

#include <stdbool.h>
#include <stdint.h>

#define PIC_MASTER_CMD  0x20
#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_CMD   0xa0
#define PIC_SLAVE_DATA  0xa1
#define PIC_ELCR_MASTER 0x4d0
#define PIC_ELCR_SLAVE  0x4d1
#define PIC_CASCADE_IRQ 2

/* One 8259A. */
struct pic8259 {
	uint8_t irr, isr, imr;
	uint8_t level_in;               /* the input lines as they are now */
	uint8_t elcr, elcr_mask;        /* which lines may be level-triggered */
	uint8_t vector_base;            /* ICW2 & 0xf8 */
	uint8_t lowest_priority_add;    /* IR (add) has the highest priority */
	uint8_t init_step;              /* 0: ready, 1-3: expecting ICW2-4 */
	bool icw4_needed, single, level_triggered_all;
	bool auto_eoi, rotate_on_auto_eoi, special_fully_nested;
	bool special_mask, read_isr, poll;
	bool is_master;
};

struct pic_pair {
	struct pic8259 master, slave;
};

/* Power-on state: both chips uninitialised, every line masked off nothing. */
void pic_init(struct pic_pair *p);

/* Set ISA input LINE (0-15) to LEVEL. */
void pic_set_irq(struct pic_pair *p, unsigned line, bool level);

/* Is the master's INT output asserted (an interrupt wants the CPU)? */
bool pic_int_output(const struct pic_pair *p);

/*
 * The vector the next INTA cycle would give, without performing it; -1 when
 * INT is not asserted.
 */
int pic_pending_vector(const struct pic_pair *p);

/*
 * The INTA cycle: the vector for the CPU, with IRR/ISR updated as the chips
 * do.  With nothing to give it answers the spurious IR7 of the chip that was
 * asked (master IR7, or slave IR7 = IRQ 15 after the master took IR2).
 */
int pic_acknowledge(struct pic_pair *p);

/* A guest read of the byte at PORT (one of the ports above). */
uint8_t pic_read(struct pic_pair *p, uint16_t port);

/* A guest write of byte VAL at PORT. */
void pic_write(struct pic_pair *p, uint16_t port, uint8_t val);

#endif
