/* One field of text into a dg_value of its catalog column: the type's text.h parser, then the
 * column's range and choices. CSV import and the HTTP API both call it, so a value is accepted or
 * refused the same way (and with the same words) whichever way it arrives. A coded value written
 * by its English or Korean name (서울, 콜센터, 불만) is stored as its code (dangol/vocab.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dangol/entity.h"
#include "dangol/text.h"
#include "dangol/vocab.h"

static void trim(const char **s, size_t *len)
{
    while (*len > 0 && (**s == ' ' || **s == '\t'))
        (*s)++, (*len)--;
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

int dg_value_parse(const dg_column *col, const char *s, size_t len, int minor_digits,
                   dg_value *v, dg_error *err)
{
    dg_error perr;
    int rc = 0;
    const char *t = s;
    size_t tl = len;
    trim(&t, &tl);
    *v = (dg_value){ .is_null = false };
    if (tl == 0) {
        v->is_null = true;
        return 0;
    }
    switch (col->type) {
    case DG_TYPE_TEXT: {
        const char *domain = dg_vocab_domain_of(NULL, col->name);
        const char *code = domain ? dg_vocab_code(domain, t, tl) : NULL;
        v->u.s = code ? code : s;
        return 0;
    }
    case DG_TYPE_ENUM: {
        for (size_t i = 0; col->enum_values[i]; i++)
            if (strlen(col->enum_values[i]) == tl && strncasecmp(col->enum_values[i], t, tl) == 0) {
                v->u.s = col->enum_values[i];
                return 0;
            }
        if ((v->u.s = dg_vocab_code_among(col->enum_values, t, tl)) != NULL)
            return 0;
        char list[512];
        size_t o = 0;
        for (size_t i = 0; col->enum_values[i] && o < sizeof list; i++)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "",
                                  col->enum_values[i]);
        return dg_error_set(err, DG_EINVAL, "%s \"%.*s\" is not one of: %s", col->name,
                            (int)(tl > 60 ? 60 : tl), t, list);
    }
    case DG_TYPE_INT:
        rc = dg_int_parse(s, len, &v->u.i, &perr);
        if (rc == 0 && col->min <= col->max && (v->u.i < col->min || v->u.i > col->max))
            return dg_error_set(err, DG_ERANGE, "%s %lld is out of range; expected %lld..%lld",
                                col->name, (long long)v->u.i, (long long)col->min,
                                (long long)col->max);
        break;
    case DG_TYPE_REAL:
        rc = dg_real_parse(s, len, &v->u.r, &perr);
        if (rc == 0 && col->min <= col->max &&
            (v->u.r < (double)col->min || v->u.r > (double)col->max))
            return dg_error_set(err, DG_ERANGE, "%s %g is out of range; expected %lld..%lld",
                                col->name, v->u.r, (long long)col->min, (long long)col->max);
        break;
    case DG_TYPE_DATE: {
        int32_t d = 0;
        rc = dg_date_parse(s, len, &d, &perr);
        v->u.i = d;
        break;
    }
    case DG_TYPE_TIMESTAMP:
        rc = dg_timestamp_parse(s, len, &v->u.i, &perr);
        break;
    case DG_TYPE_MONEY:
        rc = dg_money_parse(s, len, minor_digits, &v->u.i, &perr);
        if (rc == 0 && col->min == 0 && col->max > 0 && v->u.i < 0)   /* an amount that cannot
                                                                         be negative */
            return dg_error_set(err, DG_ERANGE, "%s %.*s is negative; expected 0 or more",
                                col->name, (int)(len > 40 ? 40 : len), s);
        break;
    case DG_TYPE_BOOL: {
        bool b = false;
        rc = dg_bool_parse(s, len, &b, &perr);
        v->u.i = b;
        break;
    }
    }
    if (rc != 0) {
        /* the parser says `date "x" is ...` or `"x" is ...`: name the column instead */
        const char *quote = strchr(perr.message, '"');
        return dg_error_set(err, rc, "%s %s", col->name, quote ? quote : perr.message);
    }
    return 0;
}
