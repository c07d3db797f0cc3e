/* The entity catalog (see include/dangol/entity.h). Column order here is the CSV/export order and
 * must match the store schema (src/store/schema/); a unit test checks that it does. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dangol/entity.h"
#include "dangol/text.h"

#define NONE 1, 0                 /* no numeric bounds */
#define NOT_PERSONAL DG_PERSONAL_NONE
#define COL(n, t, req)            { n, t, req, NONE, NULL, NULL, NOT_PERSONAL }
#define RANGE(n, lo, hi)          { n, DG_TYPE_INT, false, lo, hi, NULL, NULL, NOT_PERSONAL }
#define ENUM(n, req, vals)        { n, DG_TYPE_ENUM, req, NONE, vals, NULL, NOT_PERSONAL }
#define REF(n, req, ent)          { n, DG_TYPE_TEXT, req, NONE, NULL, ent, NOT_PERSONAL }
#define PERSONAL(n, kind)         { n, DG_TYPE_TEXT, false, NONE, NULL, NULL, kind }
#define ENTITY(n, label, cols, k) { n, label, cols, sizeof cols / sizeof cols[0], k, NULL }

static const char *const genders[] = { "F", "M", "X", NULL };
static const char *const feedback_kinds[] = { "complaint", "opinion", "question", "compliment", NULL };
static const char *const feedback_statuses[] = { "open", "in_progress", "resolved", "closed", NULL };
static const char *const touchpoint_kinds[] = { "hardware", "software", "humanware", NULL };
static const char *const partner_kinds[] = { "panel", "co_design", "review", "beta_test", "community", NULL };

static const dg_column staff_cols[] = {
    COL("staff_id", DG_TYPE_TEXT, true),
    COL("name", DG_TYPE_TEXT, false),
    COL("role", DG_TYPE_TEXT, false),
    COL("site", DG_TYPE_TEXT, false),
    COL("hired_on", DG_TYPE_DATE, false),
};

static const dg_column customer_cols[] = {
    COL("customer_id", DG_TYPE_TEXT, true),
    PERSONAL("name", DG_PERSONAL_NAME),
    PERSONAL("phone", DG_PERSONAL_PHONE),
    PERSONAL("email", DG_PERSONAL_EMAIL),
    RANGE("birth_year", DG_DATE_MIN_YEAR, DG_DATE_MAX_YEAR),
    ENUM("gender", false, genders),
    RANGE("household_size", 1, 99),
    COL("income_band", DG_TYPE_TEXT, false),
    COL("education", DG_TYPE_TEXT, false),
    COL("occupation", DG_TYPE_TEXT, false),
    COL("region", DG_TYPE_TEXT, false),
    COL("acquisition_channel", DG_TYPE_TEXT, false),
    COL("acquired_on", DG_TYPE_DATE, false),
    REF("staff_id", false, "staff"),
    /* a consultation type code (docs/types.md): the seeds' (careful, impatient, ...; their
     * English or Korean names give the code) or one a team adds in config/consult_types.conf */
    COL("customer_type", DG_TYPE_TEXT, false),
    COL("credit_band", DG_TYPE_TEXT, false),
    COL("consent_email", DG_TYPE_BOOL, false),
    COL("consent_sms", DG_TYPE_BOOL, false),
    COL("consent_phone", DG_TYPE_BOOL, false),
};

static const dg_column product_cols[] = {
    COL("product_id", DG_TYPE_TEXT, true),
    COL("name", DG_TYPE_TEXT, false),
    COL("category", DG_TYPE_TEXT, false),
    COL("brand", DG_TYPE_TEXT, false),
    COL("private_label", DG_TYPE_BOOL, false),
    COL("price", DG_TYPE_MONEY, false),
    COL("unit_cost", DG_TYPE_MONEY, false),   /* what one unit costs the business (economics) */
};

static const dg_column order_cols[] = {
    COL("order_id", DG_TYPE_TEXT, true),
    REF("customer_id", true, "customers"),
    COL("ordered_at", DG_TYPE_TIMESTAMP, true),
    COL("channel", DG_TYPE_TEXT, false),
    COL("payment_method", DG_TYPE_TEXT, false),
    COL("card_used", DG_TYPE_BOOL, false),
    REF("staff_id", false, "staff"),
    COL("site", DG_TYPE_TEXT, false),
    RANGE("units", 0, 1000000000),
    COL("total", DG_TYPE_MONEY, true),
};

static const dg_column order_line_cols[] = {
    REF("order_id", true, "orders"),
    RANGE("line_no", 1, 1000000),
    REF("product_id", true, "products"),
    RANGE("quantity", 0, 1000000000),
    COL("unit_price", DG_TYPE_MONEY, false),
    COL("amount", DG_TYPE_MONEY, true),
};

static const dg_column feedback_cols[] = {
    COL("feedback_id", DG_TYPE_TEXT, true),
    REF("customer_id", true, "customers"),
    COL("received_at", DG_TYPE_TIMESTAMP, true),
    COL("channel", DG_TYPE_TEXT, false),
    ENUM("kind", true, feedback_kinds),
    PERSONAL("text", DG_PERSONAL_TEXT),
    RANGE("rating", 1, 5),
    ENUM("status", false, feedback_statuses),
    REF("staff_id", false, "staff"),
};

static const dg_column survey_cols[] = {
    COL("response_id", DG_TYPE_TEXT, true),
    REF("customer_id", true, "customers"),
    COL("answered_on", DG_TYPE_DATE, true),
    RANGE("nps", 0, 10),
    RANGE("csat", 1, 5),
    RANGE("repurchase_intent", 1, 5),
    RANGE("recommend_intent", 1, 5),
    RANGE("benefit_functional", 1, 5),
    RANGE("benefit_emotional", 1, 5),
    RANGE("benefit_social", 1, 5),
    RANGE("cost_money", 1, 5),
    RANGE("cost_time", 1, 5),
    RANGE("cost_effort", 1, 5),
    RANGE("cost_psychological", 1, 5),
    COL("touchpoint", DG_TYPE_TEXT, false),
};

static const dg_column interaction_cols[] = {
    COL("interaction_id", DG_TYPE_TEXT, true),
    REF("customer_id", true, "customers"),
    COL("occurred_at", DG_TYPE_TIMESTAMP, true),
    COL("touchpoint", DG_TYPE_TEXT, true),
    ENUM("kind", false, touchpoint_kinds),
    REF("staff_id", false, "staff"),
    RANGE("rating", 1, 5),
    COL("note", DG_TYPE_TEXT, false),
};

static const dg_column referral_cols[] = {
    REF("referrer_id", true, "customers"),
    REF("referred_id", true, "customers"),
    COL("referred_on", DG_TYPE_DATE, true),
};

static const dg_column partner_cols[] = {
    COL("activity_id", DG_TYPE_TEXT, true),
    REF("customer_id", true, "customers"),
    ENUM("activity", true, partner_kinds),
    COL("occurred_on", DG_TYPE_DATE, true),
    COL("note", DG_TYPE_TEXT, false),
};

/* Marketing spend to win customers: one row per acquisition channel (the customers'
 * acquisition_channel codes) and month (its first day; any day names its month). */
static const dg_column marketing_spend_cols[] = {
    COL("acquisition_channel", DG_TYPE_TEXT, true),
    COL("month", DG_TYPE_DATE, true),
    { "amount", DG_TYPE_MONEY, true, 0, INT64_MAX, NULL, NULL, NOT_PERSONAL },   /* not negative */
    COL("note", DG_TYPE_TEXT, false),
};

/* Moments of truth (docs/mot.md): a visit through the touchpoint cycle and its moments'
 * ratings; the moment codes and their scales are the cycle's (config/mot.conf). */
static const dg_column mot_visit_cols[] = {
    COL("visit_id", DG_TYPE_TEXT, true),
    REF("customer_id", true, "customers"),
    COL("visited_on", DG_TYPE_DATE, true),
    RANGE("nps", 0, 10),
    REF("staff_id", false, "staff"),
};

static const dg_column mot_rating_cols[] = {
    REF("visit_id", true, "mot_visits"),
    COL("moment", DG_TYPE_TEXT, true),
    { "score", DG_TYPE_INT, true, 0, 100, NULL, NULL, NOT_PERSONAL },
};

/* Staff satisfaction surveys (docs/staff.md): one row per answer, the scale with the answer
 * (scale_min 0 or 1, scale_max 2..10), the score checked against it. */
static const dg_column staff_survey_cols[] = {
    COL("response_id", DG_TYPE_TEXT, true),
    COL("item", DG_TYPE_TEXT, true),
    COL("site", DG_TYPE_TEXT, true),
    REF("staff_id", false, "staff"),
    COL("answered_on", DG_TYPE_DATE, true),
    { "score", DG_TYPE_INT, true, 0, DG_STAFF_SURVEY_SCALE_LIMIT, NULL, NULL, NOT_PERSONAL },
    { "scale_min", DG_TYPE_INT, true, 0, 1, NULL, NULL, NOT_PERSONAL },
    { "scale_max", DG_TYPE_INT, true, 2, DG_STAFF_SURVEY_SCALE_LIMIT, NULL, NULL, NOT_PERSONAL },
};

enum { SS_SCORE = 5, SS_MIN, SS_MAX };

static int staff_survey_check(const dg_value *row, size_t *column, char *why, size_t cap)
{
    if (row[SS_SCORE].is_null || row[SS_MIN].is_null || row[SS_MAX].is_null)
        return 0;   /* the required rule names the empty one */
    int64_t score = row[SS_SCORE].u.i, lo = row[SS_MIN].u.i, hi = row[SS_MAX].u.i;
    if (score >= lo && score <= hi)
        return 0;
    *column = SS_SCORE;
    snprintf(why, cap, "score %lld is off its scale %lld-%lld (scale_min-scale_max)",
             (long long)score, (long long)lo, (long long)hi);
    return 1;
}

static const dg_entity staff = ENTITY("staff", "staff member", staff_cols, 1);
static const dg_entity customers = ENTITY("customers", "customer", customer_cols, 1);
static const dg_entity products = ENTITY("products", "product", product_cols, 1);
static const dg_entity orders = ENTITY("orders", "order", order_cols, 1);
static const dg_entity order_lines = ENTITY("order_lines", "order line", order_line_cols, 2);
static const dg_entity feedback = ENTITY("feedback", "feedback", feedback_cols, 1);
static const dg_entity surveys = ENTITY("surveys", "survey response", survey_cols, 1);
static const dg_entity interactions = ENTITY("interactions", "touchpoint interaction",
                                             interaction_cols, 1);
static const dg_entity referrals = ENTITY("referrals", "referral", referral_cols, 2);
static const dg_entity partner_activities = ENTITY("partner_activities", "partner activity",
                                                   partner_cols, 1);
static const dg_entity mot_visits = ENTITY("mot_visits", "MOT visit", mot_visit_cols, 1);
static const dg_entity mot_ratings = ENTITY("mot_ratings", "MOT rating", mot_rating_cols, 2);

static const dg_entity staff_surveys = { "staff_surveys", "staff survey answer",
    staff_survey_cols, sizeof staff_survey_cols / sizeof staff_survey_cols[0], 2,
    staff_survey_check };

static const dg_entity marketing_spend = ENTITY("marketing_spend", "marketing spend",
                                                marketing_spend_cols, 2);

static const dg_entity *const all[] = {
    &staff, &customers, &products, &orders, &order_lines, &feedback, &surveys,
    &interactions, &referrals, &partner_activities, &marketing_spend, &mot_visits,
    &mot_ratings, &staff_surveys,
};

const dg_entity *const *dg_entity_all(size_t *n_entities)
{
    *n_entities = sizeof all / sizeof all[0];
    return all;
}

const dg_entity *dg_entity_find(const char *name)
{
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}

int dg_entity_column(const dg_entity *e, const char *name)
{
    for (size_t i = 0; i < e->n_columns; i++)
        if (strcmp(e->columns[i].name, name) == 0)
            return (int)i;
    return -1;
}

const char *dg_type_name(dg_type type)
{
    switch (type) {
    case DG_TYPE_TEXT:      return "text";
    case DG_TYPE_INT:       return "integer";
    case DG_TYPE_REAL:      return "number";
    case DG_TYPE_DATE:      return "date";
    case DG_TYPE_TIMESTAMP: return "timestamp";
    case DG_TYPE_MONEY:     return "money";
    case DG_TYPE_BOOL:      return "boolean";
    case DG_TYPE_ENUM:      return "choice";
    }
    return "?";
}
