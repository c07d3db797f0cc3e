/* The report entries of follow-ups and VOC analytics (the report layer, like dangol/report.h;
 * kept apart so that the tickets' and programmes' reports stay small): the follow-up task list
 * and outbox, the rules file reader, and the ticket statistics, terms, search and recovery
 * figures that `dangol followup`, `dangol voc` and the /api/followups and /api/voc routes show. */
#ifndef DANGOL_REPORT_VOC_H
#define DANGOL_REPORT_VOC_H

#include <stdbool.h>
#include <stdint.h>

#include "dangol/calendar.h"
#include "dangol/error.h"
#include "dangol/export.h"
#include "dangol/followup.h"
#include "dangol/report.h"

DG_API_BEGIN

/* Reads a rules file (config/followups.conf); errors carry path:line:column. */
int dg_followup_rules_load(dg_followup_rules *rules, const char *path, dg_error *err);

typedef struct dg_followup_list_options {
    const char *state;        /* "open", "done" or NULL for any */
    const char *customer_id;  /* NULL: any */
    int32_t due_by;           /* only tasks due on or before; INT32_MAX: any */
    bool notes;               /* show the note column (free text: left out for masked roles) */
} dg_followup_list_options;

/* The tasks, in due order. One table. */
int dg_report_followup_list(dg_report *out, dg_store *store, const dg_followup_list_options *opt,
                            dg_error *err);

/* The outbox of a channel on day: the open tasks of that channel due on or before day whose
 * customer's consent for the channel's purpose allows the contact on day (dg_consent_allows),
 * with the contact (phone for call and sms, e-mail for email); the others are left out and
 * counted in a note (no consent; no phone or e-mail). *customers: the customers listed (for
 * the audit entry of the export; the caller frees each and the array), may be NULL. */
int dg_report_followup_outbox(dg_report *out, dg_store *store, dg_followup_channel channel,
                              int32_t day, char ***customers, size_t *n_customers,
                              dg_error *err);

/* ---- VOC analytics over tickets (docs/tickets.md) ---- */

/* Tickets opened in [from, as_of] (UTC seconds; from 0: all): volume by kind, category, channel
 * and ISO week; first-response and resolution times in business hours of cal (median, p90) and
 * SLA attainment (met / (met + late + breached); pending ones left out); reopen rate and repeat
 * complainants. Three tables. */
int dg_report_voc_stats(dg_report *out, dg_store *store, const dg_calendar *cal, int64_t from,
                        int64_t as_of, dg_error *err);

/* The top terms of ticket subjects per category (category NULL: every one), top per category,
 * counted once per ticket (document frequency), with bigrams when asked. One table. */
int dg_report_voc_terms(dg_report *out, dg_store *store, const char *category, int top,
                        bool bigrams, int64_t as_of, dg_error *err);

/* Full-text search of ticket subjects and categories and of the texts of ticket events
 * (comments, resolve and reopen notes) (FTS5): every word of query is matched as a prefix, all
 * words must match one text (the subject and category, or one event's); each ticket once, by its
 * best match first, at most limit rows. DG_EINVAL for a query
 * with no word. One table. */
int dg_report_voc_search(dg_report *out, dg_store *store, const char *query, int limit,
                         dg_error *err);

/* The recovery question: the window_days repurchase rate of complainants (by their first
 * complaint, opened at least window_days before as_of) resolved within SLA, resolved late and
 * unresolved, beside customers without a complaint (from their last order at least window_days
 * before as_of), with 95% Wilson intervals. One table. */
int dg_report_voc_recovery(dg_report *out, dg_store *store, int64_t as_of, int window_days,
                           dg_error *err);

DG_API_END

#endif
