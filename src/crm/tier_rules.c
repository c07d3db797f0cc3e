/* The tier rules as data (include/dangol/tier.h): the codes of measures, review cadences,
 * downgrade policies and reasons, the built-in rules (config/tiers.conf holds the same text),
 * the parser of a rules file ("key = value" lines through the analytics' config reader, errors
 * at file:line:column, checks that need the whole file at the line that is wrong), and the
 * review calendar. */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analytics/config.h"
#include "dangol/text.h"
#include "dangol/tier.h"
#include "dangol/utf8.h"

static const char *const measure_codes[] = { "spend", "orders", "points", NULL };
static const char *const review_codes[] = { "monthly", "quarterly", "half_yearly", "yearly",
                                            NULL };
static const char *const downgrade_codes[] = { "one_step", "recompute", NULL };
static const char *const reason_codes[] = { "upgrade", "downgrade_one_step",
                                            "downgrade_recompute", NULL };
static const int review_months[] = { 1, 3, 6, 12 };

static const char *code_of(const char *const *codes, size_t n, int i)
{
    return i >= 0 && (size_t)i < n ? codes[i] : "?";
}

const char *dg_tier_measure_code(dg_tier_measure m) { return code_of(measure_codes, 3, (int)m); }
const char *dg_tier_review_code(dg_tier_review r) { return code_of(review_codes, 4, (int)r); }
const char *dg_tier_downgrade_code(dg_tier_downgrade d)
{
    return code_of(downgrade_codes, 2, (int)d);
}
const char *dg_tier_reason_code(dg_tier_reason r) { return code_of(reason_codes, 3, (int)r); }

static const char default_text[] =
    "# dangol customer tiers (the built-in rules). Copy, edit and pass with --rules FILE.\n"
    "# Keys left out keep these values; a file that names any tier replaces the whole list.\n"
    "measure = spend              # spend (order totals), orders, or points (earned)\n"
    "window_days = 365            # the measure counts this many days back from the day judged\n"
    "review = quarterly           # downgrades only on review dates: monthly, quarterly,\n"
    "                             # half_yearly or yearly (the first day of each period)\n"
    "review_start_month = 1       # a review period starts in this month (1-12)\n"
    "downgrade = one_step         # one_step (one tier down) or recompute (to what the measure\n"
    "                             # gives)\n"
    "grace_days = 90              # a tier reached less than this many days before a review\n"
    "                             # date is kept through that review\n"
    "\n"
    "# tier.CODE.KEY = VALUE, lowest tier first; the lowest threshold is 0, then increasing.\n"
    "# earn_per_mille multiplies the points an order earns (1000 = x1); discount_percent 0-100.\n"
    "tier.basic.name_en = Basic\n"
    "tier.basic.name_ko = 일반\n"
    "tier.basic.threshold = 0\n"
    "tier.basic.earn_per_mille = 1000\n"
    "tier.basic.discount_percent = 0\n"
    "\n"
    "tier.silver.name_en = Silver\n"
    "tier.silver.name_ko = 실버\n"
    "tier.silver.threshold = 100000\n"
    "tier.silver.earn_per_mille = 1200\n"
    "tier.silver.discount_percent = 3\n"
    "\n"
    "tier.gold.name_en = Gold\n"
    "tier.gold.name_ko = 골드\n"
    "tier.gold.threshold = 200000\n"
    "tier.gold.earn_per_mille = 1500\n"
    "tier.gold.discount_percent = 5\n"
    "\n"
    "tier.vip.name_en = VIP\n"
    "tier.vip.name_ko = VIP\n"
    "tier.vip.threshold = 400000\n"
    "tier.vip.earn_per_mille = 2000\n"
    "tier.vip.discount_percent = 10\n";

const char *dg_tier_rules_default_text(void)
{
    return default_text;
}

void dg_tier_rules_default(dg_tier_rules *rules)
{
    memset(rules, 0, sizeof *rules);
    rules->window_days = 365;
    rules->review_start_month = 1;
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_tier_rules_parse(rules, default_text, "built-in tier rules", &err);
    assert(rc == 0);
    (void)rc;
}

/* Where each tier was named and its threshold given, for the checks at the end. */
typedef struct level_pos {
    long line, threshold_line, threshold_column;
    bool has_threshold;
} level_pos;

typedef struct parse_ctx {
    dg_tier_rules rules;
    level_pos pos[DG_TIER_MAX_LEVELS];
    bool tiers_named;                 /* the text names tiers: its list replaces the old one */
} parse_ctx;

static int code_value(const char *key, const char *value, const char *const *codes, int *out,
                      dg_error *err)
{
    char valid[128] = "";
    for (int i = 0; codes[i]; i++) {
        if (strcmp(codes[i], value) == 0) {
            *out = i;
            return 0;
        }
        snprintf(valid + strlen(valid), sizeof valid - strlen(valid), "%s%s", i ? ", " : "",
                 codes[i]);
    }
    return dg_error_set(err, DG_EINVAL, "%s = \"%s\": valid: %s", key, value, valid);
}

static int int64_value(const char *key, const char *value, int64_t lo, int64_t hi, int64_t *out,
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

static bool valid_code(const char *code, size_t len)
{
    return dg__config_code_valid(code, len, DG_TIER_CODE_MAX);
}

/* The tier of "tier.CODE.field" (added at the end when new); its field into *field. */
static int tier_of(parse_ctx *c, const char *key, long line_no, size_t *index,
                   const char **field, dg_error *err)
{
    const char *code = key + 5, *dot = strchr(code, '.');
    if (!dot || !valid_code(code, (size_t)(dot - code)) || !dot[1])
        return dg_error_set(err, DG_EINVAL, "\"%s\": expected tier.CODE.KEY with a CODE of 1 to "
                            "%d letters a-z, digits or _", key, DG_TIER_CODE_MAX - 1);
    size_t len = (size_t)(dot - code);
    if (!c->tiers_named) {
        c->tiers_named = true;
        c->rules.n_levels = 0;
    }
    size_t i = 0;
    while (i < c->rules.n_levels &&
           !(strncmp(c->rules.levels[i].code, code, len) == 0 && !c->rules.levels[i].code[len]))
        i++;
    if (i == c->rules.n_levels) {
        if (i == DG_TIER_MAX_LEVELS)
            return dg_error_set(err, DG_EINVAL, "more than %d tiers", DG_TIER_MAX_LEVELS);
        dg_tier_level *l = &c->rules.levels[i];
        memset(l, 0, sizeof *l);
        memcpy(l->code, code, len);
        l->earn_per_mille = 1000;
        memset(&c->pos[i], 0, sizeof c->pos[i]);
        c->pos[i].line = line_no;
        c->rules.n_levels++;
    }
    *index = i;
    *field = dot + 1;
    return 0;
}

static int name_value(const char *key, const char *value, char *out, dg_error *err)
{
    size_t len = strlen(value);
    if (len == 0 || len >= DG_TIER_NAME_MAX || dg_utf8_invalid_at(value, len) != len)
        return dg_error_set(err, DG_EINVAL, "%s: expected a name of 1 to %d bytes of UTF-8", key,
                            DG_TIER_NAME_MAX - 1);
    memcpy(out, value, len + 1);
    return 0;
}

static int tier_key(parse_ctx *c, const char *key, const char *value, long line_no,
                    long value_column, dg_error *err)
{
    size_t i = 0;
    const char *field = "";
    int rc = tier_of(c, key, line_no, &i, &field, err);
    if (rc != 0)
        return rc;
    dg_tier_level *l = &c->rules.levels[i];
    if (strcmp(field, "name_en") == 0)
        return name_value(key, value, l->name_en, err);
    if (strcmp(field, "name_ko") == 0)
        return name_value(key, value, l->name_ko, err);
    if (strcmp(field, "earn_per_mille") == 0)
        return int64_value(key, value, 1, 100000, &l->earn_per_mille, err);
    if (strcmp(field, "discount_percent") == 0) {
        int64_t v;
        rc = int64_value(key, value, 0, 100, &v, err);
        l->discount_percent = (int32_t)v;
        return rc;
    }
    if (strcmp(field, "threshold") == 0) {
        c->pos[i].has_threshold = true;
        c->pos[i].threshold_line = line_no;
        c->pos[i].threshold_column = value_column;
        return int64_value(key, value, 0, INT64_MAX / 4, &l->threshold, err);
    }
    return dg_error_set(err, DG_EINVAL, "unknown key \"%s\"; a tier has name_en, name_ko, "
                        "threshold, earn_per_mille, discount_percent", key);
}

static int setting(parse_ctx *c, const char *key, const char *value, dg_error *err)
{
    dg_tier_rules *r = &c->rules;
    int i, rc;
    if (strcmp(key, "measure") == 0) {
        rc = code_value(key, value, measure_codes, &i, err);
        r->measure = rc == 0 ? (dg_tier_measure)i : r->measure;
        return rc;
    }
    if (strcmp(key, "review") == 0) {
        rc = code_value(key, value, review_codes, &i, err);
        r->review = rc == 0 ? (dg_tier_review)i : r->review;
        return rc;
    }
    if (strcmp(key, "downgrade") == 0) {
        rc = code_value(key, value, downgrade_codes, &i, err);
        r->downgrade = rc == 0 ? (dg_tier_downgrade)i : r->downgrade;
        return rc;
    }
    if (strcmp(key, "window_days") == 0)
        return dg__kv_int(key, value, 1, 3660, &r->window_days, err);
    if (strcmp(key, "review_start_month") == 0)
        return dg__kv_int(key, value, 1, 12, &r->review_start_month, err);
    if (strcmp(key, "grace_days") == 0)
        return dg__kv_int(key, value, 0, 3660, &r->grace_days, err);
    return dg_error_set(err, DG_EINVAL, "unknown key \"%s\"; valid: measure, window_days, review, "
                        "review_start_month, downgrade, grace_days, tier.CODE.KEY", key);
}

/* The checks that need every line: each tier complete, thresholds 0 then increasing. */
static int check_levels(const parse_ctx *c, const char *name, dg_error *err)
{
    const dg_tier_rules *r = &c->rules;
    if (r->n_levels == 0)
        return dg_error_at(err, DG_EINVAL, name, 1, 1, "no tier: name at least one with "
                           "tier.CODE.name_en, name_ko and threshold");
    for (size_t i = 0; i < r->n_levels; i++) {
        const dg_tier_level *l = &r->levels[i];
        const char *missing = !l->name_en[0] ? "name_en" : !l->name_ko[0] ? "name_ko"
                            : !c->pos[i].has_threshold && c->tiers_named ? "threshold" : NULL;
        if (missing)
            return dg_error_at(err, DG_EINVAL, name, c->pos[i].line, 1, "tier \"%s\" has no %s",
                               l->code, missing);
        long line = c->pos[i].threshold_line, column = c->pos[i].threshold_column;
        if (i == 0 && l->threshold != 0)
            return dg_error_at(err, DG_EINVAL, name, line, column, "the lowest tier \"%s\" must "
                               "have threshold 0 (every customer qualifies for it), not %lld",
                               l->code, (long long)l->threshold);
        if (i > 0 && l->threshold <= r->levels[i - 1].threshold)
            return dg_error_at(err, DG_EINVAL, name, line, column, "tier \"%s\": threshold %lld "
                               "is not above the threshold %lld of \"%s\", the tier before it "
                               "(tiers go lowest first)", l->code, (long long)l->threshold,
                               (long long)r->levels[i - 1].threshold, r->levels[i - 1].code);
        for (size_t j = 0; j < i; j++)
            if (strcasecmp(l->name_en, r->levels[j].name_en) == 0 ||
                strcmp(l->name_ko, r->levels[j].name_ko) == 0)
                return dg_error_at(err, DG_EINVAL, name, c->pos[i].line, 1, "tier \"%s\" has "
                                   "the same name as tier \"%s\"", l->code, r->levels[j].code);
    }
    return 0;
}

int dg_tier_rules_parse(dg_tier_rules *rules, const char *text, const char *name,
                        dg_error *err)
{
    parse_ctx *c = calloc(1, sizeof *c);
    char *copy = strdup(text);
    if (!c || !copy) {
        free(c);
        free(copy);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    c->rules = *rules;
    for (size_t i = 0; i < rules->n_levels; i++)
        c->pos[i].has_threshold = true;
    int rc = 0;
    long line_no = 0;
    char *cursor = copy, *line, *body;
    while (rc == 0 && (body = dg__config_next_line(&cursor, &line, &line_no))) {
        char *eq = strchr(body, '=');
        if (!eq) {
            rc = dg_error_at(err, DG_EPARSE, name, line_no, (long)(body - line) + 1,
                             "expected \"key = value\", got \"%s\"", body);
            break;
        }
        *eq = '\0';
        char *key = dg__config_trim(body), *value = dg__config_trim(eq + 1);
        long value_column = (long)(value - line) + 1;
        dg_error local;
        dg_error_clear(&local);
        rc = strncmp(key, "tier.", 5) == 0
                 ? tier_key(c, key, value, line_no, value_column, &local)
                 : setting(c, key, value, &local);
        if (rc != 0)
            dg_error_at(err, rc, name, line_no, value_column, "%s", local.message);
    }
    if (rc == 0)
        rc = check_levels(c, name, err);
    if (rc == 0)
        *rules = c->rules;
    free(copy);
    free(c);
    return rc;
}

int dg_tier_find(const dg_tier_rules *rules, const char *text)
{
    for (size_t i = 0; i < rules->n_levels; i++) {
        const dg_tier_level *l = &rules->levels[i];
        if (strcmp(l->code, text) == 0 || strcasecmp(l->name_en, text) == 0 ||
            strcmp(l->name_ko, text) == 0)
            return (int)i;
    }
    return -1;
}

size_t dg_tier_qualified(const dg_tier_rules *rules, int64_t measure)
{
    size_t i = 0;
    while (i + 1 < rules->n_levels && measure >= rules->levels[i + 1].threshold)
        i++;
    return i;
}

int32_t dg_tier_next_review(const dg_tier_rules *rules, int32_t day)
{
    int year, month, mday;
    dg_civil_from_days(day, &year, &month, &mday);
    int step = review_months[rules->review];
    /* months since the start of year 0's first review period: the next first-of-month after
     * day whose month is start + k x step */
    long months = (long)year * 12 + (month - 1) + 1;   /* the month after day's */
    long start = rules->review_start_month - 1;
    long offset = ((months - start) % step + step) % step;
    if (offset)
        months += step - offset;
    return dg_days_from_civil((int)(months / 12), (int)(months % 12) + 1, 1);
}
