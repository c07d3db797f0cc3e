/* `dangol staff`: internal customers — customers served, revenue, the repeat rate of first-time
 * customers, CSAT, NPS and service rating per staff member or site, shrunk by empirical Bayes
 * and ranked; and `dangol staff chain`, the service-profit chain: per site the staff's own
 * satisfaction beside their customers', correlated across sites. */
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

/* --by staff|site and --rank MEASURE (ctx: the options; either one makes by_or_rank). */
typedef struct staff_choices {
    dg_staff_options opts;
    bool by_or_rank;
} staff_choices;

static int parse_by(const dg_cli *cli, const char *text, void *ctx)
{
    staff_choices *c = ctx;
    dg_error err;
    c->by_or_rank = true;
    if (dg_staff_by_parse(text, &c->opts.by, &err) != 0)
        return dg_cli_usage_error(cli, "--by: %s", err.message);
    return DG_EXIT_OK;
}

static int parse_rank(const dg_cli *cli, const char *text, void *ctx)
{
    staff_choices *c = ctx;
    dg_error err;
    c->by_or_rank = true;
    if (dg_staff_rank_parse(text, &c->opts.rank, &err) != 0)
        return dg_cli_usage_error(cli, "--rank: %s", err.message);
    return DG_EXIT_OK;
}

static int run(dg_cli *cli, int argc, char **argv)
{
    bool is_chain = argc > 1 && strcmp(argv[1], "chain") == 0;
    if (is_chain) {
        argc--;
        argv++;
        dg_cli_getopt_reset();
    }
    int32_t as_of = DG_DAY_NONE;
    staff_choices c = { .opts = { .by = DG_STAFF_BY_STAFF, .rank = DG_STAFF_RANK_NPS } };
    double repeat_days = 0, min_responses = 0;
    const dg_cli_option options[] = {
        dg_cli_day("as-of", &as_of, NULL),
        dg_cli_call("by", parse_by, &c),
        dg_cli_call("rank", parse_rank, &c),
        dg_cli_whole("repeat-days", &repeat_days, 1, 3650),
        dg_cli_whole("min-responses", &min_responses, 1, 100000),
    };
    int first;
    int code = dg_cli_options_rest(cli, argc, argv, options, DG_CLI_N(options), &first);
    if (code != DG_EXIT_OK)
        return code;
    dg_staff_options sopts = c.opts;
    sopts.repeat_days = (int)repeat_days;
    if (first < argc)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"%s", argv[first],
                                  is_chain ? "" : "; the one subcommand is chain");
    if (is_chain && c.by_or_rank)
        return dg_cli_usage_error(cli, "--by and --rank are not options of staff chain");
    if (!is_chain && min_responses != 0)
        return dg_cli_usage_error(cli, "--min-responses is an option of staff chain");
    if (is_chain)
        return dg_cli_store_report(cli, chain_report,
                                   &(chain_args){ as_of, sopts.repeat_days, (int)min_responses });
    dg_error err;
    dg_error_clear(&err);
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
