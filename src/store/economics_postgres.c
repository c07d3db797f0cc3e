/* The economics report on a PostgreSQL store: economics_sql.h's statements in PostgreSQL's
 * spelling (parameters $n, the month of a day through its date, a tier's percent through jsonb,
 * text ordered in byte order as SQLite orders it), their rows handed on as economics_sqlite.c
 * hands SQLite's. Sums of integers come back as numeric text, read as integers. */
#include <stdlib.h>

#include "store/economics_postgres.h"

#define DG__ECON_ARG(n) "$" #n
#define DG__ECON_MONTH_OF(day) "(CAST(EXTRACT(YEAR FROM DATE '1970-01-01' + CAST(" day " AS " \
    "INTEGER)) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM DATE '1970-01-01' + CAST(" day \
    " AS INTEGER)) AS INTEGER) - 1)"
#define DG__ECON_PERCENT(percents, tier) "CAST(CAST(" percents " AS jsonb) ->> (" tier ") AS " \
    "BIGINT)"
#define DG__ECON_TEXT_ORDER " COLLATE \"C\""
#include "store/economics_sql.h"

static int64_t at(const PGresult *res, int r, int c)
{
    return strtoll(PQgetvalue(res, r, c), NULL, 10);
}

int dg__pg_economics_spend(dg_pg *pg, int32_t as_of, dg__economics_spend_fn fn, void *ctx,
                           dg_error *err)
{
    dg__pg_number day;
    const char *params[] = { dg__pg_int(day, as_of) };
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, DG__ECON_SPEND_SQL, 1, params, &res, "reading the marketing spend",
                         err);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++)
        rc = fn(ctx, PQgetvalue(res, r, 0), (int32_t)at(res, r, 1), at(res, r, 2));
    PQclear(res);
    return rc;
}

int dg__pg_economics_customers(dg_pg *pg, int32_t as_of, const dg__economics_tiers *tiers,
                               bool with_margins, dg__economics_customer_fn fn, void *ctx,
                               dg_error *err)
{
    dg__pg_number end, day;
    bool any = tiers && tiers->percents;
    const char *params[] = { dg__pg_int(end, ((int64_t)as_of + 1) * 86400),
                             dg__pg_int(day, as_of), any ? tiers->percents : NULL,
                             any ? tiers->lowest : NULL };
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, DG__ECON_CUSTOMERS_SQL(with_margins), 4, params, &res,
                         "reading the customers' figures", err);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++) {
        dg_economics_customer f = {
            .revenue = at(res, r, 4), .costed_revenue = at(res, r, 5),
            .gross_margin = at(res, r, 6), .coupon_discounts = at(res, r, 7),
            .points_burned = at(res, r, 8), .tickets = at(res, r, 9),
            .tier_discounts = at(res, r, 10),
        };
        rc = fn(ctx, PQgetvalue(res, r, 0), PQgetvalue(res, r, 1), (int32_t)at(res, r, 2),
                at(res, r, 3), &f);
    }
    PQclear(res);
    return rc;
}

int dg__pg_economics_cohorts(dg_pg *pg, int32_t as_of, dg__economics_cohort_fn fn, void *ctx,
                             dg_error *err)
{
    dg__pg_number end, day;
    const char *params[] = { dg__pg_int(end, ((int64_t)as_of + 1) * 86400),
                             dg__pg_int(day, as_of), NULL, NULL };
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, DG__ECON_COHORTS_SQL, 4, params, &res, "reading the cohort margins",
                         err);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++)
        rc = fn(ctx, PQgetvalue(res, r, 0), (int32_t)at(res, r, 1), (int32_t)at(res, r, 2),
                at(res, r, 3));
    PQclear(res);
    return rc;
}

int dg__pg_economics_programme_get(dg_pg *pg, int32_t from, int32_t to,
                                   const dg__economics_tiers *tiers,
                                   dg__economics_programme *out, dg_error *err)
{
    dg__pg_number first, last, start, end;
    bool any = tiers && tiers->percents;
    const char *params[] = { dg__pg_int(first, from), dg__pg_int(last, to),
                             dg__pg_int(start, (int64_t)from * 86400),
                             dg__pg_int(end, ((int64_t)to + 1) * 86400),
                             any ? tiers->percents : NULL, any ? tiers->lowest : NULL };
    PGresult *res = NULL;
    int rc = dg__pg_one_row(pg, DG__ECON_PROGRAMME_SQL, 6, params, &res,
                            "reading the retention programme's cost", err);
    if (rc == 1) {
        out->coupon_discounts = at(res, 0, 0);
        out->points_burned = at(res, 0, 1);
        out->retained = at(res, 0, 2);
        out->tier_discounts = at(res, 0, 3);
        PQclear(res);
        rc = 0;
    }
    return rc;
}

int dg__pg_economics_unit_costs(dg_pg *pg, dg__economics_unit_cost_fn fn, void *ctx,
                                dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, DG__ECON_UNIT_COSTS_SQL, 0, NULL, &res,
                         "reading the products' unit costs", err);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++)
        rc = fn(ctx, PQgetvalue(res, r, 0), at(res, r, 1));
    PQclear(res);
    return rc;
}
