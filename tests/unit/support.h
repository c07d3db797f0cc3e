/* Helpers shared by the unit tests: renderings and files read back as strings to compare. */
#ifndef DANGOL_TEST_SUPPORT_H
#define DANGOL_TEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/frame.h"
#include "dangol/table.h"

/* The table rendered in format f, as a string the caller frees (the test fails if it cannot). */
char *test_render(const dg_table *t, dg_format f);

/* The same, and frees the table. */
char *test_render_free(dg_table *t, dg_format f);

/* Finishes the frame b was building and frees b (the test fails if finishing fails). */
dg_frame *test_frame_finish(dg_frame_builder *b);

/* The whole file at path (relative to the repository root, where the tests run). */
char *test_file_text(const char *path);

/* Runs the .sql file at path (relative to the repository root) on db; the test fails on an error. */
struct sqlite3;
void test_exec_sql_file(struct sqlite3 *db, const char *path);

/* Undoes, on db, the migrations after 31 that a test putting a store back to schema 31 or earlier
 * must see applied again: the narrow tier history (32), the points indexes (33) and the customer
 * of the points allocations and ticket events (34). */
void test_undo_after_31(struct sqlite3 *db);

/* Removes the SQLite store at path with its -wal and -shm files, if they exist. */
void test_remove_store(const char *path);

/* A new empty store (schema only) at path, set to /tmp/dangol-test-NAME-PID.db (cap bytes at
 * most), any old one removed first; the test fails if it cannot be opened. */
struct dg_store;
struct dg_store *test_store_create(char *path, size_t cap, const char *name);

/* Runs SQL text on the store file at path through a connection of its own; the test fails on
 * an error. */
void test_sql(const char *path, const char *text);

/* The integer in the first column of the first row of the query on the store file at path. */
int64_t test_sql_int(const char *path, const char *text);

/* A new store at path with a demo business of customers (seed, with or without order lines) in
 * *store, left open for the caller to close; the test fails if it cannot be made. */
void test_demo_store(struct dg_store **store, const char *path, uint64_t seed, int64_t customers,
                     bool lines);

/* Whether the store's saved snapshot of variant ("orders", "orders+lines") is current. */
bool test_snapshot_current(struct dg_store *store, const char *variant);

/* A frame and its serialized bytes, to compare two frames byte for byte. */
typedef struct test_frame_bytes {
    unsigned char *data;
    size_t len;
    dg_frame *frame;
} test_frame_bytes;

/* f (taken over) with its bytes; the test fails if it cannot be serialized. */
test_frame_bytes test_frame_bytes_of(dg_frame *f);
/* Frees b's bytes and frame. */
void test_frame_bytes_drop(test_frame_bytes b);

#endif
