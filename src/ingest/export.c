/* Export of catalog entities as CSV or JSON (see include/dangol/ingest.h). Values are written in
 * exactly the text forms the import reads back (dates YYYY-MM-DD, timestamps with seconds and Z,
 * money with the currency's minor digits, never through a double), which is what makes
 * export -> import lossless. JSON money is a number literal written from the integer. CSV text
 * that a spreadsheet would run as a formula (=1+2) is written with a leading quote, which the
 * importer drops again (dangol/csv.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dangol/csv.h"
#include "dangol/ingest.h"
#include "dangol/text.h"
#include "core/json_write.h"
#include "ingest/export_json.h"

typedef struct exporter {
    const dg_entity *e;
    dg_export_format format;
    FILE *out;
    int write_errno;     /* errno of the first failed write, for the message */
    int minor_digits;
    int64_t rows;
} exporter;

/* The text form of a non-null value; text values are returned as they are. */
static const char *value_text(int minor_digits, const dg_column *col, const dg_value *v,
                              char *buf, size_t cap)
{
    switch (col->type) {
    case DG_TYPE_TEXT:
    case DG_TYPE_ENUM:
        return v->u.s;
    case DG_TYPE_INT:
        snprintf(buf, cap, "%" PRId64, v->u.i);
        return buf;
    case DG_TYPE_REAL:
        snprintf(buf, cap, "%.17g", v->u.r);
        return buf;
    case DG_TYPE_DATE:
        return dg_date_format((int32_t)v->u.i, buf);
    case DG_TYPE_TIMESTAMP:
        return dg_timestamp_format(v->u.i, buf);
    case DG_TYPE_MONEY:
        return dg_money_format(v->u.i, minor_digits, buf, cap);
    case DG_TYPE_BOOL:
        return v->u.i ? "true" : "false";
    }
    return "";
}

void dg__export_json_record(FILE *out, const dg_entity *e, const dg_value *row,
                            int minor_digits)
{
    char buf[64];
    fputc('{', out);
    for (size_t c = 0; c < e->n_columns; c++) {
        const dg_column *col = &e->columns[c];
        fprintf(out, "%s\"%s\": ", c ? ", " : "", col->name);
        if (row[c].is_null) {
            fputs("null", out);
            continue;
        }
        const char *s = value_text(minor_digits, col, &row[c], buf, sizeof buf);
        switch (col->type) {
        case DG_TYPE_INT:
        case DG_TYPE_MONEY:
        case DG_TYPE_BOOL:
        case DG_TYPE_REAL:
            fputs(s, out);
            break;
        default:
            dg__json_write_string(out, s);
        }
    }
    fputc('}', out);
}

static int write_row(void *ctx, const dg_value *row)
{
    exporter *x = ctx;
    char buf[64];
    if (x->format == DG_EXPORT_CSV) {
        for (size_t c = 0; c < x->e->n_columns; c++) {
            const dg_column *col = &x->e->columns[c];
            const char *s = row[c].is_null ? "" : value_text(x->minor_digits, col, &row[c], buf,
                                                               sizeof buf);
            if (col->type == DG_TYPE_TEXT)   /* text only: -5.00 in a money column is a number */
                dg_csv_write_text(x->out, s, strlen(s), c == 0, ',');
            else
                dg_csv_write_field(x->out, s, strlen(s), c == 0, ',');
        }
        dg_csv_write_end(x->out);
    } else {
        fputs(x->rows ? ",\n  " : "\n  ", x->out);
        dg__export_json_record(x->out, x->e, row, x->minor_digits);
    }
    x->rows++;
    if (!ferror(x->out))
        return 0;
    x->write_errno = errno;
    return DG_EIO;
}

static int write_error(const exporter *x, const char *out_name, dg_error *err)
{
    return dg_error_set(err, DG_EIO, "cannot write %s: %s", out_name,
                        strerror(x->write_errno ? x->write_errno : EIO));
}

int dg_export(dg_store *store, const dg_entity *e, dg_export_format format, FILE *out,
              const char *out_name, dg_error *err)
{
    exporter x = { .e = e, .format = format, .out = out };
    char code[4];
    int rc = dg_store_currency(store, code, &x.minor_digits, err);
    if (rc != 0)
        return rc;
    if (format == DG_EXPORT_CSV) {
        for (size_t c = 0; c < e->n_columns; c++)
            dg_csv_write_field(out, e->columns[c].name, strlen(e->columns[c].name), c == 0, ',');
        dg_csv_write_end(out);
    } else {
        fputc('[', out);
    }
    rc = dg_store_scan(store, e, NULL, write_row, &x, err);
    if (rc == DG_EIO)
        return write_error(&x, out_name, err);
    if (rc != 0)
        return rc;
    if (format == DG_EXPORT_JSON)
        fputs(x.rows ? "\n]\n" : "]\n", out);
    if (fflush(out) != 0 || ferror(out)) {
        x.write_errno = errno;
        return write_error(&x, out_name, err);
    }
    return 0;
}
