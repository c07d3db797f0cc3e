/* Where the demo rows go (see dg_demo_generate in include/dangol/demo.h): into a store, in one
 * transaction, and/or into one CSV file per entity written in exactly the forms `dangol export`
 * writes and `dangol import` reads (so the files import back as they are). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "dangol/csv.h"
#include "dangol/demo.h"
#include "demo/clinic.h"
#include "dangol/text.h"

#define CSV_BUFFER (1 << 20)

typedef struct sink {
    dg_store *store;
    FILE *files[DG_DEMO_MAX_ENTITIES];
    char *buffers[DG_DEMO_MAX_ENTITIES];
    const dg_entity *const *entities;
    size_t n_entities;
    dg_demo_counts counts;
    dg_error *err;
} sink;

static size_t entity_slot(const sink *s, const dg_entity *e)
{
    for (size_t i = 0; i < s->n_entities; i++)
        if (s->entities[i] == e)
            return i;
    return s->n_entities;
}

/* One row in the import/export text forms (KRW: money without decimals; booleans true/false). */
static void write_csv_row(FILE *out, const dg_entity *e, const dg_value *row)
{
    char buf[64];
    for (size_t c = 0; c < e->n_columns; c++) {
        const char *s = "";
        if (!row[c].is_null) {
            switch (e->columns[c].type) {
            case DG_TYPE_TEXT:
            case DG_TYPE_ENUM:      s = row[c].u.s; break;
            case DG_TYPE_INT:       snprintf(buf, sizeof buf, "%" PRId64, row[c].u.i); s = buf; break;
            case DG_TYPE_REAL:      snprintf(buf, sizeof buf, "%.17g", row[c].u.r); s = buf; break;
            case DG_TYPE_DATE:      s = dg_date_format((int32_t)row[c].u.i, buf); break;
            case DG_TYPE_TIMESTAMP: s = dg_timestamp_format(row[c].u.i, buf); break;
            case DG_TYPE_MONEY:     s = dg_money_format(row[c].u.i, 0, buf, sizeof buf); break;
            case DG_TYPE_BOOL:      s = row[c].u.i ? "true" : "false"; break;
            }
        }
        if (e->columns[c].type == DG_TYPE_TEXT)   /* as export writes it: formulas escaped */
            dg_csv_write_text(out, s, strlen(s), c == 0, ',');
        else
            dg_csv_write_field(out, s, strlen(s), c == 0, ',');
    }
    dg_csv_write_end(out);
}

static int take_row(void *ctx, const dg_entity *e, const dg_value *row)
{
    sink *s = ctx;
    size_t slot = entity_slot(s, e);
    if (slot >= s->n_entities)
        return dg_error_set(s->err, DG_EINVAL, "demo row for an unknown entity %s", e->name);
    if (s->store) {
        int rc = dg_store_put(s->store, e, row, s->err);
        if (rc != 0)
            return rc;
    }
    if (s->files[slot]) {
        write_csv_row(s->files[slot], e, row);
        if (ferror(s->files[slot]))
            return dg_error_set(s->err, DG_EIO, "cannot write %s.csv: %s", e->name, strerror(errno));
    }
    s->counts.rows[slot]++;
    return 0;
}

static int open_csv(sink *s, const char *dir, bool order_lines, dg_error *err)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return dg_error_set(err, DG_EIO, "cannot create the directory %s: %s", dir, strerror(errno));
    for (size_t i = 0; i < s->n_entities; i++) {
        const dg_entity *e = s->entities[i];
        if (!order_lines && strcmp(e->name, "order_lines") == 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.csv", dir, e->name);
        if (!(s->files[i] = fopen(path, "w")))
            return dg_error_set(err, DG_EIO, "cannot write %s: %s", path, strerror(errno));
        if ((s->buffers[i] = malloc(CSV_BUFFER)))
            setvbuf(s->files[i], s->buffers[i], _IOFBF, CSV_BUFFER);
        for (size_t c = 0; c < e->n_columns; c++)
            dg_csv_write_field(s->files[i], e->columns[c].name, strlen(e->columns[c].name),
                               c == 0, ',');
        dg_csv_write_end(s->files[i]);
    }
    return 0;
}

static int close_csv(sink *s, const char *dir, dg_error *err)
{
    int rc = 0;
    for (size_t i = 0; i < s->n_entities; i++) {
        if (s->files[i] && fclose(s->files[i]) != 0 && rc == 0)
            rc = dg_error_set(err, DG_EIO, "cannot write %s/%s.csv: %s", dir, s->entities[i]->name,
                              strerror(errno));
        s->files[i] = NULL;
        free(s->buffers[i]);
        s->buffers[i] = NULL;
    }
    return rc;
}

/* The demo trades in KRW and wants an empty store. */
static int check_store(dg_store *store, dg_error *err)
{
    char code[16];
    int rc = dg_store_setting_get(store, "currency", code, sizeof code, err);
    if (rc == 0 && strcasecmp(code, "KRW") != 0)
        return dg_error_set(err, DG_EINVAL, "the store's currency is %s; the demo business trades "
                            "in KRW: use a new store (--db)", code);
    if (rc != 0 && rc != DG_ENOTFOUND)
        return rc;
    dg_error_clear(err);
    dg_entity_stats stats[DG_DEMO_MAX_ENTITIES];
    if ((rc = dg_store_stats(store, stats, err)) != 0)
        return rc;
    size_t n;
    dg_entity_all(&n);
    for (size_t i = 0; i < n; i++)
        if (stats[i].count > 0)
            return dg_error_set(err, DG_EEXIST, "the store already holds %" PRId64 " %s records; "
                                "the demo needs an empty store (use a new --db)",
                                stats[i].count, stats[i].entity->name);
    return 0;
}

int dg_demo_generate(const dg_demo_output *out, const dg_demo_options *opt,
                     dg_progress_fn progress, void *progress_ctx, dg_demo_counts *counts,
                     dg_error *err)
{
    sink s = { .store = out->store, .err = err };
    s.entities = dg_entity_all(&s.n_entities);
    if (s.n_entities > DG_DEMO_MAX_ENTITIES)
        return dg_error_set(err, DG_EUNSUPPORTED, "too many entities for the demo generator");
    if (!out->store && !out->csv_dir)
        return dg_error_set(err, DG_EINVAL, "the demo needs a store or a CSV directory to write to");
    bool in_transaction = false;
    int rc = 0;
    if (out->store) {
        if ((rc = check_store(out->store, err)) != 0 || (rc = dg_store_begin(out->store, err)) != 0)
            goto cleanup;
        in_transaction = true;
        /* a bulk load: the frame snapshot is marked out of date once and its per-row triggers
         * are off until the commit (docs/snapshot.md); no size is announced, so the store keeps
         * its indexes (the demo writes every entity at once, not one after another) */
        if ((rc = dg_store_bulk_begin(out->store, s.entities[0], 0, err)) != 0)
            goto cleanup;
        if ((rc = dg_store_setting_set(out->store, "currency", "KRW", err)) != 0)
            goto cleanup;
    }
    if (out->csv_dir && (rc = open_csv(&s, out->csv_dir, opt->order_lines, err)) != 0)
        goto cleanup;
    rc = opt->business == DG_DEMO_CLINIC
             ? dg__demo_clinic_run(opt, take_row, &s, progress, progress_ctx, err)
             : dg_demo_run(opt, take_row, &s, progress, progress_ctx, err);
    if (rc != 0)
        goto cleanup;
    if (out->csv_dir && (rc = close_csv(&s, out->csv_dir, err)) != 0)
        goto cleanup;
    if (in_transaction) {
        in_transaction = false;
        if ((rc = dg_store_commit(out->store, err)) != 0)
            goto cleanup;
    }
    if (counts)
        *counts = s.counts;
cleanup:
    if (in_transaction)
        dg_store_rollback(out->store);
    if (out->csv_dir)
        close_csv(&s, out->csv_dir, NULL);
    return rc;
}
