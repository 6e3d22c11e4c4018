/* verdict.h - turn how QEMU ended, and the monitor's report, into vmm's exit
 * status and final words. See verdict.c.
 */
#ifndef VMM_HOST_VERDICT_H
#define VMM_HOST_VERDICT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "qemu.h"
#include "report.h"

/* vmm's own exit statuses (sysexits.h values where one fits). A guest that
 * powers off with V makes vmm exit with V, which may collide with these. */
#define VMM_EXIT_USAGE        64   /* bad command line */
#define VMM_EXIT_BAD_GUEST    65   /* guest or initrd file unusable */
#define VMM_EXIT_UNAVAILABLE  69   /* QEMU, timeout or monitor image missing */
#define VMM_EXIT_NO_REPORT    70   /* monitor failed or no report; QEMU failed */
#define VMM_EXIT_DIED         71   /* the monitor stopped the guest */
#define VMM_EXIT_TIMEOUT     124   /* still running at --timeout */
#define VMM_EXIT_INTERRUPTED 130   /* SIGINT/SIGTERM */

enum verdict_kind {
    VERDICT_POWEROFF,           /* the guest powered off with a status */
    VERDICT_DIED,               /* the monitor stopped the guest */
    VERDICT_TIMEOUT,            /* timeout stopped QEMU */
    VERDICT_NO_REPORT,          /* monitor mode: no complete report */
    VERDICT_QEMU_FAILED,        /* native mode: QEMU ended another way */
    VERDICT_INTERRUPTED,        /* the user stopped vmm */
};

struct verdict {
    enum verdict_kind kind;
    int exit_status;            /* what vmm exits with */
    uint32_t status;            /* POWEROFF: the guest's value V */
    bool keep_log;              /* the log explains a failure: keep it */
    char message[512];          /* for stderr, may hold '\n'; "" if none */
    char warning[256];          /* for stderr; "" if none */
};

/* Decide the verdict of a run: NATIVE or monitor mode, how the child ended
 * (END), the report parsed from the log (R; ignored in native mode), and
 * the --timeout in seconds (0: none). Pure. */
void verdict_decide(bool native, const struct qemu_end *end,
                    const struct vmm_report *r, unsigned timeout_s,
                    struct verdict *v);

/* Write the run's JSON document to OUT: the full report when the monitor
 * wrote one, otherwise the outcome, plus "mode". */
void verdict_write_json(const struct verdict *v, bool native,
                        const struct qemu_end *end,
                        const struct vmm_report *r, unsigned timeout_s,
                        FILE *out);

#endif
