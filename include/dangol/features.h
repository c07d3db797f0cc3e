/* The customer feature table: one row per customer with at least one order by the as-of day, one
 * column per feature, computed from the frame with nothing dated after the as-of day (orders,
 * survey answers and feedback after it are never read, and customers first seen after it have no
 * row), so the table is the same whatever the store learns later. What the mining models
 * (segmentation, later churn and lookalike) start from. The loyalty programme's tables (tier
 * history, points ledger, coupon redemptions) are not in the frame: their facts as of the same
 * day are read from the store (dg_features_programme_read) and joined to the frame's customers by
 * index, adding tier, points and coupon columns. docs/segment.md lists the features and how each
 * is defined, including the value a customer without the input gets. */
#ifndef DANGOL_FEATURES_H
#define DANGOL_FEATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"
#include "dangol/frame.h"
#include "dangol/table.h"

DG_API_BEGIN

/* How a feature is brought to a common scale before distances are taken (dangol/segment.h). */
typedef enum dg_feature_scale {
    DG_FEATURE_LOG,       /* nonnegative and skewed (counts, days, money): log1p(x) */
    DG_FEATURE_SIGNED_LOG,/* signed and skewed (a trend): sign(x) log1p(|x|) */
    DG_FEATURE_LINEAR     /* a score, an age or a 0/1 indicator: as is */
} dg_feature_scale;

typedef struct dg_features {
    int32_t as_of;
    size_t n_rows;             /* customers with at least one order by as_of */
    size_t n_features;
    size_t n_without_orders;   /* customers first seen by as_of but without an order: no row */
    uint32_t *customer;        /* [n_rows] frame index of each row's customer */
    char **names;              /* [n_features] "recency_days", ..., "gender_F", "region_Seoul" */
    dg_feature_scale *scale;   /* [n_features] */
    bool *behavioural;         /* [n_features] part of the default segmentation set */
    uint8_t *decimals;         /* [n_features] shown with this many decimals */
    double *values;            /* [n_rows * n_features], row-major; never NaN. NULL for a
                                  table of rows on demand (dg_features_rows reads either) */
    int64_t *revenue_minor;    /* [n_rows] spend by as_of (for revenue shares) */
    bool programme_read;       /* computed with the programme facts: a programme column it lacks
                                  is 0 for every row (no row of its table by as_of, or none
                                  nonzero) */
    dg_table *notes;           /* remarks (imputed values, inputs not in the data): a table with
                                  no columns that only carries notes; dg_features_copy_notes */
    struct dg__features_source *source;   /* private: how a row on demand is computed */
} dg_features;

/* What the store's loyalty programme tables say about each customer of a frame as of one day:
 * the input of the tier, points and coupon columns. Every array is by frame index
 * ([n_customers]) and NULL when its table has no row dated by as_of. */
typedef struct dg_features_programme {
    int32_t as_of;
    size_t n_customers;            /* the frame's */
    int32_t *tier_rank;            /* the tier held on as_of (the last tier_history change by
                                      then): its index in the stored tier rules, 0 (the lowest)
                                      without a change */
    int32_t *tier_downgrades;      /* tier changes down by as_of (NULL with tier_rank) */
    size_t tiers_unknown;          /* customers whose tier the stored rules do not name (counted
                                      in the lowest) */
    int64_t *points_balance;       /* the ledger's movements by as_of: their sum, */
    int64_t *points_earned;        /* earns less their reversals, */
    int64_t *points_burned;        /* burns, */
    int64_t *points_expired;       /* and expiries (NULL together) */
    int64_t *coupons_redeemed;     /* redemptions by as_of whose order was not returned by then */
    int64_t *coupon_discount_minor;/* their discounts (NULL with coupons_redeemed) */
} dg_features_programme;

/* Reads the programme facts of frame's customers as of as_of (DG_DAY_NONE: the frame's day)
 * from store, one aggregate query per table in one consistent read. Caller frees with
 * dg_features_programme_free. */
int dg_features_programme_read(dg_features_programme **out, dg_store *store,
                               const dg_frame *frame, int32_t as_of, dg_error *err);
void dg_features_programme_free(dg_features_programme *programme);   /* NULL is a no-op */

/* Where a computation that builds feature tables of several days gets each day's programme
 * facts (the churn training, dangol/churn.h); ctx is the caller's. */
typedef int (*dg_features_programme_fn)(void *ctx, int32_t as_of, dg_features_programme **out,
                                        dg_error *err);
/* The usual one: dg_features_programme_read on a dg_features_programme_source. */
typedef struct dg_features_programme_source {
    dg_store *store;
    const dg_frame *frame;
} dg_features_programme_source;
/* Reads the programme facts of as_of from source (a dg_features_programme_source) into *out,
 * which the caller frees with dg_features_programme_free; the store's errors, DG_ENOMEM. */
int dg_features_programme_from_store(void *source, int32_t as_of, dg_features_programme **out,
                                     dg_error *err);

typedef struct dg_features_options {
    int32_t as_of;             /* DG_DAY_NONE: the frame's as-of day (never later than it) */
    bool demographics;         /* also age and one-hot gender, region, income band (default on
                                  through dg_features_options_init) */
    const dg_features_programme *programme;   /* the programme facts of the same day for the
                                  tier, points and coupon columns; NULL: none (a note says so) */
    bool rows_on_demand;       /* leave values NULL and compute each row when it is read
                                  (dg_features_rows), from the frame and the programme facts,
                                  which must then outlive the table: for a reader that passes over
                                  the rows once, such as scoring, so the n x p table is never
                                  held (at 1 M customers about 250 MB) */
} dg_features_options;

/* Fills opt with the defaults given beside each field. Cannot fail. */
void dg_features_options_init(dg_features_options *opt);

/* The optional order columns (dg_frame_options.columns) the table reads: the channels (channel
 * breadth). A frame read with only these computes the same table. */
#define DG_FEATURES_ORDER_COLUMNS (DG_FRAME_ORDER_CORE | DG_FRAME_ORDER_CHANNEL)

/* Computes the table for frame. opts NULL = defaults. DG_EINVAL when as_of is after the frame's.
 * Caller frees with dg_features_free. */
int dg_features_compute(dg_features **out, const dg_frame *frame, const dg_features_options *opt,
                        dg_error *err);
void dg_features_free(dg_features *features);   /* NULL is a no-op */

/* dg_features_compute with the programme columns: the facts of store read as of the table's day
 * (opt->programme and opt->rows_on_demand are ignored). */
int dg_features_compute_stored(dg_features **out, dg_store *store, const dg_frame *frame,
                               const dg_features_options *opt, dg_error *err);

/* Rows [begin, end) of the table, row-major (n_features values each), into out: copied from
 * values, or computed for a table of rows on demand (the same values to the bit). Safe to call
 * from several threads at once. 0 or DG_ENOMEM. */
int dg_features_rows(const dg_features *features, size_t begin, size_t end, double *out);

/* Index of the feature called name, or -1. */
int dg_features_find(const dg_features *features, const char *name);

/* Whether name is a feature dangol computes when the data holds its input (a fixed name, or a
 * one-hot "gender_", "region_" or "income_" column). */
bool dg_feature_name_known(const char *name);
/* Whether name is one of the programme columns (tier, points, coupons): only a table computed
 * with the programme facts has them. */
bool dg_feature_from_programme(const char *name);

/* Adds the feature table's notes to t. 0 or DG_ENOMEM. */
int dg_features_copy_notes(const dg_features *features, dg_table *t);

/* One row per customer: customer_id, then every feature. Caller frees with dg_table_free. */
int dg_features_table(dg_table **out, const dg_frame *frame, const dg_features *features,
                      dg_error *err);

DG_API_END

#endif
