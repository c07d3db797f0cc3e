/* Private to the store's auth tables: what the users (users_sqlite.c), the tokens
 * (tokens_sqlite.c) and their PostgreSQL side (users_postgres.c) share. */
#ifndef DANGOL_STORE_USERS_H
#define DANGOL_STORE_USERS_H

#include <sqlite3.h>

#include "dangol/auth.h"

/* The columns a dg_user is read from, in the order dg__user_from_row takes them. */
#define DG__USER_COLUMNS "user_id, name, role, disabled, coalesce(site, ''), " \
                         "coalesce(staff_id, ''), created_at"

/* A token's row with its user: the user (with the token's role in user.role), the token's id,
 * its keyed hash, its expiry (0: never) and whether it is revoked. */
typedef struct dg__token_row {
    dg_user user;
    int64_t token_id;
    unsigned char hash[32];   /* crypto_generichash_BYTES */
    int64_t expires_at;
    bool revoked;
} dg__token_row;

/* How many verified tokens a connection keeps (the server's API clients, per pool thread). */
#define DG__TOKEN_CACHE_SLOTS 8

/* A connection's memory of token look-ups (tokens_sqlite.c): the store's token key and the
 * tokens it verified lately, all as of the auth generation read before them (schema 0024). They
 * hold only while the store's generation is that one: any change of the users, the tokens or the
 * key moves it on, and the next look-up forgets them all. */
typedef struct dg__token_cache {
    bool current;              /* generation was read: key_known and the slots are of it */
    int64_t generation;
    bool key_known;
    unsigned char key[32];     /* crypto_generichash_KEYBYTES */
    struct {
        bool used;
        dg__token_row row;     /* found under the key, in force (expiry aside) */
    } slots[DG__TOKEN_CACHE_SLOTS];
    size_t next_slot;          /* the slot to fill next (round robin) */
} dg__token_cache;

/* The role of its code, DG_ROLE_NONE for anything else. */
dg_role dg__role_from_code(const char *code);
/* Fills user from the row's columns first.. (user_id, name, role, disabled, site, staff_id,
 * created_at). */
void dg__user_from_row(sqlite3_stmt *st, int first, dg_user *user);

/* Room for one more item of item_size bytes in *list (count used of *cap), doubling it. */
int dg__auth_grow(void **list, size_t *cap, size_t count, size_t item_size, dg_error *err);

#endif
