/* Pages: the offset and limit query arguments (shared by the record lists and the per-customer
 * analysis views) and a page of a result table's rows. The table module writes a whole table, so
 * the page is cut from its JSON as it is written: a stream filter (fopencookie) follows the JSON
 * structure (strings, escapes, nesting) and keeps only the rows of the page, so a view of a
 * million customers never exists as text, only the page does. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

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

/* dg_table_write's JSON is {"title":..., "columns":[...], "rows":[{...}, ...]}: the rows are the
 * objects of the second array at depth 2. */
typedef struct row_filter {
    FILE *out;
    dg_page page;
    size_t n_rows;
    size_t arrays;          /* arrays opened at depth 2 so far */
    size_t row;             /* index of the row being written */
    int depth;
    bool in_string, escaped, kept_one, keeping;
} row_filter;

static bool in_rows(const row_filter *f)
{
    return f->arrays == 2 && f->depth >= 2;
}

static void filter_byte(row_filter *f, char c)
{
    if (f->in_string) {
        if (f->keeping || !in_rows(f))
            fputc(c, f->out);
        if (f->escaped)
            f->escaped = false;
        else if (c == '\\')
            f->escaped = true;
        else if (c == '"')
            f->in_string = false;
        return;
    }
    bool rows = in_rows(f);
    if (c == '{' || c == '[') {
        f->depth++;
        if (f->depth == 2 && c == '[')
            f->arrays++;
        if (rows && f->depth == 3) {
            f->keeping = f->row >= f->page.offset && f->row - f->page.offset < f->page.limit;
            if (f->keeping && f->kept_one)
                fputc(',', f->out);
            f->kept_one |= f->keeping;
        }
    } else if (c == '}' || c == ']') {
        if (rows && f->depth == 2) {   /* the end of the rows: the page's fields follow */
            size_t end = f->page.offset + f->page.limit;
            fprintf(f->out, "],\"offset\":%zu,\"limit\":%zu,\"next_offset\":", f->page.offset,
                    f->page.limit);
            if (end < f->n_rows)
                fprintf(f->out, "%zu", end);
            else
                fputs("null", f->out);
            f->depth--;
            f->arrays++;
            return;
        }
        if (rows && f->depth == 3) {
            if (f->keeping)
                fputc(c, f->out);
            f->keeping = false;
            f->row++;
            f->depth--;
            return;
        }
        f->depth--;
    } else if (c == '"') {
        f->in_string = true;
    } else if (rows && f->depth == 2) {
        return;                        /* the separators between rows */
    }
    if (f->keeping || !in_rows(f) || (c == '[' && f->depth == 2))
        fputc(c, f->out);
}

static ssize_t filter_write(void *cookie, const char *buf, size_t size)
{
    row_filter *f = cookie;
    for (size_t i = 0; i < size; i++)
        filter_byte(f, buf[i]);
    if (ferror(f->out)) {
        errno = ENOMEM;
        return -1;
    }
    return (ssize_t)size;
}

void dg_reply_table_page(dg_response *res, const dg_table *table, const dg_page *page)
{
    char *buf = NULL;
    size_t len = 0;
    row_filter f = { .page = *page, .n_rows = dg_table_rows(table) };
    cookie_io_functions_t io = { .write = filter_write };
    FILE *json = NULL;
    int rc = DG_ENOMEM;
    if ((f.out = open_memstream(&buf, &len)) && (json = fopencookie(&f, "w", io)))
        rc = dg_table_write(table, json, DG_FORMAT_JSON);
    if (json && fclose(json) != 0)
        rc = DG_ENOMEM;
    if (f.out && fclose(f.out) != 0)
        rc = DG_ENOMEM;
    if (rc != 0) {
        free(buf);
        dg_reply_error(res, 500, "internal", "cannot render the result: %s", dg_strerror(rc));
        return;
    }
    free(res->body);
    res->body = buf;
    res->len = len;
    res->status = 200;
    res->content_type = "application/json; charset=utf-8";
}
