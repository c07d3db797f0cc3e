/* libFuzzer target for the config file readers: the RFM segment map, the stage rules, the
 * loyalty weights, the points earning rules, the economics settings, the value survey and the
 * MOT cycle, each from the same text, and the points amount parser on its first line; and the
 * follow-up rules and the VOC term splitter (josa stripping, syllable bigrams). Nothing may
 * crash or leak, a map that parses must give every RFM cell a segment, accepted rules and
 * amounts must lie in their documented ranges (follow-up rules complete for their trigger), and
 * every term must be non-empty. Run by `make fuzz` (a few seconds, fixed seed). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/consult.h"
#include "dangol/cvalue.h"
#include "dangol/economics.h"
#include "dangol/followup.h"
#include "dangol/loyalty.h"
#include "dangol/mot.h"
#include "dangol/points.h"
#include "dangol/rfm.h"
#include "dangol/stage.h"
#include "dangol/voc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check_term(void *ctx, const char *term, size_t len)
{
    (void)ctx;
    if (len == 0 || !term)
        abort();
    return 0;
}

/* Follow-up rules: a set that parses is complete and in range. */
static void followups(const char *text)
{
    dg_error err;
    dg_followup_rules *rules = malloc(sizeof *rules);
    if (!rules)
        abort();
    if (dg_followup_rules_parse(rules, text, "fuzz.conf", &err) == 0) {
        if (rules->n_rules > DG_FOLLOWUP_MAX_RULES || rules->lookback_days < 0)
            abort();
        for (size_t i = 0; i < rules->n_rules; i++) {
            const dg_followup_rule *r = &rules->rules[i];
            if ((unsigned)r->channel >= DG_FOLLOWUP_N_CHANNELS || !r->name[0] ||
                (r->trigger == DG_FOLLOWUP_CONSUMABLE
                     ? r->lasts_days < 1 || (!r->product[0] && !r->category[0])
                     : r->after_days < 0 ||
                       (r->trigger == DG_FOLLOWUP_CATEGORY && !r->category[0])))
                abort();
        }
    }
    free(rules);
    dg_voc_terms(text, true, check_term, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';   /* the readers take a file's text, NUL-terminated */
    dg_error err;
    dg_rfm_segment_map *map = NULL;
    if (dg_rfm_segment_map_parse(&map, text, "fuzz.csv", &err) == 0) {
        for (int r = 0; r < 5; r++)
            for (int f = 0; f < 5; f++)
                for (int m = 0; m < 5; m++)
                    if (map->cell[r][f][m] >= map->n_segments)
                        abort();
        dg_rfm_segment_map_free(map);
    }
    dg_stage_rules rules;
    dg_stage_rules_default(&rules);
    dg_stage_rules_parse(&rules, text, "fuzz.conf", &err);
    dg_loyalty_config config;
    dg_loyalty_config_default(&config);
    dg_loyalty_config_parse(&config, text, "fuzz.conf", &err);
    dg_points_rules points;
    dg_points_rules_default(&points);
    if (dg_points_rules_parse(&points, text, "fuzz.conf", &err) == 0 &&
        (points.base_per_mille < 0 || points.expiry_days < 1 ||
         points.n_bonuses > DG_POINTS_MAX_BONUSES ||
         points.n_campaigns > DG_POINTS_MAX_CAMPAIGN_BONUSES))
        abort();
    for (size_t i = 0; i < points.n_campaigns; i++) {   /* a campaign bonus is whole */
        const dg_points_campaign_bonus *b = &points.campaigns[i];
        if (!b->campaign_id[0] || b->until < b->from || b->multiplier_per_mille < 1000 ||
            (b->extra_per_mille == 0 && b->multiplier_per_mille == 1000))
            abort();
    }
    followups(text);
    dg_economics_config economics;
    dg_economics_config_init(&economics);
    if (dg_economics_config_parse(&economics, text, "fuzz.conf", &err) == 0 &&
        (economics.ticket_cost_minor < 0 || economics.retention_months < 1 ||
         economics.retention_months > 120))
        abort();
    dg_cvalue_survey *survey = malloc(sizeof *survey);   /* the value survey: every component
                                                          * has items, all of one scale */
    if (!survey)
        abort();
    if (dg_cvalue_survey_parse(survey, text, "fuzz.conf", &err) == 0) {
        bool seen[DG_CVALUE_COMPONENTS] = { false };
        for (size_t i = 0; i < survey->n_items; i++) {
            const dg_cvalue_item *it = &survey->items[i];
            if (it->min >= it->max || it->component > DG_CVALUE_OUTCOME)
                abort();
            if (it->component < DG_CVALUE_COMPONENTS)
                seen[it->component] = true;
        }
        for (size_t k = 0; k < DG_CVALUE_COMPONENTS; k++)
            if (!seen[k])
                abort();
    }
    free(survey);
    dg_consult_types *types = NULL;   /* every type complete */
    if (dg_consult_types_parse(&types, text, "fuzz.conf", &err) == 0) {
        if (types->n_types < 1 || types->n_types > DG_CONSULT_MAX_TYPES)
            abort();
        for (size_t i = 0; i < types->n_types; i++)
            if (!types->types[i].name_en[0] || !types->types[i].guidance_ko[0])
                abort();
        dg_consult_types_free(types);
    }
    dg_mot_cycle cycle;
    dg_mot_cycle_default(&cycle);
    if (dg_mot_cycle_parse(&cycle, text, "fuzz.conf", &err) == 0) {
        if (cycle.n_moments < 1 || cycle.n_moments > DG_MOT_MAX_MOMENTS ||
            cycle.repurchase_days < 1)
            abort();
        for (size_t m = 0; m < cycle.n_moments; m++)
            if (cycle.moments[m].scale_min < 0 ||
                cycle.moments[m].scale_min >= cycle.moments[m].scale_max ||
                cycle.moments[m].scale_max > DG_MOT_SCALE_LIMIT ||
                (unsigned)cycle.moments[m].element >= DG_MOT_N_ELEMENTS)
                abort();
    }
    text[strcspn(text, "\n")] = '\0';
    int64_t amount;
    if (dg_points_amount_parse(text, "fuzz", true, &amount, &err) == 0 &&
        (amount == 0 || amount > DG_POINTS_MAX_AMOUNT || amount < -DG_POINTS_MAX_AMOUNT))
        abort();
    free(text);
    return 0;
}
