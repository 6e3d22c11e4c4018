/*
 * monitor_fakes.h - what the monitor's CPU sources lean on, faked for the host.
 *
 * The privileged-instruction emulator (vmm/cpu/) is built for the host and
 * run in a user process by privileged_test.  Whatever it would do to the
 * real machine lands here instead, recorded so a test can check it:
 *
 *   the fake CPU     the x86.h helpers (built with -DVMM_HOST_TEST): control
 *                    registers, MSRs, CPUID, the TSC.  Plus the two
 *                    privileged instructions segments.c and system.c
 *                    issue inline (lldt, mov to a segment register, mov
 *                    to a debug register): the host kernel traps them
 *                    (SIGSEGV: they are privileged, or name a selector the
 *                    process cannot load), and the handler records them
 *                    and steps over them.
 *   the monitor      guest_fatal (back to the test with its reason, by
 *                    longjmp), the log, the trace, the accounting of
 *                    delivered events, the virtual-interrupt hooks (panic
 *                    is dev_stubs.c's: it aborts the test program).
 *   the shadow MMU   the entry points the CPU sources call, with arguments.
 *   the device bus   every in/out: writes recorded, reads answered from a
 *                    queue the test fills (all ones when empty, as an
 *                    unclaimed port on the PC).
 */
#ifndef MONITOR_FAKES_H
#define MONITOR_FAKES_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FAKE_LOG_MAX 64
#define FAKE_CPUID_LEAVES 0x10      /* leaves above answer zeros */

/* A privileged instruction segments.c executed inline. */
struct fake_segment_load {
	enum { FAKE_LLDT, FAKE_MOV_SREG } kind;
	unsigned sreg;              /* FAKE_MOV_SREG: 0 ES, 3 DS, 4 FS, 5 GS */
	uint16_t sel;
	uint64_t desc;              /* the real descriptor SEL named then */
};

struct fake_cpu {
	uint64_t cr0, cr2, cr3, cr4;
	unsigned cr0_writes, cr3_writes, cr4_writes;
	uint64_t xcr0;
	unsigned xcr0_writes;
	uint32_t cpuid[FAKE_CPUID_LEAVES][4];   /* EAX EBX ECX EDX by leaf */
	uint64_t tsc;
	struct { uint32_t msr; uint64_t val; } msrs[16];
	unsigned n_msrs;
	unsigned msr_writes;                /* wrmsr of anything but FS base */
	uint16_t ldtr;                      /* the last lldt */
	uint64_t dr[8];                     /* mov to DR0-DR7 */
	unsigned dr_writes;
	struct fake_segment_load loads[FAKE_LOG_MAX];
	unsigned n_loads;
};

struct fake_io {
	bool write;
	uint16_t port;
	unsigned size;
	uint32_t val;
};

struct fake_bus {
	struct fake_io log[FAKE_LOG_MAX];
	unsigned n;
	uint32_t reads[FAKE_LOG_MAX];       /* what successive reads answer */
	unsigned n_reads, next_read;
};

struct fake_shadow {
	int refuse;                 /* what shadow_on_cr0/cr4_write return */
	unsigned cr0_calls, cr3_calls, cr4_calls, invlpg_calls;
	uint32_t cr0, cr3, cr4, invlpg;
	uint64_t watched[FAKE_LOG_MAX];     /* frames watched now */
	unsigned n_watched;
};

struct fake_monitor {
	jmp_buf fatal_jmp;
	bool fatal_armed;
	char fatal[256];            /* guest_fatal's reason, "" if none */
	char log[256];              /* the last log_printf line */
	unsigned vintr_after_sti, vintr_halt;
	uint8_t events[FAKE_LOG_MAX];       /* vectors delivered, in order */
	unsigned n_events;
};

extern struct fake_cpu fake_cpu;
extern struct fake_bus fake_bus;
extern struct fake_shadow fake_shadow;
extern struct fake_monitor fake_monitor;

/* Forget everything recorded; an empty CPUID, no MSRs, empty queues. */
void fakes_reset(void);

/* Give the fake CPU's MSR a value (rdmsr answers it, wrmsr replaces it). */
void fake_cpu_set_msr(uint32_t msr, uint64_t val);

/* Queue VAL as the answer of the next unanswered port read. */
void fake_bus_queue_read(uint32_t val);

/* Whether the fake shadow MMU watches guest frame GPA now. */
bool fake_shadow_watches(uint64_t gpa);

/* Catch the inline lldt, segment and debug-register loads (see the top
 * of this file). */
void fake_cpu_install_trap(void);

#endif
