/* Private to the library: the SQL of follow-up tasks (src/store/followups_sqlite.c,
 * schema/0013_followups.sql), which the follow-up operations (src/crm/followups.c) and reports
 * (src/report/followups.c) call inside the transactions they open. */
#ifndef DANGOL_STORE_FOLLOWUPS_H
#define DANGOL_STORE_FOLLOWUPS_H

#include <stdint.h>

#include "dangol/error.h"
#include "dangol/followup.h"
#include "dangol/store.h"

/* A task as stored; text "" for none, times 0 for none. */
typedef struct dg__followup_task {
    int64_t task_id, version, done_at, created_at;
    int32_t due_on;
    char rule[DG_FOLLOWUP_NAME_MAX], customer_id[256], order_id[256], product_id[256];
    char channel[8], state[8], outcome[16], note[512], done_by[128];
} dg__followup_task;

/* Inserts the tasks of one rule (INSERT OR IGNORE); *created: how many were new. */
int dg__followup_insert_rule(dg_store *store, const dg_followup_rule *rule, int32_t as_of,
                             int lookback_days, int64_t now, int64_t *created, dg_error *err);
int dg__followup_get(dg_store *store, int64_t task_id, dg__followup_task *task, dg_error *err);
/* Marks an open task done at version task->version (+1 written); DG_ECONFLICT if it moved. */
int dg__followup_mark_done(dg_store *store, const dg__followup_task *task, dg_error *err);

/* Tasks in due order, filtered: state NULL for any, customer_id NULL for any, due on or before
 * due_by (INT32_MAX: any). fn's nonzero return stops the scan and is returned. */
typedef int (*dg__followup_task_fn)(void *ctx, const dg__followup_task *task);
int dg__followup_scan(dg_store *store, const char *state, const char *customer_id,
                      const char *channel, int32_t due_by, dg__followup_task_fn fn, void *ctx,
                      dg_error *err);

int dg__followup_request_get(dg_store *store, const char *key, char *fingerprint, size_t cap,
                             int64_t *task_id, int64_t *version, dg_error *err);
int dg__followup_request_put(dg_store *store, const char *key, const char *fingerprint,
                             int64_t task_id, int64_t version, int64_t now, dg_error *err);

/* A customer's name, phone and e-mail ("" for none); DG_ENOTFOUND for an unknown customer. */
int dg__followup_contact(dg_store *store, const char *customer_id, char *name, char *phone,
                         char *email, size_t cap, dg_error *err);

#endif
