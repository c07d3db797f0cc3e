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

#endif
