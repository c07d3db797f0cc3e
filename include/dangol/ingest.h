/* Import and export of catalog entities (dangol/entity.h) as CSV. An import reads one or more
 * files, maps their columns onto the entity's (by header name, --map renames, or --columns by
 * position), validates every field against its column's type, range, choices and references, and
 * writes all rows in one store transaction: either every row lands or none does. Bad rows are
 * listed as "file:line:column: reason"; with skip_invalid the good rows are kept and the bad ones
 * go to a quarantine CSV. Re-importing a file changes nothing (the store upserts by natural key).
 * Export writes the same text forms import reads, so export -> import is lossless. */
#ifndef DANGOL_INGEST_H
#define DANGOL_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dangol/entity.h"
#include "dangol/error.h"
#include "dangol/progress.h"
#include "dangol/store.h"
#include "dangol/export.h"

DG_API_BEGIN

#define DG_IMPORT_MAX_ERRORS 20   /* bad rows listed by default; the rest are counted */

typedef struct dg_import_options {
    char delimiter;            /* ',' (the default when options is NULL), ';', '\t', '|' or
                                * DG_CSV_WHITESPACE (runs of blanks, as in the CDNOW log) */
    const char *encoding;      /* NULL/"utf-8", "cp949", "euc-kr" */
    bool no_header;            /* the first row is data; needs columns */
    const char *columns;       /* "a,b,-,c": the file's columns by position ('-' = ignore);
                                * with a header row the header is then skipped */
    const char *map;           /* "고객번호=customer_id,memo=-": file column -> catalog column */
    bool create_customers;     /* create unknown customers referenced by the rows */
    bool skip_invalid;         /* import good rows; bad rows go to the quarantine file */
    const char *quarantine;    /* path of the quarantine CSV; NULL = FILE.rejected.csv */
    size_t max_errors;         /* bad rows kept in the report; 0 = DG_IMPORT_MAX_ERRORS */
    dg_progress_fn progress;   /* NULL = none */
    void *progress_ctx;
} dg_import_options;

typedef struct dg_import_report {
    int64_t rows_read;         /* data rows seen */
    int64_t rows_imported;     /* rows written (inserted or updated) */
    int64_t rows_rejected;     /* bad rows (all of them, listed or not) */
    int64_t customers_created; /* with create_customers */
    char **errors;             /* up to max_errors messages "file:line:column: reason" */
    size_t n_errors;
    char quarantine[512];      /* quarantine file written, "" if none (or removed on failure) */
    bool stopped;              /* failed on a problem that is not a bad row (CSV structure,
                                * columns, store, I/O): err holds it and errors does not */
} dg_import_report;

/* The quarantine file of the bad rows of input: opt->quarantine when set, else INPUT.rejected.csv
 * (import.rejected.csv for stdin, "-"). Writes into buf (NUL-terminated, cut to cap). */
void dg_import_quarantine_path(const dg_import_options *opt, const char *input, char *buf,
                               size_t cap);

/* Checks the options that do not depend on a file (delimiter, --no-header without --columns, the
 * --map text): DG_EINVAL with the reason, before anything is opened. dg_import_files checks them
 * again. */
int dg_import_options_check(const dg_entity *e, const dg_import_options *opt, dg_error *err);

/* Imports the files into e in one transaction. Returns 0 when every row was imported (or, with
 * skip_invalid, when the good ones were); otherwise the store is left exactly as it was, no
 * quarantine file is left behind, report->errors lists the bad rows and err holds the problem
 * that stopped the import (report->stopped) or else the first bad row. report may be NULL; when given, the
 * caller releases it with dg_import_report_clear. paths may include "-" for stdin. */
int dg_import_files(dg_store *store, const dg_entity *e, const char *const *paths, size_t n_paths,
                    const dg_import_options *opt, dg_import_report *report, dg_error *err);
/* dg_import_files with one path; the same report and errors. */
int dg_import_file(dg_store *store, const dg_entity *e, const char *path,
                   const dg_import_options *opt, dg_import_report *report, dg_error *err);
/* Imports CSV text held in memory (e.g. an HTTP upload); name is used in messages. */
int dg_import_mem(dg_store *store, const dg_entity *e, const char *name, const char *data,
                  size_t len, const dg_import_options *opt, dg_import_report *report,
                  dg_error *err);
/* Frees what report holds and leaves it empty; the struct is the caller's. NULL is a no-op. */
void dg_import_report_clear(dg_import_report *report);

/* The order_id given to an order whose file has no order_id column: customer_id, the order time
 * (YYYYMMDD, or YYYYMMDDTHHMMSS when it has a time of day) and the 1-based occurrence of that
 * (customer, time) pair in the file, joined by '/': "00004/19970101/2". Re-importing the same file
 * gives the same ids. Writes into buf (NUL-terminated, cut to cap). */
void dg_import_order_key(const char *customer_id, int64_t ordered_at, int64_t occurrence,
                         char *buf, size_t cap);

typedef enum { DG_EXPORT_CSV, DG_EXPORT_JSON } dg_export_format;

/* Writes every record of e to out: CSV with a header row of catalog column names, or a JSON array
 * of objects. Dates as YYYY-MM-DD, timestamps as YYYY-MM-DDTHH:MM:SSZ, money in the store
 * currency with its minor digits (1234.50), booleans as true/false, empty/null when unset. out_name
 * names out in the message of a failed write ("orders.csv", "standard output"). */
int dg_export(dg_store *store, const dg_entity *e, dg_export_format format, FILE *out,
              const char *out_name, dg_error *err);

DG_API_END

#endif
