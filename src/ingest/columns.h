/* Resolution of a CSV file's columns onto a catalog entity's (header row, --columns, --map), for
 * import. Private to src/ingest. */
#ifndef DANGOL_INGEST_COLUMNS_H
#define DANGOL_INGEST_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/csv.h"
#include "dangol/entity.h"
#include "dangol/ingest.h"

#define DG__MAX_COLUMNS 64          /* catalog columns per entity */
#define DG__MAX_FILE_COLUMNS 1024   /* columns a file may have */

typedef struct dg__columns {
    int src[DG__MAX_COLUMNS];       /* catalog column -> file field index, -1 = not in the file */
    bool required[DG__MAX_COLUMNS]; /* required by the catalog, or part of the natural key */
    char **names;                   /* the file's column names, trimmed (quarantine header) */
    size_t n_names;
    bool synth_order_id;            /* orders without an order_id column: ids are synthesised */
    uint64_t present;               /* bit c: catalog column c is in the file (or synthesised) */
} dg__columns;

/* Checks --map itself: FILE_COLUMN=COLUMN pairs whose targets are columns of e or '-'. */
int dg__columns_check_map(const dg_entity *e, const char *map, dg_error *err);

/* Fills out from opt->columns, or else from the header record csv is positioned on. file names
 * the input in messages. Release with dg__columns_free (also after a failure). */
int dg__columns_resolve(dg__columns *out, const dg_entity *e, const dg_import_options *opt,
                        dg_csv *header, const char *file, dg_error *err);
void dg__columns_free(dg__columns *cols);

#endif
