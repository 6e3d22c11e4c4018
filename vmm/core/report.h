/*
 * report.h - the exit report, written to the log channel when the run ends.
 *
 * The format is line-oriented so the vmm command can parse it:
 *
 *   @report-begin
 *   @outcome poweroff V | @outcome died REASON | @outcome panic REASON
 *   @where 0xEIP cpl=N INSTRUCTION
 *   @exit CAUSE COUNT CYCLES
 *   @insn MNEMONIC COUNT CYCLES
 *   @stat NAME VALUE
 *   @report-end
 */
#ifndef VMM_REPORT_H
#define VMM_REPORT_H

#include <stdint.h>

/* The guest wrote VALUE to the exit port: report, then power off. */
_Noreturn void report_poweroff(uint32_t value);

/* The monitor stops the guest: REASON, at guest address EIP running INSN. */
_Noreturn void report_guest_died(const char *reason, int have_where,
				 uint32_t eip, int cpl, const char *insn);

/* A monitor invariant broke in FUNC. */
_Noreturn void report_monitor_panic(const char *func, const char *reason);

#endif
