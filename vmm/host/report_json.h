/* report_json.h - a small JSON reader, and with it the report back from
 * the JSON that `vmm run --report-json` writes. See report_json.c.
 */
#ifndef VMM_HOST_REPORT_JSON_H
#define VMM_HOST_REPORT_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "report.h"

enum json_type {
    JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT
};

/* One JSON value. An array or object owns its N children in ITEMS; an
 * object's member names are in KEYS. A number keeps its text in STR (so a
 * 64-bit count stays exact), a string its bytes. */
struct json_value {
    enum json_type type;
    bool truth;                 /* JSON_BOOL */
    char *str;                  /* JSON_NUMBER, JSON_STRING */
    struct json_value *items;
    char **keys;                /* JSON_OBJECT */
    size_t n;
};

/* Parse TEXT, exactly one JSON value with blanks around it, into *V.
 * False (and *V empty) if it is not JSON. Free *V with json_free. */
bool json_parse(const char *text, struct json_value *v);

/* Free what *V owns; V is JSON_NULL afterwards. */
void json_free(struct json_value *v);

/* Member KEY of object V if it is of TYPE, else NULL (also when V is not
 * an object, or is NULL). */
const struct json_value *json_member(const struct json_value *v,
                                     const char *key, enum json_type type);

/* Parse TEXT, one JSON document as verdict_write_json writes it, into R
 * (which must be fresh), and put its "outcome" (poweroff, died, panic,
 * timeout, no-report, ...) in OUTCOME. R is complete when the document
 * carries a monitor's report. False if TEXT is not a JSON object with an
 * "outcome" string. */
bool report_parse_json(struct vmm_report *r, const char *text,
                       char *outcome, size_t outcome_len);

#endif
