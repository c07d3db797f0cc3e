/* libFuzzer target for the CSV reader. The first input byte picks the delimiter and encoding,
 * the rest is the file. Every record read must hold NUL-free fields of the stated length, start on
 * a line no earlier than the previous one, and (comma mode) survive write -> read unchanged.
 * Run by `make fuzz` (a few seconds, fixed seed); longer: build-fuzz/fuzz_csv -max_total_time=600 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_round_trip(dg_csv *csv)
{
    size_t n = dg_csv_count(csv);
    if (n == 1 && dg_csv_field(csv, 0, NULL)[0] == '\0')
        return;   /* one empty field is written as a blank line, which readers skip */
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    for (size_t i = 0; i < n; i++) {
        size_t flen;
        const char *f = dg_csv_field(csv, i, &flen);
        dg_csv_write_field(out, f, flen, i == 0, ',');
    }
    dg_csv_write_end(out);
    fclose(out);
    dg_csv *again = NULL;
    if (dg_csv_open_mem(&again, "again", buf, len, NULL, NULL) != 0 ||
        dg_csv_next(again, NULL) != 1 || dg_csv_count(again) != n)
        abort();
    for (size_t i = 0; i < n; i++) {
        size_t a, b;
        const char *fa = dg_csv_field(csv, i, &a), *fb = dg_csv_field(again, i, &b);
        if (a != b || memcmp(fa, fb, a) != 0)
            abort();
    }
    dg_csv_close(again);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char delimiters[] = { ',', ';', '\t', '|', DG_CSV_WHITESPACE };
    if (size < 1)
        return 0;
    dg_csv_options opt = { delimiters[data[0] % 5], (data[0] & 0x80) ? "cp949" : NULL };
    dg_csv *csv = NULL;
    dg_error err;
    if (dg_csv_open_mem(&csv, "fuzz", (const char *)data + 1, size - 1, &opt, &err) != 0)
        return 0;
    long last_line = 0;
    for (;;) {
        int rc = dg_csv_next(csv, &err);
        if (rc < 0 && dg_csv_can_continue(csv))
            continue;
        if (rc <= 0)
            break;
        if (dg_csv_line(csv) < last_line || dg_csv_count(csv) == 0)
            abort();
        last_line = dg_csv_line(csv);
        for (size_t i = 0; i < dg_csv_count(csv); i++) {
            size_t len;
            const char *f = dg_csv_field(csv, i, &len);
            if (strlen(f) != len)
                abort();
        }
        if (opt.delimiter == ',' && !opt.encoding)
            check_round_trip(csv);
    }
    dg_csv_close(csv);
    return 0;
}
