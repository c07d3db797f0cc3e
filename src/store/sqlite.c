/* The embedded store: one SQLite file in WAL mode with foreign keys on. All SQL of dangol's
 * embedded backend lives here and in schema/. Statements are generated once per entity from
 * the catalog (include/dangol/entity.h) and cached; identifiers come only from the catalog and
 * every user value is bound as a parameter, so nothing a user types is ever executed as SQL.
 * References (an order's customer_id, ...) are enforced by SQLite's foreign keys; when one fails,
 * they are looked up one by one so the error can name the column and value. The frame snapshot's
 * SQL is in snapshot_sqlite.c. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "dangol/currency.h"
#include "dangol/store.h"
#include "store/sqlite_rows.h"
#include "store/consent.h"
#include "store/access.h"
#include "store/migrate.h"
#include "store/postgres.h"
#include "store/snapshot.h"
#include "store/sql_day.h"
#include "store/stmt.h"
#include "store/users.h"

#define MAX_ENTITIES 16
#define MAX_COLUMNS 32
#define SQL_MAX 4096
#define SCAN_CACHE 32
#define CACHE_PAGES "-65536"         /* page cache: 64 MiB */
#define BULK_CACHE_PAGES "-262144"   /* during a bulk import: 256 MiB */
#define SORT_CACHE_PAGES "-4096"     /* while a bulk import re-creates its indexes: 4 MiB */
#define SCAN_CACHE_PAGES "-2048"     /* while a report reads a large table once: 2 MiB */

struct dg_store {
    dg_pg *pg;                               /* a PostgreSQL store: every call goes there */
    sqlite3 *db;
    char *path;
    int version;
    bool readonly;
    bool in_transaction;
    bool in_read;                            /* inside dg_store_read_begin .. end */
    bool unchecked;                          /* foreign keys off for this transaction */
    const dg_entity *const *entities;
    size_t n_entities;
    sqlite3_stmt *put[MAX_ENTITIES];         /* upsert per entity */
    uint64_t put_columns[MAX_ENTITIES];      /* ... of the columns it updates (one set at a time) */
    sqlite3_stmt *exists[MAX_ENTITIES];      /* key lookup per entity (single-column keys) */
    char *last_found[MAX_ENTITIES];          /* last key seen to exist: orders come in runs */
    char **bulk_indexes;                     /* CREATE INDEX statements set aside by bulk_begin */
    size_t n_bulk_indexes;
    bool bulk;                               /* inside bulk_begin .. bulk_end */
    bool untracked;                          /* snapshot triggers off for a bulk load */
    /* Scan statements (and the points ledger's, dg__store_statement) kept prepared, by SQL
     * text: a server answers the same few look-ups and writes over and over, and preparing
     * costs more than running a point query. */
    struct { char *sql; sqlite3_stmt *st; bool busy; } scans[SCAN_CACHE];
    size_t next_scan;                        /* slot to replace next (round robin) */
    dg__token_cache token_cache;             /* tokens_sqlite.c's verified tokens */
    void (*checkpoint_due)(void *ctx, int log_pages); /* dg_store_checkpoint_elsewhere's */
    void *checkpoint_ctx;
    bool group;                              /* inside dg_store_group_begin .. commit/rollback */
    unsigned savepoints;                     /* ... and this many dg_store_begin deep in it */
    bool group_lost;                         /* its transaction ended under it (rollback hook) */
};

static void forget_bulk(dg_store *s);

/* DG_EBUSY when the last call failed because another connection holds the write lock past the
 * busy timeout (the caller may retry later), else DG_ESTORE. */
static int store_status(dg_store *s)
{
    int code = sqlite3_extended_errcode(s->db);
    /* an erasure guard (schema/0010_consent.sql) refused an erased customer's personal data */
    if (code == SQLITE_CONSTRAINT_TRIGGER && strstr(sqlite3_errmsg(s->db), "customer was erased"))
        return DG_ECONFLICT;
    code &= 0xFF;
    return code == SQLITE_BUSY || code == SQLITE_LOCKED ? DG_EBUSY : DG_ESTORE;
}

static int store_error(dg_store *s, dg_error *err, const char *what)
{
    if (store_status(s) == DG_EBUSY)
        return dg__store_busy_error(s->path, err);
    if ((sqlite3_extended_errcode(s->db) & 0xff) == SQLITE_READONLY && !s->readonly)
        return dg__store_readonly_error(s->path, err);
    return dg_error_set(err, DG_ESTORE, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

static int entity_index(const dg_store *s, const dg_entity *e)
{
    for (size_t i = 0; i < s->n_entities; i++)
        if (s->entities[i] == e)
            return (int)i;
    return -1;
}

static int exec(dg_store *s, const char *sql, dg_error *err)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_error(s, err, sql);
    return 0;
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* A file that is a SQLite database but not ours (tables, no user_version) is refused. */
static int check_foreign(dg_store *s, dg_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT (SELECT user_version FROM pragma_user_version), "
                           "(SELECT count(*) FROM sqlite_master)", -1, &st, NULL) != SQLITE_OK)
        return dg_error_set(err, DG_ESTORE, "%s: not a dangol store (%s)", s->path,
                            sqlite3_errmsg(s->db));
    if (sqlite3_step(st) != SQLITE_ROW)
        rc = dg_error_set(err, DG_ESTORE, "%s: not a dangol store (%s)", s->path,
                          sqlite3_errmsg(s->db));
    else if (sqlite3_column_int(st, 0) == 0 && sqlite3_column_int(st, 1) > 0)
        rc = dg_error_set(err, DG_ESTORE, "%s: is a SQLite database but not a dangol store",
                          s->path);
    sqlite3_finalize(st);
    return rc;
}

static int open_connection(dg_store *s, dg_error *err)
{
    int open_flags = s->readonly ? SQLITE_OPEN_READONLY
                                 : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(s->path, &s->db, open_flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        return dg_error_set(err, DG_ESTORE, "%s: cannot open the store: %s", s->path,
                            s->db ? sqlite3_errmsg(s->db) : "out of memory");
    sqlite3_busy_timeout(s->db, DG_STORE_BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(s->db, 1);
    if (dg__rows_register(s->db) != SQLITE_OK)
        return dg_error_set(err, DG_ESTORE, "%s: cannot open the store: %s", s->path,
                            sqlite3_errmsg(s->db));
    return 0;
}

/* Opens the connection and reads the store's header. A store that cannot be written is refused
 * with its reason when the caller writes; a reader gets it read-only (immutable when its
 * directory cannot take the WAL index, see store/access.c). */
static int open_db(dg_store *s, dg_error *err)
{
    int rc = open_connection(s, err);
    if (rc == 0)
        rc = check_foreign(s, err);
    int code = s->db ? sqlite3_extended_errcode(s->db) : SQLITE_OK;
    if (rc != 0 && !dg__sqlite_is_readonly(code))
        return rc;
    if (!s->readonly && (rc != 0 || sqlite3_db_readonly(s->db, "main") == 1))
        return dg__store_readonly_error(s->path, err);
    if (rc == 0)
        return 0;
    sqlite3_close(s->db);
    dg_error_clear(err);
    if ((rc = dg__sqlite_open_immutable(s->path, &s->db, err)) != 0)
        return rc;
    sqlite3_extended_result_codes(s->db, 1);
    return check_foreign(s, err);
}

int dg_store_open(dg_store **out, const char *path, unsigned flags, dg_error *err)
{
    dg_store *s = NULL;
    int rc = 0;
    *out = NULL;
    bool pg = dg__pg_is_conninfo(path);
    if (!pg && !(flags & DG_STORE_CREATE) && !file_exists(path))
        return dg_error_set(err, DG_ENOTFOUND,
                            "no store at %s; create one with `dangol init` or choose another "
                            "with --db", path);
    if (!(s = calloc(1, sizeof *s)) || !(s->path = strdup(path))) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
        goto cleanup;
    }
    s->readonly = flags & DG_STORE_READONLY;
    s->entities = dg_entity_all(&s->n_entities);
    assert(s->n_entities <= MAX_ENTITIES);
    if (pg) {
        free(s->path);
        s->path = NULL;
        if ((rc = dg__pg_open(&s->pg, path, s->readonly, &s->version, &s->path, err)) != 0)
            goto cleanup;
        *out = s;
        return 0;
    }
    if ((rc = open_db(s, err)) != 0)
        goto cleanup;
    if (!s->readonly && (rc = exec(s, "PRAGMA journal_mode = WAL", err)) != 0)
        goto cleanup;
    char wal_limit[64];   /* a long log's file is cut back after its checkpoint (dangol/store.h) */
    snprintf(wal_limit, sizeof wal_limit, "PRAGMA journal_size_limit = %lld",
             DG_STORE_WAL_KEEP_BYTES);
    if (!s->readonly && (rc = exec(s, wal_limit, err)) != 0)
        goto cleanup;
    /* a changed or deleted value is zeroed in its page wherever that costs no extra I/O, so an
     * erasure (which turns it fully on) finds no older copies of a name in the pages' free
     * space (docs/security.md) */
    if (!s->readonly && (rc = exec(s, "PRAGMA secure_delete = FAST", err)) != 0)
        goto cleanup;
    if ((rc = exec(s, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; "
                      "PRAGMA cache_size = " CACHE_PAGES, err)) != 0)
        goto cleanup;
    if (s->readonly) {
        sqlite3_stmt *st = NULL;
        sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);
        s->version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
        sqlite3_finalize(st);
        if (s->version != dg_store_schema_latest()) {
            rc = dg__store_version_error(path, s->version, err);
            goto cleanup;
        }
    } else if ((rc = dg__sqlite_migrate(s->db, path, &s->version, err)) != 0) {
        goto cleanup;
    }
    /* after the migrations: changing temp_store closes the temporary database they may have
     * opened (ALTER TABLE reads the temp schema), which would keep dg_store_bulk_end from
     * changing it inside a transaction */
    if ((rc = exec(s, "PRAGMA temp_store = MEMORY", err)) != 0)
        goto cleanup;
    *out = s;
    return 0;
cleanup:
    dg_store_close(s);
    return rc;
}

void dg_store_close(dg_store *s)
{
    if (!s)
        return;
    dg__pg_close(s->pg);
    for (size_t i = 0; i < MAX_ENTITIES; i++) {
        sqlite3_finalize(s->put[i]);
        sqlite3_finalize(s->exists[i]);
        free(s->last_found[i]);
    }
    for (size_t i = 0; i < SCAN_CACHE; i++) {
        sqlite3_finalize(s->scans[i].st);
        free(s->scans[i].sql);
    }
    if (s->in_transaction || s->in_read)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    forget_bulk(s);
    sqlite3_close(s->db);
    explicit_bzero(&s->token_cache, sizeof s->token_cache);
    free(s->path);
    free(s);
}

int dg_store_schema_version(const dg_store *s)
{
    return s->version;
}

int dg_store_setting_get(dg_store *s, const char *key, char *buf, size_t cap, dg_error *err)
{
    if (s->pg)
        return dg__pg_setting_get(s->pg, key, buf, cap, err);
    sqlite3_stmt *st = NULL;
    int rc;
    /* cached: the server reads the token key on every authenticated request */
    if ((rc = dg__store_statement(s, "SELECT value FROM settings WHERE key = ?", &st, err)))
        return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        snprintf(buf, cap, "%s", (const char *)sqlite3_column_text(st, 0));
        rc = 0;
    } else if (step == SQLITE_DONE) {
        rc = dg_error_set(err, DG_ENOTFOUND, "setting \"%s\" is not set", key);
    } else {
        rc = store_error(s, err, "reading settings");
    }
    dg__store_statement_done(s, st);
    return rc;
}

int dg_store_setting_set(dg_store *s, const char *key, const char *value, dg_error *err)
{
    if (s->pg)
        return dg__pg_setting_set(s->pg, key, value, err);
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (s->readonly)
        return dg_error_set(err, DG_EINVAL, "%s: the store is open read-only", s->path);
    if (sqlite3_prepare_v2(s->db, "INSERT INTO settings (key, value) VALUES (?, ?) "
                           "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           -1, &st, NULL) != SQLITE_OK)
        return store_error(s, err, "writing settings");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = store_error(s, err, "writing settings");
    sqlite3_finalize(st);
    return rc;
}

int dg_store_currency(dg_store *s, char code[4], int *minor_digits, dg_error *err)
{
    char buf[16];
    int rc = dg_store_setting_get(s, "currency", buf, sizeof buf, err);
    if (rc == DG_ENOTFOUND) {
        snprintf(buf, sizeof buf, "KRW");   /* the default of a store created without one */
        dg_error_clear(err);
    } else if (rc != 0) {
        return rc;
    }
    int digits = dg_currency_minor_digits(buf);
    if (digits < 0)
        return dg_error_set(err, DG_ESTORE, "%s: unknown store currency \"%s\"", s->path, buf);
    snprintf(code, 4, "%s", buf);
    *minor_digits = digits;
    return 0;
}

sqlite3 *dg__store_db(dg_store *s)
{
    return s->db;
}

dg__token_cache *dg__store_token_cache(dg_store *s)
{
    return &s->token_cache;
}

const char *dg__store_path(const dg_store *s)
{
    return s->path;
}

dg_pg *dg__store_pg(dg_store *s)
{
    return s->pg;
}

bool dg__store_is_postgres(const dg_store *s)
{
    return s->pg != NULL;
}

bool dg__store_in_transaction(dg_store *s)
{
    return s->pg ? dg__pg_in_transaction(s->pg) : sqlite3_get_autocommit(s->db) == 0;
}

int dg__store_unavailable(dg_store *s, const char *what, dg_error *err)
{
    return dg__pg_unavailable(s->pg, what, err);
}

/* A service's SQL on a PostgreSQL store: refused, naming the table it works on. */
static int statement_unavailable(dg_store *s, const char *sql, dg_error *err)
{
    static const char *const verbs[] = { "FROM ", "INTO ", "UPDATE ", "from ", "into " };
    const char *table = NULL;
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        const char *at = strstr(sql, verbs[i]);
        if (at && (!table || at < table))
            table = at + strlen(verbs[i]);
    }
    char what[128];
    size_t len = table ? strspn(table, "abcdefghijklmnopqrstuvwxyz_0123456789") : 0;
    if (len)
        snprintf(what, sizeof what, "this operation (on %.*s)", (int)len, table);
    else
        snprintf(what, sizeof what, "this operation");
    return dg__store_unavailable(s, what, err);
}

int dg__store_error(dg_store *s, dg_error *err, const char *what)
{
    return store_error(s, err, what);
}

/* BEGIN is deferred: the read snapshot starts with the first statement, which is run here. */
static void store_cache(dg_store *s, const char *pragma)
{
    if (!s->bulk && !s->pg)
        sqlite3_exec(s->db, pragma, NULL, NULL, NULL);
}

void dg__store_scan_cache(dg_store *s, bool scanning)
{
    store_cache(s, scanning ? "PRAGMA cache_size = " SCAN_CACHE_PAGES
                            : "PRAGMA cache_size = " CACHE_PAGES);
}

void dg__store_write_cache(dg_store *s, bool writing)
{
    store_cache(s, writing ? "PRAGMA cache_size = " BULK_CACHE_PAGES
                           : "PRAGMA cache_size = " CACHE_PAGES);
}

void dg_store_process_init(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int dg_store_read_begin(dg_store *s, dg_error *err)
{
    if (s->pg)
        return dg__pg_read_begin(s->pg, err);
    if (s->in_transaction || s->in_read)
        return 0;
    int rc = exec(s, "BEGIN; SELECT count(*) FROM sqlite_master", err);
    if (rc != 0)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_read = rc == 0;
    return rc;
}

int dg_store_read_begin_lazy(dg_store *s, dg_error *err)
{
    if (s->pg || s->in_transaction || s->in_read)
        return 0;
    int rc = dg__stmt_exec(s, "BEGIN", "starting a read", err);   /* prepared once */
    s->in_read = rc == 0;
    return rc;
}

void dg_store_read_end(dg_store *s)
{
    if (s->pg) {
        dg__pg_read_end(s->pg);
        return;
    }
    if (s->in_read && dg__stmt_exec(s, "COMMIT", "ending a read", NULL) != 0)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);   /* a read has nothing to keep */
    s->in_read = false;
}

static void forget_found_keys(dg_store *s)
{
    for (size_t i = 0; i < MAX_ENTITIES; i++) {
        free(s->last_found[i]);
        s->last_found[i] = NULL;
    }
}

static int savepoint_begin(dg_store *s, dg_error *err);
static int savepoint_release(dg_store *s, dg_error *err);
static void savepoint_rollback(dg_store *s);

int dg_store_begin(dg_store *s, dg_error *err)
{
    if (s->group)
        return savepoint_begin(s, err);
    if (s->pg)
        return dg__pg_begin(s->pg, false, err);
    assert(!s->in_transaction && !s->in_read);
    int rc = exec(s, "BEGIN IMMEDIATE", err);
    s->in_transaction = rc == 0;
    return rc;
}

/* SQLite's WAL hook, after each commit: the log's size, in pages. */
static int wal_committed(void *ctx, sqlite3 *db, const char *schema, int pages)
{
    (void)db;
    (void)schema;
    dg_store *s = ctx;
    if (pages >= DG_STORE_CHECKPOINT_PAGES)
        s->checkpoint_due(s->checkpoint_ctx, pages);
    return SQLITE_OK;
}

void dg_store_checkpoint_elsewhere(dg_store *s, void (*due)(void *ctx, int log_pages), void *ctx)
{
    if (s->pg)
        return;
    s->checkpoint_due = due;
    s->checkpoint_ctx = ctx;
    if (due)
        sqlite3_wal_hook(s->db, wal_committed, s);   /* replaces the automatic checkpoint */
    else
        sqlite3_wal_autocheckpoint(s->db, DG_STORE_CHECKPOINT_PAGES);
}

int dg_store_checkpoint(dg_store *s, dg_checkpoint_result *done, dg_error *err)
{
    *done = (dg_checkpoint_result){ 0 };
    if (s->pg)
        return 0;
    int log = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
    if (rc == SQLITE_BUSY) {   /* another connection's checkpoint is copying the log */
        done->left_pages = 1;
        return 0;
    }
    if (rc != SQLITE_OK)
        return store_error(s, err, "copying the write-ahead log into the store");
    done->log_pages = log > 0 ? log : 0;
    done->left_pages = log > copied ? log - copied : 0;
    return 0;
}

/* PRAGMA foreign_keys is a no-op inside a transaction, so it is switched around the transaction.
 * It is a setting of this connection only: a crash leaves nothing to restore. */
static int refuse_in_group(const dg_store *s, const char *what, dg_error *err)
{
    return s->group ? dg_error_set(err, DG_EUNSUPPORTED, "%s cannot run in a group commit "
                                   "(inside a savepoint)", what) : 0;
}

int dg_store_begin_unchecked(dg_store *s, dg_error *err)
{
    int refused = refuse_in_group(s, "a transaction without reference checks", err);
    if (refused)
        return refused;
    if (s->pg)
        return dg__pg_begin(s->pg, true, err);
    int rc = exec(s, "PRAGMA foreign_keys = OFF", err);
    if (rc == 0 && (rc = dg_store_begin(s, err)) != 0)
        sqlite3_exec(s->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    s->unchecked = rc == 0;
    return rc;
}

static void checked_again(dg_store *s)
{
    if (s->unchecked)
        sqlite3_exec(s->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    s->unchecked = false;
}

int dg_store_commit(dg_store *s, dg_error *err)
{
    if (s->group)
        return savepoint_release(s, err);
    if (s->pg)
        return dg__pg_commit(s->pg, err);
    assert(s->in_transaction);
    int rc = dg_store_bulk_end(s, err);   /* never commit with indexes set aside */
    if (rc == 0)
        rc = exec(s, "COMMIT", err);
    if (rc != 0)
        dg_store_rollback(s);
    s->in_transaction = false;
    checked_again(s);
    return rc;
}

static int prepare(dg_store *s, const char *sql, sqlite3_stmt **st, dg_error *err);

static void forget_bulk(dg_store *s)
{
    if (s->bulk)   /* back to the everyday page cache and in-memory temporary storage */
        sqlite3_exec(s->db, "PRAGMA cache_size = " CACHE_PAGES "; PRAGMA temp_store = MEMORY",
                     NULL, NULL, NULL);
    s->bulk = false;
    if (s->untracked)
        sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 1, (int *)NULL);
    s->untracked = false;
    for (size_t i = 0; i < s->n_bulk_indexes; i++)
        free(s->bulk_indexes[i]);
    free(s->bulk_indexes);
    s->bulk_indexes = NULL;
    s->n_bulk_indexes = 0;
}

void dg_store_rollback(dg_store *s)
{
    if (s->group) {
        savepoint_rollback(s);
        return;
    }
    if (s->pg) {
        dg__pg_rollback(s->pg);
        return;
    }
    if (s->in_transaction)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_transaction = false;
    checked_again(s);
    forget_found_keys(s);   /* keys written in the rolled-back transaction are gone */
    forget_bulk(s);         /* the rollback brought the dropped indexes back */
}

/* ---- group commit (dg_store_group_begin) ----
 * While a group is open, each dg_store_begin sets a savepoint, dg_store_commit releases it (its
 * changes join the group's transaction) and dg_store_rollback rolls back to it (its changes are
 * gone, the others' stay); savepoints nest, so a write may run writes that begin and commit. The
 * savepoint statements are the same on SQLite and PostgreSQL. */
static int group_exec(dg_store *s, const char *sql, dg_error *err)
{
    return s->pg ? dg__pg_exec(s->pg, sql, 0, NULL, NULL, sql, err)
                 : dg__stmt_exec(s, sql, sql, err);
}

static int savepoint_begin(dg_store *s, dg_error *err)
{
    int rc = group_exec(s, "SAVEPOINT dg_write", err);
    s->savepoints += rc == 0;
    return rc;
}

static void savepoint_rollback(dg_store *s)
{
    if (s->savepoints == 0)   /* none of ours open: a clean-up after a failed begin */
        return;
    dg_error ignored;
    group_exec(s, "ROLLBACK TO SAVEPOINT dg_write", &ignored);
    group_exec(s, "RELEASE SAVEPOINT dg_write", &ignored);
    s->savepoints--;
    forget_found_keys(s);   /* keys written since the savepoint are gone */
}

static int savepoint_release(dg_store *s, dg_error *err)
{
    assert(s->savepoints > 0);
    int rc = group_exec(s, "RELEASE SAVEPOINT dg_write", err);
    if (rc != 0)
        savepoint_rollback(s);
    else
        s->savepoints--;
    return rc;
}

/* SQLite's rollback hook, while a group is open: the group's transaction has ended (an I/O
 * error or a full disk rolls back the whole transaction, whatever its savepoints). */
static void group_rolled_back(void *ctx)
{
    ((dg_store *)ctx)->group_lost = true;
}

int dg_store_group_begin(dg_store *s, dg_error *err)
{
    assert(!s->group);
    int rc = dg_store_begin(s, err);
    s->group = rc == 0;
    s->savepoints = 0;
    s->group_lost = false;
    if (rc == 0 && !s->pg)
        sqlite3_rollback_hook(s->db, group_rolled_back, s);
    return rc;
}

bool dg_store_group_intact(const dg_store *s)
{
    if (s->pg)
        return dg__pg_transaction_open(s->pg);
    return s->group && !s->group_lost && !sqlite3_get_autocommit(s->db);
}

static void group_end(dg_store *s)
{
    if (!s->pg)
        sqlite3_rollback_hook(s->db, NULL, NULL);
    s->group = false;
    s->savepoints = 0;
}

int dg_store_group_commit(dg_store *s, dg_error *err)
{
    assert(s->group && s->savepoints == 0);
    bool intact = dg_store_group_intact(s);
    group_end(s);
    if (!intact) {
        dg_store_rollback(s);
        return dg_error_set(err, DG_ESTORE, "%s: the transaction of the group was lost before "
                            "its commit", s->path);
    }
    return dg_store_commit(s, err);
}

void dg_store_group_rollback(dg_store *s)
{
    group_end(s);
    dg_store_rollback(s);
}

/* Inserting n rows in random key order into an index costs a B-tree descent and, once the index
 * outgrows the page cache, page I/O per row; CREATE INDEX sorts instead. So for a batch that is
 * large next to the table, the non-unique indexes are dropped inside the transaction and created
 * again at the end. Unique indexes stay: they decide conflicts row by row. */
int dg_store_bulk_begin(dg_store *s, const dg_entity *e, int64_t expected_rows, dg_error *err)
{
    int refused = refuse_in_group(s, "a bulk load", err);
    if (refused)
        return refused;
    if (s->pg)   /* a bulk load streams its rows with COPY from its first row on */
        return 0;
    sqlite3_stmt *st = NULL;
    char sql[256];
    int rc = 0;
    assert(s->in_transaction);
    /* The frame snapshot's triggers (docs/snapshot.md) would run once per row; instead the
     * snapshot is marked out of date once, in this transaction, and they are off until it ends:
     * no other connection can claim the snapshot while this one holds the write lock. */
    if (!s->untracked) {
        if ((rc = exec(s, "UPDATE frame_snapshot_state SET generation = generation + 1, "
                          "dirty = 1 WHERE id = 1 AND dirty = 0", err)) != 0)
            return rc;
        sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, (int *)NULL);
        s->untracked = true;
    }
    if (s->bulk || expected_rows < 100000)
        return 0;
    /* counts at most 2 * expected_rows + 1 rows, so the cost follows the import's size, in a
     * rowid table or a WITHOUT ROWID one (which has no max(rowid)) */
    snprintf(sql, sizeof sql, "SELECT count(*) FROM (SELECT 1 FROM %s LIMIT %lld)", e->name,
             (long long)(2 * expected_rows + 1));
    if ((rc = prepare(s, sql, &st, err)) != 0)
        return rc;
    int64_t existing = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (existing > 2 * expected_rows)
        return 0;
    /* a bigger page cache keeps the referenced keys (customers) resident while the new rows
     * stream through it */
    if ((rc = exec(s, "PRAGMA cache_size = " BULK_CACHE_PAGES, err)) != 0)
        return rc;
    s->bulk = true;
    if ((rc = prepare(s, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                         "tbl_name = ? AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'",
                      &st, err)) != 0)
        return rc;
    sqlite3_bind_text(st, 1, e->name, -1, SQLITE_STATIC);
    char drop[SQL_MAX];
    snprintf(drop, sizeof drop, "%s", "");
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        char **list = realloc(s->bulk_indexes, (s->n_bulk_indexes + 1) * sizeof *list);
        char *create = list ? strdup((const char *)sqlite3_column_text(st, 1)) : NULL;
        if (list)
            s->bulk_indexes = list;
        if (!create) {
            rc = dg_error_set(err, DG_ENOMEM, "out of memory");
            break;
        }
        s->bulk_indexes[s->n_bulk_indexes++] = create;
        size_t len = strlen(drop);
        snprintf(drop + len, sizeof drop - len, "DROP INDEX \"%s\";",
                 (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    if (rc == 0 && drop[0])
        rc = exec(s, drop, err);
    if (rc != 0)
        forget_bulk(s);   /* the caller rolls back, which restores whatever was dropped */
    return rc;
}

/* CREATE INDEX sorts the keys in runs as large as the page cache, except with temp_store =
 * MEMORY, where the whole index is one run: a merge sort of linked records far larger than the
 * CPU cache, which missed it at nearly every step (a third of a 2 M-order import). So the indexes
 * are re-created with a small page cache and temporary files: runs that sort within the CPU
 * cache, merged from a temporary file (which SQLite deletes as it opens it, so a crash leaves
 * nothing behind). The table's dirty pages spill to the WAL earlier, as they would at commit. */
int dg_store_bulk_end(dg_store *s, dg_error *err)
{
    if (s->pg)
        return dg__pg_sync(s->pg, err);
    int rc = 0;
    if (s->n_bulk_indexes)
        rc = exec(s, "PRAGMA temp_store = FILE; PRAGMA cache_size = " SORT_CACHE_PAGES, err);
    for (size_t i = 0; i < s->n_bulk_indexes && rc == 0; i++)
        rc = exec(s, s->bulk_indexes[i], err);
    /* the load ran with the triggers off, the erasure guards too: check what they refuse */
    if (rc == 0 && s->untracked)
        rc = dg__erasure_guard(s, err);
    forget_bulk(s);
    return rc;
}

/* Appends the names of e's columns from `from` on that are in `columns` (bit c = column c),
 * comma-separated; with assign, each as "name = excluded.name" (the SET list of an upsert). */
static void append_columns(char *sql, const dg_entity *e, size_t from, bool assign,
                           uint64_t columns)
{
    size_t len = strlen(sql);
    bool first = true;
    for (size_t c = from; c < e->n_columns; c++) {
        if (!(columns >> c & 1))
            continue;
        const char *name = e->columns[c].name;
        len += (size_t)snprintf(sql + len, SQL_MAX - len, "%s%s", first ? "" : ", ", name);
        if (assign)
            len += (size_t)snprintf(sql + len, SQL_MAX - len, " = excluded.%s", name);
        first = false;
    }
}

static int prepare(dg_store *s, const char *sql, sqlite3_stmt **st, dg_error *err)
{
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
        return store_error(s, err, "preparing a statement");
    return 0;
}

/* INSERT ... ON CONFLICT (natural key) DO UPDATE SET the other columns that are in `columns`
 * (DO NOTHING when none is). */
static int put_statement(dg_store *s, const dg_entity *e, int ei, uint64_t columns, dg_error *err)
{
    if (s->put[ei] && s->put_columns[ei] == columns)
        return 0;
    sqlite3_finalize(s->put[ei]);
    s->put[ei] = NULL;
    s->put_columns[ei] = columns;
    uint64_t others = columns & ~((UINT64_C(1) << e->n_key) - 1);
    char sql[SQL_MAX];
    snprintf(sql, sizeof sql, "INSERT INTO %s (", e->name);
    append_columns(sql, e, 0, false, DG_STORE_ALL_COLUMNS);
    strcat(sql, ") VALUES (");
    for (size_t c = 0; c < e->n_columns; c++)
        strcat(sql, c ? ", ?" : "?");
    strcat(sql, ") ON CONFLICT (");
    for (size_t c = 0; c < e->n_key; c++) {
        strcat(sql, c ? ", " : "");
        strcat(sql, e->columns[c].name);
    }
    strcat(sql, others ? ") DO UPDATE SET " : ") DO NOTHING");
    append_columns(sql, e, e->n_key, true, others);
    return prepare(s, sql, &s->put[ei], err);
}

static int exists_statement(dg_store *s, const dg_entity *e, int ei, dg_error *err)
{
    if (s->exists[ei])
        return 0;
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE %s = ?", e->name, e->columns[0].name);
    return prepare(s, sql, &s->exists[ei], err);
}

/* Does the record of e with this single-column key exist? Remembers the last hit. */
static int key_exists(dg_store *s, const dg_entity *e, const char *key, bool *found, dg_error *err)
{
    if (s->pg)
        return dg__pg_exists(s->pg, e, key, found, err);
    int ei = entity_index(s, e);
    assert(ei >= 0 && e->n_key == 1);
    if (s->last_found[ei] && strcmp(s->last_found[ei], key) == 0) {
        *found = true;
        return 0;
    }
    int rc = exists_statement(s, e, ei, err);
    if (rc != 0)
        return rc;
    sqlite3_stmt *st = s->exists[ei];
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return store_error(s, err, "looking up a key");
    *found = step == SQLITE_ROW;
    if (*found) {
        free(s->last_found[ei]);
        s->last_found[ei] = strdup(key);   /* a failed copy only loses the shortcut */
    }
    return 0;
}

int dg_store_exists(dg_store *s, const dg_entity *e, const char *key, bool *found, dg_error *err)
{
    return key_exists(s, e, key, found, err);
}

int dg_store_keys(dg_store *s, const dg_entity *e, dg_key_fn fn, void *ctx, dg_error *err)
{
    if (s->pg)
        return dg__pg_keys(s->pg, e, fn, ctx, err);
    sqlite3_stmt *st = NULL;
    char sql[256];
    assert(e->n_key == 1);
    snprintf(sql, sizeof sql, "SELECT %s FROM %s", e->columns[0].name, e->name);
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_error(s, err, "reading keys");
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
        rc = fn(ctx, (const char *)sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_error(s, err, "reading keys");
    sqlite3_finalize(st);
    return rc;
}

static void bind_value(sqlite3_stmt *st, int i, const dg_column *col, const dg_value *v)
{
    if (v->is_null) {
        sqlite3_bind_null(st, i);
        return;
    }
    switch (col->type) {
    case DG_TYPE_TEXT:
    case DG_TYPE_ENUM:
        sqlite3_bind_text(st, i, v->u.s, -1, SQLITE_STATIC);
        break;
    case DG_TYPE_REAL:
        sqlite3_bind_double(st, i, v->u.r);
        break;
    case DG_TYPE_INT:
    case DG_TYPE_DATE:
    case DG_TYPE_TIMESTAMP:
    case DG_TYPE_MONEY:
    case DG_TYPE_BOOL:
        sqlite3_bind_int64(st, i, v->u.i);
        break;
    }
}

/* Checks every reference of the row; on failure err->column is the catalog column index + 1. */
static int check_references(dg_store *s, const dg_entity *e, const dg_value *row, dg_error *err)
{
    for (size_t c = 0; c < e->n_columns; c++) {
        const dg_column *col = &e->columns[c];
        if (!col->references || row[c].is_null)
            continue;
        const dg_entity *target = dg_entity_find(col->references);
        bool found = false;
        int rc = key_exists(s, target, row[c].u.s, &found, err);
        if (rc != 0)
            return rc;
        if (!found) {
            dg_error_set(err, DG_ENOTFOUND, "%s \"%s\" is not a known %s", col->name,
                         row[c].u.s, target->label);
            if (err)
                err->column = (long)c + 1;
            return DG_ENOTFOUND;
        }
    }
    return 0;
}

static int writable(const dg_store *s, dg_error *err)
{
    if (s->readonly)
        return dg_error_set(err, DG_EINVAL, "%s: the store is open read-only", s->path);
    return 0;
}

int dg_store_put(dg_store *s, const dg_entity *e, const dg_value *row, dg_error *err)
{
    return dg_store_put_columns(s, e, row, DG_STORE_ALL_COLUMNS, err);
}

int dg_store_put_columns(dg_store *s, const dg_entity *e, const dg_value *row, uint64_t columns,
                         dg_error *err)
{
    int ei = entity_index(s, e), rc;
    /* PostgreSQL: references first (unless a bulk load, whose importer checked them), so a
     * missing one is named and the transaction is not left aborted by the refused insert */
    if (s->pg && !dg__pg_streaming(s->pg) && (rc = check_references(s, e, row, err)) != 0)
        return rc;
    if (s->pg)
        return dg__pg_put(s->pg, e, row, columns, false, err);
    assert(ei >= 0);
    if ((rc = writable(s, err)) != 0 || (rc = put_statement(s, e, ei, columns, err)) != 0)
        return rc;
    sqlite3_stmt *st = s->put[ei];
    for (size_t c = 0; c < e->n_columns; c++)
        bind_value(st, (int)c + 1, &e->columns[c], &row[c]);
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    /* SQLite's foreign keys check every reference (one index probe each); only when one fails
     * are the references looked up again, to name the column and value in the message. */
    if (step == SQLITE_CONSTRAINT_FOREIGNKEY && (rc = check_references(s, e, row, err)) != 0)
        return rc;
    if (step != SQLITE_DONE)
        return dg_error_set(err, store_status(s), "%s: cannot write %s \"%s\": %s", s->path,
                            e->label, row[0].is_null ? "" : row[0].u.s, sqlite3_errmsg(s->db));
    return 0;
}

int dg_store_insert(dg_store *s, const dg_entity *e, const dg_value *row, dg_error *err)
{
    int rc;
    if (s->pg && (rc = check_references(s, e, row, err)) != 0)
        return rc;
    if (s->pg)
        return dg__pg_put(s->pg, e, row, (UINT64_C(1) << e->n_key) - 1, true, err);
    /* the upsert that updates no column: ON CONFLICT DO NOTHING, so no row changed = a conflict */
    rc = dg_store_put_columns(s, e, row, (UINT64_C(1) << e->n_key) - 1, err);
    if (rc == 0 && sqlite3_changes(s->db) == 0)
        return dg_error_set(err, DG_EEXIST, "%s \"%s\" exists already", e->label,
                            row[0].is_null ? "" : row[0].u.s);
    return rc;
}

int dg_store_ensure(dg_store *s, const dg_entity *e, const char *key, dg_error *err)
{
    bool found = false;
    int rc = writable(s, err);
    if (rc == 0)
        rc = dg_store_exists(s, e, key, &found, err);
    if (rc != 0 || found)
        return rc;
    dg_value row[MAX_COLUMNS];
    assert(e->n_columns <= MAX_COLUMNS);
    for (size_t c = 0; c < e->n_columns; c++)
        row[c] = (dg_value){ .is_null = true };
    row[0] = (dg_value){ .u.s = key };
    return dg_store_put(s, e, row, err);
}

/* Appends "a = ? AND b = ?" over the natural key. */
static void key_condition(char *sql, const dg_entity *e)
{
    for (size_t c = 0; c < e->n_key; c++) {
        strcat(sql, c ? " AND " : "");
        strcat(sql, e->columns[c].name);
        strcat(sql, " = ?");
    }
}

int dg_store_delete(dg_store *s, const dg_entity *e, const dg_value *key_row, dg_error *err)
{
    if (s->pg)
        return dg__pg_delete(s->pg, e, key_row, err);
    sqlite3_stmt *st = NULL;
    char sql[512];
    int rc = writable(s, err);
    if (rc != 0)
        return rc;
    snprintf(sql, sizeof sql, "DELETE FROM %s WHERE ", e->name);
    key_condition(sql, e);
    if ((rc = prepare(s, sql, &st, err)) != 0)
        return rc;
    for (size_t c = 0; c < e->n_key; c++)
        bind_value(st, (int)c + 1, &e->columns[c], &key_row[c]);
    int step = sqlite3_step(st);
    if (step != SQLITE_DONE)
        rc = dg_error_set(err, step == SQLITE_CONSTRAINT_FOREIGNKEY ? DG_EEXIST : DG_ESTORE,
                          "cannot delete %s \"%s\": %s", e->label, key_row[0].u.s,
                          step == SQLITE_CONSTRAINT_FOREIGNKEY
                              ? "other records refer to it" : sqlite3_errmsg(s->db));
    else if (sqlite3_changes(s->db) == 0)
        rc = dg_error_set(err, DG_ENOTFOUND, "no %s \"%s\"", e->label, key_row[0].u.s);
    sqlite3_finalize(st);
    forget_found_keys(s);
    return rc;
}

/* The entity's time column: its first date or timestamp column, or -1. */
static int time_column(const dg_entity *e)
{
    for (size_t c = 0; c < e->n_columns; c++)
        if (e->columns[c].type == DG_TYPE_DATE || e->columns[c].type == DG_TYPE_TIMESTAMP)
            return (int)c;
    return -1;
}

/* Copies text into out with LIKE's wildcards escaped by '\', wrapped in % ... %. */
static void like_pattern(const char *text, char *out, size_t cap)
{
    size_t o = 0;
    out[o++] = '%';
    for (const char *p = text; *p && o + 3 < cap; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            out[o++] = '\\';
        out[o++] = *p;
    }
    out[o++] = '%';
    out[o] = '\0';
}

/* The row's values; the columns outside mask (0: every column), selected as NULL, are not asked
 * of SQLite. */
static void read_row(sqlite3_stmt *st, const dg_entity *e, uint64_t mask, dg_value *row)
{
    for (size_t c = 0; c < e->n_columns; c++) {
        if ((mask && !(mask >> c & 1)) || sqlite3_column_type(st, (int)c) == SQLITE_NULL) {
            row[c] = (dg_value){ .is_null = true };
            continue;
        }
        switch (e->columns[c].type) {
        case DG_TYPE_TEXT:
        case DG_TYPE_ENUM:
            row[c] = (dg_value){ .u.s = (const char *)sqlite3_column_text(st, (int)c) };
            break;
        case DG_TYPE_REAL:
            row[c] = (dg_value){ .u.r = sqlite3_column_double(st, (int)c) };
            break;
        default:
            row[c] = (dg_value){ .u.i = sqlite3_column_int64(st, (int)c) };
            break;
        }
    }
}

/* A prepared statement for sql: a cached idle one, else a new one (cached when a slot can take
 * it). Returns the slot, or -1 for an uncached statement; *st is NULL on failure. */
static int scan_statement(dg_store *s, const char *sql, sqlite3_stmt **st)
{
    for (size_t i = 0; i < SCAN_CACHE; i++)
        if (s->scans[i].sql && !s->scans[i].busy && strcmp(s->scans[i].sql, sql) == 0) {
            s->scans[i].busy = true;
            *st = s->scans[i].st;
            return (int)i;
        }
    *st = NULL;
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
        return -1;
    size_t slot = s->next_scan;
    char *copy = strdup(sql);
    if (s->scans[slot].busy || !copy) {   /* in use by an outer scan: keep this one uncached */
        free(copy);
        return -1;
    }
    sqlite3_finalize(s->scans[slot].st);
    free(s->scans[slot].sql);
    s->scans[slot].sql = copy;
    s->scans[slot].st = *st;
    s->scans[slot].busy = true;
    s->next_scan = (slot + 1) % SCAN_CACHE;
    return (int)slot;
}

static void release_scan(dg_store *s, int slot, sqlite3_stmt *st)
{
    if (slot < 0) {
        sqlite3_finalize(st);
        return;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    s->scans[slot].busy = false;
}

int dg__store_statement(dg_store *s, const char *sql, sqlite3_stmt **st, dg_error *err)
{
    if (s->pg)
        return statement_unavailable(s, sql, err);
    if (scan_statement(s, sql, st) < 0 && !*st)
        return store_error(s, err, "preparing a query");
    return 0;
}

void dg__store_statement_done(dg_store *s, sqlite3_stmt *st)
{
    for (size_t i = 0; i < SCAN_CACHE; i++)
        if (s->scans[i].st == st && s->scans[i].busy) {
            release_scan(s, (int)i, st);
            return;
        }
    sqlite3_finalize(st);   /* prepared outside the cache */
}

static const dg_scan_filter no_filter = { 0 };   /* every record */

/* SQL being written, each piece put at its known end (strcat looks for the end every time: a
 * look-up's statement has some forty pieces). Text that would not fit empties it for good, and
 * the empty statement fails to prepare. */
typedef struct sql_text {
    char buf[SQL_MAX];
    size_t len;
} sql_text;

static void sql_add(sql_text *sql, const char *piece)
{
    size_t n = strlen(piece);
    if (sql->len + n >= sizeof sql->buf) {
        sql->buf[0] = '\0';
        sql->len = sizeof sql->buf;
        return;
    }
    memcpy(sql->buf + sql->len, piece, n + 1);
    sql->len += n;
}

/* Appends filter's WHERE clause for e to sql (nothing when it filters nothing). */
static int append_filter(sql_text *sql, const dg_entity *e, const dg_scan_filter *filter,
                         dg_error *err)
{
    const char *where = " WHERE ";
    if (filter->key) {
        sql_add(sql, where);
        sql_add(sql, e->columns[0].name);
        sql_add(sql, " = ?");
        where = " AND ";
    }
    if (filter->customer_id) {
        if (dg_entity_column(e, "customer_id") < 0)
            return dg_error_set(err, DG_EINVAL, "%s have no customer_id", e->name);
        sql_add(sql, where);
        sql_add(sql, "customer_id = ?");
        where = " AND ";
    }
    if (filter->search) {
        if (strcmp(e->name, "customers") != 0)
            return dg_error_set(err, DG_EINVAL, "search applies to customers only");
        sql_add(sql, where);
        /* the id and the personal columns of the catalog (name, phone, email) */
        sql_add(sql, "(customer_id LIKE :qs ESCAPE '\\'");
        for (size_t c = 0; !filter->search_no_personal && c < e->n_columns; c++)
            if (e->columns[c].personal != DG_PERSONAL_NONE) {
                sql_add(sql, " OR ");
                sql_add(sql, e->columns[c].name);
                sql_add(sql, " LIKE :qs ESCAPE '\\'");
            }
        sql_add(sql, ")");
    }
    return 0;
}

/* Binds the values of the clause append_filter wrote; pattern (cap bytes) holds the search's
 * LIKE pattern for as long as st runs. */
static void bind_filter(sqlite3_stmt *st, const dg_scan_filter *filter, char *pattern,
                        size_t cap)
{
    int param = 0;
    if (filter->key)
        sqlite3_bind_text(st, ++param, filter->key, -1, SQLITE_STATIC);
    if (filter->customer_id)
        sqlite3_bind_text(st, ++param, filter->customer_id, -1, SQLITE_STATIC);
    if (filter->search) {
        like_pattern(filter->search, pattern, cap);
        sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":qs"), pattern, -1, SQLITE_STATIC);
    }
}

int dg_store_scan(dg_store *s, const dg_entity *e, const dg_scan_filter *filter,
                  dg_row_fn fn, void *ctx, dg_error *err)
{
    if (s->pg)
        return dg__pg_scan(s->pg, e, filter, fn, ctx, err);
    sql_text sql = { .len = 0 };
    char pattern[512];
    sqlite3_stmt *st = NULL;
    dg_value row[MAX_COLUMNS];
    int rc = 0;
    if (!filter)
        filter = &no_filter;
    assert(e->n_columns <= MAX_COLUMNS);

    sql_add(&sql, "SELECT ");
    for (size_t c = 0; c < e->n_columns; c++) {   /* the columns not asked for are read as NULL */
        sql_add(&sql, c ? ", " : "");
        sql_add(&sql, !filter->columns || filter->columns >> c & 1 ? e->columns[c].name : "NULL");
    }
    sql_add(&sql, " FROM ");
    sql_add(&sql, e->name);
    if ((rc = append_filter(&sql, e, filter, err)) != 0)
        return rc;
    int tc = time_column(e);
    if (!filter->unordered) {
        sql_add(&sql, " ORDER BY ");
        if (filter->newest_first && tc >= 0) {
            sql_add(&sql, e->columns[tc].name);
            sql_add(&sql, " DESC, ");
        }
        for (size_t c = 0; c < e->n_key; c++) {
            sql_add(&sql, c ? ", " : "");
            sql_add(&sql, e->columns[c].name);
        }
    }
    sql_add(&sql, " LIMIT :lm OFFSET :of");

    int slot = scan_statement(s, sql.buf, &st);
    if (!st)
        return store_error(s, err, "preparing a scan");
    bind_filter(st, filter, pattern, sizeof pattern);
    sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":lm"),
                       filter->limit ? (sqlite3_int64)filter->limit : -1);
    sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":of"), (sqlite3_int64)filter->offset);

    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        read_row(st, e, filter->columns, row);
        if ((rc = fn(ctx, row)) != 0)
            break;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_error(s, err, "reading records");
    release_scan(s, slot, st);
    return rc;
}

int dg_store_count(dg_store *s, const dg_entity *e, const dg_scan_filter *filter,
                   int64_t *count, dg_error *err)
{
    if (s->pg)
        return dg__pg_count(s->pg, e, filter, count, err);
    sql_text sql = { .len = 0 };
    char pattern[512];
    sqlite3_stmt *st = NULL;
    int rc;
    if (!filter)
        filter = &no_filter;
    sql_add(&sql, "SELECT count(*) FROM ");
    sql_add(&sql, e->name);
    if ((rc = append_filter(&sql, e, filter, err)) != 0)
        return rc;
    int slot = scan_statement(s, sql.buf, &st);
    if (!st)
        return store_error(s, err, "preparing a count");
    bind_filter(st, filter, pattern, sizeof pattern);
    if (sqlite3_step(st) == SQLITE_ROW)
        *count = sqlite3_column_int64(st, 0);
    else
        rc = store_error(s, err, "counting records");
    release_scan(s, slot, st);
    return rc;
}

int dg_store_stats(dg_store *s, dg_entity_stats *out, dg_error *err)
{
    if (s->pg)
        return dg__pg_stats(s->pg, out, err);
    for (size_t i = 0; i < s->n_entities; i++) {
        const dg_entity *e = s->entities[i];
        int tc = time_column(e);
        char sql[512];
        sqlite3_stmt *st = NULL;
        if (tc >= 0) {
            const char *name = e->columns[tc].name;
            snprintf(sql, sizeof sql, "SELECT count(*), min(%s), max(%s) FROM %s", name, name,
                     e->name);
        } else {
            snprintf(sql, sizeof sql, "SELECT count(*), NULL, NULL FROM %s", e->name);
        }
        if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK ||
            sqlite3_step(st) != SQLITE_ROW) {
            sqlite3_finalize(st);
            return store_error(s, err, "counting records");
        }
        out[i] = (dg_entity_stats){ .entity = e, .count = sqlite3_column_int64(st, 0) };
        if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
            out[i].has_range = true;
            out[i].first_day = dg__column_day(&e->columns[tc], sqlite3_column_int64(st, 1));
            out[i].last_day = dg__column_day(&e->columns[tc], sqlite3_column_int64(st, 2));
        }
        sqlite3_finalize(st);
    }
    return 0;
}

int dg_store_last_day(dg_store *s, int32_t *day, dg_error *err)
{
    static const char *const activity[] = { "orders", "surveys", "feedback", "interactions" };
    dg_entity_stats stats[MAX_ENTITIES];
    int rc = dg_store_stats(s, stats, err);
    if (rc != 0)
        return rc;
    bool any = false;
    for (size_t i = 0; i < s->n_entities; i++)
        for (size_t a = 0; a < sizeof activity / sizeof activity[0]; a++)
            if (stats[i].has_range && strcmp(stats[i].entity->name, activity[a]) == 0 &&
                (!any || stats[i].last_day > *day)) {
                *day = stats[i].last_day;
                any = true;
            }
    if (!any)
        return dg_error_set(err, DG_ENOTFOUND, "the store has no orders, surveys, feedback or "
                            "interactions yet");
    return 0;
}
