/* Users and tokens of the store (include/dangol/auth.h): roles by code, English and Korean name;
 * a password checked and never kept; the same refusal for an unknown name, a wrong password and a
 * disabled user; tokens bounded by their user's role, found by their text, refused when revoked,
 * expired, malformed or of a disabled user; an agent's customers by staff id and by site. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dangol/auth.h"
#include "dangol/store.h"
#include "support.h"

static char path[64];
static dg_store *store;
static dg_error err;

static void open_fresh(void)
{
    snprintf(path, sizeof path, "/tmp/dangol-test-auth-%d.db", (int)getpid());
    unlink(path);
    cr_assert_eq(dg_auth_init(&err), 0);
    cr_assert_eq(dg_store_open(&store, path, DG_STORE_CREATE, &err), 0, "%s", err.message);
}

static void close_and_remove(void)
{
    dg_store_close(store);
    store = NULL;
    test_remove_store(path);
}

TestSuite(auth, .init = open_fresh, .fini = close_and_remove);

static void add(const char *name, dg_role role, const char *site, const char *staff_id,
                const char *password)
{
    dg_user u = { .role = role };
    snprintf(u.name, sizeof u.name, "%s", name);
    snprintf(u.site, sizeof u.site, "%s", site);
    snprintf(u.staff_id, sizeof u.staff_id, "%s", staff_id);
    cr_assert_eq(dg_user_add(store, &u, password, &err), 0, "%s", err.message);
    cr_assert_gt(u.user_id, 0);
}

Test(auth, roles_by_code_english_and_korean)
{
    dg_role r;
    cr_assert_eq(dg_role_parse("analyst", &r, &err), 0);
    cr_assert_eq(r, DG_ROLE_ANALYST);
    cr_assert_eq(dg_role_parse("매니저", &r, &err), 0);
    cr_assert_eq(r, DG_ROLE_MANAGER);
    cr_assert_eq(dg_role_parse("Administrator", &r, &err), 0);
    cr_assert_eq(r, DG_ROLE_ADMIN);
    cr_assert_eq(dg_role_parse("root", &r, &err), DG_EINVAL);
    cr_assert(strstr(err.message, "\"root\"") && strstr(err.message, "agent"), "%s", err.message);
    cr_assert_str_eq(dg_role_name(DG_ROLE_AGENT), "agent");
}

Test(auth, a_store_has_no_users_until_one_is_added)
{
    bool any = true;
    cr_assert_eq(dg_user_any(store, &any, &err), 0, "%s", err.message);
    cr_assert_not(any);
    add("ann", DG_ROLE_ADMIN, "", "", "a long pass phrase");
    cr_assert_eq(dg_user_any(store, &any, &err), 0);
    cr_assert(any);
}

Test(auth, password_checked_and_refusals_alike)
{
    add("ann", DG_ROLE_ADMIN, "", "", "a long pass phrase");
    dg_user u;
    cr_assert_eq(dg_user_login(store, "ann", "a long pass phrase", &u, &err), 0, "%s",
                 err.message);
    cr_assert_str_eq(u.name, "ann");
    cr_assert_eq(u.role, DG_ROLE_ADMIN);
    char wrong[DG_ERROR_MSG_MAX], unknown[DG_ERROR_MSG_MAX];
    cr_assert_eq(dg_user_login(store, "ann", "a long pass phrasE", &u, &err), DG_EAUTH);
    snprintf(wrong, sizeof wrong, "%s", err.message);
    cr_assert_eq(dg_user_login(store, "bob", "a long pass phrase", &u, &err), DG_EAUTH);
    snprintf(unknown, sizeof unknown, "%s", err.message);
    cr_assert_str_eq(wrong, unknown);
    cr_assert_null(strstr(wrong, "phrasE"));
    cr_assert_eq(dg_user_disable(store, "ann", &err), 0, "%s", err.message);
    cr_assert_eq(dg_user_login(store, "ann", "a long pass phrase", &u, &err), DG_EAUTH);
    cr_assert_str_eq(err.message, unknown);
}

Test(auth, bad_users_refused_and_no_password_kept)
{
    dg_user u = { .role = DG_ROLE_ADMIN };
    snprintf(u.name, sizeof u.name, "ann");
    cr_assert_eq(dg_user_add(store, &u, "short", &err), DG_EINVAL);
    cr_assert_null(strstr(err.message, "short"), "%s", err.message);
    add("ann", DG_ROLE_ADMIN, "", "", "a long pass phrase");
    cr_assert_eq(dg_user_add(store, &u, "another long one", &err), DG_EEXIST);
    snprintf(u.name, sizeof u.name, " ann");
    cr_assert_eq(dg_user_add(store, &u, "another long one", &err), DG_EINVAL);
    cr_assert_eq(dg_user_disable(store, "nobody", &err), DG_ENOTFOUND);
    sqlite3 *db;
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, "SELECT password_hash FROM auth_users", -1, &st, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    const char *hash = (const char *)sqlite3_column_text(st, 0);
    cr_assert(strncmp(hash, "$argon2id$", 10) == 0, "%s", hash);
    cr_assert_null(strstr(hash, "pass phrase"));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

Test(auth, tokens_found_bounded_revoked_expired)
{
    add("max", DG_ROLE_MANAGER, "", "", "manager pass phrase");
    char token[DG_TOKEN_TEXT_MAX], low[DG_TOKEN_TEXT_MAX];
    int64_t id, low_id, found_id;
    dg_user u;
    cr_assert_eq(dg_token_create(store, "max", DG_ROLE_ADMIN, "", 0, token, &id, &err), DG_EINVAL);
    cr_assert_eq(dg_token_create(store, "nobody", DG_ROLE_NONE, "", 0, token, &id, &err),
                 DG_ENOTFOUND);
    cr_assert_eq(dg_token_create(store, "max", DG_ROLE_NONE, "job", 0, token, &id, &err), 0, "%s",
                 err.message);
    cr_assert_eq(strlen(token), DG_TOKEN_TEXT_MAX - 1);
    cr_assert_eq(dg_token_create(store, "max", DG_ROLE_ANALYST, "", 1000, low, &low_id, &err), 0);
    cr_assert_str_neq(token, low);
    int64_t now = (int64_t)time(NULL);
    cr_assert_eq(dg_token_verify(store, token, now, &u, &found_id, &err), 0, "%s", err.message);
    cr_assert_eq(found_id, id);
    cr_assert_eq(u.role, DG_ROLE_MANAGER);
    cr_assert_eq(dg_token_verify(store, low, 999, &u, &found_id, &err), 0, "%s", err.message);
    cr_assert_eq(u.role, DG_ROLE_ANALYST);
    cr_assert_eq(dg_token_verify(store, low, 1000, &u, &found_id, &err), DG_EAUTH);   /* expired */
    token[10] = token[10] == 'a' ? 'b' : 'a';
    cr_assert_eq(dg_token_verify(store, token, now, &u, &found_id, &err), DG_EAUTH);
    cr_assert_null(strstr(err.message, token));
    token[10] = token[10] == 'a' ? 'b' : 'a';
    cr_assert_eq(dg_token_verify(store, "dgt_xyz", now, &u, &found_id, &err), DG_EAUTH);
    cr_assert_eq(dg_token_revoke(store, id, &err), 0);
    cr_assert_eq(dg_token_verify(store, token, now, &u, &found_id, &err), DG_EAUTH);
    cr_assert_eq(dg_token_revoke(store, 999, &err), DG_ENOTFOUND);
    dg_token_info *list;
    size_t n;
    cr_assert_eq(dg_token_list(store, &list, &n, &err), 0);
    cr_assert_eq(n, 2);
    cr_assert_gt(list[0].revoked_at, 0);
    cr_assert_eq(list[1].revoked_at, 0);
    cr_assert_str_eq(list[0].label, "job");
    free(list);
    cr_assert_eq(dg_user_disable(store, "max", &err), 0);
    cr_assert_eq(dg_token_verify(store, low, 999, &u, &found_id, &err), DG_EAUTH);
}

/* A connection keeps the tokens it verified (schema 0024's auth generation): whatever another
 * connection (another process) changes of the tokens, the users or the token key is seen by
 * the very next verification. */
Test(auth, a_kept_token_follows_every_change_made_elsewhere)
{
    add("max", DG_ROLE_MANAGER, "", "", "manager pass phrase");
    char token[DG_TOKEN_TEXT_MAX], other[DG_TOKEN_TEXT_MAX];
    int64_t id, other_id, found_id, now = (int64_t)time(NULL);
    dg_user u;
    dg_store *elsewhere = NULL;
    cr_assert_eq(dg_token_create(store, "max", DG_ROLE_NONE, "", 0, token, &id, &err), 0);
    cr_assert_eq(dg_token_create(store, "max", DG_ROLE_NONE, "", 0, other, &other_id, &err), 0);
    cr_assert_eq(dg_store_open(&elsewhere, path, 0, &err), 0, "%s", err.message);
    sqlite3 *raw = NULL;
    cr_assert_eq(sqlite3_open(path, &raw), SQLITE_OK);
    sqlite3_busy_timeout(raw, 5000);
    for (int i = 0; i < 2; i++) {   /* the second time from the connection's memory */
        cr_assert_eq(dg_token_verify(store, token, now, &u, &found_id, &err), 0, "%s", err.message);
        cr_assert_eq(u.role, DG_ROLE_MANAGER);
    }
    /* a role changed by hand */
    cr_assert_eq(sqlite3_exec(raw, "UPDATE auth_tokens SET role = 'analyst'", NULL, NULL, NULL),
                 SQLITE_OK);
    cr_assert_eq(dg_token_verify(store, token, now, &u, &found_id, &err), 0, "%s", err.message);
    cr_assert_eq(u.role, DG_ROLE_ANALYST);
    /* revoked by another connection */
    cr_assert_eq(dg_token_verify(store, other, now, &u, &found_id, &err), 0, "%s", err.message);
    cr_assert_eq(dg_token_revoke(elsewhere, other_id, &err), 0, "%s", err.message);
    cr_assert_eq(dg_token_verify(store, other, now, &u, &found_id, &err), DG_EAUTH);
    cr_assert_eq(dg_token_verify(store, token, now, &u, &found_id, &err), 0, "%s", err.message);
    /* a new token key: the tokens made under the old one are unknown */
    cr_assert_eq(sqlite3_exec(raw, "UPDATE settings SET value = '"
                              "00000000000000000000000000000000"
                              "00000000000000000000000000000000' WHERE key = 'auth_token_key'",
                              NULL, NULL, NULL), SQLITE_OK);
    cr_assert_eq(dg_token_verify(store, token, now, &u, &found_id, &err), DG_EAUTH);
    /* a disabled user */
    char fresh[DG_TOKEN_TEXT_MAX];
    cr_assert_eq(dg_token_create(elsewhere, "max", DG_ROLE_NONE, "", 0, fresh, &id, &err), 0);
    cr_assert_eq(dg_token_verify(store, fresh, now, &u, &found_id, &err), 0, "%s", err.message);
    cr_assert_eq(dg_user_disable(elsewhere, "max", &err), 0, "%s", err.message);
    cr_assert_eq(dg_token_verify(store, fresh, now, &u, &found_id, &err), DG_EAUTH);
    sqlite3_close(raw);
    dg_store_close(elsewhere);
}

Test(auth, agent_customers_by_staff_and_site)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db,
        "INSERT INTO staff (staff_id, site) VALUES ('S1', 'Gangnam'), ('S2', 'Busan');"
        "INSERT INTO customers (customer_id, staff_id) VALUES ('C1', 'S1'), ('C2', 'S2'),"
        " ('C3', NULL);", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    dg_user by_site = { .role = DG_ROLE_AGENT }, by_staff = { .role = DG_ROLE_AGENT };
    snprintf(by_site.site, sizeof by_site.site, "Gangnam");
    snprintf(by_staff.staff_id, sizeof by_staff.staff_id, "S2");
    const struct { const dg_user *u; const char *customer; bool allowed; } cases[] = {
        { &by_site, "C1", true }, { &by_site, "C2", false }, { &by_site, "C3", false },
        { &by_site, "C9", false }, { &by_staff, "C2", true }, { &by_staff, "C1", false },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool allowed = !cases[i].allowed;
        cr_assert_eq(dg_user_customer_allowed(store, cases[i].u, cases[i].customer, &allowed,
                                              &err), 0, "%s", err.message);
        cr_assert_eq(allowed, cases[i].allowed, "case %zu", i);
    }
}
