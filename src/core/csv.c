/* Streaming CSV reader (RFC 4180). Input is read in 1 MiB blocks (converted to UTF-8 by iconv when
 * an encoding is given) and scanned by a byte state machine that copies each record's fields,
 * NUL-terminated, into one reusable record buffer: no allocation per field or per record once the
 * buffers have grown to the widest record. The state survives block boundaries, so a quoted field
 * may hold delimiters, quotes ("") and CR/LF newlines. Lines are counted as bytes go by, so every
 * record knows the line it starts on; a record is checked for valid UTF-8 (and for NUL bytes)
 * only when it holds non-ASCII bytes. */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dangol/csv.h"
#include "dangol/utf8.h"

#define BLOCK (1u << 20)
#define RECORD_MAX (64u << 20)   /* a longer record is almost surely a quote left open */

struct dg_csv {
    FILE *fp;
    bool own_fp;
    char name[256];
    char delimiter;
    bool whitespace;

    /* input: buf[pos..len) is UTF-8 not scanned yet */
    const char *buf;
    size_t pos, len;
    char *block;                 /* owned read (or conversion output) block, NULL for memory */
    bool eof;                    /* no more input after buf */
    bool started;                /* BOM check done */
    iconv_t cd;                  /* (iconv_t)-1 when the input is UTF-8 */
    char *raw;                   /* undecoded bytes when converting */
    size_t raw_len;
    long conv_line;              /* lines in the converted output so far (for decode errors) */
    uint64_t consumed, total;    /* raw bytes read / file size (0 = unknown) */

    /* the current record */
    char *rec;
    size_t rec_len, rec_cap;
    size_t *off, *flen;
    size_t n_fields, fields_cap;
    long line;                   /* line of the next unread byte */
    long rec_line;
    bool skip_lf;                /* the previous record ended on CR: a following LF belongs to it */
    bool recoverable;            /* the last error concerned one complete record */
    bool quoted_cr;              /* inside quotes, the last byte was CR (CRLF counts one line) */
};

static void close_iconv(dg_csv *c)
{
    if (c->cd != (iconv_t)-1)
        iconv_close(c->cd);
    c->cd = (iconv_t)-1;
}

void dg_csv_close(dg_csv *c)
{
    if (!c)
        return;
    if (c->own_fp && c->fp)
        fclose(c->fp);
    close_iconv(c);
    free(c->block);
    free(c->raw);
    free(c->rec);
    free(c->off);
    free(c->flen);
    free(c);
}

static int setup(dg_csv **out, const char *name, const dg_csv_options *opt, dg_error *err)
{
    dg_csv *c = calloc(1, sizeof *c);
    if (!c)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    c->cd = (iconv_t)-1;
    c->delimiter = opt ? opt->delimiter : ',';
    c->whitespace = c->delimiter == DG_CSV_WHITESPACE;
    c->line = 1;
    snprintf(c->name, sizeof c->name, "%s", name);
    c->rec_cap = 4096;
    c->fields_cap = 64;
    c->rec = malloc(c->rec_cap);
    c->off = malloc(c->fields_cap * sizeof *c->off);
    c->flen = malloc(c->fields_cap * sizeof *c->flen);
    if (!c->rec || !c->off || !c->flen) {
        dg_csv_close(c);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    const char *enc = opt ? opt->encoding : NULL;
    if (enc && *enc && strcasecmp(enc, "utf-8") != 0 && strcasecmp(enc, "utf8") != 0) {
        const char *from = enc;
        if (strcasecmp(enc, "cp949") == 0 || strcasecmp(enc, "euc-kr") == 0 ||
            strcasecmp(enc, "euckr") == 0 || strcasecmp(enc, "uhc") == 0)
            from = "CP949";   /* a superset of EUC-KR: what Korean Excel writes */
        c->cd = iconv_open("UTF-8", from);
        if (c->cd == (iconv_t)-1) {
            dg_csv_close(c);
            return dg_error_set(err, DG_EINVAL,
                                "unknown encoding \"%s\"; valid: utf-8, cp949, euc-kr "
                                "(or any name iconv knows)", enc);
        }
    }
    *out = c;
    return 0;
}

int dg_csv_open(dg_csv **out, const char *path, const dg_csv_options *opt, dg_error *err)
{
    *out = NULL;
    bool is_stdin = strcmp(path, "-") == 0;
    dg_csv *c;
    int rc = setup(&c, is_stdin ? "<stdin>" : path, opt, err);
    if (rc != 0)
        return rc;
    c->fp = is_stdin ? stdin : fopen(path, "rb");
    c->own_fp = !is_stdin;
    if (!c->fp) {
        int e = errno;
        dg_csv_close(c);
        return dg_error_set(err, e == ENOENT ? DG_ENOTFOUND : DG_EIO, "cannot open %s: %s", path,
                            strerror(e));
    }
    struct stat st;
    if (fstat(fileno(c->fp), &st) == 0 && S_ISREG(st.st_mode))
        c->total = (uint64_t)st.st_size;
    c->block = malloc(BLOCK);
    if (c->cd != (iconv_t)-1)
        c->raw = malloc(BLOCK);
    if (!c->block || (c->cd != (iconv_t)-1 && !c->raw)) {
        dg_csv_close(c);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    c->buf = c->block;
    *out = c;
    return 0;
}

int dg_csv_open_mem(dg_csv **out, const char *name, const char *data, size_t len,
                    const dg_csv_options *opt, dg_error *err)
{
    *out = NULL;
    dg_csv *c;
    int rc = setup(&c, name, opt, err);
    if (rc != 0)
        return rc;
    c->total = len;
    if (c->cd == (iconv_t)-1) {
        c->buf = data;
        c->len = len;
        c->consumed = len;
        c->eof = true;
    } else {
        /* converted in one go: the output is at most 3/2 of CP949 input (2 bytes -> 3) */
        size_t cap = len / 2 * 3 + 8;
        c->block = malloc(cap);
        if (!c->block) {
            dg_csv_close(c);
            return dg_error_set(err, DG_ENOMEM, "out of memory");
        }
        char *in = (char *)(uintptr_t)data, *o = c->block;
        size_t in_left = len, out_left = cap;
        if (iconv(c->cd, &in, &in_left, &o, &out_left) == (size_t)-1) {
            long line = 1;
            for (const char *q = c->block; q < o; q++)
                line += *q == '\n';
            int e = errno;
            dg_csv_close(c);
            return dg_error_at(err, DG_EPARSE, name, line, 0,
                               "%s byte sequence in the input encoding%s",
                               e == EINVAL ? "incomplete" : "invalid",
                               "; is --encoding right?");
        }
        c->buf = c->block;
        c->len = (size_t)(o - c->block);
        c->consumed = len;
        c->eof = true;
    }
    *out = c;
    return 0;
}

/* Reads the next block into buf. Returns 0 (buf may be empty at end of input) or an error. */
static int refill(dg_csv *c, dg_error *err)
{
    c->pos = c->len = 0;
    if (c->eof)
        return 0;
    if (c->cd == (iconv_t)-1) {
        size_t n = fread(c->block, 1, BLOCK, c->fp);
        if (n < BLOCK) {
            if (ferror(c->fp))
                return dg_error_set(err, DG_EIO, "%s: read error: %s", c->name, strerror(errno));
            c->eof = true;
        }
        c->len = n;
        c->consumed += n;
        return 0;
    }
    /* convert: keep at most BLOCK/2 raw bytes in flight so the output (<= 3/2) fits the block */
    for (;;) {
        size_t want = BLOCK / 2 - c->raw_len;
        size_t n = fread(c->raw + c->raw_len, 1, want, c->fp);
        if (n < want) {
            if (ferror(c->fp))
                return dg_error_set(err, DG_EIO, "%s: read error: %s", c->name, strerror(errno));
            c->eof = true;
        }
        c->consumed += n;
        c->raw_len += n;
        char *in = c->raw, *o = c->block;
        size_t in_left = c->raw_len, out_left = BLOCK;
        size_t r = iconv(c->cd, &in, &in_left, &o, &out_left);
        int e = errno;
        c->len = (size_t)(o - c->block);
        if (r == (size_t)-1 && (e == EILSEQ || (e == EINVAL && c->eof))) {
            long line = c->conv_line + 1, col = 1;
            for (const char *q = c->block; q < o; q++) {
                if (*q == '\n')
                    line++, col = 1;
                else
                    col++;
            }
            return dg_error_at(err, DG_EPARSE, c->name, line, 0,
                               "%s %s byte sequence (0x%02X) after %ld bytes of this line; "
                               "is --encoding right?",
                               e == EINVAL ? "incomplete" : "invalid",
                               "input",
                               (unsigned)(unsigned char)*in, col - 1);
        }
        memmove(c->raw, in, in_left);
        c->raw_len = in_left;
        for (const char *q = c->block; q < o; q++)
            c->conv_line += *q == '\n';
        if (c->len > 0 || c->eof)
            return 0;
    }
}

static int grow_record(dg_csv *c, size_t need, dg_error *err)
{
    if (need > RECORD_MAX)
        return dg_error_at(err, DG_EPARSE, c->name, c->rec_line, 0,
                           "record is longer than %u MiB; is a quoted field missing its closing "
                           "quote?", RECORD_MAX >> 20);
    size_t cap = c->rec_cap;
    while (cap < need)
        cap *= 2;
    char *p = realloc(c->rec, cap);
    if (!p)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    c->rec = p;
    c->rec_cap = cap;
    return 0;
}

/* Appends bytes to the current field. */
static inline int put(dg_csv *c, const char *s, size_t n, dg_error *err)
{
    if (c->rec_len + n + 1 > c->rec_cap) {
        int rc = grow_record(c, c->rec_len + n + 1, err);
        if (rc != 0)
            return rc;
    }
    memcpy(c->rec + c->rec_len, s, n);
    c->rec_len += n;
    return 0;
}

static int begin_field(dg_csv *c, dg_error *err)
{
    if (c->n_fields == c->fields_cap) {
        size_t cap = c->fields_cap * 2;
        size_t *o = realloc(c->off, cap * sizeof *o);
        if (o)
            c->off = o;
        size_t *l = o ? realloc(c->flen, cap * sizeof *l) : NULL;
        if (!o || !l)
            return dg_error_set(err, DG_ENOMEM, "out of memory");
        c->flen = l;
        c->fields_cap = cap;
    }
    c->off[c->n_fields] = c->rec_len;
    return 0;
}

static int end_field(dg_csv *c, dg_error *err)
{
    int rc = put(c, "", 0, err);   /* room for the NUL */
    if (rc != 0)
        return rc;
    c->flen[c->n_fields] = c->rec_len - c->off[c->n_fields];
    c->rec[c->rec_len++] = '\0';
    c->n_fields++;
    return 0;
}

/* Checks the record for NUL bytes and invalid UTF-8; the column is the field number. */
static int check_record(dg_csv *c, dg_error *err)
{
    size_t i = 0;
    while (i + 8 <= c->rec_len) {   /* fast path: any byte >= 0x80 or == 0 in this word? */
        uint64_t w;
        memcpy(&w, c->rec + i, 8);
        if ((w & 0x8080808080808080ull) != 0)
            break;
        i += 8;
    }
    bool suspicious = false;
    for (; i < c->rec_len; i++)
        if ((unsigned char)c->rec[i] >= 0x80) {
            suspicious = true;
            break;
        }
    for (size_t f = 0; f < c->n_fields; f++) {
        const unsigned char *s = (const unsigned char *)c->rec + c->off[f];
        size_t n = c->flen[f];
        if (memchr(s, '\0', n))
            return dg_error_at(err, DG_EPARSE, c->name, c->rec_line, (long)f + 1,
                               "NUL byte in the field; is the file UTF-16 or binary? "
                               "save it as CSV (UTF-8 or CP949)");
        if (!suspicious)
            continue;
        for (size_t k = 0; k < n;) {
            size_t len = dg_utf8_seq(s + k, n - k);
            if (len == 0)
                return dg_error_at(err, DG_EPARSE, c->name, c->rec_line, (long)f + 1,
                                   "invalid UTF-8 (byte 0x%02X at byte %zu of the field); "
                                   "if the file comes from Korean Excel, use --encoding cp949",
                                   s[k], k + 1);
            k += len;
        }
    }
    return 0;
}

/* A complete record: 1, or the error from checking it. */
static int finish(dg_csv *c, dg_error *err)
{
    int rc = check_record(c, err);
    c->recoverable = rc != 0;
    return rc != 0 ? rc : 1;
}

bool dg_csv_can_continue(const dg_csv *c)
{
    return c->recoverable;
}

/* Does s[0..n) hold only ASCII and no NUL byte? (Then check_record has nothing to find.) Eight
 * bytes a step: a byte has its top bit set, or is zero, in the word's high-bit and has-zero
 * masks. */
static bool plain_ascii(const char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if ((w | ((w - ones) & ~w)) & highs)
            return false;
    }
    for (; i < n; i++)
        if ((unsigned char)s[i] >= 0x80 || s[i] == '\0')
            return false;
    return true;
}

/* The common record, whole in the current block: no quote, no CR but one before its LF, no
 * blank line, delimiter mode. It is copied in one go and split at the delimiters, with the
 * same fields, line count and checks as the state machine below gives it. 1 when it was read
 * so, 0 when the state machine must read it (nothing consumed), or an error. */
static int simple_record(dg_csv *c, dg_error *err)
{
    const char *p = c->buf + c->pos;
    size_t avail = c->len - c->pos;
    const char *lf = memchr(p, '\n', avail);
    if (!lf || lf == p)
        return 0;
    size_t n = (size_t)(lf - p);
    if (p[n - 1] == '\r')
        n--;
    if (n == 0 || memchr(p, '"', n) || memchr(p, '\r', n))
        return 0;
    c->rec_line = c->line;
    if (n + 1 > c->rec_cap) {
        int rc = grow_record(c, n + 1, err);
        if (rc != 0)
            return rc;
    }
    memcpy(c->rec, p, n);
    c->rec[n] = '\0';
    c->rec_len = n + 1;
    const char delim = c->delimiter;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && c->rec[i] != delim)
            continue;
        if (c->n_fields == c->fields_cap) {
            int rc = begin_field(c, err);   /* grows the field arrays */
            if (rc != 0)
                return rc;
        }
        c->off[c->n_fields] = start;
        c->flen[c->n_fields] = i - start;
        c->rec[i] = '\0';
        c->n_fields++;
        start = i + 1;
    }
    c->pos += (size_t)(lf - p) + 1;
    c->line++;
    if (plain_ascii(p, n)) {
        c->recoverable = false;
        return 1;
    }
    return finish(c, err);
}

enum { S_FIELD_START, S_UNQUOTED, S_QUOTED, S_QUOTE_SEEN, S_AFTER_SEP };

int dg_csv_next(dg_csv *c, dg_error *err)
{
    int rc;
    c->recoverable = false;
    c->rec_len = 0;
    c->n_fields = 0;
    int state = S_FIELD_START;
    bool in_record = false;     /* a delimiter or a field has been seen on this record */
    const char delim = c->delimiter;
    const bool ws = c->whitespace;

    for (;;) {
        if (c->pos == c->len) {
            if ((rc = refill(c, err)) != 0)
                return rc;
            if (c->pos == c->len && c->len == 0) {   /* end of input */
                switch (state) {
                case S_QUOTED:
                    return dg_error_at(err, DG_EPARSE, c->name, c->rec_line, (long)c->n_fields + 1,
                                       "quoted field never closed (it starts on line %ld); a "
                                       "quote inside a field must be doubled (\"\")", c->rec_line);
                case S_UNQUOTED:
                case S_QUOTE_SEEN:
                    if ((rc = end_field(c, err)) != 0)
                        return rc;
                    break;
                case S_FIELD_START:
                    if (in_record && !ws && (rc = begin_field(c, err)) == 0)
                        rc = end_field(c, err);
                    if (rc != 0)
                        return rc;
                    break;
                default:
                    break;
                }
                if (c->n_fields == 0)
                    return 0;
                return finish(c, err);
            }
            continue;
        }
        if (!c->started) {   /* the first block: a BOM is skipped, UTF-16 refused */
            const unsigned char *b = (const unsigned char *)c->buf;
            c->started = true;
            if (c->len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)))
                return dg_error_at(err, DG_EPARSE, c->name, 1, 0,
                                   "the file is UTF-16; save it as CSV UTF-8 (or convert it "
                                   "with iconv -f UTF-16 -t UTF-8)");
            if (c->len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
                c->pos = 3;
                continue;
            }
        }
        const char *p = c->buf + c->pos, *end = c->buf + c->len;
        if (c->skip_lf) {
            c->skip_lf = false;
            if (*p == '\n') {
                c->pos++;
                continue;
            }
        }
        if (!in_record) {
            if (!ws && (rc = simple_record(c, err)) != 0)
                return rc;
            c->rec_line = c->line;
        }
        switch (state) {
        case S_AFTER_SEP:   /* whitespace mode: skipping a run of blanks */
        case S_FIELD_START: {
            char ch = *p;
            if (ws && (ch == ' ' || ch == '\t')) {
                c->pos++;
                continue;
            }
            if (ch == '\n' || ch == '\r') {
                c->pos++;
                c->line++;
                c->skip_lf = ch == '\r';
                if (!in_record)
                    continue;   /* blank line */
                if (!ws && state == S_FIELD_START) {   /* "a,b," ends with an empty field */
                    if ((rc = begin_field(c, err)) != 0 || (rc = end_field(c, err)) != 0)
                        return rc;
                }
                return finish(c, err);
            }
            in_record = true;
            if ((rc = begin_field(c, err)) != 0)
                return rc;
            if (!ws && ch == delim) {
                c->pos++;
                if ((rc = end_field(c, err)) != 0)
                    return rc;
                state = S_FIELD_START;
                continue;
            }
            if (ch == '"') {
                c->pos++;
                state = S_QUOTED;
                continue;
            }
            state = S_UNQUOTED;
            continue;
        }
        case S_UNQUOTED: {
            /* copy the run up to the next delimiter or line end in one go */
            const char *q = p;
            if (ws) {
                while (q < end && *q != ' ' && *q != '\t' && *q != '\n' && *q != '\r')
                    q++;
            } else {
                while (q < end && *q != delim && *q != '\n' && *q != '\r')
                    q++;
            }
            if ((rc = put(c, p, (size_t)(q - p), err)) != 0)
                return rc;
            c->pos += (size_t)(q - p);
            if (q == end)
                continue;
            if ((rc = end_field(c, err)) != 0)
                return rc;
            if (*q == '\n' || *q == '\r') {
                c->pos++;
                c->line++;
                c->skip_lf = *q == '\r';
                return finish(c, err);
            }
            c->pos++;
            state = ws ? S_AFTER_SEP : S_FIELD_START;
            continue;
        }
        case S_QUOTED: {
            const char *q = p;
            while (q < end && *q != '"' && *q != '\n' && *q != '\r')
                q++;
            if ((rc = put(c, p, (size_t)(q - p), err)) != 0)
                return rc;
            c->pos += (size_t)(q - p);
            if (q > p)
                c->quoted_cr = false;
            if (q == end)
                continue;
            c->pos++;
            if (*q == '"') {
                c->quoted_cr = false;
                state = S_QUOTE_SEEN;
            } else {   /* a newline inside quotes is part of the field; CRLF stays CRLF */
                if ((rc = put(c, q, 1, err)) != 0)
                    return rc;
                if (*q == '\r' || !c->quoted_cr)
                    c->line++;
                c->quoted_cr = *q == '\r';
            }
            continue;
        }
        case S_QUOTE_SEEN: {
            char ch = *p;
            if (ch == '"') {   /* doubled quote */
                c->pos++;
                if ((rc = put(c, "\"", 1, err)) != 0)
                    return rc;
                state = S_QUOTED;
                continue;
            }
            if ((rc = end_field(c, err)) != 0)
                return rc;
            if (ch == '\n' || ch == '\r') {
                c->pos++;
                c->line++;
                c->skip_lf = ch == '\r';
                return finish(c, err);
            }
            if (ws ? (ch == ' ' || ch == '\t') : ch == delim) {
                c->pos++;
                state = ws ? S_AFTER_SEP : S_FIELD_START;
                continue;
            }
            return dg_error_at(err, DG_EPARSE, c->name, c->line, (long)c->n_fields,
                               "unexpected '%c' after the closing quote; a quote inside a "
                               "quoted field must be doubled (\"\")", ch);
        }
        default:
            return dg_error_set(err, DG_EINVAL, "csv: bad state");
        }
    }
}

size_t dg_csv_count(const dg_csv *c)
{
    return c->n_fields;
}

const char *dg_csv_field(const dg_csv *c, size_t i, size_t *len)
{
    if (i >= c->n_fields) {
        if (len)
            *len = 0;
        return "";
    }
    if (len)
        *len = c->flen[i];
    return c->rec + c->off[i];
}

long dg_csv_line(const dg_csv *c)
{
    return c->rec_line;
}

const char *dg_csv_name(const dg_csv *c)
{
    return c->name;
}

double dg_csv_progress(const dg_csv *c)
{
    if (c->total == 0)
        return c->fp == stdin ? -1.0 : 1.0;
    double f = (double)c->consumed / (double)c->total;
    return f > 1.0 ? 1.0 : f;
}
