/* host_test.h - the suites of host_test, the unit tests of the `vmm`
 * command (vmm/host/), and what they share.
 */
#ifndef HOST_TEST_H
#define HOST_TEST_H

/* Each adds one CUnit suite to the registry. */
void host_add_elfcheck_suite(void);
void host_add_report_suite(void);
void host_add_qemu_suite(void);
void host_add_verdict_suite(void);
void host_add_options_suite(void);

/* A scratch directory for the test run, made on first use, removed (with
 * what host_tmp_path files are in it) at exit. */
const char *host_tmp_dir(void);

/* Return host_tmp_dir()/NAME in a static buffer (overwritten per call). */
const char *host_tmp_path(const char *name);

#endif
