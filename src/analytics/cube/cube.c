/* The cube (include/dangol/cube.h): its fact columns, the CSR indexes it derives from them
 * (customer -> orders, order -> lines), the built-in time levels and the dictionary-encoded
 * dimensions, each keyed by order, customer, day or product. Queries run in run.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/cube/internal.h"
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

/* The five time levels over [first_day, last_day], codes in chronological order, with a label
 * only for the periods that have an order: a store whose orders span two centuries gets labels
 * for its busy days, not a row per empty month. Days without an order keep code 0, which no
 * order reads. (A filter's label outside the data is still valid: it matches nothing.) */
static int add_time_dims(dg_cube *cube, dg_error *err)
{
    static const char *const names[] = { "year", "quarter", "month", "week", "day" };
    static const char *const parents[] = { NULL, "year", "quarter", "month", "week" };
    size_t n_days = cube->n_days ? cube->n_days : 1;
    uint8_t *has_order = calloc(n_days, 1);
    if (!has_order)
        return dg_error_set(err, DG_ENOMEM, "out of memory building the time dimensions");
    for (size_t o = 0; o < cube->facts.n_orders; o++)
        if (dg__cube_order_kept(cube, o))
            has_order[cube->facts.order_day[o] - cube->first_day] = 1;
    if (cube->n_days == 0)
        has_order[0] = 1;   /* one label, so every level has one */
    for (int level = 0; level < 5; level++) {
        uint32_t *codes = calloc(n_days, sizeof *codes);
        char **labels = calloc(n_days, sizeof *labels);
        size_t n_labels = 0;
        int rc = DG_ENOMEM;
        if (!codes || !labels)
            goto done;
        char prev[32] = "";
        for (size_t i = 0; i < n_days; i++) {
            if (!has_order[i])
                continue;
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
        if (rc) {
            free(has_order);
            return rc == DG_ENOMEM
                       ? dg_error_set(err, rc, "out of memory building the time dimensions")
                       : rc;
        }
    }
    free(has_order);
    return 0;
}

/* customer_start from the orders' customers (nondecreasing, each below n_customers). */
static int count_by_customer(dg_cube *cube, dg_error *err)
{
    const dg_cube_facts *f = &cube->facts;
    for (size_t o = 0; o < f->n_orders; o++) {
        uint32_t c = f->order_customer[o];
        if (c >= f->n_customers || (o && c < f->order_customer[o - 1]))
            return dg_error_set(err, DG_EINVAL, "order %zu: customer %u out of order or range",
                                o, c);
        cube->customer_start[c + 1]++;
    }
    for (size_t c = 0; c < f->n_customers; c++)
        cube->customer_start[c + 1] += cube->customer_start[c];
    return 0;
}

/* customer_start from the facts' own (from 0 up to n_orders, never down). */
static int copy_customer_start(dg_cube *cube, dg_error *err)
{
    const dg_cube_facts *f = &cube->facts;
    const size_t *start = f->customer_order_start;
    for (size_t c = 0; c <= f->n_customers; c++) {
        if ((c == 0 && start[0] != 0) || (c && start[c] < start[c - 1]) ||
            (c == f->n_customers && start[c] != f->n_orders))
            return dg_error_set(err, DG_EINVAL, "customer %zu: orders out of order or range",
                                c);
        cube->customer_start[c] = (uint32_t)start[c];
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
    if (f->n_orders && ((!f->order_customer && !f->customer_order_start) || !f->order_day ||
                        !f->order_revenue_minor))
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
    if (f->order_customer ? (rc = count_by_customer(cube, err)) != 0
                          : (rc = copy_customer_start(cube, err)) != 0)
        goto fail;
    size_t kept = 0;
    for (size_t o = 0; o < f->n_orders; o++) {
        int32_t day = f->order_day[o];
        if (f->has_as_of && day > f->as_of)
            continue;
        if (kept == 0 || day < cube->first_day)
            cube->first_day = day;
        if (kept++ == 0 || day > cube->last_day)
            cube->last_day = day;
    }
    cube->n_days = kept ? (size_t)((int64_t)cube->last_day - cube->first_day + 1) : 0;
    if (cube->n_days > 200000) {
        rc = dg_error_set(err, DG_ERANGE, "orders span %zu days; the cube handles up to 200000",
                          cube->n_days);
        goto fail;
    }
    /* without order lines there is no index (NULL): a product query then finds nothing */
    if (f->n_lines && !(cube->order_line_start = calloc(f->n_orders + 1,
                                                        sizeof *cube->order_line_start)))
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
    for (size_t o = 0; f->n_lines && o < f->n_orders; o++)
        cube->order_line_start[o + 1] += cube->order_line_start[o];
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

void dg_cube_dim_keep_order(dg_cube *cube, size_t dim)
{
    dg__cube_dim *d = &cube->dims[dim];
    for (size_t i = 0; i < d->n_labels; i++)
        d->rank[i] = (uint32_t)i;
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

dg_cube_key dg_cube_dim_key(const dg_cube *cube, size_t dim) { return cube->dims[dim].key; }

uint32_t dg_cube_dim_code(const dg_cube *cube, size_t dim, int64_t key)
{
    const dg__cube_dim *d = &cube->dims[dim];
    return d->codes[d->key == DG_CUBE_KEY_DAY ? key - cube->first_day : key];
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
