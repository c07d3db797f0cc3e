/* The customer store: where customers, orders, feedback and survey answers live, in one SQLite
 * file (src/store/sqlite.c, the embedded default) or a PostgreSQL database (src/store/postgres.c,
 * chosen by a connection string as the path; docs/postgresql.md says which operations it has).
 * No SQL crosses this interface: callers speak in catalog entities (dangol/entity.h) and dg_value
 * rows, so the analytics and the interfaces do not know which backend they talk to. */
#ifndef DANGOL_STORE_H
#define DANGOL_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/entity.h"
#include "dangol/error.h"
#include "dangol/export.h"

DG_API_BEGIN

typedef struct dg_store dg_store;

enum {
    DG_STORE_CREATE   = 1 << 0,  /* create the file if it does not exist */
    DG_STORE_READONLY = 1 << 1,  /* refuse writes */
};

/* How long a write waits for another connection's write (an import, a server) to end before it
 * fails with DG_EBUSY; the HTTP server's Retry-After is the same time (docs/cli.md). */
#define DG_STORE_BUSY_TIMEOUT_MS 5000

/* Once, before the process opens its first store and starts threads (a program's main): turns
 * off SQLite's allocation statistics, which nothing in dangol reads and which take one
 * process-wide mutex on every allocation, contended by a server's threads (BENCHMARKS.md,
 * "HTTP"). Without effect once SQLite has started. */
void dg_store_process_init(void);

/* Opens (and with DG_STORE_CREATE creates) the store at path, upgrading its schema to the current
 * version. A path that is a libpq connection string (postgresql://..., postgres://..., or
 * "dbname=... host=...") opens a PostgreSQL store in that database instead. A store written by a newer dangol is refused with DG_EVERSION.
 * Caller closes with dg_store_close. */
int dg_store_open(dg_store **out, const char *path, unsigned flags, dg_error *err);
void dg_store_close(dg_store *store);  /* NULL is a no-op */

/* The store as it is named to people (messages, titles): a file's path as given; a PostgreSQL
 * connection string as "PostgreSQL user@host:port/database", never with its password. Writes at
 * most cap bytes into buf and returns buf. */
const char *dg_store_describe(const char *path, char *buf, size_t cap);

/* Schema version of the open store, and the newest this build knows. */
int dg_store_schema_version(const dg_store *store);
/* The newest schema version this build knows (that of its last migration). */
int dg_store_schema_latest(void);

/* Store-wide settings (e.g. "currency" = "KRW"). get copies into buf; DG_ENOTFOUND if unset. */
int dg_store_setting_get(dg_store *store, const char *key, char *buf, size_t cap, dg_error *err);
/* Sets key to value (a copy) in the current or its own transaction; DG_EINVAL for a store open
 * read-only, the store's errors. */
int dg_store_setting_set(dg_store *store, const char *key, const char *value, dg_error *err);

/* Digits of the store currency's minor unit: 0 for KRW/JPY, 2 for USD/EUR, ... */
int dg_store_currency(dg_store *store, char code[4], int *minor_digits, dg_error *err);

/* Checkpoints off the writer's path, for a process whose writes all go through one connection
 * (the HTTP server): from this call on, store's commits no longer copy the write-ahead log back
 * into the store file themselves (SQLite's automatic checkpoint, which makes every thousandth
 * commit wait for the copy and a sync); instead due(ctx, log_pages) is called on the committing
 * thread after each commit that leaves the log at DG_STORE_CHECKPOINT_PAGES pages or more (its
 * length then), and the caller runs dg_store_checkpoint on another connection. due NULL: the
 * commits checkpoint by themselves again. A PostgreSQL store: nothing happens. 4,000 pages
 * (16 MiB at 4 KiB a page) rather than SQLite's 1,000: each copy ends with two syncs, and a page
 * written again before the copy is copied once, so a longer log costs a busy server less per
 * write (bench/points.sh, BENCHMARKS.md "API burns", session 31: about 15 % less CPU per burn). */
#define DG_STORE_CHECKPOINT_PAGES 4000
/* What a write-ahead log file is cut back to once a checkpoint has copied all of it and the next
 * write starts it again (SQLite's journal_size_limit): 64 MiB, four checkpoint cadences, so a
 * steady load reuses its file while a burst's log (up to ~250 MiB before the server's
 * checkpointer holds the writes, src/server/checkpoint.c) does not keep its disk space. */
#define DG_STORE_WAL_KEEP_BYTES (64LL * 1024 * 1024)
void dg_store_checkpoint_elsewhere(dg_store *store, void (*due)(void *ctx, int log_pages),
                                  void *ctx);
/* Copies the committed pages of the write-ahead log into the store file, without waiting for
 * writers or stopping them (SQLite's passive checkpoint), and says how long the log is and how
 * much of it is left to copy: what was committed while it copied, or everything when another
 * connection's checkpoint was copying (left_pages 1, log_pages 0). A log left with nothing to
 * copy starts again from its beginning at the next write; one that writes keep ahead of grows
 * (see dg_checkpointer, src/server/checkpoint.c). A PostgreSQL store: nothing to do, zeros. */
typedef struct dg_checkpoint_result {
    int log_pages;    /* the log's length, copied or not */
    int left_pages;   /* of which not copied into the store file */
} dg_checkpoint_result;
int dg_store_checkpoint(dg_store *store, dg_checkpoint_result *done, dg_error *err);

/* Explicit transactions. Every write outside begin/commit is its own transaction. */
int dg_store_begin(dg_store *store, dg_error *err);
/* Commits (after dg_store_bulk_end); on an error the transaction is rolled back. DG_EBUSY when
 * another connection holds the lock, DG_ESTORE. */
int dg_store_commit(dg_store *store, dg_error *err);
/* Rolls the open transaction back; nothing when none is open. Cannot fail. */
void dg_store_rollback(dg_store *store);
/* A transaction in which the store does not check references (SQLite's foreign keys are off),
 * for bulk loads: the caller checks every reference of every row it writes itself, with
 * dg_store_exists or against the keys dg_store_keys read inside this transaction (its write lock
 * keeps them from changing). Ended by dg_store_commit or dg_store_rollback like any other. */
int dg_store_begin_unchecked(dg_store *store, dg_error *err);

/* Group commit: several writes in one transaction, committed once (the HTTP server's write queue,
 * like PostgreSQL's group commit of concurrent transactions' log records). Between group_begin
 * and group_commit, dg_store_begin opens a SAVEPOINT instead of a transaction, dg_store_commit
 * releases it and dg_store_rollback rolls back to it: a write that fails leaves no trace, the
 * others of the group stay, and nothing is durable before group_commit (so nobody may be told
 * that a write is done before then). Savepoints nest. A transaction without reference checks and
 * a bulk load are refused inside a group (DG_EUNSUPPORTED). group_intact: is the group's
 * transaction still open (an I/O error or a full disk ends a SQLite transaction whatever its
 * savepoints)? If not, group_commit fails and nothing of the group is written. A failed
 * group_commit rolls the whole group back. */
int dg_store_group_begin(dg_store *store, dg_error *err);
bool dg_store_group_intact(const dg_store *store);
int dg_store_group_commit(dg_store *store, dg_error *err);
void dg_store_group_rollback(dg_store *store);

/* Announces a batch of about expected_rows writes of e inside the current transaction. The
 * backend may set e's secondary (non-unique) indexes aside and rebuild them in dg_store_bulk_end,
 * still inside the transaction, so a rollback or a crash restores them as they were. It does so
 * only when rebuilding is cheaper than updating them row by row. */
int dg_store_bulk_begin(dg_store *store, const dg_entity *e, int64_t expected_rows, dg_error *err);
/* Rebuilds what dg_store_bulk_begin set aside, inside the transaction (dg_store_commit calls it
 * too). The store's errors. */
int dg_store_bulk_end(dg_store *store, dg_error *err);

/* Inserts or updates (by natural key) one record; row has e->n_columns values in catalog order.
 * A reference to a record that does not exist fails with DG_ENOTFOUND naming the column. */
int dg_store_put(dg_store *store, const dg_entity *e, const dg_value *row, dg_error *err);
/* The same, but an existing record keeps its stored values in the columns not in `columns`
 * (bit c = catalog column c; the key columns are always matched): a file of phone numbers updates
 * the phones, not the names. A new record gets row's values, unset where row has them unset. */
#define DG_STORE_ALL_COLUMNS UINT64_MAX
int dg_store_put_columns(dg_store *store, const dg_entity *e, const dg_value *row,
                         uint64_t columns, dg_error *err);

/* Inserts a new record; DG_EEXIST if one with its natural key exists (decided by the insert
 * itself, so of concurrent inserts of one key exactly one succeeds). */
int dg_store_insert(dg_store *store, const dg_entity *e, const dg_value *row, dg_error *err);

/* Does e (single-column key) have a record with this key? */
int dg_store_exists(dg_store *store, const dg_entity *e, const char *key, bool *found,
                    dg_error *err);
/* Calls fn with every key of e (single-column keys), in no particular order; the key is valid only
 * during the call. A nonzero return stops and is returned. */
typedef int (*dg_key_fn)(void *ctx, const char *key, size_t len);
int dg_store_keys(dg_store *store, const dg_entity *e, dg_key_fn fn, void *ctx, dg_error *err);

/* Inserts a record of e holding only its (single-column) key, if it does not exist yet. */
int dg_store_ensure(dg_store *store, const dg_entity *e, const char *key, dg_error *err);

/* Deletes the record with this natural key (first n_key values of key_row). DG_ENOTFOUND if none. */
int dg_store_delete(dg_store *store, const dg_entity *e, const dg_value *key_row, dg_error *err);

/* Called once per record; the row (and its strings) is valid only during the call. A nonzero
 * return stops the scan and is returned by the scan function. */
typedef int (*dg_row_fn)(void *ctx, const dg_value *row);

typedef struct dg_scan_filter {
    const char *key;         /* only the record with this natural key (single-column keys), or NULL */
    const char *customer_id; /* only records whose customer_id column is this, or NULL */
    const char *search;      /* customers only: substring of id, name, phone or email, or NULL */
    bool search_no_personal; /* the search matches the id only, never a personal column (a
                                role that sees them masked must not find by them) */
    bool newest_first;       /* order by the entity's time column, newest first */
    size_t offset, limit;    /* limit 0 = all */
    bool unordered;          /* storage order, no sort: the fast way to read a whole table */
    uint64_t columns;        /* only these catalog columns are read (bit c = column c), the
                                others come back unset (is_null); 0 = every column */
} dg_scan_filter;

/* Visits the records of e matching filter (NULL = all), in natural-key order unless newest_first. */
int dg_store_scan(dg_store *store, const dg_entity *e, const dg_scan_filter *filter,
                  dg_row_fn fn, void *ctx, dg_error *err);

/* The number of records of e matching filter's key, customer_id and search (NULL = all) into
 * *count; its offset, limit and order are ignored. */
int dg_store_count(dg_store *store, const dg_entity *e, const dg_scan_filter *filter,
                   int64_t *count, dg_error *err);

/* Record count and the range of the entity's time column (dates in days since the epoch). */
typedef struct dg_entity_stats {
    const dg_entity *entity;
    int64_t count;
    bool has_range;
    int32_t first_day, last_day;
} dg_entity_stats;

/* Fills out[i] for every entity of dg_entity_all(), in that order. */
int dg_store_stats(dg_store *store, dg_entity_stats *out, dg_error *err);

/* Last day with any order, survey, feedback or interaction: the default as-of date.
 * DG_ENOTFOUND on an empty store. */
int dg_store_last_day(dg_store *store, int32_t *day, dg_error *err);

/* A consistent read: every call between begin and end sees the store as it was at begin, whatever
 * other connections commit meanwhile. Inside a write transaction both are no-ops (that
 * transaction is consistent already). */
int dg_store_read_begin(dg_store *store, dg_error *err);
/* Ends the consistent read begun by dg_store_read_begin. Cannot fail. */
void dg_store_read_end(dg_store *store);
/* The same for a few point reads: the state is the one the first of them finds (SQLite's
 * deferred BEGIN), with no read of its own at begin, so the reads cost one transaction instead
 * of one each. dg_store_read_end ends it. On PostgreSQL, whose begin and end would be two more
 * round trips, it does nothing (each read sees the latest state). */
int dg_store_read_begin_lazy(dg_store *store, dg_error *err);

/* ---- the frame snapshot (docs/snapshot.md) ----
 * The store keeps serialized frames as a cache, in chunks with a checksum each, beside a
 * generation counter and a dirty flag: the first write of any record after a snapshot was
 * claimed bumps the generation and sets dirty. A snapshot is current only while the store's
 * generation is the one it was read at and dirty is clear. The snapshot is written through a
 * connection of its own in one short transaction that never waits for another writer, so a
 * command that only reads (and opened the store read-only) can keep it current, and a crash
 * leaves the previous snapshot or none, never part of one. */

typedef struct dg_store_snapshot {
    char variant[32];          /* which frame: "orders" or "orders+lines" */
    int format;                /* serialization format version (the frame's) */
    int64_t generation;        /* the store generation the frame was read at */
    int64_t chunks, bytes;
    int64_t customers, orders, lines;
    int32_t as_of;             /* the frame's as-of day */
    int64_t saved_at;          /* UTC seconds */
} dg_store_snapshot;

/* The store's generation and dirty flag (inside a read, as of its begin). */
int dg_store_snapshot_state(dg_store *store, int64_t *generation, bool *dirty, dg_error *err);

/* Clears the dirty flag, so the next write of a record bumps the generation again: a frame read
 * after the claim, at a clean generation, may be saved. Through a connection of its own, without
 * waiting: DG_EBUSY when another connection holds the write lock, DG_ESTORE when the store
 * cannot be written. */
int dg_store_snapshot_claim(dg_store *store, dg_error *err);

/* Saves len bytes of data as the snapshot info->variant (info's generation, format and counts;
 * chunks, bytes and saved_at are filled in), replacing the variant's previous one and dropping
 * every snapshot of another generation, in one transaction of its own connection that never
 * waits. DG_EBUSY when another connection is writing, DG_EABORTED when the store's generation is
 * no longer info->generation or is dirty (the frame would be stale), DG_ESTORE when the store
 * cannot be written. */
int dg_store_snapshot_save(dg_store *store, dg_store_snapshot *info, const void *data, size_t len,
                           dg_error *err);

/* Reads the snapshot variant chunk by chunk: its header into info and a reader into *out, which
 * the caller closes with dg_store_snapshot_reader_close. DG_ENOTFOUND when there is none. */
typedef struct dg_store_snapshot_reader dg_store_snapshot_reader;
int dg_store_snapshot_open(dg_store *store, const char *variant, dg_store_snapshot *info,
                           dg_store_snapshot_reader **out, dg_error *err);
/* The next chunk, checked against its checksum: *data (valid until the next call or the close)
 * and *len; *len = 0 after the last one. A chunk of at most skip bytes, which the caller will
 * pass over, is neither read nor checked: *data is then NULL and *len its length. DG_ESTORE
 * naming the chunk when one is missing, longer than the header says or does not match its
 * checksum, or when the chunks end short of the header's size. */
int dg_store_snapshot_next(dg_store_snapshot_reader *reader, size_t skip, const void **data,
                           size_t *len, dg_error *err);
void dg_store_snapshot_reader_close(dg_store_snapshot_reader *reader);  /* NULL is a no-op */

/* The whole snapshot variant at once: its header into info and every chunk, checked, into
 * *data (len bytes; caller frees with free()). Errors as dg_store_snapshot_next. */
int dg_store_snapshot_load(dg_store *store, const char *variant, dg_store_snapshot *info,
                           void **data, size_t *len, dg_error *err);

/* The headers of every saved snapshot, up to cap of them, into out; their number into *n. */
int dg_store_snapshot_list(dg_store *store, dg_store_snapshot *out, size_t cap, size_t *n,
                           dg_error *err);

DG_API_END

#endif
