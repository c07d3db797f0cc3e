/* The MOT analysis (include/dangol/mot.h): each visit's cycle score by the multiplication rule
 * (product of normalised moment scores) and by the additive mean, its weakest moment, the
 * moments' and elements' summaries, and Spearman rank correlations of each moment with NPS and
 * repurchase. Scores, NPS and repurchase are small whole numbers, so their average ranks come
 * from a histogram in O(n) (no sort); only the real-valued cycle scores are sorted. Spearman's
 * rho is Pearson's r of the ranks (Spearman 1904); its interval is tanh(atanh(rho) -/+ 1.96 se)
 * with se = sqrt(1.06 / (n - 3)) (Fieller, Hartley & Pearson 1957, Biometrika 44, p. 470). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/mot.h"

#define Z95 1.959963984540054

void dg_mot_score_visit(dg_mot_visit_score *out, const dg_mot_cycle *cycle, const int16_t *row)
{
    double product = 1.0, sum = 0.0, lowest = 2.0;
    int n = 0, weakest = -1, tied = 0;
    for (size_t m = 0; m < cycle->n_moments; m++) {
        if (row[m] == DG_MOT_UNRATED)
            continue;
        const dg_mot_moment *mo = &cycle->moments[m];
        double x = (double)(row[m] - mo->scale_min) / (double)(mo->scale_max - mo->scale_min);
        product *= x;   /* the multiplication rule: one zero makes the whole cycle zero */
        sum += x;
        n++;
        if (x < lowest) {
            lowest = x;
            weakest = (int)m;
            tied = 1;
        } else if (x == lowest) {
            tied++;
        }
    }
    out->product = n ? product : 0.0;
    out->mean = n ? sum / n : 0.0;
    out->weakest = weakest;
    out->n_rated = n;
    out->n_tied = tied;
}

/* Average ranks (1-based) of whole values within lo..hi, by counting. */
static int ranks_counted(double *ranks, const int32_t *v, size_t n, int32_t lo, int32_t hi)
{
    size_t span = (size_t)(hi - lo) + 1;
    double *at = calloc(span, sizeof *at);
    if (!at)
        return DG_ENOMEM;
    for (size_t i = 0; i < n; i++)
        at[v[i] - lo] += 1.0;
    double below = 0.0;
    for (size_t k = 0; k < span; k++) {
        double count = at[k];
        at[k] = below + (count + 1.0) / 2.0;   /* the mean of ranks below+1 .. below+count */
        below += count;
    }
    for (size_t i = 0; i < n; i++)
        ranks[i] = at[v[i] - lo];
    free(at);
    return 0;
}

typedef struct keyed {
    double value;
    size_t index;
} keyed;

static int keyed_cmp(const void *a, const void *b)
{
    double x = ((const keyed *)a)->value, y = ((const keyed *)b)->value;
    return (x > y) - (x < y);
}

/* Average ranks (1-based) of real values, by sorting. */
static int ranks_sorted(double *ranks, const double *v, size_t n)
{
    keyed *k = malloc((n ? n : 1) * sizeof *k);
    if (!k)
        return DG_ENOMEM;
    for (size_t i = 0; i < n; i++)
        k[i] = (keyed){ v[i], i };
    qsort(k, n, sizeof *k, keyed_cmp);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && k[j + 1].value == k[i].value)
            j++;
        double rank = ((double)i + (double)j) / 2.0 + 1.0;
        for (size_t t = i; t <= j; t++)
            ranks[k[t].index] = rank;
        i = j + 1;
    }
    free(k);
    return 0;
}

/* Pearson's r of the ranks and its Fisher-z interval. */
static void rank_correlation(dg_mot_corr *out, const double *rx, const double *ry, size_t n)
{
    memset(out, 0, sizeof *out);
    out->n = (int64_t)n;
    if (n < 3)
        return;
    double mx = 0.0, my = 0.0;
    for (size_t i = 0; i < n; i++) {
        mx += rx[i];
        my += ry[i];
    }
    mx /= (double)n;
    my /= (double)n;
    double sxy = 0.0, sxx = 0.0, syy = 0.0;
    for (size_t i = 0; i < n; i++) {
        double dx = rx[i] - mx, dy = ry[i] - my;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if (!(sxx > 0.0) || !(syy > 0.0))
        return;
    double rho = sxy / sqrt(sxx * syy);
    rho = rho > 1.0 ? 1.0 : rho < -1.0 ? -1.0 : rho;
    out->rho = rho;
    out->defined = true;
    if (n < 4)
        return;
    out->has_interval = true;
    if (fabs(rho) >= 1.0) {
        out->lo = out->hi = rho;
        return;
    }
    double z = atanh(rho), se = sqrt(1.06 / (double)(n - 3));
    out->lo = tanh(z - Z95 * se);
    out->hi = tanh(z + Z95 * se);
}

int dg_mot_spearman(dg_mot_corr *out, const double *x, const double *y, size_t n, dg_error *err)
{
    double *rx = malloc((n ? n : 1) * sizeof *rx), *ry = malloc((n ? n : 1) * sizeof *ry);
    int rc = rx && ry ? ranks_sorted(rx, x, n) : DG_ENOMEM;
    if (rc == 0)
        rc = ranks_sorted(ry, y, n);
    if (rc == 0)
        rank_correlation(out, rx, ry, n);
    free(rx);
    free(ry);
    return rc ? dg_error_set(err, rc, "out of memory") : 0;
}

/* Scratch of the correlations: pairs of whole values, their ranks, reals. */
typedef struct scratch {
    int32_t *x, *y;
    double *rx, *ry, *real;
} scratch;

/* rho of moment m's scores (or, m < 0, of the cycle scores in s->real) against the outcome
 * (nps 0..10 or repurchased 0..1) over the visits that have both. */
static int correlate(dg_mot_corr *out, scratch *s, const dg_mot_cycle *cycle,
                     const dg_mot_data *d, int m, const double *cycle_scores, bool nps)
{
    size_t n = 0;
    for (size_t v = 0; v < d->n_visits; v++) {
        int outcome = nps ? d->nps[v] : d->repurchased[v];
        if (outcome < 0)
            continue;
        if (m >= 0) {
            int16_t score = d->scores[v * d->n_moments + (size_t)m];
            if (score == DG_MOT_UNRATED)
                continue;
            s->x[n] = score;
        } else {
            if (cycle_scores[v] < 0.0)
                continue;
            s->real[n] = cycle_scores[v];
        }
        s->y[n++] = outcome;
    }
    int rc = m >= 0 ? ranks_counted(s->rx, s->x, n, cycle->moments[m].scale_min,
                                    cycle->moments[m].scale_max)
                    : ranks_sorted(s->rx, s->real, n);
    if (rc == 0)
        rc = ranks_counted(s->ry, s->y, n, 0, nps ? 10 : 1);
    if (rc == 0)
        rank_correlation(out, s->rx, s->ry, n);
    return rc;
}

/* Checks the scores against their scales and the outcomes against theirs. */
static int check_data(const dg_mot_cycle *cycle, const dg_mot_data *d, dg_error *err)
{
    if (d->n_moments != cycle->n_moments)
        return dg_error_set(err, DG_EINVAL, "the data has %zu moments, the cycle %zu",
                            d->n_moments, cycle->n_moments);
    for (size_t v = 0; v < d->n_visits; v++) {
        if (d->nps[v] > 10 || d->nps[v] < -1 || d->repurchased[v] > 1 || d->repurchased[v] < -1)
            return dg_error_set(err, DG_EINVAL, "visit %zu: NPS or repurchase out of range", v);
        for (size_t m = 0; m < d->n_moments; m++) {
            int16_t score = d->scores[v * d->n_moments + m];
            double x;
            if (score != DG_MOT_UNRATED && dg_mot_normalise(&x, &cycle->moments[m], score, err))
                return DG_EINVAL;
        }
    }
    return 0;
}

int dg_mot_analyse(dg_mot_result **out, const dg_mot_cycle *cycle, const dg_mot_data *d,
                   dg_error *err)
{
    *out = NULL;
    int rc = check_data(cycle, d, err);
    if (rc != 0)
        return rc;
    size_t n = d->n_visits ? d->n_visits : 1;
    dg_mot_result *r = calloc(1, sizeof *r);
    double *product = malloc(n * sizeof *product), *mean = malloc(n * sizeof *mean);
    scratch s = { malloc(n * sizeof *s.x), malloc(n * sizeof *s.y), malloc(n * sizeof *s.rx),
                  malloc(n * sizeof *s.ry), malloc(n * sizeof *s.real) };
    if (!r || !product || !mean || !s.x || !s.y || !s.rx || !s.ry || !s.real) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
        goto cleanup;
    }
    r->n_visits = (int64_t)d->n_visits;
    r->weakest = -1;
    double sum_product = 0.0, sum_mean = 0.0;
    double mean_sum[DG_MOT_MAX_MOMENTS] = { 0 };
    for (size_t v = 0; v < d->n_visits; v++) {
        const int16_t *row = d->scores + v * d->n_moments;
        dg_mot_visit_score vs;
        dg_mot_score_visit(&vs, cycle, row);
        product[v] = mean[v] = -1.0;   /* not scored */
        if (vs.n_rated == 0)
            continue;
        product[v] = vs.product;
        mean[v] = vs.mean;
        r->n_scored++;
        sum_product += vs.product;
        sum_mean += vs.mean;
        bool zero = vs.product == 0.0;
        r->n_zero_cycle += zero;
        if (d->nps[v] >= 0) {
            r->n_nps++;
            r->n_detractors += d->nps[v] <= 6;
            r->n_promoters += d->nps[v] >= 9;
            r->n_zero_nps += zero;
            r->n_zero_detractors += zero && d->nps[v] <= 6;
            r->n_zero_promoters += zero && d->nps[v] >= 9;
        }
        for (size_t m = 0; m < d->n_moments; m++) {
            if (row[m] == DG_MOT_UNRATED)
                continue;
            const dg_mot_moment *mo = &cycle->moments[m];
            double x = (double)(row[m] - mo->scale_min) / (double)(mo->scale_max - mo->scale_min);
            dg_mot_moment_stats *ms = &r->moments[m];
            dg_mot_element_stats *es = &r->elements[mo->element];
            ms->n_rated++;
            es->n_ratings++;
            mean_sum[m] += x;
            es->mean += x;
            ms->n_zero += row[m] == mo->scale_min;
            es->n_zero += row[m] == mo->scale_min;
        }
        /* the weakest: every moment tied at the lowest score shares the visit */
        const dg_mot_moment *wm = &cycle->moments[vs.weakest];
        double low = (double)(row[vs.weakest] - wm->scale_min) /
                     (double)(wm->scale_max - wm->scale_min);
        for (size_t m = 0; m < d->n_moments; m++) {
            if (row[m] == DG_MOT_UNRATED)
                continue;
            const dg_mot_moment *mo = &cycle->moments[m];
            double x = (double)(row[m] - mo->scale_min) / (double)(mo->scale_max - mo->scale_min);
            if (x == low) {
                r->moments[m].weakest_visits += 1.0 / vs.n_tied;
                r->elements[mo->element].weakest_visits += 1.0 / vs.n_tied;
            }
        }
    }
    if (r->n_scored) {
        r->mean_product = sum_product / (double)r->n_scored;
        r->mean_mean = sum_mean / (double)r->n_scored;
    }
    for (size_t m = 0; m < cycle->n_moments; m++) {
        dg_mot_moment_stats *ms = &r->moments[m];
        r->elements[cycle->moments[m].element].n_moments++;
        if (ms->n_rated)
            ms->mean = mean_sum[m] / (double)ms->n_rated;
        if (ms->n_rated && (r->weakest < 0 || ms->mean < r->moments[r->weakest].mean))
            r->weakest = (int)m;
        if ((rc = correlate(&ms->nps, &s, cycle, d, (int)m, NULL, true)) != 0 ||
            (rc = correlate(&ms->repurchase, &s, cycle, d, (int)m, NULL, false)) != 0)
            goto nomem;
    }
    for (int e = 0; e < DG_MOT_N_ELEMENTS; e++)
        if (r->elements[e].n_ratings)
            r->elements[e].mean /= (double)r->elements[e].n_ratings;
    if ((rc = correlate(&r->product_nps, &s, cycle, d, -1, product, true)) != 0 ||
        (rc = correlate(&r->mean_nps, &s, cycle, d, -1, mean, true)) != 0)
        goto nomem;
    *out = r;
    r = NULL;
    goto cleanup;
nomem:
    rc = dg_error_set(err, DG_ENOMEM, "out of memory");
cleanup:
    free(r);
    free(product);
    free(mean);
    free(s.x);
    free(s.y);
    free(s.rx);
    free(s.ry);
    free(s.real);
    return rc;
}
