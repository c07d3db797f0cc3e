/* `dangol churn train|score|report` (churn models trained on the feature table and stored) and
 * `dangol model list|show` (the stored models). Training, scoring and every table come from the
 * library (dangol/model.h, the report layer); this file only reads options. */
#include <getopt.h>
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

static int parse_args(dg_cli *cli, int argc, char **argv, churn_args *a)
{
    enum { OPT_AS_OF = 1, OPT_HORIZON, OPT_ALGORITHM, OPT_FEATURES, OPT_TREES, OPT_DEPTH, OPT_ETA,
           OPT_MCW, OPT_SUBSAMPLE, OPT_THREADS, OPT_SEED, OPT_COST, OPT_NO_VALIDATE, OPT_ACTOR,
           OPT_KEY, OPT_MODEL, OPT_TOP, OPT_DISTRIBUTION };
    static const struct option options[] = {
        { "as-of", required_argument, NULL, OPT_AS_OF },
        { "horizon", required_argument, NULL, OPT_HORIZON },
        { "algorithm", required_argument, NULL, OPT_ALGORITHM },
        { "features", required_argument, NULL, OPT_FEATURES },
        { "trees", required_argument, NULL, OPT_TREES },
        { "depth", required_argument, NULL, OPT_DEPTH },
        { "eta", required_argument, NULL, OPT_ETA },
        { "min-child-weight", required_argument, NULL, OPT_MCW },
        { "subsample", required_argument, NULL, OPT_SUBSAMPLE },
        { "threads", required_argument, NULL, OPT_THREADS },
        { "seed", required_argument, NULL, OPT_SEED },
        { "cost", required_argument, NULL, OPT_COST },
        { "no-validate", no_argument, NULL, OPT_NO_VALIDATE },
        { "actor", required_argument, NULL, OPT_ACTOR },
        { "idempotency-key", required_argument, NULL, OPT_KEY },
        { "model", required_argument, NULL, OPT_MODEL },
        { "top", required_argument, NULL, OPT_TOP },
        { "distribution", no_argument, NULL, OPT_DISTRIBUTION },
        { 0 } };
    memset(a, 0, sizeof *a);
    dg_churn_options_init(&a->opt);
    dg_churn_params *p = &a->opt.params;
    dg_error err;
    dg_error_clear(&err);
    double v = 0;
    int o, code = DG_EXIT_OK;
    while ((o = getopt_long(argc, argv, "", options, NULL)) != -1) {
        const char *name = argv[optind - 1];
        switch (o) {
        case OPT_AS_OF: code = dg_cli_parse_day(cli, "--as-of", optarg, &a->opt.as_of); break;
        case OPT_HORIZON:
            if ((code = dg_cli_parse_number(cli, "--horizon", optarg, 1, 3660, true, &v)) == 0)
                a->opt.horizon_days = (int32_t)v;
            break;
        case OPT_ALGORITHM:
            if (dg_churn_algorithm_parse(&p->algorithm, optarg, &err) != 0)
                code = dg_cli_usage_error(cli, "%s", err.message);
            break;
        case OPT_FEATURES: a->opt.features = optarg; break;
        case OPT_TREES:
            if ((code = dg_cli_parse_number(cli, "--trees", optarg, 1, 5000, true, &v)) == 0)
                p->trees = (int)v;
            break;
        case OPT_DEPTH:
            if ((code = dg_cli_parse_number(cli, "--depth", optarg, 1, 16, true, &v)) == 0)
                p->depth = (int)v;
            break;
        case OPT_ETA:
            if ((code = dg_cli_parse_number(cli, "--eta", optarg, 1e-6, 1, false, &v)) == 0)
                p->eta = v;
            break;
        case OPT_MCW:
            if ((code = dg_cli_parse_number(cli, "--min-child-weight", optarg, 0, 1e6, false, &v)) == 0)
                p->min_child_weight = v;
            break;
        case OPT_SUBSAMPLE:
            if ((code = dg_cli_parse_number(cli, "--subsample", optarg, 0.01, 1, false, &v)) == 0)
                p->subsample = v;
            break;
        case OPT_THREADS:
            if ((code = dg_cli_parse_number(cli, "--threads", optarg, 1, 2, true, &v)) == 0)
                p->threads = (int)v;
            break;
        case OPT_SEED:
            if ((code = dg_cli_parse_number(cli, "--seed", optarg, 0, 2147483646, true, &v)) == 0)
                p->seed = (uint64_t)v;
            break;
        case OPT_COST:
            if ((code = dg_cli_parse_number(cli, "--cost", optarg, 1e-6, 1e6, false, &v)) == 0)
                p->cost = v;
            break;
        case OPT_NO_VALIDATE: a->opt.validate = false; break;
        case OPT_DISTRIBUTION: a->distribution = true; break;
        case OPT_ACTOR: a->actor = optarg; break;
        case OPT_KEY: a->key = optarg; break;
        case OPT_MODEL:
            if ((code = dg_cli_parse_number(cli, "--model", optarg, 1, 9e15, true, &v)) == 0)
                a->model_id = (int64_t)v;
            break;
        case OPT_TOP:
            if ((code = dg_cli_parse_number(cli, "--top", optarg, 1, 1e9, true, &v)) == 0)
                a->top = (size_t)v;
            break;
        default: return dg_cli_usage_error(cli, "unknown option %s", name);
        }
        if (code != DG_EXIT_OK)
            return code;
    }
    if (optind < argc)
        a->positional = argv[optind++];
    if (optind < argc)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", argv[optind]);
    return DG_EXIT_OK;
}

/* Finds argv[1] among names; -1 after printing the usage error. */
static int subcommand(dg_cli *cli, int argc, char **argv, const char *const *names, size_t n,
                      const char *valid)
{
    if (argc < 2) {
        dg_cli_usage_error(cli, "missing subcommand; valid: %s", valid);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp(argv[1], names[i]) == 0)
            return (int)i;
    dg_cli_usage_error(cli, "unknown subcommand \"%s\"; valid: %s", argv[1], valid);
    return -1;
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
    dg_frame *frame = NULL;
    int code = dg_cli_load_frame(cli, a->opt.as_of, false, &frame);
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
    int sub = subcommand(cli, argc, argv, names, 3, "train, score, report");
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
    int sub = subcommand(cli, argc, argv, names, 2, "list, show");
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
