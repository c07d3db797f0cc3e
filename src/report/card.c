/* The customer card report (include/dangol/report.h): the card of the store (dg_card_build) and
 * its analytic part, where the customer stands on RFM, the relationship ladder and the loyalty
 * index, and what they are worth. Every measure comes from the analytics modules run on a frame
 * of the whole store, exactly as `dangol rfm`, `dangol stage`, `dangol loyalty` and
 * `dangol clv predict` compute them with their defaults, so the card never disagrees with the
 * reports. The BG/NBD fit is the caller's when it has one (the server keeps one per snapshot):
 * fitting takes seconds on a large store, so it is never redone per card. The k-means segment
 * likewise comes from the caller's segmentation; without one it is run only when asked
 * (run_segments), else the line says how to get it. A customer without a
 * consultation type gets the one the rules suggest (dangol/consult.h), marked as a suggestion. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/clv.h"
#include "dangol/consult.h"
#include "dangol/card.h"
#include "dangol/entity.h"
#include "dangol/store.h"
#include "dangol/report.h"
#include "dangol/loyalty.h"
#include "dangol/rfm.h"
#include "dangol/stage.h"
#include "dangol/text.h"
#include "dangol/vocab.h"

static int row(dg_table *t, const char *item, const char *value)
{
    if (dg_table_add_row(t) || dg_table_set_text(t, 0, item) || dg_table_set_text(t, 1, value))
        return DG_ENOMEM;
    return 0;
}

/* "Name: guidance" of a type in lang, both languages as "English (한국어)" when lang is NULL. */
static const char *guidance_text(const dg_consult_type *type, const char *lang, char *buf,
                                 size_t cap)
{
    if (lang) {
        char name[DG_CONSULT_NAME_MAX], text[DG_CONSULT_GUIDANCE_MAX];
        snprintf(buf, cap, "%s: %s", dg_consult_type_name(type, lang, name, sizeof name),
                 dg_consult_type_guidance(type, lang, text, sizeof text));
    } else {
        snprintf(buf, cap, "%s: %s (%s: %s)", type->name_en, type->guidance_en, type->name_ko,
                 type->guidance_ko);
    }
    return buf;
}

static int read_type(void *ctx, const dg_value *row)
{
    const dg_entity *e = dg_entity_find("customers");
    const dg_value *v = &row[dg_entity_column(e, "customer_type")];
    if (!v->is_null)
        snprintf(ctx, 32, "%s", v->u.s);
    return 1;   /* one customer */
}

/* The profile's "guidance" row: the name and guidance of the customer's consultation type (of
 * the types file), in the card's language; nothing for a customer without a listed type. */
static int guidance_row(dg_card *card, dg_store *store, const char *customer_id,
                        const dg_consult_types *types, const char *lang, dg_error *err)
{
    char code[32] = "";
    dg_scan_filter by_key = { .key = customer_id };
    int rc = dg_store_scan(store, dg_entity_find("customers"), &by_key, read_type, code, err);
    if (rc < 0)
        return rc;
    const dg_consult_type *type = dg_consult_types_find(types, code);
    if (!type)
        return 0;
    char buf[2 * (DG_CONSULT_NAME_MAX + DG_CONSULT_GUIDANCE_MAX) + 16];
    if (row(card->sections[0], "guidance", guidance_text(type, lang, buf, sizeof buf)) != 0)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    return 0;
}

static int loyalty_section(dg_card *card, const dg_frame *frame, size_t c, dg_error *err)
{
    dg_rfm_segment_map *map = NULL;
    dg_rfm_result rfm = { 0 };
    dg_loyalty_result loyalty = { 0 };
    dg_stage_rules rules;
    uint8_t *stage = malloc(frame->n_customers + 1), *activity = malloc(frame->n_customers + 1);
    dg_table *t = dg_table_new("Loyalty");
    char buf[160], day[16];
    int rc = DG_ENOMEM;
    if (!stage || !activity || !t || dg_table_add_column(t, "item", DG_CELL_TEXT, 0) ||
        dg_table_add_column(t, "value", DG_CELL_TEXT, 0))
        goto cleanup;
    dg_stage_rules_default(&rules);
    if ((rc = dg_rfm_segment_map_default(&map, err)) != 0 ||
        (rc = dg_rfm_compute(&rfm, frame, NULL, map, err)) != 0 ||
        (rc = dg_loyalty_compute(&loyalty, frame, &rfm, NULL, err)) != 0 ||
        (rc = dg_stage_at(frame, &rules, frame->as_of, stage, activity, err)) != 0)
        goto cleanup;
    rc = DG_ENOMEM;
    if (row(t, "as of", dg_date_format(frame->as_of, day)))
        goto cleanup;
    snprintf(buf, sizeof buf, "%s (%s)", dg_stage_name((dg_stage)stage[c]),
             dg_activity_name((dg_activity)activity[c]));
    if (row(t, "stage", buf))
        goto cleanup;
    if (rfm.frequency[c] > 0) {
        char money[48];
        dg_money_format_human(rfm.monetary_minor[c], frame->minor_digits, money, sizeof money);
        snprintf(buf, sizeof buf, "R%u F%u M%u: last order %d days ago, %d orders, %s %s",
                 rfm.r[c], rfm.f[c], rfm.m[c], rfm.recency_days[c], rfm.frequency[c], money,
                 frame->currency);
        if (row(t, "RFM", buf) || row(t, "segment", map->names[rfm.segment[c]]))
            goto cleanup;
    } else if (row(t, "RFM", "no orders yet")) {
        goto cleanup;
    }
    snprintf(buf, sizeof buf, "%.1f / 100%s", loyalty.index[c],
             loyalty.behavioural_only[c] ? " (behaviour only: no survey answer)" : "");
    if (row(t, "loyalty index", buf))
        goto cleanup;
    if (loyalty.nps[c] >= 0) {
        snprintf(buf, sizeof buf, "%d (%s)", loyalty.nps[c],
                 dg_nps_class_name(dg_nps_class_of(loyalty.nps[c])));
        if (row(t, "latest NPS answer", buf))
            goto cleanup;
    }
    rc = dg_card_add(card, t);
    t = NULL;
cleanup:
    if (rc == DG_ENOMEM)
        dg_error_set(err, DG_ENOMEM, "out of memory");
    dg_table_free(t);
    dg_loyalty_result_clear(&loyalty);
    dg_rfm_result_clear(&rfm);
    dg_rfm_segment_map_free(map);
    free(stage);
    free(activity);
    return rc;
}

/* For a customer whose type staff have not set: the type the rules suggest from behaviour, the
 * rule that fits and the type's guidance (a section "Suggested type"); nothing without a fit. */
static int type_section(dg_card *card, const dg_frame *frame, size_t c,
                        const dg_report_card_options *opt, const dg_consult_types *types,
                        dg_error *err)
{
    if (frame->customer_type[c] != 0)
        return 0;
    dg_consult_rules *builtin = NULL;
    const dg_consult_rules *rules = opt ? opt->type_rules : NULL;
    int rc = rules ? 0 : dg_consult_rules_default(&builtin, err);
    if (rc != 0)
        return rc;
    const dg_consult_rule *rule = dg_consult_suggest(rules ? rules : builtin, frame, c);
    if (rule) {
        char because[200];
        snprintf(because, sizeof because, "%s (rule of line %ld)", rule->text, rule->line);
        const dg_consult_type *type = dg_consult_types_find(types, rule->type);
        char guidance[2 * (DG_CONSULT_NAME_MAX + DG_CONSULT_GUIDANCE_MAX) + 16];
        dg_table *t = dg_table_new("Suggested type");
        rc = DG_ENOMEM;
        if (t && dg_table_add_column(t, "item", DG_CELL_TEXT, 0) == 0 &&
            dg_table_add_column(t, "value", DG_CELL_TEXT, 0) == 0 &&
            row(t, "suggested customer_type", rule->type) == 0 && row(t, "because", because) == 0 &&
            (!type || row(t, "guidance", guidance_text(type, opt ? opt->lang : NULL, guidance,
                                                        sizeof guidance)) == 0)) {
            rc = dg_card_add(card, t);
            t = NULL;
        }
        dg_table_free(t);
        if (rc != 0)
            dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    dg_consult_rules_free(builtin);
    return rc;
}

void dg_report_card_clv_options(dg_clv_options *opt)
{
    memset(opt, 0, sizeof *opt);   /* compared bytewise by the server's fit cache */
    opt->model = DG_BTYD_BGNBD;
    opt->spend = 1;
    opt->horizon = DG_CLV_DEFAULT_HORIZON;
    opt->discount_rate = DG_CLV_DEFAULT_DISCOUNT_RATE;
}

/* A "Lifetime value" section that only says why there is no fit. */
static dg_table *status_section(const char *why)
{
    dg_table *t = dg_table_new("Lifetime value");
    if (t && (dg_table_add_column(t, "item", DG_CELL_TEXT, 0) ||
              dg_table_add_column(t, "value", DG_CELL_TEXT, 0) || row(t, "status", why))) {
        dg_table_free(t);
        t = NULL;
    }
    return t;
}

static int clv_section(dg_card *card, const dg_frame *frame, size_t c,
                       const dg_report_card_options *opt, dg_error *err)
{
    const dg_clv_period weeks = { .calibration_end = DG_DAY_NONE, .holdout_end = DG_DAY_NONE,
                                  .days_per_unit = 7.0 };
    dg_clv_options options;
    dg_report_card_clv_options(&options);
    dg_clv_report *own = NULL;
    const dg_clv_report *fit = opt ? opt->fit : NULL;
    dg_error fit_err;
    dg_error_clear(&fit_err);
    if (!fit && opt && opt->fit_error)
        fit_err = *opt->fit_error;
    else if (!fit && dg_clv_frame_run(&own, frame, &weeks, &options, &fit_err) == 0)
        fit = own;
    dg_table *t;
    if (fit)
        t = dg_clv_card_section(fit, dg_clv_report_find(fit, (uint32_t)c), frame->minor_digits);
    else if (fit_err.code == DG_ENOMEM)
        t = NULL;
    else   /* e.g. too few customers to fit: say so on the card */
        t = status_section(fit_err.message);
    dg_clv_report_free(own);
    if (!t || dg_card_add(card, t) != 0)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    return 0;
}

/* Where customer c falls among the scores: the risk decile as dg_churn_score_table ranks them. */
static int risk_decile(const double *p, size_t n, size_t row)
{
    size_t above = 0;   /* rows ranked before it: higher scores, or equal and earlier */
    for (size_t i = 0; i < n; i++)
        above += p[i] > p[row] || (p[i] == p[row] && i < row);
    return (int)(DG_CHURN_DECILES - above * DG_CHURN_DECILES / n);
}

static bool reads_programme(const dg_churn_model *m)
{
    for (size_t j = 0; j < m->n_features; j++)
        if (dg_feature_from_programme(m->features[j]))
            return true;
    return false;
}

/* What the segment line says when the card was given no segmentation and not asked to run one. */
static const char segment_not_run[] =
    "not computed for one card: `dangol customer show ID --segment` computes it";

/* "Churn risk and segment": the latest churn model's probability and decile, the k-means
 * segment; a line saying why when either is not there (no model, no order, too few customers,
 * no segmentation given). */
static int mining_section(dg_card *card, dg_store *store, const dg_frame *frame, size_t c,
                          const dg_report_card_options *opt, dg_error *err)
{
    dg_table *t = dg_table_new("Churn risk and segment");
    dg_churn_model *m = NULL;
    dg_model_info info;
    const dg_features *f = opt && opt->segments ? opt->segments->features : NULL;
    dg_features *own_f = NULL;
    dg_segmentation *own_seg = NULL;
    double *p = NULL;
    char text[200];
    int rc = t && !dg_table_add_column(t, "item", DG_CELL_TEXT, 0) &&
             !dg_table_add_column(t, "value", DG_CELL_TEXT, 0) ? 0 : DG_ENOMEM;
    dg_error why;
    dg_error_clear(&why);
    if (rc == 0 && !f && dg_features_compute(&own_f, frame, NULL, &why) == 0)
        f = own_f;
    long row_of_c = -1;
    for (size_t i = 0; f && i < f->n_rows; i++)
        if (f->customer[i] == c)
            row_of_c = (long)i;
    int lrc = rc == 0 ? dg_churn_model_load(&m, &info, store, 0, &why) : DG_ENOMEM;
    /* a model that reads programme columns scores a table that has them (same rows as f) */
    const dg_features *scored = f;
    dg_features *programme_f = NULL;
    if (rc == 0 && lrc == 0 && f && row_of_c >= 0 && reads_programme(m)) {
        lrc = dg_features_compute_stored(&programme_f, store, frame, NULL, &why);
        scored = programme_f;
    }
    if (rc == 0 && lrc == 0 && row_of_c >= 0 && dg_churn_predict(&p, m, scored, &why) == 0) {
        snprintf(text, sizeof text, "%.3f", p[row_of_c]);
        rc = row(t, "churn probability", text);
        snprintf(text, sizeof text, "%d", risk_decile(p, f->n_rows, (size_t)row_of_c));
        if (rc == 0)
            rc = row(t, "churn risk decile", text);
        snprintf(text, sizeof text, "%lld (%s, horizon %d days)", (long long)info.model_id,
                 dg_churn_algorithm_name(m->params.algorithm), (int)m->horizon_days);
        if (rc == 0)
            rc = row(t, "churn model", text);
    } else if (rc == 0) {
        rc = row(t, "churn probability", row_of_c < 0 ? "no order by the as-of day"
                                         : lrc == DG_ENOTFOUND ? "no churn model trained yet"
                                         : why.message);
    }
    const dg_segmentation *seg = opt ? opt->segments : NULL;
    const char *no_segment = NULL;
    if (rc == 0 && !seg && f && row_of_c >= 0) {
        dg_segment_options so;
        dg_segment_options_init(&so);
        dg_error_clear(&why);
        if (opt && opt->segment_error)
            why = *opt->segment_error;
        else if (!opt || !opt->run_segments)
            no_segment = segment_not_run;
        else if (dg_segment_run(&own_seg, f, &so, &why) == 0)
            seg = own_seg;
    }
    if (rc == 0 && seg && row_of_c >= 0 && seg->features->n_rows == f->n_rows) {
        uint32_t k = seg->km->label[row_of_c];
        const char *code = dg_segment_name_code(seg->name[k]);
        const dg_vocab_entry *e = dg_vocab_find("cluster", code);
        snprintf(text, sizeof text, "%u %s (%s)", (unsigned)k + 1, e ? e->en : code, code);
        rc = row(t, "k-means segment", text);
    } else if (rc == 0) {
        rc = row(t, "k-means segment", row_of_c < 0 ? "no order by the as-of day"
                                       : no_segment ? no_segment : why.message);
    }
    free(p);
    dg_segmentation_free(own_seg);
    dg_features_free(own_f);
    dg_features_free(programme_f);
    dg_churn_model_free(m);
    if (rc == 0 && (rc = dg_card_add(card, t)) == 0)
        t = NULL;
    dg_table_free(t);
    if (rc == DG_ENOMEM)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    return rc;
}

int dg_report_card(dg_card *card, dg_store *store, const dg_frame *frame,
                   const char *customer_id, const dg_report_card_options *opt, dg_error *err)
{
    dg_consult_types *builtin = NULL;
    const dg_consult_types *types = opt ? opt->types : NULL;
    int rc = dg_card_build(store, customer_id, opt && opt->mask_personal, card, err);
    if (rc == 0 && !types)
        rc = dg_consult_types_default(&builtin, err);
    if (!types)
        types = builtin;
    if (rc == 0)
        rc = guidance_row(card, store, customer_id, types, opt ? opt->lang : NULL, err);
    if (rc != 0 || !frame)
        goto done;
    int64_t c = dg_frame_customer_index(frame, customer_id);
    if (c < 0) {
        rc = dg_error_set(err, DG_ENOTFOUND, "no customer \"%s\" as of the analysis date",
                          customer_id);
        goto done;
    }
    rc = type_section(card, frame, (size_t)c, opt, types, err);
    if (rc == 0)
        rc = loyalty_section(card, frame, (size_t)c, err);
    if (rc == 0)
        rc = clv_section(card, frame, (size_t)c, opt, err);
    if (rc == 0)
        rc = mining_section(card, store, frame, (size_t)c, opt, err);
done:
    dg_consult_types_free(builtin);
    return rc;
}
