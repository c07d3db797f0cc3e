/* The demo's loyalty programme (include/dangol/demo.h, docs/demo.md "Tiers and points"): the
 * built-in tier and points rules run over the demo's whole history through the services
 * themselves, as the business would have run them day by day: every order earns its points
 * (times its customer's tier on the order's day), an order is paid partly with points with
 * probability DG_DEMO_BURN_SHARE (half the balance, when it is at least DG_DEMO_BURN_MIN), from a
 * stream of the seed and the order so the draws do not depend on the order of the loop; the
 * expiry job runs before the first order of each month, the tier evaluation before the first
 * order of each quarter, and both on the last day. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/demo.h"
#include "dangol/points.h"
#include "dangol/rng.h"
#include "dangol/text.h"
#include "dangol/tier.h"
#include "dangol/uplift.h"
#include "store/coupons.h"

typedef struct order_ref {
    char *order_id, *customer_id;
    int32_t day;
} order_ref;

typedef struct order_list {
    order_ref *o;
    size_t n, cap;
} order_list;

static int collect_order(void *ctx, const char *const *texts, const int64_t *ints, int n)
{
    order_list *l = ctx;
    (void)n;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 4096;
        order_ref *o = realloc(l->o, cap * sizeof *o);
        if (!o)
            return DG_ENOMEM;
        l->o = o;
        l->cap = cap;
    }
    order_ref *o = &l->o[l->n];
    o->order_id = strdup(texts[0]);
    o->customer_id = o->order_id ? strdup(texts[1]) : NULL;
    if (!o->customer_id) {
        free(o->order_id);
        return DG_ENOMEM;
    }
    o->day = dg_day_of(ints[2]);
    l->n++;
    return 0;
}

static void orders_free(order_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->o[i].order_id);
        free(l->o[i].customer_id);
    }
    free(l->o);
}

/* month number (year * 12 + month - 1) of a day */
static int month_of(int32_t day)
{
    char text[16];
    dg_date_format(day, text);
    return atoi(text) * 12 + atoi(text + 5) - 1;
}

/* The jobs due before day: the expiry sweep (a new month) and the tier evaluation (a new
 * quarter), both as of the day before. */
static int jobs(dg_store *store, int32_t as_of, bool quarter, dg_demo_loyalty_counts *out,
                dg_error *err)
{
    dg_points_expiry expiry;
    int rc = dg_points_expire(store, as_of, &expiry, err);
    out->expired_lots += rc == 0 ? expiry.lots : 0;
    if (rc == 0 && quarter) {
        dg_tier_evaluation ev;
        if ((rc = dg_tier_evaluate(store, NULL, NULL, as_of, "demo", NULL, &ev, err)) == 0) {
            out->tier_upgrades += ev.upgrades;
            out->tier_downgrades += ev.downgrades;
        }
    }
    return rc;
}

int dg_demo_loyalty(dg_store *store, uint64_t seed, dg_demo_loyalty_counts *out, dg_error *err)
{
    memset(out, 0, sizeof *out);
    order_list l = { 0 };
    int rc = dg_store_read_begin(store, err);
    if (rc != 0)
        return rc;
    rc = dg__coupon_scan(store, "SELECT order_id, customer_id, ordered_at FROM orders "
                         "ORDER BY ordered_at, order_id", (const char *const[]){ NULL },
                         collect_order, &l, err);
    dg_store_read_end(store);
    if (rc == DG_ENOMEM)
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
    dg_points_rules rules;
    dg_points_rules_default(&rules);
    int month = l.n ? month_of(l.o[0].day) : 0;
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        const order_ref *o = &l.o[i];
        int m = month_of(o->day);
        if (m != month && (rc = jobs(store, o->day - 1, m / 3 != month / 3, out, err)) != 0)
            break;
        month = m;
        dg_points_request earn = { .source_id = o->order_id, .day = DG_POINTS_TODAY,
                                   .actor = "demo", .source = DG_POINTS_SOURCE_ORDER };
        dg_points_result r;
        rc = dg_points_earn_order(store, &rules, &earn, &r, err);
        if (rc == DG_ERANGE) {   /* an order too small to earn a point */
            dg_error_clear(err);
            rc = 0;
            continue;
        }
        out->earns += rc == 0;
        dg_rng rng;
        dg_rng_seed_stream(&rng, seed + 104729u, dg_uplift_stratum_stream(o->order_id));
        if (rc != 0 || dg_rng_uniform(&rng) >= DG_DEMO_BURN_SHARE || r.balance < DG_DEMO_BURN_MIN)
            continue;
        dg_points_request burn = { .customer_id = o->customer_id, .points = r.balance / 2,
                                   .day = o->day, .reason = "paid with points", .actor = "demo",
                                   .source = DG_POINTS_SOURCE_ORDER, .source_id = o->order_id };
        rc = dg_points_burn(store, &burn, &r, err);
        out->burns += rc == 0;
    }
    if (rc == 0 && l.n > 0)
        rc = jobs(store, l.o[l.n - 1].day, true, out, err);
    orders_free(&l);
    return rc;
}
