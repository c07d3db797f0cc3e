/* Follow-up rules as data (include/dangol/followup.h): the channel and outcome codes (through
 * the vocabulary, so Korean names work) and the rules file, config/followups.conf, whose
 * "rule.NAME.FIELD = value" lines are parsed with file:line:column errors; the built-in rules
 * are that file's text as shipped (tests/unit/test_followups.c checks that they stay so). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/config.h"
#include "dangol/followup.h"
#include "dangol/vocab.h"

static const char *const channel_codes[] = { "call", "sms", "email", NULL };
static const char *const channel_purposes[] = { "marketing_phone", "marketing_sms",
                                                "marketing_email" };
static const char *const outcome_codes[] = { "reached", "no_answer", "declined", "sent",
                                             "cancelled", NULL };
static const char *const trigger_codes[] = { "first_purchase", "category", "consumable", NULL };

const char *dg_followup_channel_code(dg_followup_channel channel)
{
    return (unsigned)channel < DG_FOLLOWUP_N_CHANNELS ? channel_codes[channel] : "?";
}

const char *dg_followup_channel_purpose(dg_followup_channel channel)
{
    return (unsigned)channel < DG_FOLLOWUP_N_CHANNELS ? channel_purposes[channel] : "?";
}

const char *dg_followup_outcome_code(dg_followup_outcome outcome)
{
    return (unsigned)outcome < DG_FOLLOWUP_N_OUTCOMES ? outcome_codes[outcome] : "?";
}

/* text as a code of domain (code, English or Korean name) into its index in codes. */
static int parse_among(int *out, const char *domain, const char *what,
                       const char *const *codes, const char *text, dg_error *err)
{
    const char *code = text ? dg_vocab_code(domain, text, strlen(text)) : NULL;
    if (!code)
        code = text;
    for (int i = 0; code && codes[i]; i++)
        if (strcmp(codes[i], code) == 0) {
            *out = i;
            return 0;
        }
    char valid[160] = "";
    for (int i = 0; codes[i]; i++)
        snprintf(valid + strlen(valid), sizeof valid - strlen(valid), "%s%s", i ? ", " : "",
                 codes[i]);
    return dg_error_set(err, DG_EINVAL, "unknown %s \"%s\"; valid: %s", what, text ? text : "",
                        valid);
}

int dg_followup_channel_parse(dg_followup_channel *out, const char *text, dg_error *err)
{
    int v = 0, rc = parse_among(&v, "followup_channel", "follow-up channel", channel_codes,
                                text, err);
    *out = (dg_followup_channel)v;
    return rc;
}

int dg_followup_outcome_parse(dg_followup_outcome *out, const char *text, dg_error *err)
{
    int v = 0, rc = parse_among(&v, "followup_outcome", "follow-up outcome", outcome_codes,
                                text, err);
    *out = (dg_followup_outcome)v;
    return rc;
}

/* The rule called name (created at line when new), NULL when the table is full. */
static dg_followup_rule *rule_named(dg_followup_rules *r, const char *name, size_t len,
                                    long line)
{
    for (size_t i = 0; i < r->n_rules; i++)
        if (strlen(r->rules[i].name) == len && memcmp(r->rules[i].name, name, len) == 0)
            return &r->rules[i];
    if (r->n_rules == DG_FOLLOWUP_MAX_RULES)
        return NULL;
    dg_followup_rule *rule = &r->rules[r->n_rules++];
    memset(rule, 0, sizeof *rule);
    memcpy(rule->name, name, len);
    rule->trigger = (dg_followup_trigger)-1;
    rule->channel = DG_FOLLOWUP_CALL;
    rule->after_days = rule->lasts_days = -1;
    rule->line = line;
    return rule;
}

static int set_text(char *dst, const char *key, const char *value, dg_error *err)
{
    size_t len = strlen(value);
    if (len == 0 || len >= DG_FOLLOWUP_TEXT_MAX)
        return dg_error_set(err, DG_EINVAL, "%s: expected 1 to %d bytes", key,
                            DG_FOLLOWUP_TEXT_MAX - 1);
    memcpy(dst, value, len + 1);
    return 0;
}

static int rule_field(dg_followup_rule *rule, const char *key, const char *field,
                      const char *value, const dg__kv_at *at, dg_error *err)
{
    int v;
    if (strcmp(field, "trigger") == 0) {
        int rc = parse_among(&v, "followup_trigger", "trigger", trigger_codes, value, err);
        rule->trigger = (dg_followup_trigger)v;
        return rc;
    }
    if (strcmp(field, "channel") == 0)
        return dg_followup_channel_parse(&rule->channel, value, err);
    if (strcmp(field, "category") == 0)
        return set_text(rule->category, key, value, err);
    if (strcmp(field, "product") == 0)
        return set_text(rule->product, key, value, err);
    if (strcmp(field, "after_days") == 0)
        return dg__kv_int(key, value, 0, 3660, &rule->after_days, err);
    if (strcmp(field, "lasts_days") == 0)
        return dg__kv_int(key, value, 1, 3660, &rule->lasts_days, err);
    if (strcmp(field, "before_days") == 0)
        return dg__kv_int(key, value, 0, 365, &rule->before_days, err);
    return dg__kv_at_key(err, at, dg_error_set(err, DG_EINVAL, "unknown field \"%s\"; valid: "
                         "trigger, channel, category, product, after_days, lasts_days, "
                         "before_days", field));
}

/* A wrong key is reported at the key, a wrong value at the value. */
static int rules_key(void *ctx, const char *key, const char *value, const dg__kv_at *at,
                     dg_error *err)
{
    dg_followup_rules *r = ctx;
    if (strcmp(key, "lookback_days") == 0)
        return dg__kv_int(key, value, 0, 3660, &r->lookback_days, err);
    const char *dot = strrchr(key, '.');
    if (strncmp(key, "rule.", 5) != 0 || !dot || dot == key + 4 || dot == key + 5)
        return dg__kv_at_key(err, at, dg_error_set(err, DG_EINVAL, "unknown key \"%s\"; "
                             "expected rule.NAME.FIELD or lookback_days", key));
    const char *name = key + 5;
    size_t len = (size_t)(dot - name);
    if (len >= DG_FOLLOWUP_NAME_MAX)
        return dg__kv_at_key(err, at, dg_error_set(err, DG_EINVAL, "rule name longer than %d "
                             "bytes", DG_FOLLOWUP_NAME_MAX - 1));
    for (size_t i = 0; i < len; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
              name[i] == '_'))
            return dg__kv_at_key(err, at, dg_error_set(err, DG_EINVAL, "rule name \"%.*s\": "
                                 "use a-z, 0-9 and _", (int)len, name));
    dg_followup_rule *rule = rule_named(r, name, len, at->line);
    if (!rule)
        return dg_error_set(err, DG_EINVAL, "more than %d rules", DG_FOLLOWUP_MAX_RULES);
    return rule_field(rule, key, dot + 1, value, at, err);
}

/* What a rule's trigger needs, checked once the whole text is read. */
static const char *incomplete(const dg_followup_rule *rule)
{
    switch (rule->trigger) {
    case DG_FOLLOWUP_FIRST_PURCHASE:
        return rule->after_days < 0 ? "after_days" : NULL;
    case DG_FOLLOWUP_CATEGORY:
        return rule->after_days < 0 ? "after_days" : !rule->category[0] ? "category" : NULL;
    case DG_FOLLOWUP_CONSUMABLE:
        return rule->lasts_days < 0 ? "lasts_days"
             : !rule->category[0] && !rule->product[0] ? "product or category" : NULL;
    default:
        return "trigger";
    }
}

int dg_followup_rules_parse(dg_followup_rules *rules, const char *text, const char *name,
                            dg_error *err)
{
    dg_followup_rules *r = calloc(1, sizeof *r);
    if (!r)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    r->lookback_days = 30;
    int rc = dg__kv_parse_lines(text, name, rules_key, r, err);
    for (size_t i = 0; rc == 0 && i < r->n_rules; i++) {
        const char *missing = incomplete(&r->rules[i]);
        if (missing)
            rc = dg_error_at(err, DG_EINVAL, name, r->rules[i].line, 1, "rule %s has no %s",
                             r->rules[i].name, missing);
    }
    if (rc == 0)
        *rules = *r;
    free(r);
    return rc;
}

/* config/followups.conf as shipped, its comments left out. */
static const char builtin_rules[] =
    "lookback_days = 30\n"
    "rule.thank_you.trigger = first_purchase\n"
    "rule.thank_you.after_days = 3\n"
    "rule.thank_you.channel = call\n"
    "rule.skincare_survey.trigger = category\n"
    "rule.skincare_survey.category = skincare\n"
    "rule.skincare_survey.after_days = 14\n"
    "rule.skincare_survey.channel = sms\n"
    "rule.household_reorder.trigger = consumable\n"
    "rule.household_reorder.category = household\n"
    "rule.household_reorder.lasts_days = 30\n"
    "rule.household_reorder.before_days = 3\n"
    "rule.household_reorder.channel = sms\n";

int dg_followup_rules_default(dg_followup_rules *rules, dg_error *err)
{
    return dg_followup_rules_parse(rules, builtin_rules, "built-in follow-up rules", err);
}
