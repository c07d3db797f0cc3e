/* k-means clustering of n points in d dimensions (row-major doubles): Lloyd's iterations from
 * k-means++ starts (Arthur & Vassilvitskii 2007, "k-means++: the advantages of careful seeding",
 * SODA, section 2.2: each next centre drawn with probability D(x)^2 / sum D^2), restarted
 * n_init times, keeping the restart with the lowest inertia (sum of squared distances to the
 * assigned centre); on many points the restarts run on a sample and the best one is refined on
 * all of them. Deterministic for a seed: restart i draws from stream i of the seed
 * (dg_rng_seed_stream), and the per-cluster sums are added in fixed chunks whatever the number
 * of threads. And the silhouette (Rousseeuw 1987, "Silhouettes: a graphical aid to the
 * interpretation and validation of cluster analysis", J. Comput. Appl. Math. 20, eq. (1)) on a
 * sample of the points. */
#ifndef DANGOL_KMEANS_H
#define DANGOL_KMEANS_H

#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"

DG_API_BEGIN

typedef struct dg_kmeans_options {
    size_t k;                     /* clusters, 1 <= k <= n */
    int n_init;                   /* restarts (default 4) */
    int max_iter;                 /* Lloyd iterations per restart (default 300) */
    double tol;                   /* stop when the centres move less than tol times the mean
                                     variance of the columns, summed squared (default 1e-4,
                                     scikit-learn's) */
    uint64_t seed;
    int threads;                  /* 0: one per online CPU */
    const double *init_centers;   /* k x d starting centres (then n_init is 1); NULL: k-means++ */
    size_t restart_sample;        /* with more points than this (default 100,000; 0: never),
                                     the restarts run on a sample of this many points drawn
                                     with the seed, and the best one's centres start one run on
                                     all the points */
} dg_kmeans_options;

/* Fills opt with the defaults given beside each field for k clusters. Cannot fail. */
void dg_kmeans_options_init(dg_kmeans_options *opt, size_t k);

typedef struct dg_kmeans {
    size_t n, d, k;
    double *centers;              /* k x d */
    uint32_t *label;              /* [n] cluster of each point, 0..k-1 */
    size_t *size;                 /* [k] points per cluster */
    double inertia;               /* sum of squared distances to the assigned centre */
    int iterations;               /* of the kept restart */
    int restart;                  /* which restart was kept (0-based) */
} dg_kmeans;

/* Clusters x. DG_EINVAL when k is 0 or more than n, or when x has fewer than k distinct points
 * (k-means++ cannot place k different centres). A cluster left empty by an iteration gets the
 * point farthest from its centre. Caller frees with dg_kmeans_free. */
int dg_kmeans_fit(dg_kmeans **out, const double *x, size_t n, size_t d,
                  const dg_kmeans_options *opt, dg_error *err);
void dg_kmeans_free(dg_kmeans *km);   /* NULL is a no-op */

/* The mean silhouette of up to `sample` points drawn without replacement with seed (all points
 * when sample is 0 or >= n): for a point, a = mean distance to the other points of its cluster,
 * b = the smallest mean distance to the points of another cluster, s = (b - a) / max(a, b)
 * (0 for a point alone in its cluster, and when a = b = 0). Distances are within the sample.
 * DG_EINVAL with fewer than 2 clusters among the sample. */
int dg_silhouette(double *out, const double *x, size_t n, size_t d, const uint32_t *label,
                  size_t k, size_t sample, uint64_t seed, dg_error *err);

DG_API_END

#endif
