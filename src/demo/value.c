/* The demo's customer value survey (include/dangol/cvalue_io.h, docs/demo.md): responses to the
 * built-in survey whose effects on repurchase intent are known (DG_DEMO_VALUE_TRUE_*), so the
 * drivers regression can be checked against them. The outcome is generated from the observed
 * component scores (not from the latent levels), so OLS on those scores is unbiased for the
 * true effects; the rounding of the outcome to whole answers is noise independent of them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dangol/cvalue_io.h"
#include "dangol/entity.h"
#include "dangol/rng.h"
#include "store/cvalue.h"

static const double true_effect[DG_CVALUE_COMPONENTS] = {
    DG_DEMO_VALUE_TRUE_FUNCTIONAL, DG_DEMO_VALUE_TRUE_EMOTIONAL, DG_DEMO_VALUE_TRUE_SOCIAL,
    DG_DEMO_VALUE_TRUE_MONEY, DG_DEMO_VALUE_TRUE_TIME, DG_DEMO_VALUE_TRUE_EFFORT,
    DG_DEMO_VALUE_TRUE_PSYCHOLOGICAL,
};

/* mean true level of each component: strong on function, weak on time and effort costs */
static const double level_mean[DG_CVALUE_COMPONENTS] = { 3.6, 2.9, 3.0, 3.4, 2.6, 2.4, 2.2 };

typedef struct keys {
    char **id;
    size_t n, cap;
} keys;

static int add_key(void *ctx, const char *key, size_t len)
{
    keys *k = ctx;
    if (k->n == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 1024;
        char **id = realloc(k->id, cap * sizeof *id);
        if (!id)
            return DG_ENOMEM;
        k->id = id;
        k->cap = cap;
    }
    if (!(k->id[k->n] = strndup(key, len)))
        return DG_ENOMEM;
    k->n++;
    return 0;
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int clamp_round(double x, int lo, int hi)
{
    long v = lround(x);
    return v < lo ? lo : v > hi ? hi : (int)v;
}

/* One response's answers into answers[] (the survey's item order). */
static void respond(const dg_cvalue_survey *s, dg_rng *rng, int *answers)
{
    double level[DG_CVALUE_COMPONENTS], sum[DG_CVALUE_COMPONENTS] = { 0 };
    int count[DG_CVALUE_COMPONENTS] = { 0 };
    for (size_t k = 0; k < DG_CVALUE_COMPONENTS; k++)
        level[k] = level_mean[k] + 0.8 * dg_rng_normal(rng);
    int outcome_items[2] = { -1, -1 };
    for (size_t i = 0; i < s->n_items; i++) {
        const dg_cvalue_item *it = &s->items[i];
        if (it->component == DG_CVALUE_OUTCOME) {
            outcome_items[strcmp(it->code, "nps") == 0] = (int)i;
            continue;
        }
        double noise = it->component == DG_CVALUE_SOCIAL ? 1.3 : 0.6;
        int a = clamp_round(level[it->component] + noise * dg_rng_normal(rng), it->min, it->max);
        sum[it->component] += a;            /* the counted answer */
        count[it->component]++;
        answers[i] = it->reverse ? it->min + it->max - a : a;
    }
    double lin = 3.0;
    for (size_t k = 0; k < DG_CVALUE_COMPONENTS; k++)
        lin += true_effect[k] * (sum[k] / count[k] - 3.0);
    if (outcome_items[0] >= 0)
        answers[outcome_items[0]] = clamp_round(lin + 0.5 * dg_rng_normal(rng), 1, 5);
    if (outcome_items[1] >= 0)
        answers[outcome_items[1]] = clamp_round(7.0 + 2.5 * (lin - 3.0) +
                                                1.5 * dg_rng_normal(rng), 0, 10);
}

int dg_cvalue_demo(dg_store *store, uint64_t seed, size_t n, dg_error *err)
{
    dg_cvalue_survey *s = malloc(sizeof *s);
    keys k = { 0 };
    int rc = s ? dg_cvalue_survey_default(s, err) : dg_error_set(err, DG_ENOMEM, "out of memory");
    int32_t last = 0;
    if (rc == 0)
        rc = dg_store_last_day(store, &last, err);
    if (rc == 0 && (rc = dg_store_begin(store, err)) == 0) {
        rc = dg_store_keys(store, dg_entity_find("customers"), add_key, &k, err);
        if (rc == DG_ENOMEM)
            dg_error_set(err, rc, "out of memory");
        if (rc == 0 && k.n == 0)
            rc = dg_error_set(err, DG_ENOTFOUND, "the store has no customers to survey");
        if (rc == 0)
            qsort(k.id, k.n, sizeof *k.id, by_text);
        dg_rng rng;
        dg_rng_seed_stream(&rng, seed, 0x76616c7565ULL);   /* "value" */
        const char *items[DG_CVALUE_MAX_ITEMS];
        int answers[DG_CVALUE_MAX_ITEMS];
        for (size_t i = 0; rc == 0 && i < s->n_items; i++)
            items[i] = s->items[i].code;
        int64_t now = (int64_t)time(NULL);
        for (size_t r = 0; rc == 0 && r < n; r++) {
            char id[32];
            snprintf(id, sizeof id, "V%07zu", r + 1);
            const char *customer = k.id[dg_rng_below(&rng, k.n)];
            int32_t day = last - 540 + (int32_t)dg_rng_below(&rng, 341);
            respond(s, &rng, answers);
            rc = dg__cvalue_response_put(store, id, customer, day, items, answers, s->n_items,
                                         true, now, err);
        }
        if (rc == 0)
            rc = dg_store_commit(store, err);
        else
            dg_store_rollback(store);
    }
    for (size_t i = 0; i < k.n; i++)
        free(k.id[i]);
    free(k.id);
    free(s);
    return rc;
}
