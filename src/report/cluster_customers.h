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

/* Reads a report's input from the nodes of a cluster, in one consistent read: read(in, store,
 * err). A report that reads its input from the nodes asks this first, so that the choice is the
 * same for every one of them: DG_EUNSUPPORTED without reading when the store is not a cluster or
 * the frame as of as_of (DG_DAY_NONE: the last day) would load the coordinator's snapshot (that
 * beats the nodes, and needs none of them: dg_frame_snapshot_current); the nodes when the frame
 * would be rebuilt from the rows. Otherwise read's result; the caller clears in after any
 * failure. */
int dg__cluster_answers(dg_store *store, int32_t as_of,
                        int (*read)(void *in, dg_store *store, dg_error *err), void *in,
                        dg_error *err);

#endif
