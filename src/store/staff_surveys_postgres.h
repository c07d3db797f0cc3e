/* Private to the store: the staff surveys on a PostgreSQL store (staff_surveys_postgres.c),
 * called by staff_surveys_sqlite.c's functions of the same names (store/staff_surveys.h). */
#ifndef DANGOL_STORE_STAFF_SURVEYS_POSTGRES_H
#define DANGOL_STORE_STAFF_SURVEYS_POSTGRES_H

#include "store/postgres.h"
#include "store/staff_surveys.h"

int dg__pg_staff_survey_sites(dg_pg *pg, int32_t as_of, dg__staff_survey_site_fn fn, void *ctx,
                              dg_error *err);
/* Inside a write, also waits for and holds the response id's lock (staff_surveys_postgres.c). */
int dg__pg_staff_survey_exists(dg_pg *pg, const char *response_id, bool *found, dg_error *err);

#endif
