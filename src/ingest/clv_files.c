/* Readers for the CLV input files of dangol/clv_io.h. Customer ids are mapped to dense indexes
 * with an open-addressing hash table (FNV-1a) so a log of millions of rows reads in one pass; its
 * slots are 4-byte indexes into the ids' one block of text, a third of what core/strmap would
 * take (BENCHMARKS.md, "Key sets"). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dangol/clv_io.h"
#include "dangol/csv.h"
#include "dangol/text.h"

/* The ids a reader returns are one block of text and an array of n + 1 pointers: ids[i] into
 * the text, ids[n] the text itself (what dg_clv_ids_free frees), so a million ids cost two
 * allocations, not a million. While the text grows, the array holds offsets into it. */
typedef struct id_list {
    char *text;
    size_t text_len, text_cap;
    void *slots;                  /* size_t offsets while reading, char * once finished */
    size_t n, cap;
} id_list;

/* Appends an id of len bytes; -1 when out of memory. */
static int id_list_add(id_list *l, const char *s, size_t len)
{
    if (l->n + 1 >= l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 4096;
        void *slots = realloc(l->slots, cap * sizeof(char *));
        if (!slots)
            return -1;
        l->slots = slots;
        l->cap = cap;
    }
    if (l->text_len + len + 1 > l->text_cap) {
        size_t cap = l->text_cap ? 2 * l->text_cap : 65536;
        while (cap < l->text_len + len + 1)
            cap *= 2;
        char *text = realloc(l->text, cap);
        if (!text)
            return -1;
        l->text = text;
        l->text_cap = cap;
    }
    memcpy(l->text + l->text_len, s, len);
    l->text[l->text_len + len] = '\0';
    ((size_t *)l->slots)[l->n++] = l->text_len;
    l->text_len += len + 1;
    return 0;
}

static const char *id_list_at(const id_list *l, size_t i)
{
    return l->text + ((const size_t *)l->slots)[i];
}

/* The ids as dg_clv_ids_free takes them (the list is emptied); NULL when out of memory. */
static char **id_list_finish(id_list *l)
{
    if (!l->slots && id_list_add(l, "", 0) == 0)
        l->n = 0;   /* no ids: still an array with its text */
    if (!l->slots)
        return NULL;
    char **ids = l->slots;
    for (size_t i = 0; i < l->n; i++)
        ids[i] = l->text + ((size_t *)l->slots)[i];   /* offsets become pointers in place */
    ids[l->n] = l->text;
    memset(l, 0, sizeof *l);
    return ids;
}

static void id_list_free(id_list *l)
{
    free(l->text);
    free(l->slots);
    memset(l, 0, sizeof *l);
}

typedef struct idmap {
    size_t cap;
    uint32_t *slot;
    id_list ids;
} idmap;

static uint64_t fnv(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

/* Index of id, adding it when new; -1 when out of memory. */
static int64_t idmap_get(idmap *m, const char *s, size_t len)
{
    size_t n = m->ids.n;
    if (2 * (n + 1) > m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 1024;
        uint32_t *slot = malloc(cap * sizeof *slot);
        if (!slot)
            return -1;
        memset(slot, 0xff, cap * sizeof *slot);
        for (size_t i = 0; i < n; i++) {
            const char *t = id_list_at(&m->ids, i);
            size_t h = fnv(t, strlen(t)) & (cap - 1);
            while (slot[h] != UINT32_MAX)
                h = (h + 1) & (cap - 1);
            slot[h] = (uint32_t)i;
        }
        free(m->slot);
        m->slot = slot;
        m->cap = cap;
    }
    size_t h = fnv(s, len) & (m->cap - 1);
    while (m->slot[h] != UINT32_MAX) {
        const char *t = id_list_at(&m->ids, m->slot[h]);
        if (strlen(t) == len && memcmp(t, s, len) == 0)
            return m->slot[h];
        h = (h + 1) & (m->cap - 1);
    }
    if (id_list_add(&m->ids, s, len) != 0)
        return -1;
    m->slot[h] = (uint32_t)n;
    return (int64_t)n;
}

void dg_clv_ids_free(char **ids, size_t n)
{
    if (!ids)
        return;
    free(ids[n]);
    free(ids);
}

void dg_clv_log_free(dg_clv_log *log)
{
    if (!log)
        return;
    dg_clv_ids_free(log->customer_id, log->tx.n_customers);
    free(log->customer);
    free(log->day);
    free(log->value);
    free(log);
}

static int find_column(const dg_csv *csv, const char *const *names)
{
    for (size_t i = 0; i < dg_csv_count(csv); i++)
        for (const char *const *n = names; *n; n++)
            if (strcasecmp(dg_csv_field(csv, i, NULL), *n) == 0)
                return (int)i;
    return -1;
}

/* Is the first line of path comma-separated? */
static int first_line_has_comma(const char *path)
{
    FILE *f = fopen(path, "r");
    int c, comma = 0;
    if (!f)
        return 0;
    while ((c = fgetc(f)) != EOF && c != '\n')
        if (c == ',')
            comma = 1;
    fclose(f);
    return comma;
}

int dg_clv_log_read(dg_clv_log **out, const char *path, dg_error *err)
{
    static const char *const cust_names[] = {"customer_id", "customer", "id", "customerid", NULL};
    static const char *const date_names[] = {"date", "order_date", "ordered_at", "day", NULL};
    static const char *const value_names[] = {"amount", "value", "monetary_value", "revenue",
                                              "total", "dollars", NULL};
    dg_csv_options opt = {',', NULL};
    dg_csv *csv = NULL;
    dg_clv_log *log = calloc(1, sizeof *log);
    idmap map = {0};
    size_t cap = 0, n = 0;
    int rc, ci = 0, di = 2, vi = 4, header;
    *out = NULL;
    if (!log)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    header = first_line_has_comma(path);
    if (!header)
        opt.delimiter = DG_CSV_WHITESPACE;
    if ((rc = dg_csv_open(&csv, path, &opt, err)) != 0)
        goto cleanup;
    if (header) {
        if ((rc = dg_csv_next(csv, err)) <= 0) {
            rc = rc < 0 ? rc : dg_error_at(err, DG_EPARSE, path, 1, 1, "empty file; expected a "
                                           "header with customer_id, date and amount columns");
            goto cleanup;
        }
        ci = find_column(csv, cust_names);
        di = find_column(csv, date_names);
        vi = find_column(csv, value_names);
        if (ci < 0 || di < 0) {
            rc = dg_error_at(err, DG_EPARSE, path, 1, 1, "the header needs a customer column "
                             "(customer_id) and a date column (date or order_date)");
            goto cleanup;
        }
    }
    while ((rc = dg_csv_next(csv, err)) > 0) {
        size_t nf = dg_csv_count(csv), len;
        long line = dg_csv_line(csv);
        if (!header) {
            /* CDNOW: id sample date units value; or id date value */
            if (nf == 5) {
                ci = 0, di = 2, vi = 4;
            } else if (nf == 3) {
                ci = 0, di = 1, vi = 2;
            } else {
                rc = dg_error_at(err, DG_EPARSE, path, line, 1, "%zu fields; expected 5 "
                                 "(customer sample_id YYYYMMDD units value) or 3 "
                                 "(customer YYYYMMDD value)", nf);
                goto cleanup;
            }
        }
        if ((size_t)ci >= nf || (size_t)di >= nf) {
            rc = dg_error_at(err, DG_EPARSE, path, line, (long)nf, "too few fields (%zu)", nf);
            goto cleanup;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 4096;
            uint32_t *c = realloc(log->customer, cap * sizeof *c);
            if (c)
                log->customer = c;
            int32_t *d = realloc(log->day, cap * sizeof *d);
            if (d)
                log->day = d;
            double *v = realloc(log->value, cap * sizeof *v);
            if (v)
                log->value = v;
            if (!c || !d || !v) {
                rc = dg_error_set(err, DG_ENOMEM, "out of memory at line %ld", line);
                goto cleanup;
            }
        }
        const char *f = dg_csv_field(csv, (size_t)ci, &len);
        int64_t idx = idmap_get(&map, f, len);
        if (idx < 0) {
            rc = dg_error_set(err, DG_ENOMEM, "out of memory at line %ld", line);
            goto cleanup;
        }
        f = dg_csv_field(csv, (size_t)di, &len);
        int64_t ts;
        dg_error e2 = {0};
        if (dg_date_parse(f, len, &log->day[n], &e2) != 0) {
            if (dg_timestamp_parse(f, len, &ts, &e2) != 0) {
                rc = dg_error_at(err, DG_EPARSE, path, line, di + 1, "%s", e2.message);
                goto cleanup;
            }
            log->day[n] = dg_day_of(ts);
        }
        log->value[n] = 0.0;
        if (vi >= 0 && (size_t)vi < nf) {
            f = dg_csv_field(csv, (size_t)vi, &len);
            if (len > 0 && dg_real_parse(f, len, &log->value[n], &e2) != 0) {
                rc = dg_error_at(err, DG_EPARSE, path, line, vi + 1, "%s", e2.message);
                goto cleanup;
            }
        }
        log->customer[n] = (uint32_t)idx;
        n++;
    }
    if (rc < 0)
        goto cleanup;
    log->tx.n_customers = map.ids.n;
    if (!(log->customer_id = id_list_finish(&map.ids))) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
        goto cleanup;
    }
    rc = 0;
    log->tx.n = n;
    log->tx.customer = log->customer;
    log->tx.day = log->day;
    log->tx.value = log->value;
    log->tx.customer_id = log->customer_id;
    *out = log;
    log = NULL;
cleanup:
    id_list_free(&map.ids);
    free(map.slot);
    dg_clv_log_free(log);
    dg_csv_close(csv);
    return rc;
}

/* The columns of a summary CSV, each with the header names it accepts (any case). */
enum { SUM_ID, SUM_FREQUENCY, SUM_RECENCY, SUM_T, SUM_MONETARY, SUM_WEIGHT, SUM_ROLES };
static const char *const summary_names[SUM_ROLES][5] = {
    [SUM_ID] = {"id", "customer_id", "customerid", "customer", NULL},
    [SUM_FREQUENCY] = {"frequency", "x", NULL},
    [SUM_RECENCY] = {"recency", "t_x", NULL},
    [SUM_T] = {"T", "age", "periods", "n_periods", NULL},
    [SUM_MONETARY] = {"monetary_value", "monetary", NULL},
    [SUM_WEIGHT] = {"weights", "weight", NULL},
};

/* The header of a summary CSV: column[role] = field index or -1. Every field must be one of the
 * known columns, each at most once; frequency, recency and T are required. */
static int summary_header(const dg_csv *csv, const char *path, int column[SUM_ROLES],
                          dg_error *err)
{
    for (int r = 0; r < SUM_ROLES; r++)
        column[r] = -1;
    for (size_t i = 0; i < dg_csv_count(csv); i++) {
        const char *name = dg_csv_field(csv, i, NULL);
        int role = -1;
        for (int r = 0; r < SUM_ROLES && role < 0; r++)
            for (const char *const *n = summary_names[r]; *n && role < 0; n++)
                if (strcasecmp(name, *n) == 0)
                    role = r;
        if (role < 0)
            return dg_error_at(err, DG_EPARSE, path, 1, (long)i + 1, "unknown column \"%s\"; "
                               "valid: id (or customer_id), frequency, recency, T (or periods, "
                               "n_periods), monetary_value, weights", name);
        if (column[role] >= 0)
            return dg_error_at(err, DG_EPARSE, path, 1, (long)i + 1, "column \"%s\" repeats "
                               "column %d (\"%s\")", name, column[role] + 1,
                               dg_csv_field(csv, (size_t)column[role], NULL));
        column[role] = (int)i;
    }
    if (column[SUM_FREQUENCY] < 0 || column[SUM_RECENCY] < 0 || column[SUM_T] < 0)
        return dg_error_at(err, DG_EPARSE, path, 1, 1, "the header needs frequency, recency and T "
                           "(or periods) columns (and optionally an id column, monetary_value "
                           "and weights)");
    return 0;
}

int dg_clv_summary_read(dg_clv_summary **out, char ***ids_out, const char *path, dg_error *err)
{
    /* the numeric columns, in the order of col[] */
    static const int numeric[5] = {SUM_FREQUENCY, SUM_RECENCY, SUM_T, SUM_MONETARY, SUM_WEIGHT};
    dg_csv *csv = NULL;
    dg_clv_summary *s = NULL;
    id_list ids = {0};
    char **id = NULL;
    size_t n = 0, cap = 0;
    double *col[5] = {NULL, NULL, NULL, NULL, NULL};
    int rc, column[SUM_ROLES];
    dg_error e2;   /* a field's error, set only when it fails */
    *out = NULL;
    *ids_out = NULL;
    if ((rc = dg_csv_open(&csv, path, NULL, err)) != 0)
        return rc;
    if ((rc = dg_csv_next(csv, err)) <= 0) {
        rc = rc < 0 ? rc : dg_error_at(err, DG_EPARSE, path, 1, 1, "empty file");
        goto cleanup;
    }
    if ((rc = summary_header(csv, path, column, err)) != 0)
        goto cleanup;
    /* without an id column a row is named by its place, file:line, in messages and tables (a
     * bare row number would pass for an id) */
    char row_name[300];
    const char *base = strrchr(path, '/');
    size_t row_prefix = (size_t)snprintf(row_name, sizeof row_name - 24, "%s:",
                                         base ? base + 1 : path);
    if (row_prefix >= sizeof row_name - 24)
        row_prefix = sizeof row_name - 25;
    while ((rc = dg_csv_next(csv, err)) > 0) {
        long line = dg_csv_line(csv);
        size_t len;
        if (n == cap) {
            cap = cap ? 2 * cap : 4096;
            int ok = 1;
            for (int j = 0; j < 5; j++) {
                if (column[numeric[j]] < 0)
                    continue;   /* an absent column: the summary's zeros (or no weights) */
                double *c = realloc(col[j], cap * sizeof *c);
                if (c)
                    col[j] = c;
                ok = ok && c;
            }
            if (!ok) {
                rc = dg_error_set(err, DG_ENOMEM, "out of memory at line %ld", line);
                goto cleanup;
            }
        }
        for (int j = 0; j < 5; j++) {
            int at = column[numeric[j]];
            if (at < 0)
                continue;
            if ((size_t)at >= dg_csv_count(csv)) {
                rc = dg_error_at(err, DG_EPARSE, path, line, at + 1, "missing field");
                goto cleanup;
            }
            const char *f = dg_csv_field(csv, (size_t)at, &len);
            if (dg_real_parse(f, len, &col[j][n], &e2) != 0) {
                rc = dg_error_at(err, DG_EPARSE, path, line, at + 1, "%s", e2.message);
                goto cleanup;
            }
            /* a mean value may be negative (refunds); counts, times and weights may not */
            if (!isfinite(col[j][n]) || (numeric[j] != SUM_MONETARY && col[j][n] < 0)) {
                rc = dg_error_at(err, DG_EPARSE, path, line, at + 1, "%s \"%.*s\" must be a "
                                 "finite number%s", summary_names[numeric[j]][0], (int)len, f,
                                 numeric[j] != SUM_MONETARY ? " >= 0" : "");
                goto cleanup;
            }
        }
        const char *name = row_name;
        if (column[SUM_ID] >= 0 && (size_t)column[SUM_ID] < dg_csv_count(csv)) {
            name = dg_csv_field(csv, (size_t)column[SUM_ID], &len);
        } else {
            /* "file:" is in row_name once; the line's digits follow it (no printf per row) */
            char digits[24];
            size_t nd = 0;
            for (unsigned long v = (unsigned long)line; nd == 0 || v > 0; v /= 10)
                digits[nd++] = (char)('0' + v % 10);
            len = row_prefix;
            while (nd > 0 && len + 1 < sizeof row_name)
                row_name[len++] = digits[--nd];
        }
        if (id_list_add(&ids, name, len) != 0) {
            rc = dg_error_set(err, DG_ENOMEM, "out of memory at line %ld", line);
            goto cleanup;
        }
        n++;
    }
    if (rc < 0)
        goto cleanup;
    if ((rc = dg_clv_summary_alloc(&s, n, err)) != 0)
        goto cleanup;
    /* the columns as read become the summary's (a copy would touch as much fresh memory again) */
    double **own[4] = {&s->frequency, &s->recency, &s->T, &s->monetary};
    for (int j = 0; j < 4 && n > 0; j++) {
        if (!col[j])
            continue;   /* an absent monetary_value: the zeros of dg_clv_summary_alloc */
        free(*own[j]);
        *own[j] = col[j];
        col[j] = NULL;
    }
    if (!(id = id_list_finish(&ids))) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory reading %s", path);
        goto cleanup;
    }
    memcpy(s->id, id, n * sizeof *id);
    if (column[SUM_WEIGHT] >= 0) {
        s->weight = col[4];
        col[4] = NULL;
    }
    *out = s;
    *ids_out = id;
    id = NULL;
    s = NULL;
    rc = 0;
cleanup:
    dg_clv_summary_free(s);
    dg_clv_ids_free(id, n);
    id_list_free(&ids);
    for (int j = 0; j < 5; j++)
        free(col[j]);
    dg_csv_close(csv);
    return rc;
}
