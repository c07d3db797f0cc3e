/* Loyalty: the behavioural and attitudinal measures and the index on a hand-made frame, worked
 * out by hand; every window, cap and answer-scale boundary on frames of their own; NPS and CSAT
 * with their intervals; the config file. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/loyalty.h"
#include "support.h"

#define DAY 86400
#define AS_OF 2000

static dg_error err;

static dg_frame *hand_frame(void)
{
    dg_frame_builder *b = NULL;
    cr_assert_eq(dg_frame_builder_new(&b, AS_OF, true, &err), 0);
    const char *ids[] = { "X", "Y", "Z" };
    for (int i = 0; i < 3; i++) {
        dg_frame_customer_in c = { .customer_id = ids[i] };
        cr_assert_eq(dg_frame_add_customer(b, &c, &err), 0);
    }
    dg_frame_product_in p1 = { "p1", "skin", NULL }, p2 = { "p2", "hair", NULL };
    cr_assert_eq(dg_frame_add_product(b, &p1, &err), 0);
    cr_assert_eq(dg_frame_add_product(b, &p2, &err), 0);
    struct { const char *id, *c, *channel; int age; int64_t amount; } o[] = {
        { "x1", "X", "web", 400, 1000 }, { "x2", "X", "store", 100, 2000 },
        { "x3", "X", "web", 10, 3000 }, { "y1", "Y", "web", 200, 500 },
        { "x4", "X", "web", -5, 9999 },   /* after as_of: ignored */
    };
    for (int i = 0; i < 4; i++) {
        dg_frame_order_in in = { .customer_id = o[i].c, .order_id = o[i].id,
                                 .ordered_at = (int64_t)(AS_OF - o[i].age) * DAY,
                                 .amount_minor = o[i].amount, .channel = o[i].channel };
        cr_assert_eq(dg_frame_add_order(b, &in, &err), 0);
    }
    dg_frame_line_in lines[] = { { "x1", "p1", 1, 1000, 1 }, { "x2", "p1", 1, 1000, 1 },
                                 { "x2", "p2", 1, 1000, 2 } };
    for (int i = 0; i < 3; i++)
        cr_assert_eq(dg_frame_add_line(b, &lines[i], &err), 0);
    dg_frame_survey_in s[] = {
        { .customer_id = "X", .day = AS_OF - 400, .has_nps = true, .nps = 0, .recommend_intent = 1 },
        { .customer_id = "X", .day = AS_OF - 5, .has_nps = true, .nps = 10, .csat = 4 },
        { .customer_id = "X", .day = AS_OF - 3, .repurchase_intent = 5 },
        { .customer_id = "Z", .day = AS_OF - 1, .has_nps = true, .nps = 7 },
    };
    for (int i = 0; i < 4; i++)
        cr_assert_eq(dg_frame_add_survey(b, &s[i], &err), 0);
    return test_frame_finish(b);
}

#define NEAR(a, b) cr_assert(fabs((a) - (b)) < 1e-9, "%s = %.12g, expected %.12g", #a, (double)(a), (double)(b))

Test(loyalty, index_worked_by_hand)
{
    dg_frame *f = hand_frame();
    dg_rfm_result rfm;
    dg_loyalty_result r;
    cr_assert_eq(dg_rfm_compute(&rfm, f, NULL, NULL, &err), 0);
    cr_assert_eq(dg_loyalty_compute(&r, f, &rfm, NULL, &err), 0, "%s", err.message);
    /* X: R 5, F 5, M 5 (the best value of each: docs/loyalty.md's tie rule); Y: 1, 1, 1 */
    cr_assert_eq(rfm.r[0], 5);
    cr_assert_eq(rfm.f[0], 5);
    cr_assert_eq(rfm.m[0], 5);
    cr_assert_eq(r.n_buyers, 2);
    cr_assert_eq(r.n_repeat, 1);
    cr_assert_eq(r.tenure_days[0], 400);
    NEAR(r.interpurchase_days[0], 195.0);
    cr_assert_eq(r.recent_orders[0], 2);    /* ages 100, 10 < 180 */
    cr_assert_eq(r.earlier_orders[0], 0);   /* age 400 >= 360 */
    NEAR(r.trend[0], 1.0);
    cr_assert_eq(r.channels[0], 2);
    cr_assert_eq(r.categories[0], 2);
    /* latest answer per item within 365 days: nps 10, csat 4, repurchase 5, no recommend */
    cr_assert_eq(r.nps[0], 10);
    cr_assert_eq(r.csat[0], 4);
    cr_assert_eq(r.repurchase[0], 5);
    cr_assert_eq(r.recommend[0], 0);
    double breadth = ((2 - 1) / 2.0 + (2 - 1) / 4.0) / 2;
    double bx = (3 * 1.0 + 0.5 * 400.0 / 730.0 + 0.5 * breadth + 0.5 * 1.0) / 4.5;
    double ax = (1.0 + 0.75 + 1.0) / 3;
    NEAR(r.behavioural[0], bx);
    NEAR(r.attitudinal[0], ax);
    NEAR(r.index[0], 100 * (0.6 * bx + 0.4 * ax));
    cr_assert_not(r.behavioural_only[0]);
    /* Y: scores 1, one channel, no categories, its order in the earlier window: trend -1 */
    NEAR(r.trend[1], -1.0);
    cr_assert_eq(r.interpurchase_days[1], -1.0);
    NEAR(r.behavioural[1], 0.5 * 200.0 / 730.0 / 4.5);
    NEAR(r.index[1], 100 * 0.5 * 200.0 / 730.0 / 4.5);
    cr_assert(r.behavioural_only[1]);
    NEAR(r.attitudinal[1], -1.0);
    /* Z: no orders; A = 7/10 */
    cr_assert_eq(r.tenure_days[2], -1);
    NEAR(r.behavioural[2], 0.0);
    NEAR(r.index[2], 100 * 0.4 * 0.7);
    cr_assert_not(r.behavioural_only[2]);

    dg_table *t = NULL;
    cr_assert_eq(dg_loyalty_summary_table(&t, f, &r, &err), 0);
    cr_assert_eq(dg_table_rows(t), 16);
    dg_table_free(t);
    cr_assert_eq(dg_loyalty_customer_table(&t, f, &r, &err), 0);
    cr_assert_eq(dg_table_rows(t), 3);
    dg_table_free(t);
    uint32_t group[3] = { 0, 1, UINT32_MAX };
    const char *names[] = { "a", "b" };
    cr_assert_eq(dg_loyalty_group_table(&t, &r, group, 2, names, "(none)", "t", "g", &err), 0);
    cr_assert_eq(dg_table_rows(t), 4);   /* a, b, (none), (all): the rows add up to (all) */
    char *text = test_render_free(t, DG_FORMAT_CSV);
    cr_assert(strstr(text, "\na,1,") && strstr(text, "\nb,1,") && strstr(text, "\n(none),1,") &&
              strstr(text, "\n(all),3,"), "%s", text);
    free(text);
    dg_loyalty_result_clear(&r);

    /* attitudes off: everyone is behavioural only */
    dg_loyalty_config c;
    dg_loyalty_config_default(&c);
    cr_assert_eq(dg_loyalty_config_parse(&c, "attitudinal_weight = 0\nsurvey_window_days = 0",
                                         "t", &err), 0, "%s", err.message);
    cr_assert_eq(dg_loyalty_compute(&r, f, &rfm, &c, &err), 0);
    cr_assert(r.behavioural_only[0]);
    NEAR(r.index[0], 100 * bx);
    cr_assert_eq(r.recommend[0], 1);   /* the old answer counts without a window */
    dg_loyalty_result_clear(&r);
    dg_rfm_result_clear(&rfm);
    dg_frame_free(f);
}

/* ---- rule boundaries, one frame each ---- */

static dg_frame_builder *b;

static void buyer(const char *id)
{
    dg_frame_customer_in c = { .customer_id = id };
    cr_assert_eq(dg_frame_add_customer(b, &c, &err), 0, "%s", err.message);
}

/* an order `age` days before AS_OF on channel, with one line per product of products (NULL-ended) */
static void order_at(const char *customer, const char *order_id, int age, const char *channel,
                     const char *const *products)
{
    dg_frame_order_in o = { .customer_id = customer, .order_id = order_id,
                            .ordered_at = (int64_t)(AS_OF - age) * DAY + 100,
                            .amount_minor = 1000, .channel = channel };
    cr_assert_eq(dg_frame_add_order(b, &o, &err), 0, "%s", err.message);
    for (int i = 0; products && products[i]; i++) {
        dg_frame_line_in l = { order_id, products[i], 1, 1000, i + 1 };
        cr_assert_eq(dg_frame_add_line(b, &l, &err), 0, "%s", err.message);
    }
}

static dg_frame *finish(void)
{
    dg_frame *f = test_frame_finish(b);
    b = NULL;
    return f;
}

/* loyalty with the default settings overridden by text */
static void compute(const dg_frame *f, const char *settings, dg_rfm_result *rfm,
                    dg_loyalty_result *r)
{
    dg_loyalty_config c;
    dg_loyalty_config_default(&c);
    cr_assert_eq(dg_loyalty_config_parse(&c, settings, "t", &err), 0, "%s", err.message);
    cr_assert_eq(dg_rfm_compute(rfm, f, NULL, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(dg_loyalty_compute(r, f, rfm, &c, &err), 0, "%s", err.message);
}

static size_t at(const dg_frame *f, const char *id)
{
    int64_t c = dg_frame_customer_index(f, id);
    cr_assert_geq(c, 0, "%s", id);
    return (size_t)c;
}

/* B from one behavioural part alone: the other weights are 0 */
#define ONLY(part) "recency_weight = 0\nfrequency_weight = 0\nmonetary_weight = 0\n" \
                   "tenure_weight = 0\nbreadth_weight = 0\ntrend_weight = 0\n" part " = 1\n"

Test(loyalty, trend_windows_at_180_and_360_days)
{
    cr_assert_eq(dg_frame_builder_new(&b, AS_OF, false, &err), 0);
    /* recent = age 0..179, earlier = age 180..359, age 360 in neither */
    buyer("T");
    order_at("T", "t1", 360, "web", NULL);
    order_at("T", "t2", 359, "web", NULL);
    order_at("T", "t3", 180, "web", NULL);
    order_at("T", "t4", 179, "web", NULL);
    buyer("old");   /* both orders before the earlier window: trend 0 */
    order_at("old", "o1", 500, "web", NULL);
    order_at("old", "o2", 360, "web", NULL);
    buyer("now");   /* an order on the as-of day is recent */
    order_at("now", "n1", 0, "web", NULL);
    dg_frame *f = finish();
    dg_rfm_result rfm;
    dg_loyalty_result r;
    compute(f, ONLY("trend_weight"), &rfm, &r);
    size_t t = at(f, "T"), old = at(f, "old"), now = at(f, "now");
    cr_assert_eq(r.recent_orders[t], 1);
    cr_assert_eq(r.earlier_orders[t], 2);
    NEAR(r.trend[t], (1.0 - 2.0) / 3.0);
    NEAR(r.behavioural[t], (-1.0 / 3 + 1) / 2);   /* (trend + 1) / 2 = 1/3 */
    NEAR(r.index[t], 100.0 / 3);
    cr_assert_eq(r.recent_orders[old] + r.earlier_orders[old], 0);
    NEAR(r.trend[old], 0.0);
    NEAR(r.behavioural[old], 0.5);
    cr_assert_eq(r.recent_orders[now], 1);
    NEAR(r.trend[now], 1.0);
    dg_loyalty_result_clear(&r);
    dg_rfm_result_clear(&rfm);
    /* a 30-day window: T's ages 0..29 recent (none), 30..59 earlier (none) */
    compute(f, ONLY("trend_weight") "trend_window_days = 30", &rfm, &r);
    cr_assert_eq(r.recent_orders[t] + r.earlier_orders[t], 0);
    NEAR(r.trend[t], 0.0);
    dg_loyalty_result_clear(&r);
    dg_rfm_result_clear(&rfm);
    dg_frame_free(f);
}

Test(loyalty, tenure_channel_and_category_caps)
{
    cr_assert_eq(dg_frame_builder_new(&b, AS_OF, true, &err), 0);
    const char *cats[] = { "c1", "c2", "c3", "c4", "c5", "c6" };
    const char *pids[] = { "p1", "p2", "p3", "p4", "p5", "p6" };
    for (int i = 0; i < 6; i++) {
        dg_frame_product_in p = { pids[i], cats[i], NULL };
        cr_assert_eq(dg_frame_add_product(b, &p, &err), 0);
    }
    /* at the caps: tenure 730 days, 3 channels, 5 categories */
    buyer("at");
    order_at("at", "a1", 730, "web", (const char *[]){ "p1", NULL });
    order_at("at", "a2", 10, "store", (const char *[]){ "p2", "p3", NULL });
    order_at("at", "a3", 0, "app", (const char *[]){ "p4", "p5", "p1", NULL });
    /* one short of each: tenure 729, 2 channels, 4 categories */
    buyer("below");
    order_at("below", "b1", 729, "web", (const char *[]){ "p1", NULL });
    order_at("below", "b2", 5, "store", (const char *[]){ "p2", "p3", "p4", NULL });
    /* past them: tenure 731, 4 channels, 6 categories */
    buyer("over");
    order_at("over", "v1", 731, "web", (const char *[]){ "p1", NULL });
    order_at("over", "v2", 20, "store", (const char *[]){ "p2", NULL });
    order_at("over", "v3", 10, "app", (const char *[]){ "p3", "p4", NULL });
    order_at("over", "v4", 0, "call", (const char *[]){ "p5", "p6", NULL });
    /* one channel, one category: breadth 0 */
    buyer("single");
    order_at("single", "s1", 3, "web", (const char *[]){ "p1", "p1", NULL });
    dg_frame *f = finish();
    size_t a = at(f, "at"), w = at(f, "below"), v = at(f, "over"), one = at(f, "single");
    dg_rfm_result rfm;
    dg_loyalty_result r;

    compute(f, ONLY("tenure_weight"), &rfm, &r);   /* B = min(1, tenure / 730) */
    cr_assert_eq(r.tenure_days[a], 730);
    cr_assert_eq(r.tenure_days[w], 729);
    cr_assert_eq(r.tenure_days[v], 731);
    NEAR(r.behavioural[a], 1.0);
    NEAR(r.behavioural[w], 729.0 / 730.0);
    NEAR(r.behavioural[v], 1.0);
    NEAR(r.behavioural[one], 3.0 / 730.0);
    dg_loyalty_result_clear(&r);
    dg_rfm_result_clear(&rfm);

    /* B = mean of min(1, (channels - 1) / 2) and min(1, (categories - 1) / 4) */
    compute(f, ONLY("breadth_weight"), &rfm, &r);
    cr_assert_eq(r.channels[a], 3);
    cr_assert_eq(r.categories[a], 5);
    cr_assert_eq(r.channels[w], 2);
    cr_assert_eq(r.categories[w], 4);
    cr_assert_eq(r.channels[v], 4);
    cr_assert_eq(r.categories[v], 6);
    cr_assert_eq(r.channels[one], 1);
    cr_assert_eq(r.categories[one], 1);
    NEAR(r.behavioural[a], 1.0);
    NEAR(r.behavioural[w], (1.0 / 2 + 3.0 / 4) / 2);
    NEAR(r.behavioural[v], 1.0);
    NEAR(r.behavioural[one], 0.0);
    NEAR(r.index[w], 100 * 0.625);
    cr_assert(r.behavioural_only[w]);
    dg_loyalty_result_clear(&r);
    dg_rfm_result_clear(&rfm);

    /* lower caps: "below" reaches both (2 channels, 4 categories) */
    compute(f, ONLY("breadth_weight") "channel_cap = 2\ncategory_cap = 4", &rfm, &r);
    NEAR(r.behavioural[w], 1.0);
    dg_loyalty_result_clear(&r);
    dg_rfm_result_clear(&rfm);
    dg_frame_free(f);
}

static void answer(const char *id, int age, int nps, int csat)
{
    dg_frame_survey_in s = { .customer_id = id, .day = AS_OF - age, .has_nps = true, .nps = nps,
                             .csat = csat };
    cr_assert_eq(dg_frame_add_survey(b, &s, &err), 0, "%s", err.message);
}

/* The table as CSV; frees the table. */
static char *csv_of(dg_table *t)
{
    return test_render_free(t, DG_FORMAT_CSV);
}

/* The group table with every customer in a group of its own, then the summary table, as CSV. */
static char *nps_tables(const dg_frame *f, const dg_loyalty_result *r)
{
    uint32_t group[8];
    const char *names[8];
    cr_assert_leq(f->n_customers, 8);
    for (size_t c = 0; c < f->n_customers; c++) {
        group[c] = (uint32_t)c;
        names[c] = f->customer_id[c];
    }
    dg_table *t = NULL;
    cr_assert_eq(dg_loyalty_group_table(&t, r, group, f->n_customers, names, NULL, "t", "who",
                                        &err), 0);
    char *groups = csv_of(t);
    cr_assert_eq(dg_loyalty_summary_table(&t, f, r, &err), 0);
    char *summary = csv_of(t), *text = NULL;
    cr_assert_gt(asprintf(&text, "%s%s", groups, summary), 0);
    free(groups);
    free(summary);
    return text;
}

#define HAS(text, row) cr_assert(strstr(text, "\n" row), "no row %s in\n%s", row, text)

Test(loyalty, survey_window_and_nps_csat_boundaries)
{
    cr_assert_eq(dg_frame_builder_new(&b, AS_OF, false, &err), 0);
    const char *ids[] = { "d6", "p7", "p8", "p9", "edge365", "old366" };
    for (int i = 0; i < 6; i++)
        buyer(ids[i]);
    answer("d6", 1, 6, 3);        /* detractor; CSAT 3 is not satisfied */
    answer("p7", 1, 7, 4);        /* passive; CSAT 4 is */
    answer("p8", 1, 8, 0);        /* passive */
    answer("p9", 1, 9, 0);        /* promoter */
    answer("edge365", 365, 9, 4); /* 365 days old: in the window */
    answer("old366", 366, 0, 1);  /* 366 days old: out of it */
    dg_frame *f = finish();
    dg_rfm_result rfm;
    dg_loyalty_result r;
    compute(f, "", &rfm, &r);
    size_t edge = at(f, "edge365"), old = at(f, "old366");
    cr_assert_eq(r.nps[edge], 9);
    cr_assert_eq(r.csat[edge], 4);
    cr_assert_eq(r.nps[old], -1);
    cr_assert_eq(r.csat[old], 0);
    cr_assert(r.behavioural_only[old]);
    NEAR(r.index[old], 0.0);
    /* no orders: B = 0, A = (9/10 + (4-1)/4) / 2 = 0.825, index = 100 * 0.4 * 0.825 */
    NEAR(r.attitudinal[edge], 0.825);
    NEAR(r.index[edge], 33.0);
    char *text = nps_tables(f, &r);
    /* who,customers,nps_n,nps,...,csat_n,csat */
    HAS(text, "d6,1,1,-100,");
    HAS(text, "p7,1,1,0,");
    HAS(text, "p8,1,1,0,");
    HAS(text, "p9,1,1,100,");
    HAS(text, "edge365,1,1,100,");
    HAS(text, "old366,1,0,,,,0,,");
    /* everyone: 2 promoters, 2 passives, 1 detractor -> NPS 20; CSAT 2 of 3 */
    HAS(text, "(all),6,5,20,");
    cr_assert(strstr(text, ",3,0.6666666667,"), "%s", text);
    HAS(text, "NPS,20,5,");
    HAS(text, "CSAT,0.6666666667,3,");   /* rates are fractions (docs/cli.md) */
    free(text);
    dg_loyalty_result_clear(&r);
    dg_rfm_result_clear(&rfm);

    /* a 366-day window takes the old detractor in: NPS 0 on 6 answers, CSAT 2 of 4 */
    compute(f, "survey_window_days = 366", &rfm, &r);
    cr_assert_eq(r.nps[old], 0);
    cr_assert_eq(r.csat[old], 1);
    text = nps_tables(f, &r);
    HAS(text, "old366,1,1,-100,");
    HAS(text, "(all),6,6,0,");
    cr_assert(strstr(text, ",4,0.5,"), "%s", text);
    HAS(text, "NPS,0,6,");
    HAS(text, "CSAT,0.5,4,");
    free(text);
    dg_loyalty_result_clear(&r);
    dg_rfm_result_clear(&rfm);
    dg_frame_free(f);
}

Test(loyalty, nps_classes_at_their_boundaries)
{
    static const dg_nps_class want[11] = {
        DG_NPS_DETRACTOR, DG_NPS_DETRACTOR, DG_NPS_DETRACTOR, DG_NPS_DETRACTOR, DG_NPS_DETRACTOR,
        DG_NPS_DETRACTOR, DG_NPS_DETRACTOR, DG_NPS_PASSIVE, DG_NPS_PASSIVE, DG_NPS_PROMOTER,
        DG_NPS_PROMOTER};
    for (int answer = 0; answer <= 10; answer++)
        cr_expect_eq(dg_nps_class_of(answer), want[answer], "answer %d", answer);
    cr_expect_str_eq(dg_nps_class_name(DG_NPS_PROMOTER), "promoter");
    cr_expect_str_eq(dg_nps_class_name(DG_NPS_PASSIVE), "passive");
    cr_expect_str_eq(dg_nps_class_name(DG_NPS_DETRACTOR), "detractor");
}

Test(loyalty, nps_and_csat_intervals)
{
    dg_nps n;
    dg_nps_from_counts(2, 1, 1, &n);
    cr_assert_eq(n.n, 4);
    NEAR(n.score, 25.0);
    /* adjusted Wald: n' = 7, pp = 2.75/7, pd = 1.75/7 */
    double pp = 2.75 / 7, pd = 1.75 / 7, centre = pp - pd;
    double half = 1.959963984540054 * sqrt((pp + pd - centre * centre) / 7);
    NEAR(n.ci_low, 100 * (centre - half));
    NEAR(n.ci_high, 100 * (centre + half));
    dg_nps_from_counts(10, 0, 0, &n);
    NEAR(n.score, 100.0);
    cr_assert_leq(n.ci_high, 100.0);
    cr_assert_gt(n.ci_low, 40.0);
    dg_nps_from_counts(0, 0, 0, &n);
    cr_assert_eq(n.n, 0);
    NEAR(n.score, 0.0);
    dg_nps_from_counts(0, 0, 3, &n);
    NEAR(n.score, -100.0);
    cr_assert_geq(n.ci_low, -100.0);

    dg_share s;
    dg_share_from_counts(3, 4, &s);
    NEAR(s.share, 0.75);
    cr_assert(fabs(s.ci_low - 0.3006) < 1e-4 && fabs(s.ci_high - 0.9544) < 1e-4, "%f %f",
              s.ci_low, s.ci_high);
    dg_share_from_counts(0, 0, &s);
    NEAR(s.share, 0.0);
}

Test(loyalty, config_file)
{
    dg_loyalty_config c;
    dg_loyalty_config_default(&c);
    NEAR(c.behavioural_weight, 0.6);
    NEAR(c.attitudinal_weight, 0.4);
    NEAR(c.tenure_weight, 0.5);
    cr_assert_eq(c.tenure_cap_days, 730);
    cr_assert_eq(c.survey_window_days, 365);
    cr_assert_eq(dg_loyalty_config_parse(&c, "tenure_weight = much\n", "l.conf", &err), DG_EINVAL);
    cr_assert(strstr(err.message, "l.conf:1:17:"), "%s", err.message);
    cr_assert_eq(dg_loyalty_config_parse(&c, "behavioural_weight = 0\nattitudinal_weight = 0\n",
                                         "l.conf", &err), DG_EINVAL);
    cr_assert_eq(dg_loyalty_config_parse(&c, "colour = red\n", "l.conf", &err), DG_EINVAL);
    char *text = test_file_text("config/loyalty.conf");
    cr_assert_str_eq(text, dg_loyalty_config_default_text());
    free(text);
}
