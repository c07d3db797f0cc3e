/* Private to the store: the moments of truth's scan, the SQL both backends run as it is
 * (mot_sqlite.c, mot_postgres.c): the visits on or before $2 joined to their ratings, with the
 * repurchase flag of a $1-day window (store/mot.h, dg__mot_scan). Its order is finished by each
 * backend with its byte order of text, C (nothing on SQLite, COLLATE "C" on PostgreSQL). */
#ifndef DANGOL_STORE_MOT_SQL_H
#define DANGOL_STORE_MOT_SQL_H

#define DG__MOT_SCAN_SQL(C) "WITH v AS MATERIALIZED (SELECT visit_id, customer_id, visited_on, " \
    "nps, CASE WHEN visited_on + $1 > $2 THEN -1 " \
    "WHEN EXISTS (SELECT 1 FROM mot_visits x WHERE x.customer_id = mv.customer_id " \
    "AND x.visited_on > mv.visited_on AND x.visited_on <= mv.visited_on + $1) " \
    "OR EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = mv.customer_id " \
    "AND o.ordered_at >= (mv.visited_on + 1) * 86400 " \
    "AND o.ordered_at < (mv.visited_on + $1 + 1) * 86400) THEN 1 ELSE 0 END AS back " \
    "FROM mot_visits mv WHERE visited_on <= $2) " \
    "SELECT v.visit_id, v.customer_id, v.visited_on, v.nps, v.back, r.moment, r.score " \
    "FROM v LEFT JOIN mot_ratings r ON r.visit_id = v.visit_id " \
    "ORDER BY v.visit_id" C ", r.moment" C

#endif
