/* Analysis routes: each builds a frame of the store as of ?as_of (default: the last day with
 * activity), calls the library's analysis — the same call the CLI command makes — and sends its
 * result table. */
#include <string.h>

#include "dangol/cube.h"
#include "dangol/frame.h"
#include "dangol/kpi.h"
#include "dangol/text.h"
#include "server/server.h"

/* The frame for this request, or NULL with the error answered. */
static dg_frame *request_frame(dg_request *req, dg_response *res, bool with_lines)
{
    dg_frame_options fopt = { .as_of = DG_DAY_NONE, .with_lines = with_lines };
    dg_frame *frame = NULL;
    dg_error err;
    dg_error_clear(&err);
    const char *as_of = dg_request_query(req, "as_of");
    if (as_of && *as_of && dg_date_parse(as_of, strlen(as_of), &fopt.as_of, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "as_of: %s", err.message);
        return NULL;
    }
    if (dg_frame_from_store(&frame, req->store, &fopt, &err) != 0) {
        dg_reply_failure(res, &err);
        return NULL;
    }
    return frame;
}

/* Sends the table of a finished analysis (rc, err) and frees it. */
static void reply_result(dg_response *res, int rc, dg_table *table, const dg_error *err)
{
    if (rc != 0)
        dg_reply_failure(res, err);
    else
        dg_reply_table(res, table);
    dg_table_free(table);
}

void dg_api_kpi(dg_request *req, dg_response *res)
{
    long long months = dg_request_query_count(req, res, "months", 12, DG_KPI_MONTHS_MAX);
    if (months < 0)
        return;
    dg_frame *frame = request_frame(req, res, false);
    if (!frame)
        return;
    dg_table *table = NULL;
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_kpi_monthly(frame, (int)months, &table, &err);
    dg_frame_free(frame);
    reply_result(res, rc, table, &err);
}

/* The cube's query vocabulary, passed as-is to dg_cube_store_query (the call `dangol cube` makes). */
void dg_api_cube(dg_request *req, dg_response *res)
{
    static const char *const keys[] = { "rows", "cols", "measure", "where", "totals", "top",
                                        "sort", "as_of" };
    const char *params[2 * (sizeof keys / sizeof keys[0]) + 1];
    size_t n = 0;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *value = dg_request_query(req, keys[i]);
        if (value) {
            params[n++] = keys[i];
            params[n++] = value;
        }
    }
    params[n] = NULL;
    dg_table *table = NULL;
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_cube_store_query(req->store, params, &table, &err);
    reply_result(res, rc, table, &err);
}
