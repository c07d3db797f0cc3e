/* Subject access (include/dangol/erasure.h): one JSON object of everything the store holds on
 * one customer, read in one consistent read. The catalog's records come in the export's text
 * forms: the profile, then every entity with a customer_id column, the order lines of the
 * customer's orders and the referrals naming the customer either way (the entities whose
 * columns refer to orders or to customers). Then every other table with a customer_id column
 * (the points ledger, the consent history, the erasure record, and whatever later tables add),
 * as stored: columns ending in _on as dates, in _at as timestamps. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/json_write.h"
#include "dangol/erasure.h"
#include "dangol/store.h"
#include "dangol/text.h"
#include "ingest/export_json.h"
#include "store/consent.h"

typedef struct subject {
    FILE *out;
    const char *customer_id;
    const dg_entity *e;          /* the entity being written */
    int minor_digits;
    size_t rows;                 /* of the current array */
    char **orders;               /* the customer's order ids, for their lines */
    size_t n_orders, cap_orders;
    bool in_table;               /* a table of dg__customer_tables is being written */
} subject;

static void begin_array(subject *x, const char *name)
{
    fputs(",\n", x->out);
    dg__json_write_string(x->out, name);
    fputs(": [", x->out);
    x->rows = 0;
}

static void end_array(subject *x)
{
    fputs(x->rows ? "\n]" : "]", x->out);
}

static void record(subject *x, const dg_value *row)
{
    fputs(x->rows++ ? ",\n  " : "\n  ", x->out);
    dg__export_json_record(x->out, x->e, row, x->minor_digits);
}

static int profile_row(void *ctx, const dg_value *row)
{
    subject *x = ctx;
    fputs(",\n\"profile\": ", x->out);
    dg__export_json_record(x->out, x->e, row, x->minor_digits);
    x->rows = 1;
    return 0;
}

static int owned_row(void *ctx, const dg_value *row)
{
    subject *x = ctx;
    record(x, row);
    if (strcmp(x->e->name, "orders") != 0)
        return 0;
    if (x->n_orders == x->cap_orders) {
        size_t cap = x->cap_orders ? x->cap_orders * 2 : 32;
        char **grown = realloc(x->orders, cap * sizeof *grown);
        if (!grown)
            return DG_ENOMEM;
        x->orders = grown;
        x->cap_orders = cap;
    }
    if (!(x->orders[x->n_orders] = strdup(row[0].u.s)))
        return DG_ENOMEM;
    x->n_orders++;
    return 0;
}

/* A row of an entity whose columns refer to customers: kept when one names the customer. */
static int naming_row(void *ctx, const dg_value *row)
{
    subject *x = ctx;
    for (size_t c = 0; c < x->e->n_columns; c++)
        if (x->e->columns[c].references && strcmp(x->e->columns[c].references, "customers") == 0 &&
            !row[c].is_null && strcmp(row[c].u.s, x->customer_id) == 0) {
            record(x, row);
            break;
        }
    return 0;
}

/* Does e have a column referring to entity? */
static bool refers_to(const dg_entity *e, const char *entity)
{
    for (size_t c = 0; c < e->n_columns; c++)
        if (e->columns[c].references && strcmp(e->columns[c].references, entity) == 0)
            return true;
    return false;
}

static int write_entity(subject *x, dg_store *store, const dg_entity *e, dg_error *err)
{
    x->e = e;
    if (strcmp(e->name, "customers") == 0) {
        dg_scan_filter f = { .key = x->customer_id };
        x->rows = 0;
        int rc = dg_store_scan(store, e, &f, profile_row, x, err);
        if (rc == 0 && x->rows == 0)
            rc = dg_error_set(err, DG_ENOTFOUND, "no customer \"%s\"", x->customer_id);
        return rc;
    }
    int rc = 0;
    if (dg_entity_column(e, "customer_id") >= 0) {
        dg_scan_filter f = { .customer_id = x->customer_id };
        begin_array(x, e->name);
        rc = dg_store_scan(store, e, &f, owned_row, x, err);
    } else if (refers_to(e, "orders") && e->columns[0].references &&
               strcmp(e->columns[0].references, "orders") == 0) {
        begin_array(x, e->name);   /* keyed by their order first: read order by order */
        for (size_t i = 0; i < x->n_orders && rc == 0; i++) {
            dg_scan_filter f = { .key = x->orders[i] };
            rc = dg_store_scan(store, e, &f, owned_row, x, err);
        }
    } else if (refers_to(e, "customers")) {
        begin_array(x, e->name);
        rc = dg_store_scan(store, e, NULL, naming_row, x, err);
    } else {
        return 0;
    }
    end_array(x);
    return rc == DG_ENOMEM ? dg_error_set(err, DG_ENOMEM, "out of memory") : rc;
}

/* A stored value as JSON: day numbers of *_on columns as dates, seconds of *_at as timestamps. */
static void write_value(FILE *out, const dg__cell *cell)
{
    size_t len = strlen(cell->column);
    const char *suffix = len > 3 ? cell->column + len - 3 : "";
    char buf[32];
    switch (cell->kind) {
    case DG__CELL_NULL:
        fputs("null", out);
        break;
    case DG__CELL_INT:
        if (strcmp(suffix, "_on") == 0 && cell->i >= INT32_MIN && cell->i <= INT32_MAX)
            dg__json_write_string(out, dg_date_format((int32_t)cell->i, buf));
        else if (strcmp(suffix, "_at") == 0)
            dg__json_write_string(out, dg_timestamp_format(cell->i, buf));
        else
            fprintf(out, "%" PRId64, cell->i);
        break;
    case DG__CELL_REAL:
        fprintf(out, "%.17g", cell->r);
        break;
    case DG__CELL_BLOB:
        fputc('"', out);
        for (size_t i = 0; i < cell->len; i++)
            fprintf(out, "%02x", cell->bytes[i]);
        fputc('"', out);
        break;
    default:
        dg__json_write_string(out, (const char *)cell->bytes);
    }
}

/* The tables' arrays: one begun by table_begun, ended by the next or by write_all. */
static int table_begun(void *ctx, const char *table)
{
    subject *x = ctx;
    if (x->in_table)
        end_array(x);
    begin_array(x, table);
    x->in_table = true;
    return 0;
}

static int table_row(void *ctx, const dg__cell *cells, size_t n)
{
    subject *x = ctx;
    fputs(x->rows++ ? ",\n  {" : "\n  {", x->out);
    for (size_t c = 0; c < n; c++) {
        fputs(c ? ", " : "", x->out);
        dg__json_write_string(x->out, cells[c].column);
        fputs(": ", x->out);
        write_value(x->out, &cells[c]);
    }
    fputc('}', x->out);
    return 0;
}

static int write_all(subject *x, dg_store *store, dg_error *err)
{
    char code[4], now[32];
    bool found = false;
    int rc = dg_store_exists(store, dg_entity_find("customers"), x->customer_id, &found, err);
    if (rc == 0 && !found)   /* before a byte is written: no half document */
        rc = dg_error_set(err, DG_ENOTFOUND, "no customer \"%s\"", x->customer_id);
    if (rc == 0)
        rc = dg_store_currency(store, code, &x->minor_digits, err);
    if (rc != 0)
        return rc;
    fputs("{\"customer_id\": ", x->out);
    dg__json_write_string(x->out, x->customer_id);
    fprintf(x->out, ",\n\"generated_at\": \"%s\",\n\"currency\": ",
            dg_timestamp_format((int64_t)time(NULL), now));
    dg__json_write_string(x->out, code);
    size_t n;
    const dg_entity *const *all = dg_entity_all(&n);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = write_entity(x, store, all[i], err);
    dg__customer_rows rows = { .table = table_begun, .row = table_row, .ctx = x };
    if (rc == 0)
        rc = dg__customer_tables(store, x->customer_id, &rows, err);
    if (x->in_table)
        end_array(x);
    fputs("\n}\n", x->out);
    return rc;
}

int dg_customer_export_subject(dg_store *store, const char *customer_id, FILE *out,
                               const char *out_name, dg_error *err)
{
    subject x = { .out = out, .customer_id = customer_id ? customer_id : "" };
    int rc = dg_store_read_begin(store, err);
    if (rc != 0)
        return rc;
    rc = write_all(&x, store, err);
    dg_store_read_end(store);
    for (size_t i = 0; i < x.n_orders; i++)
        free(x.orders[i]);
    free(x.orders);
    if (rc == 0 && (fflush(out) != 0 || ferror(out)))
        rc = dg_error_set(err, DG_EIO, "cannot write %s: %s", out_name, strerror(errno));
    return rc;
}
