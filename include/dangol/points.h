/* The points ledger: loyalty points as an append-only ledger of movements (earn, burn, expire,
 * adjust, reverse), never a balance column. Every credit opens a lot with an expiry day; every
 * debit is allocated to lots, burns and negative adjustments earliest expiry first (ties: the
 * older lot), so an expiry removes exactly the unburned rest of its lot. A customer's balance on
 * a day is the sum of the remaining points of their lots not expired on that day; once the
 * expiry job has run up to that day it equals the sum of the ledger, and replaying the ledger
 * from empty rebuilds the same lots (docs/points.md states the rules with their SQL).
 * Every write is one BEGIN IMMEDIATE transaction that checks and writes together, so two
 * concurrent burns cannot both spend the same points, and a failed write leaves nothing.
 * Earning rules are data (config/points.conf): a base rate, category and campaign bonuses, the
 * expiry, the money value of a point and the policy for reversing an order whose points were
 * spent. A tier plugs in through the earn's multiplier; a campaign through its earning rule or
 * as the source of a granted amount. */
#ifndef DANGOL_POINTS_H
#define DANGOL_POINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"

DG_API_BEGIN

/* The store (dangol/store.h); a model header does not pull in the store API. */
typedef struct dg_store dg_store;

/* The largest amount of one movement: sums over billions of rows stay far inside int64. */
#define DG_POINTS_MAX_AMOUNT 1000000000LL
/* Category bonuses a rules file may list. */
#define DG_POINTS_MAX_BONUSES 32
/* Campaign bonuses a rules file may list. */
#define DG_POINTS_MAX_CAMPAIGN_BONUSES 16

typedef enum dg_points_kind {
    DG_POINTS_EARN,      /* credit for an order (or a coupon, a campaign) */
    DG_POINTS_BURN,      /* redemption */
    DG_POINTS_EXPIRE,    /* the unburned rest of an expired lot */
    DG_POINTS_ADJUST,    /* a manual correction, either sign */
    DG_POINTS_REVERSE    /* an order's earn taken back (cancelled or returned order) */
} dg_points_kind;

typedef enum dg_points_source {
    DG_POINTS_SOURCE_ORDER,
    DG_POINTS_SOURCE_COUPON,
    DG_POINTS_SOURCE_CAMPAIGN,
    DG_POINTS_SOURCE_MANUAL
} dg_points_source;

/* What reversing an order does about the part of its points already spent. */
typedef enum dg_points_reverse_policy {
    DG_POINTS_REVERSE_ABSORB,   /* take back only the unspent rest of the order's lot; the spent
                                   part is the business's loss (reported as absorbed) */
    DG_POINTS_REVERSE_RECOVER   /* also take the spent part from the customer's other lots,
                                   earliest expiry first, as far as the balance goes; never
                                   below zero, the shortfall is absorbed */
} dg_points_reverse_policy;

/* What a cancelled or returned order (dg_order_return, dangol/order_return.h) does about the
 * coupon redeemed on it. Either way the redemption is reversed: it no longer counts in rates,
 * limits or costs. */
typedef enum dg_coupon_return_policy {
    DG_COUPON_RETURN_RESTORE,   /* the customer gets a new code of the same definition, when the
                                   definition is neither voided nor expired on the return day */
    DG_COUPON_RETURN_FORFEIT    /* the customer gets nothing back */
} dg_coupon_return_policy;

/* "restore", "forfeit" (the return_coupon key of the rules). */
const char *dg_coupon_return_policy_code(dg_coupon_return_policy policy);

/* Codes as stored ("earn", "order", "absorb") and back; parse: DG_EINVAL naming the valid ones. */
const char *dg_points_kind_code(dg_points_kind kind);
/* A kind from its code into *kind; DG_EINVAL naming the valid ones. */
int dg_points_kind_parse(const char *text, dg_points_kind *kind, dg_error *err);
/* The source's code (a static string; "?" for a value that is none). */
const char *dg_points_source_code(dg_points_source source);
/* A source from its code into *source; DG_EINVAL naming the valid ones. */
int dg_points_source_parse(const char *text, dg_points_source *source, dg_error *err);

typedef struct dg_points_bonus {
    char category[64];          /* a products.category */
    int64_t per_mille;          /* extra points per 1000 minor units spent on the category */
} dg_points_bonus;

/* A campaign's earning rule (Open Loyalty's and Talon.One's campaign earning rules): an order
 * placed from `from` to `until` (days, both included) by a member of the campaign's treatment
 * group, the campaign launched by the order's day, earns extra_per_mille more points per 1000
 * of its total, and its multiplier is raised by multiplier_per_mille - 1000 (2000: double
 * points). The control group never gets it, so the campaign's results measure it. */
typedef struct dg_points_campaign_bonus {
    char campaign_id[64];
    int32_t from, until;
    int64_t extra_per_mille;    /* 0: none */
    int64_t multiplier_per_mille; /* 1000: none */
} dg_points_campaign_bonus;

typedef struct dg_points_rules {
    int64_t base_per_mille;     /* points per 1000 minor units of an order's total */
    dg_points_bonus bonuses[DG_POINTS_MAX_BONUSES];
    size_t n_bonuses;
    dg_points_campaign_bonus campaigns[DG_POINTS_MAX_CAMPAIGN_BONUSES];
    size_t n_campaigns;
    int32_t expiry_days;        /* a lot expires this many days after it is earned */
    int64_t point_value_minor;  /* money value of one point, in minor units (liability) */
    dg_points_reverse_policy reverse_spent;
    dg_coupon_return_policy return_coupon;   /* an order's return: its coupon */
} dg_points_rules;

/* The built-in rules (config/points.conf holds the same). */
void dg_points_rules_default(dg_points_rules *rules);
/* Parses "key = value" text over *rules (keys not in the text keep their value); name is the
 * file name for messages, which carry name:line:column. */
int dg_points_rules_parse(dg_points_rules *rules, const char *text, const char *name,
                          dg_error *err);

/* An amount of points as a user writes it: a whole number in 1..DG_POINTS_MAX_AMOUNT (what names
 * it in the message, e.g. "--points"). DG_EPARSE for text that is not a whole number, DG_ERANGE
 * for zero, a negative or a too large one. With allow_negative (adjustments) -MAX..-1 too. */
int dg_points_amount_parse(const char *text, const char *what, bool allow_negative,
                           int64_t *points, dg_error *err);

/* The common fields of a write. */
typedef struct dg_points_request {
    const char *customer_id;
    int64_t points;             /* burn: > 0; adjust: either sign; earn (manual): > 0 */
    int32_t day;                /* day of the movement; DG_POINTS_TODAY: today (UTC) */
    const char *reason;         /* free text, or NULL */
    const char *actor;          /* who; NULL: "system" */
    dg_points_source source;
    const char *source_id;      /* the order, coupon or campaign id, or NULL */
    const char *idempotency_key;/* NULL: none. A key seen before with the same request returns
                                   the first result (replayed set) and writes nothing; with
                                   another request it is DG_ECONFLICT */
    int64_t multiplier_per_mille; /* earn: a multiplier, 1000 = x1; 0: an order's earn takes
                                     its customer's tier's (dg_tier_of), else x1 */
    const struct dg_audit_actor *audit; /* who, for the audit trail (dangol/audit.h): the write
                                   and its points.OPERATION entry commit together; NULL: none */
} dg_points_request;

#define DG_POINTS_TODAY INT32_MIN

/* The outcome of a write. */
typedef struct dg_points_result {
    int64_t movement_id;        /* the ledger row written (the first result's when replayed) */
    int64_t points;             /* signed amount of that row */
    int64_t balance;            /* the customer's balance on the movement's day, after it */
    int64_t absorbed;           /* reverse: spent points not taken back */
    bool replayed;              /* answered from the idempotency key, nothing written */
} dg_points_result;

/* Earns the points of order request->source_id: floor(S x M / 10^6), with S = total x (base +
 * the extra_per_mille of the campaign bonuses that apply) + each category's amount x its bonus,
 * and M = request->multiplier_per_mille (or its customer's tier's) + the applying campaign
 * bonuses' multiplier_per_mille - 1000 each; docs/points.md works examples out. An order earns
 * once: DG_EEXIST the second time. DG_ENOTFOUND for an unknown order, DG_ERANGE when the order
 * earns no point; DG_EINVAL when request->customer_id is set and is not the order's customer.
 * request->points is ignored; day DG_POINTS_TODAY means the order's day. */
int dg_points_earn_order(dg_store *store, const dg_points_rules *rules,
                         const dg_points_request *request, dg_points_result *result,
                         dg_error *err);
/* Credits request->points (> 0) from a coupon, campaign or manual source, in a lot expiring
 * rules->expiry_days after request->day. */
int dg_points_earn(dg_store *store, const dg_points_rules *rules,
                   const dg_points_request *request, dg_points_result *result, dg_error *err);
/* Spends request->points from the lots not expired on request->day, earliest expiry first.
 * DG_ECONFLICT (nothing written) when the balance is smaller; DG_ENOTFOUND for an unknown
 * customer. */
int dg_points_burn(dg_store *store, const dg_points_request *request, dg_points_result *result,
                   dg_error *err);
/* A correction: positive opens a lot (as dg_points_earn), negative is taken like a burn (and
 * DG_ECONFLICT beyond the balance). A reason is required (DG_EINVAL without one). */
int dg_points_adjust(dg_store *store, const dg_points_rules *rules,
                     const dg_points_request *request, dg_points_result *result,
                     dg_error *err);
/* Reverses the earn of order request->source_id under rules->reverse_spent; result->absorbed is
 * what could not be taken back. DG_ENOTFOUND when the order earned nothing, DG_EEXIST when it
 * was reversed already, DG_EINVAL when request->customer_id is set and is not the order's
 * customer. */
int dg_points_reverse_order(dg_store *store, const dg_points_rules *rules,
                            const dg_points_request *request, dg_points_result *result,
                            dg_error *err);

/* The expiry job: for every lot expired on as_of (expires_on <= as_of) with points left, an
 * expire movement of exactly what is left, in one transaction. Running it again writes nothing. */
typedef struct dg_points_expiry {
    int64_t lots;               /* lots expired now */
    int64_t points;             /* points expired now */
} dg_points_expiry;
/* Expires what is due by as_of, as described above, its counts into *out. The store's errors
 * (DG_EBUSY, DG_ESTORE); nothing is written on an error. */
int dg_points_expire(dg_store *store, int32_t as_of, dg_points_expiry *out, dg_error *err);

/* A customer's points on a day. */
typedef struct dg_points_balance {
    int64_t available;          /* in lots not expired on the day: what may be burned */
    int64_t ledger;             /* sum of every movement (up to now) */
    int64_t expired_unswept;    /* in lots expired on the day that the job has not swept yet */
    int64_t lots_open;          /* lots with points available */
    int32_t next_expiry;        /* earliest expiry among them, DG_POINTS_TODAY if none */
    int64_t next_expiry_points; /* points expiring that day */
} dg_points_balance;
/* DG_ENOTFOUND for an unknown customer. day DG_POINTS_TODAY: today. */
int dg_points_balance_get(dg_store *store, const char *customer_id, int32_t day,
                          dg_points_balance *out, dg_error *err);

/* Today (UTC) as days since 1970-01-01: what DG_POINTS_TODAY stands for. */
int32_t dg_points_today(void);

DG_API_END

#endif
