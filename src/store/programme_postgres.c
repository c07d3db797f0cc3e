/* The loyalty programme's per-customer aggregates on a PostgreSQL store (store/programme.h):
 * the query programme_sqlite.c gives, its rows handed to the caller as SQLite's are. */
#include <stdlib.h>

#include "store/programme_postgres.h"

int dg__pg_programme_scan(dg_pg *pg, const char *sql, int32_t day, bool text, int n_values,
                          dg__programme_fn fn, void *ctx, const char *what, dg_error *err)
{
    dg__pg_number d;
    const char *params[] = { dg__pg_int(d, day) };
    PGresult *res = NULL;
    int rc = dg__pg_run(pg, sql, 1, params, &res, what, err);
    int first = text ? 2 : 1, rows = rc == 0 ? PQntuples(res) : 0;
    for (int r = 0; rc == 0 && r < rows; r++) {
        int64_t v[DG__PROGRAMME_MAX_VALUES];
        for (int i = 0; i < n_values; i++)
            v[i] = strtoll(PQgetvalue(res, r, first + i), NULL, 10);
        rc = fn(ctx, PQgetvalue(res, r, 0), text ? PQgetvalue(res, r, 1) : NULL, v, n_values);
    }
    PQclear(res);
    return rc;
}
