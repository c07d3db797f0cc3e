/* `dangol churn train|score|report` (churn models trained on the feature table and stored) and
 * `dangol model list|show` (the stored models). Training, scoring and every table come from the
 * library (dangol/model.h, the report layer); this file only reads options. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/analysis.h"
#include "dangol/audit.h"

typedef struct churn_args {
    dg_churn_options opt;
    int64_t model_id;            /* --model (0: the latest) */
    size_t top;
    bool distribution;           /* score --distribution */
    const char *actor, *key;
    const char *positional;
} churn_args;

/* --algorithm NAME (ctx: the dg_churn_algorithm). */
static int parse_algorithm(const dg_cli *cli, const char *text, void *ctx)
{
    dg_error err;
    dg_error_clear(&err);
    if (dg_churn_algorithm_parse(ctx, text, &err) != 0)
        return dg_cli_usage_error(cli, "%s", err.message);
    return DG_EXIT_OK;
}

static int parse_args(dg_cli *cli, int argc, char **argv, churn_args *a)
{
    memset(a, 0, sizeof *a);
    dg_churn_options_init(&a->opt);
    dg_churn_params *p = &a->opt.params;
    double horizon = a->opt.horizon_days, trees = p->trees, depth = p->depth;
    double threads = p->threads, seed = (double)p->seed, model = 0, top = 0;
    bool no_validate = false;
    const dg_cli_option options[] = {
        dg_cli_day("as-of", &a->opt.as_of, NULL),
        dg_cli_whole("horizon", &horizon, 1, 3660),
        dg_cli_call("algorithm", parse_algorithm, &p->algorithm),
        dg_cli_text("features", &a->opt.features),
        dg_cli_whole("trees", &trees, 1, 5000),
        dg_cli_whole("depth", &depth, 1, 16),
        dg_cli_number("eta", &p->eta, 1e-6, 1),
        dg_cli_number("min-child-weight", &p->min_child_weight, 0, 1e6),
        dg_cli_number("subsample", &p->subsample, 0.01, 1),
        dg_cli_whole("threads", &threads, 1, 2),
        dg_cli_whole("seed", &seed, 0, 2147483646),
        dg_cli_number("cost", &p->cost, 1e-6, 1e6),
        dg_cli_flag("no-validate", &no_validate),
        dg_cli_text("actor", &a->actor),
        dg_cli_text("idempotency-key", &a->key),
        dg_cli_whole("model", &model, 1, 9e15),
        dg_cli_whole("top", &top, 1, 1e9),
        dg_cli_flag("distribution", &a->distribution),
    };
    int code = dg_cli_options(cli, argc, argv, options, DG_CLI_N(options), &a->positional, 1);
    a->opt.horizon_days = (int32_t)horizon;
    p->trees = (int)trees;
    p->depth = (int)depth;
    p->threads = (int)threads;
    p->seed = (uint64_t)seed;
    a->model_id = (int64_t)model;
    a->top = (size_t)top;
    a->opt.validate = a->opt.validate && !no_validate;
    return code;
}

static int train(dg_cli *cli, const churn_args *a)
{
    dg_frame *frame = NULL;
    int code = dg_cli_load_frame(cli, a->opt.as_of, false, &frame);
    if (code != DG_EXIT_OK)
        return code;
    dg_store *store = NULL;
    if ((code = dg_cli_open_store(cli, 0, &store)) != DG_EXIT_OK) {
        dg_frame_free(frame);
        return code;
    }
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    dg_churn_saved saved;
    char name[DG_AUDIT_NAME_MAX];
    dg_audit_actor audit;
    dg_audit_actor_cli(&audit, name);
    int rc = dg_report_churn_train(&rep, &saved, store, frame, &a->opt, a->actor, &audit, a->key,
                                   &err);
    if (rc == 0 && saved.replayed &&
        dg_table_add_note(rep.tables[0], "this idempotency key was used before: the model it "
                          "stored is shown and nothing was trained or written") != 0)
        rc = dg_error_set(&err, DG_ENOMEM, "out of memory");
    code = dg_cli_report_print(cli, rc, &rep, &err);
    dg_report_clear(&rep);
    dg_store_close(store);
    dg_frame_free(frame);
    return code;
}

static int score(dg_cli *cli, const churn_args *a)
{
    if (a->distribution && a->top)
        return dg_cli_usage_error(cli, "--top and --distribution do not go together");
    /* only the order columns the feature table reads */
    dg_frame_options fopts = { .as_of = a->opt.as_of, .columns = DG_FEATURES_ORDER_COLUMNS };
    dg_frame *frame = NULL;
    int code = dg_cli_load_frame_of(cli, &fopts, &frame);
    if (code != DG_EXIT_OK)
        return code;
    dg_store *store = NULL;
    if ((code = dg_cli_open_store(cli, DG_STORE_READONLY, &store)) != DG_EXIT_OK) {
        dg_frame_free(frame);
        return code;
    }
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    int rc = a->distribution
        ? dg_report_churn_distribution(&rep, store, frame, a->model_id, DG_DAY_NONE, &err)
        : dg_report_churn_score(&rep, store, frame, a->model_id, DG_DAY_NONE, a->top, &err);
    code = dg_cli_report_print(cli, rc, &rep, &err);
    dg_report_clear(&rep);
    dg_store_close(store);
    dg_frame_free(frame);
    return code;
}

typedef enum { SHOW_REPORT, SHOW_MODEL, SHOW_LIST } show_op;

static int show(dg_cli *cli, show_op op, int64_t id)
{
    dg_store *store = NULL;
    int code = dg_cli_open_store(cli, DG_STORE_READONLY, &store);
    if (code != DG_EXIT_OK)
        return code;
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    int rc = op == SHOW_LIST ? dg_report_model_list(&rep, store, &err)
           : op == SHOW_MODEL ? dg_report_model_show(&rep, store, id, &err)
           : dg_report_churn(&rep, store, id, &err);
    code = dg_cli_report_print(cli, rc, &rep, &err);
    dg_report_clear(&rep);
    dg_store_close(store);
    return code;
}

static int run_churn(dg_cli *cli, int argc, char **argv)
{
    static const char *const names[] = { "train", "score", "report" };
    int sub = dg_cli_subcommand(cli, argc, argv, names, DG_CLI_N(names));
    if (sub < 0)
        return DG_EXIT_USAGE;
    churn_args a;
    dg_cli_getopt_reset();
    int code = parse_args(cli, argc - 1, argv + 1, &a);
    if (code != DG_EXIT_OK)
        return code;
    if (a.positional)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", a.positional);
    switch (sub) {
    case 0: return train(cli, &a);
    case 1: return score(cli, &a);
    default: return show(cli, SHOW_REPORT, a.model_id);
    }
}

DG_CLI_COMMAND(churn) = {
    "churn", "churn prediction: train and store a model, score the customers, its report",
    "usage: dangol [--db PATH] [--format table|csv|json] churn SUBCOMMAND [OPTIONS]\n\n"
    "  train [--as-of DATE] [--horizon DAYS] [--algorithm xgboost|logistic] [--features LIST]\n"
    "        [--trees N] [--depth N] [--eta X] [--min-child-weight X] [--subsample X]\n"
    "        [--threads 1|2] [--seed N] [--cost C] [--no-validate] [--actor WHO]\n"
    "        [--idempotency-key KEY]\n"
    "      learns \"no purchase in the next DAYS days\" (default 180) from the features of\n"
    "      DATE - DAYS and the orders of (DATE - DAYS, DATE] (DATE default: the last day in the\n"
    "      store), validates it out of time (the same recipe one horizon earlier, scored on\n"
    "      the rows it trains on) beside the other algorithm, and stores it with its as-of day,\n"
    "      horizon, features, parameters and metrics (one row, one transaction)\n"
    "  score [--model ID] [--as-of DATE] [--top N | --distribution]\n"
    "      the probability that each customer with an order by DATE buys nothing in the\n"
    "      model's horizon after DATE, riskiest first (default: the latest model, all customers);\n"
    "      --distribution: how many customers (and what share of the revenue) fall in each\n"
    "      band of 5 points of that probability instead\n"
    "  report [--model ID]   validation metrics, calibration by deciles, feature importance\n\n"
    "Defaults: xgboost, 100 trees, depth 3, eta 0.05, min-child-weight 1, subsample 1,\n"
    "2 threads, seed 1; logistic: C 1 on standardised features. --features takes names from\n"
    "`dangol features` (default: every one that is not constant on the training rows).\n"
    "Too few customers (50) or churners or buyers (5 each), a constant or unknown feature: exit\n"
    "1 with the reason, nothing stored; a bad option exits 2; an unknown model exits 3.\n"
    "The same --idempotency-key with the same request shows the first model and trains\n"
    "nothing; with another request it is refused (exit 1). docs/churn.md has the details.\n",
    run_churn,
};

static int run_model(dg_cli *cli, int argc, char **argv)
{
    static const char *const names[] = { "list", "show" };
    int sub = dg_cli_subcommand(cli, argc, argv, names, DG_CLI_N(names));
    if (sub < 0)
        return DG_EXIT_USAGE;
    churn_args a;
    dg_cli_getopt_reset();
    int code = parse_args(cli, argc - 1, argv + 1, &a);
    if (code != DG_EXIT_OK)
        return code;
    if (sub == 0) {
        if (a.positional)
            return dg_cli_usage_error(cli, "unexpected argument \"%s\"", a.positional);
        return show(cli, SHOW_LIST, 0);
    }
    if (!a.positional)
        return dg_cli_usage_error(cli, "show takes a model id (`dangol model list` shows them)");
    double v;
    if ((code = dg_cli_parse_number(cli, "model id", a.positional, 1, 9e15, true, &v)) != DG_EXIT_OK)
        return code;
    return show(cli, SHOW_MODEL, (int64_t)v);
}

DG_CLI_COMMAND(model) = {
    "model", "the stored prediction models: list them, show one",
    "usage: dangol [--db PATH] [--format table|csv|json] model list\n"
    "       dangol [--db PATH] [--format table|csv|json] model show ID\n\n"
    "  list      every stored model, newest first: id, kind, algorithm, as-of day, horizon,\n"
    "            training customers, validation AUC, when and by whom\n"
    "  show ID   one model: its as-of day, horizon, features, parameters, validation metrics\n"
    "            beside the baseline's, and feature importance\n"
    "An unknown id exits 3. `dangol churn train` stores models; docs/churn.md.\n",
    run_model,
};
