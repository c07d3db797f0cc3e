/* Why a store cannot be read or written, in words a user can act on, and the read-only opening of
 * a store nobody may write (src/store/access.c). */
#ifndef DANGOL_STORE_ACCESS_H
#define DANGOL_STORE_ACCESS_H

#include <stdbool.h>

#include <sqlite3.h>

#include "dangol/error.h"
#include "dangol/store.h"

/* Is this SQLite result (extended code) a refusal to write: a read-only file, directory or file
 * system, or a WAL index that cannot be created? */
bool dg__sqlite_is_readonly(int code);

/* DG_ESTORE "PATH: the store is read-only (why); ..." for a command that needs to write. */
int dg__store_readonly_error(const char *path, dg_error *err);

/* DG_EBUSY "PATH: another process is writing to the store ..." after the busy timeout. */
int dg__store_busy_error(const char *path, dg_error *err);

/* Opens path read-only as an immutable database: for a store in WAL mode whose directory cannot
 * take the -shm index a reader needs, and which has no -wal file (so no writer can be at work and
 * no committed change waits in a log). DG_ESTORE when it has a -wal file. */
int dg__sqlite_open_immutable(const char *path, sqlite3 **db, dg_error *err);

#endif
