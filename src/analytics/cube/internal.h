/* Private layout of the cube, shared by the engine (cube.c), the query parser (query.c) and
 * the pivot layout (table.c). */
#ifndef DANGOL_CUBE_INTERNAL_H
#define DANGOL_CUBE_INTERNAL_H

#include "dangol/cube.h"

typedef struct dg__cube_dim {
    char *name;
    int parent;              /* next coarser level, or -1 */
    dg_cube_key key;
    const uint32_t *codes;   /* indexed by the key (day: day - first_day) */
    uint32_t *owned_codes;   /* freed with the cube (time levels) */
    size_t n_labels;
    char **labels;
    uint32_t *rank;          /* [n_labels] position of each label in the natural order */
} dg__cube_dim;

struct dg_cube {
    dg_cube_facts facts;
    int32_t first_day, last_day;
    size_t n_days;
    uint32_t *customer_start;    /* [n_customers + 1] first order of each customer (CSR) */
    uint32_t *order_line_start;  /* [n_orders + 1] first line of each order, or NULL */
    dg__cube_dim dims[DG_CUBE_MAX_DIMS];
    size_t n_dims;
};

/* Is order o one the cube counts (not dated after the facts' as_of)? Every kept order's day
 * lies in [first_day, last_day]. */
static inline bool dg__cube_order_kept(const dg_cube *cube, size_t o)
{
    return !cube->facts.has_as_of || cube->facts.order_day[o] <= cube->facts.as_of;
}

/* dg_cube_add_dim for codes the cube frees (malloc'd; freed also on failure). */
int dg__cube_add_dim_owned(dg_cube *cube, const char *name, const char *parent, dg_cube_key key,
                           uint32_t *codes, size_t n_labels, const char *const *labels,
                           dg_error *err);

/* True when q needs the order-line grain (a product dimension is grouped or filtered). */
bool dg__cube_query_uses_lines(const dg_cube *cube, const dg_cube_query *q);

#endif
