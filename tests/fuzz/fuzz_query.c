/* libFuzzer target for the report query arguments, as the HTTP API's query strings and the CLI's
 * options pass them: "key=value&key=value..." (after the URL's percent-decoding) into the cube
 * and the cohort queries (dg_report_query) over a small in-memory store. The first byte picks the report. Nothing
 * may crash or leak; an answer is a table, a refusal a message. Run by `make fuzz`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/ingest.h"
#include "dangol/report.h"
#include "dangol/store.h"

#define MAX_ARGS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char customers[] = "customer_id,name,region,acquisition_channel\n"
                                "c1,A,Seoul,web\nc2,B,Busan,store\nc3,C,Seoul,app\n";
static const char orders[] = "order_id,customer_id,ordered_at,channel,total\n"
                             "o1,c1,2023-01-01,web,10\no2,c1,2024-03-05,store,12.50\n"
                             "o3,c2,2024-02-01T10:00+09:00,web,7\no4,c3,2024-12-31,app,(3)\n"
                             "o5,c2,2024-05-01,web,1000000\n";

static dg_store *small_store(void)
{
    static dg_store *store;
    dg_import_options opt = { .delimiter = ',' };
    dg_import_report report;
    if (store)
        return store;
    if (dg_store_open(&store, ":memory:", DG_STORE_CREATE, NULL) != 0 ||
        dg_store_setting_set(store, "currency", "USD", NULL) != 0 ||
        dg_import_mem(store, dg_entity_find("customers"), "c.csv", customers,
                      sizeof customers - 1, &opt, &report, NULL) != 0)
        abort();
    dg_import_report_clear(&report);
    if (dg_import_mem(store, dg_entity_find("orders"), "o.csv", orders, sizeof orders - 1, &opt,
                      &report, NULL) != 0)
        abort();
    dg_import_report_clear(&report);
    return store;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 512)
        return 0;
    char *text = malloc(size);
    if (!text)
        abort();
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    const char *params[2 * MAX_ARGS + 1];
    size_t n = 0;
    for (char *arg = text, *next; arg && n < 2 * MAX_ARGS; arg = next) {
        next = strchr(arg, '&');
        if (next)
            *next++ = '\0';
        char *eq = strchr(arg, '=');
        if (eq)
            *eq++ = '\0';
        params[n++] = arg;
        params[n++] = eq ? eq : "";
    }
    params[n] = NULL;
    dg_report report;
    dg_report_init(&report);
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_report_query(&report, small_store(), data[0] & 1 ? "cohort" : "cube", params,
                             &err);
    if ((rc == 0) != (report.n_tables == 1) || (rc != 0 && !err.message[0]))
        abort();
    dg_report_clear(&report);
    free(text);
    return 0;
}
