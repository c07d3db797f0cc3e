/* The relationship ladder (include/dangol/stage.h). dg_stage_at classifies every customer at a
 * date in one pass over the frame's CSR runs: orders are sorted by time, so the orders up to the
 * date are a prefix found by binary search; the advocacy and partner signals are short runs
 * scanned backwards from the date. History and migration call it once per date. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/config.h"
#include "dangol/stage.h"
#include "dangol/text.h"

static const char default_rules[] =
    "# dangol relationship-ladder rules (the defaults). Copy, edit and pass with --rules FILE;\n"
    "# keys left out keep these values. Days count back from the date being classified.\n"
    "client_min_orders = 2        # a client has at least this many orders ...\n"
    "active_days = 365            # ... the last of them at most this many days ago\n"
    "lapsed_days = 180            # flag \"lapsed\": no order for more than this many days\n"
    "churned_days = 365           # flag \"churned\": no order for more than this many days\n"
    "promoter_min_nps = 9         # an NPS answer at least this high is a promoter\n"
    "positive_rating = 4          # feedback rated at least this (or a compliment) is a positive review\n"
    "advocacy_window_days = 365   # recommendations (promoter answer, referral, review) count this long\n"
    "advocacy_signals = promoter, referral, review\n"
    "partner_window_days = 365    # partner activities count this long\n"
    "partner_activities = panel, co_design, beta_test, community, review\n";

const char *dg_stage_rules_default_text(void)
{
    return default_rules;
}

static const char *const stage_names[DG_STAGE_COUNT] = {
    "prospect", "customer", "client", "advocate", "partner" };
static const char *const activity_names[DG_ACTIVITY_COUNT] = {
    "none", "active", "lapsed", "churned" };

const char *dg_stage_name(dg_stage stage)
{
    return stage < DG_STAGE_COUNT ? stage_names[stage] : "not yet known";
}

const char *dg_activity_name(dg_activity activity)
{
    return activity < DG_ACTIVITY_COUNT ? activity_names[activity] : "?";
}

/* ---- rules ---- */

typedef struct {
    const char *key;
    size_t offset;
    int lo, hi;
} int_rule;

#define RULE(k, lo, hi) { #k, offsetof(dg_stage_rules, k), lo, hi }
static const int_rule int_rules[] = {
    RULE(client_min_orders, 1, 1000000), RULE(active_days, 0, 100000),
    RULE(lapsed_days, 0, 100000), RULE(churned_days, 0, 100000),
    RULE(promoter_min_nps, 0, 10), RULE(positive_rating, 1, 5),
    RULE(advocacy_window_days, 0, 100000), RULE(partner_window_days, 0, 100000),
};

/* Splits a comma-separated list in place; calls fn for each trimmed, non-empty item. */
static int each_item(char *list, int (*fn)(void *, const char *, dg_error *), void *ctx,
                     dg_error *err)
{
    for (char *p = list, *next; p; p = next) {
        next = strchr(p, ',');
        if (next)
            *next++ = '\0';
        while (*p == ' ' || *p == '\t')
            p++;
        size_t n = strlen(p);
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            p[--n] = '\0';
        int rc;
        if (*p && (rc = fn(ctx, p, err)) != 0)
            return rc;
    }
    return 0;
}

static int add_signal(void *ctx, const char *item, dg_error *err)
{
    dg_stage_rules *r = ctx;
    if (strcmp(item, "promoter") == 0)
        r->promoter_signal = true;
    else if (strcmp(item, "referral") == 0)
        r->referral_signal = true;
    else if (strcmp(item, "review") == 0)
        r->review_signal = true;
    else
        return dg_error_set(err, DG_EINVAL, "advocacy signal \"%s\" is unknown; valid: promoter, "
                            "referral, review", item);
    return 0;
}

static int add_partner_kind(void *ctx, const char *item, dg_error *err)
{
    dg_stage_rules *r = ctx;
    if (r->n_partner_kinds >= DG_STAGE_MAX_PARTNER_KINDS || strlen(item) >= 32)
        return dg_error_set(err, DG_EINVAL, "partner_activities: at most %d names of up to 31 "
                            "bytes", DG_STAGE_MAX_PARTNER_KINDS);
    snprintf(r->partner_kinds[r->n_partner_kinds++], 32, "%s", item);
    return 0;
}

static int set_rule(void *ctx, const char *key, const char *value, dg_error *err)
{
    dg_stage_rules *r = ctx;
    for (size_t i = 0; i < sizeof int_rules / sizeof int_rules[0]; i++)
        if (strcmp(key, int_rules[i].key) == 0)
            return dg__kv_int(key, value, int_rules[i].lo, int_rules[i].hi,
                              (int *)((char *)r + int_rules[i].offset), err);
    char list[512];
    snprintf(list, sizeof list, "%s", value);
    if (strcmp(key, "advocacy_signals") == 0) {
        r->promoter_signal = r->referral_signal = r->review_signal = false;
        return each_item(list, add_signal, r, err);
    }
    if (strcmp(key, "partner_activities") == 0) {
        r->n_partner_kinds = 0;
        if (strcmp(value, "*") == 0)
            return 0;
        return each_item(list, add_partner_kind, r, err);
    }
    return dg_error_set(err, DG_EINVAL, "unknown key \"%s\"; valid: client_min_orders, "
                        "active_days, lapsed_days, churned_days, promoter_min_nps, "
                        "positive_rating, advocacy_window_days, advocacy_signals, "
                        "partner_window_days, partner_activities", key);
}

int dg_stage_rules_parse(dg_stage_rules *rules, const char *text, const char *name,
                         dg_error *err)
{
    dg_stage_rules r = *rules;
    int rc = dg__kv_parse(text, name, set_rule, &r, err);
    if (rc == 0 && r.churned_days < r.lapsed_days)
        rc = dg_error_set(err, DG_EINVAL, "%s: churned_days (%d) is shorter than lapsed_days (%d)",
                          name, r.churned_days, r.lapsed_days);
    if (rc == 0)
        *rules = r;
    return rc;
}

void dg_stage_rules_default(dg_stage_rules *rules)
{
    memset(rules, 0, sizeof *rules);
    int rc = dg_stage_rules_parse(rules, default_rules, "built-in stage rules", NULL);
    assert(rc == 0);   /* the built-in text parses (test_stage runs it) */
    (void)rc;          /* unused when NDEBUG removes the assert */
}

/* ---- classification ---- */

/* Number of entries of the sorted run day[begin..end) that are <= limit. */
static size_t count_upto(const int32_t *day, size_t begin, size_t end, int32_t limit)
{
    size_t lo = begin, hi = end;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (day[mid] <= limit)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo - begin;
}

/* Does customer c recommend us in [from, to]? */
static bool recommends(const dg_frame *f, const dg_stage_rules *r, size_t c, int32_t from,
                       int32_t to, int64_t compliment)
{
    if (r->promoter_signal) {
        /* the latest NPS answer in the window decides */
        for (size_t k = f->survey_offset[c + 1]; k-- > f->survey_offset[c];) {
            if (f->survey_day[k] > to)
                continue;
            if (f->survey_day[k] < from)
                break;
            if (f->survey_nps[k] >= 0) {
                if (f->survey_nps[k] >= r->promoter_min_nps)
                    return true;
                break;
            }
        }
    }
    if (r->referral_signal)
        for (size_t k = f->referral_offset[c]; k < f->referral_offset[c + 1]; k++)
            if (f->referral_day[k] >= from && f->referral_day[k] <= to &&
                dg_frame_has_customer(f, f->referral_referred[k]))
                return true;
    if (r->review_signal)
        for (size_t k = f->feedback_offset[c]; k < f->feedback_offset[c + 1]; k++)
            if (f->feedback_day[k] >= from && f->feedback_day[k] <= to &&
                ((compliment > 0 && f->feedback_kind[k] == (uint32_t)compliment) ||
                 f->feedback_rating[k] >= r->positive_rating))
                return true;
    return false;
}

static bool takes_part(const dg_frame *f, size_t c, int32_t from, int32_t to,
                       const bool *counts)
{
    for (size_t k = f->partner_offset[c]; k < f->partner_offset[c + 1]; k++)
        if (f->partner_day[k] >= from && f->partner_day[k] <= to &&
            counts[f->partner_activity[k]])
            return true;
    return false;
}

int dg_stage_at(const dg_frame *f, const dg_stage_rules *r, int32_t day, uint8_t *stage,
                uint8_t *activity, dg_error *err)
{
    if (day > f->as_of) {
        char a[16], b[16];
        return dg_error_set(err, DG_EINVAL, "stage date %s is after the data's as-of date %s",
                            dg_date_format(day, a), dg_date_format(f->as_of, b));
    }
    size_t n_kinds = f->partner_activities.n;
    bool *counts = malloc(n_kinds ? n_kinds : 1);
    if (!counts)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    for (size_t k = 0; k < n_kinds; k++) {
        counts[k] = k > 0 && r->n_partner_kinds == 0;
        for (size_t i = 0; k > 0 && i < r->n_partner_kinds; i++)
            if (strcmp(f->partner_activities.values[k], r->partner_kinds[i]) == 0)
                counts[k] = true;
    }
    int64_t compliment = dg_dict_find(&f->feedback_kinds, "compliment");
    for (size_t c = 0; c < f->n_customers; c++) {
        int32_t seen = f->first_seen_day[c];
        if (seen != DG_DAY_NONE && seen > day) {
            stage[c] = DG_STAGE_UNKNOWN;
            activity[c] = DG_ACTIVITY_NONE;
            continue;
        }
        size_t begin = f->order_offset[c];
        size_t n_orders = count_upto(f->order_day, begin, f->order_offset[c + 1], day);
        if (n_orders == 0) {
            stage[c] = DG_STAGE_PROSPECT;
            activity[c] = DG_ACTIVITY_NONE;
            continue;
        }
        int32_t since = day - f->order_day[begin + n_orders - 1];
        activity[c] = since > r->churned_days ? DG_ACTIVITY_CHURNED
                    : since > r->lapsed_days  ? DG_ACTIVITY_LAPSED : DG_ACTIVITY_ACTIVE;
        uint8_t s = DG_STAGE_CUSTOMER;
        if (n_orders >= (size_t)r->client_min_orders && since <= r->active_days) {
            s = DG_STAGE_CLIENT;
            if (recommends(f, r, c, day - r->advocacy_window_days, day, compliment)) {
                s = DG_STAGE_ADVOCATE;
                if (takes_part(f, c, day - r->partner_window_days, day, counts))
                    s = DG_STAGE_PARTNER;
            }
        }
        stage[c] = s;
    }
    free(counts);
    return 0;
}

int dg_stage_behavioural_at(const dg_frame *f, const dg_stage_rules *r, int32_t day,
                            uint8_t *stage, uint8_t *activity, dg_error *err)
{
    dg_stage_rules behavioural = *r;
    behavioural.promoter_signal = behavioural.referral_signal = behavioural.review_signal = false;
    return dg_stage_at(f, &behavioural, day, stage, activity, err);
}

void dg_stage_count(const uint8_t *stage, const uint8_t *activity, size_t n, int32_t day,
                    dg_stage_counts *out)
{
    memset(out, 0, sizeof *out);
    out->day = day;
    for (size_t c = 0; c < n; c++) {
        if (stage[c] >= DG_STAGE_COUNT) {
            out->unknown++;
            continue;
        }
        out->stage[stage[c]]++;
        out->activity[stage[c]][activity[c] < DG_ACTIVITY_COUNT ? activity[c] : 0]++;
    }
}
