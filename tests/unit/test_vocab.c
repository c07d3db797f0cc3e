/* The vocabulary: no domain repeats a code or a name (so a Korean or English name maps back to one
 * code), every entry has both names, and lookups go both ways. */
#include <criterion/criterion.h>
#include <string.h>

#include "dangol/entity.h"
#include "dangol/vocab.h"

static const char *code_of(const char *domain, const char *text)
{
    return dg_vocab_code(domain, text, strlen(text));
}

Test(vocab, no_domain_repeats_a_code_or_a_name)
{
    const dg_vocab_entry *a, *b;
    size_t n = 0;
    for (size_t i = 0; (a = dg_vocab_at(i)) != NULL; i++, n++) {
        cr_assert(a->domain[0] && a->code[0] && a->en[0] && a->ko[0], "entry %zu has an empty name", i);
        for (size_t j = 0; j < i; j++) {
            b = dg_vocab_at(j);
            if (strcmp(a->domain, b->domain) != 0)
                continue;
            cr_assert_str_neq(a->code, b->code, "%s: code %s twice", a->domain, a->code);
            if (strcmp(a->domain, "ui") == 0 || strcmp(a->domain, "field") == 0 ||
                strcmp(a->domain, "card_item") == 0)
                continue; /* labels, never read back */
            cr_assert(strcmp(a->ko, b->ko) != 0, "%s: Korean name %s for %s and %s", a->domain,
                      a->ko, a->code, b->code);
            cr_assert(strcasecmp(a->en, b->en) != 0, "%s: English name %s twice", a->domain, a->en);
        }
    }
    cr_assert_gt(n, 200);
}

Test(vocab, korean_and_english_names_map_to_the_code)
{
    cr_assert_str_eq(code_of("region", "서울"), "Seoul");
    cr_assert_str_eq(code_of("region", "seoul"), "Seoul");
    cr_assert_str_eq(code_of("region", "Seoul"), "Seoul");
    cr_assert_str_eq(code_of("channel", "콜센터"), "call_centre");
    cr_assert_str_eq(code_of("channel", "Call centre"), "call_centre");
    cr_assert_str_eq(code_of("payment", "신용카드"), "credit_card");
    cr_assert_str_eq(code_of("segment", "최우수 고객"), "Champions");
    cr_assert_str_eq(code_of("dimension", "지역"), "region");
    cr_assert_str_eq(code_of("customer_type", "꼼꼼한 고객"), "careful");
    cr_assert_str_eq(code_of("staff_role", "점장"), "store_manager");
    cr_assert_str_eq(code_of("staff_role", "Sales associate"), "sales_associate");
    cr_assert_str_eq(code_of("site", "강남점"), "Seoul Gangnam");
    cr_assert_str_eq(code_of("site", "콜센터"), "Call Centre");
    cr_assert_str_eq(code_of("site", "call centre"), "Call Centre");
    cr_assert_null(code_of("region", "서울특별시청"));
    cr_assert_null(code_of("region", "서"));
    cr_assert_null(code_of("nowhere", "서울"));
}

Test(vocab, finds_entries_and_column_domains)
{
    const dg_vocab_entry *e = dg_vocab_find("stage", "client");
    cr_assert_not_null(e);
    cr_assert_str_eq(e->ko, "단골");
    cr_assert_not_null(dg_vocab_find("ui", "page_overview"));
    cr_assert_null(dg_vocab_find("stage", "lead"));
    cr_assert_str_eq(dg_vocab_domain_of("customers", "acquisition_channel"), "acquisition");
    cr_assert_str_eq(dg_vocab_domain_of(NULL, "payment"), "payment");
    cr_assert_null(dg_vocab_domain_of("customers", "name"));
    cr_assert_str_eq(dg_vocab_domain_of("interactions", "kind"), "touchpoint_kind");
    cr_assert_str_eq(dg_vocab_domain_of("feedback", "kind"), "feedback_kind");
    cr_assert_str_eq(dg_vocab_domain_of("staff", "role"), "staff_role");
    cr_assert_str_eq(dg_vocab_domain_of("orders", "site"), "site");
    cr_assert_str_eq(dg_vocab_domain_of(NULL, "site"), "site");
    cr_assert_str_eq(dg_vocab_find("site", "Seoul Gangnam")->ko, "강남점");
    const char *domain = NULL;
    cr_assert_not_null(dg_vocab_column_at(0, &domain));
    cr_assert_not_null(domain);
}

/* Every value an entity column allows (gender, customer type, feedback kind and status) has a
 * name in both languages. */
Test(vocab, every_allowed_value_has_names)
{
    size_t n_entities;
    const dg_entity *const *entities = dg_entity_all(&n_entities);
    size_t n_checked = 0;
    for (size_t i = 0; i < n_entities; i++)
        for (size_t c = 0; c < entities[i]->n_columns; c++) {
            const dg_column *col = &entities[i]->columns[c];
            if (!col->enum_values)
                continue;
            const char *domain = dg_vocab_domain_of(entities[i]->name, col->name);
            cr_assert_not_null(domain, "%s.%s has no vocabulary domain", entities[i]->name, col->name);
            for (const char *const *v = col->enum_values; *v; v++, n_checked++)
                cr_assert_not_null(dg_vocab_find(domain, *v), "%s.%s: %s has no names",
                                   entities[i]->name, col->name, *v);
        }
    cr_assert_gt(n_checked, 15);   /* 19: genders, feedback kinds and statuses, ... */
}
