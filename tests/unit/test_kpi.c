/* Monthly KPIs on a hand-made frame whose answers are counted by hand. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/kpi.h"
#include "dangol/text.h"
#include "support.h"

static dg_frame *frame;

/* Three customers, as of 2024-03-15:
 *   A joins 2024-01-05, orders 01-05 (10,000) and 03-01 (20,000); NPS 10 in March
 *   B joins 2024-02-10, orders 02-10 (5,000) and 02-20 (5,000);  NPS 3, then 9 in March
 *   C joins 2023-12-20, orders 2023-12-20 (1,000); NPS 8 in January; an order after as-of */
static void setup(void)
{
    dg_frame_builder *b = NULL;
    dg_error err;
    cr_assert_eq(dg_frame_builder_new(&b, dg_days_from_civil(2024, 3, 15), false, &err), 0);
    struct { const char *id; int y, m, d; } cust[] = {
        { "A", 2024, 1, 5 }, { "B", 2024, 2, 10 }, { "C", 2023, 12, 20 } };
    for (int i = 0; i < 3; i++) {
        dg_frame_customer_in c = { .customer_id = cust[i].id, .has_acquired_day = true,
                                   .acquired_day = dg_days_from_civil(cust[i].y, cust[i].m,
                                                                      cust[i].d) };
        cr_assert_eq(dg_frame_add_customer(b, &c, &err), 0, "%s", err.message);
    }
    struct { const char *id; int y, m, d; int64_t amount; } ord[] = {
        { "A", 2024, 1, 5, 10000 }, { "A", 2024, 3, 1, 20000 }, { "B", 2024, 2, 10, 5000 },
        { "B", 2024, 2, 20, 5000 }, { "C", 2023, 12, 20, 1000 }, { "C", 2024, 3, 20, 999 } };
    for (int i = 0; i < 6; i++) {
        dg_frame_order_in o = { .customer_id = ord[i].id, .amount_minor = ord[i].amount,
                                .ordered_at = (int64_t)dg_days_from_civil(ord[i].y, ord[i].m,
                                                                          ord[i].d) * 86400 };
        cr_assert_eq(dg_frame_add_order(b, &o, &err), 0, "%s", err.message);
    }
    struct { const char *id; int y, m, d, nps; } srv[] = {
        { "A", 2024, 3, 2, 10 }, { "B", 2024, 3, 3, 3 }, { "B", 2024, 3, 10, 9 },
        { "C", 2024, 1, 9, 8 } };
    for (int i = 0; i < 4; i++) {
        dg_frame_survey_in s = { .customer_id = srv[i].id, .has_nps = true, .nps = srv[i].nps,
                                 .day = dg_days_from_civil(srv[i].y, srv[i].m, srv[i].d) };
        cr_assert_eq(dg_frame_add_survey(b, &s, &err), 0, "%s", err.message);
    }
    cr_assert_eq(dg_frame_builder_finish(&frame, b, &err), 0, "%s", err.message);
    dg_frame_builder_free(b);
}

static void teardown(void)
{
    dg_frame_free(frame);
}

TestSuite(kpi, .init = setup, .fini = teardown);

Test(kpi, three_months_by_hand)
{
    dg_table *t = NULL;
    dg_error err;
    cr_assert_eq(dg_kpi_monthly(&t, frame, 3, &err), 0, "%s", err.message);
    cr_assert_eq(dg_table_rows(t), 3);
    char *json = test_render(t, DG_FORMAT_JSON);
    /* January: C before, A new -> 2 customers; A active (1 order, 10,000); buyers C, A; no repeat;
     * NPS one passive (8) -> 0; adjusted Wald: n' = 4, p = d = 0.75/4, half-width
     * 1.959963984540054 * sqrt(0.375/4) = 0.6001... */
    cr_assert(strstr(json, "{\"month\":\"2024-01\",\"customers\":2,\"new_customers\":1,"
                           "\"active_customers\":1,\"orders\":1,\"revenue\":10000,"
                           "\"repeat_rate\":0,\"nps\":0,\"nps_n\":1,\"nps_ci_low\":-60.01139595,"
                           "\"nps_ci_high\":60.01139595}"), "%s", json);
    /* February: B new -> 3; B active with 2 orders (10,000); buyers 3, repeaters 1 (B). */
    cr_assert(strstr(json, "{\"month\":\"2024-02\",\"customers\":3,\"new_customers\":1,"
                           "\"active_customers\":1,\"orders\":2,\"revenue\":10000,"
                           "\"repeat_rate\":0.3333333333,\"nps\":null,\"nps_n\":0,\"nps_ci_low\":null,"
                           "\"nps_ci_high\":null}"), "%s", json);
    /* March (to the 15th): A active (20,000), C's order of the 20th is after as-of; repeaters A, B
     * of 3 buyers; NPS: each customer once with the latest answer (B's 3 is replaced by 9), two
     * promoters -> 100 on n = 2 (not 33.3 on three answers); n' = 5, p = 2.75/5, d = 0.75/5. */
    cr_assert(strstr(json, "{\"month\":\"2024-03\",\"customers\":3,\"new_customers\":0,"
                           "\"active_customers\":1,\"orders\":1,\"revenue\":20000,"
                           "\"repeat_rate\":0.6666666667,\"nps\":100,\"nps_n\":2,"
                           "\"nps_ci_low\":-24.41098917,\"nps_ci_high\":100}"), "%s", json);
    free(json);
    dg_table_free(t);
}

Test(kpi, months_out_of_range)
{
    dg_table *t = NULL;
    dg_error err;
    cr_assert_eq(dg_kpi_monthly(&t, frame, 0, &err), DG_EINVAL);
    cr_assert_null(t);
    cr_assert_eq(dg_kpi_monthly(&t, frame, DG_KPI_MONTHS_MAX + 1, &err), DG_EINVAL);
}

/* A customer without any dated row (no acquisition day, no activity) is known at every date in
 * the frame, so in every month's customers too: the as-of month's count is loyalty's. */
Test(kpi, an_undated_customer_is_known_every_month)
{
    dg_frame_builder *b = NULL;
    dg_frame *f = NULL;
    dg_error err;
    cr_assert_eq(dg_frame_builder_new(&b, dg_days_from_civil(2024, 3, 15), false, &err), 0);
    dg_frame_customer_in dated = { .customer_id = "E", .has_acquired_day = true,
                                   .acquired_day = dg_days_from_civil(2024, 2, 1) };
    dg_frame_customer_in undated = { .customer_id = "F" };
    cr_assert_eq(dg_frame_add_customer(b, &dated, &err), 0, "%s", err.message);
    cr_assert_eq(dg_frame_add_customer(b, &undated, &err), 0, "%s", err.message);
    cr_assert_eq(dg_frame_builder_finish(&f, b, &err), 0, "%s", err.message);
    dg_frame_builder_free(b);
    cr_assert_eq(f->n_customers, 2);
    dg_table *t = NULL;
    cr_assert_eq(dg_kpi_monthly(&t, f, 2, &err), 0, "%s", err.message);
    char *json = test_render(t, DG_FORMAT_JSON);
    cr_expect(strstr(json, "{\"month\":\"2024-02\",\"customers\":2,\"new_customers\":1,"), "%s",
              json);
    cr_expect(strstr(json, "{\"month\":\"2024-03\",\"customers\":2,\"new_customers\":0,"), "%s",
              json);
    free(json);
    dg_table_free(t);
    dg_frame_free(f);
}
