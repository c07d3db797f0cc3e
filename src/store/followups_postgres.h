/* Private to the store: the follow-up tasks' SQL on a PostgreSQL store (followups_postgres.c),
 * called by followups_sqlite.c's functions of the same names (store/followups.h) for a
 * PostgreSQL store. The rules (src/crm/followups.c, followup_rules.c) stay shared. */
#ifndef DANGOL_STORE_FOLLOWUPS_POSTGRES_H
#define DANGOL_STORE_FOLLOWUPS_POSTGRES_H

#include "store/followups.h"
#include "store/postgres.h"

int dg__pg_followup_insert_rule(dg_pg *pg, const dg_followup_rule *rule, int32_t as_of,
                                int lookback_days, int64_t now, int64_t *created, dg_error *err);
int dg__pg_followup_get(dg_pg *pg, int64_t task_id, dg__followup_task *task, dg_error *err);
int dg__pg_followup_mark_done(dg_pg *pg, const dg__followup_task *task, dg_error *err);
int dg__pg_followup_scan(dg_pg *pg, const char *state, const char *customer_id,
                         const char *channel, int32_t due_by, dg__followup_task_fn fn, void *ctx,
                         dg_error *err);
int dg__pg_followup_request_get(dg_pg *pg, const char *key, char *fingerprint, size_t cap,
                                int64_t *task_id, int64_t *version, dg_error *err);
int dg__pg_followup_request_put(dg_pg *pg, const char *key, const char *fingerprint,
                                int64_t task_id, int64_t version, int64_t now, dg_error *err);
int dg__pg_followup_contact(dg_pg *pg, const char *customer_id, char *name, char *phone,
                            char *email, size_t cap, dg_error *err);

#endif
