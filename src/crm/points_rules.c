/* The points ledger's vocabulary and rules as data (include/dangol/points.h): the codes of
 * movement kinds and sources, the earning rules file (config/points.conf, "key = value" lines,
 * errors at file:line:column; a campaign bonus's checks that need all its keys at the line that
 * named it) and the one parser of a points amount, shared by the CLI and the API so both refuse
 * the same text with the same words. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/config.h"
#include "dangol/id.h"
#include "dangol/points.h"
#include "dangol/text.h"

static const char *const kind_codes[] = { "earn", "burn", "expire", "adjust", "reverse" };
static const char *const source_codes[] = { "order", "coupon", "campaign", "manual" };
static const char *const policy_codes[] = { "absorb", "recover" };
static const char *const coupon_policy_codes[] = { "restore", "forfeit" };

#define N_OF(a) (sizeof (a) / sizeof (a)[0])

static int code_parse(const char *what, const char *const *codes, size_t n, const char *text,
                      int *out, dg_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(codes[i], text) == 0) {
            *out = (int)i;
            return 0;
        }
    char valid[128] = "";
    for (size_t i = 0; i < n; i++)
        snprintf(valid + strlen(valid), sizeof valid - strlen(valid), "%s%s", i ? ", " : "",
                 codes[i]);
    return dg_error_set(err, DG_EINVAL, "unknown %s \"%s\"; valid: %s", what, text, valid);
}

const char *dg_points_kind_code(dg_points_kind kind)
{
    return (size_t)kind < N_OF(kind_codes) ? kind_codes[kind] : "?";
}

int dg_points_kind_parse(const char *text, dg_points_kind *kind, dg_error *err)
{
    int i;
    int rc = code_parse("movement kind", kind_codes, N_OF(kind_codes), text, &i, err);
    if (rc == 0)
        *kind = (dg_points_kind)i;
    return rc;
}

const char *dg_points_source_code(dg_points_source source)
{
    return (size_t)source < N_OF(source_codes) ? source_codes[source] : "?";
}

int dg_points_source_parse(const char *text, dg_points_source *source, dg_error *err)
{
    int i;
    int rc = code_parse("points source", source_codes, N_OF(source_codes), text, &i, err);
    if (rc == 0)
        *source = (dg_points_source)i;
    return rc;
}

const char *dg_coupon_return_policy_code(dg_coupon_return_policy policy)
{
    return (size_t)policy < N_OF(coupon_policy_codes) ? coupon_policy_codes[policy] : "?";
}

void dg_points_rules_default(dg_points_rules *rules)
{
    memset(rules, 0, sizeof *rules);
    rules->base_per_mille = 10;        /* 1 % of spend */
    rules->expiry_days = 365;
    rules->point_value_minor = 1;      /* KRW: a point is worth 1 won */
    rules->reverse_spent = DG_POINTS_REVERSE_ABSORB;
    rules->return_coupon = DG_COUPON_RETURN_RESTORE;
}

/* A whole number in [lo, hi] for key. */
static int kv_int64(const char *key, const char *value, int64_t lo, int64_t hi, int64_t *out,
                    dg_error *err)
{
    char *end;
    errno = 0;
    long long v = strtoll(value, &end, 10);
    if (errno || end == value || *end || v < lo || v > hi)
        return dg_error_set(err, DG_EINVAL, "%s = \"%s\": expected a whole number from %lld to "
                            "%lld", key, value, (long long)lo, (long long)hi);
    *out = v;
    return 0;
}

/* The rules being parsed, and where each campaign bonus was first named and got its window. */
typedef struct parse_ctx {
    dg_points_rules rules;
    long campaign_line[DG_POINTS_MAX_CAMPAIGN_BONUSES];
    bool has_from[DG_POINTS_MAX_CAMPAIGN_BONUSES], has_until[DG_POINTS_MAX_CAMPAIGN_BONUSES];
} parse_ctx;

static int category_bonus(dg_points_rules *rules, const char *key, const char *category,
                          const char *value, dg_error *err)
{
    if (!*category || strlen(category) >= sizeof rules->bonuses[0].category)
        return dg_error_set(err, DG_EINVAL, "%s: expected category_bonus.CATEGORY with a "
                            "category name of 1 to %zu bytes", key,
                            sizeof rules->bonuses[0].category - 1);
    size_t i = 0;
    while (i < rules->n_bonuses && strcmp(rules->bonuses[i].category, category) != 0)
        i++;
    if (i == DG_POINTS_MAX_BONUSES)
        return dg_error_set(err, DG_EINVAL, "%s: more than %d category bonuses", key,
                            DG_POINTS_MAX_BONUSES);
    int64_t per_mille;
    int rc = kv_int64(key, value, 0, 1000000, &per_mille, err);
    if (rc != 0)
        return rc;
    snprintf(rules->bonuses[i].category, sizeof rules->bonuses[i].category, "%s", category);
    rules->bonuses[i].per_mille = per_mille;
    if (i == rules->n_bonuses)
        rules->n_bonuses++;
    return 0;
}

static int day_value(const char *key, const char *value, int32_t *day, dg_error *err)
{
    dg_error local;
    dg_error_clear(&local);
    if (dg_date_parse(value, strlen(value), day, &local) != 0)
        return dg_error_set(err, DG_EINVAL, "%s = \"%s\": expected a date YYYY-MM-DD (%s)", key,
                            value, local.message);
    return 0;
}

/* campaign_bonus.CAMPAIGN.FIELD: the campaign is everything up to the last dot (a campaign id
 * may hold dots and capitals); its bonus is added the first time it is named. */
static int campaign_bonus(parse_ctx *c, const char *key, const char *rest, const char *value,
                          const dg__kv_at *at, dg_error *err)
{
    dg_points_rules *rules = &c->rules;
    const char *dot = strrchr(rest, '.');
    size_t len = dot ? (size_t)(dot - rest) : 0;
    if (!dot || len == 0 || !dot[1] || len >= sizeof rules->campaigns[0].campaign_id)
        return dg__kv_at_key(err, at, dg_error_set(err, DG_EINVAL, "\"%s\": expected "
                             "campaign_bonus.CAMPAIGN.KEY with a campaign id of 1 to %zu bytes "
                             "and KEY from, until, extra_per_mille or multiplier_per_mille", key,
                             sizeof rules->campaigns[0].campaign_id - 1));
    int rc = dg_id_check("campaign id", rest, len, err);
    if (rc != 0)
        return dg__kv_at_key(err, at, rc);
    size_t i = 0;
    while (i < rules->n_campaigns && !(strncmp(rules->campaigns[i].campaign_id, rest, len) == 0 &&
                                       !rules->campaigns[i].campaign_id[len]))
        i++;
    if (i == rules->n_campaigns) {
        if (i == DG_POINTS_MAX_CAMPAIGN_BONUSES)
            return dg__kv_at_key(err, at, dg_error_set(err, DG_EINVAL, "%s: more than %d "
                                 "campaign bonuses", key, DG_POINTS_MAX_CAMPAIGN_BONUSES));
        dg_points_campaign_bonus *b = &rules->campaigns[i];
        memset(b, 0, sizeof *b);
        memcpy(b->campaign_id, rest, len);
        b->multiplier_per_mille = 1000;
        c->campaign_line[i] = at->line;
        c->has_from[i] = c->has_until[i] = false;
        rules->n_campaigns++;
    }
    dg_points_campaign_bonus *b = &rules->campaigns[i];
    const char *field = dot + 1;
    if (strcmp(field, "from") == 0) {
        c->has_from[i] = true;
        return day_value(key, value, &b->from, err);
    }
    if (strcmp(field, "until") == 0) {
        c->has_until[i] = true;
        return day_value(key, value, &b->until, err);
    }
    if (strcmp(field, "extra_per_mille") == 0)
        return kv_int64(key, value, 0, 1000000, &b->extra_per_mille, err);
    if (strcmp(field, "multiplier_per_mille") == 0)
        return kv_int64(key, value, 1000, 100000, &b->multiplier_per_mille, err);
    return dg__kv_at_key(err, at, dg_error_set(err, DG_EINVAL, "unknown key \"%s\"; a campaign "
                         "bonus has from, until, extra_per_mille, multiplier_per_mille", key));
}

static int rule(void *ctx, const char *key, const char *value, const dg__kv_at *at,
                dg_error *err)
{
    parse_ctx *c = ctx;
    dg_points_rules *rules = &c->rules;
    static const char bonus_prefix[] = "category_bonus.";
    static const char campaign_prefix[] = "campaign_bonus.";
    if (strcmp(key, "base_per_mille") == 0)
        return kv_int64(key, value, 0, 1000000, &rules->base_per_mille, err);
    if (strcmp(key, "expiry_days") == 0) {
        int days;
        int rc = dg__kv_int(key, value, 1, 36600, &days, err);
        rules->expiry_days = days;
        return rc;
    }
    if (strcmp(key, "point_value_minor") == 0)
        return kv_int64(key, value, 0, 1000000, &rules->point_value_minor, err);
    if (strcmp(key, "reverse_spent") == 0) {
        int policy;
        int rc = code_parse("reverse_spent policy", policy_codes, N_OF(policy_codes), value,
                            &policy, err);
        rules->reverse_spent = (dg_points_reverse_policy)policy;
        return rc;
    }
    if (strcmp(key, "return_coupon") == 0) {
        int policy;
        int rc = code_parse("return_coupon policy", coupon_policy_codes,
                            N_OF(coupon_policy_codes), value, &policy, err);
        rules->return_coupon = (dg_coupon_return_policy)policy;
        return rc;
    }
    if (strncmp(key, bonus_prefix, sizeof bonus_prefix - 1) == 0)
        return category_bonus(rules, key, key + sizeof bonus_prefix - 1, value, err);
    if (strncmp(key, campaign_prefix, sizeof campaign_prefix - 1) == 0)
        return campaign_bonus(c, key, key + sizeof campaign_prefix - 1, value, at, err);
    return dg_error_set(err, DG_EINVAL, "unknown key \"%s\"; valid: base_per_mille, "
                        "category_bonus.CATEGORY, campaign_bonus.CAMPAIGN.KEY, expiry_days, "
                        "point_value_minor, reverse_spent, return_coupon",
                        key);
}

/* The checks that need all of a campaign bonus's keys: its window, and a bonus to give. */
static int check_campaigns(const parse_ctx *c, const char *name, dg_error *err)
{
    for (size_t i = 0; i < c->rules.n_campaigns; i++) {
        const dg_points_campaign_bonus *b = &c->rules.campaigns[i];
        const char *missing = !c->has_from[i] ? "from" : !c->has_until[i] ? "until" : NULL;
        if (missing)
            return dg_error_at(err, DG_EINVAL, name, c->campaign_line[i], 1, "campaign bonus "
                               "\"%s\" has no %s day (campaign_bonus.%s.%s = YYYY-MM-DD)",
                               b->campaign_id, missing, b->campaign_id, missing);
        if (b->until < b->from) {
            char from[16], until[16];
            return dg_error_at(err, DG_EINVAL, name, c->campaign_line[i], 1, "campaign bonus "
                               "\"%s\": until %s is before from %s", b->campaign_id,
                               dg_date_format(b->until, until), dg_date_format(b->from, from));
        }
        if (b->extra_per_mille == 0 && b->multiplier_per_mille == 1000)
            return dg_error_at(err, DG_EINVAL, name, c->campaign_line[i], 1, "campaign bonus "
                               "\"%s\" gives nothing: set extra_per_mille above 0 or "
                               "multiplier_per_mille above 1000", b->campaign_id);
    }
    return 0;
}

int dg_points_rules_parse(dg_points_rules *rules, const char *text, const char *name,
                          dg_error *err)
{
    parse_ctx *c = calloc(1, sizeof *c);   /* a bad file leaves the caller's rules alone */
    if (!c)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    c->rules = *rules;
    for (size_t i = 0; i < rules->n_campaigns; i++)
        c->has_from[i] = c->has_until[i] = true;
    int rc = dg__kv_parse_lines(text, name, rule, c, err);
    if (rc == 0)
        rc = check_campaigns(c, name, err);
    if (rc == 0)
        *rules = c->rules;
    free(c);
    return rc;
}

int dg_points_amount_parse(const char *text, const char *what, bool allow_negative,
                           int64_t *points, dg_error *err)
{
    const char *p = text + (*text == '-' || *text == '+');
    size_t digits = strspn(p, "0123456789");
    if (digits == 0 || p[digits] != '\0')
        return dg_error_set(err, DG_EPARSE, "%s \"%s\" is not a whole number of points%s", what,
                            text, strchr(text, '.') || strchr(text, ',')
                                      ? " (no decimals or separators)" : "");
    errno = 0;
    long long v = strtoll(text, NULL, 10);
    bool too_large = errno == ERANGE || v > DG_POINTS_MAX_AMOUNT || v < -DG_POINTS_MAX_AMOUNT;
    if (too_large)
        return dg_error_set(err, DG_ERANGE, "%s \"%s\" is too large; at most %lld points in one "
                            "movement", what, text, DG_POINTS_MAX_AMOUNT);
    if (v == 0 || (v < 0 && !allow_negative))
        return dg_error_set(err, DG_ERANGE, "%s \"%s\": expected %s from 1 to %lld", what, text,
                            allow_negative ? "a nonzero whole number, negative to debit, up to "
                                             "that size"
                                           : "a whole number", DG_POINTS_MAX_AMOUNT);
    *points = v;
    return 0;
}
