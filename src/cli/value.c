/* `dangol value`: the customer value survey (benefits - costs): its items, the scores and value
 * per response, the reliability of each component, the drivers of an outcome, the
 * importance-performance grid, and the import of responses. The tables come from the report
 * layer (dg_report_value), as the API shows them; the import is dg_cvalue_import. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/analysis.h"
#include "dangol/csv.h"
#include "dangol/cvalue_io.h"

typedef struct value_args {
    const char *survey, *outcome, *by, *customer, *encoding, *delimiter;
    int32_t as_of;
    int window;
    bool builtin;
} value_args;

/* --window N: days from 1 to 3660 (ctx: the int). */
static int parse_window(const dg_cli *cli, const char *text, void *ctx)
{
    char *end;
    long n = strtol(text, &end, 10);
    if (*end || end == text || n < 1 || n > 3660)
        return dg_cli_usage_error(cli, "--window takes a number of days from 1 to 3660");
    *(int *)ctx = (int)n;
    return DG_EXIT_OK;
}

/* The options into a; the arguments after them from argv[*rest]. */
static int parse_args(dg_cli *cli, int argc, char **argv, value_args *a, int *rest)
{
    memset(a, 0, sizeof *a);
    a->as_of = DG_DAY_NONE;
    const dg_cli_option options[] = {
        dg_cli_text("survey", &a->survey),
        dg_cli_day("as-of", &a->as_of, NULL),
        dg_cli_text("outcome", &a->outcome),
        dg_cli_call("window", parse_window, &a->window),
        dg_cli_text("by", &a->by),
        dg_cli_text("customer", &a->customer),
        dg_cli_text("encoding", &a->encoding),
        dg_cli_text("delimiter", &a->delimiter),
        dg_cli_flag("builtin", &a->builtin),
    };
    return dg_cli_options_rest(cli, argc, argv, options, DG_CLI_N(options), rest);
}

/* The survey of --survey FILE, else the store's, else the built-in one (store may be NULL). A
 * bad file exits 1 (as a bad rules file elsewhere), a missing one 3. */
static int load_survey(dg_cli *cli, const value_args *a, dg_store *store,
                       dg_cvalue_survey *survey)
{
    dg_error err;
    dg_error_clear(&err);
    int rc = a->survey ? dg_cvalue_survey_load(survey, a->survey, &err)
           : store ? dg_cvalue_survey_current(survey, store, NULL, &err)
                   : dg_cvalue_survey_default(survey, &err);
    return rc == 0 ? DG_EXIT_OK : dg_cli_fail(cli, &err);
}

static int import(dg_cli *cli, const value_args *a, dg_cvalue_survey *survey, const char *path)
{
    dg_import_options opt = { .delimiter = ',', .encoding = a->encoding };
    if (a->delimiter) {
        const char *d = a->delimiter;
        opt.delimiter = strcmp(d, "tab") == 0 ? '\t' : strlen(d) == 1 && strchr(",;|", d[0])
                        ? d[0] : 0;
        if (!opt.delimiter)
            return dg_cli_usage_error(cli, "unknown delimiter \"%s\"; valid: , ; tab |", d);
    }
    if (a->encoding) {
        dg_csv *probe = NULL;
        dg_csv_options copt = { ',', a->encoding };
        dg_error err;
        if (dg_csv_open_mem(&probe, "--encoding", "", 0, &copt, &err) != 0)
            return dg_cli_usage_error(cli, "%s", err.message);
        dg_csv_close(probe);
    }
    int code = dg_cli_check_inputs(cli, &path, 1);
    if (code != DG_EXIT_OK)
        return code;
    dg_store *store;
    if ((code = dg_cli_open_store(cli, 0, &store)) != DG_EXIT_OK)
        return code;
    if ((code = load_survey(cli, a, store, survey)) != DG_EXIT_OK) {
        dg_store_close(store);
        return code;
    }
    dg_import_report report;
    dg_error err;
    dg_error_clear(&err);
    dg_audit_actor actor;
    char name[DG_AUDIT_NAME_MAX];
    dg_audit_actor_cli(&actor, name);   /* the OS user, in the audit entry of the import */
    int rc = dg_cvalue_import(store, survey, path, &opt, &actor, &report, &err);
    dg_store_close(store);
    for (size_t i = 0; i < report.n_errors; i++)
        fprintf(stderr, "%s\n", report.errors[i]);
    if ((int64_t)report.n_errors < report.rows_rejected)
        fprintf(stderr, "... and %lld more bad rows\n",
                (long long)(report.rows_rejected - (int64_t)report.n_errors));
    if (rc != 0 && report.stopped) {
        code = dg_cli_fail(cli, &err);
    } else if (rc != 0) {
        fprintf(stderr, "%s value import: nothing imported: %lld bad row%s\n", cli->program,
                (long long)report.rows_rejected, report.rows_rejected == 1 ? "" : "s");
        code = DG_EXIT_DATA;
    } else {
        static const char *const columns[] = { "rows_read", "imported" };
        static const dg_cell_type types[] = { DG_CELL_INT, DG_CELL_INT };
        dg_table *t = dg_cli_table("Value survey import", columns, types, 2);
        if (t) {
            dg_table_add_row(t);
            dg_table_set_int(t, 0, report.rows_read);
            dg_table_set_int(t, 1, report.rows_imported);
        }
        code = cli->quiet ? (dg_table_free(t), DG_EXIT_OK) : dg_cli_print_free(cli, t);
    }
    dg_import_report_clear(&report);
    return code;
}

static int report(dg_cli *cli, dg_report_value_view view, const value_args *a,
                  dg_cvalue_survey *survey)
{
    dg_report_value_options opt = { .view = view, .survey = survey, .outcome = a->outcome,
                                    .window_days = a->window, .customer_id = a->customer,
                                    .as_of = a->as_of };
    dg_error err;
    dg_error_clear(&err);
    if (a->by && dg_report_value_by_parse(a->by, &opt.by, &err) != 0)
        return dg_cli_usage_error(cli, "--by: %s", err.message);
    if (a->by && view != DG_REPORT_VALUE_GRID)
        return dg_cli_usage_error(cli, "--by is for grid");
    if (a->customer && view != DG_REPORT_VALUE_SCORES)
        return dg_cli_usage_error(cli, "--customer is for scores");
    if ((a->outcome || a->window) && view != DG_REPORT_VALUE_DRIVERS &&
        view != DG_REPORT_VALUE_GRID)
        return dg_cli_usage_error(cli, "--outcome and --window are for drivers and grid");
    dg_store *store = NULL;
    dg_frame *frame = NULL;
    int code = view == DG_REPORT_VALUE_ITEMS && a->survey
                   ? DG_EXIT_OK : dg_cli_open_store(cli, DG_STORE_READONLY, &store);
    if (code == DG_EXIT_OK)
        code = load_survey(cli, a, store, survey);
    if (code != DG_EXIT_OK) {
        dg_store_close(store);
        return code;
    }
    int rc = 0;
    if (dg_report_value_needs_frame(&opt))
        rc = dg_report_frame(&frame, store, a->as_of, false, &err);
    dg_report rep = { 0 };
    if (rc == 0)
        rc = dg_report_value(&rep, store, frame, &opt, &err);
    code = dg_cli_report_print(cli, rc, &rep, &err);
    dg_report_clear(&rep);
    dg_frame_free(frame);
    dg_store_close(store);
    return code;
}

/* `value survey FILE`: the file (checked first) becomes the store's survey; --builtin (path
 * NULL) goes back to the built-in one. */
static int keep_survey(dg_cli *cli, const char *path)
{
    dg_error err;
    dg_error_clear(&err);
    dg_store *store;
    int code = dg_cli_open_store(cli, 0, &store);
    if (code != DG_EXIT_OK)
        return code;
    int rc = path ? dg_cvalue_survey_save_file(store, path, &err)
                  : dg_cvalue_survey_save(store, NULL, NULL, &err);
    dg_store_close(store);
    if (rc != 0)
        return dg_cli_fail(cli, &err);
    if (!cli->quiet)
        printf("the store's value survey is now %s\n", path ? path : "the built-in one");
    return DG_EXIT_OK;
}

static int run(dg_cli *cli, int argc, char **argv)
{
    static const char *const subcommands[] = { "items", "scores", "reliability", "drivers",
                                               "grid", "import", "survey" };
    int sub = dg_cli_subcommand(cli, argc, argv, subcommands, DG_CLI_N(subcommands));
    if (sub < 0)
        return DG_EXIT_USAGE;
    value_args a;
    dg_cli_getopt_reset();
    int first_rest;
    int code = parse_args(cli, argc - 1, argv + 1, &a, &first_rest);
    if (code != DG_EXIT_OK)
        return code;
    int rest = argc - 1 - first_rest;
    char **args = argv + 1 + first_rest;
    if (sub == 6 && (a.builtin ? rest != 0 : rest != 1))
        return dg_cli_usage_error(cli, "survey takes one survey file, or --builtin");
    if (sub == 5 && rest != 1)
        return dg_cli_usage_error(cli, "import takes one CSV file");
    if (sub < 5 && rest != 0)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", args[0]);
    if (a.builtin && sub != 6)
        return dg_cli_usage_error(cli, "--builtin is for survey");
    if ((a.encoding || a.delimiter) && sub != 5)
        return dg_cli_usage_error(cli, "--encoding and --delimiter are for import");
    dg_cvalue_survey *survey = malloc(sizeof *survey);
    if (!survey)
        return DG_EXIT_FAILURE;
    code = sub == 5 ? import(cli, &a, survey, args[0])
         : sub == 6 ? keep_survey(cli, a.builtin ? NULL : args[0])
                    : report(cli, (dg_report_value_view)sub, &a, survey);
    free(survey);
    return code;
}

DG_CLI_COMMAND(value) = {
    "value", "customer value survey: benefits - costs, reliability, drivers, grid",
    "usage: dangol [--db PATH] [--format table|csv|json] value SUBCOMMAND [OPTIONS]\n\n"
    "Customer value = benefits (functional, emotional, social) - costs (money, time, effort,\n"
    "psychological), measured by the value survey (config/value_survey.conf; docs/value.md).\n"
    "  items                 the survey's items: component, scale, reverse coding, wording\n"
    "  scores [--customer ID]  per response: the seven component scores and value\n"
    "  reliability           per component: Cronbach's alpha (flagged under 0.7), mean, sd\n"
    "  drivers [--outcome O] OLS of the outcome on the seven components: effect, se, t, p,\n"
    "                        95% interval, R^2\n"
    "  grid [--by G] [--outcome O]  importance-performance grid, overall or per group\n"
    "  import FILE           import responses: response_id, customer_id, answered_on and one\n"
    "                        column per item code (blank = not answered); all rows or none\n"
    "  survey FILE | --builtin  keep FILE (checked first) as the store's survey, used by the\n"
    "                        commands without --survey and by the API; --builtin: back to the\n"
    "                        built-in one\n\n"
    "  --survey FILE     the survey definition (default: the store's, else the built-in one,\n"
    "                    config/value_survey.conf)\n"
    "  --as-of DATE      ignore responses and orders after DATE\n"
    "  --outcome O       an outcome item of the survey (repurchase_intent, nps, ...) or\n"
    "                    repurchase: an order within --window days after the answer\n"
    "  --window DAYS     the repurchase window (default 180)\n"
    "  --by G            grid groups: none, segment (RFM), tier, stage, type (consultation type)\n"
    "  --encoding E      import: utf-8 (default) or cp949/euc-kr\n"
    "  --delimiter D     import: , (default) ; tab |\n\n"
    "Exit codes: 2 for a bad option, 3 for an unknown customer or a missing file, 1 for a bad\n"
    "survey file, an import with bad rows (nothing is written) or too few answers for a\n"
    "regression.\n",
    run,
};
