/* The demo business's generating process (docs/demo.md states it in full, with its true
 * parameters). Staff and products come first from their own random streams; customers are then
 * generated in order of acquisition, each from its own stream (seed, customer number), so one
 * customer's draws never shift another's (ids and referrers still depend on earlier customers).
 * Purchases follow BG/NBD in continuous time (weeks) with Gamma-Gamma order values; everything
 * else (channels, lines, touchpoints, feedback, surveys, referrals) hangs off those draws and a
 * latent satisfaction that is tied to the dropout probability, so the analyses find signal.
 * This file: staff, products, acquisition dates and the driver; customer.c: each customer. */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/demo.h"
#include "dangol/rng.h"
#include "dangol/text.h"
#include "demo/gen.h"
#include "demo/tables.h"

/* Staff whose service is measurably different (docs/demo.md): index -> effect on ratings. */
static const struct { int index; double effect; } special_staff[] = {
    { 6, -1.2 },   /* ST007, sales associate, Seoul Myeongdong */
    { 43, -1.0 },  /* ST044, call-centre agent */
    { 13, 0.6 },   /* ST014, sales associate, Busan Seomyeon */
};

/* ---- shared helpers ---------------------------------------------------------------------- */

static double digamma(double x)
{
    double r = 0.0;
    while (x < 6.0) {
        r -= 1.0 / x;
        x += 1.0;
    }
    double f = 1.0 / (x * x);
    return r + log(x) - 0.5 / x - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252)));
}

static double trigamma(double x)
{
    double r = 0.0;
    while (x < 6.0) {
        r += 1.0 / (x * x);
        x += 1.0;
    }
    double f = 1.0 / (x * x);
    return r + 1.0 / x + f / 2.0 + f / x * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f / 30)));
}
void dg__demo_make_name(dg_rng *rng, int gender, int birth_year, char *out, size_t cap,
                        const char **family_roman, const char **given_roman)
{
    double w[64];
    const dg__demo_list *fam = &dg__demo_families;
    for (size_t i = 0; i < fam->n; i++)
        w[i] = fam->items[i].weight;
    size_t f = dg_rng_choose(rng, w, fam->n);
    int generation = birth_year < 1970 ? 0 : birth_year < 1990 ? 1 : 2;
    const dg__demo_list *given = &dg__demo_given[gender][generation];
    size_t g = dg_rng_below(rng, given->n);
    snprintf(out, cap, "%s%s", fam->items[f].hangul, given->items[g].hangul);
    if (family_roman)
        *family_roman = fam->items[f].roman;
    if (given_roman)
        *given_roman = given->items[g].roman;
}
/* ---- staff and products ----------------------------------------------------------------- */

static int emit_staff(gen *g)
{
    dg_rng rng;
    dg_rng_seed_stream(&rng, g->opt->seed, STAFF_STREAM);
    for (int i = 0; i < N_STAFF; i++) {
        staff_info *s = &g->staff[i];
        snprintf(s->id, sizeof s->id, "ST%03d", i + 1);
        if (i < FIRST_CALL) {
            int k = i % STAFF_PER_STORE;
            s->site = dg__demo_sites[i / STAFF_PER_STORE];
            s->role = k == 0 ? "store_manager" : k == 3 ? "cashier" : "sales_associate";
        } else if (i < FIRST_ONLINE) {
            s->site = "Call Centre";
            s->role = "call_agent";
        } else {
            s->site = "Online";
            s->role = "online_cs";
        }
        int gender = dg_rng_uniform(&rng) < 0.6 ? 0 : 1;
        int birth_year = g->as_of_year - 24 - (int)dg_rng_below(&rng, 30);
        dg__demo_make_name(&rng, gender, birth_year, s->name, sizeof s->name, NULL, NULL);
        s->hired_on = g->opt->as_of_day - 60 - (int32_t)dg_rng_below(&rng, 3000);
        s->effect = 0.15 * dg_rng_normal(&rng);
    }
    for (size_t k = 0; k < sizeof special_staff / sizeof special_staff[0]; k++)
        g->staff[special_staff[k].index].effect = special_staff[k].effect;
    for (int i = 0; i < N_STAFF; i++) {
        const staff_info *s = &g->staff[i];
        set_text(&g->row[0], s->id);
        set_text(&g->row[1], s->name);
        set_text(&g->row[2], s->role);
        set_text(&g->row[3], s->site);
        set_int(&g->row[4], s->hired_on);
        int rc = emit(g, g->staff_e);
        if (rc)
            return rc;
    }
    return 0;
}

static int emit_products(gen *g)
{
    dg_rng rng;
    dg_rng_seed_stream(&rng, g->opt->seed, PRODUCT_STREAM);
    size_t n = 0;
    for (size_t c = 0; c < dg__demo_n_categories; c++)
        for (const char *const *b = dg__demo_categories[c].brands; *b; b++)
            for (const char *const *noun = dg__demo_categories[c].nouns; *noun; noun++)
                n++;
    g->products = calloc(n, sizeof *g->products);
    if (!g->products)
        return DG_ENOMEM;
    size_t n_variants = 0;
    while (dg__demo_variants[n_variants])
        n_variants++;
    for (size_t c = 0; c < dg__demo_n_categories; c++) {
        const dg__demo_category *cat = &dg__demo_categories[c];
        g->cat_first[c] = g->n_products;
        for (const char *const *b = cat->brands; *b; b++) {
            for (const char *const *noun = cat->nouns; *noun; noun++) {
                product_info *p = &g->products[g->n_products++];
                snprintf(p->id, sizeof p->id, "PR%04zu", g->n_products);
                p->category = (int)c;
                p->brand = *b;
                p->private_label = strcmp(*b, DG__DEMO_PRIVATE_LABEL) == 0;
                snprintf(p->name, sizeof p->name, "%s %s%s", *b, *noun,
                         dg__demo_variants[dg_rng_below(&rng, n_variants)]);
                double price = cat->median_price * exp(0.35 * dg_rng_normal(&rng));
                if (p->private_label)
                    price *= 0.7;
                int64_t thousands = (int64_t)ceil(price / 1000.0);
                p->price = thousands * 1000 - (dg_rng_uniform(&rng) < 0.6 ? 100 : 0);
                if (p->price < 900)
                    p->price = 900;
            }
        }
        g->cat_count[c] = g->n_products - g->cat_first[c];
    }
    for (size_t i = 0; i < g->n_products; i++) {
        const product_info *p = &g->products[i];
        set_text(&g->row[0], p->id);
        set_text(&g->row[1], p->name);
        set_text(&g->row[2], dg__demo_categories[p->category].name);
        set_text(&g->row[3], p->brand);
        set_int(&g->row[4], p->private_label);
        set_int(&g->row[5], p->price);
        /* unit cost: the category's share of the list price, to the 10 won */
        set_int(&g->row[6], (int64_t)llround((double)p->price *
                                             dg__demo_category_cost_share[p->category] / 10.0) * 10);
        int rc = emit(g, g->product_e);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- acquisition dates -------------------------------------------------------------------- */

/* Relative intake on each of the DG_DEMO_ACQUISITION_DAYS days up to as-of: a growing business
 * (x0.75 -> x1.25), busier in November-January, and at weekends. */
static double intake_weight(int32_t day, int k)
{
    int y, m, d;
    dg_civil_from_days(day, &y, &m, &d);
    double w = 0.75 + 0.5 * k / (DG_DEMO_ACQUISITION_DAYS - 1.0);
    if (m == 12)
        w *= 1.3;
    else if (m == 11 || m == 1)
        w *= 1.12;
    int weekday = (int)(((int64_t)day % 7 + 7 + 4) % 7);   /* 0 = Sunday; 1970-01-01 was a Thursday */
    if (weekday == 0 || weekday == 6)
        w *= 1.3;
    return w;
}

static int acquisition_dates(gen *g)
{
    const int n_days = DG_DEMO_ACQUISITION_DAYS;
    double cum[DG_DEMO_ACQUISITION_DAYS];
    int64_t count[DG_DEMO_ACQUISITION_DAYS] = { 0 };
    int32_t first = g->opt->as_of_day - (n_days - 1);
    double total = 0.0;
    for (int k = 0; k < n_days; k++) {
        total += intake_weight(first + k, k);
        cum[k] = total;
    }
    g->acquired_on = malloc((size_t)g->opt->n_customers * sizeof *g->acquired_on);
    if (!g->acquired_on)
        return DG_ENOMEM;
    dg_rng rng;
    dg_rng_seed_stream(&rng, g->opt->seed, ACQUISITION_STREAM);
    for (int64_t i = 0; i < g->opt->n_customers; i++) {
        double x = dg_rng_uniform(&rng) * total;
        int lo = 0, hi = n_days - 1;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (cum[mid] > x)
                hi = mid;
            else
                lo = mid + 1;
        }
        count[lo]++;
    }
    int64_t i = 0;
    for (int k = 0; k < n_days; k++)
        for (int64_t c = 0; c < count[k]; c++)
            g->acquired_on[i++] = first + k;
    return 0;
}
/* ---- marketing spend --------------------------------------------------------------------- */

/* Month number (year * 12 + month - 1) of a day. */
static int32_t month_number(int32_t day)
{
    int y, m, d;
    dg_civil_from_days(day, &y, &m, &d);
    return y * 12 + m - 1;
}

void dg__demo_count_acquisition(gen *g, int channel, int32_t acquired_on)
{
    int32_t k = month_number(acquired_on) - g->first_spend_month;
    assert(channel >= 0 && channel < DG__N_ACQUISITION && k >= 0 && k < DEMO_SPEND_MONTHS);
    g->acquired_by_channel[channel][k]++;
}

/* One spend row per acquisition channel and month of the acquisition window: the channel's true
 * cost per new customer (dg__demo_true_cac) times the customers it brought that month, with a
 * log-normal month-to-month wobble (sd 0.15), to the 1,000 won. */
static int emit_marketing_spend(gen *g)
{
    dg_rng rng;
    dg_rng_seed_stream(&rng, g->opt->seed, MARKETING_STREAM);
    int32_t last = month_number(g->opt->as_of_day) - g->first_spend_month;
    int order[DG__N_ACQUISITION];   /* channels by code, the store's key order (an export
                                       of the rows gives the same file) */
    for (int i = 0; i < DG__N_ACQUISITION; i++) {
        int j = i;
        while (j > 0 && strcmp(dg__demo_acquisition_channel(order[j - 1]),
                               dg__demo_acquisition_channel(i)) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    for (int o = 0; o < DG__N_ACQUISITION; o++)
        for (int32_t k = 0, ch = order[o]; k <= last && k < DEMO_SPEND_MONTHS; k++) {
            int32_t month = g->first_spend_month + k;
            double spend = (double)g->acquired_by_channel[ch][k] * dg__demo_true_cac[ch] *
                           exp(0.15 * dg_rng_normal(&rng));
            set_text(&g->row[0], dg__demo_acquisition_channel(ch));
            set_int(&g->row[1], dg_days_from_civil(month / 12, month % 12 + 1, 1));
            set_int(&g->row[2], llround(spend / 1000.0) * 1000);
            set_null(&g->row[3]);
            int rc = emit(g, g->spend_e);
            if (rc)
                return rc;
        }
    return 0;
}

/* ---- driver ------------------------------------------------------------------------------ */

void dg_demo_options_init(dg_demo_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->n_customers = 20000;
    opt->seed = 1;
    opt->as_of_day = dg_days_from_civil(2025, 12, 31);
    opt->order_lines = true;
}

/* The generator writes rows by column position: check the catalog still has those columns. */
static int check_catalog(gen *g, dg_error *err)
{
    static const struct { const char *entity; size_t n; const char *cols[20]; } expect[] = {
        { "staff", 5, { "staff_id", "name", "role", "site", "hired_on" } },
        { "customers", 19, { "customer_id", "name", "phone", "email", "birth_year", "gender",
          "household_size", "income_band", "education", "occupation", "region",
          "acquisition_channel", "acquired_on", "staff_id", "customer_type", "credit_band",
          "consent_email", "consent_sms", "consent_phone" } },
        { "products", 7, { "product_id", "name", "category", "brand", "private_label", "price",
          "unit_cost" } },
        { "orders", 10, { "order_id", "customer_id", "ordered_at", "channel", "payment_method",
          "card_used", "staff_id", "site", "units", "total" } },
        { "order_lines", 6, { "order_id", "line_no", "product_id", "quantity", "unit_price", "amount" } },
        { "feedback", 9, { "feedback_id", "customer_id", "received_at", "channel", "kind", "text",
          "rating", "status", "staff_id" } },
        { "surveys", 15, { "response_id", "customer_id", "answered_on", "nps", "csat",
          "repurchase_intent", "recommend_intent", "benefit_functional", "benefit_emotional",
          "benefit_social", "cost_money", "cost_time", "cost_effort", "cost_psychological",
          "touchpoint" } },
        { "interactions", 8, { "interaction_id", "customer_id", "occurred_at", "touchpoint", "kind",
          "staff_id", "rating", "note" } },
        { "referrals", 3, { "referrer_id", "referred_id", "referred_on" } },
        { "partner_activities", 5, { "activity_id", "customer_id", "activity", "occurred_on", "note" } },
        { "marketing_spend", 4, { "acquisition_channel", "month", "amount", "note" } },
        { "staff_surveys", 8, { "response_id", "item", "site", "staff_id", "answered_on", "score",
          "scale_min", "scale_max" } },
    };
    const dg_entity **slots[] = { &g->staff_e, &g->customer_e, &g->product_e, &g->order_e,
        &g->line_e, &g->feedback_e, &g->survey_e, &g->interaction_e, &g->referral_e, &g->partner_e,
        &g->spend_e, &g->staff_survey_e };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        const dg_entity *e = dg_entity_find(expect[i].entity);
        bool ok = e && e->n_columns == expect[i].n;
        for (size_t k = 0; ok && k < expect[i].n; k++)
            ok = strcmp(e->columns[k].name, expect[i].cols[k]) == 0;
        if (!ok)
            return dg_error_set(err, DG_EUNSUPPORTED,
                                "the demo generator does not know the current columns of %s; "
                                "update src/demo/demo.c", expect[i].entity);
        *slots[i] = e;
    }
    return 0;
}

int dg_demo_run(const dg_demo_options *opt, dg_demo_row_fn row_fn, void *row_ctx,
                dg_progress_fn progress, void *progress_ctx, dg_error *err)
{
    if (opt->n_customers < 1 || opt->n_customers > DG_DEMO_MAX_CUSTOMERS)
        return dg_error_set(err, DG_ERANGE, "the number of customers must be 1..%d, not %lld",
                            DG_DEMO_MAX_CUSTOMERS, (long long)opt->n_customers);
    if (opt->as_of_day < dg_days_from_civil(2000, 1, 1) ||
        opt->as_of_day > dg_days_from_civil(2100, 12, 31))
        return dg_error_set(err, DG_ERANGE, "the as-of date must be between 2000-01-01 and 2100-12-31");
    gen *g = calloc(1, sizeof *g);
    if (!g)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    int rc = check_catalog(g, err);
    if (rc)
        goto cleanup;
    g->opt = opt;
    g->emit = row_fn;
    g->ctx = row_ctx;
    int m, d;
    dg_civil_from_days(opt->as_of_day, &g->as_of_year, &m, &d);
    /* Moments used to standardise the latent draws: log of a Gamma(r, alpha) variate has mean
     * psi(r) - log(alpha) and variance psi'(r); Beta(a, b) has the usual mean and variance. */
    const double r = DG_DEMO_TRUE_R, a = DG_DEMO_TRUE_A, b = DG_DEMO_TRUE_B;
    g->loglam_mean = digamma(r) - log(DG_DEMO_TRUE_ALPHA);
    g->loglam_sd = sqrt(trigamma(r));
    g->p_mean = a / (a + b);
    g->p_sd = sqrt(a * b / ((a + b) * (a + b) * (a + b + 1.0)));
    g->lognu_mean = digamma(DG_DEMO_TRUE_GG_Q) - log(DG_DEMO_TRUE_GG_GAMMA);
    g->lognu_sd = sqrt(trigamma(DG_DEMO_TRUE_GG_Q));
    size_t n = (size_t)opt->n_customers;
    g->loyal = malloc(n * sizeof *g->loyal);
    g->buyers = malloc(n * sizeof *g->buyers);
    if (!g->loyal || !g->buyers) {
        rc = DG_ENOMEM;
        goto cleanup;
    }
    g->first_spend_month = month_number(opt->as_of_day - (DG_DEMO_ACQUISITION_DAYS - 1));
    if ((rc = emit_staff(g)) || (rc = emit_products(g)) || (rc = acquisition_dates(g)))
        goto cleanup;
    for (size_t i = 0; i < n; i++) {
        if ((rc = dg__demo_customer(g, i)))
            goto cleanup;
        if (progress && ((i + 1) % 1024 == 0 || i + 1 == n))
            progress(progress_ctx, (double)(i + 1) / (double)n, (int64_t)(i + 1));
    }
    rc = emit_marketing_spend(g);
    if (rc == 0 && opt->staff_surveys)
        rc = dg__demo_staff_surveys(g);
cleanup:
    if (rc == DG_ENOMEM)
        dg_error_set(err, DG_ENOMEM, "out of memory generating the demo data");
    free(g->products);
    free(g->acquired_on);
    free(g->loyal);
    free(g->buyers);
    free(g);
    return rc;
}
