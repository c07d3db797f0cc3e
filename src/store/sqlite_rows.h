/* Private to the store: a batch of rows (store/rows.h) read by SQL as the table-valued function
 * dg_rows(?) with columns c0..c7 (those past the batch's columns NULL), so the batch is written
 * with one INSERT ... SELECT rather than one statement run per row (each run opens and closes a
 * cursor per index: most of a row's cost, bench/tier.sh). */
#ifndef DANGOL_STORE_SQLITE_ROWS_H
#define DANGOL_STORE_SQLITE_ROWS_H

#include <sqlite3.h>

#include "store/rows.h"

/* Makes dg_rows known to the connection (once, when it is opened). */
int dg__rows_register(sqlite3 *db);
/* Binds rows (alive until the statement is reset) to parameter i of st. */
int dg__rows_bind(sqlite3_stmt *st, int i, dg__rows *rows);

#endif
