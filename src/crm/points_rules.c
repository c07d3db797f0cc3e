/* The points ledger's vocabulary and rules as data (include/dangol/points.h): the codes of
 * movement kinds and sources, the earning rules file (config/points.conf, "key = value" lines,
 * errors at file:line:column) and the one parser of a points amount, shared by the CLI and the
 * API so both refuse the same text with the same words. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/config.h"
#include "dangol/points.h"

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

static int rule(void *ctx, const char *key, const char *value, dg_error *err)
{
    dg_points_rules *rules = ctx;
    static const char bonus_prefix[] = "category_bonus.";
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
    if (strncmp(key, bonus_prefix, sizeof bonus_prefix - 1) == 0) {
        const char *category = key + sizeof bonus_prefix - 1;
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
    return dg_error_set(err, DG_EINVAL, "unknown key \"%s\"; valid: base_per_mille, "
                        "category_bonus.CATEGORY, expiry_days, point_value_minor, reverse_spent, "
                        "return_coupon",
                        key);
}

int dg_points_rules_parse(dg_points_rules *rules, const char *text, const char *name,
                          dg_error *err)
{
    dg_points_rules parsed = *rules;   /* a bad file leaves the caller's rules alone */
    int rc = dg__kv_parse(text, name, rule, &parsed, err);
    if (rc == 0)
        *rules = parsed;
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
