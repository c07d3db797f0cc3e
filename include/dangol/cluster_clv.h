/* What a cluster's nodes count per customer for the BTYD summary (dangol/clv.h), so that one row
 * per customer crosses to the coordinator instead of every order (docs/postgresql.md
 * "Cluster"). Orders are grouped into slots: slot = (calibration_end - day) / slot_days, the
 * days before the calibration's end (slot_days 1: continuous time) or its whole periods
 * (BG/BB); the first purchase is in the customer's largest slot. */
#ifndef DANGOL_CLUSTER_CLV_H
#define DANGOL_CLUSTER_CLV_H

#include <stdint.h>

#include "dangol/error.h"
#include "dangol/store.h"

typedef struct dg_cluster_clv_period {
    int32_t until;             /* orders on or before this day */
    int32_t calibration_end;
    int32_t slot_days;
    int32_t holdout_end;       /* the last holdout day counted (<= calibration_end: none) */
} dg_cluster_clv_period;

/* One customer with an order by calibration_end: its first day, its orders up to
 * calibration_end, the largest and the smallest slot holding one, their spend, the largest
 * order total in the largest slot (that slot's spend when it holds one order) and the orders
 * in the holdout. */
typedef struct dg_cluster_clv_row {
    const char *customer_id;
    int32_t first_day;
    int64_t orders, first_slot, last_slot;
    int64_t spend_minor, first_slot_top;
    int64_t holdout;
} dg_cluster_clv_row;

typedef int (*dg_cluster_clv_row_fn)(void *ctx, const dg_cluster_clv_row *row);
/* A slot holding more than one order of a customer: its number (< 0: a holdout slot,
 * -1 - (day - calibration_end - 1) / slot_days), orders and spend. */
typedef int (*dg_cluster_clv_slot_fn)(void *ctx, const char *customer_id, int64_t slot,
                                      int64_t orders, int64_t spend_minor);

/* The two statements, as they are sent (for EXPLAIN in the tests): $1 the first second after
 * the period's orders, $2 calibration_end, $3 slot_days, $4 the last day counted (holdout_end,
 * at least calibration_end). */
extern const char dg_cluster_clv_customers_sql[];
extern const char dg_cluster_clv_shared_slots_sql[];

/* row_fn for each customer, then slot_fn for each slot of more than one order (in no order):
 * two GROUP BYs on the nodes. DG_EUNSUPPORTED when the store is not a cluster; DG_ERANGE when a
 * spend leaves the money range. Call inside a consistent read (dg_store_read_begin). */
int dg_cluster_clv_repeats(dg_store *s, const dg_cluster_clv_period *period,
                           dg_cluster_clv_row_fn row_fn, dg_cluster_clv_slot_fn slot_fn,
                           void *ctx, dg_error *err);

#endif
