/*
 * ide.c - an ATA channel in PIO mode, in front of two block backends.
 *
 * Problem: guest disk drivers (xv6's ide.c, Linux's ata_piix in PIO) probe
 * for drives by selecting one and reading status, IDENTIFY them, and move
 * sectors with READ SECTORS and WRITE SECTORS (LBA28, or CHS) through the
 * data port, 512 bytes per DRQ block, either polling status or waiting for
 * IRQ 14 - unless nIEN is set.  A drive that is not there must look exactly
 * as it does on QEMU's PC.
 *
 * Approach: each drive keeps its own copy of the task-file registers (both
 * latch every write; reads come from the selected one), its status and
 * error; the channel has one sector buffer.  Commands run to completion at
 * the moment they are written (the backend is synchronous), so BSY is never
 * seen: a read command leaves the first sector in the buffer with DRQ set;
 * draining the buffer through the data port loads the next sector, or ends
 * the command; a write command sets DRQ at once, and each full buffer goes to
 * the backend.  An interrupt is raised whenever a DRQ block is ready for the
 * host (read), was taken (write), or a non-data command ends, as the ATA PIO
 * protocols say; reading status (not alternate status) clears it.
 *
 * What QEMU 7.2 showed natively (a probe guest), and this file does too:
 *  - no drive on the channel: every register reads 0;
 *  - the selected drive absent: status and error read 0, the other
 *    registers its own copy, and commands to it are ignored;
 *  - the task file advances as each sector is loaded (read) or stored
 *    (write): afterwards it names the next sector, with a count of 0;
 *  - a rejected command (unknown, out of range, IDENTIFY PACKET) ends with
 *    status 0x41 (DRDY ERR) and error ABRT;
 *  - an 8-bit access to the data port moves a whole 16-bit word;
 *  - after a reset or EXECUTE DEVICE DIAGNOSTIC each drive shows the
 *    signature: count 1, sector 1, cylinder 0 (0xffff when absent), device
 *    0xa0, error 0x01; the selection itself stays.
 */
#include "ide.h"

#include <string.h>

#define MAX_CHS_CYLINDERS  16383
#define MIN_CHS_CYLINDERS  2        /* QEMU's guess_chs_for_size() clamps too */
#define CHS_HEADS          16
#define CHS_SECTORS        63
#define LBA28_MAX          0x0fffffffu
#define IDENTIFY_WORDS     256
#define STATUS_READY       (ATA_SR_DRDY | ATA_SR_DSC)
#define STATUS_ABORTED     (ATA_SR_DRDY | ATA_SR_ERR)
#define ABSENT_CYLINDER    0xff

static struct ide_drive *selected(struct ide_channel *ch)
{
	return &ch->drive[ch->unit];
}

static bool present(const struct ide_drive *d)
{
	return d->backend.sectors != 0;
}

static bool channel_empty(const struct ide_channel *ch)
{
	return !present(&ch->drive[0]) && !present(&ch->drive[1]);
}

static void update_irq(struct ide_channel *ch)
{
	irq_line_set(&ch->irq, ch->intrq && !(ch->control & ATA_CTL_NIEN));
}

static void raise_irq(struct ide_channel *ch)
{
	ch->intrq = true;
	update_irq(ch);
}

/* The signature a drive shows after reset or diagnostics. */
static void set_signature(struct ide_drive *d)
{
	d->tf.nsector = 1;
	d->tf.lba_low = 1;
	d->tf.lba_mid = d->tf.lba_high = present(d) ? 0 : ABSENT_CYLINDER;
	d->tf.device = 0;
	if (present(d)) {
		d->status = STATUS_READY;
		d->error = ATA_DIAG_PASSED;
	}
}

static void drive_init(struct ide_drive *d, const struct ide_backend *b)
{
	uint32_t cyl;

	memset(d, 0, sizeof(*d));
	if (b && b->sectors) {
		d->backend = *b;
		d->heads = CHS_HEADS;
		d->sectors_per_track = CHS_SECTORS;
		cyl = b->sectors / (CHS_HEADS * CHS_SECTORS);
		d->cylinders = (uint16_t)(cyl > MAX_CHS_CYLINDERS ? MAX_CHS_CYLINDERS :
					  cyl < MIN_CHS_CYLINDERS ? MIN_CHS_CYLINDERS : cyl);
	}
	set_signature(d);
}

void ide_init(struct ide_channel *ch, const struct ide_backend *master,
	      const struct ide_backend *slave, struct irq_line irq)
{
	memset(ch, 0, sizeof(*ch));
	ch->irq = irq;
	drive_init(&ch->drive[0], master);
	drive_init(&ch->drive[1], slave);
}

/*
 * Addressing.
 */

/* The sector drive D's task file names, in LBA28 or CHS terms. */
static uint32_t taskfile_lba(const struct ide_drive *d)
{
	const struct ata_taskfile *tf = &d->tf;
	uint32_t cyl = (uint32_t)tf->lba_high << 8 | tf->lba_mid;
	uint32_t head = tf->device & 0x0f;

	if (tf->device & ATA_DEV_LBA)
		return head << 24 | (uint32_t)tf->lba_high << 16 |
		       (uint32_t)tf->lba_mid << 8 | tf->lba_low;
	if (tf->lba_low == 0)
		return UINT32_MAX;      /* sector numbers start at 1 */
	return (cyl * d->heads + head) * d->sectors_per_track + tf->lba_low - 1;
}

/* Write LBA into D's task file in the addressing mode it uses. */
static void set_taskfile_lba(struct ide_drive *d, uint32_t lba)
{
	struct ata_taskfile *tf = &d->tf;
	uint32_t cyl, head;

	if (tf->device & ATA_DEV_LBA) {
		tf->lba_low = (uint8_t)lba;
		tf->lba_mid = (uint8_t)(lba >> 8);
		tf->lba_high = (uint8_t)(lba >> 16);
		tf->device = (uint8_t)((tf->device & 0xf0) | ((lba >> 24) & 0x0f));
		return;
	}
	cyl = lba / (d->heads * d->sectors_per_track);
	head = lba / d->sectors_per_track % d->heads;
	tf->lba_low = (uint8_t)(lba % d->sectors_per_track + 1);
	tf->lba_mid = (uint8_t)cyl;
	tf->lba_high = (uint8_t)(cyl >> 8);
	tf->device = (uint8_t)((tf->device & 0xf0) | head);
}

static bool range_ok(const struct ide_drive *d, uint32_t lba, unsigned count)
{
	return lba < d->backend.sectors && count <= d->backend.sectors - lba;
}

static unsigned sector_count(const struct ide_drive *d)
{
	return d->tf.nsector ? d->tf.nsector : 256;
}

/*
 * Command endings.
 */

static void command_done(struct ide_channel *ch, struct ide_drive *d)
{
	ch->transfer = IDE_IDLE;
	d->status = STATUS_READY;
	d->error = 0;
	raise_irq(ch);
}

static void command_abort(struct ide_channel *ch, struct ide_drive *d)
{
	ch->transfer = IDE_IDLE;
	d->status = STATUS_ABORTED;
	d->error = ATA_ER_ABRT;
	raise_irq(ch);
}

/* A DRQ block is ready for (or wanted from) the host. */
static void data_request(struct ide_channel *ch, struct ide_drive *d,
			 enum ide_transfer dir, bool interrupt)
{
	ch->transfer = dir;
	ch->buf_pos = 0;
	d->status = STATUS_READY | ATA_SR_DRQ;
	d->error = 0;
	if (interrupt)
		raise_irq(ch);
}

/* A data transfer's last block has crossed the data port. */
static void transfer_end(struct ide_channel *ch, struct ide_drive *d)
{
	ch->transfer = IDE_IDLE;
	d->status = STATUS_READY;
}

/*
 * IDENTIFY DEVICE: QEMU's strings and geometry, and only the features
 * this model has (no DMA, no READ/WRITE MULTIPLE, no LBA48).
 */

/* An ATA string: two characters per word, the first in the high byte. */
static void put_string(uint16_t *w, unsigned words, const char *s)
{
	for (unsigned i = 0; i < words * 2; i++) {
		uint8_t c = *s ? (uint8_t)*s++ : ' ';

		w[i / 2] |= (uint16_t)(i % 2 ? c : c << 8);
	}
}

static void identify_data(const struct ide_drive *d, unsigned unit, uint8_t *buf)
{
	uint16_t w[IDENTIFY_WORDS] = {0};
	uint32_t chs = (uint32_t)d->cylinders * d->heads * d->sectors_per_track;
	uint32_t lba = d->backend.sectors > LBA28_MAX ? LBA28_MAX : d->backend.sectors;

	w[0] = 0x0040;                  /* fixed disk */
	w[1] = d->cylinders;
	w[3] = d->heads;
	w[4] = (uint16_t)(IDE_SECTOR_SIZE * d->sectors_per_track);
	w[5] = IDE_SECTOR_SIZE;
	w[6] = d->sectors_per_track;
	put_string(&w[10], 10, unit ? "QM00002" : "QM00001");
	w[20] = 3;                      /* buffer type, size, ECC bytes */
	w[21] = IDE_SECTOR_SIZE;
	w[22] = 4;
	put_string(&w[23], 4, "2.5+");
	put_string(&w[27], 20, "QEMU HARDDISK");
	w[47] = 0x8000;                 /* READ/WRITE MULTIPLE: none */
	w[48] = 1;                      /* 32-bit I/O */
	w[49] = 1u << 9 | 1u << 11;     /* LBA, IORDY */
	w[51] = w[52] = 0x0200;         /* PIO timing mode 2 */
	w[53] = 1u << 0 | 1u << 1;      /* words 54-58 and 64-70 are valid */
	w[54] = d->cylinders;
	w[55] = d->heads;
	w[56] = d->sectors_per_track;
	w[57] = (uint16_t)chs;
	w[58] = (uint16_t)(chs >> 16);
	w[60] = (uint16_t)lba;
	w[61] = (uint16_t)(lba >> 16);
	w[64] = 0x0003;                 /* PIO modes 3 and 4 */
	w[65] = w[66] = w[67] = w[68] = 120;
	w[80] = 0x00f0;                 /* ATA/ATAPI-4 to -7 */
	w[81] = 0x0016;
	w[83] = 1u << 14 | 1u << 12;    /* valid; FLUSH CACHE */
	w[84] = 1u << 14;
	w[86] = 1u << 12;
	w[87] = 1u << 14;
	for (unsigned i = 0; i < IDENTIFY_WORDS; i++) {
		buf[2 * i] = (uint8_t)w[i];
		buf[2 * i + 1] = (uint8_t)(w[i] >> 8);
	}
}

/*
 * The data phase.
 */

/* Load the sector at ch->lba and advance the task file past it. */
static bool load_sector(struct ide_channel *ch, struct ide_drive *d)
{
	if (d->backend.read(d->backend.ctx, ch->lba, ch->buf) != 0)
		return false;
	d->tf.nsector--;
	set_taskfile_lba(d, ch->lba + 1);
	return true;
}

static void start_read(struct ide_channel *ch, struct ide_drive *d)
{
	uint32_t lba = taskfile_lba(d);

	if (!range_ok(d, lba, sector_count(d))) {
		command_abort(ch, d);
		return;
	}
	ch->lba = lba;
	ch->sectors_left = sector_count(d);
	ch->moves_sectors = true;
	if (load_sector(ch, d))
		data_request(ch, d, IDE_DATA_IN, true);
	else
		command_abort(ch, d);
}

static void start_write(struct ide_channel *ch, struct ide_drive *d)
{
	uint32_t lba = taskfile_lba(d);

	if (!range_ok(d, lba, sector_count(d))) {
		command_abort(ch, d);
		return;
	}
	ch->lba = lba;
	ch->sectors_left = sector_count(d);
	ch->moves_sectors = true;
	data_request(ch, d, IDE_DATA_OUT, false);   /* no interrupt for the first block */
}

/* The host has read the whole buffer. */
static void data_in_drained(struct ide_channel *ch, struct ide_drive *d)
{
	if (!ch->moves_sectors || --ch->sectors_left == 0) {
		transfer_end(ch, d);    /* no interrupt after the last block */
		return;
	}
	ch->lba++;
	if (load_sector(ch, d))
		data_request(ch, d, IDE_DATA_IN, true);
	else
		command_abort(ch, d);
}

/* The host has filled the whole buffer: store it. */
static void data_out_filled(struct ide_channel *ch, struct ide_drive *d)
{
	if (d->backend.write(d->backend.ctx, ch->lba, ch->buf) != 0) {
		command_abort(ch, d);
		return;
	}
	ch->lba++;
	d->tf.nsector--;
	set_taskfile_lba(d, ch->lba);
	if (--ch->sectors_left == 0)
		command_done(ch, d);
	else
		data_request(ch, d, IDE_DATA_OUT, true);
}

/* SIZE bytes from the data port (a byte access moves a whole word). */
static uint32_t data_read(struct ide_channel *ch, unsigned size)
{
	struct ide_drive *d = selected(ch);
	unsigned n = size == 4 ? 4 : 2;
	uint32_t val = 0;

	if (ch->transfer != IDE_DATA_IN || !(d->status & ATA_SR_DRQ))
		return 0;
	for (unsigned i = 0; i < n; i++)
		val |= (uint32_t)ch->buf[ch->buf_pos++] << (8 * i);
	if (ch->buf_pos >= IDE_SECTOR_SIZE)
		data_in_drained(ch, d);
	return size == 1 ? val & 0xff : val;
}

static void data_write(struct ide_channel *ch, unsigned size, uint32_t val)
{
	struct ide_drive *d = selected(ch);
	unsigned n = size == 4 ? 4 : 2;

	if (ch->transfer != IDE_DATA_OUT || !(d->status & ATA_SR_DRQ))
		return;
	for (unsigned i = 0; i < n; i++)
		ch->buf[ch->buf_pos++] = (uint8_t)(val >> (8 * i));
	if (ch->buf_pos >= IDE_SECTOR_SIZE)
		data_out_filled(ch, d);
}

/*
 * Commands.
 */

static void cmd_identify(struct ide_channel *ch, struct ide_drive *d)
{
	identify_data(d, ch->unit, ch->buf);
	ch->moves_sectors = false;
	data_request(ch, d, IDE_DATA_IN, true);
}

/* The last sector's address, in the addressing mode the task file uses. */
static void cmd_read_native_max(struct ide_channel *ch, struct ide_drive *d)
{
	uint32_t max = d->backend.sectors - 1;

	set_taskfile_lba(d, max > LBA28_MAX ? LBA28_MAX : max);
	command_done(ch, d);
}

static void cmd_verify(struct ide_channel *ch, struct ide_drive *d)
{
	if (range_ok(d, taskfile_lba(d), sector_count(d)))
		command_done(ch, d);
	else
		command_abort(ch, d);
}

static void cmd_diagnostic(struct ide_channel *ch)
{
	set_signature(&ch->drive[0]);
	set_signature(&ch->drive[1]);
	ch->transfer = IDE_IDLE;
	raise_irq(ch);
}

static void cmd_flush(struct ide_channel *ch, struct ide_drive *d)
{
	if (d->backend.flush && d->backend.flush(d->backend.ctx) != 0)
		command_abort(ch, d);
	else
		command_done(ch, d);
}

static void execute(struct ide_channel *ch, uint8_t cmd)
{
	struct ide_drive *d = selected(ch);

	if (!present(d))
		return;                 /* commands to an absent drive are ignored */
	ch->intrq = false;
	update_irq(ch);
	switch (cmd) {
	case ATA_CMD_IDENTIFY:          cmd_identify(ch, d); break;
	case ATA_CMD_READ_SECTORS:
	case ATA_CMD_READ_SECTORS_NR:   start_read(ch, d); break;
	case ATA_CMD_WRITE_SECTORS:
	case ATA_CMD_WRITE_SECTORS_NR:  start_write(ch, d); break;
	case ATA_CMD_VERIFY:
	case ATA_CMD_VERIFY_NR:         cmd_verify(ch, d); break;
	case ATA_CMD_DIAGNOSTIC:        cmd_diagnostic(ch); break;
	case ATA_CMD_FLUSH_CACHE:       cmd_flush(ch, d); break;
	case ATA_CMD_READ_NATIVE_MAX:   cmd_read_native_max(ch, d); break;
	case ATA_CMD_CHECK_POWER:
		d->tf.nsector = 0xff;   /* active or idle */
		command_done(ch, d);
		break;
	case ATA_CMD_SPECIFY:
	case ATA_CMD_SET_FEATURES:
	case ATA_CMD_STANDBY_NOW:
	case ATA_CMD_IDLE_NOW:
		command_done(ch, d);
		break;
	default:
		if ((cmd & 0xf0) == ATA_CMD_RECALIBRATE)
			command_done(ch, d);
		else
			command_abort(ch, d);   /* IDENTIFY PACKET and the rest */
		break;
	}
}

/*
 * Registers.
 */

/* Status as the selected drive shows it: 0 when it is absent. */
static uint8_t shown_status(struct ide_channel *ch)
{
	struct ide_drive *d = selected(ch);

	return present(d) ? d->status : 0;
}

uint32_t ide_read(struct ide_channel *ch, unsigned reg, unsigned size)
{
	struct ide_drive *d = selected(ch);

	if (reg == ATA_REG_DATA)
		return data_read(ch, size);
	if (channel_empty(ch))
		return 0;
	switch (reg) {
	case ATA_REG_ERROR:    return present(d) ? d->error : 0;
	case ATA_REG_NSECTOR:  return d->tf.nsector;
	case ATA_REG_LBA_LOW:  return d->tf.lba_low;
	case ATA_REG_LBA_MID:  return d->tf.lba_mid;
	case ATA_REG_LBA_HIGH: return d->tf.lba_high;
	case ATA_REG_DEVICE:   return d->tf.device | ATA_DEV_ONES;
	default:
		ch->intrq = false;      /* reading status acknowledges INTRQ */
		update_irq(ch);
		return shown_status(ch);
	}
}

/* Both drives latch a task-file write. */
static void write_taskfile(struct ide_channel *ch, unsigned reg, uint8_t b)
{
	for (unsigned i = 0; i < 2; i++) {
		struct ata_taskfile *tf = &ch->drive[i].tf;

		switch (reg) {
		case ATA_REG_FEATURES: tf->features = b; break;
		case ATA_REG_NSECTOR:  tf->nsector = b; break;
		case ATA_REG_LBA_LOW:  tf->lba_low = b; break;
		case ATA_REG_LBA_MID:  tf->lba_mid = b; break;
		case ATA_REG_LBA_HIGH: tf->lba_high = b; break;
		default:               tf->device = b & (uint8_t)~ATA_DEV_ONES; break;
		}
	}
	if (reg == ATA_REG_DEVICE)
		ch->unit = (b & ATA_DEV_SLAVE) ? 1 : 0;
}

void ide_write(struct ide_channel *ch, unsigned reg, unsigned size, uint32_t val)
{
	if (reg == ATA_REG_DATA)
		data_write(ch, size, val);
	else if (reg == ATA_REG_COMMAND)
		execute(ch, (uint8_t)val);
	else
		write_taskfile(ch, reg, (uint8_t)val);
}

uint8_t ide_read_alt_status(struct ide_channel *ch)
{
	return channel_empty(ch) ? 0 : shown_status(ch);
}

/*
 * SRST: as on QEMU, the drives reset at once when it is set (the host sees
 * DRDY again, with the signatures, even while SRST is held).
 */
void ide_write_control(struct ide_channel *ch, uint8_t val)
{
	bool was_reset = ch->control & ATA_CTL_SRST;

	ch->control = val;
	if ((val & ATA_CTL_SRST) && !was_reset) {
		ch->transfer = IDE_IDLE;
		ch->intrq = false;
		set_signature(&ch->drive[0]);
		set_signature(&ch->drive[1]);
	}
	update_irq(ch);
}
