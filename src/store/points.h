/* Private to the library: the SQL of the points ledger (src/store/points_sqlite.c), which the
 * ledger's operations (src/crm/points*.c) and reports (src/report/points.c) call inside the
 * transactions they open with dg_store_begin / dg_store_read_begin. Nothing here decides a rule:
 * these read and write rows. */
#ifndef DANGOL_STORE_POINTS_H
#define DANGOL_STORE_POINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/store.h"

/* A ledger row as written and read. expires_on is DG_POINTS_TODAY (INT32_MIN) for none. */
typedef struct dg__points_row {
    int64_t movement_id;
    const char *customer_id;
    const char *kind;           /* dg_points_kind_code */
    int64_t points;             /* signed */
    int32_t occurred_on;
    int32_t expires_on;
    const char *reason;         /* or NULL */
    const char *actor;
    const char *source_kind;    /* dg_points_source_code, or "lot" for an expiry */
    const char *source_id;      /* or NULL */
    int64_t reverses;           /* movement reversed, 0 for none */
    int64_t recorded_at;        /* UTC seconds */
} dg__points_row;

/* A lot: what a credit movement (lot_id) has left. */
typedef struct dg__points_lot {
    int64_t lot_id;
    int32_t earned_on, expires_on;
    int64_t points, remaining, expired;
} dg__points_lot;

/* Appends a movement (row->movement_id is ignored) and, for a credit, opens its lot; the new id
 * into *id. DG_EEXIST when a unique rule refuses it (an order's second earn or reversal). */
int dg__points_insert(dg_store *store, const dg__points_row *row, int64_t *id, dg_error *err);

/* The customer's lots with points left that are not expired on day, earliest expiry first
 * (ties: lot id). *lots (caller frees with free()) holds *n of them. */
int dg__points_open_lots(dg_store *store, const char *customer_id, int32_t day,
                         dg__points_lot **lots, size_t *n, dg_error *err);
/* The sum of what dg__points_open_lots lists, without the ledger's sum (for the writes). */
int dg__points_available(dg_store *store, const char *customer_id, int32_t day, int64_t *points,
                         dg_error *err);
/* The lot a movement opened; DG_ENOTFOUND if it opened none. */
int dg__points_lot_get(dg_store *store, int64_t lot_id, dg__points_lot *lot, dg_error *err);

/* Inside a write, before it reads any of the ledger: on a cluster the coordinator's locks of
 * customer_id and then of order_id (either NULL), so a second write of the same customer or
 * order first reads the nodes once the first committed (dg__pg_lock_cluster_key); nothing on
 * one store, whose row locks (and SQLite's BEGIN IMMEDIATE) keep writers apart. */
int dg__points_lock(dg_store *store, const char *customer_id, const char *order_id,
                    dg_error *err);

/* Takes points from a lot of customer_id for a debit movement: an allocation row and the lot's
 * remaining less (and its expired more when expiry). */
int dg__points_allocate(dg_store *store, const char *customer_id, int64_t movement_id,
                        int64_t lot_id, int64_t points, bool expiry, dg_error *err);

/* The earn movement of an order (its customer into customer_id, cap bytes) and whether it was
 * reversed; DG_ENOTFOUND if the order earned nothing. */
int dg__points_order_earn(dg_store *store, const char *order_id, dg__points_row *earn,
                          char *customer_id, size_t cap, bool *reversed, dg_error *err);

/* An order's customer, day and total, and its lines' amounts per category (fn once per category
 * with its amount). DG_ENOTFOUND for an unknown order. */
typedef int (*dg__points_category_fn)(void *ctx, const char *category, int64_t amount);
int dg__points_order(dg_store *store, const char *order_id, char *customer_id, size_t cap,
                     int32_t *day, int64_t *total, dg__points_category_fn fn, void *ctx,
                     dg_error *err);

/* Whether customer_id is in campaign_id's treatment group, the campaign launched by day. */
int dg__points_campaign_treated(dg_store *store, const char *campaign_id,
                                const char *customer_id, int32_t day, bool *treated,
                                dg_error *err);

/* Sweeps every lot expired on as_of with points left: one expire movement (recorded_at now) and
 * one allocation each, set-based. Counts into *lots and *points. */
int dg__points_sweep(dg_store *store, int32_t as_of, int64_t now, int64_t *lots, int64_t *points,
                     dg_error *err);

/* Sums for a customer's balance on day. */
typedef struct dg__points_sums {
    int64_t available, ledger, expired_unswept, lots_open;
    int32_t next_expiry;
    int64_t next_expiry_points;
} dg__points_sums;
int dg__points_sums_get(dg_store *store, const char *customer_id, int32_t day,
                        dg__points_sums *out, dg_error *err);

/* The idempotency key's remembered request: DG_ENOTFOUND if the key is new; else its fingerprint
 * into fingerprint (cap bytes) and its result. */
int dg__points_request_get(dg_store *store, const char *key, char *fingerprint, size_t cap,
                           int64_t *movement_id, int64_t *points, int64_t *balance,
                           dg_error *err);
int dg__points_request_put(dg_store *store, const char *key, const char *fingerprint,
                           int64_t movement_id, int64_t points, int64_t balance, int64_t now,
                           dg_error *err);

/* Readers for the reports: every movement of a customer in ledger order; every lot (customer
 * NULL: all customers); the customers with the most available points on day (limit 0: all). */
typedef int (*dg__points_row_fn)(void *ctx, const dg__points_row *row);
int dg__points_movements_scan(dg_store *store, const char *customer_id, dg__points_row_fn fn,
                              void *ctx, dg_error *err);
typedef int (*dg__points_lot_fn)(void *ctx, const char *customer_id, const dg__points_lot *lot);
int dg__points_lots_scan(dg_store *store, const char *customer_id, dg__points_lot_fn fn,
                         void *ctx, dg_error *err);
typedef int (*dg__points_rank_fn)(void *ctx, const char *customer_id, int64_t available);
int dg__points_ranking(dg_store *store, int32_t day, size_t limit, dg__points_rank_fn fn,
                       void *ctx, dg_error *err);

/* The customer of a movement (into customer_id, cap bytes); DG_ENOTFOUND if there is none. */
int dg__points_movement_customer(dg_store *store, int64_t movement_id, char *customer_id,
                                 size_t cap, dg_error *err);

#endif
