/* The per-customer aggregates a report asks a cluster's nodes for (docs/postgresql.md
 * "Cluster"), so that one row per customer crosses to the coordinator instead of every order:
 * each statement is a GROUP BY customer_id over one distributed table, which the planner pushes
 * into every partition's foreign scan (the node aggregates its own rows; test_cluster.sh reads
 * the plan of these very statements). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "dangol/cluster.h"
#include "store/cluster_aggregate.h"
#include "dangol/money.h"
#include "store/sql_day.h"

const char dg_cluster_order_totals_sql[] =
    "SELECT customer_id, count(*), sum(total), max(ordered_at) FROM orders "
    "WHERE ordered_at < $1 GROUP BY customer_id";

/* The first day of any row the frame dates a customer by (dg_frame_has_customer): the earliest
 * of each table's own per-customer minimum. Partner activities and referrals come after the
 * others: they do not count towards the store's last day, so they alone can be later. */
#define FIRST_DAYS_BEFORE_UNDATED \
    "SELECT customer_id, min(d) FROM (" \
    "SELECT customer_id, " DG__SQL_DAY_OF("min(ordered_at)") " AS d FROM orders GROUP BY 1 " \
    "UNION ALL SELECT customer_id, " DG__SQL_DAY_OF("min(received_at)") " FROM feedback " \
    "GROUP BY 1 " \
    "UNION ALL SELECT customer_id, " DG__SQL_DAY_OF("min(occurred_at)") " FROM interactions " \
    "GROUP BY 1 " \
    "UNION ALL SELECT customer_id, min(answered_on) FROM surveys GROUP BY 1 UNION ALL "
#define FIRST_DAYS_UNDATED \
    "SELECT customer_id, min(occurred_on) AS d FROM partner_activities GROUP BY 1 " \
    "UNION ALL SELECT referrer_id, min(referred_on) FROM referrals GROUP BY 1" \
    ") x GROUP BY customer_id"

const char dg_cluster_first_days_sql[] = FIRST_DAYS_BEFORE_UNDATED FIRST_DAYS_UNDATED;

bool dg_cluster_is(dg_store *s)
{
    dg_pg *pg = dg__store_pg(s);
    return pg && pg->n_nodes > 0;
}

static int cluster_pg(dg_store *s, dg_pg **pg, dg_error *err)
{
    *pg = dg__store_pg(s);
    if (!dg_cluster_is(s))
        return dg_error_set(err, DG_EUNSUPPORTED, "not a cluster store");
    return 0;
}

bool dg__cluster_integer(const PGresult *res, int row, int col, int64_t *out)
{
    errno = 0;
    *out = strtoll(PQgetvalue(res, row, col), NULL, 10);
    return errno == 0;
}

int dg__cluster_aggregate(dg_store *s, const char *sql, int n, const char *const *params,
                          PGresult **res, const char *what, dg_error *err)
{
    dg_pg *pg;
    int rc = cluster_pg(s, &pg, err);
    return rc ? rc : dg__pg_exec(pg, sql, n, params, res, what, err);
}

int dg_cluster_order_totals(dg_store *s, int32_t as_of, dg_cluster_total_fn fn, void *ctx,
                            dg_error *err)
{
    PGresult *res = NULL;
    char until[32];
    const char *params[1] = { until };
    snprintf(until, sizeof until, "%lld", ((long long)as_of + 1) * 86400);
    int rc = dg__cluster_aggregate(s, dg_cluster_order_totals_sql, 1, params, &res,
                                   "aggregating the orders on the nodes", err);
    if (rc != 0)
        return rc;
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        int64_t orders, spend, last;
        if (!dg__cluster_integer(res, r, 2, &spend))
            rc = dg_error_set(err, DG_ERANGE, "customer \"%s\": the total of the orders "
                              "overflows the money range (" DG_MONEY_SUM_RANGE_TEXT "); check "
                              "the order amounts", PQgetvalue(res, r, 0));
        else if (dg__cluster_integer(res, r, 1, &orders) && dg__cluster_integer(res, r, 3, &last))
            rc = fn(ctx, PQgetvalue(res, r, 0), orders, spend, dg_day_of(last));
    }
    PQclear(res);
    return rc;
}

int dg_cluster_first_days(dg_store *s, bool undated_only, dg_cluster_total_fn fn, void *ctx,
                          dg_error *err)
{
    static const char undated[] = "SELECT customer_id, min(d) FROM (" FIRST_DAYS_UNDATED;
    PGresult *res = NULL;
    int rc = dg__cluster_aggregate(s, undated_only ? undated : dg_cluster_first_days_sql, 0, NULL,
                                   &res, "reading the customers' first days on the nodes", err);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++)
        rc = fn(ctx, PQgetvalue(res, r, 0), 0, 0, (int32_t)atol(PQgetvalue(res, r, 1)));
    PQclear(res);
    return rc;
}
