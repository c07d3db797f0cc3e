/* A store row of an entity as JSON, two ways with the same fields: a jansson object (pages of
 * records, the before and after of writes) and text written straight into one growing buffer,
 * for the look-up of one record, the server's most frequent request (no object, no per-field
 * allocation, no dump). The text is byte for byte what jansson's compact dump of the object
 * gives after dg_json_money_unmark (tests/e2e/test_api.sh pins one customer's answer): the same
 * escapes (\b \f \n \r \t, other control characters as \u00XX in capitals), UTF-8 passed
 * through and refused when invalid, reals dumped by jansson itself. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/mask.h"
#include "dangol/text.h"
#include "dangol/utf8.h"
#include "server/server.h"

/* One field of a row, resolved from the catalog's type: what both writers write. */
typedef enum field_kind { FIELD_NULL, FIELD_STRING, FIELD_INT, FIELD_REAL, FIELD_MONEY,
                          FIELD_BOOL } field_kind;

typedef struct field {
    field_kind kind;
    const char *text;     /* FIELD_STRING (masked when asked), FIELD_MONEY: the amount's text */
    char *owned;          /* a masked text, freed by field_done */
    int64_t i;            /* FIELD_INT, FIELD_BOOL, FIELD_MONEY (in minor units) */
    double r;             /* FIELD_REAL */
    char buf[48];
} field;

/* v of column col into f; false when out of memory (a masked copy). */
static bool field_of(const dg_column *col, const dg_value *v, int minor_digits, bool mask,
                     field *f)
{
    f->owned = NULL;
    f->kind = FIELD_STRING;
    if (v->is_null) {
        f->kind = FIELD_NULL;
        return true;
    }
    switch (col->type) {
    case DG_TYPE_TEXT:
    case DG_TYPE_ENUM:
        f->text = v->u.s;
        if (mask && col->personal != DG_PERSONAL_NONE)
            f->text = f->owned = dg_mask_text(col->personal, v->u.s);
        return f->text != NULL;
    case DG_TYPE_INT:       f->kind = FIELD_INT; f->i = v->u.i; return true;
    case DG_TYPE_REAL:      f->kind = FIELD_REAL; f->r = v->u.r; return true;
    case DG_TYPE_DATE:      f->text = dg_date_format((int32_t)v->u.i, f->buf); return true;
    case DG_TYPE_TIMESTAMP: f->text = dg_timestamp_format(v->u.i, f->buf); return true;
    case DG_TYPE_MONEY:
        f->kind = FIELD_MONEY;
        f->i = v->u.i;
        f->text = dg_money_format(v->u.i, minor_digits, f->buf, sizeof f->buf);
        return true;
    case DG_TYPE_BOOL:      f->kind = FIELD_BOOL; f->i = v->u.i != 0; return true;
    default:                f->kind = FIELD_NULL; return true;
    }
}

static void field_done(field *f)
{
    free(f->owned);
}

/* ---- as a jansson object ------------------------------------------------------------------ */

static json_t *field_json(const field *f, int minor_digits)
{
    switch (f->kind) {
    case FIELD_STRING: return json_string(f->text);
    case FIELD_INT:    return json_integer(f->i);
    case FIELD_REAL:   return json_real(f->r);
    case FIELD_MONEY:  return dg_json_money(f->i, minor_digits);
    case FIELD_BOOL:   return json_boolean(f->i);
    default:           return json_null();
    }
}

json_t *dg_record_to_json(const dg_entity *e, const dg_value *row, int minor_digits, bool mask)
{
    json_t *obj = json_object();
    for (size_t c = 0; obj && c < e->n_columns; c++) {
        field f;
        json_t *j = field_of(&e->columns[c], &row[c], minor_digits, mask, &f)
                        ? field_json(&f, minor_digits) : NULL;
        field_done(&f);
        if (!j || json_object_set_new(obj, e->columns[c].name, j) != 0) {
            json_decref(obj);
            return NULL;
        }
    }
    return obj;
}

/* ---- as text ------------------------------------------------------------------------------ */

static void put(dg_json_text *t, const char *s, size_t n)
{
    if (t->failed)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 512;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *grown = realloc(t->data, cap);
        if (!grown) {
            t->failed = true;
            return;
        }
        t->data = grown;
        t->cap = cap;
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
}

/* s as a JSON string, escaped as jansson escapes; text with bytes >= 0x80 is checked to be
 * UTF-8 (the text fails otherwise, as json_string refuses it). */
static void put_string(dg_json_text *t, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t run = 0, i = 0;   /* run: the start of the bytes not yet written */
    bool ascii = true;
    put(t, "\"", 1);
    for (unsigned char c; (c = (unsigned char)s[i]) != '\0'; i++) {
        ascii &= c < 0x80;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        put(t, s + run, i - run);
        run = i + 1;
        char esc[6] = { '\\', (char)c, 0 };
        size_t len = 2;
        switch (c) {
        case '"':  break;
        case '\\': break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            len = 6;
        }
        put(t, esc, len);
    }
    put(t, s + run, i - run);
    put(t, "\"", 1);
    if (!ascii && dg_utf8_invalid_at(s, i) != i)
        t->failed = true;
}

static void put_int(dg_json_text *t, int64_t v)
{
    char digits[24];
    put(t, digits, strlen(dg_int_format(v, digits)));
}

/* A real as jansson dumps it (its own formatting: %.15g, ".0" added, exponents trimmed). */
static void put_real(dg_json_text *t, double r)
{
    json_t *j = json_real(r);
    char *text = j ? json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(15))
                   : NULL;
    json_decref(j);
    if (text)
        put(t, text, strlen(text));
    else
        t->failed = true;
    free(text);
}

void dg_record_write_json(dg_json_text *t, const dg_entity *e, const dg_value *row,
                          int minor_digits, bool mask)
{
    put(t, "{", 1);
    for (size_t c = 0; !t->failed && c < e->n_columns; c++) {
        field f;
        if (c)
            put(t, ",", 1);
        put_string(t, e->columns[c].name);
        put(t, ":", 1);
        if (!field_of(&e->columns[c], &row[c], minor_digits, mask, &f))
            t->failed = true;
        else if (f.kind == FIELD_STRING)
            put_string(t, f.text);
        else if (f.kind == FIELD_INT)
            put_int(t, f.i);
        else if (f.kind == FIELD_REAL)
            put_real(t, f.r);
        else if (f.kind == FIELD_MONEY)
            put(t, f.text, strlen(f.text));
        else if (f.kind == FIELD_BOOL)
            put(t, f.i ? "true" : "false", f.i ? 4 : 5);
        else
            put(t, "null", 4);
        field_done(&f);
    }
    put(t, "}", 1);
}
