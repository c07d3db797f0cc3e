/* `dangol kpi`: headline KPIs by month (customers, new, active, orders, revenue, repeat rate,
 * NPS) — the numbers of the dashboard's overview page. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/analysis.h"
#include "dangol/kpi.h"
#include "dangol/text.h"

static int run(dg_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {
        { "as-of", required_argument, NULL, 'a' },
        { "months", required_argument, NULL, 'm' },
        { 0 },
    };
    const char *as_of_text = NULL, *months_text = NULL;
    int32_t as_of;
    int o;
    dg_error err;
    dg_error_clear(&err);
    while ((o = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (o == 'a') {
            if (dg_date_parse(optarg, strlen(optarg), &as_of, &err) != 0)
                return dg_cli_usage_error(cli, "--as-of: %s", err.message);
            as_of_text = optarg;
        } else if (o == 'm') {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > DG_KPI_MONTHS_MAX)
                return dg_cli_usage_error(cli, "--months \"%s\" must be from 1 to %d", optarg,
                                          DG_KPI_MONTHS_MAX);
            months_text = optarg;
        } else {
            return dg_cli_usage_error(cli, "unknown option %s", argv[optind - 1]);
        }
    }
    const char *params[5];
    size_t n = 0;
    if (as_of_text) {
        params[n++] = "as_of";
        params[n++] = as_of_text;
    }
    if (months_text) {
        params[n++] = "months";
        params[n++] = months_text;
    }
    params[n] = NULL;
    if (optind < argc)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", argv[optind]);
    return dg_cli_query(cli, "kpi", params);
}

DG_CLI_COMMAND(kpi) = {
    "kpi", "headline KPIs by month: customers, active, revenue, repeat rate, NPS",
    "usage: dangol [--db PATH] [--format table|csv|json] kpi [--as-of DATE] [--months N]\n\n"
    "Prints, for each of the last N calendar months (default 12) up to the as-of date (default:\n"
    "the last day with activity in the store): customers known by the month's end, new\n"
    "customers, active customers (at least one order in the month), orders, revenue, the repeat\n"
    "rate (share of buying customers who have ordered twice or more, a fraction) and the month's\n"
    "NPS (% promoters 9-10 minus % detractors 0-6; each customer once, with the latest answer in\n"
    "the month) with nps_n and its 95% interval. Formulas: docs/loyalty.md.\n",
    run,
};
