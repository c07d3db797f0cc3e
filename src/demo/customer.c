/* One customer of the demo business and everything it does (docs/demo.md): demographics drawn
 * from its latent traits, BG/NBD purchases with Gamma-Gamma values spread over order lines, the
 * touchpoint interaction of an order, feedback, post-purchase surveys, referrals and partner
 * activities. Every draw comes from the customer's own stream (seed, customer number). */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/vocab.h"
#include "demo/gen.h"
#include "demo/tables.h"

/* One customer's latent and observed attributes while its rows are generated. */
typedef struct cust {
    size_t index;
    char id[16];
    dg_rng rng;
    double lambda, p, nu, satisfaction, loyalty, spend_z;
    int gender, age, home_site, preferred_channel, type, fav_cat[2];
    int assigned_staff;                /* index into staff, or -1 */
    int32_t acquired_on;
    int64_t last_ts;
    int n_orders;
} cust;

/* Replaces {p} {s} {d} {m} in a feedback or note template. */
static void fill_template(const char *tpl, const char *product, const char *site, int days,
                          int minutes, char *out, size_t cap)
{
    size_t o = 0;
    for (const char *t = tpl; *t && o + 1 < cap; t++) {
        char num[16];
        const char *ins = NULL;
        if (t[0] == '{' && t[1] && t[2] == '}') {
            switch (t[1]) {
            case 'p': ins = product; break;
            case 's': ins = site; break;
            case 'd': snprintf(num, sizeof num, "%d", days); ins = num; break;
            case 'm': snprintf(num, sizeof num, "%d", minutes); ins = num; break;
            default: break;
            }
        }
        if (ins) {
            for (; *ins && o + 1 < cap; ins++)
                out[o++] = *ins;
            t += 2;
        } else {
            out[o++] = *t;
        }
    }
    out[o] = '\0';
}


static const char *const income_bands[] = { "<30M", "30-50M", "50-70M", "70-100M", "100M+" };
static const char *const credit_bands[] = { "A", "B", "C", "D" };
static const char *const customer_types[] = {
    "careful", "impatient", "talkative", "reticent", "skeptical", "indecisive", "demanding" };
static const double customer_type_weights[] = { 25, 15, 12, 15, 12, 11, 10 };
static const double complaint_factor[] = { 1.0, 1.4, 1.0, 0.8, 1.2, 1.0, 1.8 };
static const char *const acquisition_channels[] = {
    "store_walk_in", "search", "online_ad", "sns", "referral", "home_shopping", "event", "partnership" };
enum { ACQ_REFERRAL = 4 };
_Static_assert(sizeof acquisition_channels / sizeof acquisition_channels[0] == DG__N_ACQUISITION,
               "one true acquisition cost per channel (src/demo/tables.c)");

const char *dg__demo_acquisition_channel(int channel)
{
    return acquisition_channels[channel];
}
static const double channel_weights[DG__N_CHANNELS] = { 40, 25, 22, 5, 8 };
/* Preferred order channel by age group: <30, 30-49, 50-64, 65+. */
static const double preferred_channel_weights[4][DG__N_CHANNELS] = {
    { 25, 25, 45, 1, 4 }, { 35, 28, 28, 3, 6 }, { 50, 18, 12, 8, 12 }, { 55, 6, 4, 15, 20 } };
static const char *const payment_methods[] = {
    "credit_card", "debit_card", "cash", "bank_transfer", "mobile_pay", "gift_card" };
static const double payment_weights[DG__N_CHANNELS][6] = {
    { 55, 15, 12, 0, 15, 3 }, { 55, 10, 0, 10, 25, 0 }, { 35, 10, 0, 5, 50, 0 },
    { 60, 10, 0, 30, 0, 0 }, { 70, 10, 0, 20, 0, 0 } };
static const char *const feedback_channels[] = { "store", "web", "app", "email", "sns", "call_centre" };
static const double feedback_channel_weights[DG__N_CHANNELS][6] = {
    { 60, 20, 0, 0, 0, 20 }, { 0, 50, 0, 20, 0, 30 }, { 0, 0, 60, 0, 15, 25 },
    { 0, 0, 0, 0, 0, 100 }, { 0, 20, 0, 0, 0, 80 } };
static const char *const feedback_kinds[] = { "complaint", "opinion", "question", "compliment" };
static const char *const partner_kinds[] = { "panel", "co_design", "review", "beta_test", "community" };
static const char *const order_sites[DG__N_CHANNELS] = {
    NULL, "Online", "Online", "Call Centre", "Home Shopping" };

static int pick_store_staff(cust *c, int site)
{
    return site * STAFF_PER_STORE + (int)dg_rng_below(&c->rng, STAFF_PER_STORE);
}

static int pick_call_agent(cust *c)
{
    return FIRST_CALL + (int)dg_rng_below(&c->rng, N_CALL_AGENTS);
}

/* Assigned staff: of two candidates at the customer's home store (or in the call centre), a
 * dissatisfied customer more often ends up with the weaker one. */
static int assign_staff(gen *g, cust *c, bool call_centre)
{
    int a, b;
    if (call_centre) {
        a = pick_call_agent(c);
        b = pick_call_agent(c);
    } else {
        a = pick_store_staff(c, c->home_site);
        b = pick_store_staff(c, c->home_site);
    }
    int worse = g->staff[a].effect <= g->staff[b].effect ? a : b, better = worse == a ? b : a;
    bool take_worse = dg_rng_uniform(&c->rng) < (c->satisfaction < 0 ? 0.7 : 0.3);
    return take_worse ? worse : better;
}

static int emit_customer(gen *g, cust *c, int *acquisition, int *income_band)
{
    static const double gender_w[] = { 58, 40, 2 };
    static const double household_w[] = { 30, 28, 21, 17, 3, 1 };
    static const char *const genders[] = { "F", "M", "X" };
    static const char *const domains[] = { "example.com", "example.kr", "example.net" };
    dg_rng *rng = &c->rng;
    char name[48], phone[20], email[96];
    const char *fam_roman, *given_roman;

    c->gender = (int)dg_rng_choose(rng, gender_w, 3);
    c->age = clampi(41.0 + 13.0 * dg_rng_normal(rng), 18, 88);
    int birth_year = g->as_of_year - c->age;
    dg__demo_make_name(rng, c->gender, birth_year, name, sizeof name, &fam_roman, &given_roman);
    /* An affine bijection of the customer number onto 8 digits: phones never repeat. */
    uint64_t digits = (c->index * 61803399u + 27182818u + g->opt->seed % 100000000u * 7u) % 100000000u;
    snprintf(phone, sizeof phone, "010-%04u-%04u", (unsigned)(digits / 10000), (unsigned)(digits % 10000));
    bool has_email = dg_rng_uniform(rng) < 0.65;
    snprintf(email, sizeof email, "%s.%s%02d%03u@%s", given_roman, fam_roman, birth_year % 100,
             (unsigned)(c->index % 1000), domains[dg_rng_below(rng, 3)]);
    int household = 1 + (int)dg_rng_choose(rng, household_w, 6);

    int occupation_group = c->age >= 65 ? 2 : c->age < 24 ? 0 : 1;
    static const char *const occupations[] = { "office_worker", "self_employed", "professional",
        "civil_servant", "service", "homemaker", "freelancer", "unemployed", "student", "retired" };
    double occ_w[10] = { 34, 12, 12, 6, 12, c->gender == 0 ? 16 : 2, 6, 4, 0, 0 };
    if (occupation_group == 0)
        occ_w[8] = 120;
    else if (occupation_group == 2)
        occ_w[9] = 150;
    size_t occupation = dg_rng_choose(rng, occ_w, 10);
    int income = clampi(2.0 + 0.8 * c->spend_z + 0.9 * dg_rng_normal(rng) -
                        (occupation >= 7 ? 1.0 : 0.0), 0, 4);
    static const char *const educations[] = { "high_school", "college", "bachelor", "graduate" };
    double edu_w[4] = { 28, 17, 45, 10 };
    if (c->age < 22) {
        edu_w[2] = edu_w[3] = 0;
    } else if (birth_year < 1970) {
        edu_w[0] = 50; edu_w[1] = 15; edu_w[2] = 28; edu_w[3] = 7;
    }
    size_t education = dg_rng_choose(rng, edu_w, 4);
    double region_w[32];
    for (size_t r = 0; r < dg__demo_n_regions; r++)
        region_w[r] = dg__demo_regions[r].weight;
    size_t region = dg_rng_choose(rng, region_w, dg__demo_n_regions);
    c->home_site = dg__demo_regions[region].site +
                   (int)dg_rng_below(rng, (uint64_t)dg__demo_regions[region].n_sites);
    int credit = clampi(1.2 - 0.5 * (income - 2) + 0.8 * dg_rng_normal(rng), 0, 3);
    c->type = (int)dg_rng_choose(rng, customer_type_weights, 7);
    bool consent_email = dg_rng_uniform(rng) < 0.62;
    bool consent_sms = dg_rng_uniform(rng) < (c->age < 40 ? 0.78 : 0.66);
    bool consent_phone = dg_rng_uniform(rng) < 0.35;

    double acq_w[8] = { 30, 15, 14, 12, 10, 8, 6, 5 };
    if (c->age < 35)
        acq_w[3] *= 2.0;
    else if (c->age >= 55)
        acq_w[3] *= 0.4;
    if (c->age >= 55)
        acq_w[5] *= 2.0;
    acq_w[ACQ_REFERRAL] *= exp(0.6 * c->loyalty);
    acq_w[2] *= exp(-0.4 * c->loyalty);
    *acquisition = (int)dg_rng_choose(rng, acq_w, 8);
    if (*acquisition == ACQ_REFERRAL && g->n_buyers == 0)
        *acquisition = 0;   /* nobody to be referred by yet */

    int age_group = c->age < 30 ? 0 : c->age < 50 ? 1 : c->age < 65 ? 2 : 3;
    c->preferred_channel = (int)dg_rng_choose(rng, preferred_channel_weights[age_group], DG__N_CHANNELS);
    double cat_w[16];
    for (size_t k = 0; k < dg__demo_n_categories; k++) {
        cat_w[k] = dg__demo_categories[k].weight;
        bool beauty = k <= 1, gadget = k == 2 || k == 7;
        if ((c->gender == 0 && beauty) || (c->gender == 1 && gadget))
            cat_w[k] *= 1.6;
    }
    c->fav_cat[0] = (int)dg_rng_choose(rng, cat_w, dg__demo_n_categories);
    c->fav_cat[1] = (int)dg_rng_choose(rng, cat_w, dg__demo_n_categories);
    bool by_phone = *acquisition == 5 || c->preferred_channel == DG__CH_CALL ||
                    c->preferred_channel == DG__CH_HOME_SHOPPING;
    c->assigned_staff = assign_staff(g, c, by_phone);
    *income_band = income;

    dg_value *v = g->row;
    set_text(&v[0], c->id);
    set_text(&v[1], name);
    set_text(&v[2], phone);
    set_text(&v[3], has_email ? email : NULL);
    set_int(&v[4], birth_year);
    set_text(&v[5], genders[c->gender]);
    set_int(&v[6], household);
    set_text(&v[7], income_bands[income]);
    set_text(&v[8], educations[education]);
    set_text(&v[9], occupations[occupation]);
    set_text(&v[10], dg__demo_regions[region].name);
    set_text(&v[11], acquisition_channels[*acquisition]);
    set_int(&v[12], c->acquired_on);
    set_text(&v[13], g->staff[c->assigned_staff].id);
    set_text(&v[14], customer_types[c->type]);
    set_text(&v[15], credit_bands[credit]);
    set_int(&v[16], consent_email);
    set_int(&v[17], consent_sms);
    set_int(&v[18], consent_phone);
    return emit(g, g->customer_e);
}

/* Picks a product near target_price: the closest-priced of three from a likely category. */
static const product_info *pick_product(gen *g, cust *c, double target_price)
{
    const product_info *best = NULL;
    for (int k = 0; k < 3; k++) {
        double u = dg_rng_uniform(&c->rng);
        size_t cat;
        if (u < 0.35)
            cat = (size_t)c->fav_cat[0];
        else if (u < 0.60)
            cat = (size_t)c->fav_cat[1];
        else {
            double w[16];
            for (size_t i = 0; i < dg__demo_n_categories; i++)
                w[i] = dg__demo_categories[i].weight;
            cat = dg_rng_choose(&c->rng, w, dg__demo_n_categories);
        }
        const product_info *p = &g->products[g->cat_first[cat] + dg_rng_below(&c->rng, g->cat_count[cat])];
        if (!best || fabs(log((double)p->price / target_price)) <
                     fabs(log((double)best->price / target_price)))
            best = p;
    }
    return best;
}

typedef struct order_ctx {
    char id[16];
    int64_t ts;
    int32_t day;
    int channel, site, staff;          /* site: store index or -1; staff: index or -1 */
    const product_info *first_product;
    int touchpoint;                    /* of its interaction, or -1 */
    int rating;                        /* of that interaction */
} order_ctx;

static int rating_for(gen *g, cust *c, int touchpoint, int staff)
{
    double mean = 3.9 + 0.5 * c->satisfaction + dg__demo_touchpoints[touchpoint].effect +
                  (staff >= 0 ? g->staff[staff].effect : 0.0);
    return clampi(mean + 0.8 * dg_rng_normal(&c->rng), 1, 5);
}

static int emit_interaction(gen *g, cust *c, int64_t ts, int touchpoint, int staff, int rating)
{
    char id[24];
    const dg__demo_touchpoint *tp = &dg__demo_touchpoints[touchpoint];
    const char *note = rating <= 2 ? tp->bad_note
                     : rating == 5 && dg_rng_uniform(&c->rng) < 0.3 ? tp->good_note : NULL;
    if (dg_day_of(ts) > g->opt->as_of_day)
        return 0;
    snprintf(id, sizeof id, "IN%010lld", (long long)++g->n_interactions);
    dg_value *v = g->row;
    set_text(&v[0], id);
    set_text(&v[1], c->id);
    set_int(&v[2], ts);
    set_text(&v[3], tp->name);
    set_text(&v[4], dg__demo_touchpoint_kinds[tp->kind]);
    if (staff >= 0)
        set_text(&v[5], g->staff[staff].id);
    else
        set_null(&v[5]);
    set_int(&v[6], rating);
    set_text(&v[7], note);
    return emit(g, g->interaction_e);
}

/* The order's moment of truth, if it has one recorded (30% of orders). */
static int order_interaction(gen *g, cust *c, order_ctx *o)
{
    o->touchpoint = -1;
    if (dg_rng_uniform(&c->rng) >= 0.30)
        return 0;
    int tp = (int)dg_rng_choose(&c->rng, dg__demo_channel_touchpoints[o->channel], DG__N_TOUCHPOINTS);
    int staff = -1;
    if (dg__demo_touchpoints[tp].staffed) {
        if (o->site >= 0)
            staff = o->staff >= 0 ? o->staff : pick_store_staff(c, o->site);
        else
            staff = pick_call_agent(c);
    }
    int64_t ts = o->ts;
    if (strcmp(dg__demo_touchpoints[tp].name, "delivery") == 0)
        ts += (1 + (int64_t)dg_rng_below(&c->rng, 3)) * DAY_SECONDS;
    else if (strcmp(dg__demo_touchpoints[tp].name, "returns") == 0)
        ts += (3 + (int64_t)dg_rng_below(&c->rng, 8)) * DAY_SECONDS;
    else
        ts += (int64_t)dg_rng_below(&c->rng, 1800);
    o->touchpoint = tp;
    o->rating = rating_for(g, c, tp, staff);
    return emit_interaction(g, c, ts, tp, staff, o->rating);
}

static const char *site_name(int site, int channel)
{
    return site >= 0 ? dg__demo_sites[site] : order_sites[channel];
}

/* The demo store as a Korean customer names it in feedback ("강남점"), from the vocabulary. */
static const char *site_in_korean(int site)
{
    const dg_vocab_entry *e = dg_vocab_find("site", dg__demo_sites[site]);
    assert(e != NULL);
    return e->ko;
}

static int emit_feedback(gen *g, cust *c, int kind, int64_t ts, int channel, int touchpoint,
                         const char *product, const char *site)
{
    char id[24], text[512];
    dg_rng *rng = &c->rng;
    const dg__demo_texts *texts = &dg__demo_feedback[kind];
    /* Complaints talk about the failed touchpoint when there was one, else about the product. */
    const char *topic = kind == 0 && touchpoint >= 0 ? dg__demo_touchpoints[touchpoint].name : NULL;
    size_t matches[32], n_match = 0;
    for (size_t i = 0; i < texts->n && n_match < 32; i++) {
        const char *t = texts->items[i].touchpoint;
        if (kind != 0 || (topic ? t && strcmp(t, topic) == 0 : t == NULL))
            matches[n_match++] = i;
    }
    if (n_match == 0)
        for (size_t i = 0; i < texts->n && n_match < 32; i++)
            if (!texts->items[i].touchpoint)
                matches[n_match++] = i;
    const char *tpl = texts->items[matches[dg_rng_below(rng, n_match)]].text;
    fill_template(tpl, product, site, 2 + (int)dg_rng_below(rng, 6), 15 + (int)dg_rng_below(rng, 31),
                  text, sizeof text);
    size_t fch = dg_rng_choose(rng, feedback_channel_weights[channel], 6);
    int rating = kind == 0 ? (dg_rng_uniform(rng) < 0.6 ? 1 : 2)
               : kind == 1 ? 3 + (int)dg_rng_below(rng, 2)
               : kind == 3 ? (dg_rng_uniform(rng) < 0.8 ? 5 : 4) : 0;
    ts += (int64_t)dg_rng_below(rng, 3 * DAY_SECONDS);
    int32_t age_days = g->opt->as_of_day - dg_day_of(ts);
    /* Workflow state as of the as-of date; a few old complaints are stuck (SLA breaches). */
    double u = dg_rng_uniform(rng);
    const char *status;
    if (kind == 0)
        status = age_days < 2 ? "open" : age_days < 7 ? (u < 0.5 ? "in_progress" : "resolved")
               : u < 0.04 ? "open" : u < 0.08 ? "in_progress" : u < 0.40 ? "resolved" : "closed";
    else if (kind == 2)
        status = age_days < 2 ? "open" : u < 0.3 ? "resolved" : "closed";
    else
        status = age_days < 1 ? "open" : "closed";
    int handler;
    if (strcmp(feedback_channels[fch], "store") == 0)
        handler = pick_store_staff(c, c->home_site);
    else if (strcmp(feedback_channels[fch], "call_centre") == 0)
        handler = pick_call_agent(c);
    else
        handler = FIRST_ONLINE + (int)dg_rng_below(rng, N_ONLINE_CS);
    if (dg_day_of(ts) > g->opt->as_of_day)
        return 0;
    snprintf(id, sizeof id, "FB%09lld", (long long)++g->n_feedback);
    dg_value *v = g->row;
    set_text(&v[0], id);
    set_text(&v[1], c->id);
    set_int(&v[2], ts);
    set_text(&v[3], feedback_channels[fch]);
    set_text(&v[4], feedback_kinds[kind]);
    set_text(&v[5], text);
    if (rating)
        set_int(&v[6], rating);
    else
        set_null(&v[6]);
    set_text(&v[7], status);
    set_text(&v[8], g->staff[handler].id);
    return emit(g, g->feedback_e);
}

static int order_feedback(gen *g, cust *c, const order_ctx *o)
{
    bool failed = o->touchpoint >= 0 && o->rating <= 2;
    bool delighted = o->touchpoint >= 0 && o->rating == 5 &&
                     dg__demo_touchpoints[o->touchpoint].kind == DG__KIND_HUMANWARE;
    double p_complaint = 0.015 * exp(-0.7 * c->satisfaction) * complaint_factor[c->type] +
                         (failed ? 0.30 : 0.0);
    double p_opinion = 0.012, p_question = 0.012;
    double p_compliment = 0.010 * exp(0.7 * c->satisfaction) + (delighted ? 0.15 : 0.0);
    double u = dg_rng_uniform(&c->rng);
    int kind = u < p_complaint ? 0
             : u < p_complaint + p_opinion ? 1
             : u < p_complaint + p_opinion + p_question ? 2
             : u < p_complaint + p_opinion + p_question + p_compliment ? 3 : -1;
    if (kind < 0)
        return 0;
    return emit_feedback(g, c, kind, o->ts, o->channel, failed ? o->touchpoint : -1,
                         o->first_product->name,
                         site_in_korean(o->site >= 0 ? o->site : c->home_site));
}

/* Post-purchase survey (5% of orders): answers driven by the latent satisfaction, and spoiled by
 * a failed moment of truth on that order (the MOT multiplication rule). */
static int order_survey(gen *g, cust *c, const order_ctx *o, int income)
{
    dg_rng *rng = &c->rng;
    if (dg_rng_uniform(rng) >= 0.05)
        return 0;
    /* the site's work climate (0 unless the demo has staff surveys): the service-profit chain */
    double s = c->satisfaction +
               DG_DEMO_CLIMATE_EFFECT * dg__demo_site_climate(g, site_name(o->site, o->channel));
    bool failed = o->touchpoint >= 0 && o->rating <= 2;
    int32_t day = o->day + 1 + (int32_t)dg_rng_below(rng, 7);
    int nps = clampi(7.3 + 1.7 * s - (failed ? 3.0 : 0.0) + 1.3 * dg_rng_normal(rng), 0, 10);
    int csat = clampi(3.8 + 0.8 * s - (failed ? 1.5 : 0.0) + 0.7 * dg_rng_normal(rng), 1, 5);
    int repurchase = clampi(3.6 + 0.9 * s + 0.8 * dg_rng_normal(rng), 1, 5);
    int recommend = clampi(3.4 + 0.9 * s + 0.8 * dg_rng_normal(rng), 1, 5);
    int functional = clampi(3.8 + 0.5 * s + 0.8 * dg_rng_normal(rng), 1, 5);
    int emotional = clampi(3.3 + 0.7 * s + 0.8 * dg_rng_normal(rng), 1, 5);
    int social = clampi(2.8 + 0.4 * s + 0.9 * dg_rng_normal(rng), 1, 5);
    int money = clampi(3.0 - 0.4 * (income - 2) + 0.8 * dg_rng_normal(rng), 1, 5);
    int time = clampi(2.6 + (o->channel == DG__CH_STORE ? 0.6 : 0.0) +
                      (failed ? 0.8 : 0.0) + 0.8 * dg_rng_normal(rng), 1, 5);
    int effort = clampi(2.4 + (failed ? 1.0 : 0.0) - 0.2 * s + 0.8 * dg_rng_normal(rng), 1, 5);
    int psychological = clampi(2.3 - 0.4 * s + 0.8 * dg_rng_normal(rng), 1, 5);
    int tp = o->touchpoint >= 0 ? o->touchpoint
           : (int)dg_rng_choose(rng, dg__demo_channel_touchpoints[o->channel], DG__N_TOUCHPOINTS);
    if (day > g->opt->as_of_day)
        return 0;
    char id[24];
    snprintf(id, sizeof id, "SV%09lld", (long long)++g->n_surveys);
    dg_value *v = g->row;
    set_text(&v[0], id);
    set_text(&v[1], c->id);
    set_int(&v[2], day);
    int answers[] = { nps, csat, repurchase, recommend, functional, emotional, social, money, time,
                      effort, psychological };
    for (int k = 0; k < 11; k++)
        set_int(&v[3 + k], answers[k]);
    set_text(&v[14], dg__demo_touchpoints[tp].name);
    return emit(g, g->survey_e);
}

static int emit_order(gen *g, cust *c, int64_t ts, int income)
{
    dg_rng *rng = &c->rng;
    order_ctx o = { .ts = ts, .day = dg_day_of(ts), .site = -1, .staff = -1, .touchpoint = -1 };
    o.channel = dg_rng_uniform(rng) < 0.7 ? c->preferred_channel
              : (int)dg_rng_choose(rng, channel_weights, DG__N_CHANNELS);
    if (o.channel == DG__CH_STORE) {
        o.site = dg_rng_uniform(rng) < 0.88 ? c->home_site : (int)dg_rng_below(rng, N_STORES);
        bool own = g->staff[c->assigned_staff].site == dg__demo_sites[o.site];
        o.staff = own && dg_rng_uniform(rng) < 0.5 ? c->assigned_staff : pick_store_staff(c, o.site);
    } else if (o.channel == DG__CH_CALL || o.channel == DG__CH_HOME_SHOPPING) {
        o.staff = pick_call_agent(c);
    }
    size_t pay = dg_rng_choose(rng, payment_weights[o.channel], 6);

    /* Gamma-Gamma: the order's value z ~ Gamma(p, nu), spread over lines of real products. */
    double z = dg_rng_gamma(rng, DG_DEMO_TRUE_GG_P, c->nu);
    int n_lines = 1 + (int)dg_rng_poisson(rng, fmin(4.0, z / 45000.0));
    if (n_lines > MAX_LINES)
        n_lines = MAX_LINES;
    const product_info *prod[MAX_LINES];
    int64_t qty[MAX_LINES], unit[MAX_LINES], units = 0, total = 0;
    double list_total = 0.0;
    for (int k = 0; k < n_lines; k++) {
        double target = z / n_lines;
        prod[k] = pick_product(g, c, target);
        qty[k] = clampi(target / (double)prod[k]->price, 1, 12);
        list_total += (double)(prod[k]->price * qty[k]);
    }
    double scale = z / list_total;
    for (int k = 0; k < n_lines; k++) {
        unit[k] = (int64_t)llround((double)prod[k]->price * scale / 10.0) * 10;
        if (unit[k] < 10)
            unit[k] = 10;
        units += qty[k];
        total += unit[k] * qty[k];
    }
    o.first_product = prod[0];
    snprintf(o.id, sizeof o.id, "O%010lld", (long long)++g->n_orders);
    dg_value *v = g->row;
    set_text(&v[0], o.id);
    set_text(&v[1], c->id);
    set_int(&v[2], ts);
    set_text(&v[3], dg__demo_channels[o.channel]);
    set_text(&v[4], payment_methods[pay]);
    set_int(&v[5], pay <= 1);
    if (o.staff >= 0)
        set_text(&v[6], g->staff[o.staff].id);
    else
        set_null(&v[6]);
    set_text(&v[7], site_name(o.site, o.channel));
    set_int(&v[8], units);
    set_int(&v[9], total);
    int rc = emit(g, g->order_e);
    if (rc)
        return rc;
    for (int k = 0; k < n_lines && g->opt->order_lines; k++) {
        set_text(&v[0], o.id);
        set_int(&v[1], k + 1);
        set_text(&v[2], prod[k]->id);
        set_int(&v[3], qty[k]);
        set_int(&v[4], unit[k]);
        set_int(&v[5], unit[k] * qty[k]);
        if ((rc = emit(g, g->line_e)))
            return rc;
    }
    c->n_orders++;
    if ((rc = order_interaction(g, c, &o)))
        return rc;
    if ((rc = order_feedback(g, c, &o)))
        return rc;
    return order_survey(g, c, &o, income);
}

/* A time of day in opening hours on day; after the previous order when on the same day. */
static int64_t opening_time(cust *c, int32_t day)
{
    int64_t ts = day_start(day) + OPEN_UTC + (int64_t)dg_rng_below(&c->rng, OPEN_SECONDS);
    if (ts <= c->last_ts) {
        ts = c->last_ts + 60 + (int64_t)dg_rng_below(&c->rng, 600);
        if (ts >= day_start(day + 1))
            ts = day_start(day + 1) - 1;
    }
    c->last_ts = ts;
    return ts;
}

/* The day of a buyer's first purchase: the acquisition day, or 1 + floor(Exponential) days later
 * (DG_DEMO_SAME_DAY_SHARE, DG_DEMO_FIRST_DELAY_DAYS); -1 when that is after the as-of day. */
static int32_t first_purchase_day(gen *g, cust *c)
{
    if (dg_rng_uniform(&c->rng) < DG_DEMO_SAME_DAY_SHARE)
        return c->acquired_on;
    double delay = 1.0 + floor(dg_rng_exponential(&c->rng, 1.0 / DG_DEMO_FIRST_DELAY_DAYS));
    return delay > (double)(g->opt->as_of_day - c->acquired_on) ? -1
                                                                 : c->acquired_on + (int32_t)delay;
}

/* BG/NBD (Fader, Hardie & Lee 2005, section 2): the first purchase on first_day, repeat
 * purchases at exponential(lambda) gaps while alive, dropout with probability p after each
 * repeat purchase; the history ends at the close of the as-of day. */
static int emit_orders(gen *g, cust *c, int income, int32_t first_day)
{
    const double end = (double)day_start(g->opt->as_of_day + 1);
    int64_t first = opening_time(c, first_day);
    int rc = emit_order(g, c, first, income);
    double t = (double)first;
    int32_t last_day = first_day;
    while (rc == 0 && c->lambda > 1e-12) {
        t += dg_rng_exponential(&c->rng, c->lambda) * WEEK_SECONDS;
        if (t >= end)
            break;
        /* At most one order a day: a purchase on a day already taken moves to the next day
         * (the continuous clock stays), so day-level data keeps every purchase. */
        int32_t day = dg_day_of((int64_t)t);
        if (day <= last_day)
            day = last_day + 1;
        if (day > g->opt->as_of_day)
            break;
        last_day = day;
        rc = emit_order(g, c, opening_time(c, day), income);
        if (dg_rng_uniform(&c->rng) < c->p)
            break;
    }
    return rc;
}

static int emit_referral(gen *g, cust *c)
{
    dg_rng *rng = &c->rng;
    uint32_t referrer = g->n_loyal > 0 && dg_rng_uniform(rng) < 0.85
                      ? g->loyal[dg_rng_below(rng, g->n_loyal)]
                      : g->buyers[dg_rng_below(rng, g->n_buyers)];
    char id[16];
    snprintf(id, sizeof id, "C%08u", referrer + 1);
    set_text(&g->row[0], id);
    set_text(&g->row[1], c->id);
    set_int(&g->row[2], c->acquired_on);
    return emit(g, g->referral_e);
}

/* Advocates who became partners: panels, co-design, reviews, beta tests, community. */
static int emit_partner(gen *g, cust *c)
{
    dg_rng *rng = &c->rng;
    if (c->satisfaction <= 0.8 || c->n_orders < 3 || dg_rng_uniform(rng) >= 0.4)
        return 0;
    int n = 1 + (int)dg_rng_poisson(rng, 2.0);
    int32_t span = g->opt->as_of_day - c->acquired_on - 30;
    if (span <= 0)
        return 0;
    for (int k = 0; k < n; k++) {
        int kind = (int)dg_rng_below(rng, 5);
        int32_t day = c->acquired_on + 30 + (int32_t)dg_rng_below(rng, (uint64_t)span + 1);
        const product_info *p = &g->products[dg_rng_below(rng, g->n_products)];
        char id[16], note[256];
        fill_template(dg__demo_partner_notes[kind], p->name, "", 0, 0, note, sizeof note);
        snprintf(id, sizeof id, "PA%07lld", (long long)++g->n_partner);
        set_text(&g->row[0], id);
        set_text(&g->row[1], c->id);
        set_text(&g->row[2], partner_kinds[kind]);
        set_int(&g->row[3], day);
        set_text(&g->row[4], note);
        int rc = emit(g, g->partner_e);
        if (rc)
            return rc;
    }
    return 0;
}

/* A prospect: signed up, looked around the website or app, maybe asked a question; never bought. */
static int emit_prospect_activity(gen *g, cust *c)
{
    dg_rng *rng = &c->rng;
    int n = (int)dg_rng_below(rng, 3);
    int rc = 0;
    for (int k = 0; k < n && rc == 0; k++) {
        int tp = dg_rng_uniform(rng) < 0.5 ? 4 : 5;   /* website, mobile_app */
        int32_t day = c->acquired_on + (int32_t)dg_rng_below(rng, 60);
        rc = emit_interaction(g, c, opening_time(c, day), tp, -1, rating_for(g, c, tp, -1));
    }
    if (rc == 0 && dg_rng_uniform(rng) < 0.2) {
        int32_t day = c->acquired_on + (int32_t)dg_rng_below(rng, 30);
        const product_info *p = &g->products[dg_rng_below(rng, g->n_products)];
        rc = emit_feedback(g, c, 2, opening_time(c, day), DG__CH_ONLINE, -1, p->name,
                           site_in_korean(c->home_site));
    }
    return rc;
}

int dg__demo_customer(gen *g, size_t index)
{
    cust c = { .index = index, .acquired_on = g->acquired_on[index], .last_ts = INT64_MIN };
    dg_rng_seed_stream(&c.rng, g->opt->seed, CUSTOMER_STREAM + index);
    snprintf(c.id, sizeof c.id, "C%08zu", index + 1);
    dg_rng *rng = &c.rng;
    bool prospect = dg_rng_uniform(rng) < DG_DEMO_PROSPECT_SHARE;
    c.lambda = dg_rng_gamma(rng, DG_DEMO_TRUE_R, DG_DEMO_TRUE_ALPHA);
    c.p = dg_rng_beta(rng, DG_DEMO_TRUE_A, DG_DEMO_TRUE_B);
    c.nu = dg_rng_gamma(rng, DG_DEMO_TRUE_GG_Q, DG_DEMO_TRUE_GG_GAMMA);
    double z_p = (c.p - g->p_mean) / g->p_sd;
    double z_lambda = (log(fmax(c.lambda, 1e-300)) - g->loglam_mean) / g->loglam_sd;
    c.satisfaction = -0.6 * z_p + 0.8 * dg_rng_normal(rng);
    c.loyalty = (z_lambda - z_p) / sqrt(2.0);
    c.spend_z = -(log(c.nu) - g->lognu_mean) / g->lognu_sd;

    int acquisition, income;
    int rc = emit_customer(g, &c, &acquisition, &income);
    if (rc == 0)
        dg__demo_count_acquisition(g, acquisition, c.acquired_on);
    if (rc == 0 && acquisition == ACQ_REFERRAL)
        rc = emit_referral(g, &c);
    if (rc)
        return rc;
    int32_t first_day = prospect ? -1 : first_purchase_day(g, &c);
    if (first_day < 0)   /* never buys, or not yet: browses, maybe asks */
        return emit_prospect_activity(g, &c);
    if ((rc = emit_orders(g, &c, income, first_day)) || (rc = emit_partner(g, &c)))
        return rc;
    g->buyers[g->n_buyers++] = (uint32_t)index;
    if (c.satisfaction > 0.3 && c.n_orders >= 3)
        g->loyal[g->n_loyal++] = (uint32_t)index;
    return 0;
}
