/* What the reports that read per-customer aggregates from a cluster's nodes instead of the
 * frame's rows (rfm_cluster.c, clv_cluster.c) share: when to ask the nodes at all, and the
 * customers as a frame without their rows (ids, currency and the frame's order). */
#include <stdlib.h>

#include "dangol/cluster.h"
#include "dangol/entity.h"
#include "dangol/frame_snapshots.h"
#include "report/cluster_customers.h"

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

int dg__cluster_customers_read(dg_frame **customers, int32_t **first_seen, dg_store *store,
                               int32_t as_of, dg_error *err)
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
        rc = dg_frame_builder_finish(customers, ctx.b, err);
    dg_frame_builder_free(ctx.b);
    *first_seen = ctx.first_seen;
    return rc;
}


int dg__cluster_answers(dg_store *store, int32_t as_of,
                        int (*read)(void *in, dg_store *store, dg_error *err), void *in,
                        dg_error *err)
{
    if (!dg_cluster_is(store) || dg_frame_snapshot_current(store, as_of))
        return DG_EUNSUPPORTED;
    int rc = dg_store_read_begin(store, err);
    if (rc == 0) {
        rc = read(in, store, err);
        dg_store_read_end(store);
    }
    return rc;
}
