/* CSV writing (RFC 4180): a field is quoted only when it holds the delimiter, a quote, CR or LF,
 * or starts/ends with a space (or starts with U+FEFF); quotes inside are doubled. Lines end with \n. */
#include <stdbool.h>
#include <string.h>

#include "dangol/csv.h"

void dg_csv_write_field(FILE *out, const char *s, size_t len, bool first, char delimiter)
{
    if (!first)
        fputc(delimiter, out);
    /* a leading U+FEFF is quoted too: at the start of a file, readers would take it for a BOM */
    bool quote = len > 0 && (s[0] == ' ' || s[len - 1] == ' ' ||
                             (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0));
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == delimiter || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        fwrite(s, 1, len, out);
        return;
    }
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            fputc('"', out);
        fputc(s[i], out);
    }
    fputc('"', out);
}

void dg_csv_write_end(FILE *out)
{
    fputc('\n', out);
}
