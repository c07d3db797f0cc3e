/* Private to the store: the SQL text of the points ledger that both backends run as it is
 * (points_sqlite.c, points_postgres.c, points_reads_postgres.c); each adds only its ORDER BY
 * (COLLATE "C" on PostgreSQL), its locks, and the expiry sweep's writing, which differs (the
 * movement ids: max + row_number on SQLite, the identity on PostgreSQL). Parameters are $1, $2
 * in order of appearance (SQLite reads them as named parameters, numbered so). */
#ifndef DANGOL_STORE_POINTS_SQL_H
#define DANGOL_STORE_POINTS_SQL_H

#define DG__POINTS_LOT_COLUMNS "lot_id, earned_on, expires_on, points, remaining, expired"

/* An order's ($1) earn: movement_id, customer_id, points, occurred_on, expires_on, reversed. */
#define DG__POINTS_ORDER_EARN_SQL "SELECT e.movement_id, e.customer_id, e.points, " \
    "e.occurred_on, e.expires_on, EXISTS (SELECT 1 FROM points_movements r " \
    "WHERE r.reverses = e.movement_id) FROM points_movements e " \
    "WHERE e.kind = 'earn' AND e.source_kind = 'order' AND e.source_id = $1"

#define DG__POINTS_ORDER_SQL "SELECT customer_id, ordered_at, total FROM orders " \
    "WHERE order_id = $1"
/* Whether customer $2 is in campaign $1's treatment group and the campaign was launched by day
 * $3 (a campaign bonus of the earning rules applies to their order of that day). */
#define DG__POINTS_CAMPAIGN_TREATED_SQL "SELECT count(*) FROM campaign_members m " \
    "JOIN campaigns c ON c.campaign_id = m.campaign_id WHERE m.campaign_id = $1 " \
    "AND m.customer_id = $2 AND m.arm = 'treatment' AND c.launched_on <= $3"
/* An order's ($1) amount by product category (which the earn sums: the order of the
 * categories, a collation's, does not matter). */
#define DG__POINTS_ORDER_CATEGORIES_SQL "SELECT p.category, sum(l.amount) FROM order_lines l " \
    "JOIN products p USING (product_id) WHERE l.order_id = $1 AND p.category IS NOT NULL " \
    "GROUP BY p.category ORDER BY p.category"

/* The lots past their expiry on $1 with points left (is_open: migration 0025), and their
 * count and sum. */
#define DG__POINTS_EXPIRED_WHERE "is_open AND expires_on <= $1"
#define DG__POINTS_EXPIRED_SUMS_SQL "SELECT count(*), coalesce(sum(remaining), 0) " \
    "FROM points_lots WHERE " DG__POINTS_EXPIRED_WHERE
#define DG__POINTS_EXPIRE_LOTS_SQL "UPDATE points_lots SET expired = expired + remaining, " \
    "remaining = 0, is_open = FALSE WHERE " DG__POINTS_EXPIRED_WHERE

/* A customer's ($1) movements and lots, oldest first; every lot with its customer. */
#define DG__POINTS_MOVEMENTS_SQL "SELECT movement_id, customer_id, kind, points, occurred_on, " \
    "expires_on, reason, actor, source_kind, source_id, coalesce(reverses, 0), recorded_at " \
    "FROM points_movements WHERE customer_id = $1 ORDER BY movement_id"
#define DG__POINTS_CUSTOMER_LOTS_SQL "SELECT customer_id, " DG__POINTS_LOT_COLUMNS \
    " FROM points_lots WHERE customer_id = $1 ORDER BY lot_id"
#define DG__POINTS_ALL_LOTS_SQL "SELECT customer_id, " DG__POINTS_LOT_COLUMNS " FROM points_lots"

/* The customers' balances available on day $1, largest first, from the lots read as LOTS (each
 * backend adds how to read them, the customer order and LIMIT $2). */
#define DG__POINTS_RANKING_SQL(lots) "SELECT customer_id, sum(remaining) AS available " \
    "FROM " lots " WHERE is_open AND expires_on > $1 AND earned_on <= $1 " \
    "GROUP BY customer_id ORDER BY available DESC, customer_id"

#endif
