/* The API's route table: the one place a route is declared. Dispatch matches requests against it
 * (path templates with {captures}), and the OpenAPI 3 document at /api/openapi.json is generated
 * from it, with record schemas taken from the entity catalog, so the document cannot drift from
 * what the server answers. */
#include <stdio.h>
#include <string.h>

#include "dangol/entity.h"
#include "dangol/id.h"
#include "dangol/utf8.h"
#include "server/server.h"

#define TEXT(x) #x
#define NUMBER_TEXT(x) TEXT(x)
#define PAGE_PARAMS(what)                                                                   \
    { "offset", "integer", what " to skip (default 0)" },                                   \
    { "limit", "integer", what " to return, 1-" NUMBER_TEXT(DG_PAGE_MAX) " (default "       \
      NUMBER_TEXT(DG_PAGE_DEFAULT) ")" }

static const dg_route_param page_params[] = {
    PAGE_PARAMS("records"),
    { NULL, NULL, NULL },
};
static const dg_route_param search_params[] = {
    { "q", "string", "only customers whose id, name, phone or email contains this text (an "
      "analyst: the id only)" },
    { "reason", "string", "why the list is needed, kept in the audit trail: required when the "
      "store has users and the answer shows personal fields unmasked (admin, manager)" },
    PAGE_PARAMS("records"),
    { NULL, NULL, NULL },
};

static const dg_route_param kpi_params[] = {
    { "as_of", "string", "last day included, YYYY-MM-DD (default: the last day with activity)" },
    { "months", "integer", "calendar months to show, 1-240 (default 12)" },
    { NULL, NULL, NULL },
};

static const dg_route_param cube_params[] = {
    { "rows", "string", "row dimensions, comma-separated: year, quarter, month, week, day, "
      "channel, payment, site, staff, region, gender, acquisition, customer_type, income, age, "
      "segment, stage, activity, category, brand, product" },
    { "cols", "string", "column dimensions, comma-separated" },
    { "measure", "string", "revenue (default), orders, customers, units, aov, "
      "revenue_per_customer, share; comma-separated" },
    { "where", "string", "filters: DIM=V1,V2; DIM!=V; DIM=FROM..TO, joined by ';'" },
    { "totals", "string", "none, rollup, cube, or grouping sets \"month,channel|month|\"" },
    { "top", "integer", "keep the top N rows by the sort measure" },
    { "sort", "string", "label or MEASURE[:asc|:desc]" },
    { "as_of", "string", "ignore orders after this day, YYYY-MM-DD" },
    { NULL, NULL, NULL },
};

#define AS_OF_PARAM { "as_of", "string", "last day included, YYYY-MM-DD (default: the last day " \
                      "with activity in the store)" }
static const dg_route_param rfm_params[] = {
    AS_OF_PARAM,
    { "view", "string", "segments (default), bins (score ranges), grid (customers per R x F "
      "score pair) or customers (one row per customer)" },
    { "monetary", "string", "total (default) or mean order value" },
    PAGE_PARAMS("view=customers: customers"),
    { NULL, NULL, NULL },
};
static const dg_route_param stage_at_params[] = {
    AS_OF_PARAM,
    { "at", "string", "day of the stages, YYYY-MM-DD (default: the as-of day)" },
    { NULL, NULL, NULL },
};
static const dg_route_param stage_between_params[] = {
    AS_OF_PARAM,
    { "from", "string", "first day, YYYY-MM-DD (default: a year before to)" },
    { "to", "string", "last day, YYYY-MM-DD (default: the as-of day)" },
    { NULL, NULL, NULL },
};
static const dg_route_param cohort_params[] = {
    AS_OF_PARAM,
    { "by", "string", "month (default: acquisition month), channel or category" },
    { "measure", "string", "retention (default), active, revenue or revenue_per_customer" },
    { "periods", "integer", "months since acquisition to show (default: all)" },
    { NULL, NULL, NULL },
};

static const dg_route_param clv_params[] = {
    AS_OF_PARAM,
    { "view", "string", "top (default: customers ranked by CLV), value (CLV histogram) or "
      "p_alive (P(alive) histogram)" },
    { "top", "integer", "customers in view=top (default 20)" },
    { "model", "string", "bgnbd (default), mbgnbd, paretonbd or bgbb" },
    { "horizon", "number", "weeks ahead (default 52)" },
    { "discount_rate", "number", "per week (default 0)" },
    { NULL, NULL, NULL },
};

static const dg_route_param loyalty_params[] = {
    AS_OF_PARAM,
    { "view", "string", "summary (default: every measure with n and its 95% interval), "
      "segments (NPS and CSAT per RFM segment), stages (NPS and CSAT per behavioural stage, "
      "before advocacy) or customers (one row per customer)" },
    PAGE_PARAMS("view=customers: customers"),
    { NULL, NULL, NULL },
};

static const dg_route_param staff_params[] = {
    AS_OF_PARAM,
    { "by", "string", "staff (default: one row per staff member) or site" },
    { "rank", "string", "order by the shrunk nps (default), csat, repeat, rating, or by revenue" },
    { "repeat_days", "integer", "a first-time customer repeats with another order within this "
      "many days, 1-3650 (default 180)" },
    { NULL, NULL, NULL },
};

static const dg_route_param staff_chain_params[] = {
    AS_OF_PARAM,
    { "repeat_days", "integer", "a first-time customer repeats with another order within this "
      "many days, 1-3650 (default 180)" },
    { "min_responses", "integer", "sites with fewer staff survey responses stay out of the "
      "correlations (default 3)" },
    { NULL, NULL, NULL },
};

static const dg_route_param types_params[] = {
    AS_OF_PARAM,
    { "view", "string", "types (default: conversion, CSAT, spend and complaint rate per "
      "consultation type with 95% intervals) or suggestions (how the built-in type-suggestion "
      "rules fall on the customers)" },
    { NULL, NULL, NULL },
};

/* customer value survey (src/server/value.c) */
#define VALUE_WRITE "ValueResponse"
static const dg_route_param value_scores_params[] = {
    AS_OF_PARAM,
    { "customer_id", "string", "one customer's responses (default: every response)" },
    { NULL, NULL, NULL },
};
static const dg_route_param value_reliability_params[] = { AS_OF_PARAM, { NULL, NULL, NULL } };
static const dg_route_param value_drivers_params[] = {
    AS_OF_PARAM,
    { "outcome", "string", "an outcome item of the survey (default repurchase_intent; nps) or "
      "repurchase: an order within window_days after the answer" },
    { "window_days", "integer", "the repurchase window, 1-3660 (default 180)" },
    { NULL, NULL, NULL },
};
static const dg_route_param value_grid_params[] = {
    AS_OF_PARAM,
    { "by", "string", "none (default), segment, tier, stage or type (consultation type): one "
      "regression per group, a group too small for one said so" },
    { "outcome", "string", "as for /api/value/drivers" },
    { "window_days", "integer", "the repurchase window, 1-3660 (default 180)" },
    { NULL, NULL, NULL },
};

static const dg_route_param points_day_params[] = {
    { "as_of", "string", "day the balance is judged on, YYYY-MM-DD (default: today, UTC): lots "
      "expired on it never count" },
    { NULL, NULL, NULL },
};
static const dg_route_param points_ranking_params[] = {
    { "as_of", "string", "day the balances are judged on, YYYY-MM-DD (default: today, UTC)" },
    { "top", "integer", "customers to list, 0-" NUMBER_TEXT(DG_PAGE_MAX) " (default 20)" },
    { NULL, NULL, NULL },
};

static const dg_route_param tier_day_params[] = {
    { "as_of", "string", "day the tiers are read on, YYYY-MM-DD (default: the last evaluated day)" },
    { NULL, NULL, NULL },
};
static const dg_route_param tier_migration_params[] = {
    { "from", "string", "day of the rows' tiers, YYYY-MM-DD (required)" },
    { "to", "string", "day of the columns' tiers, YYYY-MM-DD (required, not before from)" },
    { NULL, NULL, NULL },
};
static const dg_route_param tier_crosstab_params[] = {
    AS_OF_PARAM,
    { "by", "string", "stage (relationship stage) or segment (RFM segment); required" },
    { NULL, NULL, NULL },
};
static const dg_route_param tier_evaluate_params[] = {
    { "as_of", "string", "evaluate through this day, YYYY-MM-DD (default: today, UTC)" },
    { NULL, NULL, NULL },
};
static const dg_route_param ticket_list_params[] = {
    { "as_of", "string", "time the SLA states are judged at: YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM], "
      "or YYYY-MM-DD for the end of that day (default now)" },
    { "customer_id", "string", "only this customer's tickets" },
    { "state", "string", "only tickets in this state: open, assigned, in_progress, resolved, "
      "closed" },
    { NULL, NULL, NULL },
};
static const dg_route_param ticket_risk_params[] = {
    { "as_of", "string", "as for GET /api/tickets (default now)" },
    { "within", "number", "business hours to the next due time (default: the SLA file's "
      "at_risk_hours)" },
    { NULL, NULL, NULL },
};
static const dg_route_param ticket_as_of_params[] = {
    { "as_of", "string", "as for GET /api/tickets (default now)" },
    { NULL, NULL, NULL },
};
static const dg_route_param segment_params[] = {
    AS_OF_PARAM,
    { "view", "string", "profiles (default: size, revenue share, feature means as ratios to "
      "everyone's, suggested names in English and Korean), means (raw feature means), customers "
      "(one row per customer), silhouette (each k tried) or crosstab (against the RFM segments)" },
    { "k", "integer", "number of segments, 1-20 (default 0: chosen by the best mean silhouette "
      "of 2..k_max)" },
    { "k_max", "integer", "largest k tried when choosing, 2-20 (default 10)" },
    { "seed", "integer", "seed of the k-means++ starts and the silhouette sample (default 1)" },
    { "sample", "integer", "customers the silhouette looks at, 10-100000 (default 3000)" },
    { "restarts", "integer", "k-means++ restarts per k, 1-100 (default 4)" },
    { "features", "string", "comma-separated features to cluster on (default: the behavioural "
      "set; `dangol features` lists them)" },
    PAGE_PARAMS("view=customers: customers"),
    { NULL, NULL, NULL },
};

static const dg_route_param audit_params[] = {
    { "customer", "string", "only entries concerning this customer id" },
    { "user", "string", "only entries by this user (or OS user of a command)" },
    { "since", "string", "only entries recorded on or after this day, YYYY-MM-DD (UTC)" },
    PAGE_PARAMS("entries"),
    { NULL, NULL, NULL },
};

/* The body of the points writes (not a catalog entity: described by points_write_schema). */
#define POINTS_WRITE "PointsWrite"
#define ORDER_RETURN "OrderReturn"
/* The bodies of the consent writes and of an erasure (consent_body_schemas). */
#define CONSENT_WRITE "ConsentWrite"
#define ERASURE "Erasure"

static const dg_route_param consent_day_params[] = {
    { "as_of", "string", "day the consent is judged on, YYYY-MM-DD (default: today, UTC)" },
    { NULL, NULL, NULL },
};
static const dg_route_param consent_list_params[] = {
    { "purpose", "string", "marketing_email, marketing_sms, marketing_phone, "
      "third_party_sharing (or its English or Korean name); required" },
    { "as_of", "string", "day the consent is judged on, YYYY-MM-DD (default: today, UTC)" },
    { NULL, NULL, NULL },
};

/* Campaigns: the queries of the results and of the send list. */
static const dg_route_param campaign_results_params[] = {
    AS_OF_PARAM,
    { NULL, NULL, NULL },
};
static const dg_route_param campaign_send_params[] = {
    { "channel", "string", "a consent purpose (default: the campaign's channel)" },
    { "as_of", "string", "day the consent is judged on, YYYY-MM-DD (default: today, UTC)" },
    { "reason", "string", "why the list is exported, kept in the audit trail" },
    { NULL, NULL, NULL },
};

/* Coupons: the query of the rates, and the bodies of the writes (coupon_write_schema). */
static const dg_route_param coupon_rates_params[] = {
    { "by", "string", "coupon (default: one row per definition) or campaign" },
    { NULL, NULL, NULL },
};
/* Economics (docs/economics.md): the query of its routes. */
static const dg_route_param economics_params[] = {
    AS_OF_PARAM,
    { NULL, NULL, NULL },
};
static const dg_route_param economics_profit_params[] = {
    AS_OF_PARAM,
    { "top", "integer", "customers ranked by contribution (default 20; 0 = all)" },
    { NULL, NULL, NULL },
};
#define COUPON_DEFINE "CouponDefine"
#define COUPON_ISSUE "CouponIssue"
#define COUPON_REDEEM "CouponRedeem"
#define COUPON_VOID "CouponVoid"

/* post-purchase follow-up and VOC analytics (docs/followups.md, docs/tickets.md) */
static const dg_route_param followup_list_params[] = {
    { "state", "string", "open or done (default: both)" },
    { "customer_id", "string", "only this customer's tasks" },
    { "due_by", "string", "only tasks due on or before this day, YYYY-MM-DD" },
    { NULL, NULL, NULL },
};
static const dg_route_param followup_outbox_params[] = {
    { "channel", "string", "sms, email or call (required)" },
    { "reason", "string", "why the contacts are exported (required; kept in the audit trail)" },
    { "as_of", "string", "the day, YYYY-MM-DD (default today): tasks due by then" },
    { NULL, NULL, NULL },
};
static const dg_route_param voc_stats_params[] = {
    { "from", "string", "tickets opened from this time (default: all)" },
    { "as_of", "string", "as for GET /api/tickets (default now)" },
    { NULL, NULL, NULL },
};
static const dg_route_param voc_terms_params[] = {
    { "category", "string", "only this category (default: every one)" },
    { "top", "integer", "terms per category, 1-1000 (default 10)" },
    { "bigrams", "boolean", "true: syllable bigrams of Hangul words too" },
    { "as_of", "string", "as for GET /api/tickets (default now)" },
    { NULL, NULL, NULL },
};
static const dg_route_param voc_search_params[] = {
    { "q", "string", "the words; each must match, as a prefix (required)" },
    { "limit", "integer", "rows, 1-10000 (default 50)" },
    { NULL, NULL, NULL },
};
static const dg_route_param voc_recovery_params[] = {
    { "window", "integer", "days, 1-3650 (default 90)" },
    { "as_of", "string", "as for GET /api/tickets (default now)" },
    { NULL, NULL, NULL },
};
/* Churn models: which model (churn_model_params), and the scores' day and page. */
static const dg_route_param churn_model_params[] = {
    { "model", "integer", "a stored churn model id (default: the latest)" },
    { NULL, NULL, NULL },
};
static const dg_route_param churn_score_params[] = {
    { "model", "integer", "a stored churn model id (default: the latest)" },
    { "as_of", "string", "score the features of this day, YYYY-MM-DD (default: the last day)" },
    PAGE_PARAMS("customers"),
    { NULL, NULL, NULL },
};
static const dg_route_param churn_distribution_params[] = {
    { "model", "integer", "a stored churn model id (default: the latest)" },
    { "as_of", "string", "score the features of this day, YYYY-MM-DD (default: the last day)" },
    { NULL, NULL, NULL },
};
static const dg_route_param lookalike_score_params[] = {
    PAGE_PARAMS("prospects"),
    { NULL, NULL, NULL },
};
static const dg_route_param mot_params[] = {
    { "as_of", "string", "last visit day included, YYYY-MM-DD (default: the last visit)" },
    { NULL, NULL, NULL },
};
static const dg_route_param mot_visits_params[] = {
    { "as_of", "string", "last visit day included, YYYY-MM-DD (default: the last visit)" },
    { "top", "integer", "visits to list, 0-" NUMBER_TEXT(DG_PAGE_MAX) " (default 20)" },
    { NULL, NULL, NULL },
};

static const dg_route_param card_params[] = {
    { "lang", "string", "the consultation guidance in en or ko (default: both, as "
      "\"English (한국어)\")" },
    { NULL, NULL, NULL },
};

/* Each entry leaves out the fields it does not set at its end (one_read: false, but on the
 * customer look-up), so -Wextra's missing-initializer check is off for this table alone. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const dg_route routes[] = {
    { "POST", "/api/login", dg_api_login, "auth",
      "sign in with {name, password}: sets the session cookie and answers {user, role, "
      "csrf_token}; 401 for a wrong name or password, 429 after too many failures", NULL, NULL,
      "object", false, DG_ROLE_NONE, false },
    { "POST", "/api/logout", dg_api_logout, "auth", "end this session (and clear its cookie)",
      NULL, NULL, "object", false, DG_ROLE_AGENT, false },
    { "GET", "/api/session", dg_api_session, "auth",
      "who is asking: {authentication, user, role, csrf_token (session only)}", NULL, NULL,
      "object", false, DG_ROLE_AGENT, false },
    { "GET", "/api/users", dg_api_users, "auth", "the users (never their passwords)", NULL, NULL,
      "object", false, DG_ROLE_ADMIN, false },
    { "GET", "/api/openapi.json", dg_api_openapi, "meta", "this document", NULL, NULL, "object",
      false, DG_ROLE_AGENT, false },
    { "GET", "/api/version", dg_api_version, "meta", "program and store schema versions", NULL,
      NULL, "object", false, DG_ROLE_NONE, false },
    { "GET", "/api/stats", dg_api_stats, "meta",
      "record counts and date ranges per entity, and the frame snapshot's state: current, out "
      "of date or none, its bytes, the store's generation (as `dangol stats`)", NULL, NULL, "table",
      false, DG_ROLE_ANALYST, false },
    { "GET", "/api/vocabulary", dg_api_vocabulary, "meta",
      "English and Korean names of every value code and dashboard label, by domain: "
      "{domains: {domain: {code: {en, ko}}}, columns: {column or dimension: domain}}", NULL, NULL, "object", false,
      DG_ROLE_NONE, false },
    { "GET", "/api/kpi", dg_api_kpi, "reports",
      "headline KPIs by month (as `dangol kpi`): customers, new, active, orders, revenue, repeat "
      "rate, NPS", kpi_params, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/cube", dg_api_cube, "reports",
      "slice, dice and pivot revenue, orders and customers (as `dangol cube`)", cube_params, NULL,
      "table", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/cube/dimensions", dg_api_cube_dimensions, "meta",
      "the cube's dimensions (name, next coarser level, grain: order, customer, day or product) "
      "and measures, in the order /api/cube lists them", NULL, NULL, "object", false,
      DG_ROLE_ANALYST, false },
    { "GET", "/api/rfm", dg_api_rfm, "reports",
      "RFM segments, score bins, the R x F grid or per-customer scores (as `dangol rfm`)",
      rfm_params, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/stages", dg_api_stages, "reports",
      "customers per relationship stage, with active/lapsed/churned (as `dangol stage`)",
      stage_at_params, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/stages/funnel", dg_api_stages_funnel, "reports",
      "the relationship ladder as a funnel with step conversion (as `dangol stage --funnel`)",
      stage_at_params, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/stages/migration", dg_api_stages_migration, "reports",
      "stage migration matrix between two dates (as `dangol stage --migration FROM TO`)",
      stage_between_params, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/stages/history", dg_api_stages_history, "reports",
      "stage counts at every month end between two dates (as `dangol stage --history`)",
      stage_between_params, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/cohorts", dg_api_cohorts, "reports",
      "retention and revenue of acquisition cohorts by month since acquisition (as `dangol "
      "cohort`)", cohort_params, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/loyalty", dg_api_loyalty, "reports",
      "behavioural and attitudinal loyalty, NPS and CSAT with intervals, the loyalty index (as "
      "`dangol loyalty`)", loyalty_params, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/clv", dg_api_clv, "reports",
      "customer lifetime value, P(alive) and expected purchases from the BTYD models with "
      "Gamma-Gamma spend (as `dangol clv predict`)", clv_params, NULL, "table", false,
      DG_ROLE_ANALYST, false },
    { "GET", "/api/staff", dg_api_staff, "reports",
      "customers served, revenue, repeat rate of first-time customers, CSAT, NPS and service "
      "rating per staff member or site, shrunk by empirical Bayes with 95% intervals and ranked "
      "(as `dangol staff`)", staff_params, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/staff/chain", dg_api_staff_chain, "reports",
      "the service-profit chain: per site the staff's satisfaction beside their customers' NPS, "
      "CSAT and repeat rate, and the correlations across sites with Fisher-z intervals; a "
      "correlation, not a cause (as `dangol staff chain`)", staff_chain_params, NULL, "tables",
      false, DG_ROLE_ANALYST, false },
    { "POST", "/api/staff/surveys", dg_api_staff_survey_record, "reports",
      "record a staff satisfaction survey response {response_id, site, staff_id, answered_on, "
      "scale_min, scale_max, answers: {ITEM: SCORE}} in one transaction; 400 for a score off "
      "the scale, 404 for an unknown staff member, 409 when the response is recorded already",
      NULL, DG_STAFF_SURVEY_WRITE, "object", true, DG_ROLE_MANAGER, false },
    { "GET", "/api/types", dg_api_types, "reports",
      "customers by consultation type: conversion, CSAT, spend, complaint rate with 95% "
      "intervals, or the type-suggestion rules (as `dangol types`)", types_params, NULL, "table",
      false, DG_ROLE_ANALYST, false },
    { "GET", "/api/customers", dg_api_customers_list, "customers",
      "list or search customers, a page at a time (an analyst: personal fields masked, found "
      "by id only)", search_params, NULL, "page", false, DG_ROLE_ANALYST, false },
    { "POST", "/api/customers", dg_api_customers_create, "customers",
      "create a customer (409 if the customer_id exists)", NULL, "customers", "record", true,
      DG_ROLE_MANAGER, false },
    { "GET", "/api/customers/{customer_id}", dg_api_customer_get, "customers",
      "one customer (an analyst: personal fields masked)", NULL, NULL, "record", false,
      DG_ROLE_ANALYST, true, true },
    { "PUT", "/api/customers/{customer_id}", dg_api_customer_put, "customers",
      "replace a customer's record (absent fields become empty)", NULL, "customers", "record",
      true, DG_ROLE_MANAGER, false },
    { "PATCH", "/api/customers/{customer_id}", dg_api_customer_patch, "customers",
      "change some fields of a customer (null empties a field)", NULL, "customers", "record",
      true, DG_ROLE_MANAGER, false },
    { "GET", "/api/customers/{customer_id}/card", dg_api_customer_card, "customers",
      "the customer card (as `dangol customer show`): profile, guidance, order summary, recent "
      "orders and feedback, as a list of titled tables (an analyst: personal fields masked)",
      card_params, NULL, "tables", false, DG_ROLE_ANALYST, true },
    { "POST", "/api/customers/{customer_id}/type", dg_api_customer_type, "customers",
      "staff set (or clear) the customer's consultation type {type, expected_type}: audited; "
      "409 when expected_type is given and the type changed since (as `dangol customer "
      "set-type --expect`)", NULL, DG_CUSTOMER_TYPE_SCHEMA, "object", true, DG_ROLE_MANAGER,
      true },
    { "GET", "/api/consult-types", dg_api_consult_types, "customers",
      "the consultation types staff may set, with their names and guidance in English and "
      "Korean (config/consult_types.conf or dangol serve --consult-types FILE)", NULL, NULL,
      "object", false, DG_ROLE_AGENT, false },
    { "GET", "/api/customers/{customer_id}/orders", dg_api_orders_list, "orders",
      "a customer's orders, newest first", page_params, NULL, "page", false,
      DG_ROLE_MANAGER, true },
    { "POST", "/api/customers/{customer_id}/orders", dg_api_orders_create, "orders",
      "record an order of the customer (409 if the order_id exists)", NULL, "orders", "record",
      true, DG_ROLE_MANAGER, false },
    { "GET", "/api/customers/{customer_id}/feedback", dg_api_feedback_list, "feedback",
      "a customer's feedback (complaints, opinions, questions), newest first", page_params, NULL,
      "page", false, DG_ROLE_MANAGER, true },
    { "POST", "/api/customers/{customer_id}/feedback", dg_api_feedback_create, "feedback",
      "record feedback from the customer (409 if the feedback_id exists)", NULL, "feedback",
      "record", true, DG_ROLE_MANAGER, true },
    { "GET", "/api/customers/{customer_id}/points", dg_api_points_balance, "points",
      "the customer's points on a day: available, sum of the ledger, expired but not yet swept, "
      "open lots and the next expiry (as `dangol points balance ID`)", points_day_params, NULL,
      "table", false, DG_ROLE_MANAGER, true },
    { "GET", "/api/customers/{customer_id}/points/statement", dg_api_points_statement, "points",
      "the customer's ledger with a running balance, and their lots (as `dangol points "
      "statement`)", NULL, NULL, "tables", false, DG_ROLE_MANAGER, true },
    { "POST", "/api/customers/{customer_id}/points/earn", dg_api_points_earn, "points",
      "credit points: {order_id} earns an order's points by the rules (409 if it has earned "
      "already), or {points, source: coupon|campaign|manual, source_id}; Idempotency-Key "
      "header: a retry answers the first result", NULL, POINTS_WRITE, "object",
      DG_ROUTE_WRITES_GROUPED, DG_ROLE_MANAGER, true },
    { "POST", "/api/customers/{customer_id}/points/burn", dg_api_points_burn, "points",
      "spend points, earliest expiry first, in one transaction (409 when the balance is "
      "smaller; nothing written); Idempotency-Key header: a retry answers the first result",
      NULL, POINTS_WRITE, "object", DG_ROUTE_WRITES_GROUPED, DG_ROLE_MANAGER, true },
    { "POST", "/api/customers/{customer_id}/points/adjust", dg_api_points_adjust, "points",
      "a correction with a reason: positive opens a lot, negative is taken like a burn (409 "
      "beyond the balance); Idempotency-Key header as for burn", NULL, POINTS_WRITE, "object",
      DG_ROUTE_WRITES_GROUPED, DG_ROLE_MANAGER, false },
    { "POST", "/api/customers/{customer_id}/points/reverse", dg_api_points_reverse, "points",
      "take back a cancelled or returned order's earn ({order_id, reason}; 409 if reversed "
      "already); spent points follow the rules' reverse_spent policy (absorbed in the answer)",
      NULL, POINTS_WRITE, "object", DG_ROUTE_WRITES_GROUPED, DG_ROLE_MANAGER, false },
    { "POST", "/api/orders/{order_id}/return", dg_api_order_return, "points",
      "a cancelled or returned order: its points earn and its coupon redemption reversed in one "
      "write, the coupon restored or forfeited by the rules' return_coupon (docs/points.md); "
      "409 the second time", NULL, ORDER_RETURN, "object", DG_ROUTE_WRITES_GROUPED,
      DG_ROLE_MANAGER, false },
    { "GET", "/api/points/ranking", dg_api_points_ranking, "points",
      "customers ranked by available points (expired lots never count)", points_ranking_params,
      NULL, "table", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/points/liability", dg_api_points_liability, "points",
      "outstanding points and their value, expiring in 30/60/90 days, ageing, breakage by "
      "expiry year (as `dangol points liability`)", points_day_params, NULL, "tables", false,
      DG_ROLE_ANALYST, false },
    { "GET", "/api/customers/{customer_id}/tier", dg_api_tier_customer, "tiers",
      "the customer's tier on a day: measure, next tier, benefits, and the tier history (as "
      "`dangol tier show`)", tier_day_params, NULL, "tables", false, DG_ROLE_ANALYST, true },
    { "GET", "/api/tiers/distribution", dg_api_tier_distribution, "tiers",
      "customers per tier on a day, with shares (as `dangol tier distribution`)",
      tier_day_params, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/tiers/migration", dg_api_tier_migration, "tiers",
      "customers by tier on from (rows) and on to (columns) (as `dangol tier migration`)",
      tier_migration_params, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/tiers/crosstab", dg_api_tier_crosstab, "tiers",
      "customers by tier and relationship stage or RFM segment (as `dangol tier crosstab`)",
      tier_crosstab_params, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "POST", "/api/tiers/evaluate", dg_api_tier_evaluate, "tiers",
      "evaluate every customer's tier through as_of under the rules of the last evaluation: "
      "{as_of, previous, customers, upgrades, downgrades, already}; a day evaluated already "
      "writes nothing (already: true, status 200), so a retry needs no Idempotency-Key",
      tier_evaluate_params, NULL, "object", true, DG_ROLE_MANAGER, false },
    /* VOC tickets (docs/tickets.md) */
    { "GET", "/api/tickets", dg_api_tickets_list, "tickets",
      "tickets with their SLA states at as_of (as `dangol ticket list`); an agent's lists and "
      "tickets are those of their own customers (403 for another's)", ticket_list_params,
      NULL, "table", false, DG_ROLE_AGENT, false },
    { "POST", "/api/tickets", dg_api_ticket_open, "tickets",
      "open a ticket {customer_id, kind, channel, priority, category, subject, order_id, "
      "staff_id, at}; kinds, channels and priorities also by their Korean names; "
      "Idempotency-Key header: a retry answers the first result", NULL,
      DG_TICKET_OPEN_SCHEMA, "object", true, DG_ROLE_AGENT, false },
    { "GET", "/api/tickets/breached", dg_api_tickets_breached, "tickets",
      "unresolved tickets past a due time at as_of (as `dangol ticket breached`)",
      ticket_as_of_params, NULL, "table", false, DG_ROLE_AGENT, false },
    { "GET", "/api/tickets/at-risk", dg_api_tickets_at_risk, "tickets",
      "unresolved tickets whose next due time is within `within` business hours",
      ticket_risk_params, NULL, "table", false, DG_ROLE_AGENT, false },
    { "POST", "/api/tickets/escalate", dg_api_tickets_escalate, "tickets",
      "escalate every breached ticket once: priority one up, escalated flag, an event "
      "(running it again changes nothing); body {as_of}", NULL, DG_TICKET_JOB_SCHEMA,
      "object", true, DG_ROLE_MANAGER, false },
    { "POST", "/api/tickets/recover", dg_api_tickets_recover, "tickets",
      "open a service-recovery ticket for every detractor (NPS 0-6), CSAT 1-2 or complaint "
      "feedback up to as_of that has none: once per incident; body {as_of}", NULL,
      DG_TICKET_JOB_SCHEMA, "object", true, DG_ROLE_MANAGER, false },
    { "GET", "/api/tickets/{ticket_id}", dg_api_ticket_show, "tickets",
      "one ticket with its SLA states and its events (as `dangol ticket show`)",
      ticket_as_of_params, NULL, "tables", false, DG_ROLE_AGENT, false },
    { "POST", "/api/tickets/{ticket_id}/assign", dg_api_ticket_assign, "tickets",
      "assign {assignee, version}: 409 for a stale version or a state that does not allow it",
      NULL, DG_TICKET_ACTION_SCHEMA, "object", true, DG_ROLE_AGENT, false },
    { "POST", "/api/tickets/{ticket_id}/start", dg_api_ticket_start, "tickets",
      "assigned -> in_progress {version}; 409 as for assign", NULL, DG_TICKET_ACTION_SCHEMA,
      "object", true, DG_ROLE_AGENT, false },
    { "POST", "/api/tickets/{ticket_id}/resolve", dg_api_ticket_resolve, "tickets",
      "in_progress -> resolved {version, note}; 409 as for assign", NULL,
      DG_TICKET_ACTION_SCHEMA, "object", true, DG_ROLE_AGENT, false },
    { "POST", "/api/tickets/{ticket_id}/close", dg_api_ticket_close, "tickets",
      "resolved -> closed {version}; 409 as for assign", NULL, DG_TICKET_ACTION_SCHEMA,
      "object", true, DG_ROLE_AGENT, false },
    { "POST", "/api/tickets/{ticket_id}/reopen", dg_api_ticket_reopen, "tickets",
      "resolved or closed -> open {version, note}; 409 as for assign", NULL,
      DG_TICKET_ACTION_SCHEMA, "object", true, DG_ROLE_AGENT, false },
    { "POST", "/api/tickets/{ticket_id}/comment", dg_api_ticket_comment, "tickets",
      "a comment {note, version}: an event without a state change", NULL,
      DG_TICKET_ACTION_SCHEMA, "object", true, DG_ROLE_AGENT, false },
    { "GET", "/api/segments", dg_api_segments, "reports",
      "k-means segments of the customers with an order: profiles with suggested names, raw "
      "means, per-customer segments, the silhouette for each k tried, or the crosstab against "
      "the RFM segments (as `dangol segment`)", segment_params, NULL, "table", false,
      DG_ROLE_ANALYST, false },
    { "GET", "/api/audit", dg_api_audit, "audit",
      "the audit trail: who saw, exported or changed which customers' data, when, from where "
      "and why, oldest first (as `dangol audit list`)", audit_params, NULL, "table", false,
      DG_ROLE_ADMIN, false },
    { "GET", "/api/customers/{customer_id}/consent", dg_api_consent_show, "consent",
      "the customer's consent per purpose on a day and their history of grants and withdrawals "
      "(as `dangol consent show`)", consent_day_params, NULL, "tables", false, DG_ROLE_ANALYST,
      true },
    { "POST", "/api/customers/{customer_id}/consent/grant", dg_api_consent_grant, "consent",
      "record a grant {purpose, source (default api), date}; Idempotency-Key header: a retry "
      "answers the first result; 409 for an erased customer", NULL, CONSENT_WRITE, "object",
      true, DG_ROLE_MANAGER, true },
    { "POST", "/api/customers/{customer_id}/consent/withdraw", dg_api_consent_withdraw,
      "consent", "record a withdrawal {purpose, source (default api), date}; Idempotency-Key "
      "header as for grant", NULL, CONSENT_WRITE, "object", true, DG_ROLE_MANAGER, true },
    { "GET", "/api/consent", dg_api_consent_list, "consent",
      "the send list: customers whose consent for a purpose is granted on a day (as `dangol "
      "consent list`)", consent_list_params, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "POST", "/api/customers/{customer_id}/erase", dg_api_customer_erase, "consent",
      "erasure on request {reason}: destroys the customer's personal fields and free texts, "
      "keeps the id, orders and every aggregate (as `dangol customer erase`); erased: false "
      "when erased before", NULL, ERASURE, "object", true, DG_ROLE_MANAGER, false },
    { "GET", "/api/customers/{customer_id}/subject", dg_api_customer_subject, "consent",
      "subject access: one JSON document of everything held on the customer (as `dangol "
      "customer export-subject`)", NULL, NULL, "object", false, DG_ROLE_MANAGER, false },
    { "GET", "/api/coupons", dg_api_coupons_list, "coupons",
      "coupon definitions with their state today and issued and redeemed counts (as `dangol "
      "coupon list`)", NULL, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "POST", "/api/coupons", dg_api_coupon_define, "coupons",
      "define a coupon: a fixed amount or a percent (optional cap), minimum spend, validity, "
      "limits, campaign, audience (409 if the id exists); Idempotency-Key header: a retry "
      "answers the first result", NULL, COUPON_DEFINE, "object", true, DG_ROLE_MANAGER, false },
    { "GET", "/api/coupons/rates", dg_api_coupon_rates, "coupons",
      "issued, redeemed, redemption rate with a 95% Wilson interval, discount given and revenue "
      "of the redeeming orders, by coupon or campaign (as `dangol coupon rates`)",
      coupon_rates_params, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/coupons/{definition_id}/codes", dg_api_coupon_codes, "coupons",
      "the codes of a definition with their customer, state and redemption (as `dangol coupon "
      "list --definition ID`)", NULL, NULL, "table", false, DG_ROLE_MANAGER, false },
    { "POST", "/api/coupons/{definition_id}/issue", dg_api_coupon_issue, "coupons",
      "issue one new code to each of {customers: [ids]}, all or none (a first-purchase coupon "
      "only to customers without orders); Idempotency-Key: a retry answers the same codes",
      NULL, COUPON_ISSUE, "object", true, DG_ROLE_MANAGER, false },
    { "POST", "/api/coupons/{definition_id}/void", dg_api_coupon_void_definition, "coupons",
      "void a definition: none of its unredeemed codes can be redeemed (409 if voided already)",
      NULL, COUPON_VOID, "object", true, DG_ROLE_MANAGER, false },
    { "GET", "/api/coupon-codes/{code}", dg_api_coupon_code, "coupons",
      "a code (as typed: 400 when mistyped, 404 when never issued), its state and redemption, "
      "and its definition (as `dangol coupon show`)", NULL, NULL, "tables", false,
      DG_ROLE_AGENT, false },
    { "POST", "/api/coupon-codes/{code}/redeem", dg_api_coupon_redeem, "coupons",
      "redeem a code on {order_id} of its customer: one redemption row and the discount; 409 "
      "when redeemed already (of concurrent requests exactly one wins), voided or a limit is "
      "reached; Idempotency-Key header: a retry answers the first result", NULL, COUPON_REDEEM,
      "object", DG_ROUTE_WRITES_GROUPED, DG_ROLE_AGENT, false },
    { "POST", "/api/coupon-codes/{code}/void", dg_api_coupon_void_code, "coupons",
      "void an unredeemed code (409 if redeemed or voided already)", NULL, COUPON_VOID,
      "object", true, DG_ROLE_MANAGER, false },
    { "GET", "/api/value/items", dg_api_value_items, "value",
      "the customer value survey: items, component, scale, reverse coding, wording (as `dangol "
      "value items`)", NULL, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/value/scores", dg_api_value_scores, "value",
      "per response: the seven component scores and value = benefits - costs (as `dangol value "
      "scores`)", value_scores_params, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/value/reliability", dg_api_value_reliability, "value",
      "per component: Cronbach's alpha (flagged under 0.7), mean and sd (as `dangol value "
      "reliability`)", value_reliability_params, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/value/drivers", dg_api_value_drivers, "value",
      "OLS of an outcome on the seven components: effect, se, t, p, 95% interval, R^2 (as "
      "`dangol value drivers`)", value_drivers_params, NULL, "table", false, DG_ROLE_ANALYST,
      false },
    { "GET", "/api/value/grid", dg_api_value_grid, "value",
      "importance-performance grid, overall or per segment, tier, stage or consultation type "
      "(as `dangol value grid`)", value_grid_params, NULL, "table", false, DG_ROLE_ANALYST,
      false },
    { "POST", "/api/value/responses", dg_api_value_record, "value",
      "record one survey response {response_id, customer_id, answered_on, answers: {item: "
      "answer}} checked against the survey, in one transaction (409 if the response_id exists); "
      "Idempotency-Key header: a retry answers the first result", NULL, VALUE_WRITE, "object",
      true, DG_ROLE_AGENT, false },
    /* moments of truth (docs/mot.md) */
    { "GET", "/api/mot/cycle", dg_api_mot_cycle, "mot",
      "the touchpoint cycle: its moments in order with element (hardware, software, humanware), "
      "scale, ratings, mean score, share at the bottom and share weakest (as `dangol mot "
      "cycle`)", mot_params, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/mot/score", dg_api_mot_score, "mot",
      "the cycle score by the multiplication rule (product) beside the mean with their rank "
      "correlation with NPS, NPS of the zero cycles, and the elements (as `dangol mot score`)",
      mot_params, NULL, "tables", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/mot/weakest", dg_api_mot_weakest, "mot",
      "the moments from the lowest mean score up (as `dangol mot weakest`)", mot_params, NULL,
      "table", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/mot/drivers", dg_api_mot_drivers, "mot",
      "each moment's Spearman correlation with NPS and with repurchase, 95% intervals, the "
      "strongest link to NPS first (as `dangol mot drivers`)", mot_params, NULL, "table",
      false, DG_ROLE_ANALYST, false },
    { "GET", "/api/mot/visits", dg_api_mot_visits, "mot",
      "each visit's cycle product, mean and weakest moment, the worst first (as `dangol mot "
      "visits`)", mot_visits_params, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "POST", "/api/mot/visits", dg_api_mot_record, "mot",
      "record a visit {visit_id, customer_id, visited_on, nps, staff_id, ratings: {MOMENT: "
      "SCORE}} and its ratings in one transaction; 409 when the visit is recorded already; "
      "Idempotency-Key header: a retry answers the first result", NULL, DG_MOT_VISIT_WRITE,
      "object", true, DG_ROLE_AGENT, false },
    /* post-purchase follow-up and VOC analytics (docs/followups.md, docs/tickets.md) */
    { "POST", "/api/followups/schedule", dg_api_followups_schedule, "followups",
      "create the follow-up tasks of the rules for orders up to as_of: {tasks_created}; "
      "running it again (or at once) creates nothing twice", NULL,
      DG_FOLLOWUP_SCHEDULE_SCHEMA, "object", true, DG_ROLE_AGENT, false },
    { "GET", "/api/followups", dg_api_followups_list, "followups",
      "follow-up tasks in due order (as `dangol followup list`; notes left out for masked "
      "roles)", followup_list_params, NULL, "table", false, DG_ROLE_AGENT, false },
    { "POST", "/api/followups/{task_id}/done", dg_api_followup_done, "followups",
      "record the outcome of an open task {outcome, note, version, at}: 409 when the version "
      "is stale or the task is done already; Idempotency-Key header: a retry answers the first "
      "result; audited", NULL, DG_FOLLOWUP_DONE_SCHEMA, "object", true, DG_ROLE_AGENT, false },
    { "GET", "/api/followups/outbox", dg_api_followups_outbox, "followups",
      "the open tasks of a channel due by as_of whose customer consents to the contact, with "
      "the phone or e-mail (as `dangol followup outbox`); the others counted in a note; "
      "audited as an export", followup_outbox_params, NULL, "table", false, DG_ROLE_MANAGER,
      false },
    { "GET", "/api/voc/stats", dg_api_voc_stats, "voc",
      "ticket volume by kind, channel, category and ISO week; first-response and resolution "
      "time in business hours (median, p90); SLA attainment; reopen rate; repeat complainants "
      "(as `dangol voc stats`); over every customer's tickets, so not open to agents",
      voc_stats_params, NULL, "tables", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/voc/terms", dg_api_voc_terms, "voc",
      "the most frequent terms of ticket subjects per category, Korean particles stripped (as "
      "`dangol voc terms`)", voc_terms_params, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/voc/search", dg_api_voc_search, "voc",
      "full-text search of ticket subjects, categories and event comments (FTS5), best first "
      "(as `dangol voc search`)", voc_search_params, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/voc/recovery", dg_api_voc_recovery, "voc",
      "repurchase within the window of complainants resolved within SLA, late, unresolved, and "
      "of customers without a complaint, with 95% Wilson intervals (as `dangol voc recovery`)",
      voc_recovery_params, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/campaigns", dg_api_campaigns_list, "campaigns",
      "every campaign with its state and group sizes (as `dangol campaign list`)", NULL, NULL,
      "table", false, DG_ROLE_ANALYST, false },
    { "POST", "/api/campaigns", dg_api_campaign_create, "campaigns",
      "create a campaign: audience filter, control share, seed, offer (coupon or points), "
      "channel, response window; 400 naming a bad field or filter dimension, 404 for an "
      "unknown coupon, 409 if the id exists; Idempotency-Key: a retry answers the first result",
      NULL, DG_CAMPAIGN_CREATE_SCHEMA, "object", true, DG_ROLE_MANAGER, false },
    { "GET", "/api/campaigns/{campaign_id}", dg_api_campaign_show, "campaigns",
      "one campaign and its groups per RFM segment (as `dangol campaign show`)", NULL, NULL,
      "tables", false, DG_ROLE_ANALYST, false },
    { "POST", "/api/campaigns/{campaign_id}/launch", dg_api_campaign_launch, "campaigns",
      "launch {date}: freeze the audience and the treatment/control groups, issue the coupon or "
      "grant the points to the treatment group, in one transaction; 409 when launched already "
      "(of concurrent launches exactly one applies); Idempotency-Key: a retry answers the "
      "first result", NULL, DG_CAMPAIGN_LAUNCH_SCHEMA, "object", true, DG_ROLE_MANAGER, false },
    { "GET", "/api/campaigns/{campaign_id}/results", dg_api_campaign_results, "campaigns",
      "response rate and revenue per customer per group, uplift with 95% intervals "
      "(Newcombe, Welch), incremental revenue and cost (as `dangol campaign results`)",
      campaign_results_params, NULL, "tables", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/campaigns/{campaign_id}/send-list", dg_api_campaign_send_list, "campaigns",
      "the treatment group with consent for the channel and their contact, coupon code and "
      "points; the others are left out and counted in the note (an export entry in the audit "
      "trail)", campaign_send_params, NULL, "table", false, DG_ROLE_MANAGER, false },
    /* economics: acquisition against retention (docs/economics.md) */
    { "GET", "/api/economics/cac", dg_api_economics_cac, "economics",
      "marketing spend, new customers and acquisition cost per new customer by acquisition "
      "channel and month (as `dangol economics cac`)", economics_params, NULL, "table", false,
      DG_ROLE_ANALYST, false },
    { "GET", "/api/economics/clv-cac", dg_api_economics_clv_cac, "economics",
      "per acquisition channel: CAC, CLV on revenue and on gross margin, CLV/CAC and payback "
      "months (as `dangol economics clv-cac`)", economics_params, NULL, "table", false,
      DG_ROLE_ANALYST, false },
    { "GET", "/api/economics/profit", dg_api_economics_profit, "economics",
      "customer profitability: totals, then customers by contribution (gross margin less "
      "coupons, points burned and service tickets) with CLV on revenue and on margin (as "
      "`dangol economics profit`)", economics_profit_params, NULL, "tables", false,
      DG_ROLE_ANALYST, false },
    { "GET", "/api/economics/retention", dg_api_economics_retention, "economics",
      "acquisition cost per new customer beside the coupon and points programme's cost per "
      "retained customer (as `dangol economics retention`)", economics_params, NULL, "table",
      false, DG_ROLE_ANALYST, false },
    { "GET", "/api/models", dg_api_models_list, "models",
      "the stored prediction models, newest first: id, kind, algorithm, as-of day, horizon, "
      "training customers, validation AUC (as `dangol model list`)", NULL, NULL, "table", false,
      DG_ROLE_ANALYST, false },
    { "GET", "/api/models/{model_id}", dg_api_model_show, "models",
      "one stored model: its as-of day, horizon, features, parameters, validation metrics "
      "beside the baseline's and feature importance (as `dangol model show`)", NULL, NULL,
      "tables", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/churn/report", dg_api_churn_report, "models",
      "a churn model's validation metrics, calibration by deciles and feature importance (as "
      "`dangol churn report`)", churn_model_params, NULL, "tables", false, DG_ROLE_ANALYST,
      false },
    { "GET", "/api/churn/scores", dg_api_churn_scores, "models",
      "every customer with an order scored by a churn model: probability of no purchase in the "
      "model's horizon, risk decile, riskiest first (as `dangol churn score`); not open to "
      "agents, like the other lists of customers", churn_score_params, NULL, "table", false,
      DG_ROLE_ANALYST, false },
    { "GET", "/api/churn/distribution", dg_api_churn_distribution, "models",
      "the distribution of those scores: customers and their share of the revenue in each band "
      "of 5 points of churn probability (as `dangol churn score --distribution`)",
      churn_distribution_params, NULL, "table", false, DG_ROLE_ANALYST, false },
    { "POST", "/api/churn/train", dg_api_churn_train, "models",
      "train a churn model on the snapshot and store it in one transaction: {model_id, "
      "replayed, validation_auc}; 400 with the reason for too few customers or churners, a "
      "constant or unknown feature; Idempotency-Key header: a retry answers the first model "
      "and trains nothing", NULL, DG_CHURN_TRAIN_SCHEMA, "object", true, DG_ROLE_MANAGER,
      false },
    { "GET", "/api/lookalike/report", dg_api_lookalike_report, "models",
      "the lookalike model: buyers and best customers (top tenth by CLV), the held-out AUC and "
      "top-decile lift, the lift curve of the held-out buyers, the attributes' coefficients "
      "(as `dangol lookalike report`)", NULL, NULL, "tables", false, DG_ROLE_ANALYST, false },
    { "GET", "/api/lookalike/scores", dg_api_lookalike_scores, "models",
      "the prospects (customers without an order) by likeness to the best customers: score, "
      "decile (10 = most alike), attributes, most alike first (as `dangol lookalike score`); "
      "not open to agents, like the other lists of customers", lookalike_score_params, NULL,
      "table", false, DG_ROLE_ANALYST, false },
    /* the customer card's campaign history (web/customer.js) */
    { "GET", "/api/customers/{customer_id}/campaigns", dg_api_customer_campaigns, "campaigns",
      "the launched campaigns the customer was in: group (treatment or control), offer, coupon "
      "code (an analyst sees its first 3 symbols only), points, orders and revenue in the "
      "response window, the day the coupon was redeemed", NULL, NULL, "table", false,
      DG_ROLE_ANALYST, true },
    /* the customer card's coupons (web/customer.js) */
    { "GET", "/api/customers/{customer_id}/coupons", dg_api_customer_coupons, "coupons",
      "the coupon codes issued to the customer, newest first, with their definition, state and "
      "redemption (an analyst sees each code's first 3 symbols only)", NULL, NULL, "table",
      false, DG_ROLE_ANALYST, true },
};
#pragma GCC diagnostic pop

const dg_route *dg_server_routes(size_t *n_routes)
{
    *n_routes = sizeof routes / sizeof routes[0];
    return routes;
}

bool dg_route_takes_idempotency_key(const dg_route *r)
{
    /* the bodies of the writes whose handlers read the header (dg_request_idempotency_key) */
    static const char *const keyed[] = {
        POINTS_WRITE, ORDER_RETURN, CONSENT_WRITE, VALUE_WRITE, DG_TICKET_OPEN_SCHEMA,
        DG_TICKET_ACTION_SCHEMA, DG_CHURN_TRAIN_SCHEMA, DG_MOT_VISIT_WRITE,
        DG_FOLLOWUP_DONE_SCHEMA, DG_CAMPAIGN_CREATE_SCHEMA, DG_CAMPAIGN_LAUNCH_SCHEMA,
    };
    if (!r->body_entity)
        return false;
    if (strncmp(r->body_entity, "Coupon", 6) == 0)
        return true;
    for (size_t i = 0; i < sizeof keyed / sizeof keyed[0]; i++)
        if (strcmp(r->body_entity, keyed[i]) == 0)
            return true;
    return false;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int dg_server_path_parse(const char *raw, dg_path *path, dg_error *err)
{
    size_t used = 0;
    path->n_segments = 0;
    if (*raw == '/')
        raw++;
    for (;;) {
        size_t len = strcspn(raw, "/?");
        if (path->n_segments == DG_PATH_SEGMENTS || used + len + 1 > sizeof path->buf)
            return dg_error_set(err, DG_ERANGE, "the URL path is too long (at most %d segments "
                                "and %d bytes)", DG_PATH_SEGMENTS, DG_PATH_MAX);
        char *out = path->buf + used;
        size_t n = 0;
        for (size_t i = 0; i < len; i++) {
            int hi, lo;
            if (raw[i] == '%' && i + 2 < len && (hi = hex_digit(raw[i + 1])) >= 0 &&
                (lo = hex_digit(raw[i + 2])) >= 0) {
                out[n++] = (char)(hi * 16 + lo);
                i += 2;
            } else {
                out[n++] = raw[i];
            }
        }
        out[n] = '\0';
        if (memchr(out, '\0', n))
            return dg_error_set(err, DG_EINVAL, "URL path segment %zu holds a NUL byte (%%00)",
                                path->n_segments + 1);
        size_t bad = dg_utf8_invalid_at(out, n);
        if (bad < n)
            return dg_error_set(err, DG_EINVAL, "URL path segment %zu is not valid UTF-8 once "
                                "percent-decoded (byte 0x%02X at byte %zu); encode text as UTF-8 "
                                "before percent-encoding it", path->n_segments + 1,
                                (unsigned char)out[bad], bad + 1);
        path->segments[path->n_segments++] = out;
        used += n + 1;
        raw += len;
        if (*raw != '/')
            return 0;
        raw++;
    }
}

/* Matches path against the template ("/api/customers/{customer_id}"), segment by segment,
 * pointing params at the captured segments. */
static bool path_matches(const char *template, const dg_path *path, const char **params)
{
    size_t n_params = 0, k = 0;
    const char *t = template + 1;
    for (;;) {
        size_t len = strcspn(t, "/");
        if (k == path->n_segments)
            return false;
        const char *seg = path->segments[k++];
        if (*t == '{') {
            if (!*seg || n_params == DG_ROUTE_MAX_PARAMS)
                return false;
            params[n_params++] = seg;
        } else if (strlen(seg) != len || strncmp(seg, t, len) != 0) {
            return false;
        }
        t += len;
        if (!*t)
            return k == path->n_segments;
        t++;
    }
}

const dg_route *dg_server_route_match(const char *method, const dg_path *path, dg_request *req,
                                      bool *path_known, char *allow, size_t allow_cap)
{
    const char *params[DG_ROUTE_MAX_PARAMS] = { 0 };
    *path_known = false;
    allow[0] = '\0';
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        if (!path_matches(routes[i].path, path, params))
            continue;
        *path_known = true;
        size_t len = strlen(allow);
        snprintf(allow + len, allow_cap - len, "%s%s", len ? ", " : "", routes[i].method);
        if (strcmp(routes[i].method, "GET") == 0) {
            len = strlen(allow);
            snprintf(allow + len, allow_cap - len, ", HEAD");
        }
        if (strcmp(routes[i].method, method) == 0) {   /* the first route that answers */
            memcpy(req->params, params, sizeof params);
            return &routes[i];
        }
    }
    return NULL;
}

int dg_server_check_params(const dg_request *req, dg_error *err)
{
    size_t i = 0;
    for (const char *p = strchr(req->route->path, '{'); p; p = strchr(p + 1, '{'), i++) {
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(p + 1, "}"), p + 1);
        int rc = dg_id_check(name, req->params[i], strlen(req->params[i]), err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* ---- OpenAPI ------------------------------------------------------------------------------ */

static json_t *column_schema(const dg_column *col)
{
    json_t *s = json_object();
    switch (col->type) {
    case DG_TYPE_TEXT:
        json_object_set_new(s, "type", json_string("string"));
        if (col->references) {
            char text[128];
            snprintf(text, sizeof text, "id of one of the store's %s", col->references);
            json_object_set_new(s, "description", json_string(text));
        }
        break;
    case DG_TYPE_INT:
        json_object_set_new(s, "type", json_string("integer"));
        if (col->min <= col->max) {
            json_object_set_new(s, "minimum", json_integer(col->min));
            json_object_set_new(s, "maximum", json_integer(col->max));
        }
        break;
    case DG_TYPE_REAL:
        json_object_set_new(s, "type", json_string("number"));
        break;
    case DG_TYPE_DATE:
        json_object_set_new(s, "type", json_string("string"));
        json_object_set_new(s, "format", json_string("date"));
        break;
    case DG_TYPE_TIMESTAMP:
        json_object_set_new(s, "type", json_string("string"));
        json_object_set_new(s, "format", json_string("date-time"));
        break;
    case DG_TYPE_MONEY:
        json_object_set_new(s, "type", json_string("number"));
        json_object_set_new(s, "description",
                            json_string("money in the store currency's major unit (KRW: won)"));
        break;
    case DG_TYPE_BOOL:
        json_object_set_new(s, "type", json_string("boolean"));
        break;
    case DG_TYPE_ENUM: {
        json_t *values = json_array();
        for (const char *const *v = col->enum_values; *v; v++)
            json_array_append_new(values, json_string(*v));
        json_object_set_new(s, "type", json_string("string"));
        json_object_set_new(s, "enum", values);
        break;
    }
    }
    json_object_set_new(s, "nullable", json_boolean(!col->required));
    return s;
}

static json_t *entity_schema(const dg_entity *e)
{
    json_t *props = json_object(), *required = json_array();
    for (size_t c = 0; c < e->n_columns; c++) {
        json_object_set_new(props, e->columns[c].name, column_schema(&e->columns[c]));
        if (e->columns[c].required)
            json_array_append_new(required, json_string(e->columns[c].name));
    }
    return json_pack("{s:s,s:o,s:o,s:b}", "type", "object", "properties", props, "required",
                     required, "additionalProperties", 0);
}

static json_t *ref(const char *name)
{
    char buf[128];
    snprintf(buf, sizeof buf, "#/components/schemas/%s", name);
    return json_pack("{s:s}", "$ref", buf);
}

static json_t *json_content(json_t *schema)
{
    return json_pack("{s:{s:o}}", "application/json", "schema", schema);
}

static json_t *operation(const dg_route *r)
{
    json_t *op = json_object(), *params = json_array(), *responses = json_object();
    char op_id[160];
    size_t o = (size_t)snprintf(op_id, sizeof op_id, "%c", r->method[0] + 32);
    for (const char *m = r->method + 1; *m; m++)
        op_id[o++] = (char)(*m + 32);
    for (const char *p = r->path + 4; *p && o + 2 < sizeof op_id; p++)
        if (*p != '{' && *p != '}')
            op_id[o++] = *p == '/' || *p == '.' ? '_' : *p;
    op_id[o] = '\0';

    json_object_set_new(op, "operationId", json_string(op_id));
    json_object_set_new(op, "summary", json_string(r->summary));
    json_object_set_new(op, "tags", json_pack("[s]", r->tag));
    json_object_set_new(op, "x-dangol-role", json_string(dg_role_name(r->role)));
    json_object_set_new(op, "x-dangol-agents", json_boolean(r->agents));
    if (r->role != DG_ROLE_NONE)
        json_object_set_new(op, "security",
                            json_pack("[{s:[]},{s:[]}]", "bearer", "session"));
    for (const char *p = strchr(r->path, '{'); p; p = strchr(p + 1, '{')) {
        const char *close = strchr(p, '}');
        json_array_append_new(params, json_pack("{s:s%,s:s,s:b,s:{s:s}}", "name", p + 1,
                                                (size_t)(close - p - 1), "in", "path",
                                                "required", 1, "schema", "type", "string"));
    }
    for (const dg_route_param *q = r->query; q && q->name; q++)
        json_array_append_new(params, json_pack("{s:s,s:s,s:s,s:b,s:{s:s}}", "name", q->name,
                                                "in", "query", "description", q->description,
                                                "required", 0, "schema", "type", q->type));
    if (dg_route_takes_idempotency_key(r))
        json_array_append_new(params, json_pack(
            "{s:s,s:s,s:s,s:b,s:{s:s}}", "name", "Idempotency-Key", "in", "header",
            "description", "a key of the client's choosing: the same key with the same request "
            "again answers the first result and writes nothing; with another request, 409",
            "required", 0, "schema", "type", "string"));
    json_object_set_new(op, "parameters", params);
    if (r->body_entity)
        json_object_set_new(op, "requestBody",
                            json_pack("{s:b,s:o}", "required", 1, "content",
                                      json_content(ref(r->body_entity))));
    json_t *result;
    if (strcmp(r->returns, "record") == 0 && r->body_entity)
        result = ref(r->body_entity);
    else if (strcmp(r->returns, "record") == 0)
        result = ref("customers");
    else if (strcmp(r->returns, "page") == 0)
        result = ref("Page");
    else if (strcmp(r->returns, "table") == 0)
        result = ref("Table");
    else if (strcmp(r->returns, "tables") == 0)
        result = json_pack("{s:s,s:o}", "type", "array", "items", ref("Table"));
    else
        result = json_pack("{s:s}", "type", "object");
    bool creates = strcmp(r->method, "POST") == 0;
    json_object_set_new(responses, creates ? "201" : "200",
                        json_pack("{s:s,s:o}", "description", creates ? "created" : "ok",
                                  "content", json_content(result)));
    json_object_set_new(responses, "default",
                        json_pack("{s:s,s:o}", "description",
                                  "an error (400 invalid input, 401 not signed in, 403 not "
                                  "allowed, 404 unknown id, 405 wrong method, 409 conflict, 413 "
                                  "body too large, 415 not JSON, 429 too many failed sign-ins, "
                                  "500)",
                                  "content", json_content(ref("Error"))));
    json_object_set_new(op, "responses", responses);
    return op;
}

/* The body of POST .../points/{earn,burn,adjust}. */
static json_t *points_write_schema(void)
{
    return json_pack(
        "{s:s,s:b,s:{s:{s:s,s:s},s:{s:s},s:{s:s},s:{s:s,s:s},s:{s:s,s:[s,s,s]},s:{s:s},"
        "s:{s:s,s:s},s:{s:s,s:s}}}", "type", "object", "additionalProperties", 0, "properties",
        "points", "type", "integer", "description", "1 to 1000000000 (adjust: either sign); "
        "not with order_id", "reason", "type", "string", "actor", "type", "string", "date",
        "type", "string", "description", "YYYY-MM-DD (default: today; an order's earn: its day)",
        "source", "type", "string", "enum", "coupon", "campaign", "manual", "source_id", "type",
        "string", "order_id", "type", "string", "description", "earn, reverse: the order whose "
        "points the rules give or take back", "multiplier_per_mille", "type", "integer", "description",
        "earn of an order: a tier's multiplier, 1000 = x1");
}

/* The body of POST /api/orders/{order_id}/return. */
static json_t *order_return_schema(void)
{
    return json_pack("{s:s,s:b,s:{s:{s:s,s:[s,s]},s:{s:s,s:s},s:{s:s},s:{s:s}}}", "type",
                     "object", "additionalProperties", 0, "properties", "kind", "type", "string",
                     "enum", "returned", "cancelled", "date", "type", "string", "description",
                     "YYYY-MM-DD (default: today)", "reason", "type", "string", "actor", "type",
                     "string");
}

/* The bodies of the consent writes and of an erasure, by name; NULL for another name. */
static json_t *consent_body_schema(const char *name)
{
    if (strcmp(name, CONSENT_WRITE) == 0)
        return json_pack("{s:s,s:[s],s:b,s:{s:{s:s,s:s},s:{s:s,s:[s,s,s,s,s]},s:{s:s,s:s}}}",
                         "type", "object", "required", "purpose", "additionalProperties", 0,
                         "properties", "purpose", "type", "string", "description",
                         "a consent_purpose of the vocabulary (code, English or Korean name)",
                         "source", "type", "string", "enum", "web", "store", "call", "import",
                         "api", "date", "type", "string", "description",
                         "YYYY-MM-DD, the day it takes effect (default: today)");
    if (strcmp(name, ERASURE) == 0)
        return json_pack("{s:s,s:[s],s:b,s:{s:{s:s,s:s}}}", "type", "object", "required",
                         "reason", "additionalProperties", 0, "properties", "reason", "type",
                         "string", "description", "why: the request, its date or reference");
    return NULL;
}

/* The body of a coupon write, or NULL when name is none of them. */
static json_t *coupon_write_schema(const char *name)
{
    if (strcmp(name, COUPON_DEFINE) == 0)
        return json_pack(
            "{s:s,s:b,s:[s],s:{s:{s:s},s:{s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s},"
            "s:{s:s,s:s},s:{s:s,s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s,s:[s,s]}}}",
            "type", "object", "additionalProperties", 0, "required", "definition_id",
            "properties", "definition_id", "type", "string", "name", "type", "string",
            "amount", "type", "number", "description", "a fixed discount in the store currency "
            "(not with percent)", "percent", "type", "number", "description", "more than 0, at "
            "most 100, 2 decimals; the discount is rounded down to the minor unit", "cap",
            "type", "number", "description", "percent: the largest discount", "min_spend",
            "type", "number", "valid_from", "type", "string", "description", "YYYY-MM-DD, "
            "inclusive, judged on the order's day", "valid_until", "type", "string",
            "description", "YYYY-MM-DD, inclusive", "per_customer_limit", "type", "integer",
            "total_limit", "type", "integer", "campaign_id", "type", "string", "audience",
            "type", "string", "enum", "any", "first_purchase");
    if (strcmp(name, COUPON_ISSUE) == 0)
        return json_pack("{s:s,s:b,s:[s],s:{s:{s:s,s:{s:s}}}}", "type", "object",
                         "additionalProperties", 0, "required", "customers", "properties",
                         "customers", "type", "array", "items", "type", "string");
    if (strcmp(name, COUPON_REDEEM) == 0)
        return json_pack("{s:s,s:b,s:[s],s:{s:{s:s}}}", "type", "object",
                         "additionalProperties", 0, "required", "order_id", "properties",
                         "order_id", "type", "string");
    if (strcmp(name, COUPON_VOID) == 0)
        return json_pack("{s:s,s:b,s:{s:{s:s}}}", "type", "object", "additionalProperties", 0,
                         "properties", "reason", "type", "string");
    return NULL;
}

/* The body of POST /api/value/responses. */
static json_t *value_write_schema(void)
{
    return json_pack("{s:s,s:b,s:[s,s,s,s],s:{s:{s:s},s:{s:s},s:{s:s,s:s},s:{s:s,s:s,s:{s:s}}}}",
                     "type", "object", "additionalProperties", 0, "required", "response_id",
                     "customer_id", "answered_on", "answers", "properties", "response_id",
                     "type", "string", "customer_id", "type", "string", "answered_on", "type",
                     "string", "description", "YYYY-MM-DD", "answers", "type", "object",
                     "description", "item code -> whole number on the item's scale",
                     "additionalProperties", "type", "integer");
}

json_t *dg_server_openapi(void)
{
    json_t *paths = json_object(), *schemas = json_object();
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        const dg_route *r = &routes[i];
        json_t *item = json_object_get(paths, r->path);
        if (!item) {
            item = json_object();
            json_object_set_new(paths, r->path, item);
        }
        char method[8];
        size_t m = 0;
        for (; r->method[m] && m + 1 < sizeof method; m++)
            method[m] = (char)(r->method[m] + 32);
        method[m] = '\0';
        json_object_set_new(item, method, operation(r));
        json_t *consent_body = r->body_entity ? consent_body_schema(r->body_entity) : NULL;
        json_t *ticket_schema = r->body_entity ? dg_api_ticket_schema(r->body_entity) : NULL;
        json_t *coupon_body = r->body_entity ? coupon_write_schema(r->body_entity) : NULL;
        json_t *followup_body = r->body_entity ? dg_api_followup_schema(r->body_entity) : NULL;
        json_t *type_body = r->body_entity ? dg_api_consult_schema(r->body_entity) : NULL;
        json_t *campaign_body = r->body_entity ? dg_api_campaign_schema(r->body_entity) : NULL;
        json_t *churn_body = r->body_entity ? dg_api_churn_schema(r->body_entity) : NULL;
        if (r->body_entity && strcmp(r->body_entity, POINTS_WRITE) == 0)
            json_object_set_new(schemas, POINTS_WRITE, points_write_schema());
        else if (r->body_entity && strcmp(r->body_entity, ORDER_RETURN) == 0)
            json_object_set_new(schemas, ORDER_RETURN, order_return_schema());
        else if (r->body_entity && strcmp(r->body_entity, VALUE_WRITE) == 0)
            json_object_set_new(schemas, VALUE_WRITE, value_write_schema());
        else if (r->body_entity && strcmp(r->body_entity, DG_MOT_VISIT_WRITE) == 0)
            json_object_set_new(schemas, DG_MOT_VISIT_WRITE, dg_api_mot_visit_schema());
        else if (r->body_entity && strcmp(r->body_entity, DG_STAFF_SURVEY_WRITE) == 0)
            json_object_set_new(schemas, DG_STAFF_SURVEY_WRITE, dg_api_staff_survey_schema());
        else if (ticket_schema)
            json_object_set_new(schemas, r->body_entity, json_incref(ticket_schema));
        else if (consent_body)
            json_object_set_new(schemas, r->body_entity, consent_body);
        else if (coupon_body)
            json_object_set_new(schemas, r->body_entity, coupon_body);
        else if (followup_body)
            json_object_set_new(schemas, r->body_entity, followup_body);
        else if (type_body)
            json_object_set_new(schemas, r->body_entity, type_body);
        else if (campaign_body)
            json_object_set_new(schemas, r->body_entity, json_incref(campaign_body));
        else if (churn_body)
            json_object_set_new(schemas, r->body_entity, churn_body);
        else if (r->body_entity && !json_object_get(schemas, r->body_entity))
            json_object_set_new(schemas, r->body_entity,
                                entity_schema(dg_entity_find(r->body_entity)));
        json_decref(ticket_schema);
        json_decref(campaign_body);
    }
    if (!json_object_get(schemas, "customers"))
        json_object_set_new(schemas, "customers", entity_schema(dg_entity_find("customers")));
    json_object_set_new(schemas, "Error", json_pack(
        "{s:s,s:[s],s:{s:{s:s,s:[s,s],s:{s:{s:s},s:{s:s}}}}}", "type", "object", "required",
        "error", "properties", "error", "type", "object", "required", "code", "message",
        "properties", "code", "type", "string", "message", "type", "string"));
    json_object_set_new(schemas, "Page", json_pack(
        "{s:s,s:{s:{s:s,s:{s:s}},s:{s:s},s:{s:s},s:{s:s,s:b}}}", "type", "object", "properties",
        "items", "type", "array", "items", "type", "object", "offset", "type", "integer", "limit",
        "type", "integer", "next_offset", "type", "integer", "nullable", 1));
    json_object_set_new(schemas, "Table", json_pack(
        "{s:s,s:s,s:{s:{s:s,s:b},s:{s:s,s:{s:s}},s:{s:s,s:{s:s}},s:{s:s},s:{s:s},"
        "s:{s:s,s:b}}}", "type", "object", "description",
        "a result table; a paged view (view=customers) adds offset, limit and next_offset (null "
        "on the last page)", "properties", "title", "type", "string", "nullable", 1, "columns",
        "type", "array", "items", "type", "string", "rows", "type", "array", "items", "type",
        "object", "offset", "type", "integer", "limit", "type", "integer", "next_offset",
        "type", "integer", "nullable", 1));
    json_t *security = json_pack(
        "{s:{s:s,s:s,s:s},s:{s:s,s:s,s:s,s:s}}", "bearer", "type", "http", "scheme", "bearer",
        "description", "an API token of `dangol token create`", "session", "type", "apiKey",
        "in", "cookie", "name", DG_SESSION_COOKIE, "description",
        "the cookie of POST /api/login; writes also send its csrf_token as " DG_CSRF_HEADER);
    return json_pack("{s:s,s:{s:s,s:s,s:s},s:[{s:s}],s:o,s:{s:o,s:o}}", "openapi", "3.0.3",
                     "info", "title", "dangol API", "version", DANGOL_VERSION, "description",
                     "Customers, orders, feedback and loyalty analytics of one dangol store. "
                     "Errors are {\"error\": {\"code\", \"message\"}}.",
                     "servers", "url", "/", "paths", paths, "components", "schemas", schemas,
                     "securitySchemes", security);
}
