/* The report layer and the API conventions: a report entry uses the fit it is handed (the card
 * never refits when given one, and runs no segmentation unless handed one or asked), the cube
 * query by parameters answers as the entry on a built cube, the stage days are checked, bad
 * names are DG_EINVAL, a full report frees what it is handed, dg_error_set clears a stale
 * position, and the version macros match dg_version(). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dangol/dangol.h"
#include "support.h"

static char path[64];
static dg_store *store;
static dg_error err;

static void import(const char *entity, const char *csv)
{
    dg_import_report report;
    cr_assert_eq(dg_import_mem(store, dg_entity_find(entity), entity, csv, strlen(csv), NULL,
                               &report, &err), 0, "%s", err.message);
    dg_import_report_clear(&report);
}

static void setup(void)
{
    dg_error_clear(&err);
    snprintf(path, sizeof path, "/tmp/dangol-test-report-%d.db", (int)getpid());
    unlink(path);
    cr_assert_eq(dg_store_open(&store, path, DG_STORE_CREATE, &err), 0, "%s", err.message);
    import("customers", "customer_id,name\nc1,Kim\nc2,Lee\nc3,Park\n");
    import("orders", "order_id,customer_id,ordered_at,channel,total\n"
                     "o1,c1,2024-01-05,web,120\no2,c1,2024-03-01,store,80\n"
                     "o3,c2,2024-02-10,web,35\no4,c3,2023-11-20,app,500\n");
}

static void teardown(void)
{
    dg_store_close(store);
    unlink(path);
}

TestSuite(report, .init = setup, .fini = teardown);

/* Whether the table, rendered as a text table, starts with its title. */
static bool titled(const dg_table *t, const char *title)
{
    char *text = test_render(t, DG_FORMAT_TABLE);
    bool yes = strncmp(text, title, strlen(title)) == 0 && text[strlen(title)] == '\n';
    free(text);
    return yes;
}

/* The rendering of the card section with this title. */
static char *section_text(const dg_card *card, const char *title)
{
    for (size_t i = 0; i < card->n_sections; i++)
        if (titled(card->sections[i], title))
            return test_render(card->sections[i], DG_FORMAT_CSV);
    cr_assert_fail("no section \"%s\"", title);
    return NULL;
}

Test(report, card_shows_the_fit_failure_it_is_handed_instead_of_fitting)
{
    dg_frame *frame = NULL;
    cr_assert_eq(dg_report_frame(&frame, store, DG_DAY_NONE, true, &err), 0, "%s", err.message);
    dg_error handed;
    dg_error_clear(&handed);
    dg_error_set(&handed, DG_ECONVERGE, "the caller's fit did not converge");
    dg_report_card_options opt = { .fit_error = &handed };
    dg_card card = { 0 };
    cr_assert_eq(dg_report_card(&card, store, frame, "c1", &opt, &err), 0, "%s", err.message);
    char *text = section_text(&card, "Lifetime value");
    cr_assert(strstr(text, "the caller's fit did not converge"), "%s", text);
    free(text);
    text = section_text(&card, "Loyalty");
    cr_assert(strstr(text, "loyalty index"), "%s", text);
    free(text);
    dg_card_clear(&card);
    cr_assert_eq(dg_report_card(&card, store, frame, "nobody", &opt, &err), DG_ENOTFOUND);
    dg_card_clear(&card);
    dg_frame_free(frame);
}

Test(report, card_runs_no_segmentation_unless_handed_one_or_asked)
{
    dg_frame *frame = NULL;
    cr_assert_eq(dg_report_frame(&frame, store, DG_DAY_NONE, true, &err), 0, "%s", err.message);
    dg_error handed;
    dg_error_clear(&handed);
    dg_error_set(&handed, DG_EINVAL, "the caller's segmentation failed");
    const dg_report_card_options not_asked = { 0 }, with_error = { .segment_error = &handed },
                                 asked = { .run_segments = true };
    const dg_report_card_options *opts[] = { &not_asked, &with_error, &asked };
    const char *want[] = { "not computed for one card: `dangol customer show ID --segment`",
                           "the caller's segmentation failed",
                           "needs at least 10 customers" };   /* run here: 3 are too few */
    for (size_t i = 0; i < 3; i++) {
        dg_card card = { 0 };
        cr_assert_eq(dg_report_card(&card, store, frame, "c1", opts[i], &err), 0, "%s",
                     err.message);
        char *text = section_text(&card, "Churn risk and segment");
        cr_assert(strstr(text, want[i]), "case %zu: %s", i, text);
        free(text);
        dg_card_clear(&card);
    }
    dg_frame_free(frame);
}

Test(report, cube_query_answers_as_the_entry_on_a_built_cube)
{
    const char *params[] = { "rows", "channel", "measure", "revenue,orders", NULL };
    dg_report by_query = { 0 }, on_cube = { 0 };
    cr_assert_eq(dg_report_query(&by_query, store, "cube", params, &err), 0, "%s", err.message);
    dg_frame *frame = NULL;
    dg_cube *cube = NULL;
    cr_assert_eq(dg_report_frame(&frame, store, DG_DAY_NONE, false, &err), 0);
    cr_assert_eq(dg_cube_from_frame(&cube, frame, NULL, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(dg_report_cube(&on_cube, cube, params, &err), 0, "%s", err.message);
    cr_assert_eq(by_query.n_tables, 1);
    cr_assert_eq(on_cube.n_tables, 1);
    char *a = test_render(by_query.tables[0], DG_FORMAT_CSV);
    char *b = test_render(on_cube.tables[0], DG_FORMAT_CSV);
    cr_assert_str_eq(a, b);
    cr_assert(strstr(a, "web"), "%s", a);
    free(a);
    free(b);
    dg_report_clear(&by_query);
    dg_report_clear(&on_cube);
    dg_cube_free(cube);
    dg_frame_free(frame);
}

Test(report, cohorts_on_a_frame_with_lines_answer_as_the_store_query)
{
    static const char *const by_month[] = { "by", "month", "measure", "revenue", NULL };
    static const char *const by_channel[] = { "by", "channel", "measure", "retention", "periods",
                                              "3", NULL };
    const char *const *queries[] = { by_month, by_channel };
    dg_frame *frame = NULL;
    cr_assert_eq(dg_report_frame(&frame, store, DG_DAY_NONE, true, &err), 0, "%s", err.message);
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        dg_report by_query = { 0 }, on_frame = { 0 };
        cr_assert_eq(dg_report_query(&by_query, store, "cohort", queries[i], &err), 0, "%s",
                     err.message);
        cr_assert_eq(dg_report_cohort(&on_frame, frame, queries[i], &err), 0, "%s", err.message);
        char *a = test_render(by_query.tables[0], DG_FORMAT_CSV);
        char *b = test_render(on_frame.tables[0], DG_FORMAT_CSV);
        cr_assert_str_eq(a, b);
        free(a);
        free(b);
        dg_report_clear(&by_query);
        dg_report_clear(&on_frame);
    }
    dg_frame_free(frame);
}

Test(report, unknown_names_are_invalid)
{
    dg_report report = { 0 };
    const char *bad[] = { "by", "weekday", NULL };
    cr_assert_eq(dg_report_query(&report, store, "pivot", NULL, &err), DG_EINVAL);
    cr_assert_eq(dg_report_query(&report, store, "cohort", bad, &err), DG_EINVAL);
    cr_assert(strstr(err.message, "month, channel, category"), "%s", err.message);
    cr_assert_eq(report.n_tables, 0);
    dg_rfm_view view;
    cr_assert_eq(dg_rfm_view_parse("grid", &view, &err), 0);
    cr_assert_eq(view, DG_RFM_VIEW_GRID);
    cr_assert_eq(dg_rfm_view_parse("heatmap", &view, &err), DG_EINVAL);
    dg_format format;
    cr_assert_eq(dg_format_parse("xml", &format), DG_EINVAL);
    dg_btyd_model model;
    cr_assert_eq(dg_btyd_model_parse("weibull", &model), DG_EINVAL);
}

Test(report, stage_days_are_checked_against_the_frame)
{
    dg_frame *frame = NULL;
    cr_assert_eq(dg_report_frame(&frame, store, DG_DAY_NONE, false, &err), 0);
    dg_report report = { 0 };
    dg_report_stage_options opt = { .view = DG_STAGE_VIEW_FUNNEL, .at = frame->as_of + 1,
                                    .from = DG_DAY_NONE };
    cr_assert_eq(dg_report_stage(&report, frame, &opt, &err), DG_EINVAL);
    opt = (dg_report_stage_options){ .view = DG_STAGE_VIEW_MIGRATION, .at = frame->as_of - 10,
                                     .from = frame->as_of - 5 };
    cr_assert_eq(dg_report_stage(&report, frame, &opt, &err), DG_EINVAL);
    cr_assert_eq(report.n_tables, 0);
    opt = (dg_report_stage_options){ .view = DG_STAGE_VIEW_COUNTS, .at = DG_DAY_NONE,
                                     .from = DG_DAY_NONE };
    cr_assert_eq(dg_report_stage(&report, frame, &opt, &err), 0, "%s", err.message);
    cr_assert_eq(report.n_tables, 1);
    dg_report_clear(&report);
    dg_frame_free(frame);
}

Test(report, loyalty_groups_view_has_three_tables)
{
    dg_frame *frame = NULL;
    cr_assert_eq(dg_report_frame(&frame, store, DG_DAY_NONE, true, &err), 0);
    dg_report report = { 0 };
    dg_report_loyalty_options opt = { .view = DG_LOYALTY_VIEW_GROUPS };
    cr_assert_eq(dg_report_loyalty(&report, frame, &opt, &err), 0, "%s", err.message);
    cr_assert_eq(report.n_tables, 3);
    cr_assert(titled(report.tables[1], "NPS by RFM segment"));
    cr_assert(titled(report.tables[2], "NPS by behavioural stage (orders alone, before advocacy)"));
    dg_report_clear(&report);
    cr_assert_eq(report.n_tables, 0);
    dg_frame_free(frame);
}

/* c1 (2 orders, active, a promoter) is an advocate on the ladder but a client by orders alone;
 * c2 (detractor) and c3 (promoter) bought once: customers. Worked by hand:
 *   customer  2 customers, 2 answers: 1 promoter, 1 detractor -> NPS 0; CSAT 4 of {2, 4} -> 50 %
 *   client    1, 1 answer: promoter -> NPS 100; CSAT 5 -> 100 %
 *   (all)     3, 3 answers: 2 promoters, 1 detractor -> NPS 33.3; CSAT 2 of 3 -> 66.7 %
 * Per relationship stage the client row would be empty and advocate 100: the circular table. */
Test(report, loyalty_nps_is_by_behavioural_stage)
{
    import("surveys", "response_id,customer_id,answered_on,nps,csat\n"
                      "s1,c1,2024-03-02,10,5\ns2,c2,2024-02-11,3,2\ns3,c3,2024-01-02,9,4\n");
    dg_frame *frame = NULL;
    cr_assert_eq(dg_report_frame(&frame, store, DG_DAY_NONE, true, &err), 0, "%s", err.message);
    dg_report report = { 0 };
    dg_report_loyalty_options opt = { .view = DG_LOYALTY_VIEW_GROUPS };
    cr_assert_eq(dg_report_loyalty(&report, frame, &opt, &err), 0, "%s", err.message);
    cr_assert_eq(report.n_tables, 3);
    char *csv = test_render(report.tables[2], DG_FORMAT_CSV);
    /* stage, customers, NPS answers, NPS, CSAT answers, CSAT (the intervals are in test_loyalty) */
    const char *rows[][6] = {
        { "prospect", "0", "0", "", "0", "" },
        { "customer", "2", "2", "0", "2", "0.5" },
        { "client", "1", "1", "100", "1", "1" },
        { "(not yet known)", "0", "0", "", "0", "" },
        { "(all)", "3", "3", "33.33333333", "3", "0.6666666667" },
    };
    const char *line = strchr(csv, '\n');
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        cr_assert(line, "%zu rows, expected %zu in\n%s", i, sizeof rows / sizeof *rows, csv);
        char field[9][32] = { { 0 } };
        const char *p = line + 1;
        for (int k = 0; k < 9 && p; k++) {
            size_t len = strcspn(p, ",\n");
            snprintf(field[k], sizeof field[k], "%.*s", (int)len, p);
            p = p[len] == ',' ? p + len + 1 : NULL;
        }
        const int col[6] = { 0, 1, 2, 3, 6, 7 };
        for (int k = 0; k < 6; k++)
            cr_assert_str_eq(field[col[k]], rows[i][k], "row %zu column %d in\n%s", i, col[k], csv);
        line = strchr(line + 1, '\n');
    }
    cr_assert(!strstr(csv, "advocate"), "%s", csv);
    cr_assert_eq(dg_table_notes(report.tables[2]), 1);
    cr_assert(strstr(dg_table_note(report.tables[2], 0), "before the promotion to advocate"));
    free(csv);
    dg_report_clear(&report);
    dg_frame_free(frame);
}

Test(report, a_full_report_refuses_and_frees_the_table)
{
    dg_report report = { 0 };
    for (int i = 0; i < DG_REPORT_MAX_TABLES; i++)
        cr_assert_eq(dg_report_add(&report, dg_table_new("t"), &err), 0);
    cr_assert_eq(dg_report_add(&report, dg_table_new("one too many"), &err), DG_ENOMEM);
    cr_assert_eq(dg_report_add(&report, NULL, &err), DG_ENOMEM);
    cr_assert_eq(report.n_tables, DG_REPORT_MAX_TABLES);
    dg_report_clear(&report);
}

Test(conventions, error_set_clears_a_stale_position)
{
    dg_error e;
    dg_error_clear(&e);
    dg_error_at(&e, DG_EPARSE, "rules.conf", 7, 3, "bad value");
    cr_assert_eq(e.line, 7);
    dg_error_set(&e, DG_EINVAL, "no position");
    cr_assert_eq(e.line, 0);
    cr_assert_eq(e.column, 0);
    cr_assert_str_eq(e.file, "");
    cr_assert_str_eq(e.message, "no position");
}

Test(conventions, version_macros_match_the_library)
{
    int major = -1, minor = -1, patch = -1;
    const char *text = dg_version(&major, &minor, &patch);
    cr_assert_eq(major, DG_VERSION_MAJOR);
    cr_assert_eq(minor, DG_VERSION_MINOR);
    cr_assert_eq(patch, DG_VERSION_PATCH);
    char expect[32];
    snprintf(expect, sizeof expect, "%d.%d.%d", major, minor, patch);
    cr_assert_str_eq(text, expect);
    cr_assert_str_eq(DG_VERSION_STRING, expect);
    cr_assert_eq(dg_version(NULL, NULL, NULL), text);
}
