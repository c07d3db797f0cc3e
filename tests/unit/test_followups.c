/* Post-purchase follow-up: the rules parser (file:line:column errors, the shipped file equals
 * the built-in rules), the scheduler (due days of each trigger; idempotent, also with 12
 * processes racing), outcomes (version check, done once, idempotency key), the outbox's
 * consent, and erasure of follow-up notes. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dangol/consent.h"
#include "dangol/erasure.h"
#include "dangol/followup.h"
#include "dangol/report_voc.h"
#include "dangol/store.h"
#include "dangol/text.h"
#include "support.h"

static dg_error err;
static dg_store *store;
static char path[64];

static int64_t at(int y, int mo, int d)
{
    return (int64_t)dg_days_from_civil(y, mo, d) * 86400 + 3 * 3600;
}

static void setup(void)
{
    store = test_store_create(path, sizeof path, "followups");
    char sql[2048];
    snprintf(sql, sizeof sql,
             "INSERT INTO customers (customer_id, name, phone, email, consent_sms) VALUES "
             "('A', 'Kim', '010-1111-2222', 'a@x.kr', 1), ('B', 'Lee', '010-3333-4444', NULL, 0);"
             "INSERT INTO products (product_id, category) VALUES ('P1', 'skincare'), "
             "('P2', 'household'), ('P3', 'food');"
             "INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES "
             "('O1', 'A', %lld, 1000), ('O2', 'A', %lld, 1000), ('O3', 'B', %lld, 1000);"
             "INSERT INTO order_lines (order_id, line_no, product_id, quantity, amount) VALUES "
             "('O1', 1, 'P1', 1, 500), ('O1', 2, 'P2', 2, 500), ('O2', 1, 'P3', 1, 1000), "
             "('O3', 1, 'P2', 1, 1000);",
             (long long)at(2026, 3, 1), (long long)at(2026, 3, 10), (long long)at(2026, 3, 5));
    test_sql(path, sql);
}

static void teardown(void)
{
    dg_store_close(store);
    store = NULL;
    test_remove_store(path);
}

TestSuite(followups, .init = setup, .fini = teardown);

Test(followups, shipped_file_is_the_builtin)
{
    dg_followup_rules a, b;
    char *text = test_file_text("config/followups.conf");
    cr_assert_eq(dg_followup_rules_default(&a, &err), 0, "%s", err.message);
    cr_assert_eq(dg_followup_rules_parse(&b, text, "config/followups.conf", &err), 0, "%s",
                 err.message);
    free(text);
    cr_assert_eq(a.n_rules, 3);
    cr_assert_eq(b.n_rules, a.n_rules);
    cr_assert_eq(a.lookback_days, b.lookback_days);
    for (size_t i = 0; i < a.n_rules; i++) {
        cr_assert_str_eq(a.rules[i].name, b.rules[i].name);
        cr_assert_eq(a.rules[i].trigger, b.rules[i].trigger);
        cr_assert_eq(a.rules[i].channel, b.rules[i].channel);
        cr_assert_str_eq(a.rules[i].category, b.rules[i].category);
        cr_assert_eq(a.rules[i].after_days, b.rules[i].after_days);
        cr_assert_eq(a.rules[i].lasts_days, b.rules[i].lasts_days);
        cr_assert_eq(a.rules[i].before_days, b.rules[i].before_days);
    }
}

Test(followups, parser_errors_name_line_and_column)
{
    dg_followup_rules r;
    r.n_rules = 99;
    struct { const char *text, *message; } bad[] = {
        { "# c\nrule.a.trigger = first_purchase\nrule.a.after_days = -1\n",
          "f.conf:3:21: rule.a.after_days = \"-1\": expected a whole number from 0 to 3660" },
        { "rule.a.trigger = sometimes\n", "f.conf:1:18: unknown trigger \"sometimes\"" },
        { "rule.a.trigger = category\nrule.a.after_days = 3\n",
          "f.conf:1:1: rule a has no category" },
        { "rule.a.colour = red\n", "f.conf:1:1: unknown field \"colour\"" },
        { "speed = 3\n", "f.conf:1:1: unknown key \"speed\"" },
        { "rule.A-b.trigger = category\n", "f.conf:1:1: rule name \"A-b\"" },
        { "rule.a.trigger\n", "f.conf:1:1: expected \"key = value\"" },
        { "rule.r.trigger = consumable\nrule.r.channel = fax\n",
          "f.conf:2:18: unknown follow-up channel \"fax\"" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dg_error_clear(&err);
        cr_assert_neq(dg_followup_rules_parse(&r, bad[i].text, "f.conf", &err), 0, "%zu", i);
        cr_assert(strstr(err.message, bad[i].message) != NULL, "%zu: %s", i, err.message);
    }
    cr_assert_eq(r.n_rules, 99, "a refused text leaves the rules as they were");
    cr_assert_eq(dg_followup_rules_parse(&r, "rule.k.trigger = 소모품 소진\nrule.k.product = P2\n"
                                         "rule.k.lasts_days = 30\nrule.k.channel = 문자\n",
                                         "k.conf", &err), 0, "%s", err.message);
    cr_assert_eq(r.rules[0].trigger, DG_FOLLOWUP_CONSUMABLE, "Korean names work");
    cr_assert_eq(r.rules[0].channel, DG_FOLLOWUP_SMS);
}

static const char rules_text[] =
    "lookback_days = 60\n"
    "rule.thanks.trigger = first_purchase\nrule.thanks.after_days = 3\n"
    "rule.survey.trigger = category\nrule.survey.category = skincare\n"
    "rule.survey.after_days = 14\nrule.survey.channel = sms\n"
    "rule.reorder.trigger = consumable\nrule.reorder.category = household\n"
    "rule.reorder.lasts_days = 30\nrule.reorder.before_days = 3\nrule.reorder.channel = sms\n";

static int64_t due_of(const char *rule, const char *order)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT coalesce((SELECT due_on FROM followup_tasks WHERE rule = "
             "'%s' AND order_id = '%s'), -1)", rule, order);
    return test_sql_int(path, sql);
}

Test(followups, schedule_due_days_and_idempotent)
{
    dg_followup_rules r;
    cr_assert_eq(dg_followup_rules_parse(&r, rules_text, "t", &err), 0, "%s", err.message);
    int64_t created = -1;
    int32_t as_of = dg_days_from_civil(2026, 3, 31);
    cr_assert_eq(dg_followup_schedule(&created, store, &r, as_of, NULL, &err), 0, "%s",
                 err.message);
    /* thanks: O1 (A's first) and O3 (B's first); survey: O1; reorder: O1 (2 units: 60 days - 3)
     * and O3 (1 unit: 30 - 3) */
    cr_assert_eq(created, 5);
    cr_assert_eq(due_of("thanks", "O1"), dg_days_from_civil(2026, 3, 4));
    cr_assert_eq(due_of("thanks", "O2"), -1, "not a first purchase");
    cr_assert_eq(due_of("survey", "O1"), dg_days_from_civil(2026, 3, 15));
    cr_assert_eq(due_of("reorder", "O1"), dg_days_from_civil(2026, 4, 27));
    cr_assert_eq(due_of("reorder", "O3"), dg_days_from_civil(2026, 4, 1));
    cr_assert_eq(dg_followup_schedule(&created, store, &r, as_of, NULL, &err), 0, "%s",
                 err.message);
    cr_assert_eq(created, 0, "a second run creates nothing");
    cr_assert_eq(test_sql_int(path, "SELECT count(*) FROM followup_tasks"), 5);
}

Test(followups, reorder_skipped_when_bought_again)
{
    test_sql(path, "INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES "
                   "('O4', 'B', 1774000000, 1000);"
                   "INSERT INTO order_lines (order_id, line_no, product_id, quantity, amount) "
                   "VALUES ('O4', 1, 'P2', 1, 1000)");   /* 2026-03-20: before O3 runs out */
    dg_followup_rules r;
    cr_assert_eq(dg_followup_rules_parse(&r, rules_text, "t", &err), 0, "%s", err.message);
    int64_t created;
    cr_assert_eq(dg_followup_schedule(&created, store, &r, dg_days_from_civil(2026, 3, 31), NULL,
                                      &err), 0, "%s", err.message);
    cr_assert_eq(due_of("reorder", "O3"), -1, "bought again before it ran out");
    cr_assert_neq(due_of("reorder", "O4"), -1, "the new purchase gets its reminder");
}

Test(followups, lookback_skips_stale_tasks)
{
    dg_followup_rules r;
    cr_assert_eq(dg_followup_rules_parse(&r, "lookback_days = 0\nrule.t.trigger = "
                                         "first_purchase\nrule.t.after_days = 3\n", "t", &err),
                 0, "%s", err.message);
    int64_t created;
    cr_assert_eq(dg_followup_schedule(&created, store, &r, dg_days_from_civil(2026, 3, 7), NULL,
                                      &err), 0, "%s", err.message);
    cr_assert_eq(created, 1, "O1's call was due on 03-04, before the lookback; O3's on 03-08");
    cr_assert_eq(due_of("t", "O3"), dg_days_from_civil(2026, 3, 8));
}

Test(followups, racing_schedulers_create_each_task_once)
{
    enum { N = 12 };
    dg_followup_rules r;
    cr_assert_eq(dg_followup_rules_parse(&r, rules_text, "t", &err), 0, "%s", err.message);
    int go[2];
    cr_assert_eq(pipe(go), 0);
    pid_t pids[N];
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        cr_assert_neq(pids[i], -1);
        if (pids[i] == 0) {
            char c;
            close(go[1]);
            if (read(go[0], &c, 1) < 0)
                _exit(2);
            dg_store *s;
            dg_error e;
            int64_t n;
            if (dg_store_open(&s, path, 0, &e) != 0)
                _exit(3);
            int rc = dg_followup_schedule(&n, s, &r, dg_days_from_civil(2026, 3, 31), NULL, &e);
            dg_store_close(s);
            _exit(rc == 0 ? 0 : 4);
        }
    }
    close(go[0]);
    close(go[1]);   /* releases them all at once */
    for (int i = 0; i < N; i++) {
        int status;
        waitpid(pids[i], &status, 0);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "scheduler %d failed", i);
    }
    cr_assert_eq(test_sql_int(path, "SELECT count(*) FROM followup_tasks"), 5,
                 "twelve schedulers at once: every task once");
}

Test(followups, done_once_with_version_check)
{
    dg_followup_rules r;
    int64_t created;
    cr_assert_eq(dg_followup_rules_parse(&r, rules_text, "t", &err), 0, "%s", err.message);
    cr_assert_eq(dg_followup_schedule(&created, store, &r, dg_days_from_civil(2026, 3, 31), NULL,
                                      &err), 0, "%s", err.message);
    int64_t id = test_sql_int(path, "SELECT task_id FROM followup_tasks WHERE rule = 'thanks' "
                                    "AND order_id = 'O1'");
    dg_followup_result res;
    dg_followup_done_request q = { .task_id = id, .outcome = DG_FOLLOWUP_REACHED,
                                   .note = "고객 만족", .expected_version = 2,
                                   .at = DG_FOLLOWUP_NOW, .idempotency_key = "k1" };
    cr_assert_eq(dg_followup_done(&res, store, &q, &err), DG_ECONFLICT, "a stale version");
    cr_assert(strstr(err.message, "at version 1, not 2") != NULL, "%s", err.message);
    q.expected_version = 1;
    cr_assert_eq(dg_followup_done(&res, store, &q, &err), 0, "%s", err.message);
    cr_assert_eq(res.version, 2);
    cr_assert_str_eq(res.customer_id, "A");
    cr_assert_eq(dg_followup_done(&res, store, &q, &err), 0, "the same key again");
    cr_assert(res.replayed);
    q.idempotency_key = NULL;
    q.expected_version = 0;
    cr_assert_eq(dg_followup_done(&res, store, &q, &err), DG_ECONFLICT, "done already");
    q.task_id = 9999;
    cr_assert_eq(dg_followup_done(&res, store, &q, &err), DG_ENOTFOUND);
    cr_assert_eq(test_sql_int(path, "SELECT count(*) FROM followup_tasks WHERE state = 'done' "
                                    "AND outcome = 'reached' AND version = 2"), 1);
    /* erasure empties the note and refuses a new one */
    dg_erasure_result er;
    cr_assert_eq(dg_customer_erase(&er, store, "A", DG_ERASURE_REQUEST, "asked", NULL, &err), 0,
                 "%s", err.message);
    cr_assert_eq(test_sql_int(path, "SELECT count(*) FROM followup_tasks WHERE note IS NOT "
                                    "NULL"), 0, "the note is gone");
    cr_assert_geq(er.texts, 1);
    int64_t survey = test_sql_int(path, "SELECT task_id FROM followup_tasks WHERE rule = "
                                        "'survey'");
    dg_followup_done_request n = { .task_id = survey, .outcome = DG_FOLLOWUP_SENT,
                                   .note = "again", .at = DG_FOLLOWUP_NOW };
    cr_assert_eq(dg_followup_done(&res, store, &n, &err), DG_ECONFLICT, "no note for the erased");
}

Test(followups, outbox_respects_consent)
{
    dg_followup_rules r;
    int64_t created;
    cr_assert_eq(dg_followup_rules_parse(&r, rules_text, "t", &err), 0, "%s", err.message);
    cr_assert_eq(dg_followup_schedule(&created, store, &r, dg_days_from_civil(2026, 3, 31), NULL,
                                      &err), 0, "%s", err.message);
    dg_report rep = { 0 };
    char **ids = NULL;
    size_t n = 0;
    cr_assert_eq(dg_report_followup_outbox(&rep, store, DG_FOLLOWUP_SMS,
                                           dg_days_from_civil(2026, 4, 30), &ids, &n, &err), 0,
                 "%s", err.message);
    /* SMS tasks due by 04-30: A's survey and reorder (A consents), B's reorder (B does not) */
    cr_assert_eq(dg_table_rows(rep.tables[0]), 2);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(ids[0], "A");
    cr_assert(strstr(dg_table_note(rep.tables[0], 0), "1 tasks left out") != NULL, "%s",
              dg_table_note(rep.tables[0], 0));
    free(ids[0]);
    free(ids);
    dg_report_clear(&rep);
}
