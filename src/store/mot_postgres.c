/* The moments of truth on a PostgreSQL store (schema/pg/0014_mot.sql; the SQLite ones are
 * mot_sqlite.c, the scan both run is store/mot_sql.h): visits and ratings written, the last
 * visit day and the analysis's scan. A visit write first takes a transaction-scoped lock on the
 * visit's id, then looks for it: of two writes of one new visit at once the second waits, then
 * finds it written and is refused as under SQLite's one writer at a time (not by the primary
 * key's error). */
#include <stdlib.h>

#include "dangol/frame.h"
#include "store/mot_postgres.h"
#include "store/mot_sql.h"

#define COLLATE_C " COLLATE \"C\""

int dg__pg_mot_visit_exists(dg_pg *pg, const char *visit_id, bool *found, dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_lock_request_key(pg, "mot_visits", visit_id, err);
    if (rc == 0)
        rc = dg__pg_one_row(pg, "SELECT 1 FROM mot_visits WHERE visit_id = $1", 1, &visit_id,
                            &res, "reading a visit", err);
    *found = rc == 1;
    PQclear(res);
    return rc < 0 ? rc : 0;
}

int dg__pg_mot_visit_insert(dg_pg *pg, const char *visit_id, const char *customer_id,
                            int32_t visited_on, int nps, const char *staff_id, dg_error *err)
{
    dg__pg_number day, score;
    const char *params[] = { visit_id, customer_id, dg__pg_int(day, visited_on),
                             nps >= 0 ? dg__pg_int(score, nps) : NULL, staff_id };
    return dg__pg_exec(pg, "INSERT INTO mot_visits (visit_id, customer_id, visited_on, nps, "
                       "staff_id) VALUES ($1, $2, $3, $4, $5)", 5, params, NULL,
                       "writing a visit", err);
}

int dg__pg_mot_rating_insert(dg_pg *pg, const char *visit_id, const char *moment, int score,
                             dg_error *err)
{
    dg__pg_number points;
    const char *params[] = { visit_id, moment, dg__pg_int(points, score) };
    return dg__pg_exec(pg, "INSERT INTO mot_ratings (visit_id, moment, score) VALUES ($1, $2, $3)",
                       3, params, NULL, "writing a rating", err);
}

int dg__pg_mot_last_day(dg_pg *pg, int32_t *day, dg_error *err)
{
    PGresult *res = NULL;
    *day = DG_DAY_NONE;
    int rc = dg__pg_one_row(pg, "SELECT max(visited_on) FROM mot_visits", 0, NULL, &res,
                            "reading the last visit", err);
    if (rc == 1 && !PQgetisnull(res, 0, 0))
        *day = (int32_t)dg__pg_int_at(res, 0);
    PQclear(res);
    return rc < 0 ? rc : 0;
}

int dg__pg_mot_scan(dg_pg *pg, int32_t as_of, int32_t window_days, dg__mot_row_fn fn, void *ctx,
                    dg_error *err)
{
    dg__pg_number window, day;
    const char *params[] = { dg__pg_int(window, window_days), dg__pg_int(day, as_of) };
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, DG__MOT_SCAN_SQL(COLLATE_C), 2, params, &res, "reading the visits",
                         err);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++) {
        dg__mot_row row = {
            .visit_id = PQgetvalue(res, r, 0),
            .customer_id = PQgetvalue(res, r, 1),
            .visited_on = (int32_t)strtol(PQgetvalue(res, r, 2), NULL, 10),
            .nps = PQgetisnull(res, r, 3) ? -1 : atoi(PQgetvalue(res, r, 3)),
            .repurchased = atoi(PQgetvalue(res, r, 4)),
            .moment = PQgetisnull(res, r, 5) ? NULL : PQgetvalue(res, r, 5),
            .score = atoi(PQgetvalue(res, r, 6)),
        };
        rc = fn(ctx, &row);
    }
    PQclear(res);
    return rc;
}
