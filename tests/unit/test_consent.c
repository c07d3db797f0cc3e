/* Consent, erasure and subject access (dangol/consent.h, dangol/erasure.h): purposes and sources
 * by code, English and Korean name; dg_consent_allows over effective days, ties, backdated
 * events, the record's imported flags and erased customers; idempotency keys; two processes
 * changing consents at once lose nothing; erasure empties exactly the personal fields and free
 * texts and drops the frame snapshots, refuses a reason-less call, is idempotent, and its
 * guards refuse personal data again (row by row, and after a bulk load with triggers off); the
 * retention job; the subject document; the privacy config's errors. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dangol/consent.h"
#include "dangol/erasure.h"
#include "dangol/store.h"
#include "support.h"

#define DAY0 20000   /* 2024-10-04 */

static dg_error err;
static dg_store *store;
static char path[64];

static void sql(const char *text)
{
    test_sql(path, text);
}

static int64_t sql_int(const char *text)
{
    return test_sql_int(path, text);
}

static void setup(void)
{
    store = test_store_create(path, sizeof path, "consent");
    sql("INSERT INTO settings VALUES ('currency', 'KRW');"
        "INSERT INTO customers (customer_id, name, phone, email, birth_year, region, consent_sms,"
        " acquired_on) VALUES ('A', '홍길동', '010-1234-5678', 'hong@example.com', 1980, 'Seoul',"
        " 1, 19000), ('B', '김철수', '010-2222-3333', NULL, 1990, 'Busan', 0, 19500),"
        " ('C', NULL, NULL, NULL, NULL, NULL, NULL, NULL);"
        "INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES"
        " ('O1', 'A', 1700000000, 5000), ('O2', 'B', 1600000000, 7000);"
        "INSERT INTO feedback (feedback_id, customer_id, received_at, kind, text) VALUES"
        " ('F1', 'A', 1700000000, 'complaint', '홍길동입니다 010-1234-5678'),"
        " ('F2', 'B', 1700000000, 'opinion', '좋아요');"
        "INSERT INTO interactions (interaction_id, customer_id, occurred_at, touchpoint, note)"
        " VALUES ('I1', 'A', 1700000000, 'call', '생일 선물 문의');");
}

static void teardown(void)
{
    dg_store_close(store);
    test_remove_store(path);
}

TestSuite(consent, .init = setup, .fini = teardown);

static int record(dg_consent_action action, const char *customer, const char *purpose,
                  int32_t day, const char *key)
{
    dg_consent_request r = { .customer_id = customer, .purpose = purpose, .source = "web",
                             .day = day, .idempotency_key = key };
    dg_consent_result res;
    return dg_consent_record(&res, store, action, &r, &err);
}

static bool allows(const char *customer, const char *purpose, int32_t day)
{
    bool ok = false;
    cr_assert_eq(dg_consent_allows(&ok, store, customer, purpose, day, &err), 0, "%s",
                 err.message);
    return ok;
}

Test(consent, purposes_and_sources_by_code_and_name)
{
    const char *code;
    cr_assert_eq(dg_consent_purpose_parse(&code, "marketing_sms", &err), 0);
    cr_assert_str_eq(code, "marketing_sms");
    cr_assert_eq(dg_consent_purpose_parse(&code, "제3자 제공", &err), 0);
    cr_assert_str_eq(code, "third_party_sharing");
    cr_assert_eq(dg_consent_purpose_parse(&code, "Marketing by e-mail", &err), 0);
    cr_assert_str_eq(code, "marketing_email");
    cr_assert_eq(dg_consent_source_parse(&code, "전화", &err), 0);
    cr_assert_str_eq(code, "call");
    cr_assert_eq(dg_consent_purpose_parse(&code, "telepathy", &err), DG_EINVAL);
    cr_assert(strstr(err.message, "marketing_phone"), "%s", err.message);
    cr_assert_eq(dg_consent_source_parse(&code, NULL, &err), DG_EINVAL);
}

Test(consent, latest_event_on_or_before_the_day)
{
    cr_assert_not(allows("B", "marketing_email", DAY0));
    cr_assert_eq(record(DG_CONSENT_GRANT, "B", "marketing_email", DAY0, NULL), 0, "%s",
                 err.message);
    cr_assert_not(allows("B", "marketing_email", DAY0 - 1));
    cr_assert(allows("B", "marketing_email", DAY0));
    cr_assert_eq(record(DG_CONSENT_WITHDRAW, "B", "marketing_email", DAY0 + 10, NULL), 0);
    cr_assert(allows("B", "marketing_email", DAY0 + 9));
    cr_assert_not(allows("B", "marketing_email", DAY0 + 10));
    /* a backdated grant recorded later does not override a later withdrawal */
    cr_assert_eq(record(DG_CONSENT_GRANT, "B", "marketing_email", DAY0 + 5, NULL), 0);
    cr_assert_not(allows("B", "marketing_email", DAY0 + 20));
    /* same day: the one recorded last wins */
    cr_assert_eq(record(DG_CONSENT_GRANT, "B", "marketing_email", DAY0 + 10, NULL), 0);
    cr_assert(allows("B", "marketing_email", DAY0 + 20));
    /* purposes are independent */
    cr_assert_not(allows("B", "third_party_sharing", DAY0 + 20));
    cr_assert_eq(sql_int("SELECT count(*) FROM consent_events"), 4);
}

Test(consent, the_record_flag_counts_without_an_event)
{
    cr_assert(allows("A", "marketing_sms", DAY0));
    cr_assert(allows("A", "문자(SMS) 마케팅 수신", DAY0));
    cr_assert_not(allows("A", "marketing_email", DAY0));     /* consent_email unset */
    cr_assert_not(allows("A", "third_party_sharing", DAY0)); /* no flag for it */
    cr_assert_eq(record(DG_CONSENT_WITHDRAW, "A", "marketing_sms", DAY0, NULL), 0);
    cr_assert_not(allows("A", "marketing_sms", DAY0));
    cr_assert(allows("A", "marketing_sms", DAY0 - 1));       /* before the event: the flag */
}

Test(consent, refusals)
{
    bool ok;
    cr_assert_eq(dg_consent_allows(&ok, store, "NOPE", "marketing_sms", DAY0, &err), DG_ENOTFOUND);
    cr_assert_eq(dg_consent_allows(&ok, store, "A", "smoke_signals", DAY0, &err), DG_EINVAL);
    cr_assert_eq(record(DG_CONSENT_GRANT, "NOPE", "marketing_sms", DAY0, NULL), DG_ENOTFOUND);
    cr_assert_eq(record(DG_CONSENT_GRANT, "A", "nope", DAY0, NULL), DG_EINVAL);
    cr_assert_eq(sql_int("SELECT count(*) FROM consent_events"), 0);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(record(DG_CONSENT_GRANT, "A", "marketing_sms", DAY0, NULL), 0);
    cr_assert_neq(sqlite3_exec(db, "UPDATE consent_events SET action = 'withdraw'", NULL, NULL,
                               NULL), SQLITE_OK);
    cr_assert_neq(sqlite3_exec(db, "DELETE FROM consent_events", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

Test(consent, idempotency_keys)
{
    dg_consent_request r = { .customer_id = "A", .purpose = "marketing_phone", .source = "call",
                             .day = DAY0, .idempotency_key = "k1" };
    dg_consent_result a, b;
    cr_assert_eq(dg_consent_record(&a, store, DG_CONSENT_GRANT, &r, &err), 0);
    cr_assert_eq(dg_consent_record(&b, store, DG_CONSENT_GRANT, &r, &err), 0);
    cr_assert(b.replayed);
    cr_assert_eq(a.event_id, b.event_id);
    r.source = "web";
    cr_assert_eq(dg_consent_record(&b, store, DG_CONSENT_GRANT, &r, &err), DG_ECONFLICT);
    cr_assert_eq(sql_int("SELECT count(*) FROM consent_events"), 1);
}

Test(consent, two_processes_at_once_lose_nothing)
{
    enum { N = 40 };
    int gate[2];
    cr_assert_eq(pipe(gate), 0);
    pid_t pids[2];
    for (int p = 0; p < 2; p++) {
        if ((pids[p] = fork()) == 0) {
            char c;
            close(gate[1]);
            if (read(gate[0], &c, 1) < 0)
                _exit(2);
            dg_store *own;
            dg_error e;
            if (dg_store_open(&own, path, 0, &e) != 0)
                _exit(3);
            for (int i = 0; i < N; i++) {
                dg_consent_request r = { .customer_id = "B", .purpose = p ? "marketing_sms"
                                         : "marketing_email", .source = "api", .day = DAY0 + i };
                dg_consent_result res;
                if (dg_consent_record(&res, own, i % 2 ? DG_CONSENT_WITHDRAW : DG_CONSENT_GRANT,
                                      &r, &e) != 0)
                    _exit(4);
            }
            dg_store_close(own);
            _exit(0);
        }
    }
    close(gate[0]);
    close(gate[1]);   /* both read EOF at once */
    for (int p = 0; p < 2; p++) {
        int status;
        waitpid(pids[p], &status, 0);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer %d failed", p);
    }
    cr_assert_eq(sql_int("SELECT count(*) FROM consent_events"), 2 * N);
}

Test(consent, erasure_empties_personal_fields_only)
{
    sql("INSERT INTO frame_snapshot_header VALUES ('orders', 1, 1, 1, 3, 2, 2, 0, 20000, 0);"
        "INSERT INTO frame_snapshot (variant, chunk, checksum, data) VALUES ('orders', 0, 0, x'00ff');");
    dg_erasure_result r;
    cr_assert_eq(dg_customer_erase(&r, store, "A", DG_ERASURE_REQUEST, "", NULL, &err), DG_EINVAL);
    cr_assert_eq(dg_customer_erase(&r, store, "NOPE", DG_ERASURE_REQUEST, "x", NULL, &err),
                 DG_ENOTFOUND);
    cr_assert_eq(dg_customer_erase(&r, store, "A", DG_ERASURE_REQUEST, "asked", "kim", &err), 0,
                 "%s", err.message);
    cr_assert(r.erased);
    cr_assert_eq(r.texts, 2);   /* the feedback text and the interaction note */
    cr_assert_eq(sql_int("SELECT count(*) FROM customers WHERE customer_id = 'A' AND name IS NULL"
                         " AND phone IS NULL AND email IS NULL AND birth_year IS NULL AND region"
                         " = 'Seoul' AND consent_sms = 1"), 1);
    cr_assert_eq(sql_int("SELECT count(*) FROM feedback WHERE text IS NOT NULL"), 1);   /* B's */
    cr_assert_eq(sql_int("SELECT count(*) FROM orders WHERE customer_id = 'A'"), 1);
    cr_assert_eq(sql_int("SELECT count(*) FROM frame_snapshot"), 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM customers WHERE customer_id = 'B' AND name IS NOT "
                         "NULL"), 1);
    cr_assert_not(allows("A", "marketing_sms", DAY0));   /* the flag stays, but erased */
    cr_assert_eq(record(DG_CONSENT_GRANT, "A", "marketing_sms", DAY0, NULL), DG_ECONFLICT);
    cr_assert_eq(record(DG_CONSENT_WITHDRAW, "A", "marketing_sms", DAY0, NULL), 0);
    int64_t at = r.erased_at;
    cr_assert_eq(dg_customer_erase(&r, store, "A", DG_ERASURE_REQUEST, "again", NULL, &err), 0);
    cr_assert_not(r.erased);
    cr_assert_eq(r.erased_at, at);
}

Test(consent, erased_fields_cannot_come_back)
{
    dg_erasure_result r;
    cr_assert_eq(dg_customer_erase(&r, store, "A", DG_ERASURE_REQUEST, "asked", NULL, &err), 0);
    const dg_entity *e = dg_entity_find("customers");
    dg_value row[32] = { 0 };
    for (size_t c = 0; c < e->n_columns; c++)
        row[c].is_null = true;
    row[0] = (dg_value){ .u.s = "A" };
    row[dg_entity_column(e, "name")] = (dg_value){ .u.s = "홍길동" };
    cr_assert_eq(dg_store_put(store, e, row, &err), DG_ECONFLICT);
    cr_assert(strstr(err.message, "erased"), "%s", err.message);
    /* a bulk load runs with the triggers off: the commit checks the same rule */
    cr_assert_eq(dg_store_begin(store, &err), 0);
    cr_assert_eq(dg_store_bulk_begin(store, e, 1, &err), 0);
    cr_assert_eq(dg_store_put(store, e, row, &err), 0);
    cr_assert_eq(dg_store_commit(store, &err), DG_ECONFLICT);
    cr_assert(strstr(err.message, "\"A\" was erased"), "%s", err.message);
    cr_assert_eq(sql_int("SELECT count(*) FROM customers WHERE name IS NOT NULL AND "
                         "customer_id = 'A'"), 0);
    /* other fields still change */
    row[dg_entity_column(e, "name")].is_null = true;
    row[dg_entity_column(e, "region")] = (dg_value){ .u.s = "Jeju" };
    cr_assert_eq(dg_store_put(store, e, row, &err), 0, "%s", err.message);
}

static int listed(void *ctx, const char *customer_id, int32_t last_active)
{
    char *buf = ctx;
    sprintf(buf + strlen(buf), "%s:%d;", customer_id, (int)last_active);
    return 0;
}

Test(consent, retention_erases_the_inactive)
{
    /* A: last order 2023-11-14 (day 19675); B: order 2020-09-13, acquired 19500 (2023-05-23),
     * feedback 2023-11-14; C: nothing dated */
    char seen[256] = "";
    int64_t n, undated;
    cr_assert_eq(dg_customer_retain(&n, &undated, store, 19675 + 100, 50, true, NULL, listed,
                                    seen, &err), 0, "%s", err.message);
    cr_assert_eq(n, 2);
    cr_assert_eq(undated, 1);
    cr_assert_str_eq(seen, "A:19675;B:19675;");
    cr_assert_eq(sql_int("SELECT count(*) FROM customer_erasures"), 0);
    seen[0] = '\0';
    cr_assert_eq(dg_customer_retain(&n, &undated, store, 19675 + 100, 100, false, NULL, listed,
                                    seen, &err), 0);
    cr_assert_eq(n, 0);   /* exactly 100 days is not more than 100 */
    cr_assert_eq(record(DG_CONSENT_GRANT, "B", "marketing_sms", 19675 + 60, NULL), 0);
    cr_assert_eq(dg_customer_retain(&n, &undated, store, 19675 + 100, 50, false, "job", NULL,
                                    NULL, &err), 0);
    cr_assert_eq(n, 1);   /* B's consent event is activity */
    cr_assert_eq(sql_int("SELECT count(*) FROM customer_erasures WHERE customer_id = 'A' AND "
                         "kind = 'retention' AND actor = 'job'"), 1);
    cr_assert_eq(dg_customer_retain(&n, &undated, store, 19675 + 100, 0, true, NULL, NULL, NULL,
                                    &err), DG_ERANGE);
}

Test(consent, subject_document)
{
    cr_assert_eq(record(DG_CONSENT_GRANT, "A", "marketing_email", DAY0, NULL), 0);
    sql("INSERT INTO customers (customer_id) VALUES ('R');"
        "INSERT INTO referrals VALUES ('R', 'A', 19000), ('B', 'R', 19000);");
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    cr_assert_eq(dg_customer_export_subject(store, "A", out, "memory", &err), 0, "%s",
                 err.message);
    fclose(out);
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr);
    cr_assert_not_null(doc, "%s: %s", jerr.text, text);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "profile"), "name")),
                     "홍길동");
    cr_assert_eq(json_array_size(json_object_get(doc, "orders")), 1);
    cr_assert_eq(json_array_size(json_object_get(doc, "feedback")), 1);
    cr_assert_eq(json_array_size(json_object_get(doc, "interactions")), 1);
    cr_assert_eq(json_array_size(json_object_get(doc, "referrals")), 1);   /* R -> A only */
    json_t *events = json_object_get(doc, "consent_events");
    cr_assert_eq(json_array_size(events), 1);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(events, 0),
                                                       "effective_on")), "2024-10-04");
    cr_assert_not_null(json_object_get(doc, "points_movements"));
    cr_assert_null(strstr(text, "김철수"));   /* nobody else's */
    json_decref(doc);
    free(text);
    out = open_memstream(&text, &len);
    cr_assert_eq(dg_customer_export_subject(store, "NOPE", out, "memory", &err), DG_ENOTFOUND);
    fclose(out);
    cr_assert_eq(len, 0);   /* not a byte of a half document */
    free(text);
}

Test(consent, privacy_config)
{
    dg_privacy_config c;
    dg_privacy_config_default(&c);
    cr_assert_eq(c.retention_inactive_days, DG_RETENTION_DEFAULT_DAYS);
    cr_assert_eq(dg_privacy_config_parse(&c, "retention_inactive_days = 730\n", "p.conf", &err),
                 0);
    cr_assert_eq(c.retention_inactive_days, 730);
    cr_assert_neq(dg_privacy_config_parse(&c, "# x\nretention_days = 5\n", "p.conf", &err), 0);
    cr_assert(strstr(err.message, "p.conf:2:"), "%s", err.message);
    cr_assert_neq(dg_privacy_config_parse(&c, "retention_inactive_days = 0\n", "p.conf", &err), 0);
    cr_assert_eq(c.retention_inactive_days, 730);
    dg_privacy_config builtin;
    dg_privacy_config_default(&builtin);
    cr_assert_eq(dg_privacy_config_load(&c, "config/privacy.conf", &err), 0, "%s", err.message);
    cr_assert_eq(c.retention_inactive_days, builtin.retention_inactive_days);
}
