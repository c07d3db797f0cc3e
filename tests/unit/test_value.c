/* Customer value survey (dangol/cvalue.h): the survey parser (every error at file:line:column,
 * the built-in text identical to config/value_survey.conf), component scores with reverse
 * coding and value, Cronbach's alpha and the OLS fit against values computed independently
 * with numpy/scipy, and the clear failures (too few answers, a constant outcome, a constant
 * component) that must never be a NaN. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/cvalue.h"
#include "support.h"

static dg_error err;

/* a minimal valid survey: one item per component, three on functional */
static const char minimal[] =
    "item.f1.component = functional\n"
    "item.f2.component = functional\n"
    "item.f3.component = 기능적 혜택\n"        /* a component by its Korean name */
    "item.f3.reverse = yes\n"
    "item.e.component = emotional\n"
    "item.s.component = social\n"
    "item.m.component = money\n"
    "item.t.component = time\n"
    "item.ef.component = effort\n"
    "item.p.component = psychological\n"
    "item.ri.component = outcome\n"
    "outcome = ri\n";

Test(value, default_survey_is_the_config_file)
{
    char *file = test_file_text("config/value_survey.conf"), *text = NULL;
    cr_assert_eq(dg_cvalue_survey_default_text(&text, &err), 0);
    cr_assert_str_eq(text, file);
    free(text);
    free(file);
    dg_cvalue_survey s;
    cr_assert_eq(dg_cvalue_survey_default(&s, &err), 0, "%s", err.message);
    cr_assert_eq(s.n_items, 23);
    cr_assert_str_eq(s.outcome, "repurchase_intent");
    int nps = dg_cvalue_item_find(&s, "nps");
    cr_assert(nps >= 0 && s.items[nps].min == 0 && s.items[nps].max == 10);
    cr_assert(s.items[dg_cvalue_item_find(&s, "money3")].reverse);
}

Test(value, minimal_survey_parses)
{
    dg_cvalue_survey s;
    cr_assert_eq(dg_cvalue_survey_parse(&s, minimal, "m.conf", &err), 0, "%s", err.message);
    cr_assert_eq(s.n_items, 10);
    cr_assert_eq(s.items[2].component, DG_CVALUE_FUNCTIONAL);
    cr_assert(s.items[2].reverse);
    cr_assert_eq(s.items[0].min, 1);
    cr_assert_eq(s.items[0].max, 5);
    cr_assert_eq(dg_cvalue_component_find("심리적 비용"), DG_CVALUE_PSYCHOLOGICAL);
    cr_assert_eq(dg_cvalue_component_find("Monetary cost"), DG_CVALUE_MONEY);
    cr_assert_eq(dg_cvalue_component_find("joy"), -1);
}

static void expect_error(const char *text, const char *message)
{
    dg_cvalue_survey s;
    dg_error_clear(&err);
    cr_assert_neq(dg_cvalue_survey_parse(&s, text, "v.conf", &err), 0, "accepted: %s", text);
    cr_assert(strstr(err.message, message), "\"%s\" lacks \"%s\"", err.message, message);
}

Test(value, survey_errors_name_file_line_column)
{
    char text[2048];
    snprintf(text, sizeof text, "%sitem.x.text_en = no component\n", minimal);
    expect_error(text, "v.conf:13:1: item \"x\" is mapped to no component");
    snprintf(text, sizeof text, "%sitem.f2.scale = 1-7\n", minimal);
    expect_error(text, "v.conf:13:17: item \"f2\": scale 1-7 does not match scale 1-5 of item "
                       "\"f1\" in the same component functional");
    snprintf(text, sizeof text, "scale = 0-10\n%s", minimal);   /* every item on one scale */
    dg_cvalue_survey s;
    cr_assert_eq(dg_cvalue_survey_parse(&s, text, "v.conf", &err), 0, "%s", err.message);
    cr_assert_eq(s.items[5].max, 10);
    expect_error("item.a.component = joy\n", "v.conf:1:20: item.a.component = \"joy\": unknown "
                                             "component");
    expect_error("item.a.component = functional\n", "v.conf:1:1: component emotional has no item");
    snprintf(text, sizeof text, "%sitem.e.scale = 5-1\n", minimal);
    expect_error(text, "v.conf:13:16: item.e.scale = \"5-1\": expected MIN-MAX");
    snprintf(text, sizeof text, "%soutcome = f1\n", minimal);
    expect_error(text, "v.conf:13:11: outcome = \"f1\": not an item with component = outcome");
    snprintf(text, sizeof text, "%sitem.e.colour = red\n", minimal);
    expect_error(text, "v.conf:13:17: unknown key \"item.e.colour\"");
    snprintf(text, sizeof text, "%sitem.e.reverse = maybe\n", minimal);
    expect_error(text, "expected yes or no");
    snprintf(text, sizeof text, "%sweight.money = 0\nweight.time = 0\nweight.effort = 0\n"
             "weight.psychological = 0\n", minimal);
    expect_error(text, "the cost weights are all 0");
    expect_error("just words\n", "v.conf:1:1: expected \"key = value\"");
    expect_error("item.A!.component = social\n", "expected item.CODE.KEY");
}

/* 2 responses to the minimal survey: f1 f2 f3(rev) e s m t ef p ri */
Test(value, scores_reverse_coding_and_value)
{
    dg_cvalue_survey s;
    cr_assert_eq(dg_cvalue_survey_parse(&s, minimal, "m.conf", &err), 0, "%s", err.message);
    int16_t answers[2 * 10] = { 5, 4, 1, 4, 3, 2, 1, 2, 3, 5,
                                3, DG_CVALUE_NA, 5, 2, 2, 4, 4, 4, 4, DG_CVALUE_NA };
    dg_cvalue_answers a = { .n = 2, .n_items = 10, .answers = answers };
    double score[14], value[2];
    bool has[14], ok[2];
    dg_cvalue_scores(&s, &a, score, has, value, ok);
    /* f3 = 1 reversed is 5: functional = (5 + 4 + 5) / 3 */
    cr_assert_float_eq(score[0], 14.0 / 3.0, 1e-12);
    /* value = mean(14/3, 4, 3) - mean(2, 1, 2, 3) */
    cr_assert(ok[0]);
    cr_assert_float_eq(value[0], (14.0 / 3.0 + 4 + 3) / 3 - 2.0, 1e-12);
    /* response 2: f2 missing, f3 = 5 reversed is 1: functional = (3 + 1) / 2 */
    cr_assert_float_eq(score[7], 2.0, 1e-12);
    cr_assert_float_eq(value[1], (2.0 + 2 + 2) / 3 - 4.0, 1e-12);
}

/* Cronbach's alpha of 6 respondents x 3 items. Expected value computed with numpy:
 *   X = np.array([[4,5,4],[3,3,2],[5,5,5],[2,3,3],[4,4,5],[1,2,1]], float)
 *   3/2 * (1 - X.var(axis=0, ddof=1).sum() / X.sum(axis=1).var(ddof=1)) = 0.9558541266794625 */
Test(value, cronbach_alpha_matches_numpy)
{
    dg_cvalue_survey s;
    cr_assert_eq(dg_cvalue_survey_parse(&s, minimal, "m.conf", &err), 0, "%s", err.message);
    s.items[2].reverse = false;
    static const int x[6][3] = { { 4, 5, 4 }, { 3, 3, 2 }, { 5, 5, 5 }, { 2, 3, 3 }, { 4, 4, 5 },
                                 { 1, 2, 1 } };
    int16_t answers[7 * 10];
    for (size_t r = 0; r < 7; r++)
        for (size_t i = 0; i < 10; i++)
            answers[r * 10 + i] = r < 6 && i < 3 ? (int16_t)x[r][i] : 3;
    answers[6 * 10 + 1] = DG_CVALUE_NA;   /* incomplete: left out of alpha */
    dg_cvalue_answers a = { .n = 7, .n_items = 10, .answers = answers };
    dg_cvalue_alpha al[DG_CVALUE_COMPONENTS];
    dg_cvalue_reliability(&s, &a, al);
    cr_assert(al[DG_CVALUE_FUNCTIONAL].ok);
    cr_assert_eq(al[DG_CVALUE_FUNCTIONAL].n, 6);
    cr_assert_float_eq(al[DG_CVALUE_FUNCTIONAL].alpha, 0.9558541266794625, 1e-12);
    /* one item: undefined, with its reason, never NaN */
    cr_assert_not(al[DG_CVALUE_EMOTIONAL].ok);
    cr_assert_eq(al[DG_CVALUE_EMOTIONAL].alpha, 0.0);
    cr_assert(strstr(al[DG_CVALUE_EMOTIONAL].reason, "one item"));
    /* reverse-coding f3 changes alpha: the reversed answers are the ones counted */
    s.items[2].reverse = true;
    dg_cvalue_reliability(&s, &a, al);
    cr_assert(al[DG_CVALUE_FUNCTIONAL].alpha < 0.5);
}

/* y on x1, x2 (14 observations). Expected values computed with numpy and scipy:
 *   A = np.column_stack([np.ones(14), x1, x2]); b = np.linalg.lstsq(A, y, rcond=None)[0]
 *   s2 = ((y - A @ b)**2).sum() / 11; se = np.sqrt(np.diag(s2 * np.linalg.inv(A.T @ A)))
 *   p = 2 * scipy.stats.t.sf(abs(b / se), 11); tcrit = scipy.stats.t.ppf(0.975, 11) */
Test(value, ols_matches_numpy_lstsq)
{
    static const double x1[14] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 };
    static const double x2[14] = { 3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7 };
    static const double y[14] = { 2.1, 3.9, 6.2, 7.8, 10.1, 12.5, 13.8, 16.2, 18.1, 19.7, 22.3,
                                  24.4, 26.0, 27.9 };
    double x[28];
    for (size_t i = 0; i < 14; i++) {
        x[2 * i] = x1[i];
        x[2 * i + 1] = x2[i];
    }
    dg_cvalue_fit f;
    cr_assert_eq(dg_cvalue_ols(&f, x, y, 14, 2, &err), 0, "%s", err.message);
    static const double b[3] = { -0.10457978711824942, 1.9657909057269094, 0.0890598811519121 };
    static const double se[3] = { 0.09582134392523547, 0.013374588043914871,
                                  0.02061971855530547 };
    static const double p[3] = { 0.298423761888386, 1.8117497982813204e-19,
                                 0.0012163742780333716 };
    for (size_t j = 0; j < 3; j++) {
        cr_assert_float_eq(f.coef[j], b[j], 1e-9, "coef %zu: %.17g", j, f.coef[j]);
        cr_assert_float_eq(f.se[j], se[j], 1e-9, "se %zu: %.17g", j, f.se[j]);
        cr_assert_float_eq(f.t[j], b[j] / se[j], 1e-6);
        cr_assert(fabs(f.p[j] - p[j]) <= 1e-9 * (p[j] > 1e-12 ? 1 : 0) + 1e-6 * p[j],
                  "p %zu: %.17g", j, f.p[j]);
        cr_assert_float_eq(f.lo[j], b[j] - 2.200985160082949 * se[j], 1e-9);
        cr_assert_float_eq(f.hi[j], b[j] + 2.200985160082949 * se[j], 1e-9);
    }
    cr_assert_float_eq(f.r2, 0.9997043570651776, 1e-12);
    cr_assert_eq(f.df, 11);
}

Test(value, ols_refuses_too_few_and_constant_outcomes)
{
    double x[40], y[20];
    for (size_t i = 0; i < 20; i++) {
        x[2 * i] = (double)i;
        x[2 * i + 1] = (double)((i * 7) % 5);
        y[i] = 1.0 + (double)(i % 3);
    }
    dg_cvalue_fit f;
    cr_assert_eq(dg_cvalue_ols(&f, x, y, 12, 2, &err), DG_EINVAL);
    cr_assert(strstr(err.message, "too few answers for a regression: 12 complete responses for 3 "
                                  "coefficients; at least 13 are needed"), "%s", err.message);
    double flat[20];
    for (size_t i = 0; i < 20; i++)
        flat[i] = 4;
    cr_assert_eq(dg_cvalue_ols(&f, x, flat, 20, 2, &err), DG_EINVAL);
    cr_assert(strstr(err.message, "the outcome is the same in all 20 responses"));
    /* a constant regressor is left out, reported as dropped, the rest estimated */
    for (size_t i = 0; i < 20; i++)
        x[2 * i + 1] = 3;
    cr_assert_eq(dg_cvalue_ols(&f, x, y, 20, 2, &err), 0, "%s", err.message);
    cr_assert(f.dropped[2]);
    cr_assert_not(f.dropped[1]);
    cr_assert_eq(f.coef[2], 0.0);
    cr_assert(isfinite(f.coef[1]) && isfinite(f.se[1]) && isfinite(f.p[1]));
    cr_assert_eq(f.df, 18);
}

Test(value, grid_of_a_small_group_says_so)
{
    dg_cvalue_survey s;
    cr_assert_eq(dg_cvalue_survey_parse(&s, minimal, "m.conf", &err), 0, "%s", err.message);
    int16_t answers[5 * 10];
    for (size_t i = 0; i < 50; i++)
        answers[i] = (int16_t)(1 + (i * 7) % 5);
    dg_cvalue_answers a = { .n = 5, .n_items = 10, .answers = answers };
    double score[35], value[5], y[5] = { 1, 2, 3, 4, 5 };
    bool has[35], ok[5], y_ok[5] = { true, true, true, true, true };
    dg_cvalue_scores(&s, &a, score, has, value, ok);
    uint32_t group[5] = { 0, 0, 1, 1, 1 };
    const char *labels[2] = { "A", "B" };
    dg_table *t = NULL;
    cr_assert_eq(dg_cvalue_grid_table(&t, &s, &a, score, has, y, y_ok, group, labels, 2, "tier",
                                      &err), 0, "%s", err.message);
    cr_assert_eq(dg_table_rows(t), 2);
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    dg_table_write(t, mem, DG_FORMAT_CSV);
    fclose(mem);
    cr_assert(strstr(buf, "A,(all),2,,,,,,,group too small for a regression"), "%s", buf);
    cr_assert_null(strstr(buf, "nan"));
    free(buf);
    dg_table_free(t);
}
