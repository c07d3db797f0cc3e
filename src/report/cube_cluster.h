/* Private to the cube report: the cube on a cluster store, its cells computed on the nodes
 * (src/report/cube_cluster.c). */
#ifndef DANGOL_REPORT_CUBE_CLUSTER_H
#define DANGOL_REPORT_CUBE_CLUSTER_H

#include "dangol/cluster.h"
#include "dangol/cube.h"
#include "dangol/frame.h"

/* The one choice of which cube queries the nodes may answer: those of no ladder dimension
 * (segment, stage, activity: the frame's analytics) and no product dimension (the order
 * lines). The others read the frame; for these dg__cluster_answers chooses, as for every
 * report that reads the nodes (src/report/cluster_customers.c). */
bool dg__cube_cluster_pushes(bool ladder, bool with_lines);

/* The frame whose cube gives the labels of a query that reads opts (its customers and other
 * rows as the frame reads them; for orders, one per distinct order day and order column value
 * of the nodes). Caller frees. */
int dg__cube_cluster_frame(dg_frame **out, dg_store *store, const dg_frame_options *opts,
                           dg_error *err);

/* What dg__cube_cluster_cells reads: the store, that frame, its cube and the parsed query. */
typedef struct dg__cube_cluster {
    dg_store *store;
    const dg_frame *frame;
    const dg_cube *cube;
    const dg_cube_query *q;
} dg__cube_cluster;

/* A dg_cube_cells_fn (ctx: a dg__cube_cluster): the cells of every set summed from the
 * nodes' per-partition groups. */
int dg__cube_cluster_cells(void *ctx, const uint32_t *masks, size_t n_sets,
                           dg_cube_cells *cells, dg_error *err);

#endif
