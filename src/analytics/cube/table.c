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

/* A result laid out as a pivot: the distinct row and column keys, the cell at each (row, column),
 * and the rows in the order they are shown. */
typedef struct {
    const dg_cube *cube;
    const dg_cube_query *q;
    const dg_cube_result *r;
    size_t nr, nc;                       /* row and column dimensions */
    dg_cube_measure measures[DG_CUBE_MAX_MEASURES];
    size_t n_measures;
    key_ref *rows, *cols;
    size_t n_rows, n_cols;
    long *matrix;                        /* n_rows × n_cols cell indexes, -1 where none */
    size_t *order, n_shown;              /* the rows shown, in order */
    size_t n_detail, n_hidden;           /* detail rows, and those --top leaves out */
} pivot;

static void pivot_clear(pivot *p)
{
    free(p->rows);
    free(p->cols);
    free(p->matrix);
    free(p->order);
}

/* The row and column keys of the visible cells, and the cell of each (row, column); each row's
 * sort value is its total over the columns, or its only cell. */
static int pivot_index(pivot *p, dg_error *err)
{
    const dg_cube_result *r = p->r;
    size_t nr = p->nr, nc = p->nc;
    uint8_t *visible = malloc(r->n_cells + 1);
    int rc = DG_ENOMEM;
    if (!visible)
        return rc;
    for (size_t c = 0; c < r->n_cells; c++)
        visible[c] = !r->hidden[c];
    if (!(p->rows = distinct_keys(p->cube, p->q, r, 0, nr, visible, &p->n_rows)) ||
        !(p->cols = distinct_keys(p->cube, p->q, r, nr, nc, visible, &p->n_cols)))
        goto done;
    if (p->n_cols && p->n_rows > ((size_t)1 << 26) / p->n_cols) {
        rc = dg_error_set(err, DG_ERANGE, "the pivot would have %zu rows × %zu columns; put fewer "
                          "dimensions in cols or filter", p->n_rows, p->n_cols);
        goto done;
    }
    if (!(p->matrix = malloc((p->n_rows * p->n_cols + 1) * sizeof *p->matrix)))
        goto done;
    for (size_t i = 0; i < p->n_rows * p->n_cols; i++)
        p->matrix[i] = -1;
    uint32_t rows_only = (1u << nr) - 1;
    dg_cube_measure sort_by = p->q->sort_measure >= 0 ? (dg_cube_measure)p->q->sort_measure
                                                      : p->measures[0];
    for (size_t c = 0; c < r->n_cells; c++) {
        const uint32_t *codes = r->codes + c * (nr + nc);
        long ri = find_key(p->cube, p->q, p->rows, p->n_rows, codes, 0, nr);
        if (ri < 0)
            continue;
        if (visible[c]) {
            long ci = find_key(p->cube, p->q, p->cols, p->n_cols, codes + nr, nr, nc);
            p->matrix[(size_t)ri * p->n_cols + (size_t)ci] = (long)c;
        }
        bool row_total = nc > 0 && r->set[c] == rows_only;
        if ((nc == 0 && visible[c]) || row_total)
            p->rows[ri].sort_value = dg_cube_result_value(r, c, sort_by);
    }
    rc = 0;
done:
    free(visible);
    return rc;
}

/* The rows shown: all in key order, or the detail rows ranked by the sort measure and cut to the
 * top N, each subtotal row after them (a row's cell index is carried by its position, so the
 * ranking goes through an index permutation). */
static int pivot_rank(pivot *p)
{
    const dg_cube_query *q = p->q;
    if (!(p->order = malloc((p->n_rows + 1) * sizeof *p->order)))
        return DG_ENOMEM;
    if (q->sort_measure < 0 && !q->top) {
        for (size_t i = 0; i < p->n_rows; i++)
            p->order[i] = i;
        p->n_shown = p->n_rows;
        return 0;
    }
    key_ref *ranked = malloc((p->n_rows + 1) * sizeof *ranked);
    if (!ranked)
        return DG_ENOMEM;
    memcpy(ranked, p->rows, p->n_rows * sizeof *ranked);
    bool ascending = q->sort_ascending;
    qsort_r(ranked, p->n_rows, sizeof *ranked, value_cmp, &ascending);
    size_t n_detail = 0;
    for (size_t i = 0; i < p->n_rows; i++)
        n_detail += ranked[i].detail;
    size_t keep = q->top && q->top < n_detail ? q->top : n_detail;
    p->n_detail = n_detail;
    p->n_hidden = n_detail - keep;
    p->n_shown = 0;
    for (size_t i = 0; i < p->n_rows; i++)
        if (!ranked[i].detail || i < keep)
            p->order[p->n_shown++] = (size_t)find_key(p->cube, q, p->rows, p->n_rows,
                                                      ranked[i].codes, 0, p->nr);
    free(ranked);
    return 0;
}

/* "revenue, orders by month × channel". */
static void pivot_title(const pivot *p, char *title, size_t cap)
{
    size_t used = (size_t)snprintf(title, cap, "%s", dg_cube_measure_name(p->measures[0]));
    for (size_t m = 1; m < p->n_measures && used < cap; m++)
        used += (size_t)snprintf(title + used, cap - used, ", %s",
                                 dg_cube_measure_name(p->measures[m]));
    for (size_t j = 0; j < p->nr + p->nc && used < cap; j++)
        used += (size_t)snprintf(title + used, cap - used, "%s%s",
                                 j == 0 ? " by " : j == p->nr ? " × " : ", ",
                                 p->cube->dims[p->q->group[j]].name);
}

/* The row dimensions' columns, then one column per column key and measure ("Online revenue"),
 * or per measure without column dimensions. */
static int pivot_columns(const pivot *p, dg_table *t)
{
    const dg_cube *cube = p->cube;
    int bad = 0;
    for (size_t j = 0; j < p->nr; j++)
        bad |= dg_table_add_column(t, cube->dims[p->q->group[j]].name, DG_CELL_TEXT, 0);
    size_t n_value_keys = p->nc == 0 ? 1 : p->n_cols;
    for (size_t ci = 0; ci < n_value_keys; ci++)
        for (size_t m = 0; m < p->n_measures; m++) {
            char name[512];
            const char *mname = dg_cube_measure_name(p->measures[m]);
            if (p->nc == 0)
                snprintf(name, sizeof name, "%s", mname);
            else {
                key_label(cube, p->q, p->cols[ci].codes, p->nr, p->nc, name, sizeof name);
                if (p->n_measures > 1) {
                    size_t len = strlen(name);
                    snprintf(name + len, sizeof name - len, " %s", mname);
                }
            }
            dg_cell_type type = measure_type(p->measures[m]);
            bad |= dg_table_add_column(t, name, type,
                                       type == DG_CELL_MONEY     ? cube->facts.minor_digits
                                       : type == DG_CELL_PERCENT ? 1 : 0);
        }
    return bad ? DG_ENOMEM : 0;
}

/* When --top leaves rows out, the shown rows no longer add up to the totals: a note says so. */
static int pivot_note(const pivot *p, dg_table *t)
{
    if (p->n_hidden == 0)
        return 0;
    char note[160];
    snprintf(note, sizeof note, "--top %zu shows %zu of %zu rows%s", p->q->top,
             p->n_detail - p->n_hidden, p->n_detail,
             p->n_detail < p->n_rows ? "; the Total rows cover all of them" : "");
    bool totals = p->n_detail < p->n_rows;
    return dg_table_add_coded_note(t, totals ? "cube_top_total" : "cube_top", note) ||
           dg_table_note_param(t, "top", (double)p->q->top) ||
           dg_table_note_param(t, "shown", (double)(p->n_detail - p->n_hidden)) ||
           dg_table_note_param(t, "rows", (double)p->n_detail) ? DG_ENOMEM : 0;
}

/* The shown rows: their labels, then their cells (none where the key pair has no cell). */
static int pivot_rows(const pivot *p, dg_table *t)
{
    size_t n_value_keys = p->nc == 0 ? 1 : p->n_cols;
    for (size_t i = 0; i < p->n_shown; i++) {
        size_t ri = p->order[i];
        if (dg_table_add_row(t))
            return DG_ENOMEM;
        for (size_t j = 0; j < p->nr; j++)
            if (dg_table_set_text(t, j, dg_cube_dim_label(p->cube, (size_t)p->q->group[j],
                                                          p->rows[ri].codes[j])))
                return DG_ENOMEM;
        size_t col = p->nr;
        for (size_t ci = 0; ci < n_value_keys; ci++)
            for (size_t m = 0; m < p->n_measures; m++, col++) {
                long cell = p->n_cols ? p->matrix[ri * p->n_cols + ci] : -1;
                if (cell < 0)
                    continue;
                double v = dg_cube_result_value(p->r, (size_t)cell, p->measures[m]);
                if (measure_type(p->measures[m]) == DG_CELL_PERCENT)
                    dg_table_set_real(t, col, v);
                else
                    dg_table_set_int(t, col, (int64_t)llround(v));
            }
    }
    return 0;
}

int dg_cube_result_table(dg_table **out, const dg_cube *cube, const dg_cube_query *q,
                         const dg_cube_result *r, dg_error *err)
{
    *out = NULL;
    if (r->n_group != q->n_rows + q->n_cols)
        return dg_error_set(err, DG_EINVAL, "result does not belong to this query");
    pivot p = { .cube = cube, .q = q, .r = r, .nr = q->n_rows, .nc = q->n_cols,
                .measures = { DG_CUBE_REVENUE }, .n_measures = q->n_measures ? q->n_measures : 1 };
    if (q->n_measures)
        memcpy(p.measures, q->measures, p.n_measures * sizeof *p.measures);
    char title[512];
    dg_table *t = NULL;
    int rc = pivot_index(&p, err);
    if (rc == 0)
        rc = pivot_rank(&p);
    if (rc == 0) {
        pivot_title(&p, title, sizeof title);
        rc = (t = dg_table_new(title)) ? pivot_columns(&p, t) : DG_ENOMEM;
    }
    if (rc == 0)
        rc = pivot_note(&p, t);
    if (rc == 0)
        rc = pivot_rows(&p, t);
    pivot_clear(&p);
    if (rc != 0) {
        if (rc == DG_ENOMEM)
            dg_error_set(err, rc, "out of memory laying out the cube");
        dg_table_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

int dg_cube_query_table(dg_table **out, const dg_cube *cube, const dg_cube_query *q,
                        dg_error *err)
{
    dg_cube_result *r = NULL;
    int rc = dg_cube_run(&r, cube, q, err);
    if (rc == 0)
        rc = dg_cube_result_table(out, cube, q, r, err);
    dg_cube_result_free(r);
    return rc;
}
