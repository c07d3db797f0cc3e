/* The staff satisfaction surveys' SQL (src/store/staff_surveys.h, schema/0021_staff_surveys.sql):
 * the per-site summary the service-profit chain reads (one pass over the site index) and the
 * existence check of the API's write (store/staff_surveys_sql.h, which a PostgreSQL store runs
 * too: its calls go to staff_surveys_postgres.c). Every statement binds its values. */
#include "store/snapshot.h"
#include "store/staff_surveys.h"
#include "store/staff_surveys_postgres.h"
#include "store/staff_surveys_sql.h"
#include "store/stmt.h"

typedef struct site_ctx {
    dg__staff_survey_site_fn fn;
    void *ctx;
} site_ctx;

static int site_row(void *ctx, sqlite3_stmt *st)
{
    site_ctx *c = ctx;
    return c->fn(c->ctx, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
                 sqlite3_column_double(st, 2));
}

int dg__staff_survey_sites(dg_store *s, int32_t as_of, dg__staff_survey_site_fn fn, void *ctx,
                           dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_staff_survey_sites(dg__store_pg(s), as_of, fn, ctx, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, DG__STAFF_SURVEY_SITES_SQL(""), &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int(st, 1, as_of);
    site_ctx c = { fn, ctx };
    rc = dg__stmt_each(s, st, site_row, &c, "reading the staff surveys", err);
    dg__store_statement_done(s, st);
    return rc;
}

int dg__staff_survey_exists(dg_store *s, const char *response_id, bool *found, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_staff_survey_exists(dg__store_pg(s), response_id, found, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, DG__STAFF_SURVEY_EXISTS_SQL, &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, response_id, -1, SQLITE_STATIC);
    rc = dg__stmt_step(s, st, "reading a staff survey response", err);
    dg__store_statement_done(s, st);
    *found = rc == 1;
    return rc < 0 ? rc : 0;
}
