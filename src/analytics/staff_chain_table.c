/* The tables of the service-profit chain (include/dangol/staff.h): the sites, with the staff's
 * satisfaction beside their customers' NPS, CSAT and repeat rate, and the correlations across
 * sites with their intervals. The correlations carry the caveat (a correlation, not a cause); a
 * correlation that cannot be computed is left empty with a note saying why, never NaN. */
#include <stdio.h>

#include "dangol/staff.h"

static const char *const measure_code[DG_CHAIN_MEASURES] = { "nps", "csat", "repeat" };

typedef struct column {
    const char *name;
    dg_cell_type type;
    int decimals;
} column;

/* A table with its columns; *out is set (NULL only when out of memory). */
static int new_table(dg_table **out, const char *title, const column *cols, size_t n)
{
    dg_table *t = *out = dg_table_new(title);
    int rc = t ? 0 : DG_ENOMEM;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = dg_table_add_column(t, cols[i].name, cols[i].type, cols[i].decimals);
    return rc;
}

static int caveat(dg_table *t)
{
    return dg_table_add_coded_note(t, "staff_chain_caveat", "a correlation across sites, not a "
        "cause: sites differ in place, customers and managers, and satisfied customers may make "
        "staff satisfied as much as the other way round (docs/staff.md)");
}

static int site_notes(dg_table *t, const dg_staff_chain *c, size_t surveyed)
{
    char buf[320];
    snprintf(buf, sizeof buf, "staff satisfaction: each response's mean answer rescaled to "
             "0-100 by its scale, averaged over the site's responses; sites with fewer than %d "
             "responses are left out of the correlations", c->min_responses);
    int rc = dg_table_add_coded_note(t, "staff_chain_satisfaction", buf);
    rc |= dg_table_note_param(t, "min", c->min_responses);
    if (surveyed == 0)
        rc |= dg_table_add_coded_note(t, "staff_chain_no_surveys", "no staff survey answer on "
                                      "or before the as-of day: import staff_surveys or POST "
                                      "/api/staff/surveys");
    return rc;
}

static int sites_table(dg_table **out, const dg_staff_chain *c)
{
    static const column cols[] = {
        { "site", DG_CELL_TEXT, 0 }, { "staff_responses", DG_CELL_INT, 0 },
        { "staff_satisfaction", DG_CELL_REAL, 1 }, { "customers", DG_CELL_INT, 0 },
        { "nps_n", DG_CELL_INT, 0 }, { "nps", DG_CELL_REAL, 1 }, { "csat_n", DG_CELL_INT, 0 },
        { "csat", DG_CELL_PERCENT, 1 }, { "repeat_n", DG_CELL_INT, 0 },
        { "repeat_rate", DG_CELL_PERCENT, 1 } };
    int rc = new_table(out, "Service-profit chain by site", cols, sizeof cols / sizeof cols[0]);
    dg_table *t = *out;
    if (rc != 0)
        return rc;
    size_t surveyed = 0;
    for (size_t i = 0; rc == 0 && i < c->n_rows; i++) {
        const dg_staff_chain_row *r = &c->rows[i];
        rc |= dg_table_add_row(t);
        rc |= dg_table_set_text(t, 0, r->site);
        dg_table_set_int(t, 1, r->staff_responses);
        if (r->staff_responses > 0) {
            dg_table_set_real(t, 2, r->staff_satisfaction);
            surveyed++;
        }
        dg_table_set_int(t, 3, r->customers);
        for (int m = 0; m < DG_CHAIN_MEASURES; m++) {
            dg_table_set_int(t, 4 + 2 * (size_t)m, (int64_t)r->n[m]);
            if (r->n[m] > 0)
                dg_table_set_real(t, 5 + 2 * (size_t)m, r->value[m]);
        }
    }
    if (rc == 0)
        rc = site_notes(t, c, surveyed);
    return rc ? DG_ENOMEM : 0;
}

static int corr_note(dg_table *t, int m, const dg_corr *k)
{
    char code[48], buf[320];
    if (k->status == DG_CORR_TOO_FEW) {
        snprintf(code, sizeof code, "staff_chain_few_%s", measure_code[m]);
        snprintf(buf, sizeof buf, "%s: too few sites for a correlation: %zu have both staff "
                 "satisfaction and customer answers, at least %d are needed", measure_code[m],
                 k->n, DG_STAFF_CHAIN_MIN_SITES);
    } else {
        snprintf(code, sizeof code, "staff_chain_constant_%s", measure_code[m]);
        snprintf(buf, sizeof buf, "%s: no correlation: staff satisfaction or the customer "
                 "measure is the same at all %zu sites", measure_code[m], k->n);
    }
    int rc = dg_table_add_coded_note(t, code, buf);
    rc |= dg_table_note_param(t, "sites", (double)k->n);
    if (k->status == DG_CORR_TOO_FEW)
        rc |= dg_table_note_param(t, "needed", DG_STAFF_CHAIN_MIN_SITES);
    return rc;
}

static int corr_table(dg_table **out, const dg_staff_chain *c)
{
    static const column cols[] = {
        { "measure", DG_CELL_TEXT, 0 }, { "sites", DG_CELL_INT, 0 }, { "r", DG_CELL_REAL, 2 },
        { "r_low", DG_CELL_REAL, 2 }, { "r_high", DG_CELL_REAL, 2 }, { "p", DG_CELL_REAL, 3 } };
    int rc = new_table(out, "Staff satisfaction against customer measures across sites", cols,
                       sizeof cols / sizeof cols[0]);
    dg_table *t = *out;
    if (rc != 0)
        return rc;
    for (int m = 0; rc == 0 && m < DG_CHAIN_MEASURES; m++) {
        const dg_corr *k = &c->corr[m];
        rc |= dg_table_add_row(t);
        rc |= dg_table_set_text(t, 0, measure_code[m]);
        dg_table_set_int(t, 1, (int64_t)k->n);
        if (k->status != DG_CORR_OK)
            continue;
        dg_table_set_real(t, 2, k->r);
        dg_table_set_real(t, 3, k->ci_low);
        dg_table_set_real(t, 4, k->ci_high);
        dg_table_set_real(t, 5, k->p);
    }
    rc |= caveat(t);
    rc |= dg_table_add_coded_note(t, "staff_chain_method", "r: Pearson's correlation over the "
                                  "sites of their staff satisfaction with the measure; 95% "
                                  "interval by Fisher's z, tanh(atanh(r) -/+ 1.96 / sqrt(n - 3)); "
                                  "p: two-sided, t on n - 2 degrees of freedom");
    for (int m = 0; rc == 0 && m < DG_CHAIN_MEASURES; m++)
        if (c->corr[m].status != DG_CORR_OK)
            rc = corr_note(t, m, &c->corr[m]);
    return rc ? DG_ENOMEM : 0;
}

int dg_staff_chain_tables(dg_table **sites, dg_table **corr, const dg_staff_chain *chain,
                          dg_error *err)
{
    *sites = *corr = NULL;
    int rc = sites_table(sites, chain);
    if (rc == 0)
        rc = corr_table(corr, chain);
    if (rc == 0 && !dg_table_failed(*sites) && !dg_table_failed(*corr))
        return 0;
    dg_table_free(*sites);
    dg_table_free(*corr);
    *sites = *corr = NULL;
    return dg_error_set(err, DG_ENOMEM, "out of memory");
}
