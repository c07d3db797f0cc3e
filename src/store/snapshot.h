/* Private to the SQLite store: what the frame snapshot's SQL (snapshot_sqlite.c) needs of the
 * store's connection (sqlite.c), and the triggers the migrator keeps on every record table. */
#ifndef DANGOL_STORE_SNAPSHOT_H
#define DANGOL_STORE_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "dangol/error.h"
#include "dangol/store.h"

sqlite3 *dg__store_db(dg_store *s);   /* NULL for a PostgreSQL store */
/* Is this a PostgreSQL store (src/store/postgres.c)? Its services' SQL is SQLite's: they refuse
 * with dg__store_unavailable until they have a PostgreSQL dialect (docs/postgresql.md). */
bool dg__store_is_postgres(const dg_store *s);
/* DG_EUNSUPPORTED: "<store>: <what> is not available on a PostgreSQL store yet ...". */
int dg__store_unavailable(dg_store *s, const char *what, dg_error *err);
/* Is a write transaction open on the store's connection? */
bool dg__store_in_transaction(dg_store *s);
const char *dg__store_path(const dg_store *s);
/* The connection's memory of token look-ups (store/users.h), wiped when it closes. */
struct dg__token_cache *dg__store_token_cache(dg_store *s);
/* A statement of sql from the connection's cache of prepared statements (prepared and cached on
 * first use; a fresh one when the cached one is in use), handed back with
 * dg__store_statement_done, which resets it (or finalizes one the cache does not hold). */
int dg__store_statement(dg_store *s, const char *sql, sqlite3_stmt **st, dg_error *err);
void dg__store_statement_done(dg_store *s, sqlite3_stmt *st);
/* scanning: a small page cache for a report that reads a large table once, in order (SQLite
 * recycles a few buffers that stay in the CPU cache instead of filling 64 MiB of fresh pages,
 * each a page fault: a third of a cold scan of 1 M tickets); false: the everyday cache again. */
void dg__store_scan_cache(dg_store *s, bool scanning);
/* writing: the page cache of a bulk import (256 MiB) while one transaction writes many rows
 * (a tier evaluation's changes), so its pages stay in memory until the commit instead of
 * spilling to the log on the way; false: the everyday cache again (which frees the rest). */
void dg__store_write_cache(dg_store *s, bool writing);
/* The store's error for its connection's last failure (busy, read-only, or SQLite's message). */
int dg__store_error(dg_store *s, dg_error *err, const char *what);

/* The conditions on a table's name (the SQL expression col) that it is a record table, whose
 * writes mark the snapshot out of date, in both dialects: not the store's own bookkeeping nor a
 * table the frame does not read. */
#define DG__SNAPSHOT_TRACKED(col) \
    col " NOT LIKE 'sqlite\\_%' ESCAPE '\\' " \
    "AND " col " NOT LIKE 'frame\\_snapshot%' ESCAPE '\\' " \
    "AND " col " NOT LIKE 'auth\\_%' ESCAPE '\\' " \
    /* the points ledger is not in the frame: a burn must not put the snapshot out of date */ \
    "AND " col " NOT LIKE 'points\\_%' ESCAPE '\\' " \
    /* nor are VOC tickets (docs/tickets.md) */ \
    "AND " col " NOT LIKE 'ticket%' " \
    /* nor is consent: a grant or a withdrawal leaves the analyses as they were */ \
    "AND " col " NOT LIKE 'consent\\_%' ESCAPE '\\' " \
    /* nor are the moments of truth (docs/mot.md) */ \
    "AND " col " NOT LIKE 'mot\\_%' ESCAPE '\\' " \
    /* nor are the staff satisfaction surveys (docs/staff.md) */ \
    "AND " col " NOT LIKE 'staff\\_survey%' ESCAPE '\\' " \
    /* nor are campaigns: a launch leaves the analyses as they were */ \
    "AND " col " NOT LIKE 'campaign%' " \
    /* nor are the stored models (docs/churn.md) */ \
    "AND " col " NOT LIKE 'model%' " \
    /* nor are tiers and coupons: an evaluation or a redemption leaves the frame as it was \
     * (schema/0022_programme_untracked.sql drops the triggers older stores have) */ \
    "AND " col " NOT LIKE 'tier\\_%' ESCAPE '\\' " \
    "AND " col " NOT LIKE 'coupon\\_%' ESCAPE '\\' " \
    /* nor are returns: the frame keeps every order, returned or not; what reads returns \
     * (economics, coupon counts) reads them per request (schema/0029_returns_untracked.sql) */ \
    "AND " col " NOT LIKE 'order\\_return%' ESCAPE '\\' "

/* Gives every table of db but SQLite's own, the snapshot's and the auth_ ones (users and tokens
 * are no records) the three triggers (insert, update, delete) that mark the snapshot out of date,
 * creating those missing, and marks the snapshot out of date when it created any or when changed
 * (a migration ran). db is in no transaction; a store without the snapshot tables (schema < 3)
 * is left alone. */
int dg__sqlite_snapshot_triggers(sqlite3 *db, const char *path, bool changed, dg_error *err);

/* The checksum of a snapshot chunk: 64-bit, word at a time (not cryptographic: it catches
 * flipped and torn bytes, not an adversary). */
uint64_t dg__snapshot_checksum(const void *data, size_t len);

#endif
