/* The customer value survey as data (include/dangol/cvalue.h): the component codes, the built-in
 * survey (config/value_survey.conf holds the same text) and the parser of a survey file ("key =
 * value" lines through the analytics' config reader; errors at file:line:column, and the checks
 * that need the whole file at the line that is wrong). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analytics/config.h"
#include "dangol/cvalue.h"
#include "dangol/utf8.h"
#include "dangol/vocab.h"

static const char *const component_codes[] = { "functional", "emotional", "social", "money",
                                               "time", "effort", "psychological", "outcome",
                                               NULL };

const char *dg_cvalue_component_code(dg_cvalue_component c)
{
    return (unsigned)c <= DG_CVALUE_OUTCOME ? component_codes[c] : "?";
}

int dg_cvalue_component_find(const char *text)
{
    const char *code = dg_vocab_code_among(component_codes, text, strlen(text));
    for (int i = 0; code && component_codes[i]; i++)
        if (strcmp(component_codes[i], code) == 0)
            return i;
    for (int i = 0; component_codes[i]; i++)
        if (strcasecmp(component_codes[i], text) == 0)
            return i;
    return -1;
}

/* one string a line: ISO C caps the length of a single string literal */
static const char *const default_lines[] = {
#include "analytics/cvalue_default.inc"
};

int dg_cvalue_survey_default_text(char **out, dg_error *err)
{
    size_t len = 1;
    for (size_t i = 0; default_lines[i]; i++)
        len += strlen(default_lines[i]) + 1;
    char *text = malloc(len), *p = text;
    if (!text)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    for (size_t i = 0; default_lines[i]; i++) {
        size_t n = strlen(default_lines[i]);
        memcpy(p, default_lines[i], n);
        p[n] = '\n';
        p += n + 1;
    }
    *p = '\0';
    *out = text;
    return 0;
}

int dg_cvalue_survey_default(dg_cvalue_survey *out, dg_error *err)
{
    char *text = NULL;
    int rc = dg_cvalue_survey_default_text(&text, err);
    if (rc == 0)
        rc = dg_cvalue_survey_parse(out, text, "built-in value survey", err);
    free(text);
    return rc;
}

int dg_cvalue_item_find(const dg_cvalue_survey *s, const char *code)
{
    for (size_t i = 0; i < s->n_items; i++)
        if (strcmp(s->items[i].code, code) == 0)
            return (int)i;
    return -1;
}

/* Where each item was named and its component and scale given, for the whole-file checks. */
typedef struct item_pos {
    long line, scale_line, scale_column;
    bool has_component, has_scale;
} item_pos;

typedef struct parse_ctx {
    dg_cvalue_survey s;
    item_pos pos[DG_CVALUE_MAX_ITEMS];
    int min, max;                       /* the survey's scale */
    long outcome_line, outcome_column;
} parse_ctx;

/* "MIN-MAX" with -100 <= MIN < MAX <= 100 */
static int scale_value(const char *key, const char *value, int *min, int *max, dg_error *err)
{
    int a, b, used = 0;
    if (sscanf(value, "%d-%d%n", &a, &b, &used) != 2 || value[used] || a < -100 || b > 100 ||
        a >= b)
        return dg_error_set(err, DG_EINVAL, "%s = \"%s\": expected MIN-MAX, e.g. 1-5 or 0-10, "
                            "with MIN < MAX", key, value);
    *min = a;
    *max = b;
    return 0;
}

static bool valid_code(const char *code, size_t len)
{
    return dg__config_code_valid(code, len, DG_CVALUE_CODE_MAX);
}

static int text_value(const char *key, const char *value, char *out, dg_error *err)
{
    size_t len = strlen(value);
    if (len >= DG_CVALUE_TEXT_MAX || dg_utf8_invalid_at(value, len) != len)
        return dg_error_set(err, DG_EINVAL, "%s: expected a text of at most %d bytes of UTF-8",
                            key, DG_CVALUE_TEXT_MAX - 1);
    memcpy(out, value, len + 1);
    return 0;
}

static int item_key(parse_ctx *c, const char *key, const char *value, long line_no, long column,
                    dg_error *err)
{
    const char *code = key + 5, *dot = strchr(code, '.');
    if (!dot || !valid_code(code, (size_t)(dot - code)) || !dot[1])
        return dg_error_set(err, DG_EINVAL, "\"%s\": expected item.CODE.KEY with a CODE of 1 to "
                            "%d letters a-z, digits or _", key, DG_CVALUE_CODE_MAX - 1);
    size_t len = (size_t)(dot - code), i = 0;
    dg_cvalue_survey *s = &c->s;
    while (i < s->n_items && !(strncmp(s->items[i].code, code, len) == 0 &&
                               !s->items[i].code[len]))
        i++;
    if (i == s->n_items) {
        if (i == DG_CVALUE_MAX_ITEMS)
            return dg_error_set(err, DG_EINVAL, "more than %d items", DG_CVALUE_MAX_ITEMS);
        memset(&s->items[i], 0, sizeof s->items[i]);
        memcpy(s->items[i].code, code, len);
        c->pos[i] = (item_pos){ .line = line_no };
        s->n_items++;
    }
    dg_cvalue_item *it = &s->items[i];
    const char *field = dot + 1;
    if (strcmp(field, "component") == 0) {
        int k = dg_cvalue_component_find(value);
        if (k < 0)
            return dg_error_set(err, DG_EINVAL, "%s = \"%s\": unknown component; valid: "
                                "functional, emotional, social, money, time, effort, "
                                "psychological, outcome (or their Korean names)", key, value);
        it->component = (dg_cvalue_component)k;
        c->pos[i].has_component = true;
        return 0;
    }
    if (strcmp(field, "scale") == 0) {
        c->pos[i].has_scale = true;
        c->pos[i].scale_line = line_no;
        c->pos[i].scale_column = column;
        return scale_value(key, value, &it->min, &it->max, err);
    }
    if (strcmp(field, "reverse") == 0) {
        if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0)
            return dg_error_set(err, DG_EINVAL, "%s = \"%s\": expected yes or no", key, value);
        it->reverse = value[0] == 'y';
        return 0;
    }
    if (strcmp(field, "text_en") == 0)
        return text_value(key, value, it->text_en, err);
    if (strcmp(field, "text_ko") == 0)
        return text_value(key, value, it->text_ko, err);
    return dg_error_set(err, DG_EINVAL, "unknown key \"%s\"; an item has component, scale, "
                        "reverse, text_en, text_ko", key);
}

static int setting(parse_ctx *c, const char *key, const char *value, long line_no, long column,
                   dg_error *err)
{
    if (strcmp(key, "scale") == 0)
        return scale_value(key, value, &c->min, &c->max, err);
    if (strcmp(key, "outcome") == 0) {
        c->outcome_line = line_no;
        c->outcome_column = column;
        if (!valid_code(value, strlen(value)))
            return dg_error_set(err, DG_EINVAL, "outcome = \"%s\": expected an item code", value);
        snprintf(c->s.outcome, sizeof c->s.outcome, "%s", value);
        return 0;
    }
    if (strncmp(key, "weight.", 7) == 0) {
        int k = dg_cvalue_component_find(key + 7);
        if (k < 0 || k == DG_CVALUE_OUTCOME)
            return dg_error_set(err, DG_EINVAL, "\"%s\": expected weight.COMPONENT with one of "
                                "functional, emotional, social, money, time, effort, "
                                "psychological", key);
        return dg__kv_real(key, value, 0, 1000, &c->s.weight[k], err);
    }
    return dg_error_set(err, DG_EINVAL, "unknown key \"%s\"; valid: scale, outcome, "
                        "weight.COMPONENT, item.CODE.KEY", key);
}

/* The checks that need every line. */
static int check_survey(parse_ctx *c, const char *name, dg_error *err)
{
    dg_cvalue_survey *s = &c->s;
    int first[DG_CVALUE_COMPONENTS];
    for (size_t k = 0; k < DG_CVALUE_COMPONENTS; k++)
        first[k] = -1;
    for (size_t i = 0; i < s->n_items; i++) {
        dg_cvalue_item *it = &s->items[i];
        if (!c->pos[i].has_component)
            return dg_error_at(err, DG_EINVAL, name, c->pos[i].line, 1, "item \"%s\" is mapped "
                               "to no component: add item.%s.component = functional, emotional, "
                               "social, money, time, effort, psychological or outcome", it->code,
                               it->code);
        if (!c->pos[i].has_scale) {
            it->min = c->min;
            it->max = c->max;
        }
        if (it->component == DG_CVALUE_OUTCOME)
            continue;
        int f = first[it->component];
        if (f < 0) {
            first[it->component] = (int)i;
            continue;
        }
        const dg_cvalue_item *o = &s->items[f];
        if (o->min != it->min || o->max != it->max) {
            long line = c->pos[i].has_scale ? c->pos[i].scale_line : c->pos[i].line;
            long col = c->pos[i].has_scale ? c->pos[i].scale_column : 1;
            return dg_error_at(err, DG_EINVAL, name, line, col, "item \"%s\": scale %d-%d does "
                               "not match scale %d-%d of item \"%s\" in the same component %s "
                               "(a component's items share one scale)", it->code, it->min,
                               it->max, o->min, o->max, o->code,
                               component_codes[it->component]);
        }
    }
    for (size_t k = 0; k < DG_CVALUE_COMPONENTS; k++)
        if (first[k] < 0)
            return dg_error_at(err, DG_EINVAL, name, 1, 1, "component %s has no item: map at "
                               "least one item to it", component_codes[k]);
    double wb = 0, wc = 0;
    for (size_t k = 0; k < DG_CVALUE_COMPONENTS; k++)
        *(k < DG_CVALUE_BENEFITS ? &wb : &wc) += s->weight[k];
    if (wb <= 0 || wc <= 0)
        return dg_error_at(err, DG_EINVAL, name, 1, 1, "the %s weights are all 0: value needs "
                           "a positive weight on a benefit and on a cost",
                           wb <= 0 ? "benefit" : "cost");
    if (s->outcome[0]) {
        int o = dg_cvalue_item_find(s, s->outcome);
        if (o < 0 || s->items[o].component != DG_CVALUE_OUTCOME)
            return dg_error_at(err, DG_EINVAL, name, c->outcome_line, c->outcome_column,
                               "outcome = \"%s\": not an item with component = outcome",
                               s->outcome);
    }
    return 0;
}

int dg_cvalue_survey_parse(dg_cvalue_survey *out, const char *text, const char *name,
                           dg_error *err)
{
    parse_ctx *c = calloc(1, sizeof *c);
    char *copy = strdup(text ? text : "");
    if (!c || !copy) {
        free(c);
        free(copy);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    c->min = 1;
    c->max = 5;
    for (size_t k = 0; k < DG_CVALUE_COMPONENTS; k++)
        c->s.weight[k] = 1;
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
        long column = (long)(value - line) + 1;
        dg_error local;
        dg_error_clear(&local);
        rc = strncmp(key, "item.", 5) == 0 ? item_key(c, key, value, line_no, column, &local)
                                           : setting(c, key, value, line_no, column, &local);
        if (rc != 0)
            dg_error_at(err, rc, name, line_no, column, "%s", local.message);
    }
    if (rc == 0)
        rc = check_survey(c, name, err);
    if (rc == 0)
        *out = c->s;
    free(copy);
    free(c);
    return rc;
}
