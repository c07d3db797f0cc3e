/* The server's users in the store (auth_users, schema 0004): adding, disabling, listing, and the
 * password check (a PostgreSQL store's SQL is in users_postgres.c). Passwords are hashed with
 * Argon2id (crypto_pwhash_str, libsodium's interactive limits: the salt and the parameters
 * travel in the hash string); an unknown name costs a hash too, so the time taken does not tell
 * which names exist. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "dangol/auth.h"
#include "dangol/id.h"
#include "store/snapshot.h"
#include "store/postgres.h"
#include "store/users.h"
#include "store/users_postgres.h"

#define USER_COLUMNS DG__USER_COLUMNS

static void copy_text(char *dst, sqlite3_stmt *st, int col)
{
    const unsigned char *text = sqlite3_column_text(st, col);
    snprintf(dst, DG_USER_TEXT_MAX, "%s", text ? (const char *)text : "");
}

dg_role dg__role_from_code(const char *code)
{
    dg_role role = DG_ROLE_NONE;
    return code && dg_role_parse(code, &role, NULL) == 0 ? role : DG_ROLE_NONE;
}

void dg__user_from_row(sqlite3_stmt *st, int first, dg_user *user)
{
    memset(user, 0, sizeof *user);
    user->user_id = sqlite3_column_int64(st, first);
    copy_text(user->name, st, first + 1);
    user->role = dg__role_from_code((const char *)sqlite3_column_text(st, first + 2));
    user->disabled = sqlite3_column_int(st, first + 3) != 0;
    copy_text(user->site, st, first + 4);
    copy_text(user->staff_id, st, first + 5);
    user->created_at = sqlite3_column_int64(st, first + 6);
}

int dg__auth_grow(void **list, size_t *cap, size_t count, size_t item_size, dg_error *err)
{
    if (count < *cap)
        return 0;
    size_t grown_cap = *cap ? *cap * 2 : 16;
    void *grown = realloc(*list, grown_cap * item_size);
    if (!grown)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    *list = grown;
    *cap = grown_cap;
    return 0;
}

static int check_text(const char *what, const char *text, bool required, dg_error *err)
{
    size_t len = strlen(text);
    if (required && len == 0)
        return dg_error_set(err, DG_EINVAL, "a user needs a %s", what);
    if (len >= DG_USER_TEXT_MAX)
        return dg_error_set(err, DG_EINVAL, "%s \"%.20s...\" is too long (at most %d bytes)", what,
                            text, DG_USER_TEXT_MAX - 1);
    return len ? dg_id_check(what, text, len, err) : 0;
}

int dg_user_add(dg_store *store, dg_user *user, const char *password, dg_error *err)
{
    char hash[crypto_pwhash_STRBYTES];
    sqlite3_stmt *st = NULL;
    int rc;
    size_t pw_len = strlen(password);
    if ((rc = check_text("name", user->name, true, err)) != 0 ||
        (rc = check_text("site", user->site, false, err)) != 0 ||
        (rc = check_text("staff_id", user->staff_id, false, err)) != 0)
        return rc;
    if (user->role < DG_ROLE_AGENT || user->role > DG_ROLE_ADMIN)
        return dg_error_set(err, DG_EINVAL, "user %s needs a role: admin, manager, analyst or "
                            "agent", user->name);
    if (pw_len < DG_PASSWORD_MIN || pw_len > DG_PASSWORD_MAX)
        return dg_error_set(err, DG_EINVAL, "the password of %s has %zu bytes; it needs %d to %d",
                            user->name, pw_len, DG_PASSWORD_MIN, DG_PASSWORD_MAX);
    if (crypto_pwhash_str(hash, password, pw_len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return dg_error_set(err, DG_ENOMEM, "out of memory hashing the password (Argon2id needs "
                            "%zu MiB)", (size_t)crypto_pwhash_MEMLIMIT_INTERACTIVE >> 20);
    user->created_at = (int64_t)time(NULL);
    user->disabled = false;
    if (dg__store_pg(store)) {
        rc = dg__pg_user_insert(dg__store_pg(store), user, hash, err);
        sodium_memzero(hash, sizeof hash);
        return rc;
    }
    if ((rc = dg__store_statement(store, "INSERT INTO auth_users (name, role, password_hash, site, "
                               "staff_id, created_at) VALUES (?, ?, ?, nullif(?, ''), "
                               "nullif(?, ''), ?)", &st, err)) != 0)
        goto cleanup;
    sqlite3_bind_text(st, 1, user->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dg_role_name(user->role), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, user->site, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, user->staff_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, user->created_at);
    int step = sqlite3_step(st);
    if ((step & 0xff) == SQLITE_CONSTRAINT)
        rc = dg_error_set(err, DG_EEXIST, "user %s exists already", user->name);
    else if (step != SQLITE_DONE)
        rc = dg__store_error(store, err, "adding the user");
    else
        user->user_id = sqlite3_last_insert_rowid(dg__store_db(store));
cleanup:
    dg__store_statement_done(store, st);
    sodium_memzero(hash, sizeof hash);
    return rc;
}

/* The user's disabling and their tokens' revoking on a SQLite store, inside the caller's
 * transaction. */
static int disable_sqlite(dg_store *store, const char *name, dg_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;
    if ((rc = dg__store_statement(store, "UPDATE auth_users SET disabled = 1 WHERE name = ?", &st,
                               err)) != 0)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = dg__store_error(store, err, "disabling the user");
        goto cleanup;
    }
    if (sqlite3_changes(dg__store_db(store)) == 0) {
        rc = dg_error_set(err, DG_ENOTFOUND, "no user %s", name);
        goto cleanup;
    }
    dg__store_statement_done(store, st);
    if ((rc = dg__store_statement(store, "UPDATE auth_tokens SET revoked_at = ? WHERE revoked_at IS "
                               "NULL AND user_id = (SELECT user_id FROM auth_users WHERE name = ?)",
                               &st, err)) != 0)
        goto cleanup;
    sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = dg__store_error(store, err, "revoking the user's tokens");
cleanup:
    dg__store_statement_done(store, st);
    return rc;
}

int dg_user_disable(dg_store *store, const char *name, dg_error *err)
{
    int rc = dg_store_begin(store, err);
    if (rc != 0)
        return rc;
    rc = dg__store_pg(store) ? dg__pg_user_disable(dg__store_pg(store), name, (int64_t)time(NULL),
                                                   err)
                             : disable_sqlite(store, name, err);
    if (rc == 0)
        return dg_store_commit(store, err);
    dg_store_rollback(store);
    return rc;
}

int dg_user_list(dg_store *store, dg_user **users, size_t *n, dg_error *err)
{
    sqlite3_stmt *st = NULL;
    dg_user *list = NULL;
    size_t count = 0, cap = 0;
    int rc, step;
    *users = NULL;
    *n = 0;
    if (dg__store_pg(store))
        return dg__pg_user_list(dg__store_pg(store), users, n, err);
    if ((rc = dg__store_statement(store, "SELECT " USER_COLUMNS " FROM auth_users ORDER BY name",
                               &st, err)) != 0)
        return rc;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if ((rc = dg__auth_grow((void **)&list, &cap, count, sizeof *list, err)) != 0)
            goto cleanup;
        dg__user_from_row(st, 0, &list[count++]);
    }
    if (step != SQLITE_DONE)
        rc = dg__store_error(store, err, "listing the users");
cleanup:
    dg__store_statement_done(store, st);
    if (rc != 0) {
        free(list);
        return rc;
    }
    *users = list;
    *n = count;
    return 0;
}

int dg_user_get(dg_store *store, int64_t user_id, dg_user *user, dg_error *err)
{
    sqlite3_stmt *st = NULL;
    if (dg__store_pg(store)) {
        dg__pg_number id;
        bool found = false;
        int rc = dg__pg_user_find(dg__store_pg(store), "user_id", dg__pg_int(id, user_id), user,
                                  NULL, 0, &found, err);
        if (rc == 0 && !found)
            rc = dg_error_set(err, DG_ENOTFOUND, "no user %lld", (long long)user_id);
        return rc;
    }
    int rc = dg__store_statement(store, "SELECT " USER_COLUMNS " FROM auth_users WHERE user_id = ?",
                              &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, user_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        dg__user_from_row(st, 0, user);
    else if (step == SQLITE_DONE)
        rc = dg_error_set(err, DG_ENOTFOUND, "no user %lld", (long long)user_id);
    else
        rc = dg__store_error(store, err, "reading the users");
    dg__store_statement_done(store, st);
    return rc;
}

int dg_user_customer_allowed(dg_store *store, const dg_user *user, const char *customer_id,
                             bool *allowed, dg_error *err)
{
    sqlite3_stmt *st = NULL;
    *allowed = false;
    if (dg__store_pg(store))
        return dg__pg_user_customer_allowed(dg__store_pg(store), user, customer_id, allowed, err);
    int rc = dg__store_statement(store, "SELECT EXISTS (SELECT 1 FROM customers c LEFT JOIN staff s "
                              "ON s.staff_id = c.staff_id WHERE c.customer_id = ?1 AND "
                              "((?2 <> '' AND c.staff_id = ?2) OR (?3 <> '' AND s.site = ?3)))",
                              &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, customer_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, user->staff_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, user->site, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        *allowed = sqlite3_column_int(st, 0) != 0;
    else
        rc = dg__store_error(store, err, "reading the customer's staff");
    dg__store_statement_done(store, st);
    return rc;
}

int dg_user_any(dg_store *store, bool *any, dg_error *err)
{
    sqlite3_stmt *st = NULL;
    if (dg__store_pg(store))   /* the server asks at its start whether sign-in is needed */
        return dg__pg_flag(dg__store_pg(store), "SELECT EXISTS (SELECT 1 FROM auth_users)", any,
                           "reading the users", err);
    int rc = dg__store_statement(store, "SELECT EXISTS (SELECT 1 FROM auth_users)", &st, err);
    if (rc != 0)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        *any = sqlite3_column_int(st, 0) != 0;
    else
        rc = dg__store_error(store, err, "reading the users");
    dg__store_statement_done(store, st);
    return rc;
}

int dg_user_login(dg_store *store, const char *name, const char *password, dg_user *user,
                  dg_error *err)
{
    sqlite3_stmt *st = NULL;
    char hash[crypto_pwhash_STRBYTES] = "";
    size_t pw_len = strlen(password);
    bool found = false;
    int rc = dg__store_pg(store)
                 ? dg__pg_user_find(dg__store_pg(store), "name", name, user, hash, sizeof hash,
                                    &found, err)
                 : dg__store_statement(store, "SELECT " USER_COLUMNS ", password_hash FROM "
                                       "auth_users WHERE name = ?", &st, err);
    if (rc != 0)
        return rc;
    if (st) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        int step = sqlite3_step(st);
        found = step == SQLITE_ROW;
        if (found) {
            dg__user_from_row(st, 0, user);
            const unsigned char *stored = sqlite3_column_text(st, 7);
            snprintf(hash, sizeof hash, "%s", stored ? (const char *)stored : "");
        } else if (step != SQLITE_DONE) {
            rc = dg__store_error(store, err, "reading the users");
        }
        dg__store_statement_done(store, st);
        if (rc != 0)
            return rc;
    }
    bool ok = false;
    if (found && pw_len <= DG_PASSWORD_MAX)
        ok = crypto_pwhash_str_verify(hash, password, pw_len) == 0;
    else if (crypto_pwhash_str(hash, password, pw_len > DG_PASSWORD_MAX ? 0 : pw_len,
                               crypto_pwhash_OPSLIMIT_INTERACTIVE,
                               crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        ok = false;   /* the same work for a name that does not exist; refused either way */
    sodium_memzero(hash, sizeof hash);
    if (!ok || user->disabled) {
        memset(user, 0, sizeof *user);
        return dg_error_set(err, DG_EAUTH, "unknown user or wrong password");
    }
    return 0;
}
