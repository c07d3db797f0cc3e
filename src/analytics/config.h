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

/* Where a "key = value" line stands: its number and the 1-based columns of key and value. */
typedef struct dg__kv_at {
    long line;
    long key_column;
    long value_column;
} dg__kv_at;

/* The same with the position of each line given to the callback (for checks that need every
 * line and then point back at one). NULL text parses as empty. An error is reported at the
 * value's column unless the callback set err->column (see dg__kv_at_key). */
typedef int (*dg__kv_line_fn)(void *ctx, const char *key, const char *value,
                              const dg__kv_at *at, dg_error *err);
int dg__kv_parse_lines(const char *text, const char *name, dg__kv_line_fn fn, void *ctx,
                       dg_error *err);

/* For a dg__kv_line_fn: points the error just set in err (code rc) at the key, returns rc. */
int dg__kv_at_key(dg_error *err, const dg__kv_at *at, int rc);

/* Splits a "PREFIX.CODE.FIELD" key (prefix given with its dot, "tier.") into CODE (*code,
 * *code_len bytes, a valid code of at most code_cap - 1) and a non-empty FIELD (*field), or
 * fills err naming the form expected. */
int dg__kv_dotted(const char *key, const char *prefix, size_t code_cap, const char **code,
                  size_t *code_len, const char **field, dg_error *err);
/* A name of 1 to cap - 1 bytes of UTF-8 copied into out, or err. */
int dg__kv_name(const char *key, const char *value, char *out, size_t cap, dg_error *err);

/* Helpers for kv callbacks: parse an integer/real within [lo, hi] or fill err. */
int dg__kv_int(const char *key, const char *value, long lo, long hi, int *out, dg_error *err);
int dg__kv_real(const char *key, const char *value, double lo, double hi, double *out,
                dg_error *err);

/* Whether code[0..len) is a code of the config files (items, moments, types): 1 to cap - 1 bytes
 * of a-z, 0-9 and _. */
bool dg__config_code_valid(const char *code, size_t len, size_t cap);

#endif
