/* `dangol staff`: internal customers — customers served, revenue, the repeat rate of first-time
 * customers, CSAT, NPS and service rating per staff member or site, shrunk by empirical Bayes
 * and ranked. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/analysis.h"

static int run(dg_cli *cli, int argc, char **argv)
{
    enum { OPT_AS_OF = 1, OPT_BY, OPT_RANK, OPT_REPEAT_DAYS };
    static const struct option options[] = {
        { "as-of", required_argument, NULL, OPT_AS_OF },
        { "by", required_argument, NULL, OPT_BY },
        { "rank", required_argument, NULL, OPT_RANK },
        { "repeat-days", required_argument, NULL, OPT_REPEAT_DAYS },
        { 0 } };
    int32_t as_of = DG_DAY_NONE;
    dg_staff_options sopts = { .by = DG_STAFF_BY_STAFF, .rank = DG_STAFF_RANK_NPS };
    dg_error err;
    dg_error_clear(&err);
    int o, code;
    char *end;
    while ((o = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (o) {
        case OPT_AS_OF:
            if ((code = dg_cli_parse_day(cli, "--as-of", optarg, &as_of)) != 0)
                return code;
            break;
        case OPT_BY:
            if (dg_staff_by_parse(optarg, &sopts.by, &err) != 0)
                return dg_cli_usage_error(cli, "--by: %s", err.message);
            break;
        case OPT_RANK:
            if (dg_staff_rank_parse(optarg, &sopts.rank, &err) != 0)
                return dg_cli_usage_error(cli, "--rank: %s", err.message);
            break;
        case OPT_REPEAT_DAYS:
            sopts.repeat_days = (int)strtol(optarg, &end, 10);
            if (*end || end == optarg || sopts.repeat_days < 1 || sopts.repeat_days > 3650)
                return dg_cli_usage_error(cli, "--repeat-days \"%s\": expected a whole number "
                                          "of days from 1 to 3650", optarg);
            break;
        default: return dg_cli_usage_error(cli, "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", argv[optind]);
    dg_frame *frame = NULL;
    dg_report report = { 0 };
    if ((code = dg_cli_load_frame(cli, as_of, false, &frame)) == 0)
        code = dg_cli_report_print(cli, dg_report_staff(&report, frame, &sopts, &err), &report,
                                   &err);
    dg_report_clear(&report);
    dg_frame_free(frame);
    return code;
}

DG_CLI_COMMAND(staff) = {
    "staff", "staff members and sites: customers, revenue, repeat rate, CSAT, NPS, ranked",
    "usage: dangol [--db PATH] [--format table|csv|json] staff [--by staff|site] [--as-of DATE]\n"
    "                 [--rank nps|csat|repeat|rating|revenue] [--repeat-days N]\n\n"
    "Prints, per staff member (orders.staff_id) or site (orders.site): the customers served,\n"
    "orders, revenue, the repeat rate of the first-time customers served, the CSAT and NPS of\n"
    "their customers' survey answers (each answer goes to the staff member and site of the\n"
    "customer's latest order on or before it) and the service rating (share of touchpoint\n"
    "interactions rated 4-5 that name the staff member). Every rate is shown raw and shrunk by\n"
    "empirical Bayes (beta-binomial, prior fitted by maximum likelihood) toward the staff\n"
    "member's site, or a site's toward the store, with its 95% interval, so that three answers\n"
    "never top the ranking. Formulas: docs/staff.md.\n"
    "  --by staff|site     one row per staff member (default) or per site\n"
    "  --as-of DATE        ignore everything after DATE (default: the last day in the store)\n"
    "  --rank MEASURE      order by the shrunk nps (default), csat, repeat, rating, or by\n"
    "                      revenue\n"
    "  --repeat-days N     a first-time customer repeats with another order within N days\n"
    "                      (default 180; only first orders at least N days old count)\n",
    run,
};
