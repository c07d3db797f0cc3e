/* Private to the store's auth tables: what the users (users_sqlite.c) and the tokens
 * (tokens_sqlite.c) share. */
#ifndef DANGOL_STORE_USERS_H
#define DANGOL_STORE_USERS_H

#include <sqlite3.h>

#include "dangol/auth.h"

/* The role of its code, DG_ROLE_NONE for anything else. */
dg_role dg__role_from_code(const char *code);
/* Fills user from the row's columns first.. (user_id, name, role, disabled, site, staff_id,
 * created_at). */
void dg__user_from_row(sqlite3_stmt *st, int first, dg_user *user);

/* Room for one more item of item_size bytes in *list (count used of *cap), doubling it. */
int dg__auth_grow(void **list, size_t *cap, size_t count, size_t item_size, dg_error *err);

#endif
