/* The cube engine (include/dangol/cube.h). A query is compiled into per-key 0/1 masks (customer,
 * day, product) plus per-order filter terms, and one dense accumulator array per grouping set
 * (mixed-radix cell index over the grouped dimensions' codes). One pass walks customers in CSR
 * order, skipping whole customers a customer-level filter rejects; since orders are grouped by
 * customer and lines by order, a distinct customer (order) is counted exactly with one "last seen"
 * slot per cell. Two threads split the customers, so their distinct counts simply add. */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/cube_internal.h"
#include "dangol/text.h"

static char *dup_text(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static void dim_release(dg__cube_dim *d)
{
    free(d->name);
    if (d->labels)
        for (size_t i = 0; i < d->n_labels; i++)
            free(d->labels[i]);
    free(d->labels);
    free(d->rank);
    free(d->owned_codes);
    memset(d, 0, sizeof *d);
}

void dg_cube_free(dg_cube *cube)
{
    if (!cube)
        return;
    for (size_t i = 0; i < cube->n_dims; i++)
        dim_release(&cube->dims[i]);
    free(cube->customer_start);
    free(cube->order_line_start);
    free(cube);
}

/* Natural order of labels: byte order (time labels are zero-padded), "(none)" last. */
static int label_cmp(const void *a, const void *b, void *ctx)
{
    char **labels = ctx;
    const char *x = labels[*(const uint32_t *)a], *y = labels[*(const uint32_t *)b];
    bool nx = strcmp(x, DG_CUBE_NONE_LABEL) == 0, ny = strcmp(y, DG_CUBE_NONE_LABEL) == 0;
    if (nx != ny)
        return nx ? 1 : -1;
    int c = strcmp(x, y);
    if (c)
        return c;
    return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

/* Registers a dimension; with owned_codes set, codes are freed with the cube. */
static int add_dim(dg_cube *cube, const char *name, const char *parent, dg_cube_key key,
                   const uint32_t *codes, uint32_t *owned_codes, size_t n_labels,
                   const char *const *labels, dg_error *err)
{
    if (cube->n_dims == DG_CUBE_MAX_DIMS) {
        free(owned_codes);
        return dg_error_set(err, DG_ERANGE, "a cube holds at most %d dimensions", DG_CUBE_MAX_DIMS);
    }
    if (dg_cube_dim_find(cube, name) >= 0) {
        free(owned_codes);
        return dg_error_set(err, DG_EEXIST, "dimension \"%s\" exists already", name);
    }
    int parent_dim = -1;
    if (parent && (parent_dim = dg_cube_dim_find(cube, parent)) < 0) {
        free(owned_codes);
        return dg_error_set(err, DG_EINVAL, "parent dimension \"%s\" of \"%s\" does not exist",
                            parent, name);
    }
    if (n_labels == 0 || n_labels >= DG_CUBE_ALL) {
        free(owned_codes);
        return dg_error_set(err, DG_EINVAL, "dimension \"%s\" needs 1 to 2^32-2 labels", name);
    }
    size_t domain = key == DG_CUBE_KEY_ORDER      ? cube->facts.n_orders
                    : key == DG_CUBE_KEY_CUSTOMER ? cube->facts.n_customers
                    : key == DG_CUBE_KEY_PRODUCT  ? cube->facts.n_products
                                                  : cube->n_days;
    for (size_t i = 0; i < domain; i++)
        if (codes[i] >= n_labels) {
            free(owned_codes);
            return dg_error_set(err, DG_EINVAL, "dimension \"%s\": code %u at %zu is not below %zu",
                                name, codes[i], i, n_labels);
        }
    dg__cube_dim *d = &cube->dims[cube->n_dims];
    d->name = dup_text(name);
    d->labels = calloc(n_labels, sizeof *d->labels);
    d->rank = malloc(n_labels * sizeof *d->rank);
    d->owned_codes = owned_codes;
    uint32_t *by_rank = malloc(n_labels * sizeof *by_rank);
    if (!d->name || !d->labels || !d->rank || !by_rank) {
        free(by_rank);
        goto oom;
    }
    for (size_t i = 0; i < n_labels; i++)
        if (!(d->labels[i] = dup_text(labels[i]))) {
            free(by_rank);
            goto oom;
        }
    for (size_t i = 0; i < n_labels; i++)
        by_rank[i] = (uint32_t)i;
    if (key != DG_CUBE_KEY_DAY)
        qsort_r(by_rank, n_labels, sizeof *by_rank, label_cmp, d->labels);
    for (size_t i = 0; i < n_labels; i++)
        d->rank[by_rank[i]] = (uint32_t)i;
    free(by_rank);
    d->n_labels = n_labels;
    d->key = key;
    d->codes = codes;
    d->parent = parent_dim;
    cube->n_dims++;
    return 0;
oom:
    d->n_labels = n_labels;
    dim_release(d);
    return dg_error_set(err, DG_ENOMEM, "out of memory adding dimension \"%s\"", name);
}

int dg__cube_add_dim_owned(dg_cube *cube, const char *name, const char *parent, dg_cube_key key,
                           uint32_t *codes, size_t n_labels, const char *const *labels,
                           dg_error *err)
{
    return add_dim(cube, name, parent, key, codes, codes, n_labels, labels, err);
}

int dg_cube_add_dim(dg_cube *cube, const char *name, const char *parent, dg_cube_key key,
                    const uint32_t *codes, size_t n_labels, const char *const *labels,
                    dg_error *err)
{
    if (key == DG_CUBE_KEY_DAY)
        return dg_error_set(err, DG_EINVAL, "day-keyed dimensions are built in (year ... day)");
    if (key == DG_CUBE_KEY_PRODUCT && cube->facts.n_lines == 0 && cube->facts.n_products == 0)
        return dg_error_set(err, DG_EINVAL, "dimension \"%s\" needs order lines", name);
    return add_dim(cube, name, parent, key, codes, NULL, n_labels, labels, err);
}

/* ISO 8601 week of a day: the week belongs to the year of its Thursday. */
static void iso_week(int32_t day, int *iso_year, int *week)
{
    int32_t weekday = (int32_t)(((day % 7) + 7 + 3) % 7);  /* 1970-01-01 was a Thursday: 0=Mon */
    int32_t thursday = day - weekday + 3;
    int y, m, d;
    dg_civil_from_days(thursday, &y, &m, &d);
    *iso_year = y;
    *week = (thursday - dg_days_from_civil(y, 1, 1)) / 7 + 1;
}

/* The five time levels over [first_day, last_day], codes in chronological order. */
static int add_time_dims(dg_cube *cube, dg_error *err)
{
    static const char *const names[] = { "year", "quarter", "month", "week", "day" };
    static const char *const parents[] = { NULL, "year", "quarter", "month", "week" };
    size_t n_days = cube->n_days ? cube->n_days : 1;
    for (int level = 0; level < 5; level++) {
        uint32_t *codes = calloc(n_days, sizeof *codes);
        char **labels = calloc(n_days, sizeof *labels);
        size_t n_labels = 0;
        int rc = DG_ENOMEM;
        if (!codes || !labels)
            goto done;
        char prev[32] = "";
        for (size_t i = 0; i < n_days; i++) {
            int32_t day = cube->first_day + (int32_t)i;
            int y, m, d, iy, w;
            char label[32];
            dg_civil_from_days(day, &y, &m, &d);
            switch (level) {
            case 0: snprintf(label, sizeof label, "%04d", y); break;
            case 1: snprintf(label, sizeof label, "%04d-Q%d", y, (m + 2) / 3); break;
            case 2: snprintf(label, sizeof label, "%04d-%02d", y, m); break;
            case 3:
                iso_week(day, &iy, &w);
                snprintf(label, sizeof label, "%04d-W%02d", iy, w);
                break;
            default: snprintf(label, sizeof label, "%04d-%02d-%02d", y, m, d); break;
            }
            if (n_labels == 0 || strcmp(label, prev) != 0) {
                if (!(labels[n_labels++] = dup_text(label)))
                    goto done;
                memcpy(prev, label, sizeof prev);
            }
            codes[i] = (uint32_t)(n_labels - 1);
        }
        rc = add_dim(cube, names[level], parents[level], DG_CUBE_KEY_DAY, codes, codes, n_labels,
                     (const char *const *)labels, err);
        codes = NULL;
    done:
        for (size_t i = 0; labels && i < n_labels; i++)
            free(labels[i]);
        free(labels);
        free(codes);
        if (rc == DG_ENOMEM)
            return dg_error_set(err, rc, "out of memory building the time dimensions");
        if (rc)
            return rc;
    }
    return 0;
}

int dg_cube_new(dg_cube **out, const dg_cube_facts *facts, dg_error *err)
{
    *out = NULL;
    const dg_cube_facts *f = facts;
    if (f->n_orders >= UINT32_MAX || f->n_customers >= UINT32_MAX || f->n_lines >= UINT32_MAX ||
        f->n_products >= UINT32_MAX)
        return dg_error_set(err, DG_ERANGE, "the cube holds fewer than 2^32 rows per table");
    if (f->n_orders && (!f->order_customer || !f->order_day || !f->order_revenue_minor))
        return dg_error_set(err, DG_EINVAL, "orders need customer, day and revenue columns");
    if (f->n_lines && (!f->line_order || !f->line_product || !f->line_amount_minor))
        return dg_error_set(err, DG_EINVAL, "order lines need order, product and amount columns");
    dg_cube *cube = calloc(1, sizeof *cube);
    if (!cube)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    cube->facts = *f;
    int rc;
    cube->customer_start = calloc(f->n_customers + 1, sizeof *cube->customer_start);
    if (!cube->customer_start)
        goto oom;
    cube->first_day = 1;
    cube->last_day = 0;
    for (size_t o = 0; o < f->n_orders; o++) {
        uint32_t c = f->order_customer[o];
        if (c >= f->n_customers || (o && c < f->order_customer[o - 1])) {
            rc = dg_error_set(err, DG_EINVAL, "order %zu: customer %u out of order or range", o,
                              c);
            goto fail;
        }
        cube->customer_start[c + 1]++;
        int32_t day = f->order_day[o];
        if (o == 0 || day < cube->first_day)
            cube->first_day = day;
        if (o == 0 || day > cube->last_day)
            cube->last_day = day;
    }
    for (size_t c = 0; c < f->n_customers; c++)
        cube->customer_start[c + 1] += cube->customer_start[c];
    cube->n_days = f->n_orders ? (size_t)((int64_t)cube->last_day - cube->first_day + 1) : 0;
    if (cube->n_days > 200000) {
        rc = dg_error_set(err, DG_ERANGE, "orders span %zu days; the cube handles up to 200000",
                          cube->n_days);
        goto fail;
    }
    if (f->n_lines) {
        cube->order_line_start = calloc(f->n_orders + 1, sizeof *cube->order_line_start);
        if (!cube->order_line_start)
            goto oom;
        for (size_t l = 0; l < f->n_lines; l++) {
            uint32_t o = f->line_order[l];
            if (o >= f->n_orders || (l && o < f->line_order[l - 1]) ||
                f->line_product[l] >= f->n_products) {
                rc = dg_error_set(err, DG_EINVAL,
                                  "order line %zu: order or product out of order or range", l);
                goto fail;
            }
            cube->order_line_start[o + 1]++;
        }
        for (size_t o = 0; o < f->n_orders; o++)
            cube->order_line_start[o + 1] += cube->order_line_start[o];
    }
    if ((rc = add_time_dims(cube, err)))
        goto fail;
    *out = cube;
    return 0;
oom:
    rc = dg_error_set(err, DG_ENOMEM, "out of memory building the cube");
fail:
    dg_cube_free(cube);
    return rc;
}

size_t dg_cube_dim_count(const dg_cube *cube) { return cube->n_dims; }
const char *dg_cube_dim_name(const dg_cube *cube, size_t dim) { return cube->dims[dim].name; }
size_t dg_cube_dim_labels(const dg_cube *cube, size_t dim) { return cube->dims[dim].n_labels; }

const char *dg_cube_dim_label(const dg_cube *cube, size_t dim, uint32_t code)
{
    if (code == DG_CUBE_ALL)
        return "Total";
    return cube->dims[dim].labels[code];
}

void dg_cube_day_range(const dg_cube *cube, int32_t *first_day, int32_t *last_day)
{
    *first_day = cube->first_day;
    *last_day = cube->last_day;
}

int dg_cube_dim_find(const dg_cube *cube, const char *name)
{
    static const struct { const char *alias, *name; } aliases[] = {
        { "date", "day" },           { "age_band", "age" },
        { "payment_method", "payment" }, { "acquisition_channel", "acquisition" },
        { "acq_channel", "acquisition" }, { "rfm_segment", "segment" },
        { "ladder_stage", "stage" },  { "sales_channel", "channel" },
    };
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(name, aliases[i].alias) == 0)
            name = aliases[i].name;
    for (size_t i = 0; i < cube->n_dims; i++)
        if (strcmp(cube->dims[i].name, name) == 0)
            return (int)i;
    return -1;
}

const char *dg_cube_measure_name(dg_cube_measure m)
{
    static const char *const names[DG_CUBE_N_MEASURES] = {
        "revenue", "orders", "customers", "units", "aov", "revenue_per_customer", "share",
    };
    return (unsigned)m < DG_CUBE_N_MEASURES ? names[m] : "?";
}

double dg_cube_result_value(const dg_cube_result *r, size_t cell, dg_cube_measure m)
{
    switch (m) {
    case DG_CUBE_REVENUE:   return (double)r->revenue_minor[cell];
    case DG_CUBE_ORDERS:    return (double)r->orders[cell];
    case DG_CUBE_CUSTOMERS: return (double)r->customers[cell];
    case DG_CUBE_UNITS:     return (double)r->units[cell];
    case DG_CUBE_AOV:
        return r->orders[cell] ? (double)r->revenue_minor[cell] / (double)r->orders[cell] : 0.0;
    case DG_CUBE_RPC:
        return r->customers[cell] ? (double)r->revenue_minor[cell] / (double)r->customers[cell]
                                  : 0.0;
    case DG_CUBE_SHARE:
        return r->total_revenue_minor
                   ? (double)r->revenue_minor[cell] / (double)r->total_revenue_minor
                   : 0.0;
    case DG_CUBE_N_MEASURES: break;
    }
    return 0.0;
}

void dg_cube_result_free(dg_cube_result *r)
{
    if (!r)
        return;
    free(r->codes);
    free(r->set);
    free(r->hidden);
    free(r->revenue_minor);
    free(r->orders);
    free(r->customers);
    free(r->units);
    free(r);
}

/* ---- query execution ---------------------------------------------------------------------- */

#define MAX_CELLS ((size_t)1 << 21)

typedef struct {
    uint32_t mask;                          /* grouped dims of the set (bit j = group[j]) */
    bool hidden;                            /* added for sorting or SHARE, not asked for */
    size_t base, n_cells;
    size_t stride[DG_CUBE_MAX_GROUP];       /* 0 for rolled-up dims */
} plan_set;

typedef struct {
    const uint32_t *codes;
    const uint8_t *allowed;                 /* 1 = keep, with negation folded in */
} order_term;

typedef struct {
    const dg_cube *cube;
    bool line_grain;
    size_t n_group;
    int key[DG_CUBE_MAX_GROUP];
    const uint32_t *codes[DG_CUBE_MAX_GROUP];
    plan_set sets[DG_CUBE_MAX_SETS + 2];
    size_t n_sets, n_cells;
    uint8_t *customer_mask, *day_mask, *product_mask;   /* NULL = all pass */
    order_term order_terms[DG_CUBE_MAX_FILTERS];
    size_t n_order_terms;
} plan;

typedef struct {
    const plan *p;
    size_t first_customer, end_customer;
    int64_t *revenue, *orders, *customers, *units;
    uint32_t *last_customer, *last_order;
    int rc;
} worker;

static void worker_free(worker *w)
{
    free(w->revenue);
    free(w->orders);
    free(w->customers);
    free(w->units);
    free(w->last_customer);
    free(w->last_order);
}

static int worker_alloc(worker *w, size_t n_cells)
{
    w->revenue = calloc(n_cells, sizeof *w->revenue);
    w->orders = calloc(n_cells, sizeof *w->orders);
    w->customers = calloc(n_cells, sizeof *w->customers);
    w->units = calloc(n_cells, sizeof *w->units);
    w->last_customer = malloc(n_cells * sizeof *w->last_customer);
    w->last_order = malloc(n_cells * sizeof *w->last_order);
    if (!w->revenue || !w->orders || !w->customers || !w->units || !w->last_customer ||
        !w->last_order)
        return DG_ENOMEM;
    memset(w->last_customer, 0xff, n_cells * sizeof *w->last_customer);
    memset(w->last_order, 0xff, n_cells * sizeof *w->last_order);
    return 0;
}

static void *worker_run(void *arg)
{
    worker *w = arg;
    const plan *p = w->p;
    const dg_cube *cube = p->cube;
    const dg_cube_facts *f = &cube->facts;
    size_t n_group = p->n_group, n_sets = p->n_sets;
    uint32_t code[DG_CUBE_MAX_GROUP];
    for (size_t c = w->first_customer; c < w->end_customer; c++) {
        if (p->customer_mask && !p->customer_mask[c])
            continue;
        for (size_t o = cube->customer_start[c]; o < cube->customer_start[c + 1]; o++) {
            size_t day = (size_t)(f->order_day[o] - cube->first_day);
            if (p->day_mask && !p->day_mask[day])
                continue;
            bool keep = true;
            for (size_t t = 0; t < p->n_order_terms && keep; t++)
                keep = p->order_terms[t].allowed[p->order_terms[t].codes[o]];
            if (!keep)
                continue;
            size_t index[4] = { o, c, day, 0 };
            if (!p->line_grain) {
                for (size_t j = 0; j < n_group; j++)
                    code[j] = p->codes[j][index[p->key[j]]];
                int64_t units = f->order_units ? f->order_units[o] : 0;
                for (size_t s = 0; s < n_sets; s++) {
                    const plan_set *ps = &p->sets[s];
                    size_t cell = ps->base;
                    for (size_t j = 0; j < n_group; j++)
                        cell += code[j] * ps->stride[j];
                    w->revenue[cell] += f->order_revenue_minor[o];
                    w->units[cell] += units;
                    w->orders[cell]++;
                    if (w->last_customer[cell] != c) {
                        w->last_customer[cell] = (uint32_t)c;
                        w->customers[cell]++;
                    }
                }
                continue;
            }
            for (size_t l = cube->order_line_start[o]; l < cube->order_line_start[o + 1]; l++) {
                uint32_t product = f->line_product[l];
                if (p->product_mask && !p->product_mask[product])
                    continue;
                index[3] = product;
                for (size_t j = 0; j < n_group; j++)
                    code[j] = p->codes[j][index[p->key[j]]];
                int64_t units = f->line_quantity ? f->line_quantity[l] : 0;
                for (size_t s = 0; s < n_sets; s++) {
                    const plan_set *ps = &p->sets[s];
                    size_t cell = ps->base;
                    for (size_t j = 0; j < n_group; j++)
                        cell += code[j] * ps->stride[j];
                    w->revenue[cell] += f->line_amount_minor[l];
                    w->units[cell] += units;
                    if (w->last_order[cell] != o) {
                        w->last_order[cell] = (uint32_t)o;
                        w->orders[cell]++;
                    }
                    if (w->last_customer[cell] != c) {
                        w->last_customer[cell] = (uint32_t)c;
                        w->customers[cell]++;
                    }
                }
            }
        }
    }
    return NULL;
}

static int add_set(plan *p, const dg_cube *cube, const dg_cube_query *q, uint32_t mask,
                   bool hidden, dg_error *err)
{
    for (size_t s = 0; s < p->n_sets; s++)
        if (p->sets[s].mask == mask)
            return 0;
    if (p->n_sets == DG_CUBE_MAX_SETS + 2)
        return dg_error_set(err, DG_ERANGE, "at most %d grouping sets", DG_CUBE_MAX_SETS);
    plan_set *ps = &p->sets[p->n_sets++];
    ps->mask = mask;
    ps->hidden = hidden;
    ps->base = p->n_cells;
    size_t n = 1;
    for (size_t j = p->n_group; j-- > 0;) {
        if (!(mask & (1u << j))) {
            ps->stride[j] = 0;
            continue;
        }
        ps->stride[j] = n;
        n *= cube->dims[q->group[j]].n_labels;
        if (n > MAX_CELLS)
            break;
    }
    ps->n_cells = n;
    p->n_cells += n;
    if (n > MAX_CELLS || p->n_cells > MAX_CELLS)
        return dg_error_set(err, DG_ERANGE,
                            "the query has more than %zu cells; group by coarser levels "
                            "(e.g. month instead of day) or fewer dimensions",
                            MAX_CELLS);
    return 0;
}

/* The grouping sets of q in output order; for TOTALS_SETS the user's order. */
static int plan_sets(plan *p, const dg_cube *cube, const dg_cube_query *q, dg_error *err)
{
    size_t nr = q->n_rows, nc = q->n_cols, n = nr + nc;
    uint32_t all = (1u << n) - 1, rows = (1u << nr) - 1;
    int rc = 0;
    switch (q->totals) {
    case DG_CUBE_TOTALS_NONE:
        rc = add_set(p, cube, q, all, false, err);
        break;
    case DG_CUBE_TOTALS_ROLLUP:
        for (size_t r = nr + 1; r-- > 0 && !rc;)
            for (size_t c = nc + 1; c-- > 0 && !rc;)
                rc = add_set(p, cube, q, ((1u << r) - 1) | (((1u << c) - 1) << nr), false, err);
        break;
    case DG_CUBE_TOTALS_CUBE:
        for (uint32_t m = all + 1; m-- > 0 && !rc;)
            rc = add_set(p, cube, q, m, false, err);
        break;
    case DG_CUBE_TOTALS_SETS:
        for (size_t s = 0; s < q->n_sets && !rc; s++) {
            uint32_t mask = 0, dims = q->sets[s];
            for (size_t j = 0; j < n; j++)
                if (dims & (1u << q->group[j])) {
                    mask |= 1u << j;
                    dims &= ~(1u << q->group[j]);
                }
            if (dims)
                return dg_error_set(err, DG_EINVAL,
                                    "a grouping set names a dimension that is not in rows or cols");
            rc = add_set(p, cube, q, mask, false, err);
        }
        break;
    }
    if (rc)
        return rc;
    if (nc && (q->top || q->sort_measure >= 0))
        rc = add_set(p, cube, q, rows, true, err);
    return rc;
}

static int build_masks(plan *p, const dg_cube *cube, const dg_cube_query *q, dg_error *err)
{
    const dg_cube_facts *f = &cube->facts;
    for (size_t t = 0; t < q->n_filters; t++) {
        const dg_cube_filter *flt = &q->filters[t];
        const dg__cube_dim *d = &cube->dims[flt->dim];
        uint8_t **mask = NULL;
        size_t domain = 0;
        switch (d->key) {
        case DG_CUBE_KEY_ORDER: {
            uint8_t *allowed = malloc(d->n_labels);
            if (!allowed)
                return dg_error_set(err, DG_ENOMEM, "out of memory");
            for (size_t i = 0; i < d->n_labels; i++)
                allowed[i] = (uint8_t)((flt->allowed[i] != 0) != flt->negate);
            p->order_terms[p->n_order_terms].codes = d->codes;
            p->order_terms[p->n_order_terms++].allowed = allowed;
            continue;
        }
        case DG_CUBE_KEY_CUSTOMER: mask = &p->customer_mask; domain = f->n_customers; break;
        case DG_CUBE_KEY_DAY:      mask = &p->day_mask; domain = cube->n_days; break;
        case DG_CUBE_KEY_PRODUCT:  mask = &p->product_mask; domain = f->n_products; break;
        }
        if (!*mask) {
            if (!(*mask = malloc(domain ? domain : 1)))
                return dg_error_set(err, DG_ENOMEM, "out of memory");
            memset(*mask, 1, domain);
        }
        for (size_t i = 0; i < domain; i++)
            (*mask)[i] &= (uint8_t)((flt->allowed[d->codes[i]] != 0) != flt->negate);
    }
    if (q->has_as_of && cube->n_days) {
        if (!p->day_mask) {
            if (!(p->day_mask = malloc(cube->n_days)))
                return dg_error_set(err, DG_ENOMEM, "out of memory");
            memset(p->day_mask, 1, cube->n_days);
        }
        for (size_t i = 0; i < cube->n_days; i++)
            if (cube->first_day + (int64_t)i > q->as_of)
                p->day_mask[i] = 0;
    }
    return 0;
}

static void plan_free(plan *p)
{
    free(p->customer_mask);
    free(p->day_mask);
    free(p->product_mask);
    for (size_t t = 0; t < p->n_order_terms; t++)
        free((void *)(uintptr_t)p->order_terms[t].allowed);
}

bool dg__cube_query_uses_lines(const dg_cube *cube, const dg_cube_query *q)
{
    for (size_t j = 0; j < q->n_rows + q->n_cols; j++)
        if (cube->dims[q->group[j]].key == DG_CUBE_KEY_PRODUCT)
            return true;
    for (size_t t = 0; t < q->n_filters; t++)
        if (cube->dims[q->filters[t].dim].key == DG_CUBE_KEY_PRODUCT)
            return true;
    return false;
}

int dg_cube_run(const dg_cube *cube, const dg_cube_query *q, dg_cube_result **out, dg_error *err)
{
    *out = NULL;
    plan p;
    memset(&p, 0, sizeof p);
    worker workers[2];
    memset(workers, 0, sizeof workers);
    dg_cube_result *r = NULL;
    int rc;
    p.cube = cube;
    p.n_group = q->n_rows + q->n_cols;
    if (p.n_group > DG_CUBE_MAX_GROUP)
        return dg_error_set(err, DG_EINVAL, "at most %d row and column dimensions",
                            DG_CUBE_MAX_GROUP);
    for (size_t j = 0; j < p.n_group; j++) {
        if (q->group[j] < 0 || (size_t)q->group[j] >= cube->n_dims)
            return dg_error_set(err, DG_EINVAL, "unknown dimension index %d", q->group[j]);
        const dg__cube_dim *d = &cube->dims[q->group[j]];
        p.key[j] = (int)d->key;
        p.codes[j] = d->codes;
    }
    p.line_grain = dg__cube_query_uses_lines(cube, q);
    if ((rc = plan_sets(&p, cube, q, err)) || (rc = build_masks(&p, cube, q, err)))
        goto cleanup;

    size_t n_customers = cube->facts.n_customers;
    int threads = q->threads > 0 ? q->threads : (cube->facts.n_orders >= 200000 ? 2 : 1);
    if (threads > 2)
        threads = 2;
    /* split customers so each thread gets about half of the orders */
    size_t split = n_customers;
    if (threads == 2) {
        uint64_t half = cube->customer_start[n_customers] / 2;
        size_t lo = 0, hi = n_customers;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (cube->customer_start[mid] < half)
                lo = mid + 1;
            else
                hi = mid;
        }
        split = lo;
    }
    workers[0] = (worker){ .p = &p, .first_customer = 0, .end_customer = split };
    workers[1] = (worker){ .p = &p, .first_customer = split, .end_customer = n_customers };
    for (int t = 0; t < threads; t++)
        if (worker_alloc(&workers[t], p.n_cells)) {
            rc = dg_error_set(err, DG_ENOMEM, "out of memory for %zu cells", p.n_cells);
            goto cleanup;
        }
    pthread_t tid;
    bool started = threads == 2 && pthread_create(&tid, NULL, worker_run, &workers[1]) == 0;
    worker_run(&workers[0]);
    if (threads == 2) {
        if (started)
            pthread_join(tid, NULL);
        else
            worker_run(&workers[1]);
        for (size_t i = 0; i < p.n_cells; i++) {
            workers[0].revenue[i] += workers[1].revenue[i];
            workers[0].orders[i] += workers[1].orders[i];
            workers[0].customers[i] += workers[1].customers[i];
            workers[0].units[i] += workers[1].units[i];
        }
    }

    /* long form: non-empty cells of every set, set order, codes in mixed-radix order */
    worker *w = &workers[0];
    size_t n_out = 0;
    for (size_t s = 0; s < p.n_sets; s++)
        for (size_t i = 0; i < p.sets[s].n_cells; i++)
            if (w->orders[p.sets[s].base + i] || p.sets[s].mask == 0)
                n_out++;
    r = calloc(1, sizeof *r);
    if (!r)
        goto oom;
    r->n_group = p.n_group;
    r->line_grain = p.line_grain;
    r->codes = malloc((n_out * p.n_group + 1) * sizeof *r->codes);
    r->set = malloc((n_out + 1) * sizeof *r->set);
    r->hidden = malloc(n_out + 1);
    r->revenue_minor = malloc((n_out + 1) * sizeof(int64_t));
    r->orders = malloc((n_out + 1) * sizeof(int64_t));
    r->customers = malloc((n_out + 1) * sizeof(int64_t));
    r->units = malloc((n_out + 1) * sizeof(int64_t));
    if (!r->codes || !r->set || !r->hidden || !r->revenue_minor || !r->orders || !r->customers || !r->units)
        goto oom;
    for (size_t s = 0; s < p.n_sets; s++) {
        const plan_set *ps = &p.sets[s];
        /* every set partitions the filtered rows, so any one gives the total revenue */
        if (s == 0)
            for (size_t i = 0; i < ps->n_cells; i++)
                r->total_revenue_minor += w->revenue[ps->base + i];
        for (size_t i = 0; i < ps->n_cells; i++) {
            size_t cell = ps->base + i;
            if (!w->orders[cell] && ps->mask != 0)
                continue;
            size_t k = r->n_cells++;
            size_t rest = i;
            for (size_t j = p.n_group; j-- > 0;) {
                if (!(ps->mask & (1u << j))) {
                    r->codes[k * p.n_group + j] = DG_CUBE_ALL;
                    continue;
                }
                size_t n_labels = cube->dims[q->group[j]].n_labels;
                r->codes[k * p.n_group + j] = (uint32_t)(rest % n_labels);
                rest /= n_labels;
            }
            r->set[k] = ps->mask;
            r->hidden[k] = ps->hidden;
            r->revenue_minor[k] = w->revenue[cell];
            r->orders[k] = w->orders[cell];
            r->customers[k] = w->customers[cell];
            r->units[k] = w->units[cell];
        }
    }
    *out = r;
    r = NULL;
    rc = 0;
    goto cleanup;
oom:
    rc = dg_error_set(err, DG_ENOMEM, "out of memory for the query result");
cleanup:
    worker_free(&workers[0]);
    worker_free(&workers[1]);
    plan_free(&p);
    dg_cube_result_free(r);
    return rc;
}
