/* `dangol features` (the customer feature table) and `dangol segment` (k-means segments of the
 * customers with their profiles, names, silhouettes and the crosstab against RFM). */
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>

#include "cli/analysis.h"

/* A whole number within lo..hi given to option --name (value, given when it appeared). */
typedef struct count_option {
    const char *option;
    unsigned long lo, hi, value;
    bool given;
} count_option;

static int parse_count(const dg_cli *cli, const char *text, void *out)
{
    count_option *c = out;
    char *end;
    unsigned long v = strtoul(text, &end, 10);
    if (!text[0] || *end || text[0] == '-' || v < c->lo || v > c->hi)
        return dg_cli_usage_error(cli, "%s \"%s\": expected a whole number from %lu to %lu",
                                  c->option, text, c->lo, c->hi);
    c->value = v;
    c->given = true;
    return DG_EXIT_OK;
}

static int parse_view(const dg_cli *cli, const char *text, void *out)
{
    dg_error err;
    dg_error_clear(&err);
    if (dg_segment_view_parse(text, out, &err) != 0)
        return dg_cli_usage_error(cli, "%s", err.message);
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
    int32_t as_of = DG_DAY_NONE;
    dg_segment_options sopts;
    dg_segment_options_init(&sopts);
    dg_segment_view view = DG_SEGMENT_VIEW_PROFILES;
    count_option k = { "--k", 1, DG_SEGMENT_K_MAX, 0, false },
                 k_max = { "--k-max", 2, DG_SEGMENT_K_MAX, 0, false },
                 seed = { "--seed", 0, ULONG_MAX - 1, 0, false },
                 sample = { "--sample", 10, 100000, 0, false },
                 restarts = { "--restarts", 1, 100, 0, false };
    const dg_cli_option options[] = {
        dg_cli_day("as-of", &as_of, NULL), dg_cli_call("k", parse_count, &k),
        dg_cli_call("seed", parse_count, &seed), dg_cli_call("view", parse_view, &view),
        dg_cli_text("features", &sopts.features), dg_cli_call("k-max", parse_count, &k_max),
        dg_cli_call("sample", parse_count, &sample),
        dg_cli_call("restarts", parse_count, &restarts),
    };
    int code = dg_cli_options(cli, argc, argv, options, DG_CLI_N(options), NULL, 0);
    if (code != DG_EXIT_OK)
        return code;
    if (k.given)
        sopts.k = k.value;
    if (k_max.given)
        sopts.k_max = k_max.value;
    if (seed.given)
        sopts.seed = seed.value;
    if (sample.given)
        sopts.sample = sample.value;
    if (restarts.given)
        sopts.n_init = (int)restarts.value;
    dg_error err;
    dg_error_clear(&err);
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
