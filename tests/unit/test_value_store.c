/* Customer value survey answers in the store (dangol/cvalue_io.h): one response recorded with
 * its checks and its Idempotency-Key, an import that writes nothing when a row is bad and
 * replaces a response when it comes again, the answers read back into the matrix, and the
 * store's own survey. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/cvalue_io.h"
#include "support.h"

static dg_error err;
static char path[256];
static dg_store *store;
static dg_cvalue_survey survey;

static void setup(void)
{
    store = test_store_create(path, sizeof path, "value");
    test_sql(path, "INSERT INTO customers (customer_id) VALUES ('C1'), ('C2');");
    cr_assert_eq(dg_cvalue_survey_default(&survey, &err), 0, "%s", err.message);
}

static void teardown(void)
{
    dg_store_close(store);
    test_remove_store(path);
}

static int64_t count(const char *table)
{
    char q[96];
    snprintf(q, sizeof q, "SELECT count(*) FROM %s", table);
    return test_sql_int(path, q);
}

TestSuite(value_store, .init = setup, .fini = teardown);

Test(value_store, record_checks_and_replays)
{
    dg_cvalue_answer_in in[] = { { "func1", 4 }, { "nps", 10 } };
    dg_cvalue_request r = { .response_id = "R1", .customer_id = "C1", .day = 20000,
                            .answers = in, .n_answers = 2, .idempotency_key = "K1" };
    dg_cvalue_result res;
    cr_assert_eq(dg_cvalue_record(&res, store, &survey, &r, &err), 0, "%s", err.message);
    cr_assert_not(res.replayed);
    cr_assert_eq(dg_cvalue_record(&res, store, &survey, &r, &err), 0, "%s", err.message);
    cr_assert(res.replayed);
    cr_assert_str_eq(res.response_id, "R1");
    cr_assert_eq(count("value_answers"), 2);
    in[0].answer = 5;   /* the same key for another request */
    cr_assert_eq(dg_cvalue_record(&res, store, &survey, &r, &err), DG_ECONFLICT);
    r.idempotency_key = NULL;   /* the same response id again */
    cr_assert_eq(dg_cvalue_record(&res, store, &survey, &r, &err), DG_EEXIST);
    r.response_id = "R2";
    in[1].answer = 11;
    cr_assert_eq(dg_cvalue_record(&res, store, &survey, &r, &err), DG_EINVAL);
    cr_assert(strstr(err.message, "nps = 11 is off its scale 0-10"), "%s", err.message);
    in[1] = (dg_cvalue_answer_in){ "bogus", 1 };
    cr_assert_eq(dg_cvalue_record(&res, store, &survey, &r, &err), DG_EINVAL);
    in[1] = (dg_cvalue_answer_in){ "func1", 1 };
    cr_assert_eq(dg_cvalue_record(&res, store, &survey, &r, &err), DG_EINVAL);
    cr_assert(strstr(err.message, "given twice"), "%s", err.message);
    r.customer_id = "NOBODY";
    r.n_answers = 1;
    cr_assert_eq(dg_cvalue_record(&res, store, &survey, &r, &err), DG_ENOTFOUND);
    cr_assert_eq(count("value_responses"), 1);
}

static void write_file(const char *name, const char *text)
{
    FILE *f = fopen(name, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

Test(value_store, import_all_or_nothing_then_replace)
{
    char file[300];
    snprintf(file, sizeof file, "%s.csv", path);
    write_file(file, "customer_id,response_id,answered_on,emo1,psy3\n"
                     "C1,A,2025-01-02,5,1\n"
                     "C2,B,2025-01-03,9,1\n");
    dg_import_report rep;
    cr_assert_eq(dg_cvalue_import(store, &survey, file, NULL, NULL, &rep, &err), DG_EINVAL);
    cr_assert_eq(rep.rows_rejected, 1);
    cr_assert_eq(rep.n_errors, 1);
    cr_assert(strstr(rep.errors[0], ".csv:3:4: emo1: \"9\" is not a whole number on its scale "
                                    "1-5"), "%s", rep.errors[0]);
    dg_import_report_clear(&rep);
    cr_assert_eq(count("value_responses"), 0);
    write_file(file, "customer_id,response_id,answered_on,emo1,psy3\n"
                     "C1,A,2025-01-02,5,1\n"
                     "C2,B,2025-01-03,3,\n");
    cr_assert_eq(dg_cvalue_import(store, &survey, file, NULL, NULL, &rep, &err), 0, "%s", err.message);
    cr_assert_eq(rep.rows_imported, 2);
    dg_import_report_clear(&rep);
    cr_assert_eq(count("value_answers"), 3);
    write_file(file, "response_id,customer_id,answered_on,func2\nA,C2,2025-02-01,2\n");
    cr_assert_eq(dg_cvalue_import(store, &survey, file, NULL, NULL, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(count("value_answers"), 2);   /* A replaced whole: one answer; B's one */
    dg_cvalue_answers a;
    size_t skipped = 99;
    cr_assert_eq(dg_cvalue_answers_load(&a, store, &survey, NULL, DG_DAY_NONE, &skipped, &err), 0);
    cr_assert_eq(a.n, 2);
    cr_assert_eq(skipped, 0);
    cr_assert_str_eq(a.response_id[0], "A");
    cr_assert_str_eq(a.customer_id[0], "C2");
    int f2 = dg_cvalue_item_find(&survey, "func2"), e1 = dg_cvalue_item_find(&survey, "emo1");
    cr_assert_eq(a.answers[(size_t)f2], 2);
    cr_assert_eq(a.answers[(size_t)e1], DG_CVALUE_NA);
    cr_assert_eq(a.answers[a.n_items + (size_t)e1], 3);
    dg_cvalue_answers_clear(&a);
    remove(file);
}

Test(value_store, the_store_keeps_its_survey)
{
    bool stored = true;
    dg_cvalue_survey s;
    cr_assert_eq(dg_cvalue_survey_current(&s, store, &stored, &err), 0, "%s", err.message);
    cr_assert_not(stored);
    cr_assert_eq(s.n_items, 23);
    cr_assert_eq(dg_cvalue_survey_save(store, "item.x.component = joy\n", "bad.conf", &err),
                 DG_EINVAL);
    cr_assert(strstr(err.message, "bad.conf:1:20:"), "%s", err.message);
    char *text = NULL;
    cr_assert_eq(dg_cvalue_survey_default_text(&text, &err), 0);
    size_t len = strlen(text);
    char *more = malloc(len + 64);
    snprintf(more, len + 64, "%sitem.extra.component = social\n", text);
    cr_assert_eq(dg_cvalue_survey_save(store, more, "mine.conf", &err), 0, "%s", err.message);
    cr_assert_eq(dg_cvalue_survey_current(&s, store, &stored, &err), 0, "%s", err.message);
    cr_assert(stored);
    cr_assert_eq(s.n_items, 24);
    cr_assert_eq(dg_cvalue_survey_save(store, NULL, NULL, &err), 0);
    cr_assert_eq(dg_cvalue_survey_current(&s, store, &stored, &err), 0);
    cr_assert_not(stored);
    free(more);
    free(text);
}
