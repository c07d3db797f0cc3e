/* The service-profit chain report (include/dangol/report.h): the staff survey summaries of the
 * store's sites read on the frame's as-of day, dg_staff_chain_compute on the frame, and its two
 * tables, as `dangol staff chain` and GET /api/staff/chain show them. */
#include <stdlib.h>
#include <string.h>

#include "dangol/report.h"
#include "store/staff_surveys.h"

typedef struct summaries {
    dg_staff_survey_site *sites;
    char **names;                /* the sites' names, owned */
    size_t n, cap;
} summaries;

static int take_site(void *ctx, const char *site, int64_t responses, double satisfaction)
{
    summaries *s = ctx;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        dg_staff_survey_site *more = realloc(s->sites, cap * sizeof *more);
        if (more)
            s->sites = more;
        char **names = more ? realloc(s->names, cap * sizeof *names) : NULL;
        if (!names)
            return DG_ENOMEM;
        s->names = names;
        s->cap = cap;
    }
    char *name = strdup(site ? site : "");
    if (!name)
        return DG_ENOMEM;
    s->names[s->n] = name;
    s->sites[s->n++] = (dg_staff_survey_site){ name, responses > UINT32_MAX ? UINT32_MAX
                                                                            : (uint32_t)responses,
                                               satisfaction };
    return 0;
}

int dg_report_staff_chain(dg_report *out, const dg_frame *frame, dg_store *store,
                          int repeat_days, int min_responses, dg_error *err)
{
    summaries s = { 0 };
    dg_staff_chain chain = { 0 };
    dg_table *sites = NULL, *corr = NULL;
    int rc = dg__staff_survey_sites(store, frame->as_of, take_site, &s, err);
    if (rc == DG_ENOMEM)
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
    if (rc == 0)
        rc = dg_staff_chain_compute(&chain, frame, s.sites, s.n, repeat_days, min_responses,
                                    err);
    if (rc == 0)
        rc = dg_staff_chain_tables(&sites, &corr, &chain, err);
    if (rc == 0) {   /* the report takes both tables, also when it fails */
        rc = dg_report_add(out, sites, err);
        sites = NULL;
    }
    if (rc == 0) {
        rc = dg_report_add(out, corr, err);
        corr = NULL;
    }
    dg_table_free(sites);
    dg_table_free(corr);
    dg_staff_chain_clear(&chain);
    for (size_t i = 0; i < s.n; i++)
        free(s.names[i]);
    free(s.names);
    free(s.sites);
    return rc;
}
