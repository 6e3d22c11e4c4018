/*
 * guest_memory_test.c - the one door into guest memory, specified.
 *
 * Guest RAM is a host buffer; a test translation function plays the guest's
 * page tables where a case needs paging (pages mapped out of order, a page
 * not present, the 4 GiB edge).
 */
#include <CUnit/Basic.h>
#include <string.h>

#include "../../vmm/core/gmem.h"

#define RAM_SIZE (64 * 1024)
#define PAGE GUEST_PAGE_SIZE

static uint8_t ram[RAM_SIZE];

/* Paging off, RAM 64 KiB, a hole at [0xa000, 0xc000) like the VGA window. */
static struct guest_mem flat(void)
{
	return (struct guest_mem){ .ram = ram, .size = RAM_SIZE,
				   .hole_start = 0xa000, .hole_end = 0xc000 };
}

/*
 * A toy page table: linear page N maps to guest-physical page map[N], or is
 * not present when map[N] < 0.  Linear pages above 15 use the top slots, so
 * 0xfffff000 is slot 15.  Supervisor-only pages refuse CPL 3.
 */
struct toy_pt {
	int map[16];
	int supervisor_only[16];
};

static int slot(gva_t gva)
{
	unsigned page = gva / PAGE;

	return page >= 16 ? 15 - (int)(0xfffff - page) % 16 : (int)page;
}

static enum gmem_status toy_translate(void *ctx, gva_t gva,
				      enum gmem_access access, int cpl,
				      uint64_t *gpa, uint32_t *pf_error)
{
	struct toy_pt *pt = ctx;
	int s = slot(gva);

	*gpa = 0;
	if (pt->map[s] < 0 || (cpl == 3 && pt->supervisor_only[s])) {
		*pf_error = (pt->map[s] >= 0 ? 1u : 0u) |
			    (access == GM_WRITE ? 2u : 0u) |
			    (cpl == 3 ? 4u : 0u) |
			    (access == GM_FETCH ? 16u : 0u);
		return GM_PAGE_FAULT;
	}
	*gpa = (uint64_t)pt->map[s] * PAGE + (gva % PAGE);
	return GM_OK;
}

static struct guest_mem paged(struct toy_pt *pt)
{
	struct guest_mem m = flat();

	m.translate = toy_translate;
	m.ctx = pt;
	return m;
}

static void fill_ram(void)
{
	for (unsigned i = 0; i < RAM_SIZE; i++)
		ram[i] = (uint8_t)(i * 7 + i / PAGE);
}

static void test_read_inside_ram_returns_ram_bytes(void)
{
	struct guest_mem m = flat();
	struct gmem_fault f;
	uint8_t buf[100];

	fill_ram();
	CU_ASSERT_EQUAL(gmem_read(&m, 0x1ff0, buf, sizeof(buf), 0, &f), GM_OK);
	CU_ASSERT_EQUAL(memcmp(buf, ram + 0x1ff0, sizeof(buf)), 0);
}

static void test_write_lands_in_ram(void)
{
	struct guest_mem m = flat();
	struct gmem_fault f;
	const uint8_t data[6] = { 1, 2, 3, 4, 5, 6 };

	fill_ram();
	CU_ASSERT_EQUAL(gmem_write(&m, 0x2ffd, data, 6, 0, &f), GM_OK);
	CU_ASSERT_EQUAL(memcmp(ram + 0x2ffd, data, 6), 0);
}

static void test_read_into_hole_is_unbacked_at_hole_start(void)
{
	struct guest_mem m = flat();
	struct gmem_fault f;
	uint8_t buf[8];

	CU_ASSERT_EQUAL(gmem_read(&m, 0x9ffc, buf, 8, 0, &f), GM_UNBACKED);
	CU_ASSERT_EQUAL(f.gva, 0xa000);
	CU_ASSERT_EQUAL(f.gpa, 0xa000);
}

static void test_read_beyond_ram_is_unbacked(void)
{
	struct guest_mem m = flat();
	struct gmem_fault f;
	uint8_t buf[4];

	CU_ASSERT_EQUAL(gmem_read(&m, RAM_SIZE - 2, buf, 4, 0, &f), GM_UNBACKED);
	CU_ASSERT_EQUAL(gmem_read(&m, 0x80000000u, buf, 4, 0, &f), GM_UNBACKED);
	CU_ASSERT_PTR_NULL(gmem_gpa_ptr(&m, RAM_SIZE - 2, 4));
	CU_ASSERT_PTR_NOT_NULL(gmem_gpa_ptr(&m, RAM_SIZE - 4, 4));
}

static void test_write_that_cannot_complete_writes_nothing(void)
{
	struct guest_mem m = flat();
	struct gmem_fault f;
	uint8_t data[8] = { 0 }, before[4];

	fill_ram();
	memcpy(before, ram + 0x9ffc, 4);
	CU_ASSERT_EQUAL(gmem_write(&m, 0x9ffc, data, 8, 0, &f), GM_UNBACKED);
	CU_ASSERT_EQUAL(memcmp(ram + 0x9ffc, before, 4), 0);
}

static void test_fetch_across_pages_follows_translation(void)
{
	struct toy_pt pt = { .map = { 3, 7, 2, -1 } };
	struct guest_mem m = paged(&pt);
	struct gmem_fault f;
	uint8_t buf[15];

	fill_ram();
	/* Linear 0x0ffa.. : 6 bytes from guest page 3, 9 from guest page 7. */
	CU_ASSERT_EQUAL(gmem_fetch(&m, 0x0f00, 0xfa, buf, 15, 0, &f), 15);
	CU_ASSERT_EQUAL(memcmp(buf, ram + 3 * PAGE + 0xffa, 6), 0);
	CU_ASSERT_EQUAL(memcmp(buf + 6, ram + 7 * PAGE, 9), 0);
}

static void test_fetch_stops_at_a_not_present_page(void)
{
	struct toy_pt pt = { .map = { 0, 1, 2, -1 } };
	struct guest_mem m = paged(&pt);
	struct gmem_fault f;
	uint8_t buf[15];

	CU_ASSERT_EQUAL(gmem_fetch(&m, 0, 3 * PAGE - 4, buf, 15, 0, &f), 4);
	CU_ASSERT_EQUAL(f.gva, 3 * PAGE);
	CU_ASSERT_EQUAL(f.pf_error, 16u);       /* not present, fetch */
}

static void test_user_access_to_supervisor_page_faults_with_user_bit(void)
{
	struct toy_pt pt = { .map = { 0, 1 }, .supervisor_only = { 0, 1 } };
	struct guest_mem m = paged(&pt);
	struct gmem_fault f;
	uint8_t b = 0;

	CU_ASSERT_EQUAL(gmem_write(&m, PAGE + 5, &b, 1, 3, &f), GM_PAGE_FAULT);
	CU_ASSERT_EQUAL(f.pf_error, 1u | 2u | 4u);
	CU_ASSERT_EQUAL(gmem_write(&m, PAGE + 5, &b, 1, 0, &f), GM_OK);
}

static void test_fetch_wraps_at_the_4gib_edge(void)
{
	struct toy_pt pt;
	struct guest_mem m;
	struct gmem_fault f;
	uint8_t buf[6];

	for (int i = 0; i < 16; i++)
		pt.map[i] = -1, pt.supervisor_only[i] = 0;
	pt.map[15] = 4;         /* linear 0xfffff000 */
	pt.map[0] = 9;          /* linear 0x00000000 */
	m = paged(&pt);
	fill_ram();
	/* CS base 0xfffff000 + EIP 0xffd = 0xfffffffd: 3 bytes, then wrap. */
	CU_ASSERT_EQUAL(gmem_fetch(&m, 0xfffff000u, 0xffd, buf, 6, 0, &f), 6);
	CU_ASSERT_EQUAL(memcmp(buf, ram + 4 * PAGE + 0xffd, 3), 0);
	CU_ASSERT_EQUAL(memcmp(buf + 3, ram + 9 * PAGE, 3), 0);
}

static void test_paging_off_fetch_wraps_to_linear_zero(void)
{
	struct guest_mem m = flat();
	struct gmem_fault f;
	uint8_t buf[4];

	/* Linear 0xfffffffe is not RAM: nothing fetched, fault names it. */
	CU_ASSERT_EQUAL(gmem_fetch(&m, 0, 0xfffffffeu, buf, 4, 0, &f), 0);
	CU_ASSERT_EQUAL(f.gva, 0xfffffffeu);
}

/* A record of the hooks' calls. */
static struct {
	unsigned ram_writes, mmio_reads, mmio_writes;
	uint64_t last_gpa;
	size_t last_len;
} hooks;

static void hook_write_ram(void *ctx, gpa_t gpa, const void *b, size_t len)
{
	(void)ctx;
	hooks.ram_writes++;
	hooks.last_gpa = gpa;
	hooks.last_len = len;
	memcpy(ram + gpa, b, len);
}

static void hook_mmio_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	(void)ctx;
	hooks.mmio_reads++;
	hooks.last_gpa = gpa;
	memset(buf, 0xab, len);
}

static void hook_mmio_write(void *ctx, uint64_t gpa, const void *b, size_t len)
{
	(void)ctx;
	(void)b;
	hooks.mmio_writes++;
	hooks.last_gpa = gpa;
	hooks.last_len = len;
}

static struct guest_mem hooked(void)
{
	struct guest_mem m = flat();

	memset(&hooks, 0, sizeof(hooks));
	m.write_ram = hook_write_ram;
	m.mmio_read = hook_mmio_read;
	m.mmio_write = hook_mmio_write;
	return m;
}

static void test_writes_into_ram_go_through_the_write_hook(void)
{
	struct guest_mem m = hooked();
	struct gmem_fault f;
	uint32_t v = 0x11223344;

	CU_ASSERT_EQUAL(gmem_write(&m, 0x1ffe, &v, 4, 0, &f), GM_OK);
	CU_ASSERT_EQUAL(hooks.ram_writes, 2);   /* split at the page */
	CU_ASSERT_EQUAL(hooks.last_gpa, 0x2000);
	CU_ASSERT_EQUAL(memcmp(ram + 0x1ffe, &v, 4), 0);
}

static void test_accesses_outside_ram_go_to_the_mmio_hooks(void)
{
	struct guest_mem m = hooked();
	struct gmem_fault f;
	uint32_t v = 0;

	CU_ASSERT_EQUAL(gmem_read(&m, 0xa010, &v, 4, 0, &f), GM_OK);
	CU_ASSERT_EQUAL(v, 0xababababu);
	CU_ASSERT_EQUAL(hooks.mmio_reads, 1);
	CU_ASSERT_EQUAL(gmem_write(&m, 0xfee000b0u, &v, 4, 0, &f), GM_OK);
	CU_ASSERT_EQUAL(hooks.mmio_writes, 1);
	CU_ASSERT_EQUAL(hooks.last_gpa, 0xfee000b0u);
	CU_ASSERT_EQUAL(hooks.ram_writes, 0);
}

static void test_instructions_are_never_fetched_from_devices(void)
{
	struct guest_mem m = hooked();
	struct gmem_fault f;
	uint8_t buf[4];

	CU_ASSERT_EQUAL(gmem_fetch(&m, 0, 0xa000, buf, 4, 0, &f), 0);
	CU_ASSERT_EQUAL(hooks.mmio_reads, 0);
}

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("guest memory door", NULL, NULL);
	CU_add_test(s, "read inside RAM returns RAM bytes",
		    test_read_inside_ram_returns_ram_bytes);
	CU_add_test(s, "write lands in RAM", test_write_lands_in_ram);
	CU_add_test(s, "read into the hole is unbacked at the hole start",
		    test_read_into_hole_is_unbacked_at_hole_start);
	CU_add_test(s, "read beyond RAM is unbacked",
		    test_read_beyond_ram_is_unbacked);
	CU_add_test(s, "a write that cannot complete writes nothing",
		    test_write_that_cannot_complete_writes_nothing);
	CU_add_test(s, "fetch across pages follows the translation",
		    test_fetch_across_pages_follows_translation);
	CU_add_test(s, "fetch stops at a not-present page",
		    test_fetch_stops_at_a_not_present_page);
	CU_add_test(s, "user access to a supervisor page faults with U/S",
		    test_user_access_to_supervisor_page_faults_with_user_bit);
	CU_add_test(s, "fetch wraps at the 4 GiB edge",
		    test_fetch_wraps_at_the_4gib_edge);
	CU_add_test(s, "paging-off fetch past RAM near 4 GiB fetches nothing",
		    test_paging_off_fetch_wraps_to_linear_zero);
	CU_add_test(s, "writes into RAM go through the write hook",
		    test_writes_into_ram_go_through_the_write_hook);
	CU_add_test(s, "accesses outside RAM go to the MMIO hooks",
		    test_accesses_outside_ram_go_to_the_mmio_hooks);
	CU_add_test(s, "instructions are never fetched from devices",
		    test_instructions_are_never_fetched_from_devices);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures != 0;
}
