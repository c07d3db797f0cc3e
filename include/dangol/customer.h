/* The customer card: everything a front-line employee needs about one customer on one screen —
 * profile, consultation guidance for the customer's type, order summary, recent orders and
 * recent feedback. Returned as titled result tables so the CLI and the HTTP API show the same. */
#ifndef DANGOL_CUSTOMER_H
#define DANGOL_CUSTOMER_H

#include <stdbool.h>
#include <stddef.h>

#include "dangol/error.h"
#include "dangol/table.h"
#include "dangol/export.h"

DG_API_BEGIN

/* The store (dangol/store.h); a model header does not pull in the store API. */
typedef struct dg_store dg_store;

typedef struct dg_card {
    dg_table **sections;   /* titled tables, in display order */
    size_t n_sections;
} dg_card;

/* Builds the card of customer id; DG_ENOTFOUND if there is none. mask_personal: the personal
 * fields of the profile and of the recent feedback (the catalog's, dangol/entity.h) are masked
 * (dangol/mask.h). Caller empties it
 * with dg_card_clear. */
int dg_card_build(dg_store *store, const char *customer_id, bool mask_personal, dg_card *card,
                  dg_error *err);

/* Appends a section (the card takes ownership, also on failure). */
int dg_card_add(dg_card *card, dg_table *section);

void dg_card_clear(dg_card *card);  /* frees the sections; the dg_card itself is the caller's */

/* Consultation guidance for a customer type of the catalog ("careful", ...), or NULL. */
const char *dg_customer_type_guidance(const char *type);

DG_API_END

#endif
