/* Private to the store: what every statement a report pushes to a cluster's nodes needs (the
 * aggregates of src/store/cluster_totals.c and src/store/cluster_clv.c). */
#ifndef DANGOL_STORE_CLUSTER_AGGREGATE_H
#define DANGOL_STORE_CLUSTER_AGGREGATE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/postgres.h"

/* The rows of sql (with the parameters params[0..n-1]) on a cluster store; DG_EUNSUPPORTED
 * when s is not a cluster. */
int dg__cluster_aggregate(dg_store *s, const char *sql, int n, const char *const *params,
                          PGresult **res, const char *what, dg_error *err);

/* An integer result column; false when it leaves the int64 range. */
bool dg__cluster_integer(const PGresult *res, int row, int col, int64_t *out);

#endif
