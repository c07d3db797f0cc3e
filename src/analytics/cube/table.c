/* Pivot layout of a cube result (include/dangol/cube.h): row keys down, column keys (× measures)
 * across. Keys sort by label (the dimension's rank) with the rolled-up code (DG_CUBE_ALL) last, so a ROLLUP subtotal
 * follows its group and the grand total comes last, as SQL prints them with ORDER BY. Sorting by
 * a measure and top-N reorder the detail rows only; subtotal rows keep their totals over all
 * detail rows and follow them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/cube/internal.h"

typedef struct {
    const uint32_t *codes;  /* n codes of the key */
    uint32_t rank[DG_CUBE_MAX_GROUP];  /* label ranks of the codes, DG_CUBE_ALL last */
    size_t n;
    double sort_value;      /* measure of the row's total over columns */
    bool detail;            /* no rolled-up dimension */
} key_ref;

static int key_cmp(const void *a, const void *b)
{
    const key_ref *x = a, *y = b;
    for (size_t j = 0; j < x->n; j++)
        if (x->rank[j] != y->rank[j])
            return x->rank[j] < y->rank[j] ? -1 : 1;
    return 0;
}

/* Detail rows by value (ctx: bool ascending), then the others by key. */
static int value_cmp(const void *a, const void *b, void *ctx)
{
    const key_ref *x = a, *y = b;
    bool ascending = *(const bool *)ctx;
    if (x->detail != y->detail)
        return x->detail ? -1 : 1;
    if (x->detail && x->sort_value != y->sort_value) {
        bool less = x->sort_value < y->sort_value;
        return (less == ascending) ? -1 : 1;
    }
    return key_cmp(a, b);
}

static key_ref make_key(const dg_cube *cube, const dg_cube_query *q, const uint32_t *codes,
                        size_t off, size_t n)
{
    key_ref k = { .codes = codes, .n = n, .detail = true };
    for (size_t j = 0; j < n; j++) {
        if (codes[j] == DG_CUBE_ALL) {
            k.rank[j] = DG_CUBE_ALL;
            k.detail = false;
        } else
            k.rank[j] = cube->dims[q->group[off + j]].rank[codes[j]];
    }
    return k;
}

/* Sorted distinct keys (codes at offset off, n of them) of the cells where keep[cell]. */
static key_ref *distinct_keys(const dg_cube *cube, const dg_cube_query *q,
                              const dg_cube_result *r, size_t off, size_t n, const uint8_t *keep,
                              size_t *n_keys)
{
    key_ref *keys = malloc((r->n_cells + 1) * sizeof *keys);
    if (!keys)
        return NULL;
    size_t k = 0;
    for (size_t c = 0; c < r->n_cells; c++)
        if (keep[c])
            keys[k++] = make_key(cube, q, r->codes + c * r->n_group + off, off, n);
    qsort(keys, k, sizeof *keys, key_cmp);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (u == 0 || key_cmp(&keys[u - 1], &keys[i]) != 0)
            keys[u++] = keys[i];
    *n_keys = u;
    return keys;
}

static long find_key(const dg_cube *cube, const dg_cube_query *q, const key_ref *keys,
                     size_t n_keys, const uint32_t *codes, size_t off, size_t n)
{
    key_ref probe = make_key(cube, q, codes, off, n);
    const key_ref *hit = bsearch(&probe, keys, n_keys, sizeof *keys, key_cmp);
    return hit ? hit - keys : -1;
}

static dg_cell_type measure_type(dg_cube_measure m)
{
    switch (m) {
    case DG_CUBE_REVENUE:
    case DG_CUBE_AOV:
    case DG_CUBE_RPC: return DG_CELL_MONEY;
    case DG_CUBE_SHARE: return DG_CELL_PERCENT;
    default: return DG_CELL_INT;
    }
}

static void key_label(const dg_cube *cube, const dg_cube_query *q, const uint32_t *codes,
                      size_t off, size_t n, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t j = 0; j < n && used < cap; j++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", j ? " / " : "",
                                 dg_cube_dim_label(cube, (size_t)q->group[off + j], codes[j]));
}

int dg_cube_result_table(const dg_cube *cube, const dg_cube_query *q, const dg_cube_result *r,
                         dg_table **out, dg_error *err)
{
    *out = NULL;
    size_t nr = q->n_rows, nc = q->n_cols, ng = nr + nc;
    dg_cube_measure measures[DG_CUBE_MAX_MEASURES] = { DG_CUBE_REVENUE };
    size_t n_measures = q->n_measures ? q->n_measures : 1;
    if (q->n_measures)
        memcpy(measures, q->measures, n_measures * sizeof *measures);
    uint8_t *visible = NULL, *row_total = NULL;
    key_ref *rows = NULL, *cols = NULL;
    long *matrix = NULL;
    dg_table *t = NULL;
    size_t n_rowkeys = 0, n_colkeys = 0;
    int rc = DG_ENOMEM;
    if (r->n_group != ng)
        return dg_error_set(err, DG_EINVAL, "result does not belong to this query");
    visible = malloc(r->n_cells + 1);
    row_total = malloc(r->n_cells + 1);
    if (!visible || !row_total)
        goto cleanup;
    uint32_t rows_only = (1u << nr) - 1;
    for (size_t c = 0; c < r->n_cells; c++) {
        visible[c] = !r->hidden[c];
        row_total[c] = nc > 0 && r->set[c] == rows_only;
    }
    if (!(rows = distinct_keys(cube, q, r, 0, nr, visible, &n_rowkeys)) ||
        !(cols = distinct_keys(cube, q, r, nr, nc, visible, &n_colkeys)))
        goto cleanup;
    if (n_colkeys && n_rowkeys > ((size_t)1 << 26) / n_colkeys) {
        rc = dg_error_set(err, DG_ERANGE, "the pivot would have %zu rows × %zu columns; put fewer "
                          "dimensions in cols or filter", n_rowkeys, n_colkeys);
        goto cleanup;
    }
    matrix = malloc((n_rowkeys * n_colkeys + 1) * sizeof *matrix);
    if (!matrix)
        goto cleanup;
    for (size_t i = 0; i < n_rowkeys * n_colkeys; i++)
        matrix[i] = -1;
    for (size_t c = 0; c < r->n_cells; c++) {
        const uint32_t *codes = r->codes + c * ng;
        long ri = find_key(cube, q, rows, n_rowkeys, codes, 0, nr);
        if (ri < 0)
            continue;
        if (visible[c]) {
            long ci = find_key(cube, q, cols, n_colkeys, codes + nr, nr, nc);
            matrix[(size_t)ri * n_colkeys + (size_t)ci] = (long)c;
        }
        /* the value a row is ranked by: its total over columns, or its only cell */
        if ((nc == 0 && visible[c]) || row_total[c]) {
            rows[ri].sort_value = dg_cube_result_value(
                r, c, q->sort_measure >= 0 ? (dg_cube_measure)q->sort_measure : measures[0]);
        }
    }
    /* the cell index of a row is carried by position: rank rows through an index permutation */
    size_t *order = malloc((n_rowkeys + 1) * sizeof *order);
    if (!order)
        goto cleanup;
    size_t n_shown = n_rowkeys;
    if (q->sort_measure >= 0 || q->top) {
        key_ref *ranked = malloc((n_rowkeys + 1) * sizeof *ranked);
        if (!ranked) {
            free(order);
            goto cleanup;
        }
        memcpy(ranked, rows, n_rowkeys * sizeof *rows);
        bool ascending = q->sort_ascending;
        qsort_r(ranked, n_rowkeys, sizeof *ranked, value_cmp, &ascending);
        size_t n_detail = 0;
        for (size_t i = 0; i < n_rowkeys; i++)
            n_detail += ranked[i].detail;
        size_t keep = q->top && q->top < n_detail ? q->top : n_detail;
        n_shown = 0;
        for (size_t i = 0; i < n_rowkeys; i++)
            if (!ranked[i].detail || i < keep)
                order[n_shown++] = (size_t)find_key(cube, q, rows, n_rowkeys, ranked[i].codes, 0, nr);
        free(ranked);
    } else {
        for (size_t i = 0; i < n_rowkeys; i++)
            order[i] = i;
    }

    char title[512];
    size_t used = (size_t)snprintf(title, sizeof title, "%s", dg_cube_measure_name(measures[0]));
    for (size_t m = 1; m < n_measures && used < sizeof title; m++)
        used += (size_t)snprintf(title + used, sizeof title - used, ", %s",
                                 dg_cube_measure_name(measures[m]));
    for (size_t j = 0; j < ng && used < sizeof title; j++)
        used += (size_t)snprintf(title + used, sizeof title - used, "%s%s",
                                 j == 0 ? " by " : j == nr ? " × " : ", ",
                                 cube->dims[q->group[j]].name);
    if (!(t = dg_table_new(title)))
        goto fail_order;
    for (size_t j = 0; j < nr; j++)
        if (dg_table_add_column(t, cube->dims[q->group[j]].name, DG_CELL_TEXT, 0))
            goto fail_order;
    int digits = cube->facts.minor_digits;
    size_t n_value_keys = nc == 0 ? 1 : n_colkeys;
    for (size_t ci = 0; ci < n_value_keys; ci++)
        for (size_t m = 0; m < n_measures; m++) {
            char name[512];
            const char *mname = dg_cube_measure_name(measures[m]);
            if (nc == 0)
                snprintf(name, sizeof name, "%s", mname);
            else {
                key_label(cube, q, cols[ci].codes, nr, nc, name, sizeof name);
                if (n_measures > 1) {
                    size_t len = strlen(name);
                    snprintf(name + len, sizeof name - len, " %s", mname);
                }
            }
            dg_cell_type type = measure_type(measures[m]);
            if (dg_table_add_column(t, name, type, type == DG_CELL_MONEY     ? digits
                                                   : type == DG_CELL_PERCENT ? 1
                                                                             : 0))
                goto fail_order;
        }
    for (size_t i = 0; i < n_shown; i++) {
        size_t ri = order[i];
        if (dg_table_add_row(t))
            goto fail_order;
        for (size_t j = 0; j < nr; j++)
            if (dg_table_set_text(t, j, dg_cube_dim_label(cube, (size_t)q->group[j],
                                                          rows[ri].codes[j])))
                goto fail_order;
        size_t col = nr;
        for (size_t ci = 0; ci < n_value_keys; ci++)
            for (size_t m = 0; m < n_measures; m++, col++) {
                long cell = n_colkeys ? matrix[ri * n_colkeys + ci] : -1;
                if (cell < 0)
                    continue;
                double v = dg_cube_result_value(r, (size_t)cell, measures[m]);
                switch (measure_type(measures[m])) {
                case DG_CELL_PERCENT: dg_table_set_real(t, col, v); break;
                default: dg_table_set_int(t, col, (int64_t)llround(v)); break;
                }
            }
    }
    free(order);
    *out = t;
    t = NULL;
    rc = 0;
    goto cleanup;
fail_order:
    free(order);
cleanup:
    if (rc == DG_ENOMEM)
        dg_error_set(err, rc, "out of memory laying out the cube");
    dg_table_free(t);
    free(visible);
    free(row_total);
    free(rows);
    free(cols);
    free(matrix);
    return rc;
}

int dg_cube_query_table(const dg_cube *cube, const dg_cube_query *q, dg_table **out,
                        dg_error *err)
{
    dg_cube_result *r = NULL;
    int rc = dg_cube_run(cube, q, &r, err);
    if (rc == 0)
        rc = dg_cube_result_table(cube, q, r, out, err);
    dg_cube_result_free(r);
    return rc;
}
