/* Private to the store: the SQL of cancelled and returned orders that both backends run as it is
 * (returns_sqlite.c, returns_postgres.c). Parameters are $1, $2 in order of appearance (SQLite
 * reads them as named parameters, numbered so). */
#ifndef DANGOL_STORE_RETURNS_SQL_H
#define DANGOL_STORE_RETURNS_SQL_H

/* The return of order $1: customer_id, the reverse movement and its points, the redemption, its
 * code and discount, the coupon policy and the replacement code (0 and '' for none). */
#define DG__ORDER_RETURN_GET_SQL "SELECT x.customer_id, coalesce(x.points_movement_id, 0), " \
    "coalesce(m.points, 0), coalesce(x.redemption_id, 0), coalesce(r.code, ''), " \
    "coalesce(r.discount, 0), coalesce(x.coupon_policy, 'restore'), " \
    "coalesce(x.replacement_code, '') FROM order_returns x " \
    "LEFT JOIN points_movements m ON m.movement_id = x.points_movement_id " \
    "LEFT JOIN coupon_redemptions r ON r.redemption_id = x.redemption_id " \
    "WHERE x.order_id = $1"

#define DG__ORDER_RETURN_INSERT_SQL "INSERT INTO order_returns (order_id, customer_id, " \
    "return_kind, returned_on, points_movement_id, redemption_id, coupon_policy, " \
    "replacement_code, reason, actor, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, " \
    "$9, $10, $11)"

#endif
