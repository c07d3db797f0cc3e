/* `dangol economics`: is keeping a customer cheaper than winning one, here? CAC per channel and
 * month, CLV against CAC per channel with the payback months, customer profitability and the
 * acquisition cost beside the retention programme's cost. The figures come from the report
 * layer (dg_report_economics), as the API shows them; this file reads the options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/analysis.h"
#include "dangol/economics.h"
#include "dangol/points.h"

/* --top: a whole number from 0 (all) to 100000000, into the size_t at out. */
static int parse_top(const dg_cli *cli, const char *value, void *out)
{
    char *end;
    long long top = strtoll(value, &end, 10);
    if (end == value || *end || top < 0 || top > 100000000)
        return dg_cli_usage_error(cli, "--top \"%s\": expected a whole number from 0 (all) to "
                                  "100000000", value);
    *(size_t *)out = (size_t)top;
    return DG_EXIT_OK;
}

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
    int32_t as_of = DG_DAY_NONE;
    const char *config_path = NULL, *points_path = NULL;
    const dg_cli_option options[] = {
        dg_cli_day("as-of", &as_of, NULL), dg_cli_text("config", &config_path),
        dg_cli_text("points-rules", &points_path), dg_cli_call("top", parse_top, &opt.top),
    };
    dg_cli_getopt_reset();
    int code = dg_cli_options(cli, argc - 1, argv + 1, options, DG_CLI_N(options), NULL, 0);
    if (code != DG_EXIT_OK)
        return code;
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
