/* The RFM report's input on a cluster store (docs/postgresql.md "Cluster"): instead of copying
 * every order to the coordinator into the frame, the nodes send one row per customer (orders,
 * spend in minor units, last order) and the coordinator merges them by customer into the
 * arrays dg_rfm_compute_totals scores, beside a frame of the customers alone (ids, currency,
 * order) for the tables. The customers, the as-of day and who counts as known by then follow
 * the frame's rules, so the report is the one the frame gives. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dangol/cluster.h"
#include "dangol/frame.h"
#include "report/rfm_cluster.h"

typedef struct {
    dg_frame_builder *b;
    int id_col, acquired_col;
    int32_t *first_seen;   /* [customer]: the acquisition day, DG_DAY_NONE without one */
    size_t n, cap;
    dg_error *err;
} customers_ctx;

static int on_customer(void *p, const dg_value *row)
{
    customers_ctx *ctx = p;
    const dg_value *acquired = &row[ctx->acquired_col];
    dg_frame_customer_in in = { .customer_id = row[ctx->id_col].u.s };
    if (ctx->n == ctx->cap) {
        size_t cap = ctx->cap ? 2 * ctx->cap : 1024;
        int32_t *grown = realloc(ctx->first_seen, cap * sizeof *grown);
        if (!grown)
            return dg_error_set(ctx->err, DG_ENOMEM, "out of memory reading the customers");
        ctx->first_seen = grown;
        ctx->cap = cap;
    }
    ctx->first_seen[ctx->n++] = acquired->is_null ? DG_DAY_NONE : (int32_t)acquired->u.i;
    return dg_frame_add_customer(ctx->b, &in, ctx->err);
}

/* The customers alone, as the frame orders them (the store's customer order), every one kept:
 * their acquisition days go to in->first_seen, for the frame's rule applied after. */
static int read_customers(dg__rfm_cluster_input *in, dg_store *store, int32_t as_of,
                          dg_error *err)
{
    const dg_entity *e = dg_entity_find("customers");
    customers_ctx ctx = { .id_col = dg_entity_column(e, "customer_id"),
                          .acquired_col = dg_entity_column(e, "acquired_on"), .err = err };
    char code[4];
    int digits;
    int rc = dg_store_currency(store, code, &digits, err);
    if (rc == 0)
        rc = dg_frame_builder_new(&ctx.b, as_of, false, err);
    if (rc == 0) {
        dg_scan_filter filter = { .columns = UINT64_C(1) << ctx.id_col |
                                             UINT64_C(1) << ctx.acquired_col };
        dg_frame_builder_set_currency(ctx.b, code, digits);
        rc = dg_store_scan(store, e, &filter, on_customer, &ctx, err);
    }
    if (rc == 0)
        rc = dg_frame_builder_finish(&in->customers, ctx.b, err);
    dg_frame_builder_free(ctx.b);
    in->first_seen = ctx.first_seen;
    return rc;
}

/* The index of a customer the nodes name; DG_ENOTFOUND as the frame says it. */
static int64_t index_of(const dg__rfm_cluster_input *in, const char *id, dg_error *err)
{
    int64_t c = dg_frame_customer_index(in->customers, id);
    if (c < 0)
        dg_error_set(err, DG_ENOTFOUND, "customer \"%s\" is not in the frame", id);
    return c;
}

typedef struct {
    dg__rfm_cluster_input *in;
    dg_error *err;
} merge_ctx;

static int on_totals(void *p, const char *id, int64_t orders, int64_t spend, int32_t day)
{
    merge_ctx *ctx = p;
    int64_t c = index_of(ctx->in, id, ctx->err);
    if (c < 0)
        return DG_ENOTFOUND;
    ctx->in->orders[c] = (int32_t)orders;
    ctx->in->spend_minor[c] = spend;
    ctx->in->last_day[c] = day;
    return 0;
}

/* The first day a customer is seen: their acquisition or their first row, if earlier. */
static int on_first_day(void *p, const char *id, int64_t orders, int64_t spend, int32_t day)
{
    merge_ctx *ctx = p;
    (void)orders;
    (void)spend;
    int64_t c = index_of(ctx->in, id, ctx->err);
    if (c < 0)
        return DG_ENOTFOUND;
    if (ctx->in->first_seen[c] == DG_DAY_NONE || day < ctx->in->first_seen[c])
        ctx->in->first_seen[c] = day;
    return 0;
}

static int read_all(dg__rfm_cluster_input *in, dg_store *store, int32_t as_of, dg_error *err)
{
    int32_t last_day;
    int rc = dg_store_last_day(store, &last_day, err);
    if (rc == DG_ENOTFOUND)   /* nothing dated: the frame's today */
        last_day = dg_day_of((int64_t)time(NULL));
    else if (rc != 0)
        return rc;
    if (as_of == DG_DAY_NONE)
        as_of = last_day;
    if ((rc = read_customers(in, store, as_of, err)) != 0)
        return rc;
    size_t n = in->customers->n_customers, cap = n ? n : 1;
    if (!(in->orders = calloc(cap, sizeof *in->orders)) ||
        !(in->last_day = calloc(cap, sizeof *in->last_day)) ||
        !(in->spend_minor = calloc(cap, sizeof *in->spend_minor)))
        return dg_error_set(err, DG_ENOMEM, "out of memory reading the cluster's totals");
    in->totals = (dg_rfm_totals){ .as_of = as_of, .n_customers = n, .orders = in->orders,
                                  .spend_minor = in->spend_minor, .last_day = in->last_day };
    merge_ctx ctx = { in, err };
    /* as of the last day or later, only the rows that do not count towards it can be later */
    if ((rc = dg_cluster_first_days(store, as_of >= last_day, on_first_day, &ctx, err)) != 0)
        return rc;
    for (size_t c = 0; c < n; c++)   /* first seen after as_of: not in the frame yet */
        if (in->first_seen[c] != DG_DAY_NONE && in->first_seen[c] > as_of)
            in->orders[c] = -1;
    return dg_cluster_order_totals(store, as_of, on_totals, &ctx, err);
}

int dg__rfm_cluster_input_read(dg__rfm_cluster_input *in, dg_store *store, int32_t as_of,
                               dg_error *err)
{
    memset(in, 0, sizeof *in);
    if (!dg_cluster_is(store))
        return DG_EUNSUPPORTED;
    int rc = dg_store_read_begin(store, err);
    if (rc == 0) {
        rc = read_all(in, store, as_of, err);
        dg_store_read_end(store);
    }
    if (rc != 0)
        dg__rfm_cluster_input_free(in);
    return rc;
}

void dg__rfm_cluster_input_free(dg__rfm_cluster_input *in)
{
    dg_frame_free(in->customers);
    free(in->orders);
    free(in->last_day);
    free(in->spend_minor);
    free(in->first_seen);
    memset(in, 0, sizeof *in);
}
