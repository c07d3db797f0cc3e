/* Loyalty: behavioural measures (repeat purchase, tenure, inter-purchase time, purchase trend,
 * category and channel breadth), attitudinal measures from survey answers (NPS, CSAT,
 * repurchase and recommendation intent) and one loyalty index 0..100 per customer combining both
 * with configurable weights (docs/loyalty.md gives the formula):
 *
 *   B = sum_i wb_i * b_i / sum_i wb_i      b: (R-1)/4, (F-1)/4, (M-1)/4, min(1, tenure/cap),
 *                                          breadth, (trend+1)/2
 *   A = sum_j wa_j * a_j / sum_j wa_j      a: nps/10, (csat-1)/4, (repurchase-1)/4,
 *                                          (recommend-1)/4, over the items answered
 *   index = 100 * (wB*B + wA*A) / (wB + wA), or 100 * B flagged behavioural_only without answers
 *
 * NPS (dangol/nps.h) and CSAT, the share of 4-5 answers on 1-5 (dangol/share.h), each with its
 * 95% interval. Each customer counts once, with the latest answer in the survey window. */
#ifndef DANGOL_LOYALTY_H
#define DANGOL_LOYALTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/frame.h"
#include "dangol/nps.h"
#include "dangol/rfm.h"
#include "dangol/share.h"
#include "dangol/table.h"
#include "dangol/export.h"

DG_API_BEGIN

typedef struct dg_loyalty_config {
    double behavioural_weight, attitudinal_weight;                  /* 0.6, 0.4 */
    double recency_weight, frequency_weight, monetary_weight;       /* 1, 1, 1 */
    double tenure_weight, breadth_weight, trend_weight;             /* 0.5 each */
    double nps_weight, csat_weight, repurchase_weight, recommend_weight;  /* 1 each */
    int tenure_cap_days;        /* 730: tenure counts fully from two years */
    int category_cap;           /* 5 distinct categories = full cross-buying */
    int channel_cap;            /* 3 distinct channels = full omnichannel use */
    int trend_window_days;      /* 180: recent = (as_of-180, as_of], earlier = the 180 before */
    int survey_window_days;     /* 365: answers older than this are ignored (0 = all) */
} dg_loyalty_config;

/* Fills config with the built-in weights and windows (config/loyalty.conf holds the same).
 * Cannot fail. */
void dg_loyalty_config_default(dg_loyalty_config *config);
/* Overrides keys from "key = value" text (names as in the struct); errors say file:line:col. */
int dg_loyalty_config_parse(dg_loyalty_config *config, const char *text, const char *name,
                            dg_error *err);
const char *dg_loyalty_config_default_text(void);   /* identical to config/loyalty.conf */

typedef struct dg_loyalty_result {
    int32_t as_of;
    size_t n_customers;           /* the length of the arrays: the frame's customers */
    size_t n_known;               /* those in the frame as of as_of: all but a window's later */
    bool *known;                  /* ones, whose entries are neutral and counted nowhere */
    /* behavioural */
    int32_t *tenure_days;         /* as_of - first order day; -1 without orders */
    double *interpurchase_days;   /* mean days between orders; -1 with fewer than 2 orders */
    int32_t *recent_orders, *earlier_orders;
    double *trend;                /* (recent - earlier) / (recent + earlier); 0 if both are 0 */
    uint16_t *categories;         /* distinct product categories bought (needs order lines) */
    uint16_t *channels;           /* distinct order channels used */
    /* attitudinal: latest answer in the survey window; nps -1 and the 1-5 items 0 = none */
    int8_t *nps, *csat, *repurchase, *recommend;
    /* the index */
    double *behavioural;          /* B, 0..1 */
    double *attitudinal;          /* A, 0..1; -1 without answers */
    double *index;                /* 0..100 */
    bool *behavioural_only;       /* no survey answer: the index is B alone */
    /* overall */
    size_t n_buyers, n_repeat;    /* customers with >= 1 and >= 2 orders */
    int32_t trend_window_days;    /* the configuration's: the trend counts 2 windows of orders */
    bool has_categories;          /* the frame had order lines */
} dg_loyalty_result;

/* Computes loyalty for every customer (of a window too), as of rfm->as_of, using its scores. Caller frees with
 * dg_loyalty_result_clear. config NULL = defaults. */
int dg_loyalty_compute(dg_loyalty_result *out, const dg_frame *frame,
                       const dg_rfm_result *rfm, const dg_loyalty_config *config, dg_error *err);
void dg_loyalty_result_clear(dg_loyalty_result *result);  /* NULL is a no-op */

/* ---- reports (caller frees the table) ---- */

/* The overall behavioural and attitudinal measures and the index: measure, value, n, interval. */
int dg_loyalty_summary_table(dg_table **out, const dg_frame *frame,
                             const dg_loyalty_result *loyalty, dg_error *err);
/* NPS, CSAT and mean loyalty index per group: group[c] < n_groups, or UINT32_MAX for a customer
 * in none of them; names[g] labels group g and other_name the customers in none (a row always
 * present, so that the rows add up to the final "(all)" row of everyone; other_name NULL only
 * when every customer has a group). */
int dg_loyalty_group_table(dg_table **out, const dg_loyalty_result *loyalty,
                           const uint32_t *group, size_t n_groups, const char *const *names,
                           const char *other_name, const char *title, const char *group_label,
                           dg_error *err);
/* One row per customer: id, the measures, B, A, index, flag. */
int dg_loyalty_customer_table(dg_table **out, const dg_frame *frame,
                              const dg_loyalty_result *loyalty, dg_error *err);

DG_API_END

#endif
