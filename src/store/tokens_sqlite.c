/* API tokens in the store (auth_tokens, schema 0004). A token is "dgt_" and 64 hex digits of
 * randombytes_buf; the store keeps only its BLAKE2b-256 hash keyed with the store's token key
 * (the settings row auth_token_key, 32 random bytes made with the first token). A fast hash is
 * right here: a 256-bit random value cannot be guessed, and the server looks one up per
 * request. The look-up is by hash; the found hash is compared again in constant time. Its
 * statements come from the connection's cache (dg__store_statement), as the users' do: preparing
 * them for every request cost more than the look-up (a third of the server's time). A verified
 * token is kept by the connection while the store's auth generation (schema 0024) stays what it
 * was before the token was read, so a request reads one integer, and any change of the users,
 * tokens or key, by any process, is seen by the next one. A PostgreSQL store's SQL is in
 * users_postgres.c; the keys, texts, checks and the cache here serve both. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "dangol/auth.h"
#include "store/snapshot.h"
#include "store/users.h"
#include "store/users_postgres.h"

#define TOKEN_KEY_SETTING "auth_token_key"
#define TOKEN_RANDOM_BYTES 32

/* The store's token key; made (inside the caller's transaction) when create is set. DG_EAUTH
 * when there is none and create is not set. */
static int token_key(dg_store *store, bool create, unsigned char key[crypto_generichash_KEYBYTES],
                     dg_error *err)
{
    char hex[2 * crypto_generichash_KEYBYTES + 1];
    dg_error local;
    dg_error_clear(&local);
    int rc = dg_store_setting_get(store, TOKEN_KEY_SETTING, hex, sizeof hex, &local);
    if (rc == DG_ENOTFOUND && create) {
        randombytes_buf(key, crypto_generichash_KEYBYTES);
        sodium_bin2hex(hex, sizeof hex, key, crypto_generichash_KEYBYTES);
        rc = dg_store_setting_set(store, TOKEN_KEY_SETTING, hex, err);
        sodium_memzero(hex, sizeof hex);
        return rc;
    }
    if (rc == DG_ENOTFOUND)
        return dg_error_set(err, DG_EAUTH, "invalid token");
    if (rc != 0) {
        if (err)
            *err = local;
        return rc;
    }
    size_t len = 0;
    rc = sodium_hex2bin(key, crypto_generichash_KEYBYTES, hex, strlen(hex), NULL, &len, NULL);
    sodium_memzero(hex, sizeof hex);
    if (rc != 0 || len != crypto_generichash_KEYBYTES)
        return dg_error_set(err, DG_ESTORE, "the store's %s setting is not %d hex bytes",
                            TOKEN_KEY_SETTING, crypto_generichash_KEYBYTES);
    return 0;
}

static void token_hash(const unsigned char key[crypto_generichash_KEYBYTES], const char *token,
                       unsigned char hash[crypto_generichash_BYTES])
{
    crypto_generichash(hash, crypto_generichash_BYTES, (const unsigned char *)token,
                       strlen(token), key, crypto_generichash_KEYBYTES);
}

/* The user named into *user; DG_ENOTFOUND when there is none. */
static int find_user(dg_store *store, const char *name, dg_user *user, dg_error *err)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    int rc = dg__store_pg(store)
                 ? dg__pg_user_find(dg__store_pg(store), "name", name, user, NULL, 0, &found, err)
                 : dg__store_statement(store, "SELECT " DG__USER_COLUMNS " FROM auth_users "
                                       "WHERE name = ?", &st, err);
    if (rc == 0 && st) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        int step = sqlite3_step(st);
        found = step == SQLITE_ROW;
        if (found)
            dg__user_from_row(st, 0, user);
        else if (step != SQLITE_DONE)
            rc = dg__store_error(store, err, "reading the users");
        dg__store_statement_done(store, st);
    }
    return rc != 0 || found ? rc : dg_error_set(err, DG_ENOTFOUND, "no user %s", name);
}

/* Adds the token of row (user.user_id, user.role, hash, expires_at); sets row->token_id. */
static int insert_token(dg_store *store, dg__token_row *row, const char *label, dg_error *err)
{
    sqlite3_stmt *st = NULL;
    int64_t now = (int64_t)time(NULL);
    if (dg__store_pg(store))
        return dg__pg_token_insert(dg__store_pg(store), row, now, label, err);
    int rc = dg__store_statement(store, "INSERT INTO auth_tokens (user_id, label, role, "
                                 "token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, "
                                 "nullif(?, 0))", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, row->user.user_id);
    sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, dg_role_name(row->user.role), -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 4, row->hash, sizeof row->hash, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now);
    sqlite3_bind_int64(st, 6, row->expires_at);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = dg__store_error(store, err, "adding the token");
    else
        row->token_id = sqlite3_last_insert_rowid(dg__store_db(store));
    dg__store_statement_done(store, st);
    return rc;
}

int dg_token_create(dg_store *store, const char *user_name, dg_role role, const char *label,
                    int64_t expires_at, char token[DG_TOKEN_TEXT_MAX], int64_t *token_id,
                    dg_error *err)
{
    unsigned char key[crypto_generichash_KEYBYTES], random[TOKEN_RANDOM_BYTES];
    dg__token_row row = { .expires_at = expires_at };
    dg_user user;
    int rc;
    token[0] = '\0';
    if (strlen(label) >= DG_USER_TEXT_MAX)
        return dg_error_set(err, DG_EINVAL, "the token's label is too long (at most %d bytes)",
                            DG_USER_TEXT_MAX - 1);
    if ((rc = dg_store_begin(store, err)) != 0)
        return rc;
    if ((rc = find_user(store, user_name, &user, err)) != 0)
        goto cleanup;
    if (user.disabled) {
        rc = dg_error_set(err, DG_EINVAL, "user %s is disabled", user_name);
        goto cleanup;
    }
    if (role == DG_ROLE_NONE)
        role = user.role;
    if (role > user.role || (role == DG_ROLE_AGENT) != (user.role == DG_ROLE_AGENT)) {
        rc = dg_error_set(err, DG_EINVAL, "a token of %s (%s) cannot have the role %s: a token "
                          "has its user's role or a lower one, and only an agent's is an agent's",
                          user_name, dg_role_name(user.role), dg_role_name(role));
        goto cleanup;
    }
    if ((rc = token_key(store, true, key, err)) != 0)
        goto cleanup;
    randombytes_buf(random, sizeof random);
    memcpy(token, DG_TOKEN_PREFIX, sizeof DG_TOKEN_PREFIX);
    sodium_bin2hex(token + strlen(DG_TOKEN_PREFIX), DG_TOKEN_TEXT_MAX - strlen(DG_TOKEN_PREFIX),
                   random, sizeof random);
    token_hash(key, token, row.hash);
    row.user.user_id = user.user_id;
    row.user.role = role;
    if ((rc = insert_token(store, &row, label, err)) == 0)
        *token_id = row.token_id;
cleanup:
    sodium_memzero(key, sizeof key);
    sodium_memzero(random, sizeof random);
    if (rc == 0 && (rc = dg_store_commit(store, err)) == 0)
        return 0;
    if (rc != 0)
        dg_store_rollback(store);
    sodium_memzero(token, DG_TOKEN_TEXT_MAX);
    return rc;
}

int dg_token_revoke(dg_store *store, int64_t token_id, dg_error *err)
{
    sqlite3_stmt *st = NULL;
    if (dg__store_pg(store))
        return dg__pg_token_revoke(dg__store_pg(store), token_id, (int64_t)time(NULL), err);
    int rc = dg__store_statement(store, "UPDATE auth_tokens SET revoked_at = coalesce(revoked_at, ?) "
                              "WHERE token_id = ?", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
    sqlite3_bind_int64(st, 2, token_id);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = dg__store_error(store, err, "revoking the token");
    else if (sqlite3_changes(dg__store_db(store)) == 0)
        rc = dg_error_set(err, DG_ENOTFOUND, "no token %lld", (long long)token_id);
    dg__store_statement_done(store, st);
    return rc;
}

int dg_token_list(dg_store *store, dg_token_info **tokens, size_t *n, dg_error *err)
{
    sqlite3_stmt *st = NULL;
    dg_token_info *list = NULL;
    size_t count = 0, cap = 0;
    int rc, step;
    *tokens = NULL;
    *n = 0;
    if (dg__store_pg(store))
        return dg__pg_token_list(dg__store_pg(store), tokens, n, err);
    if ((rc = dg__store_statement(store, "SELECT t.token_id, u.name, t.label, t.role, t.created_at, "
                               "coalesce(t.expires_at, 0), coalesce(t.revoked_at, 0) FROM "
                               "auth_tokens t JOIN auth_users u USING (user_id) ORDER BY "
                               "t.token_id", &st, err)) != 0)
        return rc;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if ((rc = dg__auth_grow((void **)&list, &cap, count, sizeof *list, err)) != 0)
            goto cleanup;
        dg_token_info *t = &list[count++];
        memset(t, 0, sizeof *t);
        t->token_id = sqlite3_column_int64(st, 0);
        snprintf(t->user, sizeof t->user, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(t->label, sizeof t->label, "%s", (const char *)sqlite3_column_text(st, 2));
        t->role = dg__role_from_code((const char *)sqlite3_column_text(st, 3));
        t->created_at = sqlite3_column_int64(st, 4);
        t->expires_at = sqlite3_column_int64(st, 5);
        t->revoked_at = sqlite3_column_int64(st, 6);
    }
    if (step != SQLITE_DONE)
        rc = dg__store_error(store, err, "listing the tokens");
cleanup:
    dg__store_statement_done(store, st);
    if (rc != 0) {
        free(list);
        return rc;
    }
    *tokens = list;
    *n = count;
    return 0;
}

static bool token_well_formed(const char *token)
{
    size_t prefix = strlen(DG_TOKEN_PREFIX);
    if (strncmp(token, DG_TOKEN_PREFIX, prefix) != 0 ||
        strlen(token) != DG_TOKEN_TEXT_MAX - 1)
        return false;
    return strspn(token + prefix, "0123456789abcdef") == DG_TOKEN_TEXT_MAX - 1 - prefix;
}

/* The store's auth generation (schema 0024) into *generation. */
static int auth_generation(dg_store *store, int64_t *generation, dg_error *err)
{
    sqlite3_stmt *st = NULL;
    if (dg__store_pg(store))
        return dg__pg_scalar(dg__store_pg(store), "SELECT generation FROM auth_generation", 0,
                             NULL, generation, "reading the auth generation", err);
    int rc = dg__store_statement(store, "SELECT generation FROM auth_generation", &st, err);
    if (rc != 0)
        return rc;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        *generation = sqlite3_column_int64(st, 0);
    else if (step == SQLITE_DONE)   /* nothing can be taken from the cache: no token is let in */
        rc = dg_error_set(err, DG_ESTORE, "the store's auth_generation row is missing");
    else
        rc = dg__store_error(store, err, "reading the auth generation");
    dg__store_statement_done(store, st);
    return rc;
}

/* The connection's token cache as of the store's generation now into *cache, forgotten when
 * the generation has moved on. */
static int current_cache(dg_store *store, dg__token_cache **cache, dg_error *err)
{
    int64_t generation = 0;
    int rc = auth_generation(store, &generation, err);
    if (rc != 0)
        return rc;
    *cache = dg__store_token_cache(store);
    if (!(*cache)->current || (*cache)->generation != generation) {
        sodium_memzero(*cache, sizeof **cache);
        (*cache)->current = true;
        (*cache)->generation = generation;
    }
    return 0;
}

/* The cached row of the token whose keyed hash is hash, or NULL. Every slot is compared, in
 * constant time. */
static const dg__token_row *cached_token(const dg__token_cache *cache,
                                         const unsigned char hash[crypto_generichash_BYTES])
{
    const dg__token_row *hit = NULL;
    for (size_t i = 0; i < DG__TOKEN_CACHE_SLOTS; i++)
        if (cache->slots[i].used &&
            sodium_memcmp(cache->slots[i].row.hash, hash, crypto_generichash_BYTES) == 0)
            hit = &cache->slots[i].row;
    return hit;
}

static void cache_token(dg__token_cache *cache, const dg__token_row *row)
{
    size_t i = cache->next_slot;
    cache->slots[i].used = true;
    cache->slots[i].row = *row;
    cache->next_slot = (i + 1) % DG__TOKEN_CACHE_SLOTS;
}

/* The token whose keyed hash is row->hash into *row (its stored hash replacing it); *found
 * false when there is none. */
static int find_token(dg_store *store, dg__token_row *row, bool *found, dg_error *err)
{
    sqlite3_stmt *st = NULL;
    if (dg__store_pg(store))
        return dg__pg_token_find(dg__store_pg(store), row, found, err);
    int rc = dg__store_statement(store, "SELECT u.user_id, u.name, u.role, u.disabled, "
                                 "coalesce(u.site, ''), coalesce(u.staff_id, ''), u.created_at, "
                                 "t.token_id, t.role, t.token_hash, coalesce(t.expires_at, 0), "
                                 "t.revoked_at IS NOT NULL FROM auth_tokens t JOIN auth_users u "
                                 "USING (user_id) WHERE t.token_hash = ?", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_blob(st, 1, row->hash, sizeof row->hash, SQLITE_STATIC);
    int step = sqlite3_step(st);
    *found = step == SQLITE_ROW;
    if (*found) {
        const void *stored = sqlite3_column_blob(st, 9);
        if (stored && sqlite3_column_bytes(st, 9) == (int)sizeof row->hash)
            memcpy(row->hash, stored, sizeof row->hash);
        else   /* never matches the hash looked for */
            memset(row->hash, 0, sizeof row->hash);
        dg__user_from_row(st, 0, &row->user);
        row->token_id = sqlite3_column_int64(st, 7);
        row->user.role = dg__role_from_code((const char *)sqlite3_column_text(st, 8));
        row->expires_at = sqlite3_column_int64(st, 10);
        row->revoked = sqlite3_column_int(st, 11) != 0;
    } else if (step != SQLITE_DONE) {
        rc = dg__store_error(store, err, "reading the tokens");
    }
    dg__store_statement_done(store, st);
    return rc;
}

int dg_token_verify(dg_store *store, const char *token, int64_t now, dg_user *user,
                    int64_t *token_id, dg_error *err)
{
    _Static_assert(sizeof ((dg__token_cache *)0)->key == crypto_generichash_KEYBYTES,
                   "the cached token key has the key's size");
    _Static_assert(sizeof ((dg__token_row *)0)->hash == crypto_generichash_BYTES,
                   "a token row holds the token's hash");
    unsigned char hash[crypto_generichash_BYTES];
    memset(user, 0, sizeof *user);
    if (!token_well_formed(token))
        return dg_error_set(err, DG_EAUTH, "invalid token");
    /* the generation first: a change committed after it is read moves it on, so a row read
     * after it is never kept past that change */
    dg__token_cache *cache = NULL;
    int rc = current_cache(store, &cache, err);
    if (rc == 0 && !cache->key_known && (rc = token_key(store, false, cache->key, err)) == 0)
        cache->key_known = true;
    if (rc != 0)
        return rc;
    token_hash(cache->key, token, hash);
    const dg__token_row *row = cached_token(cache, hash);
    if (!row) {
        dg__token_row found_row;
        bool found = false;
        memcpy(found_row.hash, hash, sizeof hash);
        if ((rc = find_token(store, &found_row, &found, err)) != 0)
            return rc;
        if (found && sodium_memcmp(found_row.hash, hash, sizeof hash) == 0 &&
            !found_row.revoked && !found_row.user.disabled &&
            found_row.user.role != DG_ROLE_NONE) {
            cache_token(cache, &found_row);
            row = cached_token(cache, hash);
        }
        sodium_memzero(&found_row, sizeof found_row);
    }
    if (!row || (row->expires_at != 0 && now >= row->expires_at))
        return dg_error_set(err, DG_EAUTH, "invalid, revoked or expired token");
    *user = row->user;
    *token_id = row->token_id;
    return 0;
}
