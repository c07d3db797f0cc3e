/* Result tables: the one shape every report takes (RFM segments, funnels, cube pivots, CLV lists)
 * before it is shown. The CLI renders them as an aligned table (numbers with thousands separators,
 * Korean text measured in display columns), CSV or JSON; the HTTP server sends the JSON. */
#ifndef DANGOL_TABLE_H
#define DANGOL_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dangol/export.h"

DG_API_BEGIN

typedef enum {
    DG_CELL_TEXT,
    DG_CELL_INT,
    DG_CELL_REAL,     /* shown with the column's decimals */
    DG_CELL_MONEY,    /* int64 minor units; decimals = the currency's minor digits */
    DG_CELL_DATE,     /* days since the epoch */
    DG_CELL_PERCENT,  /* a fraction 0..1 shown as a percentage with the column's decimals */
    DG_CELL_ID,       /* an int64 that names rather than counts (a year, a ticket, movement or
                       * event number, a version): never grouped with thousands separators */
} dg_cell_type;

typedef enum { DG_FORMAT_TABLE, DG_FORMAT_CSV, DG_FORMAT_JSON } dg_format;

typedef struct dg_table dg_table;

/* A new empty table; title (copied) may be NULL. NULL when out of memory. Caller frees with
 * dg_table_free. */
dg_table *dg_table_new(const char *title);
/* Frees the table and everything it holds; NULL is a no-op. */
void dg_table_free(dg_table *table);

/* Columns first, then rows. Return 0 or DG_ENOMEM. A failed addition (out of memory, or a set
 * without a row or outside the columns) makes the table failed: every later addition is
 * ignored and returns DG_ENOMEM, and writing the table returns DG_ENOMEM, so a half-built table
 * is never shown. */
/* Adds a column (name copied); decimals for REAL and PERCENT. 0 or DG_ENOMEM. */
int dg_table_add_column(dg_table *table, const char *name, dg_cell_type type, int decimals);
/* Adds n columns names[i] of types[i] with decimals[i]; table NULL (a failed dg_table_new) or
 * out of memory: DG_ENOMEM. */
int dg_table_add_columns(dg_table *table, const char *const *names, const dg_cell_type *types,
                         const int *decimals, size_t n);
/* Adds an empty row, the one the setters below fill. 0 or DG_ENOMEM. */
int dg_table_add_row(dg_table *table);
/* Set a cell of the last row; unset cells are null (empty in CSV, null in JSON). The text is
 * copied (NULL leaves the cell null): 0 or DG_ENOMEM. The numeric setters cannot fail on their
 * own; a set without a row or outside the columns makes the table failed. */
int dg_table_set_text(dg_table *table, size_t col, const char *text);
void dg_table_set_int(dg_table *table, size_t col, int64_t value);   /* INT, MONEY, DATE, ID */
void dg_table_set_real(dg_table *table, size_t col, double value);   /* REAL, PERCENT */
/* A fraction in a REAL column that is shown as a percentage, as in a PERCENT column (for a column
 * that mixes rates with other measures). */
void dg_table_set_percent(dg_table *table, size_t col, double fraction);
/* Shows the cell of the last row set by dg_table_set_real or _percent with decimals instead of
 * the column's, in the table format (CSV and JSON print it as any REAL), for a column that mixes
 * kinds of number (a metric/value list: a count whole, a rate as 12.3%, a mean as 4.56). */
void dg_table_set_decimals(dg_table *table, size_t col, int decimals);

/* A remark on the whole result (e.g. "every customer ties on recency"): JSON writes them as
 * "notes":[...] after the rows (the key only when there is one); the CLI prints them on stderr.
 * A coded note also carries a stable code (the "note" domain of the vocabulary, which translates
 * it) and numeric parameters for the translation's {key} placeholders: JSON writes
 * "note_codes":[...] beside "notes", one {"code":...,"params":{...}} per note, null for an
 * uncoded one (docs/api.md). dg_table_note_param adds a parameter to the last note, which must
 * be coded (else DG_EINVAL). */
/* Adds a note (text copied). 0 or DG_ENOMEM. */
int dg_table_add_note(dg_table *table, const char *text);
/* Adds a note with its vocabulary code (both copied). 0 or DG_ENOMEM. */
int dg_table_add_coded_note(dg_table *table, const char *code, const char *text);
/* Adds the parameter key (copied) = value to the last note. 0, DG_EINVAL (no note, or the last
 * one is uncoded) or DG_ENOMEM. */
int dg_table_note_param(dg_table *table, const char *key, double value);
/* The number of notes. */
size_t dg_table_notes(const dg_table *table);
/* Note i's text, borrowed from the table (valid until it is freed); NULL past the last. */
const char *dg_table_note(const dg_table *table, size_t i);
/* Note i's code, borrowed likewise; NULL for an uncoded note or past the last. */
const char *dg_table_note_code(const dg_table *table, size_t i);
/* DG_ENOMEM when an addition failed (the table cannot be written), else 0. */
int dg_table_failed(const dg_table *table);

/* The number of rows and of columns. */
size_t dg_table_rows(const dg_table *table);
/* The number of columns. */
size_t dg_table_columns(const dg_table *table);

/* "table", "csv" or "json" -> format; DG_EINVAL if none of them. */
int dg_format_parse(const char *name, dg_format *format);

/* Renders the table to out. JSON is {"title":..., "columns":[...], "rows":[{...}, ...]}.
 * 0; DG_ENOMEM for a failed table (nothing written) or DG_EIO when out reports a write error. */
int dg_table_write(const dg_table *table, FILE *out, dg_format format);

/* The same with only count rows from row first (fewer at the end; none past it). */
int dg_table_write_rows(const dg_table *table, FILE *out, dg_format format, size_t first,
                        size_t count);

/* Renders several tables as one document: blank-line separated (table, csv) or a JSON array. */
int dg_tables_write(dg_table *const *tables, size_t n, FILE *out, dg_format format);

DG_API_END

#endif
