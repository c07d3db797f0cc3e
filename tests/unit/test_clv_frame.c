/* CLV from a hand-built frame: the summary (same-day merge, repeat-only frequency and mean value,
 * weeks), dg_clv_frame_run and the customer-card section. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "dangol/clv.h"
#include "dangol/text.h"

static dg_frame *small_frame(void)
{
    dg_error err = {0};
    dg_frame_builder *b = NULL;
    dg_frame *f = NULL;
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
    cr_assert_eq(dg_frame_builder_finish(b, &f, &err), 0, "%s", err.message);
    dg_frame_builder_free(b);
    return f;
}

Test(clv_frame, summary_merges_days_and_counts_repeats)
{
    dg_frame *f = small_frame();
    dg_error err = {0};
    dg_clv_transactions tx = dg_clv_frame_transactions(f);
    dg_clv_period per = {dg_days_from_civil(2024, 1, 1) + 100, dg_days_from_civil(2024, 1, 1) + 200,
                         7.0};
    dg_clv_summary *s = NULL;
    cr_assert_eq(dg_clv_summary_build(&tx, &per, &s, &err), 0, "%s", err.message);
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
    dg_clv_period per = {DG_DAY_NONE, 0, 7.0};
    dg_clv_options opt = {DG_BTYD_BGNBD, 1, 52, 0.01, {0}};
    dg_clv_report *r = NULL;
    cr_assert_eq(dg_clv_frame_run(f, &per, &opt, &r, &err), 0, "%s", err.message);
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
