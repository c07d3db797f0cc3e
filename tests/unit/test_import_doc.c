/* docs/import.md's column tables are the entity catalogue's: this test renders every entity's
 * columns (key, required, type, range, reference, allowed values with their English and Korean
 * names from the vocabulary) as Markdown and fails when the text between the doc's
 * `<!-- columns:begin -->` and `<!-- columns:end -->` markers differs. The rendering it expects is
 * written to build/import_columns.md, to paste into the doc when the catalogue changes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/entity.h"
#include "dangol/vocab.h"
#include "support.h"

#define BEGIN_MARK "<!-- columns:begin -->\n"
#define END_MARK "<!-- columns:end -->"

/* "`code` (English, 한국어)", or just "`code`" when the vocabulary has no names for it. */
static void write_value(FILE *f, const char *domain, const char *code)
{
    const dg_vocab_entry *v = domain ? dg_vocab_find(domain, code) : NULL;
    if (v && (strcmp(v->en, code) != 0 || strcmp(v->ko, code) != 0))
        fprintf(f, "`%s` (%s, %s)", code, v->en, v->ko);
    else
        fprintf(f, "`%s`", code);
}

static void write_values(FILE *f, const char *entity, const dg_column *col)
{
    const char *domain = dg_vocab_domain_of(entity, col->name);
    if (col->type == DG_TYPE_BOOL) {
        fputs("`true`/`false` (also 1/0, yes/no, 예/아니오, ...)", f);
        return;
    }
    if (col->type == DG_TYPE_INT && col->min <= col->max) {
        fprintf(f, "%lld..%lld", (long long)col->min, (long long)col->max);
        return;
    }
    if (col->references) {
        fprintf(f, "a `%s` key", col->references);
        return;
    }
    if (col->type == DG_TYPE_ENUM) {
        for (size_t i = 0; col->enum_values[i]; i++) {
            fputs(i ? ", " : "", f);
            write_value(f, domain, col->enum_values[i]);
        }
        return;
    }
    if (!domain)
        return;
    const dg_vocab_entry *v;
    int n = 0;
    for (size_t i = 0; (v = dg_vocab_at(i)) != NULL; i++)
        if (strcmp(v->domain, domain) == 0) {
            fputs(n++ ? ", " : "", f);
            write_value(f, domain, v->code);
        }
    fputs("; any other text is kept as written", f);
}

/* The Markdown the doc must hold between its markers. */
static char *render_columns(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    size_t n;
    const dg_entity *const *all = dg_entity_all(&n);
    for (size_t e = 0; e < n; e++) {
        const dg_entity *ent = all[e];
        fprintf(f, "### %s\n\n| column | type | required | values |\n|---|---|---|---|\n", ent->name);
        for (size_t c = 0; c < ent->n_columns; c++) {
            const dg_column *col = &ent->columns[c];
            fprintf(f, "| `%s` | %s | %s | ", col->name,
                    col->type == DG_TYPE_TEXT && dg_vocab_domain_of(ent->name, col->name)
                        ? "coded text" : dg_type_name(col->type),
                    c < ent->n_key ? "key" : col->required ? "yes" : "");
            write_values(f, ent->name, col);
            fputs(" |\n", f);
        }
        fputs("\n", f);
    }
    fclose(f);
    return buf;
}

Test(import_doc, column_tables_match_the_catalogue)
{
    char *want = render_columns();
    char *doc = test_file_text("docs/import.md");
    const char *begin = strstr(doc, BEGIN_MARK);
    const char *end = begin ? strstr(begin, END_MARK) : NULL;
    int same = begin && end && (size_t)(end - begin) == strlen(BEGIN_MARK) + strlen(want) &&
               strncmp(begin + strlen(BEGIN_MARK), want, strlen(want)) == 0;
    if (!same) {
        FILE *out = fopen("build/import_columns.md", "w");
        if (out) {
            fputs(want, out);
            fclose(out);
        }
    }
    cr_assert(same, "docs/import.md's column tables (between %s and %s) differ from the catalogue; "
              "the expected text is in build/import_columns.md", "<!-- columns:begin -->", END_MARK);
    free(want);
    free(doc);
}
