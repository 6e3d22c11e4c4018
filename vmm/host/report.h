/* report.h - the monitor's exit report: parse it, print it, write it as JSON.
 *
 * See report.c for the format the monitor writes to its log channel.
 */
#ifndef VMM_HOST_REPORT_H
#define VMM_HOST_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum report_outcome {
    OUTCOME_NONE,               /* no @outcome line seen */
    OUTCOME_POWEROFF,           /* the guest wrote a value to port 0xf4 */
    OUTCOME_DIED,               /* the monitor stopped the guest */
    OUTCOME_PANIC,              /* the monitor itself failed (its bug) */
};

/* One "@exit" or "@insn" line: how often, and how many TSC cycles in all. */
struct report_counter {
    char *name;
    uint64_t count;
    uint64_t cycles;
};

/* One "@stat" line; the value is kept as text (it is usually a number). */
struct report_stat {
    char *name;
    char *value;
};

/* One "@hot" line: a guest instruction address that caused exits. */
struct report_hot {
    uint32_t eip;
    uint64_t count;             /* exits there */
    uint64_t cycles;            /* monitor cycles they cost */
    char *cause;                /* the cause of the latest of them */
};

struct vmm_report {
    bool in_block;              /* parser: between begin and end */
    bool complete;              /* begin, outcome and end all seen */
    enum report_outcome outcome;
    uint32_t status;            /* poweroff value V */
    char *reason;               /* died, panic: the monitor's reason */
    bool has_where;             /* an @where line was seen */
    uint32_t eip;
    unsigned cpl;
    char *insn;                 /* decoded instruction text at eip */
    struct report_counter *exits;
    size_t n_exits;
    struct report_counter *insns;
    size_t n_insns;
    struct report_stat *stats;
    size_t n_stats;
    struct report_hot *hot;     /* the exit profile, in the monitor's order */
    size_t n_hot;
};

/* Reset R to an empty report (no block seen). Call before feeding lines. */
void report_init(struct vmm_report *r);

/* Free everything R owns and reset it to empty. */
void report_free(struct vmm_report *r);

/* Feed one log line (with or without its newline) to the parser. Lines
 * outside a report block, free text, and unknown or malformed '@' lines are
 * ignored; a new @report-begin discards any earlier block. */
void report_feed_line(struct vmm_report *r, const char *line);

/* Parse every line of TEXT (NUL-terminated) into R, which must be fresh. */
void report_parse_string(struct vmm_report *r, const char *text);

/* Parse every line of the stream F into R, which must be fresh. */
void report_parse_stream(struct vmm_report *r, FILE *f);

/* Print R for people: the outcome, then aligned tables of exits by cause
 * and emulated instructions (count, total cycles, cycles per event), then
 * the stats. */
void report_print(const struct vmm_report *r, FILE *out);

/* Print R's exit profile for people: the hottest guest instructions, each
 * with its address, symbol+offset and the instruction itself as the guest
 * ELF GUEST_PATH has them (symbols.c), its exits, cycles and cause; sorted
 * by exits, then those hot only by cycles. Prints nothing if R has no
 * profile; a GUEST_PATH that cannot be read leaves those columns "?". */
void report_print_profile(const struct vmm_report *r, const char *guest_path,
                          FILE *out);

/* Write S as a JSON string literal (quotes included, every control and
 * non-ASCII byte escaped) to OUT. */
void json_write_string(FILE *out, const char *s);

/* Write the members of a complete report R as JSON to OUT, without the
 * enclosing braces: "outcome", then "status" (poweroff) or "reason" and
 * "where" (died), then "exits", "instructions" and "stats", then "hot"
 * (the exit profile: eip, count, cycles, cause) if the report has one. */
void report_write_json_members(const struct vmm_report *r, FILE *out);

#endif
