/*
 * dev_pci_test.c - configuration mechanism #1 with nothing behind it.
 */
#include <CUnit/Basic.h>

#include "../../vmm/dev/pci.h"

static struct pci_config p;

static void test_config_address_reads_back(void)
{
	pci_init(&p);
	pci_write(&p, PCI_CONFIG_ADDRESS, 4, 0x80001800);
	CU_ASSERT_EQUAL(pci_read(&p, PCI_CONFIG_ADDRESS, 4), 0x80001800);
	CU_ASSERT_EQUAL(pci_read(&p, PCI_CONFIG_ADDRESS + 1, 1), 0x18);
}

static void test_narrow_writes_do_not_touch_the_address(void)
{
	pci_init(&p);
	pci_write(&p, PCI_CONFIG_ADDRESS, 4, 0x80000000);
	pci_write(&p, PCI_CONFIG_ADDRESS, 1, 0x55);
	pci_write(&p, PCI_CONFIG_ADDRESS + 1, 1, 0x06);  /* QEMU's reset control port */
	CU_ASSERT_EQUAL(pci_read(&p, PCI_CONFIG_ADDRESS, 4), 0x80000000);
}

static void test_every_function_reads_no_device(void)
{
	pci_init(&p);
	for (uint32_t dev = 0; dev < 32; dev++) {
		pci_write(&p, PCI_CONFIG_ADDRESS, 4, 0x80000000u | dev << 11);
		CU_ASSERT_EQUAL(pci_read(&p, PCI_CONFIG_DATA, 4), 0xffffffffu);
	}
	CU_ASSERT_EQUAL(pci_read(&p, PCI_CONFIG_DATA + 2, 2), 0xffff);
	pci_write(&p, PCI_CONFIG_DATA, 4, 0);
	CU_ASSERT_EQUAL(pci_read(&p, PCI_CONFIG_DATA, 1), 0xff);
}

static const struct { const char *name; void (*fn)(void); } tests[] = {
	{ "the config address reads back", test_config_address_reads_back },
	{ "narrow writes do not touch the address", test_narrow_writes_do_not_touch_the_address },
	{ "every function reads \"no device\"", test_every_function_reads_no_device },
};

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("PCI configuration ports", NULL, NULL);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures != 0;
}
