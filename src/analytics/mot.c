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
#include "analytics/correlation.h"

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
    uint64_t key;                /* the value's bits, in the order of the values */
    size_t index;
} keyed;

/* An unsigned key that sorts like the double (IEEE 754: flip the sign bit of a positive value,
 * every bit of a negative one); -0 is taken as 0 so that the two tie. */
static uint64_t order_key(double x)
{
    uint64_t bits;
    if (x == 0.0)
        x = 0.0;
    memcpy(&bits, &x, sizeof bits);
    return bits & 0x8000000000000000u ? ~bits : bits | 0x8000000000000000u;
}

/* Average ranks (1-based) of real values, by an LSD radix sort of their keys (4 passes of 16
 * bits, a pass skipped when every key has the same digit): linear in n, where a comparison sort
 * of a million cycle scores costs several times more. */
static int ranks_sorted(double *ranks, const double *v, size_t n)
{
    keyed *k = malloc((n ? n : 1) * sizeof *k), *tmp = malloc((n ? n : 1) * sizeof *tmp);
    size_t *count = malloc(65536 * sizeof *count);
    if (!k || !tmp || !count) {
        free(k);
        free(tmp);
        free(count);
        return DG_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        k[i] = (keyed){ order_key(v[i]), i };
    for (int shift = 0; shift < 64; shift += 16) {
        memset(count, 0, 65536 * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(k[i].key >> shift) & 0xffff]++;
        if (n && count[(k[0].key >> shift) & 0xffff] == n)
            continue;
        size_t at = 0;
        for (size_t d = 0; d < 65536; d++) {
            size_t c = count[d];
            count[d] = at;
            at += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[count[(k[i].key >> shift) & 0xffff]++] = k[i];
        keyed *swap = k;
        k = tmp;
        tmp = swap;
    }
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && k[j + 1].key == k[i].key)
            j++;
        double rank = ((double)i + (double)j) / 2.0 + 1.0;
        for (size_t t = i; t <= j; t++)
            ranks[k[t].index] = rank;
        i = j + 1;
    }
    free(k);
    free(tmp);
    free(count);
    return 0;
}

/* Pearson's r of the ranks and its Fisher-z interval (variance factor 1.06). */
static void rank_correlation(dg_mot_corr *out, const double *rx, const double *ry, size_t n)
{
    dg__pearson p;
    dg__pearson_fisher(&p, rx, ry, n, 1.06);
    *out = (dg_mot_corr){ .n = (int64_t)n, .rho = p.r, .lo = p.lo, .hi = p.hi,
                          .defined = p.defined, .has_interval = p.has_interval };
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
            const dg_mot_moment *mo = &cycle->moments[m];
            double x;
            if (score != DG_MOT_UNRATED && (score < mo->scale_min || score > mo->scale_max) &&
                dg_mot_normalise(&x, mo, score, err) != 0)
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
    /* x[m][s]: moment m's score s normalised, looked up instead of divided per rating */
    const size_t span = DG_MOT_SCALE_LIMIT + 1;
    double x[DG_MOT_MAX_MOMENTS][DG_MOT_SCALE_LIMIT + 1];
    for (size_t m = 0; m < cycle->n_moments; m++) {
        const dg_mot_moment *mo = &cycle->moments[m];
        for (int32_t sc = mo->scale_min; sc <= mo->scale_max && (size_t)sc < span; sc++)
            x[m][sc] = (double)(sc - mo->scale_min) / (double)(mo->scale_max - mo->scale_min);
    }
    double sum_product = 0.0, sum_mean = 0.0;
    double mean_sum[DG_MOT_MAX_MOMENTS] = { 0 };
    const size_t nm = d->n_moments;
    for (size_t v = 0; v < d->n_visits; v++) {
        const int16_t *row = d->scores + v * nm;
        double prod = 1.0, sum = 0.0, low = 2.0;
        int n_rated = 0, n_tied = 0;
        product[v] = mean[v] = -1.0;   /* not scored */
        for (size_t m = 0; m < nm; m++) {
            if (row[m] == DG_MOT_UNRATED)
                continue;
            double xm = x[m][row[m]];
            const dg_mot_moment *mo = &cycle->moments[m];
            prod *= xm;   /* the multiplication rule: one zero makes the whole cycle zero */
            sum += xm;
            n_rated++;
            n_tied = xm < low ? 1 : xm == low ? n_tied + 1 : n_tied;
            low = xm < low ? xm : low;
            mean_sum[m] += xm;
            r->moments[m].n_rated++;
            r->elements[mo->element].n_ratings++;
            r->elements[mo->element].mean += xm;
            bool bottom = row[m] == mo->scale_min;
            r->moments[m].n_zero += bottom;
            r->elements[mo->element].n_zero += bottom;
        }
        if (n_rated == 0)
            continue;
        product[v] = prod;
        mean[v] = sum / n_rated;
        r->n_scored++;
        sum_product += prod;
        sum_mean += mean[v];
        bool zero = prod == 0.0;
        r->n_zero_cycle += zero;
        if (d->nps[v] >= 0) {
            r->n_nps++;
            r->n_detractors += d->nps[v] <= 6;
            r->n_promoters += d->nps[v] >= 9;
            r->n_zero_nps += zero;
            r->n_zero_detractors += zero && d->nps[v] <= 6;
            r->n_zero_promoters += zero && d->nps[v] >= 9;
        }
        /* the weakest: every moment tied at the lowest score shares the visit */
        double share = 1.0 / n_tied;
        for (size_t m = 0; m < nm; m++)
            if (row[m] != DG_MOT_UNRATED && x[m][row[m]] == low) {
                r->moments[m].weakest_visits += share;
                r->elements[cycle->moments[m].element].weakest_visits += share;
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
