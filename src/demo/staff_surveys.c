/* The demo's staff satisfaction surveys (docs/demo.md, "Staff surveys"): every staff member
 * answers a survey each quarter of the last year — four items on 1-5 and whether they would
 * recommend the workplace on 0-10 — driven by their site's work climate (DG_DEMO_SITE_CLIMATE),
 * a personal level and noise. The same climate shifts the site's customers' survey answers
 * (customer.c), so `dangol staff chain` has a known positive relation to recover. Drawn from
 * their own stream: the other rows do not change. */
#include <stdio.h>
#include <string.h>

#include "dangol/rng.h"
#include "demo/gen.h"

enum { QUARTERS = 4 };

static const struct { const char *site; double climate; } climates[] = { DG_DEMO_SITE_CLIMATE };

/* In code order, so the rows come in the store's key order (an export matches the CSV). */
static const struct { const char *item; int min, max; double mean, spread; } items[] = {
    { "manager", 1, 5, 3.5, 0.9 },
    { "pride", 1, 5, 3.6, 0.8 },
    { "recommend_workplace", 0, 10, 6.5, 1.8 },
    { "tools", 1, 5, 3.4, 0.7 },
    { "workload", 1, 5, 3.0, 0.8 },
};

double dg__demo_site_climate(const gen *g, const char *site)
{
    if (!g->opt->staff_surveys || !site)
        return 0.0;
    for (size_t i = 0; i < sizeof climates / sizeof climates[0]; i++)
        if (strcmp(climates[i].site, site) == 0)
            return climates[i].climate;
    return 0.0;
}

int dg__demo_staff_surveys(gen *g)
{
    dg_rng rng;
    dg_rng_seed_stream(&rng, g->opt->seed, STAFF_SURVEY_STREAM);
    dg_value *v = g->row;
    long long n = 0;
    for (int i = 0; i < N_STAFF; i++) {
        const staff_info *s = &g->staff[i];
        double climate = dg__demo_site_climate(g, s->site);
        double personal = 0.5 * dg_rng_normal(&rng);
        for (int q = 0; q < QUARTERS; q++) {
            int32_t day = g->opt->as_of_day - 20 - 91 * q;
            if (day <= s->hired_on)
                continue;
            char id[24];
            snprintf(id, sizeof id, "SS%07lld", ++n);
            for (size_t k = 0; k < sizeof items / sizeof items[0]; k++) {
                double level = climate + personal + 0.6 * dg_rng_normal(&rng);
                set_text(&v[0], id);
                set_text(&v[1], items[k].item);
                set_text(&v[2], s->site);
                set_text(&v[3], s->id);
                set_int(&v[4], day);
                set_int(&v[5], clampi(items[k].mean + items[k].spread * level, items[k].min,
                                      items[k].max));
                set_int(&v[6], items[k].min);
                set_int(&v[7], items[k].max);
                int rc = emit(g, g->staff_survey_e);
                if (rc)
                    return rc;
            }
        }
    }
    return 0;
}
