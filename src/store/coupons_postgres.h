/* Private to the store: the coupons' SQL on a PostgreSQL store (coupons_postgres.c), called by
 * coupons_sqlite.c's functions of the same names (dg__coupon_* of store/coupons.h) for a
 * PostgreSQL store, with the same meaning, and the coupon reports' queries. */
#ifndef DANGOL_STORE_COUPONS_POSTGRES_H
#define DANGOL_STORE_COUPONS_POSTGRES_H

#include "store/coupons.h"
#include "store/postgres.h"

int dg__pg_coupon_def_insert(dg_pg *pg, const dg_coupon_definition *d, const char *actor,
                             int64_t now, dg_error *err);
int dg__pg_coupon_def_get(dg_pg *pg, const char *id, dg__coupon_def_row *out, dg_error *err);
int dg__pg_coupon_next_batch(dg_pg *pg, int64_t *batch, dg_error *err);
int dg__pg_coupon_code_insert(dg_pg *pg, const char *code, const char *definition_id,
                              const char *customer_id, int64_t batch, int32_t day, int64_t now,
                              const char *actor, dg_error *err);
int dg__pg_coupon_code_get(dg_pg *pg, const char *code, dg__coupon_code_row *out,
                           dg_error *err);
int dg__pg_coupon_batch_get(dg_pg *pg, int64_t batch, dg_coupon_issued **out, size_t *n,
                            dg_error *err);
int dg__pg_coupon_customer_orders(dg_pg *pg, const char *customer_id, int64_t *n,
                                  dg_error *err);
int dg__pg_coupon_redeemed_counts(dg_pg *pg, const char *definition_id, const char *customer_id,
                                  int64_t *by_customer, int64_t *total, dg_error *err);
int dg__pg_coupon_order_get(dg_pg *pg, const char *order_id, dg__coupon_order_row *out,
                            dg_error *err);
int dg__pg_coupon_redemption_get(dg_pg *pg, const char *code, const char *order_id, int64_t id,
                                 dg_coupon_redemption *out, dg_error *err);
int dg__pg_coupon_redemption_insert(dg_pg *pg, const dg_coupon_redemption *r, const char *actor,
                                    int64_t now, int64_t *id, dg_error *err);
int dg__pg_coupon_void(dg_pg *pg, const char *target, bool is_definition, const char *reason,
                       int64_t now, bool *changed, dg_error *err);

/* dg__coupon_table_fill and dg__coupon_scan of PostgreSQL's SQL ($1.. parameters). */
int dg__pg_coupon_table_fill(dg_pg *pg, dg_table *t, const char *sql, const char *const *params,
                             dg_error *err);
int dg__pg_coupon_scan(dg_pg *pg, const char *sql, const char *const *params,
                       dg__coupon_row_fn fn, void *ctx, dg_error *err);
int dg__pg_coupon_report_fill(dg_pg *pg, dg_table *t, dg__coupon_query q,
                              const char *const *params, dg_error *err);
int dg__pg_coupon_report_scan(dg_pg *pg, dg__coupon_query q, const char *const *params,
                              dg__coupon_row_fn fn, void *ctx, dg_error *err);

#endif
