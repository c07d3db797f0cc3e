/* The id rule (dangol/id.h) and the UTF-8 checks under it (dangol/utf8.h): which ids are refused,
 * with which words, and which columns are ids. */
#include <criterion/criterion.h>
#include <string.h>

#include "dangol/id.h"
#include "dangol/utf8.h"

static int check(const char *id, dg_error *err)
{
    return dg_id_check("customer_id", id, strlen(id), err);
}

Test(id, ordinary_ids_pass)
{
    dg_error err;
    const char *ok[] = { "C1", "고객-0001", "A/B C", "a b", "x\u00a0y", "Q\"{[,]}\\", "🙂" };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        cr_expect_eq(check(ok[i], &err), 0, "%s: %s", ok[i], err.message);
}

Test(id, surrounding_whitespace_is_refused_with_the_reason)
{
    dg_error err;
    cr_assert_eq(check(" C1", &err), DG_EINVAL);
    cr_expect_str_eq(err.message, "customer_id \" C1\" has leading whitespace (U+0020); ids are "
                                  "matched exactly, so remove it");
    cr_assert_eq(check("C1\t", &err), DG_EINVAL);
    cr_expect(strstr(err.message, "contains a control character (U+0009 at byte 3)"), "%s",
              err.message);
    const char *spaces[] = { "C1 ", "\u3000C1", "C1\u00a0", "\u200bC1", "\ufeffC1", "C1\u2028" };
    for (size_t i = 0; i < sizeof spaces / sizeof spaces[0]; i++) {
        cr_expect_eq(check(spaces[i], &err), DG_EINVAL, "%s", spaces[i]);
        cr_expect(strstr(err.message, "whitespace"), "%s", err.message);
    }
}

Test(id, control_characters_and_invalid_utf8_are_refused)
{
    dg_error err;
    cr_assert_eq(check("C\x01" "1", &err), DG_EINVAL);
    cr_expect(strstr(err.message, "\"C?1\" contains a control character (U+0001 at byte 2)"), "%s",
              err.message);
    cr_expect_eq(check("C\xc2\x85" "1", &err), DG_EINVAL);
    cr_expect_eq(check("C\x7f", &err), DG_EINVAL);
    cr_assert_eq(check("C\xff", &err), DG_EINVAL);
    cr_expect_str_eq(err.message, "customer_id is not valid UTF-8 (byte 0xFF at byte 2)");
}

Test(id, id_columns_are_text_keys_and_references)
{
    const dg_entity *orders = dg_entity_find("orders");
    cr_expect(dg_id_column(orders, (size_t)dg_entity_column(orders, "order_id")));
    cr_expect(dg_id_column(orders, (size_t)dg_entity_column(orders, "customer_id")));
    cr_expect(dg_id_column(orders, (size_t)dg_entity_column(orders, "staff_id")));
    cr_expect(!dg_id_column(orders, (size_t)dg_entity_column(orders, "channel")));
    const dg_entity *customers = dg_entity_find("customers");
    cr_expect(!dg_id_column(customers, (size_t)dg_entity_column(customers, "name")));
}

Test(utf8, invalid_sequences_are_found_and_repaired)
{
    cr_expect_eq(dg_utf8_invalid_at("abc", 3), 3);
    cr_expect_eq(dg_utf8_invalid_at("a\xc3", 2), 1);            /* truncated */
    cr_expect_eq(dg_utf8_invalid_at("\xc0\xaf", 2), 0);         /* overlong */
    cr_expect_eq(dg_utf8_invalid_at("\xed\xa0\x80", 3), 0);     /* surrogate */
    cr_expect_eq(dg_utf8_invalid_at("가\x80", 4), 3);            /* stray continuation */
    cr_expect_eq(dg_utf8_decode((const unsigned char *)"가", 3), 0xAC00u);
    char text[] = "no customer \"\xff\xfe\" 가\xea\xb0";
    dg_utf8_repair(text);
    cr_expect_str_eq(text, "no customer \"??\" 가??");
}
