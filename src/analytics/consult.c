/* Analytics by consultation type (include/dangol/consult.h): conversion, CSAT, spend and
 * complaint rate per customers.customer_type with 95% intervals (Wilson for shares, via
 * dg_share_from_counts of the loyalty module; the normal interval for mean spend), and how the
 * suggestion rules fall on the customers. One pass over the customers each. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/consult.h"
#include "dangol/loyalty.h"

#define Z95 1.959963984540054

typedef struct type_tally {
    size_t customers, buyers, csat_n, csat_hits, complainers;
    double spend_mean, spend_m2;   /* Welford's running mean and sum of squares, per buyer */
} type_tally;

static void tally_customer(const dg_frame *f, size_t c, int64_t complaint, type_tally *t)
{
    size_t first = f->order_offset[c], end = dg_frame_orders_end(f, c);
    t->customers++;
    if (first < end) {
        double spend = 0.0;
        for (size_t o = first; o < end; o++)
            spend += (double)f->order_amount_minor[o];
        t->buyers++;
        double delta = spend - t->spend_mean;
        t->spend_mean += delta / (double)t->buyers;
        t->spend_m2 += delta * (spend - t->spend_mean);
    }
    for (size_t s = dg_frame_surveys_end(f, c); s > f->survey_offset[c]; s--)
        if (f->survey_csat[s - 1] > 0) {   /* the latest CSAT answer */
            t->csat_n++;
            t->csat_hits += f->survey_csat[s - 1] >= 4;
            break;
        }
    for (size_t i = f->feedback_offset[c], i_end = dg_frame_feedback_end(f, c); i < i_end; i++)
        if (f->feedback_kind[i] == complaint) {
            t->complainers++;
            break;
        }
}

static void set_share(dg_table *t, size_t col, size_t hits, size_t n)
{
    dg_share s;
    dg_share_from_counts(hits, n, &s);
    if (n == 0)
        return;
    dg_table_set_real(t, col, s.share);
    dg_table_set_real(t, col + 1, s.ci_low);
    dg_table_set_real(t, col + 2, s.ci_high);
}

static int type_row(dg_table *t, const char *name, const type_tally *x)
{
    if (dg_table_add_row(t) || dg_table_set_text(t, 0, name))
        return DG_ENOMEM;
    dg_table_set_int(t, 1, (int64_t)x->customers);
    dg_table_set_int(t, 2, (int64_t)x->buyers);
    set_share(t, 3, x->buyers, x->customers);
    dg_table_set_int(t, 6, (int64_t)x->csat_n);
    set_share(t, 7, x->csat_hits, x->csat_n);
    if (x->buyers > 0)
        dg_table_set_int(t, 10, llround(x->spend_mean));
    if (x->buyers > 1) {
        double half = Z95 * sqrt(x->spend_m2 / (double)(x->buyers - 1) / (double)x->buyers);
        dg_table_set_int(t, 11, llround(x->spend_mean - half));
        dg_table_set_int(t, 12, llround(x->spend_mean + half));
    }
    dg_table_set_int(t, 13, (int64_t)x->complainers);
    set_share(t, 14, x->complainers, x->customers);
    return 0;
}

/* A new table with the named columns (money with minor_digits decimals, the rest with 1). */
static dg_table *new_table(const char *title, const char *const *names,
                           const dg_cell_type *types, size_t n, int minor_digits)
{
    dg_table *t = dg_table_new(title);
    for (size_t i = 0; t && i < n; i++)
        if (dg_table_add_column(t, names[i], types[i],
                                types[i] == DG_CELL_MONEY ? minor_digits : 1) != 0) {
            dg_table_free(t);
            return NULL;
        }
    return t;
}

/* Adds the note and hands t to *out, or frees it and reports running out of memory. */
static int finish(dg_table *t, int rc, const char *code, const char *note, dg_table **out,
                  dg_error *err)
{
    if (rc == 0 && t)
        rc = dg_table_add_coded_note(t, code, note);
    if (rc != 0 || !t || dg_table_failed(t)) {
        dg_table_free(t);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    *out = t;
    return 0;
}

int dg_consult_type_table(dg_table **out, const dg_frame *frame, dg_error *err)
{
    static const char *const names[] = {
        "type", "customers", "buyers", "conversion", "conversion_low", "conversion_high",
        "csat_n", "csat", "csat_low", "csat_high", "spend", "spend_low", "spend_high",
        "complainers", "complaint_rate", "complaint_low", "complaint_high" };
    static const dg_cell_type types[] = {
        DG_CELL_TEXT, DG_CELL_INT, DG_CELL_INT, DG_CELL_PERCENT, DG_CELL_PERCENT,
        DG_CELL_PERCENT, DG_CELL_INT, DG_CELL_PERCENT, DG_CELL_PERCENT, DG_CELL_PERCENT,
        DG_CELL_MONEY, DG_CELL_MONEY, DG_CELL_MONEY, DG_CELL_INT, DG_CELL_PERCENT,
        DG_CELL_PERCENT, DG_CELL_PERCENT };
    size_t n_types = frame->customer_types.n ? frame->customer_types.n : 1;
    type_tally *tally = calloc(n_types + 1, sizeof *tally);   /* [n_types] = everyone */
    dg_table *t = new_table("Customers by consultation type", names, types,
                            sizeof names / sizeof names[0], frame->minor_digits);
    int rc = tally && t ? 0 : DG_ENOMEM;
    if (rc == 0) {
        int64_t complaint = dg_dict_find(&frame->feedback_kinds, "complaint");
        for (size_t c = 0; c < frame->n_customers; c++) {
            if (!dg_frame_has_customer(frame, c))
                continue;
            tally_customer(frame, c, complaint, &tally[frame->customer_type[c]]);
            tally_customer(frame, c, complaint, &tally[n_types]);
        }
    }
    for (size_t g = 1; rc == 0 && g < n_types; g++)   /* the types, then (none), then (all) */
        if (tally[g].customers > 0)
            rc = type_row(t, dg_dict_value(&frame->customer_types, (uint32_t)g), &tally[g]);
    if (rc == 0 && tally[0].customers > 0)
        rc = type_row(t, "(none)", &tally[0]);
    if (rc == 0)
        rc = type_row(t, "(all)", &tally[n_types]);
    free(tally);
    return finish(t, rc, "types_measures", "conversion: customers with an order; CSAT: share of 4-5 among each "
                  "customer's latest answer; spend: revenue per buyer; complaint rate: customers "
                  "with a complaint; 95% intervals (Wilson; mean +- 1.96 s/sqrt(n) for spend)",
                  out, err);
}

int dg_consult_suggestion_table(dg_table **out, const dg_frame *frame,
                                const dg_consult_rules *rules, dg_error *err)
{
    static const char *const names[] = { "line", "rule", "type", "customers", "untyped",
                                         "typed", "agree", "agreement" };
    static const dg_cell_type types[] = { DG_CELL_INT, DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_INT,
                                          DG_CELL_INT, DG_CELL_INT, DG_CELL_INT,
                                          DG_CELL_PERCENT };
    size_t n = rules->n_rules;
    size_t (*count)[4] = calloc(n + 1, sizeof *count);   /* all, untyped, typed, agree */
    dg_table *t = new_table("Suggested consultation types", names, types,
                            sizeof names / sizeof names[0], 0);
    int rc = count && t ? 0 : DG_ENOMEM;
    for (size_t c = 0; rc == 0 && c < frame->n_customers; c++) {
        if (!dg_frame_has_customer(frame, c))
            continue;
        const dg_consult_rule *rule = dg_consult_suggest(rules, frame, c);
        size_t r = rule ? (size_t)(rule - rules->rules) : n;
        uint32_t set = frame->customer_type[c];
        count[r][0]++;
        count[r][set ? 2 : 1]++;
        if (set && rule && strcmp(dg_dict_value(&frame->customer_types, set), rule->type) == 0)
            count[r][3]++;
    }
    for (size_t r = 0; rc == 0 && r <= n; r++) {
        rc = dg_table_add_row(t);
        if (r < n) {
            dg_table_set_int(t, 0, rules->rules[r].line);
            rc |= dg_table_set_text(t, 1, rules->rules[r].text);
            rc |= dg_table_set_text(t, 2, rules->rules[r].type);
        } else {
            rc |= dg_table_set_text(t, 1, "(no rule fits)");
        }
        for (int k = 0; k < 4; k++)
            dg_table_set_int(t, 3 + (size_t)k, (int64_t)count[r][k]);
        if (r < n && count[r][2] > 0)
            dg_table_set_real(t, 7, (double)count[r][3] / (double)count[r][2]);
    }
    free(count);
    return finish(t, rc, "types_suggestions", "customers: those the rule suggests a type for (first rule that fits); "
                  "untyped: of them, without a type set by staff (the card shows them the "
                  "suggestion); agreement: of the typed ones, the share whose type is the "
                  "suggested one", out, err);
}
