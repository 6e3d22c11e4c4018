/*
 * privileged_harness.h - a synthetic guest for the privileged-instruction
 * emulator's host tests (privileged_*_test.c).
 *
 * One guest, rebuilt before every test: 1 MiB of RAM in a host buffer,
 * paging off, and the tables a small 32-bit kernel would have set up:
 *
 *   0x1000  GDT (17 entries, the selectors below)
 *   0x2000  IDT: 256 32-bit interrupt gates, DPL 0, to HANDLER(vector),
 *           except the ones listed with the IDT_ vectors below
 *   0x3000  TSS: ESP0 0x8000, SS0 0x10 (the task register names it)
 *   0x4000  LDT (4 entries, LDT_ selectors below)
 *   0x7000  the kernel's stack pointer;  0x8000  the top of its TSS stack
 *   0x9000  handlers: vector N at 0x9000 + 16 N
 *   0x10000 kernel code (EIP);  0x20000 user code;  0x30000 user stack
 *   0x40000 data the tests' memory operands point at
 *
 * The guest kernel runs with CS 0x09 and SS 0x11 (its selectors 0x08 and
 * 0x10 compressed to RPL 1), IF set; the real GDT mirrors its GDT.  Exits
 * are played as core/exit.c plays them: the instruction at CS:EIP decoded
 * by the monitor's own decoder (cpu/decode.c, capstone), then handed to
 * emulate_gp, emulate_np or emulate_ud; then segments_prepare_return, as
 * before every return to the guest.
 */
#ifndef PRIVILEGED_HARNESS_H
#define PRIVILEGED_HARNESS_H

#include <CUnit/CUnit.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../vmm/cpu/decode.h"
#include "../../vmm/cpu/descriptor.h"
#include "../../vmm/cpu/emulate.h"
#include "../../vmm/cpu/interrupts.h"
#include "../../vmm/cpu/segments.h"
#include "../../vmm/cpu/system.h"
#include "monitor_fakes.h"

#define RAM_SIZE     0x100000u
#define GDT_BASE     0x1000u
#define IDT_BASE     0x2000u
#define TSS_BASE     0x3000u
#define LDT_BASE     0x4000u
#define KERNEL_ESP   0x7000u
#define TSS_ESP0     0x8000u
#define HANDLERS     0x9000u
#define KERNEL_EIP   0x10000u
#define USER_EIP     0x20000u
#define USER_ESP     0x30000u
#define DATA         0x40000u

#define HANDLER(vector) (HANDLERS + 16u * (vector))

/* The guest GDT. */
#define SEL_KCODE     0x08      /* flat 32-bit code, DPL 0 */
#define SEL_KDATA     0x10      /* flat data, DPL 0 */
#define SEL_UCODE     0x1b      /* flat 32-bit code, DPL 3 */
#define SEL_UDATA     0x23      /* flat data, DPL 3 */
#define SEL_TSS       0x28      /* available 32-bit TSS at TSS_BASE */
#define SEL_LDT       0x30      /* LDT at LDT_BASE, 4 entries */
#define SEL_KDATA_NP  0x38      /* data, DPL 0, not present */
#define SEL_TSS_NP    0x40      /* TSS, not present */
#define SEL_LDT_NP    0x48      /* LDT, not present */
#define SEL_CODE64    0x50      /* 64-bit code (L=1), DPL 0 */
#define SEL_KDATA_RO  0x58      /* read-only data, DPL 0 */
#define SEL_CONFORM   0x60      /* conforming code, DPL 0 */
#define SEL_CALLGATE  0x68      /* 32-bit call gate, DPL 3 */
#define SEL_TSS_BUSY  0x70      /* busy 32-bit TSS */
#define SEL_UDATA_NP  0x7b      /* data, DPL 3, not present */
#define SEL_KDATA2    0x80      /* flat data, DPL 0: another SS to load */
#define GDT_ENTRIES   17

/* The guest LDT (TI = 1). */
#define LDT_KDATA     0x04      /* flat data, DPL 0 */
#define LDT_UCODE     0x0f      /* flat 32-bit code, DPL 3 */
#define LDT_KDATA2    0x14      /* flat data, DPL 0 */
#define LDT_TSS       0x1c      /* a TSS: system descriptors never mirror */

/* Descriptors, as a kernel writes them. */
#define D_KCODE    0x00cf9a000000ffffull
#define D_KDATA    0x00cf92000000ffffull
#define D_UCODE    0x00cffa000000ffffull
#define D_UDATA    0x00cff2000000ffffull
#define D_TSS      0x0000890030000067ull
#define D_TSS_BUSY 0x00008b0030000067ull
#define D_LDT      0x000082004000001full
#define D_CODE64   0x00af9a000000ffffull
#define D_KDATA_RO 0x00cf90000000ffffull
#define D_CONFORM  0x00cf9e000000ffffull
#define D_CALLGATE 0x0000ec0000081234ull
#define DPL1       (1ull << DESC_DPL_SHIFT)    /* DPL 0 -> 1 in the mirror */

/* IDT gates that differ from the default. */
#define IDT_BP        3         /* DPL 3: int3 from user mode */
#define IDT_OF        4         /* DPL 3: into from user mode */
#define IDT_SYSCALL   0x80      /* trap gate, DPL 3 */
#define IDT_KERNEL    0x81      /* interrupt gate, DPL 0 (the default) */
#define IDT_TRAP0     0x82      /* trap gate, DPL 0 */
#define IDT_ABSENT    0x83      /* DPL 3, not present */
#define IDT_TASK      0x84      /* task gate */
#define IDT_TO_DATA   0x86      /* DPL 3, its selector names data */
#define IDT_TO_USER   0x87      /* DPL 3, its handler is DPL-3 code */

#define GATE_INT32  0xe
#define GATE_TRAP32 0xf
#define GATE_TASK   0x5

/* The guest's EFLAGS as the tests leave them: IF and the fixed bit. */
#define EFLAGS_IF 0x202u

enum exit_result {
	EXIT_DONE,          /* emulated, or a fault delivered to the guest */
	EXIT_NOT_MINE,      /* the #GP is the guest's own: exit.c reflects it */
	EXIT_STOPPED,       /* guest_fatal: the reason is in fake_monitor.fatal */
};

extern uint8_t guest_ram[RAM_SIZE];
extern struct trap_frame frame;
#define V (&the_vcpu)

/* Rebuild the guest (above), in its kernel, with the monitor's default
 * descriptor policy (hybrid traces): every test's set-up. */
void guest_reset(void);

/* Put the guest in user mode at USER_EIP, USER_ESP, its IF set. */
void guest_to_user(void);

/* Write BYTES at the guest's CS:EIP. */
void guest_put_code(const uint8_t *bytes, size_t n);

/* The guest raised #GP(ERROR) / #NP(ERROR) / #UD at CS:EIP: the
 * monitor's exit. */
enum exit_result exit_gp(uint32_t error);
enum exit_result exit_np(uint32_t error);
enum exit_result exit_ud(void);

/* Put the instruction bytes ... at CS:EIP and take the #GP(ERROR) exit. */
#define RUN_GP(error, ...) run_gp((error), (const uint8_t[]){ __VA_ARGS__ }, \
				  sizeof((const uint8_t[]){ __VA_ARGS__ }))
#define RUN_NP(error, ...) run_np((error), (const uint8_t[]){ __VA_ARGS__ }, \
				  sizeof((const uint8_t[]){ __VA_ARGS__ }))
#define RUN_UD(...) run_ud((const uint8_t[]){ __VA_ARGS__ }, \
			   sizeof((const uint8_t[]){ __VA_ARGS__ }))
enum exit_result run_gp(uint32_t error, const uint8_t *bytes, size_t n);
enum exit_result run_np(uint32_t error, const uint8_t *bytes, size_t n);
enum exit_result run_ud(const uint8_t *bytes, size_t n);

/* Deliver EV through the guest IDT, as exit.c's reflection does. */
enum exit_result deliver(const struct guest_event *ev);

/* Whether the guest was stopped with a reason containing TEXT. */
bool stopped_because(const char *text);

uint32_t ram32(uint32_t gpa);
uint64_t ram64(uint32_t gpa);
void put16(uint32_t gpa, uint16_t val);
void put32(uint32_t gpa, uint32_t val);
void put64(uint32_t gpa, uint64_t val);

/* The 32-bit word I places above the guest's ESP (0: the top of stack). */
uint32_t stack_word(unsigned i);

/* A 32-bit gate of TYPE for VECTOR in the guest IDT. */
void set_gate(unsigned vector, unsigned type, unsigned dpl, bool present,
	      uint16_t sel, uint32_t offset);

/*
 * The guest took exception VECTOR at EIP while in its kernel, on the stack
 * at ESP_BEFORE, with EFLAGS (the image it believed in): check the frame
 * it finds (ERROR first if HAS_ERROR), the handler it runs, its CS and SS.
 */
void check_kernel_frame(unsigned vector, bool has_error, uint32_t error,
			uint32_t eip, uint32_t esp_before, uint32_t eflags);

/*
 * The same, taken in user mode at EIP with the stack at USER_ESP: the
 * frame is on the TSS stack and holds the user SS and ESP too.
 */
void check_user_frame(unsigned vector, bool has_error, uint32_t error,
		      uint32_t eip, uint32_t eflags);

/* The suites, one per source file of vmm/cpu/ under test. */
extern CU_TestInfo dispatch_tests[], user_mode_tests[], system_tests[],
	feature_tests[], transfer_tests[], interrupt_tests[], segment_tests[];

#endif
