/* `dangol cohort`: retention and revenue of acquisition cohorts (include/dangol/cohort.h), through
 * dg_report_query ("cohort"), the same call the HTTP API makes. */
#include <stdio.h>

#include "cli/analysis.h"

static int run(dg_cli *cli, int argc, char **argv)
{
    dg_cli_list pairs = { 0 };
    const dg_cli_option options[] = {
        dg_cli_short('b', dg_cli_pair("by", "by", &pairs)),
        dg_cli_short('m', dg_cli_pair("measure", "measure", &pairs)),
        dg_cli_short('p', dg_cli_pair("periods", "periods", &pairs)),
        dg_cli_pair("as-of", "as_of", &pairs),
    };
    return dg_cli_query_options(cli, argc, argv, "cohort", options, DG_CLI_N(options), &pairs, 8);
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
