/* Result tables: rendering as aligned text, CSV and JSON. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

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
    cr_assert_eq(dg_format_parse("xml", &f), -1);
}
