/* Consultation-type suggestion rules (include/dangol/consult.h): the parser of the rules text,
 * whose errors name file:line:column and what is accepted, the per-customer measures the rules
 * test, and the first-match suggestion. The defaults are the text of config/customer_types.conf
 * (a unit test checks that they are identical). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/config.h"
#include "analytics/consult_codes.h"
#include "dangol/consult.h"
#include "dangol/entity.h"

static const char default_rules[] =
    "# dangol consultation-type suggestion rules (the defaults). Copy, edit and pass with --rules FILE.\n"
    "# One rule a line: TYPE = MEASURE OP NUMBER [and MEASURE OP NUMBER ...], OP one of >= <= > < == !=.\n"
    "# The rules are tried in order; the first whose conditions all hold suggests its TYPE, one of\n"
    "# careful, impatient, talkative, reticent, skeptical, indecisive, demanding. A customer no rule\n"
    "# fits gets no suggestion; a type set by staff always wins over a suggestion.\n"
    "# Measures, per customer as of the analysis day: orders, questions, questions_before_first_order,\n"
    "# complaints, opinions, compliments, feedback (every kind), interactions, low_ratings\n"
    "# (interactions rated 1-2), surveys, days_to_first_order (fails for a customer without orders).\n"
    "demanding = complaints >= 3\n"
    "careful = questions_before_first_order >= 2\n"
    "skeptical = questions >= 1 and orders == 0\n"
    "impatient = complaints >= 1 and low_ratings >= 1\n"
    "talkative = feedback >= 4\n"
    "indecisive = interactions >= 3 and orders == 0\n"
    "reticent = orders >= 5 and feedback == 0 and surveys == 0\n";

const char *dg_consult_rules_default_text(void)
{
    return default_rules;
}

static const char *const measure_names[DG_CONSULT_N_MEASURES] = {
    "orders", "questions", "questions_before_first_order", "complaints", "opinions",
    "compliments", "feedback", "interactions", "low_ratings", "surveys", "days_to_first_order",
};

const char *dg_consult_measure_name(dg_consult_measure m)
{
    return m < DG_CONSULT_N_MEASURES ? measure_names[m] : "?";
}

void dg_consult_rules_free(dg_consult_rules *rules)
{
    if (!rules)
        return;
    free(rules->rules);
    free(rules);
}

/* The consultation types of the seeds' service notes (the customer_type vocabulary). */
static const char *const *type_codes(void)
{
    static const char *const codes[] = { "careful", "impatient", "talkative", "reticent",
                                         "skeptical", "indecisive", "demanding", NULL };
    return codes;
}

bool dg__consult_type_code_valid(const char *code)
{
    for (const char *const *t = type_codes(); *t; t++)
        if (strcmp(*t, code) == 0)
            return true;
    return false;
}

bool dg__consult_type_code_wellformed(const char *code)
{
    return code[0] >= 'a' && code[0] <= 'z' &&
           dg__config_code_valid(code, strlen(code), DG_CONSULT_CODE_MAX + 1);
}

static void list_codes(char *buf, size_t cap, const char *const *codes, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; (n ? i < n : codes[i] != NULL) && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", codes[i]);
}

void dg__consult_type_codes(char *buf, size_t cap)
{
    list_codes(buf, cap, type_codes(), 0);
}

static const char *skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* One condition at *p (advanced past it); errors at its column within line. */
static int parse_condition(const char **p, const char *line, long line_no, const char *name,
                           dg_consult_condition *c, dg_error *err)
{
    const char *start = skip_blanks(*p), *q = start;
    while ((*q >= 'a' && *q <= 'z') || *q == '_')
        q++;
    size_t len = (size_t)(q - start);
    int m = 0;
    while (m < DG_CONSULT_N_MEASURES &&
           !(strlen(measure_names[m]) == len && strncmp(measure_names[m], start, len) == 0))
        m++;
    if (m == DG_CONSULT_N_MEASURES) {
        char valid[400];
        list_codes(valid, sizeof valid, measure_names, DG_CONSULT_N_MEASURES);
        size_t shown = strcspn(start, " \t<>=!");
        return dg_error_at(err, DG_EINVAL, name, line_no, (long)(start - line) + 1,
                           "unknown measure \"%.*s\"; valid: %s", (int)(shown ? shown : 1),
                           start, valid);
    }
    c->measure = (dg_consult_measure)m;
    const char *op = skip_blanks(q);
    static const char *const ops[] = { ">=", "<=", "==", "!=", ">", "<" };
    size_t k = 0;
    while (k < 6 && strncmp(op, ops[k], strlen(ops[k])) != 0)
        k++;
    if (k == 6)
        return dg_error_at(err, DG_EPARSE, name, line_no, (long)(op - line) + 1,
                           "expected a comparison (>=, <=, >, <, ==, !=) after \"%s\"",
                           measure_names[m]);
    snprintf(c->op, sizeof c->op, "%s", ops[k]);
    const char *num = skip_blanks(op + strlen(ops[k]));
    char *end;
    errno = 0;
    c->value = strtod(num, &end);
    if (end == num || errno || !isfinite(c->value))
        return dg_error_at(err, DG_EPARSE, name, line_no, (long)(num - line) + 1,
                           "expected a number after \"%s %s\"", measure_names[m], c->op);
    *p = end;
    return 0;
}

static int parse_rule(char *body, const char *line, long line_no, const char *name,
                      dg_consult_rule *rule, dg_error *err)
{
    memset(rule, 0, sizeof *rule);
    rule->line = line_no;
    snprintf(rule->text, sizeof rule->text, "%s", body);
    char *eq = body;   /* the '=' of "TYPE =", not one of a comparison (>=, <=, ==, !=) */
    while ((eq = strchr(eq, '=')) != NULL &&
           ((eq > body && strchr("<>!=", eq[-1])) || eq[1] == '='))
        eq += eq[1] == '=' ? 2 : 1;
    if (!eq)
        return dg_error_at(err, DG_EPARSE, name, line_no, (long)(body - line) + 1,
                           "expected \"TYPE = CONDITION [and CONDITION ...]\", got \"%s\"",
                           body);
    *eq = '\0';
    char *type = dg__config_trim(body);
    if (!dg__consult_type_code_valid(type)) {
        char valid[300];
        dg__consult_type_codes(valid, sizeof valid);
        return dg_error_at(err, DG_EINVAL, name, line_no, (long)(type - line) + 1,
                           "unknown customer type \"%s\"; valid: %s", type, valid);
    }
    snprintf(rule->type, sizeof rule->type, "%s", type);
    const char *p = eq + 1;
    for (;;) {
        if (rule->n_conditions == DG_CONSULT_MAX_CONDITIONS)
            return dg_error_at(err, DG_EINVAL, name, line_no, (long)(p - line) + 1,
                               "more than %d conditions in one rule", DG_CONSULT_MAX_CONDITIONS);
        int rc = parse_condition(&p, line, line_no, name,
                                 &rule->conditions[rule->n_conditions++], err);
        if (rc != 0)
            return rc;
        p = skip_blanks(p);
        if (*p == '\0')
            return 0;
        if (strncmp(p, "and", 3) != 0 || (p[3] != ' ' && p[3] != '\t'))
            return dg_error_at(err, DG_EPARSE, name, line_no, (long)(p - line) + 1,
                               "expected \"and\" or the end of the rule, got \"%s\"", p);
        p += 3;
    }
}

int dg_consult_rules_parse(dg_consult_rules **out, const char *text, const char *name,
                           dg_error *err)
{
    *out = NULL;
    char *copy = strdup(text);
    dg_consult_rules *rules = calloc(1, sizeof *rules);
    int rc = copy && rules ? 0 : dg_error_set(err, DG_ENOMEM, "out of memory");
    long line_no = 0;
    char *cursor = copy, *line, *body;
    size_t cap = 0;
    while (rc == 0 && (body = dg__config_next_line(&cursor, &line, &line_no))) {
        if (rules->n_rules == cap) {
            size_t grown_cap = cap ? 2 * cap : 8;
            dg_consult_rule *grown = realloc(rules->rules, grown_cap * sizeof *grown);
            if (!grown) {
                rc = dg_error_set(err, DG_ENOMEM, "out of memory");
                break;
            }
            rules->rules = grown;
            cap = grown_cap;
        }
        rc = parse_rule(body, line, line_no, name, &rules->rules[rules->n_rules], err);
        rules->n_rules += rc == 0;
    }
    free(copy);
    if (rc != 0) {
        dg_consult_rules_free(rules);
        return rc;
    }
    *out = rules;
    return 0;
}

int dg_consult_rules_default(dg_consult_rules **out, dg_error *err)
{
    return dg_consult_rules_parse(out, default_rules, "config/customer_types.conf", err);
}

void dg_consult_measures(const dg_frame *f, size_t c, double value[DG_CONSULT_N_MEASURES],
                         bool has[DG_CONSULT_N_MEASURES])
{
    int64_t question = dg_dict_find(&f->feedback_kinds, "question");
    int64_t complaint = dg_dict_find(&f->feedback_kinds, "complaint");
    int64_t opinion = dg_dict_find(&f->feedback_kinds, "opinion");
    int64_t compliment = dg_dict_find(&f->feedback_kinds, "compliment");
    size_t first = f->order_offset[c], end = dg_frame_orders_end(f, c);
    bool bought = first < end;
    for (int m = 0; m < DG_CONSULT_N_MEASURES; m++) {
        value[m] = 0.0;
        has[m] = true;
    }
    value[DG_CONSULT_ORDERS] = (double)(end - first);
    for (size_t i = f->feedback_offset[c], i_end = dg_frame_feedback_end(f, c); i < i_end; i++) {
        int64_t kind = f->feedback_kind[i];
        value[DG_CONSULT_FEEDBACK]++;
        if (kind == question) {
            value[DG_CONSULT_QUESTIONS]++;
            if (!bought || f->feedback_day[i] < f->order_day[first])
                value[DG_CONSULT_QUESTIONS_BEFORE_FIRST_ORDER]++;
        }
        value[DG_CONSULT_COMPLAINTS] += kind == complaint;
        value[DG_CONSULT_OPINIONS] += kind == opinion;
        value[DG_CONSULT_COMPLIMENTS] += kind == compliment;
    }
    for (size_t i = f->interaction_offset[c], i_end = dg_frame_interactions_end(f, c); i < i_end;
         i++) {
        value[DG_CONSULT_INTERACTIONS]++;
        value[DG_CONSULT_LOW_RATINGS] += f->interaction_rating[i] > 0 &&
                                         f->interaction_rating[i] <= 2;
    }
    value[DG_CONSULT_SURVEYS] = (double)(dg_frame_surveys_end(f, c) - f->survey_offset[c]);
    has[DG_CONSULT_DAYS_TO_FIRST_ORDER] = bought && f->first_seen_day[c] != DG_DAY_NONE;
    if (has[DG_CONSULT_DAYS_TO_FIRST_ORDER])
        value[DG_CONSULT_DAYS_TO_FIRST_ORDER] = (double)f->order_day[first] - f->first_seen_day[c];
}

static bool holds(const dg_consult_condition *c, double v)
{
    switch (c->op[0]) {
    case '>': return c->op[1] == '=' ? v >= c->value : v > c->value;
    case '<': return c->op[1] == '=' ? v <= c->value : v < c->value;
    case '=': return v == c->value;
    default:  return v != c->value;
    }
}

const dg_consult_rule *dg_consult_suggest(const dg_consult_rules *rules, const dg_frame *frame,
                                          size_t c)
{
    double value[DG_CONSULT_N_MEASURES];
    bool has[DG_CONSULT_N_MEASURES];
    dg_consult_measures(frame, c, value, has);
    for (size_t r = 0; r < rules->n_rules; r++) {
        const dg_consult_rule *rule = &rules->rules[r];
        bool all = true;
        for (size_t k = 0; all && k < rule->n_conditions; k++) {
            const dg_consult_condition *cond = &rule->conditions[k];
            all = has[cond->measure] && holds(cond, value[cond->measure]);
        }
        if (all)
            return rule;
    }
    return NULL;
}
