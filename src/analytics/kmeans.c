/* k-means and the silhouette (include/dangol/kmeans.h). One Lloyd iteration is one pass over the
 * points on threads (dg__parallel_sum): each point finds its nearest centre and adds itself to
 * that cluster's sum and count; the sums are reduced in fixed chunks, so the result does not
 * depend on the number of threads. Hamerly's bounds (one upper, one lower per point) let most
 * points skip the distances once the centres settle: O(n d) per iteration plus O(k d) for the
 * points that must look. The stopping rule is scikit-learn's: the summed squared centre shift at
 * most tol times the mean column variance; then one full pass assigns every point to its nearest
 * final centre (ties: the lower index), so labels, sizes and inertia describe the centres
 * returned. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/parallel.h"
#include "dangol/kmeans.h"
#include "dangol/rng.h"

void dg_kmeans_options_init(dg_kmeans_options *opt, size_t k)
{
    *opt = (dg_kmeans_options){ .k = k, .n_init = 4, .max_iter = 300, .tol = 1e-4, .seed = 1,
                               .restart_sample = 100000 };
}

void dg_kmeans_free(dg_kmeans *km)
{
    if (!km)
        return;
    free(km->centers);
    free(km->label);
    free(km->size);
    free(km);
}

static double sq_dist(const double *a, const double *b, size_t d)
{
    double s = 0.0;
    for (size_t j = 0; j < d; j++) {
        double t = a[j] - b[j];
        s += t * t;
    }
    return s;
}

/* ---- one assignment pass (Hamerly 2010) ---- */

typedef struct assign_ctx {
    const double *x, *centers;
    size_t d, k;
    uint32_t *label;
    double *upper;             /* >= distance to the assigned centre */
    double *lower;             /* <= distance to the second-nearest centre */
    const double *half_gap;    /* [k] half the distance to the nearest other centre */
    const double *moved;       /* [k] how far each centre moved last; NULL: a full pass */
    double max_moved;
} assign_ctx;

/* acc: k*d sums, k counts, the inertia (exact in a full pass only). A bounded pass skips a point
 * whose upper bound is within max(half gap of its centre, lower bound): no other centre can be
 * nearer (Hamerly 2010, "Making k-means even faster", SDM, algorithm 2), so it gives Lloyd's
 * assignment with a fraction of the distances. */
static void assign_rows(size_t begin, size_t end, double *acc, const void *arg)
{
    const assign_ctx *a = arg;
    size_t d = a->d, k = a->k;
    for (size_t i = begin; i < end; i++) {
        const double *xi = a->x + i * d;
        uint32_t own = a->label[i];
        bool scan = a->moved == NULL;
        if (!scan) {
            a->upper[i] += a->moved[own];
            a->lower[i] -= a->max_moved;
            double bound = a->half_gap[own] > a->lower[i] ? a->half_gap[own] : a->lower[i];
            if (a->upper[i] > bound) {
                a->upper[i] = sqrt(sq_dist(xi, a->centers + own * d, d));
                scan = a->upper[i] > bound;
            }
        }
        if (scan) {
            size_t best = 0;
            double best_d = sq_dist(xi, a->centers, d), second_d = INFINITY;
            for (size_t c = 1; c < k; c++) {
                double dc = sq_dist(xi, a->centers + c * d, d);
                if (dc < best_d) {
                    second_d = best_d;
                    best_d = dc;
                    best = c;
                } else if (dc < second_d) {
                    second_d = dc;
                }
            }
            own = (uint32_t)best;
            a->label[i] = own;
            a->upper[i] = sqrt(best_d);
            a->lower[i] = sqrt(second_d);
        }
        double *sum = acc + own * d;
        for (size_t j = 0; j < d; j++)
            sum[j] += xi[j];
        acc[k * d + own] += 1.0;
        acc[k * d + k] += a->upper[i] * a->upper[i];
    }
}

/* ---- k-means++ (Arthur & Vassilvitskii 2007, section 2.2) ---- */

typedef struct d2_ctx {
    const double *x, *center;
    size_t d;
    double *d2;                /* min squared distance to the centres chosen so far */
    int first;                 /* the first centre: set, do not take the minimum */
} d2_ctx;

static void d2_rows(size_t begin, size_t end, double *acc, const void *arg)
{
    const d2_ctx *c = arg;
    for (size_t i = begin; i < end; i++) {
        double v = sq_dist(c->x + i * c->d, c->center, c->d);
        if (c->first || v < c->d2[i])
            c->d2[i] = v;
        acc[0] += c->d2[i];
    }
}

/* Chooses k starting centres into centers. DG_EINVAL when fewer than k distinct points. */
static int plus_plus(double *centers, const double *x, size_t n, size_t d, size_t k,
                     dg_rng *rng, int threads, double *d2, dg_error *err)
{
    size_t pick = (size_t)dg_rng_below(rng, n);
    for (size_t c = 0; c < k; c++) {
        memcpy(centers + c * d, x + pick * d, d * sizeof *x);
        if (c + 1 == k)
            break;
        d2_ctx ctx = { x, centers + c * d, d, d2, c == 0 };
        double total;
        if (dg__parallel_sum(n, 1, d2_rows, &ctx, threads, &total) != 0)
            return dg_error_set(err, DG_ENOMEM, "out of memory for k-means");
        if (!(total > 0.0))
            return dg_error_set(err, DG_EINVAL, "only %zu distinct points: k-means cannot make "
                                "%zu clusters of them", c + 1, k);
        /* draw with probability d2[i] / total; walk to the first point whose running sum passes
         * the draw, skipping points already chosen (d2 = 0) */
        double u = dg_rng_uniform(rng) * total, run = 0.0;
        pick = SIZE_MAX;
        for (size_t i = 0; i < n; i++) {
            if (d2[i] <= 0.0)
                continue;
            pick = i;
            run += d2[i];
            if (run >= u)
                break;
        }
    }
    return 0;
}

/* ---- Lloyd ---- */

typedef struct work {
    double *acc;               /* k*d + k + 1 */
    double *upper, *lower;     /* [n] */
    uint32_t *label;           /* [n] */
    double *half_gap, *moved;  /* [k] */
} work;

/* Gives each empty cluster the point farthest (by its upper bound) from its centre: Lloyd's
 * usual repair. The point becomes the cluster's centre, so its bounds are 0. */
static void fill_empty(double *acc, const double *x, size_t n, size_t d, size_t k, work *w)
{
    double *counts = acc + k * d;
    for (size_t c = 0; c < k; c++) {
        if (counts[c] > 0.0)
            continue;
        size_t far = 0;
        for (size_t i = 1; i < n; i++)
            if (w->upper[i] > w->upper[far])
                far = i;
        if (!(w->upper[far] > 0.0))
            return;
        size_t from = w->label[far];
        const double *xf = x + far * d;
        for (size_t j = 0; j < d; j++) {
            acc[from * d + j] -= xf[j];
            acc[c * d + j] = xf[j];
        }
        counts[from] -= 1.0;
        counts[c] = 1.0;
        w->label[far] = (uint32_t)c;
        w->upper[far] = w->lower[far] = 0.0;
    }
}

/* Half the distance from each centre to its nearest other centre. */
static void half_gaps(double *half_gap, const double *centers, size_t d, size_t k)
{
    for (size_t c = 0; c < k; c++) {
        double nearest = INFINITY;
        for (size_t o = 0; o < k; o++)
            if (o != c) {
                double t = sq_dist(centers + c * d, centers + o * d, d);
                if (t < nearest)
                    nearest = t;
            }
        half_gap[c] = 0.5 * sqrt(nearest);
    }
}

/* Runs Lloyd from centers (updated in place); *iterations and the final labels/inertia out:
 * the last pass is a full one on the final centres. */
static int lloyd(double *centers, const double *x, size_t n, size_t d, size_t k,
                 const dg_kmeans_options *opt, double tol_abs, work *w, int *iterations,
                 double *inertia, dg_error *err)
{
    size_t n_acc = k * d + k + 1;
    assign_ctx ctx = { x, centers, d, k, w->label, w->upper, w->lower, w->half_gap, NULL, 0.0 };
    int it = 0;
    bool final = false;   /* the full pass on the final centres */
    for (;;) {
        if (dg__parallel_sum(n, (int)n_acc, assign_rows, &ctx, opt->threads, w->acc) != 0)
            return dg_error_set(err, DG_ENOMEM, "out of memory for k-means");
        if (final)
            break;
        if (it >= opt->max_iter) {
            ctx.moved = NULL;
            final = true;
            continue;
        }
        it++;
        fill_empty(w->acc, x, n, d, k, w);
        double shift = 0.0;
        ctx.max_moved = 0.0;
        for (size_t c = 0; c < k; c++) {
            double count = w->acc[k * d + c], move = 0.0;
            for (size_t j = 0; j < d; j++) {
                double v = count > 0.0 ? w->acc[c * d + j] / count : centers[c * d + j];
                double t = v - centers[c * d + j];
                move += t * t;
                centers[c * d + j] = v;
            }
            shift += move;
            w->moved[c] = sqrt(move);
            if (w->moved[c] > ctx.max_moved)
                ctx.max_moved = w->moved[c];
        }
        half_gaps(w->half_gap, centers, d, k);
        final = shift <= tol_abs;
        ctx.moved = final ? NULL : w->moved;
    }
    *iterations = it;
    *inertia = w->acc[k * d + k];
    return 0;
}

static double mean_variance(const double *x, size_t n, size_t d)
{
    double total = 0.0;
    for (size_t j = 0; j < d; j++) {
        double mean = 0.0, ss = 0.0;
        for (size_t i = 0; i < n; i++)
            mean += x[i * d + j];
        mean /= (double)n;
        for (size_t i = 0; i < n; i++) {
            double t = x[i * d + j] - mean;
            ss += t * t;
        }
        total += ss / (double)n;
    }
    return d ? total / (double)d : 0.0;
}

/* Every restart on all of x. */
static int fit_all(dg_kmeans **out, const double *x, size_t n, size_t d,
                   const dg_kmeans_options *opt, dg_error *err)
{
    *out = NULL;
    size_t k = opt->k;
    if (k == 0 || k > n)
        return dg_error_set(err, DG_EINVAL, "k-means needs 1 <= k <= the number of points "
                            "(k = %zu, %zu points)", k, n);
    if (d == 0)
        return dg_error_set(err, DG_EINVAL, "k-means needs at least one feature");
    if (k > UINT32_MAX || n > UINT32_MAX)
        return dg_error_set(err, DG_ERANGE, "too many points or clusters for k-means");
    int rc = 0;
    dg_kmeans *km = calloc(1, sizeof *km);
    work w = { 0 };
    double *trial = NULL, *d2 = NULL;
    uint32_t *best_label = NULL;
    int restarts = opt->init_centers ? 1 : opt->n_init > 0 ? opt->n_init : 1;
    if (!km || !(km->centers = malloc(k * d * sizeof(double))) ||
        !(km->size = calloc(k, sizeof *km->size)) ||
        !(w.acc = malloc((k * d + k + 1) * sizeof(double))) ||
        !(w.upper = malloc(n * sizeof(double))) || !(w.lower = malloc(n * sizeof(double))) ||
        !(w.half_gap = malloc(k * sizeof(double))) || !(w.moved = malloc(k * sizeof(double))) ||
        !(w.label = malloc(n * sizeof(uint32_t))) ||
        !(trial = malloc(k * d * sizeof(double))) || !(d2 = malloc(n * sizeof(double))) ||
        (restarts > 1 && !(best_label = malloc(n * sizeof(uint32_t))))) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory for k-means (%zu points)", n);
        goto cleanup;
    }
    km->n = n;
    km->d = d;
    km->k = k;
    km->inertia = INFINITY;
    double tol_abs = opt->tol * mean_variance(x, n, d);
    for (int r = 0; r < restarts; r++) {
        if (opt->init_centers) {
            memcpy(trial, opt->init_centers, k * d * sizeof(double));
        } else {
            dg_rng rng;
            dg_rng_seed_stream(&rng, opt->seed, (uint64_t)r);
            if ((rc = plus_plus(trial, x, n, d, k, &rng, opt->threads, d2, err)) != 0)
                goto cleanup;
        }
        int iterations = 0;
        double inertia = INFINITY;
        if ((rc = lloyd(trial, x, n, d, k, opt, tol_abs, &w, &iterations, &inertia, err)) != 0)
            goto cleanup;
        if (inertia < km->inertia) {
            km->inertia = inertia;
            km->iterations = iterations;
            km->restart = r;
            memcpy(km->centers, trial, k * d * sizeof(double));
            for (size_t c = 0; c < k; c++)
                km->size[c] = (size_t)w.acc[k * d + c];
            if (best_label) {
                memcpy(best_label, w.label, n * sizeof(uint32_t));
            } else {
                best_label = w.label;
                w.label = NULL;
            }
        }
    }
    km->label = best_label;
    best_label = NULL;
cleanup:
    free(w.acc);
    free(w.upper);
    free(w.lower);
    free(w.half_gap);
    free(w.moved);
    free(w.label);
    free(trial);
    free(d2);
    free(best_label);
    if (rc != 0)
        dg_kmeans_free(km);
    else
        *out = km;
    return rc;
}

/* m of the n row indices in increasing order, drawn with rng (Knuth, TAOCP vol. 2, 3.4.2,
 * algorithm S: selection sampling). */
static void sample_rows(size_t *rows, size_t m, size_t n, dg_rng *rng)
{
    for (size_t i = 0, taken = 0; i < n && taken < m; i++)
        if (m == n || (double)(n - i) * dg_rng_uniform(rng) < (double)(m - taken))
            rows[taken++] = i;
}

int dg_kmeans_fit(dg_kmeans **out, const double *x, size_t n, size_t d,
                  const dg_kmeans_options *opt, dg_error *err)
{
    size_t m = opt->restart_sample;
    if (opt->init_centers || opt->n_init <= 1 || m == 0 || n <= m || opt->k > m)
        return fit_all(out, x, n, d, opt, err);
    /* the restarts on a sample; the best one's centres start one run on all the points */
    *out = NULL;
    size_t *rows = malloc(m * sizeof *rows);
    double *xs = malloc(m * d * sizeof *xs);
    dg_kmeans *on_sample = NULL;
    int rc = 0;
    if (!rows || !xs) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory for k-means (%zu points)", n);
        goto cleanup;
    }
    dg_rng rng;
    dg_rng_seed_stream(&rng, opt->seed, UINT64_MAX);
    sample_rows(rows, m, n, &rng);
    for (size_t i = 0; i < m; i++)
        memcpy(xs + i * d, x + rows[i] * d, d * sizeof *xs);
    dg_kmeans_options sample_opt = *opt, full_opt = *opt;
    sample_opt.restart_sample = 0;
    if ((rc = fit_all(&on_sample, xs, m, d, &sample_opt, err)) != 0)
        goto cleanup;
    full_opt.init_centers = on_sample->centers;
    full_opt.n_init = 1;
    if ((rc = fit_all(out, x, n, d, &full_opt, err)) == 0)
        (*out)->restart = on_sample->restart;
cleanup:
    free(rows);
    free(xs);
    dg_kmeans_free(on_sample);
    return rc;
}

/* ---- silhouette (Rousseeuw 1987, eq. (1)) ---- */

typedef struct sil_ctx {
    const double *x;
    const size_t *rows;        /* sampled point indices */
    size_t m, d, k;
    const uint32_t *label;
    const size_t *count;       /* [k] sampled points per cluster */
    double *scratch;           /* [threads-independent: m x k] per-row distance sums */
} sil_ctx;

static void sil_rows(size_t begin, size_t end, double *acc, const void *arg)
{
    const sil_ctx *s = arg;
    for (size_t a = begin; a < end; a++) {
        double *sum = s->scratch + a * s->k;
        const double *xa = s->x + s->rows[a] * s->d;
        for (size_t b = 0; b < s->m; b++)
            if (b != a)
                sum[s->label[s->rows[b]]] += sqrt(sq_dist(xa, s->x + s->rows[b] * s->d, s->d));
        uint32_t own = s->label[s->rows[a]];
        if (s->count[own] < 2)
            continue;   /* alone in its cluster: s = 0 */
        double in = sum[own] / (double)(s->count[own] - 1), out = INFINITY;
        for (size_t c = 0; c < s->k; c++)
            if (c != own && s->count[c] > 0 && sum[c] / (double)s->count[c] < out)
                out = sum[c] / (double)s->count[c];
        double top = in > out ? in : out;
        if (top > 0.0)
            acc[0] += (out - in) / top;
    }
}

int dg_silhouette(double *out, const double *x, size_t n, size_t d, const uint32_t *label,
                  size_t k, size_t sample, uint64_t seed, dg_error *err)
{
    size_t m = sample == 0 || sample >= n ? n : sample;
    size_t *rows = malloc((m ? m : 1) * sizeof *rows), *count = calloc(k ? k : 1, sizeof *count);
    double *scratch = calloc(m * k > 0 ? m * k : 1, sizeof *scratch);
    int rc = 0;
    if (!rows || !count || !scratch) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory for the silhouette");
        goto cleanup;
    }
    dg_rng rng;
    dg_rng_seed(&rng, seed);
    sample_rows(rows, m, n, &rng);
    size_t clusters = 0;
    for (size_t a = 0; a < m; a++)
        clusters += count[label[rows[a]]]++ == 0;
    if (clusters < 2) {
        rc = dg_error_set(err, DG_EINVAL, "the silhouette needs at least 2 clusters among the "
                          "%zu points it looks at", m);
        goto cleanup;
    }
    sil_ctx ctx = { x, rows, m, d, k, label, count, scratch };
    double total;
    if (dg__parallel_sum(m, 1, sil_rows, &ctx, 0, &total) != 0) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory for the silhouette");
        goto cleanup;
    }
    *out = total / (double)m;
cleanup:
    free(rows);
    free(count);
    free(scratch);
    return rc;
}
