/* Customer lifetime value: turns a transaction log into the BTYD calibration summary, runs the
 * fits, and produces per-customer P(alive), expected purchases, expected spend and discounted CLV,
 * the cumulative tracking curve and holdout validation. The log is grouped by customer with a
 * counting sort (O(n)) unless it already is (a frame's orders, by its offsets), each customer's
 * days sorted and same-day purchases merged; the summary is in continuous time (BG/NBD,
 * MBG/NBD, Pareto/NBD) or in whole periods (BG/BB). Amounts in minor units (a store's orders)
 * are summed as integers and a customer's mean repeat value is one division (dg_clv_summary_set),
 * so the summary is the same whichever way the sums were grouped (a cluster's nodes). */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/btyd/btyd_grouped.h"
#include "dangol/clv.h"
#include "dangol/money.h"

/* Per-customer merged purchase days (CSR): customer c owns days[off[c] .. off[c+1]), each day's
 * value in value or, for amounts in minor units, in minor (then value is NULL). */
typedef struct merged {
    size_t *off;
    int32_t *day;
    double *value;
    int64_t *minor;
} merged;

static void merged_free(merged *m)
{
    free(m->off);
    free(m->day);
    free(m->value);
    free(m->minor);
}

static int cmp_day_value(const void *a, const void *b)
{
    const int32_t *x = a, *y = b;
    return (*x > *y) - (*x < *y);
}

typedef struct day_value {
    int32_t day;
    double value;
    int64_t minor;
} day_value;

/* Transaction i as (day, value): a value as it is, an amount in minor units as it is. */
static day_value transaction(const dg_clv_transactions *tx, size_t i)
{
    return (day_value){tx->day[i], tx->value ? tx->value[i] : 0.0,
                       !tx->value && tx->amount_minor ? tx->amount_minor[i] : 0};
}

/* The error of a sum of customer c's amounts that leaves the int64 range. */
static int money_range_error(const dg_clv_transactions *tx, size_t c, dg_error *err)
{
    return dg_error_set(err, DG_ERANGE, "customer \"%s\": a sum of the order amounts overflows "
                        "the money range (" DG_MONEY_SUM_RANGE_TEXT "); check the order amounts",
                        tx->customer_id && tx->customer_id[c] ? tx->customer_id[c] : "?");
}

/* Sorts one customer's run of n (day, value) by day and appends it to m from m->day[*out] on,
 * same days merged. DG_ERANGE when a day's sum leaves the money range. */
static int merge_run(merged *m, size_t *out, day_value *run, size_t n)
{
    size_t first = *out;
    for (size_t i = 1; i < n; i++)
        if (run[i].day < run[i - 1].day) {
            qsort(run, n, sizeof *run, cmp_day_value);
            break;
        }
    for (size_t i = 0; i < n; i++) {
        if (*out > first && m->day[*out - 1] == run[i].day) {
            if (m->minor && dg_money_add(&m->minor[*out - 1], run[i].minor) != 0)
                return DG_ERANGE;
            if (m->value)
                m->value[*out - 1] += run[i].value;
        } else {
            m->day[*out] = run[i].day;
            if (m->minor)
                m->minor[*out] = run[i].minor;
            if (m->value)
                m->value[*out] = run[i].value;
            (*out)++;
        }
    }
    return 0;
}

static int merge_log(const dg_clv_transactions *tx, merged *m, dg_error *err)
{
    size_t nc = tx->n_customers, n = tx->n;
    day_value *dv = NULL;
    memset(m, 0, sizeof *m);
    m->off = calloc(nc + 1, sizeof *m->off);
    m->day = malloc((n ? n : 1) * sizeof *m->day);
    if (!tx->value && tx->amount_minor)
        m->minor = malloc((n ? n : 1) * sizeof *m->minor);
    else
        m->value = malloc((n ? n : 1) * sizeof *m->value);
    if (!m->off || !m->day || (!m->value && !m->minor)) {
        merged_free(m);
        return dg_error_set(err, DG_ENOMEM, "out of memory grouping %zu transactions", n);
    }
    bool grouped = true;   /* already grouped by customer (a frame's orders): no scatter */
    for (size_t c = 0; tx->offset && c < nc; c++)
        m->off[c + 1] = tx->offset[c + 1] - tx->offset[c];
    for (size_t i = 0; !tx->offset && i < n; i++) {
        if (tx->customer[i] >= nc) {
            merged_free(m);
            return dg_error_set(err, DG_EINVAL, "transaction %zu: customer index %u out of range "
                                "(%zu customers)", i + 1, tx->customer[i], nc);
        }
        grouped &= i == 0 || tx->customer[i] >= tx->customer[i - 1];
        m->off[tx->customer[i] + 1]++;
    }
    size_t longest = 0;
    for (size_t c = 0; c < nc; c++) {
        if (m->off[c + 1] > longest)
            longest = m->off[c + 1];
        m->off[c + 1] += m->off[c];
    }
    /* the runs by customer: in place in dv (scattered there), or one at a time in a scratch
     * buffer of the longest */
    dv = malloc(((grouped ? longest : n) ? (grouped ? longest : n) : 1) * sizeof *dv);
    size_t *fill = grouped ? NULL : malloc((nc ? nc : 1) * sizeof *fill);
    if (!dv || (!grouped && !fill)) {
        free(dv);
        merged_free(m);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    if (!grouped) {
        memcpy(fill, m->off, nc * sizeof *fill);
        for (size_t i = 0; i < n; i++)
            dv[fill[tx->customer[i]]++] = transaction(tx, i);
        free(fill);
    }
    /* sort each customer's days and merge equal days */
    size_t out = 0;
    for (size_t c = 0; c < nc; c++) {
        size_t lo = m->off[c], hi = m->off[c + 1];
        day_value *run = grouped ? dv : dv + lo;
        for (size_t i = lo; grouped && i < hi; i++)
            run[i - lo] = transaction(tx, i);
        m->off[c] = out;
        if (merge_run(m, &out, run, hi - lo) != 0) {
            free(dv);
            merged_free(m);
            return money_range_error(tx, c, err);
        }
    }
    m->off[nc] = out;
    free(dv);
    return 0;
}

void dg_clv_summary_free(dg_clv_summary *s)
{
    if (!s)
        return;
    free(s->customer);
    free(s->frequency);
    free(s->recency);
    free(s->T);
    free(s->monetary);
    free(s->first_day);
    free(s->holdout_frequency);
    free(s->weight);
    free(s->id);
    free(s);
}

int dg_clv_summary_alloc(dg_clv_summary **out, size_t n, dg_error *err)
{
    dg_clv_summary *s = calloc(1, sizeof *s);
    size_t cap = n ? n : 1;
    *out = NULL;
    if (s) {
        s->n = n;
        s->days_per_unit = 1;
        s->money_decimals = 2;
        s->customer = calloc(cap, sizeof *s->customer);
        s->frequency = calloc(cap, sizeof *s->frequency);
        s->recency = calloc(cap, sizeof *s->recency);
        s->T = calloc(cap, sizeof *s->T);
        s->monetary = calloc(cap, sizeof *s->monetary);
        s->first_day = calloc(cap, sizeof *s->first_day);
        s->holdout_frequency = calloc(cap, sizeof *s->holdout_frequency);
        s->id = calloc(cap, sizeof *s->id);
    }
    if (!s || !s->customer || !s->frequency || !s->recency || !s->T || !s->monetary ||
        !s->first_day || !s->holdout_frequency || !s->id) {
        dg_clv_summary_free(s);
        return dg_error_set(err, DG_ENOMEM, "out of memory for a summary of %zu customers", n);
    }
    for (size_t i = 0; i < n; i++)
        s->customer[i] = (uint32_t)i;
    *out = s;
    return 0;
}

/* Row k of s but its mean repeat value, from one customer's repeats. Continuous (FHL 2005):
 * recency = last - first, T = calibration_end - first, in units; discrete (FHS 2010): recency
 * = the last period, T = whole periods after the first's. */
static void set_row(dg_clv_summary *s, size_t k, const dg_clv_repeats *r)
{
    int32_t cal = s->calibration_end;
    s->first_day[k] = r->first_day;
    s->frequency[k] = (double)r->count;
    if (s->discrete) {
        s->recency[k] = r->last;
        s->T[k] = (cal - r->first_day) / (int32_t)s->days_per_unit;
    } else {
        s->recency[k] = (r->last - r->first_day) / s->days_per_unit;
        s->T[k] = (cal - r->first_day) / s->days_per_unit;
    }
    s->holdout_frequency[k] = (double)r->holdout;
}

void dg_clv_summary_set(dg_clv_summary *s, size_t k, const dg_clv_repeats *r)
{
    set_row(s, k, r);
    /* both exact: |spend| < 2^53 and count * 10^digits a whole number; so the quotient is the
     * double nearest the exact mean, however the sum was grouped */
    s->monetary[k] = r->count > 0 ? (double)r->spend_minor /
                                        ((double)r->count * pow(10.0, s->money_decimals))
                                  : 0.0;
}

/* Adds merged day i's value to the repeats' spend: minor units into r, a value into *sum.
 * DG_ERANGE when the spend leaves the money range. */
static int add_spend(const merged *m, size_t i, dg_clv_repeats *r, double *sum)
{
    if (m->value)
        *sum += m->value[i];
    return m->minor ? dg_money_add(&r->spend_minor, m->minor[i]) : 0;
}

/* One customer's merged days [lo, hi) in continuous time (FHL 2005): every day after the
 * first up to calibration_end is a repeat transaction. */
static int continuous_repeats(const dg_clv_summary *s, const merged *m, size_t lo, size_t hi,
                              const dg_clv_period *period, dg_clv_repeats *r, double *sum)
{
    int32_t cal = s->calibration_end;
    r->first_day = r->last = m->day[lo];
    for (size_t i = lo + 1; i < hi; i++) {
        if (m->day[i] <= cal) {
            r->count++;
            r->last = m->day[i];
            if (add_spend(m, i, r, sum) != 0)
                return DG_ERANGE;
        } else if (s->holdout_length > 0 && m->day[i] <= period->holdout_end) {
            r->holdout++;
        }
    }
    return 0;
}

/* The same in whole periods of `days` days ending on calibration_end (FHS 2010, section 2:
 * one opportunity per period, a transaction = at least one purchase in it). A day d <= cal
 * lies (cal - d) / days periods before the last one; the first purchase's period is period 0. */
static int discrete_repeats(const dg_clv_summary *s, const merged *m, size_t lo, size_t hi,
                            const dg_clv_period *period, int32_t days, dg_clv_repeats *r,
                            double *sum)
{
    int32_t cal = s->calibration_end;
    int32_t n = (cal - m->day[lo]) / days;   /* the first purchase is in period 0 */
    int32_t n_holdout = (int32_t)s->holdout_length;
    int32_t last_holdout = 0;
    r->first_day = m->day[lo];
    for (size_t i = lo + 1; i < hi; i++) {
        int32_t d = m->day[i];
        if (d <= cal) {
            int32_t j = n - (cal - d) / days;
            if (j == 0)
                continue;
            r->count += j != r->last;
            r->last = j;
            if (add_spend(m, i, r, sum) != 0)
                return DG_ERANGE;
        } else if (s->holdout_length > 0 && d <= period->holdout_end) {
            int32_t j = (d - cal - 1) / days + 1;
            if (j <= n_holdout) {
                r->holdout += j != last_holdout;
                last_holdout = j;
            }
        }
    }
    return 0;
}

int dg_clv_summary_new(dg_clv_summary **out, size_t n, const dg_clv_period *period,
                       int minor_digits, dg_error *err)
{
    double unit = period->days_per_unit > 0 ? period->days_per_unit : 1.0;
    int32_t cal = period->calibration_end;
    int rc;
    *out = NULL;
    if (period->discrete && (unit != floor(unit) || unit > 36500))
        return dg_error_set(err, DG_EINVAL, "a discrete (BG/BB) summary needs periods of a whole "
                            "number of days (got %g)", unit);
    if ((rc = dg_clv_summary_alloc(out, n, err)) != 0)
        return rc;
    dg_clv_summary *s = *out;
    s->days_per_unit = unit;
    if (minor_digits >= 0)
        s->money_decimals = minor_digits;
    s->discrete = period->discrete != 0;
    s->calibration_end = cal;
    s->holdout_length = period->holdout_end <= cal ? 0.0
                      : s->discrete ? floor((period->holdout_end - cal) / unit)
                                    : (period->holdout_end - cal) / unit;
    return 0;
}

int dg_clv_summary_build(dg_clv_summary **out, const dg_clv_transactions *tx,
                         const dg_clv_period *period, dg_error *err)
{
    merged m;
    dg_clv_summary *s = NULL;
    int rc;
    int32_t cal = period->calibration_end;
    *out = NULL;
    if ((rc = merge_log(tx, &m, err)) != 0)
        return rc;
    size_t n = 0;
    for (size_t c = 0; c < tx->n_customers; c++)
        if (m.off[c] < m.off[c + 1] && m.day[m.off[c]] <= cal)
            n++;
    if ((rc = dg_clv_summary_new(&s, n, period, m.minor ? tx->minor_digits : -1, err)) != 0)
        goto cleanup;
    int32_t unit = (int32_t)s->days_per_unit;
    size_t k = 0;
    for (size_t c = 0; c < tx->n_customers; c++) {
        size_t lo = m.off[c], hi = m.off[c + 1];
        dg_clv_repeats r = {0};
        double sum = 0;
        if (lo == hi || m.day[lo] > cal)
            continue;
        s->customer[k] = (uint32_t)c;
        s->id[k] = tx->customer_id ? tx->customer_id[c] : NULL;
        rc = s->discrete ? discrete_repeats(s, &m, lo, hi, period, unit, &r, &sum)
                         : continuous_repeats(s, &m, lo, hi, period, &r, &sum);
        if (rc != 0) {
            rc = money_range_error(tx, c, err);
            goto cleanup;
        }
        dg_clv_summary_set(s, k, &r);
        if (m.value)   /* values as given: their double sum */
            s->monetary[k] = r.count > 0 ? sum / (double)r.count : 0.0;
        k++;
    }
    *out = s;
    s = NULL;
cleanup:
    dg_clv_summary_free(s);
    merged_free(&m);
    return rc;
}

dg_btyd_data dg_clv_summary_data(const dg_clv_summary *s)
{
    dg_btyd_data d = {s->n, s->frequency, s->recency, s->T, s->weight,
                      (const char *const *)s->id};
    return d;
}

double dg_clv_value(const dg_btyd_params *params, double x, double t_x, double T, double spend,
                    double horizon, double discount_rate)
{
    if (!(horizon > 0) || !(spend > 0))
        return 0.0;
    return dg_btyd_discounted_expected(params, x, t_x, T, horizon, discount_rate) * spend;
}

void dg_clv_report_free(dg_clv_report *r)
{
    if (!r)
        return;
    dg_clv_summary_free(r->summary);
    free(r->p_alive);
    free(r->expected_purchases);
    free(r->expected_spend);
    free(r->clv);
    free(r->dert);
    free(r);
}

/* dg_clv_predict, on the grouping of the summary's customers the fit made (or NULL). */
static int predict_report(dg_clv_report **out, dg_clv_summary *summary,
                          const dg_btyd_params *params, const dg_gg_params *spend,
                          double horizon, double discount_rate, int threads,
                          const dg__btyd_grouping *grouping, dg_error *err)
{
    size_t n = summary->n, cap = n ? n : 1;
    dg_clv_report *r = calloc(1, sizeof *r);
    *out = NULL;
    if (!r) {
        dg_clv_summary_free(summary);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    r->summary = summary;
    r->fit.params = *params;
    r->horizon = horizon;
    r->discount_rate = discount_rate;
    r->p_alive = malloc(cap * sizeof *r->p_alive);
    r->expected_purchases = malloc(cap * sizeof *r->expected_purchases);
    r->expected_spend = calloc(cap, sizeof *r->expected_spend);
    r->clv = calloc(cap, sizeof *r->clv);
    int with_dert = params->model == DG_BTYD_PARETONBD && discount_rate > 0;
    if (with_dert)
        r->dert = malloc(cap * sizeof *r->dert);
    if (!r->p_alive || !r->expected_purchases || !r->expected_spend || !r->clv ||
        (with_dert && !r->dert)) {
        dg_clv_report_free(r);
        return dg_error_set(err, DG_ENOMEM, "out of memory for %zu customers", n);
    }
    /* the discounted expected transactions per unit of spend go to clv, then times the spend */
    dg_btyd_predictions pred = {r->p_alive, r->expected_purchases, spend ? r->clv : NULL,
                                r->dert};
    dg_btyd_data d = dg_clv_summary_data(summary);
    int rc = dg__btyd_predict_grouped(&pred, params, &d, grouping, horizon, discount_rate,
                                      threads, err);
    if (rc != 0) {
        dg_clv_report_free(r);
        return rc;
    }
    if (spend) {
        r->has_spend = 1;
        r->spend_fit.params = *spend;
        for (size_t i = 0; i < n; i++) {
            double m = dg_gg_expected_spend(spend, summary->frequency[i], summary->monetary[i]);
            r->expected_spend[i] = m;
            r->clv[i] = isnan(m) ? NAN   /* left out of the spend model */
                      : horizon > 0 && m > 0 ? r->clv[i] * m : 0.0;
        }
    }
    *out = r;
    return 0;
}

int dg_clv_predict(dg_clv_report **out, dg_clv_summary *summary,
                   const dg_btyd_params *params, const dg_gg_params *spend, double horizon,
                   double discount_rate, int threads, dg_error *err)
{
    return predict_report(out, summary, params, spend, horizon, discount_rate, threads, NULL,
                          err);
}

int dg_clv_run(dg_clv_report **out, dg_clv_summary *summary, const dg_clv_options *opt,
               dg_error *err)
{
    dg_btyd_fit fit;
    dg_gg_fit gg;
    dg__btyd_grouping *grouping = NULL;
    int rc;
    *out = NULL;
    dg_btyd_data d = dg_clv_summary_data(summary);
    /* the predictions start from the fit's grouping of the customers (btyd_grouped.h) */
    if ((rc = dg__btyd_fit_grouped(&d, opt->model, &opt->fit, &fit, &grouping, err)) != 0) {
        dg_clv_summary_free(summary);
        return rc;
    }
    dg_gg_data g = {summary->n, summary->frequency, summary->monetary, summary->weight,
                    (const char *const *)summary->id};
    if (opt->spend && (rc = dg_gg_fit_data(&g, &opt->fit, &gg, err)) != 0) {
        dg__btyd_grouping_free(grouping);
        dg_clv_summary_free(summary);
        return rc;
    }
    rc = predict_report(out, summary, &fit.params, opt->spend ? &gg.params : NULL, opt->horizon,
                        opt->discount_rate, opt->fit.threads, grouping, err);
    dg__btyd_grouping_free(grouping);
    if (rc != 0)
        return rc;
    (*out)->fit = fit;
    if (opt->spend)
        (*out)->spend_fit = gg;
    return 0;
}

int dg_clv_validate(dg_clv_validation *out, const dg_clv_summary *s,
                    const dg_btyd_params *params, dg_error *err)
{
    memset(out, 0, sizeof *out);
    if (!(s->holdout_length > 0))
        return dg_error_set(err, DG_EINVAL, "the summary has no holdout period");
    /* every customer's E[Y(holdout)] in one pass (dg_btyd_predict) */
    double *expected = malloc((s->n ? s->n : 1) * sizeof *expected);
    dg_btyd_predictions pred = {NULL, expected, NULL, NULL};
    dg_btyd_data d = dg_clv_summary_data(s);
    int rc;
    if (!expected)
        return dg_error_set(err, DG_ENOMEM, "out of memory for %zu customers", s->n);
    if ((rc = dg_btyd_predict(&pred, params, &d, s->holdout_length, 0.0, 0, err)) != 0) {
        free(expected);
        return rc;
    }
    double sp = 0, sa = 0, spp = 0, saa = 0, spa = 0, abs_err = 0, sq_err = 0;
    for (size_t i = 0; i < s->n; i++) {
        double p = expected[i], a = s->holdout_frequency[i];
        sp += p;
        sa += a;
        spp += p * p;
        saa += a * a;
        spa += p * a;
        abs_err += fabs(p - a);
        sq_err += (p - a) * (p - a);
    }
    free(expected);
    double n = (double)s->n;
    out->n = s->n;
    out->holdout_length = s->holdout_length;
    out->total_predicted = sp;
    out->total_actual = sa;
    if (s->n > 0) {
        out->mae = abs_err / n;
        out->rmse = sqrt(sq_err / n);
        double cov = spa - sp * sa / n, vp = spp - sp * sp / n, va = saa - sa * sa / n;
        out->correlation = vp > 0 && va > 0 ? cov / sqrt(vp * va) : 0.0;
    }
    return 0;
}

int dg_clv_tracking(const dg_clv_transactions *tx, const dg_btyd_params *params,
                    int32_t start_day, int period_days, size_t n_periods, double days_per_unit,
                    double *actual, double *expected, dg_error *err)
{
    merged m;
    int rc;
    if (period_days <= 0 || !(days_per_unit > 0))
        return dg_error_set(err, DG_EINVAL, "period length and time unit must be positive");
    if ((rc = merge_log(tx, &m, err)) != 0)
        return rc;
    /* customers by first purchase day (offset from start), then per period end one E[X(t)]
     * per distinct first day */
    int32_t span = (int32_t)(n_periods * (size_t)period_days);
    double *cohort = calloc((size_t)span + 1, sizeof *cohort);
    if (!cohort) {
        merged_free(&m);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    memset(actual, 0, n_periods * sizeof *actual);
    for (size_t c = 0; c < tx->n_customers; c++) {
        size_t lo = m.off[c], hi = m.off[c + 1];
        if (lo == hi)
            continue;
        int32_t first = m.day[lo] - start_day;
        if (first < 0 || first >= span)
            continue;
        cohort[first] += 1;
        for (size_t i = lo + 1; i < hi; i++) {
            int32_t d = m.day[i] - start_day;
            if (d >= 0 && d < span)
                actual[d / period_days] += 1;
        }
    }
    for (size_t p = 1; p < n_periods; p++)
        actual[p] += actual[p - 1];
    for (size_t p = 0; p < n_periods; p++) {
        /* end of period p: day (p+1)*period_days - 1, counted to the end of that day */
        double e = 0;
        int32_t end = (int32_t)((p + 1) * (size_t)period_days);
        for (int32_t f = 0; f < end && f < span; f++)
            if (cohort[f] > 0)
                e += cohort[f] * dg_btyd_expected_new(params, (end - 1 - f) / days_per_unit);
        expected[p] = e;
    }
    free(cohort);
    merged_free(&m);
    return 0;
}

long dg_clv_report_find(const dg_clv_report *report, uint32_t customer)
{
    const dg_clv_summary *s = report->summary;
    size_t lo = 0, hi = s->n;
    while (lo < hi) {   /* summary rows are in increasing customer order */
        size_t mid = lo + (hi - lo) / 2;
        if (s->customer[mid] < customer)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n && s->customer[lo] == customer ? (long)lo : -1;
}

dg_clv_transactions dg_clv_frame_transactions(const dg_frame *frame)
{
    dg_clv_transactions tx = {frame->n_orders, frame->n_customers, frame->order_customer,
                              frame->order_day, NULL, frame->order_amount_minor,
                              frame->minor_digits, frame->customer_id, frame->order_offset};
    return tx;
}

int dg_clv_frame_run(dg_clv_report **out, const dg_frame *frame,
                     const dg_clv_period *period, const dg_clv_options *opt, dg_error *err)
{
    dg_clv_transactions tx = dg_clv_frame_transactions(frame);
    dg_clv_period per = *period;
    dg_clv_summary *s = NULL;
    int rc;
    *out = NULL;
    if (per.calibration_end == DG_DAY_NONE)
        per.calibration_end = frame->as_of;
    /* a window's customers first seen after its day have no order by then: only the period
     * must not reach the later rows */
    if (frame->window_of && (per.calibration_end > frame->as_of ||
                             per.holdout_end > frame->as_of))
        return dg_error_set(err, DG_EINVAL, "the CLV period of a frame as of an earlier day "
                            "(a window) must end by that day");
    if (opt->model == DG_BTYD_BGBB)
        per.discrete = 1;
    if ((rc = dg_clv_summary_build(&s, &tx, &per, err)) != 0)
        return rc;
    return dg_clv_run(out, s, opt, err);
}
