/* Result tables of a CLV report for the HTTP API, the dashboard and `dangol clv predict`: the
 * customers ranked by lifetime value and histograms of CLV and of P(alive). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dangol/clv.h"

/* The sort key of dg_clv_rank_table, passed to qsort_r: one value per summary row. */
typedef struct rank_context {
    const double *key;
} rank_context;

/* Rows by key descending, rows without a value (NAN: left out of the spend model) last, then by
 * row (a stable, reproducible order for ties). */
static int by_rank_desc(const void *x, const void *y, void *context)
{
    const double *key = ((const rank_context *)context)->key;
    size_t i = *(const size_t *)x, j = *(const size_t *)y;
    double a = key[i], b = key[j];
    if (isnan(a) != isnan(b))
        return isnan(a) ? 1 : -1;
    if (a != b && !isnan(a))
        return a < b ? 1 : -1;
    return (i > j) - (i < j);
}

/* The first `top` rows of [0, n) in by_rank_desc order into order[0..top) (all n, sorted, when
 * top >= n): a heap of the best so far with the last-ranked of them at its root, O(n log top),
 * then sorted. The comparison is a total order (ties by row), so this is exactly the head of the
 * fully sorted rows. */
static void select_top(size_t *order, size_t n, size_t top, rank_context *context)
{
    size_t size = 0;
    if (top >= n) {   /* all of them: a plain sort */
        for (size_t i = 0; i < n; i++)
            order[i] = i;
        qsort_r(order, n, sizeof *order, by_rank_desc, context);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        size_t at;
        if (size < top) {   /* push i and sift it up while it ranks after its parent */
            at = size++;
            while (at > 0 && by_rank_desc(&i, &order[(at - 1) / 2], context) > 0) {
                order[at] = order[(at - 1) / 2];
                at = (at - 1) / 2;
            }
            order[at] = i;
            continue;
        }
        if (by_rank_desc(&i, &order[0], context) > 0)
            continue;   /* ranks after every one kept */
        at = 0;         /* i replaces the root and sinks below the children ranked after it */
        for (;;) {
            size_t c = 2 * at + 1;
            if (c >= size)
                break;
            if (c + 1 < size && by_rank_desc(&order[c + 1], &order[c], context) > 0)
                c++;
            if (by_rank_desc(&order[c], &i, context) <= 0)
                break;
            order[at] = order[c];
            at = c;
        }
        order[at] = i;
    }
    qsort_r(order, size, sizeof *order, by_rank_desc, context);
}

/* The report's note on the customers the spend model left out, when there are any. */
static int spend_note(const dg_clv_report *r, dg_table *t)
{
    char note[256];
    if (!r->has_spend || r->spend_fit.n_not_positive == 0)
        return 0;
    snprintf(note, sizeof note, "the Gamma-Gamma spend model left out %zu customer%s whose mean "
             "repeat purchase value is 0 or negative (refunds; the model needs positive values): "
             "no expected spend or CLV for them", r->spend_fit.n_not_positive,
             r->spend_fit.n_not_positive == 1 ? "" : "s");
    return dg_table_add_coded_note(t, "clv_spend_left_out", note) ||
           dg_table_note_param(t, "customers", (double)r->spend_fit.n_not_positive) ? DG_ENOMEM : 0;
}

/* The note stating the horizon and discount rate every CLV of the table is computed at. */
static int horizon_note(const dg_clv_report *r, dg_table *t)
{
    double unit = r->summary->days_per_unit;
    const char *units = unit == 7.0 ? "weeks" : unit == 1.0 ? "days" : "units";
    const char *per = unit == 7.0 ? "week" : unit == 1.0 ? "day" : "unit";
    char note[160];
    snprintf(note, sizeof note, "%s over the next %g %s, discounted at %g %% per %s",
             r->has_spend ? "CLV" : "expected purchases", r->horizon, units,
             r->discount_rate * 100, per);
    char code[40];
    snprintf(code, sizeof code, "%s_%s", r->has_spend ? "clv_horizon" : "clv_horizon_purchases",
             unit == 7.0 ? "weeks" : unit == 1.0 ? "days" : "units");
    return dg_table_add_coded_note(t, code, note) ||
           dg_table_note_param(t, "horizon", r->horizon) ||
           dg_table_note_param(t, "rate", r->discount_rate * 100) ? DG_ENOMEM : 0;
}

int dg_clv_rank_table(dg_table **out, const dg_clv_report *r, char *const *names, size_t top,
                      dg_error *err)
{
    const dg_clv_summary *s = r->summary;
    size_t *order = malloc((s->n ? s->n : 1) * sizeof *order);
    dg_table *t = dg_table_new("Customers by lifetime value");
    *out = NULL;
    if (!order || !t)
        goto oom;
    rank_context context = {r->has_spend ? r->clv : r->expected_purchases};
    select_top(order, s->n, top > 0 && top < s->n ? top : s->n, &context);
    if (dg_table_add_column(t, "customer_id", DG_CELL_TEXT, 0) ||
        dg_table_add_column(t, "frequency", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "recency", DG_CELL_REAL, 2) ||
        dg_table_add_column(t, "T", DG_CELL_REAL, 2) ||
        dg_table_add_column(t, "monetary", DG_CELL_REAL, s->money_decimals) ||
        dg_table_add_column(t, "p_alive", DG_CELL_REAL, 4) ||
        dg_table_add_column(t, "expected_purchases", DG_CELL_REAL, 4) ||
        (r->has_spend && (dg_table_add_column(t, "expected_spend", DG_CELL_REAL,
                                              s->money_decimals) ||
                          dg_table_add_column(t, "clv", DG_CELL_REAL, s->money_decimals))) ||
        (r->dert && dg_table_add_column(t, "dert", DG_CELL_REAL, 4)) || spend_note(r, t) ||
        horizon_note(r, t))
        goto oom;
    size_t n = top > 0 && top < s->n ? top : s->n;
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k], col = 7;
        if (dg_table_add_row(t) || dg_table_set_text(t, 0, names[s->customer[i]]))
            goto oom;
        dg_table_set_int(t, 1, (int64_t)s->frequency[i]);
        dg_table_set_real(t, 2, s->recency[i]);
        dg_table_set_real(t, 3, s->T[i]);
        dg_table_set_real(t, 4, s->monetary[i]);
        dg_table_set_real(t, 5, r->p_alive[i]);
        dg_table_set_real(t, 6, r->expected_purchases[i]);
        if (r->has_spend) {
            dg_table_set_real(t, col++, r->expected_spend[i]);
            dg_table_set_real(t, col++, r->clv[i]);
        }
        if (r->dert)
            dg_table_set_real(t, col, r->dert[i]);
    }
    if (dg_table_failed(t))
        goto oom;
    free(order);
    *out = t;
    return 0;
oom:
    free(order);
    dg_table_free(t);
    return dg_error_set(err, DG_ENOMEM, "out of memory");
}

static int compare_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

int dg_clv_histogram_table(dg_table **out, const dg_clv_report *r, dg_clv_histogram what,
                           dg_error *err)
{
    const size_t n = r->summary->n;
    const double *values = what == DG_CLV_HIST_P_ALIVE ? r->p_alive
                         : r->has_spend ? r->clv : r->expected_purchases;
    size_t n_bins = 10;
    double lo = 0, width = 0.1;
    double *sorted = NULL;
    size_t *count = NULL;
    dg_table *t = NULL;
    *out = NULL;
    size_t n_valued = 0;   /* customers with a value (not left out of the spend model) */
    for (size_t i = 0; i < n; i++)
        n_valued += !isnan(values[i]);
    if (what != DG_CLV_HIST_P_ALIVE) {
        /* equal-width bins from 0 to the 99th percentile, the long tail in the last bin */
        n_bins = 20;
        if (!(sorted = malloc((n ? n : 1) * sizeof *sorted)))
            goto oom;
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (!isnan(values[i]))
                sorted[k++] = values[i];
        qsort(sorted, n_valued, sizeof *sorted, compare_double);
        double top = n_valued ? sorted[(size_t)floor(0.99 * (double)(n_valued - 1))] : 1.0;
        width = top > 0 ? top / (double)n_bins : 1.0;
    }
    if (!(count = calloc(n_bins, sizeof *count)))
        goto oom;
    for (size_t i = 0; i < n; i++) {
        if (isnan(values[i]))
            continue;
        double b = floor((values[i] - lo) / width);
        size_t bin = b < 0 ? 0 : b >= (double)n_bins ? n_bins - 1 : (size_t)b;
        count[bin]++;
    }
    t = dg_table_new(what == DG_CLV_HIST_P_ALIVE ? "Customers by P(alive)"
                     : r->has_spend ? "Customers by lifetime value"
                                    : "Customers by expected purchases");
    /* CLV bins are money, shown as the ranking shows it */
    int decimals = what != DG_CLV_HIST_P_ALIVE && r->has_spend ? r->summary->money_decimals : 2;
    if (!t || dg_table_add_column(t, "from", DG_CELL_REAL, decimals) ||
        dg_table_add_column(t, "to", DG_CELL_REAL, decimals) ||
        dg_table_add_column(t, "customers", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "share", DG_CELL_PERCENT, 1) ||
        (what != DG_CLV_HIST_P_ALIVE && spend_note(r, t)))
        goto oom;
    for (size_t b = 0; b < n_bins; b++) {
        if (dg_table_add_row(t))
            goto oom;
        dg_table_set_real(t, 0, lo + width * (double)b);
        if (what == DG_CLV_HIST_P_ALIVE || b + 1 < n_bins)
            dg_table_set_real(t, 1, lo + width * (double)(b + 1));   /* last CLV bin: open */
        dg_table_set_int(t, 2, (int64_t)count[b]);
        dg_table_set_real(t, 3, n_valued ? (double)count[b] / (double)n_valued : 0.0);
    }
    if (dg_table_failed(t))
        goto oom;
    free(sorted);
    free(count);
    *out = t;
    return 0;
oom:
    free(sorted);
    free(count);
    dg_table_free(t);
    return dg_error_set(err, DG_ENOMEM, "out of memory");
}
