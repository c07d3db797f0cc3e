/* Masking of personal fields (include/dangol/mask.h): Korean and Latin names, short and empty
 * ones, phones with and without separators and odd ones, e-mails; which role is masked; which
 * catalog columns are personal. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "dangol/entity.h"
#include "dangol/mask.h"

static void expect(dg_personal rule, const char *in, const char *want)
{
    char *got = dg_mask_text(rule, in);
    cr_assert_not_null(got);
    cr_expect_str_eq(got, want, "mask(%d, \"%s\") = \"%s\", want \"%s\"", rule, in, got, want);
    free(got);
}

Test(mask, korean_names)
{
    expect(DG_PERSONAL_NAME, "홍길동", "홍*동");
    expect(DG_PERSONAL_NAME, "홍길", "홍*");
    expect(DG_PERSONAL_NAME, "김", "*");
    expect(DG_PERSONAL_NAME, "남궁민수", "남**수");
    expect(DG_PERSONAL_NAME, "", "");
}

Test(mask, latin_names_per_word)
{
    expect(DG_PERSONAL_NAME, "John Smith", "J**n S***h");
    expect(DG_PERSONAL_NAME, "Al  B", "A*  *");
    expect(DG_PERSONAL_NAME, "José", "J**é");
}

Test(mask, phones)
{
    expect(DG_PERSONAL_PHONE, "010-1234-5678", "010-****-5678");
    expect(DG_PERSONAL_PHONE, "02-123-4567", "02-***-4567");
    expect(DG_PERSONAL_PHONE, "01012345678", "010****5678");
    expect(DG_PERSONAL_PHONE, "+82 10 1234 5678", "+82 ** **** 5678");
    expect(DG_PERSONAL_PHONE, "1234567", "****567");
    expect(DG_PERSONAL_PHONE, "12", "*2");
    expect(DG_PERSONAL_PHONE, "", "");
    expect(DG_PERSONAL_PHONE, "unknown", "unknown");
}

Test(mask, emails)
{
    expect(DG_PERSONAL_EMAIL, "abcdef@example.com", "ab***@example.com");
    expect(DG_PERSONAL_EMAIL, "abc@example.com", "ab***@example.com");
    expect(DG_PERSONAL_EMAIL, "ab@example.com", "a***@example.com");
    expect(DG_PERSONAL_EMAIL, "a@example.com", "***@example.com");
    expect(DG_PERSONAL_EMAIL, "홍길동@예시.kr", "홍길***@예시.kr");
    expect(DG_PERSONAL_EMAIL, "noatsign", "no***");
    expect(DG_PERSONAL_EMAIL, "", "");
}

Test(mask, free_text_withheld)
{
    expect(DG_PERSONAL_TEXT, "김지은 고객이 010-1234-5678로 전화함", "***");
    expect(DG_PERSONAL_TEXT, "", "");
}

Test(mask, invalid_utf8_never_copied_whole)
{
    /* a stray byte counts as one character: the middle ones are starred */
    expect(DG_PERSONAL_NAME, "a\xff\xfe" "b", "a**b");
}

Test(mask, only_analysts)
{
    cr_expect(dg_mask_applies(DG_ROLE_ANALYST));
    cr_expect(!dg_mask_applies(DG_ROLE_MANAGER));
    cr_expect(!dg_mask_applies(DG_ROLE_ADMIN));
    cr_expect(!dg_mask_applies(DG_ROLE_AGENT));
    cr_expect(!dg_mask_applies(DG_ROLE_NONE));
}

Test(mask, catalog_marks_customer_contact_fields)
{
    const dg_entity *c = dg_entity_find("customers");
    cr_expect_eq(c->columns[dg_entity_column(c, "name")].personal, DG_PERSONAL_NAME);
    cr_expect_eq(c->columns[dg_entity_column(c, "phone")].personal, DG_PERSONAL_PHONE);
    cr_expect_eq(c->columns[dg_entity_column(c, "email")].personal, DG_PERSONAL_EMAIL);
    cr_expect_eq(c->columns[dg_entity_column(c, "region")].personal, DG_PERSONAL_NONE);
    cr_expect_eq(c->columns[0].personal, DG_PERSONAL_NONE);
    const dg_entity *f = dg_entity_find("feedback");
    cr_expect_eq(f->columns[dg_entity_column(f, "text")].personal, DG_PERSONAL_TEXT);
}
