/* `dangol cube`: the OLAP pivot (include/dangol/cube.h). The options become the key/value query
 * of dg_report_query ("cube"), the same call the HTTP API makes, so both answer alike. */
#include <getopt.h>
#include <stdio.h>

#include "cli/analysis.h"

static int run(dg_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {
        { "rows", required_argument, NULL, 'r' },    { "cols", required_argument, NULL, 'c' },
        { "measure", required_argument, NULL, 'm' }, { "where", required_argument, NULL, 'w' },
        { "rollup", no_argument, NULL, 'R' },        { "cube", no_argument, NULL, 'C' },
        { "totals", required_argument, NULL, 'T' },  { "top", required_argument, NULL, 't' },
        { "sort", required_argument, NULL, 's' },    { "as-of", required_argument, NULL, 'a' },
        { "threads", required_argument, NULL, 'j' }, { 0 },
    };
    const char *params[2 * 32 + 1];
    size_t n = 0;
    int o;
    while ((o = getopt_long(argc, argv, "r:c:m:w:t:s:", options, NULL)) != -1) {
        const char *key = NULL, *value = optarg;
        switch (o) {
        case 'r': key = "rows"; break;
        case 'c': key = "cols"; break;
        case 'm': key = "measure"; break;
        case 'w': key = "where"; break;
        case 'R': key = "totals"; value = "rollup"; break;
        case 'C': key = "totals"; value = "cube"; break;
        case 'T': key = "totals"; break;
        case 't': key = "top"; break;
        case 's': key = "sort"; break;
        case 'a': key = "as_of"; break;
        case 'j': key = "threads"; break;
        default: return dg_cli_usage_error(cli, "unknown option %s", argv[optind - 1]);
        }
        if (n + 2 >= sizeof params / sizeof params[0])
            return dg_cli_usage_error(cli, "too many options");
        params[n++] = key;
        params[n++] = value;
    }
    params[n] = NULL;
    if (optind < argc)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", argv[optind]);
    return dg_cli_query(cli, "cube", params);
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
