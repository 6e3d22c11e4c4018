/*
 * privileged_dispatch_test.c - emulate.c: cli, sti, hlt, port I/O, loads of
 * SS, what is not the monitor's to emulate; and every privileged
 * instruction executed in user mode, which must raise #GP(0) in the guest.
 */
#include "privileged_harness.h"

/* ---- the interrupt flag and hlt ---------------------------------------- */

static void test_cli_in_the_kernel_clears_if_and_steps_over_it(void)
{
	CU_ASSERT_EQUAL(RUN_GP(0, 0xfa), EXIT_DONE);
	CU_ASSERT_EQUAL(frame.rflags, FL_FIXED);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 1);
	CU_ASSERT_EQUAL(fake_monitor.n_events, 0);
}

static void test_sti_sets_if_and_opens_the_interrupt_shadow(void)
{
	frame.rflags = FL_FIXED;
	CU_ASSERT_EQUAL(RUN_GP(0, 0xfb), EXIT_DONE);
	CU_ASSERT_EQUAL(frame.rflags, EFLAGS_IF);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 1);
	CU_ASSERT_EQUAL(fake_monitor.vintr_after_sti, 1);
}

/* SDM vol. 2, STI: the shadow follows only an sti that sets IF. */
/* The CPU clears RF after every instruction it completes; the fault left
 * it set in the frame. */
static void test_an_emulated_instruction_clears_rf(void)
{
	frame.rflags |= FL_RF;
	CU_ASSERT_EQUAL(RUN_GP(0, 0xfa), EXIT_DONE);
	CU_ASSERT_EQUAL(frame.rflags, FL_FIXED);
}

static void test_sti_with_if_already_set_opens_no_shadow(void)
{
	CU_ASSERT_EQUAL(RUN_GP(0, 0xfb), EXIT_DONE);
	CU_ASSERT_EQUAL(frame.rflags, EFLAGS_IF);
	CU_ASSERT_EQUAL(fake_monitor.vintr_after_sti, 0);
}

static void test_cli_in_user_mode_enters_the_gp_handler_on_the_tss_stack(void)
{
	guest_to_user();
	CU_ASSERT((real_gdt[SEL_UCODE >> 3] & DESC_P) != 0);
	CU_ASSERT_EQUAL(RUN_GP(0, 0xfa), EXIT_DONE);
	check_user_frame(EXC_GP, true, 0, USER_EIP, EFLAGS_IF);
	CU_ASSERT_EQUAL(frame.rflags, FL_FIXED);        /* interrupt gate */
	/* Back in the guest kernel: user code is hidden again. */
	CU_ASSERT_EQUAL(real_gdt[SEL_UCODE >> 3] & DESC_P, 0);
}

static void test_hlt_with_if_set_steps_over_it_and_waits(void)
{
	CU_ASSERT_EQUAL(RUN_GP(0, 0xf4), EXIT_DONE);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 1);
	CU_ASSERT_EQUAL(fake_monitor.vintr_halt, 1);
}

static void test_hlt_with_if_clear_stops_the_guest(void)
{
	frame.rflags = FL_FIXED;
	CU_ASSERT_EQUAL(RUN_GP(0, 0xf4), EXIT_STOPPED);
	CU_ASSERT(stopped_because("can never wake up"));
	CU_ASSERT_EQUAL(fake_monitor.vintr_halt, 0);
}

/* ---- port I/O ----------------------------------------------------------- */

/* The only bus access was a read (WRITE false) or write of SIZE bytes at
 * PORT, with value VAL. */
static void check_one_io(bool write, uint16_t port, unsigned size,
			 uint32_t val)
{
	CU_ASSERT_EQUAL_FATAL(fake_bus.n, 1);
	CU_ASSERT_EQUAL(fake_bus.log[0].write, write);
	CU_ASSERT_EQUAL(fake_bus.log[0].port, port);
	CU_ASSERT_EQUAL(fake_bus.log[0].size, size);
	CU_ASSERT_EQUAL(fake_bus.log[0].val, val);
}

static void test_in_al_imm8_reads_a_byte_and_keeps_the_rest_of_eax(void)
{
	frame.rax = 0x11223344;
	fake_bus_queue_read(0xab);
	CU_ASSERT_EQUAL(RUN_GP(0, 0xe4, 0x60), EXIT_DONE);      /* in al, 0x60 */
	CU_ASSERT_EQUAL(frame.rax, 0x112233ab);
	check_one_io(false, 0x60, 1, 0xab);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 2);
}

static void test_in_eax_dx_reads_four_bytes_from_port_dx(void)
{
	frame.rdx = 0xabcd0cfc;
	fake_bus_queue_read(0xdeadbeef);
	CU_ASSERT_EQUAL(RUN_GP(0, 0xed), EXIT_DONE);            /* in eax, dx */
	CU_ASSERT_EQUAL(frame.rax, 0xdeadbeef);
	check_one_io(false, 0xcfc, 4, 0xdeadbeef);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 1);
}

static void test_out_dx_ax_writes_two_bytes_to_port_dx(void)
{
	frame.rdx = 0x1f0;
	frame.rax = 0x12345678;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x66, 0xef), EXIT_DONE);      /* out dx, ax */
	check_one_io(true, 0x1f0, 2, 0x5678);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 2);
}

static void test_rep_insb_stores_each_byte_and_steps_edi_and_ecx(void)
{
	frame.rdi = DATA;
	frame.rcx = 3;
	frame.rdx = 0x60;
	fake_bus_queue_read(0x11);
	fake_bus_queue_read(0x22);
	fake_bus_queue_read(0x33);
	CU_ASSERT_EQUAL(RUN_GP(0, 0xf3, 0x6c), EXIT_DONE);      /* rep insb */
	CU_ASSERT_EQUAL(ram32(DATA), 0x00332211);
	CU_ASSERT_EQUAL(frame.rdi, DATA + 3);
	CU_ASSERT_EQUAL(frame.rcx, 0);
	CU_ASSERT_EQUAL(fake_bus.n, 3);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 2);
}

static void test_outsd_with_df_set_walks_esi_down(void)
{
	frame.rflags |= FL_DF;
	frame.rsi = DATA + 8;
	frame.rdx = 0x3f8;
	put32(DATA + 8, 0xcafef00d);
	CU_ASSERT_EQUAL(RUN_GP(0, 0x6f), EXIT_DONE);            /* outsd */
	check_one_io(true, 0x3f8, 4, 0xcafef00d);
	CU_ASSERT_EQUAL(frame.rsi, DATA + 4);
}

static void test_rep_outsb_with_ecx_zero_only_steps_over_it(void)
{
	frame.rsi = DATA;
	frame.rcx = 0;
	CU_ASSERT_EQUAL(RUN_GP(0, 0xf3, 0x6e), EXIT_DONE);      /* rep outsb */
	CU_ASSERT_EQUAL(fake_bus.n, 0);
	CU_ASSERT_EQUAL(frame.rsi, DATA);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 2);
}

/* The store is checked before the port is read: a read may change the
 * device, and the instruction must not complete. */
static void test_insb_to_memory_that_is_not_ram_never_reads_the_port(void)
{
	frame.rdi = 2 * RAM_SIZE;
	frame.rdx = 0x60;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x6c), EXIT_STOPPED);
	CU_ASSERT(stopped_because("not RAM"));
	CU_ASSERT_EQUAL(fake_bus.n, 0);
}

/* ---- loads of SS: ring compression (RPL 0 faults at CPL 1) -------------- */

static void test_mov_ss_loads_a_kernel_selector_with_rpl_1(void)
{
	frame.rax = SEL_KDATA2;
	CU_ASSERT_EQUAL(RUN_GP(SEL_KDATA2, 0x8e, 0xd0), EXIT_DONE); /* mov ss, ax */
	CU_ASSERT_EQUAL(frame.ss, SEL_KDATA2 | 1);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 2);
	CU_ASSERT_EQUAL(real_gdt[SEL_KDATA2 >> 3], D_KDATA | DPL1);
	CU_ASSERT_EQUAL(fake_monitor.vintr_after_sti, 1);   /* SS shadow */
	CU_ASSERT(V->exit.db_held);         /* ... for single-steps too */
}

/* SDM vol. 2, MOV: SS must name a writable data segment (#GP(selector)). */
static void test_mov_ss_of_read_only_data_raises_gp_with_the_selector(void)
{
	frame.rax = SEL_KDATA_RO;
	CU_ASSERT_EQUAL(RUN_GP(SEL_KDATA_RO, 0x8e, 0xd0), EXIT_DONE);
	check_kernel_frame(EXC_GP, true, SEL_KDATA_RO, KERNEL_EIP, KERNEL_ESP,
			   EFLAGS_IF);
}

static void test_mov_ss_of_a_segment_not_present_raises_ss(void)
{
	frame.rax = SEL_KDATA_NP;
	CU_ASSERT_EQUAL(RUN_GP(SEL_KDATA_NP, 0x8e, 0xd0), EXIT_DONE);
	check_kernel_frame(EXC_SS, true, SEL_KDATA_NP, KERNEL_EIP, KERNEL_ESP,
			   EFLAGS_IF);
}

/* RPL and DPL must equal the CPL: the guest kernel's CPL is 0. */
static void test_mov_ss_of_a_user_selector_in_the_kernel_raises_gp(void)
{
	frame.rax = SEL_UDATA;
	CU_ASSERT_EQUAL(RUN_GP(SEL_UDATA & ~3u, 0x8e, 0xd0), EXIT_DONE);
	check_kernel_frame(EXC_GP, true, SEL_UDATA & ~3u, KERNEL_EIP,
			   KERNEL_ESP, EFLAGS_IF);
	CU_ASSERT_EQUAL(frame.ss, SEL_KDATA | 1);
}

static void test_mov_ss_of_the_null_selector_raises_gp0(void)
{
	frame.rax = 0;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x8e, 0xd0), EXIT_DONE);
	check_kernel_frame(EXC_GP, true, 0, KERNEL_EIP, KERNEL_ESP, EFLAGS_IF);
}

static void test_pop_ss_pops_the_selector(void)
{
	put32(KERNEL_ESP, SEL_KDATA2);
	CU_ASSERT_EQUAL(RUN_GP(SEL_KDATA2, 0x17), EXIT_DONE);   /* pop ss */
	CU_ASSERT_EQUAL(frame.ss, SEL_KDATA2 | 1);
	CU_ASSERT_EQUAL(frame.rsp, KERNEL_ESP + 4);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 1);
	CU_ASSERT_EQUAL(fake_monitor.vintr_after_sti, 1);
}

static void test_lss_loads_esp_and_ss_from_a_far_pointer(void)
{
	frame.rax = DATA;
	put32(DATA, 0x6000);
	put16(DATA + 4, SEL_KDATA2);
	CU_ASSERT_EQUAL(RUN_GP(SEL_KDATA2, 0x0f, 0xb2, 0x20), EXIT_DONE);
	CU_ASSERT_EQUAL(frame.rsp, 0x6000);         /* lss esp, [eax] */
	CU_ASSERT_EQUAL(frame.ss, SEL_KDATA2 | 1);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 3);
}

/* ---- what is not the monitor's ------------------------------------------ */

/* A TSS selector loaded into DS faults natively too: the guest's #GP. */
static void test_a_data_segment_load_that_faults_is_the_guests_own_gp(void)
{
	frame.rax = SEL_TSS;
	CU_ASSERT_EQUAL(RUN_GP(SEL_TSS, 0x8e, 0xd8), EXIT_NOT_MINE); /* mov ds */
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP);
	CU_ASSERT_EQUAL(fake_monitor.n_events, 0);
}

static void test_a_far_jump_to_user_code_is_the_guests_own_gp(void)
{
	/* ljmp 0x1b:0 - non-conforming code of another DPL: #GP natively. */
	CU_ASSERT_EQUAL(RUN_GP(SEL_UCODE & ~3u, 0xea, 0, 0, 0, 0, SEL_UCODE, 0),
			EXIT_NOT_MINE);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP);
}

static void test_a_far_jump_through_a_call_gate_stops_the_guest(void)
{
	CU_ASSERT_EQUAL(RUN_GP(SEL_CALLGATE, 0xea, 0, 0, 0, 0, SEL_CALLGATE, 0),
			EXIT_STOPPED);
	CU_ASSERT(stopped_because("call gate"));
}

/* QEMU 7.2 has no performance counters: rdpmc at CPL 0 raises #UD. */
static void test_rdpmc_in_the_kernel_raises_ud_as_qemu_does(void)
{
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x33), EXIT_DONE);
	check_kernel_frame(EXC_UD, false, 0, KERNEL_EIP, KERNEL_ESP, EFLAGS_IF);
}

CU_TestInfo dispatch_tests[] = {
	{ "cli in the kernel clears IF and steps over it",
	  test_cli_in_the_kernel_clears_if_and_steps_over_it },
	{ "sti sets IF and opens the interrupt shadow",
	  test_sti_sets_if_and_opens_the_interrupt_shadow },
	{ "an emulated instruction clears RF",
	  test_an_emulated_instruction_clears_rf },
	{ "sti with IF already set opens no shadow",
	  test_sti_with_if_already_set_opens_no_shadow },
	{ "cli in user mode enters the #GP handler on the TSS stack",
	  test_cli_in_user_mode_enters_the_gp_handler_on_the_tss_stack },
	{ "hlt with IF set steps over it and waits",
	  test_hlt_with_if_set_steps_over_it_and_waits },
	{ "hlt with IF clear stops the guest",
	  test_hlt_with_if_clear_stops_the_guest },
	{ "in al, imm8 reads a byte and keeps the rest of EAX",
	  test_in_al_imm8_reads_a_byte_and_keeps_the_rest_of_eax },
	{ "in eax, dx reads four bytes from port DX",
	  test_in_eax_dx_reads_four_bytes_from_port_dx },
	{ "out dx, ax writes two bytes to port DX",
	  test_out_dx_ax_writes_two_bytes_to_port_dx },
	{ "rep insb stores each byte and steps EDI and ECX",
	  test_rep_insb_stores_each_byte_and_steps_edi_and_ecx },
	{ "outsd with DF set walks ESI down",
	  test_outsd_with_df_set_walks_esi_down },
	{ "rep outsb with ECX 0 only steps over it",
	  test_rep_outsb_with_ecx_zero_only_steps_over_it },
	{ "insb to memory that is not RAM never reads the port",
	  test_insb_to_memory_that_is_not_ram_never_reads_the_port },
	{ "mov ss loads a kernel selector with RPL 1",
	  test_mov_ss_loads_a_kernel_selector_with_rpl_1 },
	{ "mov ss of read-only data raises #GP(selector)",
	  test_mov_ss_of_read_only_data_raises_gp_with_the_selector },
	{ "mov ss of a segment not present raises #SS(selector)",
	  test_mov_ss_of_a_segment_not_present_raises_ss },
	{ "mov ss of a user selector in the kernel raises #GP(selector)",
	  test_mov_ss_of_a_user_selector_in_the_kernel_raises_gp },
	{ "mov ss of the null selector raises #GP(0)",
	  test_mov_ss_of_the_null_selector_raises_gp0 },
	{ "pop ss pops the selector", test_pop_ss_pops_the_selector },
	{ "lss loads ESP and SS from a far pointer",
	  test_lss_loads_esp_and_ss_from_a_far_pointer },
	{ "a data segment load that faults is the guest's own #GP",
	  test_a_data_segment_load_that_faults_is_the_guests_own_gp },
	{ "a far jump to user code is the guest's own #GP",
	  test_a_far_jump_to_user_code_is_the_guests_own_gp },
	{ "a far jump through a call gate stops the guest",
	  test_a_far_jump_through_a_call_gate_stops_the_guest },
	{ "rdpmc in the kernel raises #UD as QEMU does",
	  test_rdpmc_in_the_kernel_raises_ud_as_qemu_does },
	CU_TEST_INFO_NULL,
};

/* ---- every privileged instruction at CPL 3 ------------------------------ */

/*
 * At guest CPL 3 the instruction must do nothing but raise #GP(0) through
 * the guest IDT (SDM vol. 2, each instruction's protected-mode
 * exceptions; the IOPL-sensitive ones because the virtual IOPL is 0).
 * Its operands point at values that would change the vCPU if it ran.
 */
static void check_gp0_in_user_mode(const uint8_t *insn, size_t n)
{
	const struct dtr gdtr = V->gdtr, idtr = V->idtr;

	guest_to_user();
	frame.rax = DATA;               /* memory operands, and CR/DR values */
	frame.rcx = 0x174;              /* SYSENTER_CS, for rdmsr/wrmsr */
	frame.rdx = 0x60;
	put16(DATA, 0x7);
	put32(DATA + 2, 0x12345678);
	CU_ASSERT_EQUAL(run_gp(0, insn, n), EXIT_DONE);
	check_user_frame(EXC_GP, true, 0, USER_EIP, EFLAGS_IF);
	CU_ASSERT_EQUAL(fake_monitor.n_events, 1);
	CU_ASSERT_EQUAL(V->cr0, CR0_PE | CR0_ET);
	CU_ASSERT_EQUAL(V->cr3, 0);
	CU_ASSERT_EQUAL(V->cr4, 0);
	CU_ASSERT_EQUAL(V->dr[7], 0x400);
	CU_ASSERT_EQUAL(V->gdtr.base, gdtr.base);
	CU_ASSERT_EQUAL(V->idtr.base, idtr.base);
	CU_ASSERT_EQUAL(V->tr.sel, SEL_TSS);
	CU_ASSERT_EQUAL(V->ldtr.sel, 0);
	CU_ASSERT_EQUAL(V->msr.sysenter_cs, 0);
	CU_ASSERT_EQUAL(fake_bus.n, 0);
	CU_ASSERT_EQUAL(fake_shadow.cr0_calls + fake_shadow.cr3_calls +
			fake_shadow.cr4_calls + fake_shadow.invlpg_calls, 0);
	CU_ASSERT_EQUAL(fake_monitor.vintr_halt, 0);
}

#define GP0_IN_USER_MODE(name, ...)                                     \
	static void test_##name(void)                                   \
	{                                                               \
		static const uint8_t insn[] = { __VA_ARGS__ };          \
		check_gp0_in_user_mode(insn, sizeof(insn));             \
	}

GP0_IN_USER_MODE(cli, 0xfa)
GP0_IN_USER_MODE(sti, 0xfb)
GP0_IN_USER_MODE(hlt, 0xf4)
GP0_IN_USER_MODE(in_al_dx, 0xec)
GP0_IN_USER_MODE(out_dx_al, 0xee)
GP0_IN_USER_MODE(insb, 0x6c)
GP0_IN_USER_MODE(outsb, 0x6e)
GP0_IN_USER_MODE(mov_cr0_eax, 0x0f, 0x22, 0xc0)
GP0_IN_USER_MODE(mov_eax_cr3, 0x0f, 0x20, 0xd8)
GP0_IN_USER_MODE(mov_cr3_eax, 0x0f, 0x22, 0xd8)
GP0_IN_USER_MODE(mov_cr4_eax, 0x0f, 0x22, 0xe0)
GP0_IN_USER_MODE(clts, 0x0f, 0x06)
GP0_IN_USER_MODE(lmsw_ax, 0x0f, 0x01, 0xf0)
GP0_IN_USER_MODE(lgdt, 0x0f, 0x01, 0x10)
GP0_IN_USER_MODE(lidt, 0x0f, 0x01, 0x18)
GP0_IN_USER_MODE(ltr_ax, 0x0f, 0x00, 0xd8)
GP0_IN_USER_MODE(lldt_ax, 0x0f, 0x00, 0xd0)
GP0_IN_USER_MODE(rdmsr, 0x0f, 0x32)
GP0_IN_USER_MODE(wrmsr, 0x0f, 0x30)
GP0_IN_USER_MODE(rdtsc, 0x0f, 0x31)
GP0_IN_USER_MODE(invlpg, 0x0f, 0x01, 0x38)
GP0_IN_USER_MODE(wbinvd, 0x0f, 0x09)
GP0_IN_USER_MODE(invd, 0x0f, 0x08)
GP0_IN_USER_MODE(mov_dr7_eax, 0x0f, 0x23, 0xf8)
GP0_IN_USER_MODE(mov_eax_dr6, 0x0f, 0x21, 0xf0)
GP0_IN_USER_MODE(sysexit, 0x0f, 0x35)
GP0_IN_USER_MODE(xsetbv, 0x0f, 0x01, 0xd1)

#define GP0_TEST(name, text) { text " in user mode raises #GP(0)", test_##name }

CU_TestInfo user_mode_tests[] = {
	GP0_TEST(cli, "cli"),
	GP0_TEST(sti, "sti"),
	GP0_TEST(hlt, "hlt"),
	GP0_TEST(in_al_dx, "in al, dx"),
	GP0_TEST(out_dx_al, "out dx, al"),
	GP0_TEST(insb, "insb"),
	GP0_TEST(outsb, "outsb"),
	GP0_TEST(mov_cr0_eax, "mov cr0, eax"),
	GP0_TEST(mov_eax_cr3, "mov eax, cr3"),
	GP0_TEST(mov_cr3_eax, "mov cr3, eax"),
	GP0_TEST(mov_cr4_eax, "mov cr4, eax"),
	GP0_TEST(clts, "clts"),
	GP0_TEST(lmsw_ax, "lmsw ax"),
	GP0_TEST(lgdt, "lgdt"),
	GP0_TEST(lidt, "lidt"),
	GP0_TEST(ltr_ax, "ltr ax"),
	GP0_TEST(lldt_ax, "lldt ax"),
	GP0_TEST(rdmsr, "rdmsr"),
	GP0_TEST(wrmsr, "wrmsr"),
	GP0_TEST(rdtsc, "rdtsc (trapped by CR4.TSD)"),
	GP0_TEST(invlpg, "invlpg"),
	GP0_TEST(wbinvd, "wbinvd"),
	GP0_TEST(invd, "invd"),
	GP0_TEST(mov_dr7_eax, "mov dr7, eax"),
	GP0_TEST(mov_eax_dr6, "mov eax, dr6"),
	GP0_TEST(sysexit, "sysexit"),
	GP0_TEST(xsetbv, "xsetbv"),
	CU_TEST_INFO_NULL,
};
