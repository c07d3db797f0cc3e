/* `dangol lookalike score|report|export`: prospects scored by their likeness to the best
 * customers (dangol/lookalike.h). The model, the roles and every table come from the report
 * layer (dg_report_lookalike); this file reads options and the seed/prospect files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/analysis.h"

typedef struct lookalike_args {
    int32_t as_of;
    dg_report_lookalike_options opt;
    const char *seed_path, *prospects_path, *output;
} lookalike_args;

static int parse_args(dg_cli *cli, int argc, char **argv, lookalike_args *a)
{
    memset(a, 0, sizeof *a);
    a->as_of = DG_DAY_NONE;
    dg_report_lookalike_options_init(&a->opt);
    double top = (double)a->opt.top, split_seed = (double)a->opt.model.seed;
    const dg_cli_option options[] = {
        dg_cli_day("as-of", &a->as_of, NULL),
        dg_cli_whole("top", &top, 1, 1e9),
        dg_cli_text("seed", &a->seed_path),
        dg_cli_text("prospects", &a->prospects_path),
        dg_cli_number("holdout", &a->opt.model.holdout_share, 0.05, 0.9),
        dg_cli_whole("split-seed", &split_seed, 0, 2147483646),
        dg_cli_number("cost", &a->opt.model.cost, 1e-6, 1e6),
        dg_cli_text("output", &a->output),
    };
    int code = dg_cli_options(cli, argc, argv, options, DG_CLI_N(options), NULL, 0);
    a->opt.top = (size_t)top;
    a->opt.model.seed = (uint64_t)split_seed;
    return code;
}

/* Reads the seed and prospect files into opt (the texts are the caller's to free). */
static int read_lists(const dg_cli *cli, lookalike_args *a, char **seed, char **prospects)
{
    dg_error err;
    dg_error_clear(&err);
    if (a->seed_path && dg_text_file_read(seed, a->seed_path, &err) != 0)
        return dg_cli_fail(cli, &err);
    if (a->prospects_path && dg_text_file_read(prospects, a->prospects_path, &err) != 0)
        return dg_cli_fail(cli, &err);
    a->opt.seed_text = *seed;
    a->opt.seed_name = a->seed_path;
    a->opt.prospects_text = *prospects;
    a->opt.prospects_name = a->prospects_path;
    return DG_EXIT_OK;
}

/* Writes the scores to --output (or stdout), CSV unless --format says otherwise. */
static int export_scores(dg_cli *cli, const lookalike_args *a, const dg_report *rep)
{
    dg_format format = cli->format_given ? cli->format : DG_FORMAT_CSV;
    FILE *out = stdout;
    if (a->output && !(out = fopen(a->output, "w"))) {
        fprintf(stderr, "dangol lookalike export: %s: cannot write\n", a->output);
        return DG_EXIT_FAILURE;
    }
    int rc = dg_table_write(rep->tables[0], out, format);
    if (out != stdout && fclose(out) != 0)
        rc = DG_EIO;
    if (rc != 0) {
        fprintf(stderr, "dangol lookalike export: %s: write failed\n",
                a->output ? a->output : "stdout");
        return DG_EXIT_FAILURE;
    }
    dg_cli_print_notes(cli, rep->tables[0]);
    return DG_EXIT_OK;
}

static int run_lookalike(dg_cli *cli, int argc, char **argv)
{
    static const char *const names[] = { "score", "report", "export" };
    if (argc < 2)
        return dg_cli_usage_error(cli, "missing subcommand; valid: score, report, export");
    int sub = -1;
    for (int i = 0; i < 3; i++)
        if (strcmp(argv[1], names[i]) == 0)
            sub = i;
    if (sub < 0)
        return dg_cli_usage_error(cli, "unknown subcommand \"%s\"; valid: score, report, export",
                                  argv[1]);
    lookalike_args a;
    dg_cli_getopt_reset();
    int code = parse_args(cli, argc - 1, argv + 1, &a);
    if (code != DG_EXIT_OK)
        return code;
    if (a.output && sub != 2)
        return dg_cli_usage_error(cli, "--output is an option of export");
    const char *inputs[2] = { a.seed_path, a.prospects_path };
    size_t n_inputs = a.seed_path ? (a.prospects_path ? 2 : 1) : 0;
    if (!a.seed_path && a.prospects_path)
        inputs[0] = a.prospects_path, n_inputs = 1;
    if (a.output && (code = dg_cli_check_output(cli, "--output", a.output, inputs, n_inputs)) !=
                        DG_EXIT_OK)
        return code;
    char *seed = NULL, *prospects = NULL;
    dg_frame *frame = NULL;
    if ((code = read_lists(cli, &a, &seed, &prospects)) == DG_EXIT_OK)
        code = dg_cli_load_frame(cli, a.as_of, false, &frame);
    if (code == DG_EXIT_OK) {
        dg_error err;
        dg_error_clear(&err);
        dg_report rep = { 0 };
        int rc = dg_report_lookalike(&rep, frame, sub == 1 ? DG_LOOKALIKE_VIEW_REPORT
                                                           : DG_LOOKALIKE_VIEW_SCORES,
                                     &a.opt, &err);
        if (rc == 0 && sub == 2)
            code = export_scores(cli, &a, &rep);
        else
            code = dg_cli_report_print(cli, rc, &rep, &err);
        dg_report_clear(&rep);
    }
    dg_frame_free(frame);
    free(seed);
    free(prospects);
    return code;
}

DG_CLI_COMMAND(lookalike) = {
    "lookalike", "prospects scored by their likeness to the best customers",
    "usage: dangol [--db PATH] [--format table|csv|json] lookalike SUBCOMMAND [OPTIONS]\n\n"
    "  score  [--top N]            the prospects, most alike first: score (the probability of\n"
    "                              \"best\" given the attributes), decile (10 = most alike)\n"
    "                              and the attributes it was scored on\n"
    "  report                      the model: buyers, best customers, the held-out AUC and\n"
    "                              top-decile lift, the lift curve, what the best look like\n"
    "  export [--top N] [--output FILE]\n"
    "                              the scores as CSV (unless --format is given) for an\n"
    "                              acquisition campaign; stdout without --output\n\n"
    "Options of every subcommand:\n"
    "  --as-of DATE        ignore everything after DATE (default: the last day in the store)\n"
    "  --seed FILE         the best customers: one customer id a line (a customer_id header\n"
    "                      and further CSV columns are ignored); default: the top tenth of the\n"
    "                      buyers by CLV (BG/NBD + Gamma-Gamma, as on the customer card)\n"
    "  --prospects FILE    the customers to score, one id a line; default: every customer\n"
    "                      without an order\n"
    "  --holdout SHARE     share of the buyers held out for validation (default 0.3)\n"
    "  --split-seed N      seed of that split (default 1)\n"
    "  --cost C            liblinear's C, the inverse L2 strength (default 1)\n\n"
    "Attributes: region, age band, gender, income band, acquisition channel, customer type.\n"
    "Fewer than 50 buyers, fewer than 5 best customers in the training part or the holdout, no\n"
    "attribute that varies, an id in a file that is not in the store (FILE:LINE:1): exit 1\n"
    "with the reason. A bad option exits 2, a missing file 3. The campaign audience filter takes\n"
    "lookalike_decile=9..10. docs/lookalike.md has the method and the figures.\n",
    run_lookalike,
};
