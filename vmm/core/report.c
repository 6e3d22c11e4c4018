/*
 * report.c - writing the exit report and powering the machine off.
 *
 * The report ends every run, whatever ended it.  The machine is then powered
 * off through the real isa-debug-exit port; the vmm command takes the outcome
 * from the report, not from QEMU's exit status.
 */
#include "report.h"

#include "../cpu/decode.h"
#include "../cpu/segments.h"
#include "account.h"
#include "log.h"
#include "paging.h"
#include "profile.h"
#include "x86.h"

_Static_assert((unsigned)X86_INS_ENDING < (unsigned)INSN_PSEUDO_BASE,
	       "capstone's instruction ids reach the pseudo-instructions");

#define EXIT_PORT 0xf4
#define MONITOR_FAILURE_STATUS 0x7f    /* any value: the report decides */

static int reporting;                   /* a fault while reporting: stop */

static void report_tallies(void)
{
	uint64_t hits, misses;

	for (unsigned c = 0; c < ACCOUNT_CAUSES; c++) {
		const struct tally *t = &accounts.by_cause[c];

		if (!t->count)
			continue;
		if (c >= 32 && c < ACCOUNT_VECTORS)
			log_printf("@exit irq%u %llu %llu\n", c - 32,
				   (unsigned long long)t->count,
				   (unsigned long long)t->cycles);
		else
			log_printf("@exit %s %llu %llu\n", exit_cause_name(c),
				   (unsigned long long)t->count,
				   (unsigned long long)t->cycles);
	}
	for (unsigned i = 1; i < ACCOUNT_INSNS; i++) {
		const struct tally *t = &accounts.by_insn[i];
		const char *name = account_pseudo_insn_name(i);

		if (t->count)
			log_printf("@insn %s %llu %llu\n",
				   name ? name : decode_insn_name(i),
				   (unsigned long long)t->count,
				   (unsigned long long)t->cycles);
	}
	for (unsigned v = 0; v < ACCOUNT_VECTORS; v++)
		if (accounts.guest_events[v].count)
			log_printf("@stat delivered_vector_%u %llu\n", v,
				   (unsigned long long)
				   accounts.guest_events[v].count);
	log_printf("@stat exits %llu\n", (unsigned long long)the_vcpu.exits);
	decode_stats(&hits, &misses);
	log_printf("@stat decode_cache_hits %llu\n", (unsigned long long)hits);
	log_printf("@stat decode_cache_misses %llu\n",
		   (unsigned long long)misses);
	if (the_shadow)
		paging_report();
	log_printf("@stat descriptor_policy %s\n",
		   desc_policy_name(segments_policy()));
	profile_report();
	log_printf("@stat guest_mem_mib %llu\n",
		   (unsigned long long)(the_vcpu.mem.size >> 20));
}

static _Noreturn void finish(uint32_t status)
{
	exit_account();
	report_tallies();
	log_printf("@report-end\n");
	outl(EXIT_PORT, status);
	halt_forever();
}

/* Guard against a fault inside the report itself. */
static void begin(void)
{
	if (reporting) {
		log_printf("@outcome panic fault while writing the report\n"
			   "@report-end\n");
		outl(EXIT_PORT, MONITOR_FAILURE_STATUS);
		halt_forever();
	}
	reporting = 1;
	log_printf("@report-begin\n");
}

/*T:190 The end of a run.  The guest wrote to port 0xf4 (QEMU's
 * isa-debug-exit), or the monitor stopped it.  The report - outcome, exits
 * by cause, emulated instructions - goes to the log channel, and the
 * monitor powers the machine off through the real exit port. */
_Noreturn void report_poweroff(uint32_t value)
{
	begin();
	log_printf("@outcome poweroff %u\n", value);
	finish(value);
}

_Noreturn void report_guest_died(const char *reason, int have_where,
				 uint32_t eip, int cpl, const char *insn)
{
	begin();
	log_printf("@outcome died %s\n", reason);
	if (have_where)
		log_printf("@where 0x%08x cpl=%d %s\n", eip, cpl, insn);
	finish(MONITOR_FAILURE_STATUS);
}

_Noreturn void report_monitor_panic(const char *func, const char *reason)
{
	begin();
	log_printf("@outcome panic %s: %s\n", func, reason);
	finish(MONITOR_FAILURE_STATUS);
}
