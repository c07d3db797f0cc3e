/* Compresses BTYD summary data before fitting: customers with the same (x, t_x, T) become one
 * weighted pattern, and each pattern points into tables of the distinct x, t_x and T values.
 * A likelihood evaluation then costs one lgamma/digamma per distinct x, one log per distinct
 * t_x or T, and an exp + log1p per pattern. Open addressing on the bit patterns of the doubles;
 * O(n) time, no sorting. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/btyd/btyd_internal.h"

static uint64_t bits(double v)
{
    uint64_t u;
    if (v == 0.0)
        v = 0.0;   /* -0.0 and 0.0 are one value */
    memcpy(&u, &v, sizeof u);
    return u;
}

static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

uint64_t dg__hash3(double a, double b, double c)
{
    return mix(bits(a) ^ mix(bits(b) ^ mix(bits(c))));
}

double dg__thin_weight(double w, double fraction, uint64_t key)
{
    double u = (double)(mix(key ^ 0x9e3779b97f4a7c15ULL) >> 11) * 0x1.0p-53;   /* [0, 1) */
    return floor(w * fraction + u);
}

static size_t table_size(size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n)
        cap <<= 1;
    return cap;
}

/* Distinct values of v[0..n): fills idx[i] and returns the distinct values (malloc'd). */
double *dg__distinct(const double *v, size_t n, uint32_t *idx, size_t *n_out)
{
    size_t cap = table_size(n);
    uint32_t *slot = malloc(cap * sizeof *slot);
    double *uniq = malloc((n ? n : 1) * sizeof *uniq);
    size_t m = 0;
    if (!slot || !uniq) {
        free(slot);
        free(uniq);
        return NULL;
    }
    memset(slot, 0xff, cap * sizeof *slot);
    for (size_t i = 0; i < n; i++) {
        uint64_t key = bits(v[i]);
        size_t h = mix(key) & (cap - 1);
        while (slot[h] != UINT32_MAX && bits(uniq[slot[h]]) != key)
            h = (h + 1) & (cap - 1);
        if (slot[h] == UINT32_MAX) {
            slot[h] = (uint32_t)m;
            uniq[m++] = v[i] == 0.0 ? 0.0 : v[i];
        }
        idx[i] = slot[h];
    }
    free(slot);
    *n_out = m;
    return uniq;
}

void dg__btyd_pack_free(dg__btyd_pack *pack)
{
    if (!pack)
        return;
    free(pack->x);
    free(pack->t_x);
    free(pack->T);
    free(pack->w);
    free(pack->ix);
    free(pack->it);
    free(pack->iT);
    free(pack->kx);
    free(pack->kt);
    free(pack->ikt);
    free(pack->ikT);
    if (!pack->shared) {
        free(pack->ux);
        free(pack->ut);
        free(pack->uT);
    }
    memset(pack, 0, sizeof *pack);
}

/* The per-pattern arrays of pack for m patterns; DG_ENOMEM (the pack then frees what was
 * allocated) or 0. */
static int rows_alloc(dg__btyd_pack *pack, size_t m)
{
    size_t mm = m ? m : 1;
    pack->x = malloc(mm * sizeof *pack->x);
    pack->t_x = malloc(mm * sizeof *pack->t_x);
    pack->T = malloc(mm * sizeof *pack->T);
    pack->w = malloc(mm * sizeof *pack->w);
    pack->ix = malloc(mm * sizeof *pack->ix);
    pack->it = malloc(mm * sizeof *pack->it);
    pack->iT = malloc(mm * sizeof *pack->iT);
    if (!pack->x || !pack->t_x || !pack->T || !pack->w || !pack->ix || !pack->it || !pack->iT)
        return DG_ENOMEM;
    return 0;
}

/* One pattern while packing: its values and weight side by side, so a lookup that finds it
 * reads one cache line. */
typedef struct pattern {
    double x, t_x, T, w;
} pattern;

/* The slot table of pack_build at twice the size, the first m patterns placed again. */
static uint32_t *grow(uint32_t *slot, size_t *cap, const pattern *pat, size_t m)
{
    size_t new_cap = 2 * *cap;
    uint32_t *bigger = malloc(new_cap * sizeof *bigger);
    free(slot);
    if (!bigger)
        return NULL;
    memset(bigger, 0xff, new_cap * sizeof *bigger);
    for (size_t i = 0; i < m; i++) {
        size_t h = dg__hash3(pat[i].x, pat[i].t_x, pat[i].T) & (new_cap - 1);
        while (bigger[h] != UINT32_MAX)
            h = (h + 1) & (new_cap - 1);
        bigger[h] = (uint32_t)i;
    }
    *cap = new_cap;
    return bigger;
}

int dg__btyd_pack_build(dg__btyd_pack *pack, const dg_btyd_data *data, dg_error *err)
{
    /* the slot table grows with the patterns found, not with the customers: a million
     * customers in a few hundred thousand patterns keep it small enough for the cache */
    size_t n = data->n_customers, cap = table_size(n < 4096 ? n : 4096), m = 0, pat_cap = 4096;
    uint32_t *slot = NULL;
    pattern *pat = NULL;
    int rc = DG_ENOMEM;
    memset(pack, 0, sizeof *pack);
    slot = malloc(cap * sizeof *slot);
    pat = malloc(pat_cap * sizeof *pat);
    if (!slot || !pat)
        goto cleanup;
    memset(slot, 0xff, cap * sizeof *slot);
    double sum_T = 0, sum_x = 0, total = 0;
    for (size_t i = 0; i < n; i++) {
        double x = data->frequency[i], t = data->recency[i], T = data->age[i];
        double w = data->weight ? data->weight[i] : 1.0;
        if (w == 0.0)
            continue;
        uint64_t kx = bits(x), kt = bits(t), kT = bits(T);
        size_t h = dg__hash3(x, t, T) & (cap - 1);
        uint32_t at;
        while ((at = slot[h]) != UINT32_MAX &&
               !(bits(pat[at].x) == kx && bits(pat[at].t_x) == kt && bits(pat[at].T) == kT))
            h = (h + 1) & (cap - 1);
        if (at == UINT32_MAX) {
            if (m == pat_cap) {
                pattern *more = realloc(pat, 2 * pat_cap * sizeof *more);
                if (!more)
                    goto cleanup;
                pat = more;
                pat_cap *= 2;
            }
            at = (uint32_t)m;
            slot[h] = at;
            pat[m] = (pattern){x == 0.0 ? 0.0 : x, t == 0.0 ? 0.0 : t, T == 0.0 ? 0.0 : T, 0.0};
            m++;
            if (2 * m > cap && !(slot = grow(slot, &cap, pat, m)))
                goto cleanup;
        }
        pat[at].w += w;
        sum_T += w * T;
        sum_x += w * x;
        total += w;
    }
    pack->n = m;
    pack->total_weight = total;
    pack->mean_T = total > 0 ? sum_T / total : 1.0;
    pack->mean_x = total > 0 ? sum_x / total : 0.0;
    if (rows_alloc(pack, m) != 0)
        goto cleanup;
    for (size_t i = 0; i < m; i++) {
        pack->x[i] = pat[i].x;
        pack->t_x[i] = pat[i].t_x;
        pack->T[i] = pat[i].T;
        pack->w[i] = pat[i].w;
    }
    if (!(pack->ux = dg__distinct(pack->x, m, pack->ix, &pack->nx)) ||
        !(pack->ut = dg__distinct(pack->t_x, m, pack->it, &pack->nt)) ||
        !(pack->uT = dg__distinct(pack->T, m, pack->iT, &pack->nT)))
        goto cleanup;
    rc = 0;
cleanup:
    free(slot);
    free(pat);
    if (rc) {
        dg__btyd_pack_free(pack);
        dg_error_set(err, rc, "out of memory compressing %zu customers", n);
    }
    return rc;
}

/* The pair (x, t) in the table slot/cap of pairs kx, kt (*nk of them): its index, added if new. */
static uint32_t pair_index(uint32_t *slot, size_t cap, double *kx, double *kt, size_t *nk,
                           double x, double t)
{
    uint64_t bx = bits(x), bt = bits(t);
    size_t h = dg__hash3(x, t, 0.0) & (cap - 1);
    uint32_t at;
    while ((at = slot[h]) != UINT32_MAX && !(bits(kx[at]) == bx && bits(kt[at]) == bt))
        h = (h + 1) & (cap - 1);
    if (at == UINT32_MAX) {
        at = (uint32_t)(*nk)++;
        slot[h] = at;
        kx[at] = x;
        kt[at] = t;
    }
    return at;
}

int dg__btyd_pack_pairs(dg__btyd_pack *pack)
{
    size_t n = pack->n, mm = n ? 2 * n : 1, cap = table_size(2 * n);
    uint32_t *slot = malloc(cap * sizeof *slot);
    pack->nk = 0;
    pack->kx = malloc(mm * sizeof *pack->kx);
    pack->kt = malloc(mm * sizeof *pack->kt);
    pack->ikt = malloc((n ? n : 1) * sizeof *pack->ikt);
    pack->ikT = malloc((n ? n : 1) * sizeof *pack->ikT);
    if (!slot || !pack->kx || !pack->kt || !pack->ikt || !pack->ikT) {
        free(slot);
        return DG_ENOMEM;
    }
    memset(slot, 0xff, cap * sizeof *slot);
    for (size_t i = 0; i < n; i++) {
        pack->ikt[i] = pair_index(slot, cap, pack->kx, pack->kt, &pack->nk, pack->x[i],
                                  pack->t_x[i]);
        pack->ikT[i] = pair_index(slot, cap, pack->kx, pack->kt, &pack->nk, pack->x[i],
                                  pack->T[i]);
    }
    free(slot);
    return 0;
}

int dg__btyd_pack_thin(const dg__btyd_pack *full, double fraction, dg__btyd_pack *sub)
{
    size_t n = full->n ? full->n : 1, m = 0;
    double sum_T = 0, sum_x = 0, total = 0;
    memset(sub, 0, sizeof *sub);
    sub->shared = 1;
    if (rows_alloc(sub, n) != 0) {
        dg__btyd_pack_free(sub);
        return DG_ENOMEM;
    }
    for (size_t i = 0; i < full->n; i++) {
        double x = full->x[i], t = full->t_x[i], T = full->T[i];
        double w = dg__thin_weight(full->w[i], fraction, dg__hash3(x, t, T));
        if (w <= 0)
            continue;
        sub->x[m] = x;
        sub->t_x[m] = t;
        sub->T[m] = T;
        sub->w[m] = w;
        sub->ix[m] = full->ix[i];
        sub->it[m] = full->it[i];
        sub->iT[m] = full->iT[i];
        sum_T += w * T;
        sum_x += w * x;
        total += w;
        m++;
    }
    sub->n = m;
    sub->nx = full->nx;
    sub->nt = full->nt;
    sub->nT = full->nT;
    sub->ux = full->ux;
    sub->ut = full->ut;
    sub->uT = full->uT;
    sub->total_weight = total;
    sub->mean_T = total > 0 ? sum_T / total : 1.0;
    sub->mean_x = total > 0 ? sum_x / total : 0.0;
    sub->threads = full->threads;
    return 0;
}
