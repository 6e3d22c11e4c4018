/* verdict.c - what happened to the guest, and what vmm should exit with.
 *
 * The problem: four parties can end a run, and each leaves a different trace.
 * The guest powers off by writing V to port 0xf4, which makes QEMU exit with
 * (V << 1) | 1. The monitor writes a report to its log and then powers off
 * (or stops a guest that broke the rules, with a reason). `timeout` ends a
 * guest that runs too long, exiting 124 (or 137 when it had to use SIGKILL).
 * And QEMU can fail on its own: a bad option, or a triple fault in the
 * monitor itself, which -no-reboot turns into a plain exit 0.
 *
 * The approach: trust the most specific evidence first.
 *   1. vmm itself was interrupted: 130, whatever else happened.
 *   2. Monitor mode, complete report: its outcome decides (V, or 71 for a
 *      guest the monitor stopped); QEMU's status only cross-checks it.
 *   3. timeout fired: 124. Status 137 is also what a guest writing 68 to
 *      port 0xf4 produces, so 137 counts as a timeout only once the run has
 *      lasted the whole --timeout.
 *   4. Native mode: an odd status s is the guest's V = s >> 1. (QEMU's own
 *      errors exit with 1, which reads as V = 0; QEMU prints why.)
 *   5. Anything else is a failure (70), with the evidence in the message;
 *      in monitor mode the log is kept, since it shows what the monitor saw.
 */
#include "verdict.h"

#include <string.h>

/* timeout(1)'s own statuses: command timed out; killed with -k's SIGKILL;
 * command found but not runnable; command not found. */
#define TIMEOUT_FIRED   124
#define TIMEOUT_KILLED  137
#define TIMEOUT_NO_EXEC 126
#define TIMEOUT_NO_CMD  127

/* Did timeout stop QEMU? (See point 3 above for why 137 needs the clock.) */
static bool timed_out(const struct qemu_end *end, unsigned timeout_s)
{
    if (!end->exited || timeout_s == 0)
        return false;
    return end->status == TIMEOUT_FIRED ||
           (end->status == TIMEOUT_KILLED && end->seconds >= timeout_s);
}

/* Describe how QEMU ended, e.g. "QEMU exited with status 1", into BUF. */
static void describe_qemu(const struct qemu_end *end, char *buf, size_t len)
{
    if (end->exited)
        snprintf(buf, len, "QEMU exited with status %d", end->status);
    else
        snprintf(buf, len, "QEMU was killed by signal %d (%s)", end->signal,
                 strsignal(end->signal));
}

/* Set the verdict's kind and exit status. */
static void set(struct verdict *v, enum verdict_kind kind, int exit_status)
{
    v->kind = kind;
    v->exit_status = exit_status;
}

/* Point 2: the monitor's complete report decides; cross-check V against
 * QEMU's status when QEMU exited by itself. */
static void decide_from_report(const struct vmm_report *r,
                               const struct qemu_end *end, bool late,
                               unsigned timeout_s, struct verdict *v)
{
    unsigned want = ((r->status << 1) | 1) & 0xff;

    if (r->outcome == OUTCOME_PANIC) {
        set(v, VERDICT_NO_REPORT, VMM_EXIT_NO_REPORT);
        v->keep_log = true;
        snprintf(v->message, sizeof(v->message),
                 "vmm: the monitor failed (a bug in the monitor, not in the "
                 "guest): %s", r->reason);
    } else if (r->outcome == OUTCOME_DIED) {
        set(v, VERDICT_DIED, VMM_EXIT_DIED);
        snprintf(v->message, sizeof(v->message),
                 "vmm: guest stopped by the monitor: %s", r->reason);
        if (r->has_where)
            snprintf(v->message + strlen(v->message),
                     sizeof(v->message) - strlen(v->message),
                     "\nvmm:   at eip 0x%08x, cpl %u: %s", r->eip, r->cpl,
                     *r->insn ? r->insn : "(instruction not decoded)");
    } else {
        set(v, VERDICT_POWEROFF, (int)(r->status & 0xff));
        v->status = r->status;
        if (late)
            snprintf(v->warning, sizeof(v->warning), "vmm: warning: the "
                     "monitor reported, but QEMU was still running after "
                     "%u s and was stopped", timeout_s);
        else if (end->exited && (unsigned)end->status != want)
            snprintf(v->warning, sizeof(v->warning), "vmm: warning: the "
                     "report says poweroff %u, but QEMU exited with status %d "
                     "(expected %u)", r->status, end->status, want);
    }
}

/* Points 4 and 5 in native mode: QEMU's status is all there is. */
static void decide_native(const struct qemu_end *end, struct verdict *v)
{
    char how[128];

    if (end->exited && (end->status & 1)) {
        set(v, VERDICT_POWEROFF, end->status >> 1);
        v->status = (uint32_t)(end->status >> 1);
        return;
    }
    describe_qemu(end, how, sizeof(how));
    set(v, VERDICT_QEMU_FAILED, VMM_EXIT_NO_REPORT);
    snprintf(v->message, sizeof(v->message), "vmm: %s", how);
}

/* Point 5 in monitor mode: no complete report. Status 126/127 is timeout
 * saying it could not run QEMU at all. */
static void decide_no_report(const struct vmm_report *r,
                             const struct qemu_end *end, struct verdict *v)
{
    char how[128];

    if (end->exited && (end->status == TIMEOUT_NO_CMD ||
                        end->status == TIMEOUT_NO_EXEC)) {
        set(v, VERDICT_QEMU_FAILED, VMM_EXIT_UNAVAILABLE);
        snprintf(v->message, sizeof(v->message), "vmm: timeout could not "
                 "run QEMU (status %d)", end->status);
        return;
    }
    describe_qemu(end, how, sizeof(how));
    set(v, VERDICT_NO_REPORT, VMM_EXIT_NO_REPORT);
    v->keep_log = true;
    snprintf(v->message, sizeof(v->message),
             "vmm: %s without a complete report from the monitor (%s): the "
             "monitor crashed, the machine reset, or QEMU failed; see the "
             "monitor's log", how,
             r->in_block ? "the report was cut off" :
             "no report was written");
}

void verdict_decide(bool native, const struct qemu_end *end,
                    const struct vmm_report *r, unsigned timeout_s,
                    struct verdict *v)
{
    bool late = timed_out(end, timeout_s);

    memset(v, 0, sizeof(*v));
    if (end->interrupted) {
        set(v, VERDICT_INTERRUPTED, VMM_EXIT_INTERRUPTED);
        snprintf(v->message, sizeof(v->message), "vmm: interrupted");
    } else if (!native && r->complete) {
        decide_from_report(r, end, late, timeout_s, v);
    } else if (late) {
        set(v, VERDICT_TIMEOUT, VMM_EXIT_TIMEOUT);
        snprintf(v->message, sizeof(v->message),
                 "vmm: guest still running after %u s, stopped", timeout_s);
    } else if (native) {
        decide_native(end, v);
    } else {
        decide_no_report(r, end, v);
    }
}

/* The "outcome" name of each verdict kind in JSON. */
static const char *kind_name(enum verdict_kind k)
{
    switch (k) {
    case VERDICT_POWEROFF:    return "poweroff";
    case VERDICT_DIED:        return "died";
    case VERDICT_TIMEOUT:     return "timeout";
    case VERDICT_NO_REPORT:   return "no-report";
    case VERDICT_QEMU_FAILED: return "qemu-failed";
    default:                  return "interrupted";
    }
}

void verdict_write_json(const struct verdict *v, bool native,
                        const struct qemu_end *end,
                        const struct vmm_report *r, unsigned timeout_s,
                        FILE *out)
{
    fputc('{', out);
    if (!native && (v->kind == VERDICT_POWEROFF || v->kind == VERDICT_DIED)) {
        report_write_json_members(r, out);
    } else {
        fprintf(out, "\"outcome\":\"%s\"", kind_name(v->kind));
        if (v->kind == VERDICT_POWEROFF)
            fprintf(out, ",\"status\":%u", v->status);
        if (v->kind == VERDICT_TIMEOUT)
            fprintf(out, ",\"timeout_s\":%u", timeout_s);
        if (v->kind == VERDICT_NO_REPORT || v->kind == VERDICT_QEMU_FAILED) {
            if (end->exited)
                fprintf(out, ",\"qemu_status\":%d", end->status);
            else
                fprintf(out, ",\"qemu_signal\":%d", end->signal);
        }
    }
    fprintf(out, ",\"mode\":\"%s\"}\n", native ? "native" : "monitor");
}
