/* The demo clinic (dangol demo --business clinic): a beauty clinic's customers, their visits
 * (each one an order and an MOT visit through the built-in cycle, config/mot.conf) and their
 * ratings of the moments, in which one moment, DG_DEMO_CLINIC_WEAK_MOMENT, is rated low far
 * more often than the others and drives the customers' NPS and their coming back. The MOT
 * analysis must find it from the data alone (tests/e2e/test_mot.sh); nothing in the library
 * knows it.
 * Customer k draws a service mood u ~ N(0, 0.4). A visit rates each moment with probability
 * 0.9 (the follow-up call 0.6): score = round(4.2 + u + N(0, 0.6)) within 1..5, except the weak
 * moment: a long wait (score 1 or 2) with probability 0.3, else round(3.8 + u + N(0, 0.7)).
 * NPS (answered with probability 0.75) = round(6.8 + 3.5 x weak + 0.8 x others + N(0, 0.8))
 * within 0..10, where weak is the weak moment's normalised score (0.5 when unrated) and others
 * the mean of the other rated ones minus 0.8. The customer comes back with probability
 * 0.25 + 0.05 x NPS (NPS 7 if unanswered), 10 + Exponential(mean 40) days later. An answered
 * NPS is also written as a survey response of the visit's day (so service recovery finds the
 * detractors); no draw depends on it. The service desk's tickets and follow-ups are added to a
 * store afterwards (src/demo/clinic_service.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/mot.h"
#include "demo/clinic.h"
#include "demo/gen.h"

typedef struct clinic {
    const dg_demo_options *opt;
    dg_demo_row_fn emit;
    void *ctx;
    const dg_entity *customer_e, *order_e, *visit_e, *rating_e, *survey_e;
    dg_mot_cycle cycle;
    int weak;
    dg_value row[24];
    int64_t n_visits;
} clinic;

/* One visit: its order, the MOT visit and the ratings; the NPS drawn into *nps (-1: none). */
static int visit(clinic *c, dg_rng *rng, const char *customer_id, double mood, int32_t day,
                 int *nps)
{
    char order_id[48], visit_id[48];
    int64_t k = c->n_visits++;
    snprintf(order_id, sizeof order_id, "KO%09lld", (long long)k + 1);
    snprintf(visit_id, sizeof visit_id, "KV%09lld", (long long)k + 1);
    int scores[DG_MOT_MAX_MOMENTS];
    double weak = 0.5, others = 0.0;
    int n_others = 0;
    for (size_t m = 0; m < c->cycle.n_moments; m++) {
        const dg_mot_moment *mo = &c->cycle.moments[m];
        double rated = strcmp(mo->code, "follow_up_call") == 0 ? 0.6 : 0.9;
        scores[m] = DG_MOT_UNRATED;
        if (dg_rng_uniform(rng) >= rated)
            continue;
        int s;
        if ((int)m == c->weak)
            s = dg_rng_uniform(rng) < 0.3 ? 1 + (int)dg_rng_below(rng, 2)
                                          : clampi(3.8 + mood + 0.7 * dg_rng_normal(rng), 1, 5);
        else
            s = clampi(4.2 + mood + 0.6 * dg_rng_normal(rng), 1, 5);
        s = s < mo->scale_min ? mo->scale_min : s > mo->scale_max ? mo->scale_max : s;
        scores[m] = s;
        double x = (double)(s - mo->scale_min) / (double)(mo->scale_max - mo->scale_min);
        if ((int)m == c->weak) {
            weak = x;
        } else {
            others += x;
            n_others++;
        }
    }
    others = n_others ? others / n_others - 0.8 : 0.0;
    *nps = dg_rng_uniform(rng) < 0.75
               ? clampi(6.8 + 3.5 * weak + 0.8 * others + 0.8 * dg_rng_normal(rng), 0, 10)
               : -1;
    dg_value *v = c->row;
    for (size_t i = 0; i < c->order_e->n_columns; i++)
        set_null(&v[i]);
    set_text(&v[0], order_id);
    set_text(&v[1], customer_id);
    set_int(&v[2], (int64_t)day * 86400 + 3600 + (int64_t)dg_rng_below(rng, 9 * 3600));
    set_text(&v[3], "store");
    set_text(&v[4], "credit_card");
    set_int(&v[8], 1);
    set_int(&v[9], 50000 + 10000 * (int64_t)dg_rng_below(rng, 26));
    int rc = c->emit(c->ctx, c->order_e, v);
    if (rc)
        return rc;
    set_text(&v[0], visit_id);
    set_text(&v[1], customer_id);
    set_int(&v[2], day);
    if (*nps >= 0)
        set_int(&v[3], *nps);
    else
        set_null(&v[3]);
    set_null(&v[4]);
    if ((rc = c->emit(c->ctx, c->visit_e, v)))
        return rc;
    if (*nps >= 0) {   /* the NPS answer is also a survey response: a detractor's opens recovery */
        for (size_t i = 0; i < c->survey_e->n_columns; i++)
            set_null(&v[i]);
        char response_id[48];
        snprintf(response_id, sizeof response_id, "KS%09lld", (long long)k + 1);
        set_text(&v[0], response_id);
        set_text(&v[1], customer_id);
        set_int(&v[2], day);
        set_int(&v[3], *nps);
        if ((rc = c->emit(c->ctx, c->survey_e, v)))
            return rc;
    }
    for (size_t m = 0; m < c->cycle.n_moments && rc == 0; m++) {
        if (scores[m] == DG_MOT_UNRATED)
            continue;
        set_text(&v[0], visit_id);
        set_text(&v[1], c->cycle.moments[m].code);
        set_int(&v[2], scores[m]);
        rc = c->emit(c->ctx, c->rating_e, v);
    }
    return rc;
}

static int customer(clinic *c, size_t index)
{
    dg_rng rng;
    dg_rng_seed_stream(&rng, c->opt->seed, 5000000 + (uint64_t)index);
    char id[32], name[64];
    snprintf(id, sizeof id, "K%08zu", index + 1);
    int gender = dg_rng_uniform(&rng) < 0.8 ? 0 : 1;
    int birth_year = 1965 + (int)dg_rng_below(&rng, 40);
    dg__demo_make_name(&rng, gender, birth_year, name, sizeof name, NULL, NULL);
    int32_t day = c->opt->as_of_day - 729 + (int32_t)dg_rng_below(&rng, 730);
    dg_value *v = c->row;
    for (size_t i = 0; i < c->customer_e->n_columns; i++)
        set_null(&v[i]);
    set_text(&v[0], id);
    set_text(&v[1], name);
    set_int(&v[4], birth_year);
    set_text(&v[5], gender ? "M" : "F");
    set_text(&v[11], "store");
    set_int(&v[12], day);
    int rc = c->emit(c->ctx, c->customer_e, v);
    double mood = 0.4 * dg_rng_normal(&rng);
    while (rc == 0 && day <= c->opt->as_of_day) {
        int nps;
        rc = visit(c, &rng, id, mood, day, &nps);
        double back = 0.25 + 0.05 * (nps >= 0 ? nps : 7);
        if (dg_rng_uniform(&rng) >= back)
            break;
        day += 10 + (int32_t)dg_rng_exponential(&rng, 1.0 / 40.0);
    }
    return rc;
}

int dg__demo_clinic_run(const dg_demo_options *opt, dg_demo_row_fn row_fn, void *row_ctx,
                        dg_progress_fn progress, void *progress_ctx, dg_error *err)
{
    if (opt->n_customers < 1 || opt->n_customers > DG_DEMO_MAX_CUSTOMERS)
        return dg_error_set(err, DG_ERANGE, "the number of customers must be 1..%d, not %lld",
                            DG_DEMO_MAX_CUSTOMERS, (long long)opt->n_customers);
    clinic *c = calloc(1, sizeof *c);
    if (!c)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    c->opt = opt;
    c->emit = row_fn;
    c->ctx = row_ctx;
    c->customer_e = dg_entity_find("customers");
    c->order_e = dg_entity_find("orders");
    c->visit_e = dg_entity_find("mot_visits");
    c->rating_e = dg_entity_find("mot_ratings");
    c->survey_e = dg_entity_find("surveys");
    dg_mot_cycle_default(&c->cycle);
    c->weak = dg_mot_moment_find(&c->cycle, DG_DEMO_CLINIC_WEAK_MOMENT);
    int rc = 0;
    if (c->weak < 0 || !c->customer_e || c->customer_e->n_columns < 13 || !c->order_e ||
        c->order_e->n_columns < 10 || !c->visit_e || !c->rating_e || !c->survey_e ||
        c->survey_e->n_columns < 4)
        rc = dg_error_set(err, DG_EUNSUPPORTED, "the demo clinic does not know the current "
                          "catalog or cycle; update src/demo/clinic.c");
    size_t n = (size_t)opt->n_customers;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc = customer(c, i);
        if (rc == 0 && progress && ((i + 1) % 1024 == 0 || i + 1 == n))
            progress(progress_ctx, (double)(i + 1) / (double)n, (int64_t)(i + 1));
    }
    free(c);
    return rc;
}
