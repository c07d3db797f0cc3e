/* Gross margins from the frame's order lines (docs/economics.md, "Gross margin of an order"), so
 * the economics report does not aggregate every order line in SQL: the products' unit costs are
 * read (a few rows) and mapped onto the frame's product codes, then each order's lines are
 * walked once in C. The rule is the SQL's (src/store/economics_sqlite.c, LINE_COSTS): an order
 * is costed when it has lines and each names a product with a unit cost; its margin is its total
 * less the sum of quantity (1 when unknown or 0) x unit cost. A costed order adds its total to
 * its customer's costed revenue, its margin to their gross margin, and its margin to the cohort
 * cell (acquisition channel, acquisition month, months since) of a customer acquired by as_of.
 * A unit test checks that the report is the same computed either way. */
#include <stdlib.h>

#include "report/economics.h"
#include "store/economics.h"

static int on_unit_cost(void *ctx, const char *product_id, int64_t unit_cost)
{
    dg__econ *e = ctx;
    int64_t code = dg_dict_find(&e->frame->products, product_id);
    if (code > 0)   /* a product no line of the frame names is not in its dictionary */
        e->unit_cost_by_product[code] = unit_cost;
    return 0;
}

/* Margin of order o into *margin; false when it is not costed. */
static bool order_margin(const dg_frame *f, const int64_t *cost, size_t o, int64_t *margin)
{
    size_t first = f->line_offset[o], end = f->line_offset[o + 1];
    int64_t cogs = 0;
    if (first == end)
        return false;
    for (size_t l = first; l < end; l++) {
        int64_t unit = cost[f->line_product[l]];
        if (unit == DG__ECON_NO_COST)
            return false;
        cogs += (f->line_quantity[l] > 0 ? f->line_quantity[l] : 1) * unit;
    }
    *margin = f->order_amount_minor[o] - cogs;
    return true;
}

/* Each costed order of each customer: into the per-customer sums, or to cohort when given. */
static int walk(dg__econ *e, dg__economics_cohort_fn cohort, void *ctx)
{
    const dg_frame *f = e->frame;
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < f->n_customers; k++) {
        size_t first = f->order_offset[k], end = dg_frame_orders_end(f, k);
        int32_t acquired = f->acquired_day[k] != DG_DAY_NONE ? f->acquired_day[k]
                         : first < end ? f->order_day[first] : DG_DAY_NONE;
        if (cohort && (acquired == DG_DAY_NONE || acquired > e->as_of))
            continue;   /* not acquired by as_of: in no cohort */
        int32_t cohort_month = cohort ? dg__economics_month_of(acquired) : 0;
        const char *channel = dg_dict_value(&f->channels, f->acquisition_channel[k]);
        for (size_t o = first; rc == 0 && o < end; o++) {
            int64_t margin;
            if (!order_margin(f, e->unit_cost_by_product, o, &margin))
                continue;
            if (cohort) {
                int32_t since = dg__economics_month_of(f->order_day[o]) - cohort_month;
                rc = cohort(ctx, channel, cohort_month, since > 0 ? since : 0, margin);
            } else {
                e->costed_revenue_by_index[k] += f->order_amount_minor[o];
                e->margin_by_index[k] += margin;
            }
        }
    }
    return rc;
}

int dg__econ_frame_margins(dg__econ *e, dg_store *store, dg_error *err)
{
    const dg_frame *f = e->frame;
    e->unit_cost_by_product = malloc((f->products.n ? f->products.n : 1) *
                                     sizeof *e->unit_cost_by_product);
    e->costed_revenue_by_index = calloc(f->n_customers ? f->n_customers : 1, sizeof(int64_t));
    e->margin_by_index = calloc(f->n_customers ? f->n_customers : 1, sizeof(int64_t));
    if (!e->unit_cost_by_product || !e->costed_revenue_by_index || !e->margin_by_index)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    for (size_t p = 0; p < f->products.n; p++)
        e->unit_cost_by_product[p] = DG__ECON_NO_COST;
    int rc = dg__economics_unit_costs(store, on_unit_cost, e, err);
    return rc != 0 ? rc : walk(e, NULL, NULL);
}

int dg__econ_frame_cohorts(dg__econ *e, dg__economics_cohort_fn fn, void *ctx)
{
    return walk(e, fn, ctx);
}
