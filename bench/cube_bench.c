/* Cube benchmark (BENCHMARKS.md, "Cube"): generates N orders over C customers as the frame lays
 * them out (CSR by customer; 3 years of days, 5 channels, 4 payment methods; 17 regions with
 * Seoul ~20 %, 7 age bands), builds the cube and times queries with 1 and 2 threads, then loads
 * the same rows into SQLite (in memory, a flat table and a normalised orders + customers pair) and
 * times the same GROUP BYs in the same run. Writes the rows as CSV for the DuckDB side
 * (bench/cube_duckdb.mjs). Deterministic (fixed xorshift seed).
 * usage: cube_bench N_ORDERS N_CUSTOMERS [CSV_PATH|-] [--no-sqlite] */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dangol/cube.h"
#include "dangol/text.h"

static uint64_t state = 0x2545F4914F6CDD1Dull;

static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* CPU time of the process (all threads), in ms: steadier than wall time on a shared machine. */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define RUNS 7

static const char *const regions[] = {
    "Seoul", "Busan", "Daegu", "Incheon", "Gwangju", "Daejeon", "Ulsan", "Sejong", "Gyeonggi",
    "Gangwon", "Chungbuk", "Chungnam", "Jeonbuk", "Jeonnam", "Gyeongbuk", "Gyeongnam", "Jeju",
};
static const char *const channels[] = { "store", "web", "app", "phone", "tv" };
static const char *const payments[] = { "card", "cash", "transfer", "points" };
static const char *const ages[] = { "0-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70+" };

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "cube_bench: %s: %s\n", what, msg);
    exit(1);
}

/* Median wall ms of RUNS runs of the cube query (median CPU ms into *cpu); the last result's
 * total revenue and cell count into *total and *cells. */
static double time_cube(const dg_cube *cube, const char *const *kv, int threads, int64_t *total,
                        size_t *cells, double *cpu)
{
    double ms[RUNS], cpus[RUNS];
    dg_error err;
    for (int run = 0; run < RUNS; run++) {
        dg_cube_query q;
        dg_cube_query_init(&q);
        for (size_t i = 0; kv[i]; i += 2)
            if (dg_cube_query_set(&q, cube, kv[i], kv[i + 1], &err))
                die("query", err.message);
        q.threads = threads;
        dg_cube_result *r = NULL;
        double t0 = now_ms(), c0 = cpu_ms();
        if (dg_cube_run(&r, cube, &q, &err))
            die("run", err.message);
        ms[run] = now_ms() - t0;
        cpus[run] = cpu_ms() - c0;
        *total = r->total_revenue_minor;
        *cells = r->n_cells;
        dg_cube_result_free(r);
        dg_cube_query_clear(&q);
    }
    qsort(ms, RUNS, sizeof ms[0], cmp_double);
    qsort(cpus, RUNS, sizeof cpus[0], cmp_double);
    *cpu = cpus[RUNS / 2];
    return ms[RUNS / 2];
}

/* Median wall ms of 3 runs of sql (median CPU ms into *cpu); the sum of the last column of the
 * rows into *total. */
static double time_sql(sqlite3 *db, const char *sql, int64_t *total, double *cpu)
{
    double ms[3], cpus[3];
    for (int run = 0; run < 3; run++) {
        sqlite3_stmt *st = NULL;
        double t0 = now_ms(), c0 = cpu_ms();
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
            die(sql, sqlite3_errmsg(db));
        int64_t sum = 0;
        while (sqlite3_step(st) == SQLITE_ROW)
            sum += sqlite3_column_int64(st, sqlite3_column_count(st) - 1);
        sqlite3_finalize(st);
        ms[run] = now_ms() - t0;
        cpus[run] = cpu_ms() - c0;
        *total = sum;
    }
    qsort(ms, 3, sizeof ms[0], cmp_double);
    qsort(cpus, 3, sizeof cpus[0], cmp_double);
    *cpu = cpus[1];
    return ms[1];
}

static void exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        die(sql, msg);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 3) {
        fprintf(stderr, "usage: cube_bench N_ORDERS N_CUSTOMERS [CSV_PATH|-] [--no-sqlite]\n");
        return 2;
    }
    size_t n_orders = strtoull(argv[1], NULL, 10), n_customers = strtoull(argv[2], NULL, 10);
    const char *csv_path = argc > 3 && strcmp(argv[3], "-") != 0 ? argv[3] : NULL;
    int with_sqlite = !(argc > 4 && strcmp(argv[4], "--no-sqlite") == 0);

    uint32_t *order_customer = malloc(n_orders * sizeof *order_customer);
    int32_t *order_day = malloc(n_orders * sizeof *order_day);
    int64_t *order_revenue = malloc(n_orders * sizeof *order_revenue);
    int32_t *order_units = malloc(n_orders * sizeof *order_units);
    uint32_t *order_channel = malloc(n_orders * sizeof *order_channel);
    uint32_t *order_payment = malloc(n_orders * sizeof *order_payment);
    uint32_t *customer_region = malloc(n_customers * sizeof *customer_region);
    uint32_t *customer_age = malloc(n_customers * sizeof *customer_age);
    if (!order_customer || !order_day || !order_revenue || !order_units || !order_channel ||
        !order_payment || !customer_region || !customer_age)
        die("generate", "out of memory");
    double t0 = now_ms();
    for (size_t c = 0; c < n_customers; c++) {
        uint64_t x = next() % 100;
        customer_region[c] = x < 20 ? 0 : 1 + (uint32_t)(next() % 16);
        customer_age[c] = (uint32_t)(next() % 7);
    }
    /* orders per customer: 1 + uniform 0..2m-2 (mean m = N / C), in customer order */
    int32_t first_day = dg_days_from_civil(2022, 1, 1);
    size_t mean = n_orders / n_customers, o = 0;
    for (size_t c = 0; c < n_customers && o < n_orders; c++) {
        size_t k = c + 1 == n_customers ? n_orders - o : 1 + next() % (2 * mean - 1);
        for (size_t i = 0; i < k && o < n_orders; i++, o++) {
            order_customer[o] = (uint32_t)c;
            order_day[o] = first_day + (int32_t)(next() % 1096);
            order_revenue[o] = 1000 + (int64_t)(next() % 200000);
            order_units[o] = 1 + (int32_t)(next() % 5);
            order_channel[o] = (uint32_t)(next() % 5);
            order_payment[o] = (uint32_t)(next() % 4);
        }
    }
    printf("generate_ms %.0f\n", now_ms() - t0);

    dg_cube_facts facts = {
        .n_customers = n_customers, .n_orders = n_orders, .order_customer = order_customer,
        .order_day = order_day, .order_revenue_minor = order_revenue, .order_units = order_units,
    };
    dg_cube *cube = NULL;
    dg_error err;
    t0 = now_ms();
    if (dg_cube_new(&cube, &facts, &err) ||
        dg_cube_add_dim(cube, "channel", NULL, DG_CUBE_KEY_ORDER, order_channel, 5, channels,
                        &err) ||
        dg_cube_add_dim(cube, "payment", NULL, DG_CUBE_KEY_ORDER, order_payment, 4, payments,
                        &err) ||
        dg_cube_add_dim(cube, "region", NULL, DG_CUBE_KEY_CUSTOMER, customer_region, 17, regions,
                        &err) ||
        dg_cube_add_dim(cube, "age", NULL, DG_CUBE_KEY_CUSTOMER, customer_age, 7, ages, &err))
        die("cube", err.message);
    printf("cube_build_ms %.0f\n", now_ms() - t0);
    /* the columns the cube reads per order, and its own per-customer index */
    double fact_bytes = (double)n_orders * (4 + 4 + 8 + 4 + 4 + 4) +
                        (double)n_customers * (4 + 4) + (double)(n_customers + 1) * 4;
    printf("bytes_per_order %.1f\n", fact_bytes / (double)n_orders);

    static const struct { const char *name; const char *const kv[12]; } queries[] = {
        { "month_x_channel_where_region", { "rows", "month", "cols", "channel", "where",
                                            "region=Seoul", NULL } },
        { "month_x_channel_all", { "rows", "month", "cols", "channel", NULL } },
        { "month_x_channel_rollup_where_region",
          { "rows", "month", "cols", "channel", "where", "region=Seoul", "totals", "rollup",
            NULL } },
        { "age_x_payment_where_year", { "rows", "age", "cols", "payment", "where", "year=2023",
                                        NULL } },
    };
    int64_t cube_total = 0;
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++)
        for (int threads = 1; threads <= 2; threads++) {
            int64_t total;
            size_t cells;
            double cpu, ms = time_cube(cube, queries[i].kv, threads, &total, &cells, &cpu);
            printf("cube %s threads=%d ms %.2f cpu_ms %.2f cells %zu revenue %lld\n",
                   queries[i].name, threads, ms, cpu, cells, (long long)total);
            if (i == 0)
                cube_total = total;
        }

    if (csv_path) {
        t0 = now_ms();
        FILE *out = fopen(csv_path, "w");
        if (!out)
            die(csv_path, "cannot write");
        fprintf(out, "customer,day,month,channel,payment,region,age,revenue,units\n");
        for (size_t i = 0; i < n_orders; i++) {
            int y, m, d;
            dg_civil_from_days(order_day[i], &y, &m, &d);
            uint32_t c = order_customer[i];
            fprintf(out, "%u,%d,%d,%u,%u,%u,%u,%lld,%d\n", c, order_day[i], y * 100 + m,
                    order_channel[i], order_payment[i], customer_region[c], customer_age[c],
                    (long long)order_revenue[i], order_units[i]);
        }
        fclose(out);
        printf("csv_ms %.0f\n", now_ms() - t0);
    }

    if (with_sqlite) {
        sqlite3 *db = NULL;
        if (sqlite3_open(":memory:", &db) != SQLITE_OK)
            die("sqlite", "cannot open");
        t0 = now_ms();
        exec(db, "CREATE TABLE flat (customer INTEGER, day INTEGER, month INTEGER, channel "
                 "INTEGER, payment INTEGER, region INTEGER, age INTEGER, revenue INTEGER, units "
                 "INTEGER); CREATE TABLE customers (id INTEGER PRIMARY KEY, region INTEGER, age "
                 "INTEGER); CREATE TABLE orders (customer INTEGER, day INTEGER, month INTEGER, "
                 "channel INTEGER, payment INTEGER, revenue INTEGER, units INTEGER); BEGIN");
        sqlite3_stmt *ins = NULL, *ins_o = NULL, *ins_c = NULL;
        sqlite3_prepare_v2(db, "INSERT INTO flat VALUES (?,?,?,?,?,?,?,?,?)", -1, &ins, NULL);
        sqlite3_prepare_v2(db, "INSERT INTO orders VALUES (?,?,?,?,?,?,?)", -1, &ins_o, NULL);
        sqlite3_prepare_v2(db, "INSERT INTO customers VALUES (?,?,?)", -1, &ins_c, NULL);
        for (size_t c = 0; c < n_customers; c++) {
            sqlite3_bind_int64(ins_c, 1, (sqlite3_int64)c);
            sqlite3_bind_int(ins_c, 2, (int)customer_region[c]);
            sqlite3_bind_int(ins_c, 3, (int)customer_age[c]);
            sqlite3_step(ins_c);
            sqlite3_reset(ins_c);
        }
        for (size_t i = 0; i < n_orders; i++) {
            int y, m, d;
            dg_civil_from_days(order_day[i], &y, &m, &d);
            uint32_t c = order_customer[i];
            sqlite3_bind_int(ins, 1, (int)c);
            sqlite3_bind_int(ins, 2, order_day[i]);
            sqlite3_bind_int(ins, 3, y * 100 + m);
            sqlite3_bind_int(ins, 4, (int)order_channel[i]);
            sqlite3_bind_int(ins, 5, (int)order_payment[i]);
            sqlite3_bind_int(ins, 6, (int)customer_region[c]);
            sqlite3_bind_int(ins, 7, (int)customer_age[c]);
            sqlite3_bind_int64(ins, 8, order_revenue[i]);
            sqlite3_bind_int(ins, 9, order_units[i]);
            sqlite3_step(ins);
            sqlite3_reset(ins);
            sqlite3_bind_int(ins_o, 1, (int)c);
            sqlite3_bind_int(ins_o, 2, order_day[i]);
            sqlite3_bind_int(ins_o, 3, y * 100 + m);
            sqlite3_bind_int(ins_o, 4, (int)order_channel[i]);
            sqlite3_bind_int(ins_o, 5, (int)order_payment[i]);
            sqlite3_bind_int64(ins_o, 6, order_revenue[i]);
            sqlite3_bind_int(ins_o, 7, order_units[i]);
            sqlite3_step(ins_o);
            sqlite3_reset(ins_o);
        }
        sqlite3_finalize(ins);
        sqlite3_finalize(ins_o);
        sqlite3_finalize(ins_c);
        exec(db, "COMMIT");
        printf("sqlite_load_ms %.0f\n", now_ms() - t0);
        static const struct { const char *name, *sql; } sql[] = {
            { "flat_month_x_channel_where_region",
              "SELECT month, channel, SUM(revenue) FROM flat WHERE region = 0 "
              "GROUP BY month, channel" },
            { "flat_all_measures_where_region",
              "SELECT month, channel, COUNT(*), COUNT(DISTINCT customer), SUM(units), "
              "SUM(revenue) FROM flat WHERE region = 0 GROUP BY month, channel" },
            { "join_month_x_channel_where_region",
              "SELECT o.month, o.channel, SUM(o.revenue) FROM orders o JOIN customers c ON "
              "c.id = o.customer WHERE c.region = 0 GROUP BY o.month, o.channel" },
            { "flat_month_x_channel_all",
              "SELECT month, channel, SUM(revenue) FROM flat GROUP BY month, channel" },
        };
        for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
            int64_t total;
            double cpu, ms = time_sql(db, sql[i].sql, &total, &cpu);
            printf("sqlite %s ms %.1f cpu_ms %.1f revenue %lld%s\n", sql[i].name, ms, cpu,
                   (long long)total, i != 3 && total != cube_total ? " MISMATCH" : "");
        }
        sqlite3_close(db);
    }
    dg_cube_free(cube);
    free(order_customer);
    free(order_day);
    free(order_revenue);
    free(order_units);
    free(order_channel);
    free(order_payment);
    free(customer_region);
    free(customer_age);
    return 0;
}
