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

/* Distinct values in order of first appearance, in a table that doubles when half full, so it
 * stays as small as the distinct values (a few hundred frequencies or times among a million
 * customers) and in cache. */
typedef struct value_index {
    size_t n, cap;                 /* distinct values; slots (a power of two) */
    uint32_t *slot;                /* index into value, UINT32_MAX when empty */
    double *value;                 /* room for cap / 2 */
} value_index;

static int value_index_grow(value_index *vi)
{
    size_t cap = vi->cap ? 2 * vi->cap : 64;
    uint32_t *slot = malloc(cap * sizeof *slot);
    double *value = realloc(vi->value, cap / 2 * sizeof *value);
    if (value)
        vi->value = value;
    if (!slot || !value) {
        free(slot);
        return DG_ENOMEM;
    }
    memset(slot, 0xff, cap * sizeof *slot);
    for (size_t j = 0; j < vi->n; j++) {
        size_t h = mix(bits(vi->value[j])) & (cap - 1);
        while (slot[h] != UINT32_MAX)
            h = (h + 1) & (cap - 1);
        slot[h] = (uint32_t)j;
    }
    free(vi->slot);
    vi->slot = slot;
    vi->cap = cap;
    return 0;
}

/* The index of v among the distinct values, added when new; UINT32_MAX when out of memory. */
static inline uint32_t value_index_of(value_index *vi, double v)
{
    if (2 * (vi->n + 1) > vi->cap && value_index_grow(vi) != 0)
        return UINT32_MAX;
    uint64_t key = bits(v);
    size_t h = mix(key) & (vi->cap - 1);
    uint32_t at;
    while ((at = vi->slot[h]) != UINT32_MAX && bits(vi->value[at]) != key)
        h = (h + 1) & (vi->cap - 1);
    if (at == UINT32_MAX) {
        at = (uint32_t)vi->n++;
        vi->slot[h] = at;
        vi->value[at] = v == 0.0 ? 0.0 : v;
    }
    return at;
}

/* Distinct values of v[0..n): fills idx[i] and returns the distinct values (malloc'd). */
double *dg__distinct(const double *v, size_t n, uint32_t *idx, size_t *n_out)
{
    value_index vi = {0};
    for (size_t i = 0; i < n; i++)
        if ((idx[i] = value_index_of(&vi, v[i])) == UINT32_MAX) {
            free(vi.slot);
            free(vi.value);
            return NULL;
        }
    if (!vi.value && value_index_grow(&vi) != 0)
        return NULL;   /* no values: still an array to free */
    free(vi.slot);
    *n_out = vi.n;
    return vi.value;
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
    free(pack->customer_pattern);
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

/* A pattern while packing: the indexes of its x, t_x and T among the distinct values (equal
 * indexes, equal doubles), its row, and its weight so far, together in one slot of the table, so
 * a customer's lookup reads one cache line. */
typedef struct pattern_slot {
    double w;
    uint32_t ix, it, iT, row;      /* row UINT32_MAX: an empty slot */
} pattern_slot;

/* customers whose slots are asked for ahead of their lookups */
#define BLOCK 64

static size_t pattern_hash(uint32_t ix, uint32_t it, uint32_t iT)
{
    return (size_t)mix(((uint64_t)ix << 42) ^ ((uint64_t)it << 21) ^ iT);
}

/* The table of pack_build at twice the size. */
static pattern_slot *grow(pattern_slot *slot, size_t *cap)
{
    size_t new_cap = 2 * *cap;
    pattern_slot *bigger = malloc(new_cap * sizeof *bigger);
    if (bigger) {
        for (size_t h = 0; h < new_cap; h++)
            bigger[h].row = UINT32_MAX;
        for (size_t i = 0; i < *cap; i++) {
            if (slot[i].row == UINT32_MAX)
                continue;
            size_t h = pattern_hash(slot[i].ix, slot[i].it, slot[i].iT) & (new_cap - 1);
            while (bigger[h].row != UINT32_MAX)
                h = (h + 1) & (new_cap - 1);
            bigger[h] = slot[i];
        }
        *cap = new_cap;
    }
    free(slot);
    return bigger;
}

int dg__btyd_pack_build(dg__btyd_pack *pack, const dg_btyd_data *data, dg_error *err)
{
    return dg__btyd_pack_build_indexed(pack, data, 0, err);
}

int dg__btyd_pack_build_indexed(dg__btyd_pack *pack, const dg_btyd_data *data,
                                int index_customers, dg_error *err)
{
    /* Each customer's x, t_x and T become their indexes among the distinct values (small tables
     * that stay in cache), and the three indexes find the pattern. The tables grow with what they
     * hold, not with the customers, and number values and patterns in order of first
     * appearance. */
    size_t n = data->n_customers, cap = 1024, m = 0, row_cap = 0;
    value_index vx = {0}, vt = {0}, vT = {0};
    pattern_slot *slot = malloc(cap * sizeof *slot);
    uint32_t *ix = NULL, *it = NULL, *iT = NULL;
    int rc = DG_ENOMEM;
    memset(pack, 0, sizeof *pack);
    if (!slot)
        goto cleanup;
    uint32_t *pattern_of = NULL;
    if (index_customers && !(pattern_of = pack->customer_pattern =
                                 malloc((n ? n : 1) * sizeof *pattern_of)))
        goto cleanup;
    pack->every_customer = 1;
    for (size_t h = 0; h < cap; h++)
        slot[h].row = UINT32_MAX;
    /* Gamma-Gamma packs (x, m, m): the one column is indexed once */
    const int same_times = data->age == data->recency;
    double sum_T = 0, sum_x = 0, total = 0;
    for (size_t begin = 0; begin < n; begin += BLOCK) {
        /* a block's indexes and hashes first, each slot asked of memory ahead of its use */
        size_t end = begin + BLOCK < n ? begin + BLOCK : n;
        uint32_t key[BLOCK][3];
        size_t hash[BLOCK];
        for (size_t i = begin; i < end; i++) {
            uint32_t *k = key[i - begin];
            k[0] = value_index_of(&vx, data->frequency[i]);
            k[1] = value_index_of(&vt, data->recency[i]);
            k[2] = same_times ? k[1] : value_index_of(&vT, data->age[i]);
            if (k[0] == UINT32_MAX || k[1] == UINT32_MAX || k[2] == UINT32_MAX)
                goto cleanup;
            hash[i - begin] = pattern_hash(k[0], k[1], k[2]);
            __builtin_prefetch(&slot[hash[i - begin] & (cap - 1)]);
        }
        for (size_t i = begin; i < end; i++) {
            double w = data->weight ? data->weight[i] : 1.0;
            if (w == 0.0) {
                pack->every_customer = 0;
                if (pattern_of)
                    pattern_of[i] = UINT32_MAX;
                continue;
            }
            const uint32_t *k = key[i - begin];
            size_t h = hash[i - begin] & (cap - 1);
            while (slot[h].row != UINT32_MAX &&
                   !(slot[h].ix == k[0] && slot[h].it == k[1] && slot[h].iT == k[2]))
                h = (h + 1) & (cap - 1);
            if (slot[h].row == UINT32_MAX) {
                if (m == row_cap) {
                    row_cap = row_cap ? 2 * row_cap : 4096;
                    uint32_t *more[3] = {realloc(ix, row_cap * sizeof *ix),
                                         realloc(it, row_cap * sizeof *it),
                                         realloc(iT, row_cap * sizeof *iT)};
                    ix = more[0] ? more[0] : ix;
                    it = more[1] ? more[1] : it;
                    iT = more[2] ? more[2] : iT;
                    if (!more[0] || !more[1] || !more[2])
                        goto cleanup;
                }
                slot[h] = (pattern_slot){0.0, k[0], k[1], k[2], (uint32_t)m};
                ix[m] = k[0];
                it[m] = k[1];
                iT[m] = k[2];
                m++;
                if (4 * m > 3 * cap) {
                    if (!(slot = grow(slot, &cap)))
                        goto cleanup;
                    h = hash[i - begin] & (cap - 1);
                    while (slot[h].row != m - 1)
                        h = (h + 1) & (cap - 1);
                }
            }
            slot[h].w += w;
            if (pattern_of)
                pattern_of[i] = slot[h].row;
            sum_T += w * data->age[i];
            sum_x += w * data->frequency[i];
            total += w;
        }
    }
    pack->n = m;
    pack->total_weight = total;
    pack->mean_T = total > 0 ? sum_T / total : 1.0;
    pack->mean_x = total > 0 ? sum_x / total : 0.0;
    if (same_times && vt.n > 0) {
        if (!(vT.value = malloc(vt.n * sizeof *vT.value)))
            goto cleanup;
        memcpy(vT.value, vt.value, vt.n * sizeof *vT.value);
        vT.n = vt.n;
    }
    if (rows_alloc(pack, m) != 0 || (!vx.value && value_index_grow(&vx) != 0) ||
        (!vt.value && value_index_grow(&vt) != 0) || (!vT.value && value_index_grow(&vT) != 0))
        goto cleanup;
    for (size_t h = 0; h < cap; h++)
        if (slot[h].row != UINT32_MAX)
            pack->w[slot[h].row] = slot[h].w;
    for (size_t i = 0; i < m; i++) {
        pack->ix[i] = ix[i];
        pack->it[i] = it[i];
        pack->iT[i] = iT[i];
        pack->x[i] = vx.value[ix[i]];
        pack->t_x[i] = vt.value[it[i]];
        pack->T[i] = vT.value[iT[i]];
    }
    pack->ux = vx.value;
    pack->ut = vt.value;
    pack->uT = vT.value;
    pack->nx = vx.n;
    pack->nt = vt.n;
    pack->nT = vT.n;
    vx.value = vt.value = vT.value = NULL;
    rc = 0;
cleanup:
    free(slot);
    free(ix);
    free(it);
    free(iT);
    value_index *tables[3] = {&vx, &vt, &vT};
    for (int j = 0; j < 3; j++) {
        free(tables[j]->slot);
        free(tables[j]->value);
    }
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
    size_t n = pack->n, mm = n ? 2 * n : 1, cap = 16;
    while (cap < 4 * n)
        cap <<= 1;
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

double dg__btyd_pack_with_pairs(dg__btyd_pack *pack, dg__loglik_fn loglik, const double *p,
                                double *grad)
{
    dg__btyd_pack local = *pack;
    double ll = NAN;
    local.kx = local.kt = NULL;
    local.ikt = local.ikT = NULL;
    if (dg__btyd_pack_pairs(&local) == 0) {
        ll = loglik(p, grad, &local);
        pack->k_terms = local.k_terms;
    }
    free(local.kx);
    free(local.kt);
    free(local.ikt);
    free(local.ikT);
    return ll;
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
