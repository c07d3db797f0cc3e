/* Reports named by a key/value query (include/dangol/report.h, dg_report_query): the cube, the
 * cohorts and the monthly KPIs, as `dangol cube|cohort|kpi` and /api/cube|cohorts|kpi give them.
 * Each reads its keys, builds the frame it needs from the store (order lines only when a product
 * dimension or the category cohort asks for them) and runs the analysis on it. */
#include <stdlib.h>
#include <string.h>

#include "dangol/cohort.h"
#include "dangol/kpi.h"
#include "dangol/report.h"
#include "dangol/text.h"
#include "dangol/vocab.h"
#include "report/cluster_customers.h"
#include "report/cube_cluster.h"

/* Called for each key of a query but as_of; returns 0 or a code with err filled. */
typedef int (*param_fn)(void *ctx, const char *key, const char *value, dg_error *err);

/* Reads the query: as_of (or as-of) into *as_of (DG_EINVAL if malformed), every other key to fn. */
static int each_param(const char *const *params, int32_t *as_of, param_fn fn, void *ctx,
                      dg_error *err)
{
    *as_of = DG_DAY_NONE;
    for (size_t i = 0; params[i] && params[i + 1]; i += 2) {
        const char *key = params[i], *value = params[i + 1];
        int rc = 0;
        if (strcmp(key, "as_of") == 0 || strcmp(key, "as-of") == 0) {
            dg_error e;
            if (dg_date_parse(value, strlen(value), as_of, &e))
                rc = dg_error_set(err, DG_EINVAL, "bad as-of date \"%s\": %s", value, e.message);
        } else {
            rc = fn(ctx, key, value, err);
        }
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Whether a parameter value names a product dimension (then the frame needs order lines). */
static bool names_products(const char *value)
{
    size_t n;
    const dg_cube_dim_spec *dims = dg_cube_frame_dims(&n);
    for (size_t i = 0; i < n; i++)
        if (dims[i].key == DG_CUBE_KEY_PRODUCT && strstr(value, dims[i].name))
            return true;
    return false;
}

/* Whether a parameter value may name the dimension dim, by code or by English or Korean name
 * (the cube reads 매장=강남점 as site=...); a name that only looks like it counts too, so the
 * cube reads a column more, never less. */
static bool names_dim(const char *value, const char *dim)
{
    const dg_vocab_entry *e = dg_vocab_find("dimension", dim);
    return strcasestr(value, dim) || (e && (strcasestr(value, e->en) || strstr(value, e->ko)));
}

/* The optional order columns (DG_FRAME_ORDER_*) a parameter value may name as dimensions. */
static unsigned names_order_columns(const char *value)
{
    static const struct { const char *dim; unsigned column; } order_dims[] = {
        { "channel", DG_FRAME_ORDER_CHANNEL }, { "payment", DG_FRAME_ORDER_PAYMENT },
        { "site", DG_FRAME_ORDER_SITE }, { "staff", DG_FRAME_ORDER_STAFF },
    };
    unsigned columns = 0;
    for (size_t i = 0; i < sizeof order_dims / sizeof order_dims[0]; i++)
        if (names_dim(value, order_dims[i].dim))
            columns |= order_dims[i].column;
    return columns;
}

/* What one cube query needs of the frame and of the cube. */
typedef struct cube_needs {
    dg_frame_options opts;
    bool ladder;            /* the segment, stage or activity dimension */
} cube_needs;

/* A cube key: notes whether the frame needs order lines, which optional order columns it reads
 * (units only for a measure or sort on them) and whether the cube needs the ladder dimensions
 * (the query itself is checked on the cube, by dg_report_cube). */
static int cube_param(void *ctx, const char *key, const char *value, dg_error *err)
{
    cube_needs *needs = ctx;
    (void)err;
    if (strcmp(key, "rows") == 0 || strcmp(key, "cols") == 0 || strcmp(key, "columns") == 0 ||
        strcmp(key, "where") == 0 || strcmp(key, "filter") == 0 || strcmp(key, "totals") == 0) {
        needs->opts.with_lines |= names_products(value);
        needs->opts.columns |= names_order_columns(value);
        needs->ladder |= names_dim(value, "segment") || names_dim(value, "stage") ||
                         names_dim(value, "activity");
    }
    if ((strcmp(key, "measure") == 0 || strcmp(key, "measures") == 0 ||
         strcmp(key, "sort") == 0) && (strstr(value, "unit") || strstr(value, "quantity")))
        needs->opts.columns |= DG_FRAME_ORDER_UNITS;
    return 0;
}

/* The cube's answer to params as a table in out: from the cube's facts, or (cluster set)
 * from the cells a cluster's nodes compute. */
static int cube_answer(dg_report *out, const dg_cube *cube, const char *const *params,
                       dg__cube_cluster *cluster, dg_error *err)
{
    dg_cube_query q;
    dg_cube_query_init(&q);
    dg_table *table = NULL;
    dg_cube_result *r = NULL;
    int rc = 0;
    for (size_t i = 0; rc == 0 && params[i] && params[i + 1]; i += 2)
        if (strcmp(params[i], "as_of") != 0 && strcmp(params[i], "as-of") != 0)
            rc = dg_cube_query_set(&q, cube, params[i], params[i + 1], err);
    if (rc == 0 && cluster) {
        cluster->q = &q;
        if ((rc = dg_cube_run_cells(&r, cube, &q, dg__cube_cluster_cells, cluster, err)) == 0)
            rc = dg_cube_result_table(&table, cube, &q, r, err);
    } else if (rc == 0)
        rc = dg_cube_query_table(&table, cube, &q, err);
    if (rc == 0)
        rc = dg_report_add(out, table, err);
    dg_cube_result_free(r);
    dg_cube_query_clear(&q);
    return rc;
}

/* What read_cluster_cube answers. */
typedef struct cluster_cube_args {
    dg_report *out;
    const cube_needs *needs;
    const char *const *params;
} cluster_cube_args;

/* The cube on a cluster: labels from a frame without the orders, cells from the nodes (inside
 * dg__cluster_answers's one consistent read). */
static int read_cluster_cube(void *in, dg_store *store, dg_error *err)
{
    const cluster_cube_args *a = in;
    dg_frame *frame = NULL;
    dg_cube *cube = NULL;
    int rc;
    if ((rc = dg__cube_cluster_frame(&frame, store, &a->needs->opts, err)) == 0 &&
        (rc = dg_cube_from_frame_of(&cube, frame, NULL, NULL, false, err)) == 0) {
        dg__cube_cluster cluster = { .store = store, .frame = frame, .cube = cube };
        rc = cube_answer(a->out, cube, a->params, &cluster, err);
    }
    dg_cube_free(cube);
    dg_frame_free(frame);
    return rc;
}

static int cube_query(dg_report *out, dg_store *store, const char *const *params, dg_error *err)
{
    /* the cube's facts are the order days and amounts (by customer through the offsets); the
     * query names the rest */
    cube_needs needs = { .opts = { .columns = DG_FRAME_ORDER_CORE } };
    dg_frame *frame = NULL;
    dg_cube *cube = NULL;
    int rc = each_param(params, &needs.opts.as_of, cube_param, &needs, err);
    if (rc == 0 && dg__cube_cluster_pushes(needs.ladder, needs.opts.with_lines)) {
        cluster_cube_args args = { out, &needs, params };
        if ((rc = dg__cluster_answers(store, needs.opts.as_of, read_cluster_cube, &args,
                                      err)) != DG_EUNSUPPORTED)
            return rc;
        rc = 0;   /* not a cluster, or the snapshot answers: the frame */
    }
    if (rc == 0)
        rc = dg_report_frame_of(&frame, store, &needs.opts, err);
    if (rc == 0)
        rc = dg_cube_from_frame_of(&cube, frame, NULL, NULL, needs.ladder, err);
    if (rc == 0)
        rc = dg_report_cube(out, cube, params, err);
    dg_cube_free(cube);
    dg_frame_free(frame);
    return rc;
}

int dg_report_cube(dg_report *out, const dg_cube *cube, const char *const *params,
                   dg_error *err)
{
    return cube_answer(out, cube, params, NULL, err);
}

typedef struct cohort_args {
    dg_cohort_by by;
    dg_cohort_measure measure;
    size_t periods;
} cohort_args;

static int cohort_param(void *ctx, const char *key, const char *v, dg_error *err)
{
    cohort_args *a = ctx;
    if (strcmp(key, "by") == 0) {
        if (strcmp(v, "month") == 0)
            a->by = DG_COHORT_BY_MONTH;
        else if (strcmp(v, "channel") == 0 || strcmp(v, "acquisition") == 0)
            a->by = DG_COHORT_BY_CHANNEL;
        else if (strcmp(v, "category") == 0)
            a->by = DG_COHORT_BY_CATEGORY;
        else
            return dg_error_set(err, DG_EINVAL,
                                "unknown cohort \"%s\"; valid: month, channel, category", v);
    } else if (strcmp(key, "measure") == 0) {
        if (strcmp(v, "retention") == 0)
            a->measure = DG_COHORT_RETENTION;
        else if (strcmp(v, "active") == 0 || strcmp(v, "customers") == 0)
            a->measure = DG_COHORT_ACTIVE;
        else if (strcmp(v, "revenue") == 0)
            a->measure = DG_COHORT_REVENUE;
        else if (strcmp(v, "revenue_per_customer") == 0)
            a->measure = DG_COHORT_REVENUE_PER_CUSTOMER;
        else
            return dg_error_set(err, DG_EINVAL, "unknown cohort measure \"%s\"; valid: "
                                "retention, active, revenue, revenue_per_customer", v);
    } else if (strcmp(key, "periods") == 0) {
        char *end;
        long p = strtol(v, &end, 10);
        if (!v[0] || *end || p < 0 || p > 100000)
            return dg_error_set(err, DG_EINVAL,
                                "bad periods \"%s\"; expected a number of months (0 = all)",
                                v);
        a->periods = (size_t)p;
    } else
        return dg_error_set(err, DG_EINVAL, "unknown cohort parameter \"%s\"; valid: by, "
                            "measure, periods, as_of", key);
    return 0;
}

/* The cohort table of a frame for the parsed arguments. */
static int cohort_run(dg_report *out, const dg_frame *frame, const cohort_args *a,
                      dg_error *err)
{
    dg_cohort_result *r = NULL;
    dg_table *table = NULL;
    int rc = dg_cohort_from_frame(&r, frame, a->by, err);
    if (rc == 0 && (rc = dg_cohort_table(&table, r, a->measure, frame->minor_digits, a->periods,
                                         err)) == 0)
        rc = dg_report_add(out, table, err);
    dg_cohort_result_free(r);
    return rc;
}

int dg_report_cohort(dg_report *out, const dg_frame *frame, const char *const *params,
                     dg_error *err)
{
    cohort_args a = { DG_COHORT_BY_MONTH, DG_COHORT_RETENTION, 0 };
    int32_t as_of;
    int rc = each_param(params, &as_of, cohort_param, &a, err);
    return rc == 0 ? cohort_run(out, frame, &a, err) : rc;
}

static int cohort_query(dg_report *out, dg_store *store, const char *const *params,
                        dg_error *err)
{
    cohort_args a = { DG_COHORT_BY_MONTH, DG_COHORT_RETENTION, 0 };
    int32_t as_of;
    dg_frame *frame = NULL;
    int rc = each_param(params, &as_of, cohort_param, &a, err);
    /* cohorts read order days and amounts by customer (the offsets), and lines for categories */
    dg_frame_options opts = { .as_of = as_of, .with_lines = a.by == DG_COHORT_BY_CATEGORY,
                              .columns = DG_FRAME_ORDER_CORE };
    if (rc == 0)
        rc = dg_report_frame_of(&frame, store, &opts, err);
    if (rc == 0)
        rc = cohort_run(out, frame, &a, err);
    dg_frame_free(frame);
    return rc;
}

int dg_report_kpi(dg_report *out, const dg_frame *frame, int months, dg_error *err)
{
    dg_table *table = NULL;
    int rc = dg_kpi_monthly(&table, frame, months, err);
    return rc == 0 ? dg_report_add(out, table, err) : rc;
}

static int kpi_param(void *ctx, const char *key, const char *v, dg_error *err)
{
    int *months = ctx;
    if (strcmp(key, "months") != 0)
        return dg_error_set(err, DG_EINVAL, "unknown kpi parameter \"%s\"; valid: months, "
                            "as_of", key);
    char *end;
    long m = strtol(v, &end, 10);
    if (!v[0] || *end || m < 1 || m > DG_KPI_MONTHS_MAX)
        return dg_error_set(err, DG_EINVAL, "months \"%s\" must be from 1 to %d", v,
                            DG_KPI_MONTHS_MAX);
    *months = (int)m;
    return 0;
}

static int kpi_query(dg_report *out, dg_store *store, const char *const *params, dg_error *err)
{
    int32_t as_of;
    int months = 12;
    dg_frame *frame = NULL;
    int rc = each_param(params, &as_of, kpi_param, &months, err);
    /* the KPIs read order days and amounts (through the offsets) */
    dg_frame_options opts = { .as_of = as_of, .columns = DG_FRAME_ORDER_CORE };
    if (rc == 0)
        rc = dg_report_frame_of(&frame, store, &opts, err);
    if (rc == 0)
        rc = dg_report_kpi(out, frame, months, err);
    dg_frame_free(frame);
    return rc;
}

int dg_report_query(dg_report *out, dg_store *store, const char *name,
                    const char *const *params, dg_error *err)
{
    static const char *const none[] = { NULL };
    if (!params)
        params = none;
    if (strcmp(name, "cube") == 0)
        return cube_query(out, store, params, err);
    if (strcmp(name, "cohort") == 0)
        return cohort_query(out, store, params, err);
    if (strcmp(name, "kpi") == 0)
        return kpi_query(out, store, params, err);
    return dg_error_set(err, DG_EINVAL, "unknown report \"%s\"; valid: cube, cohort, kpi", name);
}
