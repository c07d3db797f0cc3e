/* The lifetime-value summary on a cluster store (docs/postgresql.md "Cluster"): instead of
 * copying every order to the coordinator into the frame, the nodes count each customer's
 * purchase days (or BG/BB periods), first and last, and spend in minor units
 * (dangol/cluster_clv.h), and the coordinator turns those counts into the rows
 * dg_clv_summary_build makes from the orders (dg_clv_summary_set), in the frame's customer
 * order. The spend is summed as integers on both paths, so the summary, and every fit and
 * prediction on it, is the same to the bit. */
#include <stdlib.h>
#include <string.h>

#include "dangol/cluster.h"
#include "dangol/cluster_clv.h"
#include "report/cluster_customers.h"
#include "report/clv_cluster.h"

/* A day after any order: the bound of a read with no as-of day. */
#define NO_BOUND (INT32_MAX / 2)

typedef struct {
    bool known;                /* has an order by the calibration's end */
    int32_t first_day;
    int64_t slots, first_slot, last_slot, spend_minor, first_slot_spend, holdout;
} customer_counts;

typedef struct {
    const dg_frame *customers;
    customer_counts *counts;   /* [frame customer] */
    int32_t last_day;          /* of any order read (dg_cluster_order_totals) */
    dg_error *err;
} merge_ctx;

static int64_t index_of(const merge_ctx *ctx, const char *id)
{
    int64_t c = dg_frame_customer_index(ctx->customers, id);
    if (c < 0)
        dg_error_set(ctx->err, DG_ENOTFOUND, "customer \"%s\" is not in the frame", id);
    return c;
}

static int on_customer(void *p, const dg_cluster_clv_row *row)
{
    merge_ctx *ctx = p;
    int64_t c = index_of(ctx, row->customer_id);
    if (c < 0)
        return DG_ENOTFOUND;
    ctx->counts[c] = (customer_counts){ true, row->first_day, row->orders, row->first_slot,
                                        row->last_slot, row->spend_minor, row->first_slot_top,
                                        row->holdout };
    return 0;
}

/* A slot of several orders: one slot, not as many as its orders; its spend is the first slot's
 * when it is that one. */
static int on_shared_slot(void *p, const char *id, int64_t slot, int64_t orders, int64_t spend)
{
    merge_ctx *ctx = p;
    int64_t c = index_of(ctx, id);
    if (c < 0)
        return DG_ENOTFOUND;
    customer_counts *n = &ctx->counts[c];
    if (slot < 0) {
        n->holdout -= orders - 1;
        return 0;
    }
    n->slots -= orders - 1;
    if (n->first_slot == slot)
        n->first_slot_spend = spend;
    return 0;
}

static int on_order_total(void *p, const char *id, int64_t orders, int64_t spend, int32_t day)
{
    merge_ctx *ctx = p;
    (void)id;
    (void)orders;
    (void)spend;
    if (day > ctx->last_day)
        ctx->last_day = day;
    return 0;
}

/* The summary row of counts k, its slots counted back from slot_end (the calibration's end, or
 * a later day when that was not known yet): dg_clv_summary_build's, from the same sums. */
static int add_row(dg_clv_summary *s, size_t k, const customer_counts *n, int32_t slot_end,
                   const char *id, dg_error *err)
{
    dg_clv_repeats r = { .first_day = n->first_day, .count = n->slots - 1,
                         .spend_minor = n->spend_minor, .holdout = n->holdout };
    if (__builtin_sub_overflow(n->spend_minor, n->first_slot_spend, &r.spend_minor))
        return dg_error_set(err, DG_ERANGE, "customer \"%s\": a sum of the order amounts "
                            "overflows the money range; check the order amounts", id);
    if (s->discrete)
        r.last = r.count > 0 ? (int32_t)(n->first_slot - n->last_slot) : 0;
    else
        r.last = (int32_t)(slot_end - n->last_slot);
    dg_clv_summary_set(s, k, &r);
    return 0;
}

/* The summary of the counts read: customers in the frame's order. */
static int summarise(dg_clv_input *in, const merge_ctx *ctx, const dg_clv_period *period,
                     int32_t slot_end, dg_error *err)
{
    size_t nc = ctx->customers->n_customers, n = 0, k = 0;
    for (size_t c = 0; c < nc; c++)
        n += ctx->counts[c].known;
    int rc = dg_clv_summary_new(&in->summary, n, period, ctx->customers->minor_digits, err);
    for (size_t c = 0; rc == 0 && c < nc; c++) {
        if (!ctx->counts[c].known)
            continue;
        in->summary->customer[k] = (uint32_t)c;
        in->summary->id[k] = ctx->customers->customer_id[c];
        rc = add_row(in->summary, k++, &ctx->counts[c], slot_end, ctx->customers->customer_id[c],
                     err);
    }
    return rc;
}

static int read_counts(dg_clv_input *in, dg_store *store, const dg_clv_input_options *opt,
                       dg_error *err)
{
    int32_t until = opt->store_as_of != DG_DAY_NONE ? opt->store_as_of : NO_BOUND;
    int32_t *first_seen = NULL;
    merge_ctx ctx = { .last_day = DG_DAY_NONE, .err = err };
    int rc = dg__cluster_customers_read(&in->frame, &first_seen, store, until, err);
    free(first_seen);
    if (rc != 0)
        return rc;
    ctx.customers = in->frame;
    in->ids = in->frame->customer_id;
    in->n_ids = in->frame->n_customers;
    if (!(ctx.counts = calloc(in->n_ids ? in->n_ids : 1, sizeof *ctx.counts)))
        return dg_error_set(err, DG_ENOMEM, "out of memory for %zu customers", in->n_ids);
    bool cal_known = opt->calibration_end != DG_DAY_NONE;
    /* the last order's day, where the period needs it before the counts give it: BG/BB's
     * periods end on the calibration's end; a holdout runs to the last order by default */
    if ((!cal_known && opt->discrete) ||
        (cal_known && opt->holdout_end == DG_DAY_NONE && until > opt->calibration_end))
        rc = dg_cluster_order_totals(store, until, on_order_total, &ctx, err);
    /* continuous time without a calibration's end: the slots count back from the bound and
     * the end is the last order's day, found in the counts */
    int32_t cal = cal_known ? opt->calibration_end : opt->discrete ? ctx.last_day : until;
    int32_t unit = opt->discrete ? (int32_t)opt->days_per_unit : 1;
    dg_clv_period period = { cal, opt->holdout_end != DG_DAY_NONE ? opt->holdout_end
                                  : ctx.last_day != DG_DAY_NONE ? ctx.last_day : cal,
                             opt->days_per_unit, opt->discrete };
    int32_t holdout_counted = period.holdout_end;
    if (opt->discrete && period.holdout_end > cal)
        holdout_counted = cal + (period.holdout_end - cal) / unit * unit;
    dg_cluster_clv_period counted = { until, cal, unit,
                                      holdout_counted > cal ? holdout_counted : cal };
    if (rc == 0 && cal != DG_DAY_NONE)
        rc = dg_cluster_clv_repeats(store, &counted, on_customer, on_shared_slot, &ctx, err);
    size_t known = 0;
    for (size_t c = 0; rc == 0 && c < in->n_ids; c++) {
        const customer_counts *n = &ctx.counts[c];
        known += n->known;
        if (n->known && !cal_known && !opt->discrete &&   /* the last order's day */
            (known == 1 || until - (int32_t)n->last_slot > period.calibration_end))
            period.calibration_end = until - (int32_t)n->last_slot;
    }
    if (!cal_known && !opt->discrete && opt->holdout_end == DG_DAY_NONE)
        period.holdout_end = period.calibration_end;
    if (rc == 0 && known == 0)
        rc = DG_EUNSUPPORTED;   /* no order: the frame's path names the reason */
    if (rc == 0)
        rc = summarise(in, &ctx, &period, counted.calibration_end, err);
    free(ctx.counts);
    return rc;
}

/* read_counts's arguments, for dg__cluster_answers. */
typedef struct {
    dg_clv_input *in;
    const dg_clv_input_options *opt;
} read_args;

static int read_input(void *p, dg_store *store, dg_error *err)
{
    read_args *args = p;
    return read_counts(args->in, store, args->opt, err);
}

int dg__clv_cluster_input(dg_clv_input *in, dg_store *store, const dg_clv_input_options *opt,
                          dg_error *err)
{
    read_args args = { in, opt };
    int rc = dg__cluster_answers(store, opt->store_as_of, read_input, &args, err);
    if (rc != 0)
        dg_clv_input_clear(in);
    return rc;
}
