/* Private to the store: the PostgreSQL backend (postgres.c: connection, transactions, errors,
 * settings, migrations; postgres_rows.c: the catalog entities' rows, COPY in and out). The public
 * dg_store_* functions in sqlite.c hand a PostgreSQL store's calls to these, so nothing above
 * the store knows which backend it talks to (docs/postgresql.md). */
#ifndef DANGOL_STORE_POSTGRES_H
#define DANGOL_STORE_POSTGRES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "dangol/store.h"

typedef struct dg_pg dg_pg;

/* Is this --db value a libpq connection string (postgresql://, postgres://, or key=value)? */
bool dg__pg_is_conninfo(const char *db);

/* The store's PostgreSQL connection, or NULL for a SQLite store (sqlite.c). */
dg_pg *dg__store_pg(dg_store *s);

/* The versions of the compiled-in PostgreSQL migrations (schema/pg/), up to cap of them into
 * out, in order; returns how many there are. */
size_t dg__pg_migration_versions(int *out, size_t cap);

/* Connects, and unless readonly brings the schema to the latest version (schema/pg/). *name gets
 * the server named for messages (user@host:port/database, never the password); caller frees it
 * with free() even on failure. */
int dg__pg_open(dg_pg **out, const char *conninfo, bool readonly, int *version, char **name,
                dg_error *err);
void dg__pg_close(dg_pg *pg);   /* NULL is a no-op */

/* The refusal of an operation the PostgreSQL backend does not have yet: DG_EUNSUPPORTED. */
int dg__pg_unavailable(const dg_pg *pg, const char *what, dg_error *err);

bool dg__pg_in_transaction(const dg_pg *pg);
/* Inside a bulk load (dg_store_begin_unchecked), whose rows are streamed unchecked? */
bool dg__pg_streaming(const dg_pg *pg);
int dg__pg_begin(dg_pg *pg, bool unchecked, dg_error *err);
int dg__pg_commit(dg_pg *pg, dg_error *err);
void dg__pg_rollback(dg_pg *pg);
/* Is the transaction begun still open and usable (not aborted by an error, not lost with the
 * connection)? */
bool dg__pg_transaction_open(dg_pg *pg);
int dg__pg_read_begin(dg_pg *pg, dg_error *err);
void dg__pg_read_end(dg_pg *pg);

int dg__pg_setting_get(dg_pg *pg, const char *key, char *buf, size_t cap, dg_error *err);
int dg__pg_setting_set(dg_pg *pg, const char *key, const char *value, dg_error *err);

int dg__pg_put(dg_pg *pg, const dg_entity *e, const dg_value *row, uint64_t columns,
               bool insert_only, dg_error *err);
int dg__pg_exists(dg_pg *pg, const dg_entity *e, const char *key, bool *found, dg_error *err);
int dg__pg_keys(dg_pg *pg, const dg_entity *e, dg_key_fn fn, void *ctx, dg_error *err);
int dg__pg_delete(dg_pg *pg, const dg_entity *e, const dg_value *key_row, dg_error *err);
int dg__pg_scan(dg_pg *pg, const dg_entity *e, const dg_scan_filter *filter, dg_row_fn fn,
                void *ctx, dg_error *err);
int dg__pg_count(dg_pg *pg, const dg_entity *e, const dg_scan_filter *filter, int64_t *count,
                 dg_error *err);
int dg__pg_stats(dg_pg *pg, dg_entity_stats *out, dg_error *err);
/* Writes the rows a bulk load has streamed (COPY) into its staging tables to their tables. */
int dg__pg_sync(dg_pg *pg, dg_error *err);

/* The boolean the one row of sql holds (a SELECT EXISTS ...). */
int dg__pg_flag(dg_pg *pg, const char *sql, bool *flag, const char *what, dg_error *err);

/* ---- shared by postgres.c and postgres_rows.c ---- */
#define DG_PG_MAX_ENTITIES 32
#define DG_PG_MAX_NODES 64

/* A cluster's worker node as the coordinator reaches it (cluster_postgres.c). */
typedef struct dg__pg_node {
    char name[64];
    char host[128];
    char port[8];
} dg__pg_node;

/* pg_advisory_xact_lock key of the migrations: one process migrates at a time ("dangol") */
#define DG__PG_MIGRATION_LOCK "110369626877804"

struct dg_pg {
    PGconn *conn;
    char *name;                    /* user@host:port/database, for messages */
    bool readonly;
    bool in_transaction;           /* BEGIN .. COMMIT of a write */
    bool in_read;                  /* a REPEATABLE READ read (dg_store_read_begin) */
    bool unchecked;                /* a bulk load: references deferred, rows streamed by COPY */
    /* the bulk load's staging: per entity, a temporary table the rows are copied into and the
     * columns their upsert updates; copying names the entity the COPY is streaming into */
    bool staged[DG_PG_MAX_ENTITIES];
    bool pending[DG_PG_MAX_ENTITIES];
    uint64_t stage_columns[DG_PG_MAX_ENTITIES];
    int64_t stage_rows[DG_PG_MAX_ENTITIES];  /* rows staged since the last merge */
    int copying;                   /* entity whose rows copy_buf gathers, or -1 */
    bool copy_open;                /* its COPY ... FROM STDIN is under way */
    int merging;                   /* entity whose merge was sent, its results not read, or -1 */
    /* per entity: was its table empty at the load's first merge (1), or not (-1); 0: not asked */
    signed char first_load[DG_PG_MAX_ENTITIES];
    dg__pg_node nodes[DG_PG_MAX_NODES];   /* a cluster coordinator's workers, else none */
    size_t n_nodes;
    char *copy_buf;                /* rows not sent yet */
    size_t copy_len, copy_cap;
};

/* Reads the coordinator's worker nodes into pg->nodes (none for a store that is no cluster). */
int dg__pg_cluster_load(dg_pg *pg, dg_error *err);
/* Names the nodes that do not answer ("node2 (127.0.0.1:5433)") into buf: false if all do. */
bool dg__pg_cluster_down(const dg_pg *pg, char *buf, size_t cap);

/* Appends printf-style text to sql, a buffer of cap bytes (the statements made from the
 * catalog, postgres_rows.c and cluster_rows.c). */
__attribute__((format(printf, 3, 4)))
void dg__pg_sql_add(char *sql, size_t cap, const char *fmt, ...);

/* Is e one of a cluster's distributed tables (partitioned over its nodes)? */
bool dg__pg_distributed(const dg_pg *pg, const dg_entity *e);
/* The writes into a distributed table (cluster_rows.c), which has no unique key for ON
 * CONFLICT: the staged rows of an import upserted (others: the columns written beside the
 * key), and one row (params: every column's text) upserted, or only inserted when insert_only;
 * *exists says whether its key was there. */
int dg__pg_merge_distributed(dg_pg *pg, const dg_entity *e, const char *stage, uint64_t others,
                             dg_error *err);
int dg__pg_put_distributed(dg_pg *pg, const dg_entity *e, const char *const *params,
                           uint64_t others, bool insert_only, bool *exists, const char *what,
                           dg_error *err);

/* Runs sql with n text parameters (NULL = SQL NULL); *res (NULL to discard) is the result of a
 * command that succeeded, else returns the store's error naming what failed. */
int dg__pg_exec(dg_pg *pg, const char *sql, int n, const char *const *params, PGresult **res,
                const char *what, dg_error *err);
/* The same without writing the staged rows of a bulk load first (it ends a COPY under way):
 * for a statement that reads none of the staged entities. */
int dg__pg_run(dg_pg *pg, const char *sql, int n, const char *const *params, PGresult **res,
               const char *what, dg_error *err);
/* The error of the connection's last failure (res may be NULL): the server's message, the lost
 * connection, a refusal by a trigger (DG_ECONFLICT), a unique key (DG_EEXIST). */
int dg__pg_error(dg_pg *pg, PGresult *res, const char *what, dg_error *err);
/* ---- for the services' SQL (users_postgres.c, coupons_postgres.c, points_postgres.c) ---- */
/* A parameter's decimal text: dg__pg_int(buf, v) writes v into buf and returns it. */
typedef char dg__pg_number[24];
const char *dg__pg_int(dg__pg_number buf, int64_t v);
/* Runs sql: 1 with *res (caller clears it) when it gave a row, 0 when none, else the error. */
int dg__pg_one_row(dg_pg *pg, const char *sql, int n, const char *const *params, PGresult **res,
                   const char *what, dg_error *err);
/* Runs sql and allocates *items: one zeroed item of item_size bytes per row it gave (NULL for
 * none), to be filled from *res, which holds the rows (caller clears it and frees *items). */
int dg__pg_rows(dg_pg *pg, const char *sql, int n, const char *const *params, size_t item_size,
                void **items, PGresult **res, const char *what, dg_error *err);
/* Runs sql (a count, a sum, an INSERT ... RETURNING an id): the integer of its first row's
 * first column into *out, 0 when it gave no row or NULL. */
int dg__pg_scalar(dg_pg *pg, const char *sql, int n, const char *const *params, int64_t *out,
                  const char *what, dg_error *err);
/* An integer column of the first row. */
int64_t dg__pg_int_at(const PGresult *res, int column);
/* " FOR NO KEY UPDATE" inside a write transaction, else "": a row a write reads to decide stays
 * as read until it commits, as SQLite's BEGIN IMMEDIATE keeps the whole store (no key changes, so
 * the references to the row, FOR KEY SHARE, do not wait for it). */
const char *dg__pg_lock_clause(const dg_pg *pg);
/* Inside a write transaction, waits for and holds until it ends the lock of one Idempotency-Key
 * of table: a simultaneous request with the same key then finds it remembered and replays, as
 * under SQLite's one writer at a time. Outside one, nothing. */
int dg__pg_lock_request_key(dg_pg *pg, const char *table, const char *key, dg_error *err);
/* The Idempotency-Keys of store/stmt.h on a PostgreSQL store (dg__stmt_request_*_get and _put
 * hand them these): the key locked first, then looked up in table; its result column's text into
 * result (result_cap bytes) when result is not NULL, else its id into *id. DG_ENOTFOUND if new. */
/* The row of a stored Idempotency-Key: the key locked first, then "SELECT fingerprint,
 * columns FROM table" of it; the fingerprint into fingerprint (cap bytes) and *res the row
 * (caller clears it), whose columns from 1 on are columns'. DG_ENOTFOUND if new. */
int dg__pg_request_row(dg_pg *pg, const char *table, const char *columns, const char *key,
                       char *fingerprint, size_t cap, PGresult **res, dg_error *err);
int dg__pg_request_get(dg_pg *pg, const char *table, const char *column, const char *key,
                       char *fingerprint, size_t cap, char *result, size_t result_cap,
                       int64_t *id, dg_error *err);
int dg__pg_request_put(dg_pg *pg, const char *table, const char *column, const char *key,
                       const char *fingerprint, const char *text, int64_t id, int64_t now,
                       dg_error *err);

/* An order's row as sql (its $1 the order id) reads it into *res (caller clears it):
 * DG_ENOTFOUND "no order \"ID\"" when there is none (orders_postgres.c). */
int dg__pg_order_row(dg_pg *pg, const char *sql, const char *order_id, PGresult **res,
                     dg_error *err);
/* The customer of order_id into customer_id (cap bytes), as dg__pg_order_row refuses it; with
 * lock, inside a write transaction the order is locked (dg__pg_lock_clause) until it ends: a
 * second writer of the order waits, then reads what the first committed. */
int dg__pg_order_customer(dg_pg *pg, const char *order_id, bool lock, char *customer_id,
                          size_t cap, dg_error *err);

/* Waits for and holds until the transaction ends the advisory lock key (a constant naming one
 * job: the audit chain's append, a coupon issue's numbering, a recovery run), so two writers
 * of that job run one after the other and the second reads what the first committed. */
int dg__pg_lock_job(dg_pg *pg, int64_t key, const char *what, dg_error *err);

/* The first keys of the cluster's advisory locks of one row (pg_advisory_xact_lock(kind,
 * hashtext(key))): a customer's (consent, points, erasure: "cons", kept from consent's), an
 * order's (its earn, reversal and return: "ordr"), a ticket's ("tckt"). */
#define DG__PG_CUSTOMER_LOCK 1668247155
#define DG__PG_ORDER_LOCK 1869767794
#define DG__PG_TICKET_LOCK 1952672628
/* On a cluster, inside a write transaction, waits for and holds until it ends the coordinator's
 * advisory lock of (kind, key); elsewhere nothing (the row locks serialise the writers).
 * postgres_fdw reads each node under REPEATABLE READ with the snapshot of the transaction's
 * first statement there, so a row lock waited for on a node leaves the reads after it blind to
 * the writer it waited for (and its UPDATE fails to serialise): a write to a customer's rows
 * on the nodes takes this lock as its first statement on any node, and so first reads a node
 * after the previous writer of the same key committed (docs/postgresql.md, "Row locks on a
 * cluster"). */
int dg__pg_lock_cluster_key(dg_pg *pg, int32_t kind, const char *key, const char *what,
                            dg_error *err);

/* Frees the connection for another statement (postgres_rows.c): waits for a bulk load's merge
 * under way and ends its COPY, if one is streaming; the rows not sent yet wait for the next. */
int dg__pg_copy_pause(dg_pg *pg, dg_error *err);
void dg__pg_forget_stage(dg_pg *pg);

#endif
