/* Customer value survey answers in and out of the store (docs/value.md): one response written
 * through the API (dg_cvalue_record: one transaction, an Idempotency-Key as for points), a CSV
 * import of many (dg_cvalue_import: one transaction, all rows or none, errors at
 * file:line:column, CP949 accepted), and the answers read back for the analyses
 * (dg_cvalue_answers_load). Every answer is checked against the survey: a known item, a whole
 * number inside its scale. */
#ifndef DANGOL_CVALUE_IO_H
#define DANGOL_CVALUE_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/audit.h"
#include "dangol/cvalue.h"
#include "dangol/error.h"
#include "dangol/export.h"
#include "dangol/frame.h"
#include "dangol/ingest.h"
#include "dangol/store.h"

DG_API_BEGIN

#define DG_CVALUE_ID_MAX 128
#define DG_AUDIT_VALUE_RECORD "value.record"   /* audit actions (vocabulary audit_action) */
#define DG_AUDIT_VALUE_IMPORT "value.import"

typedef struct dg_cvalue_answer_in {
    const char *item;              /* item code */
    int answer;
} dg_cvalue_answer_in;

typedef struct dg_cvalue_request {
    const char *response_id, *customer_id;
    int32_t day;                   /* answered_on */
    const dg_cvalue_answer_in *answers;
    size_t n_answers;
    const char *idempotency_key;   /* NULL = none */
    const struct dg_audit_actor *audit; /* who, for the audit trail (dangol/audit.h): the write
                                         * and its entry value.record commit together; NULL: no
                                         * entry */
} dg_cvalue_request;

typedef struct dg_cvalue_result {
    char response_id[DG_CVALUE_ID_MAX];
    size_t answers;
    bool replayed;                 /* the key was seen with this request: nothing written */
} dg_cvalue_result;

/* Records one response in one transaction. DG_EINVAL: an unknown item, an answer off its scale,
 * an item twice, no answer; DG_ENOTFOUND: no such customer; DG_EEXIST: the response id is taken;
 * DG_ECONFLICT: the key was used for another request. */
int dg_cvalue_record(dg_cvalue_result *out, dg_store *store, const dg_cvalue_survey *survey,
                     const dg_cvalue_request *r, dg_error *err);

/* Imports a CSV of responses, one a row: response_id, customer_id, answered_on, then one column
 * per item (named by its code; blank = not answered). Unknown columns, unknown customers, answers
 * off the scale, a response twice in the file: errors at file:line:column, and nothing is
 * written. A response already in the store is replaced whole. opt: encoding, delimiter and
 * max_errors are used. audit (NULL: none): the entry value.import naming every customer whose
 * answers were written commits with them. */
int dg_cvalue_import(dg_store *store, const dg_cvalue_survey *survey, const char *path,
                     const dg_import_options *opt, const struct dg_audit_actor *audit,
                     dg_import_report *report, dg_error *err);

/* Every stored response (of customer_id; NULL: all) answered on or before as_of (DG_DAY_NONE:
 * all) as the survey's answer matrix; answers to items the survey does not have are skipped and
 * counted into *skipped (may be NULL). Caller clears out with dg_cvalue_answers_clear. */
int dg_cvalue_answers_load(dg_cvalue_answers *out, dg_store *store,
                           const dg_cvalue_survey *survey, const char *customer_id,
                           int32_t as_of, size_t *skipped, dg_error *err);

/* ---- the survey in use ----
 * A store may keep its own survey (the text of a survey file, in its settings): the command line
 * without --survey and the API use it; without one, the built-in survey. */
#define DG_CVALUE_SURVEY_TEXT_MAX 65536

/* Checks text as a survey file (errors at name:line:column, nothing stored) and keeps it as the
 * store's survey; text NULL: back to the built-in survey. */
int dg_cvalue_survey_save(dg_store *store, const char *text, const char *name, dg_error *err);
/* The store's survey, else the built-in one; *stored (may be NULL) says which. */
int dg_cvalue_survey_current(dg_cvalue_survey *out, dg_store *store, bool *stored,
                             dg_error *err);

/* ---- the demo's value survey (src/demo/value.c, docs/demo.md) ----
 * Responses to the built-in survey with known effects: each component's true level per
 * response ~ N(mean, 0.8) (means 3.6, 2.9, 3.0, 3.4, 2.6, 2.4, 2.2 in component order), its items = round(level + noise) on 1-5 (noise sd 0.6; social 1.3, so
 * its alpha falls under 0.7), reverse-coded items turned around; repurchase_intent =
 * round(b0 + sum b_k score_k + N(0, 0.5)) on the observed component scores, kept on 1-5, and
 * nps = round(7 + 2.5 (that linear predictor - 3) + N(0, 1.5)) on 0-10. */
#define DG_DEMO_VALUE_TRUE_FUNCTIONAL     0.30
#define DG_DEMO_VALUE_TRUE_EMOTIONAL      0.55
#define DG_DEMO_VALUE_TRUE_SOCIAL         0.10
#define DG_DEMO_VALUE_TRUE_MONEY         -0.40
#define DG_DEMO_VALUE_TRUE_TIME          -0.15
#define DG_DEMO_VALUE_TRUE_EFFORT        -0.05
#define DG_DEMO_VALUE_TRUE_PSYCHOLOGICAL -0.20

/* Writes n responses (ids V0000001, ...) of customers drawn from the store, answered between
 * 540 and 200 days before the store's last day, in one transaction. The store must hold
 * customers and the built-in survey's items. Same seed, same answers. */
int dg_cvalue_demo(dg_store *store, uint64_t seed, size_t n, dg_error *err);

DG_API_END

#endif
