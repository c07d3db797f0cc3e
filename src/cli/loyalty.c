/* `dangol loyalty`: behavioural and attitudinal loyalty, the loyalty index, and NPS/CSAT per RFM
 * segment and per behavioural stage (before advocacy). */
#include <stdio.h>
#include <string.h>

#include "cli/analysis.h"

/* --view summary|segments|stages (ctx: the dg_loyalty_view). */
static int parse_view(const dg_cli *cli, const char *text, void *ctx)
{
    dg_loyalty_view *view = ctx;
    if (strcmp(text, "summary") == 0)
        *view = DG_LOYALTY_VIEW_SUMMARY;
    else if (strcmp(text, "segments") == 0)
        *view = DG_LOYALTY_VIEW_SEGMENTS;
    else if (strcmp(text, "stages") == 0)
        *view = DG_LOYALTY_VIEW_STAGES;
    else
        return dg_cli_usage_error(cli, "--view \"%s\" is not one of: summary, segments, "
                                  "stages", text);
    return DG_EXIT_OK;
}

static int run(dg_cli *cli, int argc, char **argv)
{
    int32_t as_of = DG_DAY_NONE;
    const char *config_path = NULL, *segments = NULL, *rules_path = NULL;
    bool customers = false;
    dg_loyalty_view view = DG_LOYALTY_VIEW_GROUPS;   /* the three tables */
    const dg_cli_option options[] = {
        dg_cli_day("as-of", &as_of, NULL),
        dg_cli_text("config", &config_path),
        dg_cli_text("segments", &segments),
        dg_cli_text("rules", &rules_path),
        dg_cli_flag("customers", &customers),
        dg_cli_call("view", parse_view, &view),
    };
    int code = dg_cli_options(cli, argc, argv, options, DG_CLI_N(options), NULL, 0);
    if (code != DG_EXIT_OK)
        return code;
    if (customers && view != DG_LOYALTY_VIEW_GROUPS)
        return dg_cli_usage_error(cli, "--customers and --view are two views; give one");

    dg_error err;
    dg_error_clear(&err);
    dg_loyalty_config config;
    dg_stage_rules rules;
    dg_rfm_segment_map *map = NULL;
    dg_loyalty_config_default(&config);
    dg_stage_rules_default(&rules);
    if ((config_path && dg_loyalty_config_load(&config, config_path, &err) != 0) ||
        (rules_path && dg_stage_rules_load(&rules, rules_path, &err) != 0) ||
        (segments && dg_rfm_segment_map_load(&map, segments, &err) != 0))
        return dg_cli_fail(cli, &err);
    dg_report_loyalty_options lopts = {
        .view = customers ? DG_LOYALTY_VIEW_CUSTOMERS : view,
        .config = &config, .rules = &rules, .map = map };
    dg_frame *frame = NULL;
    dg_report report = { 0 };
    /* loyalty reads order days, amounts and channels, and the lines' categories */
    dg_frame_options fopts = { .as_of = as_of, .with_lines = true,
                               .columns = DG_FRAME_ORDER_CORE | DG_FRAME_ORDER_CHANNEL };
    if ((code = dg_cli_load_frame_of(cli, &fopts, &frame)) == 0)
        code = dg_cli_report_print(cli, dg_report_loyalty(&report, frame, &lopts, &err), &report,
                                   &err);
    dg_report_clear(&report);
    dg_frame_free(frame);
    dg_rfm_segment_map_free(map);
    return code;
}

DG_CLI_COMMAND(loyalty) = {
    "loyalty", "loyalty measures, NPS, CSAT and the loyalty index",
    "usage: dangol [--db PATH] [--format table|csv|json] loyalty [--as-of DATE]\n"
    "                 [--customers | --view summary|segments|stages]\n"
    "                 [--config FILE] [--segments FILE] [--rules FILE]\n\n"
    "Prints behavioural loyalty (repeat purchase rate, tenure, inter-purchase time, purchase\n"
    "trend, category and channel breadth), attitudinal loyalty (NPS with its 95% interval,\n"
    "CSAT, repurchase and recommendation intent), the mean loyalty index, and NPS per RFM\n"
    "segment and per behavioural stage (orders alone, before the promotion to advocate).\n"
    "Formulas: docs/loyalty.md.\n"
    "  --as-of DATE      ignore everything after DATE (default: the last day in the store)\n"
    "  --customers       one row per customer: measures, behavioural and attitudinal parts,\n"
    "                    loyalty index 0-100 and whether it is behavioural only (no answers)\n"
    "  --view V          one table instead of the three: summary (the measures), segments\n"
    "                    (NPS and CSAT by RFM segment) or stages (by behavioural stage), as\n"
    "                    /api/loyalty?view=V; one CSV table for a spreadsheet\n"
    "  --config FILE     index weights and windows (key = value; see config/loyalty.conf)\n"
    "  --segments FILE   RFM segment map (see config/rfm_segments.csv)\n"
    "  --rules FILE      stage rules (see config/stages.conf)\n",
    run,
};
