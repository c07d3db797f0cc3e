/* The erasure on a PostgreSQL store: the same statements as SQLite's (erasure_sql.h) in the
 * caller's one transaction, the customer's record locked first (dg__pg_erasure_get, so a second
 * erasure of the customer waits and then finds it erased, and a concurrent write to the record
 * lands before or after, never between), then VACUUM (FULL) of the tables it wrote, outside
 * the transaction: PostgreSQL keeps an updated row's old version in the table file until then
 * (docs/security.md says what this guarantees and what it does not: the WAL, backups). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/erasure_postgres.h"
#include "store/erasure_sql.h"

#define SQL_MAX 2048

/* Runs sql (on the customer's id, $1, when it names one); *changed (NULL: not wanted) gets
 * the rows it changed. */
static int run(dg_pg *pg, const char *sql, const char *customer_id, int64_t *changed,
               const char *what, dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, sql, strstr(sql, "$1") ? 1 : 0, &customer_id, &res, what, err);
    if (rc == 0 && changed)
        *changed += strtoll(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    return rc;
}

int dg__pg_erasure_apply(dg_pg *pg, const char *customer_id, const char *kind,
                         const char *reason, const char *actor, int64_t now, int64_t *texts,
                         dg_error *err)
{
    size_t n;
    const dg_entity *const *all = dg_entity_all(&n);
    int rc = 0;
    *texts = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char set[SQL_MAX / 2], any[SQL_MAX / 2], sql[SQL_MAX];
        if (!dg__erasure_columns(all[i], true, set, sizeof set))
            continue;
        dg__erasure_columns(all[i], false, any, sizeof any);
        snprintf(sql, sizeof sql, "UPDATE %s SET %s WHERE customer_id = $1 AND (%s)",
                 all[i]->name, set, any);
        int64_t changed = 0;
        rc = run(pg, sql, customer_id, &changed, "erasing personal fields", err);
        if (strcmp(all[i]->name, "customers") != 0)
            *texts += changed;
    }
    dg__pg_number at;
    const char *record[] = { customer_id, dg__pg_int(at, now), kind, reason, actor };
    if (rc == 0)
        rc = dg__pg_exec(pg, DG__ERASURE_RECORD_SQL, 5, record, NULL, "recording an erasure",
                         err);
    for (size_t i = 0; i < sizeof dg__erasure_texts / sizeof *dg__erasure_texts && rc == 0; i++)
        rc = run(pg, dg__erasure_texts[i], customer_id, texts, "erasing service texts", err);
    for (size_t i = 0; i < sizeof dg__erasure_snapshot_drop / sizeof *dg__erasure_snapshot_drop
                       && rc == 0; i++)
        rc = run(pg, dg__erasure_snapshot_drop[i], customer_id, NULL, "dropping the frame "
                 "snapshots", err);
    return rc;
}

int dg__pg_erasure_vacuum(dg_pg *pg, bool *done, dg_error *err)
{
    *done = false;
    if (pg->in_transaction || pg->in_read)   /* VACUUM cannot run inside one */
        return 0;
    /* VACUUM skips a table its user may not vacuum with a warning only: asked first */
    const char *tables = DG__ERASURE_TABLES;
    bool owner = false;
    PGresult *res = NULL;
    int rc = dg__pg_one_row(pg, "SELECT bool_and(pg_has_role(c.relowner, 'USAGE')) FROM "
                            "pg_class c WHERE c.oid = ANY (CAST(string_to_array($1, ', ') AS "
                            "regclass[]))", 1, &tables, &res, "reading who owns the tables",
                            err);
    if (rc == 1) {
        owner = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
        PQclear(res);
        rc = 0;
    }
    if (rc == 0 && owner)
        rc = dg__pg_exec(pg, "VACUUM (FULL) " DG__ERASURE_TABLES, 0, NULL, NULL, "rewriting the "
                         "erased customer's tables (VACUUM FULL)", err);
    *done = rc == 0 && owner;
    return rc;
}

int dg__pg_erasure_inactive(dg_pg *pg, int32_t before, dg__inactive_fn fn, void *ctx,
                            int64_t *undated, dg_error *err)
{
    PGresult *res = NULL;
    *undated = 0;
    int rc = dg__pg_exec(pg, DG__ERASURE_INACTIVE_SQL " ORDER BY c.customer_id COLLATE \"C\"",
                         0, NULL, &res, "finding inactive customers", err);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++) {
        if (PQgetisnull(res, r, 1)) {
            (*undated)++;
            continue;
        }
        int32_t last = (int32_t)strtol(PQgetvalue(res, r, 1), NULL, 10);
        if (last < before)
            rc = fn(ctx, PQgetvalue(res, r, 0), last);
    }
    PQclear(res);
    return rc;
}
