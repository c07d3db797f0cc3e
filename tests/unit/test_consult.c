/* Consultation types (dangol/consult.h): the rules parser (every error at file:line:column, the
 * default text identical to config/customer_types.conf), the measures and the first-match
 * suggestion on a hand-made frame, and the analytics by type counted by hand. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/consult.h"
#include "dangol/loyalty.h"
#include "support.h"

#define DAY 86400
#define AS_OF 1000

static dg_error err;

Test(consult, default_rules_are_the_config_file)
{
    char *text = test_file_text("config/customer_types.conf");
    cr_assert_str_eq(text, dg_consult_rules_default_text());
    free(text);
    dg_consult_rules *r;
    cr_assert_eq(dg_consult_rules_default(&r, &err), 0, "%s", err.message);
    cr_assert_eq(r->n_rules, 7);
    cr_assert_str_eq(r->rules[0].type, "demanding");
    cr_assert_eq(r->rules[0].line, 9);
    dg_consult_rules_free(r);
}

Test(consult, default_types_are_the_config_file)
{
    char *text = test_file_text("config/consult_types.conf");
    cr_assert_str_eq(text, dg_consult_types_default_text());
    free(text);
    dg_consult_types *t;
    cr_assert_eq(dg_consult_types_default(&t, &err), 0, "%s", err.message);
    cr_assert_eq(t->n_types, 7);
    cr_assert_str_eq(t->types[0].code, "careful");
    cr_assert_str_eq(t->types[0].name_ko, "꼼꼼한 고객");
    char buf[1200];
    cr_assert_str_eq(dg_consult_type_name(&t->types[1], "ko", buf, sizeof buf), "성급한 고객");
    cr_assert_str_eq(dg_consult_type_name(&t->types[1], NULL, buf, sizeof buf),
                     "Impatient (성급한 고객)");
    cr_assert_null(dg_consult_types_find(t, "hasty"));
    dg_consult_types_free(t);
}

/* A team adds its own type beside the seeds' (docs/types.md): parsed, found, named. */
Test(consult, a_team_adds_its_own_type_code)
{
    dg_consult_types *t = NULL;
    const char *text = "careful.name_en = Careful\ncareful.name_ko = 꼼꼼한 고객\n"
        "careful.guidance_en = Answer each question.\ncareful.guidance_ko = 하나씩 답하세요.\n"
        "vip_2.name_en = Regular VIP\nvip_2.name_ko = 단골 VIP\n"
        "vip_2.guidance_en = Greet by name.\nvip_2.guidance_ko = 이름으로 맞이하세요.\n";
    cr_assert_eq(dg_consult_types_parse(&t, text, "t.conf", &err), 0, "%s", err.message);
    const dg_consult_type *vip = dg_consult_types_find(t, "vip_2");
    cr_assert_not_null(vip);
    char buf[200];
    cr_assert_str_eq(dg_consult_type_name(vip, "ko", buf, sizeof buf), "단골 VIP");
    dg_consult_types_free(t);
}

static void types_refused(const char *text, const char *message)
{
    dg_consult_types *t = NULL;
    cr_assert_neq(dg_consult_types_parse(&t, text, "t.conf", &err), 0, "%s", text);
    cr_assert_null(t);
    cr_assert_str_eq(err.message, message);
}

Test(consult, bad_types_name_line_and_column)
{
    types_refused("careful name_en\n", "t.conf:1:1: expected \"key = value\", got \"careful "
                  "name_en\"");
    types_refused("# x\nHasty.name_en = H\n", "t.conf:2:17: customer type code \"Hasty\": 1 "
                  "to 31 lowercase letters, digits or _, starting with a letter (the seeds' "
                  "codes: careful, impatient, ...; a team may add its own)");
    types_refused("careful.colour = red\n", "t.conf:1:18: unknown key \"careful.colour\"; a "
                  "type has name_en, name_ko, guidance_en, guidance_ko");
    types_refused("name_en = x\n", "t.conf:1:11: expected TYPE.name_en, TYPE.name_ko, "
                  "TYPE.guidance_en or TYPE.guidance_ko, got \"name_en\"");
    types_refused("careful.name_en =\n", "t.conf:1:18: careful.name_en is empty");
    types_refused("careful.name_en = a\ncareful.name_en = b\n",
                  "t.conf:2:19: careful.name_en is given twice");
    types_refused("\n\ncareful.name_en = a\ncareful.name_ko = b\ncareful.guidance_en = c\n",
                  "t.conf:3:1: type \"careful\" has no guidance_ko");
    types_refused("# nothing\n", "t.conf:1:1: no type: give at least one with TYPE.name_en, "
                  "name_ko, guidance_en and guidance_ko");
    types_refused("careful.name_en = A\ncareful.name_ko = a\ncareful.guidance_en = g\n"
                  "careful.guidance_ko = g\nimpatient.name_en = A\nimpatient.name_ko = b\n"
                  "impatient.guidance_en = g\nimpatient.guidance_ko = g\n",
                  "t.conf:5:1: type \"impatient\" has the same name as type \"careful\"");
}

Test(consult, lang_parse)
{
    const char *lang = "x";
    cr_assert_eq(dg_consult_lang_parse("ko_KR.UTF-8", &lang, &err), 0);
    cr_assert_str_eq(lang, "ko");
    cr_assert_eq(dg_consult_lang_parse("en", &lang, &err), 0);
    cr_assert_str_eq(lang, "en");
    cr_assert_eq(dg_consult_lang_parse("both", &lang, &err), 0);
    cr_assert_null(lang);
    cr_assert_eq(dg_consult_lang_parse("korean", &lang, &err), DG_EINVAL);
}

static void refused(const char *text, int code, const char *where, const char *what)
{
    dg_consult_rules *r = NULL;
    cr_assert_eq(dg_consult_rules_parse(&r, text, "t.conf", &err), code, "%s: %s", text,
                 err.message);
    cr_assert_null(r);
    cr_assert(strstr(err.message, where) && strstr(err.message, what), "%s", err.message);
}

Test(consult, bad_rules_name_line_and_column)
{
    refused("careful questions >= 2\n", DG_EPARSE, "t.conf:1:1:", "TYPE = CONDITION");
    refused("# c\n  hasty = orders >= 1\n", DG_EINVAL, "t.conf:2:3:",
            "unknown customer type \"hasty\"; valid: careful, impatient");
    refused("careful = questionz >= 2\n", DG_EINVAL, "t.conf:1:11:",
            "unknown measure \"questionz\"; valid: orders, questions");
    refused("careful = questions => 2\n", DG_EPARSE, "t.conf:1:21:", "expected a comparison");
    refused("careful = questions >= many\n", DG_EPARSE, "t.conf:1:24:", "expected a number");
    refused("careful = questions >= 2 or orders == 0\n", DG_EPARSE, "t.conf:1:26:",
            "expected \"and\"");
    refused("careful == questions\n", DG_EPARSE, "t.conf:1:1:", "TYPE = CONDITION");
}

Test(consult, rules_parse)
{
    dg_consult_rules *r;
    cr_assert_eq(dg_consult_rules_parse(&r, "\n# x\ncareful = questions>=2 and orders < 1.5 # c\n",
                                        "t.conf", &err), 0, "%s", err.message);
    cr_assert_eq(r->n_rules, 1);
    cr_assert_eq(r->rules[0].line, 3);
    cr_assert_eq(r->rules[0].n_conditions, 2);
    cr_assert_eq(r->rules[0].conditions[0].measure, DG_CONSULT_QUESTIONS);
    cr_assert_str_eq(r->rules[0].conditions[1].op, "<");
    cr_assert_float_eq(r->rules[0].conditions[1].value, 1.5, 1e-12);
    dg_consult_rules_free(r);
}

static dg_frame *hand_frame(void)
{
    dg_frame_builder *b;
    cr_assert_eq(dg_frame_builder_new(&b, AS_OF, false, &err), 0);
    /* P: a prospect with 2 questions, no type; Q: asked 2 questions, then bought twice, type
     * careful; R: bought once, 3 complaints, type demanding; S: bought once, type careful */
    struct { const char *id, *type; int acquired; } c[] = {
        { "P", NULL, 100 }, { "Q", "careful", 100 }, { "R", "demanding", 100 },
        { "S", "careful", 100 } };
    for (int i = 0; i < 4; i++) {
        dg_frame_customer_in in = { .customer_id = c[i].id, .customer_type = c[i].type,
                                    .has_acquired_day = true, .acquired_day = c[i].acquired };
        cr_assert_eq(dg_frame_add_customer(b, &in, &err), 0);
    }
    struct { const char *c; int day; int64_t amount; } o[] = {
        { "Q", 200, 1000 }, { "Q", 300, 3000 }, { "R", 150, 500 }, { "S", 400, 6000 } };
    for (int i = 0; i < 4; i++) {
        dg_frame_order_in in = { .customer_id = o[i].c, .ordered_at = (int64_t)o[i].day * DAY,
                                 .amount_minor = o[i].amount };
        cr_assert_eq(dg_frame_add_order(b, &in, &err), 0);
    }
    struct { const char *c, *kind; int day; } f[] = {
        { "P", "question", 110 }, { "P", "question", 120 }, { "Q", "question", 150 },
        { "Q", "question", 160 }, { "Q", "question", 250 }, { "R", "complaint", 160 },
        { "R", "complaint", 170 }, { "R", "complaint", 180 } };
    for (int i = 0; i < 8; i++) {
        dg_frame_feedback_in in = { .customer_id = f[i].c, .kind = f[i].kind,
                                    .received_at = (int64_t)f[i].day * DAY };
        cr_assert_eq(dg_frame_add_feedback(b, &in, &err), 0);
    }
    /* CSAT: Q's latest answer is 5 (an earlier 2 does not count); S answers 3 */
    dg_frame_survey_in s[] = { { .customer_id = "Q", .day = 210, .csat = 2 },
                               { .customer_id = "Q", .day = 310, .csat = 5 },
                               { .customer_id = "S", .day = 410, .csat = 3 } };
    for (int i = 0; i < 3; i++)
        cr_assert_eq(dg_frame_add_survey(b, &s[i], &err), 0);
    return test_frame_finish(b);
}

Test(consult, measures_and_suggestions)
{
    dg_frame *f = hand_frame();
    double v[DG_CONSULT_N_MEASURES];
    bool has[DG_CONSULT_N_MEASURES];
    size_t q = (size_t)dg_frame_customer_index(f, "Q"), p = (size_t)dg_frame_customer_index(f, "P");
    dg_consult_measures(f, q, v, has);
    cr_assert_eq(v[DG_CONSULT_ORDERS], 2);
    cr_assert_eq(v[DG_CONSULT_QUESTIONS], 3);
    cr_assert_eq(v[DG_CONSULT_QUESTIONS_BEFORE_FIRST_ORDER], 2);
    cr_assert_eq(v[DG_CONSULT_DAYS_TO_FIRST_ORDER], 100);
    cr_assert_eq(v[DG_CONSULT_SURVEYS], 2);
    dg_consult_measures(f, p, v, has);
    cr_assert_eq(v[DG_CONSULT_QUESTIONS_BEFORE_FIRST_ORDER], 2);   /* no order: all of them */
    cr_assert(!has[DG_CONSULT_DAYS_TO_FIRST_ORDER]);

    dg_consult_rules *r;
    cr_assert_eq(dg_consult_rules_default(&r, &err), 0);
    const dg_consult_rule *got = dg_consult_suggest(r, f, p);
    cr_assert_not_null(got);
    cr_assert_str_eq(got->type, "careful");   /* line 10 fits before skeptical on line 11 */
    got = dg_consult_suggest(r, f, (size_t)dg_frame_customer_index(f, "R"));
    cr_assert_str_eq(got->type, "demanding");
    cr_assert_null(dg_consult_suggest(r, f, (size_t)dg_frame_customer_index(f, "S")));
    dg_consult_rules *never;
    cr_assert_eq(dg_consult_rules_parse(&never, "reticent = days_to_first_order >= 0\n", "n",
                                        &err), 0);
    cr_assert_null(dg_consult_suggest(never, f, p));   /* undefined for a prospect: fails */
    dg_consult_rules_free(never);

    dg_table *t;
    cr_assert_eq(dg_consult_suggestion_table(&t, f, r, &err), 0);
    char *csv = test_render_free(t, DG_FORMAT_CSV);
    /* careful: P (untyped) and Q (typed careful: agrees); demanding: R (agrees) */
    cr_assert(strstr(csv, "\n9,demanding = complaints >= 3,demanding,1,0,1,1,1\n"), "%s", csv);
    cr_assert(strstr(csv, "\n10,careful = questions_before_first_order >= 2,careful,2,1,1,1,1\n"),
              "%s", csv);
    cr_assert(strstr(csv, "\n,(no rule fits),,1,0,1,0,\n"), "%s", csv);
    free(csv);
    dg_consult_rules_free(r);
    dg_frame_free(f);
}

Test(consult, analytics_by_type_by_hand)
{
    dg_frame *f = hand_frame();
    dg_table *t;
    cr_assert_eq(dg_consult_type_table(&t, f, &err), 0);
    char *csv = test_render_free(t, DG_FORMAT_CSV);
    /* careful: Q and S, both buyers; CSAT latest answers 5 and 3: 1 of 2; spend 4000 and 6000:
     * mean 5000, s = sqrt(2e6), half = 1.96 * s / sqrt(2) = 1960; no complaints */
    dg_share conv, csat, none;
    dg_share_from_counts(2, 2, &conv);
    dg_share_from_counts(1, 2, &csat);
    dg_share_from_counts(0, 2, &none);
    char want[400];
    snprintf(want, sizeof want, "\ncareful,2,2,1,%.10g,1,2,0.5,%.10g,%.10g,5000,3040,6960,0,0,0,"
             "%.10g\n", conv.ci_low, csat.ci_low, csat.ci_high, none.ci_high);
    cr_assert(strstr(csv, want), "wanted %s in\n%s", want, csv);
    /* (none): P, a prospect: conversion 0 of 1, no CSAT, no spend */
    cr_assert(strstr(csv, "\n(none),1,0,0,0,"), "%s", csv);
    cr_assert(strstr(csv, "\n(all),4,3,0.75,"), "%s", csv);
    cr_assert(!strstr(csv, "nan"), "%s", csv);
    free(csv);
    dg_frame_free(f);
}
