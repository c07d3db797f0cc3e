/* Cancelled and returned orders on a PostgreSQL store (schema/pg/0019_order_returns.sql), so an
 * order can be returned there as on SQLite (returns_sqlite.c hands these the calls of a
 * PostgreSQL store; the service's steps, src/crm/order_return.c, stay shared). Inside the
 * return's write transaction the order is locked before its return is looked up
 * (dg__pg_order_customer): a second return of the same order waits for the first to commit,
 * then reads its row and is refused as returned already, as under SQLite's one writer at a
 * time; the points reversal then locks the order's earn (points_postgres.c). */
#include <stdio.h>
#include <string.h>

#include "dangol/order_return.h"
#include "store/returns_postgres.h"
#include "store/returns_sql.h"

int dg__pg_order_return_get(dg_pg *pg, const char *order_id, dg_order_return_result *out,
                            dg_error *err)
{
    char customer[DG_COUPON_ID_MAX];
    /* locked in a statement of its own, so that the read below (a new snapshot under READ
     * COMMITTED) sees a return committed while this one waited; on a cluster the coordinator's
     * lock of the order comes first, before any node is read (dg__pg_lock_cluster_key) */
    int rc = dg__pg_lock_cluster_key(pg, DG__PG_ORDER_LOCK, order_id, "locking an order", err);
    if (rc == 0 && *dg__pg_lock_clause(pg))
        rc = dg__pg_order_customer(pg, order_id, true, customer, sizeof customer, err);
    if (rc == DG_ENOTFOUND)   /* no order, so no return: the caller names the order */
        dg_error_clear(err);
    if (rc != 0)
        return rc;
    PGresult *res = NULL;
    rc = dg__pg_one_row(pg, DG__ORDER_RETURN_GET_SQL, 1, &order_id, &res,
                        "reading an order return", err);
    if (rc <= 0)
        return rc == 0 ? DG_ENOTFOUND : rc;
    memset(out, 0, sizeof *out);
    snprintf(out->customer_id, sizeof out->customer_id, "%s", PQgetvalue(res, 0, 0));
    out->points_movement_id = dg__pg_int_at(res, 1);
    out->points = dg__pg_int_at(res, 2);
    out->redemption_id = dg__pg_int_at(res, 3);
    snprintf(out->coupon_code, sizeof out->coupon_code, "%s", PQgetvalue(res, 0, 4));
    out->discount = dg__pg_int_at(res, 5);
    out->coupon_policy = strcmp(PQgetvalue(res, 0, 6), "forfeit") == 0
                             ? DG_COUPON_RETURN_FORFEIT : DG_COUPON_RETURN_RESTORE;
    snprintf(out->replacement_code, sizeof out->replacement_code, "%s", PQgetvalue(res, 0, 7));
    PQclear(res);
    return 0;
}

int dg__pg_order_return_insert(dg_pg *pg, const char *order_id,
                               const dg_order_return_request *request, int32_t day,
                               const dg_order_return_result *result, const char *actor,
                               int64_t now, dg_error *err)
{
    dg__pg_number on, movement, redemption, at;
    bool redeemed = result->redemption_id > 0;
    const char *params[] = {
        order_id, result->customer_id, dg_return_kind_code(request->kind), dg__pg_int(on, day),
        result->points_movement_id > 0 ? dg__pg_int(movement, result->points_movement_id)
                                       : NULL,
        redeemed ? dg__pg_int(redemption, result->redemption_id) : NULL,
        redeemed ? dg_coupon_return_policy_code(result->coupon_policy) : NULL,
        result->replacement_code[0] ? result->replacement_code : NULL,
        request->reason && *request->reason ? request->reason : NULL, actor,
        dg__pg_int(at, now),
    };
    int rc = dg__pg_exec(pg, DG__ORDER_RETURN_INSERT_SQL, 11, params, NULL,
                         "writing an order return", err);
    if (rc == DG_EEXIST)   /* the primary key: the locked look-up makes this unreachable */
        rc = dg_error_set(err, DG_EEXIST, "order \"%s\" was returned already", order_id);
    return rc;
}
