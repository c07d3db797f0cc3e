/* A campaign's audience (include/dangol/campaign.h): the frame as of a day, its cube (region,
 * age, gender, segment, stage, activity, ... per customer), and seven more customer dimensions a
 * campaign may filter on: tier (the tier history), clv_decile (1..10, 10 the top tenth by CLV of
 * the BG/NBD + Gamma-Gamma fit the customer card uses), p_alive (its lower bound in tenths:
 * "p_alive=0.5.." is P(alive) >= 0.5) and consent_email / consent_sms / consent_phone (yes/no on
 * the day, as dg_consent_allows decides) and lookalike_decile (1..10, 10 the prospects most like
 * the best customers, dangol/lookalike.h; "(none)" for buyers). The filter is parsed by the cube's own parser
 * (dg_cube_query_set "where"); an added dimension's codes are computed only when the filter
 * uses it, so a plain segment filter costs no CLV fit. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm/campaign.h"
#include "dangol/clv.h"
#include "dangol/report.h"
#include "dangol/tier.h"
#include "store/consent.h"
#include "store/tiers.h"

enum { DIM_TIER, DIM_CLV, DIM_P_ALIVE, DIM_EMAIL, DIM_SMS, DIM_PHONE, DIM_LOOKALIKE };

static const char *const extra_names[DG__CAMPAIGN_EXTRA_DIMS] = {
    "tier", "clv_decile", "p_alive", "consent_email", "consent_sms", "consent_phone",
    "lookalike_decile",
};
static const char *const purposes[3] = { "marketing_email", "marketing_sms", "marketing_phone" };
static const char *const deciles[11] = { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10",
                                         DG_CUBE_NONE_LABEL };
static const char *const tenths[11] = { "0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7",
                                        "0.8", "0.9", DG_CUBE_NONE_LABEL };
static const char *const yes_no[2] = { "no", "yes" };

void dg__campaign_audience_clear(dg__campaign_audience *a)
{
    if (!a)
        return;
    dg_cube_free(a->cube);
    dg_frame_free(a->frame);
    for (size_t i = 0; i < DG__CAMPAIGN_EXTRA_DIMS; i++)
        free(a->extra_codes[i]);
    free(a->member);
    free(a->stratum);
    free(a->strata);
    memset(a, 0, sizeof *a);
}

/* Adds the seven dimensions with every code 0; their labels are known before any data. */
static int add_extra_dims(dg__campaign_audience *a, const dg_tier_rules *rules, dg_error *err)
{
    size_t n = a->frame->n_customers;
    const char *tiers[DG_TIER_MAX_LEVELS];
    for (size_t i = 0; i < rules->n_levels; i++)
        tiers[i] = rules->levels[i].code;
    for (size_t d = 0; d < DG__CAMPAIGN_EXTRA_DIMS; d++) {
        if (!(a->extra_codes[d] = calloc(n ? n : 1, sizeof(uint32_t))))
            return dg_error_set(err, DG_ENOMEM, "out of memory");
        const char *const *labels = d == DIM_TIER ? tiers
                                  : d == DIM_CLV || d == DIM_LOOKALIKE ? deciles
                                  : d == DIM_P_ALIVE ? tenths : yes_no;
        size_t n_labels = d == DIM_TIER ? rules->n_levels
                        : d <= DIM_P_ALIVE || d == DIM_LOOKALIKE ? 11 : 2;
        int rc = dg_cube_add_dim(a->cube, extra_names[d], NULL, DG_CUBE_KEY_CUSTOMER,
                                 a->extra_codes[d], n_labels, labels, err);
        if (rc != 0)
            return rc;
        dg_cube_dim_keep_order(a->cube, dg_cube_dim_count(a->cube) - 1);
    }
    return 0;
}

static int fill_tiers(dg__campaign_audience *a, dg_store *store, const dg_tier_rules *rules,
                      dg_error *err)
{
    char code[64];
    for (size_t c = 0; c < a->frame->n_customers; c++) {
        int rc = dg__tier_at(store, a->frame->customer_id[c], a->frame->as_of, code, sizeof code,
                             err);
        if (rc != 0)
            return rc;
        int level = code[0] ? dg_tier_find(rules, code) : 0;
        a->extra_codes[DIM_TIER][c] = level > 0 ? (uint32_t)level : 0;
    }
    return 0;
}

typedef struct rank_ctx {
    const double *value;
} rank_ctx;

static int by_value(const void *x, const void *y, void *ctx)
{
    const double *v = ((const rank_ctx *)ctx)->value;
    double a = v[*(const size_t *)x], b = v[*(const size_t *)y];
    return (a > b) - (a < b);
}

/* clv_decile and p_alive from the card's fit; customers outside the fit get "(none)". */
static int fill_clv(dg__campaign_audience *a, dg_error *err)
{
    size_t n = a->frame->n_customers;
    uint32_t *dec = a->extra_codes[DIM_CLV], *alive = a->extra_codes[DIM_P_ALIVE];
    for (size_t c = 0; c < n; c++)
        dec[c] = alive[c] = 10;   /* "(none)" */
    const dg_clv_period weeks = { .calibration_end = DG_DAY_NONE, .holdout_end = DG_DAY_NONE,
                                  .days_per_unit = 7.0 };
    dg_clv_options opt;
    dg_report_card_clv_options(&opt);
    dg_clv_report *fit = NULL;
    int rc = dg_clv_frame_run(&fit, a->frame, &weeks, &opt, err);
    if (rc != 0) {
        char why[DG_ERROR_MSG_MAX];
        snprintf(why, sizeof why, "%s", err->message);
        return dg_error_set(err, rc, "clv_decile and p_alive need a lifetime value fit: %s", why);
    }
    size_t m = fit->summary->n, *order = malloc((m ? m : 1) * sizeof *order);
    double *value = malloc((m ? m : 1) * sizeof *value);
    if (!order || !value) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
    } else {
        for (size_t i = 0; i < m; i++) {
            order[i] = i;
            value[i] = isfinite(fit->clv[i]) ? fit->clv[i] : 0.0;
            double p = fit->p_alive[i];
            int tenth = isfinite(p) ? (int)floor(p * 10.0) : 10;
            alive[fit->summary->customer[i]] = (uint32_t)(tenth < 0 ? 0 : tenth > 9 ? 9 : tenth);
        }
        rank_ctx ctx = { value };
        qsort_r(order, m, sizeof *order, by_value, &ctx);
        for (size_t r = 0; r < m; r++)   /* rank r of m (ascending) -> decile 1..10 */
            dec[fit->summary->customer[order[r]]] = (uint32_t)(r * 10 / m);
    }
    free(order);
    free(value);
    dg_clv_report_free(fit);
    return rc;
}

/* lookalike_decile of the prospects (dg_report_lookalike_model with its defaults: the customers
 * without an order scored against the top tenth of the buyers by CLV); "(none)" for the others. */
static int fill_lookalike(dg__campaign_audience *a, dg_error *err)
{
    uint32_t *dec = a->extra_codes[DIM_LOOKALIKE];
    for (size_t c = 0; c < a->frame->n_customers; c++)
        dec[c] = 10;   /* "(none)" */
    dg_lookalike *m = NULL;
    int rc = dg_report_lookalike_model(&m, a->frame, NULL, err);
    if (rc != 0) {
        char why[DG_ERROR_MSG_MAX];
        snprintf(why, sizeof why, "%s", err->message);
        return dg_error_set(err, rc, "lookalike_decile needs a lookalike model: %s", why);
    }
    for (size_t i = 0; i < m->n_scored; i++)
        dec[m->customer[i]] = (uint32_t)m->decile[i] - 1;
    dg_lookalike_free(m);
    return 0;
}

typedef struct consent_ctx {
    const dg_frame *frame;
    uint32_t *codes;
} consent_ctx;

static int consent_row(void *ctx, const dg__consent_event *event)
{
    consent_ctx *c = ctx;
    int64_t i = dg_frame_customer_index(c->frame, event->customer_id);
    if (i >= 0)
        c->codes[i] = 1;
    return 0;
}

int dg__campaign_audience_build(dg__campaign_audience *a, dg_store *store, const char *filter,
                                int32_t as_of, dg_error *err)
{
    memset(a, 0, sizeof *a);
    dg_frame_options fo = { .as_of = as_of };
    dg_tier_rules rules;
    dg_cube_query q;
    dg_cube_query_init(&q);
    uint8_t *keep = NULL;
    int rc = dg_tier_rules_stored(store, &rules, err);
    if (rc == 0)
        rc = dg_frame_from_store(&a->frame, store, &fo, err);
    if (rc == 0)
        rc = dg_cube_from_frame(&a->cube, a->frame, NULL, NULL, err);
    size_t first_extra = a->cube ? dg_cube_dim_count(a->cube) : 0;
    if (rc == 0)
        rc = add_extra_dims(a, &rules, err);
    if (rc == 0 && filter && *filter &&
        (rc = dg_cube_query_set(&q, a->cube, "where", filter, err)) == DG_EINVAL) {
        char why[DG_ERROR_MSG_MAX];
        snprintf(why, sizeof why, "%s", err->message);
        rc = dg_error_set(err, DG_EINVAL, "audience: %s", why);
    }
    size_t n = a->frame ? a->frame->n_customers : 0;
    if (rc == 0 && !(keep = malloc(n ? n : 1)))
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
    if (rc == 0)
        rc = dg_cube_customer_filter(keep, a->cube, &q, err);
    bool used[DG__CAMPAIGN_EXTRA_DIMS] = { false };
    for (size_t t = 0; rc == 0 && t < q.n_filters; t++)
        if ((size_t)q.filters[t].dim >= first_extra)
            used[(size_t)q.filters[t].dim - first_extra] = true;
    if (rc == 0 && used[DIM_TIER])
        rc = fill_tiers(a, store, &rules, err);
    if (rc == 0 && (used[DIM_CLV] || used[DIM_P_ALIVE]))
        rc = fill_clv(a, err);
    if (rc == 0 && used[DIM_LOOKALIKE])
        rc = fill_lookalike(a, err);
    for (int d = DIM_EMAIL; rc == 0 && d <= DIM_PHONE; d++) {
        consent_ctx cc = { a->frame, a->extra_codes[d] };
        if (used[d])
            rc = dg__consent_granted(store, purposes[d - DIM_EMAIL], a->frame->as_of, consent_row,
                                     &cc, err);
    }
    bool any_used = false;
    for (size_t d = 0; d < DG__CAMPAIGN_EXTRA_DIMS; d++)
        any_used = any_used || used[d];
    if (rc == 0 && any_used)
        rc = dg_cube_customer_filter(keep, a->cube, &q, err);   /* with the codes filled in */
    int seg = a->cube ? dg_cube_dim_find(a->cube, "segment") : -1;
    if (rc == 0 && seg < 0)
        rc = dg_error_set(err, DG_ESTORE, "the cube has no segment dimension");
    if (rc == 0) {
        const uint32_t *segment = dg_cube_customer_codes(a->cube, (size_t)seg);
        a->n_strata = dg_cube_dim_labels(a->cube, (size_t)seg);
        a->member = malloc((n ? n : 1) * sizeof *a->member);
        a->stratum = malloc((n ? n : 1) * sizeof *a->stratum);
        a->strata = malloc((a->n_strata ? a->n_strata : 1) * sizeof *a->strata);
        if (!a->member || !a->stratum || !a->strata)
            rc = dg_error_set(err, DG_ENOMEM, "out of memory");
        for (size_t s = 0; rc == 0 && s < a->n_strata; s++)
            a->strata[s] = dg_cube_dim_label(a->cube, (size_t)seg, (uint32_t)s);
        for (size_t c = 0; rc == 0 && c < n; c++)
            if (keep[c]) {
                a->member[a->n] = (uint32_t)c;
                a->stratum[a->n++] = segment[c];
            }
    }
    free(keep);
    dg_cube_query_clear(&q);
    return rc;
}
