/* An example of embedding libdangol: a store in memory, a few customers and orders imported from
 * CSV text, then the RFM segment report printed as a table, as `dangol rfm` prints it. Built by
 * `make installcheck` against the installed library alone:
 *
 *     cc rfm_report.c $(pkg-config --cflags --libs dangol) -o rfm_report
 */
#include <stdio.h>

#include <dangol/dangol.h>

static const char customers[] = "customer_id,name\nc1,Kim\nc2,Lee\nc3,Park\n";
static const char orders[] = "order_id,customer_id,ordered_at,total\n"
                             "o1,c1,2024-01-05,120\no2,c1,2024-03-01,80\no3,c2,2024-02-10,35\n"
                             "o4,c3,2023-11-20,500\no5,c1,2024-03-30,60\n";

/* Imports one CSV text into the entity called name. */
static int import(dg_store *store, const char *name, const char *csv, size_t len, dg_error *err)
{
    dg_import_report report;
    int rc = dg_import_mem(store, dg_entity_find(name), name, csv, len, NULL, &report, err);
    dg_import_report_clear(&report);
    return rc;
}

int main(void)
{
    int major;
    printf("libdangol %s (headers %s)\n", dg_version(&major, NULL, NULL), DG_VERSION_STRING);
    if (major != DG_VERSION_MAJOR)
        return 1;
    dg_error err;
    dg_error_clear(&err);
    dg_store *store = NULL;
    dg_frame *frame = NULL;
    dg_report report;
    dg_report_init(&report);
    int rc = dg_store_open(&store, ":memory:", DG_STORE_CREATE, &err);
    if (rc == 0)
        rc = dg_store_setting_set(store, "currency", "KRW", &err);
    if (rc == 0)
        rc = import(store, "customers", customers, sizeof customers - 1, &err);
    if (rc == 0)
        rc = import(store, "orders", orders, sizeof orders - 1, &err);
    if (rc == 0)
        rc = dg_report_frame(&frame, store, DG_DAY_NONE, false, &err);
    if (rc == 0)
        rc = dg_report_rfm(&report, frame, NULL, &err);
    if (rc == 0)
        rc = dg_table_write(report.tables[0], stdout, DG_FORMAT_TABLE);
    else
        fprintf(stderr, "rfm_report: %s\n", err.message);
    dg_report_clear(&report);
    dg_frame_free(frame);
    dg_store_close(store);
    return rc == 0 ? 0 : 1;
}
