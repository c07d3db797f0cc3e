/* Loyalty: the behavioural and attitudinal measures and the index on a hand-made frame, worked
 * out by hand; NPS and CSAT with their intervals; the config file. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/loyalty.h"

#define DAY 86400
#define AS_OF 2000

static dg_error err;

static dg_frame *hand_frame(void)
{
    dg_frame_builder *b = NULL;
    dg_frame *f = NULL;
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
    cr_assert_eq(dg_frame_builder_finish(b, &f, &err), 0, "%s", err.message);
    dg_frame_builder_free(b);
    return f;
}

#define NEAR(a, b) cr_assert(fabs((a) - (b)) < 1e-9, "%s = %.12g, expected %.12g", #a, (double)(a), (double)(b))

Test(loyalty, index_worked_by_hand)
{
    dg_frame *f = hand_frame();
    dg_rfm_result rfm;
    dg_loyalty_result r;
    cr_assert_eq(dg_rfm_compute(f, NULL, NULL, &rfm, &err), 0);
    cr_assert_eq(dg_loyalty_compute(f, &rfm, NULL, &r, &err), 0, "%s", err.message);
    /* X: R 3 (1 of 2 below), F 3, M 3; Y: 1, 1, 1 */
    cr_assert_eq(rfm.r[0], 3);
    cr_assert_eq(rfm.f[0], 3);
    cr_assert_eq(rfm.m[0], 3);
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
    double bx = (3 * 0.5 + 0.5 * 400.0 / 730.0 + 0.5 * breadth + 0.5 * 1.0) / 4.5;
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
    cr_assert_eq(dg_loyalty_summary_table(f, &r, &t, &err), 0);
    cr_assert_eq(dg_table_rows(t), 16);
    dg_table_free(t);
    cr_assert_eq(dg_loyalty_customer_table(f, &r, &t, &err), 0);
    cr_assert_eq(dg_table_rows(t), 3);
    dg_table_free(t);
    uint32_t group[3] = { 0, 1, UINT32_MAX };
    const char *names[] = { "a", "b" };
    cr_assert_eq(dg_loyalty_group_table(&r, group, 2, names, "t", "g", &t, &err), 0);
    cr_assert_eq(dg_table_rows(t), 3);
    dg_table_free(t);
    dg_loyalty_result_free(&r);

    /* attitudes off: everyone is behavioural only */
    dg_loyalty_config c;
    dg_loyalty_config_default(&c);
    cr_assert_eq(dg_loyalty_config_parse(&c, "attitudinal_weight = 0\nsurvey_window_days = 0",
                                         "t", &err), 0, "%s", err.message);
    cr_assert_eq(dg_loyalty_compute(f, &rfm, &c, &r, &err), 0);
    cr_assert(r.behavioural_only[0]);
    NEAR(r.index[0], 100 * bx);
    cr_assert_eq(r.recommend[0], 1);   /* the old answer counts without a window */
    dg_loyalty_result_free(&r);
    dg_rfm_result_free(&rfm);
    dg_frame_free(f);
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
    FILE *in = fopen("config/loyalty.conf", "r");
    cr_assert(in);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    int ch;
    while ((ch = fgetc(in)) != EOF)
        fputc(ch, mem);
    fclose(in);
    fclose(mem);
    cr_assert_str_eq(text, dg_loyalty_config_default_text());
    free(text);
}
