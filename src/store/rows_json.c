/* A batch of rows (store/rows.h) as JSON, for PostgreSQL's json_array_elements: one statement
 * writes the batch instead of one round trip per row. */
#include <inttypes.h>
#include <stdint.h>

#include "core/json_write.h"
#include "store/rows.h"

void dg__rows_json(FILE *out, const dg__rows *rows)
{
    fputc('[', out);
    for (size_t r = 0; r < rows->n; r++) {
        const char *row = (const char *)rows->base + r * rows->size;
        fputs(r ? ",[" : "[", out);
        for (size_t c = 0; c < rows->n_columns; c++) {
            const char *at = row + rows->columns[c].offset;
            if (c)
                fputc(',', out);
            switch (rows->columns[c].kind) {
            case DG__ROWS_TEXT:
                if (*(const char *const *)at)
                    dg__json_write_string(out, *(const char *const *)at);
                else
                    fputs("null", out);
                break;
            case DG__ROWS_INT32:
                fprintf(out, "%" PRId32, *(const int32_t *)at);
                break;
            case DG__ROWS_INT64:
                fprintf(out, "%" PRId64, *(const int64_t *)at);
                break;
            }
        }
        fputc(']', out);
    }
    fputc(']', out);
}
