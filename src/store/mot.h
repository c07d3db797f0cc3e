/* Private to the library: the SQL of the moments of truth (src/store/mot_sqlite.c,
 * schema/0014_mot.sql), which the visit writes (src/crm/mot.c) and the MOT reports
 * (src/report/mot.c) call inside the transactions they open. Nothing here decides a rule. */
#ifndef DANGOL_STORE_MOT_H
#define DANGOL_STORE_MOT_H

#include <stdbool.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/store.h"

/* Whether visit_id is stored. */
int dg__mot_visit_exists(dg_store *s, const char *visit_id, bool *found, dg_error *err);
/* Appends a visit (nps < 0: none; staff_id may be NULL) and its ratings. */
int dg__mot_visit_insert(dg_store *s, const char *visit_id, const char *customer_id,
                         int32_t visited_on, int nps, const char *staff_id, dg_error *err);
int dg__mot_rating_insert(dg_store *s, const char *visit_id, const char *moment, int score,
                          dg_error *err);

/* A stored idempotency key's fingerprint and visit (DG_ENOTFOUND for a new key), and
 * remembering one. */
int dg__mot_request_get(dg_store *s, const char *key, char *fingerprint, size_t cap,
                        char *visit_id, size_t visit_cap, dg_error *err);
int dg__mot_request_put(dg_store *s, const char *key, const char *fingerprint,
                        const char *visit_id, int64_t now, dg_error *err);

/* The last visit day (DG_DAY_NONE when there is none). */
int dg__mot_last_day(dg_store *s, int32_t *day, dg_error *err);

/* One row per (visit, rating) of the visits on or before as_of, by visit id: a visit with no
 * rating comes once with moment NULL. repurchased: 1 when the customer has another visit or an
 * order within (visited_on, visited_on + window_days], 0 when not, -1 when that window is not
 * over on as_of. */
typedef struct dg__mot_row {
    const char *visit_id, *customer_id;
    int32_t visited_on;
    int nps;                       /* -1: no answer */
    int repurchased;
    const char *moment;            /* NULL: the visit rated nothing */
    int score;
} dg__mot_row;
typedef int (*dg__mot_row_fn)(void *ctx, const dg__mot_row *row);
int dg__mot_scan(dg_store *s, int32_t as_of, int32_t window_days, dg__mot_row_fn fn, void *ctx,
                 dg_error *err);

#endif
