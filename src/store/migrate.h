/* Schema migrations of the SQLite store: the compiled-in list of src/store/schema/NNNN_*.sql. */
#ifndef DANGOL_STORE_MIGRATE_H
#define DANGOL_STORE_MIGRATE_H

#include <sqlite3.h>

#include "dangol/error.h"

/* Brings db (inside no transaction, foreign keys on) from its PRAGMA user_version to the latest
 * schema, each step in its own transaction with foreign keys off and checked before it commits;
 * foreign keys are on again after. A newer version than this build knows is refused with
 * DG_EVERSION. */
int dg__sqlite_migrate(sqlite3 *db, const char *path, int *version, dg_error *err);

/* The versions of the compiled-in SQLite migrations, up to cap of them into out, in order;
 * returns how many there are (the PostgreSQL dialects: dg__pg_migration_versions). */
size_t dg__sqlite_migration_versions(int *out, size_t cap);

/* The refusal of a store at another schema version than the latest: DG_EVERSION for a newer
 * store (upgrade dangol), DG_ESTORE for an older one opened read-only (upgrade the store). */
int dg__store_version_error(const char *path, int version, dg_error *err);

#endif
