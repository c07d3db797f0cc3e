/* `dangol rfm`: RFM scores and the named segments, their sizes and revenue shares. */
#include <stdio.h>

#include "cli/analysis.h"

static int run(dg_cli *cli, int argc, char **argv)
{
    int32_t as_of = DG_DAY_NONE;
    const char *segments = NULL;
    dg_report_rfm_options ropts = { 0 };
    int view = DG_RFM_VIEW_SEGMENTS;
    const dg_cli_option options[] = {
        dg_cli_day("as-of", &as_of, NULL),
        dg_cli_text("segments", &segments),
        dg_cli_choice("customers", &view, DG_RFM_VIEW_CUSTOMERS),
        dg_cli_choice("bins", &view, DG_RFM_VIEW_BINS),
        dg_cli_flag("mean-monetary", &ropts.monetary_mean),
        dg_cli_choice("grid", &view, DG_RFM_VIEW_GRID),
    };
    int code = dg_cli_options(cli, argc, argv, options, DG_CLI_N(options), NULL, 0);
    if (code != DG_EXIT_OK)
        return code;
    ropts.view = (dg_rfm_view)view;

    dg_error err;
    dg_error_clear(&err);
    dg_rfm_segment_map *map = NULL;
    dg_store *store = NULL;
    dg_report report = { 0 };
    if (segments && dg_rfm_segment_map_load(&map, segments, &err) != 0)
        return dg_cli_fail(cli, &err);
    ropts.map = map;
    if ((code = dg_cli_open_store(cli, DG_STORE_READONLY, &store)) == DG_EXIT_OK) {
        int rc = dg_report_rfm_store(&report, store, as_of, &ropts, &err);
        if (rc == 0 && (report.flags & DG_REPORT_EMPTY_BINS) && !cli->quiet &&
            ropts.view != DG_RFM_VIEW_BINS)
            fprintf(stderr, "dangol rfm: note: some score bins are empty because tied values "
                            "are never split across bins; see `dangol rfm --bins`\n");
        code = dg_cli_report_print(cli, rc, &report, &err);
    }
    dg_report_clear(&report);
    dg_store_close(store);
    dg_rfm_segment_map_free(map);
    return code;
}

DG_CLI_COMMAND(rfm) = {
    "rfm", "RFM scores and segments: sizes and revenue shares",
    "usage: dangol [--db PATH] [--format table|csv|json] rfm [--as-of DATE] [--segments FILE]\n"
    "                 [--customers | --bins | --grid] [--mean-monetary]\n\n"
    "Scores every customer with orders on recency, frequency and monetary value (quintiles 1-5;\n"
    "equal values always share a score, so a bin can be empty: --bins shows each bin's range)\n"
    "and prints the named segments with their customers and share of revenue.\n"
    "  --as-of DATE      ignore everything after DATE (default: the last day in the store)\n"
    "  --segments FILE   segment map to use instead of the built-in one (format: docs/loyalty.md,\n"
    "                    example: config/rfm_segments.csv)\n"
    "  --customers       one row per customer instead of the segment summary\n"
    "  --bins            the score bins of R, F and M with their value ranges\n"
    "  --grid            scored customers and revenue per (R, F) pair (the dashboard's heatmap)\n"
    "  --mean-monetary   M is the mean order value instead of the total spend\n",
    run,
};
