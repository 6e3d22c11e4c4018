/*
 * descriptor_test.c - what the shadow GDT may hold, specified.
 *
 * Whatever a guest writes into its GDT, the real GDT must never hold a
 * DPL-0 segment, a 64-bit code segment, or a raw system descriptor.
 */
#include <CUnit/Basic.h>

#include "../../vmm/cpu/descriptor.h"

#define FLAT_CODE_DPL0 0x00cf9a000000ffffull
#define FLAT_DATA_DPL0 0x00cf92000000ffffull
#define FLAT_CODE_DPL3 0x00cffa000000ffffull
#define LONG_CODE_DPL0 0x00af9a000000ffffull   /* L = 1 */
#define TSS32_DPL0     0x0000890012340067ull
#define CALL_GATE_DPL3 0x0000ec0000081000ull
#define NOT_PRESENT    0x00cf1a000000ffffull

static void test_dpl0_code_becomes_dpl1(void)
{
	uint64_t d = desc_sanitize(FLAT_CODE_DPL0);

	CU_ASSERT_EQUAL(desc_dpl(d), 1);
	CU_ASSERT_EQUAL(d & ~DESC_DPL_MASK, FLAT_CODE_DPL0 & ~DESC_DPL_MASK);
}

static void test_dpl0_data_becomes_dpl1(void)
{
	CU_ASSERT_EQUAL(desc_dpl(desc_sanitize(FLAT_DATA_DPL0)), 1);
}

static void test_dpl3_segment_is_copied_unchanged(void)
{
	CU_ASSERT_EQUAL(desc_sanitize(FLAT_CODE_DPL3), FLAT_CODE_DPL3);
}

static void test_64bit_code_loses_its_l_bit(void)
{
	uint64_t d = desc_sanitize(LONG_CODE_DPL0);

	CU_ASSERT_EQUAL(d & DESC_L, 0);
	CU_ASSERT_EQUAL(desc_dpl(d), 1);
}

static void test_system_descriptors_are_never_copied(void)
{
	CU_ASSERT_EQUAL(desc_sanitize(TSS32_DPL0), 0);
	CU_ASSERT_EQUAL(desc_sanitize(CALL_GATE_DPL3), 0);
}

static void test_not_present_descriptor_stays_absent(void)
{
	uint64_t d = desc_sanitize(NOT_PRESENT);

	CU_ASSERT_EQUAL(d & DESC_P, 0);
	CU_ASSERT((d & DESC_S) != 0);   /* still a segment: loading it is #NP */
}

static void test_no_input_yields_dpl0_or_l_or_system(void)
{
	/* Every type, DPL, S, P, L combination, on a few base/limit patterns. */
	for (uint64_t hi = 0; hi < 0x100; hi++)
		for (uint64_t l = 0; l < 2; l++) {
			uint64_t g = 0x12cf000034560000ull | (hi << 40) |
				     (l << 53) | 0xffff;
			uint64_t d = desc_sanitize(g);

			if (!d)
				continue;
			CU_ASSERT((d & DESC_S) != 0);
			CU_ASSERT_EQUAL(d & DESC_P, g & DESC_P);
			CU_ASSERT(desc_dpl(d) != 0);
			CU_ASSERT_EQUAL(d & DESC_L, 0);
			CU_ASSERT_EQUAL(desc_base(d), desc_base(g));
			CU_ASSERT_EQUAL(desc_limit(d), desc_limit(g));
		}
}

static void test_base_and_limit_are_read_from_their_split_fields(void)
{
	uint64_t d = 0x12cf92345678ffffull;   /* base 0x12345678, G=1 */

	CU_ASSERT_EQUAL(desc_base(d), 0x12345678u);
	CU_ASSERT_EQUAL(desc_limit(d), 0xffffffffu);
	CU_ASSERT_EQUAL(desc_limit(0x0000920000000fffull), 0xfffu);
}

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("shadow GDT descriptor sanitization", NULL, NULL);
	CU_add_test(s, "DPL-0 code becomes DPL 1", test_dpl0_code_becomes_dpl1);
	CU_add_test(s, "DPL-0 data becomes DPL 1", test_dpl0_data_becomes_dpl1);
	CU_add_test(s, "DPL-3 segment is copied unchanged",
		    test_dpl3_segment_is_copied_unchanged);
	CU_add_test(s, "64-bit code loses its L bit",
		    test_64bit_code_loses_its_l_bit);
	CU_add_test(s, "system descriptors are never copied",
		    test_system_descriptors_are_never_copied);
	CU_add_test(s, "a not-present descriptor stays absent",
		    test_not_present_descriptor_stays_absent);
	CU_add_test(s, "no input yields DPL 0, L or a system descriptor",
		    test_no_input_yields_dpl0_or_l_or_system);
	CU_add_test(s, "base and limit are read from their split fields",
		    test_base_and_limit_are_read_from_their_split_fields);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures != 0;
}
