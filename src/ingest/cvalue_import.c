/* CSV import of customer value survey responses (include/dangol/cvalue_io.h). The header names
 * response_id, customer_id, answered_on and the survey's item codes (any order; blank = not
 * answered); each row is checked (a known customer, a date, whole numbers inside each item's
 * scale, a response once per file) and written in one write transaction with its audit entry
 * (value.import, naming the customers written). Any bad row rolls the whole import back and
 * every bad row (up to max_errors) is listed as file:line:column. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/audit_write.h"
#include "dangol/csv.h"
#include "dangol/cvalue_io.h"
#include "dangol/text.h"
#include "ingest/keyset.h"
#include "store/cvalue.h"

enum { COL_RESPONSE, COL_CUSTOMER, COL_DAY, N_FIXED };
static const char *const fixed_names[N_FIXED] = { "response_id", "customer_id", "answered_on" };

typedef struct importer {
    dg_store *store;
    const dg_cvalue_survey *s;
    dg_csv *csv;
    const char *name;
    int fixed[N_FIXED];                 /* field of each fixed column, -1 = absent */
    int item_of[DG_CVALUE_MAX_ITEMS * 2];   /* field -> item index, or -1 */
    size_t n_fields;
    dg_import_report *report;
    size_t max_errors;
    dg__keyset *seen;
    dg__keyset *customers;              /* the customers written, once each, for the audit */
    char **customer_list;
    size_t n_customers;
    dg_error first;
} importer;

/* Remembers a customer whose answers were written (once). */
static int note_customer(importer *im, const char *customer, dg_error *err)
{
    uint32_t *stored;
    int rc = dg__keyset_add(im->customers, customer, strlen(customer), 0, &stored);
    if (rc == 1)
        return 0;
    char **list = rc == 0 ? realloc(im->customer_list, (im->n_customers + 1) * sizeof *list)
                          : NULL;
    if (list)
        im->customer_list = list;
    if (!list || !(list[im->n_customers] = strdup(customer)))
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    im->n_customers++;
    return 0;
}

static int add_error(importer *im, dg_error *row_err)
{
    dg_import_report *r = im->report;
    r->rows_rejected++;
    if (im->first.code == 0)
        im->first = *row_err;
    if (r->n_errors >= im->max_errors)
        return 0;
    char **list = realloc(r->errors, (r->n_errors + 1) * sizeof *list);
    if (!list)
        return DG_ENOMEM;
    r->errors = list;
    if (!(list[r->n_errors] = strdup(row_err->message)))
        return DG_ENOMEM;
    r->n_errors++;
    return 0;
}

static int header(importer *im, dg_error *err)
{
    size_t n = dg_csv_count(im->csv);
    if (n > sizeof im->item_of / sizeof im->item_of[0])
        return dg_error_at(err, DG_EINVAL, im->name, dg_csv_line(im->csv), 1, "too many "
                           "columns (%zu)", n);
    for (size_t k = 0; k < N_FIXED; k++)
        im->fixed[k] = -1;
    bool item_seen[DG_CVALUE_MAX_ITEMS] = { false };
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *f = dg_csv_field(im->csv, i, &len);
        im->item_of[i] = -1;
        size_t k = 0;
        while (k < N_FIXED && strcmp(f, fixed_names[k]) != 0)
            k++;
        long line = dg_csv_line(im->csv), col = (long)i + 1;
        if (k < N_FIXED) {
            if (im->fixed[k] >= 0)
                return dg_error_at(err, DG_EINVAL, im->name, line, col, "column %s appears "
                                   "twice", f);
            im->fixed[k] = (int)i;
            continue;
        }
        int item = dg_cvalue_item_find(im->s, f);
        if (item < 0)
            return dg_error_at(err, DG_EINVAL, im->name, line, col, "unknown column \"%s\": "
                               "expected response_id, customer_id, answered_on or an item code "
                               "of the survey (`dangol value items`)", f);
        if (item_seen[item])
            return dg_error_at(err, DG_EINVAL, im->name, line, col, "item %s appears twice", f);
        item_seen[item] = true;
        im->item_of[i] = item;
    }
    for (size_t k = 0; k < N_FIXED; k++)
        if (im->fixed[k] < 0)
            return dg_error_at(err, DG_EINVAL, im->name, dg_csv_line(im->csv), 1, "no %s "
                               "column: the header needs response_id, customer_id and "
                               "answered_on", fixed_names[k]);
    im->n_fields = n;
    return 0;
}

/* Checks and writes the current row; a bad row fills row_err and returns 1. */
static int row(importer *im, int64_t now, dg_error *row_err, dg_error *err)
{
    long line = dg_csv_line(im->csv);
    size_t n = dg_csv_count(im->csv);
    if (n != im->n_fields)
        return dg_error_at(row_err, DG_EINVAL, im->name, line, (long)(n < im->n_fields ? n : im->n_fields) + 1,
                           "%zu fields, the header has %zu", n, im->n_fields), 1;
    size_t len;
    const char *response = dg_csv_field(im->csv, (size_t)im->fixed[COL_RESPONSE], &len);
    if (len == 0 || len >= DG_CVALUE_ID_MAX)
        return dg_error_at(row_err, DG_EINVAL, im->name, line, im->fixed[COL_RESPONSE] + 1,
                           "response_id: 1 to %d bytes required", DG_CVALUE_ID_MAX - 1), 1;
    const char *customer = dg_csv_field(im->csv, (size_t)im->fixed[COL_CUSTOMER], &len);
    if (len == 0)
        return dg_error_at(row_err, DG_EINVAL, im->name, line, im->fixed[COL_CUSTOMER] + 1,
                           "customer_id is required"), 1;
    const char *day_text = dg_csv_field(im->csv, (size_t)im->fixed[COL_DAY], &len);
    int32_t day;
    dg_error perr;
    if (dg_date_parse(day_text, len, &day, &perr) != 0)
        return dg_error_at(row_err, DG_EINVAL, im->name, line, im->fixed[COL_DAY] + 1,
                           "answered_on: %s", perr.message), 1;
    const char *items[DG_CVALUE_MAX_ITEMS];
    int answers[DG_CVALUE_MAX_ITEMS];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (im->item_of[i] < 0)
            continue;
        const char *f = dg_csv_field(im->csv, i, &len);
        while (len && (f[len - 1] == ' ' || f[len - 1] == '\t'))
            len--;
        while (len && (*f == ' ' || *f == '\t')) {
            f++;
            len--;
        }
        if (len == 0)
            continue;
        const dg_cvalue_item *it = &im->s->items[im->item_of[i]];
        char buf[16], *end;
        long v = 0;
        bool ok = len < sizeof buf;
        if (ok) {
            memcpy(buf, f, len);
            buf[len] = '\0';
            errno = 0;
            v = strtol(buf, &end, 10);
            ok = !errno && end != buf && !*end;
        }
        if (!ok || v < it->min || v > it->max)
            return dg_error_at(row_err, DG_EINVAL, im->name, line, (long)i + 1, "%s: \"%.*s\" is "
                               "not a whole number on its scale %d-%d", it->code,
                               (int)(len < 20 ? len : 20), f, it->min, it->max), 1;
        items[k] = it->code;
        answers[k++] = (int)v;
    }
    if (k == 0)
        return dg_error_at(row_err, DG_EINVAL, im->name, line, 1, "response %s has no "
                           "answer", response), 1;
    uint32_t *first = NULL;
    int rc = dg__keyset_add(im->seen, response, strlen(response), (uint32_t)line, &first);
    if (rc < 0)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    if (rc == 1)
        return dg_error_at(row_err, DG_EINVAL, im->name, line, im->fixed[COL_RESPONSE] + 1,
                           "response %s is also on line %u", response, *first), 1;
    bool found = false;
    if ((rc = dg_store_exists(im->store, dg_entity_find("customers"), customer, &found, err)))
        return rc;
    if (!found)
        return dg_error_at(row_err, DG_ENOTFOUND, im->name, line, im->fixed[COL_CUSTOMER] + 1,
                           "no customer \"%s\"", customer), 1;
    if (im->report->rows_rejected)   /* the import will roll back: spare the writes */
        return 0;
    rc = dg__cvalue_response_put(im->store, response, customer, day, items, answers, k, true,
                                 now, err);
    if (rc == 0)
        im->report->rows_imported++;
    return rc == 0 ? note_customer(im, customer, err) : rc;
}

int dg_cvalue_import(dg_store *store, const dg_cvalue_survey *survey, const char *path,
                     const dg_import_options *opt, const struct dg_audit_actor *audit,
                     dg_import_report *report, dg_error *err)
{
    dg_import_report own;
    memset(&own, 0, sizeof own);
    if (!report)
        report = &own;
    memset(report, 0, sizeof *report);
    importer im = { .store = store, .s = survey, .name = path, .report = report,
                    .max_errors = opt && opt->max_errors ? opt->max_errors
                                                         : DG_IMPORT_MAX_ERRORS };
    dg_csv_options copt = { .delimiter = opt && opt->delimiter ? opt->delimiter : ',',
                            .encoding = opt ? opt->encoding : NULL };
    int rc = dg_csv_open(&im.csv, path, &copt, err);
    if (rc != 0) {
        report->stopped = true;
        return rc;
    }
    im.name = dg_csv_name(im.csv);
    if (!(im.seen = dg__keyset_new()) || !(im.customers = dg__keyset_new())) {
        dg__keyset_free(im.seen);
        dg_csv_close(im.csv);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    if ((rc = dg_store_begin(store, err)) != 0)
        goto done;
    rc = dg_csv_next(im.csv, err);
    if (rc == 0)
        rc = dg_error_at(err, DG_EINVAL, im.name, 1, 1, "empty file: expected a header row");
    else if (rc > 0)
        rc = header(&im, err);
    int64_t now = (int64_t)time(NULL);
    while (rc == 0) {
        int next = dg_csv_next(im.csv, err);
        if (next == 0)
            break;
        if (next < 0) {
            rc = next;
            break;
        }
        report->rows_read++;
        dg_error row_err;
        dg_error_clear(&row_err);
        int r = row(&im, now, &row_err, err);
        if (r == 1)
            r = add_error(&im, &row_err);
        rc = r;
    }
    if (rc != 0)
        report->stopped = true;
    if (rc == 0 && report->rows_rejected) {
        *err = im.first;
        rc = im.first.code ? im.first.code : DG_EINVAL;
    }
    if (rc == 0 && report->rows_imported)   /* the entry commits with the answers */
        rc = dg__audit_write(store, audit, DG_AUDIT_VALUE_IMPORT,
                             (const char *const *)im.customer_list, im.n_customers,
                             json_pack("{s:s,s:I}", "file", im.name,
                                       "responses", (json_int_t)report->rows_imported), err);
    if (rc == 0)
        rc = dg_store_commit(store, err);
    else
        dg_store_rollback(store);
    if (rc != 0)
        report->rows_imported = 0;
done:
    for (size_t i = 0; i < im.n_customers; i++)
        free(im.customer_list[i]);
    free(im.customer_list);
    dg__keyset_free(im.customers);
    dg__keyset_free(im.seen);
    dg_csv_close(im.csv);
    if (report == &own)
        dg_import_report_clear(&own);
    return rc;
}
