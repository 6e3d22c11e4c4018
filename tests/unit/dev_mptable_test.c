/*
 * dev_mptable_test.c - the MP tables, read the way xv6's mp.c and Linux's
 * mpparse read them: search the EBDA, the top of base memory and the BIOS
 * area for "_MP_", check sums and versions, walk the entries.
 */
#include <CUnit/Basic.h>
#include <string.h>

#include "../../vmm/dev/mptable.h"

#define RAM_SIZE (1u << 20)

static uint8_t ram[RAM_SIZE];
static const struct mptable_cpu cpu = { .signature = 0x663, .features = 0x0781abfd };

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* xv6's mpsearch1: a "_MP_" with a good checksum in [a, a+len). */
static uint8_t *search(uint32_t a, uint32_t len)
{
	for (uint32_t p = a; p + 16 <= a + len; p += 16)
		if (!memcmp(ram + p, "_MP_", 4) && sum(ram + p, 16) == 0)
			return ram + p;
	return NULL;
}

/* xv6's mpsearch: the EBDA, else the end of base memory; then the BIOS area. */
static uint8_t *find_floating_pointer(void)
{
	uint32_t ebda = (uint32_t)get16(ram + 0x40e) << 4, p;
	uint8_t *mp;

	if (ebda) {
		if ((mp = search(ebda, 1024)))
			return mp;
	} else {
		p = get16(ram + 0x413) * 1024u;
		if ((mp = search(p - 1024, 1024)))
			return mp;
	}
	return search(0xf0000, 0x10000);
}

static uint8_t *setup(void)
{
	memset(ram, 0, sizeof(ram));
	CU_ASSERT_EQUAL(mptable_write_bda(ram, RAM_SIZE), 0);
	CU_ASSERT_NOT_EQUAL(mptable_write(ram, RAM_SIZE, MPTABLE_FP_GPA,
					  MPTABLE_TABLE_GPA, &cpu), 0);
	return find_floating_pointer();
}

/* The entry of TYPE number N (0-based) in the table at T, or NULL. */
static uint8_t *entry(uint8_t *t, uint8_t type, unsigned n)
{
	uint8_t *p = t + 44, *end = t + get16(t + 4);

	while (p < end) {
		if (p[0] == type && n-- == 0)
			return p;
		p += p[0] == 0 ? 20 : 8;
	}
	return NULL;
}

static void test_bda_points_at_the_ebda_and_639_kib(void)
{
	setup();
	CU_ASSERT_EQUAL(get16(ram + 0x40e), 0x9fc0);
	CU_ASSERT_EQUAL(get16(ram + 0x413), 639);
}

static void test_floating_pointer_is_found_where_xv6_looks(void)
{
	uint8_t *mp = setup();

	CU_ASSERT_PTR_EQUAL(mp, ram + MPTABLE_FP_GPA);
	CU_ASSERT_EQUAL(mp[8], 1);                      /* 16 bytes */
	CU_ASSERT_EQUAL(mp[9], 4);                      /* MP 1.4 */
	CU_ASSERT_EQUAL(mp[11], 0);                     /* a table, not a default config */
	CU_ASSERT_EQUAL(mp[12], 0);                     /* virtual wire, no IMCR */
}

static void test_configuration_table_checks_out(void)
{
	uint8_t *mp = setup(), *t = ram + get32(mp + 4);

	CU_ASSERT_EQUAL(get32(mp + 4), MPTABLE_TABLE_GPA);
	CU_ASSERT_EQUAL(memcmp(t, "PCMP", 4), 0);
	CU_ASSERT_EQUAL(t[6], 4);
	CU_ASSERT_EQUAL(sum(t, get16(t + 4)), 0);
	CU_ASSERT_EQUAL(memcmp(t + 8, "BOCHSCPU", 8), 0);
	CU_ASSERT_EQUAL(get32(t + 36), 0xfee00000u);
	CU_ASSERT_EQUAL(get16(t + 34), 1 + 1 + 1 + 15 + 2);
}

static void test_one_enabled_bootstrap_processor_with_apic_id_0(void)
{
	uint8_t *t = ram + get32(setup() + 4), *proc = entry(t, 0, 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(proc);
	CU_ASSERT_EQUAL(proc[1], 0);
	CU_ASSERT_EQUAL(proc[3], 0x03);                 /* enabled, BSP */
	CU_ASSERT_EQUAL(get32(proc + 4), 0x663);
	CU_ASSERT_EQUAL(get32(proc + 8), 0x0781abfd);
	CU_ASSERT_PTR_NULL(entry(t, 0, 1));
}

static void test_isa_bus_and_the_io_apic_at_fec00000(void)
{
	uint8_t *t = ram + get32(setup() + 4), *bus = entry(t, 1, 0);
	uint8_t *io = entry(t, 2, 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(bus);
	CU_ASSERT_EQUAL(memcmp(bus + 2, "ISA   ", 6), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(io);
	CU_ASSERT_EQUAL(io[1], MPTABLE_IOAPIC_ID);      /* = the I/O APIC's ID register */
	CU_ASSERT_EQUAL(io[3], 1);
	CU_ASSERT_EQUAL(get32(io + 4), 0xfec00000u);
}

static void test_isa_irqs_route_to_io_apic_pins_with_irq0_on_pin_2(void)
{
	uint8_t *t = ram + get32(setup() + 4), *e;
	unsigned seen = 0;

	for (unsigned n = 0; (e = entry(t, 3, n)); n++) {
		CU_ASSERT_EQUAL(e[1], 0);               /* a vectored interrupt */
		CU_ASSERT_EQUAL(e[4], 0);               /* from the ISA bus */
		CU_ASSERT_NOT_EQUAL(e[5], 2);           /* the cascade has no entry */
		CU_ASSERT_EQUAL(e[7], e[5] == 0 ? 2 : e[5]);
		seen |= 1u << e[5];
	}
	CU_ASSERT_EQUAL(seen, 0xfffb);
}

static void test_local_interrupts_extint_on_lint0_nmi_on_lint1(void)
{
	uint8_t *t = ram + get32(setup() + 4);
	uint8_t *l0 = entry(t, 4, 0), *l1 = entry(t, 4, 1);

	CU_ASSERT_PTR_NOT_NULL_FATAL(l0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l1);
	CU_ASSERT_EQUAL(l0[1], 3);                      /* ExtINT */
	CU_ASSERT_EQUAL(l0[7], 0);
	CU_ASSERT_EQUAL(l1[1], 1);                      /* NMI */
	CU_ASSERT_EQUAL(l1[6], 0xff);
	CU_ASSERT_EQUAL(l1[7], 1);
}

static void test_tables_that_do_not_fit_are_not_written(void)
{
	memset(ram, 0, sizeof(ram));
	CU_ASSERT_EQUAL(mptable_write(ram, 0xf0000, MPTABLE_FP_GPA,
				      MPTABLE_TABLE_GPA, &cpu), 0);
	CU_ASSERT_EQUAL(mptable_write(ram, RAM_SIZE, MPTABLE_FP_GPA + 4,
				      MPTABLE_TABLE_GPA, &cpu), 0);
	CU_ASSERT_PTR_NULL(search(0xf0000, 0x10000));
	CU_ASSERT_EQUAL(mptable_write_bda(ram, 0x400), -1);
}

static const struct { const char *name; void (*fn)(void); } tests[] = {
	{ "the BDA points at the EBDA and 639 KiB", test_bda_points_at_the_ebda_and_639_kib },
	{ "the floating pointer is found where xv6 looks", test_floating_pointer_is_found_where_xv6_looks },
	{ "the configuration table checks out", test_configuration_table_checks_out },
	{ "one enabled bootstrap processor with APIC ID 0", test_one_enabled_bootstrap_processor_with_apic_id_0 },
	{ "the ISA bus and the I/O APIC at 0xfec00000", test_isa_bus_and_the_io_apic_at_fec00000 },
	{ "ISA IRQs route to I/O APIC pins, IRQ 0 on pin 2", test_isa_irqs_route_to_io_apic_pins_with_irq0_on_pin_2 },
	{ "local interrupts: ExtINT on LINT0, NMI on LINT1", test_local_interrupts_extint_on_lint0_nmi_on_lint1 },
	{ "tables that do not fit are not written", test_tables_that_do_not_fit_are_not_written },
};

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("MP tables", NULL, NULL);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures != 0;
}
