/* Private to the SQLite store: small helpers for running the prepared statements of the
 * services' SQL files (points, coupons, consent, erasure), each bound to the store's error
 * reporting (dg__store_error). Statements come from and go back to the connection's cache
 * (dg__store_statement / dg__store_statement_done, store/snapshot.h). */
#ifndef DANGOL_STORE_STMT_H
#define DANGOL_STORE_STMT_H

#include <sqlite3.h>

#include "dangol/error.h"
#include "dangol/store.h"

/* Binds text, or NULL when text is NULL. */
void dg__stmt_bind_text(sqlite3_stmt *st, int i, const char *text);
/* Steps st once: 1 on a row, 0 when there is none, or the store's (negative) error. */
int dg__stmt_step(dg_store *s, sqlite3_stmt *st, const char *what, dg_error *err);
/* Steps st to its end, calling fn with each row until it returns nonzero (returned). */
typedef int (*dg__stmt_row_fn)(void *ctx, sqlite3_stmt *st);
int dg__stmt_each(dg_store *s, sqlite3_stmt *st, dg__stmt_row_fn fn, void *ctx, const char *what,
                  dg_error *err);
/* Runs st to its end (no rows expected); DG_EEXIST for a unique-constraint refusal,
 * DG_ECONFLICT for a trigger's refusal (its message). */
int dg__stmt_run(dg_store *s, sqlite3_stmt *st, const char *what, dg_error *err);
/* Runs one statement of sql (with no parameters) through the cache. */
int dg__stmt_exec(dg_store *s, const char *sql, const char *what, dg_error *err);
/* Copies a column's text into buf (cap bytes, cut), "" for NULL. */
void dg__stmt_copy_text(char *buf, size_t cap, sqlite3_stmt *st, int column);
/* Looks up a stored Idempotency-Key with sql (its one parameter the key, its first column the
 * request's fingerprint): 0 with the fingerprint copied into fingerprint (cap bytes) and fn's
 * result for the row (fn reads the other columns), DG_ENOTFOUND for a new key, or the error. */
int dg__stmt_request_get(dg_store *s, const char *sql, const char *key, char *fingerprint,
                         size_t cap, dg__stmt_row_fn fn, void *ctx, dg_error *err);
/* dg__stmt_request_get for a table whose result column (named column) is text: the result is
 * copied into result (result_cap bytes). table and column are the service's own names, never a
 * user's. */
int dg__stmt_request_text_get(dg_store *s, const char *table, const char *column, const char *key,
                              char *fingerprint, size_t cap, char *result, size_t result_cap,
                              dg_error *err);
/* The same for a result column that holds an id: the id into *id. */
int dg__stmt_request_id_get(dg_store *s, const char *table, const char *column, const char *key,
                            char *fingerprint, size_t cap, int64_t *id, dg_error *err);
/* Remembers an Idempotency-Key in table, whose columns are idempotency_key, fingerprint, column
 * and recorded_at: the request's result is text when text is not NULL, else the id. table and
 * column are the service's own names, never a user's. */
int dg__stmt_request_put(dg_store *s, const char *table, const char *column, const char *key,
                         const char *fingerprint, const char *text, int64_t id, int64_t now,
                         dg_error *err);

#endif
