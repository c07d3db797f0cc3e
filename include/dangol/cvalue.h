/* Customer value = benefits - costs (the seeds' model, docs/value.md): three benefits
 * (functional, emotional, social) and four costs (money, time, effort, psychological), measured
 * by a survey defined as data (config/value_survey.conf): its items, the component each item
 * measures (or "outcome": an answer the components are to explain, such as repurchase intent),
 * each item's answer scale and direction (reverse-coded items), and each component's weight.
 *
 * Per response: a component's score is the mean of its answered items on the item scale, a
 * reverse-coded item counted as (min + max - answer); value = sum(w_b B_b) / sum(w_b) -
 * sum(w_c C_c) / sum(w_c) over the benefits b and costs c that were answered.
 * Reliability per component: Cronbach's alpha (Cronbach 1951, eq. 2), warned under 0.7.
 * Drivers: OLS of an outcome on the seven component scores through GSL (gsl_multifit_linear),
 * with standard errors, t, p, 95% intervals and R^2. Importance-performance grid (Martilla &
 * James 1977): importance = |effect|, performance = mean score (a cost's mean reversed on its
 * scale, so high performance is always good). Pure functions: no I/O, no globals. */
#ifndef DANGOL_CVALUE_H
#define DANGOL_CVALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"
#include "dangol/table.h"

DG_API_BEGIN

/* The seven components; benefits first. DG_CVALUE_OUTCOME marks an outcome item. */
typedef enum dg_cvalue_component {
    DG_CVALUE_FUNCTIONAL, DG_CVALUE_EMOTIONAL, DG_CVALUE_SOCIAL,
    DG_CVALUE_MONEY, DG_CVALUE_TIME, DG_CVALUE_EFFORT, DG_CVALUE_PSYCHOLOGICAL,
    DG_CVALUE_OUTCOME,
} dg_cvalue_component;
#define DG_CVALUE_COMPONENTS 7
#define DG_CVALUE_BENEFITS 3
#define DG_CVALUE_MAX_ITEMS 64
#define DG_CVALUE_CODE_MAX 32
#define DG_CVALUE_TEXT_MAX 160
#define DG_CVALUE_NA INT16_MIN        /* an item not answered */
#define DG_CVALUE_ALPHA_WARN 0.7      /* alpha below this is flagged (Nunnally 1978) */

/* "functional", ..., "psychological", "outcome" (vocabulary domain value_component). */
const char *dg_cvalue_component_code(dg_cvalue_component c);
/* The component called text (code, English or Korean name), or -1. */
int dg_cvalue_component_find(const char *text);

typedef struct dg_cvalue_item {
    char code[DG_CVALUE_CODE_MAX];
    dg_cvalue_component component;
    int min, max;                   /* answer scale, inclusive */
    bool reverse;                   /* reverse-coded: counted as min + max - answer */
    char text_en[DG_CVALUE_TEXT_MAX], text_ko[DG_CVALUE_TEXT_MAX];
} dg_cvalue_item;

typedef struct dg_cvalue_survey {
    size_t n_items;
    dg_cvalue_item items[DG_CVALUE_MAX_ITEMS];
    double weight[DG_CVALUE_COMPONENTS];
    char outcome[DG_CVALUE_CODE_MAX];   /* default outcome of the drivers */
} dg_cvalue_survey;

/* Parses survey text ("key = value" lines; config/value_survey.conf documents the keys); name is
 * the file name for messages (file:line:column). An item with no component, an unknown
 * component, a scale that differs from the other items of its component, a component without
 * items or an outcome that is not an outcome item is an error at the line that is wrong. */
int dg_cvalue_survey_parse(dg_cvalue_survey *out, const char *text, const char *name,
                           dg_error *err);
/* The built-in survey (the text of dg_cvalue_survey_default_text, = config/value_survey.conf);
 * fails only when out of memory. The text is the caller's to free(). */
int dg_cvalue_survey_default(dg_cvalue_survey *out, dg_error *err);
/* The built-in survey's text into *out, a new string the caller frees with free(); DG_ENOMEM
 * only. */
int dg_cvalue_survey_default_text(char **out, dg_error *err);
/* Index of the item called code, or -1. */
int dg_cvalue_item_find(const dg_cvalue_survey *survey, const char *code);

/* Survey answers: n responses x the survey's items, answers[r * n_items + i] (DG_CVALUE_NA when
 * not answered). Ids and days are the caller's (the report layer fills them from the store). */
typedef struct dg_cvalue_answers {
    size_t n, n_items;
    int16_t *answers;
    char **response_id, **customer_id;
    int32_t *day;                   /* answered_on */
} dg_cvalue_answers;
/* Frees what a holds and leaves it empty; the struct is the caller's. */
void dg_cvalue_answers_clear(dg_cvalue_answers *a);

/* Component scores of every response: score[r * 7 + k], has[r * 7 + k] false when none of
 * component k's items was answered (score 0 then); value[r], value_ok[r] false unless a benefit
 * and a cost were answered. Caller arrays. */
void dg_cvalue_scores(const dg_cvalue_survey *s, const dg_cvalue_answers *a, double *score,
                      bool *has, double *value, bool *value_ok);

/* Cronbach's alpha of a component over the responses that answered all its items:
 * alpha = k / (k - 1) * (1 - sum var(item) / var(sum)) (Cronbach 1951, eq. 2; sample variances).
 * ok false with reason set when undefined (one item, fewer than 2 complete responses, a total
 * that never varies). */
typedef struct dg_cvalue_alpha {
    size_t items, n;                /* items of the component, complete responses */
    double alpha;
    bool ok;
    const char *reason;             /* static text when !ok */
} dg_cvalue_alpha;
/* Cronbach's alpha of each component of s over the complete responses of a, into the caller's
 * out. Cannot fail: an undefined alpha has ok false and a reason. */
void dg_cvalue_reliability(const dg_cvalue_survey *s, const dg_cvalue_answers *a,
                           dg_cvalue_alpha out[DG_CVALUE_COMPONENTS]);

/* ---- OLS through GSL ---- */

#define DG_CVALUE_MIN_DF 10   /* residual degrees of freedom a fit needs at least */
#define DG_CVALUE_MAX_TERMS 16

/* y = b0 + sum b_j x_j by least squares (gsl_multifit_linear): coefficients with standard errors
 * (sqrt of the diagonal of s^2 (X'X)^-1, s^2 = RSS / (n - p)), t, two-sided p (Student t,
 * n - p df), 95% intervals, R^2 and adjusted R^2. x is row-major n x k. A constant regressor is
 * left out of the fit (dropped[j] true, its effect reported as none). DG_EINVAL with a message
 * when n - p < DG_CVALUE_MIN_DF or when y never varies; never a NaN. */
typedef struct dg_cvalue_fit {
    size_t n, k, df;                /* observations, regressors given, residual df */
    double coef[DG_CVALUE_MAX_TERMS + 1], se[DG_CVALUE_MAX_TERMS + 1],
        t[DG_CVALUE_MAX_TERMS + 1], p[DG_CVALUE_MAX_TERMS + 1],
        lo[DG_CVALUE_MAX_TERMS + 1], hi[DG_CVALUE_MAX_TERMS + 1];   /* [0] = intercept */
    bool dropped[DG_CVALUE_MAX_TERMS + 1];
    double r2, r2_adj, sigma;
} dg_cvalue_fit;
/* Fits y on the k columns of x (n rows) as described above into *out (no allocation). DG_EINVAL
 * with a message for too few degrees of freedom or a y that never varies, DG_ENOMEM. */
int dg_cvalue_ols(dg_cvalue_fit *out, const double *x, const double *y, size_t n, size_t k,
                  dg_error *err);

/* Drivers: the outcome y[r] (y_ok[r] false = leave the response out) regressed on the seven
 * component scores, over the responses in subset (NULL: all) that have every component. */
int dg_cvalue_drivers(dg_cvalue_fit *out, const dg_cvalue_survey *s, const dg_cvalue_answers *a,
                      const double *score, const bool *has, const double *y, const bool *y_ok,
                      const uint32_t *group, uint32_t which, dg_error *err);

/* ---- tables (caller frees) ---- */

/* The survey: item, component, scale, reverse, text. */
int dg_cvalue_items_table(dg_table **out, const dg_cvalue_survey *s, dg_error *err);
/* One row per response: response, customer, day, the seven scores, value. */
int dg_cvalue_scores_table(dg_table **out, const dg_cvalue_answers *a, const double *score,
                           const bool *has, const double *value, const bool *value_ok,
                           dg_error *err);
/* Component, items, responses, alpha, mean, sd (notes: alpha under 0.7). */
int dg_cvalue_reliability_table(dg_table **out, const dg_cvalue_survey *s,
                                const dg_cvalue_answers *a, const double *score, const bool *has,
                                dg_error *err);
/* Term, effect, se, t, p, 95% interval; notes: n, R^2, outcome. */
int dg_cvalue_drivers_table(dg_table **out, const dg_cvalue_fit *fit, const char *outcome,
                            dg_error *err);

/* The grid of a group of responses: per component its effect (importance = |effect|), mean
 * score, performance and quadrant, or the reason the group is too small. group[r] is response
 * r's group code (NULL: one group), labels[g] its name, n_groups of them. */
int dg_cvalue_grid_table(dg_table **out, const dg_cvalue_survey *s, const dg_cvalue_answers *a,
                         const double *score, const bool *has, const double *y,
                         const bool *y_ok, const uint32_t *group, const char *const *labels,
                         size_t n_groups, const char *by, dg_error *err);

DG_API_END

#endif
