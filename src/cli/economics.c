/* `dangol economics`: is keeping a customer cheaper than winning one, here? CAC per channel and
 * month, CLV against CAC per channel with the payback months, customer profitability and the
 * acquisition cost beside the retention programme's cost. The figures come from the report
 * layer (dg_report_economics), as the API shows them; this file reads the options. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/analysis.h"
#include "dangol/economics.h"
#include "dangol/points.h"

static int run(dg_cli *cli, int argc, char **argv)
{
    const char *valid = "cac, clv-cac, profit, retention";
    if (argc < 2)
        return dg_cli_usage_error(cli, "missing subcommand; valid: %s", valid);
    dg_error err;
    dg_error_clear(&err);
    dg_report_economics_options opt = { .top = 20 };
    if (dg_economics_view_parse(argv[1], &opt.view, &err) != 0)
        return dg_cli_usage_error(cli, "unknown subcommand \"%s\"; valid: %s", argv[1], valid);
    enum { OPT_AS_OF = 1, OPT_CONFIG, OPT_POINTS_RULES, OPT_TOP };
    static const struct option options[] = {
        { "as-of", required_argument, NULL, OPT_AS_OF },
        { "config", required_argument, NULL, OPT_CONFIG },
        { "points-rules", required_argument, NULL, OPT_POINTS_RULES },
        { "top", required_argument, NULL, OPT_TOP },
        { 0 } };
    int32_t as_of = DG_DAY_NONE;
    const char *config_path = NULL, *points_path = NULL;
    int o, code;
    dg_cli_getopt_reset();
    while ((o = getopt_long(argc - 1, argv + 1, "", options, NULL)) != -1) {
        switch (o) {
        case OPT_AS_OF:
            if ((code = dg_cli_parse_day(cli, "--as-of", optarg, &as_of)) != DG_EXIT_OK)
                return code;
            break;
        case OPT_CONFIG: config_path = optarg; break;
        case OPT_POINTS_RULES: points_path = optarg; break;
        case OPT_TOP: {
            char *end;
            long long top = strtoll(optarg, &end, 10);
            if (end == optarg || *end || top < 0 || top > 100000000)
                return dg_cli_usage_error(cli, "--top \"%s\": expected a whole number from 0 "
                                          "(all) to 100000000", optarg);
            opt.top = (size_t)top;
            break;
        }
        default: return dg_cli_usage_error(cli, "unknown option %s", argv[optind]);
        }
    }
    if (optind + 1 < argc)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", argv[optind + 1]);
    dg_economics_config config;
    dg_economics_config_init(&config);
    if (config_path && dg_economics_config_load(&config, config_path, &err) != 0)
        return dg_cli_fail(cli, &err);   /* as every config file: exit 1, file:line:column */
    dg_points_rules rules;
    if ((code = dg_cli_points_rules(cli, points_path, &rules)) != DG_EXIT_OK)
        return code;
    opt.config = &config;
    opt.point_value_minor = rules.point_value_minor;
    dg_frame *frame = NULL;   /* with its order lines: the margins are computed from them */
    if ((code = dg_cli_load_frame(cli, as_of, true, &frame)) != DG_EXIT_OK)
        return code;
    dg_store *store = NULL;
    if ((code = dg_cli_open_store(cli, DG_STORE_READONLY, &store)) != DG_EXIT_OK) {
        dg_frame_free(frame);
        return code;
    }
    dg_report rep = { 0 };
    int rc = dg_report_economics(&rep, store, frame, NULL, &opt, &err);
    code = dg_cli_report_print(cli, rc, &rep, &err);
    dg_report_clear(&rep);
    dg_store_close(store);
    dg_frame_free(frame);
    return code;
}

DG_CLI_COMMAND(economics) = {
    "economics", "acquisition cost, CLV against CAC, customer profitability, retention cost",
    "usage: dangol [--db PATH] [--format table|csv|json] economics VIEW [OPTIONS]\n\n"
    "Is keeping a customer cheaper than winning one, here? (docs/economics.md)\n\n"
    "  cac         marketing spend, new customers and CAC per acquisition channel and month\n"
    "  clv-cac     per channel: CAC, CLV on revenue and on gross margin, CLV/CAC, payback months\n"
    "  profit      totals, then customers by contribution: gross margin less coupons redeemed,\n"
    "              points burned at their money value and service tickets at their cost\n"
    "  retention   acquisition cost per new customer beside the coupon and points programme's\n"
    "              cost per retained customer, over the last retention_months months\n\n"
    "Options:\n"
    "  --as-of DATE         ignore what happened later (default: the last day in the store)\n"
    "  --config FILE        economics settings: ticket_cost, retention_months\n"
    "                       (config/economics.conf; default: the built-in, tickets not costed)\n"
    "  --points-rules FILE  points rules whose point_value_minor values a burned point\n"
    "                       (config/points.conf; default: the built-in)\n"
    "  --top N              profit: customers listed (default 20; 0 = all)\n\n"
    "Marketing spend is imported like any record: `dangol import marketing_spend FILE` with\n"
    "columns acquisition_channel, month, amount[, note]; unit costs are the products'\n"
    "unit_cost column.\n"
    "A bad option exits 2; a bad config line exits 1 naming file:line:column; a config file\n"
    "that does not exist exits 3.\n",
    run,
};
