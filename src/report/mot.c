/* The MOT reports (include/dangol/mot.h): the store's visits and ratings read into the arrays
 * dg_mot_analyse takes (moments matched to the cycle by code or English or Korean name; ratings
 * of other moments or outside their scale left out and counted in a note), and the tables of
 * each view: the cycle, the two scores side by side, the weakest moments, the visits worst
 * first, and the drivers of NPS and repurchase. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/mot.h"
#include "dangol/text.h"
#include "store/mot.h"

int dg_mot_view_parse(dg_mot_view *out, const char *name, dg_error *err)
{
    static const char *const names[] = { "cycle", "score", "weakest", "visits", "drivers" };
    for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (dg_mot_view)i;
            return 0;
        }
    return dg_error_set(err, DG_EINVAL, "unknown MOT view \"%s\"; valid: cycle, score, weakest, "
                        "visits, drivers", name ? name : "");
}

/* ---- loading ---- */

typedef struct loader {
    dg_mot_visits *v;
    const dg_mot_cycle *cycle;
    size_t cap;
    int rc;
    dg_error *err;
} loader;

static int grow(loader *l)
{
    dg_mot_visits *v = l->v;
    size_t cap = l->cap ? l->cap * 2 : 1024, nm = v->data.n_moments ? v->data.n_moments : 1;
    int16_t *scores = realloc(v->data.scores, cap * nm * sizeof *scores);
    if (scores)
        v->data.scores = scores;
    int8_t *nps = realloc(v->data.nps, cap);
    if (nps)
        v->data.nps = nps;
    int8_t *back = realloc(v->data.repurchased, cap);
    if (back)
        v->data.repurchased = back;
    char **ids = realloc(v->visit_ids, cap * sizeof *ids);
    if (ids)
        v->visit_ids = ids;
    char **customers = realloc(v->customer_ids, cap * sizeof *customers);
    if (customers)
        v->customer_ids = customers;
    int32_t *days = realloc(v->visited_on, cap * sizeof *days);
    if (days)
        v->visited_on = days;
    if (!scores || !nps || !back || !ids || !customers || !days)
        return DG_ENOMEM;
    l->cap = cap;
    return 0;
}

static int take_row(void *ctx, const dg__mot_row *row)
{
    loader *l = ctx;
    dg_mot_visits *v = l->v;
    size_t n = v->data.n_visits, nm = v->data.n_moments;
    if (n == 0 || strcmp(v->visit_ids[n - 1], row->visit_id) != 0) {
        if (n == l->cap && grow(l) != 0)
            return l->rc = DG_ENOMEM;
        v->visit_ids[n] = strdup(row->visit_id);
        v->customer_ids[n] = strdup(row->customer_id);
        v->data.n_visits = n + 1;
        if (!v->visit_ids[n] || !v->customer_ids[n])
            return l->rc = DG_ENOMEM;
        v->visited_on[n] = row->visited_on;
        v->data.nps[n] = (int8_t)row->nps;
        v->data.repurchased[n] = (int8_t)row->repurchased;
        for (size_t m = 0; m < nm; m++)
            v->data.scores[n * nm + m] = DG_MOT_UNRATED;
        n++;
    }
    if (!row->moment)
        return 0;
    int m = dg_mot_moment_find(l->cycle, row->moment);
    if (m < 0) {
        if (v->n_unknown++ == 0)
            snprintf(v->unknown_example, sizeof v->unknown_example, "%s", row->moment);
        return 0;
    }
    const dg_mot_moment *mo = &l->cycle->moments[m];
    if (row->score < mo->scale_min || row->score > mo->scale_max) {
        v->n_out_of_scale++;
        return 0;
    }
    v->data.scores[(n - 1) * nm + (size_t)m] = (int16_t)row->score;
    return 0;
}

void dg_mot_visits_clear(dg_mot_visits *v)
{
    for (size_t i = 0; i < v->data.n_visits; i++) {
        free(v->visit_ids[i]);
        free(v->customer_ids[i]);
    }
    free(v->visit_ids);
    free(v->customer_ids);
    free(v->visited_on);
    free(v->data.scores);
    free(v->data.nps);
    free(v->data.repurchased);
    memset(v, 0, sizeof *v);
}

int dg_mot_visits_load(dg_mot_visits *out, dg_store *store, const dg_mot_cycle *cycle,
                       int32_t as_of, dg_error *err)
{
    memset(out, 0, sizeof *out);
    out->data.n_moments = cycle->n_moments;
    int rc = dg_store_read_begin(store, err);
    if (rc != 0)
        return rc;
    if (as_of == DG_DAY_NONE)
        rc = dg__mot_last_day(store, &as_of, err);
    out->as_of = as_of;
    loader l = { .v = out, .cycle = cycle, .err = err };
    if (rc == 0 && as_of != DG_DAY_NONE)
        rc = dg__mot_scan(store, as_of, cycle->repurchase_days, take_row, &l, err);
    dg_store_read_end(store);
    if (rc != 0 && l.rc == DG_ENOMEM)
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
    if (rc != 0)
        dg_mot_visits_clear(out);
    return rc;
}

/* ---- tables ---- */

static void set_corr(dg_table *t, size_t col, const dg_mot_corr *c)
{
    if (c->defined)
        dg_table_set_real(t, col, c->rho);
    if (c->has_interval) {
        dg_table_set_real(t, col + 1, c->lo);
        dg_table_set_real(t, col + 2, c->hi);
    }
}

static void moment_cells(dg_table *t, size_t col, const dg_mot_moment *m)
{
    dg_table_set_text(t, col, m->code);
    dg_table_set_text(t, col + 1, m->name_en);
    dg_table_set_text(t, col + 2, m->name_ko);
    dg_table_set_text(t, col + 3, dg_mot_element_code(m->element));
}

static void moment_columns(dg_table *t)
{
    dg_table_add_column(t, "moment", DG_CELL_TEXT, 0);
    dg_table_add_column(t, "name_en", DG_CELL_TEXT, 0);
    dg_table_add_column(t, "name_ko", DG_CELL_TEXT, 0);
    dg_table_add_column(t, "element", DG_CELL_TEXT, 0);
}

static void left_out_notes(dg_table *t, const dg_mot_visits *v)
{
    char note[256];
    if (v->n_unknown) {
        snprintf(note, sizeof note, "%lld ratings name moments that are not in the cycle (e.g. "
                 "\"%s\") and are left out", (long long)v->n_unknown, v->unknown_example);
        dg_table_add_note(t, note);
    }
    if (v->n_out_of_scale) {
        snprintf(note, sizeof note, "%lld ratings lie outside their moment's scale and are left "
                 "out", (long long)v->n_out_of_scale);
        dg_table_add_note(t, note);
    }
    if (v->data.n_visits == 0)
        dg_table_add_note(t, "no visit is recorded (import mot_visits and mot_ratings, or POST "
                             "/api/mot/visits)");
}

static dg_table *cycle_table(const dg_mot_cycle *cycle, const dg_mot_result *r,
                             const dg_mot_visits *v)
{
    char title[2 * DG_MOT_NAME_MAX + 32];
    snprintf(title, sizeof title, "MOT cycle: %s (%s)", cycle->name_en, cycle->name_ko);
    dg_table *t = dg_table_new(title);
    dg_table_add_column(t, "position", DG_CELL_INT, 0);
    moment_columns(t);
    dg_table_add_column(t, "scale", DG_CELL_TEXT, 0);
    dg_table_add_column(t, "ratings", DG_CELL_INT, 0);
    dg_table_add_column(t, "mean_score", DG_CELL_REAL, 3);
    dg_table_add_column(t, "zero_share", DG_CELL_PERCENT, 1);
    dg_table_add_column(t, "weakest_share", DG_CELL_PERCENT, 1);
    for (size_t m = 0; m < cycle->n_moments; m++) {
        const dg_mot_moment_stats *s = &r->moments[m];
        char scale[32];
        snprintf(scale, sizeof scale, "%d-%d", (int)cycle->moments[m].scale_min,
                 (int)cycle->moments[m].scale_max);
        dg_table_add_row(t);
        dg_table_set_int(t, 0, (int64_t)m + 1);
        moment_cells(t, 1, &cycle->moments[m]);
        dg_table_set_text(t, 5, scale);
        dg_table_set_int(t, 6, s->n_rated);
        if (s->n_rated) {
            dg_table_set_real(t, 7, s->mean);
            dg_table_set_percent(t, 8, (double)s->n_zero / (double)s->n_rated);
        }
        if (r->n_scored)
            dg_table_set_percent(t, 9, s->weakest_visits / (double)r->n_scored);
    }
    left_out_notes(t, v);
    return t;
}

static int score_tables(dg_report *out, const dg_mot_result *r,
                        const dg_mot_visits *v, dg_error *err)
{
    dg_table *t = dg_table_new("MOT cycle score: the multiplication rule against the mean");
    dg_table_add_column(t, "rule", DG_CELL_TEXT, 0);
    dg_table_add_column(t, "visits", DG_CELL_INT, 0);
    dg_table_add_column(t, "mean", DG_CELL_REAL, 3);
    dg_table_add_column(t, "zero_cycles", DG_CELL_PERCENT, 1);
    dg_table_add_column(t, "nps_rho", DG_CELL_REAL, 3);
    dg_table_add_column(t, "nps_low", DG_CELL_REAL, 3);
    dg_table_add_column(t, "nps_high", DG_CELL_REAL, 3);
    for (int rule = 0; rule < 2; rule++) {
        dg_table_add_row(t);
        dg_table_set_text(t, 0, rule == 0 ? "product" : "mean");
        dg_table_set_int(t, 1, r->n_scored);
        if (r->n_scored) {
            dg_table_set_real(t, 2, rule == 0 ? r->mean_product : r->mean_mean);
            dg_table_set_percent(t, 3, rule == 0 ? (double)r->n_zero_cycle / (double)r->n_scored
                                                 : 0.0);
        }
        set_corr(t, 4, rule == 0 ? &r->product_nps : &r->mean_nps);
    }
    dg_table_add_coded_note(t, "mot_rule", "The cycle score multiplies the moments' scores (0 = "
                            "bottom of the scale, 1 = top): one moment at the bottom makes the "
                            "whole cycle 0, whatever the others");
    left_out_notes(t, v);
    int rc = dg_report_add(out, t, err);
    if (rc != 0)
        return rc;

    t = dg_table_new("NPS of the visits whose cycle is zero");
    dg_table_add_column(t, "cycle", DG_CELL_TEXT, 0);
    dg_table_add_column(t, "answers", DG_CELL_INT, 0);
    dg_table_add_column(t, "detractors", DG_CELL_PERCENT, 1);
    dg_table_add_column(t, "nps", DG_CELL_REAL, 1);
    for (int zero = 1; zero >= 0; zero--) {
        int64_t n = zero ? r->n_zero_nps : r->n_nps - r->n_zero_nps;
        int64_t det = zero ? r->n_zero_detractors : r->n_detractors - r->n_zero_detractors;
        int64_t pro = zero ? r->n_zero_promoters : r->n_promoters - r->n_zero_promoters;
        dg_table_add_row(t);
        dg_table_set_text(t, 0, zero ? "zero" : "above_zero");
        dg_table_set_int(t, 1, n);
        if (n) {
            dg_table_set_percent(t, 2, (double)det / (double)n);
            dg_table_set_real(t, 3, 100.0 * (double)(pro - det) / (double)n);
        }
    }
    if ((rc = dg_report_add(out, t, err)) != 0)
        return rc;

    t = dg_table_new("MOT by element (hardware, software, humanware)");
    dg_table_add_column(t, "element", DG_CELL_TEXT, 0);
    dg_table_add_column(t, "moments", DG_CELL_INT, 0);
    dg_table_add_column(t, "ratings", DG_CELL_INT, 0);
    dg_table_add_column(t, "mean_score", DG_CELL_REAL, 3);
    dg_table_add_column(t, "zero_share", DG_CELL_PERCENT, 1);
    dg_table_add_column(t, "weakest_share", DG_CELL_PERCENT, 1);
    for (int e = 0; e < DG_MOT_N_ELEMENTS; e++) {
        const dg_mot_element_stats *s = &r->elements[e];
        dg_table_add_row(t);
        dg_table_set_text(t, 0, dg_mot_element_code((dg_mot_element)e));
        dg_table_set_int(t, 1, (int64_t)s->n_moments);
        dg_table_set_int(t, 2, s->n_ratings);
        if (s->n_ratings) {
            dg_table_set_real(t, 3, s->mean);
            dg_table_set_percent(t, 4, (double)s->n_zero / (double)s->n_ratings);
        }
        if (r->n_scored)
            dg_table_set_percent(t, 5, s->weakest_visits / (double)r->n_scored);
    }
    return dg_report_add(out, t, err);
}

typedef struct order_ctx {
    const dg_mot_result *r;
} order_ctx;

/* Moments from the lowest mean up (unrated last; ties: cycle order). */
static int by_mean(const void *a, const void *b, void *ctx)
{
    const dg_mot_result *r = ((const order_ctx *)ctx)->r;
    int x = *(const int *)a, y = *(const int *)b;
    const dg_mot_moment_stats *sx = &r->moments[x], *sy = &r->moments[y];
    if (!sx->n_rated != !sy->n_rated)
        return sx->n_rated ? -1 : 1;
    if (sx->mean != sy->mean)
        return sx->mean < sy->mean ? -1 : 1;
    return x - y;
}

/* Moments from the strongest link to NPS down (undefined last; ties: cycle order). */
static int by_nps_link(const void *a, const void *b, void *ctx)
{
    const dg_mot_result *r = ((const order_ctx *)ctx)->r;
    int x = *(const int *)a, y = *(const int *)b;
    const dg_mot_corr *cx = &r->moments[x].nps, *cy = &r->moments[y].nps;
    if (cx->defined != cy->defined)
        return cx->defined ? -1 : 1;
    if (cx->defined && cx->rho != cy->rho)
        return cx->rho > cy->rho ? -1 : 1;
    return x - y;
}

static dg_table *weakest_table(const dg_mot_cycle *cycle, const dg_mot_result *r,
                               const dg_mot_visits *v)
{
    int order[DG_MOT_MAX_MOMENTS];
    for (size_t m = 0; m < cycle->n_moments; m++)
        order[m] = (int)m;
    order_ctx c = { r };
    qsort_r(order, cycle->n_moments, sizeof order[0], by_mean, &c);
    dg_table *t = dg_table_new("MOT moments from the weakest");
    dg_table_add_column(t, "rank", DG_CELL_INT, 0);
    moment_columns(t);
    dg_table_add_column(t, "ratings", DG_CELL_INT, 0);
    dg_table_add_column(t, "mean_score", DG_CELL_REAL, 3);
    dg_table_add_column(t, "zero_share", DG_CELL_PERCENT, 1);
    dg_table_add_column(t, "weakest_share", DG_CELL_PERCENT, 1);
    for (size_t i = 0; i < cycle->n_moments; i++) {
        const dg_mot_moment_stats *s = &r->moments[order[i]];
        dg_table_add_row(t);
        dg_table_set_int(t, 0, (int64_t)i + 1);
        moment_cells(t, 1, &cycle->moments[order[i]]);
        dg_table_set_int(t, 5, s->n_rated);
        if (s->n_rated) {
            dg_table_set_real(t, 6, s->mean);
            dg_table_set_percent(t, 7, (double)s->n_zero / (double)s->n_rated);
        }
        if (r->n_scored)
            dg_table_set_percent(t, 8, s->weakest_visits / (double)r->n_scored);
    }
    if (r->weakest >= 0) {
        char note[160];
        snprintf(note, sizeof note, "the weakest moment overall (lowest mean score): %s",
                 cycle->moments[r->weakest].code);
        dg_table_add_note(t, note);
    }
    left_out_notes(t, v);
    return t;
}

static dg_table *drivers_table(const dg_mot_cycle *cycle, const dg_mot_result *r,
                               const dg_mot_visits *v)
{
    int order[DG_MOT_MAX_MOMENTS];
    for (size_t m = 0; m < cycle->n_moments; m++)
        order[m] = (int)m;
    order_ctx c = { r };
    qsort_r(order, cycle->n_moments, sizeof order[0], by_nps_link, &c);
    dg_table *t = dg_table_new("MOT drivers: each moment's rank correlation with NPS and "
                               "repurchase (95% intervals)");
    dg_table_add_column(t, "rank", DG_CELL_INT, 0);
    moment_columns(t);
    dg_table_add_column(t, "nps_n", DG_CELL_INT, 0);
    dg_table_add_column(t, "nps_rho", DG_CELL_REAL, 3);
    dg_table_add_column(t, "nps_low", DG_CELL_REAL, 3);
    dg_table_add_column(t, "nps_high", DG_CELL_REAL, 3);
    dg_table_add_column(t, "repurchase_n", DG_CELL_INT, 0);
    dg_table_add_column(t, "repurchase_rho", DG_CELL_REAL, 3);
    dg_table_add_column(t, "repurchase_low", DG_CELL_REAL, 3);
    dg_table_add_column(t, "repurchase_high", DG_CELL_REAL, 3);
    for (size_t i = 0; i < cycle->n_moments; i++) {
        const dg_mot_moment_stats *s = &r->moments[order[i]];
        dg_table_add_row(t);
        dg_table_set_int(t, 0, (int64_t)i + 1);
        moment_cells(t, 1, &cycle->moments[order[i]]);
        dg_table_set_int(t, 5, s->nps.n);
        set_corr(t, 6, &s->nps);
        dg_table_set_int(t, 9, s->repurchase.n);
        set_corr(t, 10, &s->repurchase);
    }
    char note[200];
    snprintf(note, sizeof note, "Spearman's rho (ties averaged), 95%% interval by Fisher's z; "
             "repurchase: back within %d days (visits whose window is not over are left out)",
             (int)cycle->repurchase_days);
    dg_table_add_note(t, note);
    left_out_notes(t, v);
    return t;
}

typedef struct visit_order {
    const double *product, *mean;
} visit_order;

static int worst_first(const void *a, const void *b, void *ctx)
{
    const visit_order *o = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    if (o->product[x] != o->product[y])
        return o->product[x] < o->product[y] ? -1 : 1;
    if (o->mean[x] != o->mean[y])
        return o->mean[x] < o->mean[y] ? -1 : 1;
    return (x > y) - (x < y);
}

static int visits_table(dg_report *out, const dg_mot_cycle *cycle, const dg_mot_visits *v,
                        size_t top, dg_error *err)
{
    size_t n = v->data.n_visits, nm = v->data.n_moments, k = 0;
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    double *product = malloc((n ? n : 1) * sizeof *product);
    double *mean = malloc((n ? n : 1) * sizeof *mean);
    int *weakest = malloc((n ? n : 1) * sizeof *weakest);
    if (!order || !product || !mean || !weakest) {
        free(order);
        free(product);
        free(mean);
        free(weakest);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        dg_mot_visit_score s;
        dg_mot_score_visit(&s, cycle, v->data.scores + i * nm);
        if (s.n_rated == 0)
            continue;
        product[i] = s.product;
        mean[i] = s.mean;
        weakest[i] = s.weakest;
        order[k++] = i;
    }
    visit_order o = { product, mean };
    qsort_r(order, k, sizeof *order, worst_first, &o);
    dg_table *t = dg_table_new("MOT visits, the worst cycle first");
    dg_table_add_column(t, "visit_id", DG_CELL_TEXT, 0);
    dg_table_add_column(t, "customer_id", DG_CELL_TEXT, 0);
    dg_table_add_column(t, "visited_on", DG_CELL_DATE, 0);
    dg_table_add_column(t, "nps", DG_CELL_INT, 0);
    dg_table_add_column(t, "cycle_product", DG_CELL_REAL, 3);
    dg_table_add_column(t, "cycle_mean", DG_CELL_REAL, 3);
    dg_table_add_column(t, "weakest_moment", DG_CELL_TEXT, 0);
    dg_table_add_column(t, "weakest_score", DG_CELL_INT, 0);
    for (size_t j = 0; j < k && (top == 0 || j < top); j++) {
        size_t i = order[j];
        dg_table_add_row(t);
        dg_table_set_text(t, 0, v->visit_ids[i]);
        dg_table_set_text(t, 1, v->customer_ids[i]);
        dg_table_set_int(t, 2, v->visited_on[i]);
        if (v->data.nps[i] >= 0)
            dg_table_set_int(t, 3, v->data.nps[i]);
        dg_table_set_real(t, 4, product[i]);
        dg_table_set_real(t, 5, mean[i]);
        dg_table_set_text(t, 6, cycle->moments[weakest[i]].code);
        dg_table_set_int(t, 7, v->data.scores[i * nm + (size_t)weakest[i]]);
    }
    if (k > 0 && top && k > top) {
        char note[96];
        snprintf(note, sizeof note, "the %zu worst of %zu rated visits", top, k);
        dg_table_add_note(t, note);
    }
    left_out_notes(t, v);
    free(order);
    free(product);
    free(mean);
    free(weakest);
    return dg_report_add(out, t, err);
}

int dg_report_mot(dg_report *out, const dg_mot_cycle *cycle, const dg_mot_visits *visits,
                  dg_mot_view view, size_t top, dg_error *err)
{
    if (view == DG_MOT_VIEW_VISITS)
        return visits_table(out, cycle, visits, top, err);
    dg_mot_result *r = NULL;
    int rc = dg_mot_analyse(&r, cycle, &visits->data, err);
    if (rc != 0)
        return rc;
    switch (view) {
    case DG_MOT_VIEW_CYCLE: rc = dg_report_add(out, cycle_table(cycle, r, visits), err); break;
    case DG_MOT_VIEW_SCORE: rc = score_tables(out, r, visits, err); break;
    case DG_MOT_VIEW_WEAKEST: rc = dg_report_add(out, weakest_table(cycle, r, visits), err); break;
    default: rc = dg_report_add(out, drivers_table(cycle, r, visits), err); break;
    }
    free(r);
    return rc;
}

int dg_report_mot_store(dg_report *out, dg_store *store, const dg_mot_cycle *cycle,
                        dg_mot_view view, int32_t as_of, size_t top, dg_error *err)
{
    dg_mot_visits visits;
    int rc = dg_mot_visits_load(&visits, store, cycle, as_of, err);
    if (rc != 0)
        return rc;
    rc = dg_report_mot(out, cycle, &visits, view, top, err);
    dg_mot_visits_clear(&visits);
    return rc;
}
