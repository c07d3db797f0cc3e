/* Staff and sites (dangol/staff.h) on hand-made frames: customers served, orders, revenue, the
 * repeat rate of first-time customers and the attribution of answers counted by hand; a staff
 * member with 3 answers pulled to the site while one with 300 barely moves; no staff and no
 * answers give empty tables or empty cells with a note, never NaN. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/staff.h"
#include "support.h"

#define DAY 86400
#define AS_OF 1000

static dg_error err;

static void order(dg_frame_builder *b, const char *c, int day, int64_t amount, const char *staff,
                  const char *site)
{
    dg_frame_order_in o = { .customer_id = c, .ordered_at = (int64_t)day * DAY,
                            .amount_minor = amount, .staff_id = staff, .site = site };
    cr_assert_eq(dg_frame_add_order(b, &o, &err), 0, "%s", err.message);
}

static void answer(dg_frame_builder *b, const char *c, int day, int csat, int nps)
{
    dg_frame_survey_in s = { .customer_id = c, .day = day, .csat = csat, .has_nps = nps >= 0,
                             .nps = nps };
    cr_assert_eq(dg_frame_add_survey(b, &s, &err), 0);
}

static void customer(dg_frame_builder *b, const char *id)
{
    dg_frame_customer_in c = { .customer_id = id };
    cr_assert_eq(dg_frame_add_customer(b, &c, &err), 0);
}

static const dg_staff_unit *unit(const dg_frame *f, const dg_staff_result *r, const char *name)
{
    const dg_dict *d = r->by == DG_STAFF_BY_STAFF ? &f->staff : &f->sites;
    for (size_t i = 0; i < r->n_units; i++)
        if (strcmp(dg_dict_value(d, r->units[i].code), name) == 0)
            return &r->units[i];
    cr_assert_fail("no unit %s", name);
    return NULL;
}

Test(staff, counts_by_hand)
{
    dg_frame_builder *b;
    cr_assert_eq(dg_frame_builder_new(&b, AS_OF, false, &err), 0);
    customer(b, "c1");
    customer(b, "c2");
    customer(b, "c3");
    /* c1: first order by A at S1 on day 100, again on day 200 by B (within 180 days): repeat */
    order(b, "c1", 100, 1000, "A", "S1");
    order(b, "c1", 200, 500, "B", "S1");
    /* c2: first order by A on day 100, next on day 400 (after 180 days): no repeat */
    order(b, "c2", 100, 2000, "A", "S1");
    order(b, "c2", 400, 100, "A", "S1");
    /* c3: first order by B on day 900: the window is not over, not counted */
    order(b, "c3", 900, 300, "B", "S2");
    order(b, "c3", 905, 300, NULL, "S2");
    /* answers: c1 day 150 -> A (order of day 100); c1 day 250 -> B; c3 day 50 -> none */
    answer(b, "c1", 150, 5, 10);
    answer(b, "c1", 250, 2, 3);
    answer(b, "c3", 50, 4, 8);
    answer(b, "c3", 906, 4, 8);   /* after the order without staff: unattributed */
    dg_frame *f = test_frame_finish(b);
    dg_staff_result r;
    cr_assert_eq(dg_staff_compute(&r, f, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(r.n_units, 2);
    cr_assert_eq(r.orders_without_unit, 1);
    cr_assert_eq(r.answers_unattributed, 2);
    const dg_staff_unit *a = unit(f, &r, "A"), *bb = unit(f, &r, "B");
    cr_assert_eq(a->customers, 2);
    cr_assert_eq(a->orders, 3);
    cr_assert_eq(a->revenue_minor, 3100);
    cr_assert_eq(a->repeat_counts[0], 1);
    cr_assert_eq(a->repeat_counts[1], 1);
    cr_assert_eq(a->csat_counts[0], 1);
    cr_assert_eq(a->nps_counts[0], 1);
    cr_assert_eq(bb->customers, 2);
    cr_assert_eq(bb->revenue_minor, 800);
    cr_assert_eq(bb->repeat_counts[0] + bb->repeat_counts[1], 0);
    cr_assert_eq(bb->csat_counts[1], 1);
    cr_assert_eq(bb->nps_counts[2], 1);
    /* B has one order at S1 and one at S2: the tie goes to the lower code, S1 */
    cr_assert_str_eq(dg_dict_value(&f->sites, bb->group), "S1");
    dg_staff_result_clear(&r);
    /* by site */
    dg_staff_options by_site = { .by = DG_STAFF_BY_SITE };
    cr_assert_eq(dg_staff_compute(&r, f, &by_site, &err), 0);
    cr_assert_eq(r.n_units, 2);
    cr_assert_eq(unit(f, &r, "S1")->customers, 2);
    cr_assert_eq(unit(f, &r, "S2")->orders, 2);
    cr_assert_eq(r.answers_unattributed, 1);
    dg_staff_result_clear(&r);
    dg_frame_free(f);
}

Test(staff, few_answers_are_pulled_to_the_site_many_are_not)
{
    dg_frame_builder *b;
    char id[16];
    cr_assert_eq(dg_frame_builder_new(&b, AS_OF, false, &err), 0);
    customer(b, "few");
    order(b, "few", 10, 100, "FEW", "S1");
    for (int k = 0; k < 3; k++)
        answer(b, "few", 11 + k, 5, 10);
    for (int i = 0; i < 400; i++) {   /* MANY: 150 of 300; GOOD: 75 of 100 */
        snprintf(id, sizeof id, "m%03d", i);
        customer(b, id);
        order(b, id, 10, 100, i < 300 ? "MANY" : "GOOD", "S1");
        answer(b, id, 11, (i < 300 ? i % 2 : i % 4 != 0) ? 5 : 2, -1);
    }
    dg_frame *f = test_frame_finish(b);
    dg_staff_result r;
    cr_assert_eq(dg_staff_compute(&r, f, NULL, &err), 0);
    const dg_staff_unit *few = unit(f, &r, "FEW"), *many = unit(f, &r, "MANY");
    uint32_t g = few->group;
    double site = r.csat_prior.mean[2 * g], m = dg_shrink_strength(&r.csat_prior, g);
    cr_assert_float_eq(site, (228 + 0.5) / (403 + 1.0), 1e-12);
    cr_assert(m > 0 && m <= 403.0);
    cr_assert_float_eq(few->csat.raw, 1.0, 1e-12);
    cr_assert_float_eq(few->csat.shrunk, (m * site + 3) / (m + 3), 1e-12);
    cr_assert_float_eq(many->csat.shrunk, (m * site + 150) / (m + 300), 1e-12);
    /* 3 answers: most of the way to the site; 300: within a point of their own share */
    cr_assert(few->csat.shrunk - site < 0.5 * (1.0 - site), "%g vs site %g", few->csat.shrunk,
              site);
    cr_assert(fabs(many->csat.shrunk - many->csat.raw) < 0.01);
    cr_assert(few->csat.ci_high - few->csat.ci_low > many->csat.ci_high - many->csat.ci_low);
    /* ranked by CSAT, the person with 3 perfect answers is not first: GOOD is */
    dg_table *t;
    cr_assert_eq(dg_staff_table(&t, f, &r, DG_STAFF_RANK_CSAT, &err), 0);
    char *csv = test_render_free(t, DG_FORMAT_CSV);
    cr_assert(strstr(csv, "\n1,GOOD,S1,") != NULL, "%s", csv);
    free(csv);
    dg_staff_result_clear(&r);
    dg_frame_free(f);
}

Test(staff, no_staff_and_no_answers_say_so_never_nan)
{
    dg_frame_builder *b;
    cr_assert_eq(dg_frame_builder_new(&b, AS_OF, false, &err), 0);
    customer(b, "c1");
    order(b, "c1", 10, 100, NULL, NULL);
    dg_frame *f = test_frame_finish(b);
    dg_staff_result r;
    dg_table *t;
    cr_assert_eq(dg_staff_compute(&r, f, NULL, &err), 0);
    cr_assert_eq(r.n_units, 0);
    cr_assert_eq(dg_staff_table(&t, f, &r, DG_STAFF_RANK_NPS, &err), 0);
    cr_assert_eq(dg_table_rows(t), 0);
    bool said = false;
    for (size_t i = 0; i < dg_table_notes(t); i++)
        said |= strstr(dg_table_note(t, i), "no order names a staff member") != NULL;
    cr_assert(said);
    dg_table_free(t);
    dg_staff_result_clear(&r);
    dg_frame_free(f);

    /* staff, but not a single answer: rates of answers are empty (null), not NaN */
    cr_assert_eq(dg_frame_builder_new(&b, AS_OF, false, &err), 0);
    customer(b, "c1");
    order(b, "c1", 10, 100, "A", "S1");
    f = test_frame_finish(b);
    cr_assert_eq(dg_staff_compute(&r, f, NULL, &err), 0);
    cr_assert_eq(dg_staff_table(&t, f, &r, DG_STAFF_RANK_NPS, &err), 0);
    char *json = test_render_free(t, DG_FORMAT_JSON);
    cr_assert(!strstr(json, "nan") && !strstr(json, "NaN") && !strstr(json, "inf"), "%s", json);
    cr_assert(strstr(json, "\"csat\":null") != NULL, "%s", json);
    cr_assert(strstr(json, "no survey answer") != NULL, "%s", json);
    free(json);
    dg_staff_result_clear(&r);
    dg_frame_free(f);
}

Test(staff, options_are_checked)
{
    dg_staff_by by;
    dg_staff_rank rank;
    cr_assert_eq(dg_staff_by_parse("store", &by, &err), DG_EINVAL);
    cr_assert(strstr(err.message, "staff, site"));
    cr_assert_eq(dg_staff_rank_parse("speed", &rank, &err), DG_EINVAL);
    cr_assert_eq(dg_staff_rank_parse("repeat", &rank, &err), 0);
    cr_assert_eq(rank, DG_STAFF_RANK_REPEAT);
    dg_frame_builder *b;
    cr_assert_eq(dg_frame_builder_new(&b, AS_OF, false, &err), 0);
    dg_frame *f = test_frame_finish(b);
    dg_staff_result r;
    dg_staff_options bad = { .repeat_days = 5000 };
    cr_assert_eq(dg_staff_compute(&r, f, &bad, &err), DG_EINVAL);
    dg_frame_free(f);
}
