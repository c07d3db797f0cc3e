/* Private to the store: the SQL text of the coupon reports that both backends run as it is
 * (coupons_sqlite.c, coupons_postgres.c); each adds only its ORDER BY (a byte order of text,
 * its own row order: SQLite's rowid, PostgreSQL's ctid). Its parameters are $1, $2, $3 ($1 is
 * today, in days, as text); SQLite binds them by name. */
#ifndef DANGOL_STORE_COUPONS_SQL_H
#define DANGOL_STORE_COUPONS_SQL_H

/* A definition's state from its columns. */
#define DG__COUPON_DEF_STATE "CASE WHEN d.voided_at IS NOT NULL THEN 'voided' " \
    "WHEN d.valid_until < CAST($1 AS BIGINT) THEN 'expired' " \
    "WHEN d.valid_from > CAST($1 AS BIGINT) THEN 'not_yet_valid' ELSE 'active' END"
/* A code redeemed on an order later cancelled or returned reads 'reversed': its redemption no
 * longer counts (docs/coupons.md) and the code cannot be redeemed again. */
#define DG__COUPON_CODE_STATE "CASE WHEN r.code IS NOT NULL AND EXISTS (SELECT 1 FROM " \
    "order_returns x WHERE x.redemption_id = r.redemption_id) THEN 'reversed' " \
    "WHEN r.code IS NOT NULL THEN 'redeemed' " \
    "WHEN c.voided_at IS NOT NULL OR d.voided_at IS NOT NULL THEN 'voided' " \
    "WHEN d.valid_until < CAST($1 AS BIGINT) THEN 'expired' ELSE 'issued' END"

/* The definitions (d) with their state and counts of codes and kept redemptions. */
#define DG__COUPON_DEFS_SQL "SELECT d.definition_id, d.name, d.kind, d.audience, d.amount, " \
    "d.percent_bp / 100.0, d.cap, d.min_spend, d.valid_from, d.valid_until, " \
    "d.per_customer_limit, d.total_limit, d.campaign_id, " DG__COUPON_DEF_STATE ", " \
    "(SELECT count(*) FROM coupon_codes c WHERE c.definition_id = d.definition_id), " \
    "(SELECT count(*) FROM coupon_redemptions_kept r WHERE r.definition_id = d.definition_id) " \
    "FROM coupon_definitions d"

/* The codes (c) with their state and redemption. */
#define DG__COUPON_CODES_SQL "SELECT c.code, c.definition_id, c.customer_id, c.issued_on, " \
    DG__COUPON_CODE_STATE ", r.order_id, r.order_total, r.discount, r.redeemed_on, c.actor, " \
    "coalesce(c.void_reason, d.void_reason) FROM coupon_codes c " \
    "JOIN coupon_definitions d USING (definition_id) " \
    "LEFT JOIN coupon_redemptions r ON r.code = c.code "

/* A customer's ($2) codes; $3 is 1 to show them whole, else their first 3 symbols only. */
#define DG__COUPON_CUSTOMER_SQL "SELECT CASE WHEN $3 = '1' THEN c.code " \
    "ELSE substr(c.code, 1, 3) || '********' END, c.definition_id, d.name, d.kind, d.amount, " \
    "d.percent_bp / 100.0, c.issued_on, d.valid_until, " DG__COUPON_CODE_STATE ", " \
    "r.order_id, r.discount, r.redeemed_on FROM coupon_codes c " \
    "JOIN coupon_definitions d USING (definition_id) " \
    "LEFT JOIN coupon_redemptions r ON r.code = c.code WHERE c.customer_id = $2 "

/* key, campaign (by coupon) or NULL, definitions, issued, redeemed, discount, revenue */
#define DG__COUPON_RATES_BY_COUPON_SQL "SELECT d.definition_id, d.campaign_id, 1, " \
    "(SELECT count(*) FROM coupon_codes c WHERE c.definition_id = d.definition_id), " \
    "count(r.redemption_id), coalesce(sum(r.discount), 0), coalesce(sum(r.order_total), 0) " \
    "FROM coupon_definitions d LEFT JOIN coupon_redemptions_kept r USING (definition_id) " \
    "GROUP BY d.definition_id "
#define DG__COUPON_RATES_BY_CAMPAIGN_SQL "SELECT d.campaign_id, NULL, " \
    "count(DISTINCT d.definition_id), (SELECT count(*) FROM coupon_codes c " \
    "JOIN coupon_definitions e USING (definition_id) " \
    "WHERE e.campaign_id IS NOT DISTINCT FROM d.campaign_id), " \
    "count(r.redemption_id), coalesce(sum(r.discount), 0), coalesce(sum(r.order_total), 0) " \
    "FROM coupon_definitions d LEFT JOIN coupon_redemptions_kept r USING (definition_id) " \
    "GROUP BY d.campaign_id "

#endif
