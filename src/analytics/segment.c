/* Customer segmentation (include/dangol/segment.h): picks the features, transforms and
 * standardises them, clusters with k-means for the given k or for each k of a range keeping the
 * one with the highest mean silhouette on a sample (ties: the smaller k), then profiles the
 * segments on the raw features and names them by the rules of suggest_name. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/segment.h"

static const char *const name_codes[DG_SEGNAME_COUNT] = {
    "champions", "slipping_vips", "big_spenders", "loyal_regulars", "newcomers",
    "recent_occasional", "lapsed", "fading", "steady_middle" };

const char *dg_segment_name_code(dg_segment_name name)
{
    return name < DG_SEGNAME_COUNT ? name_codes[name] : "";
}

void dg_segment_options_init(dg_segment_options *opt)
{
    *opt = (dg_segment_options){ .k_min = 2, .k_max = 10, .sample = 3000, .seed = 1,
                                 .n_init = 4 };
}

void dg_segmentation_free(dg_segmentation *seg)
{
    if (!seg)
        return;
    free(seg->used);
    free(seg->z);
    dg_kmeans_free(seg->km);
    free(seg->mean);
    free(seg->population_mean);
    free(seg->revenue_minor);
    free(seg->name);
    dg_table_free(seg->notes);
    free(seg);
}

static double transform(dg_feature_scale scale, double v)
{
    switch (scale) {
    case DG_FEATURE_LOG: return log1p(v > 0.0 ? v : 0.0);
    case DG_FEATURE_SIGNED_LOG: return v < 0.0 ? -log1p(-v) : log1p(v);
    case DG_FEATURE_LINEAR:
    default: return v;
    }
}

/* Fills seg->used from opt->features (or the behavioural set). explicit_set: named by the user. */
static int choose_features(dg_segmentation *seg, const dg_features *f, const char *list,
                           dg_error *err)
{
    if (!(seg->used = malloc((f->n_features ? f->n_features : 1) * sizeof *seg->used)))
        return dg_error_set(err, DG_ENOMEM, "out of memory for the segmentation");
    if (!list) {
        for (size_t j = 0; j < f->n_features; j++)
            if (f->behavioural[j])
                seg->used[seg->n_used++] = j;
        return 0;
    }
    const char *p = list;
    while (*p) {
        size_t len = strcspn(p, ",");
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(len < 127 ? len : 127), p);
        int j = len ? dg_features_find(f, name) : -1;
        if (j < 0) {
            char valid[DG_ERROR_MSG_MAX / 2] = "";
            for (size_t i = 0; i < f->n_features; i++) {
                size_t used = strlen(valid);
                snprintf(valid + used, sizeof valid - used, "%s%s", i ? ", " : "", f->names[i]);
            }
            if (dg_feature_name_known(name))
                return dg_error_set(err, DG_EINVAL, "feature \"%s\" is not in this data (its "
                                    "input is missing by the as-of day); available: %s", name,
                                    valid);
            return dg_error_set(err, DG_EINVAL, "unknown feature \"%s\"; available: %s", name,
                                valid);
        }
        for (size_t i = 0; i < seg->n_used; i++)
            if (seg->used[i] == (size_t)j)
                return dg_error_set(err, DG_EINVAL, "feature \"%s\" is named twice", name);
        seg->used[seg->n_used++] = (size_t)j;
        p += len;
        if (*p == ',')
            p++;
    }
    if (seg->n_used == 0)
        return dg_error_set(err, DG_EINVAL, "no feature named in \"%s\"", list);
    return 0;
}

/* Builds seg->z: transformed, standardised; a constant feature is left out with a note (the
 * default set) or refused (named by the user). */
static int standardise(dg_segmentation *seg, const dg_features *f, bool named, dg_error *err)
{
    size_t n = f->n_rows, d = f->n_features, kept = 0;
    if (!(seg->z = malloc(n * (seg->n_used ? seg->n_used : 1) * sizeof *seg->z)))
        return dg_error_set(err, DG_ENOMEM, "out of memory for the segmentation");
    for (size_t u = 0; u < seg->n_used; u++) {
        size_t j = seg->used[u];
        double mean = 0.0, ss = 0.0;
        for (size_t i = 0; i < n; i++)
            mean += transform(f->scale[j], f->values[i * d + j]);
        mean /= (double)n;
        for (size_t i = 0; i < n; i++) {
            double t = transform(f->scale[j], f->values[i * d + j]) - mean;
            ss += t * t;
        }
        double sd = sqrt(ss / (double)n);
        if (!(sd > 1e-12 * (fabs(mean) > 1.0 ? fabs(mean) : 1.0))) {
            char text[256];
            snprintf(text, sizeof text, "feature %s is the same for every customer (%g): it "
                     "cannot separate segments%s", f->names[j], f->values[j],
                     named ? "; leave it out of --features" : " and is left out");
            if (named)
                return dg_error_set(err, DG_EINVAL, "%s", text);
            if (dg_table_add_note(seg->notes, text) != 0)
                return dg_error_set(err, DG_ENOMEM, "out of memory for the segmentation");
            continue;
        }
        for (size_t i = 0; i < n; i++)
            seg->z[i * seg->n_used + kept] = (transform(f->scale[j], f->values[i * d + j]) - mean) / sd;
        seg->used[kept++] = j;
    }
    if (kept == 0)
        return dg_error_set(err, DG_EINVAL, "every chosen feature is the same for all %zu "
                            "customers: there is nothing to segment on", n);
    if (kept < seg->n_used) {   /* close the gaps the left-out columns made */
        for (size_t i = 0; i < n; i++)
            memmove(seg->z + i * kept, seg->z + i * seg->n_used, kept * sizeof *seg->z);
        seg->n_used = kept;
    }
    return 0;
}

/* Ratio of a segment's mean to the population's (1 when the population's is 0). */
static double ratio(double seg_mean, double pop_mean)
{
    return pop_mean != 0.0 ? seg_mean / pop_mean : 1.0;
}

/* The ratio of feature j in the segment means m; 1 when the table has no such feature. */
static double feature_ratio(const dg_segmentation *seg, const double *m, int j)
{
    return j < 0 ? 1.0 : ratio(m[j], seg->population_mean[j]);
}

/* The name rules (docs/segment.md), on the ratios of recency, frequency, monetary and tenure. */
static dg_segment_name suggest_name(double r, double f, double m, double t)
{
    if (f >= 1.5 && m >= 1.5)
        return r <= 1.0 ? DG_SEGNAME_CHAMPIONS : DG_SEGNAME_SLIPPING_VIPS;
    if (m >= 1.5)
        return DG_SEGNAME_BIG_SPENDERS;
    if (f >= 1.2 && r <= 1.0)
        return DG_SEGNAME_LOYAL_REGULARS;
    if (r >= 1.5)
        return DG_SEGNAME_LAPSED;
    if (t <= 0.6 && r <= 0.8)
        return DG_SEGNAME_NEWCOMERS;
    if (r <= 0.8)
        return DG_SEGNAME_RECENT_OCCASIONAL;
    if (r >= 1.2)
        return DG_SEGNAME_FADING;
    return DG_SEGNAME_STEADY_MIDDLE;
}

static int profile(dg_segmentation *seg, const dg_features *f, dg_error *err)
{
    size_t k = seg->k, d = f->n_features, n = f->n_rows;
    if (!(seg->mean = calloc(k * d, sizeof *seg->mean)) ||
        !(seg->population_mean = calloc(d ? d : 1, sizeof *seg->population_mean)) ||
        !(seg->revenue_minor = calloc(k, sizeof *seg->revenue_minor)) ||
        !(seg->name = calloc(k, sizeof *seg->name)))
        return dg_error_set(err, DG_ENOMEM, "out of memory for the segment profiles");
    for (size_t i = 0; i < n; i++) {
        uint32_t c = seg->km->label[i];
        for (size_t j = 0; j < d; j++) {
            seg->mean[c * d + j] += f->values[i * d + j];
            seg->population_mean[j] += f->values[i * d + j];
        }
        seg->revenue_minor[c] += f->revenue_minor[i];
        seg->total_revenue_minor += f->revenue_minor[i];
    }
    for (size_t j = 0; j < d; j++)
        seg->population_mean[j] /= (double)n;
    for (size_t c = 0; c < k; c++)
        for (size_t j = 0; j < d; j++)
            seg->mean[c * d + j] /= (double)(seg->km->size[c] ? seg->km->size[c] : 1);
    int jr = dg_features_find(f, "recency_days"), jf = dg_features_find(f, "frequency"),
        jm = dg_features_find(f, "monetary"), jt = dg_features_find(f, "tenure_days");
    for (size_t c = 0; c < k; c++) {
        const double *m = seg->mean + c * d;
        seg->name[c] = suggest_name(feature_ratio(seg, m, jr), feature_ratio(seg, m, jf),
                                    feature_ratio(seg, m, jm), feature_ratio(seg, m, jt));
    }
    return 0;
}

/* k-means with k clusters and its silhouette on the sample. */
static int fit_k(dg_kmeans **km, double *silhouette, const dg_segmentation *seg, size_t n,
                 size_t k, const dg_segment_options *opt, dg_error *err)
{
    dg_kmeans_options ko;
    dg_kmeans_options_init(&ko, k);
    ko.seed = opt->seed;
    ko.n_init = opt->n_init;
    ko.threads = opt->threads;
    int rc = dg_kmeans_fit(km, seg->z, n, seg->n_used, &ko, err);
    if (rc == 0 && k >= 2)
        rc = dg_silhouette(silhouette, seg->z, n, seg->n_used, (*km)->label, k, opt->sample,
                           opt->seed ^ 0x5157u, err);
    else if (rc == 0)
        *silhouette = 0.0;
    return rc;
}

static int choose_k(dg_segmentation *seg, size_t n, const dg_segment_options *opt,
                    dg_error *err)
{
    size_t k_max = opt->k_max < n ? opt->k_max : n - 1;
    if (opt->k_min < 2 || opt->k_min > k_max || opt->k_max > DG_SEGMENT_K_MAX)
        return dg_error_set(err, DG_EINVAL, "k range %zu..%zu is not valid here; it must lie "
                            "within 2..%d and below the %zu customers", opt->k_min, opt->k_max,
                            DG_SEGMENT_K_MAX, n);
    double best = -INFINITY;
    for (size_t k = opt->k_min; k <= k_max; k++) {
        dg_kmeans *km = NULL;
        double s;
        dg_error e;
        dg_error_clear(&e);
        int rc = fit_k(&km, &s, seg, n, k, opt, &e);
        if (rc == DG_EINVAL && seg->n_tried > 0) {   /* fewer distinct points than k: stop */
            char text[DG_ERROR_MSG_MAX + 32];
            snprintf(text, sizeof text, "k from %zu on not tried: %s", k, e.message);
            if (dg_table_add_note(seg->notes, text) != 0)
                return dg_error_set(err, DG_ENOMEM, "out of memory for the segmentation");
            break;
        }
        if (rc != 0) {
            *err = e;
            return rc;
        }
        seg->k_tried[seg->n_tried] = k;
        seg->silhouette[seg->n_tried] = s;
        seg->inertia[seg->n_tried] = km->inertia;
        seg->n_tried++;
        if (s > best) {
            best = s;
            dg_kmeans_free(seg->km);
            seg->km = km;
            seg->k = k;
            seg->chosen_silhouette = s;
        } else {
            dg_kmeans_free(km);
        }
    }
    return 0;
}

/* What the segmentation leaves out by the data: customers without orders, and in the default
 * set the category breadth when there are no order lines. */
static int add_input_notes(dg_segmentation *seg, const dg_features *f, bool default_set)
{
    char text[200];
    int rc = 0;
    if (f->n_without_orders) {
        snprintf(text, sizeof text, "%zu customers without an order by the as-of day are not "
                 "segmented", f->n_without_orders);
        rc = dg_table_add_note(seg->notes, text);
    }
    if (rc == 0 && default_set && dg_features_find(f, "category_breadth") < 0)
        rc = dg_table_add_note(seg->notes, "category_breadth left out: no order lines with "
                               "product categories");
    return rc;
}

int dg_segment_run(dg_segmentation **out, const dg_features *f, const dg_segment_options *opt,
                   dg_error *err)
{
    dg_segment_options defaults;
    dg_segment_options_init(&defaults);
    if (!opt)
        opt = &defaults;
    *out = NULL;
    size_t n = f->n_rows;
    if (n < DG_SEGMENT_MIN_CUSTOMERS)
        return dg_error_set(err, DG_EINVAL, "segmentation needs at least %d customers with an "
                            "order by the as-of day; there are %zu", DG_SEGMENT_MIN_CUSTOMERS, n);
    if (opt->k > n)
        return dg_error_set(err, DG_EINVAL, "k = %zu is more than the %zu customers with an "
                            "order", opt->k, n);
    if (opt->k > DG_SEGMENT_K_MAX)
        return dg_error_set(err, DG_EINVAL, "k = %zu: at most %d segments", opt->k,
                            DG_SEGMENT_K_MAX);
    dg_segmentation *seg = calloc(1, sizeof *seg);
    int rc;
    if (!seg || !(seg->notes = dg_table_new(NULL))) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory for the segmentation");
        goto cleanup;
    }
    seg->features = f;
    seg->sample = opt->sample == 0 || opt->sample >= n ? n : opt->sample;
    if ((rc = add_input_notes(seg, f, opt->features == NULL)) != 0) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory for the segmentation");
        goto cleanup;
    }
    if ((rc = choose_features(seg, f, opt->features, err)) != 0 ||
        (rc = standardise(seg, f, opt->features != NULL, err)) != 0)
        goto cleanup;
    if (opt->k) {
        seg->k = opt->k;
        rc = fit_k(&seg->km, &seg->chosen_silhouette, seg, n, opt->k, opt, err);
    } else {
        rc = choose_k(seg, n, opt, err);
    }
    if (rc == 0)
        rc = profile(seg, f, err);
cleanup:
    if (rc != 0)
        dg_segmentation_free(seg);
    else
        *out = seg;
    return rc;
}
