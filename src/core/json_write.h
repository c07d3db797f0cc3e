/* The one JSON string writer of the library: a quoted, escaped string on a stdio stream. Used by
 * the table's JSON format (core/table.c), the entity export (ingest/export.c) and the audit
 * trail's customer lists (auth/audit.c), so all escape the same way. Bytes >= 0x80 pass through: dangol's text is UTF-8 and JSON allows it as is. */
#ifndef DG_CORE_JSON_WRITE_H
#define DG_CORE_JSON_WRITE_H

#include <stdio.h>

/* Writes s (NUL-terminated) as a JSON string: " \ and the control characters escaped. */
void dg__json_write_string(FILE *out, const char *s);

/* The JSON array of the n strings (a NULL item as ""), escaped as above, in one malloc'd text;
 * NULL when out of memory. */
char *dg__json_string_array(const char *const *items, size_t n);

#endif
