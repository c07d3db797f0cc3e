/* The staff satisfaction surveys on a PostgreSQL store (schema/pg/0021_staff_surveys.sql; the
 * SQLite side is staff_surveys_sqlite.c, the SQL both run store/staff_surveys_sql.h): the
 * per-site summary of the service-profit chain and the API write's existence check. That check
 * first takes a transaction-scoped lock on the response id, so of two writes of one new response
 * at once the second waits, then finds it recorded and is refused, as under SQLite's one writer
 * at a time. */
#include <stdlib.h>

#include "store/staff_surveys_postgres.h"
#include "store/staff_surveys_sql.h"

int dg__pg_staff_survey_sites(dg_pg *pg, int32_t as_of, dg__staff_survey_site_fn fn, void *ctx,
                              dg_error *err)
{
    dg__pg_number day;
    const char *param = dg__pg_int(day, as_of);
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, DG__STAFF_SURVEY_SITES_SQL(" COLLATE \"C\""), 1, &param, &res,
                         "reading the staff surveys", err);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++)
        rc = fn(ctx, PQgetvalue(res, r, 0), strtoll(PQgetvalue(res, r, 1), NULL, 10),
                strtod(PQgetvalue(res, r, 2), NULL));
    PQclear(res);
    return rc;
}

int dg__pg_staff_survey_exists(dg_pg *pg, const char *response_id, bool *found, dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_lock_request_key(pg, "staff_surveys", response_id, err);
    if (rc == 0)
        rc = dg__pg_one_row(pg, DG__STAFF_SURVEY_EXISTS_SQL, 1, &response_id, &res,
                            "reading a staff survey response", err);
    *found = rc == 1;
    PQclear(res);
    return rc < 0 ? rc : 0;
}
