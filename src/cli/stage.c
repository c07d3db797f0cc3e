/* `dangol stage`: the relationship ladder — stage counts at a date, the funnel, the migration
 * matrix between two dates, the month-end history and the per-customer stages. */
#include <getopt.h>
#include <stdio.h>

#include "cli/analysis.h"

static int run(dg_cli *cli, int argc, char **argv)
{
    enum { OPT_AT = 1, OPT_AS_OF, OPT_MIGRATION, OPT_FUNNEL, OPT_HISTORY, OPT_FROM, OPT_CUSTOMERS,
           OPT_RULES };
    static const struct option options[] = {
        { "at", required_argument, NULL, OPT_AT },
        { "as-of", required_argument, NULL, OPT_AS_OF },
        { "migration", required_argument, NULL, OPT_MIGRATION },
        { "funnel", no_argument, NULL, OPT_FUNNEL },
        { "history", no_argument, NULL, OPT_HISTORY },
        { "from", required_argument, NULL, OPT_FROM },
        { "customers", no_argument, NULL, OPT_CUSTOMERS },
        { "rules", required_argument, NULL, OPT_RULES },
        { 0 } };
    int32_t at = DG_DAY_NONE, as_of = DG_DAY_NONE, from = DG_DAY_NONE, mig_from = 0, mig_to = 0;
    bool migration = false, funnel = false, history = false, customers = false;
    const char *rules_path = NULL;
    int o, code;
    while ((o = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (o) {
        case OPT_AT:
            if ((code = dg_cli_parse_day(cli, "--at", optarg, &at)) != 0)
                return code;
            break;
        case OPT_AS_OF:
            if ((code = dg_cli_parse_day(cli, "--as-of", optarg, &as_of)) != 0)
                return code;
            break;
        case OPT_FROM:
            if ((code = dg_cli_parse_day(cli, "--from", optarg, &from)) != 0)
                return code;
            break;
        case OPT_MIGRATION:
            if (optind >= argc)
                return dg_cli_usage_error(cli, "--migration needs two dates: FROM TO");
            if ((code = dg_cli_parse_day(cli, "--migration", optarg, &mig_from)) != 0 ||
                (code = dg_cli_parse_day(cli, "--migration", argv[optind++], &mig_to)) != 0)
                return code;
            migration = true;
            break;
        case OPT_FUNNEL: funnel = true; break;
        case OPT_HISTORY: history = true; break;
        case OPT_CUSTOMERS: customers = true; break;
        case OPT_RULES: rules_path = optarg; break;
        default: return dg_cli_usage_error(cli, "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", argv[optind]);
    if (migration + funnel + history + customers > 1)
        return dg_cli_usage_error(cli, "choose one of --migration, --funnel, --history, "
                                       "--customers");

    dg_error err;
    dg_error_clear(&err);
    dg_stage_rules rules;
    dg_stage_rules_default(&rules);
    if (rules_path && dg_stage_rules_load(&rules, rules_path, &err) != 0)
        return dg_cli_fail(cli, &err);
    dg_report_stage_options sopts = {
        .view = migration ? DG_STAGE_VIEW_MIGRATION : history ? DG_STAGE_VIEW_HISTORY
              : customers ? DG_STAGE_VIEW_CUSTOMERS : funnel ? DG_STAGE_VIEW_FUNNEL
              : DG_STAGE_VIEW_COUNTS,
        .rules = &rules, .at = migration ? mig_to : at, .from = migration ? mig_from : from };
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
