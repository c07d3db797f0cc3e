/* Private to the store: the points ledger's SQL on a PostgreSQL store (points_postgres.c),
 * called by points_sqlite.c's functions of the same names (dg__points_* of store/points.h) for a
 * PostgreSQL store, with the same meaning: the writes and look-ups here, the reports' reads in
 * points_reads_postgres.c. */
#ifndef DANGOL_STORE_POINTS_POSTGRES_H
#define DANGOL_STORE_POINTS_POSTGRES_H

#include "store/points.h"
#include "store/postgres.h"

int dg__pg_points_insert(dg_pg *pg, const dg__points_row *row, int64_t *id, dg_error *err);
int dg__pg_points_open_lots(dg_pg *pg, const char *customer_id, int32_t day,
                            dg__points_lot **lots, size_t *n, dg_error *err);
int dg__pg_points_available(dg_pg *pg, const char *customer_id, int32_t day, int64_t *points,
                            dg_error *err);
int dg__pg_points_lot_get(dg_pg *pg, int64_t lot_id, dg__points_lot *lot, dg_error *err);
int dg__pg_points_allocate(dg_pg *pg, const char *customer_id, int64_t movement_id,
                           int64_t lot_id, int64_t points, bool expiry, dg_error *err);
int dg__pg_points_sums_get(dg_pg *pg, const char *customer_id, int32_t day,
                           dg__points_sums *out, dg_error *err);
int dg__pg_points_request_get(dg_pg *pg, const char *key, char *fingerprint, size_t cap,
                              int64_t *movement_id, int64_t *points, int64_t *balance,
                              dg_error *err);
int dg__pg_points_request_put(dg_pg *pg, const char *key, const char *fingerprint,
                              int64_t movement_id, int64_t points, int64_t balance, int64_t now,
                              dg_error *err);
int dg__pg_points_movement_customer(dg_pg *pg, int64_t movement_id, char *customer_id,
                                    size_t cap, dg_error *err);

/* The lot whose DG__POINTS_LOT_COLUMNS start at column first of row r. */
void dg__pg_points_lot_at(const PGresult *res, int r, int first, dg__points_lot *lot);
int dg__pg_points_order_earn(dg_pg *pg, const char *order_id, dg__points_row *earn,
                             char *customer_id, size_t cap, bool *reversed, dg_error *err);
int dg__pg_points_order(dg_pg *pg, const char *order_id, char *customer_id, size_t cap,
                        int32_t *day, int64_t *total, dg__points_category_fn fn, void *ctx,
                        dg_error *err);
int dg__pg_points_campaign_treated(dg_pg *pg, const char *campaign_id, const char *customer_id,
                                   int32_t day, bool *treated, dg_error *err);
int dg__pg_points_sweep(dg_pg *pg, int32_t as_of, int64_t now, int64_t *lots, int64_t *points,
                        dg_error *err);
int dg__pg_points_movements_scan(dg_pg *pg, const char *customer_id, dg__points_row_fn fn,
                                 void *ctx, dg_error *err);
int dg__pg_points_lots_scan(dg_pg *pg, const char *customer_id, dg__points_lot_fn fn, void *ctx,
                            dg_error *err);
int dg__pg_points_ranking(dg_pg *pg, int32_t day, size_t limit, dg__points_rank_fn fn,
                          void *ctx, dg_error *err);

#endif
