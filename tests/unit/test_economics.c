/* Economics (dangol/economics.h, dg_report_economics): CAC, the cohort margin curve, payback
 * and contribution against examples worked by hand, the config file's errors at
 * file:line:column, and the report on a small store against the same figures by hand and by
 * an independent SQL query over the store. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/economics.h"
#include "dangol/report.h"
#include "dangol/store.h"
#include "dangol/text.h"
#include "support.h"

/* ---- the pure figures, by hand ---- */

Test(economics, cac_is_spend_over_new_customers)
{
    cr_assert_float_eq(dg_economics_cac(300000, 4), 75000.0, 1e-9);
    cr_assert_float_eq(dg_economics_cac(100, 3), 33.333333333, 1e-6);
    cr_assert(isnan(dg_economics_cac(5000, 0)), "no new customers: no CAC");
}

/* Two cohorts: month 100 (2 customers) and 101 (1 customer), three months since acquisition,
 * last month 102. Month 0: both, (10 + 5) / 3 = 5; month 1: both (101 + 1 <= 102),
 * (20 + 7) / 3 = 9; month 2: only the first (101 + 2 > 102), 30 / 2 = 15. */
Test(economics, margin_curve_by_hand)
{
    const int32_t month[] = { 100, 101 };
    const int64_t customers[] = { 2, 1 };
    const double margin[] = { 10, 20, 30, 5, 7, 9 };
    double curve[3];
    dg_economics_margin_curve(curve, 3, month, customers, margin, 2, 102);
    cr_assert_float_eq(curve[0], 5.0, 1e-12);
    cr_assert_float_eq(curve[1], 9.0, 1e-12);
    cr_assert_float_eq(curve[2], 15.0, 1e-12);
    dg_economics_margin_curve(curve, 3, month, customers, margin, 2, 100);
    cr_assert_float_eq(curve[0], 5.0, 1e-12, "month 0 of cohort 100 only: 10 / 2");
    cr_assert(isnan(curve[1]) && isnan(curve[2]), "no cohort has reached months 1 and 2");
}

/* Cumulative 1000, 3000, 6000. */
Test(economics, payback_is_the_first_month_the_cumulative_margin_reaches_cac)
{
    const double curve[] = { 1000, 2000, 3000 };
    cr_assert_eq(dg_economics_payback_months(curve, 3, 999), 1);
    cr_assert_eq(dg_economics_payback_months(curve, 3, 1000), 1);
    cr_assert_eq(dg_economics_payback_months(curve, 3, 2500), 2);
    cr_assert_eq(dg_economics_payback_months(curve, 3, 6000), 3);
    cr_assert_eq(dg_economics_payback_months(curve, 3, 6001), 0, "never within 3 months");
    cr_assert_eq(dg_economics_payback_months(curve, 3, 0), 1);
    cr_assert_eq(dg_economics_payback_months(curve, 3, NAN), 0);
    const double gap[] = { 1000, NAN, 9000 };
    cr_assert_eq(dg_economics_payback_months(gap, 3, 5000), 0, "a month not yet observed stops");
}

/* Margin 4000; cost to serve 500 + 300 x 2 + 2 x 1500 = 4100; contribution -100. */
Test(economics, contribution_by_hand)
{
    dg_economics_customer c = { .revenue = 10000, .costed_revenue = 10000, .gross_margin = 4000,
                                .coupon_discounts = 500, .points_burned = 300, .tickets = 2 };
    cr_assert_eq(dg_economics_cost_to_serve(&c, 2, 1500), 4100);
    cr_assert_eq(dg_economics_contribution(&c, 2, 1500), -100);
    cr_assert_eq(dg_economics_contribution(&c, 0, 0), 3500);
}

Test(economics, config_file_and_its_errors)
{
    dg_economics_config c;
    dg_economics_config_init(&c);
    cr_assert_eq(c.ticket_cost_minor, 0);
    cr_assert_eq(c.retention_months, 12);
    dg_error err;
    cr_assert_eq(dg_economics_config_parse(&c, "# costs\nticket_cost = 4500  # per ticket\n"
                                           "retention_months=6\n", "e.conf", &err), 0,
                 "%s", err.message);
    cr_assert_eq(c.ticket_cost_minor, 4500);
    cr_assert_eq(c.retention_months, 6);
    cr_assert_eq(dg_economics_config_parse(&c, "retention_months = 3\nticket_cost = -5\n",
                                           "e.conf", &err), DG_EINVAL);
    cr_assert_str_eq(err.message, "e.conf:2:15: ticket_cost = \"-5\": expected a whole amount "
                     "in minor units from 0 to 1000000000000");
    cr_assert_eq(c.retention_months, 6, "a bad file changes nothing");
    cr_assert_eq(dg_economics_config_parse(&c, "\n\n  ticket_kost = 5\n", "e.conf", &err),
                 DG_EINVAL);
    cr_assert_str_eq(err.message, "e.conf:3:17: unknown key \"ticket_kost\"; valid: "
                     "ticket_cost, retention_months");
    cr_assert_eq(dg_economics_config_parse(&c, "retention_months = 0\n", "e.conf", &err),
                 DG_EINVAL);
    cr_assert_eq(dg_economics_config_parse(&c, "ticket_cost\n", "e.conf", &err), DG_EPARSE);
    cr_assert_str_eq(err.message, "e.conf:1:1: expected \"key = value\", got \"ticket_cost\"");
}

Test(economics, views_by_code_and_name)
{
    dg_economics_view v;
    dg_error err;
    cr_assert_eq(dg_economics_view_parse("clv-cac", &v, &err), 0);
    cr_assert_eq(v, DG_ECONOMICS_VIEW_CHANNELS);
    cr_assert_eq(dg_economics_view_parse("고객 수익성", &v, &err), 0);
    cr_assert_eq(v, DG_ECONOMICS_VIEW_PROFIT);
    cr_assert_eq(dg_economics_view_parse("ltv", &v, &err), DG_EINVAL);
    cr_assert(strstr(err.message, "valid: cac, clv-cac, profit, retention"));
}

/* ---- the report on a small store ----
 * search: A (acquired 2024-01-10) and B (2024-01-20); sns: C (2024-02-05). Spend: search
 * 2024-01 16,000 (CAC 8,000), sns 2024-02 12,000 (CAC 12,000). P1 costs 4,000; P2 has no cost.
 * A: O1 2024-01-15 2 x P1 = 20,000 (margin 12,000), O2 2024-02-10 1 x P1 = 10,000 (6,000), a
 *    coupon of 1,000 on O2: contribution 18,000 - 1,000 = 17,000
 * B: O3 2024-03-01 1 x P2 = 5,000 (no margin), 500 points burned on 2024-02-20 (x 2 = 1,000)
 * C: O4 2024-02-06 3 x P1 = 30,000 (18,000), two tickets (x 1,500): 15,000
 * search's margin curve: month 0 12,000 / 2 = 6,000 < 8,000, month 1 + 3,000 = 9,000: payback
 * 2; sns: 18,000 >= 12,000 in month 0: payback 1. Retention over 2 months (2024-02-01 to
 * 2024-03-01): acquisition 12,000 / 1 (C); retention (1,000 + 1,000) / 2 (A and B) = 1,000. */

static dg_store *store;
static char path[64];

#define DAY(d) "CAST(strftime('%s', '" d "') / 86400 AS INTEGER)"
#define TS(d) "strftime('%s', '" d "T12:00:00')"

static void small_store(void)
{
    store = test_store_create(path, sizeof path, "economics");
    dg_error err;
    cr_assert_eq(dg_store_setting_set(store, "currency", "KRW", &err), 0);
    test_sql(path,
        "INSERT INTO customers (customer_id, acquisition_channel, acquired_on) VALUES "
        " ('A', 'search', " DAY("2024-01-10") "), ('B', 'search', " DAY("2024-01-20") "),"
        " ('C', 'sns', " DAY("2024-02-05") ");"
        "INSERT INTO products (product_id, price, unit_cost) VALUES ('P1', 10000, 4000),"
        " ('P2', 5000, NULL);"
        "INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES"
        " ('O1', 'A', " TS("2024-01-15") ", 20000), ('O2', 'A', " TS("2024-02-10") ", 10000),"
        " ('O3', 'B', " TS("2024-03-01") ", 5000), ('O4', 'C', " TS("2024-02-06") ", 30000);"
        "INSERT INTO order_lines (order_id, line_no, product_id, quantity, amount) VALUES"
        " ('O1', 1, 'P1', 2, 20000), ('O2', 1, 'P1', 1, 10000), ('O3', 1, 'P2', 1, 5000),"
        " ('O4', 1, 'P1', 3, 30000);"
        "INSERT INTO marketing_spend (acquisition_channel, month, amount) VALUES"
        " ('search', " DAY("2024-01-01") ", 16000), ('sns', " DAY("2024-02-01") ", 12000);"
        "INSERT INTO coupon_definitions (definition_id, kind, audience, amount,"
        " per_customer_limit, created_at, actor) VALUES ('D1', 'fixed', 'any', 1000, 1, 0, 't');"
        "INSERT INTO coupon_codes (code, definition_id, customer_id, batch, issued_on,"
        " issued_at, actor) VALUES ('K1', 'D1', 'A', 1, 0, 0, 't');"
        "INSERT INTO coupon_redemptions (code, definition_id, customer_id, order_id,"
        " order_total, discount, redeemed_on, recorded_at, actor) VALUES"
        " ('K1', 'D1', 'A', 'O2', 10000, 1000, " DAY("2024-02-10") ", 0, 't');"
        "INSERT INTO points_movements (customer_id, kind, points, occurred_on, actor,"
        " source_kind, recorded_at) VALUES ('B', 'burn', -500, " DAY("2024-02-20") ", 't',"
        " 'manual', 0);"
        "INSERT INTO tickets (customer_id, kind, priority, state, opened_at, first_response_due,"
        " resolution_due, updated_at) VALUES"
        " ('C', 'complaint', 'normal', 'open', " TS("2024-02-07") ", 0, 0, 0),"
        " ('C', 'inquiry', 'normal', 'open', " TS("2024-02-08") ", 0, 0, 0);");
}

static void close_store(void)
{
    dg_store_close(store);
    test_remove_store(path);
}

TestSuite(economics_store, .init = small_store, .fini = close_store);

/* The report's tables as parsed JSON (an array of tables when there are several). */
static json_t *run(dg_economics_view view, int retention_months)
{
    dg_error err;
    dg_frame *frame = NULL;
    cr_assert_eq(dg_report_frame(&frame, store, DG_DAY_NONE, false, &err), 0, "%s", err.message);
    dg_economics_config config;
    dg_economics_config_init(&config);
    config.ticket_cost_minor = 1500;
    config.retention_months = retention_months;
    dg_report_economics_options opt = { .view = view, .config = &config,
                                        .point_value_minor = 2, .top = 0 };
    dg_report rep = { 0 };
    cr_assert_eq(dg_report_economics(&rep, store, frame, NULL, &opt, &err), 0, "%s",
                 err.message);
    json_t *out = json_array();
    for (size_t i = 0; i < rep.n_tables; i++) {
        char *text = test_render(rep.tables[i], DG_FORMAT_JSON);
        json_error_t jerr;
        json_t *t = json_loads(text, 0, &jerr);
        cr_assert_not_null(t, "%s", jerr.text);
        json_array_append_new(out, t);
        free(text);
    }
    dg_report_clear(&rep);
    dg_frame_free(frame);
    return out;
}

static json_t *row_where(json_t *table, const char *key, const char *value)
{
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(table, "rows"), i, row)
        if (strcmp(json_string_value(json_object_get(row, key)), value) == 0)
            return row;
    cr_assert_fail("no row with %s = %s", key, value);
    return NULL;
}

static int64_t int_of(json_t *row, const char *key)
{
    json_t *v = json_object_get(row, key);
    cr_assert(json_is_number(v), "%s is not a number", key);
    return (int64_t)llround(json_number_value(v));
}

Test(economics_store, cac_by_channel_and_month)
{
    json_t *all = run(DG_ECONOMICS_VIEW_CAC, 12), *t = json_array_get(all, 0);
    cr_assert_eq(json_array_size(json_object_get(t, "rows")), 2);
    json_t *search = row_where(t, "acquisition_channel", "search");
    json_t *sns = row_where(t, "acquisition_channel", "sns");
    cr_assert_str_eq(json_string_value(json_object_get(search, "month")), "2024-01-01");
    cr_assert_eq(int_of(search, "marketing_spend"), 16000);
    cr_assert_eq(int_of(search, "new_customers"), 2);
    cr_assert_eq(int_of(search, "cac"), 8000);
    cr_assert_eq(int_of(sns, "cac"), 12000);
    /* the same against SQL over the store: spend / customers acquired in the spend's month */
    cr_assert_eq(test_sql_int(path, "SELECT s.amount / (SELECT count(*) FROM customers c WHERE "
                              "c.acquisition_channel = s.acquisition_channel AND strftime('%Y-%m', "
                              "c.acquired_on * 86400, 'unixepoch') = strftime('%Y-%m', "
                              "s.month * 86400, 'unixepoch')) FROM marketing_spend s "
                              "WHERE s.acquisition_channel = 'search'"), int_of(search, "cac"));
    json_decref(all);
}

Test(economics_store, channels_margin_rate_and_payback)
{
    json_t *all = run(DG_ECONOMICS_VIEW_CHANNELS, 12), *t = json_array_get(all, 0);
    json_t *search = row_where(t, "acquisition_channel", "search");
    json_t *sns = row_where(t, "acquisition_channel", "sns");
    cr_assert_eq(int_of(search, "customers"), 2);
    cr_assert_float_eq(json_number_value(json_object_get(search, "margin_rate")), 0.6, 1e-12);
    cr_assert_eq(int_of(search, "payback_months"), 2);
    cr_assert_eq(int_of(sns, "payback_months"), 1);
    json_decref(all);
}

Test(economics_store, profit_by_hand_and_by_sql)
{
    json_t *tables = run(DG_ECONOMICS_VIEW_PROFIT, 12);
    json_t *totals = json_array_get(json_object_get(json_array_get(tables, 0), "rows"), 0);
    cr_assert_eq(int_of(totals, "revenue"), 65000);
    cr_assert_eq(int_of(totals, "gross_margin"), 36000);
    cr_assert_eq(int_of(totals, "coupon_discounts"), 1000);
    cr_assert_eq(int_of(totals, "points_value"), 1000);
    cr_assert_eq(int_of(totals, "ticket_cost"), 3000);
    cr_assert_eq(int_of(totals, "cost_to_serve"), 5000);
    cr_assert_eq(int_of(totals, "contribution"), 31000);
    json_t *customers = json_array_get(tables, 1);
    json_t *rows = json_object_get(customers, "rows");
    cr_assert_eq(json_array_size(rows), 3);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(rows, 0), "customer_id")),
                     "A", "the highest contribution first");
    cr_assert_eq(int_of(row_where(customers, "customer_id", "A"), "contribution"), 17000);
    cr_assert_eq(int_of(row_where(customers, "customer_id", "C"), "contribution"), 15000);
    json_t *b = row_where(customers, "customer_id", "B");
    cr_assert(json_is_null(json_object_get(b, "contribution")), "B's margin is unknown");
    cr_assert_eq(int_of(b, "points_value"), 1000);
    /* gross margin of the fully costed orders, by a query of another shape */
    int64_t margin = test_sql_int(path,
        "SELECT sum(o.total) - sum((SELECT sum(l.quantity * p.unit_cost) FROM order_lines l "
        "JOIN products p USING (product_id) WHERE l.order_id = o.order_id)) FROM orders o "
        "WHERE NOT EXISTS (SELECT 1 FROM order_lines l JOIN products p USING (product_id) "
        "WHERE l.order_id = o.order_id AND p.unit_cost IS NULL)");
    cr_assert_eq(int_of(totals, "gross_margin"), margin);
    int64_t serve = test_sql_int(path,
        "SELECT (SELECT sum(discount) FROM coupon_redemptions) + "
        "(SELECT -2 * sum(points) FROM points_movements WHERE kind = 'burn') + "
        "(SELECT 1500 * count(*) FROM tickets)");
    cr_assert_eq(int_of(totals, "contribution"), margin - serve);
    json_decref(tables);
}

Test(economics_store, retention_against_acquisition)
{
    json_t *all = run(DG_ECONOMICS_VIEW_RETENTION, 2), *t = json_array_get(all, 0);
    json_t *acq = row_where(t, "side", "acquisition"), *ret = row_where(t, "side", "retention");
    cr_assert_str_eq(json_string_value(json_object_get(acq, "from")), "2024-02-01");
    cr_assert_eq(int_of(acq, "cost"), 12000);
    cr_assert_eq(int_of(acq, "customers"), 1);
    cr_assert_eq(int_of(acq, "cost_per_customer"), 12000);
    cr_assert_eq(int_of(ret, "cost"), 2000);
    cr_assert_eq(int_of(ret, "customers"), 2);
    cr_assert_eq(int_of(ret, "cost_per_customer"), 1000);
    json_decref(all);
}

Test(economics_store, as_of_ignores_what_came_later)
{
    dg_error err;
    dg_frame *frame = NULL;
    cr_assert_eq(dg_report_frame(&frame, store, dg_days_from_civil(2024, 2, 16), false, &err), 0);
    dg_report_economics_options opt = { .view = DG_ECONOMICS_VIEW_PROFIT, .point_value_minor = 2 };
    dg_report rep = { 0 };
    cr_assert_eq(dg_report_economics(&rep, store, frame, NULL, &opt, &err), 0, "%s", err.message);
    char *text = test_render(rep.tables[0], DG_FORMAT_JSON);
    json_t *t = json_loads(text, 0, NULL);
    json_t *totals = json_array_get(json_object_get(t, "rows"), 0);
    cr_assert_eq(int_of(totals, "revenue"), 60000, "O3 (2024-03-01) is after the as-of day");
    cr_assert_eq(int_of(totals, "points_value"), 0, "the burn of 2024-02-20 too");
    cr_assert_eq(int_of(totals, "ticket_cost"), 0, "tickets are not costed by default");
    json_decref(t);
    free(text);
    dg_report_clear(&rep);
    dg_frame_free(frame);
}
