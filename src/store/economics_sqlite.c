/* The economics report's SQL on SQLite (src/store/economics.h; the text both backends run is in
 * economics_sql.h): spend per channel and month, a row of figures per customer, the cohort
 * margins and the retention programme's cost. An order's gross margin is known when every one of
 * its lines names a product with a unit cost: its total less the sum of quantity (1 when empty or
 * 0, as the frame has it) x unit cost; an order without lines, or with a line of an uncosted
 * product, has none (its total still counts as revenue). A PostgreSQL store's calls go to
 * economics_postgres.c. */
#include <sqlite3.h>

#include "store/economics.h"
#include "store/economics_postgres.h"
#include "store/snapshot.h"
#include "store/stmt.h"

#define DG__ECON_ARG(n) "?" #n
#define DG__ECON_MONTH_OF(day) "(CAST(strftime('%Y', (" day ") * 86400, 'unixepoch') AS " \
    "INTEGER) * 12 + CAST(strftime('%m', (" day ") * 86400, 'unixepoch') AS INTEGER) - 1)"
#define DG__ECON_PERCENT(percents, tier) "json_extract(" percents ", '$.\"' || " tier " || '\"')"
#define DG__ECON_TEXT_ORDER ""
#include "store/economics_sql.h"

typedef struct scan {
    dg__economics_spend_fn spend;
    dg__economics_customer_fn customer;
    dg__economics_cohort_fn cohort;
    dg__economics_unit_cost_fn unit_cost;
    void *ctx;
} scan;

static int spend_row(void *ctx, sqlite3_stmt *st)
{
    scan *c = ctx;
    return c->spend(c->ctx, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1),
                    sqlite3_column_int64(st, 2));
}

int dg__economics_spend(dg_store *s, int32_t as_of, dg__economics_spend_fn fn, void *ctx,
                        dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_economics_spend(dg__store_pg(s), as_of, fn, ctx, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, DG__ECON_SPEND_SQL, &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int(st, 1, as_of);
    scan c = { .spend = fn, .ctx = ctx };
    rc = dg__stmt_each(s, st, spend_row, &c, "reading the marketing spend", err);
    dg__store_statement_done(s, st);
    return rc;
}

/* The parameters at and at + 1 of TIER_DISCOUNT (left NULL: no tier discount). */
static void bind_tiers(sqlite3_stmt *st, int at, const dg__economics_tiers *tiers)
{
    if (tiers && tiers->percents) {
        sqlite3_bind_text(st, at, tiers->percents, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, at + 1, tiers->lowest, -1, SQLITE_STATIC);
    }
}

static int customer_row(void *ctx, sqlite3_stmt *st)
{
    scan *c = ctx;
    dg_economics_customer f = {
        .revenue = sqlite3_column_int64(st, 4),
        .costed_revenue = sqlite3_column_int64(st, 5),
        .gross_margin = sqlite3_column_int64(st, 6),
        .coupon_discounts = sqlite3_column_int64(st, 7),
        .points_burned = sqlite3_column_int64(st, 8),
        .tickets = sqlite3_column_int64(st, 9),
        .tier_discounts = sqlite3_column_int64(st, 10),
    };
    return c->customer(c->ctx, (const char *)sqlite3_column_text(st, 0),
                       (const char *)sqlite3_column_text(st, 1), sqlite3_column_int(st, 2),
                       sqlite3_column_int64(st, 3), &f);
}

int dg__economics_customers(dg_store *s, int32_t as_of, const dg__economics_tiers *tiers,
                            bool with_margins, dg__economics_customer_fn fn, void *ctx,
                            dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_economics_customers(dg__store_pg(s), as_of, tiers, with_margins, fn, ctx,
                                          err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, DG__ECON_CUSTOMERS_SQL(with_margins), &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, ((sqlite3_int64)as_of + 1) * 86400);
    sqlite3_bind_int(st, 2, as_of);
    bind_tiers(st, 3, tiers);
    scan c = { .customer = fn, .ctx = ctx };
    rc = dg__stmt_each(s, st, customer_row, &c, "reading the customers' figures", err);
    dg__store_statement_done(s, st);
    return rc;
}

static int cohort_row(void *ctx, sqlite3_stmt *st)
{
    scan *c = ctx;
    return c->cohort(c->ctx, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1),
                     sqlite3_column_int(st, 2), sqlite3_column_int64(st, 3));
}

int dg__economics_cohorts(dg_store *s, int32_t as_of, dg__economics_cohort_fn fn, void *ctx,
                          dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_economics_cohorts(dg__store_pg(s), as_of, fn, ctx, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, DG__ECON_COHORTS_SQL, &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, ((sqlite3_int64)as_of + 1) * 86400);
    sqlite3_bind_int(st, 2, as_of);
    scan c = { .cohort = fn, .ctx = ctx };
    rc = dg__stmt_each(s, st, cohort_row, &c, "reading the cohort margins", err);
    dg__store_statement_done(s, st);
    return rc;
}

int dg__economics_programme_get(dg_store *s, int32_t from, int32_t to,
                                const dg__economics_tiers *tiers, dg__economics_programme *out,
                                dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_economics_programme_get(dg__store_pg(s), from, to, tiers, out, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, DG__ECON_PROGRAMME_SQL, &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int(st, 1, from);
    sqlite3_bind_int(st, 2, to);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)from * 86400);
    sqlite3_bind_int64(st, 4, ((sqlite3_int64)to + 1) * 86400);
    bind_tiers(st, 5, tiers);
    rc = dg__stmt_step(s, st, "reading the retention programme's cost", err);
    if (rc == 1) {
        out->coupon_discounts = sqlite3_column_int64(st, 0);
        out->points_burned = sqlite3_column_int64(st, 1);
        out->retained = sqlite3_column_int64(st, 2);
        out->tier_discounts = sqlite3_column_int64(st, 3);
        rc = 0;
    }
    dg__store_statement_done(s, st);
    return rc;
}

static int unit_cost_row(void *ctx, sqlite3_stmt *st)
{
    scan *c = ctx;
    return c->unit_cost(c->ctx, (const char *)sqlite3_column_text(st, 0),
                        sqlite3_column_int64(st, 1));
}

int dg__economics_unit_costs(dg_store *s, dg__economics_unit_cost_fn fn, void *ctx,
                             dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_economics_unit_costs(dg__store_pg(s), fn, ctx, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, DG__ECON_UNIT_COSTS_SQL, &st, err);
    if (rc != 0)
        return rc;
    scan c = { .unit_cost = fn, .ctx = ctx };
    rc = dg__stmt_each(s, st, unit_cost_row, &c, "reading the products' unit costs", err);
    dg__store_statement_done(s, st);
    return rc;
}
