/* The coupon reports' queries on a PostgreSQL store (coupons_sqlite.c's dg__coupon_report_*
 * hand them these): the text of store/coupons_sql.h, ordered as SQLite orders it — text by its
 * bytes (COLLATE "C", whatever the database's locale) and codes in the order they were written
 * (ctid, as SQLite's rowid; a code voided since moves to its batch's end, docs/postgresql.md).
 * The runners (dg__pg_coupon_table_fill, dg__pg_coupon_scan) serve the campaign reports too:
 * their rows become table cells of the same kinds as SQLite's: integers, reals (a numeric
 * division) and text. */
#include <stdlib.h>

#include "store/coupons_postgres.h"
#include "store/coupons_sql.h"

/* The column types of the reports' results (PostgreSQL's catalog pg_type). */
enum { BOOL_OID = 16, INT8_OID = 20, INT2_OID = 21, INT4_OID = 23, FLOAT4_OID = 700,
       FLOAT8_OID = 701, NUMERIC_OID = 1700 };

static const char *const report_sql[DG__COUPON_QUERIES] = {
    [DG__COUPON_Q_DEFINITIONS] = DG__COUPON_DEFS_SQL " ORDER BY d.definition_id COLLATE \"C\"",
    [DG__COUPON_Q_DEFINITION] = DG__COUPON_DEFS_SQL " WHERE d.definition_id = $2",
    [DG__COUPON_Q_DEFINITION_CODES] = DG__COUPON_CODES_SQL "WHERE c.definition_id = $2 "
                                      "ORDER BY c.batch, c.ctid",
    [DG__COUPON_Q_CODE] = DG__COUPON_CODES_SQL "WHERE c.code = $2",
    [DG__COUPON_Q_CUSTOMER_CODES] = DG__COUPON_CUSTOMER_SQL
                                    "ORDER BY c.issued_at DESC, c.batch DESC, c.ctid DESC",
    [DG__COUPON_Q_RATES_BY_COUPON] = DG__COUPON_RATES_BY_COUPON_SQL
                                     "ORDER BY d.definition_id COLLATE \"C\"",
    [DG__COUPON_Q_RATES_BY_CAMPAIGN] = DG__COUPON_RATES_BY_CAMPAIGN_SQL
                                       "ORDER BY d.campaign_id IS NULL, "
                                       "d.campaign_id COLLATE \"C\"",
};

static int run(dg_pg *pg, const char *sql, const char *const *params, PGresult **res,
               dg_error *err)
{
    int n = 0;
    while (params && params[n])
        n++;
    return dg__pg_exec(pg, sql, n, params, res, "reading coupons", err);
}

int dg__pg_coupon_table_fill(dg_pg *pg, dg_table *t, const char *sql, const char *const *params,
                             dg_error *err)
{
    PGresult *res = NULL;
    int rc = run(pg, sql, params, &res, err);
    if (rc != 0)
        return rc;
    int rows = PQntuples(res), columns = PQnfields(res);
    for (int r = 0; r < rows; r++) {
        dg_table_add_row(t);
        for (int c = 0; c < columns; c++) {
            if (PQgetisnull(res, r, c))
                continue;
            const char *text = PQgetvalue(res, r, c);
            switch (PQftype(res, c)) {
            case BOOL_OID:
                dg_table_set_int(t, (size_t)c, text[0] == 't');
                break;
            case INT2_OID: case INT4_OID: case INT8_OID:
                dg_table_set_int(t, (size_t)c, strtoll(text, NULL, 10));
                break;
            case FLOAT4_OID: case FLOAT8_OID: case NUMERIC_OID:
                dg_table_set_real(t, (size_t)c, strtod(text, NULL));
                break;
            default:
                dg_table_set_text(t, (size_t)c, text);
                break;
            }
        }
    }
    PQclear(res);
    return 0;
}

int dg__pg_coupon_scan(dg_pg *pg, const char *sql, const char *const *params,
                       dg__coupon_row_fn fn, void *ctx, dg_error *err)
{
    PGresult *res = NULL;
    int rc = run(pg, sql, params, &res, err);
    if (rc != 0)
        return rc;
    int rows = PQntuples(res), columns = PQnfields(res);
    if (columns > DG__COUPON_SCAN_COLUMNS)
        columns = DG__COUPON_SCAN_COLUMNS;
    const char *texts[DG__COUPON_SCAN_COLUMNS];
    int64_t ints[DG__COUPON_SCAN_COLUMNS];
    for (int r = 0; rc == 0 && r < rows; r++) {
        for (int c = 0; c < columns; c++) {
            texts[c] = PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c);
            ints[c] = texts[c] ? strtoll(texts[c], NULL, 10) : 0;
        }
        rc = fn(ctx, texts, ints, columns);
    }
    PQclear(res);
    return rc;
}

int dg__pg_coupon_report_fill(dg_pg *pg, dg_table *t, dg__coupon_query q,
                              const char *const *params, dg_error *err)
{
    return dg__pg_coupon_table_fill(pg, t, report_sql[q], params, err);
}

int dg__pg_coupon_report_scan(dg_pg *pg, dg__coupon_query q, const char *const *params,
                              dg__coupon_row_fn fn, void *ctx, dg_error *err)
{
    return dg__pg_coupon_scan(pg, report_sql[q], params, fn, ctx, err);
}
