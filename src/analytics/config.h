/* Private to the analytics: parsing the text of the small config files (RFM segment map, stage
 * rules, loyalty weights; src/report/config_files.c reads the files). "key = value" text is
 * parsed line by line with '#' comments, and errors name file:line:column. */
#ifndef DANGOL_ANALYTICS_CONFIG_H
#define DANGOL_ANALYTICS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "dangol/error.h"

/* Trims blanks (and a trailing CR) off s in place. */
char *dg__config_trim(char *s);

/* The next line of the text at *cursor that holds anything once its '#' comment and blanks are
 * gone: returns that trimmed body (cut in place, so the text must be writable) and sets *line to
 * the start of the line (columns count from it) and *line_no to its number; NULL at the end. */
char *dg__config_next_line(char **cursor, char **line, long *line_no);

/* Called for each "key = value" line with both trimmed; returns 0 or an error code after
 * filling err (the caller's message; the position is added by the parser). */
typedef int (*dg__kv_fn)(void *ctx, const char *key, const char *value, dg_error *err);

/* Parses text; name is the file name for messages. */
int dg__kv_parse(const char *text, const char *name, dg__kv_fn fn, void *ctx, dg_error *err);

/* The same with the line number of each "key = value" line given to the callback (for checks
 * that need every line and then point back at one). */
typedef int (*dg__kv_line_fn)(void *ctx, const char *key, const char *value, long line_no,
                              dg_error *err);
int dg__kv_parse_lines(const char *text, const char *name, dg__kv_line_fn fn, void *ctx,
                       dg_error *err);

/* Helpers for kv callbacks: parse an integer/real within [lo, hi] or fill err. */
int dg__kv_int(const char *key, const char *value, long lo, long hi, int *out, dg_error *err);
int dg__kv_real(const char *key, const char *value, double lo, double hi, double *out,
                dg_error *err);

/* Whether code[0..len) is a code of the config files (items, moments, types): 1 to cap - 1 bytes
 * of a-z, 0-9 and _. */
bool dg__config_code_valid(const char *code, size_t len, size_t cap);

#endif
