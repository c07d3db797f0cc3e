/* Result tables (include/dangol/table.h). Rows are arrays of tagged cells grown geometrically;
 * rendering computes display widths once per column. Display width counts East Asian wide
 * characters (Hangul, CJK) as two terminal columns so Korean names line up. A failed addition
 * (out of memory) makes the table "failed": later sets are ignored and writing it returns
 * DG_ENOMEM, so a builder that misses one return value can never print a half-filled row or fill
 * the previous row instead. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/csv.h"
#include "dangol/error.h"
#include "dangol/table.h"
#include "dangol/text.h"
#include "core/json_write.h"

typedef struct {
    bool set;
    bool percent;   /* a fraction in a REAL column, shown as a percentage like a PERCENT column */
    int decimals;   /* shown with these decimals instead of the column's; -1 = the column's */
    union { int64_t i; double r; char *s; } u;
} cell;

typedef struct {
    char *name;
    dg_cell_type type;
    int decimals;
} column;

/* A numeric parameter of a coded note, which the dashboard puts into its translation. */
typedef struct {
    char *key;
    double value;
} note_param;

typedef struct {
    char *text;               /* English, as the CLI prints it */
    char *code;               /* NULL for a note without a translation */
    note_param *params;
    size_t n_params;
} note;

struct dg_table {
    char *title;
    column *cols;
    size_t n_cols, cap_cols;
    cell *cells;              /* n_rows * n_cols, row-major */
    size_t n_rows, cap_rows;
    note *notes;              /* remarks on the whole result (JSON "notes", "note_codes") */
    size_t n_notes;
    bool failed;              /* an addition failed: the table cannot be written */
};

/* Marks the table failed when rc is an error; returns rc. */
static int track(dg_table *t, int rc)
{
    if (rc != 0)
        t->failed = true;
    return rc;
}

dg_table *dg_table_new(const char *title)
{
    dg_table *t = calloc(1, sizeof *t);
    if (t && title && !(t->title = strdup(title))) {
        free(t);
        return NULL;
    }
    return t;
}

void dg_table_free(dg_table *t)
{
    if (!t)
        return;
    for (size_t r = 0; r < t->n_rows; r++)
        for (size_t c = 0; c < t->n_cols; c++)
            if (t->cols[c].type == DG_CELL_TEXT && t->cells[r * t->n_cols + c].set)
                free(t->cells[r * t->n_cols + c].u.s);
    for (size_t c = 0; c < t->n_cols; c++)
        free(t->cols[c].name);
    for (size_t i = 0; i < t->n_notes; i++) {
        for (size_t k = 0; k < t->notes[i].n_params; k++)
            free(t->notes[i].params[k].key);
        free(t->notes[i].params);
        free(t->notes[i].code);
        free(t->notes[i].text);
    }
    free(t->notes);
    free(t->cols);
    free(t->cells);
    free(t->title);
    free(t);
}

int dg_table_add_columns(dg_table *t, const char *const *names, const dg_cell_type *types,
                         const int *decimals, size_t n)
{
    int rc = t ? 0 : DG_ENOMEM;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = dg_table_add_column(t, names[i], types[i], decimals[i]);
    return rc;
}

int dg_table_add_column(dg_table *t, const char *name, dg_cell_type type, int decimals)
{
    if (t->failed)
        return DG_ENOMEM;
    if (t->n_rows > 0)
        return DG_EINVAL;   /* a misuse, not a failed addition */
    if (t->n_cols == t->cap_cols) {
        size_t cap = t->cap_cols ? 2 * t->cap_cols : 8;
        column *cols = realloc(t->cols, cap * sizeof *cols);
        if (!cols)
            return track(t, DG_ENOMEM);
        t->cols = cols;
        t->cap_cols = cap;
    }
    char *copy = strdup(name);
    if (!copy)
        return track(t, DG_ENOMEM);
    t->cols[t->n_cols++] = (column){ copy, type, decimals };
    return 0;
}

int dg_table_add_row(dg_table *t)
{
    if (t->failed)
        return DG_ENOMEM;
    if (t->n_rows == t->cap_rows) {
        size_t cap = t->cap_rows ? 2 * t->cap_rows : 16;
        cell *cells = realloc(t->cells, cap * t->n_cols * sizeof *cells);
        if (!cells)
            return track(t, DG_ENOMEM);
        t->cells = cells;
        t->cap_rows = cap;
    }
    memset(t->cells + t->n_rows * t->n_cols, 0, t->n_cols * sizeof *t->cells);
    t->n_rows++;
    return 0;
}

/* The cell col of the last row; NULL when the table failed (or has no row or no such column,
 * a caller's mistake that also fails the table). */
static cell *last(dg_table *t, size_t col)
{
    if (!t->failed && (t->n_rows == 0 || col >= t->n_cols))
        t->failed = true;
    return t->failed ? NULL : &t->cells[(t->n_rows - 1) * t->n_cols + col];
}

int dg_table_set_text(dg_table *t, size_t col, const char *text)
{
    cell *c = last(t, col);
    if (!c)
        return DG_ENOMEM;
    if (c->set)
        free(c->u.s);
    c->set = false;
    if (!text)
        return 0;
    if (!(c->u.s = strdup(text)))
        return track(t, DG_ENOMEM);
    c->set = true;
    return 0;
}

void dg_table_set_int(dg_table *t, size_t col, int64_t value)
{
    cell *c = last(t, col);
    if (c)
        *c = (cell){ .set = true, .decimals = -1, .u.i = value };
}

void dg_table_set_real(dg_table *t, size_t col, double value)
{
    cell *c = last(t, col);
    if (c)
        *c = (cell){ .set = isfinite(value), .decimals = -1, .u.r = value };
}

void dg_table_set_decimals(dg_table *t, size_t col, int decimals)
{
    cell *c = last(t, col);
    if (c)
        c->decimals = decimals;
}

void dg_table_set_percent(dg_table *t, size_t col, double fraction)
{
    cell *c = last(t, col);
    if (c)
        *c = (cell){ .set = isfinite(fraction), .percent = true, .decimals = -1, .u.r = fraction };
}

int dg_table_add_note(dg_table *t, const char *text) { return dg_table_add_coded_note(t, NULL, text); }

int dg_table_add_coded_note(dg_table *t, const char *code, const char *text)
{
    if (t->failed)
        return DG_ENOMEM;
    note *notes = realloc(t->notes, (t->n_notes + 1) * sizeof *notes);
    if (!notes)
        return track(t, DG_ENOMEM);
    t->notes = notes;
    note *n = &t->notes[t->n_notes];
    *n = (note){ .text = strdup(text), .code = code ? strdup(code) : NULL };
    if (!n->text || (code && !n->code)) {
        free(n->text);
        free(n->code);
        return track(t, DG_ENOMEM);
    }
    t->n_notes++;
    return 0;
}

int dg_table_note_param(dg_table *t, const char *key, double value)
{
    if (t->failed)
        return DG_ENOMEM;
    if (t->n_notes == 0 || !t->notes[t->n_notes - 1].code)
        return DG_EINVAL;   /* a misuse, not a failed addition */
    note *n = &t->notes[t->n_notes - 1];
    note_param *params = realloc(n->params, (n->n_params + 1) * sizeof *params);
    if (!params)
        return track(t, DG_ENOMEM);
    n->params = params;
    if (!(params[n->n_params].key = strdup(key)))
        return track(t, DG_ENOMEM);
    params[n->n_params++].value = value;
    return 0;
}

size_t dg_table_notes(const dg_table *t) { return t->n_notes; }
const char *dg_table_note(const dg_table *t, size_t i) { return i < t->n_notes ? t->notes[i].text : NULL; }
const char *dg_table_note_code(const dg_table *t, size_t i)
{
    return i < t->n_notes ? t->notes[i].code : NULL;
}
int dg_table_failed(const dg_table *t) { return t->failed ? DG_ENOMEM : 0; }

size_t dg_table_rows(const dg_table *t) { return t->n_rows; }
size_t dg_table_columns(const dg_table *t) { return t->n_cols; }

int dg_format_parse(const char *name, dg_format *format)
{
    static const char *const names[] = { "table", "csv", "json" };
    for (int i = 0; i < 3; i++)
        if (strcmp(name, names[i]) == 0) {
            *format = (dg_format)i;
            return 0;
        }
    return DG_EINVAL;
}

/* Groups the integer part of a plain decimal number with commas: "-1234567.5" -> "-1,234,567.5". */
static void group_thousands(const char *plain, char *out, size_t cap)
{
    size_t len = strlen(plain), o = 0;
    size_t start = (plain[0] == '-') ? 1 : 0;
    const char *dot = strchr(plain, '.');
    size_t int_end = dot ? (size_t)(dot - plain) : len;
    for (size_t i = 0; i < len && o + 1 < cap; i++) {
        if (i > start && i < int_end && (int_end - i) % 3 == 0 && o + 2 < cap)
            out[o++] = ',';
        out[o++] = plain[i];
    }
    out[o] = '\0';
}

/* Renders one cell as text; human adds thousands separators and shows fractions as percentages;
 * the machine formats keep fractions as fractions. */
static void cell_text(const column *col, const cell *c, bool human, char *buf, size_t cap)
{
    char plain[64];
    bool percent = col->type == DG_CELL_PERCENT || c->percent;
    buf[0] = '\0';
    if (!c->set)
        return;
    switch (col->type) {
    case DG_CELL_TEXT:
        snprintf(buf, cap, "%s", c->u.s);
        return;
    case DG_CELL_DATE:
        dg_date_format((int32_t)c->u.i, buf);
        return;
    case DG_CELL_INT:
        snprintf(plain, sizeof plain, "%lld", (long long)c->u.i);
        break;
    case DG_CELL_ID:   /* 2025 is a year, not two thousand and twenty-five */
        snprintf(buf, cap, "%lld", (long long)c->u.i);
        return;
    case DG_CELL_MONEY:
        dg_money_format(c->u.i, col->decimals, plain, sizeof plain);
        break;
    case DG_CELL_REAL:
    case DG_CELL_PERCENT:
        if (!human) {   /* machine formats keep precision and fractions stay fractions */
            snprintf(buf, cap, "%.10g", c->u.r);
            return;
        }
        snprintf(plain, sizeof plain, "%.*f", c->decimals >= 0 ? c->decimals : col->decimals,
                 percent ? 100.0 * c->u.r : c->u.r);
        break;
    }
    if (!human) {
        snprintf(buf, cap, "%s", plain);
        return;
    }
    group_thousands(plain, buf, cap);
    if (percent && strlen(buf) + 1 < cap)
        strcat(buf, "%");
}

/* Terminal columns taken by UTF-8 text: wide (2) for Hangul, CJK and full-width forms. */
static size_t display_width(const char *s)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp;
        int n;
        if (*p < 0x80) { cp = *p; n = 1; }
        else if ((*p & 0xE0) == 0xC0) { cp = *p & 0x1F; n = 2; }
        else if ((*p & 0xF0) == 0xE0) { cp = *p & 0x0F; n = 3; }
        else { cp = *p & 0x07; n = 4; }
        for (int i = 1; i < n; i++) {
            if ((p[i] & 0xC0) != 0x80) { n = i; break; }
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        p += n;
        bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6);
        w += wide ? 2 : 1;
    }
    return w;
}

static bool right_aligned(dg_cell_type type)
{
    return type != DG_CELL_TEXT && type != DG_CELL_DATE;
}

static void pad(FILE *out, size_t n)
{
    while (n--)
        fputc(' ', out);
}

/* "note_codes":[...], one per note: {"code":...,"params":{...}}, or null for an uncoded note. */
static void write_note_codes(const dg_table *t, FILE *out)
{
    fputs(",\"note_codes\":[", out);
    for (size_t i = 0; i < t->n_notes; i++) {
        const note *n = &t->notes[i];
        if (i)
            fputc(',', out);
        if (!n->code) {
            fputs("null", out);
            continue;
        }
        fputs("{\"code\":", out);
        dg__json_write_string(out, n->code);
        fputs(",\"params\":{", out);
        for (size_t k = 0; k < n->n_params; k++) {
            if (k)
                fputc(',', out);
            dg__json_write_string(out, n->params[k].key);
            fprintf(out, ":%.15g", isfinite(n->params[k].value) ? n->params[k].value : 0.0);
        }
        fputs("}}", out);
    }
    fputc(']', out);
}

static int write_aligned(const dg_table *t, FILE *out, size_t first, size_t end)
{
    size_t *width = calloc(t->n_cols ? t->n_cols : 1, sizeof *width);
    if (!width)
        return DG_ENOMEM;
    char buf[512];
    for (size_t c = 0; c < t->n_cols; c++) {
        width[c] = display_width(t->cols[c].name);
        for (size_t r = first; r < end; r++) {
            cell_text(&t->cols[c], &t->cells[r * t->n_cols + c], true, buf, sizeof buf);
            size_t w = display_width(buf);
            if (w > width[c])
                width[c] = w;
        }
    }
    if (t->title)
        fprintf(out, "%s\n", t->title);
    for (size_t c = 0; c < t->n_cols; c++) {
        size_t w = display_width(t->cols[c].name);
        if (c)
            fputs("  ", out);
        if (right_aligned(t->cols[c].type))
            pad(out, width[c] - w);
        fputs(t->cols[c].name, out);
        if (!right_aligned(t->cols[c].type) && c + 1 < t->n_cols)
            pad(out, width[c] - w);
    }
    fputc('\n', out);
    for (size_t c = 0; c < t->n_cols; c++) {
        if (c)
            fputs("  ", out);
        for (size_t i = 0; i < width[c]; i++)
            fputc('-', out);
    }
    fputc('\n', out);
    for (size_t r = first; r < end; r++) {
        for (size_t c = 0; c < t->n_cols; c++) {
            cell_text(&t->cols[c], &t->cells[r * t->n_cols + c], true, buf, sizeof buf);
            size_t w = display_width(buf);
            if (c)
                fputs("  ", out);
            if (right_aligned(t->cols[c].type))
                pad(out, width[c] - w);
            fputs(buf, out);
            if (!right_aligned(t->cols[c].type) && c + 1 < t->n_cols)
                pad(out, width[c] - w);
        }
        fputc('\n', out);
    }
    free(width);
    return ferror(out) ? DG_EIO : 0;
}

static int write_json(const dg_table *t, FILE *out, size_t first, size_t end)
{
    char buf[512];
    fputs("{\"title\":", out);
    if (t->title)
        dg__json_write_string(out, t->title);
    else
        fputs("null", out);
    fputs(",\"columns\":[", out);
    for (size_t c = 0; c < t->n_cols; c++) {
        if (c)
            fputc(',', out);
        dg__json_write_string(out, t->cols[c].name);
    }
    fputs("],\"rows\":[", out);
    for (size_t r = first; r < end; r++) {
        fputs(r > first ? ",\n{" : "\n{", out);
        for (size_t c = 0; c < t->n_cols; c++) {
            const cell *cl = &t->cells[r * t->n_cols + c];
            if (c)
                fputc(',', out);
            dg__json_write_string(out, t->cols[c].name);
            fputc(':', out);
            if (!cl->set) {
                fputs("null", out);
                continue;
            }
            if (t->cols[c].type == DG_CELL_TEXT) {   /* whole, however long (CSV does too) */
                dg__json_write_string(out, cl->u.s);
                continue;
            }
            cell_text(&t->cols[c], cl, false, buf, sizeof buf);
            if (t->cols[c].type == DG_CELL_DATE)
                dg__json_write_string(out, buf);
            else
                fputs(buf, out);
        }
        fputc('}', out);
    }
    fputc(']', out);
    if (t->n_notes > 0) {
        fputs(",\"notes\":[", out);
        for (size_t i = 0; i < t->n_notes; i++) {
            if (i)
                fputc(',', out);
            dg__json_write_string(out, t->notes[i].text);
        }
        fputc(']', out);
        write_note_codes(t, out);
    }
    fputs("}\n", out);
    return ferror(out) ? DG_EIO : 0;
}

static int write_csv(const dg_table *t, FILE *out, size_t first, size_t end)
{
    char buf[512];
    for (size_t c = 0; c < t->n_cols; c++)
        dg_csv_write_field(out, t->cols[c].name, strlen(t->cols[c].name), c == 0, ',');
    dg_csv_write_end(out);
    for (size_t r = first; r < end; r++) {
        for (size_t c = 0; c < t->n_cols; c++) {
            const cell *cl = &t->cells[r * t->n_cols + c];
            if (t->cols[c].type == DG_CELL_TEXT && cl->set)   /* a customer id "=1+2" */
                dg_csv_write_text(out, cl->u.s, strlen(cl->u.s), c == 0, ',');
            else {
                cell_text(&t->cols[c], cl, false, buf, sizeof buf);
                dg_csv_write_field(out, buf, strlen(buf), c == 0, ',');
            }
        }
        dg_csv_write_end(out);
    }
    return ferror(out) ? DG_EIO : 0;
}

int dg_table_write_rows(const dg_table *t, FILE *out, dg_format format, size_t first,
                        size_t count)
{
    if (t->failed)
        return DG_ENOMEM;
    if (first > t->n_rows)
        first = t->n_rows;
    size_t end = count < t->n_rows - first ? first + count : t->n_rows;
    switch (format) {
    case DG_FORMAT_TABLE: return write_aligned(t, out, first, end);
    case DG_FORMAT_CSV:   return write_csv(t, out, first, end);
    case DG_FORMAT_JSON:  return write_json(t, out, first, end);
    }
    return DG_EINVAL;
}

int dg_table_write(const dg_table *t, FILE *out, dg_format format)
{
    return dg_table_write_rows(t, out, format, 0, t->n_rows);
}

int dg_tables_write(dg_table *const *tables, size_t n, FILE *out, dg_format format)
{
    if (format == DG_FORMAT_JSON)
        fputs("[\n", out);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputs(format == DG_FORMAT_JSON ? ",\n" : "\n", out);
        if (format == DG_FORMAT_CSV && tables[i]->title)
            fprintf(out, "# %s\n", tables[i]->title);
        int rc = dg_table_write(tables[i], out, format);
        if (rc != 0)
            return rc;
    }
    if (format == DG_FORMAT_JSON)
        fputs("]\n", out);
    return ferror(out) ? DG_EIO : 0;
}
