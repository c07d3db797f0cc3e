/* The customer feature table: one row per customer with at least one order by the as-of day, one
 * column per feature, computed from the frame with nothing dated after the as-of day (orders,
 * survey answers and feedback after it are never read, and customers first seen after it have no
 * row), so the table is the same whatever the store learns later. What the mining models
 * (segmentation, later churn and lookalike) start from. docs/segment.md lists the features and
 * how each is defined, including the value a customer without the input gets. */
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
    double *values;            /* [n_rows * n_features], row-major; never NaN */
    int64_t *revenue_minor;    /* [n_rows] spend by as_of (for revenue shares) */
    dg_table *notes;           /* remarks (imputed values, inputs not in the data): a table with
                                  no columns that only carries notes; dg_features_copy_notes */
} dg_features;

typedef struct dg_features_options {
    int32_t as_of;             /* DG_DAY_NONE: the frame's as-of day (never later than it) */
    bool demographics;         /* also age and one-hot gender, region, income band (default on
                                  through dg_features_options_init) */
} dg_features_options;

void dg_features_options_init(dg_features_options *opt);

/* Computes the table for frame. opts NULL = defaults. DG_EINVAL when as_of is after the frame's.
 * Caller frees with dg_features_free. */
int dg_features_compute(dg_features **out, const dg_frame *frame, const dg_features_options *opt,
                        dg_error *err);
void dg_features_free(dg_features *features);   /* NULL is a no-op */

/* Index of the feature called name, or -1. */
int dg_features_find(const dg_features *features, const char *name);

/* Whether name is a feature dangol computes when the data holds its input (a fixed name, or a
 * one-hot "gender_", "region_" or "income_" column). */
bool dg_feature_name_known(const char *name);

/* Adds the feature table's notes to t. 0 or DG_ENOMEM. */
int dg_features_copy_notes(const dg_features *features, dg_table *t);

/* One row per customer: customer_id, then every feature. Caller frees with dg_table_free. */
int dg_features_table(dg_table **out, const dg_frame *frame, const dg_features *features,
                      dg_error *err);

DG_API_END

#endif
