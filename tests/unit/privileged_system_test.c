/*
 * privileged_system_test.c - system.c: control registers, the descriptor-
 * table and task registers, MSRs, debug registers, caches and the TLB, as
 * the guest kernel (CPL 0, really 1) executes them.
 */
#include "privileged_harness.h"

/* The monitor's own CR0 and CR4 on the fake machine (harness). */
#define REAL_CR0 (CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_MP | CR0_PE)
#define REAL_CR4 (CR4_PAE | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_UMIP)

/* ---- CR0 ---------------------------------------------------------------- */

/* Real CR0 follows the guest's MP, EM, TS and AM only (system.c). */
static void test_mov_cr0_sets_the_virtual_cr0_and_the_guests_bits_of_the_real_one(void)
{
	frame.rax = CR0_PE | CR0_TS | CR0_AM | CR0_NE;      /* WP, MP clear */
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x22, 0xc0), EXIT_DONE); /* mov cr0, eax */
	CU_ASSERT_EQUAL(V->cr0, CR0_PE | CR0_TS | CR0_AM | CR0_NE | CR0_ET);
	CU_ASSERT_EQUAL(fake_cpu.cr0, (REAL_CR0 & ~CR0_MP) | CR0_TS | CR0_AM);
	CU_ASSERT_EQUAL(fake_shadow.cr0_calls, 1);
	CU_ASSERT_EQUAL(fake_shadow.cr0, V->cr0);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 3);
}

static void test_clearing_cr0_pe_stops_the_guest(void)
{
	frame.rax = CR0_ET;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x22, 0xc0), EXIT_STOPPED);
	CU_ASSERT(stopped_because("real mode"));
	CU_ASSERT_EQUAL(V->cr0, CR0_PE | CR0_ET);
}

static void test_a_paging_mode_the_shadow_refuses_stops_the_guest(void)
{
	fake_shadow.refuse = -1;
	frame.rax = CR0_PE | CR0_PG;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x22, 0xc0), EXIT_STOPPED);
	CU_ASSERT(stopped_because("PAE"));
}

/* The guest reads its own CR0, never the monitor's. */
static void test_mov_from_cr0_reads_the_virtual_register(void)
{
	V->cr0 = CR0_PE | CR0_ET | CR0_TS;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x20, 0xc3), EXIT_DONE); /* mov ebx, cr0 */
	CU_ASSERT_EQUAL(frame.rbx, CR0_PE | CR0_ET | CR0_TS);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 3);
}

static void test_clts_clears_ts_in_the_virtual_and_the_real_cr0(void)
{
	V->cr0 = CR0_PE | CR0_ET | CR0_TS;
	fake_cpu.cr0 |= CR0_TS;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x06), EXIT_DONE);
	CU_ASSERT_EQUAL(V->cr0, CR0_PE | CR0_ET);
	CU_ASSERT_EQUAL(fake_cpu.cr0 & CR0_TS, 0);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 2);
}

/* SDM vol. 2, LMSW: loads PE, MP, EM, TS; cannot clear PE. */
static void test_lmsw_loads_the_low_four_bits_but_never_clears_pe(void)
{
	V->cr0 = CR0_PE | CR0_ET | CR0_NE;
	frame.rax = CR0_MP | CR0_EM | CR0_TS;               /* PE clear */
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x01, 0xf0), EXIT_DONE); /* lmsw ax */
	CU_ASSERT_EQUAL(V->cr0, CR0_PE | CR0_ET | CR0_NE | CR0_MP | CR0_EM |
				CR0_TS);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 3);
}

static void test_smsw_to_a_register_gives_the_whole_cr0(void)
{
	V->cr0 = CR0_PG | CR0_WP | CR0_PE | CR0_ET;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x01, 0xe0), EXIT_DONE); /* smsw eax */
	CU_ASSERT_EQUAL(frame.rax, CR0_PG | CR0_WP | CR0_PE | CR0_ET);
}

static void test_smsw_to_memory_stores_16_bits(void)
{
	V->cr0 = CR0_PG | CR0_PE | CR0_ET;
	frame.rax = DATA;
	put32(DATA, 0xffffffff);
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x01, 0x20), EXIT_DONE); /* smsw [eax] */
	CU_ASSERT_EQUAL(ram32(DATA), 0xffff0000 | CR0_PE | CR0_ET);
}

/* ---- CR2, CR3, CR4 ------------------------------------------------------ */

static void test_mov_cr2_is_a_virtual_register(void)
{
	frame.rax = 0xdeadb000;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x22, 0xd0), EXIT_DONE); /* mov cr2, eax */
	CU_ASSERT_EQUAL(V->cr2, 0xdeadb000);
	frame.rip = KERNEL_EIP;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x20, 0xd1), EXIT_DONE); /* mov ecx, cr2 */
	CU_ASSERT_EQUAL(frame.rcx, 0xdeadb000);
}

/* The new root goes to the shadow MMU; the real CR3 is the monitor's. */
static void test_mov_cr3_hands_the_new_root_to_the_shadow_mmu(void)
{
	frame.rax = 0x5000;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x22, 0xd8), EXIT_DONE); /* mov cr3, eax */
	CU_ASSERT_EQUAL(V->cr3, 0x5000);
	CU_ASSERT_EQUAL(fake_shadow.cr3_calls, 1);
	CU_ASSERT_EQUAL(fake_shadow.cr3, 0x5000);
	CU_ASSERT_EQUAL(fake_cpu.cr3_writes, 0);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 3);
}

/* Real CR4 follows the guest's TSD, PCE, OSFXSR and OSXMMEXCPT only. */
static void test_mov_cr4_sets_the_guests_share_of_the_real_cr4(void)
{
	frame.rax = CR4_PSE | CR4_PGE | CR4_TSD;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x22, 0xe0), EXIT_DONE); /* mov cr4, eax */
	CU_ASSERT_EQUAL(V->cr4, CR4_PSE | CR4_PGE | CR4_TSD);
	CU_ASSERT_EQUAL(fake_cpu.cr4, (REAL_CR4 & ~(CR4_OSFXSR | CR4_OSXMMEXCPT)) |
					CR4_TSD);
	CU_ASSERT_EQUAL(fake_shadow.cr4_calls, 1);
	CU_ASSERT_EQUAL(fake_shadow.cr4, CR4_PSE | CR4_PGE | CR4_TSD);
}

/* SDM vol. 3A 2.5: setting a reserved CR4 bit raises #GP(0); a feature's
 * bit is reserved when CPUID does not offer it (SMEP, here). */
static void test_mov_cr4_with_a_feature_the_cpu_lacks_raises_gp0(void)
{
	frame.rax = CR4_SMEP;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x22, 0xe0), EXIT_DONE);
	check_kernel_frame(EXC_GP, true, 0, KERNEL_EIP, KERNEL_ESP, EFLAGS_IF);
	CU_ASSERT_EQUAL(V->cr4, 0);
	CU_ASSERT_EQUAL(fake_shadow.cr4_calls, 0);
}

static void test_mov_from_cr4_reads_the_virtual_register(void)
{
	V->cr4 = CR4_PSE | CR4_DE;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x20, 0xe2), EXIT_DONE); /* mov edx, cr4 */
	CU_ASSERT_EQUAL(frame.rdx, CR4_PSE | CR4_DE);
}

/* ---- descriptor-table registers ---------------------------------------- */

static void test_sgdt_stores_the_virtual_gdtr(void)
{
	frame.rax = DATA;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x01, 0x00), EXIT_DONE); /* sgdt [eax] */
	CU_ASSERT_EQUAL(ram32(DATA) & 0xffff, GDT_ENTRIES * 8 - 1);
	CU_ASSERT_EQUAL(ram32(DATA + 2), GDT_BASE);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 3);
}

static void test_sidt_stores_the_virtual_idtr(void)
{
	frame.rax = DATA;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x01, 0x08), EXIT_DONE); /* sidt [eax] */
	CU_ASSERT_EQUAL(ram32(DATA) & 0xffff, 0x7ff);
	CU_ASSERT_EQUAL(ram32(DATA + 2), IDT_BASE);
}

static void test_sldt_and_str_read_the_virtual_selectors(void)
{
	V->ldtr.sel = SEL_LDT;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x00, 0xc0), EXIT_DONE); /* sldt ax */
	CU_ASSERT_EQUAL(frame.rax, SEL_LDT);
	frame.rip = KERNEL_EIP;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x00, 0xc9), EXIT_DONE); /* str cx */
	CU_ASSERT_EQUAL(frame.rcx, SEL_TSS);
}

/* UMIP is the monitor's: the guest sees the stores fault only if it set
 * CR4.UMIP itself. */
static void test_sgdt_in_user_mode_is_emulated_without_guest_umip(void)
{
	guest_to_user();
	frame.rax = DATA;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x01, 0x00), EXIT_DONE);
	CU_ASSERT_EQUAL(ram32(DATA + 2), GDT_BASE);
	CU_ASSERT_EQUAL(frame.rip, USER_EIP + 3);
	CU_ASSERT_EQUAL(fake_monitor.n_events, 0);
}

static void test_smsw_in_user_mode_raises_gp0_with_guest_umip(void)
{
	V->cr4 = CR4_UMIP;
	guest_to_user();
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x01, 0xe0), EXIT_DONE);
	check_user_frame(EXC_GP, true, 0, USER_EIP, EFLAGS_IF);
}

/* A 16-bit operand size loads only 24 bits of base (SDM vol. 2, LGDT). */
static void test_lgdt_with_a_16_bit_operand_keeps_24_bits_of_base(void)
{
	frame.rax = DATA;
	put16(DATA, GDT_ENTRIES * 8 - 1);
	put32(DATA + 2, 0xff000000 | GDT_BASE);
	CU_ASSERT_EQUAL(RUN_GP(0, 0x66, 0x0f, 0x01, 0x10), EXIT_DONE);
	CU_ASSERT_EQUAL(V->gdtr.base, GDT_BASE);
	CU_ASSERT_EQUAL(V->gdtr.limit, GDT_ENTRIES * 8 - 1);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 4);
}

static void test_lidt_records_the_idtr_and_leaves_the_real_gdt_alone(void)
{
	uint64_t slot1 = real_gdt[1];

	frame.rax = DATA;
	put16(DATA, 0xff);
	put32(DATA + 2, 0x6000);
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x01, 0x18), EXIT_DONE); /* lidt [eax] */
	CU_ASSERT_EQUAL(V->idtr.base, 0x6000);
	CU_ASSERT_EQUAL(V->idtr.limit, 0xff);
	CU_ASSERT_EQUAL(real_gdt[1], slot1);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 3);
}

/* A pseudo-descriptor the guest cannot read: the access's own fault. */
static void test_lgdt_of_memory_that_is_not_ram_stops_the_guest(void)
{
	frame.rax = 2 * RAM_SIZE;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x01, 0x10), EXIT_STOPPED);
	CU_ASSERT(stopped_because("not RAM"));
	CU_ASSERT_EQUAL(V->gdtr.base, GDT_BASE);
}

/* ---- the task register and the LDT register ---------------------------- */

/* SDM vol. 2, LTR: loads TR and marks the TSS descriptor busy. */
static void test_ltr_loads_the_task_register_and_marks_the_tss_busy(void)
{
	V->tr.sel = 0;
	V->tr.base = V->tr.limit = 0;
	frame.rax = SEL_TSS;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x00, 0xd8), EXIT_DONE); /* ltr ax */
	CU_ASSERT_EQUAL(V->tr.sel, SEL_TSS);
	CU_ASSERT_EQUAL(V->tr.base, TSS_BASE);
	CU_ASSERT_EQUAL(V->tr.limit, 0x67);
	CU_ASSERT_EQUAL(ram64(GDT_BASE + SEL_TSS), D_TSS_BUSY);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 3);
}

/* Run `0f 00 MODRM` (ltr ax: d8, lldt ax: d0) with AX = SEL; check it
 * raised VECTOR(SEL) in the guest kernel. */
static void check_selector_fault(uint8_t modrm, uint16_t sel, unsigned vector)
{
	frame.rax = sel;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x00, modrm), EXIT_DONE);
	check_kernel_frame(vector, true, sel & ~3u, KERNEL_EIP, KERNEL_ESP,
			   EFLAGS_IF);
}

/* ltr with AX = SEL raises VECTOR(SEL) and leaves TR as it was. */
static void check_ltr_fault(uint16_t sel, unsigned vector)
{
	check_selector_fault(0xd8, sel, vector);
	CU_ASSERT_EQUAL(V->tr.sel, SEL_TSS);
}

static void test_ltr_of_a_busy_tss_raises_gp_with_the_selector(void)
{
	check_ltr_fault(SEL_TSS_BUSY, EXC_GP);
}

static void test_ltr_of_a_tss_not_present_raises_np_with_the_selector(void)
{
	check_ltr_fault(SEL_TSS_NP, EXC_NP);
}

static void test_ltr_of_a_data_segment_raises_gp_with_the_selector(void)
{
	check_ltr_fault(SEL_KDATA, EXC_GP);
}

static void test_ltr_of_the_null_selector_raises_gp0(void)
{
	check_ltr_fault(0, EXC_GP);
}

static void test_lldt_loads_the_ldtr_and_points_the_real_one_at_the_mirror(void)
{
	uint64_t base = (uint64_t)(uintptr_t)real_ldt, d;

	frame.rax = SEL_LDT;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x00, 0xd0), EXIT_DONE); /* lldt ax */
	CU_ASSERT_EQUAL(V->ldtr.sel, SEL_LDT);
	CU_ASSERT_EQUAL(V->ldtr.base, LDT_BASE);
	CU_ASSERT_EQUAL(V->ldtr.limit, 0x1f);
	/* The real LDTR: a 16-byte LDT descriptor in the monitor's slot. */
	CU_ASSERT_EQUAL(fake_cpu.ldtr, SLOT_LDT * 8);
	d = real_gdt[SLOT_LDT];
	CU_ASSERT_EQUAL(d & 0xffff, 0x1f);                  /* limit */
	CU_ASSERT_EQUAL((d >> 40) & 0xff, 0x82);            /* P, LDT */
	CU_ASSERT_EQUAL(desc_base(d), (uint32_t)base);
	CU_ASSERT_EQUAL(real_gdt[SLOT_LDT + 1], base >> 32);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 3);
}

static void test_lldt_of_the_null_selector_leaves_no_ldt(void)
{
	CU_ASSERT_EQUAL(segments_load_ldt(V, SEL_LDT), 0);
	frame.rax = 0;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x00, 0xd0), EXIT_DONE);
	CU_ASSERT_EQUAL(V->ldtr.sel, 0);
	CU_ASSERT_EQUAL(fake_cpu.ldtr, 0);
	CU_ASSERT_EQUAL(real_ldt[0], 0);
	CU_ASSERT_EQUAL(real_ldt[2], 0);
}

/* lldt with AX = SEL raises VECTOR(SEL) and loads no LDT, real or not. */
static void check_lldt_fault(uint16_t sel, unsigned vector)
{
	check_selector_fault(0xd0, sel, vector);
	CU_ASSERT_EQUAL(V->ldtr.sel, 0);
	CU_ASSERT_EQUAL(fake_cpu.n_loads, 0);
}

/* SDM vol. 2, LLDT: #GP(selector) unless it names an LDT descriptor in
 * the GDT; #NP(selector) if that is not present. */
static void test_lldt_of_a_tss_raises_gp_with_the_selector(void)
{
	check_lldt_fault(SEL_TSS, EXC_GP);
}

static void test_lldt_of_an_ldt_selector_raises_gp(void)
{
	check_lldt_fault(LDT_KDATA, EXC_GP);
}

static void test_lldt_of_an_ldt_not_present_raises_np(void)
{
	check_lldt_fault(SEL_LDT_NP, EXC_NP);
}

/* ---- MSRs --------------------------------------------------------------- */

/* What `rdmsr` of MSR leaves in EDX:EAX (both preset to garbage). */
static uint64_t rdmsr_of(uint32_t msr)
{
	frame.rcx = msr;
	frame.rax = frame.rdx = 0x55;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x32), EXIT_DONE);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 2);
	return frame.rdx << 32 | frame.rax;
}

static void test_wrmsr_and_rdmsr_of_sysenter_cs_stay_virtual(void)
{
	frame.rcx = 0x174;
	frame.rdx = 0;
	frame.rax = SEL_KCODE;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x30), EXIT_DONE);      /* wrmsr */
	CU_ASSERT_EQUAL(V->msr.sysenter_cs, SEL_KCODE);
	CU_ASSERT_EQUAL(fake_cpu.msr_writes, 0);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 2);
	frame.rip = KERNEL_EIP;
	CU_ASSERT_EQUAL(rdmsr_of(0x174), SEL_KCODE);
}

static void test_rdmsr_of_apic_base_reads_the_machines_value_at_reset(void)
{
	CU_ASSERT_EQUAL(rdmsr_of(0x1b), 0xfee00900);
}

/* QEMU 7.2 reads an MSR it does not know as 0, without #GP. */
static void test_rdmsr_of_an_unknown_msr_reads_zero(void)
{
	CU_ASSERT_EQUAL(rdmsr_of(0xc0000081), 0);
	CU_ASSERT_EQUAL(fake_monitor.n_events, 0);
}

static void test_rdmsr_of_the_tsc_reads_the_cpus_counter(void)
{
	CU_ASSERT_EQUAL(rdmsr_of(0x10), 0x123456789abcull);
}

static void test_wrmsr_to_the_tsc_stops_the_guest(void)
{
	frame.rcx = 0x10;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x30), EXIT_STOPPED);
	CU_ASSERT(stopped_because("time-stamp counter"));
}

static void test_wrmsr_of_a_fixed_mtrr_lands_in_its_slot(void)
{
	frame.rcx = 0x259;                  /* MTRRfix16K_A0000 */
	frame.rdx = 0x01020304;
	frame.rax = 0x05060708;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x30), EXIT_DONE);
	CU_ASSERT_EQUAL(V->msr.mtrr_fixed[2], 0x0102030405060708ull);
}

/* With the guest's CR4.TSD, rdtsc faults at CPL 1 and is emulated. */
static void test_rdtsc_in_the_kernel_reads_the_tsc(void)
{
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x31), EXIT_DONE);
	CU_ASSERT_EQUAL(frame.rax, 0x56789abc);
	CU_ASSERT_EQUAL(frame.rdx, 0x1234);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 2);
}

/* ---- debug registers ---------------------------------------------------- */

static void test_mov_dr0_holds_what_the_guest_wrote(void)
{
	frame.rax = 0x1234;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x23, 0xc0), EXIT_DONE); /* mov dr0, eax */
	CU_ASSERT_EQUAL(V->dr[0], 0x1234);
	frame.rip = KERNEL_EIP;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x21, 0xc3), EXIT_DONE); /* mov ebx, dr0 */
	CU_ASSERT_EQUAL(frame.rbx, 0x1234);
}

static void test_dr6_keeps_its_fixed_bits(void)
{
	frame.rax = 0;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x23, 0xf0), EXIT_DONE); /* mov dr6, eax */
	CU_ASSERT_EQUAL(V->dr[6], 0xffff0ff0);
}

/* SDM vol. 3A 18.2.2: DR4/DR5 alias DR6/DR7 unless CR4.DE, then #UD. */
static void test_dr4_reads_dr6_without_cr4_de(void)
{
	V->dr[6] = 0xffff4ff0;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x21, 0xe0), EXIT_DONE); /* mov eax, dr4 */
	CU_ASSERT_EQUAL(frame.rax, 0xffff4ff0);
}

static void test_dr4_raises_ud_with_cr4_de(void)
{
	V->cr4 = CR4_DE;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x21, 0xe0), EXIT_DONE);
	check_kernel_frame(EXC_UD, false, 0, KERNEL_EIP, KERNEL_ESP, EFLAGS_IF);
}

/* The CPU watches the guest's data and instruction breakpoints for it:
 * the real DR0-DR3 and DR7 are loaded with them (debugreg.h). */
static void test_arming_a_breakpoint_loads_the_real_debug_registers(void)
{
	const uint32_t dr7 = 1u << 0 | 1u << 16 | 3u << 18; /* L0, write, 4 */

	frame.rax = DATA;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x23, 0xc0), EXIT_DONE); /* mov dr0 */
	frame.rip = KERNEL_EIP;
	frame.rax = dr7;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x23, 0xf8), EXIT_DONE); /* mov dr7 */
	CU_ASSERT_EQUAL(V->dr[7], dr7 | 0x400);
	CU_ASSERT_EQUAL(fake_cpu.dr[0], DATA);
	CU_ASSERT_EQUAL(fake_cpu.dr[7], dr7 | 0x400);
}

/* An I/O breakpoint is the monitor's to check: it performs every out. */
static void test_an_out_to_a_port_under_an_io_breakpoint_hits_it(void)
{
	V->cr4 = CR4_DE;
	V->dr[1] = 0x3f8;
	V->dr[7] = 0x400 | 1u << 2 | 2u << 20;          /* L1, I/O, 1 byte */
	frame.rdx = 0x3f8;
	CU_ASSERT_EQUAL(RUN_GP(0, 0xee), EXIT_DONE);    /* out dx, al */
	CU_ASSERT_EQUAL(V->exit.db_hits, 1u << 1);
	CU_ASSERT_EQUAL(fake_cpu.dr[7] & 0xff, 0);      /* not the CPU's */
}

/* The I/O breakpoint does not see another port. */
static void test_an_out_to_another_port_misses_the_io_breakpoint(void)
{
	V->cr4 = CR4_DE;
	V->dr[1] = 0x3f8;
	V->dr[7] = 0x400 | 1u << 2 | 2u << 20;
	frame.rdx = 0x2f8;
	CU_ASSERT_EQUAL(RUN_GP(0, 0xee), EXIT_DONE);
	CU_ASSERT_EQUAL(V->exit.db_hits, 0);
}

/* ---- caches and the TLB ------------------------------------------------- */

static void test_invlpg_hands_the_linear_address_to_the_shadow_mmu(void)
{
	frame.rax = 0x12345678;
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x01, 0x38), EXIT_DONE); /* invlpg [eax] */
	CU_ASSERT_EQUAL(fake_shadow.invlpg_calls, 1);
	CU_ASSERT_EQUAL(fake_shadow.invlpg, 0x12345678);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 3);
}

static void test_wbinvd_only_steps_over_it(void)
{
	CU_ASSERT_EQUAL(RUN_GP(0, 0x0f, 0x09), EXIT_DONE);
	CU_ASSERT_EQUAL(frame.rip, KERNEL_EIP + 2);
	CU_ASSERT_EQUAL(fake_shadow.invlpg_calls, 0);
	CU_ASSERT_EQUAL(fake_monitor.n_events, 0);
}

CU_TestInfo system_tests[] = {
	{ "mov cr0 sets the virtual CR0 and the guest's bits of the real one",
	  test_mov_cr0_sets_the_virtual_cr0_and_the_guests_bits_of_the_real_one },
	{ "clearing CR0.PE stops the guest", test_clearing_cr0_pe_stops_the_guest },
	{ "a paging mode the shadow refuses stops the guest",
	  test_a_paging_mode_the_shadow_refuses_stops_the_guest },
	{ "mov from cr0 reads the virtual register",
	  test_mov_from_cr0_reads_the_virtual_register },
	{ "clts clears TS in the virtual and the real CR0",
	  test_clts_clears_ts_in_the_virtual_and_the_real_cr0 },
	{ "lmsw loads the low four bits but never clears PE",
	  test_lmsw_loads_the_low_four_bits_but_never_clears_pe },
	{ "smsw to a register gives the whole CR0",
	  test_smsw_to_a_register_gives_the_whole_cr0 },
	{ "smsw to memory stores 16 bits", test_smsw_to_memory_stores_16_bits },
	{ "mov cr2 is a virtual register", test_mov_cr2_is_a_virtual_register },
	{ "mov cr3 hands the new root to the shadow MMU",
	  test_mov_cr3_hands_the_new_root_to_the_shadow_mmu },
	{ "mov cr4 sets the guest's share of the real CR4",
	  test_mov_cr4_sets_the_guests_share_of_the_real_cr4 },
	{ "mov cr4 with a feature the CPU lacks raises #GP(0)",
	  test_mov_cr4_with_a_feature_the_cpu_lacks_raises_gp0 },
	{ "mov from cr4 reads the virtual register",
	  test_mov_from_cr4_reads_the_virtual_register },
	{ "sgdt stores the virtual GDTR", test_sgdt_stores_the_virtual_gdtr },
	{ "sidt stores the virtual IDTR", test_sidt_stores_the_virtual_idtr },
	{ "sldt and str read the virtual selectors",
	  test_sldt_and_str_read_the_virtual_selectors },
	{ "sgdt in user mode is emulated without the guest's UMIP",
	  test_sgdt_in_user_mode_is_emulated_without_guest_umip },
	{ "smsw in user mode raises #GP(0) with the guest's UMIP",
	  test_smsw_in_user_mode_raises_gp0_with_guest_umip },
	{ "lgdt with a 16-bit operand keeps 24 bits of base",
	  test_lgdt_with_a_16_bit_operand_keeps_24_bits_of_base },
	{ "lidt records the IDTR and leaves the real GDT alone",
	  test_lidt_records_the_idtr_and_leaves_the_real_gdt_alone },
	{ "lgdt of memory that is not RAM stops the guest",
	  test_lgdt_of_memory_that_is_not_ram_stops_the_guest },
	{ "ltr loads the task register and marks the TSS busy",
	  test_ltr_loads_the_task_register_and_marks_the_tss_busy },
	{ "ltr of a busy TSS raises #GP(selector)",
	  test_ltr_of_a_busy_tss_raises_gp_with_the_selector },
	{ "ltr of a TSS not present raises #NP(selector)",
	  test_ltr_of_a_tss_not_present_raises_np_with_the_selector },
	{ "ltr of a data segment raises #GP(selector)",
	  test_ltr_of_a_data_segment_raises_gp_with_the_selector },
	{ "ltr of the null selector raises #GP(0)",
	  test_ltr_of_the_null_selector_raises_gp0 },
	{ "lldt loads the LDTR and points the real one at the mirror",
	  test_lldt_loads_the_ldtr_and_points_the_real_one_at_the_mirror },
	{ "lldt of the null selector leaves no LDT",
	  test_lldt_of_the_null_selector_leaves_no_ldt },
	{ "lldt of a TSS raises #GP(selector)",
	  test_lldt_of_a_tss_raises_gp_with_the_selector },
	{ "lldt of an LDT selector raises #GP(selector)",
	  test_lldt_of_an_ldt_selector_raises_gp },
	{ "lldt of an LDT not present raises #NP(selector)",
	  test_lldt_of_an_ldt_not_present_raises_np },
	{ "wrmsr and rdmsr of SYSENTER_CS stay virtual",
	  test_wrmsr_and_rdmsr_of_sysenter_cs_stay_virtual },
	{ "rdmsr of APIC_BASE reads the machine's value at reset",
	  test_rdmsr_of_apic_base_reads_the_machines_value_at_reset },
	{ "rdmsr of an unknown MSR reads zero",
	  test_rdmsr_of_an_unknown_msr_reads_zero },
	{ "rdmsr of the TSC reads the CPU's counter",
	  test_rdmsr_of_the_tsc_reads_the_cpus_counter },
	{ "wrmsr to the TSC stops the guest",
	  test_wrmsr_to_the_tsc_stops_the_guest },
	{ "wrmsr of a fixed MTRR lands in its slot",
	  test_wrmsr_of_a_fixed_mtrr_lands_in_its_slot },
	{ "rdtsc in the kernel reads the TSC",
	  test_rdtsc_in_the_kernel_reads_the_tsc },
	{ "mov dr0 holds what the guest wrote",
	  test_mov_dr0_holds_what_the_guest_wrote },
	{ "DR6 keeps its fixed bits", test_dr6_keeps_its_fixed_bits },
	{ "DR4 reads DR6 without CR4.DE", test_dr4_reads_dr6_without_cr4_de },
	{ "DR4 raises #UD with CR4.DE", test_dr4_raises_ud_with_cr4_de },
	{ "arming a breakpoint loads the real debug registers",
	  test_arming_a_breakpoint_loads_the_real_debug_registers },
	{ "an out to a port under an I/O breakpoint hits it",
	  test_an_out_to_a_port_under_an_io_breakpoint_hits_it },
	{ "an out to another port misses the I/O breakpoint",
	  test_an_out_to_another_port_misses_the_io_breakpoint },
	{ "invlpg hands the linear address to the shadow MMU",
	  test_invlpg_hands_the_linear_address_to_the_shadow_mmu },
	{ "wbinvd only steps over it", test_wbinvd_only_steps_over_it },
	CU_TEST_INFO_NULL,
};
