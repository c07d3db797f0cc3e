/* Private to the SQLite store: the tier codes of schema 32 (schema/0032_tier_history_narrow.sql).
 * tier_changes holds each tier code as the integer of its row in tier_codes; the store's tier
 * functions (tiers_sqlite.c) read the few codes once per call into this dictionary and turn
 * codes into integers (adding a code the store has not seen) and back. */
#ifndef DANGOL_STORE_TIER_CODES_SQLITE_H
#define DANGOL_STORE_TIER_CODES_SQLITE_H

#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/store.h"

typedef struct dg__tier_code {
    int64_t id;
    char *code;
} dg__tier_code;

typedef struct dg__tier_codes {
    dg__tier_code *items;
    size_t n;
} dg__tier_codes;

/* Every code of the store, inside the caller's transaction or read. */
int dg__tier_codes_read(dg_store *store, dg__tier_codes *codes, dg_error *err);
/* The integer of code into *id, added to the store (and to codes) when it is new. */
int dg__tier_code_id(dg_store *store, dg__tier_codes *codes, const char *code, int64_t *id,
                     dg_error *err);
/* The code of an integer ("" for none: a row written by hand without its code). */
const char *dg__tier_code_of(const dg__tier_codes *codes, int64_t id);
void dg__tier_codes_free(dg__tier_codes *codes);

#endif
