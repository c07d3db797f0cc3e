/* The PostgreSQL backend's connection (docs/postgresql.md): libpq connect with messages naming
 * the server (never the password), transactions, settings and the schema migrations of
 * schema/pg/, the dialect of each numbered SQLite migration, applied in the same order and
 * recorded in the table schema_version. Every command's result is checked: a server that
 * refuses, is gone or dies mid-run is a DG_ESTORE message naming it, never a crash. The rows of
 * the catalog entities are in postgres_rows.c. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/migrate.h"
#include "store/postgres.h"
#include "store/snapshot_postgres.h"

typedef struct {
    int version;
    const char *const *lines;   /* the .sql file, one string per line, NULL-terminated */
} pg_migration;

static const pg_migration pg_migrations[] = {
#include "schema_pg.inc"
};

#define N_PG_MIGRATIONS (sizeof pg_migrations / sizeof pg_migrations[0])

size_t dg__pg_migration_versions(int *out, size_t cap)
{
    for (size_t i = 0; i < N_PG_MIGRATIONS && i < cap; i++)
        out[i] = pg_migrations[i].version;
    return N_PG_MIGRATIONS;
}

/* A libpq connection URI, or a key=value string libpq accepts ("sslmode=require host=db"):
 * any string with an '=' that PQconninfoParse takes as options. A SQLite path with an '=' in it
 * ("runs/a=b.db") is not one: its first word is no connection option. */
bool dg__pg_is_conninfo(const char *db)
{
    if (strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0)
        return true;
    if (!strchr(db, '='))
        return false;
    char *errmsg = NULL;
    PQconninfoOption *opts = PQconninfoParse(db, &errmsg);
    PQfreemem(errmsg);
    PQconninfoFree(opts);
    return opts != NULL;
}

/* The message of libpq's last error, its trailing newline cut, first line only. */
static void conn_message(PGconn *conn, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", conn ? PQerrorMessage(conn) : "out of memory");
    buf[strcspn(buf, "\n")] = '\0';
}

/* "user@host:port/database" from the connection string, without its password. */
static char *server_name(const char *conninfo)
{
    char *errmsg = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &errmsg);
    const char *user = "", *host = "", *port = "", *db = "";
    for (PQconninfoOption *o = opts; o && o->keyword; o++) {
        if (!o->val)
            continue;
        if (strcmp(o->keyword, "user") == 0) user = o->val;
        else if (strcmp(o->keyword, "host") == 0) host = o->val;
        else if (strcmp(o->keyword, "hostaddr") == 0 && !*host) host = o->val;
        else if (strcmp(o->keyword, "port") == 0) port = o->val;
        else if (strcmp(o->keyword, "dbname") == 0) db = o->val;
    }
    size_t len = strlen(user) + strlen(host) + strlen(port) + strlen(db) + 64;
    char *name = malloc(len);
    if (name)
        snprintf(name, len, "PostgreSQL %s%s%s%s%s/%s", user, *user ? "@" : "",
                 *host ? host : "localhost", *port ? ":" : "", port, *db ? db : user);
    PQconninfoFree(opts);
    PQfreemem(errmsg);
    return name;
}

const char *dg_store_describe(const char *path, char *buf, size_t cap)
{
    char *name = dg__pg_is_conninfo(path) ? server_name(path) : NULL;
    snprintf(buf, cap, "%s", name ? name : path);
    free(name);
    return buf;
}

bool dg__pg_in_transaction(const dg_pg *pg)
{
    return pg->in_transaction;
}

bool dg__pg_streaming(const dg_pg *pg)
{
    return pg->unchecked;
}

int dg__pg_unavailable(const dg_pg *pg, const char *what, dg_error *err)
{
    return dg_error_set(err, DG_EUNSUPPORTED, "%s: %s is not available on a PostgreSQL store "
                        "yet (docs/postgresql.md lists what is); use a SQLite store for it",
                        pg->name, what);
}

int dg__pg_error(dg_pg *pg, PGresult *res, const char *what, dg_error *err)
{
    char msg[DG_ERROR_MSG_MAX];
    if (PQstatus(pg->conn) == CONNECTION_BAD) {
        conn_message(pg->conn, msg, sizeof msg);
        return dg_error_set(err, DG_ESTORE, "%s: lost the connection to the server while %s "
                            "(%s); nothing of this command was committed", pg->name, what, msg);
    }
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!primary) {
        conn_message(pg->conn, msg, sizeof msg);
        primary = msg;
    }
    if (state && strcmp(state, "23001") == 0)   /* a trigger's refusal (dg_refuse, erasure) */
        return dg_error_set(err, DG_ECONFLICT, "%s", primary);
    if (state && strcmp(state, "23505") == 0)
        return dg_error_set(err, DG_EEXIST, "%s: %s: %s", pg->name, what, primary);
    if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
                  strcmp(state, "55P03") == 0))
        return dg_error_set(err, DG_EBUSY, "%s: %s: %s; try again", pg->name, what, primary);
    char down[256];   /* a node of a cluster lost: postgres_fdw's connection failure, class 08 */
    if (state && strncmp(state, "08", 2) == 0 && dg__pg_cluster_down(pg, down, sizeof down))
        return dg_error_set(err, DG_ESTORE, "%s: %s: cluster node %s does not answer (%s); "
                            "nothing of this command was committed", pg->name, what, down,
                            primary);
    if (state && strcmp(state, "25006") == 0)
        return dg_error_set(err, DG_EINVAL, "%s: the store is open read-only", pg->name);
    return dg_error_set(err, DG_ESTORE, "%s: %s: %s", pg->name, what, primary);
}

static const char session_setup[] = "SET client_encoding = 'UTF8'; SET client_min_messages = "
                                    "warning; SET datestyle = 'ISO'";

/* A connection lost outside any transaction (the server restarted under a long-running
 * `dangol serve`) is made again before the next command: the command that saw it lost has
 * failed already, nothing half-done is retried. */
static void reconnect_if_lost(dg_pg *pg)
{
    if (PQstatus(pg->conn) != CONNECTION_BAD || pg->in_transaction || pg->in_read)
        return;
    PQreset(pg->conn);
    if (PQstatus(pg->conn) != CONNECTION_OK)
        return;
    PQclear(PQexec(pg->conn, session_setup));
    if (pg->readonly)
        PQclear(PQexec(pg->conn, "SET default_transaction_read_only = on"));
}

int dg__pg_exec(dg_pg *pg, const char *sql, int n, const char *const *params, PGresult **res,
                const char *what, dg_error *err)
{
    int rc = dg__pg_sync(pg, err);   /* every statement sees the rows a bulk load streamed */
    return rc ? rc : dg__pg_run(pg, sql, n, params, res, what, err);
}

int dg__pg_run(dg_pg *pg, const char *sql, int n, const char *const *params, PGresult **res,
               const char *what, dg_error *err)
{
    int rc = dg__pg_copy_pause(pg, err);
    if (rc != 0)
        return rc;
    reconnect_if_lost(pg);
    PGresult *r = n ? PQexecParams(pg->conn, sql, n, NULL, params, NULL, NULL, 0)
                    : PQexec(pg->conn, sql);
    ExecStatusType status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
        rc = dg__pg_error(pg, r, what, err);
        PQclear(r);
        return rc;
    }
    if (res)
        *res = r;
    else
        PQclear(r);
    return 0;
}

static int exec(dg_pg *pg, const char *sql, const char *what, dg_error *err)
{
    return dg__pg_exec(pg, sql, 0, NULL, NULL, what, err);
}

const char *dg__pg_int(dg__pg_number buf, int64_t v)
{
    snprintf(buf, sizeof(dg__pg_number), "%" PRId64, v);
    return buf;
}

int dg__pg_one_row(dg_pg *pg, const char *sql, int n, const char *const *params, PGresult **res,
                   const char *what, dg_error *err)
{
    int rc = dg__pg_exec(pg, sql, n, params, res, what, err);
    if (rc != 0)
        return rc;
    if (PQntuples(*res) > 0)
        return 1;
    PQclear(*res);
    *res = NULL;
    return 0;
}

int dg__pg_rows(dg_pg *pg, const char *sql, int n, const char *const *params, size_t item_size,
                void **items, PGresult **res, const char *what, dg_error *err)
{
    *items = NULL;
    int rc = dg__pg_exec(pg, sql, n, params, res, what, err);
    if (rc != 0)
        return rc;
    size_t rows = (size_t)PQntuples(*res);
    if (rows && !(*items = calloc(rows, item_size))) {
        PQclear(*res);
        *res = NULL;
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    return 0;
}

int dg__pg_scalar(dg_pg *pg, const char *sql, int n, const char *const *params, int64_t *out,
                  const char *what, dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_one_row(pg, sql, n, params, &res, what, err);
    if (rc < 0)
        return rc;
    *out = rc && !PQgetisnull(res, 0, 0) ? dg__pg_int_at(res, 0) : 0;
    PQclear(res);
    return 0;
}

int64_t dg__pg_int_at(const PGresult *res, int column)
{
    return strtoll(PQgetvalue(res, 0, column), NULL, 10);
}

const char *dg__pg_lock_clause(const dg_pg *pg)
{
    return pg->in_transaction && !pg->unchecked ? " FOR NO KEY UPDATE" : "";
}

int dg__pg_lock_request_key(dg_pg *pg, const char *table, const char *key, dg_error *err)
{
    const char *params[] = { table, key };
    if (!pg->in_transaction)
        return 0;
    return dg__pg_exec(pg, "SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))", 2, params,
                       NULL, "locking an idempotency key", err);
}

int dg__pg_request_row(dg_pg *pg, const char *table, const char *columns, const char *key,
                       char *fingerprint, size_t cap, PGresult **res, dg_error *err)
{
    char sql[192];
    snprintf(sql, sizeof sql, "SELECT fingerprint, %s FROM %s WHERE idempotency_key = $1",
             columns, table);
    int rc = dg__pg_lock_request_key(pg, table, key, err);
    if (rc == 0)
        rc = dg__pg_one_row(pg, sql, 1, &key, res, "reading an idempotency key", err);
    if (rc <= 0)
        return rc == 0 ? DG_ENOTFOUND : rc;
    snprintf(fingerprint, cap, "%s", PQgetvalue(*res, 0, 0));
    return 0;
}

int dg__pg_request_get(dg_pg *pg, const char *table, const char *column, const char *key,
                       char *fingerprint, size_t cap, char *result, size_t result_cap,
                       int64_t *id, dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_request_row(pg, table, column, key, fingerprint, cap, &res, err);
    if (rc != 0)
        return rc;
    if (result)
        snprintf(result, result_cap, "%s", PQgetvalue(res, 0, 1));
    else
        *id = dg__pg_int_at(res, 1);
    PQclear(res);
    return 0;
}

int dg__pg_request_put(dg_pg *pg, const char *table, const char *column, const char *key,
                       const char *fingerprint, const char *text, int64_t id, int64_t now,
                       dg_error *err)
{
    char sql[256];
    snprintf(sql, sizeof sql, "INSERT INTO %s (idempotency_key, fingerprint, %s, recorded_at) "
             "VALUES ($1, $2, $3, $4)", table, column);
    dg__pg_number number, at;
    const char *params[] = { key, fingerprint, text ? text : dg__pg_int(number, id),
                             dg__pg_int(at, now) };
    return dg__pg_exec(pg, sql, 4, params, NULL, "remembering an idempotency key", err);
}

int dg__pg_lock_job(dg_pg *pg, int64_t key, const char *what, dg_error *err)
{
    dg__pg_number number;
    const char *param = dg__pg_int(number, key);
    return dg__pg_exec(pg, "SELECT pg_advisory_xact_lock($1::bigint)", 1, &param, NULL, what, err);
}

int dg__pg_lock_cluster_key(dg_pg *pg, int32_t kind, const char *key, const char *what,
                            dg_error *err)
{
    if (!pg->n_nodes || !*dg__pg_lock_clause(pg) || !key)
        return 0;
    dg__pg_number number;
    const char *params[] = { dg__pg_int(number, kind), key };
    return dg__pg_exec(pg, "SELECT pg_advisory_xact_lock($1::int, hashtext($2))", 2, params,
                       NULL, what, err);
}

/* ---- migrations ---- */

static char *join_lines(const char *const *lines)
{
    size_t len = 1;
    for (size_t i = 0; lines[i]; i++)
        len += strlen(lines[i]) + 1;
    char *sql = malloc(len), *p = sql;
    for (size_t i = 0; sql && lines[i]; i++)
        p += sprintf(p, "%s\n", lines[i]);
    return sql;
}

/* The version in schema_version (0 for a new database); a database with tables of its own but
 * no schema_version is not a dangol store. */
static int read_version(dg_pg *pg, int *version, dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, "SELECT to_regclass('schema_version') IS NOT NULL, (SELECT count(*) "
                         "FROM pg_tables WHERE schemaname = current_schema())", 0, NULL, &res,
                         "reading the schema version", err);
    if (rc != 0)
        return rc;
    bool known = PQgetvalue(res, 0, 0)[0] == 't';
    long tables = atol(PQgetvalue(res, 0, 1));
    PQclear(res);
    *version = 0;
    if (!known)
        return tables > 0 ? dg_error_set(err, DG_ESTORE, "%s: the database has tables but is not "
                                         "a dangol store; give an empty database", pg->name) : 0;
    if ((rc = dg__pg_exec(pg, "SELECT version FROM schema_version", 0, NULL, &res,
                          "reading the schema version", err)) != 0)
        return rc;
    if (PQntuples(res) == 1)
        *version = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    return 0;
}

/* One step in its own transaction, under the migration lock, skipped when another process
 * applied it meanwhile. */
static int migrate_step(dg_pg *pg, const pg_migration *m, int *current, dg_error *err)
{
    char set[160];
    int rc = exec(pg, "BEGIN", "migrating the schema", err);
    if (rc == 0)
        rc = exec(pg, "SELECT pg_advisory_xact_lock(" DG__PG_MIGRATION_LOCK ")",
                  "migrating the schema", err);
    if (rc == 0)
        rc = exec(pg, "CREATE TABLE IF NOT EXISTS schema_version (id INTEGER PRIMARY KEY "
                  "CHECK (id = 1), version INTEGER NOT NULL)", "migrating the schema", err);
    if (rc == 0)
        rc = read_version(pg, current, err);
    if (rc == 0 && *current < m->version) {
        char *sql = join_lines(m->lines);
        char what[64];
        snprintf(what, sizeof what, "schema migration %04d", m->version);
        rc = sql ? exec(pg, sql, what, err) : dg_error_set(err, DG_ENOMEM, "out of memory");
        free(sql);
        snprintf(set, sizeof set, "INSERT INTO schema_version (id, version) VALUES (1, %d) "
                 "ON CONFLICT (id) DO UPDATE SET version = excluded.version", m->version);
        if (rc == 0)
            rc = exec(pg, set, "migrating the schema", err);
        if (rc == 0)
            *current = m->version;
    }
    if (rc == 0)
        rc = exec(pg, "COMMIT", "migrating the schema", err);
    else
        PQclear(PQexec(pg->conn, "ROLLBACK"));
    return rc;
}

static int migrate(dg_pg *pg, int *version, dg_error *err)
{
    int current = 0;
    int rc = read_version(pg, &current, err);
    if (rc != 0)
        return rc;
    if (current > dg_store_schema_latest())
        return dg__store_version_error(pg->name, current, err);
    int before = current;
    for (size_t i = 0; i < N_PG_MIGRATIONS && rc == 0; i++)
        if (pg_migrations[i].version > current)
            rc = migrate_step(pg, &pg_migrations[i], &current, err);
    *version = current;
    if (rc == 0 && current != dg_store_schema_latest())
        rc = dg_error_set(err, DG_ESTORE, "%s: schema version %d has no PostgreSQL dialect in "
                          "this build (src/store/schema/pg/)", pg->name, current + 1);
    if (rc == 0)   /* every record table's snapshot trigger, a migration's new tables too */
        rc = dg__pg_snapshot_triggers(pg, current != before, err);
    return rc;
}

/* ---- connection ---- */

static void on_notice(void *arg, const char *message)
{
    (void)arg;   /* the library never prints: NOTICEs (IF NOT EXISTS, ...) are dropped */
    (void)message;
}

int dg__pg_open(dg_pg **out, const char *conninfo, bool readonly, int *version, char **name,
                dg_error *err)
{
    char msg[DG_ERROR_MSG_MAX];
    dg_pg *pg = calloc(1, sizeof *pg);
    *out = NULL;
    *name = server_name(conninfo);
    if (!pg || !*name) {
        free(pg);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    pg->name = *name;
    pg->readonly = readonly;
    pg->copying = pg->merging = -1;
    pg->conn = PQconnectdb(conninfo);
    int rc = 0;
    if (!pg->conn || PQstatus(pg->conn) != CONNECTION_OK) {
        conn_message(pg->conn, msg, sizeof msg);
        bool auth = strstr(msg, "authentication failed") || strstr(msg, "no password supplied");
        bool no_db = strstr(msg, "database") && strstr(msg, "does not exist");
        rc = dg_error_set(err, auth ? DG_EAUTH : DG_ESTORE, "%s: cannot connect: %s%s", pg->name,
                          msg, auth ? "; check the user and password of --db (or $DANGOL_DB, "
                          "~/.pgpass)" : no_db ? "; create it first (createdb), then `dangol "
                          "init`" : "; is the server running and accepting connections?");
        goto fail;
    }
    PQsetNoticeProcessor(pg->conn, on_notice, NULL);
    if ((rc = exec(pg, session_setup, "setting up the session", err)) != 0)
        goto fail;
    if (readonly) {
        if ((rc = read_version(pg, version, err)) != 0)
            goto fail;
        if (*version != dg_store_schema_latest()) {
            rc = *version == 0 ? dg_error_set(err, DG_ENOTFOUND, "%s: no dangol store in this "
                                              "database; create one with `dangol init`", pg->name)
                               : dg__store_version_error(pg->name, *version, err);
            goto fail;
        }
        rc = exec(pg, "SET default_transaction_read_only = on", "setting up the session", err);
    } else {
        rc = migrate(pg, version, err);
    }
    if (rc == 0)
        rc = dg__pg_cluster_load(pg, err);
    if (rc != 0)
        goto fail;
    *out = pg;
    return 0;
fail:
    pg->name = NULL;   /* the caller's */
    dg__pg_close(pg);
    return rc;
}

void dg__pg_close(dg_pg *pg)
{
    if (!pg)
        return;
    if (pg->conn && (pg->in_transaction || pg->in_read))
        dg__pg_rollback(pg);
    PQfinish(pg->conn);
    free(pg->copy_buf);
    free(pg);
}

/* ---- transactions ---- */

int dg__pg_begin(dg_pg *pg, bool unchecked, dg_error *err)
{
    if (pg->readonly)
        return dg_error_set(err, DG_EINVAL, "%s: the store is open read-only", pg->name);
    /* a bulk load: its reference triggers skip the keys its earlier chunks locked (pg/0035) */
    int rc = exec(pg, unchecked ? "BEGIN; SET CONSTRAINTS ALL DEFERRED; "
                                  "SET LOCAL dangol.bulk_load = on" : "BEGIN",
                  "starting a transaction", err);
    pg->in_transaction = rc == 0;
    pg->unchecked = rc == 0 && unchecked;
    return rc;
}

int dg__pg_commit(dg_pg *pg, dg_error *err)
{
    int rc = dg__pg_sync(pg, err);
    if (rc == 0)
        rc = exec(pg, "COMMIT", "committing", err);
    if (rc != 0)
        dg__pg_rollback(pg);
    pg->in_transaction = pg->unchecked = false;
    dg__pg_forget_stage(pg);
    return rc;
}

void dg__pg_rollback(dg_pg *pg)
{
    dg_error ignored;
    if (pg->copy_open)   /* abandon the COPY: the rollback drops what it sent */
        PQputCopyEnd(pg->conn, "rolled back");
    PGresult *r;   /* its results, or those of a bulk load's merge under way */
    while ((r = PQgetResult(pg->conn)) != NULL)
        PQclear(r);
    dg__pg_forget_stage(pg);   /* the staged rows go with the transaction, never merged */
    if (pg->in_transaction || pg->in_read)
        dg__pg_exec(pg, "ROLLBACK", 0, NULL, NULL, "rolling back", &ignored);
    pg->in_transaction = pg->in_read = pg->unchecked = false;
}

bool dg__pg_transaction_open(dg_pg *pg)
{
    return pg->in_transaction && PQtransactionStatus(pg->conn) == PQTRANS_INTRANS;
}

/* A consistent read: REPEATABLE READ sees one snapshot for all its statements. */
int dg__pg_read_begin(dg_pg *pg, dg_error *err)
{
    if (pg->in_transaction || pg->in_read)
        return 0;
    int rc = exec(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "starting a read", err);
    pg->in_read = rc == 0;
    return rc;
}

void dg__pg_read_end(dg_pg *pg)
{
    dg_error ignored;
    if (pg->in_read)
        exec(pg, "COMMIT", "ending a read", &ignored);
    pg->in_read = false;
}

int dg__pg_flag(dg_pg *pg, const char *sql, bool *flag, const char *what, dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, sql, 0, NULL, &res, what, err);
    if (rc != 0)
        return rc;
    *flag = PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);
    return 0;
}

/* ---- settings ---- */

int dg__pg_setting_get(dg_pg *pg, const char *key, char *buf, size_t cap, dg_error *err)
{
    PGresult *res = NULL;
    const char *params[] = { key };
    int rc = dg__pg_exec(pg, "SELECT value FROM settings WHERE key = $1", 1, params, &res,
                         "reading settings", err);
    if (rc != 0)
        return rc;
    if (PQntuples(res) == 1)
        snprintf(buf, cap, "%s", PQgetvalue(res, 0, 0));
    else
        rc = dg_error_set(err, DG_ENOTFOUND, "setting \"%s\" is not set", key);
    PQclear(res);
    return rc;
}

int dg__pg_setting_set(dg_pg *pg, const char *key, const char *value, dg_error *err)
{
    const char *params[] = { key, value };
    if (pg->readonly)
        return dg_error_set(err, DG_EINVAL, "%s: the store is open read-only", pg->name);
    return dg__pg_exec(pg, "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) "
                       "DO UPDATE SET value = excluded.value", 2, params, NULL,
                       "writing settings", err);
}
