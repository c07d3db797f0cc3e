/* CSV import of catalog entities (see include/dangol/ingest.h). Per file: the header (or --columns)
 * is resolved once into "catalog column <- file field" indices (columns.c); then each record is
 * converted in place into a dg_value row (text values point into the reader's record buffer, so
 * no allocation per row), checked (required, type, range, choice, duplicate key within the file,
 * references: references.c) and upserted with the columns the file has.
 * Every row of every file goes into one store transaction; a bad row makes the whole import roll
 * back unless skip_invalid, in which case it is written to the quarantine CSV instead (with the
 * order_id it was given, when ids are synthesised, so that the fixed row comes back under it). */
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "dangol/csv.h"
#include "dangol/id.h"
#include "dangol/ingest.h"
#include "dangol/text.h"
#include "ingest/columns.h"
#include "ingest/keyset.h"
#include "ingest/references.h"
#include "store/snapshot_delta.h"

#define MAX_COLUMNS DG__MAX_COLUMNS
#define PROGRESS_EVERY 65536
#define BULK_PROBE 8192          /* rows read before the size of the import is estimated */
#define KEYS_PER_ROW 8           /* a referenced entity's keys are read into memory then, unless
                                  * it has more than this many per expected row */

typedef struct importer {
    dg_store *store;
    const dg_entity *e;
    const dg_import_options *opt;
    dg_import_report *report;
    int minor_digits;
    const dg_entity *customers;
    dg__references refs;        /* checked here, not by the store (references.c) */

    /* the current file */
    dg_csv *csv;
    const char *name;
    dg__columns cols;           /* the file's columns mapped onto the entity's */
    int customer_col, ordered_col;
    dg__keyset *seen;           /* natural keys of this file -> first line (0 = rejected) */
    uint32_t *pending_line;     /* the current row's entry in seen, until it is stored */
    dg__keyset *occurrences;    /* (customer, time) -> count over all files, for order ids */

    dg_value row[MAX_COLUMNS];
    char *key;                  /* scratch for key texts */
    size_t key_cap;
    char order_id[512];         /* the current row's synthesised order_id, "" until it has one */

    FILE *quarantine;
    bool quarantine_header;
    char **quarantines;         /* every quarantine file opened, removed if the import fails */
    size_t n_quarantines;
    dg_error first;             /* the first bad row */
    double file_base, file_share;  /* progress across several files */
} importer;

static bool is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return false;
    return true;
}

static int add_error(importer *im, const dg_error *row_err)
{
    dg_import_report *r = im->report;
    size_t max = im->opt->max_errors ? im->opt->max_errors : DG_IMPORT_MAX_ERRORS;
    r->rows_rejected++;
    if (im->first.code == 0)
        im->first = *row_err;
    if (r->n_errors < max) {
        char **list = realloc(r->errors, (r->n_errors + 1) * sizeof *list);
        if (!list)
            return DG_ENOMEM;
        r->errors = list;
        if (!(list[r->n_errors] = strdup(row_err->message)))
            return DG_ENOMEM;
        r->n_errors++;
    }
    return 0;
}

void dg_import_quarantine_path(const dg_import_options *opt, const char *input, char *buf,
                               size_t cap)
{
    if (opt && opt->quarantine)
        snprintf(buf, cap, "%s", opt->quarantine);
    else
        snprintf(buf, cap, "%s.rejected.csv", strcmp(input, "-") == 0 ? "import" : input);
}

static int open_quarantine(importer *im, const char *input, dg_error *err)
{
    char path[sizeof im->report->quarantine];
    dg_import_quarantine_path(im->opt, input, path, sizeof path);
    if (im->quarantine && strcmp(im->report->quarantine, path) == 0)
        return 0;
    if (im->quarantine)
        fclose(im->quarantine);
    char **list = realloc(im->quarantines, (im->n_quarantines + 1) * sizeof *list);
    if (!list || !(list[im->n_quarantines] = strdup(path))) {
        im->quarantines = list ? list : im->quarantines;
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    im->quarantines = list;
    im->n_quarantines++;
    im->quarantine = fopen(path, "w");
    if (!im->quarantine)
        return dg_error_set(err, DG_EIO, "cannot write the quarantine file %s", path);
    snprintf(im->report->quarantine, sizeof im->report->quarantine, "%s", path);
    im->quarantine_header = false;
    return 0;
}

/* Is field i of the file a text column (one import reads through dg_csv_text_unescape)? */
static bool text_field(const importer *im, size_t i)
{
    for (size_t c = 0; c < im->e->n_columns; c++)
        if (im->cols.src[c] == (int)i)
            return im->e->columns[c].type == DG_TYPE_TEXT;
    return false;
}

/* Writes the current record with its reason to the quarantine CSV. A text field is written as
 * export writes it (dg_csv_write_text, formulas escaped) from the value import reads from it, so
 * the quarantine file is safe to open in a spreadsheet and re-imports as the original would. */
static int quarantine_row(importer *im, const char *path, const char *reason, dg_error *err)
{
    int rc = open_quarantine(im, path, err);
    if (rc != 0)
        return rc;
    const char delim = im->opt && im->opt->delimiter && im->opt->delimiter != ' ' ?
                       im->opt->delimiter : ',';
    FILE *q = im->quarantine;
    if (!im->quarantine_header) {
        for (size_t i = 0; i < im->cols.n_names; i++)
            dg_csv_write_field(q, im->cols.names[i], strlen(im->cols.names[i]), i == 0, delim);
        if (im->cols.synth_order_id)
            dg_csv_write_field(q, "order_id", 8, false, delim);
        dg_csv_write_field(q, "reason", 6, im->cols.n_names == 0, delim);
        dg_csv_write_end(q);
        im->quarantine_header = true;
    }
    size_t n = dg_csv_count(im->csv);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *f = dg_csv_field(im->csv, i, &len);
        if (text_field(im, i)) {
            size_t escape = dg_csv_text_unescape(f, len);
            dg_csv_write_text(q, f + escape, len - escape, i == 0, delim);
        } else {
            dg_csv_write_field(q, f, len, i == 0, delim);
        }
    }
    for (size_t i = n; i < im->cols.n_names; i++)
        dg_csv_write_field(q, "", 0, i == 0, delim);
    if (im->cols.synth_order_id) {
        if (!im->order_id[0])   /* customer or time unreadable: the row is named by its place */
            snprintf(im->order_id, sizeof im->order_id, "%s:%ld",
                     strrchr(im->name, '/') ? strrchr(im->name, '/') + 1 : im->name,
                     dg_csv_line(im->csv));
        dg_csv_write_field(q, im->order_id, strlen(im->order_id), false, delim);
    }
    dg_csv_write_text(q, reason, strlen(reason), n == 0 && im->cols.n_names == 0, delim);
    dg_csv_write_end(q);
    if (ferror(q))
        return dg_error_set(err, DG_EIO, "cannot write the quarantine file %s",
                            im->report->quarantine);
    return 0;
}

static int row_error(dg_error *e, const importer *im, long column, int code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int row_error(dg_error *e, const importer *im, long column, int code, const char *fmt, ...)
{
    char text[DG_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return dg_error_at(e, code, im->name, dg_csv_line(im->csv), column, "%s", text);
}

/* Converts field text into row[c] (dg_value_parse: the same rules as the HTTP API). */
static int convert(importer *im, size_t c, const char *s, size_t len, dg_error *e)
{
    const dg_column *col = &im->e->columns[c];
    long column = im->cols.src[c] + 1;
    dg_error perr;
    size_t escape = col->type == DG_TYPE_TEXT ? dg_csv_text_unescape(s, len) : 0;  /* '=1+2 */
    int rc = dg_value_parse(col, s + escape, len - escape, im->minor_digits, &im->row[c], &perr);
    if (rc != 0)
        return row_error(e, im, column, rc, "%s", perr.message);
    if (im->row[c].is_null && im->cols.required[c])
        return row_error(e, im, column, DG_EINVAL, "%s is required but empty", col->name);
    if (!im->row[c].is_null && dg_id_column(im->e, c) &&
        (rc = dg_id_check(col->name, s, len, &perr)) != 0)
        return row_error(e, im, column, rc, "%s", perr.message);
    return 0;
}

static int key_reserve(importer *im, size_t need)
{
    if (need <= im->key_cap)
        return 0;
    size_t cap = im->key_cap ? im->key_cap : 256;
    while (cap < need)
        cap *= 2;
    char *k = realloc(im->key, cap);
    if (!k)
        return DG_ENOMEM;
    im->key = k;
    im->key_cap = cap;
    return 0;
}

/* The natural key of row as text (columns joined by 0x1F), into im->key; returns its length. */
static int key_text(importer *im, size_t *out_len)
{
    size_t o = 0;
    for (size_t c = 0; c < im->e->n_key; c++) {
        const dg_value *v = &im->row[c];
        char num[32];
        const char *s = num;
        size_t n;
        if (im->e->columns[c].type == DG_TYPE_TEXT || im->e->columns[c].type == DG_TYPE_ENUM)
            s = v->u.s, n = strlen(s);
        else
            n = (size_t)snprintf(num, sizeof num, "%lld", (long long)v->u.i);
        if (key_reserve(im, o + n + 2) != 0)
            return DG_ENOMEM;
        if (c > 0)
            im->key[o++] = '\x1F';
        memcpy(im->key + o, s, n);
        o += n;
    }
    *out_len = o;
    return 0;
}

/* "customer_id \"C-0017\"" or "order_id \"O1\", line_no 2" for messages. */
static void describe_key(const importer *im, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t c = 0; c < im->e->n_key && o < cap; c++) {
        const dg_column *col = &im->e->columns[c];
        const dg_value *v = &im->row[c];
        if (col->type == DG_TYPE_TEXT || col->type == DG_TYPE_ENUM)
            o += (size_t)snprintf(buf + o, cap - o, "%s%s \"%.80s\"", c ? ", " : "", col->name,
                                  v->u.s);
        else
            o += (size_t)snprintf(buf + o, cap - o, "%s%s %lld", c ? ", " : "", col->name,
                                  (long long)v->u.i);
    }
}

void dg_import_order_key(const char *customer_id, int64_t ordered_at, int64_t occurrence,
                         char *buf, size_t cap)
{
    int32_t days = dg_day_of(ordered_at);
    int64_t rest = ordered_at - (int64_t)days * 86400;
    int y, m, d;
    dg_civil_from_days(days, &y, &m, &d);
    if (rest == 0)
        snprintf(buf, cap, "%s/%04d%02d%02d/%lld", customer_id, y, m, d, (long long)occurrence);
    else
        snprintf(buf, cap, "%s/%04d%02d%02dT%02d%02d%02d/%lld", customer_id, y, m, d,
                 (int)(rest / 3600), (int)(rest / 60 % 60), (int)(rest % 60),
                 (long long)occurrence);
}

/* Gives the current row its order_id CUSTOMER/TIME/N, N counting that customer's orders at that
 * time in this import. Called as soon as customer and time are read, before the other fields are
 * checked, so a row rejected later still takes its number and the rows after it keep theirs. */
static int synth_order_id(importer *im)
{
    const char *cust = im->row[im->customer_col].u.s;
    int64_t at = im->row[im->ordered_col].u.i;
    size_t cl = strlen(cust);
    if (key_reserve(im, cl + 1 + sizeof at) != 0)
        return DG_ENOMEM;
    memcpy(im->key, cust, cl);
    im->key[cl] = '\x1F';
    memcpy(im->key + cl + 1, &at, sizeof at);
    uint32_t *count;
    int rc = dg__keyset_add(im->occurrences, im->key, cl + 1 + sizeof at, 1, &count);
    if (rc < 0)
        return rc;
    if (rc == 1)
        ++*count;
    dg_import_order_key(cust, at, *count, im->order_id, sizeof im->order_id);
    im->row[0] = (dg_value){ .u.s = im->order_id };
    return 0;
}

/* Validates the current record into im->row. 0, or a row error in e (fatal errors < 0 too). */
static int build_row(importer *im, dg_error *e)
{
    const dg_entity *ent = im->e;
    size_t n = dg_csv_count(im->csv), klen = 0;
    bool have_key = false;
    if (n < im->cols.n_names)
        return row_error(e, im, (long)n + 1, DG_EINVAL, "the row has %zu fields, the %s has %zu",
                         n, im->opt->columns ? "--columns list" : "header", im->cols.n_names);
    for (size_t i = im->cols.n_names; i < n; i++) {
        size_t len;
        const char *f = dg_csv_field(im->csv, i, &len);
        if (!is_blank(f, len))
            return row_error(e, im, (long)i + 1, DG_EINVAL,
                             "the row has %zu fields, the %s has %zu", n,
                             im->opt->columns ? "--columns list" : "header", im->cols.n_names);
    }
    for (size_t c = 0; c < ent->n_columns; c++) {
        if (im->cols.src[c] < 0) {
            im->row[c] = (dg_value){ .is_null = true };
            continue;
        }
        size_t len;
        const char *f = dg_csv_field(im->csv, (size_t)im->cols.src[c], &len);
        int rc = convert(im, c, f, len, e);
        if (rc == 0 && im->cols.synth_order_id && (int)c == im->ordered_col)
            rc = synth_order_id(im);   /* customer_id comes before ordered_at in the catalog */
        if (rc != 0)
            return rc;
        /* the key sets' cache misses overlap the parsing of the other fields */
        if (c + 1 == ent->n_key && !im->cols.synth_order_id) {
            if (key_text(im, &klen) != 0)
                return DG_ENOMEM;
            dg__keyset_prefetch(im->seen, im->key, klen);
            have_key = true;
        }
        if (!im->row[c].is_null && im->refs.target[c])
            dg__references_prefetch(&im->refs, c, im->row[c].u.s);
    }
    size_t bad;
    char why[160];
    if (ent->check_row && ent->check_row(im->row, &bad, why, sizeof why) != 0)
        return row_error(e, im, im->cols.src[bad] + 1, DG_EINVAL, "%s", why);
    if (im->cols.synth_order_id)
        return 0;
    assert(have_key);   /* key columns are required: never skipped above */
    uint32_t *first;
    long line = dg_csv_line(im->csv);
    int rc = dg__keyset_add(im->seen, im->key, klen, line > UINT32_MAX ? 0 : (uint32_t)line,
                            &first);
    if (rc < 0)
        return rc;
    if (rc == 1 && *first == 0)   /* an earlier row with this key was rejected: not a duplicate */
        *first = line > UINT32_MAX ? 0 : (uint32_t)line;
    else if (rc == 1) {
        char what[256];
        describe_key(im, what, sizeof what);
        return row_error(e, im, im->cols.src[0] + 1, DG_EEXIST,
                         "%s appears twice (first at line %u)", what, *first);
    }
    im->pending_line = first;
    return 0;
}

/* Checks im->row's references (creating customers with --create-customers), then writes it. */
static int store_row(importer *im, dg_error *e)
{
    const dg_entity *ent = im->e;
    dg_error serr;
    dg_error_clear(&serr);
    for (size_t c = 0; c < ent->n_columns; c++) {
        const dg_entity *target = im->refs.target[c];
        if (!target || im->row[c].is_null)
            continue;
        bool create = im->opt->create_customers && target == im->customers;
        int rc = dg__references_check(&im->refs, c, im->row[c].u.s, create, &serr);
        if (rc < 0) {
            *e = serr;
            return rc;
        }
        if (rc == 0)
            return row_error(e, im, im->cols.src[c] + 1, DG_ENOTFOUND,
                             "%s \"%.80s\" is not a known %s; import %s first%s",
                             ent->columns[c].name, im->row[c].u.s, target->label, target->name,
                             target == im->customers ? " or use --create-customers" : "");
    }
    int rc = dg_store_put_columns(im->store, ent, im->row, im->cols.present, &serr);
    if (rc != 0)
        *e = serr;
    return rc;
}

static int import_csv(importer *im, const char *path, dg_error *err)
{
    dg_import_report *r = im->report;
    int rc = 0;
    bool header_done = false;
    dg__keyset_free(im->seen);
    im->seen = dg__keyset_new();
    if (!im->seen)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    if (im->opt->no_header) {
        if ((rc = dg__columns_resolve(&im->cols, im->e, im->opt, im->csv, im->name, err)) != 0)
            return rc;
        header_done = true;
    }
    dg_error e;
    for (;;) {
        dg_error_clear(&e);
        im->order_id[0] = '\0';
        int got = dg_csv_next(im->csv, &e);
        if (got == 0)
            break;
        if (got < 0) {
            if (!header_done || !dg_csv_can_continue(im->csv))
                return *err = e, got;
            r->rows_read++;
            if ((rc = add_error(im, &e)) != 0)
                return dg_error_set(err, rc, "out of memory");
            if (im->opt->skip_invalid && (rc = quarantine_row(im, path, e.message, err)) != 0)
                return rc;
            continue;
        }
        if (!header_done) {
            if ((rc = dg__columns_resolve(&im->cols, im->e, im->opt, im->csv, im->name, err)) != 0)
                return rc;
            header_done = true;
            continue;
        }
        r->rows_read++;
        if (r->rows_read == BULK_PROBE) {   /* a big file: let the store defer its indexes */
            double f = dg_csv_progress(im->csv);
            int64_t expected = f > 0 ? (int64_t)((double)r->rows_read / f / im->file_share) : 0;
            if ((rc = dg_store_bulk_begin(im->store, im->e, expected, err)) != 0)
                return rc;
            if ((rc = dg__references_load(&im->refs, (size_t)expected * KEYS_PER_ROW, err)) != 0)
                return rc;
        }
        if (im->opt->progress && r->rows_read % PROGRESS_EVERY == 0) {
            double f = dg_csv_progress(im->csv);
            im->opt->progress(im->opt->progress_ctx,
                              f < 0 ? -1.0 : im->file_base + f * im->file_share, r->rows_read);
        }
        im->pending_line = NULL;
        rc = build_row(im, &e);
        if (rc == 0)
            rc = store_row(im, &e);
        if (rc == 0) {
            r->rows_imported++;
            continue;
        }
        if (im->pending_line)   /* the key was not stored: a later row may still use it */
            *im->pending_line = 0;
        if (rc == DG_ENOMEM || rc == DG_ESTORE || rc == DG_EIO || e.line == 0) {
            if (e.code == 0)
                dg_error_set(&e, rc, "%s", dg_strerror(rc));
            return *err = e, rc;
        }
        if ((rc = add_error(im, &e)) != 0)
            return dg_error_set(err, rc, "out of memory");
        if (im->opt->skip_invalid && (rc = quarantine_row(im, path, e.message, err)) != 0)
            return rc;
    }
    if (!header_done)
        return dg_error_at(err, DG_EINVAL, im->name, 1, 0, "the file is empty; expected a header "
                           "row naming the columns (or --no-header --columns ...)");
    return 0;
}

static int64_t customer_count(dg_store *store, dg_error *err)
{
    size_t n;
    const dg_entity *const *all = dg_entity_all(&n);
    dg_entity_stats *stats = calloc(n, sizeof *stats);
    if (!stats)
        return DG_ENOMEM;
    int64_t count = -1;
    if (dg_store_stats(store, stats, err) == 0)
        for (size_t i = 0; i < n; i++)
            if (strcmp(all[i]->name, "customers") == 0)
                count = stats[i].count;
    free(stats);
    return count;
}

int dg_import_options_check(const dg_entity *e, const dg_import_options *opt, dg_error *err)
{
    char d = opt->delimiter;
    if (d != ',' && d != ';' && d != '\t' && d != '|' && d != DG_CSV_WHITESPACE)
        return dg_error_set(err, DG_EINVAL, "delimiter '%c' is not supported; valid: , ; tab | "
                            "whitespace", d);
    if (opt->no_header && !opt->columns)
        return dg_error_set(err, DG_EINVAL, "a file without a header needs --columns naming its "
                            "columns in order");
    if (opt->map)
        return dg__columns_check_map(e, opt->map, err);
    return 0;
}

typedef struct source {
    const char *path;        /* file path, or NULL for memory */
    const char *name;
    const char *data;
    size_t len;
} source;

static int import_sources(dg_store *store, const dg_entity *e, const source *src, size_t n_src,
                          const dg_import_options *opt_in, dg_import_report *report,
                          dg_error *err)
{
    static const dg_import_options defaults = { .delimiter = ',' };
    dg_import_options opt = opt_in ? *opt_in : defaults;
    dg_import_report local = { 0 };
    importer im = { .store = store, .e = e, .opt = &opt, .report = report ? report : &local };
    dg__references_init(&im.refs, store, e);
    char code[4];
    int rc = 0;
    int64_t customers_before = 0;
    bool began = false, bad_rows = false;
    dg__delta_mark delta = { 0 };
    memset(im.report, 0, sizeof *im.report);
    dg_error_clear(err);
    if (e->n_columns > MAX_COLUMNS)
        return dg_error_set(err, DG_EINVAL, "%s has too many columns", e->name);
    if ((rc = dg_import_options_check(e, &opt, err)) != 0)
        goto cleanup;
    if ((rc = dg_store_currency(store, code, &im.minor_digits, err)) != 0)
        goto cleanup;
    im.customers = dg_entity_find("customers");
    im.customer_col = dg_entity_column(e, "customer_id");
    im.ordered_col = dg_entity_column(e, "ordered_at");
    assert(im.customer_col < im.ordered_col || im.ordered_col < 0);
    if (!(im.occurrences = dg__keyset_new())) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
        goto cleanup;
    }
    if (opt.create_customers && (customers_before = customer_count(store, err)) < 0) {
        rc = DG_ESTORE;
        goto cleanup;
    }
    if ((rc = dg_store_begin_unchecked(store, err)) != 0)
        goto cleanup;
    began = true;
    /* customers and orders that only add to the store append to the frame snapshot instead of
     * putting it out of date (docs/snapshot.md, "Appending") */
    if (strcmp(e->name, "orders") == 0 || strcmp(e->name, "customers") == 0)
        dg__store_delta_begin(store, &delta);
    for (size_t i = 0; i < n_src && rc == 0; i++) {
        dg_csv_options copt = { opt.delimiter, opt.encoding };
        im.name = src[i].path ? (strcmp(src[i].path, "-") == 0 ? "<stdin>" : src[i].path)
                              : src[i].name;
        rc = src[i].path ? dg_csv_open(&im.csv, src[i].path, &copt, err)
                         : dg_csv_open_mem(&im.csv, src[i].name, src[i].data, src[i].len, &copt,
                                           err);
        if (rc != 0)
            break;
        im.file_base = (double)i / (double)n_src;
        im.file_share = 1.0 / (double)n_src;
        rc = import_csv(&im, src[i].path ? src[i].path : src[i].name, err);
        dg_csv_close(im.csv);
        im.csv = NULL;
        dg__columns_free(&im.cols);
        if (!opt.quarantine && im.quarantine) {   /* default quarantine: one per file */
            fclose(im.quarantine);
            im.quarantine = NULL;
        }
    }
    if (rc == 0 && im.report->rows_rejected > 0 && !opt.skip_invalid) {
        *err = im.first;
        rc = im.first.code ? im.first.code : DG_EINVAL;
        bad_rows = true;
    }
    if (rc != 0)
        goto cleanup;
    if (opt.progress)
        opt.progress(opt.progress_ctx, 1.0, im.report->rows_read);
    if ((rc = dg__store_delta_end(store, &delta, err)) != 0)
        goto cleanup;
    began = false;
    if ((rc = dg_store_commit(store, err)) != 0)
        goto cleanup;
    if (opt.create_customers) {
        int64_t after = customer_count(store, err);
        im.report->customers_created = after >= 0 ? after - customers_before : 0;
    }
cleanup:
    dg__delta_mark_free(&delta);
    if (began)
        dg_store_rollback(store);
    if (im.quarantine && fclose(im.quarantine) != 0 && rc == 0)
        rc = dg_error_set(err, DG_EIO, "cannot write the quarantine file %s",
                          im.report->quarantine);
    for (size_t i = 0; i < im.n_quarantines; i++) {
        if (rc != 0)   /* nothing was imported: the rows are all still in their files */
            unlink(im.quarantines[i]);
        free(im.quarantines[i]);
    }
    free(im.quarantines);
    if (rc != 0)
        im.report->quarantine[0] = '\0';
    im.report->stopped = rc != 0 && !bad_rows;
    dg_csv_close(im.csv);
    dg__columns_free(&im.cols);
    dg__keyset_free(im.seen);
    dg__keyset_free(im.occurrences);
    dg__references_free(&im.refs);
    free(im.key);
    dg_import_report_clear(&local);
    if (rc != 0 && !opt.skip_invalid)
        im.report->rows_imported = 0;
    return rc;
}

int dg_import_files(dg_store *store, const dg_entity *e, const char *const *paths, size_t n_paths,
                    const dg_import_options *opt, dg_import_report *report, dg_error *err)
{
    source *src = calloc(n_paths ? n_paths : 1, sizeof *src);
    if (!src)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    for (size_t i = 0; i < n_paths; i++)
        src[i].path = paths[i];
    int rc = import_sources(store, e, src, n_paths, opt, report, err);
    free(src);
    return rc;
}

int dg_import_file(dg_store *store, const dg_entity *e, const char *path,
                   const dg_import_options *opt, dg_import_report *report, dg_error *err)
{
    return dg_import_files(store, e, &path, 1, opt, report, err);
}

int dg_import_mem(dg_store *store, const dg_entity *e, const char *name, const char *data,
                  size_t len, const dg_import_options *opt, dg_import_report *report,
                  dg_error *err)
{
    source src = { .name = name, .data = data, .len = len };
    return import_sources(store, e, &src, 1, opt, report, err);
}

void dg_import_report_clear(dg_import_report *report)
{
    if (!report)
        return;
    for (size_t i = 0; i < report->n_errors; i++)
        free(report->errors[i]);
    free(report->errors);
    report->errors = NULL;
    report->n_errors = 0;
}
