/* The frame: CSR grouping and time order, as-of filtering of rows and customers, dictionaries,
 * order lines, referrals, and the build from a real store. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dangol/frame.h"
#include "dangol/store.h"
#include "support.h"

#define DAY 86400

static dg_error err;

static dg_frame *sample(int32_t as_of)
{
    dg_frame_builder *b = NULL;
    cr_assert_eq(dg_frame_builder_new(&b, as_of, true, &err), 0);
    dg_frame_customer_in customers[] = {
        { .customer_id = "C1", .region = "Seoul", .gender = "F", .birth_year = 1980 },
        { .customer_id = "C2", .region = "Busan", .has_acquired_day = true, .acquired_day = 5 },
        { .customer_id = "C3", .region = "Seoul", .has_acquired_day = true, .acquired_day = 50 },
        { .customer_id = "C4" },
    };
    for (size_t i = 0; i < 4; i++)
        cr_assert_eq(dg_frame_add_customer(b, &customers[i], &err), 0, "%s", err.message);
    cr_assert_eq(dg_frame_add_customer(b, &customers[0], &err), DG_EEXIST);
    dg_frame_order_in orders[] = {
        { .customer_id = "C2", .order_id = "O1", .ordered_at = 20 * DAY + 5, .amount_minor = 200,
          .channel = "web" },
        { .customer_id = "C1", .order_id = "O2", .ordered_at = 10 * DAY, .amount_minor = 100,
          .channel = "store" },
        { .customer_id = "C1", .order_id = "O3", .ordered_at = 3 * DAY, .amount_minor = 30,
          .channel = "web" },
        { .customer_id = "C1", .order_id = "O4", .ordered_at = 40 * DAY, .amount_minor = 400 },
        { .customer_id = "C3", .order_id = "O5", .ordered_at = 60 * DAY, .amount_minor = 600 },
        { .customer_id = "C2", .order_id = "O6", .ordered_at = 20 * DAY + 1, .amount_minor = 201 },
    };
    for (size_t i = 0; i < 6; i++)
        cr_assert_eq(dg_frame_add_order(b, &orders[i], &err), 0, "%s", err.message);
    dg_frame_order_in bad = { .customer_id = "nobody", .ordered_at = 0 };
    cr_assert_eq(dg_frame_add_order(b, &bad, &err), DG_ENOTFOUND);
    cr_assert(strstr(err.message, "nobody"));
    dg_frame_product_in p = { "P1", "skin", "acme" };
    cr_assert_eq(dg_frame_add_product(b, &p, &err), 0);
    dg_frame_line_in lines[] = { { "O2", "P1", 2, 60, 2 }, { "O2", "P9", 1, 40, 1 }, { "O1", "P1", 1, 200, 1 },
                                 { "O4", "P1", 1, 400, 1 } };
    for (size_t i = 0; i < 4; i++)
        cr_assert_eq(dg_frame_add_line(b, &lines[i], &err), 0, "%s", err.message);
    dg_frame_survey_in s1 = { .customer_id = "C1", .day = 12, .has_nps = true, .nps = 0,
                              .csat = 5, .touchpoint = "store" };
    dg_frame_survey_in s2 = { .customer_id = "C1", .day = 8, .csat = 9 /* out of range */ };
    cr_assert_eq(dg_frame_add_survey(b, &s1, &err), 0);
    cr_assert_eq(dg_frame_add_survey(b, &s2, &err), 0);
    dg_frame_referral_in r1 = { "C1", "C2", 15 }, r2 = { "C1", "C3", 16 };
    cr_assert_eq(dg_frame_add_referral(b, &r1, &err), 0);
    cr_assert_eq(dg_frame_add_referral(b, &r2, &err), 0);
    dg_frame_partner_in pa = { "C2", "panel", 25 };
    cr_assert_eq(dg_frame_add_partner(b, &pa, &err), 0);
    dg_frame_feedback_in fb = { .customer_id = "C2", .received_at = 21 * DAY, .kind = "compliment",
                                .rating = 5 };
    cr_assert_eq(dg_frame_add_feedback(b, &fb, &err), 0);
    return test_frame_finish(b);
}

Test(frame, groups_sorts_and_filters_by_as_of)
{
    dg_frame *f = sample(30);
    /* C3 is acquired on day 50 > 30: not known yet, dropped with its order and referral */
    cr_assert_eq(f->n_customers, 3);
    cr_assert_str_eq(f->customer_id[2], "C4");
    cr_assert_eq(dg_frame_customer_index(f, "C3"), -1);
    cr_assert_eq(dg_frame_customer_index(f, "C4"), 2);
    /* O4 (day 40) is after as_of */
    cr_assert_eq(f->n_orders, 4);
    size_t expect_offsets[] = { 0, 2, 4, 4 };
    for (size_t c = 0; c < 4; c++)
        cr_assert_eq(f->order_offset[c], expect_offsets[c]);
    int32_t expect_days[] = { 3, 10, 20, 20 };
    int64_t expect_amounts[] = { 30, 100, 201, 200 };
    for (size_t k = 0; k < 4; k++) {
        cr_assert_eq(f->order_day[k], expect_days[k]);
        cr_assert_eq(f->order_amount_minor[k], expect_amounts[k]);
        cr_assert_eq(f->order_customer[k], k < 2 ? 0u : 1u);
    }
    cr_assert_str_eq(dg_dict_value(&f->channels, f->order_channel[0]), "web");
    cr_assert_str_eq(dg_dict_value(&f->channels, f->order_channel[1]), "store");
    cr_assert_eq(f->order_channel[3], (uint32_t)dg_dict_find(&f->channels, "web"));
    cr_assert_eq(f->order_channel[2], 0);
    cr_assert_eq(f->first_order_day, 3);
    cr_assert_eq(f->region[0], f->region[0]);
    cr_assert_str_eq(dg_dict_value(&f->regions, f->region[1]), "Busan");
    cr_assert_eq(f->region[2], 0);
    cr_assert_eq(f->first_seen_day[0], 3);
    cr_assert_eq(f->first_seen_day[1], 5);
    cr_assert_eq(f->first_seen_day[2], DG_DAY_NONE);
    dg_frame_free(f);
}

Test(frame, lines_surveys_referrals)
{
    dg_frame *f = sample(30);
    cr_assert(f->has_lines);
    cr_assert_eq(f->n_lines, 3);  /* O4's line went with O4 */
    /* orders: C1 O3(d3) O2(d10); C2 O6 O1 */
    size_t expect_offsets[] = { 0, 0, 2, 2, 3 };
    for (size_t o = 0; o < 5; o++)
        cr_assert_eq(f->line_offset[o], expect_offsets[o]);
    /* O2's lines come back in line_no order, not arrival order */
    cr_assert_eq(f->line_amount_minor[0], 40);
    cr_assert_eq(f->line_order[1], 1);
    cr_assert_str_eq(dg_dict_value(&f->products, f->line_product[0]), "P9");
    cr_assert_str_eq(dg_dict_value(&f->categories, f->product_category[f->line_product[1]]),
                     "skin");
    cr_assert_eq(f->product_category[f->line_product[0]], 0);

    cr_assert_eq(f->n_surveys, 2);
    cr_assert_eq(f->survey_day[0], 8);
    cr_assert_eq(f->survey_nps[0], -1);
    cr_assert_eq(f->survey_csat[0], 0);
    cr_assert_eq(f->survey_nps[1], 0);
    cr_assert_eq(f->survey_csat[1], 5);
    cr_assert_eq(f->n_referrals, 1);
    cr_assert_eq(f->referral_offset[1], 1);
    cr_assert_eq(f->referral_referred[0], 1);
    cr_assert_eq(f->n_partner, 1);
    cr_assert_eq(f->partner_offset[1], 0);
    cr_assert_eq(f->partner_offset[2], 1);
    cr_assert_str_eq(dg_dict_value(&f->partner_activities, f->partner_activity[0]), "panel");
    cr_assert_eq(f->n_feedback, 1);
    cr_assert_eq(f->feedback_day[0], 21);
    dg_frame_free(f);
}

Test(frame, later_as_of_keeps_everything)
{
    dg_frame *f = sample(100);
    cr_assert_eq(f->n_customers, 4);
    cr_assert_eq(f->n_orders, 6);
    cr_assert_eq(f->n_referrals, 2);
    cr_assert_eq(f->order_offset[1], 3);
    cr_assert_eq(f->order_day[2], 40);
    cr_assert_eq(f->n_lines, 4);
    dg_frame_free(f);
}

Test(frame, empty_builder)
{
    dg_frame_builder *b = NULL;
    dg_frame *f = NULL;
    cr_assert_eq(dg_frame_builder_new(&b, 0, false, &err), 0);
    cr_assert_eq(dg_frame_builder_finish(&f, b, &err), 0);
    cr_assert_eq(f->n_customers, 0);
    cr_assert_eq(f->order_offset[0], 0);
    cr_assert_eq(f->first_order_day, DG_DAY_NONE);
    dg_frame_builder_free(b);
    dg_frame_free(f);
    dg_frame_free(NULL);
    dg_frame_builder_free(NULL);
}

Test(frame, day_of_floors_negative_timestamps)
{
    cr_assert_eq(dg_day_of(0), 0);
    cr_assert_eq(dg_day_of(86399), 0);
    cr_assert_eq(dg_day_of(-1), -1);
    cr_assert_eq(dg_day_of(-86400), -1);
    cr_assert_eq(dg_day_of(-86401), -2);
}

static void null_row(const dg_entity *e, dg_value *row)
{
    for (size_t c = 0; c < e->n_columns; c++)
        row[c] = (dg_value){ .is_null = true };
}

static void put(dg_store *s, const char *entity, const char *const *names, const dg_value *vals,
                size_t n)
{
    const dg_entity *e = dg_entity_find(entity);
    dg_value row[32];
    null_row(e, row);
    for (size_t i = 0; i < n; i++)
        row[dg_entity_column(e, names[i])] = vals[i];
    cr_assert_eq(dg_store_put(s, e, row, &err), 0, "%s", err.message);
}

Test(frame, from_store)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/dangol-test-frame-%d.db", (int)getpid());
    unlink(path);
    dg_store *s = NULL;
    cr_assert_eq(dg_store_open(&s, path, DG_STORE_CREATE, &err), 0, "%s", err.message);
    const char *cn[] = { "customer_id", "region", "acquired_on" };
    put(s, "customers", cn, (dg_value[]){ { .u.s = "A" }, { .u.s = "Seoul" }, { .u.i = 100 } }, 3);
    put(s, "customers", cn, (dg_value[]){ { .u.s = "B" }, { .is_null = true }, { .is_null = true } }, 3);
    const char *on[] = { "order_id", "customer_id", "ordered_at", "total", "channel" };
    put(s, "orders", on, (dg_value[]){ { .u.s = "o1" }, { .u.s = "B" }, { .u.i = 120 * DAY },
                                       { .u.i = 5000 }, { .u.s = "web" } }, 5);
    put(s, "orders", on, (dg_value[]){ { .u.s = "o2" }, { .u.s = "B" }, { .u.i = 110 * DAY },
                                       { .u.i = 7000 }, { .is_null = true } }, 5);
    put(s, "orders", on, (dg_value[]){ { .u.s = "o3" }, { .u.s = "A" }, { .u.i = 130 * DAY },
                                       { .u.i = 1000 }, { .u.s = "web" } }, 5);
    const char *sn[] = { "response_id", "customer_id", "answered_on", "nps" };
    put(s, "surveys", sn, (dg_value[]){ { .u.s = "r1" }, { .u.s = "A" }, { .u.i = 131 },
                                        { .u.i = 10 } }, 4);
    dg_frame *f = NULL;
    cr_assert_eq(dg_frame_from_store(&f, s, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(f->as_of, 131);
    cr_assert_eq(f->n_customers, 2);
    cr_assert_str_eq(f->customer_id[0], "A");
    cr_assert_eq(f->n_orders, 3);
    cr_assert_eq(f->order_offset[1], 1);
    cr_assert_eq(f->order_day[1], 110);
    cr_assert_eq(f->order_amount_minor[2], 5000);
    cr_assert_eq(f->survey_nps[0], 10);
    cr_assert_str_eq(f->currency, "KRW");
    dg_frame_free(f);

    dg_frame_options opts = { .as_of = 115 };
    cr_assert_eq(dg_frame_from_store(&f, s, &opts, &err), 0, "%s", err.message);
    cr_assert_eq(f->n_customers, 2);   /* A acquired on 100 */
    cr_assert_eq(f->n_orders, 1);
    cr_assert_eq(f->n_surveys, 0);
    dg_frame_free(f);
    dg_store_close(s);
    unlink(path);
}
