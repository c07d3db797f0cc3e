/* The customer card: sections, order summary, newest-first orders, guidance, unknown ids. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dangol/consult.h"
#include "dangol/customer.h"
#include "dangol/report.h"
#include "dangol/store.h"
#include "dangol/vocab.h"

static char path[64];
static dg_store *store;
static dg_error err;

static void put(const char *entity, const char *const *names, const char *const *texts,
                const int64_t *ints, size_t n)
{
    const dg_entity *e = dg_entity_find(entity);
    dg_value row[32];
    for (size_t c = 0; c < e->n_columns; c++)
        row[c] = (dg_value){ .is_null = true };
    for (size_t i = 0; i < n; i++) {
        int c = dg_entity_column(e, names[i]);
        cr_assert_geq(c, 0, "%s", names[i]);
        row[c] = texts[i] ? (dg_value){ .u.s = texts[i] } : (dg_value){ .u.i = ints[i] };
    }
    cr_assert_eq(dg_store_put(store, e, row, &err), 0, "%s", err.message);
}

static void setup(void)
{
    snprintf(path, sizeof path, "/tmp/dangol-test-card-%d.db", (int)getpid());
    unlink(path);
    cr_assert_eq(dg_store_open(&store, path, DG_STORE_CREATE, &err), 0);
    put("customers", (const char *[]){ "customer_id", "name", "customer_type", "birth_year" },
        (const char *[]){ "C1", "박서준", "impatient", NULL }, (int64_t[]){ 0, 0, 0, 1988 }, 4);
    for (int i = 1; i <= 7; i++) {
        char id[8];
        snprintf(id, sizeof id, "O%d", i);
        put("orders", (const char *[]){ "order_id", "customer_id", "ordered_at", "total" },
            (const char *[]){ id, "C1", NULL, NULL },
            (int64_t[]){ 0, 0, (int64_t)i * 86400 * 30, 10000 * i }, 4);
    }
    put("feedback", (const char *[]){ "feedback_id", "customer_id", "received_at", "kind", "text" },
        (const char *[]){ "F1", "C1", NULL, "complaint", "배송이 늦어요" },
        (int64_t[]){ 0, 0, 86400 * 100, 0, 0 }, 5);
}

static void teardown(void)
{
    dg_store_close(store);
    unlink(path);
}

TestSuite(card, .init = setup, .fini = teardown);

static char *render(const dg_card *card, dg_format f)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    cr_assert_eq(dg_tables_write(card->sections, card->n_sections, out, f), 0);
    fclose(out);
    return buf;
}

Test(card, has_profile_guidance_summary_orders_feedback)
{
    dg_card card;
    dg_report_card_options opt = { .lang = "en" };
    cr_assert_eq(dg_report_card(&card, store, NULL, "C1", &opt, &err), 0, "%s", err.message);
    cr_assert_eq(card.n_sections, 4);
    char *csv = render(&card, DG_FORMAT_CSV);
    cr_assert(strstr(csv, "name,박서준\n"), "%s", csv);
    cr_assert(strstr(csv, "guidance,\"Impatient: Be brief, lead with the answer"), "%s", csv);
    /* 7 orders, 280,000 KRW, average 40,000, first 1970-01-31, last 1970-07-30 */
    cr_assert(strstr(csv, "\n7,,280000,40000,1970-01-31,1970-07-30\n"), "%s", csv);
    /* recent orders: newest first, at most 5 */
    cr_assert(strstr(csv, "order,date,channel,total\nO7,"), "%s", csv);
    cr_assert_null(strstr(csv, "\nO2,"), "%s", csv);
    cr_assert(strstr(csv, "complaint,,,배송이 늦어요"), "%s", csv);
    free(csv);
    dg_card_clear(&card);
}

Test(card, unknown_customer_is_not_found)
{
    dg_card card;
    cr_assert_eq(dg_card_build(store, "nobody", false, &card, &err), DG_ENOTFOUND);
    cr_assert_str_eq(err.message, "no customer \"nobody\"");
    cr_assert_eq(card.n_sections, 0);
}

/* Every seed type of the vocabulary (customer_type) has its guidance in the built-in file. */
Test(card, guidance_for_every_seed_type)
{
    dg_consult_types *types;
    cr_assert_eq(dg_consult_types_default(&types, &err), 0, "%s", err.message);
    size_t n = 0;
    const dg_vocab_entry *v;
    for (size_t i = 0; (v = dg_vocab_at(i)) != NULL; i++) {
        if (strcmp(v->domain, "customer_type") != 0)
            continue;
        const dg_consult_type *type = dg_consult_types_find(types, v->code);
        cr_assert_not_null(type, "%s", v->code);
        cr_assert(type->guidance_en[0] && type->guidance_ko[0] && type->name_ko[0], "%s", v->code);
        n++;
    }
    cr_assert_eq(n, 7);
    cr_assert_eq(types->n_types, n);
    dg_consult_types_free(types);
}

Test(card, guidance_in_korean_and_in_both)
{
    dg_card card;
    dg_report_card_options opt = { .lang = "ko" };
    cr_assert_eq(dg_report_card(&card, store, NULL, "C1", &opt, &err), 0, "%s", err.message);
    char *csv = render(&card, DG_FORMAT_CSV);
    cr_assert(strstr(csv, "guidance,\"성급한 고객: 결론부터 짧게 말하고,"), "%s", csv);
    free(csv);
    dg_card_clear(&card);
    cr_assert_eq(dg_report_card(&card, store, NULL, "C1", NULL, &err), 0, "%s", err.message);
    csv = render(&card, DG_FORMAT_CSV);
    cr_assert(strstr(csv, "at once and say when it will be done. (성급한 고객: 결론부터"), "%s", csv);
    free(csv);
    dg_card_clear(&card);
}

static void type_of(const char *id, const char *want)
{
    dg_card card;
    cr_assert_eq(dg_card_build(store, id, false, &card, &err), 0, "%s", err.message);
    char *csv = render(&card, DG_FORMAT_CSV);
    char line[64];
    snprintf(line, sizeof line, "customer_type,%s\n", want);
    cr_assert(*want ? strstr(csv, line) != NULL : strstr(csv, "customer_type,") == NULL, "%s",
              csv);
    free(csv);
    dg_card_clear(&card);
}

Test(card, staff_set_the_type_with_a_compare_and_set)
{
    dg_consult_types *types;
    cr_assert_eq(dg_consult_types_default(&types, &err), 0, "%s", err.message);
    char previous[32];
    dg_customer_type_request r = { .customer_id = "C1", .type = "careful",
                                   .check_expected = true, .expected_type = "impatient",
                                   .types = types };
    cr_assert_eq(dg_customer_set_type(store, &r, previous, &err), 0, "%s", err.message);
    cr_assert_str_eq(previous, "impatient");
    type_of("C1", "careful");
    /* a second writer who read "impatient" too loses, and changes nothing */
    r.type = "demanding";
    cr_assert_eq(dg_customer_set_type(store, &r, previous, &err), DG_ECONFLICT);
    cr_assert(strstr(err.message, "has type \"careful\", not \"impatient\""), "%s",
              err.message);
    type_of("C1", "careful");
    r.type = "hasty";
    cr_assert_eq(dg_customer_set_type(store, &r, previous, &err), DG_EINVAL);
    r.type = NULL;   /* clear it, without a check */
    r.check_expected = false;
    cr_assert_eq(dg_customer_set_type(store, &r, previous, &err), 0, "%s", err.message);
    type_of("C1", "");
    r.customer_id = "nobody";
    cr_assert_eq(dg_customer_set_type(store, &r, previous, &err), DG_ENOTFOUND);
    dg_consult_types_free(types);
}
