/* libFuzzer target for the whole import path (CSV reader, column resolution, validation, the
 * store's upsert, quarantine) into an in-memory store. The first input byte picks the entity and
 * the options. Nothing may crash; an import that fails must leave the entity's count unchanged,
 * and one that succeeds without --skip-invalid must have imported every row it read.
 * Run by `make fuzz` (a few seconds, fixed seed). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dangol/csv.h"
#include "dangol/ingest.h"
#include "dangol/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static dg_store *store;
static char quarantine[64];

static void remove_quarantine(void)
{
    unlink(quarantine);
}

static int64_t count(const dg_entity *e)
{
    dg_entity_stats stats[32];
    size_t n;
    const dg_entity *const *all = dg_entity_all(&n);
    if (dg_store_stats(store, stats, NULL) != 0)
        abort();
    for (size_t i = 0; i < n; i++)
        if (all[i] == e)
            return stats[i].count;
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const entities[] = { "customers", "orders", "surveys", "order_lines" };
    static const char *const columns[] = { "customer_id,name,gender,birth_year,consent_sms",
                                           "customer_id,ordered_at,units,total",
                                           "response_id,customer_id,answered_on,nps",
                                           "order_id,line_no,product_id,amount" };
    static const char delimiters[] = { ',', ';', DG_CSV_WHITESPACE, '|' };
    if (!store) {
        snprintf(quarantine, sizeof quarantine, "/tmp/dangol-fuzz-q-%d.csv", (int)getpid());
        atexit(remove_quarantine);
        if (dg_store_open(&store, ":memory:", DG_STORE_CREATE, NULL) != 0 ||
            dg_store_setting_set(store, "currency", "USD", NULL) != 0)
            abort();
    }
    if (size < 1)
        return 0;
    unsigned pick = data[0];
    unsigned which = pick & 3;
    const dg_entity *e = dg_entity_find(entities[which]);
    dg_import_options opt = {
        .delimiter = delimiters[(pick >> 2) & 3],
        .no_header = pick & 0x10,
        .columns = (pick & 0x30) ? columns[which] : NULL,
        .map = (pick & 0x40) ? "memo=-" : NULL,
        .create_customers = pick & 0x80,
        .skip_invalid = (pick & 0xC0) == 0xC0,
        .quarantine = quarantine,
        .max_errors = 3,
    };
    int64_t before = count(e);
    dg_import_report report;
    dg_error err;
    int rc = dg_import_mem(store, e, "fuzz.csv", (const char *)data + 1, size - 1, &opt, &report,
                           &err);
    if (rc != 0 && count(e) != before)
        abort();
    if (rc == 0 && !opt.skip_invalid && report.rows_imported != report.rows_read)
        abort();
    if (report.n_errors > 3)
        abort();
    dg_import_report_clear(&report);
    return 0;
}
