/* Private to the store: the users' and tokens' SQL on a PostgreSQL store (users_postgres.c),
 * called by the public functions of users_sqlite.c and tokens_sqlite.c for a PostgreSQL store.
 * The checks, the password hashing and the token texts stay there, shared by both backends;
 * only the reading and writing of the rows differ. */
#ifndef DANGOL_STORE_USERS_POSTGRES_H
#define DANGOL_STORE_USERS_POSTGRES_H

#include "store/postgres.h"
#include "store/users.h"

/* Adds user with its password hash; sets user->user_id. DG_EEXIST for a taken name. */
int dg__pg_user_insert(dg_pg *pg, dg_user *user, const char *password_hash, dg_error *err);
/* Inside the caller's transaction: disables the user named and revokes their tokens at now;
 * DG_ENOTFOUND for an unknown name. */
int dg__pg_user_disable(dg_pg *pg, const char *name, int64_t now, dg_error *err);
int dg__pg_user_list(dg_pg *pg, dg_user **users, size_t *n, dg_error *err);
/* The user whose column ("user_id" or "name") is value into *user (and its password hash into
 * hash, cap bytes, unless NULL); *found false when there is none. */
int dg__pg_user_find(dg_pg *pg, const char *column, const char *value, dg_user *user, char *hash,
                     size_t cap, bool *found, dg_error *err);
int dg__pg_user_customer_allowed(dg_pg *pg, const dg_user *user, const char *customer_id,
                                 bool *allowed, dg_error *err);

/* Adds the token of row (user.user_id, user.role, hash, expires_at); sets row->token_id. */
int dg__pg_token_insert(dg_pg *pg, dg__token_row *row, int64_t created_at, const char *label,
                        dg_error *err);
int dg__pg_token_revoke(dg_pg *pg, int64_t token_id, int64_t now, dg_error *err);
int dg__pg_token_list(dg_pg *pg, dg_token_info **tokens, size_t *n, dg_error *err);
/* The token whose keyed hash is row->hash into *row; *found false when there is none. */
int dg__pg_token_find(dg_pg *pg, dg__token_row *row, bool *found, dg_error *err);

#endif
