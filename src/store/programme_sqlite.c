/* The loyalty programme's per-customer aggregates as of a day (src/store/programme.h). The SQL
 * is written once for both backends: its one parameter is $1, which SQLite reads as a named
 * parameter (bound by index 1) and PostgreSQL as its first; a PostgreSQL store's scan goes to
 * programme_postgres.c with the same text. */
#include <sqlite3.h>

#include "store/programme.h"
#include "store/programme_postgres.h"
#include "store/snapshot.h"
#include "store/stmt.h"

static const struct {
    const char *sql, *what;
    int n_values;
    bool text;
} queries[DG__PROGRAMME_N_TABLES] = {
    [DG__PROGRAMME_TIERS] = {
        "SELECT customer_id, to_tier, downgrades FROM ("
        "  SELECT customer_id, to_tier, row_number() OVER (PARTITION BY customer_id "
        "           ORDER BY changed_on DESC, history_id DESC) AS latest, "
        "         sum(CASE WHEN reason = 'upgrade' THEN 0 ELSE 1 END) "
        "           OVER (PARTITION BY customer_id) AS downgrades "
        "  FROM tier_history WHERE changed_on <= $1) h "
        "WHERE latest = 1",
        "reading the tier history", 1, true },
    [DG__PROGRAMME_POINTS] = {
        "SELECT customer_id, sum(points), "
        "       sum(CASE WHEN kind IN ('earn', 'reverse') THEN points ELSE 0 END), "
        "       -sum(CASE WHEN kind = 'burn' THEN points ELSE 0 END), "
        "       -sum(CASE WHEN kind = 'expire' THEN points ELSE 0 END) "
        "FROM points_movements WHERE occurred_on <= $1 GROUP BY customer_id",
        "reading the points ledger", 4, false },
    [DG__PROGRAMME_COUPONS] = {
        "SELECT r.customer_id, count(*), sum(r.discount) FROM coupon_redemptions r "
        "WHERE r.redeemed_on <= $1 AND NOT EXISTS (SELECT 1 FROM order_returns x "
        "      WHERE x.redemption_id = r.redemption_id AND x.returned_on <= $1) "
        "GROUP BY r.customer_id",
        "reading the coupon redemptions", 2, false },
};

typedef struct scan {
    dg__programme_fn fn;
    void *ctx;
    int n_values;
    bool text;
} scan;

static int row(void *ctx, sqlite3_stmt *st)
{
    const scan *sc = ctx;
    int64_t v[DG__PROGRAMME_MAX_VALUES];
    int first = sc->text ? 2 : 1;
    for (int i = 0; i < sc->n_values; i++)
        v[i] = sqlite3_column_int64(st, first + i);
    return sc->fn(sc->ctx, (const char *)sqlite3_column_text(st, 0),
                  sc->text ? (const char *)sqlite3_column_text(st, 1) : NULL, v, sc->n_values);
}

int dg__programme_scan(dg_store *s, dg__programme_table table, int32_t day, dg__programme_fn fn,
                       void *ctx, dg_error *err)
{
    const char *sql = queries[table].sql, *what = queries[table].what;
    scan sc = { fn, ctx, queries[table].n_values, queries[table].text };
    if (dg__store_pg(s))
        return dg__pg_programme_scan(dg__store_pg(s), sql, day, sc.text, sc.n_values, fn, ctx,
                                     what, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, sql, &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int(st, 1, day);
    rc = dg__stmt_each(s, st, row, &sc, what, err);
    dg__store_statement_done(s, st);
    return rc;
}
