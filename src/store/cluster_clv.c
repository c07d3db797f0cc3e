/* The BTYD summary's per-customer counts on a cluster's nodes (dangol/cluster_clv.h). One
 * GROUP BY customer_id gives each customer's orders, first and last slot, spend and the top
 * order of the first slot; what one pass cannot give (PostgreSQL 15 ships no aggregate over a
 * GROUP BY to the nodes, and count(DISTINCT) sorts every customer's orders, three times slower)
 * comes from a second GROUP BY customer_id, slot that sends only the slots holding more than one
 * order: the orders in them beyond the first are not new slots, and the first slot's spend is
 * that one's or its one order's total. Both are pushed into every partition's foreign scan
 * (test_cluster.sh reads their plans). */
#include <stdio.h>
#include <stdlib.h>

#include "dangol/cluster_clv.h"
#include "dangol/money.h"
#include "store/cluster_aggregate.h"
#include "store/sql_day.h"

#define DAY DG__SQL_DAY_OF("ordered_at")
#define SLOT "($2 - " DAY ") / $3"
#define CALIBRATION "FILTER (WHERE " DAY " <= $2)"
/* a slot of the calibration (>= 0) or, counted the same way after its end, of the holdout (< 0) */
#define KEY "CASE WHEN " DAY " <= $2 THEN " SLOT " ELSE -1 - (" DAY " - $2 - 1) / $3 END"

const char dg_cluster_clv_customers_sql[] =
    "SELECT customer_id, min(" DAY "), count(*) " CALIBRATION ", max(" SLOT ") " CALIBRATION ", "
    "min(" SLOT ") " CALIBRATION ", sum(total) " CALIBRATION ", "
    "max(ARRAY[" SLOT ", total]) " CALIBRATION ", "
    "count(*) FILTER (WHERE " DAY " > $2 AND " DAY " <= $4) "
    "FROM orders WHERE ordered_at < $1 GROUP BY customer_id HAVING min(" DAY ") <= $2";

const char dg_cluster_clv_shared_slots_sql[] =
    "SELECT customer_id, " KEY ", count(*), sum(total) FROM orders "
    "WHERE ordered_at < $1 AND " DAY " <= $4 GROUP BY customer_id, " KEY " HAVING count(*) > 1";

/* The statement's rows, its parameters from period. */
static int run(dg_store *s, const char *sql, const dg_cluster_clv_period *period,
               PGresult **res, dg_error *err)
{
    char until[32], cal[16], slot[16], holdout[16];
    const char *params[4] = { until, cal, slot, holdout };
    snprintf(until, sizeof until, "%lld", ((long long)period->until + 1) * 86400);
    snprintf(cal, sizeof cal, "%ld", (long)period->calibration_end);
    snprintf(slot, sizeof slot, "%ld", (long)period->slot_days);
    snprintf(holdout, sizeof holdout, "%ld", (long)period->holdout_end);
    return dg__cluster_aggregate(s, sql, 4, params, res,
                                 "counting the customers' purchases on the nodes", err);
}

static int range_error(const PGresult *res, int row, dg_error *err)
{
    return dg_error_set(err, DG_ERANGE, "customer \"%s\": a sum of the order amounts overflows "
                        "the money range (" DG_MONEY_SUM_RANGE_TEXT "); check the order amounts",
                        PQgetvalue(res, row, 0));
}

/* Row r of the first statement; false when a number leaves the int64 range. */
static bool row_of(const PGresult *res, int r, dg_cluster_clv_row *row)
{
    int64_t first;
    long long slot, top;
    row->customer_id = PQgetvalue(res, r, 0);
    bool ok = dg__cluster_integer(res, r, 1, &first) &&
              dg__cluster_integer(res, r, 2, &row->orders) &&
              dg__cluster_integer(res, r, 3, &row->first_slot) &&
              dg__cluster_integer(res, r, 4, &row->last_slot) &&
              dg__cluster_integer(res, r, 5, &row->spend_minor) &&
              dg__cluster_integer(res, r, 7, &row->holdout) &&
              sscanf(PQgetvalue(res, r, 6), "{%lld,%lld}", &slot, &top) == 2;
    row->first_day = (int32_t)first;
    row->first_slot_top = ok ? top : 0;
    return ok;
}

int dg_cluster_clv_repeats(dg_store *s, const dg_cluster_clv_period *period,
                           dg_cluster_clv_row_fn row_fn, dg_cluster_clv_slot_fn slot_fn,
                           void *ctx, dg_error *err)
{
    PGresult *res = NULL;
    int rc = run(s, dg_cluster_clv_customers_sql, period, &res, err);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++) {
        dg_cluster_clv_row row;
        rc = row_of(res, r, &row) ? row_fn(ctx, &row) : range_error(res, r, err);
    }
    PQclear(res);
    res = NULL;
    if (rc == 0)
        rc = run(s, dg_cluster_clv_shared_slots_sql, period, &res, err);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++) {
        int64_t slot, orders, spend;
        rc = dg__cluster_integer(res, r, 1, &slot) && dg__cluster_integer(res, r, 2, &orders) &&
                     dg__cluster_integer(res, r, 3, &spend)
                 ? slot_fn(ctx, PQgetvalue(res, r, 0), slot, orders, spend)
                 : range_error(res, r, err);
    }
    PQclear(res);
    return rc;
}
