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

#include <sqlite3.h>

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
static void write_value(FILE *out, sqlite3_stmt *st, int c)
{
    const char *name = sqlite3_column_name(st, c);
    size_t len = strlen(name);
    char buf[32];
    switch (sqlite3_column_type(st, c)) {
    case SQLITE_NULL:
        fputs("null", out);
        break;
    case SQLITE_INTEGER: {
        int64_t v = sqlite3_column_int64(st, c);
        if (len > 3 && strcmp(name + len - 3, "_on") == 0 && v >= INT32_MIN && v <= INT32_MAX)
            dg__json_write_string(out, dg_date_format((int32_t)v, buf));
        else if (len > 3 && strcmp(name + len - 3, "_at") == 0)
            dg__json_write_string(out, dg_timestamp_format(v, buf));
        else
            fprintf(out, "%" PRId64, v);
        break;
    }
    case SQLITE_FLOAT:
        fprintf(out, "%.17g", sqlite3_column_double(st, c));
        break;
    case SQLITE_BLOB: {
        const unsigned char *b = sqlite3_column_blob(st, c);
        int n = sqlite3_column_bytes(st, c);
        fputc('"', out);
        for (int i = 0; i < n; i++)
            fprintf(out, "%02x", b[i]);
        fputc('"', out);
        break;
    }
    default:
        dg__json_write_string(out, (const char *)sqlite3_column_text(st, c));
    }
}

static int write_table(void *ctx, const char *table, void *stmt)
{
    subject *x = ctx;
    sqlite3_stmt *st = stmt;
    begin_array(x, table);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        fputs(x->rows++ ? ",\n  {" : "\n  {", x->out);
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            fputs(c ? ", " : "", x->out);
            dg__json_write_string(x->out, sqlite3_column_name(st, c));
            fputs(": ", x->out);
            write_value(x->out, st, c);
        }
        fputc('}', x->out);
    }
    end_array(x);
    return step == SQLITE_DONE ? 0 : DG_ESTORE;
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
    if (rc == 0 && (rc = dg__customer_tables(store, x->customer_id, write_table, x, err)) ==
                       DG_ESTORE && !err->message[0])
        rc = dg_error_set(err, DG_ESTORE, "reading a table of the customer failed");
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
