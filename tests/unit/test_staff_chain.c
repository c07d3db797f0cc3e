/* The service-profit chain (dangol/staff.h): Pearson's r, its Fisher-z interval and p against
 * scipy (stats.pearsonr; the interval tanh(atanh(r) -/+ 1.96 / sqrt(n - 3)) by hand); too few
 * sites and a constant side give a status, never NaN; the chain of a hand-made frame joins the
 * sites of the orders and of the staff surveys by name and leaves out thin sites. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/staff.h"
#include "support.h"

#define DAY 86400

static dg_error err;

Test(staff_chain, pearson_and_fisher_match_scipy)
{
    const double x[] = { 1, 2, 3, 4, 5 }, y[] = { 2, 4, 5, 4, 5 };
    dg_corr c;
    dg_corr_pearson(&c, x, y, 5);
    cr_assert_eq(c.status, DG_CORR_OK);
    cr_assert_float_eq(c.r, 0.7745966692414834, 1e-12);
    cr_assert_float_eq(c.p, 0.12402706265755462, 1e-9);
    cr_assert_float_eq(c.ci_low, -0.34008203518751035, 1e-12);
    cr_assert_float_eq(c.ci_high, 0.9842357551507267, 1e-12);
}

Test(staff_chain, too_few_constant_and_perfect_never_nan)
{
    const double x[] = { 1, 2, 3, 4 }, same[] = { 7, 7, 7, 7 }, twice[] = { 2, 4, 6, 8 };
    dg_corr c;
    dg_corr_pearson(&c, x, twice, 3);
    cr_assert_eq(c.status, DG_CORR_TOO_FEW);
    cr_assert_eq(c.n, 3);
    dg_corr_pearson(&c, x, same, 4);
    cr_assert_eq(c.status, DG_CORR_CONSTANT);
    cr_assert(!isnan(c.r) && !isnan(c.ci_low) && !isnan(c.p));
    dg_corr_pearson(&c, x, twice, 4);
    cr_assert_eq(c.status, DG_CORR_OK);
    cr_assert_float_eq(c.r, 1.0, 1e-12);
    cr_assert_float_eq(c.ci_low, 1.0, 1e-12);
    cr_assert_float_eq(c.ci_high, 1.0, 1e-12);
    cr_assert_float_eq(c.p, 0.0, 1e-12);
}

static void served(dg_frame_builder *b, const char *customer, const char *site, int nps)
{
    dg_frame_customer_in c = { .customer_id = customer };
    cr_assert_eq(dg_frame_add_customer(b, &c, &err), 0);
    dg_frame_order_in o = { .customer_id = customer, .ordered_at = 10 * DAY, .amount_minor = 100,
                            .site = site };
    cr_assert_eq(dg_frame_add_order(b, &o, &err), 0, "%s", err.message);
    dg_frame_survey_in s = { .customer_id = customer, .day = 11, .csat = nps >= 9 ? 5 : 2,
                             .has_nps = true, .nps = nps };
    cr_assert_eq(dg_frame_add_survey(b, &s, &err), 0);
}

Test(staff_chain, sites_joined_by_name_thin_sites_left_out)
{
    dg_frame_builder *b;
    cr_assert_eq(dg_frame_builder_new(&b, 1000, false, &err), 0);
    served(b, "c1", "A", 10);   /* NPS +100 */
    served(b, "c2", "B", 0);    /* -100 */
    served(b, "c3", "C", 10);
    served(b, "c4", "D", 8);    /* 0 */
    served(b, "c5", "E", 0);
    dg_frame *f = test_frame_finish(b);
    /* E has only 2 responses: listed, left out of the correlation; F serves no customer */
    const dg_staff_survey_site sites[] = { { "A", 5, 90 }, { "B", 4, 20 }, { "C", 3, 70 },
                                           { "D", 6, 50 }, { "E", 2, 99 }, { "F", 9, 40 } };
    dg_staff_chain chain;
    cr_assert_eq(dg_staff_chain_compute(&chain, f, sites, 6, 0, 0, &err), 0, "%s", err.message);
    cr_assert_eq(chain.n_rows, 6);
    cr_assert_str_eq(chain.rows[4].site, "E");
    cr_assert(!chain.rows[4].in_correlation);
    cr_assert_eq(chain.rows[5].customers, 0);
    cr_assert_float_eq(chain.rows[1].value[DG_CHAIN_NPS], -100.0, 1e-9);
    /* A, B, C, D: x = 90, 20, 70, 50 against NPS 100, -100, 100, 0 */
    const double x[] = { 90, 20, 70, 50 }, y[] = { 100, -100, 100, 0 };
    dg_corr want;
    dg_corr_pearson(&want, x, y, 4);
    cr_assert_eq(chain.corr[DG_CHAIN_NPS].n, 4);
    cr_assert_float_eq(chain.corr[DG_CHAIN_NPS].r, want.r, 1e-12);
    cr_assert(chain.corr[DG_CHAIN_NPS].r > 0.9);
    dg_table *t1, *t2;
    cr_assert_eq(dg_staff_chain_tables(&t1, &t2, &chain, &err), 0);
    char *json = test_render_free(t2, DG_FORMAT_JSON);
    cr_assert(strstr(json, "not a cause") != NULL, "%s", json);
    cr_assert(!strstr(json, "nan") && !strstr(json, "inf"), "%s", json);
    free(json);
    dg_table_free(t1);
    dg_staff_chain_clear(&chain);
    dg_frame_free(f);
}
