/* The customer card: everything a front-line employee needs about one customer on one screen —
 * profile, consultation guidance for the customer's type, order summary, recent orders and
 * recent feedback. Returned as titled result tables so the CLI and the HTTP API show the same. */
#ifndef DANGOL_CUSTOMER_H
#define DANGOL_CUSTOMER_H

#include <stddef.h>

#include "dangol/error.h"
#include "dangol/frame.h"
#include "dangol/store.h"
#include "dangol/table.h"

typedef struct dg_card {
    dg_table **sections;   /* titled tables, in display order */
    size_t n_sections;
} dg_card;

/* Builds the card of customer id; DG_ENOTFOUND if there is none. Caller frees with dg_card_free. */
int dg_card_build(dg_store *store, const char *customer_id, dg_card *card, dg_error *err);

/* Appends the analytic sections to a card: "Loyalty" (RFM values, scores and segment with the
 * default map, ladder stage and activity flag with the default rules, loyalty index) and
 * "Lifetime value" (BG/NBD + Gamma-Gamma fitted on the frame in weeks: P(alive), expected
 * purchases and undiscounted CLV over the next 52 weeks). Scores and fits are relative to the
 * whole customer base, so frame must hold the whole store (as of the day the card describes).
 * A model that cannot be fitted (too few customers) leaves a "status" row, not an error. */
int dg_card_add_analytics(dg_card *card, const dg_frame *frame, const char *customer_id,
                          dg_error *err);

/* Appends a section (the card takes ownership, also on failure). */
int dg_card_add(dg_card *card, dg_table *section);

void dg_card_free(dg_card *card);  /* frees the sections; the dg_card itself is the caller's */

/* Consultation guidance for a customer type of the catalog ("careful", ...), or NULL. */
const char *dg_customer_type_guidance(const char *type);

#endif
