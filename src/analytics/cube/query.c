/* Cube queries from text (include/dangol/cube.h): the vocabulary shared by `dangol cube` and the
 * HTTP API. Every name and value is checked against the cube's dimensions and dictionaries, and a
 * bad one gets a message that lists what would be accepted. Time labels are zero-padded, so a
 * range on a time level ("month=2024-01..2024-06") is a plain string range and may reach outside
 * the data. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/cube/internal.h"
#include "dangol/text.h"
#include "dangol/vocab.h"

void dg_cube_query_init(dg_cube_query *q)
{
    memset(q, 0, sizeof *q);
    q->sort_measure = -1;
}

void dg_cube_query_clear(dg_cube_query *q)
{
    for (size_t t = 0; t < q->n_filters; t++)
        free(q->filters[t].allowed);
    dg_cube_query_init(q);
}

/* Copies s[0..len) trimmed of spaces into buf. */
static void token(const char *s, size_t len, char *buf, size_t cap)
{
    while (len && isspace((unsigned char)*s))
        s++, len--;
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    if (len >= cap)
        len = cap - 1;
    memcpy(buf, s, len);
    buf[len] = '\0';
}

/* "a, b, c": the names of the frame cube's catalog, then any other dimension of this cube. */
static void list_dims(const dg_cube *cube, char *buf, size_t cap)
{
    size_t n_catalog, used = 0;
    const dg_cube_dim_spec *catalog = dg_cube_frame_dims(&n_catalog);
    buf[0] = '\0';
    for (size_t i = 0; i < n_catalog && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", catalog[i].name);
    for (size_t d = 0; d < cube->n_dims && used < cap; d++) {
        size_t i = 0;
        while (i < n_catalog && strcmp(catalog[i].name, cube->dims[d].name) != 0)
            i++;
        if (i == n_catalog)
            used += (size_t)snprintf(buf + used, cap - used, ", %s", cube->dims[d].name);
    }
}

/* The first labels of d in their natural order, "a, b, ... (N values)". */
static void list_labels(const dg__cube_dim *d, char *buf, size_t cap)
{
    size_t used = 0, shown = d->n_labels < 20 ? d->n_labels : 20;
    buf[0] = '\0';
    for (size_t r = 0; r < shown && used < cap; r++)
        for (size_t i = 0; i < d->n_labels; i++)
            if (d->rank[i] == r) {
                used += (size_t)snprintf(buf + used, cap - used, "%s%s", r ? ", " : "",
                                         d->labels[i]);
                break;
            }
    if (shown < d->n_labels && used < cap)
        snprintf(buf + used, cap - used, ", ... (%zu values)", d->n_labels);
}

/* A dimension by its name, English label or Korean label (지역, "Customer type"). */
static int find_dim(const dg_cube *cube, const char *written, dg_error *err)
{
    int d = dg_cube_dim_find(cube, written);
    if (d >= 0)
        return d;
    const char *name = dg_vocab_code("dimension", written, strlen(written));
    if (name && (d = dg_cube_dim_find(cube, name)) >= 0)
        return d;
    if (!name)
        name = written;
    size_t n_catalog;
    const dg_cube_dim_spec *catalog = dg_cube_frame_dims(&n_catalog);
    for (size_t i = 0; i < n_catalog; i++)
        if (strcmp(catalog[i].name, name) == 0 && catalog[i].key == DG_CUBE_KEY_PRODUCT)
            return dg_error_set(err, DG_EINVAL, "dimension \"%s\" needs products and order "
                                "lines; this store has none (import products and order_lines)",
                                name);
    char valid[600];
    list_dims(cube, valid, sizeof valid);
    return dg_error_set(err, DG_EINVAL, "unknown dimension \"%s\"; valid: %s", written, valid);
}

static int parse_measure(const char *name, dg_cube_measure *m, dg_error *err)
{
    static const struct { const char *alias; dg_cube_measure m; } aliases[] = {
        { "avg_order_value", DG_CUBE_AOV }, { "average_order_value", DG_CUBE_AOV },
        { "rpc", DG_CUBE_RPC },             { "distinct_customers", DG_CUBE_CUSTOMERS },
        { "sales", DG_CUBE_REVENUE },       { "quantity", DG_CUBE_UNITS },
    };
    for (int i = 0; i < DG_CUBE_N_MEASURES; i++)
        if (strcmp(name, dg_cube_measure_name((dg_cube_measure)i)) == 0) {
            *m = (dg_cube_measure)i;
            return 0;
        }
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(name, aliases[i].alias) == 0) {
            *m = aliases[i].m;
            return 0;
        }
    return dg_error_set(err, DG_EINVAL,
                        "unknown measure \"%s\"; valid: revenue, orders, customers, units, aov, "
                        "revenue_per_customer, share",
                        name);
}

/* Dimension list "a,b" (or "" / "none") into out; each dimension at most once per query. */
static int parse_dims(const dg_cube *cube, const char *value, int *out, size_t *n_out, size_t max,
                      dg_error *err)
{
    *n_out = 0;
    for (const char *p = value; *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char name[64];
        token(p, len, name, sizeof name);
        p += len + (end != NULL);
        if (!name[0] || strcmp(name, "none") == 0)
            continue;
        int d = find_dim(cube, name, err);
        if (d < 0)
            return d;
        for (size_t j = 0; j < *n_out; j++)
            if (out[j] == d)
                return dg_error_set(err, DG_EINVAL, "dimension \"%s\" is used twice", name);
        if (*n_out == max)
            return dg_error_set(err, DG_EINVAL, "at most %d row and column dimensions in all",
                                DG_CUBE_MAX_GROUP);
        out[(*n_out)++] = d;
    }
    return 0;
}

static int set_rows_cols(dg_cube_query *q, const dg_cube *cube, bool rows, const char *value,
                         dg_error *err)
{
    int dims[DG_CUBE_MAX_GROUP];
    size_t n, other = rows ? q->n_cols : q->n_rows;
    int rc = parse_dims(cube, value, dims, &n, DG_CUBE_MAX_GROUP - other, err);
    if (rc)
        return rc;
    int merged[DG_CUBE_MAX_GROUP];
    const int *r = rows ? dims : q->group, *c = rows ? q->group + q->n_rows : dims;
    size_t nr = rows ? n : q->n_rows, nc = rows ? q->n_cols : n;
    for (size_t i = 0; i < nr; i++)
        merged[i] = r[i];
    for (size_t i = 0; i < nc; i++)
        merged[nr + i] = c[i];
    for (size_t i = 0; i < nr + nc; i++)
        for (size_t j = i + 1; j < nr + nc; j++)
            if (merged[i] == merged[j])
                return dg_error_set(err, DG_EINVAL, "dimension \"%s\" is in both rows and cols",
                                    cube->dims[merged[i]].name);
    memcpy(q->group, merged, (nr + nc) * sizeof *merged);
    q->n_rows = nr;
    q->n_cols = nc;
    return 0;
}

/* Code of a label in d, or -1. A value of a dimension with a vocabulary domain may also be
 * written by its other names, both ways: 서울 finds a store's "Seoul", and Seoul a store's
 * "서울" (include/dangol/vocab.h). */
static long find_label(const dg__cube_dim *d, const char *label)
{
    for (size_t i = 0; i < d->n_labels; i++)
        if (strcmp(d->labels[i], label) == 0)
            return (long)i;
    const char *domain = dg_vocab_domain_of(NULL, d->name);
    const char *code = domain ? dg_vocab_code(domain, label, strlen(label)) : NULL;
    for (size_t i = 0; code && i < d->n_labels; i++) {
        const char *other = dg_vocab_code(domain, d->labels[i], strlen(d->labels[i]));
        if (other && strcmp(other, code) == 0)
            return (long)i;
    }
    return -1;
}

static int unknown_value(const dg__cube_dim *d, const char *value, dg_error *err)
{
    char valid[400];
    list_labels(d, valid, sizeof valid);
    return dg_error_set(err, DG_EINVAL, "unknown value \"%s\" for %s; valid: %s", value, d->name,
                        valid);
}

/* Whether text is a label of the time level d: the shape of its labels (digits where they have
 * digits) and a real quarter, month, ISO week or day. Labels outside the data are valid. */
static bool time_label_valid(const dg__cube_dim *d, const char *text)
{
    const char *model = d->labels[0];
    if (strlen(text) != strlen(model))
        return false;
    for (size_t i = 0; text[i]; i++) {
        bool digit = isdigit((unsigned char)text[i]), want = isdigit((unsigned char)model[i]);
        if (digit != want || (!digit && text[i] != model[i]))
            return false;
    }
    int32_t day;
    dg_error e;
    if (strcmp(d->name, "quarter") == 0)
        return text[6] >= '1' && text[6] <= '4';
    if (strcmp(d->name, "month") == 0)
        return atoi(text + 5) >= 1 && atoi(text + 5) <= 12;
    if (strcmp(d->name, "week") == 0)
        return atoi(text + 6) >= 1 && atoi(text + 6) <= 53;
    if (strcmp(d->name, "day") == 0)
        return dg_date_parse(text, strlen(text), &day, &e) == 0;
    return true;
}

static int bad_time_label(const dg__cube_dim *d, const char *value, dg_error *err)
{
    return dg_error_set(err, DG_EINVAL, "bad %s \"%s\"; expected a value like %s or a range "
                        "like %s..%s", d->name, value, d->labels[0], d->labels[0],
                        d->labels[d->n_labels - 1]);
}

static int reversed_range(const dg__cube_dim *d, const char *lo, const char *hi, dg_error *err)
{
    return dg_error_set(err, DG_EINVAL, "range %s=%s..%s is reversed: %s comes after %s; write "
                        "FROM..TO with FROM first", d->name, lo, hi, lo, hi);
}

/* Marks the codes of one value ("Seoul", "30-39", "2024-01..2024-03") in allowed. */
static int mark_value(const dg__cube_dim *d, const char *value, uint8_t *allowed, dg_error *err)
{
    bool time = d->key == DG_CUBE_KEY_DAY;
    const char *dots = strstr(value, "..");
    if (dots) {
        char lo[128], hi[128];
        token(value, (size_t)(dots - value), lo, sizeof lo);
        token(dots + 2, strlen(dots + 2), hi, sizeof hi);
        if (time) {
            if (lo[0] && !time_label_valid(d, lo))
                return bad_time_label(d, lo, err);
            if (hi[0] && !time_label_valid(d, hi))
                return bad_time_label(d, hi, err);
            if (lo[0] && hi[0] && strcmp(lo, hi) > 0)
                return reversed_range(d, lo, hi, err);
            for (size_t i = 0; i < d->n_labels; i++)
                if ((!lo[0] || strcmp(d->labels[i], lo) >= 0) &&
                    (!hi[0] || strcmp(d->labels[i], hi) <= 0))
                    allowed[i] = 1;
            return 0;
        }
        long a = lo[0] ? find_label(d, lo) : 0, b = hi[0] ? find_label(d, hi) : (long)d->n_labels - 1;
        if (a < 0)
            return unknown_value(d, lo, err);
        if (b < 0)
            return unknown_value(d, hi, err);
        if (d->rank[a] > d->rank[b])
            return reversed_range(d, lo, hi, err);
        for (size_t i = 0; i < d->n_labels; i++)
            if (d->rank[i] >= d->rank[a] && d->rank[i] <= d->rank[b])
                allowed[i] = 1;
        return 0;
    }
    long code = find_label(d, value);
    if (code >= 0) {
        allowed[code] = 1;
        return 0;
    }
    if (time)   /* a valid time label outside the data matches nothing */
        return time_label_valid(d, value) ? 0 : bad_time_label(d, value, err);
    return unknown_value(d, value, err);
}

/* where "dim=v1,v2;dim!=v3;dim=a..b": appends one filter per term. */
static int set_where(dg_cube_query *q, const dg_cube *cube, const char *value, dg_error *err)
{
    char term[1024];
    for (const char *p = value; *p;) {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        token(p, len, term, sizeof term);
        p += len + (end != NULL);
        if (!term[0])
            continue;
        char *eq = strchr(term, '=');
        if (!eq || eq == term)
            return dg_error_set(err, DG_EINVAL,
                                "bad filter \"%s\"; expected DIM=VALUE[,VALUE...], DIM!=VALUE or "
                                "DIM=FROM..TO, terms separated by ';'", term);
        bool negate = eq > term && eq[-1] == '!';
        char name[64];
        token(term, (size_t)(eq - term) - negate, name, sizeof name);
        int d = find_dim(cube, name, err);
        if (d < 0)
            return d;
        if (q->n_filters == DG_CUBE_MAX_FILTERS)
            return dg_error_set(err, DG_EINVAL, "at most %d filter terms", DG_CUBE_MAX_FILTERS);
        const dg__cube_dim *dim = &cube->dims[d];
        uint8_t *allowed = calloc(dim->n_labels, 1);
        if (!allowed)
            return dg_error_set(err, DG_ENOMEM, "out of memory");
        char val[256];
        int rc = 0;
        bool any = false;
        for (const char *v = eq + 1; *v && !rc;) {
            const char *comma = strchr(v, ',');
            size_t vlen = comma ? (size_t)(comma - v) : strlen(v);
            token(v, vlen, val, sizeof val);
            v += vlen + (comma != NULL);
            if (val[0]) {
                rc = mark_value(dim, val, allowed, err);
                any = true;
            }
        }
        if (!rc && !any)
            rc = dg_error_set(err, DG_EINVAL, "filter on %s has no value", dim->name);
        if (rc) {
            free(allowed);
            return rc;
        }
        q->filters[q->n_filters++] = (dg_cube_filter){ .dim = d, .negate = negate, .allowed = allowed };
    }
    return 0;
}

/* totals none|rollup|cube|"a,b|a|" */
static int set_totals(dg_cube_query *q, const dg_cube *cube, const char *value, dg_error *err)
{
    if (strcmp(value, "none") == 0)
        q->totals = DG_CUBE_TOTALS_NONE;
    else if (strcmp(value, "rollup") == 0)
        q->totals = DG_CUBE_TOTALS_ROLLUP;
    else if (strcmp(value, "cube") == 0)
        q->totals = DG_CUBE_TOTALS_CUBE;
    else {
        q->n_sets = 0;
        for (const char *p = value;;) {
            const char *end = strchr(p, '|');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            char set[256], name[64];
            token(p, len, set, sizeof set);
            uint32_t mask = 0;
            for (const char *s = set; *s;) {
                const char *comma = strchr(s, ',');
                size_t n = comma ? (size_t)(comma - s) : strlen(s);
                token(s, n, name, sizeof name);
                s += n + (comma != NULL);
                if (!name[0])
                    continue;
                int d = dg_cube_dim_find(cube, name);
                if (d < 0)
                    return dg_error_set(err, DG_EINVAL,
                                        "bad totals \"%s\": unknown dimension \"%s\"; expected "
                                        "none, rollup, cube or grouping sets like "
                                        "\"month,channel|month|\"", value, name);
                mask |= 1u << d;
            }
            if (q->n_sets == DG_CUBE_MAX_SETS)
                return dg_error_set(err, DG_EINVAL, "at most %d grouping sets", DG_CUBE_MAX_SETS);
            q->sets[q->n_sets++] = mask;
            if (!end)
                break;
            p = end + 1;
        }
        q->totals = DG_CUBE_TOTALS_SETS;
    }
    return 0;
}

int dg_cube_query_set(dg_cube_query *q, const dg_cube *cube, const char *key, const char *value,
                      dg_error *err)
{
    if (!value)
        value = "";
    if (strcmp(key, "rows") == 0 || strcmp(key, "cols") == 0 || strcmp(key, "columns") == 0)
        return set_rows_cols(q, cube, strcmp(key, "rows") == 0, value, err);
    if (strcmp(key, "measure") == 0 || strcmp(key, "measures") == 0) {
        q->n_measures = 0;
        for (const char *p = value; *p;) {
            const char *end = strchr(p, ',');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            char name[64];
            token(p, len, name, sizeof name);
            p += len + (end != NULL);
            if (!name[0])
                continue;
            if (q->n_measures == DG_CUBE_MAX_MEASURES)
                return dg_error_set(err, DG_EINVAL, "at most %d measures", DG_CUBE_MAX_MEASURES);
            int rc = parse_measure(name, &q->measures[q->n_measures], err);
            if (rc)
                return rc;
            q->n_measures++;
        }
        return 0;
    }
    if (strcmp(key, "where") == 0 || strcmp(key, "filter") == 0)
        return set_where(q, cube, value, err);
    if (strcmp(key, "totals") == 0)
        return set_totals(q, cube, value, err);
    if (strcmp(key, "rollup") == 0) {
        q->totals = DG_CUBE_TOTALS_ROLLUP;
        return 0;
    }
    if (strcmp(key, "top") == 0 || strcmp(key, "threads") == 0) {
        char *end;
        long n = strtol(value, &end, 10);
        if (!value[0] || *end || n < 0 || n > 1000000000L || (key[0] == 't' && key[1] == 'h' && n > 2))
            return dg_error_set(err, DG_EINVAL, "bad %s \"%s\"; expected a number%s", key, value,
                                key[1] == 'h' ? " from 0 to 2" : " (0 = all)");
        if (key[1] == 'h')
            q->threads = (int)n;
        else
            q->top = (size_t)n;
        return 0;
    }
    if (strcmp(key, "sort") == 0) {
        char name[64];
        const char *colon = strchr(value, ':');
        token(value, colon ? (size_t)(colon - value) : strlen(value), name, sizeof name);
        q->sort_ascending = false;
        if (colon && strcmp(colon + 1, "asc") == 0)
            q->sort_ascending = true;
        else if (colon && strcmp(colon + 1, "desc") != 0)
            return dg_error_set(err, DG_EINVAL, "bad sort order \"%s\"; expected asc or desc",
                                colon + 1);
        if (strcmp(name, "label") == 0 || strcmp(name, "labels") == 0) {
            q->sort_measure = -1;
            return 0;
        }
        dg_cube_measure m;
        int rc = parse_measure(name, &m, err);
        if (rc)
            return dg_error_set(err, rc, "bad sort \"%s\"; expected label or a measure (revenue, "
                                "orders, customers, units, aov, revenue_per_customer, share), "
                                "optionally :asc or :desc", value);
        q->sort_measure = (int)m;
        return 0;
    }
    if (strcmp(key, "as_of") == 0 || strcmp(key, "as-of") == 0) {
        int32_t day;
        dg_error e;
        if (dg_date_parse(value, strlen(value), &day, &e))
            return dg_error_set(err, DG_EINVAL, "bad as-of date \"%s\": %s", value, e.message);
        q->has_as_of = true;
        q->as_of = day;
        return 0;
    }
    return dg_error_set(err, DG_EINVAL,
                        "unknown query parameter \"%s\"; valid: rows, cols, measure, where, "
                        "totals, top, sort, as_of, threads", key);
}
