/*
 * debugreg_test.c - unit.debugreg: matching accesses against the guest's
 * breakpoints (vmm/cpu/debugreg.c), by the rules of SDM vol. 3B 17.2.
 */
#include <CUnit/Basic.h>

#include "../../vmm/cpu/debugreg.h"

#define RW_EXEC  0u
#define RW_WRITE 1u
#define RW_IO    2u
#define RW_RW    3u
#define LEN_1    0u
#define LEN_2    1u
#define LEN_8    2u
#define LEN_4    3u
#define CR4_DE   (1u << 3)

static uint32_t dr[8];

/* Arm breakpoint N at ADDR: local enable, R/W and LEN. */
static void arm(unsigned n, uint32_t addr, unsigned rw, unsigned len)
{
	dr[n] = addr;
	dr[7] |= 1u << (2 * n) | rw << (16 + 4 * n) | len << (18 + 4 * n);
}

static void reset(void)
{
	for (unsigned i = 0; i < 8; i++)
		dr[i] = 0;
	dr[7] = 0x400;
}

static void test_a_write_watch_sees_stores_only(void)
{
	reset();
	arm(0, 0x1000, RW_WRITE, LEN_4);
	CU_ASSERT_EQUAL(dr_data_hits(dr, 0x1000, 4, true), 1);
	CU_ASSERT_EQUAL(dr_data_hits(dr, 0x1000, 4, false), 0);
	CU_ASSERT_EQUAL(dr_data_hits(dr, 0x1003, 1, true), 1);
	CU_ASSERT_EQUAL(dr_data_hits(dr, 0x1004, 4, true), 0);
	CU_ASSERT_EQUAL(dr_data_hits(dr, 0xffc, 4, true), 0);
	CU_ASSERT_EQUAL(dr_data_hits(dr, 0xffe, 4, true), 1);   /* overlaps */
}

static void test_a_read_write_watch_sees_loads_too(void)
{
	reset();
	arm(2, 0x2000, RW_RW, LEN_2);
	CU_ASSERT_EQUAL(dr_data_hits(dr, 0x2001, 1, false), 4);
	CU_ASSERT_EQUAL(dr_data_hits(dr, 0x2002, 1, false), 0);
}

static void test_the_address_is_aligned_down_to_the_length(void)
{
	reset();
	arm(1, 0x3005, RW_WRITE, LEN_8);        /* covers 0x3000-0x3007 */
	CU_ASSERT_EQUAL(dr_data_hits(dr, 0x3000, 1, true), 2);
	CU_ASSERT_EQUAL(dr_data_hits(dr, 0x3007, 1, true), 2);
	CU_ASSERT_EQUAL(dr_data_hits(dr, 0x3008, 1, true), 0);
	reset();
	arm(3, 0x4003, RW_WRITE, LEN_4);        /* covers 0x4000-0x4003 */
	CU_ASSERT_EQUAL(dr_data_hits(dr, 0x4000, 1, true), 8);
}

static void test_disabled_and_instruction_breakpoints_see_no_data(void)
{
	reset();
	dr[0] = 0x5000;
	dr[7] |= RW_WRITE << 16;                /* not enabled */
	CU_ASSERT_EQUAL(dr_data_hits(dr, 0x5000, 4, true), 0);
	reset();
	arm(0, 0x5000, RW_EXEC, LEN_1);
	CU_ASSERT_EQUAL(dr_data_hits(dr, 0x5000, 4, true), 0);
	CU_ASSERT_EQUAL(dr_data_hits(dr, 0x5000, 4, false), 0);
}

static void test_several_breakpoints_hit_at_once(void)
{
	reset();
	arm(0, 0x6000, RW_WRITE, LEN_4);
	arm(3, 0x6004, RW_RW, LEN_4);
	CU_ASSERT_EQUAL(dr_data_hits(dr, 0x6002, 4, true), 9);
}

static void test_io_breakpoints_need_cr4_de(void)
{
	reset();
	arm(1, 0x80, RW_IO, LEN_1);
	CU_ASSERT_EQUAL(dr_io_hits(dr, CR4_DE, 0x80, 1), 2);
	CU_ASSERT_EQUAL(dr_io_hits(dr, 0, 0x80, 1), 0);
	CU_ASSERT_EQUAL(dr_io_hits(dr, CR4_DE, 0x81, 1), 0);
	CU_ASSERT_EQUAL(dr_io_hits(dr, CR4_DE, 0x7e, 4), 2);    /* a dword */
	CU_ASSERT_EQUAL(dr_data_hits(dr, 0x80, 1, true), 0);
}

static void test_the_cpu_gets_instruction_and_data_breakpoints_only(void)
{
	reset();
	arm(0, 0x1000, RW_EXEC, LEN_1);
	arm(1, 0x80, RW_IO, LEN_1);
	arm(2, 0x2000, RW_WRITE, LEN_4);
	dr[7] |= 1u << 13;                      /* GD */
	CU_ASSERT_EQUAL(dr7_for_cpu(dr[7]),
			0x400 | 1u | (RW_WRITE | LEN_4 << 2) << 24 |
			(uint64_t)1 << 4 | (uint64_t)LEN_1 << 22);
}

int main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "a write watch sees stores only",
		  test_a_write_watch_sees_stores_only },
		{ "a read/write watch sees loads too",
		  test_a_read_write_watch_sees_loads_too },
		{ "the address is aligned down to the length",
		  test_the_address_is_aligned_down_to_the_length },
		{ "disabled and instruction breakpoints see no data",
		  test_disabled_and_instruction_breakpoints_see_no_data },
		{ "several breakpoints hit at once",
		  test_several_breakpoints_hit_at_once },
		{ "I/O breakpoints need CR4.DE",
		  test_io_breakpoints_need_cr4_de },
		{ "the CPU gets instruction and data breakpoints only",
		  test_the_cpu_gets_instruction_and_data_breakpoints_only },
	};
	CU_pSuite suite;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	suite = CU_add_suite("debug registers", NULL, NULL);
	for (unsigned i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(suite, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
