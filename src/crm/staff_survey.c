/* Recording one staff satisfaction survey response (include/dangol/staff_survey.h): the request
 * checked as an imported row is (each answer a staff_surveys row through the catalog's parsers
 * and its row rule), then the answers written in one transaction after the response id is
 * found unused inside it. */
#include <stdio.h>
#include <string.h>

#include "dangol/entity.h"
#include "dangol/frame.h"
#include "dangol/staff_survey.h"
#include "store/staff_surveys.h"

enum { COL_RESPONSE, COL_ITEM, COL_SITE, COL_STAFF, COL_DAY, COL_SCORE, COL_MIN, COL_MAX, N_COLS };

static dg_value text_value(const char *s)
{
    return s ? (dg_value){ .u.s = s } : (dg_value){ .is_null = true };
}

/* The row of answer i; DG_EINVAL naming what is wrong. */
static int answer_row(const dg_entity *e, const dg_staff_survey_request *r, size_t i,
                      dg_value *row, dg_error *err)
{
    const dg_staff_survey_answer *a = &r->answers[i];
    row[COL_RESPONSE] = text_value(r->response_id);
    row[COL_ITEM] = text_value(a->item);
    row[COL_SITE] = text_value(r->site);
    row[COL_STAFF] = text_value(r->staff_id);
    row[COL_DAY] = (dg_value){ .u.i = r->answered_on };
    row[COL_SCORE] = (dg_value){ .u.i = a->score };
    row[COL_MIN] = (dg_value){ .u.i = r->scale_min };
    row[COL_MAX] = (dg_value){ .u.i = r->scale_max };
    for (size_t c = 0; c < N_COLS; c++) {
        const dg_column *col = &e->columns[c];
        if (row[c].is_null || (col->type == DG_TYPE_TEXT && !*row[c].u.s)) {
            if (col->required)
                return dg_error_set(err, DG_EINVAL, "%s is required", col->name);
            row[c] = (dg_value){ .is_null = true };
        } else if (col->type == DG_TYPE_INT && (row[c].u.i < col->min || row[c].u.i > col->max)) {
            return dg_error_set(err, DG_EINVAL, "%s %lld is outside %lld-%lld", col->name,
                                (long long)row[c].u.i, (long long)col->min,
                                (long long)col->max);
        }
    }
    size_t bad;
    char why[160];
    if (e->check_row(row, &bad, why, sizeof why) != 0)
        return dg_error_set(err, DG_EINVAL, "answers.%s: %s", a->item, why);
    for (size_t j = 0; j < i; j++)
        if (strcmp(r->answers[j].item, a->item) == 0)
            return dg_error_set(err, DG_EINVAL, "answers: item \"%s\" given twice", a->item);
    return 0;
}

int dg_staff_survey_record(dg_store *store, const dg_staff_survey_request *r, dg_error *err)
{
    const dg_entity *e = dg_entity_find("staff_surveys");
    dg_value rows[DG_STAFF_SURVEY_MAX_ITEMS][N_COLS];
    if (r->n_answers == 0 || r->n_answers > DG_STAFF_SURVEY_MAX_ITEMS)
        return dg_error_set(err, DG_EINVAL, "answers: 1 to %d items required",
                            DG_STAFF_SURVEY_MAX_ITEMS);
    if (r->answered_on == DG_DAY_NONE)
        return dg_error_set(err, DG_EINVAL, "answered_on is required");
    for (size_t i = 0; i < r->n_answers; i++) {
        int rc = answer_row(e, r, i, rows[i], err);
        if (rc != 0)
            return rc;
    }
    int rc = dg_store_begin(store, err);
    if (rc != 0)
        return rc;
    bool found = false;
    if (r->staff_id && *r->staff_id &&
        (rc = dg_store_exists(store, dg_entity_find("staff"), r->staff_id, &found, err)) == 0 &&
        !found)
        rc = dg_error_set(err, DG_ENOTFOUND, "no staff member \"%s\"", r->staff_id);
    if (rc == 0 && (rc = dg__staff_survey_exists(store, r->response_id, &found, err)) == 0 &&
        found)
        rc = dg_error_set(err, DG_ECONFLICT, "staff survey response \"%s\" is recorded already",
                          r->response_id);
    for (size_t i = 0; rc == 0 && i < r->n_answers; i++)
        rc = dg_store_insert(store, e, rows[i], err);
    if (rc == 0)
        return dg_store_commit(store, err);
    dg_store_rollback(store);
    return rc;
}
