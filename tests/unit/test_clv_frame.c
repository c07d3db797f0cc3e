/* CLV from a hand-built frame: the summary (same-day merge, repeat-only frequency and mean value,
 * weeks), dg_clv_frame_run and the customer-card section. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "dangol/clv.h"
#include "dangol/text.h"
#include "support.h"

/* The 60 customers of small_frame, and with refunds a customer "R-77" who bought once and then
 * had two refunds of -5,000,000.00 (a negative mean repeat value). */
static dg_frame *small_frame_with(bool refunds);

static dg_frame *small_frame(void)
{
    return small_frame_with(false);
}

static dg_frame *small_frame_with(bool refunds)
{
    dg_error err = {0};
    dg_frame_builder *b = NULL;
    int32_t d0 = dg_days_from_civil(2024, 1, 1);
    cr_assert_eq(dg_frame_builder_new(&b, d0 + 200, false, &err), 0, "%s", err.message);
    dg_frame_builder_set_currency(b, "USD", 2);
    char id[16];
    /* 60 customers so the BG/NBD fit has something to chew on; customer C000 is checked */
    for (int c = 0; c < 60; c++) {
        snprintf(id, sizeof id, "C%03d", c);
        dg_frame_customer_in ci = {.customer_id = id};
        cr_assert_eq(dg_frame_add_customer(b, &ci, &err), 0, "%s", err.message);
        int n = c % 7;
        for (int k = 0; k <= n; k++) {
            int32_t day = d0 + c + k * (5 + c % 11);
            dg_frame_order_in o = {.customer_id = id, .ordered_at = (int64_t)day * 86400,
                                   .amount_minor = 1000 + 250 * k + c};
            cr_assert_eq(dg_frame_add_order(b, &o, &err), 0, "%s", err.message);
        }
    }
    /* C000: two orders on day 0 (one transaction), then day 14 ($30.00) and day 21 ($50.00),
     * and one after the calibration end */
    const int32_t days[] = {0, 14, 14, 21, 150};
    const int64_t cents[] = {500, 2000, 1000, 5000, 700};
    for (int k = 0; k < 5; k++) {
        dg_frame_order_in o = {.customer_id = "C000", .ordered_at = (int64_t)(d0 + days[k]) * 86400,
                               .amount_minor = cents[k]};
        cr_assert_eq(dg_frame_add_order(b, &o, &err), 0, "%s", err.message);
    }
    if (refunds) {
        dg_frame_customer_in ci = {.customer_id = "R-77"};
        cr_assert_eq(dg_frame_add_customer(b, &ci, &err), 0, "%s", err.message);
        const int32_t rdays[] = {5, 30, 60};
        const int64_t rcents[] = {2500, -500000000, -500000000};
        for (int k = 0; k < 3; k++) {
            dg_frame_order_in o = {.customer_id = "R-77",
                                   .ordered_at = (int64_t)(d0 + rdays[k]) * 86400,
                                   .amount_minor = rcents[k]};
            cr_assert_eq(dg_frame_add_order(b, &o, &err), 0, "%s", err.message);
        }
    }
    return test_frame_finish(b);
}

Test(clv_frame, summary_merges_days_and_counts_repeats)
{
    dg_frame *f = small_frame();
    dg_error err = {0};
    dg_clv_transactions tx = dg_clv_frame_transactions(f);
    dg_clv_period per = {dg_days_from_civil(2024, 1, 1) + 100, dg_days_from_civil(2024, 1, 1) + 200,
                         7.0, 0};
    dg_clv_summary *s = NULL;
    cr_assert_eq(dg_clv_summary_build(&s, &tx, &per, &err), 0, "%s", err.message);
    int64_t c0 = dg_frame_customer_index(f, "C000");
    cr_assert_geq(c0, 0);
    size_t i = 0;
    while (i < s->n && s->customer[i] != (uint32_t)c0)
        i++;
    cr_assert_lt(i, s->n);
    /* C000's own orders plus the loop's single day-0 order (c = 0, n = 0): days 0, 14, 21 */
    cr_expect_float_eq(s->frequency[i], 2, 1e-12);
    cr_expect_float_eq(s->recency[i], 3.0, 1e-12);           /* 21 days */
    cr_expect_float_eq(s->T[i], 100.0 / 7, 1e-12);
    cr_expect_float_eq(s->monetary[i], (30.0 + 50.0) / 2, 1e-9);  /* same-day amounts summed */
    cr_expect_float_eq(s->holdout_frequency[i], 1, 1e-12);
    cr_expect_float_eq(s->holdout_length, 100.0 / 7, 1e-12);
    dg_clv_summary_free(s);
    dg_frame_free(f);
}

Test(clv_frame, run_and_card_section)
{
    dg_frame *f = small_frame();
    dg_error err = {0};
    dg_clv_period per = {DG_DAY_NONE, 0, 7.0, 0};
    dg_clv_options opt = {DG_BTYD_BGNBD, 1, 52, 0.01, {0}};
    dg_clv_report *r = NULL;
    cr_assert_eq(dg_clv_frame_run(&r, f, &per, &opt, &err), 0, "%s", err.message);
    cr_expect_eq(r->summary->n, 60);
    long row = dg_clv_report_find(r, (uint32_t)dg_frame_customer_index(f, "C000"));
    cr_assert_geq(row, 0);
    cr_expect(r->p_alive[row] > 0 && r->p_alive[row] <= 1);
    cr_expect(r->clv[row] > 0 && isfinite(r->clv[row]));
    dg_table *t = dg_clv_card_section(r, row, 2);
    cr_assert_not_null(t);
    cr_expect_eq(dg_table_columns(t), 2);
    cr_expect_geq(dg_table_rows(t), 7);
    dg_table_free(t);
    t = dg_clv_card_section(r, -1, 2);
    cr_assert_not_null(t);
    cr_expect_eq(dg_table_rows(t), 2);
    dg_table_free(t);
    cr_expect_eq(dg_clv_report_find(r, 100000), -1);
    dg_clv_report_free(r);
    dg_frame_free(f);
}

/* The BG/BB summary (Fader, Hardie & Shang 2010) on hand-made orders: weeks laid back to back
 * ending on the calibration end (day 100, so week k before the last covers days
 * 94-7k .. 100-7k), the first purchase's week is week 0. */
Test(clv_frame, discrete_summary_counts_whole_periods)
{
    /* A: first on day 10 (week 0 = days 9..16), n = 90/7 = 12 whole weeks after it; day 12 is
     * in week 0 (not counted), days 17 and 20 share week 1, day 40 is week 4, day 100 week 12;
     * holdout (days 101..114 = 2 weeks): 101 and 105 in week 1, 110 in week 2, 200 after it.
     * B: one purchase on the last day. C: days 95 and 99, both in week 0.
     * D: first purchase after the calibration end. E: days 3 and 4 (week 0), 93 (week 12 of 13). */
    const uint32_t cust[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 2, 3, 4, 4, 4};
    const int32_t day[] = {10, 12, 17, 20, 40, 100, 101, 105, 110, 200, 100, 95, 99, 101, 3, 4, 93};
    const double value[] = {1, 5, 10, 20, 30, 60, 1, 1, 1, 1, 7, 7, 7, 7, 2, 2, 2};
    dg_clv_transactions tx = {17, 5, cust, day, value, NULL, 0, NULL, NULL};
    dg_clv_period per = {100, 114, 7.0, 1};
    dg_clv_summary *s = NULL;
    dg_error err = {0};
    cr_assert_eq(dg_clv_summary_build(&s, &tx, &per, &err), 0, "%s", err.message);
    cr_assert_eq(s->n, 4);   /* D is not in it */
    cr_expect(s->discrete);
    cr_expect_float_eq(s->holdout_length, 2, 1e-12);
    const double want[4][5] = {
        /* x, t_x, n, mean value per purchasing week, holdout weeks with a purchase */
        {3, 12, 12, (10 + 20 + 30 + 60) / 3.0, 2},
        {0, 0, 0, 0, 0},
        {0, 0, 0, 0, 0},
        {1, 12, 13, 2, 0},
    };
    const uint32_t who[4] = {0, 1, 2, 4};
    for (size_t i = 0; i < 4; i++) {
        cr_expect_eq(s->customer[i], who[i]);
        cr_expect_float_eq(s->frequency[i], want[i][0], 1e-12, "customer %zu x", i);
        cr_expect_float_eq(s->recency[i], want[i][1], 1e-12, "customer %zu t_x", i);
        cr_expect_float_eq(s->T[i], want[i][2], 1e-12, "customer %zu n", i);
        cr_expect_float_eq(s->monetary[i], want[i][3], 1e-12, "customer %zu value", i);
        cr_expect_float_eq(s->holdout_frequency[i], want[i][4], 1e-12, "customer %zu holdout", i);
    }
    dg_btyd_data d = dg_clv_summary_data(s);
    cr_expect_eq(dg_btyd_data_check(&d, DG_BTYD_BGBB, &err), 0, "%s", err.message);
    dg_clv_summary_free(s);

    /* with days as the period every day is an opportunity: the continuous summary in days */
    dg_clv_summary *days = NULL, *cont = NULL;
    dg_clv_period per_days = {100, 114, 1.0, 1}, per_cont = {100, 114, 1.0, 0};
    cr_assert_eq(dg_clv_summary_build(&days, &tx, &per_days, &err), 0, "%s", err.message);
    cr_assert_eq(dg_clv_summary_build(&cont, &tx, &per_cont, &err), 0, "%s", err.message);
    cr_assert_eq(days->n, cont->n);
    for (size_t i = 0; i < days->n; i++) {
        cr_expect_float_eq(days->frequency[i], cont->frequency[i], 1e-12);
        cr_expect_float_eq(days->recency[i], cont->recency[i], 1e-12);
        cr_expect_float_eq(days->T[i], cont->T[i], 1e-12);
        cr_expect_float_eq(days->holdout_frequency[i], cont->holdout_frequency[i], 1e-12);
    }
    cr_expect_float_eq(days->frequency[0], 5, 1e-12);   /* days 12, 17, 20, 40, 100 */
    dg_clv_summary_free(days);
    dg_clv_summary_free(cont);

    per.days_per_unit = 3.5;
    cr_expect_eq(dg_clv_summary_build(&s, &tx, &per, &err), DG_EINVAL);
    cr_expect(strstr(err.message, "whole number of days") != NULL, "%s", err.message);
}

Test(clv_frame, bgbb_from_a_frame_uses_the_discrete_summary)
{
    dg_frame *f = small_frame();
    dg_error err = {0};
    dg_clv_period per = {DG_DAY_NONE, 0, 7.0, 0};
    dg_clv_options opt = {DG_BTYD_BGBB, 0, 10, 0.0, {0}};
    dg_clv_report *r = NULL;
    cr_assert_eq(dg_clv_frame_run(&r, f, &per, &opt, &err), 0, "%s", err.message);
    cr_expect(r->summary->discrete);
    for (size_t i = 0; i < r->summary->n; i++) {
        cr_assert_eq(r->summary->T[i], floor(r->summary->T[i]));
        cr_assert(isfinite(r->expected_purchases[i]) && r->p_alive[i] <= 1);
    }
    dg_clv_report_free(r);
    dg_frame_free(f);
}

/* Refunds are valid data: Gamma-Gamma fits the customers with a positive mean repeat value,
 * counts the one it left out, and that customer gets no spend or CLV prediction (not a failure
 * of the whole report); the tables and the card say so. */
Test(clv_frame, refunds_leave_one_customer_out_of_the_spend_model)
{
    dg_frame *f = small_frame_with(true);
    dg_error err = {0};
    dg_clv_period per = {DG_DAY_NONE, 0, 7.0, 0};
    dg_clv_options opt = {DG_BTYD_BGNBD, 1, 52, 0.0, {0}};
    dg_clv_report *r = NULL;
    cr_assert_eq(dg_clv_frame_run(&r, f, &per, &opt, &err), 0, "%s", err.message);
    cr_expect_eq(r->spend_fit.n_not_positive, 1);
    cr_expect_gt(r->spend_fit.n_customers, 3);
    long row = dg_clv_report_find(r, (uint32_t)dg_frame_customer_index(f, "R-77"));
    cr_assert_geq(row, 0);
    cr_expect(isnan(r->expected_spend[row]) && isnan(r->clv[row]));
    cr_expect(isfinite(r->p_alive[row]) && isfinite(r->expected_purchases[row]));
    long c0 = dg_clv_report_find(r, (uint32_t)dg_frame_customer_index(f, "C000"));
    cr_expect(isfinite(r->clv[c0]) && r->clv[c0] > 0);

    dg_table *t = NULL;
    cr_assert_eq(dg_clv_rank_table(&t, r, f->customer_id, 0, &err), 0, "%s", err.message);
    char *json = test_render_free(t, DG_FORMAT_JSON);
    cr_expect(strstr(json, "\"notes\":[\"the Gamma-Gamma spend model left out 1 customer ") != NULL,
              "%s", json);
    /* ranked last, with null spend and CLV */
    const char *last = strstr(json, "{\"customer_id\":\"R-77\"");
    cr_assert_not_null(last);
    cr_expect(strstr(last, "\"expected_spend\":null,\"clv\":null}]") != NULL, "%s", last);
    free(json);
    cr_assert_eq(dg_clv_histogram_table(&t, r, DG_CLV_HIST_VALUE, &err), 0, "%s", err.message);
    json = test_render_free(t, DG_FORMAT_JSON);
    cr_expect(strstr(json, "left out 1 customer") != NULL, "%s", json);
    free(json);
    char *card = test_render_free(dg_clv_card_section(r, row, 2), DG_FORMAT_CSV);
    /* a text cell starting with '-' is escaped in CSV as a spreadsheet formula would be */
    cr_expect(strstr(card, "expected spend per purchase,'- (mean repeat purchase value is 0 or "
                           "negative") != NULL, "%s", card);
    free(card);
    dg_clv_report_free(r);
    dg_frame_free(f);
}

/* Amounts in minor units are summed as integers and each mean is one division: 10 + 20 cents
 * over two repeat days is 0.15 exactly as a double (a double sum of 0.1 and 0.2 is not 0.3).
 * The same counts handed to dg_clv_summary_set (a cluster's nodes count them) give the same
 * summary to the bit, in continuous time and in whole periods; a day's sum past the int64
 * range is DG_ERANGE. */
Test(clv_frame, minor_units_are_summed_exactly)
{
    const uint32_t cust[] = {0, 0, 0, 0, 1, 1};
    const int32_t day[] = {0, 1, 2, 2, 5, 9};
    const int64_t minor[] = {999, 10, 15, 5, 700, -300};
    char a[] = "A", b[] = "B";
    char *ids[] = {a, b};
    dg_clv_transactions tx = {6, 2, cust, day, NULL, minor, 2, ids, NULL};
    dg_error err = {0};
    for (int discrete = 0; discrete < 2; discrete++) {
        dg_clv_period per = {9, 9, 1.0, discrete};
        dg_clv_summary *built = NULL, *set = NULL;
        cr_assert_eq(dg_clv_summary_build(&built, &tx, &per, &err), 0, "%s", err.message);
        cr_assert_eq(built->n, 2);
        cr_expect(built->monetary[0] == 0.15, "%.17g", built->monetary[0]);
        cr_expect(built->monetary[1] == -3.0, "%.17g", built->monetary[1]);
        const dg_clv_repeats r[2] = {{0, 2, 2, 30, 0},
                                     {5, discrete ? 4 : 9, 1, -300, 0}};
        cr_assert_eq(dg_clv_summary_new(&set, 2, &per, 2, &err), 0, "%s", err.message);
        for (size_t k = 0; k < 2; k++)
            dg_clv_summary_set(set, k, &r[k]);
        cr_expect_eq(memcmp(built->frequency, set->frequency, 2 * sizeof(double)), 0);
        cr_expect_eq(memcmp(built->recency, set->recency, 2 * sizeof(double)), 0);
        cr_expect_eq(memcmp(built->T, set->T, 2 * sizeof(double)), 0);
        cr_expect_eq(memcmp(built->monetary, set->monetary, 2 * sizeof(double)), 0);
        cr_expect_eq(memcmp(built->first_day, set->first_day, 2 * sizeof(int32_t)), 0);
        cr_expect_eq(built->money_decimals, 2);
        dg_clv_summary_free(built);
        dg_clv_summary_free(set);
    }
    const int64_t huge[] = {1, INT64_MAX, INT64_MAX, 0, 0, 0};
    dg_clv_transactions over = {6, 2, cust, day, NULL, huge, 2, ids, NULL};
    dg_clv_period per = {9, 9, 1.0, 0};
    dg_clv_summary *s = NULL;
    cr_expect_eq(dg_clv_summary_build(&s, &over, &per, &err), DG_ERANGE);
    cr_expect(strstr(err.message, "customer \"A\"") != NULL, "%s", err.message);
    cr_expect_null(s);
}
