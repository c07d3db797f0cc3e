/* `dangol cube`: the OLAP pivot (include/dangol/cube.h). The options become the key/value query
 * of dg_report_query ("cube"), the same call the HTTP API makes, so both answer alike. */
#include <stdio.h>

#include "cli/analysis.h"

static int run(dg_cli *cli, int argc, char **argv)
{
    dg_cli_list pairs = { 0 };
    const dg_cli_option options[] = {
        dg_cli_short('r', dg_cli_pair("rows", "rows", &pairs)),
        dg_cli_short('c', dg_cli_pair("cols", "cols", &pairs)),
        dg_cli_short('m', dg_cli_pair("measure", "measure", &pairs)),
        dg_cli_short('w', dg_cli_pair("where", "where", &pairs)),
        dg_cli_pair_fixed("rollup", "totals", "rollup", &pairs),
        dg_cli_pair_fixed("cube", "totals", "cube", &pairs),
        dg_cli_pair("totals", "totals", &pairs),
        dg_cli_short('t', dg_cli_pair("top", "top", &pairs)),
        dg_cli_short('s', dg_cli_pair("sort", "sort", &pairs)),
        dg_cli_pair("as-of", "as_of", &pairs),
        dg_cli_pair("threads", "threads", &pairs),
    };
    return dg_cli_query_options(cli, argc, argv, "cube", options, DG_CLI_N(options), &pairs, 32);
}

DG_CLI_COMMAND(cube) = {
    "cube", "slice, dice and pivot revenue, orders and customers (OLAP)",
    "usage: dangol cube [--rows DIMS] [--cols DIMS] [--measure MEASURES] [--where FILTERS]\n"
    "                   [--rollup | --cube | --totals SETS] [--top N] [--sort KEY] [--as-of DATE]\n"
    "\n"
    "Pivots the orders: one row per value of the --rows dimensions, one column per value of the\n"
    "--cols dimensions, cells holding the measure.\n"
    "\n"
    "  --rows, --cols DIMS   comma-separated dimensions: year, quarter, month, week, day;\n"
    "                        category, brand, product; channel, payment, site, staff; region,\n"
    "                        gender, age, acquisition, customer_type, income; segment (RFM),\n"
    "                        stage (relationship ladder), activity (active, lapsed, churned)\n"
    "  --measure LIST        revenue (default), orders, customers (distinct), units, aov,\n"
    "                        revenue_per_customer, share (of the filtered revenue)\n"
    "  --where FILTERS       DIM=V1,V2 (any of), DIM!=V (none of), DIM=FROM..TO (range), terms\n"
    "                        joined by ';', e.g. \"region=Seoul;age=30-39;month=2024-01..2024-06\"\n"
    "  --rollup              subtotals and grand total: GROUP BY ROLLUP(rows), ROLLUP(cols)\n"
    "  --cube                every combination of totals: GROUP BY CUBE(rows, cols)\n"
    "  --totals SETS         explicit GROUPING SETS, e.g. \"month,channel|month|\" (\"\" = grand total)\n"
    "  --top N               keep the N detail rows with the largest measure\n"
    "  --sort KEY            label (default) or a measure, optionally :asc or :desc\n"
    "  --as-of DATE          ignore orders after DATE (default: the last day in the store)\n"
    "\n"
    "Product dimensions count order lines (revenue = line amounts); the others count orders.\n"
    "See docs/cube.md.\n",
    run,
};
