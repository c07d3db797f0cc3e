/* Pages: the offset and limit query arguments (shared by the record lists and the per-customer
 * analysis views) and a page of a result table's rows, written with the page's offset, limit and
 * next_offset beside the rows; only the page's rows are ever rendered as text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server.h"

bool dg_request_page(const dg_request *req, dg_response *res, dg_page *page)
{
    long long offset = dg_request_query_count(req, res, "offset", 0, 1LL << 40);
    long long limit = offset < 0 ? -1
                                 : dg_request_query_count(req, res, "limit", DG_PAGE_DEFAULT,
                                                          DG_PAGE_MAX);
    if (offset < 0 || limit < 0)
        return false;
    if (limit == 0) {
        dg_reply_error(res, 400, "invalid", "query argument limit must be from 1 to %d",
                       DG_PAGE_MAX);
        return false;
    }
    page->offset = (size_t)offset;
    page->limit = (size_t)limit;
    return true;
}

void dg_reply_table_page(dg_response *res, const dg_table *table, const dg_page *page)
{
    char *buf = NULL;
    size_t len = 0, n_rows = dg_table_rows(table), end = page->offset + page->limit;
    FILE *json = open_memstream(&buf, &len);
    int rc = json ? dg_table_write_rows(table, json, DG_FORMAT_JSON, page->offset, page->limit)
                  : DG_ENOMEM;
    if (json && fclose(json) != 0)
        rc = DG_ENOMEM;
    /* The table's JSON ends "]}\n": the page's fields go before the closing brace. */
    if (rc == 0 && (len < 3 || strcmp(buf + len - 3, "]}\n") != 0))
        rc = DG_EINVAL;
    if (rc == 0) {
        char next[24] = "null", tail[96];
        if (end < n_rows)
            snprintf(next, sizeof next, "%zu", end);
        int n = snprintf(tail, sizeof tail, ",\"offset\":%zu,\"limit\":%zu,\"next_offset\":%s}\n",
                         page->offset, page->limit, next);
        char *grown = realloc(buf, len - 2 + (size_t)n + 1);
        if (!grown)
            rc = DG_ENOMEM;
        else {
            buf = grown;
            memcpy(buf + len - 2, tail, (size_t)n + 1);
            len = len - 2 + (size_t)n;
        }
    }
    dg_reply_json_text(res, buf, len, rc);
}
