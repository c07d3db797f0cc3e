/* CSV reader: RFC 4180 quoting (delimiters, quotes and newlines inside quotes), BOM, CRLF, blank
 * lines, whitespace mode, CP949 input, invalid UTF-8 and unclosed quotes with their positions. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/csv.h"

static dg_csv *mem(const char *data, char delim, const char *enc)
{
    dg_csv_options o = { delim, enc };
    dg_csv *c = NULL;
    dg_error e;
    cr_assert_eq(dg_csv_open_mem(&c, "t.csv", data, strlen(data), &o, &e), 0, "%s", e.message);
    return c;
}

static void expect(dg_csv *c, long line, size_t n, const char *const *fields)
{
    dg_error e;
    int rc = dg_csv_next(c, &e);
    cr_assert_eq(rc, 1, "rc %d: %s", rc, rc < 0 ? e.message : "");
    cr_assert_eq(dg_csv_count(c), n, "line %ld: %zu fields", line, dg_csv_count(c));
    cr_assert_eq(dg_csv_line(c), line, "started on %ld, wanted %ld", dg_csv_line(c), line);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *f = dg_csv_field(c, i, &len);
        cr_assert_str_eq(f, fields[i]);
        cr_assert_eq(len, strlen(fields[i]));
    }
}

static void expect_end(dg_csv *c)
{
    dg_error e;
    cr_assert_eq(dg_csv_next(c, &e), 0);
}

#define F(...) (const char *const[]){ __VA_ARGS__ }

Test(csv, plain_and_quoted_fields)
{
    dg_csv *c = mem("id,name,note\n"
                    "1,\"Kim, Minsu\",\"said \"\"hi\"\"\"\n"
                    "2,\"two\nlines\",\n"
                    "3,,\"\"\n", ',', NULL);
    expect(c, 1, 3, F("id", "name", "note"));
    expect(c, 2, 3, F("1", "Kim, Minsu", "said \"hi\""));
    expect(c, 3, 3, F("2", "two\nlines", ""));
    expect(c, 5, 3, F("3", "", ""));
    expect_end(c);
    dg_csv_close(c);
}

Test(csv, crlf_bom_blank_lines_and_no_final_newline)
{
    dg_csv *c = mem("\xEF\xBB\xBFid;v\r\n\r\n1;\"a\r\nb\"\r\n\n2;x", ';', NULL);
    expect(c, 1, 2, F("id", "v"));
    expect(c, 3, 2, F("1", "a\r\nb"));
    expect(c, 6, 2, F("2", "x"));
    expect_end(c);
    dg_csv_close(c);
}

Test(csv, lone_cr_ends_lines)
{
    dg_csv *c = mem("a\rb\r", ',', NULL);
    expect(c, 1, 1, F("a"));
    expect(c, 2, 1, F("b"));
    expect_end(c);
    dg_csv_close(c);
}

Test(csv, tab_and_pipe)
{
    dg_csv *c = mem("a\tb c\t\n", '\t', NULL);
    expect(c, 1, 3, F("a", "b c", ""));
    dg_csv_close(c);
    c = mem("a|\"b|c\"\n", '|', NULL);
    expect(c, 1, 2, F("a", "b|c"));
    dg_csv_close(c);
}

Test(csv, whitespace_mode_reads_cdnow_lines)
{
    dg_csv *c = mem(" 00004 0001 19970101  2   29.33\n"
                    "   \n"
                    "\t00004\t0001 19970118  2   29.73   \r\n", DG_CSV_WHITESPACE, NULL);
    expect(c, 1, 5, F("00004", "0001", "19970101", "2", "29.33"));
    expect(c, 3, 5, F("00004", "0001", "19970118", "2", "29.73"));
    expect_end(c);
    dg_csv_close(c);
}

Test(csv, unclosed_quote_names_its_line)
{
    dg_csv *c = mem("a,b\n1,\"open\n2,3\n", ',', NULL);
    dg_error e;
    cr_assert_eq(dg_csv_next(c, &e), 1);
    cr_assert_eq(dg_csv_next(c, &e), DG_EPARSE);
    cr_assert_eq(e.line, 2);
    cr_assert_eq(e.column, 2);
    cr_assert(strstr(e.message, "t.csv:2:2: quoted field never closed"), "%s", e.message);
    dg_csv_close(c);
}

Test(csv, junk_after_closing_quote)
{
    dg_csv *c = mem("\"a\"b,c\n", ',', NULL);
    dg_error e;
    cr_assert_eq(dg_csv_next(c, &e), DG_EPARSE);
    cr_assert(strstr(e.message, "t.csv:1:1: unexpected 'b' after the closing quote"), "%s",
              e.message);
    dg_csv_close(c);
}

Test(csv, invalid_utf8_has_line_and_column)
{
    dg_csv *c = mem("a,b\nok,\xB0\xED\n", ',', NULL);
    dg_error e;
    cr_assert_eq(dg_csv_next(c, &e), 1);
    cr_assert_eq(dg_csv_next(c, &e), DG_EPARSE);
    cr_assert_eq(e.line, 2);
    cr_assert_eq(e.column, 2);
    cr_assert(strstr(e.message, "invalid UTF-8") && strstr(e.message, "--encoding cp949"), "%s",
              e.message);
    dg_csv_close(c);
}

Test(csv, utf16_is_refused_with_advice)
{
    dg_csv *c = mem("\xFF\xFE" "a\0", ',', NULL);
    dg_error e;
    cr_assert_eq(dg_csv_next(c, &e), DG_EPARSE);
    cr_assert(strstr(e.message, "UTF-16"), "%s", e.message);
    dg_csv_close(c);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert(f, "%s", path);
    static char buf[4096];
    *len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return buf;
}

Test(csv, cp949_file_is_converted)
{
    dg_csv_options o = { ',', "cp949" };
    dg_csv *c = NULL;
    dg_error e;
    cr_assert_eq(dg_csv_open(&c, "tests/data/cp949.csv", &o, &e), 0, "%s", e.message);
    expect(c, 1, 3, F("고객번호", "이름", "금액"));
    expect(c, 2, 3, F("C-1", "김민수", "15,000"));
    expect(c, 3, 3, F("C-2", "이영희", "3000"));
    expect_end(c);
    cr_assert_float_eq(dg_csv_progress(c), 1.0, 1e-9);
    dg_csv_close(c);

    size_t len;
    const char *data = read_file("tests/data/cp949.csv", &len);
    o.encoding = "euc-kr";
    cr_assert_eq(dg_csv_open_mem(&c, "m.csv", data, len, &o, &e), 0, "%s", e.message);
    expect(c, 1, 3, F("고객번호", "이름", "금액"));
    dg_csv_close(c);

    /* read as UTF-8, the same bytes are an error that suggests the encoding */
    cr_assert_eq(dg_csv_open(&c, "tests/data/cp949.csv", NULL, &e), 0);
    cr_assert_eq(dg_csv_next(c, &e), DG_EPARSE);
    cr_assert(strstr(e.message, "tests/data/cp949.csv:1:1: invalid UTF-8"), "%s", e.message);
    dg_csv_close(c);
}

Test(csv, unknown_encoding_and_missing_file)
{
    dg_csv_options o = { ',', "klingon" };
    dg_csv *c = NULL;
    dg_error e;
    cr_assert_eq(dg_csv_open_mem(&c, "m", "", 0, &o, &e), DG_EINVAL);
    cr_assert(strstr(e.message, "valid: utf-8, cp949"), "%s", e.message);
    cr_assert_eq(dg_csv_open(&c, "/nonexistent/x.csv", NULL, &e), DG_ENOTFOUND);
    cr_assert_null(c);
}

/* A file bigger than the 1 MiB read block, with quoted newlines straddling block edges. */
Test(csv, records_across_block_boundaries)
{
    char path[] = "/tmp/dangol-csv-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    const int n = 60000;
    for (int i = 0; i < n; i++)
        fprintf(f, "%d,\"x,\"\"%d\"\"\r\ny\",tail%d\r\n", i, i, i);
    fclose(f);
    dg_csv *c = NULL;
    dg_error e;
    cr_assert_eq(dg_csv_open(&c, path, NULL, &e), 0);
    char want[64];
    for (int i = 0; i < n; i++) {
        cr_assert_eq(dg_csv_next(c, &e), 1, "record %d", i);
        cr_assert_eq(dg_csv_line(c), 2 * i + 1);
        snprintf(want, sizeof want, "x,\"%d\"\r\ny", i);
        cr_assert_str_eq(dg_csv_field(c, 1, NULL), want);
        snprintf(want, sizeof want, "tail%d", i);
        cr_assert_str_eq(dg_csv_field(c, 2, NULL), want);
    }
    expect_end(c);
    dg_csv_close(c);
    remove(path);
}

Test(csv, writer_quotes_only_when_needed)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    dg_csv_write_field(out, "plain", 5, true, ',');
    dg_csv_write_field(out, "a,b", 3, false, ',');
    dg_csv_write_field(out, "say \"x\"\n", 8, false, ',');
    dg_csv_write_end(out);
    fclose(out);
    cr_assert_str_eq(buf, "plain,\"a,b\",\"say \"\"x\"\"\n\"\n");
    dg_csv *c = mem(buf, ',', NULL);
    expect(c, 1, 3, F("plain", "a,b", "say \"x\"\n"));
    dg_csv_close(c);
    free(buf);
}

/* OWASP CSV injection: text a spreadsheet would run gets a quote in front, and a text that
 * already starts with a quote before such a character gets one more, so unescaping is exact. */
Test(csv, text_that_looks_like_a_formula_is_escaped_and_unescaped_exactly)
{
    static const char *const values[] = {
        "=1+2", "@SUM(A1)", "+82-10-1234", "-5", "\tx", "\r=x", "'=1", "''", "'x", "'", "a=b", "",
        "=a,b",
    };
    static const char *const written[] = {
        "'=1+2", "'@SUM(A1)", "'+82-10-1234", "'-5", "'\tx", "\"'\r=x\"", "''=1", "'''", "'x", "'",
        "a=b", "", "\"'=a,b\"",
    };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&buf, &len);
        dg_csv_write_text(out, values[i], strlen(values[i]), true, ',');
        fclose(out);
        cr_assert_str_eq(buf, written[i], "value %zu", i);
        dg_csv *c = mem(buf, ',', NULL);
        size_t flen;
        const char *f = dg_csv_next(c, NULL) == 1 ? dg_csv_field(c, 0, &flen) : NULL;
        cr_assert(f || !values[i][0], "value %zu", i);
        if (f) {
            size_t skip = dg_csv_text_unescape(f, flen);
            cr_assert_eq(flen - skip, strlen(values[i]), "value %zu", i);
            cr_assert(memcmp(f + skip, values[i], flen - skip) == 0, "value %zu", i);
        }
        dg_csv_close(c);
        free(buf);
    }
    cr_assert_eq(dg_csv_text_unescape("'abc", 4), 0);   /* a quote before anything else is text */
}
