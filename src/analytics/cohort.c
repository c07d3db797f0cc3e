/* Cohort retention and revenue (include/dangol/cohort.h). Months are counted as a single index
 * (12 * year + month), so period k of a customer is month index of the order minus that of the
 * acquisition. One pass over the customers in CSR order marks, per customer, the periods with an
 * order (a small "last customer" stamp per period keeps activity distinct), then eligibility is a
 * prefix count: a member acquired in month a is eligible for k <= as_of month - a. A frame's
 * orders are grouped by its offsets (its order customer column is not read), and the month of a
 * day comes from a table of the days from the first acquisition to the as-of day. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/cohort.h"
#include "dangol/money.h"
#include "dangol/text.h"

static int32_t month_index(int32_t day)
{
    int y, m, d;
    dg_civil_from_days(day, &y, &m, &d);
    return y * 12 + (m - 1);
}

/* The month indexes of the days lo..hi, one civil conversion a day rather than one an order. */
typedef struct month_table {
    int32_t lo, hi;
    int32_t *month;   /* [hi - lo + 1], NULL: every day converted */
} month_table;

#define MONTH_TABLE_MAX_DAYS (1 << 20)

static void month_table_init(month_table *t, int32_t lo, int32_t hi)
{
    t->lo = lo;
    t->hi = hi;
    t->month = lo <= hi && (int64_t)hi - lo < MONTH_TABLE_MAX_DAYS
                   ? malloc(((size_t)(hi - lo) + 1) * sizeof *t->month) : NULL;
    for (int32_t d = lo; t->month && d <= hi; d++)
        t->month[d - lo] = month_index(d);
}

static int32_t month_of(const month_table *t, int32_t day)
{
    return t->month && day >= t->lo && day <= t->hi ? t->month[day - t->lo] : month_index(day);
}

void dg_cohort_result_free(dg_cohort_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; r->labels && i < r->n_cohorts; i++)
        free(r->labels[i]);
    free(r->labels);
    free(r->size);
    free(r->eligible);
    free(r->active);
    free(r->revenue_minor);
    free(r);
}

int dg_cohort_compute(dg_cohort_result **out, const dg_cohort_input *in, dg_error *err)
{
    *out = NULL;
    dg_cohort_result *r = calloc(1, sizeof *r);
    int32_t *acq_month = NULL;
    uint32_t *stamp = NULL, *month_cohort = NULL;
    int64_t *eligible_start = NULL;
    month_table months = { 0 };
    int rc;
    if (!r)
        goto oom;
    int32_t as_of_month = month_index(in->as_of);
    acq_month = malloc((in->n_customers + 1) * sizeof *acq_month);
    if (!acq_month)
        goto oom;
    int32_t first_month = as_of_month, first_day = in->as_of;
    bool any = false;
    for (size_t c = 0; c < in->n_customers; c++) {
        int32_t day = in->acquired_day[c];
        acq_month[c] = day == DG_DAY_NONE || day > in->as_of ? INT32_MIN : month_index(day);
        if (acq_month[c] != INT32_MIN) {
            any = true;
            if (day < first_day)
                first_day = day;
            if (acq_month[c] < first_month)
                first_month = acq_month[c];
        }
    }
    r->n_periods = any ? (size_t)(as_of_month - first_month + 1) : 0;
    /* by month: one cohort per month in which someone was acquired, not per month of the span,
     * so the cells grow with the customers, not with the square of the months */
    month_cohort = malloc((r->n_periods + 1) * sizeof *month_cohort);
    if (!month_cohort)
        goto oom;
    memset(month_cohort, 0xff, (r->n_periods + 1) * sizeof *month_cohort);
    for (size_t c = 0; c < in->n_customers; c++)
        if (acq_month[c] != INT32_MIN)
            month_cohort[acq_month[c] - first_month] = 0;
    for (size_t k = 0; k < r->n_periods; k++)
        if (month_cohort[k] == 0)
            month_cohort[k] = (uint32_t)r->n_cohorts++ + 1;   /* 1-based while counting */
    if (in->cohort)
        r->n_cohorts = in->n_labels;
    size_t cells = r->n_cohorts * r->n_periods;
    r->labels = calloc(r->n_cohorts + 1, sizeof *r->labels);
    r->size = calloc(r->n_cohorts + 1, sizeof *r->size);
    r->eligible = calloc(cells + 1, sizeof *r->eligible);
    r->active = calloc(cells + 1, sizeof *r->active);
    r->revenue_minor = calloc(cells + 1, sizeof *r->revenue_minor);
    stamp = malloc((r->n_periods + 1) * sizeof *stamp);
    /* eligible_start[cohort * P + k]: members whose last observable period is k */
    eligible_start = calloc(cells + 1, sizeof *eligible_start);
    if (!r->labels || !r->size || !r->eligible || !r->active || !r->revenue_minor || !stamp ||
        !eligible_start)
        goto oom;
    memset(stamp, 0xff, (r->n_periods + 1) * sizeof *stamp);
    int32_t m = first_month - 1;   /* by month: cohort k's month */
    for (size_t k = 0; k < r->n_cohorts; k++) {
        char label[32];
        if (in->cohort)
            snprintf(label, sizeof label, "%s", in->labels[k]);
        else {
            do
                m++;
            while (month_cohort[m - first_month] != (uint32_t)k + 1);
            snprintf(label, sizeof label, "%04d-%02d", m / 12, m % 12 + 1);
        }
        if (!(r->labels[k] = strdup(in->cohort ? in->labels[k] : label)))
            goto oom;
    }
    month_table_init(&months, first_day, in->as_of);   /* orders before first_day: converted */
    size_t o = 0, P = r->n_periods;
    for (size_t c = 0; c < in->n_customers; c++) {
        size_t end = o;
        if (in->order_offset) {
            o = in->order_offset[c];
            end = in->order_offset[c + 1];
        } else {
            while (end < in->n_orders && in->order_customer[end] == c)
                end++;
        }
        if (acq_month[c] != INT32_MIN) {
            size_t cohort = in->cohort ? in->cohort[c]
                                       : (size_t)month_cohort[acq_month[c] - first_month] - 1;
            if (cohort >= r->n_cohorts) {
                rc = dg_error_set(err, DG_EINVAL, "customer %zu: cohort code %zu is not below "
                                  "%zu", c, cohort, in->n_labels);
                goto fail;
            }
            r->size[cohort]++;
            eligible_start[cohort * P + (size_t)(as_of_month - acq_month[c])]++;
            for (size_t i = o; i < end; i++) {
                if (in->order_day[i] > in->as_of)
                    continue;
                int32_t k = month_of(&months, in->order_day[i]) - acq_month[c];
                if (k < 0)
                    k = 0;
                size_t cell = cohort * P + (size_t)k;
                if (dg_money_add(&r->revenue_minor[cell], in->order_revenue_minor[i]) != 0) {
                    rc = dg_error_set(err, DG_ERANGE, "the revenue of cohort %s in period %d "
                                      "overflows the money range (" DG_MONEY_SUM_RANGE_TEXT
                                      "); check the order amounts", r->labels[cohort], k);
                    goto fail;
                }
                if (stamp[k] != c) {
                    stamp[k] = (uint32_t)c;
                    r->active[cell]++;
                }
            }
        }
        o = end;
    }
    if (!in->order_offset && o != in->n_orders) {
        rc = dg_error_set(err, DG_EINVAL, "orders are not grouped by customer (order %zu)", o);
        goto fail;
    }
    /* eligible for k = members whose last observable period is >= k: a suffix sum */
    for (size_t h = 0; h < r->n_cohorts; h++) {
        int64_t running = 0;
        for (size_t k = P; k-- > 0;) {
            running += eligible_start[h * P + k];
            r->eligible[h * P + k] = running;
        }
    }
    free(acq_month);
    free(stamp);
    free(month_cohort);
    free(eligible_start);
    free(months.month);
    *out = r;
    return 0;
oom:
    rc = dg_error_set(err, DG_ENOMEM, "out of memory computing cohorts");
fail:
    free(acq_month);
    free(stamp);
    free(month_cohort);
    free(eligible_start);
    free(months.month);
    dg_cohort_result_free(r);
    return rc;
}

int dg_cohort_table(dg_table **out, const dg_cohort_result *r, dg_cohort_measure measure,
                    int minor_digits, size_t max_periods, dg_error *err)
{
    static const char *const titles[] = { "retention", "active customers", "revenue",
                                          "revenue per customer" };
    *out = NULL;
    char title[128];
    snprintf(title, sizeof title, "cohort %s by month since acquisition",
             titles[(unsigned)measure < 4 ? measure : 0]);
    dg_table *t = dg_table_new(title);
    size_t P = r->n_periods;
    if (max_periods && max_periods < P)
        P = max_periods;
    if (!t || dg_table_add_column(t, "cohort", DG_CELL_TEXT, 0) ||
        dg_table_add_column(t, "customers", DG_CELL_INT, 0))
        goto oom;
    dg_cell_type type = measure == DG_COHORT_RETENTION ? DG_CELL_PERCENT
                        : measure == DG_COHORT_ACTIVE  ? DG_CELL_INT
                                                       : DG_CELL_MONEY;
    for (size_t k = 0; k < P; k++) {
        char name[16];
        snprintf(name, sizeof name, "M%zu", k);
        if (dg_table_add_column(t, name, type, type == DG_CELL_PERCENT ? 1
                                               : type == DG_CELL_MONEY ? minor_digits
                                                                       : 0))
            goto oom;
    }
    for (size_t h = 0; h < r->n_cohorts; h++) {
        if (!r->size[h])
            continue;
        if (dg_table_add_row(t) || dg_table_set_text(t, 0, r->labels[h]))
            goto oom;
        dg_table_set_int(t, 1, r->size[h]);
        for (size_t k = 0; k < P; k++) {
            size_t cell = h * r->n_periods + k;
            if (!r->eligible[cell])
                continue;
            switch (measure) {
            case DG_COHORT_RETENTION:
                dg_table_set_real(t, 2 + k, (double)r->active[cell] / (double)r->eligible[cell]);
                break;
            case DG_COHORT_ACTIVE: dg_table_set_int(t, 2 + k, r->active[cell]); break;
            case DG_COHORT_REVENUE: dg_table_set_int(t, 2 + k, r->revenue_minor[cell]); break;
            case DG_COHORT_REVENUE_PER_CUSTOMER:
                dg_table_set_int(t, 2 + k, r->revenue_minor[cell] / r->size[h]);
                break;
            }
        }
    }
    *out = t;
    return 0;
oom:
    dg_table_free(t);
    return dg_error_set(err, DG_ENOMEM, "out of memory laying out cohorts");
}

int dg_cohort_from_frame(dg_cohort_result **out, const dg_frame *frame, dg_cohort_by by,
                         dg_error *err)
{
    *out = NULL;
    const dg_frame *f = frame;
    size_t n = f->n_customers;
    int32_t *acquired = malloc((n + 1) * sizeof *acquired);
    uint32_t *cohort = NULL;
    const char **labels = NULL;
    const dg_dict *dict = by == DG_COHORT_BY_CHANNEL ? &f->channels : &f->categories;
    int rc;
    if (!acquired)
        goto oom;
    for (size_t c = 0; c < n; c++) {
        acquired[c] = f->acquired_day[c];
        if (acquired[c] == DG_DAY_NONE && f->order_offset[c] < f->order_offset[c + 1])
            acquired[c] = f->order_day[f->order_offset[c]];
    }
    dg_cohort_input in = {
        .n_customers = n, .acquired_day = acquired, .n_orders = f->n_orders,
        .order_day = f->order_day, .order_revenue_minor = f->order_amount_minor,
        .as_of = f->as_of, .order_offset = f->order_offset,
    };
    if (by != DG_COHORT_BY_MONTH) {
        if (by == DG_COHORT_BY_CATEGORY && !f->has_lines) {
            free(acquired);
            return dg_error_set(err, DG_EINVAL, "cohorts by category need a frame with lines");
        }
        cohort = calloc(n + 1, sizeof *cohort);
        labels = malloc((dict->n + 1) * sizeof *labels);
        if (!cohort || !labels)
            goto oom;
        labels[0] = "(none)";
        for (size_t i = 1; i < dict->n; i++)
            labels[i] = dict->values[i][0] ? dict->values[i] : "(none)";
        for (size_t c = 0; c < n; c++) {
            if (by == DG_COHORT_BY_CHANNEL) {
                cohort[c] = f->acquisition_channel[c];
                continue;
            }
            /* the first order with lines by the as-of day (a window holds later ones) */
            for (size_t o = f->order_offset[c], end = dg_frame_orders_end(f, c); o < end; o++)
                if (f->line_offset[o] < f->line_offset[o + 1]) {
                    cohort[c] = f->product_category[f->line_product[f->line_offset[o]]];
                    break;
                }
        }
        in.cohort = cohort;
        in.n_labels = dict->n ? dict->n : 1;
        in.labels = labels;
    }
    rc = dg_cohort_compute(out, &in, err);
    free(acquired);
    free(cohort);
    free(labels);
    return rc;
oom:
    free(acquired);
    free(cohort);
    free(labels);
    return dg_error_set(err, DG_ENOMEM, "out of memory computing cohorts");
}
