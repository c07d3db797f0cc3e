/* Lookalike prospects: how much each prospect looks like the best customers, on the attributes a
 * prospect already has before it buys (region, age band, gender, income band, acquisition
 * channel, customer type). An L2-regularised logistic regression (liblinear, solver L2R_LR) is
 * trained on the buyers, label 1 for the best customers (by default the top tenth of the buyers
 * by lifetime value) and 0 for the other buyers, on one 0/1 column per attribute value; a
 * prospect's score is the model's probability of "best" for its attribute values (Hosmer &
 * Lemeshow 2000, eq. 1.1; liblinear: Fan et al. 2008, section 2). Validation holds
 * out a share of the buyers (a fixed hashed split): the model trained on the rest ranks the
 * held-out buyers, and their AUC, top-decile lift and lift curve say how well the attributes find
 * best customers the model never saw. The final model learns from every buyer and scores the
 * prospects. docs/lookalike.md says why this method and defines every figure. */
#ifndef DANGOL_LOOKALIKE_H
#define DANGOL_LOOKALIKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/churn.h"
#include "dangol/error.h"
#include "dangol/export.h"
#include "dangol/frame.h"
#include "dangol/table.h"

DG_API_BEGIN

#define DG_LOOKALIKE_MIN_LEARN 50      /* buyers (rows to learn from) needed */
#define DG_LOOKALIKE_MIN_BEST 5        /* best customers needed, in training and in the holdout */
#define DG_LOOKALIKE_DECILES 10

typedef struct dg_lookalike_options {
    double holdout_share;   /* share of the learning rows held out (default 0.3; 0.05..0.9) */
    uint64_t seed;          /* of the held-out split (default 1) */
    double cost;            /* liblinear's C, the inverse L2 strength (default 1) */
} dg_lookalike_options;

/* Fills opt with the defaults given beside each field. Cannot fail. */
void dg_lookalike_options_init(dg_lookalike_options *opt);

/* Who is who, one flag per frame customer (frame->n_customers each): learn = a row to learn
 * from, best = a best customer (a positive; must also be a learn row), target = a customer to
 * score. A customer may not be both learn and target. */
typedef struct dg_lookalike_roles {
    uint8_t *learn, *best, *target;
} dg_lookalike_roles;

/* Allocates roles for frame with the defaults: learn = the customers with an order by the frame's
 * as-of day, target = those without, best = the top tenth of the learners by value[c] (largest
 * first, ties by frame order; ceil(learners / 10) customers; a value that is not finite ranks
 * last). value NULL: by spend to date. Free with dg_lookalike_roles_clear. */
int dg_lookalike_roles_default(dg_lookalike_roles *roles, const dg_frame *frame,
                               const double *value, dg_error *err);
/* Sets flags[c] for each customer id in text (one per line; the first comma-separated field of a
 * line is the id, so a CSV with customer_id first works; a customer_id header line, blank lines
 * and a byte-order mark are skipped). *n_ids (may be NULL): the distinct customers named.
 * DG_EINVAL "name:line:1: ..." for an id not in frame, or a file without ids. */
int dg_lookalike_ids_parse(uint8_t *flags, size_t *n_ids, const dg_frame *frame,
                           const char *text, const char *name, dg_error *err);
/* Allocates roles with every flag 0. */
int dg_lookalike_roles_alloc(dg_lookalike_roles *roles, size_t n_customers, dg_error *err);
/* Frees the flags roles holds and leaves it empty; the struct is the caller's. */
void dg_lookalike_roles_clear(dg_lookalike_roles *roles);

typedef struct dg_lookalike {
    int32_t as_of;
    size_t n_attributes;
    char **attributes;            /* [n_attributes] "income_band=100M+", "age_band=30-39", ... */
    double *coefficient;          /* [n_attributes] log odds ratio of "best" for the value
                                     (final model), against a customer without it */
    double intercept;
    size_t n_learn, n_best;       /* the final model's rows and positives */
    dg_churn_metrics validation;  /* the held-out buyers (label 1 = best): AUC, lift, deciles */
    size_t n_fit;                 /* rows the validation model learned from */
    size_t n_scored;
    uint32_t *customer;           /* [n_scored] frame index, most alike first (ties: frame order) */
    double *score;                /* [n_scored] probability of "best", never NaN */
    uint8_t *decile;              /* [n_scored] 10 = the most alike tenth of the scored */
    dg_table *notes;              /* attributes left out, the split, the seed */
} dg_lookalike;

/* Trains, validates and scores. DG_EINVAL with the reason: fewer than DG_LOOKALIKE_MIN_LEARN
 * learn rows or DG_LOOKALIKE_MIN_BEST best customers in the training part or the holdout, every
 * learner best, a best customer who is not a learner, a customer both learner and target, no
 * attribute that varies among the learners (each attribute missing from the data is named in a
 * note). Caller frees with dg_lookalike_free. */
int dg_lookalike_fit(dg_lookalike **out, const dg_frame *frame, const dg_lookalike_roles *roles,
                     const dg_lookalike_options *opt, dg_error *err);
void dg_lookalike_free(dg_lookalike *model);   /* NULL is a no-op */

/* ---- tables (the summary and the scores carry the model's notes) ---- */

/* (item, value): learners, best customers, holdout, AUC, top-decile lift, scored. */
int dg_lookalike_summary_table(dg_table **out, const dg_lookalike *model, dg_error *err);
/* The lift curve of the held-out buyers, most alike tenth first: decile, customers, best,
 * best_rate, lift, cumulative share of the best found, cumulative lift. */
int dg_lookalike_lift_table(dg_table **out, const dg_lookalike *model, dg_error *err);
/* attribute, value, coefficient, odds_ratio — largest |coefficient| first. */
int dg_lookalike_attribute_table(dg_table **out, const dg_lookalike *model, dg_error *err);
/* The scored, most alike first, the top `top` (0: all): customer_id, score, decile, region,
 * age_band, gender, income_band, acquisition_channel, customer_type. */
int dg_lookalike_score_table(dg_table **out, const dg_lookalike *model, const dg_frame *frame,
                             size_t top, dg_error *err);

/* The age band of birth_year at as_of_year ("" when unknown): 0-19, 20-29, ..., 70+ as the
 * cube's age_band dimension. */
const char *dg_lookalike_age_band(int32_t birth_year, int as_of_year);

DG_API_END

#endif
