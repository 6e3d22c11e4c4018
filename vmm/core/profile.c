/*
 * profile.c - exits charged to the guest address that caused them.
 *
 * A fixed open-addressing table keyed by guest EIP (linear probing, no
 * allocation, no eviction: once full, further new addresses are only
 * counted as dropped).  At the end of the run the report lists the
 * addresses with the most exits, then those with the most cycles that the
 * first list missed; vmm symbolizes and disassembles them from the guest
 * ELF.  A user-mode address names whatever is mapped there then.
 */
#include "profile.h"

#include <stdbool.h>
#include <stddef.h>

#include "account.h"
#include "log.h"

#define SLOTS    4096               /* a power of two */
#define HOT_LIST 20

struct hot {
	bool used;
	uint32_t eip;
	unsigned cause;             /* the cause of its latest exit */
	uint64_t count, cycles;
};

static struct hot table[SLOTS];
static uint64_t dropped;

/* The slot for EIP: its own, or a free one; NULL if the table is full. */
static struct hot *slot_for(uint32_t eip)
{
	uint32_t i = (eip * 2654435761u) & (SLOTS - 1);

	for (unsigned n = 0; n < SLOTS; n++, i = (i + 1) & (SLOTS - 1))
		if (!table[i].used || table[i].eip == eip)
			return &table[i];
	return NULL;
}

void profile_exit(uint32_t eip, unsigned cause, uint64_t cycles)
{
	struct hot *h = slot_for(eip);

	if (!h) {
		dropped++;
		return;
	}
	h->used = true;
	h->eip = eip;
	h->cause = cause;
	h->count++;
	h->cycles += cycles;
}

/* The unlisted entry with the largest count (BY_CYCLES: cycles), or NULL. */
static struct hot *largest(bool by_cycles, const bool *listed)
{
	struct hot *best = NULL;

	for (unsigned i = 0; i < SLOTS; i++) {
		struct hot *h = &table[i];

		if (!h->used || listed[i])
			continue;
		if (!best || (by_cycles ? h->cycles > best->cycles
					: h->count > best->count))
			best = h;
	}
	return best;
}

/* List up to HOT_LIST more entries, largest first. */
static void list_hottest(bool by_cycles, bool *listed)
{
	for (unsigned n = 0; n < HOT_LIST; n++) {
		struct hot *h = largest(by_cycles, listed);

		if (!h)
			return;
		listed[h - table] = true;
		log_printf("@hot 0x%08x %llu %llu %s\n", h->eip,
			   (unsigned long long)h->count,
			   (unsigned long long)h->cycles,
			   exit_cause_name(h->cause));
	}
}

void profile_report(void)
{
	static bool listed[SLOTS];

	list_hottest(false, listed);
	list_hottest(true, listed);
	if (dropped)
		log_printf("@stat profile_dropped_exits %llu\n",
			   (unsigned long long)dropped);
}
