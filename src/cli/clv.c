/* `dangol clv`: customer lifetime value from the BTYD models. Reads a summary CSV, a transaction
 * log, and prints fitted parameters, per-customer predictions, holdout validation or the
 * cumulative tracking curve through dg_cli_print. All the computing is in libdangol
 * (dangol/clv.h); this file only parses options, loads the input and fills tables. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/analysis.h"
#include "cli/cli.h"
#include "dangol/clv.h"
#include "dangol/clv_io.h"
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
} clv_args;

/* What a run works on: a summary (always) and, from a log, the transactions and ids. */
typedef struct clv_input {
    dg_clv_log *log;
    dg_frame *frame;
    dg_clv_transactions tx;    /* from the log or the frame; tx.n = 0 for a summary CSV */
    dg_clv_summary *summary;
    char **ids;                /* summary CSV ids (for a log: log->customer_id) */
    size_t n_ids;
} clv_input;

static void input_free(clv_input *in)
{
    dg_clv_summary_free(in->summary);
    if (!in->log && !in->frame)
        dg_clv_ids_free(in->ids, in->n_ids);
    dg_clv_log_free(in->log);
    dg_frame_free(in->frame);
}

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
        {"period-days", required_argument, 0, 'p'},  {0, 0, 0, 0},
    };
    int c, rc;
    double v;
    memset(a, 0, sizeof *a);
    a->model = DG_BTYD_BGNBD;
    a->spend = -1;
    a->days_per_unit = 7.0;
    a->horizon = 52;
    a->discount_rate = 0.0;
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

static int load_input(dg_cli *cli, const clv_args *a, clv_input *in)
{
    dg_error err = {0};
    memset(in, 0, sizeof *in);
    if (a->summary_path) {
        if (dg_clv_summary_read(&in->summary, &in->ids, a->summary_path, &err) != 0)
            return dg_cli_fail(cli, &err);
        in->n_ids = in->summary->n;
        return 0;
    }
    if (a->log_path) {
        if (dg_clv_log_read(&in->log, a->log_path, &err) != 0)
            return dg_cli_fail(cli, &err);
        in->tx = in->log->tx;
        in->ids = in->log->customer_id;
    } else {
        /* the store: orders up to the end of the holdout (or calibration) period */
        int32_t as_of = a->has_holdout_end ? a->holdout_end
                      : a->has_calibration_end && strcmp(a->sub, "validate") &&
                                strcmp(a->sub, "track") ? a->calibration_end
                      : DG_DAY_NONE;
        int rc = dg_cli_load_frame(cli, as_of, false, &in->frame);
        if (rc != DG_EXIT_OK)
            return rc;
        in->tx = dg_clv_frame_transactions(in->frame);
        in->ids = in->frame->customer_id;
    }
    in->n_ids = in->tx.n_customers;
    int32_t last = INT32_MIN, first = INT32_MAX;
    for (size_t i = 0; i < in->tx.n; i++) {
        if (in->tx.day[i] > last)
            last = in->tx.day[i];
        if (in->tx.day[i] < first)
            first = in->tx.day[i];
    }
    if (in->tx.n == 0) {
        dg_error_set(&err, DG_EINVAL, "%s has no transactions",
                     a->log_path ? a->log_path : "the store");
        return dg_cli_fail(cli, &err);
    }
    dg_clv_period per = {a->has_calibration_end ? a->calibration_end : last,
                         a->has_holdout_end ? a->holdout_end : last, a->days_per_unit,
                         a->model == DG_BTYD_BGBB};
    if (per.calibration_end < first) {
        char buf[16];
        dg_error_set(&err, DG_EINVAL, "--calibration-end is before the first transaction (%s)",
                     dg_date_format(first, buf));
        return dg_cli_fail(cli, &err);
    }
    if (dg_clv_summary_build(&in->tx, &per, &in->summary, &err) != 0)
        return dg_cli_fail(cli, &err);
    return 0;
}

/* Out of memory building the output: prints it and returns the exit code. */
static int nomem(const dg_cli *cli)
{
    dg_error err = {0};
    dg_error_set(&err, DG_ENOMEM, "out of memory");
    return dg_cli_fail(cli, &err);
}

/* Adds columns names[i] of types[i] (and decimals[i]) to t; DG_ENOMEM if one fails. */
static int add_columns(dg_table *t, size_t n, const char *const *names, const dg_cell_type *types,
                       const int *decimals)
{
    for (size_t i = 0; i < n; i++)
        if (dg_table_add_column(t, names[i], types[i], decimals[i]) != 0)
            return DG_ENOMEM;
    return 0;
}

static int has_monetary(const dg_clv_summary *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->frequency[i] > 0 && s->monetary[i] > 0)
            return 1;
    return 0;
}

/* One row per parameter of one model, each with the fit's log-likelihood, customers,
 * convergence and evaluations, so csv and json readers get them as fields. DG_ENOMEM if a row
 * cannot be added. */
static int add_fit_rows(dg_table *t, const char *model, const char *const *names, int k,
                        const double *estimate, const double *se, int se_ok, double loglik,
                        size_t n_customers, int converged, int n_evaluations)
{
    for (int i = 0; i < k; i++) {
        if (dg_table_add_row(t) != 0 || dg_table_set_text(t, 0, model) != 0 ||
            dg_table_set_text(t, 1, names[i]) != 0)
            return DG_ENOMEM;
        dg_table_set_real(t, 2, estimate[i]);
        if (se_ok)
            dg_table_set_real(t, 3, se[i]);
        dg_table_set_real(t, 4, loglik);
        dg_table_set_int(t, 5, (int64_t)n_customers);
        dg_table_set_int(t, 6, converged);
        dg_table_set_int(t, 7, n_evaluations);
    }
    return dg_table_failed(t);
}

/* The note on the customers Gamma-Gamma left out, when there are any. */
static int add_spend_note(dg_table *t, const dg_gg_fit *gg)
{
    char note[320];
    if (gg->n_not_positive == 0)
        return 0;
    snprintf(note, sizeof note, "Gamma-Gamma fitted %zu customers and left out %zu without a "
             "repeat purchase and %zu whose mean repeat purchase value is 0 or negative "
             "(refunds; the model needs positive values)", gg->n_customers, gg->n_no_repeat,
             gg->n_not_positive);
    return dg_table_add_note(t, note);
}

static int cmd_fit(dg_cli *cli, const clv_args *a, clv_input *in)
{
    static const char *const columns[] = {"model", "parameter", "estimate", "std_error",
                                          "log_likelihood", "n_customers", "converged",
                                          "n_evaluations"};
    static const dg_cell_type types[] = {DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_REAL, DG_CELL_REAL,
                                         DG_CELL_REAL, DG_CELL_INT, DG_CELL_INT, DG_CELL_INT};
    static const int decimals[] = {0, 0, 4, 4, 2, 0, 0, 0};
    static const char *const gg_names[3] = {"p", "q", "gamma"};
    dg_error err = {0};
    dg_btyd_fit fit;
    dg_gg_fit gg = {0};
    const dg_clv_summary *s = in->summary;
    int spend = a->spend < 0 ? has_monetary(s) : a->spend, rc;
    dg_btyd_data d = dg_clv_summary_data(s);
    dg_gg_data g = {s->n, s->frequency, s->monetary, s->weight, (const char *const *)s->id};
    if (dg_btyd_fit_data(&d, a->model, NULL, &fit, &err) != 0 ||
        (spend && dg_gg_fit_data(&g, NULL, &gg, &err) != 0))
        return dg_cli_fail(cli, &err);
    char title[256];
    snprintf(title, sizeof title, "clv fit: %s %s%s%s", dg_btyd_model_name(a->model),
             fit.converged ? "converged" : "NOT converged", spend ? "; gammagamma " : "",
             !spend ? "" : gg.converged ? "converged" : "NOT converged");
    dg_table *t = dg_table_new(title);
    const double gv[3] = {gg.params.p, gg.params.q, gg.params.gamma};
    if (!t || add_columns(t, sizeof columns / sizeof columns[0], columns, types, decimals) != 0 ||
        add_fit_rows(t, dg_btyd_model_name(a->model), dg_btyd_param_names(a->model), 4,
                     fit.params.p, fit.se, fit.se_ok, fit.loglik, fit.n_customers, fit.converged,
                     fit.n_evaluations) != 0 ||
        (spend && (add_fit_rows(t, "gammagamma", gg_names, 3, gv, gg.se, gg.se_ok, gg.loglik,
                                gg.n_customers, gg.converged, gg.n_evaluations) != 0 ||
                   add_spend_note(t, &gg) != 0))) {
        dg_table_free(t);
        return nomem(cli);
    }
    rc = dg_cli_print(cli, t);
    dg_table_free(t);
    return rc;
}

static int cmd_predict(dg_cli *cli, const clv_args *a, clv_input *in)
{
    dg_error err = {0};
    dg_clv_report *r = NULL;
    dg_table *t = NULL;
    int spend = a->spend < 0 ? has_monetary(in->summary) : a->spend, rc;
    dg_clv_options o = {a->model, spend, a->horizon, a->discount_rate, {0}};
    dg_clv_summary *s = in->summary;
    in->summary = NULL;   /* dg_clv_run takes it */
    if (dg_clv_run(s, &o, &r, &err) != 0 ||
        dg_clv_rank_table(r, in->ids, a->top > 0 ? (size_t)a->top : 0, &t, &err) != 0) {
        dg_clv_report_free(r);
        return dg_cli_fail(cli, &err);
    }
    rc = dg_cli_print(cli, t);
    dg_table_free(t);
    dg_clv_report_free(r);
    return rc;
}

static int cmd_validate(dg_cli *cli, const clv_args *a, clv_input *in)
{
    static const char *const columns[] = {"metric", "value"};
    static const dg_cell_type types[] = {DG_CELL_TEXT, DG_CELL_REAL};
    static const int decimals[] = {0, 4};
    dg_error err = {0};
    dg_btyd_fit fit;
    dg_clv_validation v;
    int rc;
    dg_btyd_data d = dg_clv_summary_data(in->summary);
    if (!(in->summary->holdout_length > 0)) {
        dg_error_set(&err, DG_EINVAL, "no holdout period: the transactions end on or before "
                     "--calibration-end; give an earlier --calibration-end");
        return dg_cli_fail(cli, &err);
    }
    if (dg_btyd_fit_data(&d, a->model, NULL, &fit, &err) != 0 ||
        dg_clv_validate(in->summary, &fit.params, &v, &err) != 0)
        return dg_cli_fail(cli, &err);
    const char *names[] = {"customers", "holdout_length", "total_actual", "total_predicted",
                           "mae", "rmse", "correlation", "log_likelihood"};
    double vals[] = {(double)v.n, v.holdout_length, v.total_actual, v.total_predicted,
                     v.mae, v.rmse, v.correlation, fit.loglik};
    dg_table *t = dg_table_new("clv validate");
    rc = !t || add_columns(t, 2, columns, types, decimals) != 0;
    for (size_t i = 0; !rc && i < sizeof vals / sizeof vals[0]; i++) {
        rc = dg_table_add_row(t) != 0 || dg_table_set_text(t, 0, names[i]) != 0;
        if (!rc)
            dg_table_set_real(t, 1, vals[i]);
    }
    if (rc) {
        dg_table_free(t);
        return nomem(cli);
    }
    rc = dg_cli_print(cli, t);
    dg_table_free(t);
    return rc;
}

static int cmd_track(dg_cli *cli, const clv_args *a, clv_input *in)
{
    static const char *const columns[] = {"period", "period_end", "actual_cumulative",
                                          "expected_cumulative"};
    static const dg_cell_type types[] = {DG_CELL_INT, DG_CELL_DATE, DG_CELL_INT, DG_CELL_REAL};
    static const int decimals[] = {0, 0, 0, 1};
    dg_error err = {0};
    dg_btyd_fit fit;
    dg_table *t = NULL;
    double *act = NULL, *expected = NULL;
    int rc;
    dg_btyd_data d = dg_clv_summary_data(in->summary);
    if (dg_btyd_fit_data(&d, a->model, NULL, &fit, &err) != 0)
        return dg_cli_fail(cli, &err);
    int32_t first = INT32_MAX, last = INT32_MIN;
    for (size_t i = 0; i < in->tx.n; i++) {
        first = in->tx.day[i] < first ? in->tx.day[i] : first;
        last = in->tx.day[i] > last ? in->tx.day[i] : last;
    }
    size_t n_periods = (size_t)((last - first) / a->period_days + 1);
    act = malloc(n_periods * sizeof *act);
    expected = malloc(n_periods * sizeof *expected);
    if (!act || !expected) {
        rc = nomem(cli);
        goto cleanup;
    }
    if (dg_clv_tracking(&in->tx, &fit.params, first, a->period_days, n_periods,
                        a->days_per_unit, act, expected, &err) != 0) {
        rc = dg_cli_fail(cli, &err);
        goto cleanup;
    }
    t = dg_table_new("clv track");
    rc = !t || add_columns(t, 4, columns, types, decimals) != 0;
    for (size_t p = 0; !rc && p < n_periods; p++) {
        if ((rc = dg_table_add_row(t) != 0))
            break;
        dg_table_set_int(t, 0, (int64_t)p + 1);
        dg_table_set_int(t, 1, first + (int32_t)((p + 1) * (size_t)a->period_days) - 1);
        dg_table_set_int(t, 2, (int64_t)act[p]);
        dg_table_set_real(t, 3, expected[p]);
    }
    rc = rc ? nomem(cli) : dg_cli_print(cli, t);
cleanup:
    dg_table_free(t);
    free(act);
    free(expected);
    return rc;
}

static int run(dg_cli *cli, int argc, char **argv)
{
    clv_args a;
    clv_input in;
    int rc = parse_args(cli, argc, argv, &a);
    if (rc)
        return rc;
    if ((rc = load_input(cli, &a, &in)) != 0) {
        input_free(&in);
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
    input_free(&in);
    return rc;
}

DG_CLI_COMMAND(clv) = {
    "clv", "customer lifetime value: BTYD fits, P(alive), expected purchases, CLV",
    "usage: dangol clv fit      [--model M] [--spend gammagamma|none] INPUT [PERIOD]\n"
    "       dangol clv predict  [--model M] [--horizon 52] [--discount-rate 0.01] [--top N]\n"
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
    "expected purchases in each unit times expected spend, discounted by (1+rate)^k; with\n"
    "paretonbd and a rate > 0 also DERT, the discounted expected residual transactions.\n"
    "validate fits on the calibration period and compares the predicted with the actual\n"
    "holdout purchases (MAE, RMSE, correlation, totals); track prints cumulative repeat\n"
    "purchases per period, actual against expected. Formulas: docs/clv.md.\n",
    run,
};
