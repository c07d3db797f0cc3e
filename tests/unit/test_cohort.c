/* Cohorts on hand-made arrays: month cohorts, channel cohorts whose members reach month k at
 * different times (eligibility), orders before acquisition, and customers never acquired. */
#include <criterion/criterion.h>

#include "dangol/cohort.h"
#include "dangol/text.h"

static int32_t day(int y, int m, int d) { return dg_days_from_civil(y, m, d); }

/* c0 acquired 2024-01-10: orders Jan 100, Jan 50, Mar 30
 * c1 acquired 2024-02-20: orders Jan 10 (before acquisition: month 0), Feb 20, Mar 40
 * c2 never acquired, no orders
 * c3 acquired 2024-03-01: order Mar 5
 * as of 2024-03-31; channels c0 web, c1 store, c3 web */
static uint32_t order_customer[] = { 0, 0, 0, 1, 1, 1, 3 };
static int64_t revenue[] = { 100, 50, 30, 10, 20, 40, 5 };

static void input(dg_cohort_input *in, int32_t *acquired, int32_t *days)
{
    acquired[0] = day(2024, 1, 10);
    acquired[1] = day(2024, 2, 20);
    acquired[2] = DG_DAY_NONE;
    acquired[3] = day(2024, 3, 1);
    int32_t d[] = { day(2024, 1, 11), day(2024, 1, 30), day(2024, 3, 2), day(2024, 1, 5),
                    day(2024, 2, 21), day(2024, 3, 3), day(2024, 3, 31) };
    for (int i = 0; i < 7; i++)
        days[i] = d[i];
    *in = (dg_cohort_input){ .n_customers = 4, .acquired_day = acquired, .n_orders = 7,
                             .order_customer = order_customer, .order_day = days,
                             .order_revenue_minor = revenue, .as_of = day(2024, 3, 31) };
}

Test(cohort, by_acquisition_month)
{
    int32_t acquired[4], days[7];
    dg_cohort_input in;
    input(&in, acquired, days);
    dg_cohort_result *r = NULL;
    dg_error err;
    cr_assert_eq(dg_cohort_compute(&r, &in, &err), 0, "%s", err.message);
    cr_assert_eq(r->n_cohorts, 3);
    cr_assert_eq(r->n_periods, 3);
    cr_expect_str_eq(r->labels[0], "2024-01");
    cr_expect_str_eq(r->labels[2], "2024-03");
    /* 2024-01 = {c0}: M0 active 150, M1 nothing, M2 30 */
    cr_expect_eq(r->size[0], 1);
    cr_expect_eq(r->active[0], 1);
    cr_expect_eq(r->revenue_minor[0], 150);
    cr_expect_eq(r->active[1], 0);
    cr_expect_eq(r->eligible[1], 1);
    cr_expect_eq(r->revenue_minor[2], 30);
    /* 2024-02 = {c1}: the January order counts in M0 with February's; M2 not begun */
    cr_expect_eq(r->revenue_minor[3 + 0], 30);
    cr_expect_eq(r->revenue_minor[3 + 1], 40);
    cr_expect_eq(r->eligible[3 + 2], 0);
    /* 2024-03 = {c3} */
    cr_expect_eq(r->size[2], 1);
    cr_expect_eq(r->active[6], 1);
    cr_expect_eq(r->eligible[7], 0);
    dg_table *t = NULL;
    cr_assert_eq(dg_cohort_table(&t, r, DG_COHORT_RETENTION, 0, 0, &err), 0);
    cr_expect_eq(dg_table_rows(t), 3);
    cr_expect_eq(dg_table_columns(t), 5);  /* cohort, customers, M0..M2 */
    dg_table_free(t);
    dg_cohort_result_free(r);
}

Test(cohort, channel_cohorts_count_eligibility_per_member)
{
    int32_t acquired[4], days[7];
    dg_cohort_input in;
    input(&in, acquired, days);
    uint32_t channel[] = { 0, 1, 0, 0 };
    const char *labels[] = { "web", "store" };
    in.cohort = channel;
    in.n_labels = 2;
    in.labels = labels;
    dg_cohort_result *r = NULL;
    dg_error err;
    cr_assert_eq(dg_cohort_compute(&r, &in, &err), 0, "%s", err.message);
    size_t P = r->n_periods;
    cr_assert_eq(P, 3);
    /* web = {c0 (Jan), c3 (Mar)}: M0 both eligible and active; M1 only c0 eligible, inactive;
     * M2 only c0 eligible, active */
    cr_expect_eq(r->size[0], 2);
    cr_expect_eq(r->eligible[0], 2);
    cr_expect_eq(r->active[0], 2);
    cr_expect_eq(r->revenue_minor[0], 155);
    cr_expect_eq(r->eligible[1], 1);
    cr_expect_eq(r->active[1], 0);
    cr_expect_eq(r->eligible[2], 1);
    cr_expect_eq(r->active[2], 1);
    /* store = {c1 (Feb)}: M0, M1 eligible, M2 not */
    cr_expect_eq(r->eligible[P + 1], 1);
    cr_expect_eq(r->eligible[P + 2], 0);
    dg_cohort_result_free(r);

    channel[1] = 7;  /* out of range */
    cr_expect_eq(dg_cohort_compute(&r, &in, &err), DG_EINVAL);
}

/* By month over the whole date range (1900-01 .. 2100-12, 2,412 months): one cohort per month in
 * which someone was acquired, so two customers make 2 x 2,412 cells, not 2,412 x 2,412. */
Test(cohort, cohorts_grow_with_customers_not_with_the_span)
{
    int32_t acquired[2] = { day(1900, 1, 1), day(2100, 12, 31) };
    int32_t days[2] = { day(1900, 1, 5), day(2100, 12, 31) };
    uint32_t owner[2] = { 0, 1 };
    int64_t amounts[2] = { 10, 20 };
    dg_cohort_input in = { .n_customers = 2, .acquired_day = acquired, .n_orders = 2,
                           .order_customer = owner, .order_day = days,
                           .order_revenue_minor = amounts, .as_of = day(2100, 12, 31) };
    dg_cohort_result *r = NULL;
    dg_error err;
    cr_assert_eq(dg_cohort_compute(&r, &in, &err), 0, "%s", err.message);
    cr_assert_eq(r->n_periods, 2412);
    cr_assert_eq(r->n_cohorts, 2);
    cr_expect_str_eq(r->labels[0], "1900-01");
    cr_expect_str_eq(r->labels[1], "2100-12");
    cr_expect_eq(r->revenue_minor[0], 10);
    cr_expect_eq(r->eligible[2411], 1);
    cr_expect_eq(r->revenue_minor[2412], 20);
    cr_expect_eq(r->eligible[2412 + 1], 0);
    dg_cohort_result_free(r);
}
