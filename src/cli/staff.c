/* `dangol staff`: internal customers — customers served, revenue, the repeat rate of first-time
 * customers, CSAT, NPS and service rating per staff member or site, shrunk by empirical Bayes
 * and ranked; and `dangol staff chain`, the service-profit chain: per site the staff's own
 * satisfaction beside their customers', correlated across sites. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/analysis.h"

/* The chain needs the store (the staff surveys) and the frame built from it. */
typedef struct chain_args {
    int32_t as_of;
    int repeat_days, min_responses;
} chain_args;

static int chain_report(dg_report *out, dg_store *store, void *ctx, dg_error *err)
{
    const chain_args *a = ctx;
    dg_frame *frame = NULL;
    int rc = dg_report_frame(&frame, store, a->as_of, false, err);
    if (rc == 0)
        rc = dg_report_staff_chain(out, frame, store, a->repeat_days, a->min_responses, err);
    dg_frame_free(frame);
    return rc;
}

static int run(dg_cli *cli, int argc, char **argv)
{
    enum { OPT_AS_OF = 1, OPT_BY, OPT_RANK, OPT_REPEAT_DAYS, OPT_MIN_RESPONSES };
    static const struct option options[] = {
        { "as-of", required_argument, NULL, OPT_AS_OF },
        { "by", required_argument, NULL, OPT_BY },
        { "rank", required_argument, NULL, OPT_RANK },
        { "repeat-days", required_argument, NULL, OPT_REPEAT_DAYS },
        { "min-responses", required_argument, NULL, OPT_MIN_RESPONSES },
        { 0 } };
    bool is_chain = argc > 1 && strcmp(argv[1], "chain") == 0;
    if (is_chain) {
        argc--;
        argv++;
        dg_cli_getopt_reset();
    }
    int32_t as_of = DG_DAY_NONE;
    dg_staff_options sopts = { .by = DG_STAFF_BY_STAFF, .rank = DG_STAFF_RANK_NPS };
    int min_responses = 0;
    bool by_or_rank = false;
    dg_error err;
    dg_error_clear(&err);
    int o, code;
    double number;
    while ((o = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (o) {
        case OPT_AS_OF:
            if ((code = dg_cli_parse_day(cli, "--as-of", optarg, &as_of)) != 0)
                return code;
            break;
        case OPT_BY:
            by_or_rank = true;
            if (dg_staff_by_parse(optarg, &sopts.by, &err) != 0)
                return dg_cli_usage_error(cli, "--by: %s", err.message);
            break;
        case OPT_RANK:
            by_or_rank = true;
            if (dg_staff_rank_parse(optarg, &sopts.rank, &err) != 0)
                return dg_cli_usage_error(cli, "--rank: %s", err.message);
            break;
        case OPT_REPEAT_DAYS:
            if ((code = dg_cli_parse_number(cli, "--repeat-days", optarg, 1, 3650, true,
                                            &number)) != 0)
                return code;
            sopts.repeat_days = (int)number;
            break;
        case OPT_MIN_RESPONSES:
            if ((code = dg_cli_parse_number(cli, "--min-responses", optarg, 1, 100000, true,
                                            &number)) != 0)
                return code;
            min_responses = (int)number;
            break;
        default: return dg_cli_usage_error(cli, "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"%s", argv[optind],
                                  is_chain ? "" : "; the one subcommand is chain");
    if (is_chain && by_or_rank)
        return dg_cli_usage_error(cli, "--by and --rank are not options of staff chain");
    if (!is_chain && min_responses)
        return dg_cli_usage_error(cli, "--min-responses is an option of staff chain");
    if (is_chain)
        return dg_cli_store_report(cli, chain_report,
                                   &(chain_args){ as_of, sopts.repeat_days, min_responses });
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
    "staff", "staff members and sites: customers, revenue, repeat rate, CSAT, NPS, ranked; the "
    "service-profit chain",
    "usage: dangol [--db PATH] [--format table|csv|json] staff [--by staff|site] [--as-of DATE]\n"
    "                 [--rank nps|csat|repeat|rating|revenue] [--repeat-days N]\n"
    "       dangol [--db PATH] [--format table|csv|json] staff chain [--as-of DATE]\n"
    "                 [--repeat-days N] [--min-responses N]\n\n"
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
    "                      (default 180; only first orders at least N days old count)\n\n"
    "staff chain: the service-profit chain. Per site, the staff's own satisfaction (staff\n"
    "satisfaction surveys: `dangol import staff_surveys FILE`, each response's mean answer\n"
    "rescaled to 0-100 by its scale) beside the NPS, CSAT and repeat rate of the customers the\n"
    "site serves; then, across sites, Pearson's r of staff satisfaction with each measure, its\n"
    "95% interval by Fisher's z and p. A correlation, not a cause. Fewer than 4 sites leave r\n"
    "empty with a note.\n"
    "  --min-responses N   sites with fewer staff survey responses stay out of the\n"
    "                      correlations (default 3)\n\n"
    "Exit codes: 2 for a bad option, 3 for a missing store.\n",
    run,
};
