/* Private to the report layer: the `clv` reports' summary read from a cluster's per-customer
 * counts instead of the frame (src/report/clv_cluster.c). */
#ifndef DANGOL_REPORT_CLV_CLUSTER_H
#define DANGOL_REPORT_CLV_CLUSTER_H

#include "dangol/report.h"

/* Fills in (summary, ids and a frame of the customers alone) as dg_clv_input_load does from the
 * store's frame, in one consistent read. DG_EUNSUPPORTED when the store is not a cluster or has
 * no order by the calibration's end (the frame's path says why). */
int dg__clv_cluster_input(dg_clv_input *in, dg_store *store, const dg_clv_input_options *opt,
                          dg_error *err);

#endif
