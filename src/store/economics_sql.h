/* Private to the store: the economics report's SQL (store/economics.h), written once for both
 * backends (economics_sqlite.c, economics_postgres.c). What the dialects spell differently, the
 * including file defines before it includes this header:
 *   DG__ECON_ARG(n)          parameter n: SQLite's ?n, PostgreSQL's $n;
 *   DG__ECON_MONTH_OF(day)   the month number (year * 12 + month - 1) of a day number;
 *   DG__ECON_PERCENT(percents, tier)  the integer percent of the tier named by the SQL
 *                            expression tier in percents, the text of a JSON object
 *                            {"tier": percent, ...};
 *   DG__ECON_TEXT_ORDER      after a text column in ORDER BY: byte order (SQLite's own). */
#ifndef DANGOL_STORE_ECONOMICS_SQL_H
#define DANGOL_STORE_ECONOMICS_SQL_H

#include "store/sql_day.h"

/* A redemption r whose order was not returned or cancelled by the day (schema 0019): a returned
 * order's coupon is no longer a cost. */
#define NOT_RETURNED_BY(day) "NOT EXISTS (SELECT 1 FROM order_returns x WHERE " \
    "x.redemption_id = r.redemption_id AND x.returned_on <= " day ")"

/* The tier discount of order o: its total times the discount percent of the customer's tier on
 * the order's day (the last tier_history change up to that day, else the lowest tier, parameter
 * L), from the percents, parameter P; 0 without one (P NULL: no discounts, or tiers never
 * evaluated), so the lookup only runs when a tier gives a discount. Integer percents, so
 * integer arithmetic on both. */
#define TIER_DISCOUNT(o, P, L) "CASE WHEN CAST(" P " AS TEXT) IS NULL THEN 0 ELSE " o ".total * " \
    "coalesce(" DG__ECON_PERCENT("CAST(" P " AS TEXT)", "coalesce((SELECT h.to_tier FROM " \
    "tier_history h WHERE h.customer_id = " o ".customer_id AND h.changed_on <= " \
    DG__SQL_DAY_OF(o ".ordered_at") " ORDER BY h.changed_on DESC, h.history_id DESC LIMIT 1), " \
    L ")") ", 0) / 100 END"

/* The orders up to ARG(1) (the first second after as_of) with their day, tier discount (the
 * percents ARG(3), the lowest tier ARG(4)) and margin (NULL when
 * not costed; always NULL in ORDERS_UNCOSTED, whose caller takes the margins from the frame's
 * lines, src/report/economics_margin.c). Each step is materialized once: om and fo are read
 * twice. */
#define LINE_COSTS \
    "lc AS MATERIALIZED (SELECT l.order_id, " \
    "                   sum(coalesce(nullif(l.quantity, 0), 1) * p.unit_cost) AS cogs, " \
    "                   count(*) = count(p.unit_cost) AS costed " \
    "            FROM order_lines l JOIN products p ON p.product_id = l.product_id " \
    "            GROUP BY l.order_id), "
#define ORDER_ROWS(margin, join) \
    "om AS MATERIALIZED (SELECT o.customer_id, " DG__SQL_DAY_OF("o.ordered_at") " AS day, " \
    "              o.total, " \
    "              " margin " AS margin, " \
    TIER_DISCOUNT("o", DG__ECON_ARG(3), DG__ECON_ARG(4)) " AS tier_discount " \
    "       FROM orders o " join " WHERE o.ordered_at < " DG__ECON_ARG(1) "), "
#define CUSTOMER_ROWS \
    "fo AS MATERIALIZED (SELECT customer_id, min(day) AS first_day, count(*) AS orders, " \
    "              sum(total) AS revenue, " \
    "              sum(CASE WHEN margin IS NOT NULL THEN total ELSE 0 END) AS costed_revenue, " \
    "              sum(coalesce(margin, 0)) AS margin, sum(tier_discount) AS tier_discount " \
    "       FROM om GROUP BY customer_id), " \
    "acq AS (SELECT c.customer_id, coalesce(c.acquisition_channel, '') AS channel, " \
    "               coalesce(c.acquired_on, fo.first_day) AS acquired_on " \
    "        FROM customers c LEFT JOIN fo ON fo.customer_id = c.customer_id " \
    "        WHERE coalesce(c.acquired_on, fo.first_day) <= " DG__ECON_ARG(2) ") "
#define ORDER_MARGINS \
    "WITH " LINE_COSTS \
    ORDER_ROWS("CASE WHEN lc.costed THEN o.total - lc.cogs END", \
               "LEFT JOIN lc ON lc.order_id = o.order_id") CUSTOMER_ROWS
#define ORDERS_UNCOSTED "WITH " ORDER_ROWS("CAST(NULL AS BIGINT)", "") CUSTOMER_ROWS

/* Marketing spend per channel and month up to ARG(1)'s (dg__economics_spend). */
#define DG__ECON_SPEND_SQL \
    "SELECT acquisition_channel, " DG__ECON_MONTH_OF("month") " AS m, sum(amount) " \
    "FROM marketing_spend WHERE " DG__ECON_MONTH_OF("month") " <= " \
    DG__ECON_MONTH_OF(DG__ECON_ARG(1)) " GROUP BY acquisition_channel, m " \
    "ORDER BY acquisition_channel" DG__ECON_TEXT_ORDER ", m"

/* The customers' figures after ORDER_MARGINS or ORDERS_UNCOSTED: id, channel, acquired_on,
 * orders, revenue, costed revenue, margin, coupon discounts, points burned, tickets, tier
 * discounts. */
#define CUSTOMER_FIGURES \
        "SELECT a.customer_id, a.channel, a.acquired_on, coalesce(fo.orders, 0), " \
        "       coalesce(fo.revenue, 0), coalesce(fo.costed_revenue, 0), coalesce(fo.margin, 0), " \
        "       coalesce(cp.discount, 0), coalesce(pt.burned, 0), coalesce(tk.n, 0), " \
        "       coalesce(fo.tier_discount, 0) " \
        "FROM acq a LEFT JOIN fo ON fo.customer_id = a.customer_id " \
        "LEFT JOIN (SELECT customer_id, sum(discount) AS discount FROM coupon_redemptions r " \
        "           WHERE redeemed_on <= " DG__ECON_ARG(2) " AND " \
        NOT_RETURNED_BY(DG__ECON_ARG(2)) " GROUP BY customer_id) cp " \
        "       ON cp.customer_id = a.customer_id " \
        "LEFT JOIN (SELECT customer_id, -sum(points) AS burned FROM points_movements " \
        "           WHERE kind = 'burn' AND occurred_on <= " DG__ECON_ARG(2) \
        "           GROUP BY customer_id) pt ON pt.customer_id = a.customer_id " \
        "LEFT JOIN (SELECT customer_id, count(*) AS n FROM tickets WHERE opened_at < " \
        DG__ECON_ARG(1) " GROUP BY customer_id) tk ON tk.customer_id = a.customer_id " \
        "ORDER BY a.customer_id" DG__ECON_TEXT_ORDER
#define DG__ECON_CUSTOMERS_SQL(with_margins) \
    ((with_margins) ? ORDER_MARGINS CUSTOMER_FIGURES : ORDERS_UNCOSTED CUSTOMER_FIGURES)

/* Months since the acquisition month of an order (0 for orders before it). */
#define MONTHS_SINCE DG__ECON_MONTH_OF("om.day") " - " DG__ECON_MONTH_OF("a.acquired_on")
#define DG__ECON_COHORTS_SQL ORDER_MARGINS \
    "SELECT a.channel, " DG__ECON_MONTH_OF("a.acquired_on") " AS cohort, " \
    "       CASE WHEN " MONTHS_SINCE " > 0 THEN " MONTHS_SINCE " ELSE 0 END AS since, " \
    "       sum(om.margin) " \
    "FROM acq a JOIN om ON om.customer_id = a.customer_id WHERE om.margin IS NOT NULL " \
    "GROUP BY a.channel, cohort, since ORDER BY a.channel" DG__ECON_TEXT_ORDER ", cohort, since"

/* The programme's cost in the days ARG(1)..ARG(2) (seconds ARG(3)..ARG(4)); the tiers' percents
 * ARG(5), the lowest tier ARG(6). */
#define DG__ECON_PROGRAMME_SQL \
    "SELECT (SELECT coalesce(sum(discount), 0) FROM coupon_redemptions r " \
    "        WHERE redeemed_on BETWEEN " DG__ECON_ARG(1) " AND " DG__ECON_ARG(2) " AND " \
    NOT_RETURNED_BY(DG__ECON_ARG(2)) "), " \
    "       (SELECT coalesce(-sum(points), 0) FROM points_movements " \
    "        WHERE kind = 'burn' AND occurred_on BETWEEN " DG__ECON_ARG(1) " AND " \
    DG__ECON_ARG(2) "), " \
    "       (SELECT count(*) FROM customers c WHERE " \
    "          coalesce(c.acquired_on, (SELECT min(" DG__SQL_DAY_OF("o.ordered_at") ") " \
    "                                   FROM orders o " \
    "                                   WHERE o.customer_id = c.customer_id)) < " \
    DG__ECON_ARG(1) \
    "          AND EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.customer_id " \
    "                      AND o.ordered_at >= " DG__ECON_ARG(3) " AND o.ordered_at < " \
    DG__ECON_ARG(4) ")), " \
    "       (SELECT coalesce(sum(" TIER_DISCOUNT("o", DG__ECON_ARG(5), DG__ECON_ARG(6)) "), 0) " \
    "        FROM orders o WHERE CAST(" DG__ECON_ARG(5) " AS TEXT) IS NOT NULL " \
    "        AND o.ordered_at >= " DG__ECON_ARG(3) \
    "        AND o.ordered_at < " DG__ECON_ARG(4) ")"

#define DG__ECON_UNIT_COSTS_SQL "SELECT product_id, unit_cost FROM products " \
    "WHERE unit_cost IS NOT NULL"

#endif
