/* The SQL of cancelled and returned orders (src/store/returns.h, schema/0019_order_returns.sql):
 * the order_returns row and the idempotency keys. The callers hold the transaction. A
 * PostgreSQL store's calls go to returns_postgres.c; the statements are shared (returns_sql.h). */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store/returns.h"
#include "store/returns_postgres.h"
#include "store/returns_sql.h"
#include "store/snapshot.h"
#include "store/stmt.h"

int dg__order_return_get(dg_store *s, const char *order_id, dg_order_return_result *out,
                         dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_order_return_get(dg__store_pg(s), order_id, out, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, DG__ORDER_RETURN_GET_SQL, &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, order_id, -1, SQLITE_STATIC);
    rc = dg__stmt_step(s, st, "reading an order return", err);
    if (rc == 1) {
        rc = 0;
        memset(out, 0, sizeof *out);
        dg__stmt_copy_text(out->customer_id, sizeof out->customer_id, st, 0);
        out->points_movement_id = sqlite3_column_int64(st, 1);
        out->points = sqlite3_column_int64(st, 2);
        out->redemption_id = sqlite3_column_int64(st, 3);
        dg__stmt_copy_text(out->coupon_code, sizeof out->coupon_code, st, 4);
        out->discount = sqlite3_column_int64(st, 5);
        out->coupon_policy = strcmp((const char *)sqlite3_column_text(st, 6), "forfeit") == 0
                                 ? DG_COUPON_RETURN_FORFEIT : DG_COUPON_RETURN_RESTORE;
        dg__stmt_copy_text(out->replacement_code, sizeof out->replacement_code, st, 7);
    } else if (rc == 0) {
        rc = DG_ENOTFOUND;
    }
    dg__store_statement_done(s, st);
    return rc;
}

int dg__order_return_insert(dg_store *s, const char *order_id,
                            const dg_order_return_request *request, int32_t day,
                            const dg_order_return_result *result, const char *actor, int64_t now,
                            dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_order_return_insert(dg__store_pg(s), order_id, request, day, result, actor,
                                          now, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, DG__ORDER_RETURN_INSERT_SQL, &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, order_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, result->customer_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, dg_return_kind_code(request->kind), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, day);
    if (result->points_movement_id > 0)
        sqlite3_bind_int64(st, 5, result->points_movement_id);
    else
        sqlite3_bind_null(st, 5);
    if (result->redemption_id > 0) {
        sqlite3_bind_int64(st, 6, result->redemption_id);
        sqlite3_bind_text(st, 7, dg_coupon_return_policy_code(result->coupon_policy), -1,
                          SQLITE_STATIC);
    } else {
        sqlite3_bind_null(st, 6);
        sqlite3_bind_null(st, 7);
    }
    dg__stmt_bind_text(st, 8, result->replacement_code[0] ? result->replacement_code : NULL);
    dg__stmt_bind_text(st, 9, request->reason && *request->reason ? request->reason : NULL);
    sqlite3_bind_text(st, 10, actor, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 11, now);
    rc = dg__stmt_run(s, st, "writing an order return", err);
    dg__store_statement_done(s, st);
    if (rc == DG_EEXIST)   /* the primary key: the service's check makes this unreachable */
        rc = dg_error_set(err, DG_EEXIST, "order \"%s\" was returned already", order_id);
    return rc;
}

int dg__order_return_request_get(dg_store *s, const char *key, char *fingerprint, size_t cap,
                                 char *result, size_t result_cap, dg_error *err)
{
    return dg__stmt_request_text_get(s, "order_return_requests", "result", key, fingerprint, cap,
                                     result, result_cap, err);
}

int dg__order_return_request_put(dg_store *s, const char *key, const char *fingerprint,
                                 const char *result, int64_t now, dg_error *err)
{
    return dg__stmt_request_put(s, "order_return_requests", "result", key, fingerprint, result,
                                0, now, err);
}
