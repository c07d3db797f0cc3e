/* The demo generator: determinism (same seed, same bytes; other seed, other data), valid
 * references (everything goes through the store, which checks them), store counts that match,
 * CSV files that import back and export identically, and a generating process whose observable
 * summaries match its documented true parameters (BG/NBD zero-repeat share, Gamma-Gamma mean
 * spend, prospects, worse touchpoints and staff). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dangol/demo.h"
#include "dangol/ingest.h"
#include "dangol/store.h"

/* FNV-1a over every value of every row, per entity. */
typedef struct hasher {
    uint64_t h[DG_DEMO_MAX_ENTITIES];
} hasher;

static void fnv(uint64_t *h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++)
        *h = (*h ^ p[i]) * 0x100000001b3u;
}

static int hash_row(void *ctx, const dg_entity *e, const dg_value *row)
{
    hasher *hs = ctx;
    size_t n, slot = 0;
    const dg_entity *const *all = dg_entity_all(&n);
    while (all[slot] != e)
        slot++;
    uint64_t *h = &hs->h[slot];
    for (size_t c = 0; c < e->n_columns; c++) {
        fnv(h, &row[c].is_null, 1);
        if (row[c].is_null)
            continue;
        if (e->columns[c].type == DG_TYPE_TEXT || e->columns[c].type == DG_TYPE_ENUM)
            fnv(h, row[c].u.s, strlen(row[c].u.s) + 1);
        else
            fnv(h, &row[c].u.i, sizeof row[c].u.i);
    }
    return 0;
}

static hasher run_hash(uint64_t seed, int64_t n_customers, bool lines)
{
    dg_demo_options opt;
    dg_demo_options_init(&opt);
    opt.seed = seed;
    opt.n_customers = n_customers;
    opt.order_lines = lines;
    hasher hs;
    for (int i = 0; i < DG_DEMO_MAX_ENTITIES; i++)
        hs.h[i] = 0xcbf29ce484222325u;
    dg_error err;
    cr_assert_eq(dg_demo_run(&opt, hash_row, &hs, NULL, NULL, &err), 0, "%s", err.message);
    return hs;
}

Test(demo, same_seed_same_rows_other_seed_other_rows)
{
    hasher a = run_hash(5, 400, true), b = run_hash(5, 400, true), c = run_hash(6, 400, true);
    size_t n;
    const dg_entity *const *all = dg_entity_all(&n);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(a.h[i], b.h[i], "%s differs between two runs of seed 5", all[i]->name);
        /* the retailer has no staff or products of chance, no MOT visits (the clinic's) and
         * no staff surveys unless asked */
        if (strcmp(all[i]->name, "staff") != 0 && strcmp(all[i]->name, "products") != 0 &&
            strncmp(all[i]->name, "mot_", 4) != 0 && strcmp(all[i]->name, "staff_surveys") != 0)
            cr_assert_neq(a.h[i], c.h[i], "%s is the same for seeds 5 and 6", all[i]->name);
    }
}

Test(demo, order_lines_are_optional_and_change_nothing_else)
{
    hasher a = run_hash(3, 300, true), b = run_hash(3, 300, false);
    size_t n;
    const dg_entity *const *all = dg_entity_all(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(all[i]->name, "order_lines") == 0)
            cr_assert_neq(a.h[i], b.h[i]);
        else
            cr_assert_eq(a.h[i], b.h[i], "%s changed without order lines", all[i]->name);
}

static void count_progress(void *ctx, double fraction, int64_t done)
{
    int64_t *seen = ctx;
    cr_assert_gt(done, seen[0]);
    cr_assert_float_eq(fraction, (double)done / 2500, 1e-12);
    seen[0] = done;
    seen[1]++;
}

Test(demo, reports_progress_up_to_the_total)
{
    dg_demo_options opt;
    dg_demo_options_init(&opt);
    opt.n_customers = 2500;
    int64_t seen[2] = { 0, 0 };
    hasher hs;
    dg_error err;
    cr_assert_eq(dg_demo_run(&opt, hash_row, &hs, count_progress, seen, &err), 0);
    cr_assert_eq(seen[0], 2500);
    cr_assert_eq(seen[1], 3);   /* at 1024, 2048 and 2500 */
}

Test(demo, rejects_bad_options)
{
    dg_demo_options opt;
    dg_demo_options_init(&opt);
    dg_error err;
    hasher hs;
    opt.n_customers = 0;
    cr_assert_eq(dg_demo_run(&opt, hash_row, &hs, NULL, NULL, &err), DG_ERANGE);
    dg_demo_options_init(&opt);
    opt.as_of_day = 0;
    cr_assert_eq(dg_demo_run(&opt, hash_row, &hs, NULL, NULL, &err), DG_ERANGE);
    dg_demo_output none = { 0 };
    dg_demo_options_init(&opt);
    cr_assert_eq(dg_demo_generate(&none, &opt, NULL, NULL, NULL, &err), DG_EINVAL);
}

static char *temp_dir(void)
{
    char *dir = strdup("/tmp/dangol-demo-test.XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    return dir;
}

static void remove_dir(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    cr_assert_eq(fread(buf, 1, (size_t)size, f), (size_t)size);
    buf[size] = '\0';
    fclose(f);
    *len = (size_t)size;
    return buf;
}

Test(demo, store_counts_match_and_csv_imports_back_identically)
{
    char *dir = temp_dir(), path[512], csv_a[512], csv_b[512];
    dg_error err;
    dg_demo_options opt;
    dg_demo_options_init(&opt);
    opt.n_customers = 300;
    opt.seed = 11;
    opt.staff_surveys = true;   /* so the staff surveys go through the import too */

    /* Store + CSV in one go: every row passes the store's reference checks. */
    snprintf(path, sizeof path, "%s/demo.db", dir);
    snprintf(csv_a, sizeof csv_a, "%s/a", dir);
    dg_store *store;
    cr_assert_eq(dg_store_open(&store, path, DG_STORE_CREATE, &err), 0, "%s", err.message);
    dg_demo_output out = { .store = store, .csv_dir = csv_a };
    dg_demo_counts counts;
    cr_assert_eq(dg_demo_generate(&out, &opt, NULL, NULL, &counts, &err), 0, "%s", err.message);
    size_t n;
    const dg_entity *const *all = dg_entity_all(&n);
    dg_entity_stats stats[DG_DEMO_MAX_ENTITIES];
    cr_assert_eq(dg_store_stats(store, stats, &err), 0);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(stats[i].count, counts.rows[i], "%s", all[i]->name);
        if (strncmp(all[i]->name, "mot_", 4) != 0)   /* MOT visits: the clinic's only */
            cr_assert_gt(counts.rows[i], 0, "no %s generated", all[i]->name);
    }
    cr_assert_eq(counts.rows[1], 300);
    char code[4];
    int digits;
    cr_assert_eq(dg_store_currency(store, code, &digits, &err), 0);
    cr_assert_str_eq(code, "KRW");
    /* A second demo into the same store is refused and changes nothing. */
    cr_assert_eq(dg_demo_generate(&out, &opt, NULL, NULL, NULL, &err), DG_EEXIST);
    dg_store_close(store);

    /* CSV only gives the same bytes. */
    snprintf(csv_b, sizeof csv_b, "%s/b", dir);
    dg_demo_output csv_only = { .csv_dir = csv_b };
    cr_assert_eq(dg_demo_generate(&csv_only, &opt, NULL, NULL, NULL, &err), 0, "%s", err.message);

    /* Every file imports into a fresh store, and exports back as the same bytes (referrals
     * export in key order, so only their counts are compared). */
    snprintf(path, sizeof path, "%s/imported.db", dir);
    cr_assert_eq(dg_store_open(&store, path, DG_STORE_CREATE, &err), 0, "%s", err.message);
    for (size_t i = 0; i < n; i++) {
        char file_a[600], file_b[600];
        snprintf(file_a, sizeof file_a, "%s/%s.csv", csv_a, all[i]->name);
        snprintf(file_b, sizeof file_b, "%s/%s.csv", csv_b, all[i]->name);
        size_t len_a, len_b;
        char *a = slurp(file_a, &len_a), *b = slurp(file_b, &len_b);
        cr_assert(len_a == len_b && memcmp(a, b, len_a) == 0, "%s.csv differs", all[i]->name);
        dg_import_report report;
        int rc = dg_import_file(store, all[i], file_a, NULL, &report, &err);
        cr_assert_eq(rc, 0, "%s: %s", all[i]->name, err.message);
        cr_assert_eq(report.rows_imported, counts.rows[i], "%s", all[i]->name);
        dg_import_report_clear(&report);
        if (strcmp(all[i]->name, "referrals") != 0) {
            char *exported = NULL;
            size_t len_e = 0;
            FILE *mem = open_memstream(&exported, &len_e);
            cr_assert_eq(dg_export(store, all[i], DG_EXPORT_CSV, mem, "memory", &err), 0, "%s", err.message);
            fclose(mem);
            cr_assert(len_e == len_a && memcmp(exported, a, len_a) == 0,
                      "export of %s differs from the demo CSV", all[i]->name);
            free(exported);
        }
        free(a);
        free(b);
    }
    dg_store_close(store);
    remove_dir(dir);
    free(dir);
}

Test(demo, refuses_a_store_in_another_currency)
{
    char *dir = temp_dir(), path[512];
    snprintf(path, sizeof path, "%s/usd.db", dir);
    dg_error err;
    dg_store *store;
    cr_assert_eq(dg_store_open(&store, path, DG_STORE_CREATE, &err), 0);
    cr_assert_eq(dg_store_setting_set(store, "currency", "USD", &err), 0);
    dg_demo_options opt;
    dg_demo_options_init(&opt);
    opt.n_customers = 10;
    dg_demo_output out = { .store = store };
    cr_assert_eq(dg_demo_generate(&out, &opt, NULL, NULL, NULL, &err), DG_EINVAL);
    cr_assert(strstr(err.message, "KRW"), "%s", err.message);
    dg_store_close(store);
    remove_dir(dir);
    free(dir);
}

/* Per-customer summaries collected from the rows, for the statistical checks. */
typedef struct summary {
    int32_t as_of;
    int64_t customers, buyers, zero_repeat;
    double expected_zero_repeat, var_zero_repeat;
    double expected_non_buyers, var_non_buyers;  /* prospects and not yet converted */
    double sum_customer_mean_spend;
    /* the customer whose orders are being read */
    char current[16];
    int64_t n_orders, first_ts, spend;
    double rating_sum[2], rating_n[2];    /* delivery vs store_staff */
    double staff_sum[2], staff_n[2];      /* ST007 vs every other store staff member */
    int64_t texts, latin_texts;           /* feedback, notes and product names; with a-z in them */
} summary;

/* Counts a text a customer or the shop wrote, and whether it holds Latin letters (English or
 * romanised words: the demo's texts are Korean). */
static void count_text(summary *s, const dg_value *v)
{
    if (v->is_null)
        return;
    s->texts++;
    for (const char *p = v->u.s; *p; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
            s->latin_texts++;
            return;
        }
}

static void close_customer(summary *s)
{
    if (s->n_orders == 0)
        return;
    /* BG/NBD: P(X(T) = 0) = (alpha / (alpha + T))^r (Fader, Hardie & Lee 2005, eq. (8) at x = 0). */
    double T = ((double)(s->as_of + 1) * 86400.0 - (double)s->first_ts) / 604800.0;
    double p0 = pow(DG_DEMO_TRUE_ALPHA / (DG_DEMO_TRUE_ALPHA + T), DG_DEMO_TRUE_R);
    s->buyers++;
    s->expected_zero_repeat += p0;
    s->var_zero_repeat += p0 * (1 - p0);
    s->zero_repeat += s->n_orders == 1;
    s->sum_customer_mean_spend += (double)s->spend / (double)s->n_orders;
    s->n_orders = 0;
}

static int summarise(void *ctx, const dg_entity *e, const dg_value *row)
{
    summary *s = ctx;
    if (strcmp(e->name, "customers") == 0) {
        close_customer(s);
        s->customers++;
        /* P(no order by the as-of day) = prospect, or a delayed first purchase (1 + floor(E)
         * days, E exponential) later than the as-of day: P(E >= as_of - acquired_on). */
        double days_left = (double)(s->as_of - row[12].u.i);
        double q = DG_DEMO_PROSPECT_SHARE + (1 - DG_DEMO_PROSPECT_SHARE) *
                   (1 - DG_DEMO_SAME_DAY_SHARE) * exp(-days_left / DG_DEMO_FIRST_DELAY_DAYS);
        s->expected_non_buyers += q;
        s->var_non_buyers += q * (1 - q);
    } else if (strcmp(e->name, "orders") == 0) {
        if (s->n_orders == 0) {
            s->first_ts = row[2].u.i;
            s->spend = 0;
        }
        s->n_orders++;
        s->spend += row[9].u.i;
    } else if (strcmp(e->name, "feedback") == 0) {
        count_text(s, &row[5]);
    } else if (strcmp(e->name, "products") == 0 || strcmp(e->name, "partner_activities") == 0) {
        count_text(s, &row[strcmp(e->name, "products") == 0 ? 1 : 4]);
    } else if (strcmp(e->name, "interactions") == 0) {
        count_text(s, &row[7]);
        const char *tp = row[3].u.s;
        int k = strcmp(tp, "delivery") == 0 ? 0 : strcmp(tp, "store_staff") == 0 ? 1 : -1;
        if (k >= 0) {
            s->rating_sum[k] += (double)row[6].u.i;
            s->rating_n[k]++;
        }
        if (!row[5].is_null && strcmp(tp, "store_staff") == 0) {
            int j = strcmp(row[5].u.s, "ST007") == 0 ? 0 : 1;
            s->staff_sum[j] += (double)row[6].u.i;
            s->staff_n[j]++;
        }
    }
    return 0;
}

Test(demo, the_generating_process_matches_its_true_parameters)
{
    dg_demo_options opt;
    dg_demo_options_init(&opt);
    opt.n_customers = 6000;
    opt.seed = 2024;
    opt.order_lines = false;
    summary s = { .as_of = opt.as_of_day };
    dg_error err;
    cr_assert_eq(dg_demo_run(&opt, summarise, &s, NULL, NULL, &err), 0, "%s", err.message);
    close_customer(&s);
    cr_assert_eq(s.customers, opt.n_customers);

    /* Customers without an order: the prospects (8% never buy) and the buyers whose delayed
     * first purchase is still to come, as each customer's acquisition day implies (4 sd). */
    double non_buyers = (double)(s.customers - s.buyers);
    double z_nb = (non_buyers - s.expected_non_buyers) / sqrt(s.var_non_buyers);
    cr_expect_leq(fabs(z_nb), 4.0, "customers without orders %.0f, expected %.1f (z = %.2f)",
                  non_buyers, s.expected_non_buyers, z_nb);

    /* Buyers without a repeat purchase: the count implied by r, alpha and each buyer's T. */
    double z = ((double)s.zero_repeat - s.expected_zero_repeat) / sqrt(s.var_zero_repeat);
    cr_expect_leq(fabs(z), 4.0, "zero-repeat buyers %lld, expected %.1f (z = %.2f)",
                  (long long)s.zero_repeat, s.expected_zero_repeat, z);

    /* Gamma-Gamma: E[mean order value] = p gamma / (q - 1) = 30,000 KRW; the spread of the
     * per-customer means is about 22,000, so the average over ~5,500 buyers is within ~1,500. */
    double expected = DG_DEMO_TRUE_GG_P * DG_DEMO_TRUE_GG_GAMMA / (DG_DEMO_TRUE_GG_Q - 1.0);
    double mean_spend = s.sum_customer_mean_spend / (double)s.buyers;
    cr_expect_leq(fabs(mean_spend - expected), 1500.0, "mean spend %.0f, expected %.0f",
                  mean_spend, expected);

    /* Feedback, touchpoint notes, partner notes and product names are all Korean. */
    cr_expect_gt(s.texts, 1000);
    cr_expect_eq(s.latin_texts, 0, "%lld of %lld texts hold Latin letters", (long long)s.latin_texts,
                 (long long)s.texts);

    /* The moments of truth that are worse by construction show up as worse. */
    double delivery = s.rating_sum[0] / s.rating_n[0], staff = s.rating_sum[1] / s.rating_n[1];
    cr_expect_lt(delivery + 0.5, staff, "delivery %.2f vs store staff %.2f", delivery, staff);
    double weak = s.staff_sum[0] / s.staff_n[0], others = s.staff_sum[1] / s.staff_n[1];
    cr_expect_lt(weak + 0.5, others, "ST007 %.2f vs other staff %.2f", weak, others);
}
