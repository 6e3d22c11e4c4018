/*
 * privileged_transfer_test.c - transfer.c: iret and retf to the guest
 * kernel (#GP: an RPL-0 CS at CPL 1) and to user mode (#NP: user code is
 * hidden while the kernel runs), software interrupts through the guest's
 * IDT, sysenter and sysexit.
 */
#include "privileged_harness.h"

/* Lay WORDS on the guest kernel's stack, from ESP up. */
static void push_frame(const uint32_t *words, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		put32(KERNEL_ESP + 4 * i, words[i]);
}

/* ---- iret --------------------------------------------------------------- */

/* The frame's IOPL is dropped: the guest must keep faulting on cli. */
static void test_iret_to_the_kernel_pops_eip_cs_eflags_and_compresses_the_rpl(void)
{
	const uint32_t iret[] = { 0x12345, SEL_KCODE,
				  0x3000 | FL_OF | FL_IF | FL_SF | FL_ZF |
				  FL_PF | FL_CF };

	push_frame(iret, 3);
	CU_ASSERT_EQUAL(RUN_GP(SEL_KCODE, 0xcf), EXIT_DONE);
	CU_ASSERT_EQUAL(frame.rip, 0x12345);
	CU_ASSERT_EQUAL(frame.cs, SEL_KCODE | 1);
	CU_ASSERT_EQUAL(frame.ss, SEL_KDATA | 1);
	CU_ASSERT_EQUAL(frame.rsp, KERNEL_ESP + 12);
	CU_ASSERT_EQUAL(frame.rflags, FL_OF | FL_IF | FL_SF | FL_ZF | FL_PF |
				      FL_CF | FL_FIXED);
}

static void test_iret_to_user_mode_switches_to_the_user_stack(void)
{
	const uint32_t iret[] = { USER_EIP + 0x40, SEL_UCODE, FL_FIXED,
				  USER_ESP - 0x10, SEL_UDATA };

	push_frame(iret, 5);
	CU_ASSERT_EQUAL(RUN_NP(SEL_UCODE & ~3u, 0xcf), EXIT_DONE);
	CU_ASSERT_EQUAL(frame.rip, USER_EIP + 0x40);
	CU_ASSERT_EQUAL(frame.cs, SEL_UCODE);
	CU_ASSERT_EQUAL(frame.ss, SEL_UDATA);
	CU_ASSERT_EQUAL(frame.rsp, USER_ESP - 0x10);
	/* User code really runs with IF set; the user's own IF is kept. */
	CU_ASSERT_EQUAL(frame.rflags, EFLAGS_IF);
	CU_ASSERT_EQUAL(V->user_if, false);
	CU_ASSERT((real_gdt[SEL_UCODE >> 3] & DESC_P) != 0);
}

/*
 * Run the kernel's iret to user mode to CS with SS; check it raised
 * VECTOR(ERROR) at the iret, the frame left in place.  The real CPU first
 * refuses user code with #NP (hidden), anything else with #GP.
 */
static void check_user_iret_fault(uint16_t cs, uint16_t ss, unsigned vector,
				  uint32_t error)
{
	const uint32_t iret[] = { USER_EIP, cs, EFLAGS_IF, USER_ESP, ss };
	const uint8_t insn[] = { 0xcf };

	push_frame(iret, 5);
	CU_ASSERT_EQUAL(cs == SEL_UCODE ? run_np(cs & ~3u, insn, 1)
					: run_gp(cs & ~3u, insn, 1), EXIT_DONE);
	check_kernel_frame(vector, true, error, KERNEL_EIP, KERNEL_ESP,
			   EFLAGS_IF);
	CU_ASSERT_EQUAL(ram32(KERNEL_ESP + 4), cs);
}

/* SDM vol. 2, IRET: the outer SS must be writable data with DPL = RPL = 3. */
static void test_iret_to_user_mode_with_a_kernel_stack_raises_gp(void)
{
	check_user_iret_fault(SEL_UCODE, SEL_KDATA | 3, EXC_GP, SEL_KDATA);
}

static void test_iret_to_user_mode_with_a_stack_not_present_raises_ss(void)
{
	check_user_iret_fault(SEL_UCODE, SEL_UDATA_NP, EXC_SS,
			      SEL_UDATA_NP & ~3u);
}

static void test_iret_to_a_user_cs_that_names_data_raises_gp(void)
{
	check_user_iret_fault(SEL_UDATA, SEL_UDATA, EXC_GP, SEL_UDATA & ~3u);
}

/* A target the real CPU could not load: the frame stays, #GP(selector). */
static void test_iret_to_a_kernel_cs_that_names_data_raises_gp(void)
{
	const uint32_t iret[] = { 0x12345, SEL_KDATA, EFLAGS_IF };

	push_frame(iret, 3);
	CU_ASSERT_EQUAL(RUN_GP(SEL_KDATA, 0xcf), EXIT_DONE);
	check_kernel_frame(EXC_GP, true, SEL_KDATA, KERNEL_EIP, KERNEL_ESP,
			   EFLAGS_IF);
}

static void test_iret_with_nt_set_stops_the_guest(void)
{
	frame.rflags |= FL_NT;
	CU_ASSERT_EQUAL(RUN_GP(SEL_KCODE, 0xcf), EXIT_STOPPED);
	CU_ASSERT(stopped_because("task switches"));
}

static void test_iret_to_virtual_8086_mode_stops_the_guest(void)
{
	const uint32_t iret[] = { 0x1000, SEL_KCODE, FL_VM | EFLAGS_IF };

	push_frame(iret, 3);
	CU_ASSERT_EQUAL(RUN_GP(SEL_KCODE, 0xcf), EXIT_STOPPED);
	CU_ASSERT(stopped_because("virtual-8086"));
}

static void test_iret_to_ring_2_stops_the_guest(void)
{
	const uint32_t iret[] = { 0x1000, SEL_KCODE | 2, EFLAGS_IF };

	push_frame(iret, 3);
	CU_ASSERT_EQUAL(RUN_GP(SEL_KCODE, 0xcf), EXIT_STOPPED);
	CU_ASSERT(stopped_because("ring 2"));
}

/* At CPL 3 an iret faults exactly as natively: the fault is the guest's
 * own, reflected with the CPU's error code (exit.c). */
static void test_an_iret_that_faults_in_user_mode_is_the_guests_own(void)
{
	guest_to_user();
	put32(USER_ESP, USER_EIP);
	put32(USER_ESP + 4, SEL_KCODE);
	put32(USER_ESP + 8, EFLAGS_IF);
	CU_ASSERT_EQUAL(RUN_GP(SEL_KCODE, 0xcf), EXIT_NOT_MINE);
	CU_ASSERT_EQUAL(frame.rip, USER_EIP);
	CU_ASSERT_EQUAL(frame.rsp, USER_ESP);
	CU_ASSERT_EQUAL(frame.cs, SEL_UCODE);
}

/* ---- retf --------------------------------------------------------------- */

static void test_retf_to_the_kernel_releases_its_parameters(void)
{
	const uint32_t retf[] = { 0x12345, SEL_KCODE, 0xaaaa, 0xbbbb };

	push_frame(retf, 4);
	CU_ASSERT_EQUAL(RUN_GP(SEL_KCODE, 0xca, 0x08, 0x00), EXIT_DONE);
	CU_ASSERT_EQUAL(frame.rip, 0x12345);
	CU_ASSERT_EQUAL(frame.cs, SEL_KCODE | 1);
	CU_ASSERT_EQUAL(frame.rsp, KERNEL_ESP + 16);
	CU_ASSERT_EQUAL(frame.rflags, EFLAGS_IF);
}

/* SDM vol. 2, RET: to an outer ring, IMM16 is released on both stacks. */
static void test_retf_to_user_mode_pops_the_outer_stack_and_releases_it_too(void)
{
	const uint32_t retf[] = { USER_EIP, SEL_UCODE, 0xaaaa, 0xbbbb,
				  USER_ESP, SEL_UDATA };

	push_frame(retf, 6);
	CU_ASSERT_EQUAL(RUN_NP(SEL_UCODE & ~3u, 0xca, 0x08, 0x00), EXIT_DONE);
	CU_ASSERT_EQUAL(frame.rip, USER_EIP);
	CU_ASSERT_EQUAL(frame.cs, SEL_UCODE);
	CU_ASSERT_EQUAL(frame.ss, SEL_UDATA);
	CU_ASSERT_EQUAL(frame.rsp, USER_ESP + 8);
	CU_ASSERT_EQUAL(V->user_if, true);
	CU_ASSERT_EQUAL(frame.rflags, EFLAGS_IF);
}

/* ---- int n, int3, into -------------------------------------------------- */

/* The error code QEMU 7.2 gives a software interrupt through the real IDT
 * (vector * 16 + 2): the vector comes from the instruction instead. */
#define SOFT_INT_ERROR(vector) ((vector) * 16u + ERR_IDT)

static void test_int_0x80_from_user_mode_enters_the_kernel_on_the_tss_stack(void)
{
	guest_to_user();
	CU_ASSERT_EQUAL(RUN_GP(SOFT_INT_ERROR(0x80), 0xcd, 0x80), EXIT_DONE);
	check_user_frame(IDT_SYSCALL, false, 0, USER_EIP + 2, EFLAGS_IF);
	CU_ASSERT_EQUAL(frame.rflags, EFLAGS_IF);           /* trap gate */
	CU_ASSERT_EQUAL(real_gdt[SEL_UCODE >> 3] & DESC_P, 0);
}

/* SDM vol. 3A 6.12.1.1: a software interrupt through a gate of DPL < CPL
 * raises #GP with the gate's vector * 8 + 2 (IDT bit). */
static void test_int_through_a_dpl0_gate_from_user_mode_raises_gp_naming_the_gate(void)
{
	guest_to_user();
	CU_ASSERT_EQUAL(RUN_GP(SOFT_INT_ERROR(IDT_KERNEL), 0xcd, IDT_KERNEL),
			EXIT_DONE);
	check_user_frame(EXC_GP, true, IDT_KERNEL * 8 + ERR_IDT, USER_EIP,
			 EFLAGS_IF);
	CU_ASSERT_EQUAL(frame.rflags, FL_FIXED);
}

static void test_int3_in_the_kernel_pushes_the_virtual_cs_and_clears_if(void)
{
	CU_ASSERT_EQUAL(RUN_GP(SOFT_INT_ERROR(EXC_BP), 0xcc), EXIT_DONE);
	check_kernel_frame(EXC_BP, false, 0, KERNEL_EIP + 1, KERNEL_ESP,
			   EFLAGS_IF);
	CU_ASSERT_EQUAL(frame.rflags, FL_FIXED);            /* interrupt gate */
}

static void test_into_with_of_set_delivers_of_after_the_instruction(void)
{
	frame.rflags |= FL_OF;
	CU_ASSERT_EQUAL(RUN_GP(SOFT_INT_ERROR(EXC_OF), 0xce), EXIT_DONE);
	check_kernel_frame(EXC_OF, false, 0, KERNEL_EIP + 1, KERNEL_ESP,
			   EFLAGS_IF | FL_OF);
}

static void test_int_through_a_trap_gate_keeps_if(void)
{
	CU_ASSERT_EQUAL(RUN_GP(SOFT_INT_ERROR(IDT_TRAP0), 0xcd, IDT_TRAP0),
			EXIT_DONE);
	check_kernel_frame(IDT_TRAP0, false, 0, KERNEL_EIP + 2, KERNEL_ESP,
			   EFLAGS_IF);
	CU_ASSERT_EQUAL(frame.rflags, EFLAGS_IF);
}

/* ---- sysenter and sysexit ----------------------------------------------- */

static void set_sysenter_msrs(void)
{
	V->msr.sysenter_cs = SEL_KCODE;
	V->msr.sysenter_esp = 0x6000;
	V->msr.sysenter_eip = 0x15000;
}

/* SDM vol. 2, SYSENTER: CS from the MSR, SS = CS + 8; IF, VM, RF cleared. */
static void test_sysenter_enters_the_kernel_from_the_guests_msrs(void)
{
	set_sysenter_msrs();
	guest_to_user();
	frame.rflags |= FL_RF;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x34), EXIT_DONE);
	CU_ASSERT_EQUAL(frame.cs, SEL_KCODE | 1);
	CU_ASSERT_EQUAL(frame.ss, SEL_KDATA | 1);
	CU_ASSERT_EQUAL(frame.rip, 0x15000);
	CU_ASSERT_EQUAL(frame.rsp, 0x6000);
	CU_ASSERT_EQUAL(frame.rflags, FL_FIXED);
	CU_ASSERT_EQUAL(fake_monitor.n_events, 0);
}

static void test_sysenter_with_a_null_sysenter_cs_raises_gp0(void)
{
	guest_to_user();
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x34), EXIT_DONE);
	check_user_frame(EXC_GP, true, 0, USER_EIP, EFLAGS_IF);
}

static void test_sysenter_in_the_kernel_raises_gp0(void)
{
	set_sysenter_msrs();
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x34), EXIT_DONE);
	check_kernel_frame(EXC_GP, true, 0, KERNEL_EIP, KERNEL_ESP, EFLAGS_IF);
}

/* SDM vol. 2, SYSEXIT: CS = MSR + 16, SS = MSR + 24, RPL 3; EIP = EDX,
 * ESP = ECX. */
static void test_sysexit_returns_to_user_mode_at_edx_with_esp_ecx(void)
{
	set_sysenter_msrs();
	frame.rdx = USER_EIP + 0x100;
	frame.rcx = USER_ESP - 0x10;
	frame.rflags = FL_FIXED;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x35), EXIT_DONE);
	CU_ASSERT_EQUAL(frame.cs, SEL_UCODE);
	CU_ASSERT_EQUAL(frame.ss, SEL_UDATA);
	CU_ASSERT_EQUAL(frame.rip, USER_EIP + 0x100);
	CU_ASSERT_EQUAL(frame.rsp, USER_ESP - 0x10);
	CU_ASSERT_EQUAL(V->user_if, false);
	CU_ASSERT_EQUAL(frame.rflags, EFLAGS_IF);
}

CU_TestInfo transfer_tests[] = {
	{ "iret to the kernel pops EIP, CS, EFLAGS and compresses the RPL",
	  test_iret_to_the_kernel_pops_eip_cs_eflags_and_compresses_the_rpl },
	{ "iret to user mode switches to the user stack",
	  test_iret_to_user_mode_switches_to_the_user_stack },
	{ "iret to user mode with a kernel stack raises #GP(SS)",
	  test_iret_to_user_mode_with_a_kernel_stack_raises_gp },
	{ "iret to user mode with a stack not present raises #SS(SS)",
	  test_iret_to_user_mode_with_a_stack_not_present_raises_ss },
	{ "iret to a user CS that names data raises #GP(CS)",
	  test_iret_to_a_user_cs_that_names_data_raises_gp },
	{ "iret to a kernel CS that names data raises #GP(CS)",
	  test_iret_to_a_kernel_cs_that_names_data_raises_gp },
	{ "iret with NT set stops the guest",
	  test_iret_with_nt_set_stops_the_guest },
	{ "iret to virtual-8086 mode stops the guest",
	  test_iret_to_virtual_8086_mode_stops_the_guest },
	{ "iret to ring 2 stops the guest", test_iret_to_ring_2_stops_the_guest },
	{ "an iret that faults in user mode is the guest's own",
	  test_an_iret_that_faults_in_user_mode_is_the_guests_own },
	{ "retf to the kernel releases its parameters",
	  test_retf_to_the_kernel_releases_its_parameters },
	{ "retf to user mode pops the outer stack and releases it too",
	  test_retf_to_user_mode_pops_the_outer_stack_and_releases_it_too },
	{ "int 0x80 from user mode enters the kernel on the TSS stack",
	  test_int_0x80_from_user_mode_enters_the_kernel_on_the_tss_stack },
	{ "int through a DPL-0 gate from user mode raises #GP naming the gate",
	  test_int_through_a_dpl0_gate_from_user_mode_raises_gp_naming_the_gate },
	{ "int3 in the kernel pushes the virtual CS and clears IF",
	  test_int3_in_the_kernel_pushes_the_virtual_cs_and_clears_if },
	{ "into with OF set delivers #OF after the instruction",
	  test_into_with_of_set_delivers_of_after_the_instruction },
	{ "int through a trap gate keeps IF",
	  test_int_through_a_trap_gate_keeps_if },
	{ "sysenter enters the kernel from the guest's MSRs",
	  test_sysenter_enters_the_kernel_from_the_guests_msrs },
	{ "sysenter with a null SYSENTER_CS raises #GP(0)",
	  test_sysenter_with_a_null_sysenter_cs_raises_gp0 },
	{ "sysenter in the kernel raises #GP(0)",
	  test_sysenter_in_the_kernel_raises_gp0 },
	{ "sysexit returns to user mode at EDX with ESP = ECX",
	  test_sysexit_returns_to_user_mode_at_edx_with_esp_ecx },
	CU_TEST_INFO_NULL,
};
