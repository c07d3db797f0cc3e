/* `dangol clv`: customer lifetime value from the BTYD models. Reads a summary CSV, a transaction
 * log, and prints fitted parameters, per-customer predictions, holdout validation or the
 * cumulative tracking curve. All the computing and the tables are in libdangol (dangol/clv.h,
 * the report layer's dangol/report.h); this file only parses options and loads the input. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/analysis.h"
#include "cli/cli.h"
#include "dangol/clv.h"
#include "dangol/clv_io.h"
#include "dangol/report.h"
#include "dangol/text.h"

typedef struct clv_args {
    const char *sub;
    dg_btyd_model model;
    int spend;                 /* -1 = automatic: on when monetary values exist */
    const char *summary_path, *log_path;
    int32_t calibration_end, holdout_end;
    int has_calibration_end, has_holdout_end;
    double days_per_unit;
    double horizon, discount_rate;
    long top;
    int period_days;
    int threads;               /* 0 = the machine's online cores */
} clv_args;

static int parse_date(const dg_cli *cli, const char *opt, const char *text, int32_t *day)
{
    return dg_cli_parse_day(cli, opt, text, day);
}

static int parse_number(const dg_cli *cli, const char *opt, const char *text, double lo,
                        double *out)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end || !isfinite(v) || v < lo)
        return dg_cli_usage_error(cli, "%s: \"%s\" is not a number >= %g", opt, text, lo);
    *out = v;
    return 0;
}

static int parse_args(dg_cli *cli, int argc, char **argv, clv_args *a)
{
    static const struct option longopts[] = {
        {"model", required_argument, 0, 'm'},        {"spend", required_argument, 0, 's'},
        {"summary", required_argument, 0, 'S'},      {"transactions", required_argument, 0, 'T'},
        {"calibration-end", required_argument, 0, 'c'}, {"holdout-end", required_argument, 0, 'h'},
        {"unit", required_argument, 0, 'u'},         {"horizon", required_argument, 0, 'H'},
        {"discount-rate", required_argument, 0, 'd'}, {"top", required_argument, 0, 'n'},
        {"period-days", required_argument, 0, 'p'},  {"threads", required_argument, 0, 'j'},
        {0, 0, 0, 0},
    };
    int c, rc;
    double v;
    memset(a, 0, sizeof *a);
    a->model = DG_BTYD_BGNBD;
    a->spend = -1;
    a->days_per_unit = 7.0;
    a->horizon = DG_CLV_DEFAULT_HORIZON;
    a->discount_rate = DG_CLV_DEFAULT_DISCOUNT_RATE;
    a->period_days = 7;
    if (argc < 2)
        return dg_cli_usage_error(cli, "missing subcommand; valid: fit, predict, validate, track");
    a->sub = argv[1];
    if (strcmp(a->sub, "fit") && strcmp(a->sub, "predict") && strcmp(a->sub, "validate") &&
        strcmp(a->sub, "track"))
        return dg_cli_usage_error(cli, "unknown subcommand \"%s\"; valid: fit, predict, "
                                  "validate, track", a->sub);
    dg_cli_getopt_reset();
    while ((c = getopt_long(argc - 1, argv + 1, ":", longopts, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (dg_btyd_model_parse(optarg, &a->model) != 0)
                return dg_cli_usage_error(cli, "unknown model \"%s\"; valid: bgnbd, mbgnbd, "
                                          "paretonbd, bgbb", optarg);
            break;
        case 's':
            if (strcmp(optarg, "gammagamma") == 0)
                a->spend = 1;
            else if (strcmp(optarg, "none") == 0)
                a->spend = 0;
            else
                return dg_cli_usage_error(cli, "unknown spend model \"%s\"; valid: gammagamma, "
                                          "none", optarg);
            break;
        case 'S': a->summary_path = optarg; break;
        case 'T': a->log_path = optarg; break;
        case 'c':
            if ((rc = parse_date(cli, "--calibration-end", optarg, &a->calibration_end)) != 0)
                return rc;
            a->has_calibration_end = 1;
            break;
        case 'h':
            if ((rc = parse_date(cli, "--holdout-end", optarg, &a->holdout_end)) != 0)
                return rc;
            a->has_holdout_end = 1;
            break;
        case 'u':
            if (strcmp(optarg, "weeks") == 0)
                a->days_per_unit = 7.0;
            else if (strcmp(optarg, "days") == 0)
                a->days_per_unit = 1.0;
            else
                return dg_cli_usage_error(cli, "unknown unit \"%s\"; valid: weeks, days", optarg);
            break;
        case 'H':
            if ((rc = parse_number(cli, "--horizon", optarg, 0, &a->horizon)) != 0)
                return rc;
            break;
        case 'd':
            if ((rc = parse_number(cli, "--discount-rate", optarg, 0, &a->discount_rate)) != 0)
                return rc;
            break;
        case 'n':
            if ((rc = parse_number(cli, "--top", optarg, 1, &v)) != 0)
                return rc;
            a->top = (long)v;
            break;
        case 'p':
            if ((rc = parse_number(cli, "--period-days", optarg, 1, &v)) != 0)
                return rc;
            a->period_days = (int)v;
            break;
        case 'j':
            if ((rc = parse_number(cli, "--threads", optarg, 1, &v)) != 0)
                return rc;
            if (v != floor(v) || v > 64)
                return dg_cli_usage_error(cli, "--threads \"%s\" must be a whole number from 1 "
                                          "to 64", optarg);
            a->threads = (int)v;
            break;
        case ':':
            return dg_cli_usage_error(cli, "%s needs a value", argv[optind]);
        default:
            return dg_cli_usage_error(cli, "unknown option %s", argv[optind]);
        }
    }
    if (optind + 1 < argc)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", argv[optind + 1]);
    if (a->summary_path && a->log_path)
        return dg_cli_usage_error(cli, "give --summary or --transactions, not both");
    if (a->summary_path && (!strcmp(a->sub, "validate") || !strcmp(a->sub, "track")))
        return dg_cli_usage_error(cli, "%s needs transactions (the store or --transactions FILE)",
                                  a->sub);
    if (!strcmp(a->sub, "track") && a->model == DG_BTYD_BGBB)
        return dg_cli_usage_error(cli, "track needs a continuous-time model (bgnbd, mbgnbd, "
                                  "paretonbd); for bgbb use validate");
    if (!strcmp(a->sub, "validate") && !a->has_calibration_end)
        return dg_cli_usage_error(cli, "validate needs --calibration-end DATE");
    return 0;
}

static int load_input(dg_cli *cli, const clv_args *a, dg_clv_input *in)
{
    dg_error err = {0};
    dg_clv_input_options opt = {
        .summary_path = a->summary_path, .log_path = a->log_path,
        /* the store: orders up to the end of the holdout (or calibration) period */
        .store_as_of = a->has_holdout_end ? a->holdout_end
                     : a->has_calibration_end && strcmp(a->sub, "validate") &&
                               strcmp(a->sub, "track") ? a->calibration_end
                     : DG_DAY_NONE,
        .calibration_end = a->has_calibration_end ? a->calibration_end : DG_DAY_NONE,
        .holdout_end = a->has_holdout_end ? a->holdout_end : DG_DAY_NONE,
        .days_per_unit = a->days_per_unit, .discrete = a->model == DG_BTYD_BGBB,
        .summary_only = strcmp(a->sub, "track") != 0 };
    dg_store *store = NULL;
    int rc;
    if (!a->summary_path && !a->log_path &&
        (rc = dg_cli_open_store(cli, DG_STORE_READONLY, &store)) != DG_EXIT_OK)
        return rc;
    rc = dg_clv_input_load(in, store, &opt, &err);
    dg_store_close(store);
    return rc == 0 ? 0 : dg_cli_fail(cli, &err);
}

static int has_monetary(const dg_clv_summary *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->frequency[i] > 0 && s->monetary[i] > 0)
            return 1;
    return 0;
}

/* Prints a finished report (rc, err) and clears it. */
static int print_report(dg_cli *cli, int rc, dg_report *report, const dg_error *err)
{
    int code = dg_cli_report_print(cli, rc, report, err);
    dg_report_clear(report);
    return code;
}

static int cmd_fit(dg_cli *cli, const clv_args *a, dg_clv_input *in)
{
    dg_error err = {0};
    dg_report report = {0};
    bool spend = a->spend < 0 ? has_monetary(in->summary) : a->spend;
    dg_fit_options fit = {.threads = a->threads};
    return print_report(cli, dg_report_clv_fit(&report, in->summary, a->model, spend, &fit, &err),
                        &report, &err);
}

static int cmd_predict(dg_cli *cli, const clv_args *a, dg_clv_input *in)
{
    dg_error err = {0};
    dg_report report = {0};
    int spend = a->spend < 0 ? has_monetary(in->summary) : a->spend;
    dg_clv_options o = {a->model, spend, a->horizon, a->discount_rate, {.threads = a->threads}};
    int rc = dg_report_clv_predict(&report, in, &o, a->top > 0 ? (size_t)a->top : 0, &err);
    return print_report(cli, rc, &report, &err);
}

static int cmd_validate(dg_cli *cli, const clv_args *a, dg_clv_input *in)
{
    dg_error err = {0};
    dg_report report = {0};
    return print_report(cli, dg_report_clv_validate(&report, in->summary, a->model, &err),
                        &report, &err);
}

static int cmd_track(dg_cli *cli, const clv_args *a, dg_clv_input *in)
{
    dg_error err = {0};
    dg_report report = {0};
    int rc = dg_report_clv_track(&report, in->summary, &in->tx, a->model, a->period_days,
                                 a->days_per_unit, &err);
    return print_report(cli, rc, &report, &err);
}

static int run(dg_cli *cli, int argc, char **argv)
{
    clv_args a;
    dg_clv_input in = {0};
    int rc = parse_args(cli, argc, argv, &a);
    if (rc)
        return rc;
    if ((rc = load_input(cli, &a, &in)) != 0) {
        dg_clv_input_clear(&in);
        return rc;
    }
    if (!strcmp(a.sub, "fit"))
        rc = cmd_fit(cli, &a, &in);
    else if (!strcmp(a.sub, "predict"))
        rc = cmd_predict(cli, &a, &in);
    else if (!strcmp(a.sub, "validate"))
        rc = cmd_validate(cli, &a, &in);
    else
        rc = cmd_track(cli, &a, &in);
    dg_clv_input_clear(&in);
    return rc;
}

DG_CLI_COMMAND(clv) = {
    "clv", "customer lifetime value: BTYD fits, P(alive), expected purchases, CLV",
    "usage: dangol clv fit      [--model M] [--spend gammagamma|none] [--threads N] INPUT\n"
    "                           [PERIOD]\n"
    "       dangol clv predict  [--model M] [--horizon 52] [--discount-rate 0] [--top N]\n"
    "                           INPUT [PERIOD]\n"
    "       dangol clv validate [--model M] --transactions FILE --calibration-end DATE\n"
    "                           [--holdout-end DATE] [--unit weeks|days]\n"
    "       dangol clv track    [--model M] --transactions FILE [--period-days 7] [PERIOD]\n\n"
    "INPUT is the store (--db; orders up to --holdout-end or --calibration-end), or\n"
    "  --summary FILE       CSV with a header: an id column (ID or customer_id), frequency,\n"
    "                       recency, T and optionally monetary_value (the columns of the common\n"
    "                       Python CLV library); times in the file's own unit\n"
    "  --transactions FILE  a transaction log: CSV with customer_id, date and amount columns,\n"
    "                       or the whitespace CDNOW log (id sample_id YYYYMMDD units value)\n"
    "PERIOD (for the store or a transaction log):\n"
    "  --calibration-end DATE  last day of the calibration period (default: last day in the log)\n"
    "  --holdout-end DATE      last day of the holdout (default: last day in the log)\n"
    "  --unit weeks|days       time unit of recency, T and --horizon (default weeks)\n\n"
    "--model bgnbd (default), mbgnbd, paretonbd or bgbb. Same-day purchases count as one\n"
    "transaction; frequency counts repeat transactions. bgbb counts whole periods of --unit\n"
    "instead (from the store or a log): frequency = periods after the first purchase's with a\n"
    "purchase, recency = the last of them, T = whole periods. --spend gammagamma fits the\n"
    "Gamma-Gamma spend model (default when monetary values exist). predict lists customers by\n"
    "CLV (by expected purchases without spend): P(alive), expected purchases in the next\n"
    "--horizon units, expected spend per transaction and CLV = sum over the horizon of the\n"
    "expected purchases in each unit times expected spend, discounted by (1+rate)^k, rate per\n"
    "unit (default 0: undiscounted, as on the dashboard and the card; the table's note states\n"
    "the horizon and rate); with paretonbd and a rate > 0 also DERT, the discounted expected\n"
    "residual transactions. --threads N: threads for the likelihood of fit and predict\n"
    "(default: the machine's cores; the estimates are the same for any N).\n"
    "validate fits on the calibration period and compares the predicted with the actual\n"
    "holdout purchases (MAE, RMSE, correlation, totals); track prints cumulative repeat\n"
    "purchases per period, actual against expected. Formulas: docs/clv.md.\n",
    run,
};
