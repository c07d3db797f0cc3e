/* The text of the analytics' small config files (see config.h): a "key = value" parser whose
 * errors carry the file, line and column. Reading the files is the report layer's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/config.h"

char *dg__config_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

char *dg__config_next_line(char **cursor, char **line, long *line_no)
{
    while (*cursor) {
        char *start = *cursor, *next = strchr(start, '\n');
        if (next)
            *next++ = '\0';
        *cursor = next;
        ++*line_no;
        char *hash = strchr(start, '#');
        if (hash)
            *hash = '\0';
        char *body = dg__config_trim(start);
        if (*body) {
            *line = start;
            return body;
        }
    }
    return NULL;
}

int dg__kv_parse_lines(const char *text, const char *name, dg__kv_line_fn fn, void *ctx,
                       dg_error *err)
{
    char *copy = strdup(text);
    if (!copy)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
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
        dg_error local;
        dg_error_clear(&local);
        if ((rc = fn(ctx, key, value, line_no, &local)) != 0)
            dg_error_at(err, rc, name, line_no, (long)(value - line) + 1, "%s", local.message);
    }
    free(copy);
    return rc;
}

typedef struct plain_kv {
    dg__kv_fn fn;
    void *ctx;
} plain_kv;

static int without_line(void *ctx, const char *key, const char *value, long line_no,
                        dg_error *err)
{
    (void)line_no;
    const plain_kv *p = ctx;
    return p->fn(p->ctx, key, value, err);
}

int dg__kv_parse(const char *text, const char *name, dg__kv_fn fn, void *ctx, dg_error *err)
{
    plain_kv p = { fn, ctx };
    return dg__kv_parse_lines(text, name, without_line, &p, err);
}

int dg__kv_int(const char *key, const char *value, long lo, long hi, int *out, dg_error *err)
{
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno || end == value || *end || v < lo || v > hi)
        return dg_error_set(err, DG_EINVAL, "%s = \"%s\": expected a whole number from %ld to %ld",
                            key, value, lo, hi);
    *out = (int)v;
    return 0;
}

int dg__kv_real(const char *key, const char *value, double lo, double hi, double *out,
                dg_error *err)
{
    char *end;
    errno = 0;
    double v = strtod(value, &end);
    if (errno || end == value || *end || !(v >= lo && v <= hi))
        return dg_error_set(err, DG_EINVAL, "%s = \"%s\": expected a number from %g to %g", key,
                            value, lo, hi);
    *out = v;
    return 0;
}

bool dg__config_code_valid(const char *code, size_t len, size_t cap)
{
    if (len == 0 || len >= cap)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((code[i] >= 'a' && code[i] <= 'z') || (code[i] >= '0' && code[i] <= '9') ||
              code[i] == '_'))
            return false;
    return true;
}
