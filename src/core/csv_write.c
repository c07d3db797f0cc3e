/* CSV writing (RFC 4180): a field is quoted only when it holds the delimiter, a quote, CR or LF,
 * or starts/ends with a space (or starts with U+FEFF); quotes inside are doubled. Lines end with \n.
 * Text that a spreadsheet would run as a formula gets a leading single quote (see dangol/csv.h). */
#include <stdbool.h>
#include <string.h>

#include "dangol/csv.h"

/* Writes prefix (when not '\0') and s as one field. */
static void write_field(FILE *out, char prefix, const char *s, size_t len, bool first,
                        char delimiter)
{
    if (!first)
        fputc(delimiter, out);
    /* a leading U+FEFF is quoted too: at the start of a file, readers would take it for a BOM */
    bool quote = len > 0 && ((!prefix && s[0] == ' ') || s[len - 1] == ' ' ||
                             (!prefix && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0));
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == delimiter || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (quote)
        fputc('"', out);
    if (prefix)
        fputc(prefix, out);
    if (!quote) {
        fwrite(s, 1, len, out);
        return;
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            fputc('"', out);
        fputc(s[i], out);
    }
    fputc('"', out);
}

void dg_csv_write_field(FILE *out, const char *s, size_t len, bool first, char delimiter)
{
    write_field(out, '\0', s, len, first, delimiter);
}

void dg_csv_write_end(FILE *out)
{
    fputc('\n', out);
}

static bool starts_formula(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/* A leading quote is the escape when what follows would need one, or is a quote itself. */
size_t dg_csv_text_unescape(const char *s, size_t len)
{
    return len >= 2 && s[0] == '\'' && (starts_formula(s[1]) || s[1] == '\'') ? 1 : 0;
}

void dg_csv_write_text(FILE *out, const char *s, size_t len, bool first, char delimiter)
{
    bool escape = len > 0 && (starts_formula(s[0]) || dg_csv_text_unescape(s, len) == 1);
    write_field(out, escape ? '\'' : '\0', s, len, first, delimiter);
}
