/* The cube on a hand-made store of 3 customers, 5 orders and 6 lines, with every answer worked
 * out by hand in the comments: grouping, filters, line grain, GROUPING SETS semantics, pivot
 * layout, top-N and the error messages. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/cube.h"
#include "dangol/text.h"
#include "support.h"

/* customers: 0 Seoul 30-39, 1 Busan 20-29, 2 Seoul 20-29
 * orders (customer, day, revenue, units, channel):
 *   o0 c0 2024-01-15 100 1 web    lines p0 60, p1 40
 *   o1 c0 2024-02-10 200 2 store  lines p1 200
 *   o2 c1 2024-01-20  50 1 web    lines p0 50
 *   o3 c2 2024-01-05  70 3 store  lines p2 70
 *   o4 c2 2024-01-25  30 1 store  lines p1 30
 * products: p0 brand X category A, p1 brand Y category B, p2 brand Z category A */
static uint32_t order_customer[] = { 0, 0, 1, 2, 2 };
static int32_t order_day[5];
static int64_t order_revenue[] = { 100, 200, 50, 70, 30 };
static int32_t order_units[] = { 1, 2, 1, 3, 1 };
static uint32_t order_channel[] = { 0, 1, 0, 1, 1 };
static uint32_t customer_region[] = { 1, 0, 1 };
static uint32_t customer_age[] = { 1, 0, 0 };
static uint32_t line_order[] = { 0, 0, 1, 2, 3, 4 };
static uint32_t line_product[] = { 0, 1, 1, 0, 2, 1 };
static int64_t line_amount[] = { 60, 40, 200, 50, 70, 30 };
static int32_t line_quantity[] = { 1, 1, 2, 1, 3, 1 };
static uint32_t product_code[] = { 0, 1, 2 };
static uint32_t product_brand[] = { 0, 1, 2 };
static uint32_t product_category[] = { 0, 1, 0 };

static size_t customer_start[] = { 0, 2, 3, 5 };   /* order_customer as CSR offsets */

/* The tiny cube, its orders grouped by customer through order_customer or, with by_offsets,
 * through customer_start. */
static dg_cube *tiny_of(bool by_offsets)
{
    order_day[0] = dg_days_from_civil(2024, 1, 15);
    order_day[1] = dg_days_from_civil(2024, 2, 10);
    order_day[2] = dg_days_from_civil(2024, 1, 20);
    order_day[3] = dg_days_from_civil(2024, 1, 5);
    order_day[4] = dg_days_from_civil(2024, 1, 25);
    dg_cube_facts f = {
        .n_customers = 3, .n_orders = 5, .order_customer = by_offsets ? NULL : order_customer,
        .customer_order_start = by_offsets ? customer_start : NULL, .order_day = order_day, .order_revenue_minor = order_revenue, .order_units = order_units,
        .n_products = 3, .n_lines = 6, .line_order = line_order, .line_product = line_product,
        .line_amount_minor = line_amount, .line_quantity = line_quantity,
    };
    dg_cube *cube = NULL;
    dg_error err;
    cr_assert_eq(dg_cube_new(&cube, &f, &err), 0, "%s", err.message);
    static const char *const channels[] = { "web", "store" };
    static const char *const regions[] = { "Busan", "Seoul" };
    static const char *const ages[] = { "20-29", "30-39" };
    static const char *const categories[] = { "A", "B" };
    static const char *const brands[] = { "X", "Y", "Z" };
    static const char *const products[] = { "p0", "p1", "p2" };
    cr_assert_eq(dg_cube_add_dim(cube, "channel", NULL, DG_CUBE_KEY_ORDER, order_channel, 2,
                                 channels, &err), 0, "%s", err.message);
    cr_assert_eq(dg_cube_add_dim(cube, "region", NULL, DG_CUBE_KEY_CUSTOMER, customer_region, 2,
                                 regions, &err), 0);
    cr_assert_eq(dg_cube_add_dim(cube, "age", NULL, DG_CUBE_KEY_CUSTOMER, customer_age, 2, ages,
                                 &err), 0);
    cr_assert_eq(dg_cube_add_dim(cube, "category", NULL, DG_CUBE_KEY_PRODUCT, product_category, 2,
                                 categories, &err), 0);
    cr_assert_eq(dg_cube_add_dim(cube, "brand", "category", DG_CUBE_KEY_PRODUCT, product_brand, 3,
                                 brands, &err), 0);
    cr_assert_eq(dg_cube_add_dim(cube, "product", "brand", DG_CUBE_KEY_PRODUCT, product_code, 3,
                                 products, &err), 0);
    return cube;
}

static dg_cube *tiny(void)
{
    return tiny_of(false);
}

static void query(dg_cube *cube, dg_cube_query *q, const char *const *kv)
{
    dg_error err;
    dg_cube_query_init(q);
    for (size_t i = 0; kv[i]; i += 2)
        cr_assert_eq(dg_cube_query_set(q, cube, kv[i], kv[i + 1], &err), 0, "%s=%s: %s", kv[i],
                     kv[i + 1], err.message);
}

/* Cell whose labels (NULL = rolled up) are given; -1 if absent. */
static long cell(const dg_cube *cube, const dg_cube_query *q, const dg_cube_result *r,
                 const char *const *labels)
{
    for (size_t c = 0; c < r->n_cells; c++) {
        if (r->hidden[c])
            continue;
        bool match = true;
        for (size_t j = 0; j < r->n_group && match; j++) {
            uint32_t code = r->codes[c * r->n_group + j];
            if (!labels[j])
                match = code == DG_CUBE_ALL;
            else
                match = code != DG_CUBE_ALL &&
                        strcmp(dg_cube_dim_label(cube, (size_t)q->group[j], code), labels[j]) == 0;
        }
        if (match)
            return (long)c;
    }
    return -1;
}

static void expect(const dg_cube *cube, const dg_cube_query *q, const dg_cube_result *r,
                   const char *a, const char *b, int64_t revenue, int64_t orders,
                   int64_t customers, int64_t units)
{
    const char *labels[2] = { a, b };
    long c = cell(cube, q, r, labels);
    cr_assert_geq(c, 0, "no cell %s/%s", a ? a : "ALL", b ? b : "ALL");
    cr_expect_eq(r->revenue_minor[c], revenue, "%s/%s revenue %lld", a, b,
                 (long long)r->revenue_minor[c]);
    cr_expect_eq(r->orders[c], orders, "%s/%s orders %lld", a, b, (long long)r->orders[c]);
    cr_expect_eq(r->customers[c], customers, "%s/%s customers %lld", a, b,
                 (long long)r->customers[c]);
    cr_expect_eq(r->units[c], units, "%s/%s units", a, b);
}

static size_t visible_cells(const dg_cube_result *r)
{
    size_t n = 0;
    for (size_t c = 0; c < r->n_cells; c++)
        n += !r->hidden[c];
    return n;
}

Test(cube, month_by_channel_with_rollup_has_sql_grouping_sets)
{
    dg_cube *cube = tiny();
    dg_cube_query q;
    query(cube, &q, (const char *const[]){ "rows", "month", "cols", "channel", "totals", "rollup",
                                           NULL });
    dg_cube_result *r = NULL;
    dg_error err;
    cr_assert_eq(dg_cube_run(&r, cube, &q, &err), 0, "%s", err.message);
    expect(cube, &q, r, "2024-01", "web", 150, 2, 2, 2);
    expect(cube, &q, r, "2024-01", "store", 100, 2, 1, 4);
    expect(cube, &q, r, "2024-02", "store", 200, 1, 1, 2);
    expect(cube, &q, r, "2024-01", NULL, 250, 4, 3, 6);
    expect(cube, &q, r, "2024-02", NULL, 200, 1, 1, 2);
    expect(cube, &q, r, NULL, "web", 150, 2, 2, 2);
    expect(cube, &q, r, NULL, "store", 300, 3, 2, 6);
    expect(cube, &q, r, NULL, NULL, 450, 5, 3, 8);
    cr_expect_eq(visible_cells(r), 8);  /* (2024-02, web) is empty and absent, as in SQL */
    cr_expect_eq(r->total_revenue_minor, 450);
    dg_cube_result_free(r);
    dg_cube_query_clear(&q);
    dg_cube_free(cube);
}

Test(cube, customer_offsets_group_the_orders_as_order_customer_does)
{
    dg_cube *cube = tiny_of(true);
    dg_cube_query q;
    query(cube, &q, (const char *const[]){ "rows", "region", "cols", "channel", NULL });
    dg_cube_result *r = NULL;
    dg_error err;
    cr_assert_eq(dg_cube_run(&r, cube, &q, &err), 0, "%s", err.message);
    expect(cube, &q, r, "Seoul", "web", 100, 1, 1, 1);    /* customers 0 and 2 */
    expect(cube, &q, r, "Seoul", "store", 300, 3, 2, 6);
    expect(cube, &q, r, "Busan", "web", 50, 1, 1, 1);     /* customer 1 */
    cr_expect_eq(visible_cells(r), 3);
    dg_cube_result_free(r);
    dg_cube_query_clear(&q);
    dg_cube_free(cube);
    /* offsets out of order, or not ending at the orders' count, are refused */
    size_t down[] = { 0, 3, 2, 5 }, short_of[] = { 0, 2, 3, 4 };
    size_t *bad[] = { down, short_of };
    for (size_t i = 0; i < 2; i++) {
        dg_cube_facts f = { .n_customers = 3, .n_orders = 5, .customer_order_start = bad[i],
                            .order_day = order_day, .order_revenue_minor = order_revenue };
        cube = NULL;
        cr_expect_eq(dg_cube_new(&cube, &f, &err), DG_EINVAL, "offsets %zu", i);
        cr_expect_null(cube);
    }
}

Test(cube, customer_filter_and_threads_agree)
{
    dg_cube *cube = tiny();
    for (int threads = 1; threads <= 2; threads++) {
        dg_cube_query q;
        query(cube, &q, (const char *const[]){ "rows", "month", "cols", "channel", "where",
                                               "region=Seoul", NULL });
        q.threads = threads;
        dg_cube_result *r = NULL;
        dg_error err;
        cr_assert_eq(dg_cube_run(&r, cube, &q, &err), 0, "%s", err.message);
        cr_expect_eq(visible_cells(r), 3);
        expect(cube, &q, r, "2024-01", "web", 100, 1, 1, 1);
        expect(cube, &q, r, "2024-01", "store", 100, 2, 1, 4);
        expect(cube, &q, r, "2024-02", "store", 200, 1, 1, 2);
        dg_cube_result_free(r);
        dg_cube_query_clear(&q);
    }
    dg_cube_free(cube);
}

Test(cube, category_uses_lines_and_counts_distinct_orders)
{
    dg_cube *cube = tiny();
    dg_cube_query q;
    query(cube, &q, (const char *const[]){ "rows", "category", "totals", "rollup", NULL });
    dg_cube_result *r = NULL;
    dg_error err;
    cr_assert_eq(dg_cube_run(&r, cube, &q, &err), 0, "%s", err.message);
    cr_expect(r->line_grain);
    const char *a[] = { "A" }, *b[] = { "B" }, *all[] = { NULL };
    long ca = cell(cube, &q, r, a), cb = cell(cube, &q, r, b), ct = cell(cube, &q, r, all);
    cr_assert(ca >= 0 && cb >= 0 && ct >= 0);
    cr_expect_eq(r->revenue_minor[ca], 180);
    cr_expect_eq(r->orders[ca], 3);
    cr_expect_eq(r->customers[ca], 3);
    cr_expect_eq(r->revenue_minor[cb], 270);
    cr_expect_eq(r->orders[cb], 3);
    cr_expect_eq(r->customers[cb], 2);
    cr_expect_eq(r->orders[ct], 5);  /* o0 is in both categories but counts once in the total */
    cr_expect_eq(r->customers[ct], 3);
    cr_expect_eq(r->units[ct], 9);
    dg_cube_result_free(r);
    dg_cube_query_clear(&q);
    dg_cube_free(cube);
}

Test(cube, filters_negation_ranges_and_as_of)
{
    dg_cube *cube = tiny();
    dg_cube_query q;
    query(cube, &q, (const char *const[]){ "where", "channel!=web;day=2024-01-01..2024-01-31",
                                           NULL });
    dg_cube_result *r = NULL;
    dg_error err;
    cr_assert_eq(dg_cube_run(&r, cube, &q, &err), 0, "%s", err.message);
    cr_assert_eq(r->n_cells, 1);
    cr_expect_eq(r->revenue_minor[0], 100);  /* o3 + o4 */
    dg_cube_result_free(r);
    dg_cube_query_clear(&q);

    query(cube, &q, (const char *const[]){ "as_of", "2024-01-19", "where", "month=2023-01..2024-06",
                                           NULL });
    cr_assert_eq(dg_cube_run(&r, cube, &q, &err), 0, "%s", err.message);
    cr_expect_eq(r->revenue_minor[0], 170);  /* o0 + o3 */
    cr_expect_eq(r->customers[0], 2);
    dg_cube_result_free(r);
    dg_cube_query_clear(&q);

    /* a grand total on no rows is one empty cell, as SQL's aggregate without GROUP BY */
    query(cube, &q, (const char *const[]){ "where", "region=Busan;age=30-39", NULL });
    cr_assert_eq(dg_cube_run(&r, cube, &q, &err), 0, "%s", err.message);
    cr_assert_eq(r->n_cells, 1);
    cr_expect_eq(r->orders[0], 0);
    dg_cube_result_free(r);
    dg_cube_query_clear(&q);
    dg_cube_free(cube);
}

Test(cube, iso_weeks)
{
    dg_cube *cube = tiny();
    int week = dg_cube_dim_find(cube, "week"), day = dg_cube_dim_find(cube, "day");
    cr_assert(week >= 0 && day >= 0);
    /* day codes run from 2024-01-05 (a Friday of ISO week 1) */
    cr_expect_str_eq(dg_cube_dim_label(cube, (size_t)day, 0), "2024-01-05");
    cr_expect_str_eq(dg_cube_dim_label(cube, (size_t)week, 0), "2024-W01");
    /* 2024-W02 (01-08 .. 01-14) has no order, so no label: the next is W03 (01-15, 01-20) */
    cr_expect_str_eq(dg_cube_dim_label(cube, (size_t)week, 1), "2024-W03");
    cr_expect_str_eq(dg_cube_dim_label(cube, (size_t)day, 1), "2024-01-15");
    dg_cube_free(cube);
}

/* Time labels exist only for periods with orders: two orders two centuries apart give two
 * labels per level, not 2,412 months or 73,413 days. */
Test(cube, time_labels_only_for_periods_with_orders)
{
    static uint32_t customers[] = { 0, 1 };
    static int64_t revenue[] = { 10, 20 };
    int32_t days[] = { dg_days_from_civil(1900, 1, 1), dg_days_from_civil(2100, 12, 31) };
    dg_cube_facts f = { .n_customers = 2, .n_orders = 2, .order_customer = customers,
                        .order_day = days, .order_revenue_minor = revenue };
    dg_cube *cube = NULL;
    dg_error err;
    cr_assert_eq(dg_cube_new(&cube, &f, &err), 0, "%s", err.message);
    static const char *const levels[] = { "year", "quarter", "month", "week", "day" };
    static const char *const first[] = { "1900", "1900-Q1", "1900-01", "1900-W01", "1900-01-01" };
    static const char *const last[] = { "2100", "2100-Q4", "2100-12", "2100-W52", "2100-12-31" };
    for (size_t i = 0; i < 5; i++) {
        int dim = dg_cube_dim_find(cube, levels[i]);
        cr_assert_geq(dim, 0);
        cr_expect_eq(dg_cube_dim_labels(cube, (size_t)dim), 2, "%s", levels[i]);
        cr_expect_str_eq(dg_cube_dim_label(cube, (size_t)dim, 0), first[i]);
        cr_expect_str_eq(dg_cube_dim_label(cube, (size_t)dim, 1), last[i]);
    }
    dg_cube_query q;
    query(cube, &q, (const char *const[]){ "rows", "month", "where", "month=2000-01..2100-12",
                                           NULL });
    dg_cube_result *r = NULL;
    cr_assert_eq(dg_cube_run(&r, cube, &q, &err), 0, "%s", err.message);
    expect(cube, &q, r, "2100-12", NULL, 20, 1, 1, 0);
    cr_expect_eq(visible_cells(r), 1);
    dg_cube_result_free(r);
    dg_cube_query_clear(&q);
    dg_cube_free(cube);
}

Test(cube, pivot_places_subtotals_after_their_group)
{
    dg_cube *cube = tiny();
    dg_cube_query q;
    query(cube, &q, (const char *const[]){ "rows", "month", "cols", "channel", "totals", "rollup",
                                           NULL });
    dg_table *t = NULL;
    dg_error err;
    cr_assert_eq(dg_cube_query_table(&t, cube, &q, &err), 0, "%s", err.message);
    char *csv = test_render(t, DG_FORMAT_CSV);
    cr_expect_str_eq(csv, "month,store,web,Total\n"  /* labels in byte order */
                          "2024-01,100,150,250\n"
                          "2024-02,200,,200\n"
                          "Total,300,150,450\n");
    free(csv);
    dg_table_free(t);
    dg_cube_query_clear(&q);

    query(cube, &q, (const char *const[]){ "rows", "category", "cols", "channel", "top", "1",
                                           "measure", "customers", NULL });
    cr_assert_eq(dg_cube_query_table(&t, cube, &q, &err), 0, "%s", err.message);
    csv = test_render(t, DG_FORMAT_CSV);
    /* A has 3 customers over both channels (B has 2), so A is the top row */
    cr_expect_str_eq(csv, "category,store,web\n"
                          "A,1,2\n");
    free(csv);
    dg_table_free(t);
    dg_cube_query_clear(&q);
    dg_cube_free(cube);
}

Test(cube, bad_names_list_the_valid_ones)
{
    dg_cube *cube = tiny();
    dg_cube_query q;
    dg_error err;
    dg_cube_query_init(&q);
    cr_expect_eq(dg_cube_query_set(&q, cube, "cols", "chanel", &err), DG_EINVAL);
    cr_expect(strstr(err.message, "unknown dimension \"chanel\"; valid: year, quarter, month"),
              "%s", err.message);
    cr_expect_eq(dg_cube_query_set(&q, cube, "measure", "profit", &err), DG_EINVAL);
    cr_expect(strstr(err.message, "valid: revenue, orders"), "%s", err.message);
    cr_expect_eq(dg_cube_query_set(&q, cube, "where", "region=Seol", &err), DG_EINVAL);
    cr_expect(strstr(err.message, "unknown value \"Seol\" for region; valid: Busan, Seoul"), "%s",
              err.message);
    cr_expect_eq(dg_cube_query_set(&q, cube, "where", "region", &err), DG_EINVAL);
    cr_expect(strstr(err.message, "expected DIM=VALUE"), "%s", err.message);
    cr_expect_eq(dg_cube_query_set(&q, cube, "rows", "month,month", &err), DG_EINVAL);
    cr_expect_eq(dg_cube_query_set(&q, cube, "rows", "month", &err), 0);
    cr_expect_eq(dg_cube_query_set(&q, cube, "cols", "month", &err), DG_EINVAL);
    cr_expect(strstr(err.message, "both rows and cols"), "%s", err.message);
    dg_cube_query_clear(&q);
    dg_cube_free(cube);
}

/* The valid dimensions come from the frame cube's catalog, so a cube built without order lines
 * still names the product levels, and explains why it cannot use them. */
Test(cube, valid_dimensions_come_from_the_catalog)
{
    dg_cube_facts f = { .n_customers = 3, .n_orders = 5, .order_customer = order_customer,
                        .order_day = order_day, .order_revenue_minor = order_revenue };
    dg_cube *cube = NULL;
    dg_error err;
    cr_assert_eq(dg_cube_new(&cube, &f, &err), 0, "%s", err.message);
    static const char *const channels[] = { "web", "store" };
    cr_assert_eq(dg_cube_add_dim(cube, "channel", NULL, DG_CUBE_KEY_ORDER, order_channel, 2,
                                 channels, &err), 0, "%s", err.message);
    dg_cube_query q;
    dg_cube_query_init(&q);
    cr_expect_eq(dg_cube_query_set(&q, cube, "rows", "categry", &err), DG_EINVAL);
    cr_expect(strstr(err.message, "unknown dimension \"categry\"; valid: year, quarter, month, "
                                  "week, day, channel"), "%s", err.message);
    cr_expect(strstr(err.message, "segment, stage, activity, category, brand, product"), "%s",
              err.message);
    cr_expect_eq(dg_cube_query_set(&q, cube, "rows", "brand", &err), DG_EINVAL);
    cr_expect(strstr(err.message, "dimension \"brand\" needs products and order lines"), "%s",
              err.message);
    dg_cube_query_clear(&q);
    dg_cube_free(cube);
}

/* A range must run forwards, and its ends must be real calendar labels. */
Test(cube, reversed_and_impossible_ranges_are_refused)
{
    dg_cube *cube = tiny();
    dg_cube_query q;
    dg_error err;
    dg_cube_query_init(&q);
    static const struct { const char *where, *message; } cases[] = {
        { "month=2025-06..2025-01", "range month=2025-06..2025-01 is reversed" },
        { "month=2025-13..2024", "bad month \"2025-13\"" },
        { "month=2024-01..2024", "bad month \"2024\"" },
        { "month=2024-00", "bad month \"2024-00\"" },
        { "day=2024-02-30", "bad day \"2024-02-30\"" },
        { "quarter=2024-Q5..", "bad quarter \"2024-Q5\"" },
        { "week=..2024-W54", "bad week \"2024-W54\"" },
        { "year=2025..2024", "range year=2025..2024 is reversed" },
        { "region=Seoul..Busan", "range region=Seoul..Busan is reversed" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_expect_eq(dg_cube_query_set(&q, cube, "where", cases[i].where, &err), DG_EINVAL, "%s",
                     cases[i].where);
        cr_expect(strstr(err.message, cases[i].message), "%s: %s", cases[i].where, err.message);
    }
    /* forward ranges, open ends and labels outside the data stay valid */
    static const char *const fine[] = { "month=2023-01..2024-06", "month=2024-02..2024-02",
                                        "week=2024-W53..", "day=..2024-02-29",
                                        "quarter=2030-Q1", "region=Busan..Seoul" };
    for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++)
        cr_expect_eq(dg_cube_query_set(&q, cube, "where", fine[i], &err), 0, "%s: %s", fine[i],
                     err.message);
    dg_cube_query_clear(&q);
    dg_cube_free(cube);
}

/* Sums of revenue are checked: a cell, or only the grand total, past the int64 range is an
 * error (DG_ERANGE), never a wrapped negative revenue; with one thread and with two. */
Test(cube, revenue_sums_never_wrap)
{
    static int64_t big[] = { INT64_MAX / 2 + 1, INT64_MAX / 2 + 1, 1, 5, 5 };
    static int64_t split[] = { INT64_MAX - 10, 0, 0, 20, 0 };   /* web, store: total only */
    const int64_t *revenues[] = { big, split };
    dg_cube_free(tiny());   /* sets order_day */
    for (int which = 0; which < 2; which++)
        for (int threads = 1; threads <= 2; threads++) {
            dg_cube_facts f = { .n_customers = 3, .n_orders = 5, .order_customer = order_customer,
                                .order_day = order_day, .order_revenue_minor = revenues[which] };
            dg_cube *cube = NULL;
            dg_error err;
            cr_assert_eq(dg_cube_new(&cube, &f, &err), 0, "%s", err.message);
            static const char *const channels[] = { "web", "store" };
            cr_assert_eq(dg_cube_add_dim(cube, "channel", NULL, DG_CUBE_KEY_ORDER, order_channel,
                                         2, channels, &err), 0, "%s", err.message);
            char n[2] = { (char)('0' + threads), 0 };
            dg_cube_query q;
            query(cube, &q, (const char *const[]){ "rows", "channel", "threads", n, NULL });
            dg_cube_result *r = NULL;
            cr_expect_eq(dg_cube_run(&r, cube, &q, &err), DG_ERANGE, "case %d, %d threads",
                         which, threads);
            cr_expect_null(r);
            cr_expect(strstr(err.message, "overflow"), "%s", err.message);
            dg_cube_query_clear(&q);
            dg_cube_free(cube);
        }
}

/* Korean names are values and dimensions like the codes they name (include/dangol/vocab.h):
 * 서울 is Seoul (o0, o1, o3, o4: 400), 지역 is region, 매장 the store channel (o1, o3, o4: 300);
 * a name the vocabulary does not know is still refused with the valid codes. */
Test(cube, korean_names_filter_like_codes)
{
    dg_cube *cube = tiny();
    dg_cube_query q;
    dg_cube_result *r = NULL;
    dg_error err;
    static const char *const same_filters[] = { "region=서울", "지역=서울", "region=seoul", "지역=Seoul" };
    for (size_t i = 0; i < sizeof same_filters / sizeof same_filters[0]; i++) {
        query(cube, &q, (const char *const[]){ "where", same_filters[i], NULL });
        cr_assert_eq(dg_cube_run(&r, cube, &q, &err), 0, "%s", err.message);
        cr_expect_eq(r->revenue_minor[0], 400, "%s: %lld", same_filters[i], (long long)r->revenue_minor[0]);
        dg_cube_result_free(r);
        dg_cube_query_clear(&q);
    }
    query(cube, &q, (const char *const[]){ "rows", "지역", "where", "채널=매장;region!=부산", NULL });
    cr_assert_eq(dg_cube_run(&r, cube, &q, &err), 0, "%s", err.message);
    expect(cube, &q, r, "Seoul", NULL, 300, 3, 2, 6);
    cr_expect_eq(visible_cells(r), 1);
    dg_cube_result_free(r);
    dg_cube_query_clear(&q);

    dg_cube_query_init(&q);
    cr_expect_eq(dg_cube_query_set(&q, cube, "where", "region=서울시", &err), DG_EINVAL);
    cr_expect(strstr(err.message, "unknown value \"서울시\" for region; valid: Busan, Seoul"), "%s",
              err.message);
    cr_expect_eq(dg_cube_query_set(&q, cube, "rows", "지역구", &err), DG_EINVAL);
    cr_expect(strstr(err.message, "unknown dimension \"지역구\""), "%s", err.message);
    dg_cube_query_clear(&q);
    dg_cube_free(cube);
}

/* Cells computed elsewhere (a cluster's nodes, src/report/cube_cluster.c) arrive as partial
 * sums per grouping set: fed the cells of dg_cube_run, each split in two adds, dg_cube_run_cells
 * gives the same long form, hidden sorting set included. */
typedef struct {
    const dg_cube_result *from;
} replay_ctx;

static int replay(void *p, const uint32_t *masks, size_t n_sets, dg_cube_cells *cells,
                  dg_error *err)
{
    const replay_ctx *ctx = p;
    const dg_cube_result *r = ctx->from;
    (void)err;
    for (size_t k = 0; k < r->n_cells; k++) {
        size_t set = 0;
        while (set < n_sets && masks[set] != r->set[k])
            set++;
        cr_assert_lt(set, n_sets);
        dg_cube_cell_sums a = { r->revenue_minor[k] / 2, r->orders[k] / 2, r->customers[k] / 2,
                                r->units[k] / 2 };
        dg_cube_cell_sums b = { r->revenue_minor[k] - a.revenue_minor, r->orders[k] - a.orders,
                                r->customers[k] - a.customers, r->units[k] - a.units };
        dg_cube_cells_add(cells, set, &r->codes[k * r->n_group], &a);
        dg_cube_cells_add(cells, set, &r->codes[k * r->n_group], &b);
    }
    return 0;
}

Test(cube, cells_summed_elsewhere_give_the_run)
{
    dg_cube *cube = tiny();
    dg_cube_query q;
    query(cube, &q, (const char *const[]){ "rows", "month", "cols", "channel", "totals",
                                           "rollup", "where", "region=Seoul", "top", "1",
                                           "measure", "revenue,customers", NULL });
    dg_cube_result *run = NULL, *cells = NULL;
    dg_error err;
    cr_assert_eq(dg_cube_run(&run, cube, &q, &err), 0, "%s", err.message);
    replay_ctx ctx = { run };
    cr_assert_eq(dg_cube_run_cells(&cells, cube, &q, replay, &ctx, &err), 0, "%s", err.message);
    cr_assert_eq(cells->n_cells, run->n_cells);
    cr_assert_eq(cells->total_revenue_minor, run->total_revenue_minor);
    for (size_t k = 0; k < run->n_cells; k++) {
        cr_assert_eq(cells->set[k], run->set[k]);
        cr_assert_eq(cells->hidden[k], run->hidden[k]);
        cr_assert_eq(memcmp(&cells->codes[k * run->n_group], &run->codes[k * run->n_group],
                            run->n_group * sizeof *run->codes), 0);
        cr_assert_eq(cells->revenue_minor[k], run->revenue_minor[k]);
        cr_assert_eq(cells->orders[k], run->orders[k]);
        cr_assert_eq(cells->customers[k], run->customers[k]);
        cr_assert_eq(cells->units[k], run->units[k]);
    }
    cr_assert_eq(dg_cube_dim_code(cube, (size_t)dg_cube_dim_find(cube, "month"),
                                  dg_days_from_civil(2024, 2, 10)), 1);
    cr_assert_eq(dg_cube_dim_key(cube, (size_t)dg_cube_dim_find(cube, "region")),
                 DG_CUBE_KEY_CUSTOMER);
    dg_cube_result_free(run);
    dg_cube_result_free(cells);
    dg_cube_query_clear(&q);
    dg_cube_free(cube);
}
