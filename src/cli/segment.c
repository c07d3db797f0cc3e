/* `dangol features` (the customer feature table) and `dangol segment` (k-means segments of the
 * customers with their profiles, names, silhouettes and the crosstab against RFM). */
#include <getopt.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>

#include "cli/analysis.h"

/* Parses a whole number within lo..hi given to option. */
static int parse_count(const dg_cli *cli, const char *option, const char *text, unsigned long lo,
                       unsigned long hi, unsigned long *out)
{
    char *end;
    unsigned long v = strtoul(text, &end, 10);
    if (!text[0] || *end || text[0] == '-' || v < lo || v > hi)
        return dg_cli_usage_error(cli, "%s \"%s\": expected a whole number from %lu to %lu",
                                  option, text, lo, hi);
    *out = v;
    return DG_EXIT_OK;
}

static int run_features(dg_cli *cli, int argc, char **argv)
{
    int32_t as_of = DG_DAY_NONE;
    const dg_cli_option options[] = { dg_cli_day("as-of", &as_of, NULL) };
    int code = dg_cli_options(cli, argc, argv, options, DG_CLI_N(options), NULL, 0);
    if (code != DG_EXIT_OK)
        return code;
    dg_error err;
    dg_error_clear(&err);
    dg_frame *frame = NULL;
    dg_store *store = NULL;
    dg_report report = { 0 };
    if ((code = dg_cli_load_frame(cli, as_of, true, &frame)) == 0 &&
        (code = dg_cli_open_store(cli, DG_STORE_READONLY, &store)) == 0)
        code = dg_cli_report_print(cli, dg_report_features(&report, store, frame, &err), &report,
                                   &err);
    dg_report_clear(&report);
    dg_store_close(store);
    dg_frame_free(frame);
    return code;
}

DG_CLI_COMMAND(features) = {
    "features", "the customer feature table (RFM, tenure, purchase gaps, breadth, NPS, profile)",
    "usage: dangol [--db PATH] [--format table|csv|json] features [--as-of DATE]\n\n"
    "One row per customer with an order by the as-of day: recency, frequency, monetary, average\n"
    "order value, tenure, mean days between purchases and their trend, channel and category\n"
    "breadth, complaints, latest NPS and CSAT, the loyalty programme's tier, points and coupon\n"
    "use (read from the store as of the same day), age, and one 0/1 column per gender, region\n"
    "and income band. Only data up to the as-of day is used. docs/segment.md defines each\n"
    "feature.\n"
    "  --as-of DATE   ignore everything after DATE (default: the last day in the store)\n",
    run_features,
};

static int run_segment(dg_cli *cli, int argc, char **argv)
{
    enum { OPT_AS_OF = 1, OPT_K, OPT_SEED, OPT_VIEW, OPT_FEATURES, OPT_K_MAX, OPT_SAMPLE,
           OPT_RESTARTS };
    static const struct option options[] = {
        { "as-of", required_argument, NULL, OPT_AS_OF },
        { "k", required_argument, NULL, OPT_K },
        { "seed", required_argument, NULL, OPT_SEED },
        { "view", required_argument, NULL, OPT_VIEW },
        { "features", required_argument, NULL, OPT_FEATURES },
        { "k-max", required_argument, NULL, OPT_K_MAX },
        { "sample", required_argument, NULL, OPT_SAMPLE },
        { "restarts", required_argument, NULL, OPT_RESTARTS },
        { 0 } };
    int32_t as_of = DG_DAY_NONE;
    dg_segment_options sopts;
    dg_segment_options_init(&sopts);
    dg_segment_view view = DG_SEGMENT_VIEW_PROFILES;
    dg_error err;
    dg_error_clear(&err);
    unsigned long v;
    int o, code = 0;
    while ((o = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (o) {
        case OPT_AS_OF: code = dg_cli_parse_day(cli, "--as-of", optarg, &as_of); break;
        case OPT_K:
            if ((code = parse_count(cli, "--k", optarg, 1, DG_SEGMENT_K_MAX, &v)) == 0)
                sopts.k = v;
            break;
        case OPT_K_MAX:
            if ((code = parse_count(cli, "--k-max", optarg, 2, DG_SEGMENT_K_MAX, &v)) == 0)
                sopts.k_max = v;
            break;
        case OPT_SEED:
            if ((code = parse_count(cli, "--seed", optarg, 0, ULONG_MAX - 1, &v)) == 0)
                sopts.seed = v;
            break;
        case OPT_SAMPLE:
            if ((code = parse_count(cli, "--sample", optarg, 10, 100000, &v)) == 0)
                sopts.sample = v;
            break;
        case OPT_RESTARTS:
            if ((code = parse_count(cli, "--restarts", optarg, 1, 100, &v)) == 0)
                sopts.n_init = (int)v;
            break;
        case OPT_VIEW:
            if (dg_segment_view_parse(optarg, &view, &err) != 0)
                code = dg_cli_usage_error(cli, "%s", err.message);
            break;
        case OPT_FEATURES: sopts.features = optarg; break;
        default: return dg_cli_usage_error(cli, "unknown option %s", argv[optind - 1]);
        }
        if (code != 0)
            return code;
    }
    if (optind < argc)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", argv[optind]);
    dg_frame *frame = NULL;
    dg_store *store = NULL;
    dg_report report = { 0 };
    if ((code = dg_cli_load_frame(cli, as_of, true, &frame)) == 0 &&
        (code = dg_cli_open_store(cli, DG_STORE_READONLY, &store)) == 0)
        code = dg_cli_report_print(cli, dg_report_segment(&report, store, frame, view, &sopts,
                                                          &err),
                                   &report, &err);
    dg_report_clear(&report);
    dg_store_close(store);
    dg_frame_free(frame);
    return code;
}

DG_CLI_COMMAND(segment) = {
    "segment", "k-means segments of the customers: profiles, names, silhouette, RFM crosstab",
    "usage: dangol [--db PATH] [--format table|csv|json] segment [--k N] [--as-of DATE]\n"
    "                 [--seed N] [--view profiles|means|customers|silhouette|crosstab]\n"
    "                 [--features LIST] [--k-max N] [--sample N] [--restarts N]\n\n"
    "Clusters the customers with an order by k-means (k-means++ starts, several restarts) on\n"
    "log-transformed, standardised features, choosing k by the mean silhouette on a sample\n"
    "unless --k is given, and names each segment from its profile (docs/segment.md).\n"
    "  --k N            the number of segments (1-20; default: the best silhouette of 2..10)\n"
    "  --k-max N        the largest k tried when choosing (default 10)\n"
    "  --as-of DATE     ignore everything after DATE (default: the last day in the store)\n"
    "  --seed N         seed of the k-means++ starts and of the silhouette sample (default 1);\n"
    "                   the same seed gives the same segments\n"
    "  --view V         profiles (default: size, revenue share, feature means as ratios to\n"
    "                   everyone's, suggested names), means (raw feature means), customers\n"
    "                   (one row per customer), silhouette (each k tried), crosstab (against\n"
    "                   the RFM segments)\n"
    "  --features LIST  comma-separated features to cluster on (default: recency_days,\n"
    "                   frequency, monetary, tenure_days, ipt_mean_days, channel_breadth,\n"
    "                   category_breadth); `dangol features` lists them all\n"
    "  --sample N       customers the silhouette looks at (default 3000)\n"
    "  --restarts N     k-means++ restarts for each k (default 4)\n",
    run_segment,
};
