/*
 * x86.h - the architectural constants and the handful of instructions the
 * monitor issues itself.  Every bit the monitor tests or sets is named here,
 * next to a picture of the register it lives in (Intel SDM vol. 3A, ch. 2-6).
 */
#ifndef VMM_X86_H
#define VMM_X86_H

#include <stdint.h>

/*
 * EFLAGS
 *  31      22 21 20 19 18 17 16 15 14 13-12 11 10  9  8  7  6  5  4  3  2  1  0
 * +---------+--+--+--+--+--+--+--+--+-----+--+--+--+--+--+--+--+--+--+--+--+--+
 * |    0    |ID|VP|VF|AC|VM|RF| 0|NT|IOPL |OF|DF|IF|TF|SF|ZF| 0|AF| 0|PF| 1|CF|
 * +---------+--+--+--+--+--+--+--+--+-----+--+--+--+--+--+--+--+--+--+--+--+--+
 */
#define FL_CF    (1u << 0)
#define FL_FIXED (1u << 1)          /* always reads as 1 */
#define FL_PF    (1u << 2)
#define FL_AF    (1u << 4)
#define FL_ZF    (1u << 6)
#define FL_SF    (1u << 7)
#define FL_TF    (1u << 8)
#define FL_IF    (1u << 9)
#define FL_DF    (1u << 10)
#define FL_OF    (1u << 11)
#define FL_IOPL  (3u << 12)
#define FL_NT    (1u << 14)
#define FL_RF    (1u << 16)
#define FL_VM    (1u << 17)
#define FL_AC    (1u << 18)
#define FL_VIF   (1u << 19)
#define FL_VIP   (1u << 20)
#define FL_ID    (1u << 21)

/* CR0 and CR4 bits the monitor sets for itself. */
#define CR0_PE (1u << 0)
#define CR0_MP (1u << 1)
#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR0_ET (1u << 4)
#define CR0_NE (1u << 5)
#define CR0_WP (1u << 16)
#define CR0_AM (1u << 18)
#define CR0_NW (1u << 29)
#define CR0_CD (1u << 30)
#define CR0_PG (1u << 31)

/*
 * CR4 (SDM vol. 3A, 2.5), the bits up to PKS ('-': none we name):
 *
 *   24  23  22   21   20  19   18    17    16  15   14   13   12   11
 * +---+---+---+----+----+---+----+-----+----+---+----+----+----+----+
 * |PKS|CET|PKE|SMAP|SMEP| - |OSXS|PCIDE|FSGS| - |SMXE|VMXE|LA57|UMIP|
 * +---+---+---+----+----+---+----+-----+----+---+----+----+----+----+
 *     10         9     8   7   6   5   4   3   2   1   0
 * +----------+------+---+---+---+---+---+--+---+---+---+
 * |OSXMMEXCPT|OSFXSR|PCE|PGE|MCE|PAE|PSE|DE|TSD|PVI|VME|
 * +----------+------+---+---+---+---+---+--+---+---+---+
 */
#define CR4_VME        (1u << 0)
#define CR4_PVI        (1u << 1)
#define CR4_TSD        (1u << 2)
#define CR4_DE         (1u << 3)
#define CR4_PSE        (1u << 4)
#define CR4_PAE        (1u << 5)
#define CR4_MCE        (1u << 6)
#define CR4_PGE        (1u << 7)
#define CR4_PCE        (1u << 8)
#define CR4_OSFXSR     (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define CR4_UMIP       (1u << 11)
#define CR4_LA57       (1u << 12)
#define CR4_VMXE       (1u << 13)
#define CR4_SMXE       (1u << 14)
#define CR4_FSGSBASE   (1u << 16)
#define CR4_PCIDE      (1u << 17)
#define CR4_OSXSAVE    (1u << 18)
#define CR4_SMEP       (1u << 20)
#define CR4_SMAP       (1u << 21)
#define CR4_PKE        (1u << 22)
#define CR4_CET        (1u << 23)
#define CR4_PKS        (1u << 24)

/* XCR0 state components (SDM vol. 1, 13.1). */
#define XCR0_X87       (1u << 0)
#define XCR0_SSE       (1u << 1)
#define XCR0_YMM       (1u << 2)
#define XCR0_BNDREGS   (1u << 3)
#define XCR0_BNDCSR    (1u << 4)

#define MSR_EFER    0xc0000080
#define MSR_FS_BASE 0xc0000100
#define EFER_NXE    (1u << 11)

/* Exception vectors (SDM vol. 3A, table 6-1). */
enum {
	EXC_DE = 0, EXC_DB = 1, EXC_NMI = 2, EXC_BP = 3, EXC_OF = 4, EXC_BR = 5,
	EXC_UD = 6, EXC_NM = 7, EXC_DF = 8, EXC_TS = 10, EXC_NP = 11,
	EXC_SS = 12, EXC_GP = 13, EXC_PF = 14, EXC_MF = 16, EXC_AC = 17,
	EXC_MC = 18, EXC_XM = 19, EXC_VE = 20, EXC_CP = 21,
	NUM_EXCEPTIONS = 32,
};

/*
 * Error code of #GP, #NP, #SS, #TS when it names a selector or a gate:
 *   15            3  2   1   0
 *  +---------------+---+---+---+
 *  |     index     |TI |IDT|EXT|
 *  +---------------+---+---+---+
 */
#define ERR_EXT (1u << 0)           /* an external event caused it */
#define ERR_IDT (1u << 1)           /* index names an IDT gate */
#define ERR_TI  (1u << 2)           /* index names an LDT entry */

/*
 * #PF error code:
 *   4   3    2   1   0
 * +---+----+---+---+---+
 * |I/D|RSVD|U/S|W/R| P |
 * +---+----+---+---+---+
 */
#define PF_PRESENT (1u << 0)
#define PF_WRITE   (1u << 1)
#define PF_USER    (1u << 2)
#define PF_RSVD    (1u << 3)
#define PF_FETCH   (1u << 4)

/* A selector: index << 3 | TI << 2 | RPL. */
#define SEL_RPL(s)   ((s) & 3u)
#define SEL_TI(s)    (((s) >> 2) & 1u)
#define SEL_INDEX(s) ((s) >> 3)

#ifdef VMM_HOST_TEST
/*T:440 Two platforms, one emulator.  The privileged-instruction emulator
 * (vmm/cpu/) is also built for the host, where tests/unit/privileged_test
 * drives it on synthetic guests and checks each outcome against the SDM.
 * In a user process these instructions would fault or touch the host, so
 * with VMM_HOST_TEST defined they are calls into the tests' fake CPU
 * (tests/unit/monitor_fakes.c), which records writes and answers reads.
 * The monitor never defines VMM_HOST_TEST: its code is unchanged. */
void outb(uint16_t port, uint8_t v);
void outl(uint16_t port, uint32_t v);
uint8_t inb(uint16_t port);
uint64_t rdtsc(void);
uint64_t rdmsr(uint32_t msr);
void wrmsr(uint32_t msr, uint64_t v);
uint64_t read_cr0(void);
void write_cr0(uint64_t v);
uint64_t read_cr2(void);
void write_cr3(uint64_t v);
uint64_t read_cr4(void);
void write_cr4(uint64_t v);
void xsetbv(uint32_t xcr, uint64_t v);
void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4]);
_Noreturn void halt_forever(void);
#else
static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v),
			 "d"((uint32_t)(v >> 32)));
}

static inline uint64_t read_cr0(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void write_cr0(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v));
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v));
}

/* Load extended control register XCR (0: XCR0) with V; needs CR4.OSXSAVE. */
static inline void xsetbv(uint32_t xcr, uint64_t v)
{
	__asm__ volatile("xsetbv" : : "c"(xcr), "a"((uint32_t)v),
			 "d"((uint32_t)(v >> 32)));
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

static inline _Noreturn void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}
#endif /* VMM_HOST_TEST */

#endif
