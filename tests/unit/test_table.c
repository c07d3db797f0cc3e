/* Result tables: rendering as aligned text, CSV and JSON. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/error.h"
#include "dangol/table.h"

static char *render(const dg_table *t, dg_format f)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    cr_assert_eq(dg_table_write(t, out, f), 0);
    fclose(out);
    return buf;
}

static dg_table *sample(void)
{
    dg_table *t = dg_table_new(NULL);
    dg_table_add_column(t, "name", DG_CELL_TEXT, 0);
    dg_table_add_column(t, "revenue", DG_CELL_MONEY, 2);
    dg_table_add_column(t, "share", DG_CELL_PERCENT, 1);
    dg_table_add_row(t);
    dg_table_set_text(t, 0, "김민수");
    dg_table_set_int(t, 1, 123456789);
    dg_table_set_real(t, 2, 0.25);
    dg_table_add_row(t);
    dg_table_set_text(t, 0, "a, \"b\"");
    dg_table_set_int(t, 1, -5);
    return t;
}

Test(table, aligned_text_groups_thousands_and_aligns_hangul)
{
    dg_table *t = sample();
    char *s = render(t, DG_FORMAT_TABLE);
    cr_assert_str_eq(s, "name         revenue  share\n"
                        "------  ------------  -----\n"
                        "김민수  1,234,567.89  25.0%\n"
                        "a, \"b\"         -0.05       \n");
    free(s);
    dg_table_free(t);
}

Test(table, csv_quotes_and_keeps_raw_numbers)
{
    dg_table *t = sample();
    char *s = render(t, DG_FORMAT_CSV);
    cr_assert_str_eq(s, "name,revenue,share\n김민수,1234567.89,0.25\n\"a, \"\"b\"\"\",-0.05,\n");
    free(s);
    dg_table_free(t);
}

Test(table, json_has_nulls_and_escapes)
{
    dg_table *t = sample();
    char *s = render(t, DG_FORMAT_JSON);
    cr_assert_str_eq(s, "{\"title\":null,\"columns\":[\"name\",\"revenue\",\"share\"],\"rows\":[\n"
                        "{\"name\":\"김민수\",\"revenue\":1234567.89,\"share\":0.25},\n"
                        "{\"name\":\"a, \\\"b\\\"\",\"revenue\":-0.05,\"share\":null}]}\n");
    free(s);
    dg_table_free(t);
}

Test(table, format_names)
{
    dg_format f;
    cr_assert_eq(dg_format_parse("json", &f), 0);
    cr_assert_eq(f, DG_FORMAT_JSON);
    cr_assert_eq(dg_format_parse("xml", &f), DG_EINVAL);
}

Test(table, json_notes_follow_the_rows)
{
    dg_table *t = sample();
    cr_assert_eq(dg_table_add_note(t, "every customer \"ties\""), 0);
    cr_assert_eq(dg_table_notes(t), 1);
    cr_expect_str_eq(dg_table_note(t, 0), "every customer \"ties\"");
    cr_expect_null(dg_table_note(t, 1));
    char *s = render(t, DG_FORMAT_JSON);
    cr_assert_str_eq(s, "{\"title\":null,\"columns\":[\"name\",\"revenue\",\"share\"],\"rows\":[\n"
                        "{\"name\":\"김민수\",\"revenue\":1234567.89,\"share\":0.25},\n"
                        "{\"name\":\"a, \\\"b\\\"\",\"revenue\":-0.05,\"share\":null}],"
                        "\"notes\":[\"every customer \\\"ties\\\"\"],\"note_codes\":[null]}\n");
    free(s);
    dg_table_free(t);
}

/* A coded note keeps its English text (what the CLI prints) and adds its code and parameters. */
Test(table, coded_notes_carry_their_code_and_parameters)
{
    dg_table *t = sample();
    cr_assert_eq(dg_table_add_note(t, "plain"), 0);
    cr_expect_eq(dg_table_note_param(t, "n", 1), DG_EINVAL);   /* the last note has no code */
    cr_assert_eq(dg_table_add_coded_note(t, "cube_top", "--top 2 shows 2 of 5 rows"), 0);
    cr_assert_eq(dg_table_note_param(t, "top", 2), 0);
    cr_assert_eq(dg_table_note_param(t, "rate", 0.5), 0);
    cr_expect_null(dg_table_note_code(t, 0));
    cr_expect_str_eq(dg_table_note_code(t, 1), "cube_top");
    cr_expect_str_eq(dg_table_note(t, 1), "--top 2 shows 2 of 5 rows");
    cr_expect_eq(dg_table_failed(t), 0);
    char *s = render(t, DG_FORMAT_JSON);
    cr_expect(strstr(s, "\"notes\":[\"plain\",\"--top 2 shows 2 of 5 rows\"],\"note_codes\":[null,"
                        "{\"code\":\"cube_top\",\"params\":{\"top\":2,\"rate\":0.5}}]}\n"), "%s", s);
    free(s);
    dg_table_free(t);
}

/* A set without a row (what a builder does after a failed dg_table_add_row) must not write into
 * another row: the table fails, later additions are refused and it cannot be written. */
Test(table, a_set_without_its_row_fails_the_table)
{
    dg_table *t = dg_table_new(NULL);
    cr_assert_not_null(t);
    cr_assert_eq(dg_table_add_column(t, "n", DG_CELL_INT, 0), 0);
    cr_expect_eq(dg_table_failed(t), 0);
    dg_table_set_int(t, 0, 7);   /* no row yet */
    cr_expect_eq(dg_table_failed(t), DG_ENOMEM);
    cr_expect_eq(dg_table_add_row(t), DG_ENOMEM);
    cr_expect_eq(dg_table_set_text(t, 0, "x"), DG_ENOMEM);
    cr_expect_eq(dg_table_rows(t), 0);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    cr_assert_not_null(out);
    cr_expect_eq(dg_table_write(t, out, DG_FORMAT_JSON), DG_ENOMEM);
    fclose(out);
    cr_expect_eq(len, 0);
    free(text);
    dg_table_free(t);
}

/* A metric/value column mixing kinds: each cell with its own decimals in the table format
 * (a count whole, a rate as a percentage with one decimal), raw in CSV. */
Test(table, a_cell_keeps_its_own_decimals)
{
    dg_table *t = dg_table_new(NULL);
    dg_table_add_column(t, "metric", DG_CELL_TEXT, 0);
    dg_table_add_column(t, "value", DG_CELL_REAL, 4);
    dg_table_add_row(t);
    dg_table_set_text(t, 0, "customers");
    dg_table_set_real(t, 1, 2357);
    dg_table_set_decimals(t, 1, 0);
    dg_table_add_row(t);
    dg_table_set_text(t, 0, "rate");
    dg_table_set_percent(t, 1, 0.91652);
    dg_table_set_decimals(t, 1, 1);
    dg_table_add_row(t);
    dg_table_set_text(t, 0, "mae");
    dg_table_set_real(t, 1, 0.78549);
    cr_assert_eq(dg_table_failed(t), 0);
    char *s = render(t, DG_FORMAT_TABLE);
    cr_expect_str_eq(s, "metric      value\n"
                        "---------  ------\n"
                        "customers   2,357\n"
                        "rate        91.7%\n"
                        "mae        0.7855\n");
    free(s);
    s = render(t, DG_FORMAT_CSV);
    cr_expect_str_eq(s, "metric,value\ncustomers,2357\nrate,0.91652\nmae,0.78549\n");
    free(s);
    dg_table_free(t);
}
