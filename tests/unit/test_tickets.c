/* VOC tickets: the workflow and its refusals (each writes nothing), the version check, due
 * times on the business calendar, breached / at-risk lists, escalation once, and service
 * recovery once per incident, also with processes racing (fork). */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dangol/report.h"
#include "dangol/store.h"
#include "dangol/text.h"
#include "dangol/ticket.h"
#include "support.h"

#define H 3600

static dg_error err;
static dg_store *store;
static char path[64];
static dg_calendar cal;
static dg_ticket_sla sla;

static int64_t kst(int y, int mo, int d, int h, int mi)
{
    return (int64_t)dg_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 - 9 * 3600;
}

static int64_t sql_int(const char *text)
{
    return test_sql_int(path, text);
}

static void sql(const char *text)
{
    test_sql(path, text);
}

static void setup(void)
{
    store = test_store_create(path, sizeof path, "tickets");
    sql("INSERT INTO customers (customer_id) VALUES ('A'), ('B');"
        "INSERT INTO staff (staff_id) VALUES ('S1');"
        "INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES "
        "('O1', 'A', 1772000000, 1000), ('O2', 'B', 1772000000, 1000);");
    cr_assert_eq(dg_calendar_default(&cal, &err), 0, "%s", err.message);
    cr_assert_eq(dg_ticket_sla_default(&sla, &err), 0, "%s", err.message);
}

static void teardown(void)
{
    dg_store_close(store);
    store = NULL;
    test_remove_store(path);
}

TestSuite(tickets, .init = setup, .fini = teardown);

static int64_t open_at(const char *customer, dg_ticket_kind kind, dg_ticket_priority p,
                       int64_t at)
{
    dg_ticket_open_request r = { .customer_id = customer, .kind = kind, .channel = -1,
                                 .priority = p, .at = at };
    dg_ticket_result res;
    cr_assert_eq(dg_ticket_open(&res, store, &cal, &sla, &r, &err), 0, "%s", err.message);
    return res.ticket_id;
}

static int act(int64_t id, dg_ticket_action a, int64_t version, int64_t at)
{
    dg_ticket_update u = { .ticket_id = id, .action = a, .expected_version = version,
                           .assignee = "agent", .note = "n", .at = at };
    dg_ticket_result res;
    dg_error_clear(&err);
    return dg_ticket_apply(&res, store, &u, &err);
}

Test(tickets, due_times_count_business_hours)
{
    /* Fri 2026-03-06 17:00 KST, a normal complaint: first response 4 h -> Mon 12:00, resolution
     * 45 h -> 1 h Fri + 4 days of 9 h (Mon-Thu) + 8 h on Fri 03-13 -> 17:00 */
    int64_t id = open_at("A", DG_TICKET_COMPLAINT, DG_TICKET_NORMAL, kst(2026, 3, 6, 17, 0));
    char q[128];
    snprintf(q, sizeof q, "SELECT first_response_due FROM tickets WHERE ticket_id = %lld",
             (long long)id);
    cr_assert_eq(sql_int(q), kst(2026, 3, 9, 12, 0));
    snprintf(q, sizeof q, "SELECT resolution_due FROM tickets WHERE ticket_id = %lld",
             (long long)id);
    cr_assert_eq(sql_int(q), kst(2026, 3, 13, 17, 0));
}

Test(tickets, workflow_and_its_refusals)
{
    int64_t t0 = kst(2026, 3, 4, 10, 0);
    int64_t id = open_at("A", DG_TICKET_INQUIRY, DG_TICKET_NORMAL, t0);
    cr_assert_eq(act(id, DG_TICKET_ACT_START, 0, t0 + 60), DG_ECONFLICT);
    cr_assert(strstr(err.message, "is open") && strstr(err.message, "allowed from open: assign, "
                                                                    "comment"), "%s", err.message);
    cr_assert_eq(act(id, DG_TICKET_ACT_ASSIGN, 1, t0 - 60), DG_EINVAL);
    cr_assert(strstr(err.message, "before ticket"), "%s", err.message);
    cr_assert_eq(act(id, DG_TICKET_ACT_ASSIGN, 1, t0 + 60), 0, "%s", err.message);
    cr_assert_eq(act(id, DG_TICKET_ACT_ASSIGN, 1, t0 + 120), DG_ECONFLICT, "stale version");
    cr_assert(strstr(err.message, "version 2, not 1"), "%s", err.message);
    cr_assert_eq(act(id, DG_TICKET_ACT_START, 2, t0 + 30), DG_EINVAL, "before the last change");
    cr_assert_eq(act(id, DG_TICKET_ACT_START, 2, t0 + 180), 0, "%s", err.message);
    cr_assert_eq(act(id, DG_TICKET_ACT_CLOSE, 0, t0 + 240), DG_ECONFLICT);
    cr_assert_eq(act(id, DG_TICKET_ACT_RESOLVE, 0, t0 + 240), 0, "%s", err.message);
    cr_assert_eq(act(id, DG_TICKET_ACT_CLOSE, 0, t0 + 300), 0, "%s", err.message);
    cr_assert_eq(act(id, DG_TICKET_ACT_REOPEN, 0, t0 + 360), 0, "%s", err.message);
    cr_assert_eq(act(999, DG_TICKET_ACT_COMMENT, 0, t0), DG_ENOTFOUND);
    cr_assert_eq(sql_int("SELECT count(*) FROM ticket_events"), 6, "refusals wrote nothing");
    cr_assert_eq(sql_int("SELECT count(*) FROM tickets WHERE version = 6 AND state = 'open' AND "
                         "reopened = 1 AND resolved_at IS NULL"), 1);
}

Test(tickets, first_response_and_history)
{
    int64_t t0 = kst(2026, 3, 4, 10, 0);
    int64_t id = open_at("A", DG_TICKET_COMPLAINT, DG_TICKET_HIGH, t0);
    cr_assert_eq(act(id, DG_TICKET_ACT_ASSIGN, 0, t0 + 60), 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM tickets WHERE first_response_at IS NULL"), 1,
                 "assigning is not a response");
    cr_assert_eq(act(id, DG_TICKET_ACT_COMMENT, 0, t0 + 120), 0);
    cr_assert_eq(sql_int("SELECT first_response_at FROM tickets"), t0 + 120);
    cr_assert_eq(sql_int("SELECT count(*) FROM ticket_events WHERE action = 'assign' AND "
                         "from_state = 'open' AND to_state = 'assigned' AND detail = 'agent'"), 1);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_neq(sqlite3_exec(db, "DELETE FROM ticket_events", NULL, NULL, NULL), SQLITE_OK,
                  "events are append-only");
    sqlite3_close(db);
}

Test(tickets, open_refuses_bad_references)
{
    dg_ticket_open_request r = { .customer_id = "NOBODY", .channel = -1, .at = 1772000000 };
    dg_ticket_result res;
    cr_assert_eq(dg_ticket_open(&res, store, &cal, &sla, &r, &err), DG_ENOTFOUND);
    r.customer_id = "A";
    r.order_id = "O2";
    cr_assert_eq(dg_ticket_open(&res, store, &cal, &sla, &r, &err), DG_EINVAL);
    cr_assert(strstr(err.message, "customer \"B\"'s"), "%s", err.message);
    r.order_id = "O1";
    r.staff_id = "S9";
    cr_assert_eq(dg_ticket_open(&res, store, &cal, &sla, &r, &err), DG_ENOTFOUND);
    cr_assert_eq(sql_int("SELECT count(*) FROM tickets"), 0);
    r.staff_id = "S1";
    r.idempotency_key = "k1";
    cr_assert_eq(dg_ticket_open(&res, store, &cal, &sla, &r, &err), 0, "%s", err.message);
    cr_assert_eq(dg_ticket_open(&res, store, &cal, &sla, &r, &err), 0, "%s", err.message);
    cr_assert(res.replayed);
    cr_assert_eq(sql_int("SELECT count(*) FROM tickets"), 1, "a retried key opens once");
}

static size_t rows_of(dg_ticket_view view, int64_t as_of, int64_t within)
{
    dg_report rep = { 0 };
    cr_assert_eq(dg_report_ticket_list(&rep, store, &cal, view, NULL, -1, as_of, within, NULL,
                                       &err), 0,
                 "%s", err.message);
    size_t n = dg_table_rows(rep.tables[0]);
    dg_report_clear(&rep);
    return n;
}

Test(tickets, breached_at_risk_and_escalation_once)
{
    int64_t t0 = kst(2026, 3, 4, 10, 0);   /* urgent: first response 1 h, resolution 8 h */
    int64_t id = open_at("A", DG_TICKET_COMPLAINT, DG_TICKET_URGENT, t0);
    open_at("B", DG_TICKET_INQUIRY, DG_TICKET_LOW, t0);
    cr_assert_eq(rows_of(DG_TICKET_VIEW_BREACHED, t0 + 30 * 60, 0), 0);
    cr_assert_eq(rows_of(DG_TICKET_VIEW_AT_RISK, t0 + 30 * 60, H), 1, "30 min to go");
    cr_assert_eq(rows_of(DG_TICKET_VIEW_BREACHED, t0 + H + 1, 0), 1);
    int64_t n;
    cr_assert_eq(dg_ticket_escalate(&n, store, t0 + 2 * H, "boss", NULL, &err), 0, "%s", err.message);
    cr_assert_eq(n, 1);
    cr_assert_eq(dg_ticket_escalate(&n, store, t0 + 3 * H, "boss", NULL, &err), 0);
    cr_assert_eq(n, 0, "escalation happens once");
    cr_assert_eq(sql_int("SELECT count(*) FROM tickets WHERE escalated_at IS NOT NULL AND "
                         "priority = 'urgent'"), 1);
    cr_assert_eq(act(id, DG_TICKET_ACT_COMMENT, 0, t0 + 3 * H), 0);
    cr_assert_eq(rows_of(DG_TICKET_VIEW_BREACHED, t0 + 3 * H, 0), 0,
                 "a late first response is done: no breach until the resolution is due");
    cr_assert_eq(rows_of(DG_TICKET_VIEW_BREACHED, kst(2026, 3, 4, 18, 0) + 1, 0), 1);
}

static void incidents(void)
{
    sql("INSERT INTO feedback (feedback_id, customer_id, received_at, kind, rating) VALUES "
        "('F1', 'A', 1772600000, 'complaint', NULL), ('F2', 'A', 1772600000, 'opinion', 2), "
        "('F3', 'B', 1772600000, 'compliment', 5);"
        "INSERT INTO surveys (response_id, customer_id, answered_on, nps, csat) VALUES "
        "('R1', 'B', 20515, 3, 5), ('R2', 'B', 20515, 9, 1), ('R3', 'A', 20515, 8, 4), "
        "('R4', 'A', 20600, 0, 1);");
}

Test(tickets, recovery_once_per_incident)
{
    incidents();
    int64_t n;
    cr_assert_eq(dg_ticket_recover(&n, store, &cal, &sla, (int64_t)20590 * 86400, NULL, NULL, &err), 0,
                 "%s", err.message);
    cr_assert_eq(n, 4, "F1, F2, R1, R2 (R4 is later; F3 and R3 are no incidents)");
    cr_assert_eq(dg_ticket_recover(&n, store, &cal, &sla, (int64_t)20700 * 86400, NULL, NULL, &err), 0);
    cr_assert_eq(n, 1, "only R4 is new");
    cr_assert_eq(sql_int("SELECT count(*) FROM tickets WHERE category = 'service_recovery' AND "
                         "priority = 'high'"), 5);
    /* a survey is due a first response within 9 business hours of its day's start */
    cr_assert_eq(sql_int("SELECT first_response_due - incident_at FROM tickets WHERE "
                         "source_id = 'R1'") > 0, 1);
    /* the subject in Korean and in English, whatever the reader's language */
    static const char *const subjects[][2] = {
        { "F1", "서비스 회복: 고객 의견 F1 (불만) / Service recovery: feedback F1 (complaint)" },
        { "F2", "서비스 회복: 고객 의견 F2 (평점 2) / Service recovery: feedback F2 (rated 2)" },
        { "R4", "서비스 회복: 설문 응답 R4 (NPS 0 CSAT 1) / Service recovery: survey answer R4 "
                "(NPS 0 CSAT 1)" },
    };
    for (size_t i = 0; i < sizeof subjects / sizeof subjects[0]; i++) {
        char query[512];
        snprintf(query, sizeof query, "SELECT count(*) FROM tickets WHERE source_id = '%s' AND "
                 "subject = '%s'", subjects[i][0], subjects[i][1]);
        cr_assert_eq(sql_int(query), 1, "%s: %s", subjects[i][0], subjects[i][1]);
    }
}

Test(tickets, recovery_racing_processes_open_each_once)
{
    incidents();
    dg_store_close(store);
    store = NULL;
    enum { N = 8 };
    pid_t pids[N];
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            dg_store *s;
            dg_error e;
            int64_t n;
            int rc = dg_store_open(&s, path, 0, &e);
            if (rc == 0)
                rc = dg_ticket_recover(&n, s, &cal, &sla, (int64_t)20700 * 86400, NULL, NULL, &e);
            dg_store_close(s);
            _exit(rc == 0 ? 0 : 1);
        }
    }
    for (int i = 0; i < N; i++) {
        int status;
        waitpid(pids[i], &status, 0);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    cr_assert_eq(sql_int("SELECT count(*) FROM tickets"), 5);
    cr_assert_eq(sql_int("SELECT count(DISTINCT source_kind || source_id) FROM tickets"), 5);
    cr_assert_eq(dg_store_open(&store, path, 0, &err), 0);
}

Test(tickets, racing_agents_with_one_version_one_wins)
{
    int64_t id = open_at("A", DG_TICKET_INQUIRY, DG_TICKET_NORMAL, kst(2026, 3, 4, 10, 0));
    dg_store_close(store);
    store = NULL;
    enum { N = 10 };
    pid_t pids[N];
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            dg_store *s;
            dg_error e;
            dg_ticket_result res;
            dg_ticket_update u = { .ticket_id = id, .action = DG_TICKET_ACT_ASSIGN,
                                   .expected_version = 1, .assignee = "agent",
                                   .at = kst(2026, 3, 4, 11, 0) };
            int rc = dg_store_open(&s, path, 0, &e);
            if (rc == 0)
                rc = dg_ticket_apply(&res, s, &u, &e);
            dg_store_close(s);
            _exit(rc == 0 ? 0 : rc == DG_ECONFLICT ? 2 : 1);
        }
    }
    int won = 0, conflicts = 0;
    for (int i = 0; i < N; i++) {
        int status;
        waitpid(pids[i], &status, 0);
        cr_assert(WIFEXITED(status));
        won += WEXITSTATUS(status) == 0;
        conflicts += WEXITSTATUS(status) == 2;
    }
    cr_assert_eq(won, 1);
    cr_assert_eq(conflicts, N - 1);
    cr_assert_eq(sql_int("SELECT version FROM tickets"), 2);
    cr_assert_eq(sql_int("SELECT count(*) FROM ticket_events"), 2);
    cr_assert_eq(dg_store_open(&store, path, 0, &err), 0);
}
