/* The cube on a cluster store (docs/postgresql.md "Cluster"): its cells are computed on the
 * nodes, one GROUP BY per grouping set and partition (src/store/cluster_cube.c), and summed
 * here into the one cube code's cells (dg_cube_run_cells), which lays them out as from the
 * rows. The cube itself (its dimensions, labels and the parsing of the query) is the cube of a
 * frame read as the frame is but for its orders: in their place, one order per distinct order
 * day and per distinct value of the order columns the query reads, so the labels are the
 * frame's and no order is copied to the coordinator. */
#include <stdlib.h>
#include <string.h>

#include "frame/snapshot.h"
#include "report/cube_cluster.h"

bool dg__cube_cluster_pushes(bool ladder, bool with_lines)
{
    /* segment, stage and activity come from the frame's analytics and products from the order
     * lines: those read the frame */
    return !ladder && !with_lines;
}

/* The frame's order columns (DG_FRAME_ORDER_*) in the cluster's order column order. */
static const unsigned frame_order_columns[DG_CLUSTER_ORDER_COLUMNS] = {
    DG_FRAME_ORDER_CHANNEL, DG_FRAME_ORDER_PAYMENT, DG_FRAME_ORDER_SITE, DG_FRAME_ORDER_STAFF,
};
/* The cube's dimensions of the cluster's order and customer columns, in their order. */
static const char *const order_dims[DG_CLUSTER_ORDER_COLUMNS] = {
    "channel", "payment", "site", "staff",
};
static const char *const customer_dims[DG_CLUSTER_CUSTOMER_COLUMNS] = {
    "region", "gender", "acquisition", "customer_type", "income", "age",
};
static const char *const time_dims[] = {
    [DG_CLUSTER_DAY] = "day", [DG_CLUSTER_WEEK] = "week", [DG_CLUSTER_MONTH] = "month",
    [DG_CLUSTER_QUARTER] = "quarter", [DG_CLUSTER_YEAR] = "year",
};

/* The index of name in names[n], or -1. */
static int index_of(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return (int)i;
    return -1;
}

typedef struct {
    dg_frame_builder *b;
    const dg_frame_options *opts;
    dg_error *err;
} labels_ctx;

static int on_label(void *p, const char *customer_id, int32_t day, const char *const *values)
{
    labels_ctx *ctx = p;
    dg_frame_order_in in = { .customer_id = customer_id, .ordered_at = (int64_t)day * 86400 };
    const char **columns[DG_CLUSTER_ORDER_COLUMNS] = { &in.channel, &in.payment_method,
                                                       &in.site, &in.staff_id };
    for (size_t i = 0; values && i < DG_CLUSTER_ORDER_COLUMNS; i++)
        if (ctx->opts->columns & frame_order_columns[i])
            *columns[i] = values[i];
    return dg_frame_add_order(ctx->b, &in, ctx->err);
}

int dg__cube_cluster_frame(dg_frame **out, dg_store *store, const dg_frame_options *opts,
                           dg_error *err)
{
    labels_ctx ctx = { .opts = opts, .err = err };
    unsigned columns = 0;
    char code[4];
    int digits;
    *out = NULL;
    for (size_t i = 0; i < DG_CLUSTER_ORDER_COLUMNS; i++)
        if (opts->columns & frame_order_columns[i])
            columns |= 1u << i;
    int rc = dg_store_currency(store, code, &digits, err);
    if (rc == 0)
        rc = dg_frame_builder_new(&ctx.b, opts->as_of, false, err);
    if (rc == 0) {
        dg_frame_builder_set_currency(ctx.b, code, digits);
        rc = dg__frame_read_customers(store, ctx.b, err);
    }
    if (rc == 0)
        rc = dg_cluster_order_labels(store, columns, on_label, &ctx, err);
    if (rc == 0)
        rc = dg__frame_read_activity(store, ctx.b, err);
    if (rc == 0)
        rc = dg_frame_builder_finish(out, ctx.b, err);
    dg_frame_builder_free(ctx.b);
    return rc;
}

/* ---- the cells ---- */

typedef struct {
    const dg__cube_cluster *cl;
    dg_cube_cells *cells;
    const uint32_t *masks;
    dg_error *err;
} cells_ctx;

/* The code of an order column's value in dimension dim (none: the "(none)" label). */
static int order_code(const dg_cube *cube, size_t dim, const char *value, uint32_t *code,
                      dg_error *err)
{
    const char *label = value && *value ? value : DG_CUBE_NONE_LABEL;
    for (uint32_t c = 0; c < dg_cube_dim_labels(cube, dim); c++)
        if (strcmp(dg_cube_dim_label(cube, dim, c), label) == 0) {
            *code = c;
            return 0;
        }
    return dg_error_set(err, DG_ENOTFOUND, "the nodes name %s \"%s\", which the frame's labels "
                        "do not hold", dg_cube_dim_name(cube, dim), label);
}

static int on_cell(void *p, const dg_cluster_cell *cell)
{
    cells_ctx *ctx = p;
    const dg_cube *cube = ctx->cl->cube;
    const dg_cube_query *q = ctx->cl->q;
    uint32_t codes[DG_CUBE_MAX_GROUP] = { 0 }, mask = ctx->masks[cell->set];
    int64_t customer = -1;
    if (cell->customer_id &&
        (customer = dg_frame_customer_index(ctx->cl->frame, cell->customer_id)) < 0)
        return dg_error_set(ctx->err, DG_ENOTFOUND, "customer \"%s\" of the nodes is not in "
                            "the frame", cell->customer_id);
    for (size_t j = 0; j < q->n_rows + q->n_cols; j++) {
        size_t dim = (size_t)q->group[j];
        if (!(mask & (1u << j)))
            continue;
        int rc = 0, i;
        switch (dg_cube_dim_key(cube, dim)) {
        case DG_CUBE_KEY_DAY: codes[j] = dg_cube_dim_code(cube, dim, cell->day); break;
        case DG_CUBE_KEY_CUSTOMER: codes[j] = dg_cube_dim_code(cube, dim, customer); break;
        default:
            i = index_of(order_dims, DG_CLUSTER_ORDER_COLUMNS, dg_cube_dim_name(cube, dim));
            rc = order_code(cube, dim, cell->order_value[i], &codes[j], ctx->err);
        }
        if (rc != 0)
            return rc;
    }
    dg_cube_cell_sums sums = { .revenue_minor = cell->revenue_minor, .orders = cell->orders,
                               .customers = cell->customers, .units = cell->units };
    dg_cube_cells_add(ctx->cells, cell->set, codes, &sums);
    return 0;
}

/* The column of a cluster's cells that dimension dim reads: an order column, or (*customer)
 * a customer column; -1 for a time level. */
static int column_of(const dg_cube *cube, size_t dim, bool *customer)
{
    const char *name = dg_cube_dim_name(cube, dim);
    int i = index_of(order_dims, DG_CLUSTER_ORDER_COLUMNS, name);
    *customer = i < 0;
    return i >= 0 ? i : index_of(customer_dims, DG_CLUSTER_CUSTOMER_COLUMNS, name);
}

/* The filters of q on order and customer columns as the nodes apply them (values: the allowed
 * labels, "" for "(none)", an age band's number; caller frees values[0]). A customer has one
 * value of each column, so the filter keeps or leaves out all of a customer's orders. */
static int column_filters(const dg_cube *cube, const dg_cube_query *q,
                          dg_cluster_value_filter *filters, size_t *n, const char ***values,
                          dg_error *err)
{
    static const char *const band_numbers[] = { "0", "1", "2", "3", "4", "5", "6", "7" };
    size_t total = 0;
    *n = 0;
    for (size_t t = 0; t < q->n_filters; t++)
        if (dg_cube_dim_key(cube, (size_t)q->filters[t].dim) != DG_CUBE_KEY_DAY)
            total += dg_cube_dim_labels(cube, (size_t)q->filters[t].dim);
    if (!(*values = malloc((total ? total : 1) * sizeof **values)))
        return dg_error_set(err, DG_ENOMEM, "out of memory for the cube's filters");
    const char **next = *values;
    for (size_t t = 0; t < q->n_filters; t++) {
        const dg_cube_filter *f = &q->filters[t];
        size_t dim = (size_t)f->dim;
        if (dg_cube_dim_key(cube, dim) == DG_CUBE_KEY_DAY)
            continue;
        dg_cluster_value_filter *out = &filters[(*n)++];
        *out = (dg_cluster_value_filter){ .negate = f->negate, .values = next };
        out->column = column_of(cube, dim, &out->customer);
        bool age = strcmp(dg_cube_dim_name(cube, dim), "age") == 0;
        for (uint32_t c = 0; c < dg_cube_dim_labels(cube, dim); c++)
            if (f->allowed[c]) {
                const char *label = dg_cube_dim_label(cube, dim, c);
                next[out->n_values++] = age && c < 8 ? band_numbers[c]
                                        : strcmp(label, DG_CUBE_NONE_LABEL) == 0 ? "" : label;
            }
        next += out->n_values;
    }
    return 0;
}

/* The days every filter on a time level keeps, as ranges (*ranges: caller frees); *filtered
 * false when no filter names a time level. */
static int day_ranges(const dg_cube *cube, const dg_cube_query *q, bool *filtered,
                      int32_t **ranges, size_t *n, dg_error *err)
{
    int32_t first, last;
    dg_cube_day_range(cube, &first, &last);
    *filtered = false;
    *n = 0;
    size_t days = last >= first ? (size_t)((int64_t)last - first + 1) : 0;
    if (!(*ranges = malloc((days + 1) * 2 * sizeof **ranges)))
        return dg_error_set(err, DG_ENOMEM, "out of memory for the cube's day filters");
    for (size_t t = 0; t < q->n_filters; t++)
        *filtered |= dg_cube_dim_key(cube, (size_t)q->filters[t].dim) == DG_CUBE_KEY_DAY;
    for (size_t i = 0; *filtered && i < days; i++) {
        int32_t day = first + (int32_t)i;
        bool kept = true;
        for (size_t t = 0; t < q->n_filters; t++) {
            const dg_cube_filter *f = &q->filters[t];
            if (dg_cube_dim_key(cube, (size_t)f->dim) == DG_CUBE_KEY_DAY)
                kept &= (f->allowed[dg_cube_dim_code(cube, (size_t)f->dim, day)] != 0) !=
                        f->negate;
        }
        if (!kept)
            continue;
        if (*n && (*ranges)[2 * *n - 1] == day - 1)
            (*ranges)[2 * *n - 1] = day;
        else {
            (*ranges)[2 * *n] = (*ranges)[2 * *n + 1] = day;
            ++*n;
        }
    }
    return 0;
}

int dg__cube_cluster_cells(void *p, const uint32_t *masks, size_t n_sets, dg_cube_cells *cells,
                           dg_error *err)
{
    const dg__cube_cluster *cl = p;
    const dg_cube *cube = cl->cube;
    const dg_cube_query *q = cl->q;
    cells_ctx ctx = { .cl = cl, .cells = cells, .masks = masks, .err = err };
    dg_cluster_cell_set sets[DG_CUBE_MAX_SETS + 1];
    dg_cluster_value_filter filters[DG_CUBE_MAX_FILTERS];
    dg_cluster_cell_query cq = { .as_of = cl->frame->as_of, .sets = sets, .n_sets = n_sets,
                                 .filters = filters };
    const char **values = NULL;
    int32_t *ranges = NULL;
    bool customer_filters = false;
    for (size_t t = 0; t < q->n_filters; t++)
        customer_filters |= dg_cube_dim_key(cube, (size_t)q->filters[t].dim) ==
                            DG_CUBE_KEY_CUSTOMER;
    for (size_t m = 0; m < q->n_measures; m++)
        cq.customers |= q->measures[m] == DG_CUBE_CUSTOMERS || q->measures[m] == DG_CUBE_RPC;
    cq.customers |= q->sort_measure == DG_CUBE_CUSTOMERS || q->sort_measure == DG_CUBE_RPC;
    for (size_t s = 0; s < n_sets; s++) {
        sets[s] = (dg_cluster_cell_set){ .customers = customer_filters };
        for (size_t j = 0; j < q->n_rows + q->n_cols; j++) {
            const char *name = dg_cube_dim_name(cube, (size_t)q->group[j]);
            int i;
            if (!(masks[s] & (1u << j)))
                continue;
            if ((i = index_of(time_dims, sizeof time_dims / sizeof time_dims[0], name)) >= 0)
                sets[s].time |= 1u << i;
            else if ((i = index_of(order_dims, DG_CLUSTER_ORDER_COLUMNS, name)) >= 0)
                sets[s].order |= 1u << i;
            else if ((i = index_of(customer_dims, DG_CLUSTER_CUSTOMER_COLUMNS, name)) >= 0) {
                sets[s].customers = true;
                cq.customer_columns |= 1u << i;
            }
        }
    }
    int rc = column_filters(cube, q, filters, &cq.n_filters, &values, err);
    if (rc == 0)
        rc = day_ranges(cube, q, &cq.days_filtered, &ranges, &cq.n_day_ranges, err);
    cq.day_ranges = ranges;
    if (rc == 0)
        rc = dg_cluster_cube_cells(cl->store, &cq, on_cell, &ctx, err);
    free(values);
    free(ranges);
    return rc;
}
