/* The relationship ladder: prospect -> customer -> client (단골) -> advocate -> partner, with a
 * lapsed/churned flag beside the stage. Stages are rules over the frame evaluated at any date
 * (only data up to that date counts), so the same rules give the stage today, the stage history
 * at month ends, the migration matrix between two dates and the funnel. The rules are data with
 * documented defaults that a "key = value" file overrides (config/stages.conf, docs/loyalty.md):
 *
 *   prospect  known (acquired or seen) and no order yet
 *   customer  at least one order
 *   client    at least client_min_orders orders, the last within active_days
 *   advocate  a client who recommends within advocacy_window_days: latest NPS answer a promoter
 *             (>= promoter_min_nps), a referral made, or a positive review (feedback of kind
 *             compliment or rated >= positive_rating)
 *   partner   an advocate taking part in the business within partner_window_days (a partner
 *             activity of one of partner_activities: panel, co_design, ...)
 *   flag      active; lapsed = no order for more than lapsed_days; churned = more than
 *             churned_days; none for prospects */
#ifndef DANGOL_STAGE_H
#define DANGOL_STAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/frame.h"
#include "dangol/table.h"
#include "dangol/export.h"

DG_API_BEGIN

typedef enum {
    DG_STAGE_PROSPECT,
    DG_STAGE_CUSTOMER,
    DG_STAGE_CLIENT,
    DG_STAGE_ADVOCATE,
    DG_STAGE_PARTNER,
    DG_STAGE_COUNT,
    DG_STAGE_UNKNOWN = 255,    /* not yet known at that date */
} dg_stage;

typedef enum {
    DG_ACTIVITY_NONE,          /* no order yet */
    DG_ACTIVITY_ACTIVE,
    DG_ACTIVITY_LAPSED,
    DG_ACTIVITY_CHURNED,
    DG_ACTIVITY_COUNT,
} dg_activity;

#define DG_STAGE_MAX_PARTNER_KINDS 16

typedef struct dg_stage_rules {
    int client_min_orders;       /* 2 */
    int active_days;             /* 365 */
    int lapsed_days;             /* 180 */
    int churned_days;            /* 365 */
    int promoter_min_nps;        /* 9 */
    int positive_rating;         /* 4 */
    int advocacy_window_days;    /* 365 */
    int partner_window_days;     /* 365 */
    bool promoter_signal, referral_signal, review_signal;   /* all true */
    size_t n_partner_kinds;      /* 0 = every partner activity counts */
    char partner_kinds[DG_STAGE_MAX_PARTNER_KINDS][32];
} dg_stage_rules;

/* Names: "prospect", ..., "partner" / "none", "active", "lapsed", "churned". */
const char *dg_stage_name(dg_stage stage);
/* The activity's name (a static string; "?" for a value that is none). */
const char *dg_activity_name(dg_activity activity);

/* Fills rules with the built-in rules (config/stages.conf holds the same). Cannot fail. */
void dg_stage_rules_default(dg_stage_rules *rules);
/* Overrides the keys given in text ("key = value" lines); name is for messages. Unknown keys
 * and bad values are errors with file:line:column. */
int dg_stage_rules_parse(dg_stage_rules *rules, const char *text, const char *name,
                         dg_error *err);
/* The default rules as a config file (identical to config/stages.conf). */
const char *dg_stage_rules_default_text(void);

/* Stage and activity flag of every customer at day (<= frame->as_of) into caller arrays of
 * frame->n_customers entries. */
int dg_stage_at(const dg_frame *frame, const dg_stage_rules *rules, int32_t day, uint8_t *stage,
                uint8_t *activity, dg_error *err);

/* The behavioural stage at day: the rungs that orders alone decide (prospect, customer, client:
 * the first DG_STAGE_BEHAVIOURAL_COUNT stages), before the attitudinal promotion to advocate and
 * partner. The rules' advocacy signals are ignored, so an advocate or partner is a client here.
 * Attitudes reported per stage (NPS, CSAT) use it, since per relationship stage they would be
 * circular: promoters become advocates. */
#define DG_STAGE_BEHAVIOURAL_COUNT DG_STAGE_ADVOCATE
int dg_stage_behavioural_at(const dg_frame *frame, const dg_stage_rules *rules, int32_t day,
                            uint8_t *stage, uint8_t *activity, dg_error *err);

/* Customers per stage (and per flag) at day. */
typedef struct dg_stage_counts {
    int32_t day;
    size_t unknown;                              /* not yet known at day */
    size_t stage[DG_STAGE_COUNT];
    size_t activity[DG_STAGE_COUNT][DG_ACTIVITY_COUNT];
} dg_stage_counts;
/* Counts the n customers' stage[] and activity[] at day into *out. Cannot fail. */
void dg_stage_count(const uint8_t *stage, const uint8_t *activity, size_t n, int32_t day,
                    dg_stage_counts *out);

/* ---- reports (caller frees the table) ---- */

/* Stage, customers, share, active, lapsed, churned. */
int dg_stage_table(dg_table **out, const dg_stage_counts *counts, dg_error *err);
/* The funnel at day: customers at each step or a later one on that day (a client who fell back
 * to customer counts up to customer only), and the conversion rate from the step before
 * (reached[s] / reached[s-1]). */
int dg_stage_funnel_table(dg_table **out, const dg_stage_counts *counts, dg_error *err);
/* Migration matrix: one row per stage at from (plus "not yet known"), one column per stage at
 * to, and the share of the row that stayed, moved up and moved down. */
int dg_stage_migration_table(dg_table **out, const dg_frame *frame, const dg_stage_rules *rules,
                             int32_t from, int32_t to, dg_error *err);
/* Stage counts at every month end in [from, to] (and at to if it is not a month end). */
int dg_stage_history_table(dg_table **out, const dg_frame *frame, const dg_stage_rules *rules,
                           int32_t from, int32_t to, dg_error *err);
/* One row per customer: id, stage, flag, orders, last order day. */
int dg_stage_customer_table(dg_table **out, const dg_frame *frame, const uint8_t *stage,
                            const uint8_t *activity, int32_t day, dg_error *err);

DG_API_END

#endif
