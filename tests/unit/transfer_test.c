/*
 * transfer_test.c - delivery through 16-bit gates and the 16-bit iret and
 * far return, specified on synthetic vCPU states.
 *
 * A simulated guest RAM holds a GDT (flat kernel and user segments, a TSS),
 * an IDT and stacks.  Each test decodes real instruction bytes with capstone
 * (as the monitor does), runs the monitor's handler (emulate_int,
 * emulate_iret, emulate_retf from vmm/cpu/transfer.c, delivering through
 * vmm/cpu/interrupts.c) and checks the frame in memory and the registers the
 * guest resumes with, against the SDM's INT n and IRET pages.
 */
#include <CUnit/Basic.h>
#include <capstone/capstone.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/cpu/interrupts.h"
#include "../../vmm/cpu/segments.h"
#include "../../vmm/cpu/transfer.h"

#define RAM_SIZE 0x10000
#define GDT_BASE 0x0800
#define IDT_BASE 0x0100
#define TSS_BASE 0x0900
#define ESP0     0x5000

/* Guest selectors (the real CS/SS of guest CPL 0 carry RPL 1). */
#define KCODE 0x08
#define KDATA 0x10
#define UCODE 0x1b
#define UDATA 0x23
#define TSS   0x28

static uint8_t ram[RAM_SIZE];
static struct trap_frame frame;
static struct vcpu vcpu;
static csh cs;
static cs_insn *insn;

/* --- the monitor functions these files call, simulated --- */

struct vcpu the_vcpu;

void account_guest_event(unsigned vector)
{
	(void)vector;
}

void trace_note(struct vcpu *v, const char *fmt, ...)
{
	(void)v;
	(void)fmt;
}

_Noreturn void guest_fatal(struct vcpu *v, const char *fmt, ...)
{
	va_list ap;

	(void)v;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

/* Every segment here is flat. */
uint32_t seg_base(const struct vcpu *v, uint16_t sel)
{
	(void)v;
	(void)sel;
	return 0;
}

uint16_t virtual_cs(const struct vcpu *v)
{
	uint16_t sel = (uint16_t)v->tf->cs;

	return SEL_RPL(sel) == 1 ? (uint16_t)(sel & ~3u) : sel;
}

uint16_t virtual_ss(const struct vcpu *v)
{
	return (uint16_t)v->tf->ss;
}

int guest_descriptor(struct vcpu *v, uint16_t sel, uint64_t *desc)
{
	if (SEL_INDEX(sel) * 8u + 7 > v->gdtr.limit)
		return -1;
	memcpy(desc, ram + v->gdtr.base + SEL_INDEX(sel) * 8u, 8);
	return 0;
}

bool segments_resumable(const struct vcpu *v, uint16_t *bad)
{
	(void)v;
	(void)bad;
	return true;
}

/* --- the guest's tables --- */

static void put16(uint32_t a, uint16_t v) { memcpy(ram + a, &v, 2); }
static void put32(uint32_t a, uint32_t v) { memcpy(ram + a, &v, 4); }

static uint16_t word_at(uint32_t a)
{
	uint16_t v;

	memcpy(&v, ram + a, 2);
	return v;
}

/* IDT entry VECTOR: a gate of TYPE to OFFSET in the kernel's code. */
static void set_gate(unsigned vector, unsigned type, unsigned dpl,
		     uint32_t offset)
{
	uint64_t g = (offset & 0xffffull) | ((uint64_t)KCODE << 16) |
		     ((uint64_t)(0x80 | dpl << 5 | type) << 40) |
		     ((uint64_t)(offset >> 16) << 48);

	memcpy(ram + IDT_BASE + vector * 8, &g, 8);
}

/* A guest at CPL 0 with flat segments, a TSS whose ESP0 is 0x5000, IF 1. */
static void reset(void)
{
	static const uint64_t gdt[] = {
		0,
		0x00cf9b000000ffffull,          /* KCODE */
		0x00cf93000000ffffull,          /* KDATA */
		0x00cffb000000ffffull,          /* UCODE */
		0x00cff3000000ffffull,          /* UDATA */
		0x00008b0009000067ull,          /* TSS at 0x900, busy */
	};

	memset(ram, 0, sizeof(ram));
	memcpy(ram + GDT_BASE, gdt, sizeof(gdt));
	put32(TSS_BASE + 4, ESP0);
	put32(TSS_BASE + 8, KDATA);
	memset(&frame, 0, sizeof(frame));
	memset(&vcpu, 0, sizeof(vcpu));
	frame.cs = KCODE | 1;
	frame.ss = KDATA | 1;
	frame.rip = 0x1000;
	frame.rsp = 0x3000;
	frame.rflags = 0x202;
	vcpu.tf = &frame;
	vcpu.mem = (struct guest_mem){ .ram = ram, .size = RAM_SIZE };
	vcpu.gdtr = (struct dtr){ GDT_BASE, sizeof(gdt) - 1 };
	vcpu.idtr = (struct dtr){ IDT_BASE, 256 * 8 - 1 };
	vcpu.tr.sel = TSS;
	vcpu.tr.base = TSS_BASE;
	vcpu.tr.limit = 0x67;
}

/* Put the guest in user mode: CS UCODE, SS UDATA, ESP SP, its IF 1. */
static void in_user_mode(uint32_t sp)
{
	frame.cs = UCODE;
	frame.ss = UDATA;
	frame.rsp = sp;
	vcpu.user_if = true;
}

/* Decode BYTES as the instruction at EIP 0x1000. */
static struct decoded decode(const uint8_t *bytes, size_t n)
{
	const uint8_t *code = bytes;
	uint64_t addr = 0x1000;
	struct decoded d = { 0 };

	frame.rip = 0x1000;
	CU_ASSERT_FATAL(cs_disasm_iter(cs, &code, &n, &addr, insn));
	d.insn = insn;
	d.x86 = &insn->detail->x86;
	return d;
}

static void test_int_through_a_16bit_interrupt_gate_pushes_words(void)
{
	const uint8_t int40[] = { 0xcd, 0x40 };
	struct decoded d;

	reset();
	set_gate(0x40, 0x6, 0, 0x0500);
	frame.rflags = 0x40247;                 /* AC IF ZF PF CF */
	d = decode(int40, sizeof(int40));
	CU_ASSERT_EQUAL(emulate_int(&vcpu, &d), EMU_DONE);
	CU_ASSERT_EQUAL(frame.rsp, 0x3000 - 6);
	CU_ASSERT_EQUAL(word_at(0x2ffa), 0x1002);       /* IP: the next insn */
	CU_ASSERT_EQUAL(word_at(0x2ffc), KCODE);        /* the virtual CS */
	CU_ASSERT_EQUAL(word_at(0x2ffe), 0x0247);       /* FLAGS */
	CU_ASSERT_EQUAL(frame.rip, 0x0500);
	CU_ASSERT_EQUAL(frame.cs, KCODE | 1);
	CU_ASSERT_EQUAL(frame.rflags & 0x200, 0);       /* interrupt gate */
	CU_ASSERT_EQUAL(frame.rflags & 0x40000, 0x40000);
}

static void test_16bit_trap_gate_from_cpl3_uses_the_tss_stack_and_keeps_if(void)
{
	const uint8_t int41[] = { 0xcd, 0x41 };
	struct decoded d;

	reset();
	set_gate(0x41, 0x7, 3, 0x0600);
	in_user_mode(0x7000);
	d = decode(int41, sizeof(int41));
	CU_ASSERT_EQUAL(emulate_int(&vcpu, &d), EMU_DONE);
	CU_ASSERT_EQUAL(frame.rsp, ESP0 - 10);
	CU_ASSERT_EQUAL(word_at(ESP0 - 10), 0x1002);    /* IP */
	CU_ASSERT_EQUAL(word_at(ESP0 - 8), UCODE);      /* CS */
	CU_ASSERT_EQUAL(word_at(ESP0 - 6), 0x0202);     /* FLAGS */
	CU_ASSERT_EQUAL(word_at(ESP0 - 4), 0x7000);     /* SP */
	CU_ASSERT_EQUAL(word_at(ESP0 - 2), UDATA);      /* SS */
	CU_ASSERT_EQUAL(frame.ss, KDATA | 1);
	CU_ASSERT_EQUAL(frame.cs, KCODE | 1);
	CU_ASSERT_EQUAL(frame.rflags & 0x200, 0x200);   /* trap gate */
}

static void test_an_error_code_through_a_16bit_gate_is_one_word(void)
{
	reset();
	set_gate(13, 0x6, 0, 0x0700);
	reflect_exception(&vcpu, 13, true, 0x0040);
	CU_ASSERT_EQUAL(frame.rsp, 0x3000 - 8);
	CU_ASSERT_EQUAL(word_at(0x2ff8), 0x0040);       /* the error code */
	CU_ASSERT_EQUAL(word_at(0x2ffa), 0x1000);      /* IP: the faulting insn */
	CU_ASSERT_EQUAL(frame.rip, 0x0700);
}

static void test_a_16bit_gate_jumps_to_all_32_offset_bits_as_qemu(void)
{
	const uint8_t int40[] = { 0xcd, 0x40 };
	struct decoded d;

	reset();
	set_gate(0x40, 0x6, 0, 0x00010500);
	d = decode(int40, sizeof(int40));
	emulate_int(&vcpu, &d);
	CU_ASSERT_EQUAL(frame.rip, 0x00010500);
}

static void test_iretw_to_ring0_loads_flags_and_keeps_eflags_31_16(void)
{
	const uint8_t iretw[] = { 0x66, 0xcf };
	struct decoded d;

	reset();
	frame.rsp = 0x2ffa;
	put16(0x2ffa, 0x1234);                  /* IP */
	put16(0x2ffc, KCODE);                   /* CS */
	put16(0x2ffe, 0x0046);                  /* FLAGS: IF 0, ZF PF */
	frame.rflags = 0x40202 | 0x10000;       /* AC, and RF from the fault */
	d = decode(iretw, sizeof(iretw));
	CU_ASSERT_EQUAL(emulate_iret(&vcpu, &d), EMU_DONE);
	CU_ASSERT_EQUAL(frame.rip, 0x1234);
	CU_ASSERT_EQUAL(frame.cs, KCODE | 1);
	CU_ASSERT_EQUAL(frame.rsp, 0x3000);
	CU_ASSERT_EQUAL(frame.rflags, 0x40046);
}

static void test_iretw_to_ring3_pops_sp_and_ss(void)
{
	const uint8_t iretw[] = { 0x66, 0xcf };
	struct decoded d;

	reset();
	frame.rsp = 0x4ff6;
	put16(0x4ff6, 0x2000);                  /* IP */
	put16(0x4ff8, UCODE);                   /* CS */
	put16(0x4ffa, 0x0203);                  /* FLAGS: IF CF */
	put16(0x4ffc, 0x7000);                  /* SP */
	put16(0x4ffe, UDATA);                   /* SS */
	frame.rflags = 0x2;
	d = decode(iretw, sizeof(iretw));
	CU_ASSERT_EQUAL(emulate_iret(&vcpu, &d), EMU_DONE);
	CU_ASSERT_EQUAL(frame.rip, 0x2000);
	CU_ASSERT_EQUAL(frame.cs, UCODE);
	CU_ASSERT_EQUAL(frame.rsp, 0x7000);
	CU_ASSERT_EQUAL(frame.ss, UDATA);
	CU_ASSERT_EQUAL(frame.rflags, 0x203);
	CU_ASSERT(vcpu.user_if);
}

static void test_lretw_imm_to_ring3_releases_both_stacks(void)
{
	const uint8_t lretw2[] = { 0x66, 0xca, 0x02, 0x00 };
	struct decoded d;

	reset();
	frame.rsp = 0x4ff6;
	put16(0x4ff6, 0x2000);                  /* IP */
	put16(0x4ff8, UCODE);                   /* CS */
	put16(0x4ffa, 0x5a5a);                  /* 2 bytes of parameters */
	put16(0x4ffc, 0x6800);                  /* SP */
	put16(0x4ffe, UDATA);                   /* SS */
	d = decode(lretw2, sizeof(lretw2));
	CU_ASSERT_EQUAL(emulate_retf(&vcpu, &d), EMU_DONE);
	CU_ASSERT_EQUAL(frame.rip, 0x2000);
	CU_ASSERT_EQUAL(frame.cs, UCODE);
	CU_ASSERT_EQUAL(frame.rsp, 0x6802);
	CU_ASSERT_EQUAL(frame.ss, UDATA);
}

static void test_a_16bit_gate_and_iretw_make_a_round_trip(void)
{
	const uint8_t int40[] = { 0xcd, 0x40 }, iretw[] = { 0x66, 0xcf };
	struct decoded d;

	reset();
	set_gate(0x40, 0x6, 0, 0x0500);
	frame.rflags = 0x2c3;                   /* IF SF ZF CF */
	d = decode(int40, sizeof(int40));
	emulate_int(&vcpu, &d);
	d = decode(iretw, sizeof(iretw));
	CU_ASSERT_EQUAL(emulate_iret(&vcpu, &d), EMU_DONE);
	CU_ASSERT_EQUAL(frame.rip, 0x1002);
	CU_ASSERT_EQUAL(frame.rsp, 0x3000);
	CU_ASSERT_EQUAL(frame.rflags, 0x2c3);
}

static void test_iretw_and_lretw_faults_at_cpl3_are_the_guests_own(void)
{
	const uint8_t iretw[] = { 0x66, 0xcf }, lretw[] = { 0x66, 0xcb };
	struct decoded d;

	reset();
	in_user_mode(0x7000);
	d = decode(iretw, sizeof(iretw));
	CU_ASSERT_EQUAL(emulate_iret(&vcpu, &d), EMU_NOT_MINE);
	d = decode(lretw, sizeof(lretw));
	CU_ASSERT_EQUAL(emulate_retf(&vcpu, &d), EMU_NOT_MINE);
	CU_ASSERT_EQUAL(frame.rip, 0x1000);
	CU_ASSERT_EQUAL(frame.rsp, 0x7000);
}

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (cs_open(CS_ARCH_X86, CS_MODE_32, &cs) != CS_ERR_OK)
		return 1;
	cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
	insn = cs_malloc(cs);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("16-bit gates, iretw and lretw", NULL, NULL);
	CU_add_test(s, "int through a 16-bit interrupt gate pushes words",
		    test_int_through_a_16bit_interrupt_gate_pushes_words);
	CU_add_test(s, "16-bit trap gate from CPL 3 uses the TSS stack, keeps IF",
		    test_16bit_trap_gate_from_cpl3_uses_the_tss_stack_and_keeps_if);
	CU_add_test(s, "an error code through a 16-bit gate is one word",
		    test_an_error_code_through_a_16bit_gate_is_one_word);
	CU_add_test(s, "a 16-bit gate jumps to all 32 offset bits, as QEMU",
		    test_a_16bit_gate_jumps_to_all_32_offset_bits_as_qemu);
	CU_add_test(s, "iretw to ring 0 loads FLAGS, keeps EFLAGS 31:16",
		    test_iretw_to_ring0_loads_flags_and_keeps_eflags_31_16);
	CU_add_test(s, "iretw to ring 3 pops SP and SS",
		    test_iretw_to_ring3_pops_sp_and_ss);
	CU_add_test(s, "lretw imm to ring 3 releases both stacks",
		    test_lretw_imm_to_ring3_releases_both_stacks);
	CU_add_test(s, "a 16-bit gate and iretw make a round trip",
		    test_a_16bit_gate_and_iretw_make_a_round_trip);
	CU_add_test(s, "iretw and lretw faults at CPL 3 are the guest's own",
		    test_iretw_and_lretw_faults_at_cpl3_are_the_guests_own);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	cs_free(insn, 1);
	cs_close(&cs);
	return failures != 0;
}
