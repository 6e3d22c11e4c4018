/*
 * monitor_fakes.c - the machine and monitor around vmm/cpu/, faked for the
 * host (see monitor_fakes.h for what each fake stands for).
 *
 * Everything here records and answers; nothing decides for the code under
 * test.  The one piece of cleverness is the trap for the privileged
 * instructions segments.c and system.c issue inline: the host kernel
 * already refuses them in a user process, so the fake CPU is simply its
 * SIGSEGV handler - trap and emulate, one level up.
 */
#define _GNU_SOURCE
#include "monitor_fakes.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include "../../vmm/core/account.h"
#include "../../vmm/core/log.h"
#include "../../vmm/core/paging.h"
#include "../../vmm/core/trace.h"
#include "../../vmm/core/vintr.h"
#include "../../vmm/cpu/segments.h"
#include "../../vmm/dev/bus.h"

struct fake_cpu fake_cpu;
struct fake_bus fake_bus;
struct fake_shadow fake_shadow;
struct fake_monitor fake_monitor;

struct vcpu the_vcpu;

void fakes_reset(void)
{
	memset(&fake_cpu, 0, sizeof(fake_cpu));
	memset(&fake_bus, 0, sizeof(fake_bus));
	memset(&fake_shadow, 0, sizeof(fake_shadow));
	fake_monitor.fatal_armed = false;
	fake_monitor.fatal[0] = fake_monitor.log[0] = '\0';
	fake_monitor.vintr_after_sti = fake_monitor.vintr_halt = 0;
	fake_monitor.n_events = 0;
}

/* ---- the fake CPU: the x86.h helpers ---------------------------------- */

static uint64_t *msr_cell(uint32_t msr)
{
	for (unsigned i = 0; i < fake_cpu.n_msrs; i++)
		if (fake_cpu.msrs[i].msr == msr)
			return &fake_cpu.msrs[i].val;
	return NULL;
}

void fake_cpu_set_msr(uint32_t msr, uint64_t val)
{
	uint64_t *cell = msr_cell(msr);

	if (!cell) {
		if (fake_cpu.n_msrs == sizeof(fake_cpu.msrs) / sizeof(fake_cpu.msrs[0]))
			abort();
		fake_cpu.msrs[fake_cpu.n_msrs].msr = msr;
		cell = &fake_cpu.msrs[fake_cpu.n_msrs++].val;
	}
	*cell = val;
}

uint64_t rdmsr(uint32_t msr)
{
	uint64_t *cell = msr_cell(msr);

	return cell ? *cell : 0;
}

void wrmsr(uint32_t msr, uint64_t v)
{
	if (msr != MSR_FS_BASE)         /* decode.c's switch around capstone */
		fake_cpu.msr_writes++;
	fake_cpu_set_msr(msr, v);
}

uint64_t read_cr0(void) { return fake_cpu.cr0; }
uint64_t read_cr2(void) { return fake_cpu.cr2; }
uint64_t read_cr4(void) { return fake_cpu.cr4; }

void write_cr0(uint64_t v)
{
	fake_cpu.cr0 = v;
	fake_cpu.cr0_writes++;
}

void write_cr3(uint64_t v)
{
	fake_cpu.cr3 = v;
	fake_cpu.cr3_writes++;
}

void write_cr4(uint64_t v)
{
	fake_cpu.cr4 = v;
	fake_cpu.cr4_writes++;
}

void xsetbv(uint32_t xcr, uint64_t v)
{
	if (xcr != 0)
		abort();                /* only XCR0 exists */
	fake_cpu.xcr0 = v;
	fake_cpu.xcr0_writes++;
}

void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	(void)sub;
	memset(r, 0, 4 * sizeof(r[0]));
	if (leaf < FAKE_CPUID_LEAVES)
		memcpy(r, fake_cpu.cpuid[leaf], sizeof(fake_cpu.cpuid[leaf]));
}

uint64_t rdtsc(void)
{
	return fake_cpu.tsc;
}

/* The monitor's own port I/O (its log, its exit port): never reached by
 * the sources under test; loud if it ever is. */
void outb(uint16_t port, uint8_t v)
{
	fprintf(stderr, "monitor_fakes: outb 0x%x, 0x%x\n", port, v);
	abort();
}

void outl(uint16_t port, uint32_t v)
{
	fprintf(stderr, "monitor_fakes: outl 0x%x, 0x%x\n", port, v);
	abort();
}

uint8_t inb(uint16_t port)
{
	fprintf(stderr, "monitor_fakes: inb 0x%x\n", port);
	abort();
}

_Noreturn void halt_forever(void)
{
	fprintf(stderr, "monitor_fakes: halt_forever\n");
	abort();
}

/* ---- the fake CPU: lldt, segment and debug-register loads, trapped --- */

/* The ucontext slot of general register N (0 RAX ... 15 R15). */
static greg_t *gpr(ucontext_t *uc, unsigned n)
{
	static const int slot[16] = {
		REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI,
		REG_RDI, REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13,
		REG_R14, REG_R15,
	};

	return &uc->uc_mcontext.gregs[slot[n]];
}

/* The real descriptor SEL names in the monitor's tables. */
static uint64_t real_descriptor_of(uint16_t sel)
{
	if (SEL_TI(sel))
		return real_ldt && SEL_INDEX(sel) < LDT_SLOTS ?
		       real_ldt[SEL_INDEX(sel)] : 0;
	return real_gdt[SEL_INDEX(sel)];
}

/*
 * SIGSEGV: if the faulting instruction is `lldt r16` (0f 00 /2),
 * `mov Sreg, r16` (8e /r) or `mov DRn, r64` (0f 23 /r) with a register
 * operand, record it and step over it; anything else is a real crash, left
 * to the default action.
 */
static void trap_segment_insn(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	const uint8_t *p = (const uint8_t *)uc->uc_mcontext.gregs[REG_RIP];
	const uint8_t *start = p;
	unsigned rex = 0;
	struct fake_segment_load *l;

	(void)si;
	for (;; p++) {                  /* prefixes: operand size, REX */
		if ((*p & 0xf0) == 0x40)
			rex = *p;
		else if (*p != 0x66)
			break;
	}
	if (fake_cpu.n_loads == FAKE_LOG_MAX)
		goto crash;
	l = &fake_cpu.loads[fake_cpu.n_loads];
	if (p[0] == 0x0f && p[1] == 0x00 && (p[2] & 0xf8) == 0xd0) {
		l->kind = FAKE_LLDT;
		l->sel = (uint16_t)*gpr(uc, (p[2] & 7) | (rex & 1) << 3);
		fake_cpu.ldtr = l->sel;
		p += 3;
	} else if (p[0] == 0x8e && (p[1] & 0xc0) == 0xc0) {
		l->kind = FAKE_MOV_SREG;
		l->sreg = (p[1] >> 3) & 7;
		l->sel = (uint16_t)*gpr(uc, (p[1] & 7) | (rex & 1) << 3);
		p += 2;
	} else if (p[0] == 0x0f && p[1] == 0x23 && (p[2] & 0xc0) == 0xc0) {
		fake_cpu.dr[(p[2] >> 3) & 7] =
			(uint64_t)*gpr(uc, (p[2] & 7) | (rex & 1) << 3);
		fake_cpu.dr_writes++;
		uc->uc_mcontext.gregs[REG_RIP] += p + 3 - start;
		return;
	} else {
		goto crash;
	}
	l->desc = real_descriptor_of(l->sel);
	fake_cpu.n_loads++;
	uc->uc_mcontext.gregs[REG_RIP] += p - start;
	return;
crash:
	signal(sig, SIG_DFL);
}

void fake_cpu_install_trap(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = trap_segment_insn;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
}

/* ---- the monitor ------------------------------------------------------ */

_Noreturn void guest_fatal(struct vcpu *v, const char *fmt, ...)
{
	va_list ap;

	(void)v;
	va_start(ap, fmt);
	vsnprintf(fake_monitor.fatal, sizeof(fake_monitor.fatal), fmt, ap);
	va_end(ap);
	if (fake_monitor.fatal_armed)
		longjmp(fake_monitor.fatal_jmp, 1);
	fprintf(stderr, "guest_fatal outside an exit: %s\n", fake_monitor.fatal);
	abort();
}

void log_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fake_monitor.log, sizeof(fake_monitor.log), fmt, ap);
	va_end(ap);
}

void trace_note(struct vcpu *v, const char *fmt, ...)
{
	(void)v;
	(void)fmt;
}

void account_guest_event(unsigned vector)
{
	if (fake_monitor.n_events < FAKE_LOG_MAX)
		fake_monitor.events[fake_monitor.n_events++] = (uint8_t)vector;
}

void vintr_after_sti(struct vcpu *v)
{
	(void)v;
	fake_monitor.vintr_after_sti++;
}

void vintr_halt(struct vcpu *v)
{
	(void)v;
	fake_monitor.vintr_halt++;
}

/* ---- the shadow MMU --------------------------------------------------- */

static char shadow_instance;
struct shadow_mmu *the_shadow = (struct shadow_mmu *)&shadow_instance;

/* Every entry point must be handed the monitor's one shadow MMU. */
static void check_mmu(const struct shadow_mmu *mmu)
{
	if (mmu != the_shadow) {
		fprintf(stderr, "monitor_fakes: a shadow MMU that is not the_shadow\n");
		abort();
	}
}

int shadow_on_cr0_write(struct shadow_mmu *mmu, uint32_t cr0)
{
	check_mmu(mmu);
	fake_shadow.cr0_calls++;
	fake_shadow.cr0 = cr0;
	return fake_shadow.refuse;
}

int shadow_on_cr4_write(struct shadow_mmu *mmu, uint32_t cr4)
{
	check_mmu(mmu);
	fake_shadow.cr4_calls++;
	fake_shadow.cr4 = cr4;
	return fake_shadow.refuse;
}

void shadow_on_cr3_load(struct shadow_mmu *mmu, uint32_t cr3)
{
	check_mmu(mmu);
	fake_shadow.cr3_calls++;
	fake_shadow.cr3 = cr3;
}

void shadow_on_invlpg(struct shadow_mmu *mmu, gva_t gva)
{
	check_mmu(mmu);
	fake_shadow.invlpg_calls++;
	fake_shadow.invlpg = gva;
}

bool fake_shadow_watches(uint64_t gpa)
{
	for (unsigned i = 0; i < fake_shadow.n_watched; i++)
		if (fake_shadow.watched[i] == gpa)
			return true;
	return false;
}

void shadow_watch_frame(struct shadow_mmu *mmu, gpa_t gpa)
{
	check_mmu(mmu);
	if (fake_shadow.n_watched == FAKE_LOG_MAX)
		abort();
	fake_shadow.watched[fake_shadow.n_watched++] = gpa;
}

/* The harness runs with guest paging off: linear is physical. */
bool shadow_peek(struct shadow_mmu *mmu, gva_t gva, uint64_t *gpa)
{
	check_mmu(mmu);
	*gpa = gva;
	return true;
}

/* Unwatch one watch of GPA (watches nest, as the shadow's do). */
void shadow_unwatch_frame(struct shadow_mmu *mmu, gpa_t gpa)
{
	check_mmu(mmu);
	for (unsigned i = 0; i < fake_shadow.n_watched; i++)
		if (fake_shadow.watched[i] == gpa) {
			fake_shadow.watched[i] =
				fake_shadow.watched[--fake_shadow.n_watched];
			return;
		}
	fprintf(stderr, "monitor_fakes: unwatch of unwatched frame 0x%x\n", gpa);
	abort();
}

/* ---- the device bus --------------------------------------------------- */

void fake_bus_queue_read(uint32_t val)
{
	if (fake_bus.n_reads == FAKE_LOG_MAX)
		abort();
	fake_bus.reads[fake_bus.n_reads++] = val;
}

static void bus_record(bool write, uint16_t port, unsigned size, uint32_t val)
{
	if (fake_bus.n == FAKE_LOG_MAX)
		abort();
	fake_bus.log[fake_bus.n++] = (struct fake_io){ write, port, size, val };
}

uint32_t bus_port_read(uint16_t port, unsigned size)
{
	uint32_t mask = size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
	uint32_t val = fake_bus.next_read < fake_bus.n_reads
			       ? fake_bus.reads[fake_bus.next_read++]
			       : 0xffffffffu;

	bus_record(false, port, size, val & mask);
	return val & mask;
}

void bus_port_write(uint16_t port, unsigned size, uint32_t val)
{
	bus_record(true, port, size, val);
}
