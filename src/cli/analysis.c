/* Helpers of the analysis commands (see analysis.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/analysis.h"
#include "dangol/points.h"
#include "dangol/text.h"

int dg_cli_parse_day(const dg_cli *cli, const char *option, const char *text, int32_t *day)
{
    dg_error err;
    dg_error_clear(&err);
    if (dg_date_parse(text, strlen(text), day, &err) != 0)
        return dg_cli_usage_error(cli, "%s \"%s\": %s", option, text, err.message);
    return DG_EXIT_OK;
}

int dg_cli_points_rules(const dg_cli *cli, const char *path, dg_points_rules *rules)
{
    dg_error err;
    dg_error_clear(&err);
    dg_points_rules_default(rules);
    if (path && dg_points_rules_load(rules, path, &err) != 0)
        return dg_cli_fail(cli, &err);
    return DG_EXIT_OK;
}

int dg_cli_parse_number(const dg_cli *cli, const char *option, const char *text, double lo,
                        double hi, bool integer, double *out)
{
    char *end;
    double v = strtod(text, &end);
    if (!text[0] || *end || !isfinite(v) || v < lo || v > hi || (integer && v != floor(v)))
        return dg_cli_usage_error(cli, "%s \"%s\": expected %s from %g to %g", option, text,
                                  integer ? "a whole number" : "a number", lo, hi);
    *out = v;
    return DG_EXIT_OK;
}

int dg_cli_load_frame(dg_cli *cli, int32_t as_of, bool with_lines, dg_frame **out)
{
    dg_frame_options opts = { .as_of = as_of, .with_lines = with_lines };
    return dg_cli_load_frame_of(cli, &opts, out);
}

int dg_cli_load_frame_of(dg_cli *cli, const dg_frame_options *opts, dg_frame **out)
{
    dg_error err;
    dg_error_clear(&err);
    *out = NULL;
    dg_store *store;
    int opened = dg_cli_open_store(cli, DG_STORE_READONLY, &store);
    if (opened != DG_EXIT_OK)
        return opened;
    int rc = dg_report_frame_of(out, store, opts, &err);
    dg_store_close(store);
    return rc == 0 ? DG_EXIT_OK : dg_cli_fail(cli, &err);
}

int dg_cli_report_print(dg_cli *cli, int rc, const dg_report *report, const dg_error *err)
{
    if (rc != 0)
        return dg_cli_fail(cli, err);
    if (report->n_tables == 1)
        return dg_cli_print(cli, report->tables[0]);
    if (dg_tables_write((dg_table *const *)report->tables, report->n_tables, stdout,
                        cli->format) != 0 || fflush(stdout) != 0)
        return DG_EXIT_FAILURE;
    for (size_t i = 0; i < report->n_tables; i++)
        dg_cli_print_notes(cli, report->tables[i]);
    return DG_EXIT_OK;
}

int dg_cli_store_report(dg_cli *cli, dg_cli_store_report_fn fn, void *ctx)
{
    dg_store *store;
    int opened = dg_cli_open_store(cli, DG_STORE_READONLY, &store);
    if (opened != DG_EXIT_OK)
        return opened;
    dg_error err;
    dg_error_clear(&err);
    dg_report report;
    dg_report_init(&report);
    int rc = fn(&report, store, ctx, &err);
    dg_store_close(store);
    int code = dg_cli_report_print(cli, rc, &report, &err);
    dg_report_clear(&report);
    return code;
}

/* dg_cli_query's report: the named query, its status kept for the exit code. */
typedef struct query_call {
    const char *name;
    const char *const *params;
    int status;
} query_call;

static int query_report(dg_report *out, dg_store *store, void *ctx, dg_error *err)
{
    query_call *q = ctx;
    q->status = dg_report_query(out, store, q->name, q->params, err);
    return q->status;
}

int dg_cli_query(dg_cli *cli, const char *name, const char *const *params)
{
    query_call q = { name, params, 0 };
    int code = dg_cli_store_report(cli, query_report, &q);
    return q.status == DG_EINVAL ? DG_EXIT_USAGE : code;
}

int dg_cli_query_options(dg_cli *cli, int argc, char **argv, const char *name,
                         const dg_cli_option *options, size_t n_options, dg_cli_list *pairs,
                         size_t max_pairs)
{
    int code = dg_cli_options(cli, argc, argv, options, n_options, NULL, 0);
    if (code == DG_EXIT_OK && pairs->n / 2 > max_pairs)
        code = dg_cli_usage_error(cli, "too many options");
    if (code == DG_EXIT_OK) {
        const char **params = realloc(pairs->items, (pairs->n + 1) * sizeof *params);
        if (!params) {
            code = dg_cli_usage_error(cli, "out of memory");
        } else {
            pairs->items = params;
            params[pairs->n] = NULL;
            code = dg_cli_query(cli, name, params);
        }
    }
    free(pairs->items);
    pairs->items = NULL;
    return code;
}
