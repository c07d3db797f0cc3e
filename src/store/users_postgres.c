/* The users' and tokens' rows on a PostgreSQL store (auth_users, auth_tokens of
 * schema/pg/0004), so `user`, `token` and the server's sign-in work there as on SQLite. The
 * public functions (users_sqlite.c, tokens_sqlite.c) check their input, hash the passwords and
 * make the tokens for both backends and call these for the SQL. Ids and times travel as decimal
 * text, token hashes as hex (encode/decode); names are ordered COLLATE "C", as SQLite orders
 * them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store/users_postgres.h"

#define HASH_HEX_MAX (2 * sizeof ((dg__token_row *)0)->hash + 1)

static void copy_field(char *dst, size_t cap, const PGresult *res, int r, int c)
{
    snprintf(dst, cap, "%s", PQgetvalue(res, r, c));
}

static int64_t int_field(const PGresult *res, int r, int c)
{
    return strtoll(PQgetvalue(res, r, c), NULL, 10);
}

/* The user of row r from its columns first.. (DG__USER_COLUMNS' order). */
static void user_from_result(const PGresult *res, int r, int first, dg_user *user)
{
    memset(user, 0, sizeof *user);
    user->user_id = int_field(res, r, first);
    copy_field(user->name, sizeof user->name, res, r, first + 1);
    user->role = dg__role_from_code(PQgetvalue(res, r, first + 2));
    user->disabled = int_field(res, r, first + 3) != 0;
    copy_field(user->site, sizeof user->site, res, r, first + 4);
    copy_field(user->staff_id, sizeof user->staff_id, res, r, first + 5);
    user->created_at = int_field(res, r, first + 6);
}

int dg__pg_user_insert(dg_pg *pg, dg_user *user, const char *password_hash, dg_error *err)
{
    dg__pg_number created;
    const char *params[] = { user->name, dg_role_name(user->role), password_hash, user->site,
                             user->staff_id, dg__pg_int(created, user->created_at) };
    int rc = dg__pg_scalar(pg, "INSERT INTO auth_users (name, role, password_hash, site, "
                           "staff_id, created_at) VALUES ($1, $2, $3, nullif($4, ''), "
                           "nullif($5, ''), $6) RETURNING user_id", 6, params, &user->user_id,
                           "adding the user", err);
    return rc == DG_EEXIST ? dg_error_set(err, DG_EEXIST, "user %s exists already", user->name)
                           : rc;
}

int dg__pg_user_disable(dg_pg *pg, const char *name, int64_t now, dg_error *err)
{
    dg__pg_number at;
    const char *params[] = { name, dg__pg_int(at, now) };
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, "UPDATE auth_users SET disabled = 1 WHERE name = $1", 1, params, &res,
                         "disabling the user", err);
    if (rc != 0)
        return rc;
    bool none = strcmp(PQcmdTuples(res), "0") == 0;
    PQclear(res);
    if (none)
        return dg_error_set(err, DG_ENOTFOUND, "no user %s", name);
    return dg__pg_exec(pg, "UPDATE auth_tokens SET revoked_at = $2 WHERE revoked_at IS NULL AND "
                       "user_id = (SELECT user_id FROM auth_users WHERE name = $1)", 2, params,
                       NULL, "revoking the user's tokens", err);
}

int dg__pg_user_list(dg_pg *pg, dg_user **users, size_t *n, dg_error *err)
{
    PGresult *res = NULL;
    dg_user *list = NULL;
    int rc = dg__pg_rows(pg, "SELECT " DG__USER_COLUMNS " FROM auth_users ORDER BY name "
                         "COLLATE \"C\"", 0, NULL, sizeof *list, (void **)&list, &res,
                         "listing the users", err);
    if (rc != 0)
        return rc;
    size_t count = (size_t)PQntuples(res);
    for (size_t r = 0; r < count; r++)
        user_from_result(res, (int)r, 0, &list[r]);
    PQclear(res);
    *users = list;
    *n = count;
    return 0;
}

int dg__pg_user_find(dg_pg *pg, const char *column, const char *value, dg_user *user, char *hash,
                     size_t cap, bool *found, dg_error *err)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT " DG__USER_COLUMNS ", password_hash FROM auth_users "
             "WHERE %s = $1", column);
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, sql, 1, &value, &res, "reading the users", err);
    if (rc != 0)
        return rc;
    *found = PQntuples(res) == 1;
    if (*found)
        user_from_result(res, 0, 0, user);
    if (*found && hash)
        copy_field(hash, cap, res, 0, 7);
    PQclear(res);
    return 0;
}

int dg__pg_user_customer_allowed(dg_pg *pg, const dg_user *user, const char *customer_id,
                                 bool *allowed, dg_error *err)
{
    const char *params[] = { customer_id, user->staff_id, user->site };
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, "SELECT EXISTS (SELECT 1 FROM customers c LEFT JOIN staff s ON "
                         "s.staff_id = c.staff_id WHERE c.customer_id = $1 AND "
                         "(($2 <> '' AND c.staff_id = $2) OR ($3 <> '' AND s.site = $3)))", 3,
                         params, &res, "reading the customer's staff", err);
    if (rc != 0)
        return rc;
    *allowed = PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);
    return 0;
}

int dg__pg_token_insert(dg_pg *pg, dg__token_row *row, int64_t created_at,
                        const char *label, dg_error *err)
{
    dg__pg_number user_id, created, expires;
    char hash[HASH_HEX_MAX];
    sodium_bin2hex(hash, sizeof hash, row->hash, sizeof row->hash);
    const char *params[] = { dg__pg_int(user_id, row->user.user_id), label,
                             dg_role_name(row->user.role), hash, dg__pg_int(created, created_at),
                             dg__pg_int(expires, row->expires_at) };
    return dg__pg_scalar(pg, "INSERT INTO auth_tokens (user_id, label, role, token_hash, "
                         "created_at, expires_at) VALUES ($1, $2, $3, decode($4, 'hex'), $5, "
                         "nullif($6::bigint, 0)) RETURNING token_id", 6, params,
                         &row->token_id, "adding the token", err);
}

int dg__pg_token_revoke(dg_pg *pg, int64_t token_id, int64_t now, dg_error *err)
{
    dg__pg_number id, at;
    const char *params[] = { dg__pg_int(at, now), dg__pg_int(id, token_id) };
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, "UPDATE auth_tokens SET revoked_at = coalesce(revoked_at, $1) "
                         "WHERE token_id = $2", 2, params, &res, "revoking the token", err);
    if (rc != 0)
        return rc;
    bool none = strcmp(PQcmdTuples(res), "0") == 0;
    PQclear(res);
    return none ? dg_error_set(err, DG_ENOTFOUND, "no token %lld", (long long)token_id) : 0;
}

int dg__pg_token_list(dg_pg *pg, dg_token_info **tokens, size_t *n, dg_error *err)
{
    PGresult *res = NULL;
    dg_token_info *list = NULL;
    int rc = dg__pg_rows(pg, "SELECT t.token_id, u.name, t.label, t.role, t.created_at, "
                         "coalesce(t.expires_at, 0), coalesce(t.revoked_at, 0) FROM auth_tokens t "
                         "JOIN auth_users u USING (user_id) ORDER BY t.token_id", 0, NULL,
                         sizeof *list, (void **)&list, &res, "listing the tokens", err);
    if (rc != 0)
        return rc;
    size_t count = (size_t)PQntuples(res);
    for (size_t r = 0; r < count; r++) {
        dg_token_info *t = &list[r];
        t->token_id = int_field(res, (int)r, 0);
        copy_field(t->user, sizeof t->user, res, (int)r, 1);
        copy_field(t->label, sizeof t->label, res, (int)r, 2);
        t->role = dg__role_from_code(PQgetvalue(res, (int)r, 3));
        t->created_at = int_field(res, (int)r, 4);
        t->expires_at = int_field(res, (int)r, 5);
        t->revoked_at = int_field(res, (int)r, 6);
    }
    PQclear(res);
    *tokens = list;
    *n = count;
    return 0;
}

int dg__pg_token_find(dg_pg *pg, dg__token_row *row, bool *found, dg_error *err)
{
    char hash[HASH_HEX_MAX];
    const char *param = hash;
    sodium_bin2hex(hash, sizeof hash, row->hash, sizeof row->hash);
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, "SELECT u.user_id, u.name, u.role, u.disabled, coalesce(u.site, ''), "
                         "coalesce(u.staff_id, ''), u.created_at, t.token_id, t.role, "
                         "encode(t.token_hash, 'hex'), coalesce(t.expires_at, 0), "
                         "t.revoked_at IS NOT NULL FROM auth_tokens t JOIN auth_users u "
                         "USING (user_id) WHERE t.token_hash = decode($1, 'hex')", 1, &param, &res,
                         "reading the tokens", err);
    if (rc != 0)
        return rc;
    *found = PQntuples(res) == 1;
    if (*found) {
        const char *stored = PQgetvalue(res, 0, 9);
        size_t len = 0;
        user_from_result(res, 0, 0, &row->user);
        row->token_id = int_field(res, 0, 7);
        row->user.role = dg__role_from_code(PQgetvalue(res, 0, 8));
        if (sodium_hex2bin(row->hash, sizeof row->hash, stored, strlen(stored), NULL, &len,
                           NULL) != 0 || len != sizeof row->hash)
            memset(row->hash, 0, sizeof row->hash);   /* never matches the hash looked for */
        row->expires_at = int_field(res, 0, 10);
        row->revoked = PQgetvalue(res, 0, 11)[0] == 't';
    }
    PQclear(res);
    return 0;
}
