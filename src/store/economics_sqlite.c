/* The economics report's SQL (src/store/economics.h): spend per channel and month, a row of
 * figures per customer, the cohort margins and the retention programme's cost. An order's gross
 * margin is known when every one of its lines names a product with a unit cost: its total less
 * the sum of quantity (1 when empty or 0, as the frame has it) x unit cost; an order without
 * lines, or with a line of an uncosted product, has none (its total still counts as revenue). */
#include <sqlite3.h>

#include "store/economics.h"
#include "store/snapshot.h"
#include "store/sql_day.h"
#include "store/stmt.h"

/* The day of a UTC timestamp (floor division) and the month number of a day. */
/* A redemption r whose order was not returned or cancelled by the day (schema 0019): a returned
 * order's coupon is no longer a cost. */
#define NOT_RETURNED_BY(day) "NOT EXISTS (SELECT 1 FROM order_returns x WHERE " \
    "x.redemption_id = r.redemption_id AND x.returned_on <= " day ")"
#define MONTH_OF(day) "(CAST(strftime('%Y', (" day ") * 86400, 'unixepoch') AS INTEGER) * 12 + " \
                      "CAST(strftime('%m', (" day ") * 86400, 'unixepoch') AS INTEGER) - 1)"

/* The tier discount of order o: its total times the discount percent of the customer's tier on
 * the order's day (the last tier_history change up to that day, else the lowest tier ?8), from
 * the JSON object ?7 {"tier": percent, ...}; 0 without one (?7 NULL: no discounts, or tiers never
 * evaluated), so the lookup only runs when a tier gives a discount. */
#define TIER_DISCOUNT(o) "CASE WHEN ?7 IS NULL THEN 0 ELSE " o ".total * coalesce(json_extract(?7, " \
    "'$.\"' || coalesce((SELECT h.to_tier FROM tier_history h WHERE h.customer_id = " o \
    ".customer_id AND h.changed_on <= " DG__SQL_DAY_OF(o ".ordered_at") \
    " ORDER BY h.changed_on DESC, h.history_id DESC LIMIT 1), ?8) || '\"'), 0) / 100 END"

/* The orders up to ?1 (the first second after as_of) with their day and margin (NULL when not
 * costed; always NULL in ORDERS_UNCOSTED, whose caller takes the margins from the frame's lines,
 * src/report/economics_margin.c). Each step is materialized once: om and fo are read twice. */
#define LINE_COSTS \
    "lc AS MATERIALIZED (SELECT l.order_id, " \
    "                   sum(coalesce(nullif(l.quantity, 0), 1) * p.unit_cost) AS cogs, " \
    "                   count(*) = count(p.unit_cost) AS costed " \
    "            FROM order_lines l JOIN products p ON p.product_id = l.product_id " \
    "            GROUP BY l.order_id), "
#define ORDER_ROWS(margin, join) \
    "om AS MATERIALIZED (SELECT o.customer_id, " DG__SQL_DAY_OF("o.ordered_at") " AS day, " \
    "              o.total, " \
    "              " margin " AS margin, " TIER_DISCOUNT("o") " AS tier_discount " \
    "       FROM orders o " join " WHERE o.ordered_at < ?1), "
#define CUSTOMER_ROWS \
    "fo AS MATERIALIZED (SELECT customer_id, min(day) AS first_day, count(*) AS orders, " \
    "              sum(total) AS revenue, " \
    "              sum(CASE WHEN margin IS NOT NULL THEN total ELSE 0 END) AS costed_revenue, " \
    "              sum(coalesce(margin, 0)) AS margin, sum(tier_discount) AS tier_discount " \
    "       FROM om GROUP BY customer_id), " \
    "acq AS (SELECT c.customer_id, coalesce(c.acquisition_channel, '') AS channel, " \
    "               coalesce(c.acquired_on, fo.first_day) AS acquired_on " \
    "        FROM customers c LEFT JOIN fo ON fo.customer_id = c.customer_id " \
    "        WHERE coalesce(c.acquired_on, fo.first_day) <= ?2) "
#define ORDER_MARGINS \
    "WITH " LINE_COSTS \
    ORDER_ROWS("CASE WHEN lc.costed THEN o.total - lc.cogs END", \
               "LEFT JOIN lc ON lc.order_id = o.order_id") CUSTOMER_ROWS
#define ORDERS_UNCOSTED "WITH " ORDER_ROWS("NULL", "") CUSTOMER_ROWS

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
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "SELECT acquisition_channel, " MONTH_OF("month") " AS m, "
                                 "sum(amount) "
                                 "FROM marketing_spend WHERE m <= " MONTH_OF("?1") " "
                                 "GROUP BY acquisition_channel, m "
                                 "ORDER BY acquisition_channel, m", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int(st, 1, as_of);
    scan c = { .spend = fn, .ctx = ctx };
    rc = dg__stmt_each(s, st, spend_row, &c, "reading the marketing spend", err);
    dg__store_statement_done(s, st);
    return rc;
}

/* ?7 and ?8 of TIER_DISCOUNT (left NULL: no tier discount). */
static void bind_tiers(sqlite3_stmt *st, const dg__economics_tiers *tiers)
{
    if (tiers && tiers->percents) {
        sqlite3_bind_text(st, 7, tiers->percents, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 8, tiers->lowest, -1, SQLITE_STATIC);
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

/* The customers' figures after ORDER_MARGINS or ORDERS_UNCOSTED. */
#define CUSTOMER_FIGURES \
        "SELECT a.customer_id, a.channel, a.acquired_on, coalesce(fo.orders, 0), " \
        "       coalesce(fo.revenue, 0), coalesce(fo.costed_revenue, 0), coalesce(fo.margin, 0), " \
        "       coalesce(cp.discount, 0), coalesce(pt.burned, 0), coalesce(tk.n, 0), " \
        "       coalesce(fo.tier_discount, 0) " \
        "FROM acq a LEFT JOIN fo ON fo.customer_id = a.customer_id " \
        "LEFT JOIN (SELECT customer_id, sum(discount) AS discount FROM coupon_redemptions r " \
        "           WHERE redeemed_on <= ?2 AND " NOT_RETURNED_BY("?2") " GROUP BY customer_id) cp " \
        "       ON cp.customer_id = a.customer_id " \
        "LEFT JOIN (SELECT customer_id, -sum(points) AS burned FROM points_movements " \
        "           WHERE kind = 'burn' AND occurred_on <= ?2 GROUP BY customer_id) pt " \
        "       ON pt.customer_id = a.customer_id " \
        "LEFT JOIN (SELECT customer_id, count(*) AS n FROM tickets WHERE opened_at < ?1 " \
        "           GROUP BY customer_id) tk ON tk.customer_id = a.customer_id " \
        "ORDER BY a.customer_id"

int dg__economics_customers(dg_store *s, int32_t as_of, const dg__economics_tiers *tiers,
                            bool with_margins, dg__economics_customer_fn fn, void *ctx,
                            dg_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, with_margins ? ORDER_MARGINS CUSTOMER_FIGURES
                                                 : ORDERS_UNCOSTED CUSTOMER_FIGURES, &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, ((sqlite3_int64)as_of + 1) * 86400);
    sqlite3_bind_int(st, 2, as_of);
    bind_tiers(st, tiers);
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
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, ORDER_MARGINS
        "SELECT a.channel, " MONTH_OF("a.acquired_on") " AS cohort, "
        "       max(0, " MONTH_OF("om.day") " - " MONTH_OF("a.acquired_on") ") AS since, "
        "       sum(om.margin) "
        "FROM acq a JOIN om ON om.customer_id = a.customer_id WHERE om.margin IS NOT NULL "
        "GROUP BY a.channel, cohort, since ORDER BY a.channel, cohort, since", &st, err);
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
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s,
        "SELECT (SELECT coalesce(sum(discount), 0) FROM coupon_redemptions r "
        "        WHERE redeemed_on BETWEEN ?1 AND ?2 AND " NOT_RETURNED_BY("?2") "), "
        "       (SELECT coalesce(-sum(points), 0) FROM points_movements "
        "        WHERE kind = 'burn' AND occurred_on BETWEEN ?1 AND ?2), "
        "       (SELECT count(*) FROM customers c WHERE "
        "          coalesce(c.acquired_on, (SELECT min(" DG__SQL_DAY_OF("o.ordered_at") ") "
        "                                   FROM orders o "
        "                                   WHERE o.customer_id = c.customer_id)) < ?1 "
        "          AND EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.customer_id "
        "                      AND o.ordered_at >= ?3 AND o.ordered_at < ?4)), "
        "       (SELECT coalesce(sum(" TIER_DISCOUNT("o") "), 0) FROM orders o "
        "        WHERE ?7 IS NOT NULL AND o.ordered_at >= ?3 AND o.ordered_at < ?4)", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int(st, 1, from);
    sqlite3_bind_int(st, 2, to);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)from * 86400);
    sqlite3_bind_int64(st, 4, ((sqlite3_int64)to + 1) * 86400);
    bind_tiers(st, tiers);
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
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "SELECT product_id, unit_cost FROM products "
                                 "WHERE unit_cost IS NOT NULL", &st, err);
    if (rc != 0)
        return rc;
    scan c = { .unit_cost = fn, .ctx = ctx };
    rc = dg__stmt_each(s, st, unit_cost_row, &c, "reading the products' unit costs", err);
    dg__store_statement_done(s, st);
    return rc;
}
