/*
 * dev_bus_test.c - the bus: claimed ranges answer, everything else behaves
 * as on QEMU's PC (ports read all ones, memory reads zero, writes vanish).
 */
#include <CUnit/Basic.h>

#include "../../vmm/dev/bus.h"

/* A byte-wide register file at ports 0x100-0x103 that logs accesses. */
static uint8_t regs[4];
static unsigned accesses, last_size;

static uint32_t reg_read(void *dev, uint16_t port, unsigned size)
{
	(void)dev;
	accesses++;
	last_size = size;
	return regs[port - 0x100] | 0xffffff00u;        /* junk above the byte */
}

static void reg_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	(void)dev;
	accesses++;
	last_size = size;
	regs[port - 0x100] = (uint8_t)val;
}

static uint8_t mem[16];

static uint64_t mem_read(void *dev, uint64_t off, unsigned size)
{
	uint64_t v = 0;

	(void)dev;
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)mem[off + i] << (8 * i);
	return v;
}

static void mem_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
	(void)dev;
	for (unsigned i = 0; i < size; i++)
		mem[off + i] = (uint8_t)(val >> (8 * i));
}

static void setup(unsigned max_size)
{
	struct port_device p = { .name = "regs", .first = 0x100, .last = 0x103,
				 .read = reg_read, .write = reg_write,
				 .max_size = max_size };
	struct mmio_device m = { .name = "mem", .base = 0xfee00000, .size = 16,
				 .read = mem_read, .write = mem_write };

	bus_reset();
	bus_claim_ports(&p);
	bus_claim_mmio(&m);
	for (unsigned i = 0; i < 4; i++)
		regs[i] = (uint8_t)(0x11 * (i + 1));
	for (unsigned i = 0; i < 16; i++)
		mem[i] = (uint8_t)i;
	accesses = 0;
}

static void test_unassigned_port_reads_all_ones_at_every_size(void)
{
	setup(1);
	CU_ASSERT_EQUAL(bus_port_read(0x2e0, 1), 0xff);
	CU_ASSERT_EQUAL(bus_port_read(0x2e0, 2), 0xffff);
	CU_ASSERT_EQUAL(bus_port_read(0x2e0, 4), 0xffffffffu);
	bus_port_write(0x2e0, 4, 0);            /* nothing to see, nothing breaks */
	CU_ASSERT_EQUAL(accesses, 0);
}

static void test_claimed_port_answers_masked_to_the_access_size(void)
{
	setup(0);
	CU_ASSERT_EQUAL(bus_port_read(0x101, 1), 0x22);
	CU_ASSERT_EQUAL(bus_port_read(0x101, 2), 0xff22);
}

static void test_byte_wide_device_sees_a_word_access_as_two_bytes(void)
{
	setup(1);
	CU_ASSERT_EQUAL(bus_port_read(0x100, 2), 0x2211);
	CU_ASSERT_EQUAL(accesses, 2);
	CU_ASSERT_EQUAL(last_size, 1);
	bus_port_write(0x102, 2, 0xbeef);
	CU_ASSERT_EQUAL(regs[2], 0xef);
	CU_ASSERT_EQUAL(regs[3], 0xbe);
}

static void test_split_access_past_the_device_reads_unassigned_bytes(void)
{
	setup(1);
	CU_ASSERT_EQUAL(bus_port_read(0x102, 4), 0xffff4433u);
}

static void test_earlier_claim_wins(void)
{
	struct port_device other = { .name = "other", .first = 0x100,
				     .last = 0x100, .write = reg_write };

	setup(1);
	bus_claim_ports(&other);
	CU_ASSERT_EQUAL(bus_port_read(0x100, 1), 0x11);  /* "other" has no read */
}

static void test_unassigned_memory_reads_zero_and_drops_writes(void)
{
	setup(1);
	CU_ASSERT_EQUAL(bus_mmio_read(0xe0000000, 4), 0);
	CU_ASSERT_EQUAL(bus_mmio_read(0xe0000000, 8), 0);
	bus_mmio_write(0xe0000000, 4, 0x12345678);
	CU_ASSERT_EQUAL(bus_mmio_read(0xe0000000, 4), 0);
	CU_ASSERT_FALSE(bus_mmio_claimed(0xe0000000));
}

static void test_claimed_memory_gets_offset_and_size(void)
{
	setup(1);
	CU_ASSERT_TRUE(bus_mmio_claimed(0xfee0000f));
	CU_ASSERT_EQUAL(bus_mmio_read(0xfee00004, 4), 0x07060504u);
	bus_mmio_write(0xfee00008, 8, 0x1122334455667788ull);
	CU_ASSERT_EQUAL(bus_mmio_read(0xfee00008, 8), 0x1122334455667788ull);
}

static void test_access_straddling_a_device_end_goes_byte_by_byte(void)
{
	setup(1);
	CU_ASSERT_EQUAL(bus_mmio_read(0xfee0000e, 4), 0x0f0e);
	bus_mmio_write(0xfee0000e, 4, 0xaabbccdd);
	CU_ASSERT_EQUAL(mem[14], 0xdd);
	CU_ASSERT_EQUAL(mem[15], 0xcc);
}

static const struct { const char *name; void (*fn)(void); } tests[] = {
	{ "an unassigned port reads all ones at every size", test_unassigned_port_reads_all_ones_at_every_size },
	{ "a claimed port answers, masked to the access size", test_claimed_port_answers_masked_to_the_access_size },
	{ "a byte-wide device sees a word access as two bytes", test_byte_wide_device_sees_a_word_access_as_two_bytes },
	{ "a split access past the device reads unassigned bytes", test_split_access_past_the_device_reads_unassigned_bytes },
	{ "the earlier claim wins", test_earlier_claim_wins },
	{ "unassigned memory reads zero and drops writes", test_unassigned_memory_reads_zero_and_drops_writes },
	{ "claimed memory gets offset and size", test_claimed_memory_gets_offset_and_size },
	{ "an access straddling a device's end goes byte by byte", test_access_straddling_a_device_end_goes_byte_by_byte },
};

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("bus", NULL, NULL);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures != 0;
}
