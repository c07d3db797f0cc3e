/* The OLAP cube: revenue, orders, distinct customers and units over dictionary-encoded dimensions
 * (time year > quarter > month > week > day; product category > brand > product; channel, payment,
 * region, age band, gender, acquisition channel, staff, segment, stage). The core works on plain
 * column arrays (dg_cube_facts) and dimension code arrays, so it can be fed by the frame or by a
 * test; dg_cube_query_* turn the CLI/HTTP vocabulary (rows, cols, measure, where, totals, top,
 * sort) into a query whose answer is a long-form result (one cell per group, GROUPING SETS
 * semantics) and a pivot dg_table. See docs/cube.md. */
#ifndef DANGOL_CUBE_H
#define DANGOL_CUBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/frame.h"
#include "dangol/rfm.h"
#include "dangol/stage.h"
#include "dangol/table.h"
#include "dangol/export.h"

DG_API_BEGIN

#define DG_CUBE_MAX_GROUP 6      /* row + column dimensions of one query */
#define DG_CUBE_MAX_DIMS 32      /* dimensions a cube can hold */
#define DG_CUBE_MAX_MEASURES 8
#define DG_CUBE_ALL UINT32_MAX   /* code of a rolled-up dimension in a result cell (SQL NULL) */
#define DG_CUBE_NONE_LABEL "(none)"  /* label of a missing value; sorts last */

/* What indexes a dimension's code array: the order (order-level attributes such as channel), the
 * customer (region, age band, ...), the day (time levels, indexed by day - first_day) or the
 * product (category, brand, product; only with order lines). */
typedef enum {
    DG_CUBE_KEY_ORDER,
    DG_CUBE_KEY_CUSTOMER,
    DG_CUBE_KEY_DAY,
    DG_CUBE_KEY_PRODUCT,
} dg_cube_key;

/* The fact columns, borrowed: they must outlive the cube. Orders are grouped by customer
 * (order_customer nondecreasing, or customer_order_start) and lines by order (line_order
 * nondecreasing), which is the frame's CSR layout; dg_cube_new checks it. */
typedef struct dg_cube_facts {
    size_t n_customers;
    size_t n_orders;
    const uint32_t *order_customer;     /* [n_orders] customer index, or NULL when
                                         * customer_order_start says it */
    const size_t *customer_order_start; /* [n_customers + 1] customer c's orders are
                                         * [start[c], start[c + 1]), or NULL */
    const int32_t *order_day;           /* [n_orders] days since the epoch */
    const int64_t *order_revenue_minor; /* [n_orders] order total */
    const int32_t *order_units;         /* [n_orders] or NULL (0 units) */
    size_t n_products;
    size_t n_lines;                     /* 0: no product dimensions */
    const uint32_t *line_order;         /* [n_lines] order index */
    const uint32_t *line_product;       /* [n_lines] product index */
    const int64_t *line_amount_minor;   /* [n_lines] */
    const int32_t *line_quantity;       /* [n_lines] or NULL (0 units) */
    int minor_digits;                   /* of the store currency */
    bool has_as_of;                     /* leave out the orders dated after as_of (the cube of
                                         * a frame's window, dg_frame_window: its arrays hold
                                         * the later orders too) */
    int32_t as_of;
} dg_cube_facts;

typedef struct dg_cube dg_cube;

/* Builds a cube over facts, with the time dimensions year, quarter, month, week (ISO 8601, e.g.
 * 2024-W05) and day already added. Caller frees with dg_cube_free. */
int dg_cube_new(dg_cube **out, const dg_cube_facts *facts, dg_error *err);
void dg_cube_free(dg_cube *cube);  /* NULL is a no-op */

/* Adds a dimension. codes[i] < n_labels for every i of the key's domain (n_orders, n_customers,
 * n_products); codes are borrowed (they must outlive the cube), labels are copied. Rows and
 * columns, and ranges "a..b", follow the labels' byte order with "(none)" last. parent names the
 * next coarser level of a hierarchy (e.g. brand for product) or is NULL. */
int dg_cube_add_dim(dg_cube *cube, const char *name, const char *parent, dg_cube_key key,
                    const uint32_t *codes, size_t n_labels, const char *const *labels,
                    dg_error *err);

/* Makes the dimension's labels keep the order they were given in (ladder stages, segments)
 * instead of byte order. */
void dg_cube_dim_keep_order(dg_cube *cube, size_t dim);

/* The number of dimensions. */
size_t dg_cube_dim_count(const dg_cube *cube);
/* Dimension dim's name, borrowed from the cube (valid while it lives). */
const char *dg_cube_dim_name(const dg_cube *cube, size_t dim);
/* The number of labels (codes 0..n-1) of dimension dim. */
size_t dg_cube_dim_labels(const dg_cube *cube, size_t dim);
/* The label of code in dimension dim, borrowed from the cube; "Total" for DG_CUBE_ALL. */
const char *dg_cube_dim_label(const dg_cube *cube, size_t dim, uint32_t code);
/* Index of the dimension called name (aliases accepted), or -1. */
int dg_cube_dim_find(const dg_cube *cube, const char *name);
/* First and last day of the facts (first > last when there are no orders). */
void dg_cube_day_range(const dg_cube *cube, int32_t *first_day, int32_t *last_day);

typedef enum {
    DG_CUBE_REVENUE,      /* sum of order totals (of line amounts when product dims are used) */
    DG_CUBE_ORDERS,       /* distinct orders */
    DG_CUBE_CUSTOMERS,    /* distinct customers (exact) */
    DG_CUBE_UNITS,        /* sum of units */
    DG_CUBE_AOV,          /* revenue / orders */
    DG_CUBE_RPC,          /* revenue / customers */
    DG_CUBE_SHARE,        /* revenue / revenue of the whole (filtered) query */
    DG_CUBE_N_MEASURES
} dg_cube_measure;

/* The measure's name ("revenue", ...): a static string. */
const char *dg_cube_measure_name(dg_cube_measure m);

typedef enum {
    DG_CUBE_TOTALS_NONE,    /* GROUP BY rows, cols */
    DG_CUBE_TOTALS_ROLLUP,  /* GROUP BY ROLLUP(rows), ROLLUP(cols): subtotals and grand total */
    DG_CUBE_TOTALS_CUBE,    /* GROUP BY CUBE(rows, cols): every combination */
    DG_CUBE_TOTALS_SETS,    /* GROUP BY GROUPING SETS given in sets[] */
} dg_cube_totals;

/* One filter term: dim IN (codes) or NOT IN; codes as a 0/1 mask over the dim's labels. */
typedef struct dg_cube_filter {
    int dim;
    bool negate;
    uint8_t *allowed;   /* [labels of dim], owned by the query */
} dg_cube_filter;

#define DG_CUBE_MAX_FILTERS 16
#define DG_CUBE_MAX_SETS 64

typedef struct dg_cube_query {
    int group[DG_CUBE_MAX_GROUP];        /* row dims then col dims (dimension indexes) */
    size_t n_rows, n_cols;
    dg_cube_measure measures[DG_CUBE_MAX_MEASURES];
    size_t n_measures;                   /* 0 = revenue */
    dg_cube_filter filters[DG_CUBE_MAX_FILTERS];
    size_t n_filters;                    /* terms are ANDed; a dim may appear in several */
    dg_cube_totals totals;
    uint32_t sets[DG_CUBE_MAX_SETS];     /* TOTALS_SETS: bit d = cube dimension d is grouped */
    size_t n_sets;
    size_t top;                          /* keep the top N detail rows by sort measure; 0 = all */
    int sort_measure;                    /* -1 = by labels; else a dg_cube_measure */
    bool sort_ascending;
    bool has_as_of;
    int32_t as_of;                       /* ignore orders after this day */
    int threads;                         /* 0 = automatic (up to 2) */
} dg_cube_query;

/* Empties the caller's q: no rows, columns or filters, sorted by labels. Allocates nothing. */
void dg_cube_query_init(dg_cube_query *q);
void dg_cube_query_clear(dg_cube_query *q);  /* frees the filter masks; q can be reused */

/* Sets one query parameter by name, the way the CLI and the HTTP API spell them:
 *   rows / cols   "month" or "year,quarter"       measure  "revenue" or "revenue,customers"
 *   where         "region=Seoul,Busan;age=30-39;channel!=web;day=2024-01-01..2024-03-31"
 *   totals        none | rollup | cube | "month,channel|month|" (grouping sets; "" = grand total)
 *   top N         sort  label | MEASURE[:asc|:desc]     as_of  YYYY-MM-DD    threads N
 * A bad name or value fails with DG_EINVAL and a message listing what is valid. */
int dg_cube_query_set(dg_cube_query *q, const dg_cube *cube, const char *key, const char *value,
                      dg_error *err);

/* The answer in long form: one cell per non-empty group of every grouping set (a grand total
 * cell is always there, as in SQL, even on no rows). codes[cell * n_group + j] is the code of group[j] or
 * DG_CUBE_ALL when the set rolls it up. */
typedef struct dg_cube_result {
    size_t n_group;
    size_t n_cells;
    uint32_t *codes;
    uint32_t *set;           /* [n_cells] grouping-set bitmask of the cell */
    int64_t *revenue_minor;  /* [n_cells] */
    int64_t *orders;
    int64_t *customers;
    int64_t *units;
    int64_t total_revenue_minor;  /* of the whole filtered query: the base of SHARE */
    uint8_t *hidden;         /* [n_cells] 1 = set not asked for: the rows-only totals added to
                                sort or rank rows when there are column dimensions */
    bool line_grain;         /* revenue and units come from order lines */
} dg_cube_result;

/* Value of measure m in a cell (money measures in minor units; SHARE as a fraction). */
double dg_cube_result_value(const dg_cube_result *r, size_t cell, dg_cube_measure m);

/* ---- cells computed elsewhere (a cluster's nodes, src/report/cube_cluster.c) ---- */

/* What one group of rows adds to a cell. Adding merges exactly when no customer and no order
 * is in two groups of one set (customers: each partition of a cluster holds its own). */
typedef struct dg_cube_cell_sums {
    int64_t revenue_minor, orders, customers, units;
} dg_cube_cell_sums;

typedef struct dg_cube_cells dg_cube_cells;

/* Adds sums to the cell of grouping set `set` (an index into the masks fn was given) at codes
 * (codes[j] for q's group[j]; ignored where the set rolls group[j] up). */
void dg_cube_cells_add(dg_cube_cells *cells, size_t set, const uint32_t *codes,
                       const dg_cube_cell_sums *sums);

/* Fills the cells of every grouping set of a query: masks[s] has bit j when set s groups
 * group[j]; the filters of the query are fn's to apply. Non-zero stops the run. */
typedef int (*dg_cube_cells_fn)(void *ctx, const uint32_t *masks, size_t n_sets,
                                dg_cube_cells *cells, dg_error *err);

/* dg_cube_run with the cells filled by fn instead of a pass over the facts: the same grouping
 * sets, long form and layout. Not for queries at order-line grain. */
int dg_cube_run_cells(dg_cube_result **out, const dg_cube *cube, const dg_cube_query *q,
                      dg_cube_cells_fn fn, void *ctx, dg_error *err);

/* The key a dimension is indexed by, and the code of one key value: a day (days since the
 * epoch, within dg_cube_day_range) for a time level, else the index of an order, customer or
 * product. */
dg_cube_key dg_cube_dim_key(const dg_cube *cube, size_t dim);
uint32_t dg_cube_dim_code(const dg_cube *cube, size_t dim, int64_t key);

/* Runs q. Caller frees with dg_cube_result_free. */
int dg_cube_run(dg_cube_result **out, const dg_cube *cube, const dg_cube_query *q, dg_error *err);
void dg_cube_result_free(dg_cube_result *r);  /* NULL is a no-op */

/* Lays a result out as a pivot: one text column per row dimension, then one column per column
 * key (× measure), subtotal rows after their group, "Total" for rolled-up labels. Sorting and
 * top-N apply here. Caller frees with dg_table_free. */
int dg_cube_result_table(dg_table **out, const dg_cube *cube, const dg_cube_query *q,
                         const dg_cube_result *r, dg_error *err);

/* dg_cube_run + dg_cube_result_table. */
int dg_cube_query_table(dg_table **out, const dg_cube *cube, const dg_cube_query *q,
                        dg_error *err);

/* The cube of a frame: orders (and lines, when the frame has them) with the dimensions channel,
 * payment, site, staff (order level); region, gender, age (band at the frame's as-of day),
 * acquisition, customer_type, income, segment (RFM), stage (relationship ladder) and activity
 * (active / lapsed / churned) at the frame's as-of day (customer level); category > brand >
 * product (lines). Segments use segments (NULL: the default map), stages use rules (NULL: the
 * default rules). The frame is borrowed and must outlive the cube. Caller frees with
 * dg_cube_free. */
int dg_cube_from_frame(dg_cube **out, const dg_frame *frame, const dg_rfm_segment_map *segments,
                       const dg_stage_rules *rules, dg_error *err);
/* The same without the dimensions segment, stage and activity when ladder is false (they cost an
 * RFM and a stage pass over every customer): for one query known not to name them. */
int dg_cube_from_frame_of(dg_cube **out, const dg_frame *frame,
                          const dg_rfm_segment_map *segments, const dg_stage_rules *rules,
                          bool ladder, dg_error *err);

/* The dimensions dg_cube_from_frame builds, in its order: the names a query on a frame's cube may
 * use, known before any cube is built (the product levels exist only with order lines). */
typedef struct dg_cube_dim_spec {
    const char *name;
    const char *parent;     /* next coarser level, or NULL */
    dg_cube_key key;
} dg_cube_dim_spec;

/* The catalog, a static array of *n entries. */
const dg_cube_dim_spec *dg_cube_frame_dims(size_t *n);

/* ---- customers (campaign audiences) ----
 * The same where language selects customers instead of orders: every filter term must be on a
 * customer dimension (region, segment, stage, ... and any customer dimension a caller added). */

/* The codes of a customer dimension (indexed by customer), or NULL for another key. */
const uint32_t *dg_cube_customer_codes(const dg_cube *cube, size_t dim);

/* keep[c] = 1 for every customer c (< the facts' n_customers) that passes all of q's filters,
 * else 0. DG_EINVAL naming the dimension and the customer dimensions when a filter is on an
 * order, day or product dimension. */
int dg_cube_customer_filter(uint8_t *keep, const dg_cube *cube, const dg_cube_query *q,
                            dg_error *err);

DG_API_END

#endif
