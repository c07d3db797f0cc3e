/* Scoring with a stored XGBoost churn model without XGBoost's predictor (src/analytics/churn_impl.h).
 * XGBoost's CPU predictor costs about 20 ns a tree a row (1 M customers x 100 trees: 2 CPU
 * seconds, BENCHMARKS.md "Churn"); the issue asks for scoring 1 M customers under 1 s. So the
 * model's own JSON (XGBoosterSaveModelToBuffer) is read into flat nodes and walked here, a block
 * of rows at a time through every tree, eight rows in step so their independent walks overlap,
 * on the model's threads. It computes what
 * XGBoost's predictor computes, in the same order and precision: features as floats, a node's
 * test "value < split_condition" goes left (a missing value, NaN, goes the default way), leaf
 * values summed in float from the base margin tree by tree, then the logistic 1 / (1 + e^-x) in
 * float; tests/unit/test_churn.c checks the scores against XGBoost's own. Leaves point to
 * themselves, so every walk of a tree takes that tree's depth in steps with no branch to miss. */
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/churn_impl.h"
#include "core/parallel.h"

typedef struct forest_node {
    float cond;              /* split condition; a leaf's value */
    uint16_t feature;        /* column */
    uint8_t default_left;    /* a missing value goes left */
    uint32_t child[2];       /* left (value < cond), right; a leaf's both are itself */
} forest_node;

#define MAX_COLUMNS 65535
#define MAX_NODES 0x7fffffffu
#define LANES 8
#define BLOCK DG__CHURN_BLOCK   /* a multiple of LANES */

typedef struct forest {
    forest_node *nodes;
    uint32_t *root, *depth;  /* per tree */
    size_t n_trees;
    float base_margin;
} forest;

typedef struct score_job {
    const forest *fo;
    const dg__churn_rows *rows;
    double *out;
} score_job;

static int damaged(dg_error *err, const char *what)
{
    return dg_error_set(err, DG_EINVAL, "the stored churn model cannot be read: %s", what);
}

static json_t *path_get(json_t *v, const char *const *keys, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        v = json_object_get(v, keys[i]);
    return v;
}

/* One tree's arrays, all of length n, checked. */
typedef struct tree_arrays {
    json_t *left, *right, *index, *cond, *dleft, *split_type;
    size_t n;
} tree_arrays;

static bool tree_arrays_of(tree_arrays *a, json_t *tree)
{
    a->left = json_object_get(tree, "left_children");
    a->right = json_object_get(tree, "right_children");
    a->index = json_object_get(tree, "split_indices");
    a->cond = json_object_get(tree, "split_conditions");
    a->dleft = json_object_get(tree, "default_left");
    a->split_type = json_object_get(tree, "split_type");
    a->n = json_array_size(a->left);
    return a->n > 0 && json_array_size(a->right) == a->n && json_array_size(a->index) == a->n &&
           json_array_size(a->cond) == a->n && json_array_size(a->dleft) == a->n;
}

/* Reads one tree into fo->nodes[base ..]; its depth by walking from the root (each node seen once,
 * so a damaged model cannot loop). */
static int read_tree(forest *fo, size_t t, size_t base, json_t *tree, size_t p, dg_error *err)
{
    tree_arrays a;
    if (!tree_arrays_of(&a, tree))
        return damaged(err, "a tree without its node arrays");
    for (size_t i = 0; i < a.n; i++) {
        forest_node *nd = &fo->nodes[base + i];
        json_int_t l = json_integer_value(json_array_get(a.left, i));
        json_int_t r = json_integer_value(json_array_get(a.right, i));
        json_int_t j = json_integer_value(json_array_get(a.index, i));
        json_t *dl = json_array_get(a.dleft, i);
        if (json_integer_value(json_array_get(a.split_type, i)) != 0)
            return damaged(err, "a categorical split");
        nd->cond = (float)json_number_value(json_array_get(a.cond, i));
        nd->default_left = json_is_true(dl) || json_integer_value(dl);
        if (l < 0) {
            nd->feature = 0;
            nd->child[0] = nd->child[1] = (uint32_t)(base + i);
            continue;
        }
        if (l >= (json_int_t)a.n || r < 0 || r >= (json_int_t)a.n || j < 0 || (size_t)j >= p)
            return damaged(err, "a node pointing outside its tree or its columns");
        nd->feature = (uint16_t)j;
        nd->child[0] = (uint32_t)(base + (size_t)l);
        nd->child[1] = (uint32_t)(base + (size_t)r);
    }
    /* depth by a walk: stack of (node, depth) */
    uint32_t *stack = malloc(2 * a.n * sizeof *stack);
    uint8_t *seen = calloc(a.n, 1);
    int rc = stack && seen ? 0 : dg_error_set(err, DG_ENOMEM, "out of memory for a tree");
    size_t top = 0;
    uint32_t depth = 0;
    if (rc == 0) {
        stack[top++] = 0;
        stack[top++] = 0;
    }
    while (rc == 0 && top > 0) {
        uint32_t d = stack[--top], i = stack[--top];
        if (seen[i]++) {
            rc = damaged(err, "a tree whose nodes are reached twice");
            break;
        }
        const forest_node *nd = &fo->nodes[base + i];
        if (nd->child[0] == base + i) {
            depth = d > depth ? d : depth;
            continue;
        }
        for (int c = 0; c < 2; c++) {
            stack[top++] = nd->child[c] - (uint32_t)base;
            stack[top++] = d + 1;
        }
    }
    free(stack);
    free(seen);
    fo->root[t] = (uint32_t)base;
    fo->depth[t] = depth;
    return rc;
}

static void forest_free(forest *fo)
{
    free(fo->nodes);
    free(fo->root);
    free(fo->depth);
}

/* The model's JSON as a forest of n_trees trees over p columns. */
static int forest_read(forest *fo, const unsigned char *bytes, size_t n_bytes, size_t p,
                       dg_error *err)
{
    memset(fo, 0, sizeof *fo);
    json_error_t jerr;
    json_t *doc = json_loadb((const char *)bytes, n_bytes, 0, &jerr);
    if (!doc)
        return damaged(err, jerr.text);
    static const char *const obj_path[] = { "learner", "objective", "name" };
    static const char *const base_path[] = { "learner", "learner_model_param", "base_score" };
    static const char *const trees_path[] = { "learner", "gradient_booster", "model", "trees" };
    const char *objective = json_string_value(path_get(doc, obj_path, 3));
    const char *base = json_string_value(path_get(doc, base_path, 3));
    json_t *trees = path_get(doc, trees_path, 4);
    int rc = 0;
    if (!objective || strcmp(objective, "binary:logistic") != 0 || !base || !json_is_array(trees))
        rc = damaged(err, "not an XGBoost binary:logistic model");
    size_t n_nodes = 0;
    fo->n_trees = json_array_size(trees);
    for (size_t t = 0; rc == 0 && t < fo->n_trees; t++)
        n_nodes += json_array_size(json_object_get(json_array_get(trees, t), "left_children"));
    if (rc == 0 && (n_nodes >= MAX_NODES || p > MAX_COLUMNS))
        rc = damaged(err, "too many nodes or columns");
    if (rc == 0 && (!(fo->nodes = malloc((n_nodes ? n_nodes : 1) * sizeof *fo->nodes)) ||
                    !(fo->root = malloc((fo->n_trees ? fo->n_trees : 1) * sizeof *fo->root)) ||
                    !(fo->depth = malloc((fo->n_trees ? fo->n_trees : 1) * sizeof *fo->depth))))
        rc = dg_error_set(err, DG_ENOMEM, "out of memory for the model's %zu nodes", n_nodes);
    for (size_t t = 0, at = 0; rc == 0 && t < fo->n_trees; t++) {
        json_t *tree = json_array_get(trees, t);
        rc = read_tree(fo, t, at, tree, p, err);
        at += json_array_size(json_object_get(tree, "left_children"));
    }
    if (rc == 0) {
        /* the logistic objective's ProbToMargin, in float as XGBoost computes it */
        float b = strtof(base, NULL);
        if (!(b > 0.0f && b < 1.0f))
            rc = damaged(err, "a base score outside (0, 1)");
        fo->base_margin = -logf(1.0f / b - 1.0f);
    }
    json_decref(doc);
    if (rc != 0)
        forest_free(fo);
    return rc;
}

/* One step down a node for the row: left when value < cond; with missing values possible (NaN),
 * a missing one goes the node's default way. Without a branch either way. */
static inline __attribute__((always_inline)) uint32_t step(const forest_node *nodes, uint32_t i,
                                                           const float *row, bool missing)
{
    const forest_node *nd = &nodes[i];
    float v = row[nd->feature];
    unsigned right = !(v < nd->cond);   /* NaN fails the test: right */
    if (missing)
        right &= !((unsigned)isnan(v) & nd->default_left);
    return nd->child[right];
}

/* Adds every tree's leaf for the block's rows xf[nb x p] (nb a multiple of LANES) to sum, LANES
 * rows in step; `missing` when the block holds a NaN (the features never do: the fast path). */
static inline __attribute__((always_inline)) void walk_block(const forest *fo, const float *xf,
                                                             size_t nb, size_t p, float *sum,
                                                             bool missing)
{
    for (size_t t = 0; t < fo->n_trees; t++) {
        uint32_t root = fo->root[t], depth = fo->depth[t];
        for (size_t k0 = 0; k0 < nb; k0 += LANES) {
            uint32_t at[LANES];
            for (size_t k = 0; k < LANES; k++)
                at[k] = root;
            for (uint32_t d = 0; d < depth; d++)
#pragma GCC unroll 8
                for (size_t k = 0; k < LANES; k++)
                    at[k] = step(fo->nodes, at[k], xf + (k0 + k) * p, missing);
            for (size_t k = 0; k < LANES; k++)
                sum[k0 + k] += fo->nodes[at[k]].cond;
        }
    }
}

/* Scores rows [begin, end) (dg__rows_fn; the sum is unused): BLOCK rows at a time as floats, so
 * a block and one tree stay in the first-level cache while every tree walks the block. Rows on
 * demand are computed a block at a time into a buffer that stays in the cache too. */
static void score_rows(size_t begin, size_t end, double *acc, const void *ctx)
{
    const score_job *jb = ctx;
    const forest *fo = jb->fo;
    const dg__churn_rows *rows = jb->rows;
    size_t p = rows->p;
    float *xf = calloc(BLOCK * (p ? p : 1), sizeof *xf);
    double *buf = rows->x ? NULL : malloc(BLOCK * (rows->stride ? rows->stride : 1) * sizeof *buf);
    (void)acc;
    if (!xf || (!rows->x && !buf)) {
        for (size_t r = begin; r < end; r++)
            jb->out[r] = NAN;   /* dg_churn_predict refuses a score that is not a number */
        free(xf);
        return;
    }
    float sum[BLOCK];
    for (size_t b0 = begin; b0 < end; b0 += BLOCK) {
        size_t nb = end - b0 < BLOCK ? end - b0 : BLOCK;
        const double *x = dg__churn_rows_block(rows, b0, b0 + nb, buf);
        if (!x) {
            for (size_t k = 0; k < nb; k++)
                jb->out[b0 + k] = NAN;
            continue;
        }
        bool missing = false;
        for (size_t k = 0; k < nb; k++) {
            const double *row = x + k * rows->stride;
            for (size_t j = 0; j < p; j++) {
                int from = rows->column[j];
                float v = from < 0 ? 0.0f : (float)row[from];
                xf[k * p + j] = v;
                missing |= isnan(v);
            }
        }
        for (size_t k = 0; k < BLOCK; k++)
            sum[k] = fo->base_margin;
        size_t lanes = (nb + LANES - 1) / LANES * LANES;   /* rows past nb: discarded */
        if (missing)
            walk_block(fo, xf, lanes, p, sum, true);
        else
            walk_block(fo, xf, lanes, p, sum, false);
        for (size_t k = 0; k < nb; k++)
            jb->out[b0 + k] = 1.0f / (1.0f + expf(-sum[k]));
    }
    free(xf);
    free(buf);
}

int dg__churn_xgb_predict(double *out, const unsigned char *bytes, size_t n_bytes,
                          const dg__churn_rows *rows, const dg_churn_params *prm, dg_error *err)
{
    forest fo;
    int rc = forest_read(&fo, bytes, n_bytes, rows->p, err);
    if (rc != 0)
        return rc;
    score_job jb = { &fo, rows, out };
    double unused;
    if (dg__parallel_sum(rows->n, 1, score_rows, &jb, prm->threads, &unused) != 0)
        rc = dg_error_set(err, DG_ENOMEM, "out of memory to score %zu customers", rows->n);
    forest_free(&fo);
    return rc;
}
