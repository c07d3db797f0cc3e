/* Private to the library: what the loyalty programme's tables hold about each customer as of a
 * day, one aggregate query per table (src/store/programme_sqlite.c), for the feature table's
 * tier, points and coupon columns (src/report/features_programme.c). The frame does not hold
 * these tables, and their writes do not touch the frame snapshot, so they are read from the store
 * each time. Every query ignores the rows dated after the day. */
#ifndef DANGOL_STORE_PROGRAMME_H
#define DANGOL_STORE_PROGRAMME_H

#include <stdint.h>

#include "dangol/error.h"
#include "dangol/store.h"

typedef enum dg__programme_table {
    DG__PROGRAMME_TIERS,    /* text: the tier held on the day (the last tier_history row up to
                               it); values: downgrades up to it */
    DG__PROGRAMME_POINTS,   /* values: balance, earned (earns less their reversals), burned,
                               expired, up to the day (points_movements) */
    DG__PROGRAMME_COUPONS,  /* values: redemptions up to the day and their discount (minor
                               units), less those whose order was returned by the day */
    DG__PROGRAMME_N_TABLES
} dg__programme_table;

#define DG__PROGRAMME_MAX_VALUES 4

/* One customer's aggregate: its values (n of them) and, for the tiers, a text; both live only
 * during the call. A nonzero return stops the scan and is returned. */
typedef int (*dg__programme_fn)(void *ctx, const char *customer_id, const char *text,
                                const int64_t *values, int n);
int dg__programme_scan(dg_store *s, dg__programme_table table, int32_t day, dg__programme_fn fn,
                       void *ctx, dg_error *err);

#endif
