/*
 * privileged_test.c - the privileged-instruction emulator, specified on a
 * synthetic guest (privileged_harness.h): one suite per source of vmm/cpu/.
 *
 * Each test sets up a guest situation, lets the monitor's own code handle
 * the exit the real CPU would have taken, and checks the architectural
 * outcome the Intel SDM prescribes: the new vCPU state, or the exception
 * delivered into the guest with the exact frame a CPU at CPL 0 would push.
 */
#include <CUnit/Basic.h>

#include "privileged_harness.h"

int main(void)
{
	/* Every test starts from the same guest (guest_reset). */
#define SUITE(name, tests) { name, NULL, NULL, guest_reset, NULL, tests }
	static CU_SuiteInfo suites[] = {
		SUITE("dispatch (emulate.c)", dispatch_tests),
		SUITE("privileged instructions in user mode", user_mode_tests),
		SUITE("system instructions (system.c)", system_tests),
		SUITE("CR4 features, stac, clac, xsetbv (system.c)",
		      feature_tests),
		SUITE("iret, retf, int, sysenter (transfer.c)", transfer_tests),
		SUITE("delivery through the guest IDT (interrupts.c)",
		      interrupt_tests),
		SUITE("the shadow GDT and LDT (segments.c)", segment_tests),
		CU_SUITE_INFO_NULL,
	};
	unsigned failures;

	fake_cpu_install_trap();
	fakes_reset();
	decode_init();
	if (CU_initialize_registry() != CUE_SUCCESS ||
	    CU_register_suites(suites) != CUE_SUCCESS)
		return 1;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failures != 0;
}
