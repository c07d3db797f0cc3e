/* Lookalike prospects (include/dangol/lookalike.h): the attribute columns, the held-out
 * validation and the final model. Every attribute value is one 0/1 column and a customer has at
 * most six nonzero columns, so liblinear gets sparse rows (no standardisation: the columns are
 * indicators on one scale already) and the memory is O(rows x 6), whatever the number of values;
 * a score is the intercept plus the coefficients of the customer's values through the logistic
 * function. Values no learner has, or every learner has, carry no information and are left out. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linear.h>

#include "dangol/lookalike.h"
#include "dangol/rng.h"

enum { A_REGION, A_AGE, A_GENDER, A_INCOME, A_CHANNEL, A_TYPE, N_ATTR };
#define N_AGE_BANDS 7

static const char *const attr_names[N_ATTR] = { "region", "age_band", "gender", "income_band",
                                                "acquisition_channel", "customer_type" };
static const char *const age_bands[N_AGE_BANDS + 1] = { "", "0-19", "20-29", "30-39", "40-49",
                                                        "50-59", "60-69", "70+" };

void dg_lookalike_options_init(dg_lookalike_options *opt)
{
    opt->holdout_share = 0.3;
    opt->seed = 1;
    opt->cost = 1.0;
}

/* Code 1..7 of the age band, 0 unknown. */
static uint32_t age_code(int32_t birth_year, int as_of_year)
{
    if (birth_year <= 0 || birth_year > as_of_year)
        return 0;
    int age = as_of_year - birth_year;
    return age < 20 ? 1 : age >= 70 ? N_AGE_BANDS : (uint32_t)(age / 10 + 1);
}

const char *dg_lookalike_age_band(int32_t birth_year, int as_of_year)
{
    return age_bands[age_code(birth_year, as_of_year)];
}

/* The customers' codes for each attribute and the number of codes. */
typedef struct attr_codes {
    const uint32_t *code[N_ATTR];
    uint32_t *age;
    size_t n_codes[N_ATTR];
    const dg_dict *dict[N_ATTR];
} attr_codes;

static int attr_codes_init(attr_codes *a, const dg_frame *f, dg_error *err)
{
    memset(a, 0, sizeof *a);
    int year, month, day;
    dg_civil_from_days(f->as_of, &year, &month, &day);
    if (!(a->age = malloc((f->n_customers ? f->n_customers : 1) * sizeof *a->age)))
        return dg_error_set(err, DG_ENOMEM, "out of memory for the age bands");
    for (size_t c = 0; c < f->n_customers; c++)
        a->age[c] = age_code(f->birth_year[c], year);
    const dg_dict *dicts[N_ATTR] = { &f->regions, NULL, &f->genders, &f->income_bands,
                                     &f->channels, &f->customer_types };
    const uint32_t *codes[N_ATTR] = { f->region, a->age, f->gender, f->income_band,
                                      f->acquisition_channel, f->customer_type };
    for (int k = 0; k < N_ATTR; k++) {
        a->dict[k] = dicts[k];
        a->code[k] = codes[k];
        a->n_codes[k] = dicts[k] ? dicts[k]->n : N_AGE_BANDS + 1;
    }
    return 0;
}

static const char *value_text(const attr_codes *a, int k, uint32_t code)
{
    return a->dict[k] ? dg_dict_value(a->dict[k], code) : age_bands[code];
}

/* Held out: a splitmix64 hash of (seed, customer) below the share; customer is the number of
 * the customer among those in the frame (a window's later customers are not counted), so a
 * window splits as the frame cut to its day does. */
static bool held_out(uint64_t seed, size_t customer, double share)
{
    uint64_t state = seed * 0x9E3779B97F4A7C15ull + (uint64_t)customer;
    return (double)(dg_splitmix64(&state) >> 11) * 0x1.0p-53 < share;
}

static void quiet(const char *text)
{
    (void)text;
}

/* The design: column[k][code] = the column of an attribute value (-1: left out). */
typedef struct design {
    attr_codes a;
    int *column[N_ATTR];
    size_t p;
} design;

static void design_clear(design *d)
{
    free(d->a.age);
    for (int k = 0; k < N_ATTR; k++)
        free(d->column[k]);
}

/* Picks the columns: values held by some but not all learners. Names every attribute without
 * data in a note. */
static int design_build(design *d, dg_lookalike *m, const dg_frame *f, const uint8_t *learn,
                        dg_error *err)
{
    memset(d, 0, sizeof *d);
    int rc = attr_codes_init(&d->a, f, err);
    size_t *count = NULL, n_learn = m->n_learn;
    for (int k = 0; rc == 0 && k < N_ATTR; k++) {
        size_t nc = d->a.n_codes[k];
        free(count);
        d->column[k] = malloc(nc * sizeof *d->column[k]);
        count = calloc(nc, sizeof *count);
        if (!d->column[k] || !count) {
            rc = dg_error_set(err, DG_ENOMEM, "out of memory for the lookalike columns");
            break;
        }
        for (size_t c = 0; c < f->n_customers; c++)
            if (learn[c])
                count[d->a.code[k][c]]++;
        size_t kept = 0;
        for (size_t v = 0; v < nc; v++) {
            bool informative = v > 0 && count[v] > 0 && count[v] < n_learn;
            d->column[k][v] = informative ? (int)d->p++ : -1;
            kept += informative;
        }
        char note[200];
        if (count[0] == n_learn)
            snprintf(note, sizeof note, "%s: no buyer has one in the data; left out",
                     attr_names[k]);
        else if (kept == 0)
            snprintf(note, sizeof note, "%s: the same for every buyer; left out", attr_names[k]);
        else
            continue;
        if (dg_table_add_note(m->notes, note) != 0)
            rc = dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    free(count);
    if (rc == 0 && d->p == 0)
        rc = dg_error_set(err, DG_EINVAL, "no attribute varies among the %zu buyers (region, age "
                          "band, gender, income band, acquisition channel, customer type): "
                          "nothing tells the best customers apart", n_learn);
    if (rc == 0) {
        m->n_attributes = d->p;
        m->attributes = calloc(d->p, sizeof *m->attributes);
        m->coefficient = calloc(d->p, sizeof *m->coefficient);
        if (!m->attributes || !m->coefficient)
            rc = dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    for (int k = 0; rc == 0 && k < N_ATTR; k++)
        for (size_t v = 0; rc == 0 && v < d->a.n_codes[k]; v++) {
            int j = d->column[k][v];
            if (j < 0)
                continue;
            size_t len = strlen(attr_names[k]) + strlen(value_text(&d->a, k, (uint32_t)v)) + 2;
            if (!(m->attributes[j] = malloc(len)))
                rc = dg_error_set(err, DG_ENOMEM, "out of memory");
            else
                snprintf(m->attributes[j], len, "%s=%s", attr_names[k],
                         value_text(&d->a, k, (uint32_t)v));
        }
    return rc;
}

/* The log odds of customer c: intercept + its values' coefficients. */
static double log_odds(const design *d, const double *w, double bias, size_t c)
{
    double z = bias;
    for (int k = 0; k < N_ATTR; k++) {
        int j = d->column[k][d->a.code[k][c]];
        if (j >= 0)
            z += w[j];
    }
    return z;
}

static double logistic(double z)
{
    double p = z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
    return isfinite(p) ? p : z > 0 ? 1.0 : 0.0;
}

/* Trains on the customers c with rows[c] (labels best[c]) into w[p] and *bias. */
static int train_rows(double *w, double *bias, const design *d, const dg_frame *f,
                      const uint8_t *rows, const uint8_t *best, size_t n, double cost,
                      dg_error *err)
{
    int rc = 0;
    double *target = malloc(n * sizeof *target);
    struct feature_node *nodes = malloc(n * (N_ATTR + 2) * sizeof *nodes);
    struct feature_node **x = malloc(n * sizeof *x);
    struct model *model = NULL;
    if (!target || !nodes || !x) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory for the lookalike model (%zu rows)", n);
        goto cleanup;
    }
    size_t i = 0;
    for (size_t c = 0; c < f->n_customers; c++) {
        if (!rows[c])
            continue;
        struct feature_node *row = nodes + i * (N_ATTR + 2);
        size_t used = 0;
        int cols[N_ATTR];
        for (int k = 0; k < N_ATTR; k++) {   /* liblinear wants ascending indexes */
            int j = d->column[k][d->a.code[k][c]];
            size_t at = used;
            while (j >= 0 && at > 0 && cols[at - 1] > j) {
                cols[at] = cols[at - 1];
                at--;
            }
            if (j >= 0) {
                cols[at] = j;
                used++;
            }
        }
        for (size_t u = 0; u < used; u++)
            row[u] = (struct feature_node){ cols[u] + 1, 1.0 };
        row[used] = (struct feature_node){ (int)d->p + 1, 1.0 };   /* the bias column */
        row[used + 1] = (struct feature_node){ -1, 0.0 };
        x[i] = row;
        target[i++] = best[c] ? 1.0 : -1.0;
    }
    struct problem prob = { .l = (int)n, .n = (int)d->p + 1, .y = target, .x = x, .bias = 1.0 };
    struct parameter param = { .solver_type = L2R_LR, .eps = 0.01, .C = cost };
    set_print_string_function(quiet);
    const char *bad = check_parameter(&prob, &param);
    if (bad) {
        rc = dg_error_set(err, DG_EINVAL, "liblinear refused the problem: %s", bad);
        goto cleanup;
    }
    if (!(model = train(&prob, &param))) {
        rc = dg_error_set(err, DG_ENOMEM, "liblinear could not train the lookalike model");
        goto cleanup;
    }
    double sign = model->label[0] == 1 ? 1.0 : -1.0;   /* make w point to "best" */
    for (size_t j = 0; j < d->p; j++)
        w[j] = isfinite(model->w[j]) ? sign * model->w[j] : 0.0;
    *bias = isfinite(model->w[d->p]) ? sign * model->w[d->p] : 0.0;
cleanup:
    if (model)
        free_and_destroy_model(&model);
    free(x);
    free(nodes);
    free(target);
    return rc;
}

/* Counts learners and best customers of rows; checks the minimums. */
static int check_counts(const uint8_t *rows, const uint8_t *best, size_t n_customers,
                        const char *part, size_t min_rows, size_t *n_rows, size_t *n_best, dg_error *err)
{
    size_t n = 0, b = 0;
    for (size_t c = 0; c < n_customers; c++)
        if (rows[c]) {
            n++;
            b += best[c] != 0;
        }
    *n_rows = n;
    *n_best = b;
    if (n < min_rows)
        return dg_error_set(err, DG_EINVAL, "%zu buyers to learn from; lookalike scoring needs at "
                            "least %zu", n, min_rows);
    if (b < DG_LOOKALIKE_MIN_BEST)
        return dg_error_set(err, DG_EINVAL, "%zu best customers among the %zu %s; lookalike "
                            "scoring needs at least %d (a larger seed list or more buyers)", b, n,
                            part, DG_LOOKALIKE_MIN_BEST);
    if (b == n)
        return dg_error_set(err, DG_EINVAL, "all %zu %s are best customers; the model needs "
                            "other buyers to tell them apart from", n, part);
    return 0;
}

static int check_roles(const dg_lookalike_roles *r, const dg_frame *f, dg_error *err)
{
    for (size_t c = 0; c < f->n_customers; c++) {
        if (r->best[c] && !r->learn[c])
            return dg_error_set(err, DG_EINVAL, "best customer \"%s\" is not among the customers "
                                "learned from", f->customer_id[c]);
        if (r->learn[c] && r->target[c])
            return dg_error_set(err, DG_EINVAL, "customer \"%s\" is both a seed (or a buyer) and "
                                "a prospect to score", f->customer_id[c]);
    }
    return 0;
}

/* The held-out validation: train on the learners outside the holdout, rank the holdout. */
static int validate(dg_lookalike *m, const design *d, const dg_frame *f,
                    const dg_lookalike_roles *r, const dg_lookalike_options *o, dg_error *err)
{
    size_t n = f->n_customers, n_fit = 0, n_fit_best = 0, n_hold = 0, n_hold_best = 0;
    uint8_t *fit = calloc(n ? n : 1, 1), *hold = calloc(n ? n : 1, 1), *label = NULL;
    double *w = calloc(d->p, sizeof *w), bias = 0.0, *score = NULL;
    int rc = fit && hold && w ? 0 : dg_error_set(err, DG_ENOMEM, "out of memory");
    for (size_t c = 0, number = 0; rc == 0 && c < n; number += dg_frame_has_customer(f, c), c++)
        if (r->learn[c])
            (held_out(o->seed, number, o->holdout_share) ? hold : fit)[c] = 1;
    if (rc == 0)
        rc = check_counts(fit, r->best, n, "buyers in the training part", 0, &n_fit, &n_fit_best,
                          err);
    if (rc == 0)
        rc = check_counts(hold, r->best, n, "held-out buyers", 0, &n_hold, &n_hold_best, err);
    if (rc == 0)
        rc = train_rows(w, &bias, d, f, fit, r->best, n_fit, o->cost, err);
    if (rc == 0 && (!(score = malloc(n_hold * sizeof *score)) || !(label = malloc(n_hold))))
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
    for (size_t c = 0, i = 0; rc == 0 && c < n; c++)
        if (hold[c]) {
            score[i] = logistic(log_odds(d, w, bias, c));
            label[i++] = r->best[c] != 0;
        }
    if (rc == 0)
        rc = dg_churn_metrics_compute(&m->validation, score, label, n_hold, err);
    m->n_fit = n_fit;
    free(label);
    free(score);
    free(w);
    free(hold);
    free(fit);
    return rc;
}

typedef struct rank_ctx {
    const double *score;
} rank_ctx;

static int by_score_desc(const void *x, const void *y, void *ctx)
{
    const double *s = ((const rank_ctx *)ctx)->score;
    uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
    if (s[i] != s[j])
        return s[i] > s[j] ? -1 : 1;
    return (i > j) - (i < j);
}

/* Scores the targets with the final model, most alike first. */
static int score_targets(dg_lookalike *m, const design *d, const dg_frame *f,
                         const uint8_t *target, dg_error *err)
{
    size_t n = f->n_customers, k = 0;
    for (size_t c = 0; c < n; c++)
        k += target[c] != 0;
    double *by_customer = malloc((n ? n : 1) * sizeof *by_customer);
    m->customer = malloc((k ? k : 1) * sizeof *m->customer);
    m->score = malloc((k ? k : 1) * sizeof *m->score);
    m->decile = malloc(k ? k : 1);
    if (!by_customer || !m->customer || !m->score || !m->decile) {
        free(by_customer);
        return dg_error_set(err, DG_ENOMEM, "out of memory scoring %zu prospects", k);
    }
    for (size_t c = 0, i = 0; c < n; c++)
        if (target[c]) {
            by_customer[c] = logistic(log_odds(d, m->coefficient, m->intercept, c));
            m->customer[i++] = (uint32_t)c;
        }
    rank_ctx ctx = { by_customer };
    qsort_r(m->customer, k, sizeof *m->customer, by_score_desc, &ctx);
    for (size_t i = 0; i < k; i++) {
        m->score[i] = by_customer[m->customer[i]];
        m->decile[i] = (uint8_t)(DG_LOOKALIKE_DECILES - i * DG_LOOKALIKE_DECILES / k);
    }
    m->n_scored = k;
    free(by_customer);
    return 0;
}

int dg_lookalike_fit(dg_lookalike **out, const dg_frame *frame, const dg_lookalike_roles *roles,
                     const dg_lookalike_options *opt, dg_error *err)
{
    *out = NULL;
    dg_lookalike_options defaults;
    dg_lookalike_options_init(&defaults);
    if (!opt)
        opt = &defaults;
    if (!(opt->holdout_share >= 0.05 && opt->holdout_share <= 0.9))
        return dg_error_set(err, DG_EINVAL, "holdout share %g: expected 0.05 to 0.9",
                            opt->holdout_share);
    if (!(opt->cost > 0 && isfinite(opt->cost)))
        return dg_error_set(err, DG_EINVAL, "cost %g: expected a positive number", opt->cost);
    dg_lookalike *m = calloc(1, sizeof *m);
    if (!m || !(m->notes = dg_table_new("notes"))) {
        free(m);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    design d;
    memset(&d, 0, sizeof d);
    m->as_of = frame->as_of;
    int rc = check_roles(roles, frame, err);
    if (rc == 0)
        rc = check_counts(roles->learn, roles->best, frame->n_customers, "buyers", DG_LOOKALIKE_MIN_LEARN, &m->n_learn,
                          &m->n_best, err);
    if (rc == 0)
        rc = design_build(&d, m, frame, roles->learn, err);
    if (rc == 0)
        rc = validate(m, &d, frame, roles, opt, err);
    if (rc == 0)
        rc = train_rows(m->coefficient, &m->intercept, &d, frame, roles->learn, roles->best,
                        m->n_learn, opt->cost, err);
    if (rc == 0)
        rc = score_targets(m, &d, frame, roles->target, err);
    if (rc == 0) {
        char note[240];
        snprintf(note, sizeof note, "validation: %zu of the %zu buyers held out (share %g, seed "
                 "%llu), ranked by a model trained on the other %zu", m->validation.n, m->n_learn,
                 opt->holdout_share, (unsigned long long)opt->seed, m->n_fit);
        if (dg_table_add_note(m->notes, note) != 0)
            rc = dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    design_clear(&d);
    if (rc != 0) {
        dg_lookalike_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

void dg_lookalike_free(dg_lookalike *m)
{
    if (!m)
        return;
    for (size_t j = 0; m->attributes && j < m->n_attributes; j++)
        free(m->attributes[j]);
    free(m->attributes);
    free(m->coefficient);
    free(m->customer);
    free(m->score);
    free(m->decile);
    dg_table_free(m->notes);
    free(m);
}

int dg_lookalike_roles_alloc(dg_lookalike_roles *r, size_t n, dg_error *err)
{
    r->learn = calloc(n ? n : 1, 1);
    r->best = calloc(n ? n : 1, 1);
    r->target = calloc(n ? n : 1, 1);
    if (r->learn && r->best && r->target)
        return 0;
    dg_lookalike_roles_clear(r);
    return dg_error_set(err, DG_ENOMEM, "out of memory for %zu customers", n);
}

void dg_lookalike_roles_clear(dg_lookalike_roles *r)
{
    free(r->learn);
    free(r->best);
    free(r->target);
    r->learn = r->best = r->target = NULL;
}

int dg_lookalike_roles_default(dg_lookalike_roles *r, const dg_frame *f, const double *value,
                               dg_error *err)
{
    size_t n = f->n_customers, k = 0;
    int rc = dg_lookalike_roles_alloc(r, n, err);
    if (rc != 0)
        return rc;
    double *v = malloc((n ? n : 1) * sizeof *v);
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!v || !order) {
        free(v);
        free(order);
        dg_lookalike_roles_clear(r);
        return dg_error_set(err, DG_ENOMEM, "out of memory for %zu customers", n);
    }
    for (size_t c = 0; c < n; c++) {
        size_t end = dg_frame_orders_end(f, c);
        bool buyer = end > f->order_offset[c];
        r->learn[c] = buyer;
        r->target[c] = !buyer && dg_frame_has_customer(f, c);
        if (!buyer)
            continue;
        double x = 0.0;
        if (value)
            x = value[c];
        else
            for (size_t o = f->order_offset[c]; o < end; o++)
                x += (double)f->order_amount_minor[o];
        v[c] = isfinite(x) ? x : -INFINITY;
        order[k++] = (uint32_t)c;
    }
    rank_ctx ctx = { v };
    qsort_r(order, k, sizeof *order, by_score_desc, &ctx);
    for (size_t i = 0; i < (k + DG_LOOKALIKE_DECILES - 1) / DG_LOOKALIKE_DECILES; i++)
        r->best[order[i]] = 1;
    free(v);
    free(order);
    return 0;
}

int dg_lookalike_ids_parse(uint8_t *flags, size_t *n_ids, const dg_frame *f, const char *text,
                           const char *name, dg_error *err)
{
    size_t line = 0, found = 0;
    char id[256];
    if ((unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
        (unsigned char)text[2] == 0xBF)
        text += 3;   /* a UTF-8 byte-order mark */
    for (const char *p = text; *p;) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *a = p, *b = p;   /* the first comma-separated field, trimmed */
        while (b < p + len && *b != ',')
            b++;
        p = end ? end + 1 : p + len;
        line++;
        while (a < b && (*a == ' ' || *a == '\t' || *a == '"'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r' || b[-1] == '"'))
            b--;
        size_t n = (size_t)(b - a);
        if (n == 0 || (line == 1 && n == 11 && memcmp(a, "customer_id", 11) == 0))
            continue;
        if (n >= sizeof id)
            return dg_error_set(err, DG_EINVAL, "%s:%zu:1: customer id of %zu bytes is too long",
                                name, line, n);
        memcpy(id, a, n);
        id[n] = '\0';
        int64_t c = dg_frame_customer_index(f, id);
        if (c < 0) {
            char day[16];
            return dg_error_set(err, DG_EINVAL, "%s:%zu:1: customer \"%s\" is not in the store "
                                "(as of %s)", name, line, id, dg_date_format(f->as_of, day));
        }
        found += !flags[c];
        flags[c] = 1;
    }
    if (found == 0)
        return dg_error_set(err, DG_EINVAL, "%s: no customer id in the file (one per line, "
                            "optionally under a customer_id header)", name);
    if (n_ids)
        *n_ids = found;
    return 0;
}
