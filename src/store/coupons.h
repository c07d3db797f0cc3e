/* Private to the library: the SQL of coupons (src/store/coupons_sqlite.c), which the coupon
 * writes (src/crm/coupons.c) and reports (src/report/coupons.c) call inside the transactions they
 * open. Nothing here decides a rule: these read and write rows. */
#ifndef DANGOL_STORE_COUPONS_H
#define DANGOL_STORE_COUPONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/coupon.h"
#include "dangol/error.h"
#include "dangol/store.h"
#include "dangol/table.h"

/* A definition as stored: d's text fields point into the buffers. */
typedef struct dg__coupon_def_row {
    dg_coupon_definition d;
    char id[DG_COUPON_ID_MAX], name[DG_COUPON_ID_MAX], campaign[DG_COUPON_ID_MAX];
    bool voided;
} dg__coupon_def_row;

typedef struct dg__coupon_code_row {
    char definition_id[DG_COUPON_ID_MAX], customer_id[DG_COUPON_ID_MAX];
    bool voided;
} dg__coupon_code_row;

/* An order as a redemption sees it; earlier: the customer's other orders at or before it. */
typedef struct dg__coupon_order_row {
    char customer_id[DG_COUPON_ID_MAX];
    int32_t day;
    int64_t total, earlier;
} dg__coupon_order_row;

int dg__coupon_def_insert(dg_store *s, const dg_coupon_definition *d, const char *actor,
                          int64_t now, dg_error *err);
/* DG_ENOTFOUND naming the id when there is none. */
int dg__coupon_def_get(dg_store *s, const char *id, dg__coupon_def_row *out, dg_error *err);
int dg__coupon_next_batch(dg_store *s, int64_t *batch, dg_error *err);
/* DG_EEXIST when the code exists (a collision: draw again). */
int dg__coupon_code_insert(dg_store *s, const char *code, const char *definition_id,
                           const char *customer_id, int64_t batch, int32_t day, int64_t now,
                           const char *actor, dg_error *err);
int dg__coupon_code_get(dg_store *s, const char *code, dg__coupon_code_row *out, dg_error *err);
/* The codes of a batch, in issue order, into out (caller frees). */
int dg__coupon_batch_get(dg_store *s, int64_t batch, dg_coupon_issued **out, size_t *n,
                         dg_error *err);
/* Orders of customer_id (all of them). */
int dg__coupon_customer_orders(dg_store *s, const char *customer_id, int64_t *n, dg_error *err);
int dg__coupon_order_get(dg_store *s, const char *order_id, dg__coupon_order_row *out,
                         dg_error *err);
/* Redemptions of definition_id: by customer_id, and in all. */
int dg__coupon_redeemed_counts(dg_store *s, const char *definition_id, const char *customer_id,
                               int64_t *by_customer, int64_t *total, dg_error *err);
/* The redemption of a code (by code, or by id when code is NULL), or of an order (by_order):
 * DG_ENOTFOUND (no message) when there is none. */
int dg__coupon_redemption_get(dg_store *s, const char *code, const char *order_id, int64_t id,
                              dg_coupon_redemption *out, dg_error *err);
int dg__coupon_redemption_insert(dg_store *s, const dg_coupon_redemption *r, const char *actor,
                                 int64_t now, int64_t *id, dg_error *err);
/* Sets voided_at (and the reason) of a code or a definition not voided yet; *changed false when
 * it was voided already. */
int dg__coupon_void(dg_store *s, const char *target, bool is_definition, const char *reason,
                    int64_t now, bool *changed, dg_error *err);

/* The idempotency key: DG_ENOTFOUND if new; else its fingerprint and result text. */
int dg__coupon_request_get(dg_store *s, const char *key, char *fingerprint, size_t cap,
                           char *result, size_t result_cap, dg_error *err);
int dg__coupon_request_put(dg_store *s, const char *key, const char *fingerprint,
                           const char *result, int64_t now, dg_error *err);

/* The coupon reports' queries (store/coupons_sql.h), each in its order; $1 is today (days,
 * as text) in all but the rates. */
typedef enum dg__coupon_query {
    DG__COUPON_Q_DEFINITIONS,       /* every definition, by id */
    DG__COUPON_Q_DEFINITION,        /* one: $2 its id */
    DG__COUPON_Q_DEFINITION_CODES,  /* $2 a definition's codes, in issue order */
    DG__COUPON_Q_CODE,              /* $2 one code */
    DG__COUPON_Q_CUSTOMER_CODES,    /* $2 a customer's codes, newest first; $3 "1": whole */
    DG__COUPON_Q_RATES_BY_COUPON,   /* by definition id */
    DG__COUPON_Q_RATES_BY_CAMPAIGN, /* by campaign id, the coupons of none last */
    DG__COUPON_QUERIES
} dg__coupon_query;

/* Runs query q (params NULL-terminated) on either backend as dg__coupon_table_fill and
 * dg__coupon_scan do. */
int dg__coupon_report_fill(dg_store *s, dg_table *t, dg__coupon_query q,
                           const char *const *params, dg_error *err);

/* Runs sql (its ?1.. or $1.. bound to the text params, NULL-terminated; SQLite's SQL only,
 * refused on a PostgreSQL store) and appends one table row per
 * result row: an integer to dg_table_set_int, a real to _set_real, text to _set_text, NULL left
 * unset, column by column. */
int dg__coupon_table_fill(dg_store *s, dg_table *t, const char *sql, const char *const *params,
                          dg_error *err);

/* Runs sql the same way and calls fn with each result row: its columns as text (NULL for
 * NULL) and as integers, n of each; fn's nonzero return stops and is returned. Unlike
 * dg__coupon_table_fill it runs on a PostgreSQL store too, with $1.. parameters: sql must then
 * mean the same in both dialects (the demo generator's reads). */
#define DG__COUPON_SCAN_COLUMNS 16  /* columns beyond are not passed */
typedef int (*dg__coupon_row_fn)(void *ctx, const char *const *texts, const int64_t *ints,
                                 int n);
int dg__coupon_scan(dg_store *s, const char *sql, const char *const *params,
                    dg__coupon_row_fn fn, void *ctx, dg_error *err);
int dg__coupon_report_scan(dg_store *s, dg__coupon_query q, const char *const *params,
                           dg__coupon_row_fn fn, void *ctx, dg_error *err);

#endif
