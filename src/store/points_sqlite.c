/* The points ledger's SQL (src/store/points.h, schema/0005_points.sql; the lots' is_open flag and
 * the partial indexes on it: schema/0025_points_lot_open.sql; a customer's lots indexed whole and
 * no index of allocations by lot: schema/0033_points_expiry_pages.sql). Every statement binds its
 * values; the callers hold the transaction. The expiry sweep is set-based: the expire movements
 * get consecutive ids from max(movement_id) + 1 in lot order, so the allocations that tie each
 * to its lot are written by a second INSERT ... SELECT over the same ordered lots, and the lots
 * are emptied by one UPDATE, all inside the caller's write transaction (which keeps the ids
 * free). Every step reads the lots through the partial index on expires_on (INDEXED BY: the
 * window's ORDER BY lot_id would otherwise lead the planner to scan every lot), so a daily run
 * touches only the lots expiring since the last one. A PostgreSQL store's earns, debits and
 * balances, order earns and sweep go to points_postgres.c, its reports' reads to
 * points_reads_postgres.c; the SQL they share is store/points_sql.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "dangol/points.h"
#include "dangol/text.h"
#include "store/points.h"
#include "store/points_postgres.h"
#include "store/points_sql.h"
#include "store/snapshot.h"
#include "store/stmt.h"

/* Statements come from the connection's cache (dg__store_statement) and go back to it with
 * done(): a burn runs the same few statements every time. */
static int prepare(dg_store *s, const char *sql, sqlite3_stmt **st, dg_error *err)
{
    return dg__store_statement(s, sql, st, err);
}

static void done(dg_store *s, sqlite3_stmt *st)
{
    dg__store_statement_done(s, st);
}

/* Runs st to its end (no rows expected); DG_EEXIST for a unique-constraint refusal. */
static int run(dg_store *s, sqlite3_stmt *st, const char *what, dg_error *err)
{
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE)
        return 0;
    if (sqlite3_extended_errcode(dg__store_db(s)) == SQLITE_CONSTRAINT_UNIQUE)
        return dg_error_set(err, DG_EEXIST, "%s: already recorded", what);
    return dg__store_error(s, err, what);
}

int dg__points_insert(dg_store *s, const dg__points_row *row, int64_t *id, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_points_insert(dg__store_pg(s), row, id, err);
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, "INSERT INTO points_movements (customer_id, kind, points, occurred_on, "
                     "expires_on, reason, actor, source_kind, source_id, reverses, recorded_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, row->customer_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, row->kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, row->points);
    sqlite3_bind_int(st, 4, row->occurred_on);
    if (row->expires_on != DG_POINTS_TODAY)
        sqlite3_bind_int(st, 5, row->expires_on);
    dg__stmt_bind_text(st, 6, row->reason);
    sqlite3_bind_text(st, 7, row->actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, row->source_kind, -1, SQLITE_STATIC);
    dg__stmt_bind_text(st, 9, row->source_id);
    if (row->reverses > 0)
        sqlite3_bind_int64(st, 10, row->reverses);
    sqlite3_bind_int64(st, 11, row->recorded_at);
    rc = run(s, st, "writing a points movement", err);
    done(s, st);
    if (rc != 0)
        return rc;
    *id = sqlite3_last_insert_rowid(dg__store_db(s));
    if (row->points <= 0)
        return 0;
    if ((rc = prepare(s, "INSERT INTO points_lots (lot_id, customer_id, earned_on, expires_on, "
                      "points, remaining) VALUES (?, ?, ?, ?, ?, ?)", &st, err)) != 0)
        return rc;
    sqlite3_bind_int64(st, 1, *id);
    sqlite3_bind_text(st, 2, row->customer_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, row->occurred_on);
    sqlite3_bind_int(st, 4, row->expires_on);
    sqlite3_bind_int64(st, 5, row->points);
    sqlite3_bind_int64(st, 6, row->points);
    rc = run(s, st, "opening a points lot", err);
    done(s, st);
    return rc;
}

static void read_lot(sqlite3_stmt *st, int first, dg__points_lot *lot)
{
    lot->lot_id = sqlite3_column_int64(st, first);
    lot->earned_on = sqlite3_column_int(st, first + 1);
    lot->expires_on = sqlite3_column_int(st, first + 2);
    lot->points = sqlite3_column_int64(st, first + 3);
    lot->remaining = sqlite3_column_int64(st, first + 4);
    lot->expired = sqlite3_column_int64(st, first + 5);
}

int dg__points_open_lots(dg_store *s, const char *customer_id, int32_t day,
                         dg__points_lot **lots, size_t *n, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_points_open_lots(dg__store_pg(s), customer_id, day, lots, n, err);
    sqlite3_stmt *st = NULL;
    *lots = NULL;
    *n = 0;
    int rc = prepare(s, "SELECT " DG__POINTS_LOT_COLUMNS " FROM points_lots WHERE customer_id = ? AND "
                     "is_open AND expires_on > ?2 AND earned_on <= ?2 ORDER BY expires_on, lot_id", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, customer_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, day);
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            size_t grown_cap = cap ? cap * 2 : 16;
            dg__points_lot *grown = realloc(*lots, grown_cap * sizeof **lots);
            if (!grown) {
                rc = dg_error_set(err, DG_ENOMEM, "out of memory");
                break;
            }
            *lots = grown;
            cap = grown_cap;
        }
        read_lot(st, 0, &(*lots)[(*n)++]);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = dg__store_error(s, err, "reading points lots");
    done(s, st);
    if (rc != 0) {
        free(*lots);
        *lots = NULL;
        *n = 0;
    }
    return rc;
}

int dg__points_available(dg_store *s, const char *customer_id, int32_t day, int64_t *points,
                         dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_points_available(dg__store_pg(s), customer_id, day, points, err);
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, "SELECT coalesce(sum(remaining), 0) FROM points_lots WHERE customer_id = ? "
                     "AND is_open AND expires_on > ?2 AND earned_on <= ?2", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, customer_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, day);
    if (sqlite3_step(st) == SQLITE_ROW)
        *points = sqlite3_column_int64(st, 0);
    else
        rc = dg__store_error(s, err, "reading a points balance");
    done(s, st);
    return rc;
}

int dg__points_lot_get(dg_store *s, int64_t lot_id, dg__points_lot *lot, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_points_lot_get(dg__store_pg(s), lot_id, lot, err);
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, "SELECT " DG__POINTS_LOT_COLUMNS " FROM points_lots WHERE lot_id = ?", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, lot_id);
    rc = dg__stmt_step(s, st, "reading a points lot", err);
    if (rc == 1)
        read_lot(st, 0, lot);
    else if (rc == 0)
        rc = dg_error_set(err, DG_ENOTFOUND, "movement %lld opened no points lot",
                          (long long)lot_id);
    rc = rc == 1 ? 0 : rc;
    done(s, st);
    return rc;
}

int dg__points_lock(dg_store *s, const char *customer_id, const char *order_id, dg_error *err)
{
    dg_pg *pg = dg__store_pg(s);
    int rc = pg ? dg__pg_lock_cluster_key(pg, DG__PG_CUSTOMER_LOCK, customer_id,
                                          "locking a customer's points", err)
                : 0;
    return rc == 0 && pg ? dg__pg_lock_cluster_key(pg, DG__PG_ORDER_LOCK, order_id,
                                                   "locking an order's points", err)
                         : rc;
}

int dg__points_allocate(dg_store *s, const char *customer_id, int64_t movement_id,
                        int64_t lot_id, int64_t points, bool expiry, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_points_allocate(dg__store_pg(s), customer_id, movement_id, lot_id, points,
                                      expiry, err);
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, "INSERT INTO points_allocations (movement_id, lot_id, points, "
                     "customer_id) VALUES (?, ?, ?, ?)", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, movement_id);
    sqlite3_bind_int64(st, 2, lot_id);
    sqlite3_bind_int64(st, 3, points);
    sqlite3_bind_text(st, 4, customer_id, -1, SQLITE_STATIC);
    rc = run(s, st, "allocating points to a lot", err);
    done(s, st);
    if (rc != 0)
        return rc;
    if ((rc = prepare(s, "UPDATE points_lots SET remaining = remaining - ?1, "
                      "expired = expired + CASE WHEN ?2 THEN ?1 ELSE 0 END WHERE lot_id = ?3",
                      &st, err)) != 0)
        return rc;
    sqlite3_bind_int64(st, 1, points);
    sqlite3_bind_int(st, 2, expiry);
    sqlite3_bind_int64(st, 3, lot_id);
    rc = run(s, st, "taking points from a lot", err);
    done(s, st);
    return rc;
}

int dg__points_order_earn(dg_store *s, const char *order_id, dg__points_row *earn,
                          char *customer_id, size_t cap, bool *reversed, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_points_order_earn(dg__store_pg(s), order_id, earn, customer_id, cap,
                                        reversed, err);
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, DG__POINTS_ORDER_EARN_SQL, &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, order_id, -1, SQLITE_STATIC);
    rc = dg__stmt_step(s, st, "reading an order's earn", err);
    if (rc == 1) {
        rc = 0;
        memset(earn, 0, sizeof *earn);
        earn->movement_id = sqlite3_column_int64(st, 0);
        dg__stmt_copy_text(customer_id, cap, st, 1);
        earn->customer_id = customer_id;
        earn->points = sqlite3_column_int64(st, 2);
        earn->occurred_on = sqlite3_column_int(st, 3);
        earn->expires_on = sqlite3_column_int(st, 4);
        *reversed = sqlite3_column_int(st, 5) != 0;
    } else if (rc == 0) {
        rc = dg_error_set(err, DG_ENOTFOUND, "order \"%s\" has earned no points", order_id);
    }
    done(s, st);
    return rc;
}

typedef struct category_ctx {
    dg__points_category_fn fn;
    void *ctx;
} category_ctx;

static int category_row(void *ctx, sqlite3_stmt *st)
{
    category_ctx *c = ctx;
    return c->fn(c->ctx, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1));
}

int dg__points_order(dg_store *s, const char *order_id, char *customer_id, size_t cap,
                     int32_t *day, int64_t *total, dg__points_category_fn fn, void *ctx,
                     dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_points_order(dg__store_pg(s), order_id, customer_id, cap, day, total, fn,
                                   ctx, err);
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, DG__POINTS_ORDER_SQL, &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, order_id, -1, SQLITE_STATIC);
    rc = dg__stmt_step(s, st, "reading an order", err);
    if (rc == 1) {
        rc = 0;
        dg__stmt_copy_text(customer_id, cap, st, 0);
        *day = dg_day_of(sqlite3_column_int64(st, 1));
        *total = sqlite3_column_int64(st, 2);
    } else if (rc == 0) {
        rc = dg_error_set(err, DG_ENOTFOUND, "no order \"%s\"", order_id);
    }
    done(s, st);
    if (rc != 0)
        return rc;
    if ((rc = prepare(s, DG__POINTS_ORDER_CATEGORIES_SQL, &st, err)) != 0)
        return rc;
    sqlite3_bind_text(st, 1, order_id, -1, SQLITE_STATIC);
    category_ctx c = { fn, ctx };
    rc = dg__stmt_each(s, st, category_row, &c, "reading an order's lines", err);
    done(s, st);
    return rc;
}

int dg__points_campaign_treated(dg_store *s, const char *campaign_id, const char *customer_id,
                                int32_t day, bool *treated, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_points_campaign_treated(dg__store_pg(s), campaign_id, customer_id, day,
                                              treated, err);
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, DG__POINTS_CAMPAIGN_TREATED_SQL, &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, campaign_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, customer_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, day);
    rc = dg__stmt_step(s, st, "reading a campaign's treatment group", err);
    *treated = rc == 1 && sqlite3_column_int64(st, 0) > 0;
    done(s, st);
    return rc < 0 ? rc : 0;
}

int dg__points_sweep(dg_store *s, int32_t as_of, int64_t now, int64_t *lots, int64_t *points,
                     dg_error *err)
{
    static const char *const steps[] = {
        "INSERT INTO points_movements (movement_id, customer_id, kind, points, occurred_on, "
        "reason, actor, source_kind, source_id, recorded_at) "
        "SELECT (SELECT coalesce(max(movement_id), 0) FROM points_movements) + "
        "row_number() OVER (ORDER BY lot_id), customer_id, 'expire', -remaining, expires_on, "
        "'expired', 'system', 'lot', lot_id, ?2 FROM points_lots INDEXED BY points_lots_expiry "
        "WHERE is_open AND expires_on <= ?1 ORDER BY lot_id",
        "INSERT INTO points_allocations (movement_id, lot_id, points, customer_id) "
        "SELECT (SELECT max(movement_id) FROM points_movements) - ?3 + "
        "row_number() OVER (ORDER BY lot_id), lot_id, remaining, customer_id "
        "FROM points_lots INDEXED BY points_lots_expiry "
        "WHERE is_open AND expires_on <= ?1 ORDER BY lot_id",
        DG__POINTS_EXPIRE_LOTS_SQL,
    };
    if (dg__store_pg(s))
        return dg__pg_points_sweep(dg__store_pg(s), as_of, now, lots, points, err);
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, DG__POINTS_EXPIRED_SUMS_SQL, &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int(st, 1, as_of);
    if (sqlite3_step(st) != SQLITE_ROW)
        rc = dg__store_error(s, err, "counting expired lots");
    *lots = sqlite3_column_int64(st, 0);
    *points = sqlite3_column_int64(st, 1);
    done(s, st);
    for (size_t i = 0; rc == 0 && *lots > 0 && i < sizeof steps / sizeof steps[0]; i++) {
        if ((rc = prepare(s, steps[i], &st, err)) != 0)
            break;
        sqlite3_bind_int(st, 1, as_of);
        if (i == 0)
            sqlite3_bind_int64(st, 2, now);
        if (i == 1)
            sqlite3_bind_int64(st, 3, *lots);
        rc = run(s, st, "expiring points", err);
        done(s, st);
    }
    return rc;
}

int dg__points_sums_get(dg_store *s, const char *customer_id, int32_t day, dg__points_sums *out,
                        dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_points_sums_get(dg__store_pg(s), customer_id, day, out, err);
    sqlite3_stmt *st = NULL;
    int rc = prepare(s,
        "SELECT coalesce(sum(remaining) FILTER (WHERE expires_on > ?2 AND earned_on <= ?2), 0), "
        "(SELECT coalesce(sum(points), 0) FROM points_movements WHERE customer_id = ?1), "
        "coalesce(sum(remaining) FILTER (WHERE expires_on <= ?2), 0), "
        "count(*) FILTER (WHERE expires_on > ?2 AND earned_on <= ?2), "
        "min(expires_on) FILTER (WHERE expires_on > ?2 AND earned_on <= ?2) "
        "FROM points_lots WHERE customer_id = ?1 AND is_open", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, customer_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, day);
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = dg__store_error(s, err, "reading a points balance");
    } else {
        out->available = sqlite3_column_int64(st, 0);
        out->ledger = sqlite3_column_int64(st, 1);
        out->expired_unswept = sqlite3_column_int64(st, 2);
        out->lots_open = sqlite3_column_int64(st, 3);
        out->next_expiry = sqlite3_column_type(st, 4) == SQLITE_NULL
                               ? DG_POINTS_TODAY : sqlite3_column_int(st, 4);
    }
    done(s, st);
    out->next_expiry_points = 0;
    if (rc != 0 || out->next_expiry == DG_POINTS_TODAY)
        return rc;
    if ((rc = prepare(s, "SELECT coalesce(sum(remaining), 0) FROM points_lots WHERE "
                      "customer_id = ?1 AND is_open AND expires_on = ?2 AND earned_on <= ?3", &st,
                      err)) != 0)
        return rc;
    sqlite3_bind_text(st, 1, customer_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, out->next_expiry);
    sqlite3_bind_int(st, 3, day);
    if (sqlite3_step(st) != SQLITE_ROW)
        rc = dg__store_error(s, err, "reading a points balance");
    else
        out->next_expiry_points = sqlite3_column_int64(st, 0);
    done(s, st);
    return rc;
}

typedef struct request_row {
    int64_t *movement_id, *points, *balance;
} request_row;

static int read_request(void *ctx, sqlite3_stmt *st)
{
    request_row *r = ctx;
    *r->movement_id = sqlite3_column_int64(st, 1);
    *r->points = sqlite3_column_int64(st, 2);
    *r->balance = sqlite3_column_int64(st, 3);
    return 0;
}

int dg__points_request_get(dg_store *s, const char *key, char *fingerprint, size_t cap,
                           int64_t *movement_id, int64_t *points, int64_t *balance,
                           dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_points_request_get(dg__store_pg(s), key, fingerprint, cap, movement_id,
                                         points, balance, err);
    request_row r = { movement_id, points, balance };
    return dg__stmt_request_get(s, "SELECT fingerprint, movement_id, points, balance FROM "
                                "points_requests WHERE idempotency_key = ?", key, fingerprint,
                                cap, read_request, &r, err);
}

int dg__points_request_put(dg_store *s, const char *key, const char *fingerprint,
                           int64_t movement_id, int64_t points, int64_t balance, int64_t now,
                           dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_points_request_put(dg__store_pg(s), key, fingerprint, movement_id, points,
                                         balance, now, err);
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, "INSERT INTO points_requests (idempotency_key, fingerprint, movement_id, "
                     "points, balance, recorded_at) VALUES (?, ?, ?, ?, ?, ?)", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, fingerprint, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, movement_id);
    sqlite3_bind_int64(st, 4, points);
    sqlite3_bind_int64(st, 5, balance);
    sqlite3_bind_int64(st, 6, now);
    rc = run(s, st, "remembering an idempotency key", err);
    done(s, st);
    return rc;
}

/* The readers' callbacks, behind each_row. */
typedef struct scan_ctx {
    dg__points_row_fn row_fn;
    dg__points_lot_fn lot_fn;
    dg__points_rank_fn rank_fn;
    void *ctx;
} scan_ctx;

static int movement_row(void *ctx, sqlite3_stmt *st);

static int lot_row(void *ctx, sqlite3_stmt *st)
{
    scan_ctx *c = ctx;
    dg__points_lot lot;
    read_lot(st, 1, &lot);
    return c->lot_fn(c->ctx, (const char *)sqlite3_column_text(st, 0), &lot);
}

static int rank_row(void *ctx, sqlite3_stmt *st)
{
    scan_ctx *c = ctx;
    return c->rank_fn(c->ctx, (const char *)sqlite3_column_text(st, 0),
                      sqlite3_column_int64(st, 1));
}

int dg__points_movements_scan(dg_store *s, const char *customer_id, dg__points_row_fn fn,
                              void *ctx, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_points_movements_scan(dg__store_pg(s), customer_id, fn, ctx, err);
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, DG__POINTS_MOVEMENTS_SQL, &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, customer_id, -1, SQLITE_STATIC);
    scan_ctx c = { .row_fn = fn, .ctx = ctx };
    rc = dg__stmt_each(s, st, movement_row, &c, "reading points movements", err);
    done(s, st);
    return rc;
}

static int movement_row(void *ctx, sqlite3_stmt *st)
{
    scan_ctx *c = ctx;
    dg__points_row row = {
        .movement_id = sqlite3_column_int64(st, 0),
        .customer_id = (const char *)sqlite3_column_text(st, 1),
        .kind = (const char *)sqlite3_column_text(st, 2),
        .points = sqlite3_column_int64(st, 3),
        .occurred_on = sqlite3_column_int(st, 4),
        .expires_on = sqlite3_column_type(st, 5) == SQLITE_NULL ? DG_POINTS_TODAY
                                                                : sqlite3_column_int(st, 5),
        .reason = (const char *)sqlite3_column_text(st, 6),
        .actor = (const char *)sqlite3_column_text(st, 7),
        .source_kind = (const char *)sqlite3_column_text(st, 8),
        .source_id = (const char *)sqlite3_column_text(st, 9),
        .reverses = sqlite3_column_int64(st, 10),
        .recorded_at = sqlite3_column_int64(st, 11),
    };
    return c->row_fn(c->ctx, &row);
}

int dg__points_lots_scan(dg_store *s, const char *customer_id, dg__points_lot_fn fn, void *ctx,
                         dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_points_lots_scan(dg__store_pg(s), customer_id, fn, ctx, err);
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, customer_id ? DG__POINTS_CUSTOMER_LOTS_SQL : DG__POINTS_ALL_LOTS_SQL,
                     &st, err);
    if (rc != 0)
        return rc;
    if (customer_id)
        sqlite3_bind_text(st, 1, customer_id, -1, SQLITE_STATIC);
    scan_ctx c = { .lot_fn = fn, .ctx = ctx };
    rc = dg__stmt_each(s, st, lot_row, &c, "reading points lots", err);
    done(s, st);
    return rc;
}

int dg__points_ranking(dg_store *s, int32_t day, size_t limit, dg__points_rank_fn fn, void *ctx,
                       dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_points_ranking(dg__store_pg(s), day, limit, fn, ctx, err);
    sqlite3_stmt *st = NULL;
    /* the table in rowid order: schema 33 indexes a customer's lots whole, and reading every lot
     * in order costs less than looking each up from that index (BENCHMARKS.md, session 35) */
    int rc = prepare(s, DG__POINTS_RANKING_SQL("points_lots NOT INDEXED") " LIMIT $2", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int(st, 1, day);
    sqlite3_bind_int64(st, 2, limit ? (sqlite3_int64)limit : -1);
    scan_ctx c = { .rank_fn = fn, .ctx = ctx };
    rc = dg__stmt_each(s, st, rank_row, &c, "ranking points balances", err);
    done(s, st);
    return rc;
}

int dg__points_movement_customer(dg_store *s, int64_t movement_id, char *customer_id, size_t cap,
                                 dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_points_movement_customer(dg__store_pg(s), movement_id, customer_id, cap,
                                               err);
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, "SELECT customer_id FROM points_movements WHERE movement_id = ?", &st,
                     err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, movement_id);
    rc = dg__stmt_step(s, st, "reading a points movement", err);
    if (rc == 1)
        dg__stmt_copy_text(customer_id, cap, st, 0);
    else if (rc == 0)
        rc = dg_error_set(err, DG_ENOTFOUND, "no points movement %lld", (long long)movement_id);
    rc = rc == 1 ? 0 : rc;
    done(s, st);
    return rc;
}
