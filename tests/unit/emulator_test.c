/*
 * emulator_test.c - the memory-instruction emulator, specified on synthetic
 * vCPU states.
 *
 * Each test decodes real instruction bytes with capstone (as the monitor
 * does), points a trap frame's registers at a simulated guest RAM, runs
 * emulate_memory_insn, and checks registers, memory and flags.  Arithmetic
 * flags are checked against the host CPU running the same operation.
 */
#include <CUnit/Basic.h>
#include <capstone/capstone.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/cpu/memory_insn.h"
#include "../../vmm/cpu/operands.h"

#define RAM_SIZE 0x10000

static uint8_t ram[RAM_SIZE];
static struct trap_frame frame;
static struct vcpu vcpu;
static csh cs;
static cs_insn *insn;
static unsigned ram_writes, faults_delivered;

/* --- the few monitor functions the emulator calls, simulated --- */

struct vcpu the_vcpu;

uint32_t seg_base(const struct vcpu *v, uint16_t sel)
{
	(void)v;
	(void)sel;
	return 0;
}

uint16_t virtual_cs(const struct vcpu *v)
{
	(void)v;
	return 0x08;
}

uint16_t virtual_ss(const struct vcpu *v)
{
	return (uint16_t)v->tf->ss;
}

void reflect_exception(struct vcpu *v, uint8_t vector, bool has_error,
		       uint32_t error)
{
	(void)v;
	(void)vector;
	(void)has_error;
	(void)error;
	faults_delivered++;
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

static void record_write(void *ctx, gpa_t gpa, const void *b, size_t len)
{
	(void)ctx;
	ram_writes++;
	memcpy(ram + gpa, b, len);
}

/* A guest at CPL 0 with flat segments and RAM at 0, registers cleared. */
static void reset(void)
{
	memset(ram, 0, sizeof(ram));
	memset(&frame, 0, sizeof(frame));
	memset(&vcpu, 0, sizeof(vcpu));
	frame.cs = 0x09;
	frame.ss = 0x11;
	frame.rflags = 0x2;
	vcpu.tf = &frame;
	vcpu.mem = (struct guest_mem){ .ram = ram, .size = RAM_SIZE,
				       .write_ram = record_write };
	ram_writes = faults_delivered = 0;
}

/* Decode BYTES at EIP 0x1000 and emulate; returns the result. */
static enum emulate_result run(const uint8_t *bytes, size_t n)
{
	const uint8_t *code = bytes;
	uint64_t addr = 0x1000;
	struct decoded d = { 0 };

	frame.rip = 0x1000;
	CU_ASSERT_FATAL(cs_disasm_iter(cs, &code, &n, &addr, insn));
	d.insn = insn;
	d.x86 = &insn->detail->x86;
	return emulate_memory_insn(&vcpu, &d);
}

static uint32_t ram32(uint32_t a)
{
	uint32_t v;

	memcpy(&v, ram + a, 4);
	return v;
}

static void test_mov_store_goes_through_the_write_hook(void)
{
	const uint8_t mov[] = { 0x89, 0x18 };           /* mov [eax], ebx */

	reset();
	frame.rax = 0x2000;
	frame.rbx = 0xdeadbeef;
	CU_ASSERT_EQUAL(run(mov, sizeof(mov)), EMU_DONE);
	CU_ASSERT_EQUAL(ram32(0x2000), 0xdeadbeef);
	CU_ASSERT_EQUAL(ram_writes, 1);
	CU_ASSERT_EQUAL(frame.rip, 0x1002);
}

static void test_movzx_and_movsx_extend_as_the_cpu(void)
{
	const uint8_t movzx[] = { 0x0f, 0xb6, 0x08 };   /* movzx ecx, byte [eax] */
	const uint8_t movsx[] = { 0x0f, 0xbf, 0x10 };   /* movsx edx, word [eax] */

	reset();
	frame.rax = 0x3000;
	ram[0x3000] = 0x80;
	ram[0x3001] = 0xff;
	CU_ASSERT_EQUAL(run(movzx, sizeof(movzx)), EMU_DONE);
	CU_ASSERT_EQUAL(frame.rcx, 0x80);
	CU_ASSERT_EQUAL(run(movsx, sizeof(movsx)), EMU_DONE);
	CU_ASSERT_EQUAL(frame.rdx, 0xffffff80);
}

/* The flags the host CPU computes for OR of A and B (32-bit). */
static uint64_t host_or_flags(uint32_t a, uint32_t b)
{
	uint64_t f;

	__asm__("orl %2, %1; pushfq; popq %0" : "=r"(f), "+r"(a) : "r"(b) : "cc");
	return f & 0x8d5;
}

static void test_lock_or_sets_the_flags_the_cpu_sets(void)
{
	const uint8_t lock_or[] = { 0xf0, 0x09, 0x08 };  /* lock or [eax], ecx */

	reset();
	frame.rax = 0x2000;
	frame.rcx = 0x80000000;
	memcpy(ram + 0x2000, &(uint32_t){ 0x00000001 }, 4);
	CU_ASSERT_EQUAL(run(lock_or, sizeof(lock_or)), EMU_DONE);
	CU_ASSERT_EQUAL(ram32(0x2000), 0x80000001);
	CU_ASSERT_EQUAL(frame.rflags & 0x8d5, host_or_flags(1, 0x80000000));
}

static void test_xchg_swaps_register_and_memory(void)
{
	const uint8_t xchg[] = { 0x87, 0x18 };           /* xchg [eax], ebx */

	reset();
	frame.rax = 0x2000;
	frame.rbx = 0x11111111;
	memcpy(ram + 0x2000, &(uint32_t){ 0x22222222 }, 4);
	CU_ASSERT_EQUAL(run(xchg, sizeof(xchg)), EMU_DONE);
	CU_ASSERT_EQUAL(ram32(0x2000), 0x11111111);
	CU_ASSERT_EQUAL(frame.rbx, 0x22222222);
}

static void test_cmpxchg_stores_on_match_and_loads_on_mismatch(void)
{
	const uint8_t cmpxchg[] = { 0xf0, 0x0f, 0xb1, 0x0b };  /* lock cmpxchg [ebx], ecx */

	reset();
	frame.rbx = 0x2000;
	frame.rax = 5;
	frame.rcx = 9;
	memcpy(ram + 0x2000, &(uint32_t){ 5 }, 4);
	CU_ASSERT_EQUAL(run(cmpxchg, sizeof(cmpxchg)), EMU_DONE);
	CU_ASSERT_EQUAL(ram32(0x2000), 9);
	CU_ASSERT(frame.rflags & 0x40);                 /* ZF */
	frame.rax = 5;
	CU_ASSERT_EQUAL(run(cmpxchg, sizeof(cmpxchg)), EMU_DONE);
	CU_ASSERT_EQUAL(frame.rax, 9);
	CU_ASSERT(!(frame.rflags & 0x40));
}

static void test_btr_clears_the_bit_and_reports_it_in_cf(void)
{
	const uint8_t btr[] = { 0x0f, 0xba, 0x30, 0x01 }; /* btr dword [eax], 1 */

	reset();
	frame.rax = 0x2000;
	memcpy(ram + 0x2000, &(uint32_t){ 0x3 }, 4);
	CU_ASSERT_EQUAL(run(btr, sizeof(btr)), EMU_DONE);
	CU_ASSERT_EQUAL(ram32(0x2000), 0x1);
	CU_ASSERT(frame.rflags & 0x1);                  /* CF: the old bit */
}

static void test_rep_stosd_fills_and_advances_edi_and_ecx(void)
{
	const uint8_t rep_stosd[] = { 0xf3, 0xab };

	reset();
	frame.rdi = 0x4000;
	frame.rcx = 4;
	frame.rax = 0xabcdabcd;
	__asm__("mov %%ds, %%ax; mov %%ax, %%es" ::: "ax");
	CU_ASSERT_EQUAL(run(rep_stosd, sizeof(rep_stosd)), EMU_DONE);
	for (unsigned i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(ram32(0x4000 + 4 * i), 0xabcdabcd);
	CU_ASSERT_EQUAL(frame.rcx, 0);
	CU_ASSERT_EQUAL(frame.rdi, 0x4010);
	CU_ASSERT_EQUAL(ram32(0x4010), 0);
}

static void test_a_store_that_crosses_a_page_is_split(void)
{
	const uint8_t mov[] = { 0x89, 0x18 };           /* mov [eax], ebx */

	reset();
	frame.rax = 0x1ffe;
	frame.rbx = 0x44332211;
	CU_ASSERT_EQUAL(run(mov, sizeof(mov)), EMU_DONE);
	CU_ASSERT_EQUAL(ram32(0x1ffe), 0x44332211);
	CU_ASSERT_EQUAL(ram_writes, 2);
}

static void test_a_bit_offset_beyond_the_operand_is_left_to_the_fallback(void)
{
	const uint8_t bts[] = { 0x0f, 0xab, 0x08 };     /* bts [eax], ecx */

	reset();
	frame.rax = 0x2000;
	frame.rcx = 100;
	CU_ASSERT_EQUAL(run(bts, sizeof(bts)), EMU_NOT_MINE);
	CU_ASSERT_EQUAL(ram_writes, 0);
}

static void test_an_unknown_instruction_is_left_to_the_fallback(void)
{
	const uint8_t push[] = { 0xff, 0x30 };          /* push dword [eax] */

	reset();
	CU_ASSERT_EQUAL(run(push, sizeof(push)), EMU_NOT_MINE);
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
	s = CU_add_suite("memory-instruction emulator", NULL, NULL);
	CU_add_test(s, "mov store goes through the write hook",
		    test_mov_store_goes_through_the_write_hook);
	CU_add_test(s, "movzx and movsx extend as the CPU",
		    test_movzx_and_movsx_extend_as_the_cpu);
	CU_add_test(s, "lock or sets the flags the CPU sets",
		    test_lock_or_sets_the_flags_the_cpu_sets);
	CU_add_test(s, "xchg swaps register and memory",
		    test_xchg_swaps_register_and_memory);
	CU_add_test(s, "cmpxchg stores on match and loads on mismatch",
		    test_cmpxchg_stores_on_match_and_loads_on_mismatch);
	CU_add_test(s, "btr clears the bit and reports it in CF",
		    test_btr_clears_the_bit_and_reports_it_in_cf);
	CU_add_test(s, "rep stosd fills and advances EDI and ECX",
		    test_rep_stosd_fills_and_advances_edi_and_ecx);
	CU_add_test(s, "a store that crosses a page is split",
		    test_a_store_that_crosses_a_page_is_split);
	CU_add_test(s, "a bit offset beyond the operand is left to the fallback",
		    test_a_bit_offset_beyond_the_operand_is_left_to_the_fallback);
	CU_add_test(s, "an unknown instruction is left to the fallback",
		    test_an_unknown_instruction_is_left_to_the_fallback);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	cs_free(insn, 1);
	cs_close(&cs);
	return failures != 0;
}
