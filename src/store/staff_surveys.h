/* Private to the library: the SQL of the staff satisfaction surveys (schema/0021_staff_surveys.sql,
 * src/store/staff_surveys_sqlite.c), read by the service-profit chain report
 * (src/report/staff_chain.c) and used by the API's write of one response (src/crm/staff_survey.c)
 * inside the transaction it opens. The rows themselves are written through the catalog
 * (dg_store_put_columns), as an import writes them. */
#ifndef DANGOL_STORE_STAFF_SURVEYS_H
#define DANGOL_STORE_STAFF_SURVEYS_H

#include <stdbool.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/store.h"

/* Per site (in site order), the responses answered on or before as_of and their mean
 * satisfaction: each response's mean of (score - scale_min) / (scale_max - scale_min) x 100.
 * fn(ctx, site, responses, satisfaction); a nonzero return stops and is returned. */
typedef int (*dg__staff_survey_site_fn)(void *ctx, const char *site, int64_t responses,
                                        double satisfaction);
int dg__staff_survey_sites(dg_store *store, int32_t as_of, dg__staff_survey_site_fn fn,
                           void *ctx, dg_error *err);

/* Whether any answer of response_id is stored. */
int dg__staff_survey_exists(dg_store *store, const char *response_id, bool *found,
                            dg_error *err);

#endif
