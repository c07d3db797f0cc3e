/* `dangol loyalty`: behavioural and attitudinal loyalty, the loyalty index, and NPS/CSAT per RFM
 * segment and per relationship stage. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/analysis.h"
#include "dangol/loyalty.h"
#include "dangol/stage.h"

static int run(dg_cli *cli, int argc, char **argv)
{
    enum { OPT_AS_OF = 1, OPT_CONFIG, OPT_SEGMENTS, OPT_RULES, OPT_CUSTOMERS };
    static const struct option options[] = {
        { "as-of", required_argument, NULL, OPT_AS_OF },
        { "config", required_argument, NULL, OPT_CONFIG },
        { "segments", required_argument, NULL, OPT_SEGMENTS },
        { "rules", required_argument, NULL, OPT_RULES },
        { "customers", no_argument, NULL, OPT_CUSTOMERS },
        { 0 } };
    int32_t as_of = DG_DAY_NONE;
    const char *config_path = NULL, *segments = NULL, *rules_path = NULL;
    bool customers = false;
    int o, code;
    while ((o = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (o) {
        case OPT_AS_OF:
            if ((code = dg_cli_parse_day(cli, "--as-of", optarg, &as_of)) != 0)
                return code;
            break;
        case OPT_CONFIG: config_path = optarg; break;
        case OPT_SEGMENTS: segments = optarg; break;
        case OPT_RULES: rules_path = optarg; break;
        case OPT_CUSTOMERS: customers = true; break;
        default: return dg_cli_usage_error(cli, "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", argv[optind]);

    dg_error err;
    dg_error_clear(&err);
    dg_loyalty_config config;
    dg_stage_rules rules;
    dg_rfm_segment_map *map = NULL;
    dg_loyalty_config_default(&config);
    dg_stage_rules_default(&rules);
    if ((config_path && dg_loyalty_config_load(&config, config_path, &err) != 0) ||
        (rules_path && dg_stage_rules_load(&rules, rules_path, &err) != 0) ||
        (segments ? dg_rfm_segment_map_load(&map, segments, &err)
                  : dg_rfm_segment_map_default(&map, &err)) != 0)
        return dg_cli_fail(cli, &err);

    dg_frame *frame = NULL;
    dg_rfm_result rfm = { 0 };
    dg_loyalty_result loyalty = { 0 };
    dg_table *tables[3] = { NULL, NULL, NULL };
    uint8_t *stage = NULL, *activity = NULL;
    uint32_t *group = NULL;
    int rc = 0;
    if ((code = dg_cli_load_frame(cli, as_of, true, &frame)) != 0)
        goto cleanup;
    size_t n = frame->n_customers, cap = n ? n : 1;
    if ((rc = dg_rfm_compute(frame, NULL, map, &rfm, &err)) != 0 ||
        (rc = dg_loyalty_compute(frame, &rfm, &config, &loyalty, &err)) != 0)
        goto fail;
    if (customers) {
        if ((rc = dg_loyalty_customer_table(frame, &loyalty, &tables[0], &err)) != 0)
            goto fail;
        code = dg_cli_print(cli, tables[0]);
        goto cleanup;
    }
    if (!(stage = malloc(cap)) || !(activity = malloc(cap)) ||
        !(group = malloc(cap * sizeof *group))) {
        rc = dg_error_set(&err, DG_ENOMEM, "out of memory");
        goto fail;
    }
    if ((rc = dg_loyalty_summary_table(frame, &loyalty, &tables[0], &err)) != 0)
        goto fail;
    for (size_t c = 0; c < n; c++)
        group[c] = rfm.segment[c] == DG_RFM_NO_SEGMENT ? UINT32_MAX : rfm.segment[c];
    if ((rc = dg_loyalty_group_table(&loyalty, group, map->n_segments,
                                     (const char *const *)map->names, "(no orders)", "NPS by RFM segment",
                                     "segment", &tables[1], &err)) != 0 ||
        (rc = dg_stage_at(frame, &rules, rfm.as_of, stage, activity, &err)) != 0)
        goto fail;
    const char *stage_names[DG_STAGE_COUNT];
    for (int s = 0; s < DG_STAGE_COUNT; s++)
        stage_names[s] = dg_stage_name((dg_stage)s);
    for (size_t c = 0; c < n; c++)
        group[c] = stage[c] < DG_STAGE_COUNT ? stage[c] : UINT32_MAX;
    if ((rc = dg_loyalty_group_table(&loyalty, group, DG_STAGE_COUNT, stage_names,
                                     "(not yet known)", "NPS by relationship stage", "stage",
                                     &tables[2], &err)) != 0)
        goto fail;
    code = dg_tables_write(tables, 3, stdout, cli->format) == 0 && fflush(stdout) == 0
               ? DG_EXIT_OK : DG_EXIT_FAILURE;
    goto cleanup;
fail:
    code = dg_cli_fail(cli, &err);
cleanup:
    for (int i = 0; i < 3; i++)
        dg_table_free(tables[i]);
    free(stage);
    free(activity);
    free(group);
    dg_loyalty_result_free(&loyalty);
    dg_rfm_result_free(&rfm);
    dg_frame_free(frame);
    dg_rfm_segment_map_free(map);
    return code;
}

DG_CLI_COMMAND(loyalty) = {
    "loyalty", "loyalty measures, NPS, CSAT and the loyalty index",
    "usage: dangol [--db PATH] [--format table|csv|json] loyalty [--as-of DATE] [--customers]\n"
    "                 [--config FILE] [--segments FILE] [--rules FILE]\n\n"
    "Prints behavioural loyalty (repeat purchase rate, tenure, inter-purchase time, purchase\n"
    "trend, category and channel breadth), attitudinal loyalty (NPS with its 95% interval,\n"
    "CSAT, repurchase and recommendation intent), the mean loyalty index, and NPS per RFM\n"
    "segment and per relationship stage. Formulas: docs/loyalty.md.\n"
    "  --as-of DATE      ignore everything after DATE (default: the last day in the store)\n"
    "  --customers       one row per customer: measures, behavioural and attitudinal parts,\n"
    "                    loyalty index 0-100 and whether it is behavioural only (no answers)\n"
    "  --config FILE     index weights and windows (key = value; see config/loyalty.conf)\n"
    "  --segments FILE   RFM segment map (see config/rfm_segments.csv)\n"
    "  --rules FILE      stage rules (see config/stages.conf)\n",
    run,
};
