/* Streaming CSV reader and writer (RFC 4180: quoted fields with embedded delimiters, quotes and
 * newlines), a UTF-8 BOM skipped, CP949 input converted to UTF-8, and a whitespace-separated mode
 * for logs like the CDNOW transaction file. The reader tracks the line each record starts on so
 * every error can name file:line:column (column = 1-based field number). */
#ifndef DANGOL_CSV_H
#define DANGOL_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dangol/error.h"
#include "dangol/export.h"

DG_API_BEGIN

typedef struct dg_csv dg_csv;

#define DG_CSV_WHITESPACE '\0'   /* delimiter value: fields separated by runs of spaces/tabs */

typedef struct dg_csv_options {
    char delimiter;          /* ',' (default when options is NULL), ';', '\t', '|' or DG_CSV_WHITESPACE */
    const char *encoding;    /* NULL/"utf-8" or "cp949" (also "euc-kr") */
} dg_csv_options;

/* Opens path ("-" = stdin) for reading. Caller closes with dg_csv_close. */
int dg_csv_open(dg_csv **out, const char *path, const dg_csv_options *opt, dg_error *err);
/* Reads from a memory buffer (not copied; must outlive the reader). name is used in messages. */
int dg_csv_open_mem(dg_csv **out, const char *name, const char *data, size_t len,
                    const dg_csv_options *opt, dg_error *err);
void dg_csv_close(dg_csv *csv);  /* NULL is a no-op */

/* Reads the next record: 1 = a record, 0 = end of input, < 0 = error (err says where).
 * Blank lines are skipped. Fields stay valid until the next call. */
int dg_csv_next(dg_csv *csv, dg_error *err);
/* After an error, true when it concerned one record that was read to its end (invalid UTF-8, a
 * NUL byte): the next dg_csv_next continues with the following record. Otherwise the input
 * cannot be read further. */
bool dg_csv_can_continue(const dg_csv *csv);
/* The number of fields of the current record. */
size_t dg_csv_count(const dg_csv *csv);
/* Field i of the current record, NUL-terminated, its length in *len (len may be NULL); "" past
 * the last field. Borrowed from the reader until the next dg_csv_next. */
const char *dg_csv_field(const dg_csv *csv, size_t i, size_t *len);
long dg_csv_line(const dg_csv *csv);         /* line on which the current record starts */
const char *dg_csv_name(const dg_csv *csv);  /* file name for messages */
/* Fraction of the input consumed, 0..1 (for progress bars); -1 when unknown (stdin). */
double dg_csv_progress(const dg_csv *csv);

/* Writes one field / ends a record, quoting only when needed. */
void dg_csv_write_field(FILE *out, const char *s, size_t len, bool first, char delimiter);
/* Ends the record (a newline). */
void dg_csv_write_end(FILE *out);

/* Spreadsheet formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts
 * with = + - @ TAB or CR as a formula. dg_csv_write_text writes a text value as a field with a
 * single quote in front when it starts with one of those, or with a quote followed by one of them
 * or by another quote (so the escape can be undone exactly); dg_csv_text_unescape gives the
 * number of leading bytes (0 or 1) the importer drops from a text field to undo it. */
void dg_csv_write_text(FILE *out, const char *s, size_t len, bool first, char delimiter);
/* How many leading bytes of a text field of len bytes undo dg_csv_write_text's escape: 0 or 1. */
size_t dg_csv_text_unescape(const char *s, size_t len);

DG_API_END

#endif
