/* Private to the report layer: the customers of a cluster store without their rows
 * (src/report/cluster_customers.c). */
#ifndef DANGOL_REPORT_CLUSTER_CUSTOMERS_H
#define DANGOL_REPORT_CLUSTER_CUSTOMERS_H

#include "dangol/frame.h"
#include "dangol/store.h"

/* The customers alone as a frame as of as_of (the frame's order, the store's currency), every
 * one kept, and each one's acquisition day into *first_seen (DG_DAY_NONE without one; caller
 * frees both, also on failure), for the frame's rule on who is known by a day. */
int dg__cluster_customers_read(dg_frame **customers, int32_t **first_seen, dg_store *store,
                               int32_t as_of, dg_error *err);

#endif
