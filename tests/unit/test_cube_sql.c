/* Property test of the cube against SQLite, on two stores: a random one written through the store
 * API, and a small one made by the library's demo generator. The cube is built from the store's
 * frame, and random queries (row and column dimensions, filters with several values, negations
 * and time ranges, an as-of day, totals none / rollup / cube / explicit grouping sets, measures,
 * sort and top-N) are answered both by the cube and by the same query in SQL, GROUPING SETS
 * written as UNION ALL of GROUP BYs over views that derive every dimension independently (ISO
 * weeks with SQLite's date functions). Every cell must match both ways, in every measure
 * (revenue, orders, customers, units, aov, revenue per customer, share), and the pivot's ranked
 * rows must be SQL's ORDER BY measure LIMIT N. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dangol/cohort.h"
#include "dangol/cube.h"
#include "dangol/demo.h"
#include "dangol/frame.h"
#include "dangol/rfm.h"
#include "dangol/stage.h"
#include "dangol/store.h"
#include "dangol/text.h"
#include "support.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

static dg_error err;

static void put(dg_store *s, const char *entity, const char *const *names, const dg_value *values,
                size_t n)
{
    const dg_entity *e = dg_entity_find(entity);
    dg_value row[32];
    for (size_t c = 0; c < e->n_columns; c++)
        row[c] = (dg_value){ .is_null = true };
    for (size_t i = 0; i < n; i++) {
        int c = dg_entity_column(e, names[i]);
        cr_assert_geq(c, 0, "%s.%s", entity, names[i]);
        row[c] = values[i];
    }
    cr_assert_eq(dg_store_put(s, e, row, &err), 0, "%s: %s", entity, err.message);
}

static dg_value text_or_null(const char *const *choices, size_t n)
{
    uint32_t k = rnd((uint32_t)n + 1);
    return k == n ? (dg_value){ .is_null = true } : (dg_value){ .u.s = choices[k] };
}

static void populate(dg_store *s)
{
    static const char *const regions[] = { "Seoul", "Busan", "Incheon", "Daegu" };
    static const char *const genders[] = { "F", "M", "X" };
    static const char *const channels[] = { "web", "store", "phone" };
    static const char *const payments[] = { "card", "cash" };
    static const char *const sites[] = { "Gangnam", "Haeundae" };
    static const char *const staff[] = { "S1", "S2", "S3" };
    static const char *const categories[] = { "Skin", "Hair", "Body", "Scent" };
    static const char *const brands[] = { "Alpha", "Beta", "Gamma", "Delta", "Eps", "Zeta" };
    cr_assert_eq(dg_store_begin(s, &err), 0);
    for (size_t i = 0; i < 3; i++) {
        const char *names[] = { "staff_id" };
        dg_value v[] = { { .u.s = staff[i] } };
        put(s, "staff", names, v, 1);
    }
    char id[32];
    for (int p = 0; p < 12; p++) {
        snprintf(id, sizeof id, "P%02d", p);
        const char *names[] = { "product_id", "category", "brand" };
        dg_value v[] = { { .u.s = id }, text_or_null(categories, 4), text_or_null(brands, 6) };
        put(s, "products", names, v, 3);
    }
    int32_t first = dg_days_from_civil(2022, 6, 1), last = dg_days_from_civil(2024, 12, 31);
    int n_orders = 0;
    for (int c = 0; c < 150; c++) {
        char cid[32];
        snprintf(cid, sizeof cid, "C%03d", c);
        const char *names[] = { "customer_id", "birth_year", "gender", "region",
                                "acquisition_channel", "acquired_on" };
        dg_value v[] = { { .u.s = cid }, { .u.i = 1940 + rnd(75) }, text_or_null(genders, 3),
                         text_or_null(regions, 4), text_or_null(channels, 3),
                         { .u.i = dg_days_from_civil(2022, 1, 1) + (int32_t)rnd(900) } };
        if (rnd(8) == 0)
            v[1].is_null = true;
        if (rnd(3) == 0)
            v[5].is_null = true;  /* acquisition = first order */
        put(s, "customers", names, v, 6);
        int n = (int)rnd(14);
        for (int k = 0; k < n; k++) {
            char oid[32];
            snprintf(oid, sizeof oid, "O%05d", n_orders++);
            int64_t at = (int64_t)(first + (int32_t)rnd((uint32_t)(last - first + 1))) * 86400 +
                         rnd(86400);
            const char *onames[] = { "order_id", "customer_id", "ordered_at", "channel",
                                     "payment_method", "staff_id", "site", "units", "total" };
            dg_value ov[] = { { .u.s = oid },     { .u.s = cid },
                              { .u.i = at },      text_or_null(channels, 3),
                              text_or_null(payments, 2), text_or_null(staff, 3),
                              text_or_null(sites, 2), { .u.i = rnd(6) },
                              { .u.i = 1000 + rnd(90000) } };
            if (rnd(6) == 0)
                ov[7].is_null = true;
            put(s, "orders", onames, ov, 9);
            int n_lines = (int)rnd(4);  /* 0: an order without lines */
            for (int l = 1; l <= n_lines; l++) {
                char pid[32];
                snprintf(pid, sizeof pid, "P%02u", rnd(12));
                const char *lnames[] = { "order_id", "line_no", "product_id", "quantity",
                                         "amount" };
                dg_value lv[] = { { .u.s = oid }, { .u.i = l }, { .u.s = pid },
                                  { .u.i = 1 + rnd(3) }, { .u.i = 500 + rnd(30000) } };
                if (rnd(7) == 0)
                    lv[3].is_null = true;
                put(s, "order_lines", lnames, lv, 5);
            }
        }
    }
    cr_assert_eq(dg_store_commit(s, &err), 0);
}

/* SQL expression of each cube dimension over the view columns, and whether it is order-level. */
typedef struct {
    const char *name;
    const char *sql;
    bool product;
} sql_dim;

static const sql_dim dims[] = {
    { "year", "strftime('%Y', dt)", false },
    { "quarter", "strftime('%Y', dt) || '-Q' || ((CAST(strftime('%m', dt) AS INTEGER) + 2) / 3)",
      false },
    { "month", "strftime('%Y-%m', dt)", false },
    { "week", "strftime('%Y', date(dt, '-3 days', 'weekday 4')) || '-W' || "
              "printf('%02d', (CAST(strftime('%j', date(dt, '-3 days', 'weekday 4')) AS INTEGER)"
              " - 1) / 7 + 1)", false },
    { "day", "dt", false },
    { "channel", "channel", false },
    { "payment", "payment", false },
    { "site", "site", false },
    { "staff", "staff", false },
    { "region", "region", false },
    { "gender", "gender", false },
    { "acquisition", "acquisition", false },
    { "customer_type", "customer_type", false },
    { "income", "income", false },
    { "age", "age", false },
    { "segment", "segment", false },
    { "stage", "stage", false },
    { "activity", "activity", false },
    { "category", "category", true },
    { "brand", "brand", true },
    { "product", "product", true },
};
#define N_DIMS (sizeof dims / sizeof dims[0])

static void exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "%s\n%s", msg, sql);
}

/* The RFM segment, ladder stage and activity of each customer, from their own modules (tested
 * there), as a table the views join: the cube's grouping by them is what is checked here. */
static void create_attrs(sqlite3 *db, const dg_frame *frame)
{
    dg_rfm_segment_map *map = NULL;
    dg_rfm_result rfm;
    dg_stage_rules rules;
    size_t n = frame->n_customers;
    uint8_t *stage = malloc(n), *activity = malloc(n);
    cr_assert_eq(dg_rfm_segment_map_default(&map, &err), 0);
    cr_assert_eq(dg_rfm_compute(&rfm, frame, NULL, map, &err), 0, "%s", err.message);
    dg_stage_rules_default(&rules);
    cr_assert_eq(dg_stage_at(frame, &rules, frame->as_of, stage, activity, &err), 0);
    exec(db, "CREATE TEMP TABLE attrs (cid TEXT PRIMARY KEY, segment TEXT, stage TEXT, "
             "activity TEXT)");
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_prepare_v2(db, "INSERT INTO attrs VALUES (?, ?, ?, ?)", -1, &st, NULL),
                 SQLITE_OK);
    size_t segmented = 0;
    for (size_t c = 0; c < n; c++) {
        sqlite3_bind_text(st, 1, frame->customer_id[c], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, rfm.segment[c] == DG_RFM_NO_SEGMENT
                                     ? "(none)" : map->names[rfm.segment[c]], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, stage[c] < DG_STAGE_COUNT ? dg_stage_name((dg_stage)stage[c])
                                                            : "(none)", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, activity[c] < DG_ACTIVITY_COUNT
                                     ? dg_activity_name((dg_activity)activity[c]) : "(none)",
                          -1, SQLITE_STATIC);
        cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
        segmented += rfm.segment[c] != DG_RFM_NO_SEGMENT;
    }
    sqlite3_finalize(st);
    cr_assert_gt(segmented, 0);
    dg_rfm_result_clear(&rfm);
    dg_rfm_segment_map_free(map);
    free(stage);
    free(activity);
}

static void create_views(sqlite3 *db, int as_of_year)
{
    char sql[4096];
#define NZ(x) "COALESCE(NULLIF(" x ", ''), '(none)')"
    snprintf(sql, sizeof sql,
             "CREATE TEMP VIEW f_orders AS SELECT o.order_id AS oid, o.customer_id AS cid, "
             "date(o.ordered_at / 86400 * 86400, 'unixepoch') AS dt, o.ordered_at / 86400 AS d, "
             "o.total AS rev, COALESCE(o.units, 0) AS units, "
             NZ("o.channel") " AS channel, " NZ("o.payment_method") " AS payment, "
             NZ("o.site") " AS site, " NZ("o.staff_id") " AS staff, " NZ("c.region")
             " AS region, " NZ("c.gender") " AS gender, " NZ("c.acquisition_channel")
             " AS acquisition, " NZ("c.customer_type") " AS customer_type, "
             NZ("c.income_band") " AS income, a.segment, a.stage, a.activity, CASE WHEN c.birth_year IS NULL OR c.birth_year > %d THEN '(none)' "
             "WHEN %d - c.birth_year < 20 THEN '0-19' WHEN %d - c.birth_year >= 70 THEN '70+' "
             "ELSE ((%d - c.birth_year) / 10 * 10) || '-' || ((%d - c.birth_year) / 10 * 10 + 9) "
             "END AS age FROM orders o JOIN customers c USING (customer_id) JOIN attrs a ON "
             "a.cid = o.customer_id",
             as_of_year, as_of_year, as_of_year, as_of_year, as_of_year);
    exec(db, sql);
    exec(db, "CREATE TEMP VIEW f_lines AS SELECT f.oid, f.cid, f.dt, f.d, l.amount AS rev, "
             "COALESCE(l.quantity, 0) AS units, f.channel, f.payment, f.site, f.staff, f.region, "
             "f.gender, f.acquisition, f.customer_type, f.income, f.age, f.segment, f.stage, f.activity, " NZ("p.category") " AS category, "
             NZ("p.brand") " AS brand, p.product_id AS product FROM order_lines l "
             "JOIN f_orders f ON f.oid = l.order_id JOIN products p USING (product_id)");
#undef NZ
}

typedef struct {
    int dim[DG_CUBE_MAX_GROUP];  /* indexes into dims[] */
    size_t n_rows, n_cols;
    char where[1024];            /* cube syntax */
    char sql_where[2048];        /* the same in SQL */
    char totals[256];
    uint32_t sets[64];           /* masks over group positions */
    size_t n_sets;
    char as_of[16];
    bool lines;                  /* a product dimension is grouped or filtered */
    char measure[128];           /* "" = the default (revenue) */
    char sort[64];               /* "" = by labels */
    unsigned top;                /* 0 = all rows */
    dg_cube_measure rank_by;     /* what sort and top rank rows by */
    bool ascending;
} random_query;

/* SQL of each measure over a group (share: see measure_expr). */
static const char *const measure_sql[DG_CUBE_N_MEASURES] = {
    "COALESCE(SUM(rev), 0)",
    "COUNT(DISTINCT oid)",
    "COUNT(DISTINCT cid)",
    "COALESCE(SUM(units), 0)",
    "COALESCE(CAST(SUM(rev) AS REAL) / NULLIF(COUNT(DISTINCT oid), 0), 0)",
    "COALESCE(CAST(SUM(rev) AS REAL) / NULLIF(COUNT(DISTINCT cid), 0), 0)",
    NULL,
};

static void append(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t cap, const char *fmt, ...)
{
    size_t len = strlen(buf);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, cap - len, fmt, ap);
    va_end(ap);
}

static bool in_group(const random_query *rq, int d)
{
    for (size_t j = 0; j < rq->n_rows + rq->n_cols; j++)
        if (rq->dim[j] == d)
            return true;
    return false;
}

static int dim_index(const char *name)
{
    for (size_t i = 0; i < N_DIMS; i++)
        if (strcmp(dims[i].name, name) == 0)
            return (int)i;
    return -1;
}

static void make_query(const dg_cube *cube, random_query *rq)
{
    memset(rq, 0, sizeof *rq);
    size_t n_group = rnd(4);
    while (rq->n_rows + rq->n_cols < n_group) {
        int d = (int)rnd(N_DIMS);
        if (rnd(3) == 0 && strcmp(dims[d].name, "day") == 0)
            continue;
        if (in_group(rq, d))
            continue;
        /* day x week x month would pass the cube's limit of cells */
        int other = strcmp(dims[d].name, "day") == 0    ? dim_index("week")
                    : strcmp(dims[d].name, "week") == 0 ? dim_index("day")
                                                        : -1;
        if (other >= 0 && in_group(rq, other))
            continue;
        rq->dim[rq->n_rows + rq->n_cols] = d;
        rq->lines |= dims[d].product;
        if (rnd(2) == 0 || rq->n_cols)
            rq->n_cols++;
        else
            rq->n_rows++;
    }
    /* group positions are rows first: keep the column dims at the end */
    size_t n = n_group;
    strcpy(rq->sql_where, "1");
    int n_terms = (int)rnd(3);
    for (int t = 0; t < n_terms; t++) {
        int d = (int)rnd(N_DIMS);
        int cd = dg_cube_dim_find(cube, dims[d].name);
        cr_assert_geq(cd, 0, "%s", dims[d].name);
        rq->lines |= dims[d].product;
        size_t n_labels = dg_cube_dim_labels(cube, (size_t)cd);
        bool time = d <= 4;  /* year .. day */
        if (rq->where[0])
            append(rq->where, sizeof rq->where, ";");
        if (time && rnd(2) == 0) {
            const char *a = dg_cube_dim_label(cube, (size_t)cd, rnd((uint32_t)n_labels));
            const char *b = dg_cube_dim_label(cube, (size_t)cd, rnd((uint32_t)n_labels));
            if (strcmp(a, b) > 0) {
                const char *x = a;
                a = b;
                b = x;
            }
            append(rq->where, sizeof rq->where, "%s=%s..%s", dims[d].name, a, b);
            append(rq->sql_where, sizeof rq->sql_where, " AND (%s) BETWEEN '%s' AND '%s'",
                   dims[d].sql, a, b);
            continue;
        }
        bool negate = rnd(4) == 0;
        append(rq->where, sizeof rq->where, "%s%s=", dims[d].name, negate ? "!" : "");
        append(rq->sql_where, sizeof rq->sql_where, " AND (%s) %sIN (", dims[d].sql,
               negate ? "NOT " : "");
        int n_values = 1 + (int)rnd(3);
        for (int v = 0; v < n_values; v++) {
            const char *label = dg_cube_dim_label(cube, (size_t)cd, rnd((uint32_t)n_labels));
            append(rq->where, sizeof rq->where, "%s%s", v ? "," : "", label);
            append(rq->sql_where, sizeof rq->sql_where, "%s'", v ? "," : "");
            for (const char *ch = label; *ch; ch++)  /* quote as an SQL string literal */
                append(rq->sql_where, sizeof rq->sql_where, *ch == '\'' ? "''" : "%c", *ch);
            append(rq->sql_where, sizeof rq->sql_where, "'");
        }
        append(rq->sql_where, sizeof rq->sql_where, ")");
    }
    if (rnd(4) == 0) {
        int32_t first_day, last_day;
        dg_cube_day_range(cube, &first_day, &last_day);
        int32_t day = first_day + (int32_t)rnd((uint32_t)(last_day - first_day + 1));
        dg_date_format(day, rq->as_of);
        append(rq->sql_where, sizeof rq->sql_where, " AND d <= %d", day);
    }
    rq->rank_by = DG_CUBE_REVENUE;
    int n_measures = (int)rnd(4);   /* 0: the default */
    for (int i = 0; i < n_measures; i++) {
        dg_cube_measure m = (dg_cube_measure)rnd(DG_CUBE_N_MEASURES);
        if (i == 0)
            rq->rank_by = m;
        append(rq->measure, sizeof rq->measure, "%s%s", i ? "," : "", dg_cube_measure_name(m));
    }
    static const char *const orders[] = { "", ":asc", ":desc" };
    const char *order = orders[rnd(3)];
    rq->ascending = strcmp(order, ":asc") == 0;
    switch (rnd(3)) {
    case 0:
        break;
    case 1:
        snprintf(rq->sort, sizeof rq->sort, "label%s", order);
        break;
    default:
        rq->rank_by = (dg_cube_measure)rnd(DG_CUBE_N_MEASURES);
        snprintf(rq->sort, sizeof rq->sort, "%s%s", dg_cube_measure_name(rq->rank_by), order);
    }
    if (!rq->sort[0])
        rq->ascending = false;
    if (rnd(3) == 0)
        rq->top = 1 + rnd(8);
    uint32_t all = (1u << n) - 1;
    switch (rnd(4)) {
    case 0:
        strcpy(rq->totals, "none");
        rq->sets[rq->n_sets++] = all;
        break;
    case 1:
        strcpy(rq->totals, "rollup");
        for (size_t r = rq->n_rows + 1; r-- > 0;)
            for (size_t c = rq->n_cols + 1; c-- > 0;)
                rq->sets[rq->n_sets++] = ((1u << r) - 1) | (((1u << c) - 1) << rq->n_rows);
        break;
    case 2:
        strcpy(rq->totals, "cube");
        for (uint32_t m = 0; m <= all; m++)
            rq->sets[rq->n_sets++] = m;
        break;
    default: {
        int k = 1 + (int)rnd(3);
        for (int s = 0; s < k; s++) {
            uint32_t m = rnd(all + 1);
            bool seen = false;
            for (size_t i = 0; i < rq->n_sets; i++)
                seen |= rq->sets[i] == m;
            if (seen)
                continue;
            if (s)
                append(rq->totals, sizeof rq->totals, "|");
            else
                rq->totals[0] = '\0';
            bool first = true;
            for (size_t j = 0; j < n; j++)
                if (m & (1u << j)) {
                    append(rq->totals, sizeof rq->totals, "%s%s", first ? "" : ",",
                           dims[rq->dim[j]].name);
                    first = false;
                }
            rq->sets[rq->n_sets++] = m;
        }
        if (rq->n_sets == 1 && !rq->totals[0])
            strcpy(rq->totals, "|");  /* only the grand total */
    }
    }
}

static void dims_text(const random_query *rq, size_t from, size_t to, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (size_t j = from; j < to; j++)
        append(buf, cap, "%s%s", j > from ? "," : "", dims[rq->dim[j]].name);
}

/* One row of the SQL answer. */
typedef struct {
    uint32_t set;
    char labels[DG_CUBE_MAX_GROUP][48];
    int64_t revenue, orders, customers, units;
    double aov, revenue_per_customer, share;
    bool matched;
} sql_row;

/* Revenue of the whole filtered query: the base of share. */
static int64_t sql_total_revenue(sqlite3 *db, const random_query *rq)
{
    char sql[4096];
    snprintf(sql, sizeof sql, "SELECT COALESCE(SUM(rev), 0) FROM %s WHERE %s",
             rq->lines ? "f_lines" : "f_orders", rq->sql_where);
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    int64_t total = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return total;
}

/* The SQL of measure m; share divides by the revenue of the whole filtered query, total. */
static void measure_expr(dg_cube_measure m, int64_t total, char *buf, size_t cap)
{
    if (m == DG_CUBE_SHARE)
        snprintf(buf, cap, "COALESCE(CAST(SUM(rev) AS REAL) / NULLIF(%lld, 0), 0)",
                 (long long)total);
    else
        snprintf(buf, cap, "%s", measure_sql[m]);
}

static size_t run_sql(sqlite3 *db, const random_query *rq, bool lines, sql_row **out)
{
    size_t n = rq->n_rows + rq->n_cols;
    int64_t total = sql_total_revenue(db, rq);
    char aov[256], rpc[256], share[256];
    measure_expr(DG_CUBE_AOV, total, aov, sizeof aov);
    measure_expr(DG_CUBE_RPC, total, rpc, sizeof rpc);
    measure_expr(DG_CUBE_SHARE, total, share, sizeof share);
    char *sql = calloc(1, 65536);
    for (size_t s = 0; s < rq->n_sets; s++) {
        if (s)
            append(sql, 65536, " UNION ALL ");
        append(sql, 65536, "SELECT %u", rq->sets[s]);
        for (size_t j = 0; j < n; j++)
            append(sql, 65536, ", %s", (rq->sets[s] & (1u << j)) ? dims[rq->dim[j]].sql : "NULL");
        append(sql, 65536, ", COALESCE(SUM(rev), 0), COUNT(DISTINCT oid), COUNT(DISTINCT cid), "
                           "COALESCE(SUM(units), 0), %s, %s, %s FROM %s WHERE %s", aov, rpc, share,
               lines ? "f_lines" : "f_orders", rq->sql_where);
        bool first = true;
        for (size_t j = 0; j < n; j++)
            if (rq->sets[s] & (1u << j)) {
                append(sql, 65536, "%s%s", first ? " GROUP BY " : ", ", dims[rq->dim[j]].sql);
                first = false;
            }
    }
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s\n%s",
                 sqlite3_errmsg(db), sql);
    size_t cap = 256, count = 0;
    sql_row *rows = malloc(cap * sizeof *rows);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (count == cap)
            rows = realloc(rows, (cap *= 2) * sizeof *rows);
        sql_row *r = &rows[count++];
        memset(r, 0, sizeof *r);
        r->set = (uint32_t)sqlite3_column_int64(st, 0);
        for (size_t j = 0; j < n; j++) {
            const unsigned char *t = sqlite3_column_text(st, 1 + (int)j);
            snprintf(r->labels[j], sizeof r->labels[j], "%s", t ? (const char *)t : "");
        }
        r->revenue = sqlite3_column_int64(st, 1 + (int)n);
        r->orders = sqlite3_column_int64(st, 2 + (int)n);
        r->customers = sqlite3_column_int64(st, 3 + (int)n);
        r->units = sqlite3_column_int64(st, 4 + (int)n);
        r->aov = sqlite3_column_double(st, 5 + (int)n);
        r->revenue_per_customer = sqlite3_column_double(st, 6 + (int)n);
        r->share = sqlite3_column_double(st, 7 + (int)n);
    }
    sqlite3_finalize(st);
    free(sql);
    *out = rows;
    return count;
}

static bool close_to(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fmax(1.0, fabs(b));
}

/* One ranked group of the SQL answer: its row labels joined by '|', and its measure. */
typedef struct {
    char key[DG_CUBE_MAX_GROUP * 48];
    double value;
} ranked_row;

static int by_value(const void *a, const void *b, void *ascending)
{
    double x = ((const ranked_row *)a)->value, y = ((const ranked_row *)b)->value;
    if (x == y)
        return 0;
    return (x < y) == *(const bool *)ascending ? -1 : 1;
}

/* Sort and top-N: the pivot's detail rows (no rolled-up row dimension) are SQL's groups by the
 * row dimensions ORDER BY the ranking measure (their total over the columns) LIMIT top, and the
 * subtotal rows follow them. Ties may come in any order, so the measures are compared in order
 * and every shown row must be one of SQL's groups. */
static void check_ranking(sqlite3 *db, const dg_cube *cube, const dg_cube_query *q,
                          const dg_cube_result *r, const random_query *rq, const char *what)
{
    if (rq->n_rows == 0 || (!rq->top && q->sort_measure < 0))
        return;
    dg_table *t = NULL;
    cr_assert_eq(dg_cube_result_table(&t, cube, q, r, &err), 0, "%s: %s", what, err.message);
    char *text = test_render_free(t, DG_FORMAT_JSON);
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr);
    cr_assert(doc, "%s: %s", what, jerr.text);
    free(text);

    /* SQL's groups, if some grouping set holds every row dimension */
    uint32_t rows_mask = (1u << rq->n_rows) - 1;
    bool detail_set = false;
    for (size_t s = 0; s < rq->n_sets; s++)
        detail_set |= (rq->sets[s] & rows_mask) == rows_mask;
    char measure[256], sql[8192] = "SELECT ";
    measure_expr(rq->rank_by, sql_total_revenue(db, rq), measure, sizeof measure);
    for (size_t j = 0; j < rq->n_rows; j++)
        append(sql, sizeof sql, "%s, ", dims[rq->dim[j]].sql);
    append(sql, sizeof sql, "%s FROM %s WHERE %s GROUP BY ", measure,
           rq->lines ? "f_lines" : "f_orders", rq->sql_where);
    for (size_t j = 0; j < rq->n_rows; j++)
        append(sql, sizeof sql, "%s%s", j ? ", " : "", dims[rq->dim[j]].sql);
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s\n%s",
                 sqlite3_errmsg(db), sql);
    size_t n_groups = 0, cap = 64;
    ranked_row *groups = malloc(cap * sizeof *groups);
    while (detail_set && sqlite3_step(st) == SQLITE_ROW) {
        if (n_groups == cap)
            groups = realloc(groups, (cap *= 2) * sizeof *groups);
        ranked_row *g = &groups[n_groups++];
        g->key[0] = '\0';
        for (size_t j = 0; j < rq->n_rows; j++)
            append(g->key, sizeof g->key, "%s|", (const char *)sqlite3_column_text(st, (int)j));
        g->value = sqlite3_column_double(st, (int)rq->n_rows);
    }
    sqlite3_finalize(st);

    size_t expected = rq->top && rq->top < n_groups ? rq->top : n_groups, shown = 0;
    ranked_row *sorted = malloc((n_groups + 1) * sizeof *sorted);
    memcpy(sorted, groups, n_groups * sizeof *groups);
    bool ascending = rq->ascending;
    qsort_r(sorted, n_groups, sizeof *sorted, by_value, &ascending);
    json_t *rows = json_object_get(doc, "rows"), *row;
    size_t i;
    bool subtotals = false;
    json_array_foreach(rows, i, row) {
        char key[sizeof groups[0].key] = "";
        bool detail = true;
        for (size_t j = 0; j < rq->n_rows; j++) {
            const char *label = json_string_value(json_object_get(row, dims[rq->dim[j]].name));
            cr_assert(label, "%s: row %zu has no %s", what, i, dims[rq->dim[j]].name);
            detail &= strcmp(label, "Total") != 0;
            append(key, sizeof key, "%s|", label);
        }
        if (!detail) {
            subtotals = true;
            continue;
        }
        cr_assert(!subtotals, "%s: detail row %zu after a subtotal", what, i);
        cr_assert_lt(shown, expected, "%s: more than the %zu ranked rows", what, expected);
        size_t g = 0;
        while (g < n_groups && strcmp(groups[g].key, key) != 0)
            g++;
        cr_assert_lt(g, n_groups, "%s: row %s is not a group of SQL's", what, key);
        cr_assert(close_to(groups[g].value, sorted[shown].value),
                  "%s: row %zu (%s) has %s %.17g; SQL's row %zu has %.17g", what, shown, key,
                  dg_cube_measure_name(rq->rank_by), groups[g].value, shown, sorted[shown].value);
        shown++;
    }
    cr_assert_eq(shown, expected, "%s: %zu ranked rows, SQL has %zu", what, shown, expected);
    free(sorted);
    free(groups);
    json_decref(doc);
}

/* Cohorts against SQL: sizes, then active members, revenue and eligible members per period. */
static void check_cohorts(sqlite3 *db, const dg_frame *frame, dg_cohort_by by)
{
    dg_cohort_result *r = NULL;
    cr_assert_eq(dg_cohort_from_frame(&r, frame, by, &err), 0, "%s", err.message);
    char sql[4096];
    const char *cohort =
        by == DG_COHORT_BY_MONTH ? "strftime('%Y-%m', ad * 86400, 'unixepoch')"
        : by == DG_COHORT_BY_CHANNEL
            ? "COALESCE(NULLIF(acquisition_channel, ''), '(none)')"
            : "COALESCE((SELECT NULLIF(p.category, '') FROM orders o JOIN order_lines l USING "
              "(order_id) JOIN products p USING (product_id) WHERE o.customer_id = a.cid ORDER BY "
              "o.ordered_at, o.order_id, l.line_no LIMIT 1), '(none)')";
    int as_of_y, as_of_m, dd;
    dg_civil_from_days(frame->as_of, &as_of_y, &as_of_m, &dd);
    int as_of_month = as_of_y * 12 + as_of_m - 1;
    snprintf(sql, sizeof sql,
             "WITH a AS (SELECT customer_id AS cid, acquisition_channel, COALESCE(acquired_on, "
             "(SELECT MIN(ordered_at / 86400) FROM orders o WHERE o.customer_id = c.customer_id)) "
             "AS ad FROM customers c), m AS (SELECT cid, %s AS cohort, "
             "CAST(strftime('%%Y', ad * 86400, 'unixepoch') AS INTEGER) * 12 + "
             "CAST(strftime('%%m', ad * 86400, 'unixepoch') AS INTEGER) - 1 AS am FROM a "
             "WHERE ad IS NOT NULL AND ad <= %d), k(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM k "
             "WHERE k < %zu) SELECT cohort, k, (SELECT COUNT(*) FROM m m2 WHERE m2.cohort = m.cohort), "
             "SUM(am + k <= %d), (SELECT COUNT(DISTINCT o.customer_id) FROM orders o JOIN m m3 ON "
             "m3.cid = o.customer_id WHERE m3.cohort = m.cohort AND o.ordered_at / 86400 <= %d AND "
             "MAX(0, CAST(strftime('%%Y', o.ordered_at, 'unixepoch') AS INTEGER) * 12 + "
             "CAST(strftime('%%m', o.ordered_at, 'unixepoch') AS INTEGER) - 1 - m3.am) = k), "
             "(SELECT COALESCE(SUM(o.total), 0) FROM orders o JOIN m m3 ON m3.cid = o.customer_id "
             "WHERE m3.cohort = m.cohort AND o.ordered_at / 86400 <= %d AND "
             "MAX(0, CAST(strftime('%%Y', o.ordered_at, 'unixepoch') AS INTEGER) * 12 + "
             "CAST(strftime('%%m', o.ordered_at, 'unixepoch') AS INTEGER) - 1 - m3.am) = k) "
             "FROM m CROSS JOIN k GROUP BY cohort, k",
             cohort, frame->as_of, r->n_periods ? r->n_periods - 1 : 0, as_of_month, frame->as_of,
             frame->as_of);
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    size_t rows = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *label = (const char *)sqlite3_column_text(st, 0);
        size_t k = (size_t)sqlite3_column_int64(st, 1);
        size_t h = 0;
        while (h < r->n_cohorts && strcmp(r->labels[h], label) != 0)
            h++;
        cr_assert_lt(h, r->n_cohorts, "cohort %s missing", label);
        cr_assert_lt(k, r->n_periods);
        size_t cell = h * r->n_periods + k;
        cr_assert_eq(r->size[h], sqlite3_column_int64(st, 2), "%s size", label);
        cr_assert_eq(r->eligible[cell], sqlite3_column_int64(st, 3), "%s M%zu eligible", label, k);
        cr_assert_eq(r->active[cell], sqlite3_column_int64(st, 4), "%s M%zu active", label, k);
        cr_assert_eq(r->revenue_minor[cell], sqlite3_column_int64(st, 5), "%s M%zu revenue", label,
                     k);
        rows++;
    }
    sqlite3_finalize(st);
    size_t non_empty = 0;
    for (size_t h = 0; h < r->n_cohorts; h++)
        non_empty += r->size[h] > 0;
    cr_assert_eq(rows, non_empty * r->n_periods, "%zu SQL rows", rows);
    cr_assert_gt(rows, 0);
    dg_cohort_result_free(r);
}

/* The property on one store: the catalog of dimensions, iterations random queries against SQL in
 * every measure and ranking, then the cohorts. */
static void check_store(dg_store *store, const char *path, int iterations)
{
    dg_frame_options opts = { .as_of = DG_DAY_NONE, .with_lines = true };
    dg_frame *frame = NULL;
    cr_assert_eq(dg_frame_from_store(&frame, store, &opts, &err), 0, "%s", err.message);
    dg_cube *cube = NULL;
    cr_assert_eq(dg_cube_from_frame(&cube, frame, NULL, NULL, &err), 0, "%s", err.message);
    /* the catalog that error messages list is exactly what dg_cube_from_frame builds */
    size_t n_catalog;
    const dg_cube_dim_spec *catalog = dg_cube_frame_dims(&n_catalog);
    cr_assert_eq(dg_cube_dim_count(cube), n_catalog);
    for (size_t i = 0; i < n_catalog; i++) {
        cr_expect_str_eq(dg_cube_dim_name(cube, i), catalog[i].name);
        cr_expect_eq(dg_cube_dim_find(cube, catalog[i].name), (int)i);
    }
    int as_of_year, m, d;
    dg_civil_from_days(frame->as_of, &as_of_year, &m, &d);

    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    create_attrs(db, frame);
    create_views(db, as_of_year);

    size_t checked_cells = 0, ranked = 0;
    for (int iteration = 0; iteration < iterations; iteration++) {
        random_query rq;
        make_query(cube, &rq);
        char rows[256], cols[256], top[16];
        dims_text(&rq, 0, rq.n_rows, rows, sizeof rows);
        dims_text(&rq, rq.n_rows, rq.n_rows + rq.n_cols, cols, sizeof cols);
        snprintf(top, sizeof top, "%u", rq.top);
        dg_cube_query q;
        dg_cube_query_init(&q);
        const char *kv[] = { "rows", rows, "cols", cols, "where", rq.where, "totals", rq.totals,
                             "as_of", rq.as_of[0] ? rq.as_of : NULL,
                             "measure", rq.measure[0] ? rq.measure : NULL,
                             "sort", rq.sort[0] ? rq.sort : NULL, "top", rq.top ? top : NULL };
        for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i += 2)
            if (kv[i + 1])
                cr_assert_eq(dg_cube_query_set(&q, cube, kv[i], kv[i + 1], &err), 0,
                             "%s=%s: %s", kv[i], kv[i + 1], err.message);
        q.threads = 1 + (int)rnd(2);
        char what[2048];
        snprintf(what, sizeof what, "rows=%s cols=%s where=%s totals=%s as_of=%s measure=%s "
                 "sort=%s top=%u", rows, cols, rq.where, rq.totals, rq.as_of, rq.measure,
                 rq.sort, rq.top);
        dg_cube_result *r = NULL;
        cr_assert_eq(dg_cube_run(&r, cube, &q, &err), 0, "%s: %s", what, err.message);

        cr_assert_eq(r->line_grain, rq.lines, "%s: grain", what);
        sql_row *expect = NULL;
        size_t n_expect = run_sql(db, &rq, rq.lines, &expect);
        size_t n_group = rq.n_rows + rq.n_cols;
        size_t n_visible = 0;
        for (size_t c = 0; c < r->n_cells; c++) {
            if (r->hidden[c])
                continue;
            n_visible++;
            sql_row *hit = NULL;
            for (size_t e = 0; e < n_expect && !hit; e++) {
                if (expect[e].matched || expect[e].set != r->set[c])
                    continue;
                bool same = true;
                for (size_t j = 0; j < n_group && same; j++) {
                    uint32_t code = r->codes[c * n_group + j];
                    if (code != DG_CUBE_ALL)
                        same = strcmp(expect[e].labels[j],
                                      dg_cube_dim_label(cube, (size_t)q.group[j], code)) == 0;
                }
                if (same)
                    hit = &expect[e];
            }
            cr_assert(hit, "%s: cube cell %zu (set %u) not in SQL's answer", what, c, r->set[c]);
            hit->matched = true;
            cr_assert_eq(r->revenue_minor[c], hit->revenue, "%s: revenue", what);
            cr_assert_eq(r->orders[c], hit->orders, "%s: orders", what);
            cr_assert_eq(r->customers[c], hit->customers, "%s: customers", what);
            cr_assert_eq(r->units[c], hit->units, "%s: units", what);
            const struct { dg_cube_measure m; double want; } derived[] = {
                { DG_CUBE_AOV, hit->aov },
                { DG_CUBE_RPC, hit->revenue_per_customer },
                { DG_CUBE_SHARE, hit->share },
            };
            for (size_t k = 0; k < sizeof derived / sizeof derived[0]; k++) {
                double got = dg_cube_result_value(r, c, derived[k].m);
                cr_assert(close_to(got, derived[k].want), "%s: %s %.17g, SQL %.17g", what,
                          dg_cube_measure_name(derived[k].m), got, derived[k].want);
            }
            checked_cells++;
        }
        cr_assert_eq(n_visible, n_expect, "%s: %zu cube cells, %zu SQL rows", what, n_visible,
                     n_expect);
        check_ranking(db, cube, &q, r, &rq, what);
        ranked += rq.n_rows && (rq.top || q.sort_measure >= 0);
        free(expect);
        dg_cube_result_free(r);
        dg_cube_query_clear(&q);
    }
    cr_log_info("cube_sql: %zu cells compared, %zu rankings", checked_cells, ranked);
    cr_expect_gt(checked_cells, (size_t)iterations * 10);
    cr_expect_gt(ranked, (size_t)iterations / 10);
    check_cohorts(db, frame, DG_COHORT_BY_MONTH);
    check_cohorts(db, frame, DG_COHORT_BY_CHANNEL);
    check_cohorts(db, frame, DG_COHORT_BY_CATEGORY);
    sqlite3_close(db);
    dg_cube_free(cube);
    dg_frame_free(frame);
}

/* A new empty store in a temporary file; path receives its name. */
static dg_store *temp_store(char *path)
{
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    unlink(path);
    dg_store *store = NULL;
    cr_assert_eq(dg_store_open(&store, path, DG_STORE_CREATE, &err), 0, "%s", err.message);
    return store;
}

Test(cube_sql, random_queries_match_sqlite, .timeout = 120)
{
    char path[] = "/tmp/dangol-cube-sql-XXXXXX";
    dg_store *store = temp_store(path);
    populate(store);
    check_store(store, path, 300);
    dg_store_close(store);
    unlink(path);
}

/* The same property on the demo business (dg_demo_generate): its dictionaries (Korean regions,
 * sites, brands, customer types, income bands), its orders drawn from the BG/NBD process and its
 * order lines. */
Test(cube_sql, random_queries_match_sqlite_on_the_demo_store, .timeout = 120)
{
    char path[] = "/tmp/dangol-cube-demo-XXXXXX";
    dg_store *store = temp_store(path);
    dg_demo_options opt;
    dg_demo_options_init(&opt);
    opt.n_customers = 400;
    opt.seed = 7;
    dg_demo_output out = { .store = store };
    cr_assert_eq(dg_demo_generate(&out, &opt, NULL, NULL, NULL, &err), 0, "%s", err.message);
    check_store(store, path, 150);
    dg_store_close(store);
    unlink(path);
}
