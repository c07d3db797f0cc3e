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
#include "report/cluster_customers.h"
#include "report/rfm_cluster.h"

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
    if ((rc = dg__cluster_customers_read(&in->customers, &in->first_seen, store, as_of, err)) != 0)
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

/* read_all's arguments, for dg__cluster_answers. */
typedef struct {
    dg__rfm_cluster_input *in;
    int32_t as_of;
} read_args;

static int read_input(void *p, dg_store *store, dg_error *err)
{
    read_args *args = p;
    return read_all(args->in, store, args->as_of, err);
}

int dg__rfm_cluster_input_read(dg__rfm_cluster_input *in, dg_store *store, int32_t as_of,
                               dg_error *err)
{
    memset(in, 0, sizeof *in);
    read_args args = { in, as_of };
    int rc = dg__cluster_answers(store, as_of, read_input, &args, err);
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
