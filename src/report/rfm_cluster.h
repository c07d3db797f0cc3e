/* Private to the RFM report: its input read from a cluster's per-customer aggregates instead of
 * the frame (src/report/rfm_cluster.c). */
#ifndef DANGOL_REPORT_RFM_CLUSTER_H
#define DANGOL_REPORT_RFM_CLUSTER_H

#include "dangol/rfm.h"
#include "dangol/store.h"

typedef struct dg__rfm_cluster_input {
    dg_frame *customers;   /* the frame's customers, in its order, without their rows */
    int32_t *orders, *last_day;
    int64_t *spend_minor;
    int32_t *first_seen;   /* the day each customer is first seen, DG_DAY_NONE: never */
    dg_rfm_totals totals;  /* over the arrays above */
} dg__rfm_cluster_input;

/* The input as of as_of (DG_DAY_NONE: the store's last day) in one consistent read;
 * DG_EUNSUPPORTED when the store is not a cluster (read the frame instead). */
int dg__rfm_cluster_input_read(dg__rfm_cluster_input *in, dg_store *store, int32_t as_of,
                               dg_error *err);
void dg__rfm_cluster_input_free(dg__rfm_cluster_input *in);

#endif
