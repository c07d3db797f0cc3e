/* Erasure on request and the retention job (include/dangol/erasure.h). An erasure is one write
 * transaction. On SQLite it runs with PRAGMA secure_delete on, so the emptied fields' old bytes
 * are zeroed in their pages and in the freed ones; afterwards the write-ahead log, which still
 * holds the pages as they were, is checkpointed and truncated. On PostgreSQL the tables it wrote
 * are rewritten afterwards by VACUUM (FULL), without the old row versions. The retention job
 * reads the inactive customers first, then erases them one by one (each its own transaction, so
 * a long job never holds the write lock for long), and on PostgreSQL rewrites the tables once
 * at its end. The SQL is in src/store/erasure_sqlite.c and erasure_postgres.c. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analytics/config.h"
#include "dangol/erasure.h"
#include "dangol/store.h"
#include "store/consent.h"

void dg_privacy_config_default(dg_privacy_config *config)
{
    config->retention_inactive_days = DG_RETENTION_DEFAULT_DAYS;
}

static int setting(void *ctx, const char *key, const char *value, dg_error *err)
{
    dg_privacy_config *config = ctx;
    if (strcmp(key, "retention_inactive_days") == 0)
        return dg__kv_int(key, value, 1, 36600, &config->retention_inactive_days, err);
    return dg_error_set(err, DG_EINVAL, "unknown key \"%s\"; valid: retention_inactive_days",
                        key);
}

int dg_privacy_config_parse(dg_privacy_config *config, const char *text, const char *name,
                            dg_error *err)
{
    dg_privacy_config parsed = *config;
    int rc = dg__kv_parse(text, name, setting, &parsed, err);
    if (rc == 0)
        *config = parsed;
    return rc;
}

/* The erasure inside its transaction. */
static int erase_in(dg_erasure_result *out, dg_store *store, const char *customer_id,
                    const char *kind, const char *reason, const char *actor, dg_error *err)
{
    bool found = false, erased = false;
    int rc = dg_store_exists(store, dg_entity_find("customers"), customer_id, &found, err);
    if (rc == 0 && !found)
        return dg_error_set(err, DG_ENOTFOUND, "no customer \"%s\"", customer_id);
    if (rc == 0)
        rc = dg__erasure_get(store, customer_id, &erased, &out->erased_at, err);
    if (rc != 0 || erased)
        return rc;
    out->erased_at = (int64_t)time(NULL);
    rc = dg__erasure_apply(store, customer_id, kind, reason, actor, out->erased_at, &out->texts,
                           err);
    out->erased = rc == 0;
    return rc;
}

/* The erasure, and the purge after it when purge. */
static int erase(dg_erasure_result *out, dg_store *store, const char *customer_id,
                 dg_erasure_kind kind, const char *reason, const char *actor, bool purge,
                 dg_error *err)
{
    memset(out, 0, sizeof *out);
    if (!customer_id || !*customer_id)
        return dg_error_set(err, DG_EINVAL, "a customer id is required");
    if (!reason || !*reason)
        return dg_error_set(err, DG_EINVAL, "a reason is required (why the customer is erased: "
                            "their request, its date or reference)");
    int rc = dg__erasure_secure(store, true, err);
    if (rc != 0)
        return rc;
    if ((rc = dg_store_begin(store, err)) == 0) {
        rc = erase_in(out, store, customer_id, kind == DG_ERASURE_RETENTION ? "retention"
                      : "request", reason, actor && *actor ? actor : "system", err);
        if (rc == 0)
            rc = dg_store_commit(store, err);
        else
            dg_store_rollback(store);
    }
    dg_error restore;
    dg__erasure_secure(store, false, &restore);
    if (rc == 0 && purge)   /* also when erased before: a retry of a purge readers kept from
                               ending */
        rc = dg__erasure_purge(store, &out->purge, &out->purged, err);
    return rc;
}

int dg_customer_erase(dg_erasure_result *out, dg_store *store, const char *customer_id,
                      dg_erasure_kind kind, const char *reason, const char *actor,
                      dg_error *err)
{
    return erase(out, store, customer_id, kind, reason, actor, true, err);
}

/* The inactive customers, read before any is erased. */
typedef struct inactive_list {
    char **ids;
    int32_t *days;
    size_t n, cap;
} inactive_list;

static int collect(void *ctx, const char *customer_id, int32_t last_active)
{
    inactive_list *l = ctx;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char **ids = realloc(l->ids, cap * sizeof *ids);
        if (ids)
            l->ids = ids;
        int32_t *days = ids ? realloc(l->days, cap * sizeof *days) : NULL;
        if (!ids || !days)
            return DG_ENOMEM;
        l->days = days;
        l->cap = cap;
    }
    if (!(l->ids[l->n] = strdup(customer_id)))
        return DG_ENOMEM;
    l->days[l->n++] = last_active;
    return 0;
}

int dg_customer_retain(int64_t *erased, int64_t *undated, dg_store *store, int32_t as_of,
                       int inactive_days, bool dry_run, const char *actor, dg_retention_fn fn,
                       void *ctx, dg_error *err)
{
    inactive_list list = { 0 };
    *erased = *undated = 0;
    if (inactive_days < 1)
        return dg_error_set(err, DG_ERANGE, "the retention period must be at least 1 day");
    int rc = dg_store_read_begin(store, err);
    if (rc == 0) {
        rc = dg__erasure_inactive(store, as_of - inactive_days, collect, &list, undated, err);
        dg_store_read_end(store);
    }
    if (rc == DG_ENOMEM)
        rc = dg_error_set(err, DG_ENOMEM, "out of memory listing inactive customers");
    char reason[128];
    snprintf(reason, sizeof reason, "no activity for more than %d days", inactive_days);
    for (size_t i = 0; rc == 0 && i < list.n; i++) {
        if (fn && (rc = fn(ctx, list.ids[i], list.days[i])) != 0)
            break;
        if (dry_run) {
            (*erased)++;
            continue;
        }
        dg_erasure_result one;
        rc = erase(&one, store, list.ids[i], DG_ERASURE_RETENTION, reason, actor,
                   !dg__erasure_purge_once(store), err);
        if (rc == 0 && one.erased)
            (*erased)++;
    }
    /* once, after the last erasure, even when a later one failed: what was erased is purged */
    if (*erased > 0 && !dry_run && dg__erasure_purge_once(store)) {
        const char *name;
        bool done;
        dg_error later;
        int purged = dg__erasure_purge(store, &name, &done, rc == 0 ? err : &later);
        rc = rc == 0 ? purged : rc;
    }
    for (size_t i = 0; i < list.n; i++)
        free(list.ids[i]);
    free(list.ids);
    free(list.days);
    return rc;
}
