/*
 * privileged_interrupts_test.c - interrupts.c: events delivered through the
 * guest's IDT, the frames they push, what a delivery that faults becomes
 * (SDM vol. 3A 6.15, tables 6-4 and 6-5), and the triple fault.
 */
#include "privileged_harness.h"

/* An exception of the guest's own, at the current EIP. */
static struct guest_event exception(uint8_t vector, bool has_error,
				    uint32_t error)
{
	return (struct guest_event){
		.vector = vector, .kind = EV_EXCEPTION, .has_error = has_error,
		.error = error, .return_eip = (uint32_t)frame.rip,
	};
}

static struct guest_event external(uint8_t vector)
{
	return (struct guest_event){
		.vector = vector, .kind = EV_EXTERNAL,
		.return_eip = (uint32_t)frame.rip,
	};
}

/* Make gate VECTOR not present. */
static void remove_gate(unsigned vector)
{
	set_gate(vector, GATE_INT32, 0, false, SEL_KCODE, HANDLER(vector));
}

/* Whether the events delivered so far were exactly A then B. */
static bool events_were(uint8_t a, uint8_t b)
{
	return fake_monitor.n_events == 2 && fake_monitor.events[0] == a &&
	       fake_monitor.events[1] == b;
}

/* ---- frames ------------------------------------------------------------- */

static void test_an_exception_in_the_kernel_pushes_error_eip_cs_eflags(void)
{
	struct guest_event ev = exception(EXC_GP, true, 0x1234);

	CU_ASSERT_EQUAL(deliver(&ev), EXIT_DONE);
	check_kernel_frame(EXC_GP, true, 0x1234, KERNEL_EIP, KERNEL_ESP,
			   EFLAGS_IF);
	CU_ASSERT_EQUAL(frame.rflags, FL_FIXED);
}

/* SDM vol. 3A 6.12.1: the handler runs with TF, NT, RF (and VM) clear. */
static void test_a_handler_runs_with_tf_nt_rf_clear(void)
{
	struct guest_event ev = exception(IDT_TRAP0, false, 0);

	frame.rflags |= FL_TF | FL_NT | FL_RF;
	CU_ASSERT_EQUAL(deliver(&ev), EXIT_DONE);
	check_kernel_frame(IDT_TRAP0, false, 0, KERNEL_EIP, KERNEL_ESP,
			   EFLAGS_IF | FL_TF | FL_NT | FL_RF);
	CU_ASSERT_EQUAL(frame.rflags, EFLAGS_IF);
}

/* User code really runs with IF set; the frame shows the user's own IF. */
static void test_an_interrupt_in_user_mode_shows_the_users_own_if(void)
{
	struct guest_event ev;

	guest_to_user();
	V->user_if = false;
	ev = external(0x30);
	CU_ASSERT_EQUAL(deliver(&ev), EXIT_DONE);
	check_user_frame(0x30, false, 0, USER_EIP, FL_FIXED);
	CU_ASSERT_EQUAL(frame.rflags, FL_FIXED);
}

/* ---- gates that refuse -------------------------------------------------- */

/* SDM vol. 3A 6.10: a vector beyond the IDT limit raises #GP(vector*8+2). */
static void test_a_vector_beyond_the_idt_limit_raises_gp_naming_it(void)
{
	struct guest_event ev = exception(0x40, false, 0);

	V->idtr.limit = 0x20 * 8 - 1;
	CU_ASSERT_EQUAL(deliver(&ev), EXIT_DONE);
	check_kernel_frame(EXC_GP, true, 0x40 * 8 + ERR_IDT, KERNEL_EIP,
			   KERNEL_ESP, EFLAGS_IF);
	CU_ASSERT(events_were(0x40, EXC_GP));
}

/* An external event sets EXT in the error code of what it raises. */
static void test_an_interrupt_through_a_gate_not_present_raises_np_with_ext(void)
{
	struct guest_event ev = external(IDT_ABSENT);

	CU_ASSERT_EQUAL(deliver(&ev), EXIT_DONE);
	check_kernel_frame(EXC_NP, true, IDT_ABSENT * 8 + ERR_IDT + ERR_EXT,
			   KERNEL_EIP, KERNEL_ESP, EFLAGS_IF);
}

/* The DPL check is for software interrupts only (SDM vol. 3A 6.12.1.1). */
static void test_an_interrupt_through_a_dpl0_gate_from_user_mode_is_delivered(void)
{
	struct guest_event ev;

	guest_to_user();
	ev = external(IDT_KERNEL);
	CU_ASSERT_EQUAL(deliver(&ev), EXIT_DONE);
	check_user_frame(IDT_KERNEL, false, 0, USER_EIP, EFLAGS_IF);
}

static void test_a_gate_whose_selector_names_data_raises_gp_with_it(void)
{
	struct guest_event ev = exception(IDT_TO_DATA, false, 0);

	CU_ASSERT_EQUAL(deliver(&ev), EXIT_DONE);
	check_kernel_frame(EXC_GP, true, SEL_KDATA, KERNEL_EIP, KERNEL_ESP,
			   EFLAGS_IF);
}

static void test_a_task_gate_stops_the_guest(void)
{
	struct guest_event ev = exception(IDT_TASK, false, 0);

	CU_ASSERT_EQUAL(deliver(&ev), EXIT_STOPPED);
	CU_ASSERT(stopped_because("task gate"));
}

static void test_a_handler_in_user_code_stops_the_guest(void)
{
	struct guest_event ev = exception(IDT_TO_USER, false, 0);

	CU_ASSERT_EQUAL(deliver(&ev), EXIT_STOPPED);
	CU_ASSERT(stopped_because("DPL 3"));
}

static void test_user_mode_without_a_task_register_stops_the_guest(void)
{
	struct guest_event ev;

	V->tr.sel = 0;
	guest_to_user();
	ev = external(0x30);
	CU_ASSERT_EQUAL(deliver(&ev), EXIT_STOPPED);
	CU_ASSERT(stopped_because("no task register"));
}

/* ---- faults during delivery: second faults, #DF, triple faults ---------- */

/* Benign first, contributory second: the second is delivered alone. */
static void test_a_fault_delivering_a_benign_exception_is_delivered_instead(void)
{
	struct guest_event ev = exception(EXC_UD, false, 0);

	remove_gate(EXC_UD);
	CU_ASSERT_EQUAL(deliver(&ev), EXIT_DONE);
	check_kernel_frame(EXC_NP, true, EXC_UD * 8 + ERR_IDT, KERNEL_EIP,
			   KERNEL_ESP, EFLAGS_IF);
	CU_ASSERT(events_were(EXC_UD, EXC_NP));
}

/* Contributory after contributory: #DF, error code 0. */
static void test_a_fault_delivering_gp_is_a_double_fault(void)
{
	struct guest_event ev = exception(EXC_GP, true, 0);

	remove_gate(EXC_GP);
	CU_ASSERT_EQUAL(deliver(&ev), EXIT_DONE);
	check_kernel_frame(EXC_DF, true, 0, KERNEL_EIP, KERNEL_ESP, EFLAGS_IF);
	CU_ASSERT(events_were(EXC_GP, EXC_DF));
}

/* Contributory after #PF: #DF. */
static void test_a_fault_delivering_a_page_fault_is_a_double_fault(void)
{
	struct guest_event ev = exception(EXC_PF, true, PF_WRITE);

	remove_gate(EXC_PF);
	CU_ASSERT_EQUAL(deliver(&ev), EXIT_DONE);
	check_kernel_frame(EXC_DF, true, 0, KERNEL_EIP, KERNEL_ESP, EFLAGS_IF);
	CU_ASSERT(events_were(EXC_PF, EXC_DF));
}

static void test_a_fault_delivering_the_double_fault_stops_the_guest(void)
{
	struct guest_event ev = exception(EXC_GP, true, 0);

	remove_gate(EXC_GP);
	remove_gate(EXC_DF);
	CU_ASSERT_EQUAL(deliver(&ev), EXIT_STOPPED);
	CU_ASSERT(stopped_because("triple fault: vector 13 could not be "
				  "delivered (#NP, error 0x6a), and the #DF "
				  "that followed raised #NP (error 0x42)"));
}

/* Every delivery from user mode needs SS0 from the TSS: a bad one fails
 * the #TS it raises and the #DF after it too. */
static void test_a_tss_with_a_bad_ring0_stack_ends_in_a_triple_fault(void)
{
	struct guest_event ev;

	put32(TSS_BASE + 8, SEL_UCODE & ~3u);
	guest_to_user();
	ev = exception(EXC_GP, true, 0);
	CU_ASSERT_EQUAL(deliver(&ev), EXIT_STOPPED);
	CU_ASSERT(stopped_because("vector 13 could not be delivered (#TS, "
				  "error 0x18), and the #DF that followed "
				  "raised #TS (error 0x18)"));
}

/* A frame that cannot be pushed raises #SS(0), on the same stack again. */
static void test_a_kernel_stack_outside_ram_ends_in_a_triple_fault(void)
{
	struct guest_event ev = exception(EXC_UD, false, 0);

	frame.rsp = 2 * RAM_SIZE;
	CU_ASSERT_EQUAL(deliver(&ev), EXIT_STOPPED);
	CU_ASSERT(stopped_because("vector 6 could not be delivered (#SS, "
				  "error 0x0), and the #DF that followed "
				  "raised #SS (error 0x0)"));
}

CU_TestInfo interrupt_tests[] = {
	{ "an exception in the kernel pushes error, EIP, CS, EFLAGS",
	  test_an_exception_in_the_kernel_pushes_error_eip_cs_eflags },
	{ "a handler runs with TF, NT, RF clear",
	  test_a_handler_runs_with_tf_nt_rf_clear },
	{ "an interrupt in user mode shows the user's own IF",
	  test_an_interrupt_in_user_mode_shows_the_users_own_if },
	{ "a vector beyond the IDT limit raises #GP naming it",
	  test_a_vector_beyond_the_idt_limit_raises_gp_naming_it },
	{ "an interrupt through a gate not present raises #NP with EXT",
	  test_an_interrupt_through_a_gate_not_present_raises_np_with_ext },
	{ "an interrupt through a DPL-0 gate from user mode is delivered",
	  test_an_interrupt_through_a_dpl0_gate_from_user_mode_is_delivered },
	{ "a gate whose selector names data raises #GP(selector)",
	  test_a_gate_whose_selector_names_data_raises_gp_with_it },
	{ "a task gate stops the guest", test_a_task_gate_stops_the_guest },
	{ "a handler in user code stops the guest",
	  test_a_handler_in_user_code_stops_the_guest },
	{ "user mode without a task register stops the guest",
	  test_user_mode_without_a_task_register_stops_the_guest },
	{ "a fault delivering a benign exception is delivered instead",
	  test_a_fault_delivering_a_benign_exception_is_delivered_instead },
	{ "a fault delivering #GP is a double fault",
	  test_a_fault_delivering_gp_is_a_double_fault },
	{ "a fault delivering a page fault is a double fault",
	  test_a_fault_delivering_a_page_fault_is_a_double_fault },
	{ "a fault delivering the double fault stops the guest",
	  test_a_fault_delivering_the_double_fault_stops_the_guest },
	{ "a TSS with a bad ring-0 stack ends in a triple fault",
	  test_a_tss_with_a_bad_ring0_stack_ends_in_a_triple_fault },
	{ "a kernel stack outside RAM ends in a triple fault",
	  test_a_kernel_stack_outside_ram_ends_in_a_triple_fault },
	CU_TEST_INFO_NULL,
};
