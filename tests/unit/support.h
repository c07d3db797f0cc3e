/* Helpers shared by the unit tests: renderings and files read back as strings to compare. */
#ifndef DANGOL_TEST_SUPPORT_H
#define DANGOL_TEST_SUPPORT_H

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

/* Removes the SQLite store at path with its -wal and -shm files, if they exist. */
void test_remove_store(const char *path);

#endif
