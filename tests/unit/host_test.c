/* host_test.c - the unit tests of the `vmm` command: run every suite.
 *
 * Each suite tests one file of vmm/host/ through its header only: the guest
 * check (elfcheck), the report parser (report), the QEMU command line
 * (qemu), the exit status decision (verdict) and option parsing (run).
 * Exits non-zero if any assertion fails.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host_test.h"

static char tmp_dir[256];

/* Remove the scratch directory and every file in it. */
static void remove_tmp_dir(void)
{
    char cmd[300];

    if (tmp_dir[0] == '\0')
        return;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "host_test: could not remove %s\n", tmp_dir);
}

const char *host_tmp_dir(void)
{
    const char *t = getenv("TMPDIR");

    if (tmp_dir[0])
        return tmp_dir;
    snprintf(tmp_dir, sizeof(tmp_dir), "%s/host_test.XXXXXX",
             t && *t ? t : "/tmp");
    if (mkdtemp(tmp_dir) == NULL) {
        perror("host_test: mkdtemp");
        exit(2);
    }
    atexit(remove_tmp_dir);
    return tmp_dir;
}

const char *host_tmp_path(const char *name)
{
    static char path[512];

    snprintf(path, sizeof(path), "%s/%s", host_tmp_dir(), name);
    return path;
}

int main(void)
{
    unsigned failures;

    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    host_add_elfcheck_suite();
    host_add_report_suite();
    host_add_qemu_suite();
    host_add_verdict_suite();
    host_add_options_suite();
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures != 0;
}
