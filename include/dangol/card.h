/* The customer card: everything a front-line employee needs about one customer on one screen —
 * profile, order summary, recent orders and recent feedback. Returned as titled result tables so
 * the CLI and the HTTP API show the same; the report layer adds the analytic sections
 * (dg_report_card, dangol/report.h). */
#ifndef DANGOL_CARD_H
#define DANGOL_CARD_H

#include <stdbool.h>
#include <stddef.h>

#include "dangol/error.h"
#include "dangol/table.h"
#include "dangol/export.h"

DG_API_BEGIN

/* The store (dangol/store.h); a model header does not pull in the store API. */
typedef struct dg_store dg_store;

/* The sections of one card; the caller owns the struct, dg_card_clear frees what it holds. */
typedef struct dg_card {
    dg_table **sections;   /* titled tables, in display order */
    size_t n_sections;
} dg_card;

/* Builds the card of customer_id into card, which it overwrites (an earlier card's sections
 * are not freed).
 * mask_personal: the personal fields of the profile and of the recent feedback (the catalog's,
 * dangol/entity.h) are masked (dangol/mask.h).
 * Returns 0; DG_ENOTFOUND if there is no such customer, DG_ENOMEM, or a store error, with err
 * filled. Caller empties card with dg_card_clear, also on failure. */
int dg_card_build(dg_store *store, const char *customer_id, bool mask_personal, dg_card *card,
                  dg_error *err);

/* Appends a section. The card takes ownership of section, also on failure (then it is freed).
 * Returns 0 or DG_ENOMEM. */
int dg_card_add(dg_card *card, dg_table *section);

/* Frees the sections and leaves card empty; the dg_card itself is the caller's. NULL is a
 * no-op. */
void dg_card_clear(dg_card *card);

DG_API_END

#endif
