/* The customer card: sections, order summary, newest-first orders, guidance, unknown ids. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dangol/customer.h"
#include "dangol/store.h"

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
    cr_assert_eq(dg_card_build(store, "C1", false, &card, &err), 0, "%s", err.message);
    cr_assert_eq(card.n_sections, 4);
    char *csv = render(&card, DG_FORMAT_CSV);
    cr_assert(strstr(csv, "name,박서준\n"), "%s", csv);
    cr_assert(strstr(csv, "guidance,\"Be brief"), "%s", csv);
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

Test(card, guidance_for_every_catalog_type)
{
    const dg_entity *e = dg_entity_find("customers");
    const dg_column *col = &e->columns[dg_entity_column(e, "customer_type")];
    for (const char *const *t = col->enum_values; *t; t++)
        cr_assert_not_null(dg_customer_type_guidance(*t), "%s", *t);
}
