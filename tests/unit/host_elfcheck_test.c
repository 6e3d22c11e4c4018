/* host_elfcheck_test.c - vmm refuses every kind of unloadable guest, and
 * says what is wrong with it.
 *
 * Each test writes one guest variant (host_elfgen.c) to a scratch file and
 * asserts elf_check_guest's verdict and the words of its reason.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfcheck.h"
#include "host_elfgen.h"
#include "host_test.h"

#define MEM_BYTES ((uint64_t)ELFGEN_MEM_MIB << 20)

/* Write variant NAME and check it against MEM bytes of guest RAM; the
 * reason lands in ERR. Returns the check's verdict. */
static bool check_variant(const char *name, uint64_t mem, char *err,
                          size_t len)
{
    const char *path = host_tmp_path(name);

    CU_ASSERT_PTR_NOT_NULL_FATAL(elfgen_write(name, path));
    return elf_check_guest(path, mem, err, len);
}

static void test_valid_guest_is_accepted(void)
{
    char err[256] = "unchanged";

    CU_ASSERT_TRUE(check_variant("valid", MEM_BYTES, err, sizeof(err)));
    CU_ASSERT_STRING_EQUAL(err, "");
}

/* Every broken variant in the table is refused with its own reason, in one
 * line. */
static void test_each_broken_guest_is_refused_with_its_reason(void)
{
    char err[256], msg[400];

    for (const struct elf_variant *v = elf_variants; v->name; v++) {
        if (v->expect == NULL)
            continue;
        err[0] = '\0';
        snprintf(msg, sizeof(msg), "variant %s", v->name);
        CU_ASSERT_FALSE(check_variant(v->name, MEM_BYTES, err, sizeof(err)));
        if (strstr(err, v->expect) == NULL || strchr(err, '\n')) {
            fprintf(stderr, "\n  %s: got \"%s\", want \"%s\"\n", v->name, err,
                    v->expect);
            CU_FAIL(msg);
        }
    }
}

/* The RAM limit is the --mem size: the valid guest's segment, which ends
 * 8 KiB past 1 MiB, fits in 2 MiB of RAM but not in 1 MiB. */
static void test_ram_limit_follows_guest_memory_size(void)
{
    char err[256];

    CU_ASSERT_TRUE(check_variant("valid", 2u << 20, err, sizeof(err)));
    CU_ASSERT_FALSE(check_variant("valid", 1u << 20, err, sizeof(err)));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "outside guest RAM"));
}

/* A directory is not a guest. */
static void test_directory_is_refused(void)
{
    char err[256];

    CU_ASSERT_FALSE(elf_check_guest(host_tmp_dir(), MEM_BYTES, err,
                                    sizeof(err)));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a regular file"));
}

/* A tiny error buffer gets a truncated, terminated reason. */
static void test_short_error_buffer_is_terminated(void)
{
    char err[8];

    CU_ASSERT_FALSE(check_variant("elf64", MEM_BYTES, err, sizeof(err)));
    CU_ASSERT_EQUAL(strlen(err), sizeof(err) - 1);
}

void host_add_elfcheck_suite(void)
{
    CU_pSuite s = CU_add_suite("elfcheck", NULL, NULL);

    if (s == NULL)
        exit(2);
    CU_add_test(s, "valid guest is accepted", test_valid_guest_is_accepted);
    CU_add_test(s, "each broken guest is refused with its reason",
                test_each_broken_guest_is_refused_with_its_reason);
    CU_add_test(s, "RAM limit follows the guest memory size",
                test_ram_limit_follows_guest_memory_size);
    CU_add_test(s, "directory is refused", test_directory_is_refused);
    CU_add_test(s, "short error buffer is terminated",
                test_short_error_buffer_is_terminated);
}
