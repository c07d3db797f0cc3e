/* `dangol kpi`: headline KPIs by month (customers, new, active, orders, revenue, repeat rate,
 * NPS) — the numbers of the dashboard's overview page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/analysis.h"
#include "dangol/kpi.h"
#include "dangol/text.h"

/* --as-of DATE, checked here and passed on as written (ctx: the text). */
static int parse_as_of(const dg_cli *cli, const char *text, void *ctx)
{
    dg_error err;
    dg_error_clear(&err);
    int32_t as_of;
    if (dg_date_parse(text, strlen(text), &as_of, &err) != 0)
        return dg_cli_usage_error(cli, "--as-of: %s", err.message);
    *(const char **)ctx = text;
    return DG_EXIT_OK;
}

/* --months N, from 1 to DG_KPI_MONTHS_MAX (ctx: the text). */
static int parse_months(const dg_cli *cli, const char *text, void *ctx)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*end || v < 1 || v > DG_KPI_MONTHS_MAX)
        return dg_cli_usage_error(cli, "--months \"%s\" must be from 1 to %d", text,
                                  DG_KPI_MONTHS_MAX);
    *(const char **)ctx = text;
    return DG_EXIT_OK;
}

static int run(dg_cli *cli, int argc, char **argv)
{
    const char *as_of_text = NULL, *months_text = NULL;
    const dg_cli_option options[] = {
        dg_cli_call("as-of", parse_as_of, &as_of_text),
        dg_cli_call("months", parse_months, &months_text),
    };
    int code = dg_cli_options(cli, argc, argv, options, DG_CLI_N(options), NULL, 0);
    if (code != DG_EXIT_OK)
        return code;
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
