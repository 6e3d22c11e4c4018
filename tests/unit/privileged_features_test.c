/*
 * privileged_features_test.c - system.c: the CR4 features of the CPU model
 * as the guest turns them on, stac and clac (SMAP), and xsetbv (XCR0).
 *
 * The fake machine offers PSE, PAE, MCE, PGE, FXSR, SSE, XSAVE (x87, SSE,
 * AVX) and UMIP; a test that needs SMEP, SMAP or VMX offers it first and
 * resets the vCPU, as if the monitor had started on such a CPU.
 */
#include "privileged_harness.h"

#define CPUID_1_ECX_VMX   (1u << 5)
#define CPUID_7_EBX_SMEP  (1u << 7)
#define CPUID_7_EBX_SMAP  (1u << 20)

/* The monitor's own CR4 on the fake machine (harness). */
#define REAL_CR4 (CR4_PAE | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_UMIP)

/* Start the vCPU again on a model that also offers the CPUID bits given. */
static void offer(uint32_t leaf1_ecx, uint32_t leaf7_ebx)
{
	fake_cpu.cpuid[1][2] |= leaf1_ecx;
	fake_cpu.cpuid[7][1] |= leaf7_ebx;
	system_init(V);
}

/* Run `mov cr4, eax` with EAX = VAL. */
static enum exit_result mov_cr4(uint32_t val)
{
	frame.rax = val;
	return RUN_GP(0, 0x0f, 0x22, 0xe0);
}

/* ---- CR4 features ------------------------------------------------------- */

/* QEMU 7.2 accepts VME even though its CPUID has none; nothing follows. */
static void test_cr4_vme_is_accepted_and_only_reads_back(void)
{
	CU_ASSERT_EQUAL(mov_cr4(CR4_VME), EXIT_DONE);
	CU_ASSERT_EQUAL(V->cr4, CR4_VME);
	CU_ASSERT_EQUAL(fake_cpu.cr4 & CR4_VME, 0);
	CU_ASSERT_EQUAL(fake_monitor.n_events, 0);
}

/* The real UMIP is the monitor's and stays on whatever the guest says. */
static void test_cr4_umip_is_virtual_and_the_real_one_stays_on(void)
{
	fake_cpu.cr4 = REAL_CR4;
	CU_ASSERT_EQUAL(mov_cr4(CR4_UMIP), EXIT_DONE);
	CU_ASSERT_EQUAL(V->cr4, CR4_UMIP);
	frame.rip = KERNEL_EIP;
	CU_ASSERT_EQUAL(mov_cr4(0), EXIT_DONE);
	CU_ASSERT_EQUAL(fake_cpu.cr4 & CR4_UMIP, CR4_UMIP);
}

static void test_cr4_osxsave_is_the_guests_on_the_real_cpu(void)
{
	CU_ASSERT_EQUAL(mov_cr4(CR4_OSXSAVE | CR4_OSFXSR), EXIT_DONE);
	CU_ASSERT_EQUAL(fake_cpu.cr4, (REAL_CR4 & ~CR4_OSXMMEXCPT) | CR4_OSXSAVE);
}

/* With guest paging off SMEP means nothing to the guest, but the real CPU
 * would apply it to the shadow's identity map: it waits for CR0.PG. */
static void test_cr4_smep_reaches_the_real_cpu_only_with_guest_paging(void)
{
	offer(0, CPUID_7_EBX_SMEP);
	CU_ASSERT_EQUAL(mov_cr4(CR4_SMEP), EXIT_DONE);
	CU_ASSERT_EQUAL(V->cr4, CR4_SMEP);
	CU_ASSERT_EQUAL(fake_cpu.cr4 & CR4_SMEP, 0);
	frame.rip = KERNEL_EIP;
	frame.rax = CR0_PG | CR0_PE;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x22, 0xc0), EXIT_DONE); /* mov cr0 */
	CU_ASSERT_EQUAL(fake_cpu.cr4 & CR4_SMEP, CR4_SMEP);
}

static void test_a_cr4_feature_the_monitor_does_not_virtualize_stops_the_guest(void)
{
	offer(CPUID_1_ECX_VMX, 0);
	CU_ASSERT_EQUAL(mov_cr4(CR4_VMXE), EXIT_STOPPED);
	CU_ASSERT(stopped_because("does not virtualize"));
	CU_ASSERT_EQUAL(V->cr4, 0);
}

/* ---- stac and clac ------------------------------------------------------ */

/* They raise #UD at CPL 1 whatever CR4.SMAP says; at the guest's CPL 0,
 * on a model with SMAP, the monitor sets or clears EFLAGS.AC. */
static void test_stac_and_clac_set_and_clear_ac_in_the_kernel(void)
{
	offer(0, CPUID_7_EBX_SMAP);
	CU_ASSERT_EQUAL(RUN_UD(0x0f, 0x01, 0xcb), EXIT_DONE);   /* stac */
	CU_ASSERT_EQUAL(frame.rflags, EFLAGS_IF | FL_AC);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 3);
	CU_ASSERT_EQUAL(RUN_UD(0x0f, 0x01, 0xca), EXIT_DONE);   /* clac */
	CU_ASSERT_EQUAL(frame.rflags, EFLAGS_IF);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 6);
}

static void test_stac_without_smap_is_the_guests_own_ud(void)
{
	CU_ASSERT_EQUAL(RUN_UD(0x0f, 0x01, 0xcb), EXIT_NOT_MINE);
	CU_ASSERT_EQUAL(frame.rflags, EFLAGS_IF);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP);
}

static void test_stac_in_user_mode_is_the_guests_own_ud(void)
{
	offer(0, CPUID_7_EBX_SMAP);
	guest_to_user();
	CU_ASSERT_EQUAL(RUN_UD(0x0f, 0x01, 0xcb), EXIT_NOT_MINE);
	CU_ASSERT_EQUAL(frame.rflags, EFLAGS_IF);
}

/* ---- xsetbv ------------------------------------------------------------- */

/* Run `xsetbv` loading XCR (ECX) with VAL (EDX:EAX). */
static enum exit_result run_xsetbv(uint32_t xcr, uint64_t val)
{
	frame.rcx = xcr;
	frame.rdx = (uint32_t)(val >> 32);
	frame.rax = (uint32_t)val;
	return RUN_GP(0, 0x0f, 0x01, 0xd1);
}

static void test_xsetbv_loads_the_real_xcr0_with_the_guests(void)
{
	V->cr4 = CR4_OSXSAVE;
	CU_ASSERT_EQUAL(run_xsetbv(0, XCR0_X87 | XCR0_SSE | XCR0_YMM), EXIT_DONE);
	CU_ASSERT_EQUAL(fake_cpu.xcr0, XCR0_X87 | XCR0_SSE | XCR0_YMM);
	CU_ASSERT_EQUAL(fake_cpu.xcr0_writes, 1);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 3);
}

static void test_xsetbv_without_cr4_osxsave_raises_ud(void)
{
	CU_ASSERT_EQUAL(run_xsetbv(0, XCR0_X87), EXIT_DONE);
	check_kernel_frame(EXC_UD, false, 0, KERNEL_EIP, KERNEL_ESP, EFLAGS_IF);
	CU_ASSERT_EQUAL(fake_cpu.xcr0_writes, 0);
}

/* SDM vol. 2, XSETBV: #GP(0) for an XCR other than 0, x87 clear, AVX
 * without SSE, or a component the processor does not support. */
static void check_xsetbv_gp0(uint32_t xcr, uint64_t val)
{
	V->cr4 = CR4_OSXSAVE;
	CU_ASSERT_EQUAL(run_xsetbv(xcr, val), EXIT_DONE);
	check_kernel_frame(EXC_GP, true, 0, KERNEL_EIP, KERNEL_ESP, EFLAGS_IF);
	CU_ASSERT_EQUAL(fake_cpu.xcr0_writes, 0);
}

static void test_xsetbv_of_xcr1_raises_gp0(void)
{
	check_xsetbv_gp0(1, XCR0_X87);
}

static void test_xsetbv_clearing_x87_raises_gp0(void)
{
	check_xsetbv_gp0(0, XCR0_SSE);
}

static void test_xsetbv_of_avx_without_sse_raises_gp0(void)
{
	check_xsetbv_gp0(0, XCR0_X87 | XCR0_YMM);
}

static void test_xsetbv_of_a_component_not_offered_raises_gp0(void)
{
	check_xsetbv_gp0(0, XCR0_X87 | XCR0_BNDREGS);
}

CU_TestInfo feature_tests[] = {
	{ "CR4.VME is accepted and only reads back",
	  test_cr4_vme_is_accepted_and_only_reads_back },
	{ "CR4.UMIP is virtual and the real one stays on",
	  test_cr4_umip_is_virtual_and_the_real_one_stays_on },
	{ "CR4.OSXSAVE is the guest's on the real CPU",
	  test_cr4_osxsave_is_the_guests_on_the_real_cpu },
	{ "CR4.SMEP reaches the real CPU only with guest paging",
	  test_cr4_smep_reaches_the_real_cpu_only_with_guest_paging },
	{ "a CR4 feature the monitor does not virtualize stops the guest",
	  test_a_cr4_feature_the_monitor_does_not_virtualize_stops_the_guest },
	{ "stac and clac set and clear AC in the kernel",
	  test_stac_and_clac_set_and_clear_ac_in_the_kernel },
	{ "stac without SMAP is the guest's own #UD",
	  test_stac_without_smap_is_the_guests_own_ud },
	{ "stac in user mode is the guest's own #UD",
	  test_stac_in_user_mode_is_the_guests_own_ud },
	{ "xsetbv loads the real XCR0 with the guest's",
	  test_xsetbv_loads_the_real_xcr0_with_the_guests },
	{ "xsetbv without CR4.OSXSAVE raises #UD",
	  test_xsetbv_without_cr4_osxsave_raises_ud },
	{ "xsetbv of XCR1 raises #GP(0)", test_xsetbv_of_xcr1_raises_gp0 },
	{ "xsetbv clearing x87 raises #GP(0)",
	  test_xsetbv_clearing_x87_raises_gp0 },
	{ "xsetbv of AVX without SSE raises #GP(0)",
	  test_xsetbv_of_avx_without_sse_raises_gp0 },
	{ "xsetbv of a component not offered raises #GP(0)",
	  test_xsetbv_of_a_component_not_offered_raises_gp0 },
	CU_TEST_INFO_NULL,
};
