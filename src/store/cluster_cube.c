/* The cube's cells computed on a cluster's nodes (docs/postgresql.md "Cluster"): for every
 * grouping set of a query and every partition, one GROUP BY over that partition's foreign
 * tables (orders_pK, joined to customers_pK: both hash-partitioned by customer_id with one
 * modulus, so partition K of each lies on the same node). postgres_fdw sends each such
 * aggregate whole to its node; the branches form one UNION ALL, which the coordinator runs as
 * an asynchronous Append, so every node works at once. What crosses is cells × partitions,
 * not orders. A customer lives in one partition, so a distinct count of customers per cell
 * merges across partitions by addition (also across the groups of customer columns a set
 * groups by: a customer has one value of each). The keys are integer expressions over
 * ordered_at, which postgres_fdw ships (it ships no date functions). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/cluster.h"
#include "dangol/text.h"   /* dg_civil_from_days */
#include "store/cluster_aggregate.h"
#include "store/sql_day.h"

static const char *const order_columns[DG_CLUSTER_ORDER_COLUMNS] = {
    "channel", "payment_method", "site", "staff_id",
};
static const char *const customer_columns[DG_CLUSTER_CUSTOMER_COLUMNS] = {
    "region", "gender", "acquisition_channel", "customer_type", "income_band", "birth_year",
};

#define DAY DG__SQL_DAY_OF("o.ordered_at")
/* The calendar month index (year * 12 + month - 1) of the day, from the civil-from-days
 * algorithm of H. Hinnant, "chrono-Compatible Low-Level Date Algorithms" (2013): its
 * March-based year and month index mp, as year_mar * 12 + mp + 2. Exact from 0000-03-01. */
#define CIVIL_Z "(" DAY " + 719468)"
#define CIVIL_DOE "(" CIVIL_Z " % 146097)"
#define CIVIL_YOE "((" CIVIL_DOE " - " CIVIL_DOE " / 1460 + " CIVIL_DOE " / 36524 - " \
    CIVIL_DOE " / 146096) / 365)"
#define CIVIL_DOY "(" CIVIL_DOE " - (365 * " CIVIL_YOE " + " CIVIL_YOE " / 4 - " CIVIL_YOE \
    " / 100))"
#define MONTH_INDEX "((" CIVIL_Z " / 146097 * 400 + " CIVIL_YOE ") * 12 + (5 * " CIVIL_DOY \
    " + 2) / 153 + 2)"

/* Each time level's key: one value per label of the level. An ISO week runs Monday to Sunday,
 * and day 0 (1970-01-01) is a Thursday; the offset keeps the division on positive numbers. */
static const char *const time_keys[] = {
    [DG_CLUSTER_DAY] = DAY,
    [DG_CLUSTER_WEEK] = "((" DAY " + 7000003) / 7)",
    [DG_CLUSTER_MONTH] = MONTH_INDEX,
    [DG_CLUSTER_QUARTER] = "(" MONTH_INDEX " / 3)",
    [DG_CLUSTER_YEAR] = "(" MONTH_INDEX " / 12)",
};
#define N_TIME_LEVELS (sizeof time_keys / sizeof time_keys[0])

/* s as an SQL escape string literal (E'...': quotes and backslashes doubled), whatever
 * standard_conforming_strings says. */
static void put_literal(FILE *out, const char *s)
{
    fputs("E'", out);
    for (; *s; s++) {
        if (*s == '\'' || *s == '\\')
            fputc(*s, out);
        fputc(*s, out);
    }
    fputc('\'', out);
}

/* A customer column's key: its value, but for birth_year the age band at the as-of year as
 * the frame's cube bands it (src/analytics/cube/frame.c), so a set groups as few rows. */
static void put_customer_key(FILE *out, size_t i, int as_of_year)
{
    if (strcmp(customer_columns[i], "birth_year") != 0) {
        fprintf(out, "c.%s", customer_columns[i]);
        return;
    }
    fprintf(out, "CASE WHEN c.birth_year IS NULL OR c.birth_year <= 0 OR c.birth_year > %d "
            "THEN 7 WHEN %d - c.birth_year < 20 THEN 0 WHEN %d - c.birth_year >= 70 THEN 6 "
            "ELSE (%d - c.birth_year) / 10 - 1 END", as_of_year, as_of_year, as_of_year,
            as_of_year);
}

/* The column a filter reads, as SQL: o.col, c.col or (age) the band's number. */
static void put_filter_column(FILE *out, const dg_cluster_value_filter *f, int as_of_year)
{
    if (!f->customer)
        fprintf(out, "o.%s", order_columns[f->column]);
    else if (strcmp(customer_columns[f->column], "birth_year") == 0)
        put_customer_key(out, (size_t)f->column, as_of_year);
    else
        fprintf(out, "c.%s", customer_columns[f->column]);
}

/* One filter, never NULL: whether the column's value is one of the values ("" for none: NULL
 * or empty), negated. Written without coalesce(), which postgres_fdw does not ship here. */
static void put_filter(FILE *out, const dg_cluster_value_filter *f, int as_of_year)
{
    bool none = false, age = f->customer &&
                             strcmp(customer_columns[f->column], "birth_year") == 0;
    size_t listed = 0;
    for (size_t v = 0; v < f->n_values; v++) {
        none |= !*f->values[v];
        listed += *f->values[v] != 0;
    }
    fputs(f->negate ? " AND NOT (" : " AND (", out);
    put_filter_column(out, f, as_of_year);
    fputs(none ? " IS NULL OR " : " IS NOT NULL AND ", out);
    if (none) {
        put_filter_column(out, f, as_of_year);
        fputs(" = '' OR ", out);
    }
    if (listed == 0) {
        fputs("false)", out);
        return;
    }
    put_filter_column(out, f, as_of_year);
    fputs(" IN (", out);
    for (size_t v = 0, n = 0; v < f->n_values; v++)
        if (*f->values[v]) {
            fputs(n++ ? ", " : "", out);
            if (age)
                fputs(f->values[v], out);   /* a band's number */
            else
                put_literal(out, f->values[v]);
        }
    fputs("))", out);
}

static void put_filters(FILE *out, const dg_cluster_cell_query *q, int as_of_year)
{
    for (size_t f = 0; f < q->n_filters; f++)
        put_filter(out, &q->filters[f], as_of_year);
    if (!q->days_filtered)
        return;
    fputs(" AND (false", out);
    for (size_t r = 0; r < q->n_day_ranges; r++)
        fprintf(out, " OR %s BETWEEN %d AND %d", DAY, (int)q->day_ranges[2 * r],
                (int)q->day_ranges[2 * r + 1]);
    fputc(')', out);
}

/* One set's GROUP BY over partition `part` (the K of orders_pK). Its keys are also selected,
 * NULL where the set does not group them, so every branch has the same columns and each
 * foreign scan's output is the branch's: the Append then runs the scans asynchronously. */
static void put_branch(FILE *out, const dg_cluster_cell_query *q, size_t set, const char *part)
{
    const dg_cluster_cell_set *cs = &q->sets[set];
    bool customers = cs->customers;
    int year, month, day;
    dg_civil_from_days(q->as_of, &year, &month, &day);
    fprintf(out, "SELECT %zu::int AS set, %s AS day, %s AS customer_id", set,
            cs->time ? "min(" DAY ")" : "NULL::bigint",
            customers ? "min(c.customer_id)" : "NULL::text");
    for (size_t t = 0; t < N_TIME_LEVELS; t++)
        fprintf(out, ", %s", cs->time & (1u << t) ? time_keys[t] : "NULL::bigint");
    for (size_t i = 0; i < DG_CLUSTER_ORDER_COLUMNS; i++)
        fprintf(out, cs->order & (1u << i) ? ", o.%s" : ", NULL::text", order_columns[i]);
    for (size_t i = 0; i < DG_CLUSTER_CUSTOMER_COLUMNS; i++) {
        fputs(", ", out);
        if (customers && (q->customer_columns & (1u << i)))
            put_customer_key(out, i, year);
        else
            fputs(strcmp(customer_columns[i], "birth_year") ? "NULL::text" : "NULL::bigint",
                  out);
    }
    fprintf(out, ", count(*), %s, sum(o.total), sum(o.units) FROM orders_p%s o",
            q->customers ? "count(DISTINCT o.customer_id)" : "0::bigint", part);
    if (customers)
        fprintf(out, " JOIN customers_p%s c ON c.customer_id = o.customer_id", part);
    fputs(" WHERE o.ordered_at < $1", out);
    put_filters(out, q, year);
    const char *sep = " GROUP BY ";
    for (size_t t = 0; t < N_TIME_LEVELS; t++)
        if (cs->time & (1u << t)) {
            fprintf(out, "%s%s", sep, time_keys[t]);
            sep = ", ";
        }
    for (size_t i = 0; i < DG_CLUSTER_ORDER_COLUMNS; i++)
        if (cs->order & (1u << i)) {
            fprintf(out, "%so.%s", sep, order_columns[i]);
            sep = ", ";
        }
    for (size_t i = 0; customers && i < DG_CLUSTER_CUSTOMER_COLUMNS; i++)
        if (q->customer_columns & (1u << i)) {
            fputs(sep, out);
            put_customer_key(out, i, year);
            sep = ", ";
        }
}

/* The suffixes K of the orders' partitions orders_pK. */
static const char partitions_sql[] =
    "SELECT substr(c.relname, 9) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
    "WHERE i.inhparent = 'orders'::regclass ORDER BY 1";

/* Writes one branch of a UNION ALL for partition part (the K of orders_pK). */
typedef void (*branch_fn)(FILE *out, const void *ctx, size_t item, const char *part);

/* The UNION ALL of branch(item, part) over items × partitions into *sql (caller frees). */
static int union_all(char **sql, dg_store *s, branch_fn branch, const void *ctx, size_t items,
                     dg_error *err)
{
    PGresult *parts = NULL;
    size_t len = 0;
    *sql = NULL;
    int rc = dg__cluster_aggregate(s, partitions_sql, 0, NULL, &parts, "reading the partitions",
                                   err);
    if (rc != 0)
        return rc;
    FILE *out = open_memstream(sql, &len);
    if (!out) {
        PQclear(parts);
        return dg_error_set(err, DG_ENOMEM, "out of memory writing a statement for the nodes");
    }
    const char *sep = "";
    for (size_t item = 0; item < items; item++)
        for (int p = 0; p < PQntuples(parts); p++) {
            fputs(sep, out);
            branch(out, ctx, item, PQgetvalue(parts, p, 0));
            sep = " UNION ALL ";
        }
    PQclear(parts);
    if (fclose(out) != 0 || !*sql) {
        free(*sql);
        *sql = NULL;
        return dg_error_set(err, DG_ENOMEM, "out of memory writing a statement for the nodes");
    }
    return 0;
}

static void cells_branch(FILE *out, const void *ctx, size_t set, const char *part)
{
    put_branch(out, ctx, set, part);
}

int dg_cluster_cube_cells_sql(char **sql, dg_store *s, const dg_cluster_cell_query *q,
                              dg_error *err)
{
    return union_all(sql, s, cells_branch, q, q->n_sets, err);
}

/* The columns of a branch: set, day, customer_id, the time keys, the order columns, the
 * customer keys, then the sums. */
#define ORDER_COLUMN (3 + (int)N_TIME_LEVELS)
#define SUMS_COLUMN (ORDER_COLUMN + DG_CLUSTER_ORDER_COLUMNS + DG_CLUSTER_CUSTOMER_COLUMNS)

/* An integer column, 0 for SQL NULL (a sum over no rows); false out of the int64 range. */
static bool sum_of(const PGresult *res, int r, int col, int64_t *out)
{
    *out = 0;
    return PQgetisnull(res, r, col) || dg__cluster_integer(res, r, col, out);
}

/* The planner weighs aggregating a partition's rows on the coordinator against its node's
 * estimate of the pushed-down GROUP BY; on small partitions the two come close and it may
 * fetch the rows. Raising the coordinator's own cost of an operator (inside the read's
 * transaction: SET LOCAL) leaves the nodes' estimates alone and tips every branch to the
 * node, as the design asks (the test reads the plan). */
static int local_cost(dg_store *s, const char *sql, dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__cluster_aggregate(s, sql, 0, NULL, &res, "planning the cube's cells", err);
    PQclear(res);
    return rc;
}

int dg_cluster_cube_cells(dg_store *s, const dg_cluster_cell_query *q, dg_cluster_cell_fn fn,
                          void *ctx, dg_error *err)
{
    char *sql = NULL, until[32];
    const char *params[1] = { until };
    PGresult *res = NULL;
    snprintf(until, sizeof until, "%lld", ((long long)q->as_of + 1) * 86400);
    int rc = dg_cluster_cube_cells_sql(&sql, s, q, err);
    if (rc == 0)
        rc = local_cost(s, "SET LOCAL cpu_operator_cost = 1", err);
    if (rc == 0)
        rc = dg__cluster_aggregate(s, sql, 1, params, &res, "computing the cube's cells on "
                                   "the nodes", err);
    if (rc == 0)
        rc = local_cost(s, "RESET cpu_operator_cost", err);
    free(sql);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++) {
        int64_t set = 0, day = 0;
        dg_cluster_cell c = { .customer_id = PQgetisnull(res, r, 2) ? NULL
                                                                    : PQgetvalue(res, r, 2) };
        for (int i = 0; i < DG_CLUSTER_ORDER_COLUMNS; i++)
            c.order_value[i] = PQgetisnull(res, r, ORDER_COLUMN + i)
                                   ? NULL : PQgetvalue(res, r, ORDER_COLUMN + i);
        if (!sum_of(res, r, 0, &set) || !sum_of(res, r, 1, &day) ||
            !sum_of(res, r, SUMS_COLUMN, &c.orders) ||
            !sum_of(res, r, SUMS_COLUMN + 1, &c.customers) ||
            !sum_of(res, r, SUMS_COLUMN + 2, &c.revenue_minor) ||
            !sum_of(res, r, SUMS_COLUMN + 3, &c.units) ||
            day < INT32_MIN || day > INT32_MAX) {
            rc = dg_error_set(err, DG_ERANGE, "a sum of the cube's cells leaves the integer "
                              "range");
            break;
        }
        c.set = (size_t)set;
        c.day = (int32_t)day;
        rc = fn(ctx, &c);
    }
    PQclear(res);
    return rc;
}

/* Item 0: the partition's order days; item i + 1: the values of order column i (when
 * *columns names it, else no rows); each with the first day and customer of its orders. */
static void labels_branch(FILE *out, const void *ctx, size_t item, const char *part)
{
    const unsigned *columns = ctx;
    if (item == 0)
        fprintf(out, "SELECT -1 AS col, %s AS day, NULL::text AS value, min(customer_id) AS "
                "customer_id FROM orders_p%s GROUP BY 2", DG__SQL_DAY_OF("ordered_at"), part);
    else if (*columns & (1u << (item - 1)))
        fprintf(out, "SELECT %zu, min(%s), %s, min(customer_id) FROM orders_p%s GROUP BY 3",
                item - 1, DG__SQL_DAY_OF("ordered_at"), order_columns[item - 1], part);
    else
        fputs("SELECT -1, NULL, NULL, NULL WHERE false", out);
}

int dg_cluster_order_labels(dg_store *s, unsigned columns, dg_cluster_label_fn fn, void *ctx,
                            dg_error *err)
{
    char *sql = NULL;
    PGresult *res = NULL;
    int rc = union_all(&sql, s, labels_branch, &columns, 1 + DG_CLUSTER_ORDER_COLUMNS, err);
    if (rc == 0)
        rc = dg__cluster_aggregate(s, sql, 0, NULL, &res, "reading the orders' labels on the "
                                   "nodes", err);
    free(sql);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++) {
        const char *values[DG_CLUSTER_ORDER_COLUMNS] = { NULL };
        int col = atoi(PQgetvalue(res, r, 0));
        int64_t day = 0;
        if (col >= 0)
            values[col] = PQgetisnull(res, r, 2) ? NULL : PQgetvalue(res, r, 2);
        if (!sum_of(res, r, 1, &day) || day < INT32_MIN || day > INT32_MAX)
            rc = dg_error_set(err, DG_ERANGE, "an order's day leaves the integer range");
        else
            rc = fn(ctx, PQgetvalue(res, r, 3), (int32_t)day, col >= 0 ? values : NULL);
    }
    PQclear(res);
    return rc;
}
