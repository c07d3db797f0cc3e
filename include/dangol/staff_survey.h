/* Recording one staff satisfaction survey response (docs/staff.md): a response id, the site, the
 * staff member (optional: an anonymous survey counts for its site), the day, one scale for its
 * answers and the answers by item. Checked (ids, a known staff member, every score on the
 * scale, each item once), then written as staff_surveys rows in one transaction; a response
 * recorded already is DG_ECONFLICT, so of two writers of one response exactly one succeeds. */
#ifndef DANGOL_STAFF_SURVEY_H
#define DANGOL_STAFF_SURVEY_H

#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"
#include "dangol/store.h"

DG_API_BEGIN

#define DG_STAFF_SURVEY_MAX_ITEMS 32

typedef struct dg_staff_survey_answer {
    const char *item;
    int score;
} dg_staff_survey_answer;

typedef struct dg_staff_survey_request {
    const char *response_id, *site, *staff_id;   /* staff_id NULL: anonymous */
    int32_t answered_on;
    int scale_min, scale_max;                     /* 0 or 1; 2..DG_STAFF_SURVEY_SCALE_LIMIT */
    const dg_staff_survey_answer *answers;
    size_t n_answers;
} dg_staff_survey_request;

/* DG_EINVAL for a bad request (the message names the field), DG_ENOTFOUND for an unknown staff
 * member, DG_ECONFLICT when the response is recorded already. */
int dg_staff_survey_record(dg_store *store, const dg_staff_survey_request *r, dg_error *err);

DG_API_END

#endif
