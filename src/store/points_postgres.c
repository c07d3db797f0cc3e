/* The points ledger's rows on a PostgreSQL store (schema/pg/0005_points.sql), so points can be
 * earned, burned, adjusted and their balance read there as on SQLite (points_sqlite.c hands
 * these the calls of a PostgreSQL store). A debit reads the customer's open lots inside its
 * write transaction locked (dg__pg_lock_clause): a second debit of the same customer waits for
 * the first to commit and then sees what the first left, so simultaneous burns never overdraw
 * and lose nothing, as under SQLite's one writer at a time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/points.h"
#include "store/points_postgres.h"

#define LOT_COLUMNS "lot_id, earned_on, expires_on, points, remaining, expired"

int dg__pg_points_insert(dg_pg *pg, const dg__points_row *row, int64_t *id, dg_error *err)
{
    dg__pg_number points, on, expires, reverses, at;
    const char *params[] = {
        row->customer_id, row->kind, dg__pg_int(points, row->points),
        dg__pg_int(on, row->occurred_on),
        row->expires_on != DG_POINTS_TODAY ? dg__pg_int(expires, row->expires_on) : NULL,
        row->reason, row->actor, row->source_kind, row->source_id,
        row->reverses > 0 ? dg__pg_int(reverses, row->reverses) : NULL,
        dg__pg_int(at, row->recorded_at),
    };
    int rc = dg__pg_scalar(pg, "INSERT INTO points_movements (customer_id, kind, points, "
                           "occurred_on, expires_on, reason, actor, source_kind, source_id, "
                           "reverses, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
                           "$9, $10, $11) RETURNING movement_id", 11, params, id,
                           "writing a points movement", err);
    if (rc != 0)
        return rc == DG_EEXIST ? dg_error_set(err, DG_EEXIST, "writing a points movement: "
                                              "already recorded") : rc;
    if (row->points <= 0)
        return 0;
    dg__pg_number lot;
    const char *lot_params[] = { dg__pg_int(lot, *id), row->customer_id, params[3], params[4],
                                 params[2] };
    return dg__pg_exec(pg, "INSERT INTO points_lots (lot_id, customer_id, earned_on, expires_on, "
                       "points, remaining) VALUES ($1, $2, $3, $4, $5, $5)", 5, lot_params, NULL,
                       "opening a points lot", err);
}

static void lot_of(const PGresult *res, int r, dg__points_lot *lot)
{
    lot->lot_id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
    lot->earned_on = (int32_t)strtol(PQgetvalue(res, r, 1), NULL, 10);
    lot->expires_on = (int32_t)strtol(PQgetvalue(res, r, 2), NULL, 10);
    lot->points = strtoll(PQgetvalue(res, r, 3), NULL, 10);
    lot->remaining = strtoll(PQgetvalue(res, r, 4), NULL, 10);
    lot->expired = strtoll(PQgetvalue(res, r, 5), NULL, 10);
}

int dg__pg_points_open_lots(dg_pg *pg, const char *customer_id, int32_t day,
                            dg__points_lot **lots, size_t *n, dg_error *err)
{
    dg__pg_number d;
    const char *params[] = { customer_id, dg__pg_int(d, day) };
    char sql[320];
    snprintf(sql, sizeof sql, "SELECT " LOT_COLUMNS " FROM points_lots WHERE customer_id = $1 "
             "AND is_open AND expires_on > $2 AND earned_on <= $2 ORDER BY expires_on, "
             "lot_id%s", dg__pg_lock_clause(pg));
    PGresult *res = NULL;
    *n = 0;
    int rc = dg__pg_rows(pg, sql, 2, params, sizeof **lots, (void **)lots, &res,
                         "reading points lots", err);
    if (rc != 0)
        return rc;
    size_t rows = (size_t)PQntuples(res);
    for (size_t r = 0; r < rows; r++)
        lot_of(res, (int)r, &(*lots)[r]);
    *n = rows;
    PQclear(res);
    return 0;
}

int dg__pg_points_available(dg_pg *pg, const char *customer_id, int32_t day, int64_t *points,
                            dg_error *err)
{
    dg__pg_number d;
    const char *params[] = { customer_id, dg__pg_int(d, day) };
    return dg__pg_scalar(pg, "SELECT coalesce(sum(remaining), 0) FROM points_lots WHERE "
                         "customer_id = $1 AND is_open AND expires_on > $2 AND "
                         "earned_on <= $2", 2, params, points, "reading a points balance", err);
}

int dg__pg_points_lot_get(dg_pg *pg, int64_t lot_id, dg__points_lot *lot, dg_error *err)
{
    dg__pg_number id;
    const char *param = dg__pg_int(id, lot_id);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT " LOT_COLUMNS " FROM points_lots WHERE lot_id = $1%s",
             dg__pg_lock_clause(pg));
    PGresult *res = NULL;
    int rc = dg__pg_one_row(pg, sql, 1, &param, &res, "reading a points lot", err);
    if (rc == 0)
        return dg_error_set(err, DG_ENOTFOUND, "movement %lld opened no points lot",
                            (long long)lot_id);
    if (rc < 0)
        return rc;
    lot_of(res, 0, lot);
    PQclear(res);
    return 0;
}

int dg__pg_points_allocate(dg_pg *pg, int64_t movement_id, int64_t lot_id, int64_t points,
                           bool expiry, dg_error *err)
{
    dg__pg_number movement, lot, amount;
    const char *allocation[] = { dg__pg_int(movement, movement_id), dg__pg_int(lot, lot_id),
                                 dg__pg_int(amount, points) };
    const char *taking[] = { lot, amount, expiry ? "true" : "false" };
    int rc = dg__pg_exec(pg, "INSERT INTO points_allocations (movement_id, lot_id, points) "
                         "VALUES ($1, $2, $3)", 3, allocation, NULL,
                         "allocating points to a lot", err);
    return rc != 0 ? rc : dg__pg_exec(pg, "UPDATE points_lots SET remaining = remaining - $2, "
                                      "expired = expired + CASE WHEN $3::boolean THEN $2 ELSE 0 "
                                      "END WHERE lot_id = $1", 3, taking, NULL,
                                      "taking points from a lot", err);
}

int dg__pg_points_sums_get(dg_pg *pg, const char *customer_id, int32_t day,
                           dg__points_sums *out, dg_error *err)
{
    dg__pg_number d, next;
    const char *params[] = { customer_id, dg__pg_int(d, day), NULL };
    PGresult *res = NULL;
    int rc = dg__pg_one_row(pg,
        "SELECT coalesce(sum(remaining) FILTER (WHERE expires_on > $2 AND earned_on <= $2), 0), "
        "(SELECT coalesce(sum(points), 0) FROM points_movements WHERE customer_id = $1), "
        "coalesce(sum(remaining) FILTER (WHERE expires_on <= $2), 0), "
        "count(*) FILTER (WHERE expires_on > $2 AND earned_on <= $2), "
        "min(expires_on) FILTER (WHERE expires_on > $2 AND earned_on <= $2) "
        "FROM points_lots WHERE customer_id = $1 AND is_open", 2, params, &res,
        "reading a points balance", err);
    if (rc < 0)
        return rc;
    out->available = dg__pg_int_at(res, 0);
    out->ledger = dg__pg_int_at(res, 1);
    out->expired_unswept = dg__pg_int_at(res, 2);
    out->lots_open = dg__pg_int_at(res, 3);
    out->next_expiry = PQgetisnull(res, 0, 4) ? DG_POINTS_TODAY
                                              : (int32_t)dg__pg_int_at(res, 4);
    PQclear(res);
    out->next_expiry_points = 0;
    if (out->next_expiry == DG_POINTS_TODAY)
        return 0;
    params[2] = dg__pg_int(next, out->next_expiry);
    return dg__pg_scalar(pg, "SELECT coalesce(sum(remaining), 0) FROM points_lots WHERE "
                         "customer_id = $1 AND is_open AND expires_on = $3 AND "
                         "earned_on <= $2", 3, params, &out->next_expiry_points,
                         "reading a points balance", err);
}

int dg__pg_points_request_get(dg_pg *pg, const char *key, char *fingerprint, size_t cap,
                              int64_t *movement_id, int64_t *points, int64_t *balance,
                              dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_request_row(pg, "points_requests", "movement_id, points, balance", key,
                                fingerprint, cap, &res, err);
    if (rc != 0)
        return rc;
    *movement_id = dg__pg_int_at(res, 1);
    *points = dg__pg_int_at(res, 2);
    *balance = dg__pg_int_at(res, 3);
    PQclear(res);
    return 0;
}

int dg__pg_points_request_put(dg_pg *pg, const char *key, const char *fingerprint,
                              int64_t movement_id, int64_t points, int64_t balance, int64_t now,
                              dg_error *err)
{
    dg__pg_number movement, amount, after, at;
    const char *params[] = { key, fingerprint, dg__pg_int(movement, movement_id),
                             dg__pg_int(amount, points), dg__pg_int(after, balance),
                             dg__pg_int(at, now) };
    return dg__pg_exec(pg, "INSERT INTO points_requests (idempotency_key, fingerprint, "
                       "movement_id, points, balance, recorded_at) VALUES ($1, $2, $3, $4, $5, "
                       "$6)", 6, params, NULL, "remembering an idempotency key", err);
}

int dg__pg_points_movement_customer(dg_pg *pg, int64_t movement_id, char *customer_id,
                                    size_t cap, dg_error *err)
{
    dg__pg_number id;
    const char *param = dg__pg_int(id, movement_id);
    PGresult *res = NULL;
    int rc = dg__pg_one_row(pg, "SELECT customer_id FROM points_movements WHERE movement_id = $1",
                            1, &param, &res, "reading a points movement", err);
    if (rc == 0)
        return dg_error_set(err, DG_ENOTFOUND, "no points movement %lld", (long long)movement_id);
    if (rc < 0)
        return rc;
    snprintf(customer_id, cap, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return 0;
}
