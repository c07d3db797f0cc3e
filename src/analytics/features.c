/* The customer feature table (include/dangol/features.h). Two passes over the frame's CSR runs:
 * the first finds the customers with an order by the as-of day and which optional inputs exist
 * (order lines with categories, complaints, NPS and CSAT answers, birth years, profile codes,
 * the programme facts), which fixes the columns; the second fills one row per customer, rows
 * split over the machine's threads (each row is its own: the same table on any number). Every
 * run is sorted by time, so "up to the as-of day" is a prefix of each run and nothing later is
 * ever read; the programme facts come already bounded by the same day (their as-of day is
 * checked). A missing survey answer or birth year gets the mean of those known, and the notes
 * say how many. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parallel.h"
#include "dangol/features.h"
#include "dangol/text.h"

/* The behavioural features, in column order; the optional ones are left out when the data does
 * not hold their input. */
enum {
    F_RECENCY, F_FREQUENCY, F_MONETARY, F_AOV, F_TENURE, F_IPT_MEAN, F_IPT_TREND, F_CHANNELS,
    F_CATEGORIES, F_COMPLAINTS, F_NPS, F_CSAT, F_TIER_RANK, F_TIER_DOWNGRADES, F_POINTS_BALANCE,
    F_POINTS_EARNED, F_POINTS_BURNED, F_POINTS_EXPIRED, F_COUPONS, F_COUPON_DISCOUNT,
    F_COUPON_SHARE, F_AGE, F_FIXED
};
#define F_PROGRAMME_FIRST F_TIER_RANK
#define F_PROGRAMME_END F_AGE
static const struct {
    const char *name;
    dg_feature_scale scale;
    bool behavioural;
    int decimals;
} fixed[F_FIXED] = {
    { "recency_days", DG_FEATURE_LOG, true, 0 },
    { "frequency", DG_FEATURE_LOG, true, 0 },
    { "monetary", DG_FEATURE_LOG, true, 2 },
    { "avg_order_value", DG_FEATURE_LOG, false, 2 },
    { "tenure_days", DG_FEATURE_LOG, true, 0 },
    { "ipt_mean_days", DG_FEATURE_LOG, true, 2 },
    { "ipt_trend", DG_FEATURE_SIGNED_LOG, false, 2 },
    { "channel_breadth", DG_FEATURE_LOG, true, 0 },
    { "category_breadth", DG_FEATURE_LOG, true, 0 },
    { "complaints", DG_FEATURE_LOG, false, 0 },
    { "nps", DG_FEATURE_LINEAR, false, 2 },
    { "csat", DG_FEATURE_LINEAR, false, 2 },
    { "tier_rank", DG_FEATURE_LINEAR, false, 0 },
    { "tier_downgrades", DG_FEATURE_LOG, false, 0 },
    { "points_balance", DG_FEATURE_SIGNED_LOG, false, 0 },
    { "points_earned", DG_FEATURE_SIGNED_LOG, false, 0 },
    { "points_burned", DG_FEATURE_LOG, false, 0 },
    { "points_expired", DG_FEATURE_LOG, false, 0 },
    { "coupons_redeemed", DG_FEATURE_LOG, false, 0 },
    { "coupon_discount", DG_FEATURE_LOG, false, 2 },
    { "coupon_order_share", DG_FEATURE_LINEAR, false, 3 },
    { "age", DG_FEATURE_LINEAR, false, 1 },
};

/* A profile dictionary turned into one 0/1 column per code some row holds. */
typedef struct onehot {
    const char *prefix;
    const dg_dict *dict;
    const uint32_t *code;      /* per frame customer */
    size_t *column;            /* [dict->n] column of the code, SIZE_MAX if none */
} onehot;

#define N_ONEHOT 3

void dg_features_options_init(dg_features_options *opt)
{
    *opt = (dg_features_options){ .as_of = DG_DAY_NONE, .demographics = true };
}

static void source_free(struct dg__features_source *src);

void dg_features_free(dg_features *f)
{
    if (!f)
        return;
    if (f->names)
        for (size_t j = 0; j < f->n_features; j++)
            free(f->names[j]);
    free(f->names);
    free(f->scale);
    free(f->behavioural);
    free(f->decimals);
    free(f->customer);
    free(f->values);
    free(f->revenue_minor);
    dg_table_free(f->notes);
    source_free(f->source);
    free(f);
}

int dg_features_find(const dg_features *f, const char *name)
{
    for (size_t j = 0; j < f->n_features; j++)
        if (strcmp(f->names[j], name) == 0)
            return (int)j;
    return -1;
}

bool dg_feature_name_known(const char *name)
{
    for (int k = 0; k < F_FIXED; k++)
        if (strcmp(name, fixed[k].name) == 0)
            return true;
    return strncmp(name, "gender_", 7) == 0 || strncmp(name, "region_", 7) == 0 ||
           strncmp(name, "income_", 7) == 0;
}

bool dg_feature_from_programme(const char *name)
{
    for (int k = F_PROGRAMME_FIRST; k < F_PROGRAMME_END; k++)
        if (strcmp(name, fixed[k].name) == 0)
            return true;
    return false;
}

int dg_features_copy_notes(const dg_features *f, dg_table *t)
{
    for (size_t i = 0; i < dg_table_notes(f->notes); i++)
        if (dg_table_add_note(t, dg_table_note(f->notes, i)) != 0)
            return DG_ENOMEM;
    return 0;
}

/* Orders of customer c dated up to as_of: [*begin, *end). */
static void order_run(const dg_frame *fr, size_t c, int32_t as_of, size_t *begin, size_t *end)
{
    *begin = fr->order_offset[c];
    *end = dg_frame_run_end(fr->order_offset, fr->order_day, c, as_of);
}

/* The latest answer of customer c by as_of: NPS (0..10, -1 none) and CSAT (1..5, 0 none). */
static void latest_answers(const dg_frame *fr, size_t c, int32_t as_of, int *nps, int *csat)
{
    *nps = -1;
    *csat = 0;
    for (size_t s = fr->survey_offset[c + 1]; s > fr->survey_offset[c]; s--) {
        if (fr->survey_day[s - 1] > as_of)
            continue;
        if (*nps < 0 && fr->survey_nps[s - 1] >= 0)
            *nps = fr->survey_nps[s - 1];
        if (*csat == 0 && fr->survey_csat[s - 1] > 0)
            *csat = fr->survey_csat[s - 1];
    }
}

/* Age in the year y (of the as-of day), -1 when the birth year is unknown or later. */
static int32_t age_at(int y, int32_t birth_year)
{
    return birth_year > 0 && birth_year <= y ? y - birth_year : -1;
}

/* Least-squares slope of the gaps between consecutive order days against their index
 * (days per gap; > 0: purchases are slowing down). 0 with fewer than two gaps. */
static double gap_trend(const int32_t *day, size_t n)
{
    if (n < 3)
        return 0.0;
    size_t m = n - 1;
    double jbar = (double)(m - 1) / 2.0, gbar = (double)(day[n - 1] - day[0]) / (double)m;
    double sxy = 0.0, sxx = 0.0;
    for (size_t j = 0; j < m; j++) {
        double dj = (double)j - jbar;
        sxy += dj * ((double)(day[j + 1] - day[j]) - gbar);
        sxx += dj * dj;
    }
    return sxy / sxx;
}

/* Whether the programme facts hold the input of programme column k. */
static bool programme_has(const dg_features_programme *pg, int k)
{
    if (!pg)
        return false;
    switch (k) {
    case F_TIER_RANK:
    case F_TIER_DOWNGRADES: return pg->tier_rank != NULL;
    case F_POINTS_BALANCE:
    case F_POINTS_EARNED:
    case F_POINTS_BURNED:
    case F_POINTS_EXPIRED: return pg->points_balance != NULL;
    default: return pg->coupons_redeemed != NULL;
    }
}

/* Programme column k of customer c, who has `orders` orders by the day (programme_has(pg, k)). */
static double programme_value(const dg_features_programme *pg, int k, size_t c, size_t orders,
                              double unit)
{
    switch (k) {
    case F_TIER_RANK: return pg->tier_rank[c];
    case F_TIER_DOWNGRADES: return pg->tier_downgrades[c];
    case F_POINTS_BALANCE: return (double)pg->points_balance[c];
    case F_POINTS_EARNED: return (double)pg->points_earned[c];
    case F_POINTS_BURNED: return (double)pg->points_burned[c];
    case F_POINTS_EXPIRED: return (double)pg->points_expired[c];
    case F_COUPONS: return (double)pg->coupons_redeemed[c];
    case F_COUPON_DISCOUNT: return (double)pg->coupon_discount_minor[c] / unit;
    default: {
        /* a redemption is of one order by the day, so at most 1; kept there if the tables
         * disagree (an order deleted since) */
        double share = (double)pg->coupons_redeemed[c] / (double)orders;
        return share < 1.0 ? share : 1.0;
    }
    }
}

/* What the first pass learns. */
typedef struct scan {
    int year;                          /* of the as-of day */
    size_t rows, without_orders, nps_known, csat_known, age_known;
    double nps_sum, csat_sum, age_sum;
    bool has_categories, has_complaints;
    int64_t complaint_code;
    bool programme_nonzero[F_FIXED];   /* a programme column some row holds a nonzero value of */
} scan;

static bool counted(const dg_frame *fr, size_t c, int32_t as_of)
{
    return fr->first_seen_day[c] == DG_DAY_NONE || fr->first_seen_day[c] <= as_of;
}

static void first_pass(const dg_frame *fr, int32_t as_of, const dg_features_programme *pg,
                       scan *s, onehot *oh, size_t n_oh)
{
    double unit = pow(10.0, fr->minor_digits);
    memset(s, 0, sizeof *s);
    int month, day;
    dg_civil_from_days(as_of, &s->year, &month, &day);
    s->complaint_code = dg_dict_find(&fr->feedback_kinds, "complaint");
    s->has_categories = fr->has_lines && fr->categories.n > 1;
    for (size_t c = 0; c < fr->n_customers; c++) {
        size_t b, e;
        order_run(fr, c, as_of, &b, &e);
        if (b == e) {
            s->without_orders += counted(fr, c, as_of);
            continue;
        }
        s->rows++;
        int nps, csat;
        latest_answers(fr, c, as_of, &nps, &csat);
        if (nps >= 0) {
            s->nps_known++;
            s->nps_sum += nps;
        }
        if (csat > 0) {
            s->csat_known++;
            s->csat_sum += csat;
        }
        int32_t age = age_at(s->year, fr->birth_year[c]);
        if (age >= 0) {
            s->age_known++;
            s->age_sum += age;
        }
        if (s->complaint_code > 0)
            for (size_t k = fr->feedback_offset[c]; k < fr->feedback_offset[c + 1]; k++)
                if (fr->feedback_day[k] <= as_of &&
                    fr->feedback_kind[k] == (uint32_t)s->complaint_code)
                    s->has_complaints = true;
        for (size_t h = 0; h < n_oh; h++)
            if (oh[h].code[c])
                oh[h].column[oh[h].code[c]] = 1;   /* marked; numbered after the pass */
        for (int k = F_PROGRAMME_FIRST; k < F_PROGRAMME_END; k++)
            if (programme_has(pg, k) && programme_value(pg, k, c, e - b, unit) != 0.0)
                s->programme_nonzero[k] = true;
    }
}

/* Adds a column; returns its index or SIZE_MAX on DG_ENOMEM. */
static size_t add_column(dg_features *f, const char *name, dg_feature_scale scale,
                         bool behavioural, int decimals)
{
    size_t j = f->n_features;
    if (!(f->names[j] = strdup(name)))
        return SIZE_MAX;
    f->scale[j] = scale;
    f->behavioural[j] = behavioural;
    f->decimals[j] = (uint8_t)decimals;
    f->n_features++;
    return j;
}

/* The columns: the fixed ones whose input exists, then the one-hot ones. col[F_*] is SIZE_MAX
 * for a left-out feature. */
static int make_columns(dg_features *f, const scan *s, bool demographics, onehot *oh,
                        size_t n_oh, size_t col[F_FIXED], dg_error *err)
{
    size_t cap = F_FIXED;
    for (size_t h = 0; h < n_oh; h++)
        cap += oh[h].dict->n;
    if (!(f->names = calloc(cap, sizeof *f->names)) || !(f->scale = calloc(cap, sizeof *f->scale))
        || !(f->behavioural = calloc(cap, sizeof *f->behavioural)) ||
        !(f->decimals = calloc(cap, sizeof *f->decimals)))
        return dg_error_set(err, DG_ENOMEM, "out of memory for the feature table");
    for (int k = 0; k < F_FIXED; k++) {
        bool present = (k != F_CATEGORIES || s->has_categories) &&
                       (k != F_COMPLAINTS || s->has_complaints) &&
                       (k != F_NPS || s->nps_known) && (k != F_CSAT || s->csat_known) &&
                       (k != F_AGE || (demographics && s->age_known)) &&
                       (k < F_PROGRAMME_FIRST || k >= F_PROGRAMME_END || s->programme_nonzero[k]);
        col[k] = SIZE_MAX;
        if (present &&
            (col[k] = add_column(f, fixed[k].name, fixed[k].scale, fixed[k].behavioural,
                                     fixed[k].decimals)) ==
                SIZE_MAX)
            return dg_error_set(err, DG_ENOMEM, "out of memory for the feature table");
    }
    for (size_t h = 0; h < n_oh; h++)
        for (size_t code = 1; code < oh[h].dict->n; code++) {
            if (!demographics || oh[h].column[code] == 0) {
                oh[h].column[code] = SIZE_MAX;
                continue;
            }
            char name[160];
            snprintf(name, sizeof name, "%s_%s", oh[h].prefix, oh[h].dict->values[code]);
            if ((oh[h].column[code] = add_column(f, name, DG_FEATURE_LINEAR, false, 0)) == SIZE_MAX)
                return dg_error_set(err, DG_ENOMEM, "out of memory for the feature table");
        }
    return 0;
}

/* Fills row (row r, customer c). stamp/stamp_cat: per channel / category code, the last row + 1
 * that counted it. */
static void fill_row(double *row, const dg_features *f, const dg_frame *fr,
                     const dg_features_programme *pg, size_t c, size_t r, const scan *s,
                     const size_t *col, const onehot *oh, size_t n_oh, uint32_t *stamp,
                     uint32_t *stamp_cat)
{
    int32_t as_of = f->as_of;
    size_t b, e;
    order_run(fr, c, as_of, &b, &e);
    int64_t spend = 0;
    double channels = 0.0, categories = 0.0;
    uint32_t mark = (uint32_t)r + 1;
    for (size_t o = b; o < e; o++) {
        spend += fr->order_amount_minor[o];
        uint32_t ch = fr->order_channel[o];
        if (ch && stamp[ch] != mark) {
            stamp[ch] = mark;
            channels += 1.0;
        }
        if (col[F_CATEGORIES] != SIZE_MAX)
            for (size_t l = fr->line_offset[o]; l < fr->line_offset[o + 1]; l++) {
                uint32_t cat = fr->product_category[fr->line_product[l]];
                if (cat && stamp_cat[cat] != mark) {
                    stamp_cat[cat] = mark;
                    categories += 1.0;
                }
            }
    }
    double n = (double)(e - b), unit = pow(10.0, fr->minor_digits);
    int32_t first = fr->order_day[b], last = fr->order_day[e - 1];
    int32_t start = fr->first_seen_day[c] != DG_DAY_NONE && fr->first_seen_day[c] < first
                        ? fr->first_seen_day[c] : first;
    row[col[F_RECENCY]] = (double)(as_of - last);
    row[col[F_FREQUENCY]] = n;
    row[col[F_MONETARY]] = (double)spend / unit;
    row[col[F_AOV]] = (double)spend / unit / n;
    row[col[F_TENURE]] = (double)(as_of - start);
    /* one order: the gap still open (days since it), a lower bound of the first gap */
    row[col[F_IPT_MEAN]] = e - b >= 2 ? (double)(last - first) / (n - 1.0) : (double)(as_of - first);
    row[col[F_IPT_TREND]] = gap_trend(fr->order_day + b, e - b);
    row[col[F_CHANNELS]] = channels;
    if (col[F_CATEGORIES] != SIZE_MAX)
        row[col[F_CATEGORIES]] = categories;
    if (col[F_COMPLAINTS] != SIZE_MAX) {
        double complaints = 0.0;
        for (size_t k = fr->feedback_offset[c]; k < fr->feedback_offset[c + 1]; k++)
            if (fr->feedback_day[k] <= as_of &&
                fr->feedback_kind[k] == (uint32_t)s->complaint_code)
                complaints += 1.0;
        row[col[F_COMPLAINTS]] = complaints;
    }
    int nps, csat;
    latest_answers(fr, c, as_of, &nps, &csat);
    if (col[F_NPS] != SIZE_MAX)
        row[col[F_NPS]] = nps >= 0 ? nps : s->nps_sum / (double)s->nps_known;
    if (col[F_CSAT] != SIZE_MAX)
        row[col[F_CSAT]] = csat > 0 ? csat : s->csat_sum / (double)s->csat_known;
    if (col[F_AGE] != SIZE_MAX) {
        int32_t age = age_at(s->year, fr->birth_year[c]);
        row[col[F_AGE]] = age >= 0 ? age : s->age_sum / (double)s->age_known;
    }
    for (int k = F_PROGRAMME_FIRST; k < F_PROGRAMME_END; k++)
        if (col[k] != SIZE_MAX)
            row[col[k]] = programme_value(pg, k, c, e - b, unit);
    for (size_t h = 0; h < n_oh; h++) {
        uint32_t code = oh[h].code[c];
        for (size_t k = 1; k < oh[h].dict->n; k++)
            if (oh[h].column[k] != SIZE_MAX)
                row[oh[h].column[k]] = k == code ? 1.0 : 0.0;
    }
}

/* Why programme columns are missing: facts not read, a table without rows by the day, or a
 * column that is 0 for everyone. */
static int programme_notes(dg_features *f, const scan *s, const dg_features_programme *pg)
{
    if (!pg)
        return dg_table_add_note(f->notes, "tier, points and coupon use: the programme's tables "
                                 "were not read for this table, so no such feature");
    static const struct { int first, end; const char *what; } groups[] = {
        { F_TIER_RANK, F_POINTS_BALANCE, "tier_rank, tier_downgrades: no tier history by the "
          "as-of day (`dangol tier evaluate` writes it)" },
        { F_POINTS_BALANCE, F_COUPONS, "points_balance, points_earned, points_burned, "
          "points_expired: no points movement by the as-of day" },
        { F_COUPONS, F_PROGRAMME_END, "coupons_redeemed, coupon_discount, coupon_order_share: no "
          "coupon redemption by the as-of day" },
    };
    char text[256];
    int rc = 0;
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        if (!programme_has(pg, groups[g].first)) {
            snprintf(text, sizeof text, "%s, so no such feature", groups[g].what);
            rc |= dg_table_add_note(f->notes, text);
            continue;
        }
        for (int k = groups[g].first; k < groups[g].end; k++)
            if (!s->programme_nonzero[k]) {
                snprintf(text, sizeof text, "%s: 0 for every customer with an order by the as-of "
                         "day, so no such feature", fixed[k].name);
                rc |= dg_table_add_note(f->notes, text);
            }
    }
    if (pg->tiers_unknown) {
        snprintf(text, sizeof text, "tier_rank: %zu customers hold a tier the stored tier rules "
                 "do not name; counted in the lowest tier", pg->tiers_unknown);
        rc |= dg_table_add_note(f->notes, text);
    }
    return rc;
}

/* What the second pass needs to compute a row: kept by a table of rows on demand. */
struct dg__features_source {
    const dg_features *f;
    const dg_frame *fr;
    const dg_features_programme *pg;
    scan s;
    size_t col[F_FIXED];
    onehot oh[N_ONEHOT];
};

static void source_free(struct dg__features_source *src)
{
    if (!src)
        return;
    for (size_t h = 0; h < N_ONEHOT; h++)
        free(src->oh[h].column);
    free(src);
}

/* The second pass over rows [begin, end), into out (row begin first). 0 or DG_ENOMEM. */
static int fill_range(const struct dg__features_source *src, size_t begin, size_t end,
                      double *out)
{
    const dg_features *f = src->f;
    uint32_t *stamp = calloc(src->fr->channels.n + 1, sizeof *stamp);
    uint32_t *stamp_cat = calloc(src->fr->categories.n + 1, sizeof *stamp_cat);
    int rc = stamp && stamp_cat ? 0 : DG_ENOMEM;
    for (size_t r = begin; rc == 0 && r < end; r++)
        fill_row(out + (r - begin) * f->n_features, f, src->fr, src->pg, f->customer[r], r,
                 &src->s, src->col, src->oh, N_ONEHOT, stamp, stamp_cat);
    free(stamp);
    free(stamp_cat);
    return rc;
}

/* The second pass into the table, rows [begin, end) of a chunk (dg__rows_fn: on the machine's
 * threads; each row is its own, so the table is the same on any number of threads). acc[0]
 * counts failures. */
static void fill_rows(size_t begin, size_t end, double *acc, const void *ctx)
{
    const struct dg__features_source *src = ctx;
    if (fill_range(src, begin, end, src->f->values + begin * src->f->n_features) != 0)
        acc[0] += 1.0;
}

int dg_features_rows(const dg_features *f, size_t begin, size_t end, double *out)
{
    if (f->values) {
        memcpy(out, f->values + begin * f->n_features,
               (end - begin) * f->n_features * sizeof *out);
        return 0;
    }
    return fill_range(f->source, begin, end, out);
}

static int add_notes(dg_features *f, const scan *s, const dg_features_programme *pg,
                     bool demographics)
{
    char text[256];
    int rc = 0;
    if (s->without_orders) {
        snprintf(text, sizeof text, "%zu customers without an order by the as-of day have no "
                 "row (no behaviour to describe)", s->without_orders);
        rc |= dg_table_add_note(f->notes, text);
    }
    rc |= programme_notes(f, s, pg);
    if (!s->has_categories)
        rc |= dg_table_add_note(f->notes, "category_breadth: not in the data (no order lines "
                                "with product categories)");
    const struct { const char *what; size_t known; double sum; bool shown; } imputed[] = {
        { "nps (latest answer)", s->nps_known, s->nps_sum, true },
        { "csat (latest answer)", s->csat_known, s->csat_sum, true },
        { "age", s->age_known, s->age_sum, demographics },
    };
    for (size_t i = 0; i < sizeof imputed / sizeof imputed[0]; i++) {
        if (!imputed[i].shown)
            continue;
        if (imputed[i].known == 0)
            snprintf(text, sizeof text, "%s: not in the data (no customer with an order has "
                     "one), so no such feature", imputed[i].what);
        else if (imputed[i].known < s->rows)
            snprintf(text, sizeof text, "%s: known for %zu of %zu customers; the others get "
                     "the mean, %.2f", imputed[i].what, imputed[i].known, s->rows,
                     imputed[i].sum / (double)imputed[i].known);
        else
            continue;
        rc |= dg_table_add_note(f->notes, text);
    }
    return rc ? DG_ENOMEM : 0;
}

int dg_features_compute(dg_features **out, const dg_frame *fr, const dg_features_options *opt,
                        dg_error *err)
{
    dg_features_options defaults;
    dg_features_options_init(&defaults);
    if (!opt)
        opt = &defaults;
    *out = NULL;
    int32_t as_of = opt->as_of == DG_DAY_NONE ? fr->as_of : opt->as_of;
    if (as_of > fr->as_of) {
        char want[16], have[16];
        dg_date_format(as_of, want);
        dg_date_format(fr->as_of, have);
        return dg_error_set(err, DG_EINVAL, "as-of day %s is after the data's last day %s", want,
                            have);
    }
    const dg_features_programme *pg = opt->programme;
    if (pg && (pg->as_of != as_of || pg->n_customers != fr->n_customers)) {
        char want[16], have[16];
        dg_date_format(as_of, want);
        dg_date_format(pg->as_of, have);
        return dg_error_set(err, DG_EINVAL, "the programme facts are of %s and %zu customers, the "
                            "feature table of %s and %zu", have, pg->n_customers, want,
                            fr->n_customers);
    }
    int rc = 0;
    dg_features *f = calloc(1, sizeof *f);
    struct dg__features_source *src = calloc(1, sizeof *src);
    if (!f || !src || !(f->notes = dg_table_new(NULL))) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory for the feature table");
        goto cleanup;
    }
    *src = (struct dg__features_source){
        .f = f, .fr = fr, .pg = pg,
        .oh = { { "gender", &fr->genders, fr->gender, NULL },
                { "region", &fr->regions, fr->region, NULL },
                { "income", &fr->income_bands, fr->income_band, NULL } },
    };
    onehot *oh = src->oh;
    f->as_of = as_of;
    f->programme_read = pg != NULL;
    for (size_t h = 0; h < N_ONEHOT; h++)
        if (!(oh[h].column = calloc(oh[h].dict->n ? oh[h].dict->n : 1, sizeof(size_t)))) {
            rc = dg_error_set(err, DG_ENOMEM, "out of memory for the feature table");
            goto cleanup;
        }
    first_pass(fr, as_of, pg, &src->s, oh, N_ONEHOT);
    if ((rc = make_columns(f, &src->s, opt->demographics, oh, N_ONEHOT, src->col, err)) != 0)
        goto cleanup;
    f->n_rows = src->s.rows;
    f->n_without_orders = src->s.without_orders;
    size_t rows = f->n_rows ? f->n_rows : 1;
    if (!(f->customer = malloc(rows * sizeof *f->customer)) ||
        !(f->revenue_minor = malloc(rows * sizeof *f->revenue_minor)) ||
        (!opt->rows_on_demand &&
         !(f->values = malloc(rows * f->n_features * sizeof *f->values)))) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory for the feature table (%zu customers)",
                          f->n_rows);
        goto cleanup;
    }
    size_t r = 0;
    for (size_t c = 0; c < fr->n_customers; c++) {
        size_t b, e;
        order_run(fr, c, as_of, &b, &e);
        if (b == e)
            continue;
        int64_t spend = 0;
        for (size_t o = b; o < e; o++)
            spend += fr->order_amount_minor[o];
        f->revenue_minor[r] = spend;
        f->customer[r++] = (uint32_t)c;
    }
    double failed = 0.0;
    if ((!opt->rows_on_demand &&
         (dg__parallel_sum(f->n_rows, 1, fill_rows, src, 0, &failed) != 0 || failed > 0.0)) ||
        add_notes(f, &src->s, pg, opt->demographics) != 0)
        rc = dg_error_set(err, DG_ENOMEM, "out of memory for the feature table");
cleanup:
    if (rc == 0 && opt->rows_on_demand) {
        f->source = src;
        src = NULL;
    }
    source_free(src);
    if (rc != 0)
        dg_features_free(f);
    else
        *out = f;
    return rc;
}

int dg_features_table(dg_table **out, const dg_frame *frame, const dg_features *f,
                      dg_error *err)
{
    dg_table *t = dg_table_new("Customer features");
    int rc = t ? dg_table_add_column(t, "customer_id", DG_CELL_TEXT, 0) : DG_ENOMEM;
    for (size_t j = 0; rc == 0 && j < f->n_features; j++)
        rc = dg_table_add_column(t, f->names[j], DG_CELL_REAL, f->decimals[j]);
    for (size_t r = 0; rc == 0 && r < f->n_rows; r++) {
        rc = dg_table_add_row(t);
        if (rc == 0)
            rc = dg_table_set_text(t, 0, frame->customer_id[f->customer[r]]);
        for (size_t j = 0; rc == 0 && j < f->n_features; j++)
            dg_table_set_real(t, j + 1, f->values[r * f->n_features + j]);
    }
    if (rc == 0)
        rc = dg_features_copy_notes(f, t);
    if (rc == 0)
        rc = dg_table_failed(t);
    if (rc != 0) {
        dg_table_free(t);
        return dg_error_set(err, DG_ENOMEM, "out of memory for the feature table");
    }
    *out = t;
    return 0;
}
