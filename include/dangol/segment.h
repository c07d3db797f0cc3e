/* Customer segmentation: k-means (dangol/kmeans.h) on the customer feature table
 * (dangol/features.h). The chosen features are log-transformed (log1p; sign-preserving for a
 * trend; scores and 0/1 columns as they are) and standardised to mean 0 and standard deviation 1,
 * so no feature weighs more for its unit. k is chosen by the mean silhouette on a sample
 * (Rousseeuw 1987) over k_min..k_max unless given. Each segment gets a profile (size, revenue
 * share, feature means as ratios to the population's) and a plain-language name suggested from
 * it by fixed rules (docs/segment.md), a code of the vocabulary's "cluster" domain. */
#ifndef DANGOL_SEGMENT_H
#define DANGOL_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"
#include "dangol/features.h"
#include "dangol/frame.h"
#include "dangol/kmeans.h"
#include "dangol/rfm.h"
#include "dangol/table.h"

DG_API_BEGIN

#define DG_SEGMENT_MIN_CUSTOMERS 10
#define DG_SEGMENT_K_MAX 20

typedef struct dg_segment_options {
    size_t k;                  /* 0: chosen by silhouette over k_min..k_max */
    size_t k_min, k_max;       /* default 2..10 (at most DG_SEGMENT_K_MAX, and below the
                                  number of customers) */
    size_t sample;             /* points the silhouette looks at (default 3000) */
    uint64_t seed;             /* default 1 */
    int n_init;                /* k-means restarts (default 4) */
    int threads;               /* 0: one per online CPU */
    const char *features;      /* comma-separated feature names; NULL: the behavioural set */
} dg_segment_options;

/* Fills opt with the defaults given beside each field. Cannot fail. */
void dg_segment_options_init(dg_segment_options *opt);

/* Suggested segment names (codes of the vocabulary's "cluster" domain). */
typedef enum dg_segment_name {
    DG_SEGNAME_CHAMPIONS, DG_SEGNAME_SLIPPING_VIPS, DG_SEGNAME_BIG_SPENDERS,
    DG_SEGNAME_LOYAL_REGULARS, DG_SEGNAME_NEWCOMERS, DG_SEGNAME_RECENT_OCCASIONAL,
    DG_SEGNAME_LAPSED, DG_SEGNAME_FADING, DG_SEGNAME_STEADY_MIDDLE, DG_SEGNAME_COUNT
} dg_segment_name;

const char *dg_segment_name_code(dg_segment_name name);   /* "champions", ... */

typedef struct dg_segmentation {
    const dg_features *features;   /* borrowed: must outlive the segmentation */
    size_t n_used;                 /* features clustered on */
    size_t *used;                  /* [n_used] their feature columns */
    double *z;                     /* [n_rows x n_used] transformed, standardised */
    dg_kmeans *km;                 /* the kept clustering */
    size_t k;
    size_t n_tried;                /* k values tried (0 when k was given) */
    size_t k_tried[DG_SEGMENT_K_MAX];
    double silhouette[DG_SEGMENT_K_MAX];   /* mean silhouette for each k tried */
    double inertia[DG_SEGMENT_K_MAX];
    double chosen_silhouette;      /* of the kept k (computed also when k was given) */
    size_t sample;                 /* points the silhouette looked at */
    double *mean;                  /* [k x n_features] raw feature means per segment */
    double *population_mean;       /* [n_features] */
    int64_t *revenue_minor;        /* [k] */
    int64_t total_revenue_minor;
    dg_segment_name *name;         /* [k] suggested names */
    dg_table *notes;               /* features left out (constant) and the features' own notes */
} dg_segmentation;

/* Runs the segmentation of features. DG_EINVAL: fewer than DG_SEGMENT_MIN_CUSTOMERS rows or
 * fewer than k, an unknown or unavailable feature (named, with the valid ones), every chosen
 * feature constant, or a bad k range. A constant feature of the default set is left out with a
 * note; one named in opt->features is refused. Caller frees with dg_segmentation_free. */
int dg_segment_run(dg_segmentation **out, const dg_features *features,
                   const dg_segment_options *opt, dg_error *err);
void dg_segmentation_free(dg_segmentation *seg);   /* NULL is a no-op */

/* ---- tables ---- */

/* One row per segment: number, suggested name (English and Korean), customers, share, revenue,
 * revenue share, and for each clustered feature its mean as a ratio to the population mean
 * (null when the population mean is 0). */
int dg_segment_profile_table(dg_table **out, const dg_segmentation *seg, int minor_digits,
                             dg_error *err);
/* One row per segment and a population row: the raw means of every clustered feature. */
int dg_segment_means_table(dg_table **out, const dg_segmentation *seg, dg_error *err);
/* One row per k tried: k, mean silhouette, inertia, chosen. */
int dg_segment_silhouette_table(dg_table **out, const dg_segmentation *seg, dg_error *err);
/* One row per customer: customer_id, segment, name. */
int dg_segment_customer_table(dg_table **out, const dg_frame *frame,
                              const dg_segmentation *seg, dg_error *err);
/* Segments (rows) against the RFM segments of rfm (columns, in the map's order): customers. */
int dg_segment_crosstab_table(dg_table **out, const dg_segmentation *seg,
                              const dg_rfm_result *rfm, const dg_rfm_segment_map *map,
                              dg_error *err);

DG_API_END

#endif
