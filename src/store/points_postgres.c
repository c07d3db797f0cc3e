/* The points ledger's rows on a PostgreSQL store (schema/pg/0005_points.sql), so points can be
 * earned, burned, adjusted and their balance read there as on SQLite (points_sqlite.c hands
 * these the calls of a PostgreSQL store). A debit reads the customer's open lots inside its
 * write transaction locked (dg__pg_lock_clause): a second debit of the same customer waits for
 * the first to commit and then sees what the first left, so simultaneous burns never overdraw
 * and lose nothing, as under SQLite's one writer at a time. An order's earn is locked before it
 * is read (a second reversal waits, then sees the first), and the expiry sweep runs alone
 * (dg__pg_lock_job) over the expired lots it has locked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/points.h"
#include "dangol/text.h"
#include "store/points_postgres.h"
#include "store/points_sql.h"

#define SWEEP_LOCK 0x6578706972794cLL   /* pg_advisory_xact_lock key of the expiry sweep */

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
    /* an order earned already is refused before the identity draws a number, which a refused
     * INSERT would leave unused: the ids stay those SQLite gives (max + 1) */
    int64_t earned = 0;
    int rc = 0;
    if (strcmp(row->kind, "earn") == 0 && row->source_kind &&
        strcmp(row->source_kind, "order") == 0 && row->source_id)
        rc = dg__pg_scalar(pg, "SELECT count(*) FROM points_movements WHERE kind = 'earn' AND "
                           "source_kind = 'order' AND source_id = $1", 1, &row->source_id,
                           &earned, "reading an order's earn", err);
    if (rc == 0 && earned)
        return dg_error_set(err, DG_EEXIST, "writing a points movement: already recorded");
    if (rc == 0)
        rc = dg__pg_scalar(pg, "INSERT INTO points_movements (customer_id, kind, points, "
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

void dg__pg_points_lot_at(const PGresult *res, int r, int first, dg__points_lot *lot)
{
    lot->lot_id = strtoll(PQgetvalue(res, r, first), NULL, 10);
    lot->earned_on = (int32_t)strtol(PQgetvalue(res, r, first + 1), NULL, 10);
    lot->expires_on = (int32_t)strtol(PQgetvalue(res, r, first + 2), NULL, 10);
    lot->points = strtoll(PQgetvalue(res, r, first + 3), NULL, 10);
    lot->remaining = strtoll(PQgetvalue(res, r, first + 4), NULL, 10);
    lot->expired = strtoll(PQgetvalue(res, r, first + 5), NULL, 10);
}

int dg__pg_points_open_lots(dg_pg *pg, const char *customer_id, int32_t day,
                            dg__points_lot **lots, size_t *n, dg_error *err)
{
    dg__pg_number d;
    const char *params[] = { customer_id, dg__pg_int(d, day) };
    char sql[320];
    snprintf(sql, sizeof sql, "SELECT " DG__POINTS_LOT_COLUMNS " FROM points_lots WHERE customer_id = $1 "
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
        dg__pg_points_lot_at(res, (int)r, 0, &(*lots)[r]);
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
    snprintf(sql, sizeof sql, "SELECT " DG__POINTS_LOT_COLUMNS " FROM points_lots WHERE lot_id = $1%s",
             dg__pg_lock_clause(pg));
    PGresult *res = NULL;
    int rc = dg__pg_one_row(pg, sql, 1, &param, &res, "reading a points lot", err);
    if (rc == 0)
        return dg_error_set(err, DG_ENOTFOUND, "movement %lld opened no points lot",
                            (long long)lot_id);
    if (rc < 0)
        return rc;
    dg__pg_points_lot_at(res, 0, 0, lot);
    PQclear(res);
    return 0;
}

int dg__pg_points_allocate(dg_pg *pg, const char *customer_id, int64_t movement_id,
                           int64_t lot_id, int64_t points, bool expiry, dg_error *err)
{
    dg__pg_number movement, lot, amount;
    const char *allocation[] = { dg__pg_int(movement, movement_id), dg__pg_int(lot, lot_id),
                                 dg__pg_int(amount, points), customer_id };
    const char *taking[] = { lot, amount, expiry ? "true" : "false", customer_id };
    int rc = dg__pg_exec(pg, "INSERT INTO points_allocations (movement_id, lot_id, points, "
                         "customer_id) VALUES ($1, $2, $3, $4)", 4, allocation, NULL,
                         "allocating points to a lot", err);
    return rc != 0 ? rc : dg__pg_exec(pg, "UPDATE points_lots SET remaining = remaining - $2, "
                                      "expired = expired + CASE WHEN $3::boolean THEN $2 ELSE 0 "
                                      "END WHERE lot_id = $1 AND customer_id = $4", 4, taking,
                                      NULL,
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

int dg__pg_points_order_earn(dg_pg *pg, const char *order_id, dg__points_row *earn,
                             char *customer_id, size_t cap, bool *reversed, dg_error *err)
{
    PGresult *res = NULL;
    int rc = 0;
    /* locked in a statement of its own, so that the read below (a new snapshot under READ
     * COMMITTED) sees a reversal committed while this one waited */
    if (*dg__pg_lock_clause(pg))
        rc = dg__pg_exec(pg, "SELECT 1 FROM points_movements WHERE kind = 'earn' AND "
                         "source_kind = 'order' AND source_id = $1 FOR NO KEY UPDATE", 1,
                         &order_id, NULL, "locking an order's earn", err);
    if (rc == 0)
        rc = dg__pg_one_row(pg, DG__POINTS_ORDER_EARN_SQL, 1, &order_id, &res,
                            "reading an order's earn", err);
    if (rc == 0)
        return dg_error_set(err, DG_ENOTFOUND, "order \"%s\" has earned no points", order_id);
    if (rc < 0)
        return rc;
    memset(earn, 0, sizeof *earn);
    earn->movement_id = dg__pg_int_at(res, 0);
    snprintf(customer_id, cap, "%s", PQgetvalue(res, 0, 1));
    earn->customer_id = customer_id;
    earn->points = dg__pg_int_at(res, 2);
    earn->occurred_on = (int32_t)dg__pg_int_at(res, 3);
    earn->expires_on = (int32_t)dg__pg_int_at(res, 4);
    *reversed = PQgetvalue(res, 0, 5)[0] == 't';
    PQclear(res);
    return 0;
}

int dg__pg_points_order(dg_pg *pg, const char *order_id, char *customer_id, size_t cap,
                        int32_t *day, int64_t *total, dg__points_category_fn fn, void *ctx,
                        dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_order_row(pg, DG__POINTS_ORDER_SQL, order_id, &res, err);
    if (rc != 0)
        return rc;
    snprintf(customer_id, cap, "%s", PQgetvalue(res, 0, 0));
    *day = dg_day_of(dg__pg_int_at(res, 1));
    *total = dg__pg_int_at(res, 2);
    PQclear(res);
    if ((rc = dg__pg_exec(pg, DG__POINTS_ORDER_CATEGORIES_SQL, 1, &order_id, &res,
                          "reading an order's lines", err)) != 0)
        return rc;
    for (int r = 0; rc == 0 && r < PQntuples(res); r++)
        rc = fn(ctx, PQgetvalue(res, r, 0), strtoll(PQgetvalue(res, r, 1), NULL, 10));
    PQclear(res);
    return rc;
}

int dg__pg_points_campaign_treated(dg_pg *pg, const char *campaign_id, const char *customer_id,
                                   int32_t day, bool *treated, dg_error *err)
{
    dg__pg_number on;
    const char *params[] = { campaign_id, customer_id, dg__pg_int(on, day) };
    int64_t n = 0;
    int rc = dg__pg_scalar(pg, DG__POINTS_CAMPAIGN_TREATED_SQL, 3, params, &n,
                           "reading a campaign's treatment group", err);
    *treated = rc == 0 && n > 0;
    return rc;
}

int dg__pg_points_sweep(dg_pg *pg, int32_t as_of, int64_t now, int64_t *lots, int64_t *points,
                        dg_error *err)
{
    dg__pg_number day, at;
    const char *params[] = { dg__pg_int(day, as_of), dg__pg_int(at, now) };
    PGresult *res = NULL;
    int rc = dg__pg_lock_job(pg, SWEEP_LOCK, "expiring points", err);
    if (rc == 0)
        rc = dg__pg_exec(pg, "SELECT lot_id FROM points_lots WHERE " DG__POINTS_EXPIRED_WHERE
                         " ORDER BY lot_id FOR NO KEY UPDATE", 1, params, NULL,
                         "locking expired points lots", err);
    if (rc == 0)
        rc = dg__pg_one_row(pg, DG__POINTS_EXPIRED_SUMS_SQL, 1, params, &res,
                            "counting expired lots", err);
    if (rc < 0)
        return rc;
    *lots = dg__pg_int_at(res, 0);
    *points = dg__pg_int_at(res, 1);
    PQclear(res);
    if (*lots == 0)
        return 0;
    /* one expire movement per lot, numbered by the identity in lot order (as SQLite numbers
     * them from max + 1), each tied to its lot by the movement's source_id */
    rc = dg__pg_exec(pg, "WITH expiring AS (SELECT lot_id, customer_id, remaining, expires_on "
                     "FROM points_lots WHERE " DG__POINTS_EXPIRED_WHERE "), moved AS ("
                     "INSERT INTO points_movements (customer_id, kind, points, occurred_on, "
                     "reason, actor, source_kind, source_id, recorded_at) SELECT customer_id, "
                     "'expire', -remaining, expires_on, 'expired', 'system', 'lot', "
                     "CAST(lot_id AS TEXT) AS source_id, $2 FROM expiring ORDER BY lot_id "
                     "RETURNING movement_id, source_id) "
                     "INSERT INTO points_allocations (movement_id, lot_id, points, customer_id) "
                     "SELECT m.movement_id, e.lot_id, e.remaining, e.customer_id FROM moved m "
                     "JOIN expiring e ON CAST(e.lot_id AS TEXT) = m.source_id", 2, params, NULL,
                     "expiring points", err);
    return rc != 0 ? rc : dg__pg_exec(pg, DG__POINTS_EXPIRE_LOTS_SQL, 1, params, NULL,
                                      "expiring points", err);
}
