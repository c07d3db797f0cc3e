/* Loyalty measures and the loyalty index (include/dangol/loyalty.h). One pass over each
 * customer's CSR runs up to the as-of day: orders give tenure, inter-purchase time, trend and
 * channel breadth; order lines give category breadth (a stamp array per dictionary makes
 * "distinct" O(1) per row); survey answers are read backwards from the as-of day so the first
 * answer met for each item is the latest. */
#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/config.h"
#include "dangol/loyalty.h"

static const char default_config[] =
    "# dangol loyalty index settings (the defaults). Copy, edit and pass with --config FILE; keys\n"
    "# left out keep these values. Weights are relative: only their ratios matter (docs/loyalty.md).\n"
    "behavioural_weight = 0.6     # B, from purchases\n"
    "attitudinal_weight = 0.4     # A, from survey answers\n"
    "recency_weight = 1           # (R score - 1) / 4\n"
    "frequency_weight = 1         # (F score - 1) / 4\n"
    "monetary_weight = 1          # (M score - 1) / 4\n"
    "tenure_weight = 0.5          # min(1, tenure / tenure_cap_days)\n"
    "breadth_weight = 0.5         # cross-buying and omnichannel use\n"
    "trend_weight = 0.5           # (trend + 1) / 2\n"
    "nps_weight = 1               # nps / 10\n"
    "csat_weight = 1              # (csat - 1) / 4\n"
    "repurchase_weight = 1        # (repurchase intent - 1) / 4\n"
    "recommend_weight = 1         # (recommendation intent - 1) / 4\n"
    "tenure_cap_days = 730\n"
    "category_cap = 5\n"
    "channel_cap = 3\n"
    "trend_window_days = 180\n"
    "survey_window_days = 365     # 0 = every answer counts, however old\n";

const char *dg_loyalty_config_default_text(void)
{
    return default_config;
}

typedef struct {
    const char *key;
    size_t offset;
    bool is_int;
    double lo, hi;
} setting;

#define REAL(k) { #k, offsetof(dg_loyalty_config, k), false, 0, 1000 }
#define INT(k, lo, hi) { #k, offsetof(dg_loyalty_config, k), true, lo, hi }
static const setting settings[] = {
    REAL(behavioural_weight), REAL(attitudinal_weight), REAL(recency_weight),
    REAL(frequency_weight), REAL(monetary_weight), REAL(tenure_weight), REAL(breadth_weight),
    REAL(trend_weight), REAL(nps_weight), REAL(csat_weight), REAL(repurchase_weight),
    REAL(recommend_weight), INT(tenure_cap_days, 1, 100000), INT(category_cap, 2, 10000),
    INT(channel_cap, 2, 10000), INT(trend_window_days, 1, 100000),
    INT(survey_window_days, 0, 100000),
};

static int set_value(void *ctx, const char *key, const char *value, dg_error *err)
{
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        const setting *s = &settings[i];
        if (strcmp(key, s->key) != 0)
            continue;
        void *field = (char *)ctx + s->offset;
        return s->is_int ? dg__kv_int(key, value, (long)s->lo, (long)s->hi, field, err)
                         : dg__kv_real(key, value, s->lo, s->hi, field, err);
    }
    return dg_error_set(err, DG_EINVAL, "unknown key \"%s\"; see config/loyalty.conf for the "
                        "valid keys", key);
}

int dg_loyalty_config_parse(dg_loyalty_config *config, const char *text, const char *name,
                            dg_error *err)
{
    dg_loyalty_config c = *config;
    int rc = dg__kv_parse(text, name, set_value, &c, err);
    if (rc == 0 && c.behavioural_weight + c.attitudinal_weight <= 0)
        rc = dg_error_set(err, DG_EINVAL, "%s: behavioural_weight and attitudinal_weight are "
                          "both 0", name);
    if (rc == 0 && c.recency_weight + c.frequency_weight + c.monetary_weight + c.tenure_weight +
                   c.breadth_weight + c.trend_weight <= 0)
        rc = dg_error_set(err, DG_EINVAL, "%s: every behavioural weight is 0", name);
    if (rc == 0)
        *config = c;
    return rc;
}

void dg_loyalty_config_default(dg_loyalty_config *config)
{
    memset(config, 0, sizeof *config);
    config->behavioural_weight = 1;   /* placeholders the built-in text overrides */
    config->recency_weight = 1;
    int rc = dg_loyalty_config_parse(config, default_config, "built-in loyalty settings", NULL);
    assert(rc == 0);   /* the built-in text parses (test_loyalty runs it) */
    (void)rc;          /* unused when NDEBUG removes the assert */
}

/* ---- per customer ---- */

void dg_loyalty_result_clear(dg_loyalty_result *r)
{
    if (!r)
        return;
    void *arrays[] = { r->tenure_days, r->interpurchase_days, r->recent_orders, r->earlier_orders,
                       r->trend, r->categories, r->channels, r->nps, r->csat, r->repurchase,
                       r->recommend, r->behavioural, r->attitudinal, r->index,
                       r->behavioural_only, r->known };
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        free(arrays[i]);
    memset(r, 0, sizeof *r);
}

static double capped(double value, double cap)
{
    return value >= cap ? 1.0 : value <= 0 ? 0.0 : value / cap;
}

/* One pass over the customers: what every step of it reads. */
typedef struct pass {
    const dg_frame *f;
    const dg_rfm_result *rfm;
    const dg_loyalty_config *w;
    dg_loyalty_result *r;
    uint32_t *category_stamp, *channel_stamp;   /* last customer (+1) counted, per code */
    int32_t survey_from;
    double wb_sum;                               /* the behavioural weights' sum */
} pass;

static int result_alloc(dg_loyalty_result *r, size_t n)
{
    size_t cap = n ? n : 1;
    return (r->tenure_days = malloc(cap * sizeof *r->tenure_days)) &&
           (r->interpurchase_days = malloc(cap * sizeof *r->interpurchase_days)) &&
           (r->recent_orders = malloc(cap * sizeof *r->recent_orders)) &&
           (r->earlier_orders = malloc(cap * sizeof *r->earlier_orders)) &&
           (r->trend = malloc(cap * sizeof *r->trend)) &&
           (r->categories = malloc(cap * sizeof *r->categories)) &&
           (r->channels = malloc(cap * sizeof *r->channels)) &&
           (r->nps = malloc(cap)) && (r->csat = malloc(cap)) && (r->repurchase = malloc(cap)) &&
           (r->recommend = malloc(cap)) &&
           (r->behavioural = malloc(cap * sizeof *r->behavioural)) &&
           (r->attitudinal = malloc(cap * sizeof *r->attitudinal)) &&
           (r->index = malloc(cap * sizeof *r->index)) &&
           (r->behavioural_only = malloc(cap * sizeof *r->behavioural_only)) &&
           (r->known = malloc(cap * sizeof *r->known)) ? 0 : DG_ENOMEM;
}

/* Customer c's orders up to as_of (a prefix of their run): the trend window's counts, the
 * channels and categories used, tenure and the mean inter-purchase time. */
static void order_measures(pass *p, size_t c)
{
    const dg_frame *f = p->f;
    dg_loyalty_result *r = p->r;
    int32_t as_of = r->as_of, window = r->trend_window_days;
    size_t begin = f->order_offset[c], freq = r->known[c] ? (size_t)p->rfm->frequency[c] : 0;
    size_t end = begin + freq;
    uint32_t stamp = (uint32_t)c + 1;
    r->recent_orders[c] = r->earlier_orders[c] = 0;
    r->categories[c] = r->channels[c] = 0;
    for (size_t k = begin; k < end; k++) {
        int32_t age = as_of - f->order_day[k];
        if (age < window)
            r->recent_orders[c]++;
        else if (age < 2 * window)
            r->earlier_orders[c]++;
        uint32_t ch = f->order_channel[k];
        if (ch && p->channel_stamp[ch] != stamp) {
            p->channel_stamp[ch] = stamp;
            r->channels[c]++;
        }
        if (f->n_lines > 0)   /* a store without lines: its line offsets are not read */
            for (size_t l = f->line_offset[k]; l < f->line_offset[k + 1]; l++) {
                uint32_t cat = f->product_category[f->line_product[l]];
                if (cat && p->category_stamp[cat] != stamp) {
                    p->category_stamp[cat] = stamp;
                    r->categories[c]++;
                }
            }
    }
    int32_t moved = r->recent_orders[c] - r->earlier_orders[c];
    int32_t both = r->recent_orders[c] + r->earlier_orders[c];
    r->trend[c] = both ? (double)moved / (double)both : 0.0;
    if (freq > 0) {
        r->n_buyers++;
        r->n_repeat += freq >= 2;
        r->tenure_days[c] = as_of - f->order_day[begin];
        r->interpurchase_days[c] = freq >= 2 ? (double)(f->order_day[end - 1] -
                                                        f->order_day[begin]) / (double)(freq - 1)
                                             : -1.0;
    } else {
        r->tenure_days[c] = -1;
        r->interpurchase_days[c] = -1.0;
    }
}

/* Customer c's latest answer of each survey item in the window. */
static void survey_answers(pass *p, size_t c)
{
    const dg_frame *f = p->f;
    int8_t nps = -1, csat = 0, rep = 0, rec = 0;
    for (size_t k = p->r->known[c] ? f->survey_offset[c + 1] : 0; k-- > f->survey_offset[c];) {
        if (f->survey_day[k] > p->r->as_of)
            continue;
        if (f->survey_day[k] < p->survey_from)
            break;
        if (nps < 0)
            nps = f->survey_nps[k];
        if (!csat)
            csat = f->survey_csat[k];
        if (!rep)
            rep = f->survey_repurchase[k];
        if (!rec)
            rec = f->survey_recommend[k];
    }
    p->r->nps[c] = nps;
    p->r->csat[c] = csat;
    p->r->repurchase[c] = rep;
    p->r->recommend[c] = rec;
}

/* Customer c's behavioural and attitudinal scores (0..1) and the index (0..100) from them. */
static void scores(pass *p, size_t c)
{
    const dg_loyalty_config *w = p->w;
    const dg_rfm_result *rfm = p->rfm;
    dg_loyalty_result *r = p->r;
    double b = 0.0;
    if (rfm->frequency[c] > 0) {
        double breadth = capped(r->channels[c] - 1.0, w->channel_cap - 1.0);
        if (p->f->has_lines)
            breadth = (breadth + capped(r->categories[c] - 1.0, w->category_cap - 1.0)) / 2;
        b = (w->recency_weight * (rfm->r[c] - 1) / 4.0 +
             w->frequency_weight * (rfm->f[c] - 1) / 4.0 +
             w->monetary_weight * (rfm->m[c] - 1) / 4.0 +
             w->tenure_weight * capped(r->tenure_days[c], w->tenure_cap_days) +
             w->breadth_weight * breadth + w->trend_weight * (r->trend[c] + 1.0) / 2.0) /
            p->wb_sum;
    }
    double a_sum = 0.0, wa_sum = 0.0;
    if (r->nps[c] >= 0) {
        a_sum += w->nps_weight * r->nps[c] / 10.0;
        wa_sum += w->nps_weight;
    }
    if (r->csat[c]) {
        a_sum += w->csat_weight * (r->csat[c] - 1) / 4.0;
        wa_sum += w->csat_weight;
    }
    if (r->repurchase[c]) {
        a_sum += w->repurchase_weight * (r->repurchase[c] - 1) / 4.0;
        wa_sum += w->repurchase_weight;
    }
    if (r->recommend[c]) {
        a_sum += w->recommend_weight * (r->recommend[c] - 1) / 4.0;
        wa_sum += w->recommend_weight;
    }
    r->behavioural[c] = b;
    if (wa_sum > 0 && w->attitudinal_weight > 0) {
        double a = a_sum / wa_sum;
        r->attitudinal[c] = a;
        r->behavioural_only[c] = false;
        r->index[c] = 100.0 * (w->behavioural_weight * b + w->attitudinal_weight * a) /
                      (w->behavioural_weight + w->attitudinal_weight);
    } else {
        r->attitudinal[c] = wa_sum > 0 ? a_sum / wa_sum : -1.0;
        r->behavioural_only[c] = true;
        r->index[c] = 100.0 * b;
    }
}

int dg_loyalty_compute(dg_loyalty_result *out, const dg_frame *f,
                       const dg_rfm_result *rfm, const dg_loyalty_config *config, dg_error *err)
{
    dg_loyalty_config defaults;
    dg_loyalty_result r = { 0 };
    memset(out, 0, sizeof *out);
    if (!config) {
        dg_loyalty_config_default(&defaults);
        config = &defaults;
    }
    if (rfm->n_customers != f->n_customers)
        return dg_error_set(err, DG_EINVAL, "the RFM result is not of this frame");
    r.as_of = rfm->as_of;
    r.n_customers = f->n_customers;
    r.trend_window_days = config->trend_window_days;
    r.has_categories = f->has_lines;
    const dg_loyalty_config *w = config;
    pass p = { .f = f, .rfm = rfm, .w = config, .r = &r,
               .survey_from = config->survey_window_days > 0
                                  ? r.as_of - config->survey_window_days : INT32_MIN,
               .wb_sum = w->recency_weight + w->frequency_weight + w->monetary_weight +
                         w->tenure_weight + w->breadth_weight + w->trend_weight };
    int rc = 0;
    if (result_alloc(&r, f->n_customers) != 0 ||
        !(p.category_stamp = calloc(f->categories.n ? f->categories.n : 1,
                                    sizeof *p.category_stamp)) ||
        !(p.channel_stamp = calloc(f->channels.n ? f->channels.n : 1, sizeof *p.channel_stamp)))
        rc = dg_error_set(err, DG_ENOMEM, "out of memory computing loyalty");
    for (size_t c = 0; rc == 0 && c < f->n_customers; c++) {
        r.known[c] = rfm->frequency[c] >= 0;   /* else a window's later customer */
        r.n_known += r.known[c];
        order_measures(&p, c);
        survey_answers(&p, c);
        scores(&p, c);
    }
    if (rc == 0) {
        *out = r;
        memset(&r, 0, sizeof r);
    }
    dg_loyalty_result_clear(&r);
    free(p.category_stamp);
    free(p.channel_stamp);
    return rc;
}
