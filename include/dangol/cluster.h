/* A PostgreSQL store spread over worker nodes (docs/postgresql.md "Cluster"): customers and the
 * per-customer tables the frame reads, hash-partitioned by customer_id into more partitions than
 * nodes, each partition a postgres_fdw foreign table on the coordinator (the store of --db).
 * PostgreSQL's own partitioning and postgres_fdw do the rest: nothing above the store knows. */
#ifndef DANGOL_CLUSTER_H
#define DANGOL_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/store.h"

/* One partition: the table it belongs to, its name (also its table's name on its node), its
 * remainder of the hash, the node holding it and its rows. */
typedef struct dg_cluster_partition {
    char table[64];
    char name[80];
    int remainder, modulus;
    char node[64];
    char address[160];   /* host:port/database of the node */
    int64_t rows;
} dg_cluster_partition;

/* Adds each worker (a libpq connection string, as the coordinator's server reaches it) as a
 * node, then moves customers and the per-customer tables into per_worker partitions per node
 * (partition k on node k mod n), in one transaction of the coordinator. DG_EUNSUPPORTED for a
 * SQLite store, DG_EEXIST when the store is a cluster already. */
int dg_cluster_init(dg_store *s, const char *const *workers, size_t n_workers, int per_worker,
                    dg_error *err);

/* Adds one worker node (no partition yet); its name ("node4") into node (cap bytes). */
int dg_cluster_add_node(dg_store *s, const char *worker, char *node, size_t cap, dg_error *err);

/* Moves partition number `remainder` of every distributed table to node, in one transaction
 * (writers wait for it), then drops the old copies on the node it left. */
int dg_cluster_move(dg_store *s, int remainder, const char *node, dg_error *err);

/* Every partition, by table then remainder (*out: caller frees). DG_ENOTFOUND: not a cluster. */
int dg_cluster_partitions(dg_store *s, dg_cluster_partition **out, size_t *n, dg_error *err);

/* ---- the aggregates the reports push to the nodes ---- */

/* One customer's aggregate: orders and spend (minor units) by a day and the day of the last of
 * them, or (dg_cluster_first_days) only the day. Non-zero stops the read and is returned. */
typedef int (*dg_cluster_total_fn)(void *ctx, const char *customer_id, int64_t orders,
                                   int64_t spend_minor, int32_t day);

/* Whether s is a cluster's coordinator (its nodes are known at open). */
bool dg_cluster_is(dg_store *s);

/* The statements below, as they are sent (for EXPLAIN in the tests). */
extern const char dg_cluster_order_totals_sql[];
extern const char dg_cluster_first_days_sql[];

/* fn for each customer with an order on or before as_of (in no order): one GROUP BY on the
 * nodes. DG_EUNSUPPORTED when the store is not a cluster; DG_ERANGE when a total leaves the
 * money range. */
int dg_cluster_order_totals(dg_store *s, int32_t as_of, dg_cluster_total_fn fn, void *ctx,
                            dg_error *err);
/* fn for each customer with any dated row (order, survey, feedback, interaction, partner
 * activity, referral made) with the day of the first; undated_only: of the partner activities
 * and referrals alone, the rows that may lie after the store's last day (dg_store_last_day).
 * DG_EUNSUPPORTED: not a cluster. */
int dg_cluster_first_days(dg_store *s, bool undated_only, dg_cluster_total_fn fn, void *ctx,
                          dg_error *err);

/* ---- the cube's cells, grouped on the nodes per partition (src/store/cluster_cube.c) ---- */

/* The time levels a set of cells may group by, as bits (1u << level). */
typedef enum {
    DG_CLUSTER_DAY,
    DG_CLUSTER_WEEK,
    DG_CLUSTER_MONTH,
    DG_CLUSTER_QUARTER,
    DG_CLUSTER_YEAR,
} dg_cluster_time;

/* The order columns (channel, payment_method, site, staff_id) and the customer columns
 * (region, gender, acquisition_channel, customer_type, income_band, birth_year) a set of cells
 * may group by, as bits (1u << index). */
#define DG_CLUSTER_ORDER_COLUMNS 4
#define DG_CLUSTER_CUSTOMER_COLUMNS 6

/* One grouping set: the time levels and order columns it groups by, and whether it groups by
 * the query's customer columns (or reads the customers for a filter). */
typedef struct dg_cluster_cell_set {
    unsigned time, order;
    bool customers;
} dg_cluster_cell_set;

/* Rows kept (or, negate, left out) when a column's value is one of values ("" stands for
 * none): order column `column`, or (customer) customer column `column`, whose birth_year is
 * compared as the age band's number at the as-of year ("0" for 0-19 ... "7" for none). */
typedef struct dg_cluster_value_filter {
    int column;
    bool customer;
    bool negate;
    const char *const *values;
    size_t n_values;
} dg_cluster_value_filter;

typedef struct dg_cluster_cell_query {
    int32_t as_of;                         /* the orders on or before it */
    const dg_cluster_cell_set *sets;
    size_t n_sets;
    unsigned customer_columns;             /* grouped in the sets that group customers */
    bool customers;                        /* the distinct customers are wanted */
    const dg_cluster_value_filter *filters;
    size_t n_filters;
    bool days_filtered;                    /* only the orders of the day ranges below */
    const int32_t *day_ranges;             /* [2 * n_day_ranges]: first, last (inclusive) */
    size_t n_day_ranges;
} dg_cluster_cell_query;

/* The sums of one group of one partition's orders. */
typedef struct dg_cluster_cell {
    size_t set;
    int32_t day;                 /* the group's first order day (when the set groups time) */
    const char *customer_id;     /* one of its customers (when the set groups customers) */
    const char *order_value[DG_CLUSTER_ORDER_COLUMNS];   /* NULL: none or not grouped */
    int64_t orders, customers, revenue_minor, units;
} dg_cluster_cell;

typedef int (*dg_cluster_cell_fn)(void *ctx, const dg_cluster_cell *cell);

/* The statement dg_cluster_cube_cells sends (with $1, the day bound) into *sql (caller frees):
 * one GROUP BY per set and partition, each on one partition's foreign tables (orders joined to
 * its customers when the set groups customers), so postgres_fdw sends it whole to the node. */
int dg_cluster_cube_cells_sql(char **sql, dg_store *s, const dg_cluster_cell_query *q,
                              dg_error *err);

/* fn for every group of every set and partition, in no order. DG_EUNSUPPORTED: not a cluster;
 * DG_ERANGE: a sum leaves the int64 range. A node that does not answer is named in err. */
int dg_cluster_cube_cells(dg_store *s, const dg_cluster_cell_query *q, dg_cluster_cell_fn fn,
                          void *ctx, dg_error *err);

/* fn(ctx, customer_id, day, values) for each distinct order day (values NULL) and each
 * distinct value of the order columns of `columns` (bits as above; values[i] for column i, the
 * others NULL), with the first day and customer of those orders, over every order of every
 * partition: what the frame's labels are made of. */
typedef int (*dg_cluster_label_fn)(void *ctx, const char *customer_id, int32_t day,
                                   const char *const *values);
int dg_cluster_order_labels(dg_store *s, unsigned columns, dg_cluster_label_fn fn, void *ctx,
                            dg_error *err);

#endif
