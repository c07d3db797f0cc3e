/* Recording one customer value survey response (include/dangol/cvalue_io.h): the answers are
 * checked against the survey, then the response, its answers, its idempotency key and its audit
 * entry (value.record) are written in one transaction (BEGIN IMMEDIATE), so concurrent writers
 * never lose or double a response. Also the store's own survey, kept in its settings once it parses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/audit_write.h"
#include "dangol/cvalue_io.h"
#include "dangol/entity.h"
#include "store/cvalue.h"

#define FINGERPRINT_MAX 4096

/* The answers checked against the survey; items[] and answers[] filled for the write. */
static int check(const dg_cvalue_survey *s, const dg_cvalue_request *r, const char **items,
                 int *answers, dg_error *err)
{
    if (!r->response_id || !*r->response_id || strlen(r->response_id) >= DG_CVALUE_ID_MAX)
        return dg_error_set(err, DG_EINVAL, "a response id of 1 to %d bytes is required",
                            DG_CVALUE_ID_MAX - 1);
    if (!r->customer_id || !*r->customer_id)
        return dg_error_set(err, DG_EINVAL, "a customer id is required");
    if (r->day == DG_DAY_NONE)
        return dg_error_set(err, DG_EINVAL, "answered_on is required");
    if (r->n_answers == 0)
        return dg_error_set(err, DG_EINVAL, "no answer: give at least one item's answer");
    if (r->n_answers > DG_CVALUE_MAX_ITEMS)
        return dg_error_set(err, DG_EINVAL, "more answers than the survey has items");
    bool seen[DG_CVALUE_MAX_ITEMS] = { false };
    for (size_t i = 0; i < r->n_answers; i++) {
        const char *code = r->answers[i].item ? r->answers[i].item : "";
        int k = dg_cvalue_item_find(s, code);
        if (k < 0)
            return dg_error_set(err, DG_EINVAL, "answers: unknown item \"%s\" (`dangol value "
                                "items` lists the survey's items)", code);
        const dg_cvalue_item *it = &s->items[k];
        if (seen[k])
            return dg_error_set(err, DG_EINVAL, "answers: item \"%s\" given twice", code);
        seen[k] = true;
        if (r->answers[i].answer < it->min || r->answers[i].answer > it->max)
            return dg_error_set(err, DG_EINVAL, "answers: %s = %d is off its scale %d-%d", code,
                                r->answers[i].answer, it->min, it->max);
        items[i] = it->code;
        answers[i] = r->answers[i].answer;
    }
    return 0;
}

static void fingerprint_of(const dg_cvalue_request *r, char *buf, size_t cap)
{
    size_t len = (size_t)snprintf(buf, cap, "%s|%s|%d", r->response_id, r->customer_id,
                                  (int)r->day);
    for (size_t i = 0; i < r->n_answers && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, "|%s=%d", r->answers[i].item,
                                r->answers[i].answer);
}

int dg_cvalue_record(dg_cvalue_result *out, dg_store *store, const dg_cvalue_survey *survey,
                     const dg_cvalue_request *r, dg_error *err)
{
    memset(out, 0, sizeof *out);
    const char *items[DG_CVALUE_MAX_ITEMS];
    int answers[DG_CVALUE_MAX_ITEMS];
    int rc = check(survey, r, items, answers, err);
    if (rc != 0)
        return rc;
    char fingerprint[FINGERPRINT_MAX];
    fingerprint_of(r, fingerprint, sizeof fingerprint);
    const char *key = r->idempotency_key && *r->idempotency_key ? r->idempotency_key : NULL;
    if ((rc = dg_store_begin(store, err)) != 0)
        return rc;
    if (key) {
        char seen[FINGERPRINT_MAX];
        rc = dg__cvalue_request_get(store, key, seen, sizeof seen, out->response_id,
                                    sizeof out->response_id, err);
        if (rc == 0) {
            dg_store_rollback(store);
            if (strcmp(seen, fingerprint) != 0)
                return dg_error_set(err, DG_ECONFLICT, "idempotency key \"%s\" was used for "
                                    "another request; use a new key for a new request", key);
            out->replayed = true;
            out->answers = r->n_answers;
            return 0;
        }
        if (rc != DG_ENOTFOUND)
            goto fail;
    }
    bool found = false;
    rc = dg_store_exists(store, dg_entity_find("customers"), r->customer_id, &found, err);
    if (rc == 0 && !found)
        rc = dg_error_set(err, DG_ENOTFOUND, "no customer \"%s\"", r->customer_id);
    int64_t now = (int64_t)time(NULL);
    if (rc == 0)
        rc = dg__cvalue_response_put(store, r->response_id, r->customer_id, r->day, items,
                                     answers, r->n_answers, false, now, err);
    if (rc == 0 && key)
        rc = dg__cvalue_request_put(store, key, fingerprint, r->response_id, now, err);
    if (rc == 0)   /* the entry commits with the write; a replayed key wrote neither */
        rc = dg__audit_write(store, r->audit, DG_AUDIT_VALUE_RECORD, &r->customer_id, 1,
                             json_pack("{s:s,s:I}", "response", r->response_id, "answers",
                                       (json_int_t)r->n_answers), err);
    if (rc == 0) {
        snprintf(out->response_id, sizeof out->response_id, "%s", r->response_id);
        out->answers = r->n_answers;
        return dg_store_commit(store, err);
    }
fail:
    dg_store_rollback(store);
    return rc;
}

#define SURVEY_SETTING "value_survey"

int dg_cvalue_survey_save(dg_store *store, const char *text, const char *name, dg_error *err)
{
    if (!text)
        return dg_store_setting_set(store, SURVEY_SETTING, "", err);
    if (strlen(text) >= DG_CVALUE_SURVEY_TEXT_MAX)
        return dg_error_set(err, DG_EINVAL, "%s: a survey file of at most %d bytes is kept", name,
                            DG_CVALUE_SURVEY_TEXT_MAX - 1);
    dg_cvalue_survey *s = malloc(sizeof *s);
    if (!s)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    int rc = dg_cvalue_survey_parse(s, text, name, err);
    free(s);
    return rc == 0 ? dg_store_setting_set(store, SURVEY_SETTING, text, err) : rc;
}

int dg_cvalue_survey_current(dg_cvalue_survey *out, dg_store *store, bool *stored,
                             dg_error *err)
{
    char *text = malloc(DG_CVALUE_SURVEY_TEXT_MAX);
    if (stored)
        *stored = false;
    if (!text)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    int rc = dg_store_setting_get(store, SURVEY_SETTING, text, DG_CVALUE_SURVEY_TEXT_MAX, err);
    if (rc == 0 && text[0]) {
        rc = dg_cvalue_survey_parse(out, text, "the store's value survey", err);
        if (stored)
            *stored = rc == 0;
    } else if (rc == 0 || rc == DG_ENOTFOUND) {
        rc = dg_cvalue_survey_default(out, err);
    }
    free(text);
    return rc;
}
