/* JSON string writer shared by the table formats, the export and the audit trail's customer
 * lists (see core/json_write.h): one escape rule for all. */
#include <stdlib.h>
#include <string.h>

#include "core/json_write.h"

/* The escape of byte c (written into buf when it is made), or NULL when c stands as it is. */
static const char *escape(unsigned char c, char buf[8])
{
    switch (c) {
    case '"':  return "\\\"";
    case '\\': return "\\\\";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    default:
        if (c >= 0x20)
            return NULL;
        snprintf(buf, 8, "\\u%04x", c);
        return buf;
    }
}

void dg__json_write_string(FILE *out, const char *s)
{
    char buf[8];
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        const char *e = escape(*p, buf);
        if (e)
            fputs(e, out);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

/* Writes the array's text into out when out is not NULL; returns its length either way. */
static size_t string_array(const char *const *items, size_t n, char *out)
{
    size_t len = 0;
    char buf[8];
#define EMIT(s, k) do { if (out) memcpy(out + len, (s), (k)); len += (k); } while (0)
    EMIT("[", 1);
    for (size_t i = 0; i < n; i++) {
        EMIT(i ? ",\"" : "\"", i ? 2u : 1u);
        for (const unsigned char *p = (const unsigned char *)(items[i] ? items[i] : ""); *p; p++) {
            const char *e = escape(*p, buf);
            if (e)
                EMIT(e, strlen(e));
            else
                EMIT(p, 1);
        }
        EMIT("\"", 1);
    }
    EMIT("]", 1);
#undef EMIT
    return len;
}

char *dg__json_string_array(const char *const *items, size_t n)
{
    size_t len = string_array(items, n, NULL);
    char *text = malloc(len + 1);
    if (text) {
        string_array(items, n, text);
        text[len] = '\0';
    }
    return text;
}
