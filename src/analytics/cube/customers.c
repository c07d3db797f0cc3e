/* Customers chosen by the cube's where language (include/dangol/cube.h): a campaign's audience is
 * a where clause parsed by dg_cube_query_set, so it accepts exactly what `dangol cube --where`
 * accepts (names, Korean names, ranges, !=) and fails with the same messages. Only terms on
 * customer dimensions make sense for a set of customers; the others are refused by name. */
#include <stdio.h>
#include <string.h>

#include "analytics/cube/internal.h"

const uint32_t *dg_cube_customer_codes(const dg_cube *cube, size_t dim)
{
    if (dim >= cube->n_dims || cube->dims[dim].key != DG_CUBE_KEY_CUSTOMER)
        return NULL;
    return cube->dims[dim].codes;
}

int dg_cube_customer_filter(uint8_t *keep, const dg_cube *cube, const dg_cube_query *q,
                            dg_error *err)
{
    for (size_t t = 0; t < q->n_filters; t++) {
        const dg__cube_dim *d = &cube->dims[q->filters[t].dim];
        if (d->key == DG_CUBE_KEY_CUSTOMER)
            continue;
        char valid[600];
        size_t used = 0;
        valid[0] = '\0';
        for (size_t i = 0; i < cube->n_dims && used < sizeof valid; i++)
            if (cube->dims[i].key == DG_CUBE_KEY_CUSTOMER)
                used += (size_t)snprintf(valid + used, sizeof valid - used, "%s%s",
                                         used ? ", " : "", cube->dims[i].name);
        return dg_error_set(err, DG_EINVAL, "filter on \"%s\": an audience is a set of "
                            "customers, and %s is not a customer attribute; filter on: %s",
                            d->name, d->name, valid);
    }
    size_t n = cube->facts.n_customers;
    memset(keep, 1, n);
    for (size_t t = 0; t < q->n_filters; t++) {
        const dg_cube_filter *f = &q->filters[t];
        const uint32_t *codes = cube->dims[f->dim].codes;
        for (size_t c = 0; c < n; c++)
            if (keep[c] && (f->allowed[codes[c]] != 0) == f->negate)
                keep[c] = 0;
    }
    return 0;
}
