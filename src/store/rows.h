/* Private to the store: a batch of rows the library computed, as a C array of structs described
 * column by column, so one statement writes the whole batch: SQLite reads it as the table-valued
 * function dg_rows (sqlite_rows.c), PostgreSQL as a JSON array of arrays (rows_json.c). */
#ifndef DANGOL_STORE_ROWS_H
#define DANGOL_STORE_ROWS_H

#include <stddef.h>
#include <stdio.h>

typedef enum dg__rows_kind { DG__ROWS_TEXT, DG__ROWS_INT32, DG__ROWS_INT64 } dg__rows_kind;

/* One column: where it lies in each struct and what it holds (TEXT: a const char *, NULL read
 * as SQL NULL). */
typedef struct dg__rows_column {
    size_t offset;
    dg__rows_kind kind;
} dg__rows_column;

#define DG__ROWS_MAX_COLUMNS 8

/* n structs of size bytes from base, with n_columns (at most DG__ROWS_MAX_COLUMNS) columns. */
typedef struct dg__rows {
    const void *base;
    size_t n, size;
    const dg__rows_column *columns;
    size_t n_columns;
} dg__rows;

/* The rows as a JSON array of arrays, one per row with its columns in order. */
void dg__rows_json(FILE *out, const dg__rows *rows);

#endif
