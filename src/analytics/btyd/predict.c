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

#include "analytics/btyd/btyd_grouped.h"
#include "analytics/btyd/btyd_internal.h"

#define MAX_THREADS 64
#define CHUNK 1024

/* ---- a parallel for over [0, n) in chunks handed out by an atomic counter ---- */
typedef void (*range_fn)(size_t begin, size_t end, void *ctx);

typedef struct pfor {
    size_t n, chunk;
    range_fn fn;
    void *ctx;
    atomic_size_t next;
} pfor;

static void *pfor_work(void *arg)
{
    pfor *job = arg;
    for (;;) {
        size_t begin = atomic_fetch_add(&job->next, job->chunk);
        if (begin >= job->n)
            return NULL;
        job->fn(begin, begin + job->chunk < job->n ? begin + job->chunk : job->n, job->ctx);
    }
}

static void parallel_for(size_t n, size_t chunk, range_fn fn, void *ctx, int threads)
{
    pfor job = {n, chunk, fn, ctx, 0};
    size_t chunks = (n + chunk - 1) / chunk;
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
 * g(t) = E[Y(t) | x, T, alive] (the CLV sum of docs/clv.md, "CLV", per unit of spend and of
 * P(alive)), and g(H) in *at_horizon. Without discounting the sum telescopes to g(H): one
 * evaluation instead of one per unit. */
static double curve(const dg_btyd_params *pr, double x, double T, double horizon,
                    double log_disc, double *at_horizon)
{
    double total = 0, prev = 0;
    *at_horizon = 0.0;
    if (!(horizon > 0))
        return 0.0;
    /* undiscounted, or a horizon lost in the rounding of 1 + H: one step */
    if (log_disc == 0.0 || !(horizon + 1 > 1)) {
        *at_horizon = expected_alive(pr, x, T, horizon);
        return *at_horizon * exp(-horizon * log_disc);
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

typedef struct key3 {
    uint64_t a, b, c;              /* bits of (x, t_x, T), or of (x, 0, T) for a pair */
} key3;

/* The bits of v + 0.0, which is +0.0 for -0.0 (IEEE 754 sums round to nearest): one key. */
static uint64_t bits_of(double v)
{
    double w = v + 0.0;
    uint64_t u;
    memcpy(&u, &w, sizeof u);
    return u;
}

static double value_of(uint64_t u)
{
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

static size_t slot_of(const key3 *k, size_t mask)
{
    uint64_t h = k->a * 0x9e3779b97f4a7c15ULL;
    h = (h ^ (h >> 29) ^ k->b) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (h >> 31) ^ k->c) * 0x94d049bb133111ebULL;
    return (size_t)(h ^ (h >> 32)) & mask;
}

/* Distinct keys: a table that doubles when half full, so it stays as small as the number of
 * distinct keys (a few hundred thousand for a million customers) and in cache. */
typedef struct keyset {
    size_t n, cap;
    uint32_t *slot;
    key3 *key;                     /* n distinct keys in order of first appearance */
} keyset;

static int keyset_init(keyset *ks, size_t max_keys)
{
    ks->n = 0;
    ks->cap = 1024;
    ks->slot = malloc(ks->cap * sizeof *ks->slot);
    ks->key = malloc((max_keys ? max_keys : 1) * sizeof *ks->key);
    if (ks->slot)
        memset(ks->slot, 0xff, ks->cap * sizeof *ks->slot);
    return ks->slot && ks->key ? 0 : DG_ENOMEM;
}

/* The index of k, added when new (UINT32_MAX when out of memory). */
static uint32_t keyset_index(keyset *ks, const key3 *k)
{
    if (2 * (ks->n + 1) > ks->cap) {
        size_t cap = 2 * ks->cap;
        uint32_t *slot = malloc(cap * sizeof *slot);
        if (!slot)
            return UINT32_MAX;
        memset(slot, 0xff, cap * sizeof *slot);
        for (size_t j = 0; j < ks->n; j++) {
            size_t h = slot_of(&ks->key[j], cap - 1);
            while (slot[h] != UINT32_MAX)
                h = (h + 1) & (cap - 1);
            slot[h] = (uint32_t)j;
        }
        free(ks->slot);
        ks->slot = slot;
        ks->cap = cap;
    }
    size_t mask = ks->cap - 1, h = slot_of(k, mask);
    uint32_t j;
    while ((j = ks->slot[h]) != UINT32_MAX) {
        const key3 *o = &ks->key[j];
        if (o->a == k->a && o->b == k->b && o->c == k->c)
            return j;
        h = (h + 1) & mask;
    }
    ks->key[ks->n] = *k;
    ks->slot[h] = (uint32_t)ks->n;
    return (uint32_t)ks->n++;
}

typedef struct groups {
    keyset hist, pair;             /* distinct (x, t_x, T) and (x, T) */
    uint32_t *cust_hist;           /* per customer: its history */
    uint32_t *hist_pair;           /* per history: its (x, T) pair */
} groups;

static void groups_free(groups *g)
{
    free(g->hist.slot);
    free(g->hist.key);
    free(g->pair.slot);
    free(g->pair.key);
    free(g->cust_hist);
    free(g->hist_pair);
}

/* The distinct (x, T) pairs of g's histories and each history's pair; DG_ENOMEM or 0. */
static int pairs_build(groups *g)
{
    g->hist_pair = malloc((g->hist.n ? g->hist.n : 1) * sizeof *g->hist_pair);
    if (!g->hist_pair || keyset_init(&g->pair, g->hist.n) != 0)
        return DG_ENOMEM;
    for (size_t j = 0; j < g->hist.n; j++) {
        key3 k = {g->hist.key[j].a, 0, g->hist.key[j].c};
        if ((g->hist_pair[j] = keyset_index(&g->pair, &k)) == UINT32_MAX)
            return DG_ENOMEM;
    }
    return 0;
}

/* One share of the customers, grouped on its own thread into its own keyset. */
typedef struct share {
    const dg_btyd_data *d;
    size_t begin, end, max_keys;
    keyset ks;
    uint32_t *idx;                 /* the groups' cust_hist: indexes in ks, then in the merge */
    uint32_t *map;                 /* per key of ks: its index in the merged set */
    int failed;
} share;

static void shares_group(size_t begin, size_t end, void *ctx)
{
    for (share *sh = (share *)ctx + begin; sh < (share *)ctx + end; sh++) {
        const dg_btyd_data *d = sh->d;
        if ((sh->failed = keyset_init(&sh->ks, sh->max_keys)) != 0)
            continue;
        for (size_t i = sh->begin; i < sh->end && !sh->failed; i++) {
            key3 k = {bits_of(d->frequency[i]), bits_of(d->recency[i]), bits_of(d->age[i])};
            sh->failed = (sh->idx[i] = keyset_index(&sh->ks, &k)) == UINT32_MAX;
        }
    }
}

static void shares_remap(size_t begin, size_t end, void *ctx)
{
    for (share *sh = (share *)ctx + begin; sh < (share *)ctx + end; sh++)
        for (size_t i = sh->begin; sh->map && i < sh->end; i++)
            sh->idx[i] = sh->map[sh->idx[i]];
}

/* Groups data's customers; DG_ENOMEM or 0. A large base is cut into one share per thread; the
 * shares' histories are merged in share order into the first's, which gives the same numbering
 * as one pass in customer order (first appearance), then the customers are renumbered. */
static int groups_build(groups *g, const dg_btyd_data *d, int threads)
{
    size_t n = d->n_customers;
    int parts = n >= 100000 ? threads : 1, rc = 0;
    share sh[MAX_THREADS];
    memset(g, 0, sizeof *g);
    memset(sh, 0, sizeof sh);
    g->cust_hist = malloc((n ? n : 1) * sizeof *g->cust_hist);
    if (!g->cust_hist)
        return DG_ENOMEM;
    for (int p = 0; p < parts; p++)
        sh[p] = (share){d, n * (size_t)p / (size_t)parts, n * (size_t)(p + 1) / (size_t)parts,
                        p == 0 ? n : n * (size_t)(p + 1) / (size_t)parts - n * (size_t)p /
                                                                               (size_t)parts,
                        {0, 0, NULL, NULL}, g->cust_hist, NULL, 0};
    parallel_for((size_t)parts, 1, shares_group, sh, threads);
    g->hist = sh[0].ks;   /* the first share's keys hold room for every customer's */
    rc = sh[0].failed;
    for (int p = 1; p < parts; p++) {
        rc = rc || sh[p].failed || !(sh[p].map = malloc((sh[p].ks.n ? sh[p].ks.n : 1) *
                                                         sizeof *sh[p].map));
        for (size_t j = 0; !rc && j < sh[p].ks.n; j++)
            rc = (sh[p].map[j] = keyset_index(&g->hist, &sh[p].ks.key[j])) == UINT32_MAX;
    }
    if (!rc)
        parallel_for((size_t)parts, 1, shares_remap, sh, threads);
    for (int p = 1; p < parts; p++) {
        free(sh[p].ks.slot);
        free(sh[p].ks.key);
        free(sh[p].map);
    }
    if (rc || pairs_build(g) != 0) {
        groups_free(g);
        return DG_ENOMEM;
    }
    return 0;
}

/* The groups from a fit's compressed data with each customer's pattern (btyd_grouped.h): its
 * patterns are the histories, numbered as groups_build numbers them (first appearance); only
 * the pairs are found here, from the patterns. DG_ENOMEM or 0. */
static int groups_from_pack(groups *g, const dg__btyd_pack *pk, size_t n_customers)
{
    memset(g, 0, sizeof *g);
    g->hist.key = malloc((pk->n ? pk->n : 1) * sizeof *g->hist.key);
    g->cust_hist = malloc((n_customers ? n_customers : 1) * sizeof *g->cust_hist);
    if (!g->hist.key || !g->cust_hist) {
        groups_free(g);
        return DG_ENOMEM;
    }
    for (size_t j = 0; j < pk->n; j++)
        g->hist.key[j] = (key3){bits_of(pk->x[j]), bits_of(pk->t_x[j]), bits_of(pk->T[j])};
    g->hist.n = pk->n;
    memcpy(g->cust_hist, pk->customer_pattern, n_customers * sizeof *g->cust_hist);
    if (pairs_build(g) != 0) {
        groups_free(g);
        return DG_ENOMEM;
    }
    return 0;
}

/* ---- the three passes ---- */

typedef struct work {
    const dg_btyd_params *params;
    double horizon, log_disc, delta;
    const groups *g;
    double *pair_disc, *pair_h;    /* per pair: discounted curve, g(H) */
    struct hist_result {
        double alive, expected, discounted, dert;
    } *h;                          /* per history, together: one cache line per customer */
    int with_dert;
    const dg_btyd_predictions *out;
} work;

static void pairs_pass(size_t begin, size_t end, void *ctx)
{
    work *w = ctx;
    for (size_t j = begin; j < end; j++) {
        const key3 *k = &w->g->pair.key[j];
        w->pair_disc[j] = curve(w->params, value_of(k->a), value_of(k->c), w->horizon,
                                w->log_disc, &w->pair_h[j]);
    }
}

static void histories_pass(size_t begin, size_t end, void *ctx)
{
    work *w = ctx;
    const groups *g = w->g;
    for (size_t j = begin; j < end; j++) {
        const key3 *key = &g->hist.key[j];
        double x = value_of(key->a), t = value_of(key->b), T = value_of(key->c);
        double q = alive_factor(w->params, x, t, T);
        uint32_t k = g->hist_pair[j];
        w->h[j].alive = q > 1.0 ? 1.0 : q;
        w->h[j].expected = w->pair_h[k] * q;
        w->h[j].discounted = w->pair_disc[k] * q;
        w->h[j].dert = w->with_dert ? dg__paretonbd_dert(w->params->p, x, t, T, w->delta) : 0.0;
    }
}

static void customers_pass(size_t begin, size_t end, void *ctx)
{
    work *w = ctx;
    const dg_btyd_predictions *o = w->out;
    const uint32_t *hist = w->g->cust_hist;
    for (size_t i = begin; i < end; i++) {
        const struct hist_result *h = &w->h[hist[i]];
        if (o->p_alive)
            o->p_alive[i] = h->alive;
        if (o->expected)
            o->expected[i] = h->expected;
        if (o->discounted)
            o->discounted[i] = h->discounted;
        if (o->dert)
            o->dert[i] = h->dert;
    }
}

int dg_btyd_predict(const dg_btyd_predictions *out, const dg_btyd_params *params,
                    const dg_btyd_data *data, double horizon, double discount_rate, int threads,
                    dg_error *err)
{
    return dg__btyd_predict_grouped(out, params, data, NULL, horizon, discount_rate, threads,
                                    err);
}

int dg__btyd_predict_grouped(const dg_btyd_predictions *out, const dg_btyd_params *params,
                             const dg_btyd_data *data, const dg__btyd_grouping *grouping,
                             double horizon, double discount_rate, int threads, dg_error *err)
{
    groups g;
    const dg__btyd_pack *pk = dg__btyd_grouping_pack(grouping);
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
    threads = threads_or_cores(threads);
    /* the fit's grouping when it holds every customer (a customer of weight 0 has no pattern) */
    int reuse = pk && pk->customer_pattern && pk->every_customer;
    if ((reuse ? groups_from_pack(&g, pk, data->n_customers) : groups_build(&g, data, threads)) != 0)
        return dg_error_set(err, DG_ENOMEM, "out of memory grouping %zu customers",
                            data->n_customers);
    size_t nh = g.hist.n ? g.hist.n : 1, np = g.pair.n ? g.pair.n : 1;
    work w = {params, horizon, log1p(discount_rate), log1p(discount_rate), &g, NULL, NULL, NULL,
              out->dert != NULL, out};
    double *buf = malloc(2 * np * sizeof *buf);
    w.h = malloc(nh * sizeof *w.h);
    int rc = 0;
    if (!buf || !w.h) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory for %zu customer histories", g.hist.n);
    } else {
        w.pair_disc = buf;
        w.pair_h = buf + np;
        parallel_for(g.pair.n, CHUNK, pairs_pass, &w, threads);
        parallel_for(g.hist.n, CHUNK, histories_pass, &w, threads);
        parallel_for(data->n_customers, CHUNK, customers_pass, &w, threads);
    }
    free(w.h);
    free(buf);
    groups_free(&g);
    return rc;
}
