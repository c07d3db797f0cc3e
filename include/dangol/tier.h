/* Customer tiers (일반/Basic, 실버/Silver, 골드/Gold, VIP, ...): rules as data and their
 * evaluation. The rules (config/tiers.conf, "key = value" lines, errors at file:line:column)
 * name the tiers in English and Korean, lowest first, each with the threshold of the qualifying
 * measure (spend, orders or points earned over a rolling window of window_days ending on the
 * day judged), and its benefits (points earn multiplier, discount). A customer moves up as soon
 * as the measure reaches a higher tier's threshold (on the day of the order or earn that takes
 * it there); a customer moves down only on a review date (the first day of every review period:
 * monthly, quarterly, half-yearly or yearly), and only when the tier was reached at least
 * grace_days before that date: one step down, or straight to the tier the measure gives
 * (downgrade policy). Every change is a row of the tier history with its measure and reason.
 * The evaluation replays the days from the last evaluated day to as_of, in one BEGIN IMMEDIATE
 * transaction, so evaluating a day again (or in two processes at once) changes nothing more.
 * The SQL equivalent of the measure of customer c on day d (spend):
 *   SELECT sum(total) FROM orders WHERE customer_id = c
 *     AND ordered_at / 86400 BETWEEN d - window_days + 1 AND d */
#ifndef DANGOL_TIER_H
#define DANGOL_TIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"

DG_API_BEGIN

typedef struct dg_store dg_store;
struct dg_frame;                  /* dangol/frame.h */
struct dg_audit_actor;

#define DG_TIER_MAX_LEVELS 16
#define DG_TIER_CODE_MAX 32      /* bytes of a tier code, with its NUL */
#define DG_TIER_NAME_MAX 64      /* bytes of a tier name, with its NUL */

typedef enum dg_tier_measure {
    DG_TIER_MEASURE_SPEND,       /* sum of the orders' totals (minor units) */
    DG_TIER_MEASURE_ORDERS,      /* number of orders */
    DG_TIER_MEASURE_POINTS       /* points earned (earn movements less their reversals) */
} dg_tier_measure;

typedef enum dg_tier_review {
    DG_TIER_REVIEW_MONTHLY,
    DG_TIER_REVIEW_QUARTERLY,
    DG_TIER_REVIEW_HALF_YEARLY,
    DG_TIER_REVIEW_YEARLY
} dg_tier_review;

typedef enum dg_tier_downgrade {
    DG_TIER_DOWNGRADE_ONE_STEP,  /* one tier down (not below what the measure gives) */
    DG_TIER_DOWNGRADE_RECOMPUTE  /* to the tier the measure gives */
} dg_tier_downgrade;

/* Why a tier changed, as stored in the history. */
typedef enum dg_tier_reason {
    DG_TIER_REASON_UPGRADE,
    DG_TIER_REASON_DOWNGRADE_ONE_STEP,
    DG_TIER_REASON_DOWNGRADE_RECOMPUTE
} dg_tier_reason;

typedef struct dg_tier_level {
    char code[DG_TIER_CODE_MAX];     /* [a-z0-9_], as stored: "gold" */
    char name_en[DG_TIER_NAME_MAX];
    char name_ko[DG_TIER_NAME_MAX];
    int64_t threshold;               /* the measure that qualifies; the lowest tier's is 0 */
    int64_t earn_per_mille;          /* points earn multiplier, 1000 = x1 */
    int32_t discount_percent;        /* 0..100 */
} dg_tier_level;

typedef struct dg_tier_rules {
    dg_tier_measure measure;
    int32_t window_days;             /* the rolling window of the measure */
    dg_tier_review review;
    int32_t review_start_month;      /* 1..12: a review period starts in this month */
    dg_tier_downgrade downgrade;
    int32_t grace_days;              /* a tier reached less than this before a review is kept */
    dg_tier_level levels[DG_TIER_MAX_LEVELS];   /* lowest first, thresholds increasing */
    size_t n_levels;
} dg_tier_rules;

/* Codes as stored and back ("spend", "quarterly", "one_step", "upgrade"). */
const char *dg_tier_measure_code(dg_tier_measure measure);
/* The review period's code (a static string; "?" for a value that is none). */
const char *dg_tier_review_code(dg_tier_review review);
/* The downgrade rule's code (a static string; "?" for a value that is none). */
const char *dg_tier_downgrade_code(dg_tier_downgrade downgrade);
/* The reason's code (a static string; "?" for a value that is none). */
const char *dg_tier_reason_code(dg_tier_reason reason);

/* The built-in rules (config/tiers.conf holds the same) and their text. */
void dg_tier_rules_default(dg_tier_rules *rules);
/* The built-in rules' text (a static string). */
const char *dg_tier_rules_default_text(void);
/* Parses rules text over *rules: keys not in the text keep their value, but a text naming any
 * tier (tier.CODE.KEY) replaces the whole list of tiers. name is the file name for messages
 * (name:line:column); a bad text leaves *rules as it was. */
int dg_tier_rules_parse(dg_tier_rules *rules, const char *text, const char *name,
                        dg_error *err);
/* The index of the tier named text by its code, English or Korean name (ASCII without case),
 * or -1. */
int dg_tier_find(const dg_tier_rules *rules, const char *text);
/* The index of the highest tier whose threshold measure reaches. */
size_t dg_tier_qualified(const dg_tier_rules *rules, int64_t measure);
/* The first review date strictly after day. */
int32_t dg_tier_next_review(const dg_tier_rules *rules, int32_t day);

/* ---- the replay of one customer (pure: no store) ---- */

/* What adds to the measure on a day: an order (value: its total, or 1 for the orders measure),
 * an earn (+points) or a reversal (-points). */
typedef struct dg_tier_activity {
    int32_t day;
    int64_t value;
} dg_tier_activity;

typedef struct dg_tier_change {
    int32_t day;
    size_t from, to;                 /* tier indexes */
    int64_t measure;
    dg_tier_reason reason;
} dg_tier_change;

/* Replays the days after from_day up to to_day for a customer in tier *tier since *since (day),
 * with activities sorted by day (those before the window of from_day + 1 are ignored).
 * Writes the changes in order into changes (room for n_activities + the review dates in
 * between + 1 always suffices; DG_ERANGE if cap is too small) and updates *tier and *since. */
int dg_tier_replay(const dg_tier_rules *rules, size_t *tier, int32_t *since, int32_t from_day,
                   int32_t to_day, const dg_tier_activity *activities, size_t n_activities,
                   dg_tier_change *changes, size_t cap, size_t *n_changes, dg_error *err);

/* ---- the store ---- */

typedef struct dg_tier_evaluation {
    int32_t as_of;
    int32_t previous;                /* the day evaluated before, or INT32_MIN for none */
    bool already;                    /* as_of was evaluated already: nothing was written */
    int64_t customers, upgrades, downgrades;
} dg_tier_evaluation;

/* Evaluates every customer's tier through as_of under rules (kept in the store as rules_text,
 * from rules_name, for the reports and the points earn), in one write transaction. When as_of
 * is not after the last evaluated day, nothing is written and out->already is set. DG_ECONFLICT
 * when the store holds a tier the rules do not have. actor NULL: "system". An evaluation that
 * writes appends a tier.evaluate entry (its counts) by audit in the same transaction (audit
 * NULL: none). */
int dg_tier_evaluate(dg_store *store, const char *rules_text, const char *rules_name,
                     int32_t as_of, const char *actor, const struct dg_audit_actor *audit,
                     dg_tier_evaluation *out, dg_error *err);

/* dg_tier_evaluate with the orders read from frame, a frame of the store read as generation
 * (dg_frame_from_store_at): used when the transaction finds the store still clean at that
 * generation and the measure is spend or orders; otherwise (frame NULL too) the orders are read
 * by SQL. The result is the same either way. dg_tier_evaluate loads the frame itself when the
 * store's snapshot is current (a cheap load), the day is not evaluated yet and the measure is
 * not points; otherwise it reads the orders by SQL (cheaper than rebuilding the whole frame). */
int dg_tier_evaluate_frame(dg_store *store, const struct dg_frame *frame, int64_t generation,
                           const char *rules_text, const char *rules_name, int32_t as_of,
                           const char *actor, const struct dg_audit_actor *audit,
                           dg_tier_evaluation *out, dg_error *err);

/* The rules kept in the store by the last evaluation, or the built-in ones if none. */
int dg_tier_rules_stored(dg_store *store, dg_tier_rules *rules, dg_error *err);
/* Their text (caller frees *text with free()), or *text NULL when none is kept. */
int dg_tier_rules_stored_text(dg_store *store, char **text, dg_error *err);

/* The tier of customer_id on day, by the history the evaluations wrote, under the stored rules
 * (into *rules): its index into rules->levels in *tier (0, the lowest, when it never changed).
 * DG_ENOTFOUND for an unknown customer. The points earn of an order multiplies by the
 * earn_per_mille of its customer's tier on the order's day (docs/tiers.md). */
int dg_tier_of(dg_store *store, const char *customer_id, int32_t day, dg_tier_rules *rules,
               size_t *tier, dg_error *err);

DG_API_END

#endif
