/*
 * privileged_harness.c - the synthetic guest of privileged_harness.h.
 */
#include "privileged_harness.h"

#include <setjmp.h>
#include <string.h>

uint8_t guest_ram[RAM_SIZE];
struct trap_frame frame;

/* ---- guest memory, seen from the test ---------------------------------- */

uint32_t ram32(uint32_t gpa)
{
	uint32_t v;

	memcpy(&v, guest_ram + gpa, sizeof(v));
	return v;
}

uint64_t ram64(uint32_t gpa)
{
	uint64_t v;

	memcpy(&v, guest_ram + gpa, sizeof(v));
	return v;
}

void put16(uint32_t gpa, uint16_t val)
{
	memcpy(guest_ram + gpa, &val, sizeof(val));
}

void put32(uint32_t gpa, uint32_t val)
{
	memcpy(guest_ram + gpa, &val, sizeof(val));
}

void put64(uint32_t gpa, uint64_t val)
{
	memcpy(guest_ram + gpa, &val, sizeof(val));
}

uint32_t stack_word(unsigned i)
{
	return ram32((uint32_t)frame.rsp + 4 * i);
}

/* ---- the guest's tables ------------------------------------------------ */

void set_gate(unsigned vector, unsigned type, unsigned dpl, bool present,
	      uint16_t sel, uint32_t offset)
{
	uint32_t lo = (uint32_t)sel << 16 | (offset & 0xffff);
	uint32_t hi = (offset & 0xffff0000) | (present ? 0x8000u : 0) |
		      dpl << 13 | type << 8;

	put64(IDT_BASE + 8 * vector, (uint64_t)hi << 32 | lo);
}

static void write_gdt(void)
{
	static const uint64_t gdt[GDT_ENTRIES] = {
		[SEL_KCODE >> 3] = D_KCODE,
		[SEL_KDATA >> 3] = D_KDATA,
		[SEL_UCODE >> 3] = D_UCODE,
		[SEL_UDATA >> 3] = D_UDATA,
		[SEL_TSS >> 3] = D_TSS,
		[SEL_LDT >> 3] = D_LDT,
		[SEL_KDATA_NP >> 3] = D_KDATA & ~DESC_P,
		[SEL_TSS_NP >> 3] = D_TSS & ~DESC_P,
		[SEL_LDT_NP >> 3] = D_LDT & ~DESC_P,
		[SEL_CODE64 >> 3] = D_CODE64,
		[SEL_KDATA_RO >> 3] = D_KDATA_RO,
		[SEL_CONFORM >> 3] = D_CONFORM,
		[SEL_CALLGATE >> 3] = D_CALLGATE,
		[SEL_TSS_BUSY >> 3] = D_TSS_BUSY,
		[SEL_UDATA_NP >> 3] = D_UDATA & ~DESC_P,
		[SEL_KDATA2 >> 3] = D_KDATA,
	};
	static const uint64_t ldt[4] = { D_KDATA, D_UCODE, D_KDATA, D_TSS };

	memcpy(guest_ram + GDT_BASE, gdt, sizeof(gdt));
	memcpy(guest_ram + LDT_BASE, ldt, sizeof(ldt));
}

static void write_idt_and_tss(void)
{
	for (unsigned n = 0; n < 256; n++)
		set_gate(n, GATE_INT32, 0, true, SEL_KCODE, HANDLER(n));
	set_gate(IDT_BP, GATE_INT32, 3, true, SEL_KCODE, HANDLER(IDT_BP));
	set_gate(IDT_OF, GATE_INT32, 3, true, SEL_KCODE, HANDLER(IDT_OF));
	set_gate(IDT_SYSCALL, GATE_TRAP32, 3, true, SEL_KCODE,
		 HANDLER(IDT_SYSCALL));
	set_gate(IDT_TRAP0, GATE_TRAP32, 0, true, SEL_KCODE, HANDLER(IDT_TRAP0));
	set_gate(IDT_ABSENT, GATE_INT32, 3, false, SEL_KCODE,
		 HANDLER(IDT_ABSENT));
	set_gate(IDT_TASK, GATE_TASK, 3, true, SEL_TSS, 0);
	set_gate(IDT_TO_DATA, GATE_INT32, 3, true, SEL_KDATA,
		 HANDLER(IDT_TO_DATA));
	set_gate(IDT_TO_USER, GATE_INT32, 3, true, SEL_UCODE,
		 HANDLER(IDT_TO_USER));
	put32(TSS_BASE + 4, TSS_ESP0);
	put32(TSS_BASE + 8, SEL_KDATA);
}

/* The machine the monitor found: its CR0 and CR4, a CPU like QEMU's. */
static void fake_machine(void)
{
	fakes_reset();
	fake_cpu.cr0 = CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_MP | CR0_PE;
	fake_cpu.cr4 = CR4_PAE | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT |
		       CR4_UMIP;
	/* Leaves up to 0xd; 1 EDX: PSE, PAE, MCE, PGE, FXSR, SSE (no VME);
	 * 1 ECX: XSAVE; 7 ECX: UMIP (no SMEP, SMAP, FSGSBASE); 0xd: XCR0
	 * may hold x87, SSE, AVX. */
	fake_cpu.cpuid[0][0] = 0xd;
	fake_cpu.cpuid[1][3] = 1u << 3 | 1u << 6 | 1u << 7 | 1u << 13 |
			       1u << 24 | 1u << 25;
	fake_cpu.cpuid[1][2] = 1u << 26;
	fake_cpu.cpuid[7][2] = 1u << 2;
	fake_cpu.cpuid[0xd][0] = XCR0_X87 | XCR0_SSE | XCR0_YMM;
	fake_cpu.tsc = 0x123456789abcull;
	fake_cpu_set_msr(0x1b, 0xfee00900);            /* APIC_BASE */
	fake_cpu_set_msr(0x277, 0x0007040600070406ull);/* PAT */
	fake_cpu_set_msr(0xfe, 0x508);                 /* MTRRCAP */
}

void guest_reset(void)
{
	/* Let the previous test's watches go before forgetting them. */
	segments_set_policy(V, DESC_SYNC);
	fake_machine();
	memset(guest_ram, 0, sizeof(guest_ram));
	memset(&frame, 0, sizeof(frame));
	memset(V, 0, sizeof(*V));
	V->tf = &frame;
	V->mem = (struct guest_mem){ .ram = guest_ram, .size = RAM_SIZE };
	system_init(V);
	write_gdt();
	write_idt_and_tss();
	V->gdtr = (struct dtr){ GDT_BASE, GDT_ENTRIES * 8 - 1 };
	V->idtr = (struct dtr){ IDT_BASE, 256 * 8 - 1 };
	V->tr.sel = SEL_TSS;
	V->tr.base = TSS_BASE;
	V->tr.limit = 0x67;
	segments_sync_gdt(V);           /* nothing loaded yet: CS = SS = 0 */
	segments_load_ldt(V, 0);
	frame.cs = SEL_KCODE | 1;
	frame.ss = SEL_KDATA | 1;
	frame.rip = KERNEL_EIP;
	frame.rsp = KERNEL_ESP;
	frame.rflags = EFLAGS_IF;
	segments_set_policy(V, DESC_HYBRID);    /* the monitor's default */
	segments_prepare_return(V);
	/* Start the test's records clean: only what it does counts. */
	fake_cpu.cr0_writes = fake_cpu.cr3_writes = fake_cpu.cr4_writes = 0;
	fake_cpu.msr_writes = fake_cpu.n_loads = fake_cpu.dr_writes = 0;
	fake_monitor.n_events = 0;
}

void guest_to_user(void)
{
	frame.cs = SEL_UCODE;
	frame.ss = SEL_UDATA;
	frame.rip = USER_EIP;
	frame.rsp = USER_ESP;
	frame.rflags = EFLAGS_IF;
	V->user_if = true;
	segments_prepare_return(V);
}

void guest_put_code(const uint8_t *bytes, size_t n)
{
	memcpy(guest_ram + (uint32_t)frame.rip, bytes, n);
}

/* ---- exits ------------------------------------------------------------- */

/*
 * Run the handler HANDLE with guest_fatal coming back here, then do what
 * the monitor does before the guest resumes (exit.c, trap_entry).
 */
static enum exit_result armed(enum exit_result (*handle)(const void *),
			      const void *arg)
{
	enum exit_result r;

	fake_monitor.fatal[0] = '\0';
	if (setjmp(fake_monitor.fatal_jmp)) {
		fake_monitor.fatal_armed = false;
		return EXIT_STOPPED;
	}
	fake_monitor.fatal_armed = true;
	r = handle(arg);
	fake_monitor.fatal_armed = false;
	segments_prepare_return(V);
	return r;
}

static enum exit_result result(enum emulate_result r)
{
	return r == EMU_DONE ? EXIT_DONE : EXIT_NOT_MINE;
}

/* The handlers of exit.c: exit_gp, exit_np, exit_ud. */
static enum exit_result handle_gp(const void *unused)
{
	struct decoded d;

	(void)unused;
	if (decode_guest_insn(V, &d))
		guest_fatal(V, "the instruction cannot be decoded");
	return result(emulate_gp(V, &d));
}

static enum exit_result handle_np(const void *unused)
{
	struct decoded d;

	(void)unused;
	if (guest_cpl(V) != 0 || decode_guest_insn(V, &d))
		return EXIT_NOT_MINE;
	if (segments_load_hidden_data(V, &d))
		return EXIT_DONE;
	return result(emulate_np(V, &d));
}

static enum exit_result handle_ud(const void *unused)
{
	struct decoded d;

	(void)unused;
	if (decode_guest_insn(V, &d))
		return EXIT_NOT_MINE;
	return result(emulate_ud(V, &d));
}

static enum exit_result handle_event(const void *ev)
{
	deliver_event(V, ev);
	return EXIT_DONE;
}

/* The guest's CPU raised VECTOR (ERROR) and exited to the monitor. */
static enum exit_result exit_with(unsigned vector, uint32_t error,
				  enum exit_result (*handle)(const void *))
{
	frame.vector = vector;
	frame.error = error;
	return armed(handle, NULL);
}

enum exit_result exit_gp(uint32_t error)
{
	return exit_with(EXC_GP, error, handle_gp);
}

enum exit_result exit_np(uint32_t error)
{
	return exit_with(EXC_NP, error, handle_np);
}

enum exit_result exit_ud(void)
{
	return exit_with(EXC_UD, 0, handle_ud);
}

enum exit_result run_gp(uint32_t error, const uint8_t *bytes, size_t n)
{
	guest_put_code(bytes, n);
	return exit_gp(error);
}

enum exit_result run_np(uint32_t error, const uint8_t *bytes, size_t n)
{
	guest_put_code(bytes, n);
	return exit_np(error);
}

enum exit_result run_ud(const uint8_t *bytes, size_t n)
{
	guest_put_code(bytes, n);
	return exit_ud();
}

enum exit_result deliver(const struct guest_event *ev)
{
	return armed(handle_event, ev);
}

bool stopped_because(const char *text)
{
	return strstr(fake_monitor.fatal, text) != NULL;
}

/* ---- the frames of delivered exceptions -------------------------------- */

/* Check the words of an exception frame from the guest's new ESP up. */
static void check_words(bool has_error, uint32_t error, const uint32_t *w,
			unsigned n)
{
	unsigned i = 0;

	if (has_error)
		CU_ASSERT_EQUAL(stack_word(i++), error);
	for (unsigned k = 0; k < n; k++)
		CU_ASSERT_EQUAL(stack_word(i + k), w[k]);
}

/* The guest now runs handler VECTOR in its kernel, its stack at ESP. */
static void check_in_handler(unsigned vector, uint32_t esp)
{
	CU_ASSERT_EQUAL(frame.rip, HANDLER(vector));
	CU_ASSERT_EQUAL(frame.cs, SEL_KCODE | 1);
	CU_ASSERT_EQUAL(frame.ss, SEL_KDATA | 1);
	CU_ASSERT_EQUAL(frame.rsp, esp);
	CU_ASSERT(fake_monitor.n_events > 0 &&
		  fake_monitor.events[fake_monitor.n_events - 1] == vector);
}

void check_kernel_frame(unsigned vector, bool has_error, uint32_t error,
			uint32_t eip, uint32_t esp_before, uint32_t eflags)
{
	const uint32_t w[] = { eip, SEL_KCODE, eflags };

	check_in_handler(vector, esp_before - 4 * (3 + has_error));
	check_words(has_error, error, w, 3);
}

void check_user_frame(unsigned vector, bool has_error, uint32_t error,
		      uint32_t eip, uint32_t eflags)
{
	const uint32_t w[] = { eip, SEL_UCODE, eflags, USER_ESP, SEL_UDATA };

	check_in_handler(vector, TSS_ESP0 - 4 * (5 + has_error));
	check_words(has_error, error, w, 5);
}
