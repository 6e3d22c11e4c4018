/*
 * rtc.h - the MC146818 real-time clock and CMOS memory (ports 0x70/0x71, IRQ 8).
 *
 * Port 0x70 selects a CMOS byte (bits 6-0; bit 7 disables NMI), port 0x71
 * reads or writes it.  Bytes 0x00-0x0d are the clock; the rest is memory that
 * firmware and kernels use by convention (0x0f: the shutdown status byte,
 * 0x32: the century).
 */
#ifndef VMM_DEV_RTC_H
#define VMM_DEV_RTC_H

#include <stdbool.h>
#include <stdint.h>

#include "irq.h"

#define RTC_PORT_INDEX  0x70
#define RTC_PORT_DATA   0x71
#define RTC_IRQ         8
#define RTC_NO_DEADLINE UINT64_MAX

/* CMOS byte offsets. */
#define RTC_SECONDS       0x00
#define RTC_SECONDS_ALARM 0x01
#define RTC_MINUTES       0x02
#define RTC_MINUTES_ALARM 0x03
#define RTC_HOURS         0x04
#define RTC_HOURS_ALARM   0x05
#define RTC_WEEKDAY       0x06
#define RTC_DAY           0x07
#define RTC_MONTH         0x08
#define RTC_YEAR          0x09
#define RTC_STATUS_A      0x0a
#define RTC_STATUS_B      0x0b
#define RTC_STATUS_C      0x0c
#define RTC_STATUS_D      0x0d
#define CMOS_SHUTDOWN     0x0f
#define CMOS_CENTURY      0x32

/*
 *  A  7: UIP update in progress  6-4: divider (010 = running)  3-0: periodic rate
 *  B  7: SET  6: PIE  5: AIE  4: UIE  3: SQWE  2: DM (1 = binary)  1: 24h  0: DSE
 *  C  7: IRQF  6: PF  5: AF  4: UF   (read clears)
 *  D  7: VRT (the battery is good)
 */
#define RTC_A_UIP        (1u << 7)
#define RTC_A_DIVIDER(v) (((v) >> 4) & 7u)
#define RTC_A_RATE(v)    ((v) & 15u)
#define RTC_B_SET        (1u << 7)
#define RTC_B_PIE        (1u << 6)
#define RTC_B_AIE        (1u << 5)
#define RTC_B_UIE        (1u << 4)
#define RTC_B_BINARY     (1u << 2)
#define RTC_B_24H        (1u << 1)
#define RTC_C_IRQF       (1u << 7)
#define RTC_C_PF         (1u << 6)
#define RTC_C_AF         (1u << 5)
#define RTC_C_UF         (1u << 4)
#define RTC_D_VRT        (1u << 7)
#define RTC_INDEX_NMI_OFF (1u << 7)

/* A calendar time; weekday 1-7 with Sunday = 1. */
struct rtc_time {
	uint16_t year;
	uint8_t month, day, hour, minute, second;
};

struct rtc {
	uint8_t index;
	bool nmi_disabled;
	uint8_t cmos[128];              /* memory, alarms, status A, B, C */
	struct rtc_time now;            /* the clock, binary, 24-hour */
	uint8_t weekday;
	uint64_t second_start_ns;       /* when the current second began */
	uint64_t periodic_seen_ns;      /* periodic flags accounted up to here */
	uint64_t divider_start_ns;      /* the 32.768 kHz chain's phase origin */
	struct irq_line irq8;
};

/* Power-on: the clock at START as of virtual time NOW, status as QEMU's. */
void rtc_init(struct rtc *r, const struct rtc_time *start, uint64_t now,
	      struct irq_line irq8);

/* Record guest RAM of RAM_BYTES in the CMOS memory-size bytes, as a BIOS does. */
void rtc_set_memory_size(struct rtc *r, uint64_t ram_bytes);

/* A guest read of PORT (0x70 or 0x71) at time NOW. */
uint8_t rtc_read(struct rtc *r, uint16_t port, uint64_t now);

/* A guest write of VAL to PORT at time NOW. */
void rtc_write(struct rtc *r, uint16_t port, uint8_t val, uint64_t now);

/* Let time pass until NOW: the clock ticks, flags rise, IRQ 8 may fire. */
void rtc_advance(struct rtc *r, uint64_t now);

/* When the next enabled interrupt event happens, or RTC_NO_DEADLINE. */
uint64_t rtc_next_deadline(const struct rtc *r, uint64_t now);

/* Day of week (1 = Sunday) of a Gregorian date. */
uint8_t rtc_weekday(uint16_t year, uint8_t month, uint8_t day);

#endif
