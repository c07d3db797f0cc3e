/* Private to the store: the points ledger's SQL on a PostgreSQL store (points_postgres.c),
 * called by points_sqlite.c's functions of the same names (dg__points_* of store/points.h) for a
 * PostgreSQL store, with the same meaning. An order's earn and reversal, the expiry sweep and
 * the ledger's reports stay SQLite's for now. */
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
int dg__pg_points_allocate(dg_pg *pg, int64_t movement_id, int64_t lot_id, int64_t points,
                           bool expiry, dg_error *err);
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

#endif
