/* `dangol cohort`: retention and revenue of acquisition cohorts (include/dangol/cohort.h), through
 * dg_report_query ("cohort"), the same call the HTTP API makes. */
#include <getopt.h>
#include <stdio.h>

#include "cli/analysis.h"

static int run(dg_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {
        { "by", required_argument, NULL, 'b' },      { "measure", required_argument, NULL, 'm' },
        { "periods", required_argument, NULL, 'p' }, { "as-of", required_argument, NULL, 'a' },
        { 0 },
    };
    const char *params[2 * 8 + 1];
    size_t n = 0;
    int o;
    while ((o = getopt_long(argc, argv, "b:m:p:", options, NULL)) != -1) {
        const char *key = o == 'b' ? "by" : o == 'm' ? "measure" : o == 'p' ? "periods"
                          : o == 'a' ? "as_of" : NULL;
        if (!key)
            return dg_cli_usage_error(cli, "unknown option %s", argv[optind - 1]);
        if (n + 2 >= sizeof params / sizeof params[0])
            return dg_cli_usage_error(cli, "too many options");
        params[n++] = key;
        params[n++] = optarg;
    }
    params[n] = NULL;
    if (optind < argc)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", argv[optind]);
    return dg_cli_query(cli, "cohort", params);
}

DG_CLI_COMMAND(cohort) = {
    "cohort", "retention and revenue of acquisition cohorts by month since acquisition",
    "usage: dangol cohort [--by month|channel|category] [--measure MEASURE] [--periods N]\n"
    "                     [--as-of DATE]\n"
    "\n"
    "Groups customers by acquisition month (acquired_on, else the first order), acquisition\n"
    "channel or the category of their first purchase, and shows for each month k since a\n"
    "customer's own acquisition month (M0, M1, ...):\n"
    "  retention             share of the members whose month k has begun that ordered in it\n"
    "  active                how many members ordered in month k\n"
    "  revenue               the members' revenue in month k\n"
    "  revenue_per_customer  that revenue divided by the cohort size\n"
    "Months that have not begun by the as-of day are empty. --periods N shows M0..M(N-1).\n"
    "See docs/cube.md.\n",
    run,
};
