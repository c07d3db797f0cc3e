/* The economics report computed with the margins from the frame's order lines
 * (src/report/economics_margin.c) is the report computed with them by SQL
 * (src/store/economics_sqlite.c), table by table and cell by cell: on demo stores with lines and
 * unit costs, for every view, with and without a quantity left empty or 0 on some lines. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/demo.h"
#include "dangol/economics.h"
#include "dangol/frame.h"
#include "dangol/report.h"
#include "support.h"

static char path[64];
static dg_store *store;

static void demo(uint64_t seed, int64_t customers)
{
    store = test_store_create(path, sizeof path, "economics-frame");
    dg_error err;
    dg_demo_options opt;
    dg_demo_options_init(&opt);
    opt.seed = seed;
    opt.n_customers = customers;
    opt.order_lines = true;
    dg_demo_output out = { .store = store };
    cr_assert_eq(dg_demo_generate(&out, &opt, NULL, NULL, NULL, &err), 0, "%s", err.message);
}

static void finish(void)
{
    dg_store_close(store);
    store = NULL;
    test_remove_store(path);
}

/* Every table of view's report as JSON, one text; with_lines picks where the margins come from. */
static char *report(dg_economics_view view, bool with_lines)
{
    dg_error err;
    dg_frame *frame = NULL;
    cr_assert_eq(dg_report_frame(&frame, store, DG_DAY_NONE, with_lines, &err), 0, "%s",
                 err.message);
    dg_economics_config config;
    dg_economics_config_init(&config);
    config.ticket_cost_minor = 1500;
    dg_report_economics_options opt = { .view = view, .config = &config,
                                        .point_value_minor = 2, .top = 0 };
    dg_report rep = { 0 };
    cr_assert_eq(dg_report_economics(&rep, store, frame, NULL, &opt, &err), 0, "%s",
                 err.message);
    size_t len = 0;
    char *all = NULL;
    FILE *out = open_memstream(&all, &len);
    for (size_t i = 0; i < rep.n_tables; i++) {
        char *text = test_render(rep.tables[i], DG_FORMAT_JSON);
        fputs(text, out);
        free(text);
    }
    fclose(out);
    dg_report_clear(&rep);
    dg_frame_free(frame);
    return all;
}

static void same_reports(const char *what)
{
    const dg_economics_view views[] = { DG_ECONOMICS_VIEW_CAC, DG_ECONOMICS_VIEW_CHANNELS,
                                        DG_ECONOMICS_VIEW_PROFIT, DG_ECONOMICS_VIEW_RETENTION };
    for (size_t v = 0; v < sizeof views / sizeof views[0]; v++) {
        char *by_sql = report(views[v], false), *by_frame = report(views[v], true);
        cr_assert_str_eq(by_frame, by_sql, "%s, view %zu: the frame's margins differ", what, v);
        free(by_sql);
        free(by_frame);
    }
}

Test(economics_frame, frame_and_sql_margins_agree_on_demo_stores, .timeout = 120)
{
    for (uint64_t seed = 1; seed <= 2; seed++) {
        demo(seed, 150);
        same_reports("as generated");
        /* empty and zero quantities, and a product without a unit cost */
        test_sql(path, "UPDATE order_lines SET quantity = NULL WHERE order_id LIKE '%3';"
                       "UPDATE order_lines SET quantity = 0 WHERE order_id LIKE '%7' "
                       "AND line_no = 1;"
                       "UPDATE products SET unit_cost = NULL WHERE product_id = "
                       "(SELECT min(product_id) FROM products);");
        same_reports("with quantities left out");
        finish();
    }
}
