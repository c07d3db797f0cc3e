/* Demo data: a realistic, deterministic synthetic business (staff, customers, products, orders
 * and their lines, feedback, surveys, touchpoint interactions, referrals, partner activities)
 * whose purchases follow a BG/NBD process with Gamma-Gamma spend. The true parameters of the
 * generating process are public (DG_DEMO_TRUE_*, docs/demo.md) so model tests can check that
 * they are recovered. The same options give the same rows, byte for byte. */
#ifndef DANGOL_DEMO_H
#define DANGOL_DEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "dangol/entity.h"
#include "dangol/error.h"
#include "dangol/progress.h"
#include "dangol/store.h"
#include "dangol/export.h"

DG_API_BEGIN

/* True parameters of the purchase process; time unit = weeks (7 days).
 * BG/NBD (Fader, Hardie & Lee 2005): repeat purchases of an alive customer are Poisson with rate
 * lambda ~ Gamma(shape r, rate alpha) per week; after each repeat purchase the customer drops out
 * with probability p ~ Beta(a, b). A customer never gets two orders on one day (docs/demo.md).
 * Gamma-Gamma (Fader, Hardie & Lee 2005b; Colombo & Jiang 1999): an order's total
 * z ~ Gamma(shape p, rate nu) in KRW, nu ~ Gamma(shape q, rate gamma). */
#define DG_DEMO_TRUE_R      0.60
#define DG_DEMO_TRUE_ALPHA  16.0
#define DG_DEMO_TRUE_A      1.00
#define DG_DEMO_TRUE_B      4.00
#define DG_DEMO_TRUE_GG_P   6.00
#define DG_DEMO_TRUE_GG_Q   3.80
#define DG_DEMO_TRUE_GG_GAMMA 14000.0
#define DG_DEMO_PROSPECT_SHARE 0.08   /* customers who never buy */
#define DG_DEMO_ACQUISITION_DAYS 730  /* customers are acquired over the last 730 days */
/* The first purchase: on the acquisition day for this share of the buyers; for the others
 * 1 + floor(E) days later, E ~ Exponential with mean DG_DEMO_FIRST_DELAY_DAYS. A buyer whose first
 * purchase would fall after the as-of day has not converted yet (a prospect in the data). */
#define DG_DEMO_SAME_DAY_SHARE 0.40
#define DG_DEMO_FIRST_DELAY_DAYS 60.0

#define DG_DEMO_MAX_CUSTOMERS 10000000

/* The businesses the demo can generate: the retailer (the default, described above) or a beauty
 * clinic whose visits rate the moments of truth of the built-in cycle (dangol/mot.h,
 * docs/demo.md): customers, each visit an order, MOT visits with NPS, and ratings in which the
 * moment DG_DEMO_CLINIC_WEAK_MOMENT fails often and drives detractors and customers who do not
 * come back (the truth the MOT analysis is tested against). */
typedef enum dg_demo_business { DG_DEMO_RETAIL, DG_DEMO_CLINIC } dg_demo_business;
#define DG_DEMO_CLINIC_WEAK_MOMENT "waiting"

typedef struct dg_demo_options {
    int64_t n_customers;  /* customers (prospects included); default 20000 */
    uint64_t seed;        /* default 1 */
    int32_t as_of_day;    /* last day of the history (days since the epoch); default 2025-12-31 */
    bool order_lines;     /* also generate order lines (default true); other rows do not change */
    dg_demo_business business;   /* default DG_DEMO_RETAIL */
    /* Staff satisfaction surveys with a known service-profit chain (default false): every site
     * has a work climate (DG_DEMO_SITE_CLIMATE, docs/demo.md) that raises its staff's answers
     * and, by DG_DEMO_CLIMATE_EFFECT standard deviations of the latent satisfaction, its
     * customers' survey answers (NPS, CSAT, ...). Nothing else changes. */
    bool staff_surveys;
} dg_demo_options;

#define DG_DEMO_CLIMATE_EFFECT 0.8
/* The sites' work climates, in standard units: site name, then climate. */
#define DG_DEMO_SITE_CLIMATE \
    { "Seoul Gangnam", 0.9 }, { "Seoul Myeongdong", -1.2 }, { "Seoul Jamsil", 0.3 }, \
    { "Busan Seomyeon", 1.1 }, { "Incheon Songdo", -0.4 }, { "Daegu Dongseongro", 0.0 }, \
    { "Gyeonggi Suwon", -0.8 }, { "Gyeonggi Bundang", 0.6 }, { "Daejeon Dunsan", -0.5 }, \
    { "Gwangju Chungjang", 0.2 }, { "Call Centre", -1.0 }, { "Online", 0.5 }

/* Fills opt with the defaults. */
void dg_demo_options_init(dg_demo_options *opt);

/* Receives each generated row, in an order where every row's references come earlier. row has
 * e->n_columns values in catalog order; it and its strings live only during the call. A nonzero
 * return stops the generation and is returned. */
typedef int (*dg_demo_row_fn)(void *ctx, const dg_entity *e, const dg_value *row);

/* Generates the demo business, handing every row to row_fn. progress (may be NULL) is called
 * with the share of the customers generated and their number. */
int dg_demo_run(const dg_demo_options *opt, dg_demo_row_fn row_fn, void *row_ctx,
                dg_progress_fn progress, void *progress_ctx, dg_error *err);

/* Where dg_demo_generate writes. Either may be NULL/unset, not both. */
typedef struct dg_demo_output {
    dg_store *store;      /* rows go into this store, in one transaction; its currency is set to KRW */
    const char *csv_dir;  /* one CSV per entity (ENTITY.csv, catalog column order, import formats) */
} dg_demo_output;

/* Row counts per entity, indexed like dg_entity_all(). */
#define DG_DEMO_MAX_ENTITIES 16
typedef struct dg_demo_counts {
    int64_t rows[DG_DEMO_MAX_ENTITIES];
} dg_demo_counts;

/* Generates the demo business into a store and/or CSV files. counts may be NULL. A store that
 * already holds customers is refused (DG_EEXIST): the demo is meant for an empty store. On error
 * the store is left as it was (the transaction is rolled back). */
int dg_demo_generate(const dg_demo_output *out, const dg_demo_options *opt,
                     dg_progress_fn progress, void *progress_ctx, dg_demo_counts *counts,
                     dg_error *err);

/* ---- campaigns with a known true effect (docs/demo.md, "Campaigns") ----
 * dg_demo_campaigns adds two launched campaigns to a demo store, through the campaign service
 * (dangol/campaign.h): DEMO-WINBACK (lapsed and churned customers, a 10% coupon) and DEMO-BONUS
 * (active customers, 1,000 bonus points), each with half the audience held back. After launch,
 * every treated customer gets one extra order in the response window with probability
 * DG_DEMO_CAMPAIGN_EFFECT_* (a coupon campaign's order redeems the code). So the true uplift of
 * the response rate over the audience is effect x (share of its members without an order of
 * their own in the window), reported in dg_demo_campaign_truth. The default demo is unchanged. */
#define DG_DEMO_CAMPAIGN_EFFECT_WINBACK 0.12
#define DG_DEMO_CAMPAIGN_EFFECT_BONUS 0.06
#define DG_DEMO_CAMPAIGNS 2

typedef struct dg_demo_campaign_truth {
    char campaign_id[32];
    double effect;                 /* P(an extra order in the window | treated) */
    int64_t members;
    double baseline_nonresponse;   /* members without an order of their own in the window */
    double true_rate_uplift;       /* effect x baseline_nonresponse */
    int64_t extra_orders;
} dg_demo_campaign_truth;

/* Adds the two campaigns to a demo store (as generated by dg_demo_generate with seed), launched
 * before its last day so both windows are complete. DG_EEXIST when they exist. */
int dg_demo_campaigns(dg_demo_campaign_truth truth[DG_DEMO_CAMPAIGNS], dg_store *store,
                      uint64_t seed, dg_error *err);

/* ---- a loyalty programme over the history (docs/demo.md, "Tiers and points") ----
 * dg_demo_loyalty runs the built-in tier and points rules over a demo store's orders through
 * the services, in day order: every order earns its points at its customer's tier, an order is
 * paid partly with points (half the balance) with probability DG_DEMO_BURN_SHARE when the
 * balance is at least DG_DEMO_BURN_MIN, the expiry job runs monthly and the tier evaluation
 * quarterly, both also on the last day. Additive: the demo's other rows are unchanged. */
#define DG_DEMO_BURN_SHARE 0.4
#define DG_DEMO_BURN_MIN 500

typedef struct dg_demo_loyalty_counts {
    int64_t earns, burns, expired_lots, tier_upgrades, tier_downgrades;
} dg_demo_loyalty_counts;

/* Runs the programme over store with seed, its counts into *out. Each write is one transaction
 * of the services; their errors (DG_EINVAL, DG_ENOMEM, the store's) stop it. */
int dg_demo_loyalty(dg_store *store, uint64_t seed, dg_demo_loyalty_counts *out, dg_error *err);

/* ---- the clinic's service desk (docs/demo.md, "The clinic's service desk") ----
 * dg_demo_clinic_service adds to a store generated by dg_demo_generate for DG_DEMO_CLINIC (same
 * opt) the VOC tickets of its visits, worked through their states (complaints about the
 * lowest-rated moment, so mostly the weak one; inquiries, compliments, suggestions; some late,
 * some never answered, some reopened), a recovery ticket for each detractor's survey answer,
 * the escalation of the breached ones, and the post-purchase follow-up tasks of the built-in
 * rules with the outcomes of those due. Through the ticket and follow-up services, one
 * transaction per write. */
typedef struct dg_demo_service_counts {
    int64_t tickets, recovery_tickets, escalated, followup_tasks, followups_done;
} dg_demo_service_counts;
/* Adds the service desk to store, its counts into *counts; the services' errors stop it. */
int dg_demo_clinic_service(dg_demo_service_counts *counts, dg_store *store,
                           const dg_demo_options *opt, dg_error *err);

DG_API_END

#endif
