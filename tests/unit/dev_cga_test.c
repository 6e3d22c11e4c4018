/*
 * dev_cga_test.c - CGA text memory and the CRT controller, as a console
 * driver like xv6's cgaputc uses them.
 */
#include <CUnit/Basic.h>

#include "../../vmm/dev/cga.h"

static struct cga c;

static void test_screen_starts_blank(void)
{
	cga_init(&c);
	CU_ASSERT_EQUAL(cga_mem_read(&c, 0, 2), CGA_BLANK);
	CU_ASSERT_EQUAL(cga_mem_read(&c, CGA_MEM_SIZE - 2, 2), CGA_BLANK);
}

static void test_text_memory_keeps_characters_and_attributes(void)
{
	cga_init(&c);
	cga_mem_write(&c, 160, 2, 0x0748);              /* 'H' at row 1 */
	cga_mem_write(&c, 162, 4, 0x07690765);          /* "ei" */
	CU_ASSERT_EQUAL(cga_mem_read(&c, 160, 1), 'H');
	CU_ASSERT_EQUAL(cga_mem_read(&c, 161, 1), 0x07);
	CU_ASSERT_EQUAL(cga_mem_read(&c, 160, 8), 0x0720076907650748ull);
}

static void test_cursor_position_reads_back_through_crtc(void)
{
	cga_init(&c);
	cga_port_write(&c, CGA_CRTC_INDEX, CRTC_CURSOR_HIGH);
	cga_port_write(&c, CGA_CRTC_DATA, 0x02);
	cga_port_write(&c, CGA_CRTC_INDEX, CRTC_CURSOR_LOW);
	cga_port_write(&c, CGA_CRTC_DATA, 0x80);
	cga_port_write(&c, CGA_CRTC_INDEX, CRTC_CURSOR_HIGH);
	CU_ASSERT_EQUAL(cga_port_read(&c, CGA_CRTC_DATA), 0x02);
	cga_port_write(&c, CGA_CRTC_INDEX, CRTC_CURSOR_LOW);
	CU_ASSERT_EQUAL(cga_port_read(&c, CGA_CRTC_DATA), 0x80);
	CU_ASSERT_EQUAL(cga_port_read(&c, CGA_CRTC_INDEX), CRTC_CURSOR_LOW);
}

static void test_crtc_starts_with_the_mode_3_cursor_shape(void)
{
	cga_init(&c);
	cga_port_write(&c, CGA_CRTC_INDEX, 0x0a);
	CU_ASSERT_EQUAL(cga_port_read(&c, CGA_CRTC_DATA), 0x0d);       /* as QEMU */
}

static void test_status_toggles_retrace_on_every_read(void)
{
	cga_init(&c);
	CU_ASSERT_EQUAL(cga_port_read(&c, CGA_STATUS), 0x09);          /* as QEMU */
	CU_ASSERT_EQUAL(cga_port_read(&c, CGA_STATUS), 0x00);
}

static const struct { const char *name; void (*fn)(void); } tests[] = {
	{ "the screen starts blank", test_screen_starts_blank },
	{ "text memory keeps characters and attributes", test_text_memory_keeps_characters_and_attributes },
	{ "the cursor position reads back through the CRTC", test_cursor_position_reads_back_through_crtc },
	{ "the CRTC starts with the mode 3 cursor shape", test_crtc_starts_with_the_mode_3_cursor_shape },
	{ "status toggles retrace on every read", test_status_toggles_retrace_on_every_read },
};

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("CGA text", NULL, NULL);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures != 0;
}
