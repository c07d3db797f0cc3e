/* Follow-up operations (include/dangol/followup.h): the scheduler, which writes the tasks of
 * every rule in one BEGIN IMMEDIATE transaction of INSERT OR IGNORE statements, and the outcome
 * of a task, recorded once with a version check and an optional idempotency key looked up and
 * remembered inside the same transaction. The SQL is in src/store/followups_sqlite.c. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth/audit_write.h"
#include "dangol/followup.h"
#include "dangol/store.h"
#include "dangol/text.h"
#include "store/followups.h"

#define FINGERPRINT_MAX 768

int dg_followup_schedule(int64_t *created, dg_store *store, const dg_followup_rules *rules,
                         int32_t as_of, const dg_audit_actor *audit, dg_error *err)
{
    *created = 0;
    int64_t now = (int64_t)time(NULL);
    int rc = dg_store_begin(store, err);
    for (size_t i = 0; rc == 0 && i < rules->n_rules; i++) {
        int64_t n = 0;
        rc = dg__followup_insert_rule(store, &rules->rules[i], as_of, rules->lookback_days, now,
                                      &n, err);
        *created += n;
    }
    char day[16];
    if (rc == 0 && *created)
        rc = dg__audit_write(store, audit, DG_AUDIT_FOLLOWUP_SCHEDULE, NULL, 0,
                             json_pack("{s:s, s:I}", "as_of", dg_date_format(as_of, day),
                                       "tasks_created", (json_int_t)*created), err);
    if (rc == 0)
        return dg_store_commit(store, err);
    dg_store_rollback(store);
    *created = 0;
    return rc;
}

/* The checks and the write, inside the transaction. */
static int mark(dg_followup_result *out, dg_store *store, const dg_followup_done_request *r,
                const char *actor, int64_t at, dg_error *err)
{
    dg__followup_task t;
    int rc = dg__followup_get(store, r->task_id, &t, err);
    if (rc != 0)
        return rc;
    snprintf(out->customer_id, sizeof out->customer_id, "%s", t.customer_id);
    if (r->expected_version && r->expected_version != t.version)
        return dg_error_set(err, DG_ECONFLICT, "follow-up task %lld is at version %lld, not "
                            "%lld: read it again", (long long)t.task_id, (long long)t.version,
                            (long long)r->expected_version);
    if (strcmp(t.state, "open") != 0)
        return dg_error_set(err, DG_ECONFLICT, "follow-up task %lld is already done (%s)",
                            (long long)t.task_id, t.outcome);
    snprintf(t.outcome, sizeof t.outcome, "%s", dg_followup_outcome_code(r->outcome));
    snprintf(t.note, sizeof t.note, "%s", r->note ? r->note : "");
    snprintf(t.done_by, sizeof t.done_by, "%s", actor);
    t.done_at = at;
    if ((rc = dg__followup_mark_done(store, &t, err)) != 0)
        return rc;
    out->task_id = t.task_id;
    out->version = t.version + 1;
    const char *customer = t.customer_id;
    return dg__audit_write(store, r->audit, DG_AUDIT_FOLLOWUP_DONE, &customer, 1,
                           json_pack("{s:I, s:s, s:s, s:I}", "task", (json_int_t)t.task_id,
                                     "rule", t.rule, "outcome", t.outcome, "version",
                                     (json_int_t)out->version), err);
}

int dg_followup_done(dg_followup_result *out, dg_store *store,
                     const dg_followup_done_request *r, dg_error *err)
{
    memset(out, 0, sizeof *out);
    if ((unsigned)r->outcome >= DG_FOLLOWUP_N_OUTCOMES)
        return dg_error_set(err, DG_EINVAL, "unknown follow-up outcome");
    if (r->note && strlen(r->note) >= sizeof ((dg__followup_task *)0)->note)
        return dg_error_set(err, DG_EINVAL, "the note is longer than %zu bytes",
                            sizeof ((dg__followup_task *)0)->note - 1);
    const char *actor = r->actor && *r->actor ? r->actor : "system";
    int64_t now = (int64_t)time(NULL), at = r->at == DG_FOLLOWUP_NOW ? now : r->at;
    char fingerprint[FINGERPRINT_MAX];
    snprintf(fingerprint, sizeof fingerprint, "done|%lld|%s|%lld|%s", (long long)r->task_id,
             dg_followup_outcome_code(r->outcome), (long long)r->expected_version,
             r->note ? r->note : "");
    const char *key = r->idempotency_key && *r->idempotency_key ? r->idempotency_key : NULL;
    int rc = dg_store_begin(store, err);
    if (rc != 0)
        return rc;
    if (key) {
        char seen[FINGERPRINT_MAX];
        rc = dg__followup_request_get(store, key, seen, sizeof seen, &out->task_id,
                                      &out->version, err);
        if (rc == 0) {
            dg_store_rollback(store);
            if (strcmp(seen, fingerprint) != 0)
                return dg_error_set(err, DG_ECONFLICT, "idempotency key \"%s\" was used for "
                                    "another request; use a new key for a new request", key);
            out->replayed = true;
            return 0;
        }
        if (rc != DG_ENOTFOUND)
            goto fail;
    }
    rc = mark(out, store, r, actor, at, err);
    if (rc == 0 && key)
        rc = dg__followup_request_put(store, key, fingerprint, out->task_id, out->version, now,
                                      err);
    if (rc == 0)
        return dg_store_commit(store, err);
fail:
    dg_store_rollback(store);
    return rc;
}
