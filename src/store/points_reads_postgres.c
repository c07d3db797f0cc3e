/* The points ledger's reads for its reports on a PostgreSQL store (points_sqlite.c hands these
 * a PostgreSQL store's calls): a customer's movements and lots (`points statement`), every lot
 * (`points liability`) and the balances ranked (`points balance --top`), with the SQL of
 * store/points_sql.h; customers tied on a balance in byte order (COLLATE "C"), as on SQLite. */
#include <stdlib.h>

#include "dangol/points.h"
#include "store/points_postgres.h"
#include "store/points_sql.h"

/* A text column, NULL for NULL. */
static const char *text_or_null(const PGresult *res, int r, int c)
{
    return PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c);
}

static int64_t int_at(const PGresult *res, int r, int c)
{
    return strtoll(PQgetvalue(res, r, c), NULL, 10);
}

int dg__pg_points_movements_scan(dg_pg *pg, const char *customer_id, dg__points_row_fn fn,
                                 void *ctx, dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, DG__POINTS_MOVEMENTS_SQL, 1, &customer_id, &res,
                         "reading points movements", err);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++) {
        dg__points_row row = {
            .movement_id = int_at(res, r, 0),
            .customer_id = PQgetvalue(res, r, 1),
            .kind = PQgetvalue(res, r, 2),
            .points = int_at(res, r, 3),
            .occurred_on = (int32_t)int_at(res, r, 4),
            .expires_on = PQgetisnull(res, r, 5) ? DG_POINTS_TODAY : (int32_t)int_at(res, r, 5),
            .reason = text_or_null(res, r, 6),
            .actor = text_or_null(res, r, 7),
            .source_kind = text_or_null(res, r, 8),
            .source_id = text_or_null(res, r, 9),
            .reverses = int_at(res, r, 10),
            .recorded_at = int_at(res, r, 11),
        };
        rc = fn(ctx, &row);
    }
    PQclear(res);
    return rc;
}

int dg__pg_points_lots_scan(dg_pg *pg, const char *customer_id, dg__points_lot_fn fn, void *ctx,
                            dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, customer_id ? DG__POINTS_CUSTOMER_LOTS_SQL : DG__POINTS_ALL_LOTS_SQL,
                         customer_id ? 1 : 0, &customer_id, &res, "reading points lots", err);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++) {
        dg__points_lot lot;
        dg__pg_points_lot_at(res, r, 1, &lot);
        rc = fn(ctx, PQgetvalue(res, r, 0), &lot);
    }
    PQclear(res);
    return rc;
}

int dg__pg_points_ranking(dg_pg *pg, int32_t day, size_t limit, dg__points_rank_fn fn,
                          void *ctx, dg_error *err)
{
    dg__pg_number d, top;
    const char *params[] = { dg__pg_int(d, day), limit ? dg__pg_int(top, (int64_t)limit) : NULL };
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, DG__POINTS_RANKING_SQL("points_lots") " COLLATE \"C\" LIMIT $2", 2, params, &res,
                         "ranking points balances", err);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++)
        rc = fn(ctx, PQgetvalue(res, r, 0), int_at(res, r, 1));
    PQclear(res);
    return rc;
}
