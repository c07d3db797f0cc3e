/* Demo campaigns with a known true effect (include/dangol/demo.h): two campaigns created and
 * launched through the campaign service, then, for each treated customer, one extra order in the
 * response window with a set probability, from a random stream of the seed, the campaign and the
 * customer (so the effect does not depend on the order of the members). The true uplift of the
 * response rate is that probability times the share of the audience without an order of its
 * own in the window: the sample average treatment effect the results estimate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/campaign.h"
#include "dangol/coupon.h"
#include "dangol/demo.h"
#include "dangol/rng.h"
#include "dangol/text.h"
#include "dangol/uplift.h"
#include "store/coupons.h"

typedef struct spec {
    const char *id, *name, *audience;
    dg_campaign_offer offer;
    int32_t days_before_end, window_days;
    double effect;
} spec;

static const spec specs[DG_DEMO_CAMPAIGNS] = {
    { "DEMO-WINBACK", "휴면 고객 재구매 쿠폰", "activity=lapsed,churned", DG_CAMPAIGN_OFFER_COUPON,
      150, 60, DG_DEMO_CAMPAIGN_EFFECT_WINBACK },
    { "DEMO-BONUS", "활성 고객 보너스 포인트", "activity=active", DG_CAMPAIGN_OFFER_POINTS, 75,
      45, DG_DEMO_CAMPAIGN_EFFECT_BONUS },
};

typedef struct member {
    char *customer_id, *code;
    bool treated, responded;
} member;

typedef struct members {
    member *m;
    size_t n, cap;
} members;

static int collect(void *ctx, const char *const *texts, const int64_t *ints, int n)
{
    members *ms = ctx;
    (void)n;
    if (ms->n == ms->cap) {
        size_t cap = ms->cap ? 2 * ms->cap : 1024;
        member *m = realloc(ms->m, cap * sizeof *m);
        if (!m)
            return DG_ENOMEM;
        ms->m = m;
        ms->cap = cap;
    }
    member *m = &ms->m[ms->n++];
    m->customer_id = strdup(texts[0]);
    m->code = texts[2] ? strdup(texts[2]) : NULL;
    m->treated = ints[1] != 0;
    m->responded = ints[3] > 0;
    return m->customer_id ? 0 : DG_ENOMEM;
}

static void members_free(members *ms)
{
    for (size_t i = 0; i < ms->n; i++) {
        free(ms->m[i].customer_id);
        free(ms->m[i].code);
    }
    free(ms->m);
}

/* The extra orders of campaign k: written in one transaction, then a coupon campaign's orders
 * redeem their codes. */
static int respond(dg_store *store, const spec *s, int k, int32_t launch, uint64_t seed,
                   members *ms, dg_demo_campaign_truth *truth, dg_error *err)
{
    const dg_entity *orders = dg_entity_find("orders");
    dg_value row[16];
    char order_id[96];
    int64_t non_responders = 0;
    int rc = dg_store_begin(store, err);
    for (size_t i = 0; rc == 0 && i < ms->n; i++) {
        member *m = &ms->m[i];
        non_responders += !m->responded;
        dg_rng rng;
        dg_rng_seed_stream(&rng, seed + 7919u * (uint64_t)(k + 1),
                           dg_uplift_stratum_stream(m->customer_id));
        double u = dg_rng_uniform(&rng);   /* drawn for every member: the arms stay symmetric */
        int32_t day = launch + (int32_t)dg_rng_below(&rng, (uint64_t)s->window_days);
        int64_t total = 100 * (int64_t)(dg_rng_gamma(&rng, 6.0, 6.0 / 45000.0) / 100.0) + 1000;
        if (!m->treated || u >= s->effect)
            continue;
        snprintf(order_id, sizeof order_id, "%s-%s", s->id, m->customer_id);
        for (size_t c = 0; c < orders->n_columns; c++)
            row[c] = (dg_value){ .is_null = true };
        row[0] = (dg_value){ .u.s = order_id };
        row[1] = (dg_value){ .u.s = m->customer_id };
        row[2] = (dg_value){ .u.i = (int64_t)day * 86400 + 3600 + (int64_t)dg_rng_below(&rng, 43200) };
        row[3] = (dg_value){ .u.s = "online" };
        row[9] = (dg_value){ .u.i = total };
        rc = dg_store_put(store, orders, row, err);
        truth->extra_orders += rc == 0;
    }
    if (rc == 0)
        rc = dg_store_commit(store, err);
    else
        dg_store_rollback(store);
    dg_coupon_write w = { .actor = "demo" };
    for (size_t i = 0; rc == 0 && i < ms->n; i++) {
        member *m = &ms->m[i];
        snprintf(order_id, sizeof order_id, "%s-%s", s->id, m->customer_id);
        bool found = false;
        if (m->code && (rc = dg_store_exists(store, orders, order_id, &found, err)) == 0 &&
            found) {
            dg_coupon_redemption r;
            rc = dg_coupon_redeem(&r, store, m->code, order_id, &w, err);
        }
    }
    truth->members = (int64_t)ms->n;
    truth->baseline_nonresponse = ms->n ? (double)non_responders / (double)ms->n : 0.0;
    truth->true_rate_uplift = s->effect * truth->baseline_nonresponse;
    return rc;
}

int dg_demo_campaigns(dg_demo_campaign_truth truth[DG_DEMO_CAMPAIGNS], dg_store *store,
                      uint64_t seed, dg_error *err)
{
    int32_t last;
    memset(truth, 0, DG_DEMO_CAMPAIGNS * sizeof *truth);
    int rc = dg_store_last_day(store, &last, err);
    dg_coupon_definition d;
    dg_coupon_definition_init(&d);
    d.definition_id = "DEMO-10";
    d.name = "재구매 10% 쿠폰";
    d.kind = DG_COUPON_PERCENT;
    d.percent_bp = 1000;
    d.campaign_id = "DEMO-WINBACK";
    dg_coupon_write cw = { .actor = "demo" };
    bool replayed;
    if (rc == 0)
        rc = dg_coupon_define(&replayed, store, &d, &cw, err);
    for (int k = 0; rc == 0 && k < DG_DEMO_CAMPAIGNS; k++) {
        const spec *s = &specs[k];
        dg_campaign c = { .campaign_id = s->id, .name = s->name, .audience = s->audience,
                          .control_share_bp = 5000, .seed = seed, .offer = s->offer,
                          .coupon_definition = "DEMO-10", .offer_points = 1000,
                          .window_days = s->window_days };
        dg_campaign_write w = { .actor = "demo" };
        int32_t launch = last - s->days_before_end;
        dg_campaign_launch_result launched;
        snprintf(truth[k].campaign_id, sizeof truth[k].campaign_id, "%s", s->id);
        truth[k].effect = s->effect;
        rc = dg_campaign_create(&replayed, store, &c, &w, err);
        if (rc == 0)
            rc = dg_campaign_launch(&launched, store, s->id, launch, NULL, &w, err);
        members ms = { 0 };
        char from[24], to[24];
        snprintf(from, sizeof from, "%lld", (long long)launch * 86400);
        snprintf(to, sizeof to, "%lld", (long long)(launch + s->window_days) * 86400);
        const char *params[] = { s->id, from, to, NULL };
        if (rc == 0 && dg_store_read_begin(store, err) == 0) {
            /* SQL of both dialects; the demo's ids sort alike in any collation */
            rc = dg__coupon_scan(store, "SELECT m.customer_id, CASE WHEN m.arm = 'treatment' "
                "THEN 1 ELSE 0 END, m.coupon_code, (SELECT count(*) FROM orders o WHERE "
                "o.customer_id = m.customer_id AND o.ordered_at >= $2 AND o.ordered_at < $3) "
                "FROM campaign_members m WHERE m.campaign_id = $1 ORDER BY m.customer_id",
                params, collect, &ms, err);
            dg_store_read_end(store);
            if (rc == DG_ENOMEM)
                rc = dg_error_set(err, DG_ENOMEM, "out of memory");
        }
        if (rc == 0)
            rc = respond(store, s, k, launch, seed, &ms, &truth[k], err);
        members_free(&ms);
    }
    return rc;
}
