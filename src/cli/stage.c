/* `dangol stage`: the relationship ladder — stage counts at a date, the funnel, the migration
 * matrix between two dates, the month-end history and the per-customer stages. */
#include <getopt.h>
#include <stdio.h>

#include "cli/analysis.h"

/* --migration FROM TO: the option's value and the argument after it. */
typedef struct migration_days {
    int argc;
    char **argv;
    bool given;
    int32_t from, to;
} migration_days;

static int parse_migration(const dg_cli *cli, const char *value, void *out)
{
    migration_days *m = out;
    int code;
    if (optind >= m->argc)
        return dg_cli_usage_error(cli, "--migration needs two dates: FROM TO");
    if ((code = dg_cli_parse_day(cli, "--migration", value, &m->from)) != 0 ||
        (code = dg_cli_parse_day(cli, "--migration", m->argv[optind++], &m->to)) != 0)
        return code;
    m->given = true;
    return DG_EXIT_OK;
}

static int run(dg_cli *cli, int argc, char **argv)
{
    int32_t at = DG_DAY_NONE, as_of = DG_DAY_NONE, from = DG_DAY_NONE;
    migration_days mig = { .argc = argc, .argv = argv };
    bool funnel = false, history = false, customers = false;
    const char *rules_path = NULL;
    const dg_cli_option options[] = {
        dg_cli_day("at", &at, NULL), dg_cli_day("as-of", &as_of, NULL),
        dg_cli_call("migration", parse_migration, &mig), dg_cli_flag("funnel", &funnel),
        dg_cli_flag("history", &history), dg_cli_day("from", &from, NULL),
        dg_cli_flag("customers", &customers), dg_cli_text("rules", &rules_path),
    };
    int code = dg_cli_options(cli, argc, argv, options, DG_CLI_N(options), NULL, 0);
    if (code != DG_EXIT_OK)
        return code;
    if (mig.given + funnel + history + customers > 1)
        return dg_cli_usage_error(cli, "choose one of --migration, --funnel, --history, "
                                       "--customers");

    dg_error err;
    dg_error_clear(&err);
    dg_stage_rules rules;
    dg_stage_rules_default(&rules);
    if (rules_path && dg_stage_rules_load(&rules, rules_path, &err) != 0)
        return dg_cli_fail(cli, &err);
    dg_report_stage_options sopts = {
        .view = mig.given ? DG_STAGE_VIEW_MIGRATION : history ? DG_STAGE_VIEW_HISTORY
              : customers ? DG_STAGE_VIEW_CUSTOMERS : funnel ? DG_STAGE_VIEW_FUNNEL
              : DG_STAGE_VIEW_COUNTS,
        .rules = &rules, .at = mig.given ? mig.to : at, .from = mig.given ? mig.from : from };
    dg_frame *frame = NULL;
    dg_report report = { 0 };
    /* the stages read order days only (through the offsets) among the order columns */
    dg_frame_options fopts = { .as_of = as_of, .columns = DG_FRAME_ORDER_CORE };
    if ((code = dg_cli_load_frame_of(cli, &fopts, &frame)) == 0)
        code = dg_cli_report_print(cli, dg_report_stage(&report, frame, &sopts, &err), &report,
                                   &err);
    dg_report_clear(&report);
    dg_frame_free(frame);
    return code;
}

DG_CLI_COMMAND(stage) = {
    "stage", "the relationship ladder: stages, funnel, migration, history",
    "usage: dangol [--db PATH] [--format table|csv|json] stage [--at DATE] [--as-of DATE]\n"
    "                 [--funnel | --migration FROM TO | --history [--from DATE] | --customers]\n"
    "                 [--rules FILE]\n\n"
    "Places every known customer on the ladder prospect -> customer -> client -> advocate ->\n"
    "partner, with a flag beside the stage (active, lapsed, churned). The rules and their\n"
    "defaults are in docs/loyalty.md; config/stages.conf is a copy to edit.\n"
    "  --at DATE             classify as of DATE (default: the as-of date)\n"
    "  --as-of DATE          ignore everything after DATE (default: the last day in the store)\n"
    "  --funnel              customers at each step or a later one on --at (one who fell\n"
    "                        back counts at the step they are at now), with conversion rates\n"
    "  --migration FROM TO   matrix of stage at FROM (rows) against stage at TO (columns)\n"
    "  --history             stage counts at every month end from --from (default: a year\n"
    "                        before --at) to --at\n"
    "  --customers           one row per customer\n"
    "  --rules FILE          stage rules overriding the defaults (key = value lines)\n",
    run,
};
