/* The customer value answers on a PostgreSQL store (schema/pg/0016_value.sql; the SQLite ones
 * are cvalue_sqlite.c, the SQL both run store/cvalue_sql.h). A response is written under a
 * transaction-scoped lock on its id, so two writers of one response run one after the other: a
 * replacement then removes the answers the first wrote (its DELETE would not see them while
 * they were uncommitted), and a second new write is refused as "already recorded". */
#include <stdlib.h>

#include "store/cvalue_postgres.h"
#include "store/cvalue_sql.h"

#define COLLATE_C " COLLATE \"C\""

int dg__pg_cvalue_response_put(dg_pg *pg, const char *response_id, const char *customer_id,
                               int32_t day, const char *const *items, const int *answers,
                               size_t n, bool replace, int64_t now, dg_error *err)
{
    dg__pg_number on, at, answer;
    const char *params[] = { response_id, customer_id, dg__pg_int(on, day), dg__pg_int(at, now) };
    int rc = dg__pg_lock_request_key(pg, "value_responses", response_id, err);
    if (rc == 0 && replace)
        rc = dg__pg_exec(pg, DG__CVALUE_ANSWERS_DELETE_SQL, 1, params, NULL,
                         "replacing a value response", err);
    if (rc == 0)
        rc = dg__pg_exec(pg, replace ? DG__CVALUE_RESPONSE_UPSERT_SQL
                                     : DG__CVALUE_RESPONSE_INSERT_SQL, 4, params, NULL,
                         "writing a value response", err);
    if (rc == DG_EEXIST)
        return dg_error_set(err, DG_EEXIST, "response \"%s\" is already recorded", response_id);
    for (size_t i = 0; i < n && rc == 0; i++) {
        const char *row[] = { response_id, items[i], customer_id, dg__pg_int(answer, answers[i]) };
        rc = dg__pg_exec(pg, DG__CVALUE_ANSWER_INSERT_SQL, 4, row, NULL,
                         "writing a value answer", err);
    }
    return rc;
}

int dg__pg_cvalue_answers_scan(dg_pg *pg, const char *customer_id, dg__cvalue_answer_fn fn,
                               void *ctx, dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, customer_id
                             ? DG__CVALUE_ANSWERS_SQL(DG__CVALUE_OF_CUSTOMER, COLLATE_C)
                             : DG__CVALUE_ANSWERS_SQL("", COLLATE_C),
                         customer_id ? 1 : 0, &customer_id, &res, "reading value answers", err);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++)
        rc = fn(ctx, PQgetvalue(res, r, 0), PQgetvalue(res, r, 1),
                (int32_t)strtol(PQgetvalue(res, r, 2), NULL, 10), PQgetvalue(res, r, 3),
                atoi(PQgetvalue(res, r, 4)));
    PQclear(res);
    return rc;
}
