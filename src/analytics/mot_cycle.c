/* The MOT cycle as data (include/dangol/mot.h): the elements' codes (parsed from their code or
 * their English or Korean name through the vocabulary), the built-in cycle (config/mot.conf
 * holds the same text, word for word; tests/unit/test_mot.c checks it), the parser of a cycle
 * file ("key = value" lines through the analytics' config reader, errors at file:line:column;
 * checks that need the whole file are reported at the line of the moment that fails them) and
 * the normalisation of a score onto 0..1. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analytics/config.h"
#include "dangol/mot.h"
#include "dangol/utf8.h"
#include "dangol/vocab.h"

static const char *const element_codes[] = { "hardware", "software", "humanware" };

const char *dg_mot_element_code(dg_mot_element element)
{
    return (unsigned)element < DG_MOT_N_ELEMENTS ? element_codes[element] : "?";
}

int dg_mot_element_parse(dg_mot_element *out, const char *text, dg_error *err)
{
    const char *code = text ? dg_vocab_code("touchpoint_kind", text, strlen(text)) : NULL;
    if (!code)
        code = text ? text : "";
    for (int i = 0; i < DG_MOT_N_ELEMENTS; i++)
        if (strcmp(code, element_codes[i]) == 0) {
            *out = (dg_mot_element)i;
            return 0;
        }
    return dg_error_set(err, DG_EINVAL, "unknown element \"%s\"; valid: hardware, software, "
                        "humanware (하드웨어, 소프트웨어, 휴먼웨어)", text ? text : "");
}

static const char default_text[] =
    "# dangol moments of truth (MOT): the touchpoint cycle of a visit (the built-in one: a beauty\n"
    "# clinic). Copy, edit and pass with --cycle FILE; a bad line is refused with file:line:column.\n"
    "# Moments are listed in the order a customer meets them; a file that names any moment replaces\n"
    "# the whole list (settings left out keep these values).\n"
    "#   moment.CODE.name_en = NAME       moment.CODE.name_ko = 이름     (both required)\n"
    "#   moment.CODE.element = hardware, software or humanware (하드웨어, 소프트웨어, 휴먼웨어)\n"
    "#   moment.CODE.scale_min = N        moment.CODE.scale_max = N      (default: the cycle's)\n"
    "name_en = Beauty clinic visit\n"
    "name_ko = 피부과 방문\n"
    "scale_min = 1                # the rating scale of moments that name none (whole numbers 0-100)\n"
    "scale_max = 5\n"
    "repurchase_days = 90         # a visit is repurchased when the customer is back within this\n"
    "\n"
    "moment.booking_call.name_en = Booking call\n"
    "moment.booking_call.name_ko = 예약 전화\n"
    "moment.booking_call.element = humanware\n"
    "\n"
    "moment.parking.name_en = Parking\n"
    "moment.parking.name_ko = 주차\n"
    "moment.parking.element = hardware\n"
    "\n"
    "moment.reception.name_en = Reception\n"
    "moment.reception.name_ko = 접수\n"
    "moment.reception.element = humanware\n"
    "\n"
    "moment.waiting.name_en = Waiting\n"
    "moment.waiting.name_ko = 대기\n"
    "moment.waiting.element = software\n"
    "\n"
    "moment.consultation.name_en = Consultation\n"
    "moment.consultation.name_ko = 상담\n"
    "moment.consultation.element = humanware\n"
    "\n"
    "moment.treatment.name_en = Treatment\n"
    "moment.treatment.name_ko = 시술\n"
    "moment.treatment.element = hardware\n"
    "\n"
    "moment.payment.name_en = Payment\n"
    "moment.payment.name_ko = 수납\n"
    "moment.payment.element = software\n"
    "\n"
    "moment.follow_up_call.name_en = Follow-up call\n"
    "moment.follow_up_call.name_ko = 사후 관리 전화\n"
    "moment.follow_up_call.element = humanware\n";

const char *dg_mot_cycle_default_text(void)
{
    return default_text;
}

void dg_mot_cycle_default(dg_mot_cycle *cycle)
{
    memset(cycle, 0, sizeof *cycle);
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_mot_cycle_parse(cycle, default_text, "built-in MOT cycle", &err);
    assert(rc == 0);
    (void)rc;
}

/* Where each moment was named and whether it set its own scale, for the checks at the end. */
typedef struct moment_pos {
    long line;
    bool own_min, own_max;
} moment_pos;

typedef struct parse_ctx {
    dg_mot_cycle cycle;
    moment_pos pos[DG_MOT_MAX_MOMENTS];
    bool moments_named;          /* the text names moments: its list replaces the old one */
    long scale_line;             /* where the cycle's scale was last set (0: not in the text) */
} parse_ctx;

static bool valid_code(const char *code, size_t len)
{
    return dg__config_code_valid(code, len, DG_MOT_CODE_MAX);
}

static int name_value(const char *key, const char *value, char *out, dg_error *err)
{
    size_t len = strlen(value);
    if (len == 0 || len >= DG_MOT_NAME_MAX || dg_utf8_invalid_at(value, len) != len)
        return dg_error_set(err, DG_EINVAL, "%s: expected a name of 1 to %d bytes of UTF-8", key,
                            DG_MOT_NAME_MAX - 1);
    memcpy(out, value, len + 1);
    return 0;
}

static int scale_value(const char *key, const char *value, int32_t *out, dg_error *err)
{
    int v;
    int rc = dg__kv_int(key, value, 0, DG_MOT_SCALE_LIMIT, &v, err);
    if (rc == 0)
        *out = v;
    return rc;
}

/* The moment of "moment.CODE.field" (added at the end when new); its field into *field. */
static int moment_of(parse_ctx *c, const char *key, long line_no, size_t *index,
                     const char **field, dg_error *err)
{
    const char *code = key + 7, *dot = strchr(code, '.');
    if (!dot || !valid_code(code, (size_t)(dot - code)) || !dot[1])
        return dg_error_set(err, DG_EINVAL, "\"%s\": expected moment.CODE.KEY with a CODE of 1 "
                            "to %d letters a-z, digits or _", key, DG_MOT_CODE_MAX - 1);
    size_t len = (size_t)(dot - code);
    if (!c->moments_named) {
        c->moments_named = true;
        c->cycle.n_moments = 0;
    }
    size_t i = 0;
    while (i < c->cycle.n_moments &&
           !(strncmp(c->cycle.moments[i].code, code, len) == 0 && !c->cycle.moments[i].code[len]))
        i++;
    if (i == c->cycle.n_moments) {
        if (i == DG_MOT_MAX_MOMENTS)
            return dg_error_set(err, DG_EINVAL, "more than %d moments", DG_MOT_MAX_MOMENTS);
        dg_mot_moment *m = &c->cycle.moments[i];
        memset(m, 0, sizeof *m);
        memcpy(m->code, code, len);
        m->element = DG_MOT_N_ELEMENTS;   /* required: checked at the end */
        memset(&c->pos[i], 0, sizeof c->pos[i]);
        c->pos[i].line = line_no;
        c->cycle.n_moments++;
    }
    *index = i;
    *field = dot + 1;
    return 0;
}

static int moment_key(parse_ctx *c, const char *key, const char *value, long line_no,
                      dg_error *err)
{
    size_t i = 0;
    const char *field = "";
    int rc = moment_of(c, key, line_no, &i, &field, err);
    if (rc != 0)
        return rc;
    dg_mot_moment *m = &c->cycle.moments[i];
    if (strcmp(field, "name_en") == 0)
        return name_value(key, value, m->name_en, err);
    if (strcmp(field, "name_ko") == 0)
        return name_value(key, value, m->name_ko, err);
    if (strcmp(field, "element") == 0)
        return dg_mot_element_parse(&m->element, value, err);
    if (strcmp(field, "scale_min") == 0) {
        c->pos[i].own_min = true;
        return scale_value(key, value, &m->scale_min, err);
    }
    if (strcmp(field, "scale_max") == 0) {
        c->pos[i].own_max = true;
        return scale_value(key, value, &m->scale_max, err);
    }
    return dg_error_set(err, DG_EINVAL, "unknown key \"%s\"; a moment has name_en, name_ko, "
                        "element, scale_min, scale_max", key);
}

static int setting(parse_ctx *c, const char *key, const char *value, long line_no,
                   dg_error *err)
{
    dg_mot_cycle *y = &c->cycle;
    if (strcmp(key, "name_en") == 0)
        return name_value(key, value, y->name_en, err);
    if (strcmp(key, "name_ko") == 0)
        return name_value(key, value, y->name_ko, err);
    if (strcmp(key, "scale_min") == 0 || strcmp(key, "scale_max") == 0) {
        c->scale_line = line_no;
        return scale_value(key, value,
                           strcmp(key, "scale_min") == 0 ? &y->scale_min : &y->scale_max, err);
    }
    if (strcmp(key, "repurchase_days") == 0) {
        int days;
        int rc = dg__kv_int(key, value, 1, 3660, &days, err);
        if (rc == 0)
            y->repurchase_days = days;
        return rc;
    }
    return dg_error_set(err, DG_EINVAL, "unknown key \"%s\"; valid: name_en, name_ko, scale_min, "
                        "scale_max, repurchase_days, moment.CODE.KEY", key);
}

/* The checks that need every line: the cycle's scale, each moment complete with a scale,
 * names unique. */
static int check_cycle(parse_ctx *c, const char *name, dg_error *err)
{
    dg_mot_cycle *y = &c->cycle;
    if (!y->name_en[0] || !y->name_ko[0])
        return dg_error_at(err, DG_EINVAL, name, 1, 1, "the cycle has no %s",
                           !y->name_en[0] ? "name_en" : "name_ko");
    if (y->scale_min >= y->scale_max)
        return dg_error_at(err, DG_EINVAL, name, c->scale_line ? c->scale_line : 1, 1,
                           "scale_min %d must be below scale_max %d", (int)y->scale_min,
                           (int)y->scale_max);
    if (y->repurchase_days < 1)
        return dg_error_at(err, DG_EINVAL, name, 1, 1, "the cycle has no repurchase_days");
    if (y->n_moments == 0)
        return dg_error_at(err, DG_EINVAL, name, 1, 1, "no moment: name at least one with "
                           "moment.CODE.name_en, name_ko and element");
    for (size_t i = 0; i < y->n_moments; i++) {
        dg_mot_moment *m = &y->moments[i];
        if (c->moments_named) {
            if (!c->pos[i].own_min)
                m->scale_min = y->scale_min;
            if (!c->pos[i].own_max)
                m->scale_max = y->scale_max;
        }
        const char *missing = !m->name_en[0] ? "name_en" : !m->name_ko[0] ? "name_ko"
                            : m->element == DG_MOT_N_ELEMENTS ? "element" : NULL;
        if (missing)
            return dg_error_at(err, DG_EINVAL, name, c->pos[i].line, 1, "moment \"%s\" has no %s",
                               m->code, missing);
        if (m->scale_min >= m->scale_max)
            return dg_error_at(err, DG_EINVAL, name, c->pos[i].line, 1, "moment \"%s\": "
                               "scale_min %d must be below scale_max %d", m->code,
                               (int)m->scale_min, (int)m->scale_max);
        for (size_t j = 0; j < i; j++)
            if (strcasecmp(m->name_en, y->moments[j].name_en) == 0 ||
                strcmp(m->name_ko, y->moments[j].name_ko) == 0)
                return dg_error_at(err, DG_EINVAL, name, c->pos[i].line, 1, "moment \"%s\" has "
                                   "the same name as moment \"%s\"", m->code,
                                   y->moments[j].code);
    }
    return 0;
}

int dg_mot_cycle_parse(dg_mot_cycle *cycle, const char *text, const char *name, dg_error *err)
{
    parse_ctx *c = calloc(1, sizeof *c);
    char *copy = strdup(text);
    if (!c || !copy) {
        free(c);
        free(copy);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    c->cycle = *cycle;
    for (size_t i = 0; i < cycle->n_moments; i++)
        c->pos[i].own_min = c->pos[i].own_max = true;
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
        rc = strncmp(key, "moment.", 7) == 0 ? moment_key(c, key, value, line_no, &local)
                                              : setting(c, key, value, line_no, &local);
        if (rc != 0)
            dg_error_at(err, rc, name, line_no, value_column, "%s", local.message);
    }
    if (rc == 0)
        rc = check_cycle(c, name, err);
    if (rc == 0)
        *cycle = c->cycle;
    free(copy);
    free(c);
    return rc;
}

int dg_mot_moment_find(const dg_mot_cycle *cycle, const char *text)
{
    for (size_t i = 0; text && i < cycle->n_moments; i++) {
        const dg_mot_moment *m = &cycle->moments[i];
        if (strcmp(m->code, text) == 0 || strcasecmp(m->name_en, text) == 0 ||
            strcmp(m->name_ko, text) == 0)
            return (int)i;
    }
    return -1;
}

int dg_mot_normalise(double *out, const dg_mot_moment *moment, int32_t score, dg_error *err)
{
    if (score < moment->scale_min || score > moment->scale_max)
        return dg_error_set(err, DG_ERANGE, "moment \"%s\": score %d is outside its scale %d-%d",
                            moment->code, (int)score, (int)moment->scale_min,
                            (int)moment->scale_max);
    *out = (double)(score - moment->scale_min) / (double)(moment->scale_max - moment->scale_min);
    return 0;
}
