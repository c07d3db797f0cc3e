/* Consultation types as data (include/dangol/consult.h): the parser of the types file, a
 * "TYPE.KEY = VALUE" file read through the analytics' key/value reader (analytics/config.h), and
 * the name and guidance of a type in the user's language. The defaults are the text of
 * config/consult_types.conf (a unit test checks that they are identical). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/config.h"
#include "analytics/consult_codes.h"
#include "dangol/consult.h"

static const char default_types[] =
#include "analytics/consult_types_default.inc"
    ;

const char *dg_consult_types_default_text(void)
{
    return default_types;
}

void dg_consult_types_free(dg_consult_types *types)
{
    free(types);
}

const dg_consult_type *dg_consult_types_find(const dg_consult_types *types, const char *code)
{
    for (size_t i = 0; types && code && i < types->n_types; i++)
        if (strcmp(types->types[i].code, code) == 0)
            return &types->types[i];
    return NULL;
}

static const char *in_lang(const char *en, const char *ko, const char *lang, char *buf,
                           size_t cap)
{
    if (lang && strcmp(lang, "ko") == 0)
        return ko;
    if (lang)
        return en;
    snprintf(buf, cap, "%s (%s)", en, ko);
    return buf;
}

const char *dg_consult_type_name(const dg_consult_type *type, const char *lang, char *buf,
                                 size_t cap)
{
    return in_lang(type->name_en, type->name_ko, lang, buf, cap);
}

const char *dg_consult_type_guidance(const dg_consult_type *type, const char *lang, char *buf,
                                     size_t cap)
{
    return in_lang(type->guidance_en, type->guidance_ko, lang, buf, cap);
}

int dg_consult_lang_parse(const char *text, const char **lang, dg_error *err)
{
    if (text && strncmp(text, "ko", 2) == 0 && (text[2] == '\0' || strchr("_-.", text[2]))) {
        *lang = "ko";
        return 0;
    }
    if (text && strncmp(text, "en", 2) == 0 && (text[2] == '\0' || strchr("_-.", text[2]))) {
        *lang = "en";
        return 0;
    }
    if (text && strcmp(text, "both") == 0) {
        *lang = NULL;
        return 0;
    }
    return dg_error_set(err, DG_EINVAL, "unknown language \"%s\"; valid: en, ko, both",
                        text ? text : "");
}

typedef struct parse_ctx {
    dg_consult_types *types;
} parse_ctx;

/* The type named by key's "TYPE." prefix, added on first sight; *field is what follows. */
static int type_of(parse_ctx *c, const char *key, long line_no, dg_consult_type **out,
                   const char **field, dg_error *err)
{
    const char *dot = strchr(key, '.');
    size_t len = dot ? (size_t)(dot - key) : 0;
    char code[32];
    if (!dot || len == 0 || len >= sizeof code)
        return dg_error_set(err, DG_EINVAL, "expected TYPE.name_en, TYPE.name_ko, "
                            "TYPE.guidance_en or TYPE.guidance_ko, got \"%s\"", key);
    memcpy(code, key, len);
    code[len] = '\0';
    if (!dg__consult_type_code_wellformed(code))
        return dg_error_set(err, DG_EINVAL, "customer type code \"%s\": 1 to %d lowercase "
                            "letters, digits or _, starting with a letter (the seeds' codes: "
                            "careful, impatient, ...; a team may add its own)", code,
                            DG_CONSULT_CODE_MAX);
    dg_consult_types *t = c->types;
    dg_consult_type *found = NULL;
    for (size_t i = 0; i < t->n_types && !found; i++)
        if (strcmp(t->types[i].code, code) == 0)
            found = &t->types[i];
    if (!found) {
        if (t->n_types == DG_CONSULT_MAX_TYPES)
            return dg_error_set(err, DG_EINVAL, "more than %d types", DG_CONSULT_MAX_TYPES);
        found = &t->types[t->n_types++];
        memset(found, 0, sizeof *found);
        memcpy(found->code, code, len + 1);
        found->line = line_no;
    }
    *out = found;
    *field = dot + 1;
    return 0;
}

static int text_value(const char *key, const char *value, char *dst, size_t cap, dg_error *err)
{
    if (!*value)
        return dg_error_set(err, DG_EINVAL, "%s is empty", key);
    if (strlen(value) >= cap)
        return dg_error_set(err, DG_EINVAL, "%s is longer than %zu bytes", key, cap - 1);
    if (dst[0])
        return dg_error_set(err, DG_EINVAL, "%s is given twice", key);
    memcpy(dst, value, strlen(value) + 1);
    return 0;
}

static int type_key(void *ctx, const char *key, const char *value, long line_no, dg_error *err)
{
    dg_consult_type *t = NULL;
    const char *field = "";
    int rc = type_of(ctx, key, line_no, &t, &field, err);
    if (rc != 0)
        return rc;
    if (strcmp(field, "name_en") == 0)
        return text_value(key, value, t->name_en, sizeof t->name_en, err);
    if (strcmp(field, "name_ko") == 0)
        return text_value(key, value, t->name_ko, sizeof t->name_ko, err);
    if (strcmp(field, "guidance_en") == 0)
        return text_value(key, value, t->guidance_en, sizeof t->guidance_en, err);
    if (strcmp(field, "guidance_ko") == 0)
        return text_value(key, value, t->guidance_ko, sizeof t->guidance_ko, err);
    return dg_error_set(err, DG_EINVAL, "unknown key \"%s\"; a type has name_en, name_ko, "
                        "guidance_en, guidance_ko", key);
}

/* Every type complete, names unique, at least one type. */
static int check_types(const dg_consult_types *t, const char *name, dg_error *err)
{
    if (t->n_types == 0)
        return dg_error_at(err, DG_EINVAL, name, 1, 1, "no type: give at least one with "
                           "TYPE.name_en, name_ko, guidance_en and guidance_ko");
    for (size_t i = 0; i < t->n_types; i++) {
        const dg_consult_type *y = &t->types[i];
        const char *missing = !y->name_en[0] ? "name_en" : !y->name_ko[0] ? "name_ko"
                            : !y->guidance_en[0] ? "guidance_en"
                            : !y->guidance_ko[0] ? "guidance_ko" : NULL;
        if (missing)
            return dg_error_at(err, DG_EINVAL, name, y->line, 1, "type \"%s\" has no %s",
                               y->code, missing);
        for (size_t j = 0; j < i; j++)
            if (strcmp(y->name_en, t->types[j].name_en) == 0 ||
                strcmp(y->name_ko, t->types[j].name_ko) == 0)
                return dg_error_at(err, DG_EINVAL, name, y->line, 1, "type \"%s\" has the same "
                                   "name as type \"%s\"", y->code, t->types[j].code);
    }
    return 0;
}

int dg_consult_types_parse(dg_consult_types **out, const char *text, const char *name,
                           dg_error *err)
{
    *out = NULL;
    parse_ctx c = { calloc(1, sizeof *c.types) };
    if (!c.types)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    int rc = dg__kv_parse_lines(text, name, type_key, &c, err);
    if (rc == 0)
        rc = check_types(c.types, name, err);
    if (rc != 0) {
        free(c.types);
        return rc;
    }
    *out = c.types;
    return 0;
}

int dg_consult_types_default(dg_consult_types **out, dg_error *err)
{
    return dg_consult_types_parse(out, default_types, "config/consult_types.conf", err);
}
