/* Query execution for the cube (include/dangol/cube.h). A query is compiled into 0/1 masks per
 * key (customer, day, product), per-order filter terms and, for each grouping set, a dense array
 * of accumulator cells indexed by a mixed-radix number over the grouped codes. The cell offset is
 * split by key: the customer part is computed once per customer, the day and product parts are
 * looked up in small per-set tables, so an order costs one lookup per order-level dimension.
 * One pass walks customers in CSR order and skips whole customers a customer-level filter
 * rejects. Orders are grouped by customer and lines by order, so a distinct customer (order) is
 * counted exactly with one "last seen" slot per cell. Two threads split the customers, so their
 * distinct counts simply add. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/cube/internal.h"
#include "dangol/money.h"

#define MAX_CELLS ((size_t)1 << 21)

typedef struct {
    int64_t revenue, units, orders, customers;
    uint32_t last_customer, last_order;
} acc;

typedef struct {
    uint32_t mask;                          /* grouped dims of the set (bit j = group[j]) */
    bool hidden;                            /* added for sorting, not asked for */
    size_t base, n_cells;
    size_t stride[DG_CUBE_MAX_GROUP];       /* 0 for rolled-up dims */
    uint32_t *day_offset;                   /* [n_days] day-keyed part of the cell */
    uint32_t *product_offset;               /* [n_products] product-keyed part (line grain) */
    size_t n_order_dims, n_customer_dims;
    const uint32_t *order_codes[DG_CUBE_MAX_GROUP], *customer_codes[DG_CUBE_MAX_GROUP];
    uint32_t order_stride[DG_CUBE_MAX_GROUP], customer_stride[DG_CUBE_MAX_GROUP];
} plan_set;

typedef struct {
    const uint32_t *codes;
    const uint8_t *allowed;                 /* 1 = keep, with negation folded in */
} order_term;

typedef struct {
    const dg_cube *cube;
    bool line_grain;
    size_t n_group;
    plan_set sets[DG_CUBE_MAX_SETS + 1];
    size_t n_sets, n_cells;
    uint8_t *customer_mask, *day_mask, *product_mask;   /* NULL = all pass */
    order_term order_terms[DG_CUBE_MAX_FILTERS];
    size_t n_order_terms;
    /* order columns the pass reads, prefetched a few customers ahead: a customer-level filter
     * makes the walk skip, and then waiting for memory would dominate */
    const char *prefetch_base[2 * DG_CUBE_MAX_GROUP + DG_CUBE_MAX_FILTERS + 4];
    size_t prefetch_size[2 * DG_CUBE_MAX_GROUP + DG_CUBE_MAX_FILTERS + 4];
    size_t n_prefetch;
} plan;

#define PREFETCH_AHEAD 8

static void add_prefetch(plan *p, const void *column, size_t size)
{
    if (column && p->n_prefetch < sizeof p->prefetch_base / sizeof p->prefetch_base[0]) {
        p->prefetch_base[p->n_prefetch] = column;
        p->prefetch_size[p->n_prefetch++] = size;
    }
}

typedef struct {
    const plan *p;
    size_t first_customer, end_customer;
    acc *cells;
    bool overflow;          /* a cell's revenue or units left the int64 range */
} worker;

/* Adds revenue and units to a cell; true when either sum leaves the int64 range. */
static inline bool add_amounts(acc *a, int64_t revenue, int64_t units)
{
    return (dg_money_add(&a->revenue, revenue) != 0) |
           __builtin_add_overflow(a->units, units, &a->units);
}

/* Adds one order (or line) to the cells of every set; true on an overflow. */
static inline bool accumulate(acc *cells, const plan *p, const size_t *customer_base, size_t o,
                              size_t day, size_t product, uint32_t c, int64_t revenue,
                              int64_t units)
{
    bool overflow = false;
    for (size_t s = 0; s < p->n_sets; s++) {
        const plan_set *ps = &p->sets[s];
        size_t cell = customer_base[s] + ps->day_offset[day];
        if (p->line_grain)
            cell += ps->product_offset[product];
        for (size_t j = 0; j < ps->n_order_dims; j++)
            cell += (size_t)ps->order_codes[j][o] * ps->order_stride[j];
        acc *a = &cells[cell];
        overflow |= add_amounts(a, revenue, units);
        if (a->last_order != o) {
            a->last_order = (uint32_t)o;
            a->orders++;
        }
        if (a->last_customer != c) {
            a->last_customer = c;
            a->customers++;
        }
    }
    return overflow;
}

/* The common case: one grouping set at order grain (each order visits its cell once); true on an
 * overflow. */
static inline bool accumulate_order(acc *cells, const plan_set *ps, size_t customer_base, size_t o,
                                    size_t day, uint32_t c, int64_t revenue, int64_t units)
{
    size_t cell = customer_base + ps->day_offset[day];
    for (size_t j = 0; j < ps->n_order_dims; j++)
        cell += (size_t)ps->order_codes[j][o] * ps->order_stride[j];
    acc *a = &cells[cell];
    bool overflow = add_amounts(a, revenue, units);
    a->orders++;
    if (a->last_customer != c) {
        a->last_customer = c;
        a->customers++;
    }
    return overflow;
}

static void *worker_run(void *arg)
{
    worker *w = arg;
    const plan *p = w->p;
    const dg_cube *cube = p->cube;
    const dg_cube_facts *f = &cube->facts;
    size_t customer_base[DG_CUBE_MAX_SETS + 1];
    for (size_t c = w->first_customer; c < w->end_customer; c++) {
        size_t ahead = c + PREFETCH_AHEAD;
        if (ahead < w->end_customer && (!p->customer_mask || p->customer_mask[ahead])) {
            size_t at = cube->customer_start[ahead];
            for (size_t i = 0; i < p->n_prefetch; i++)
                __builtin_prefetch(p->prefetch_base[i] + at * p->prefetch_size[i]);
        }
        size_t first = cube->customer_start[c], end = cube->customer_start[c + 1];
        if (first == end || (p->customer_mask && !p->customer_mask[c]))
            continue;
        for (size_t s = 0; s < p->n_sets; s++) {
            const plan_set *ps = &p->sets[s];
            customer_base[s] = ps->base;
            for (size_t j = 0; j < ps->n_customer_dims; j++)
                customer_base[s] += (size_t)ps->customer_codes[j][c] * ps->customer_stride[j];
        }
        for (size_t o = first; o < end; o++) {
            size_t day = (size_t)((int64_t)f->order_day[o] - cube->first_day);
            if (day >= cube->n_days || (p->day_mask && !p->day_mask[day]))
                continue;   /* dated after the facts' as_of, or a day the query leaves out */
            bool keep = true;
            for (size_t t = 0; t < p->n_order_terms && keep; t++)
                keep = p->order_terms[t].allowed[p->order_terms[t].codes[o]];
            if (!keep)
                continue;
            if (!p->line_grain) {
                int64_t units = f->order_units ? f->order_units[o] : 0;
                if (p->n_sets == 1)
                    w->overflow |= accumulate_order(w->cells, &p->sets[0], customer_base[0], o, day, (uint32_t)c,
                                     f->order_revenue_minor[o], units);
                else
                    w->overflow |= accumulate(w->cells, p, customer_base, o, day, 0, (uint32_t)c,
                               f->order_revenue_minor[o], units);
                continue;
            }
            if (!cube->order_line_start)
                continue;
            for (size_t l = cube->order_line_start[o]; l < cube->order_line_start[o + 1]; l++) {
                uint32_t product = f->line_product[l];
                if (p->product_mask && !p->product_mask[product])
                    continue;
                w->overflow |= accumulate(w->cells, p, customer_base, o, day, product,
                                          (uint32_t)c, f->line_amount_minor[l],
                                          f->line_quantity ? f->line_quantity[l] : 0);
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
    if (p->n_sets == DG_CUBE_MAX_SETS + 1)
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
    /* split the cell offset by key */
    size_t n_days = cube->n_days ? cube->n_days : 1, n_products = cube->facts.n_products;
    ps->day_offset = calloc(n_days, sizeof *ps->day_offset);
    if (!ps->day_offset)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    if (p->line_grain && !(ps->product_offset = calloc(n_products + 1, sizeof(uint32_t))))
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    for (size_t j = 0; j < p->n_group; j++) {
        if (!ps->stride[j])
            continue;
        const dg__cube_dim *d = &cube->dims[q->group[j]];
        uint32_t stride = (uint32_t)ps->stride[j];
        switch (d->key) {
        case DG_CUBE_KEY_ORDER:
            ps->order_codes[ps->n_order_dims] = d->codes;
            ps->order_stride[ps->n_order_dims++] = stride;
            break;
        case DG_CUBE_KEY_CUSTOMER:
            ps->customer_codes[ps->n_customer_dims] = d->codes;
            ps->customer_stride[ps->n_customer_dims++] = stride;
            break;
        case DG_CUBE_KEY_DAY:
            for (size_t i = 0; i < cube->n_days; i++)
                ps->day_offset[i] += d->codes[i] * stride;
            break;
        case DG_CUBE_KEY_PRODUCT:
            for (size_t i = 0; i < n_products; i++)
                ps->product_offset[i] += d->codes[i] * stride;
            break;
        }
    }
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
        if (!rc && q->n_sets == 0)
            rc = add_set(p, cube, q, all, false, err);
        break;
    }
    if (!rc && nc && (q->top || q->sort_measure >= 0))
        rc = add_set(p, cube, q, rows, true, err);
    return rc;
}

static int build_masks(plan *p, const dg_cube *cube, const dg_cube_query *q, dg_error *err)
{
    const dg_cube_facts *f = &cube->facts;
    for (size_t t = 0; t < q->n_filters; t++) {
        const dg_cube_filter *flt = &q->filters[t];
        if (flt->dim < 0 || (size_t)flt->dim >= cube->n_dims)
            return dg_error_set(err, DG_EINVAL, "filter on unknown dimension index %d", flt->dim);
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
    for (size_t s = 0; s < p->n_sets; s++) {
        free(p->sets[s].day_offset);
        free(p->sets[s].product_offset);
    }
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

static acc *cells_new(size_t n)
{
    acc *cells = calloc(n ? n : 1, sizeof *cells);
    for (size_t i = 0; cells && i < n; i++)
        cells[i].last_customer = cells[i].last_order = UINT32_MAX;
    return cells;
}

static int overflow_error(dg_error *err)
{
    return dg_error_set(err, DG_ERANGE, "the revenue or units of a cube cell overflow: revenue "
                        "must stay within the money range (" DG_MONEY_SUM_RANGE_TEXT "), units "
                        "within int64; check the order amounts and quantities");
}

/* Long form: the non-empty cells of every set (and the grand total cell even when empty), in
 * set order, codes in mixed-radix order. DG_ENOMEM, or DG_ERANGE when the total revenue
 * overflows. */
static int collect(const plan *p, const dg_cube_query *q, const acc *cells, dg_cube_result *r)
{
    const dg_cube *cube = p->cube;
    size_t n_out = 0;
    for (size_t s = 0; s < p->n_sets; s++)
        for (size_t i = 0; i < p->sets[s].n_cells; i++)
            if (cells[p->sets[s].base + i].orders || p->sets[s].mask == 0)
                n_out++;
    r->n_group = p->n_group;
    r->line_grain = p->line_grain;
    r->codes = malloc((n_out * p->n_group + 1) * sizeof *r->codes);
    r->set = malloc((n_out + 1) * sizeof *r->set);
    r->hidden = malloc(n_out + 1);
    r->revenue_minor = malloc((n_out + 1) * sizeof(int64_t));
    r->orders = malloc((n_out + 1) * sizeof(int64_t));
    r->customers = malloc((n_out + 1) * sizeof(int64_t));
    r->units = malloc((n_out + 1) * sizeof(int64_t));
    if (!r->codes || !r->set || !r->hidden || !r->revenue_minor || !r->orders || !r->customers ||
        !r->units)
        return DG_ENOMEM;
    for (size_t s = 0; s < p->n_sets; s++) {
        const plan_set *ps = &p->sets[s];
        /* every set partitions the filtered rows, so any one gives the total revenue */
        if (s == 0)
            for (size_t i = 0; i < ps->n_cells; i++)
                if (dg_money_add(&r->total_revenue_minor, cells[ps->base + i].revenue) != 0)
                    return DG_ERANGE;
        for (size_t i = 0; i < ps->n_cells; i++) {
            const acc *a = &cells[ps->base + i];
            if (!a->orders && ps->mask != 0)
                continue;
            size_t k = r->n_cells++, rest = i;
            for (size_t j = p->n_group; j-- > 0;) {
                if (!(ps->mask & (1u << j))) {
                    r->codes[k * p->n_group + j] = DG_CUBE_ALL;
                    continue;
                }
                size_t n_labels = cube->dims[q->group[j]].n_labels;
                r->codes[k * p->n_group + j] = (uint32_t)(rest % n_labels);
                rest /= n_labels;
            }
            r->set[k] = ps->mask;
            r->hidden[k] = ps->hidden;
            r->revenue_minor[k] = a->revenue;
            r->orders[k] = a->orders;
            r->customers[k] = a->customers;
            r->units[k] = a->units;
        }
    }
    return 0;
}

/* The grouped dimensions and grouping sets of q into p (zeroed by the caller). */
static int plan_query(plan *p, const dg_cube *cube, const dg_cube_query *q, dg_error *err)
{
    p->cube = cube;
    p->n_group = q->n_rows + q->n_cols;
    if (p->n_group > DG_CUBE_MAX_GROUP)
        return dg_error_set(err, DG_EINVAL, "at most %d row and column dimensions",
                            DG_CUBE_MAX_GROUP);
    for (size_t j = 0; j < p->n_group; j++)
        if (q->group[j] < 0 || (size_t)q->group[j] >= cube->n_dims)
            return dg_error_set(err, DG_EINVAL, "unknown dimension index %d", q->group[j]);
    p->line_grain = dg__cube_query_uses_lines(cube, q);
    return plan_sets(p, cube, q, err);
}

/* The result of p over its accumulated cells into *out. */
static int finish(dg_cube_result **out, const plan *p, const dg_cube_query *q, const acc *cells,
                  dg_error *err)
{
    dg_cube_result *r = calloc(1, sizeof *r);
    if (!r)
        return dg_error_set(err, DG_ENOMEM, "out of memory for the query result");
    int rc = collect(p, q, cells, r);
    if (rc != 0) {
        dg_cube_result_free(r);
        return rc == DG_ERANGE ? overflow_error(err)
                               : dg_error_set(err, rc, "out of memory for the query result");
    }
    *out = r;
    return 0;
}

struct dg_cube_cells {
    const plan *p;
    acc *cells;
    bool overflow;
};

void dg_cube_cells_add(dg_cube_cells *cells, size_t set, const uint32_t *codes,
                       const dg_cube_cell_sums *sums)
{
    const plan_set *ps = &cells->p->sets[set];
    size_t cell = ps->base;
    for (size_t j = 0; j < cells->p->n_group; j++)
        cell += codes[j] * ps->stride[j];   /* stride 0: rolled up */
    acc *a = &cells->cells[cell];
    cells->overflow |= add_amounts(a, sums->revenue_minor, sums->units);
    a->orders += sums->orders;
    a->customers += sums->customers;
}

int dg_cube_run_cells(dg_cube_result **out, const dg_cube *cube, const dg_cube_query *q,
                      dg_cube_cells_fn fn, void *ctx, dg_error *err)
{
    *out = NULL;
    plan p;
    memset(&p, 0, sizeof p);
    dg_cube_cells cells = { .p = &p };
    uint32_t masks[DG_CUBE_MAX_SETS + 1];
    int rc = plan_query(&p, cube, q, err);
    if (rc == 0 && !(cells.cells = cells_new(p.n_cells)))
        rc = dg_error_set(err, DG_ENOMEM, "out of memory for %zu cells", p.n_cells);
    for (size_t s = 0; rc == 0 && s < p.n_sets; s++)
        masks[s] = p.sets[s].mask;
    if (rc == 0)
        rc = fn(ctx, masks, p.n_sets, &cells, err);
    if (rc == 0 && cells.overflow)
        rc = overflow_error(err);
    if (rc == 0)
        rc = finish(out, &p, q, cells.cells, err);
    free(cells.cells);
    plan_free(&p);
    return rc;
}

int dg_cube_run(dg_cube_result **out, const dg_cube *cube, const dg_cube_query *q, dg_error *err)
{
    *out = NULL;
    plan p;
    memset(&p, 0, sizeof p);
    worker workers[2];
    memset(workers, 0, sizeof workers);
    int rc;
    if ((rc = plan_query(&p, cube, q, err)) || (rc = build_masks(&p, cube, q, err)))
        goto cleanup;
    const dg_cube_facts *f = &cube->facts;
    add_prefetch(&p, f->order_day, sizeof *f->order_day);
    if (!p.line_grain) {
        add_prefetch(&p, f->order_revenue_minor, sizeof *f->order_revenue_minor);
        add_prefetch(&p, f->order_units, sizeof *f->order_units);
        for (size_t j = 0; j < p.sets[0].n_order_dims; j++)
            add_prefetch(&p, p.sets[0].order_codes[j], sizeof(uint32_t));
    }
    for (size_t t = 0; t < p.n_order_terms; t++)
        add_prefetch(&p, p.order_terms[t].codes, sizeof(uint32_t));

    size_t n_customers = cube->facts.n_customers;
    int threads = q->threads > 0 ? q->threads : (cube->facts.n_orders >= 200000 ? 2 : 1);
    if (threads > 2)
        threads = 2;
    /* split customers so each thread gets about half of the orders */
    size_t split = n_customers;
    if (threads == 2) {
        uint32_t half = cube->customer_start[n_customers] / 2;
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
        if (!(workers[t].cells = cells_new(p.n_cells))) {
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
            acc *a = &workers[0].cells[i];
            const acc *b = &workers[1].cells[i];
            workers[0].overflow |= add_amounts(a, b->revenue, b->units);
            a->orders += b->orders;
            a->customers += b->customers;
        }
    }
    if (workers[0].overflow || workers[1].overflow) {
        rc = overflow_error(err);
        goto cleanup;
    }
    rc = finish(out, &p, q, workers[0].cells, err);
cleanup:
    free(workers[0].cells);
    free(workers[1].cells);
    plan_free(&p);
    return rc;
}
