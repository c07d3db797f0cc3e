/* How a file's columns map onto an entity's: the names come from the header row or --columns,
 * --map renames them ("고객번호=customer_id", "memo=-" to ignore one), and each must be a catalog
 * column named once; required ones (and the natural key) must be there. The result is one index
 * per catalog column, so the row loop never looks at names again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest/columns.h"

static void trim(const char **s, size_t *len)
{
    while (*len > 0 && (**s == ' ' || **s == '\t'))
        (*s)++, (*len)--;
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

/* "order_id, customer_id, ..." into buf. */
static const char *column_list(const dg_entity *e, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t c = 0; c < e->n_columns && o < cap; c++)
        o += (size_t)snprintf(buf + o, cap - o, "%s%s", c ? ", " : "", e->columns[c].name);
    return buf;
}

static int find_column(const dg_entity *e, const char *name, size_t len)
{
    for (size_t c = 0; c < e->n_columns; c++)
        if (strlen(e->columns[c].name) == len && strncasecmp(e->columns[c].name, name, len) == 0)
            return (int)c;
    return -1;
}

/* Looks the file column name up in the --map list; returns the mapped name (into out) or NULL. */
static const char *map_lookup(const char *map, const char *name, size_t len, char *out, size_t cap)
{
    const char *p = map;
    while (p && *p) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        if (eq) {
            const char *a = p, *b = eq + 1;
            size_t alen = (size_t)(eq - p), blen = (size_t)(end - b);
            trim(&a, &alen);
            trim(&b, &blen);
            if (alen == len && memcmp(a, name, len) == 0) {
                snprintf(out, cap, "%.*s", (int)blen, b);
                return out;
            }
        }
        p = comma ? comma + 1 : NULL;
    }
    return NULL;
}

/* Checks the --map text itself: pairs "from=to" whose target is a column or '-'. */
int dg__columns_check_map(const dg_entity *e, const char *map, dg_error *err)
{
    char cols[1024];
    for (const char *p = map; p && *p;) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        if (!eq)
            return dg_error_set(err, DG_EINVAL, "--map: \"%.*s\" is not FILE_COLUMN=COLUMN",
                                (int)(end - p), p);
        const char *b = eq + 1;
        size_t blen = (size_t)(end - b);
        trim(&b, &blen);
        if (!(blen == 1 && *b == '-') && find_column(e, b, blen) < 0)
            return dg_error_set(err, DG_EINVAL, "--map: \"%.*s\" is not a column of %s; valid: "
                                "%s (or - to ignore the column)", (int)blen, b, e->name,
                                column_list(e, cols, sizeof cols));
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}

void dg__columns_free(dg__columns *cols)
{
    for (size_t i = 0; cols->names && i < cols->n_names; i++)
        free(cols->names[i]);
    free(cols->names);
    cols->names = NULL;
    cols->n_names = 0;
}

int dg__columns_resolve(dg__columns *cols_out, const dg_entity *e, const dg_import_options *opt,
                        dg_csv *header, const char *file, dg_error *err)
{
    char cols[1024], mapped[256];
    size_t n = 0;
    const char *names[DG__MAX_FILE_COLUMNS];
    size_t lens[DG__MAX_FILE_COLUMNS];
    if (opt->columns) {
        for (const char *p = opt->columns; p;) {
            const char *comma = strchr(p, ',');
            if (n == DG__MAX_FILE_COLUMNS)
                return dg_error_set(err, DG_EINVAL, "--columns: more than %d columns",
                                    DG__MAX_FILE_COLUMNS);
            names[n] = p;
            lens[n++] = comma ? (size_t)(comma - p) : strlen(p);
            p = comma ? comma + 1 : NULL;
        }
    } else {
        n = dg_csv_count(header);
        if (n > DG__MAX_FILE_COLUMNS)
            return dg_error_at(err, DG_EINVAL, file, dg_csv_line(header), 0,
                               "the header has %zu columns; at most %d are read", n,
                               DG__MAX_FILE_COLUMNS);
        for (size_t i = 0; i < n; i++)
            names[i] = dg_csv_field(header, i, &lens[i]);
    }
    long line = opt->columns ? 0 : dg_csv_line(header);
    cols_out->names = calloc(n, sizeof *cols_out->names);
    if (!cols_out->names)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    cols_out->n_names = n;
    for (size_t c = 0; c < e->n_columns; c++) {
        cols_out->src[c] = -1;
        cols_out->required[c] = e->columns[c].required || c < e->n_key;
    }
    for (size_t i = 0; i < n; i++) {
        const char *name = names[i];
        size_t len = lens[i];
        trim(&name, &len);
        if (!(cols_out->names[i] = strndup(name, len)))
            return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    if (opt->map) {   /* a --map source the file does not have is most likely a typo */
        for (const char *p = opt->map; p && *p;) {
            const char *comma = strchr(p, ',');
            const char *end = comma ? comma : p + strlen(p);
            const char *eq = memchr(p, '=', (size_t)(end - p));
            const char *a = p;
            size_t alen = (size_t)(eq - p);
            trim(&a, &alen);
            bool found = false;
            for (size_t i = 0; i < n && !found; i++)
                found = strlen(cols_out->names[i]) == alen &&
                        memcmp(cols_out->names[i], a, alen) == 0;
            if (!found)
                return dg_error_at(err, DG_EINVAL, file, line, 0,
                                   "--map names \"%.*s\", which is not a column of the file",
                                   (int)alen, a);
            p = comma ? comma + 1 : NULL;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const char *name = names[i];
        size_t len = lens[i];
        trim(&name, &len);
        const char *target = opt->map ? map_lookup(opt->map, name, len, mapped,
                                                       sizeof mapped) : NULL;
        const char *tname = target ? target : name;
        size_t tlen = target ? strlen(target) : len;
        if (tlen == 1 && *tname == '-')
            continue;
        int c = find_column(e, tname, tlen);
        const char *where = opt->columns ? "--columns" : file;
        if (c < 0) {
            column_list(e, cols, sizeof cols);
            if (opt->columns)
                return dg_error_set(err, DG_EINVAL, "--columns: unknown column \"%.*s\" for %s; "
                                    "valid: %s (or - to ignore a column)", (int)len, name, e->name,
                                    cols);
            return dg_error_at(err, DG_EINVAL, where, line, (long)i + 1,
                               "unknown column \"%.*s\" for %s; valid: %s; rename it with "
                               "--map \"%.*s=COLUMN\" or ignore it with --map \"%.*s=-\"",
                               (int)len, name, e->name, cols, (int)len, name, (int)len, name);
        }
        if (cols_out->src[c] >= 0) {
            if (opt->columns)
                return dg_error_set(err, DG_EINVAL, "--columns: column \"%s\" appears twice",
                                    e->columns[c].name);
            return dg_error_at(err, DG_EINVAL, where, line, (long)i + 1,
                               "column \"%s\" appears twice (columns %d and %zu)",
                               e->columns[c].name, cols_out->src[c] + 1, i + 1);
        }
        cols_out->src[c] = (int)i;
    }
    cols_out->synth_order_id = strcmp(e->name, "orders") == 0 && cols_out->src[0] < 0;
    cols_out->present = 0;
    for (size_t c = 0; c < e->n_columns; c++)
        if (cols_out->src[c] >= 0 || (c == 0 && cols_out->synth_order_id))
            cols_out->present |= UINT64_C(1) << c;
    for (size_t c = 0; c < e->n_columns; c++) {
        if (cols_out->src[c] >= 0 || !cols_out->required[c] || (c == 0 && cols_out->synth_order_id))
            continue;
        size_t o = 0;
        cols[0] = '\0';
        for (size_t i = 0; i < n && o < sizeof cols; i++)
            o += (size_t)snprintf(cols + o, sizeof cols - o, "%s%s", i ? ", " : "",
                                  cols_out->names[i]);
        if (opt->columns)
            return dg_error_set(err, DG_EINVAL, "--columns: missing required column \"%s\" for "
                                "%s (given: %s)", e->columns[c].name, e->name, cols);
        return dg_error_at(err, DG_EINVAL, file, line, 0,
                           "missing required column \"%s\" for %s; the file has: %s%s",
                           e->columns[c].name, e->name, cols,
                           opt->map ? "" : " (use --map \"YOUR_NAME=COLUMN\" to rename)");
    }
    return 0;
}

