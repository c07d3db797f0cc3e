/* Who may use a store through the server (docs/security.md): users with a role, signing in with a
 * password kept only as an Argon2id hash, and API tokens (256-bit random, shown once, kept only
 * as a keyed BLAKE2b hash, revocable, with an optional expiry). Roles are ordered
 * admin > manager > analyst; an agent sees only the customers assigned to them or to their site.
 * Secrets never appear in an error message. Built on libsodium: call dg_auth_init once first. */
#ifndef DANGOL_AUTH_H
#define DANGOL_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"
#include "dangol/store.h"

DG_API_BEGIN

/* The roles, least to most: a route names the least role it needs (DG_ROLE_NONE: anyone, signed
 * in or not). An agent passes only routes that say so, and only for their own customers. */
typedef enum dg_role {
    DG_ROLE_NONE = 0,
    DG_ROLE_AGENT = 1,
    DG_ROLE_ANALYST = 2,
    DG_ROLE_MANAGER = 3,
    DG_ROLE_ADMIN = 4,
} dg_role;

/* "admin", "manager", "analyst", "agent" ("none" for DG_ROLE_NONE): the codes of the vocabulary's
 * user_role domain. Static. */
const char *dg_role_name(dg_role role);
/* The role written as its code, English or Korean name; DG_EINVAL naming the valid ones. */
int dg_role_parse(const char *text, dg_role *out, dg_error *err);

#define DG_USER_TEXT_MAX 128      /* bytes of a name, site or staff id, NUL included */
#define DG_PASSWORD_MIN 10        /* characters (bytes) of a password, at least */
#define DG_PASSWORD_MAX 1024
#define DG_TOKEN_PREFIX "dgt_"
#define DG_TOKEN_TEXT_MAX 69      /* "dgt_" + 64 hex digits + NUL */

typedef struct dg_user {
    int64_t user_id;
    char name[DG_USER_TEXT_MAX];
    dg_role role;
    bool disabled;
    char site[DG_USER_TEXT_MAX];      /* an agent's site, "" for none */
    char staff_id[DG_USER_TEXT_MAX];  /* an agent's staff id, "" for none */
    int64_t created_at;               /* UTC seconds */
} dg_user;

typedef struct dg_token_info {
    int64_t token_id;
    char user[DG_USER_TEXT_MAX];
    char label[DG_USER_TEXT_MAX];
    dg_role role;
    int64_t created_at;
    int64_t expires_at;   /* 0: never */
    int64_t revoked_at;   /* 0: in force */
} dg_token_info;

/* Initialises libsodium (thread-safe, idempotent); DG_EUNSUPPORTED if it cannot start. */
int dg_auth_init(dg_error *err);

/* Adds user (name, role, site, staff_id; user_id and created_at are set) with the password
 * (DG_PASSWORD_MIN to DG_PASSWORD_MAX bytes). DG_EEXIST for a taken name, DG_EINVAL for a bad
 * name or password (the message never quotes the password). */
int dg_user_add(dg_store *store, dg_user *user, const char *password, dg_error *err);
/* Disables the user and revokes their tokens; DG_ENOTFOUND for an unknown name. */
int dg_user_disable(dg_store *store, const char *name, dg_error *err);
/* Every user, by name. Caller frees *users with free(). */
int dg_user_list(dg_store *store, dg_user **users, size_t *n, dg_error *err);
/* The user of user_id, DG_ENOTFOUND if there is none. */
int dg_user_get(dg_store *store, int64_t user_id, dg_user *user, dg_error *err);
/* May the agent user see customer_id: is the customer assigned to the agent's staff id, or to a
 * staff member of the agent's site? *allowed is false for a customer that does not exist, so an
 * agent cannot tell another agent's customer from none. */
int dg_user_customer_allowed(dg_store *store, const dg_user *user, const char *customer_id,
                             bool *allowed, dg_error *err);
/* Does the store have any user (enabled or not)? A store without one has no authentication. */
int dg_user_any(dg_store *store, bool *any, dg_error *err);
/* Checks a password: 0 and *user for an enabled user whose password it is; DG_EAUTH ("unknown
 * user or wrong password", the same for every reason) otherwise. Takes as long for an unknown
 * name as for a wrong password. */
int dg_user_login(dg_store *store, const char *name, const char *password, dg_user *user,
                  dg_error *err);

/* Creates a token for the user with role (DG_ROLE_NONE: the user's own; never above it), a label
 * and expires_at (UTC seconds, 0: never), writing its text into token (shown once: only its
 * keyed hash is kept) and its id into *token_id. */
int dg_token_create(dg_store *store, const char *user, dg_role role, const char *label,
                    int64_t expires_at, char token[DG_TOKEN_TEXT_MAX], int64_t *token_id,
                    dg_error *err);
/* Revokes a token; DG_ENOTFOUND for an unknown id. */
int dg_token_revoke(dg_store *store, int64_t token_id, dg_error *err);
/* Every token (never its text), by id. Caller frees *tokens with free(). */
int dg_token_list(dg_store *store, dg_token_info **tokens, size_t *n, dg_error *err);
/* The user a token (its text) stands for at time now, with the token's role and id: DG_EAUTH
 * when it is malformed, unknown, revoked, expired or its user disabled. */
int dg_token_verify(dg_store *store, const char *token, int64_t now, dg_user *user,
                    int64_t *token_id, dg_error *err);

DG_API_END

#endif
