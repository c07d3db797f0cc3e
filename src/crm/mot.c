/* Recording a visit of the MOT cycle (include/dangol/mot.h): the request checked against the
 * cycle (moments by code or English or Korean name, scores within their scales, each moment
 * once), then the visit and its ratings written in one BEGIN IMMEDIATE transaction with the
 * idempotency key looked up and remembered inside it, so a retried request writes nothing and
 * two writers of one visit never both succeed. The SQL is in src/store/mot_sqlite.c. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dangol/entity.h"
#include "dangol/mot.h"
#include "dangol/text.h"
#include "dangol/utf8.h"
#include "store/mot.h"

#define FINGERPRINT_MAX 2048

static int valid_moments(const dg_mot_cycle *cycle, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < cycle->n_moments && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? ", " : "",
                                cycle->moments[i].code);
    return 0;
}

/* The checks that need no store; the moments' indexes into index. */
static int check_request(const dg_mot_cycle *cycle, const dg_mot_visit_request *r, int *index,
                         dg_error *err)
{
    if (!r->visit_id || !*r->visit_id || strlen(r->visit_id) >= DG_MOT_ID_MAX ||
        dg_utf8_invalid_at(r->visit_id, strlen(r->visit_id)) != strlen(r->visit_id))
        return dg_error_set(err, DG_EINVAL, "a visit id of 1 to %d bytes is required",
                            DG_MOT_ID_MAX - 1);
    if (!r->customer_id || !*r->customer_id)
        return dg_error_set(err, DG_EINVAL, "a customer id is required");
    if (r->nps < -1 || r->nps > 10)
        return dg_error_set(err, DG_EINVAL, "nps %d: expected 0 to 10", r->nps);
    if (r->n_ratings == 0)
        return dg_error_set(err, DG_EINVAL, "a visit needs at least one rating");
    if (r->n_ratings > cycle->n_moments)
        return dg_error_set(err, DG_EINVAL, "%zu ratings for a cycle of %zu moments",
                            r->n_ratings, cycle->n_moments);
    for (size_t i = 0; i < r->n_ratings; i++) {
        const dg_mot_rating_in *in = &r->ratings[i];
        int m = dg_mot_moment_find(cycle, in->moment);
        if (m < 0) {
            char valid[DG_MOT_MAX_MOMENTS * DG_MOT_CODE_MAX];
            valid_moments(cycle, valid, sizeof valid);
            return dg_error_set(err, DG_EINVAL, "unknown moment \"%s\"; valid: %s",
                                in->moment ? in->moment : "", valid);
        }
        for (size_t j = 0; j < i; j++)
            if (index[j] == m)
                return dg_error_set(err, DG_EINVAL, "moment \"%s\" is rated twice",
                                    cycle->moments[m].code);
        double x;
        int rc = dg_mot_normalise(&x, &cycle->moments[m], in->score, err);
        if (rc != 0)
            return DG_EINVAL;
        index[i] = m;
    }
    return 0;
}

/* The writes inside the transaction. */
static int write_visit(dg_store *store, const dg_mot_cycle *cycle, const dg_mot_visit_request *r,
                       int32_t day, const int *index, dg_error *err)
{
    bool found = false;
    int rc = dg_store_exists(store, dg_entity_find("customers"), r->customer_id, &found, err);
    if (rc == 0 && !found)
        return dg_error_set(err, DG_ENOTFOUND, "no customer \"%s\"", r->customer_id);
    if (rc == 0 && r->staff_id &&
        (rc = dg_store_exists(store, dg_entity_find("staff"), r->staff_id, &found, err)) == 0 &&
        !found)
        return dg_error_set(err, DG_ENOTFOUND, "no staff member \"%s\"", r->staff_id);
    if (rc == 0)
        rc = dg__mot_visit_exists(store, r->visit_id, &found, err);
    if (rc == 0 && found)
        return dg_error_set(err, DG_ECONFLICT, "visit \"%s\" is recorded already", r->visit_id);
    if (rc == 0)
        rc = dg__mot_visit_insert(store, r->visit_id, r->customer_id, day, r->nps, r->staff_id,
                                  err);
    for (size_t i = 0; rc == 0 && i < r->n_ratings; i++)
        rc = dg__mot_rating_insert(store, r->visit_id, cycle->moments[index[i]].code,
                                   r->ratings[i].score, err);
    return rc;
}

int dg_mot_visit_record(dg_mot_visit_result *out, dg_store *store, const dg_mot_cycle *cycle,
                        const dg_mot_visit_request *r, dg_error *err)
{
    memset(out, 0, sizeof *out);
    int index[DG_MOT_MAX_MOMENTS];
    int rc = check_request(cycle, r, index, err);
    if (rc != 0)
        return rc;
    int32_t day = r->visited_on == DG_MOT_TODAY ? dg_day_of((int64_t)time(NULL)) : r->visited_on;
    char fingerprint[FINGERPRINT_MAX];
    size_t len = (size_t)snprintf(fingerprint, sizeof fingerprint, "%s|%s|%s|%d|%d",
                                  r->visit_id, r->customer_id, r->staff_id ? r->staff_id : "",
                                  (int)day, r->nps);
    for (size_t i = 0; i < r->n_ratings && len < sizeof fingerprint; i++)
        len += (size_t)snprintf(fingerprint + len, sizeof fingerprint - len, "|%s=%d",
                                cycle->moments[index[i]].code, (int)r->ratings[i].score);
    snprintf(out->visit_id, sizeof out->visit_id, "%s", r->visit_id);
    out->n_ratings = r->n_ratings;
    const char *key = r->idempotency_key && *r->idempotency_key ? r->idempotency_key : NULL;
    if ((rc = dg_store_begin(store, err)) != 0)
        return rc;
    if (key) {
        char seen[FINGERPRINT_MAX], visit[DG_MOT_ID_MAX];
        rc = dg__mot_request_get(store, key, seen, sizeof seen, visit, sizeof visit, err);
        if (rc == 0) {
            dg_store_rollback(store);
            if (strcmp(seen, fingerprint) != 0)
                return dg_error_set(err, DG_ECONFLICT, "idempotency key \"%s\" was used for "
                                    "another request; use a new key for a new request", key);
            out->replayed = true;
            return 0;
        }
        if (rc != DG_ENOTFOUND)
            goto fail;
    }
    rc = write_visit(store, cycle, r, day, index, err);
    if (rc == 0 && key)
        rc = dg__mot_request_put(store, key, fingerprint, r->visit_id, (int64_t)time(NULL), err);
    if (rc == 0)
        return dg_store_commit(store, err);
fail:
    dg_store_rollback(store);
    return rc;
}
