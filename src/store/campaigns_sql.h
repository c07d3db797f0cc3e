/* Private to the store: the SQL text of the campaign reports that both backends run as it is
 * (campaigns_sqlite.c, campaigns_postgres.c). A query that ends in ORDER BY a text column is
 * finished by each backend with its byte order of text (nothing on SQLite, COLLATE "C" on
 * PostgreSQL). Parameters are $1, $2 in order of appearance. */
#ifndef DANGOL_STORE_CAMPAIGNS_SQL_H
#define DANGOL_STORE_CAMPAIGNS_SQL_H

#include "store/sql_day.h"

/* A campaign (c) as the list and the card show it, with its members by arm. */
#define DG__CAMPAIGNS_SQL "SELECT c.campaign_id, c.name, c.audience, " \
    "c.control_share_bp / 10000.0, c.offer_kind, " \
    "coalesce(c.coupon_definition, CAST(c.offer_points AS TEXT)), c.channel, c.window_days, " \
    "CASE WHEN c.launched_at IS NULL THEN 'draft' ELSE 'launched' END, c.launched_on, " \
    "(SELECT count(*) FROM campaign_members m WHERE m.campaign_id = c.campaign_id), " \
    "(SELECT count(*) FROM campaign_members m WHERE m.campaign_id = c.campaign_id " \
    "AND m.arm = 'treatment'), " \
    "(SELECT count(*) FROM campaign_members m WHERE m.campaign_id = c.campaign_id " \
    "AND m.arm = 'control') FROM campaigns c "

/* The members of campaign $1 by stratum: members, treatment, control, control share. */
#define DG__CAMPAIGN_STRATA_SQL "SELECT stratum, count(*), " \
    "sum(CASE WHEN arm = 'treatment' THEN 1 ELSE 0 END), " \
    "sum(CASE WHEN arm = 'control' THEN 1 ELSE 0 END), " \
    "avg(CASE WHEN arm = 'control' THEN 1.0 ELSE 0.0 END) " \
    "FROM campaign_members WHERE campaign_id = $1 GROUP BY stratum ORDER BY stratum"

/* The treatment group of campaign $1 to send to: customer, phone, e-mail, code, points. */
#define DG__CAMPAIGN_SEND_SQL "SELECT m.customer_id, c.phone, c.email, m.coupon_code, " \
    "coalesce(p.points, 0) FROM campaign_members m JOIN customers c USING (customer_id) " \
    "LEFT JOIN points_movements p ON p.movement_id = m.points_movement " \
    "WHERE m.campaign_id = $1 AND m.arm = 'treatment' ORDER BY m.customer_id"

/* The members of campaign $1: customer, 1 for control. */
#define DG__CAMPAIGN_MEMBERS_SQL "SELECT customer_id, " \
    "CASE WHEN arm = 'control' THEN 1 ELSE 0 END FROM campaign_members " \
    "WHERE campaign_id = $1 ORDER BY customer_id"

/* The costs of campaign $1: codes, redemptions kept, their discount, the points given. */
#define DG__CAMPAIGN_COSTS_SQL "SELECT count(m.coupon_code), count(r.redemption_id), " \
    "coalesce(sum(r.discount), 0), coalesce(sum(p.points), 0) FROM campaign_members m " \
    "LEFT JOIN coupon_redemptions_kept r ON r.code = m.coupon_code " \
    "LEFT JOIN points_movements p ON p.movement_id = m.points_movement " \
    "WHERE m.campaign_id = $1"

/* Customer $1's campaigns, newest first; $2 is 1 to show coupon codes whole, else their first
 * 3 symbols. */
#define DG__CAMPAIGN_IN_WINDOW "o.customer_id = m.customer_id AND " DG__SQL_DAY_OF("o.ordered_at") \
    " BETWEEN c.launched_on AND c.launched_on + c.window_days - 1"
#define DG__CAMPAIGN_HISTORY_SQL "SELECT c.campaign_id, c.name, c.launched_on, " \
    "c.launched_on + c.window_days - 1, m.arm, m.stratum, c.offer_kind, " \
    "coalesce(c.coupon_definition, CAST(c.offer_points AS TEXT)), " \
    "CASE WHEN m.coupon_code IS NULL THEN NULL WHEN $2 = '1' THEN m.coupon_code " \
    "ELSE substr(m.coupon_code, 1, 3) || '********' END, p.points, " \
    "(SELECT count(*) FROM orders o WHERE " DG__CAMPAIGN_IN_WINDOW "), " \
    "(SELECT coalesce(sum(o.total), 0) FROM orders o WHERE " DG__CAMPAIGN_IN_WINDOW "), " \
    "(SELECT r.redeemed_on FROM coupon_redemptions_kept r WHERE r.code = m.coupon_code) " \
    "FROM campaign_members m JOIN campaigns c USING (campaign_id) " \
    "LEFT JOIN points_movements p ON p.movement_id = m.points_movement " \
    "WHERE m.customer_id = $1 ORDER BY c.launched_on DESC, c.campaign_id"

/* The campaigns launched from day $1 to day $2 with a control group (the economics report's
 * retention beyond control), by id. */
#define DG__CAMPAIGN_CONTROLLED_SQL "SELECT campaign_id FROM campaigns WHERE launched_on " \
    "BETWEEN CAST($1 AS INTEGER) AND CAST($2 AS INTEGER) AND EXISTS (SELECT 1 FROM " \
    "campaign_members m WHERE m.campaign_id = campaigns.campaign_id AND m.arm = 'control') " \
    "ORDER BY campaign_id"

#endif
