/* Per-customer predictions for a whole customer base in one pass (dg_btyd_predict): P(alive),
 * expected transactions over a horizon, their discounted sum per whole unit, and DERT.
 * Every model's expectation factors as E[Y(t) | x, t_x, T] = E[Y(t) | x, T, alive] P(alive)
 * (btyd_internal.h, *_expected_alive), and only the first factor depends on t. So the customers
 * are compressed to distinct (x, t_x, T) histories, those to distinct (x, T) pairs, and the
 * horizon's curve (one 2F1 per unit for BG/NBD) is computed once per pair, P(alive) once per
 * history, and both scattered to the customers. Each piece is computed on its own, so the
 * results are the same to the last bit for any number of threads. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analytics/btyd/btyd_internal.h"

#define MAX_THREADS 64
#define CHUNK 1024

/* ---- a parallel for over [0, n) in chunks handed out by an atomic counter ---- */
typedef void (*range_fn)(size_t begin, size_t end, void *ctx);

typedef struct pfor {
    size_t n;
    range_fn fn;
    void *ctx;
    atomic_size_t next;
} pfor;

static void *pfor_work(void *arg)
{
    pfor *job = arg;
    for (;;) {
        size_t begin = atomic_fetch_add(&job->next, CHUNK);
        if (begin >= job->n)
            return NULL;
        job->fn(begin, begin + CHUNK < job->n ? begin + CHUNK : job->n, job->ctx);
    }
}

static void parallel_for(size_t n, range_fn fn, void *ctx, int threads)
{
    pfor job = {n, fn, ctx, 0};
    size_t chunks = (n + CHUNK - 1) / CHUNK;
    if ((size_t)threads > chunks)
        threads = (int)chunks;
    pthread_t tid[MAX_THREADS];
    int started = 0;
    atomic_init(&job.next, 0);
    while (started < threads - 1 && pthread_create(&tid[started], NULL, pfor_work, &job) == 0)
        started++;
    pfor_work(&job);   /* this thread works too; alone when no thread could start */
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
}

static int threads_or_cores(int threads)
{
    if (threads <= 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (int)cpus;
    }
    return threads < MAX_THREADS ? threads : MAX_THREADS;
}

/* ---- the model's two factors ---- */

/* E[Y(t) | x, T, alive at T] */
static double expected_alive(const dg_btyd_params *pr, double x, double T, double t)
{
    switch (pr->model) {
    case DG_BTYD_BGNBD:     return dg__bgnbd_expected_alive(pr->p, x, T, t, 0);
    case DG_BTYD_MBGNBD:    return dg__bgnbd_expected_alive(pr->p, x, T, t, 1);
    case DG_BTYD_PARETONBD: return dg__paretonbd_expected_alive(pr->p, x, T, t);
    case DG_BTYD_BGBB:      return dg__bgbb_expected_alive(pr->p, x, T, t);
    }
    return NAN;
}

/* P(alive) as the expectation's factor (BG/BB's before the cap at 1) */
static double alive_factor(const dg_btyd_params *pr, double x, double t_x, double T)
{
    return pr->model == DG_BTYD_BGBB ? dg__bgbb_p_alive_raw(pr->p, x, t_x, T)
                                     : dg_btyd_p_alive(pr, x, t_x, T);
}

/* The horizon's curve for a customer alive at T: returns
 *   sum_{k=1..ceil(H)} [g(t_k) - g(t_{k-1})] e^(-t_k log_disc),  t_k = min(k, H), g(t_0) = 0,
 * g(t) = E[Y(t) | x, T, alive], and g(H) in *at_horizon. Without discounting the sum telescopes
 * to g(H): one evaluation instead of one per unit. */
static double curve(const dg_btyd_params *pr, double x, double T, double horizon,
                    double log_disc, double *at_horizon)
{
    double total = 0, prev = 0;
    *at_horizon = 0.0;
    if (!(horizon > 0))
        return 0.0;
    if (log_disc == 0.0) {
        *at_horizon = expected_alive(pr, x, T, horizon);
        return *at_horizon;
    }
    for (double k = 1; k < horizon + 1; k += 1) {
        double t = k < horizon ? k : horizon;
        double g = expected_alive(pr, x, T, t);
        total += (g - prev) * exp(-t * log_disc);
        prev = g;
        if (t >= horizon)
            break;
    }
    *at_horizon = prev;
    return total;
}

double dg_btyd_discounted_expected(const dg_btyd_params *params, double x, double t_x, double T,
                                   double horizon, double discount_rate)
{
    double at_horizon;
    if (!(horizon > 0) || !isfinite(horizon))
        return 0.0;
    double d = curve(params, x, T, horizon, log1p(discount_rate), &at_horizon);
    return d * alive_factor(params, x, t_x, T);
}

/* ---- distinct histories and (x, T) pairs: open addressing on the doubles' bits ---- */

static uint64_t bits_of(double v)
{
    uint64_t u;
    if (v == 0.0)
        v = 0.0;   /* -0.0 and 0.0 are one value */
    memcpy(&u, &v, sizeof u);
    return u;
}

static size_t slot_of(uint64_t a, uint64_t b, uint64_t c, size_t mask)
{
    uint64_t h = a * 0x9e3779b97f4a7c15ULL;
    h = (h ^ (h >> 29) ^ b) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (h >> 31) ^ c) * 0x94d049bb133111ebULL;
    return (size_t)(h ^ (h >> 32)) & mask;
}

typedef struct groups {
    size_t n_hist, n_pair;
    uint32_t *cust_hist;           /* per customer: its history */
    double *hx, *ht, *hT;          /* per history */
    uint32_t *hist_pair;           /* per history: its (x, T) pair */
    double *px, *pT;               /* per pair */
} groups;

static void groups_free(groups *g)
{
    free(g->cust_hist);
    free(g->hx);
    free(g->ht);
    free(g->hT);
    free(g->hist_pair);
    free(g->px);
    free(g->pT);
}

static size_t table_cap(size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n)
        cap <<= 1;
    return cap;
}

/* Groups data's customers; DG_ENOMEM or 0. Histories and pairs in order of first appearance. */
static int groups_build(groups *g, const dg_btyd_data *d)
{
    size_t n = d->n_customers, cap = table_cap(n), mask = cap - 1, one = n ? n : 1;
    uint32_t *slot = malloc(cap * sizeof *slot);
    memset(g, 0, sizeof *g);
    g->cust_hist = malloc(one * sizeof *g->cust_hist);
    g->hx = malloc(one * sizeof *g->hx);
    g->ht = malloc(one * sizeof *g->ht);
    g->hT = malloc(one * sizeof *g->hT);
    if (!slot || !g->cust_hist || !g->hx || !g->ht || !g->hT) {
        free(slot);
        groups_free(g);
        return DG_ENOMEM;
    }
    memset(slot, 0xff, cap * sizeof *slot);
    for (size_t i = 0; i < n; i++) {
        double x = d->frequency[i], t = d->recency[i], T = d->age[i];
        uint64_t bx = bits_of(x), bt = bits_of(t), bT = bits_of(T);
        size_t h = slot_of(bx, bt, bT, mask);
        uint32_t k;
        while ((k = slot[h]) != UINT32_MAX && (bits_of(g->hx[k]) != bx ||
                                               bits_of(g->ht[k]) != bt || bits_of(g->hT[k]) != bT))
            h = (h + 1) & mask;
        if (k == UINT32_MAX) {
            k = slot[h] = (uint32_t)g->n_hist++;
            g->hx[k] = x;
            g->ht[k] = t;
            g->hT[k] = T;
        }
        g->cust_hist[i] = k;
    }
    size_t nh = g->n_hist ? g->n_hist : 1;
    cap = table_cap(g->n_hist);
    mask = cap - 1;
    uint32_t *slot2 = realloc(slot, cap * sizeof *slot);
    g->hist_pair = malloc(nh * sizeof *g->hist_pair);
    g->px = malloc(nh * sizeof *g->px);
    g->pT = malloc(nh * sizeof *g->pT);
    if (!slot2 || !g->hist_pair || !g->px || !g->pT) {
        free(slot2 ? slot2 : slot);
        groups_free(g);
        return DG_ENOMEM;
    }
    slot = slot2;
    memset(slot, 0xff, cap * sizeof *slot);
    for (size_t j = 0; j < g->n_hist; j++) {
        uint64_t bx = bits_of(g->hx[j]), bT = bits_of(g->hT[j]);
        size_t h = slot_of(bx, 0, bT, mask);
        uint32_t k;
        while ((k = slot[h]) != UINT32_MAX && (bits_of(g->px[k]) != bx ||
                                               bits_of(g->pT[k]) != bT))
            h = (h + 1) & mask;
        if (k == UINT32_MAX) {
            k = slot[h] = (uint32_t)g->n_pair++;
            g->px[k] = g->hx[j];
            g->pT[k] = g->hT[j];
        }
        g->hist_pair[j] = k;
    }
    free(slot);
    return 0;
}

/* ---- the three passes ---- */

typedef struct work {
    const dg_btyd_params *params;
    double horizon, log_disc, delta;
    const groups *g;
    double *pair_disc, *pair_h;    /* per pair: discounted curve, g(H) */
    double *h_alive, *h_exp, *h_disc, *h_dert;   /* per history */
    const dg_btyd_predictions *out;
} work;

static void pairs_pass(size_t begin, size_t end, void *ctx)
{
    work *w = ctx;
    for (size_t j = begin; j < end; j++)
        w->pair_disc[j] = curve(w->params, w->g->px[j], w->g->pT[j], w->horizon, w->log_disc,
                                &w->pair_h[j]);
}

static void histories_pass(size_t begin, size_t end, void *ctx)
{
    work *w = ctx;
    const groups *g = w->g;
    for (size_t j = begin; j < end; j++) {
        double x = g->hx[j], t = g->ht[j], T = g->hT[j];
        double q = alive_factor(w->params, x, t, T);
        uint32_t k = g->hist_pair[j];
        w->h_alive[j] = q > 1.0 ? 1.0 : q;
        w->h_exp[j] = w->pair_h[k] * q;
        w->h_disc[j] = w->pair_disc[k] * q;
        if (w->h_dert)
            w->h_dert[j] = dg__paretonbd_dert(w->params->p, x, t, T, w->delta);
    }
}

static void customers_pass(size_t begin, size_t end, void *ctx)
{
    work *w = ctx;
    const dg_btyd_predictions *o = w->out;
    const uint32_t *hist = w->g->cust_hist;
    for (size_t i = begin; i < end; i++) {
        uint32_t j = hist[i];
        if (o->p_alive)
            o->p_alive[i] = w->h_alive[j];
        if (o->expected)
            o->expected[i] = w->h_exp[j];
        if (o->discounted)
            o->discounted[i] = w->h_disc[j];
        if (o->dert)
            o->dert[i] = w->h_dert[j];
    }
}

int dg_btyd_predict(const dg_btyd_params *params, const dg_btyd_data *data, double horizon,
                    double discount_rate, int threads, const dg_btyd_predictions *out,
                    dg_error *err)
{
    groups g;
    if ((unsigned)params->model > DG_BTYD_BGBB)
        return dg_error_set(err, DG_EINVAL, "unknown BTYD model %d", (int)params->model);
    if (!(horizon >= 0) || !isfinite(horizon))
        return dg_error_set(err, DG_EINVAL, "the horizon must be a finite number >= 0 (got %g)",
                            horizon);
    if (!(discount_rate >= 0) || !isfinite(discount_rate))
        return dg_error_set(err, DG_EINVAL, "the discount rate must be a finite number >= 0 "
                            "(got %g)", discount_rate);
    if (out->dert && (params->model != DG_BTYD_PARETONBD || !(discount_rate > 0)))
        return dg_error_set(err, DG_EINVAL, "DERT needs the Pareto/NBD model and a discount "
                            "rate > 0");
    if (groups_build(&g, data) != 0)
        return dg_error_set(err, DG_ENOMEM, "out of memory grouping %zu customers",
                            data->n_customers);
    size_t nh = g.n_hist ? g.n_hist : 1, np = g.n_pair ? g.n_pair : 1;
    work w = {params, horizon, log1p(discount_rate), log1p(discount_rate), &g, NULL, NULL, NULL,
              NULL, NULL, NULL, out};
    double *buf = malloc((2 * np + 4 * nh) * sizeof *buf);
    int rc = 0;
    if (!buf) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory for %zu customer histories", g.n_hist);
    } else {
        w.pair_disc = buf;
        w.pair_h = buf + np;
        w.h_alive = w.pair_h + np;
        w.h_exp = w.h_alive + nh;
        w.h_disc = w.h_exp + nh;
        w.h_dert = out->dert ? w.h_disc + nh : NULL;
        threads = threads_or_cores(threads);
        parallel_for(g.n_pair, pairs_pass, &w, threads);
        parallel_for(g.n_hist, histories_pass, &w, threads);
        parallel_for(data->n_customers, customers_pass, &w, threads);
    }
    free(buf);
    groups_free(&g);
    return rc;
}
