/* The relationship ladder: every rule boundary on hand-made frames (client order count and
 * activity window, lapsed/churned flags, each advocacy signal and its window, partner activity
 * kinds, customers not yet known), the rules file, and the reports, the migration matrix and
 * the history cell by cell. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/stage.h"
#include "support.h"

#define DAY 86400
#define D 1000   /* the classification day used below */

static dg_error err;
static dg_frame_builder *b;

static void customer(const char *id)
{
    dg_frame_customer_in c = { .customer_id = id };
    cr_assert_eq(dg_frame_add_customer(b, &c, &err), 0, "%s", err.message);
}

static void order(const char *id, int day)
{
    dg_frame_order_in o = { .customer_id = id, .ordered_at = (int64_t)day * DAY + 100,
                            .amount_minor = 10 };
    cr_assert_eq(dg_frame_add_order(b, &o, &err), 0, "%s", err.message);
}

static void nps(const char *id, int day, int score)
{
    dg_frame_survey_in s = { .customer_id = id, .day = day, .has_nps = true, .nps = score };
    cr_assert_eq(dg_frame_add_survey(b, &s, &err), 0);
}

/* a repeat buyer, active: orders at D-400 and D-10 */
static void client(const char *id)
{
    customer(id);
    order(id, D - 400);
    order(id, D - 10);
}

static dg_frame *finish(void)
{
    dg_frame *f = test_frame_finish(b);
    b = NULL;
    return f;
}

static void classify(const dg_frame *f, const dg_stage_rules *r, int32_t day, uint8_t *stage,
                     uint8_t *act)
{
    cr_assert_eq(dg_stage_at(f, r, day, stage, act, &err), 0, "%s", err.message);
}

static void expect(const dg_frame *f, const uint8_t *stage, const uint8_t *act, const char *id,
                   dg_stage s, dg_activity a)
{
    int64_t c = dg_frame_customer_index(f, id);
    cr_assert_geq(c, 0, "%s", id);
    cr_assert_eq(stage[c], s, "%s: stage %s, expected %s", id, dg_stage_name(stage[c]),
                 dg_stage_name(s));
    cr_assert_eq(act[c], a, "%s: flag %s, expected %s", id, dg_activity_name(act[c]),
                 dg_activity_name(a));
}

Test(stage, purchase_rules_and_flags)
{
    cr_assert_eq(dg_frame_builder_new(&b, 2000, false, &err), 0);
    customer("prospect");
    customer("one");            order("one", D - 5);
    customer("two-edge");       order("two-edge", D - 500); order("two-edge", D - 365);
    customer("two-out");        order("two-out", D - 500); order("two-out", D - 366);
    customer("active-180");     order("active-180", D - 180);
    customer("lapsed-181");     order("lapsed-181", D - 181);
    customer("churned-366");    order("churned-366", D - 366);
    customer("future");         order("future", D + 1);
    dg_frame_customer_in late = { .customer_id = "late", .has_acquired_day = true,
                                  .acquired_day = D + 1 };
    cr_assert_eq(dg_frame_add_customer(b, &late, &err), 0);
    dg_frame *f = finish();
    dg_stage_rules r;
    dg_stage_rules_default(&r);
    uint8_t stage[16], act[16];
    classify(f, &r, D, stage, act);
    expect(f, stage, act, "prospect", DG_STAGE_PROSPECT, DG_ACTIVITY_NONE);
    expect(f, stage, act, "one", DG_STAGE_CUSTOMER, DG_ACTIVITY_ACTIVE);
    /* last order exactly active_days (365) ago: still a client, flagged lapsed (> 180) */
    expect(f, stage, act, "two-edge", DG_STAGE_CLIENT, DG_ACTIVITY_LAPSED);
    expect(f, stage, act, "two-out", DG_STAGE_CUSTOMER, DG_ACTIVITY_CHURNED);
    expect(f, stage, act, "active-180", DG_STAGE_CUSTOMER, DG_ACTIVITY_ACTIVE);
    expect(f, stage, act, "lapsed-181", DG_STAGE_CUSTOMER, DG_ACTIVITY_LAPSED);
    expect(f, stage, act, "churned-366", DG_STAGE_CUSTOMER, DG_ACTIVITY_CHURNED);
    /* first seen the day after: not known yet, its order does not count */
    expect(f, stage, act, "future", DG_STAGE_UNKNOWN, DG_ACTIVITY_NONE);
    expect(f, stage, act, "late", DG_STAGE_UNKNOWN, DG_ACTIVITY_NONE);
    classify(f, &r, D + 1, stage, act);
    expect(f, stage, act, "future", DG_STAGE_CUSTOMER, DG_ACTIVITY_ACTIVE);
    expect(f, stage, act, "late", DG_STAGE_PROSPECT, DG_ACTIVITY_NONE);
    /* client_min_orders = 3 */
    cr_assert_eq(dg_stage_rules_parse(&r, "client_min_orders = 3", "t", &err), 0);
    classify(f, &r, D, stage, act);
    expect(f, stage, act, "two-edge", DG_STAGE_CUSTOMER, DG_ACTIVITY_LAPSED);

    dg_stage_counts k;
    dg_stage_count(stage, act, f->n_customers, D, &k);
    cr_assert_eq(k.unknown, 2);
    cr_assert_eq(k.stage[DG_STAGE_PROSPECT], 1);
    cr_assert_eq(k.stage[DG_STAGE_CUSTOMER], 6);
    cr_assert_eq(k.activity[DG_STAGE_CUSTOMER][DG_ACTIVITY_CHURNED], 2);
    cr_assert_eq(dg_stage_at(f, &r, 2001, stage, act, &err), DG_EINVAL);
    dg_frame_free(f);
}

Test(stage, advocacy_signals_and_windows)
{
    cr_assert_eq(dg_frame_builder_new(&b, 2000, false, &err), 0);
    client("promoter9");   nps("promoter9", D - 20, 9);
    client("passive8");    nps("passive8", D - 20, 8);
    client("turned");      nps("turned", D - 100, 10); nps("turned", D - 5, 3);
    client("old-promoter"); nps("old-promoter", D - 366, 10);
    client("edge-promoter"); nps("edge-promoter", D - 365, 10);
    client("referrer");    customer("friend");
    dg_frame_referral_in ref = { "referrer", "friend", D - 5 };
    cr_assert_eq(dg_frame_add_referral(b, &ref, &err), 0);
    client("rated4");      client("rated3");   client("complimented");
    dg_frame_feedback_in fb4 = { .customer_id = "rated4", .received_at = (int64_t)(D - 3) * DAY,
                                 .kind = "opinion", .rating = 4 };
    dg_frame_feedback_in fb3 = { .customer_id = "rated3", .received_at = (int64_t)(D - 3) * DAY,
                                 .kind = "opinion", .rating = 3 };
    dg_frame_feedback_in fbc = { .customer_id = "complimented",
                                 .received_at = (int64_t)(D - 3) * DAY, .kind = "compliment" };
    cr_assert_eq(dg_frame_add_feedback(b, &fb4, &err), 0);
    cr_assert_eq(dg_frame_add_feedback(b, &fb3, &err), 0);
    cr_assert_eq(dg_frame_add_feedback(b, &fbc, &err), 0);
    customer("one-time-promoter"); order("one-time-promoter", D - 3);
    nps("one-time-promoter", D - 2, 10);
    dg_frame *f = finish();
    dg_stage_rules r;
    dg_stage_rules_default(&r);
    uint8_t stage[32], act[32];
    classify(f, &r, D, stage, act);
    expect(f, stage, act, "promoter9", DG_STAGE_ADVOCATE, DG_ACTIVITY_ACTIVE);
    expect(f, stage, act, "passive8", DG_STAGE_CLIENT, DG_ACTIVITY_ACTIVE);
    expect(f, stage, act, "turned", DG_STAGE_CLIENT, DG_ACTIVITY_ACTIVE);   /* latest answer */
    expect(f, stage, act, "old-promoter", DG_STAGE_CLIENT, DG_ACTIVITY_ACTIVE);
    expect(f, stage, act, "edge-promoter", DG_STAGE_ADVOCATE, DG_ACTIVITY_ACTIVE);
    expect(f, stage, act, "referrer", DG_STAGE_ADVOCATE, DG_ACTIVITY_ACTIVE);
    expect(f, stage, act, "friend", DG_STAGE_PROSPECT, DG_ACTIVITY_NONE);
    expect(f, stage, act, "rated4", DG_STAGE_ADVOCATE, DG_ACTIVITY_ACTIVE);
    expect(f, stage, act, "rated3", DG_STAGE_CLIENT, DG_ACTIVITY_ACTIVE);
    expect(f, stage, act, "complimented", DG_STAGE_ADVOCATE, DG_ACTIVITY_ACTIVE);
    /* a promoter who is not a client is not an advocate */
    expect(f, stage, act, "one-time-promoter", DG_STAGE_CUSTOMER, DG_ACTIVITY_ACTIVE);
    /* before the referral was made */
    classify(f, &r, D - 6, stage, act);
    expect(f, stage, act, "referrer", DG_STAGE_CLIENT, DG_ACTIVITY_ACTIVE);
    /* only referrals count */
    cr_assert_eq(dg_stage_rules_parse(&r, "advocacy_signals = referral\npromoter_min_nps=8",
                                      "t", &err), 0, "%s", err.message);
    classify(f, &r, D, stage, act);
    expect(f, stage, act, "promoter9", DG_STAGE_CLIENT, DG_ACTIVITY_ACTIVE);
    expect(f, stage, act, "rated4", DG_STAGE_CLIENT, DG_ACTIVITY_ACTIVE);
    expect(f, stage, act, "referrer", DG_STAGE_ADVOCATE, DG_ACTIVITY_ACTIVE);
    cr_assert_eq(dg_stage_rules_parse(&r, "advocacy_signals = promoter", "t", &err), 0);
    classify(f, &r, D, stage, act);
    expect(f, stage, act, "passive8", DG_STAGE_ADVOCATE, DG_ACTIVITY_ACTIVE);
    dg_frame_free(f);
}

Test(stage, partners)
{
    cr_assert_eq(dg_frame_builder_new(&b, 2000, false, &err), 0);
    const char *ids[] = { "panel", "community", "stale", "not-advocate" };
    const char *kinds[] = { "panel", "community", "panel", "co_design" };
    int days[] = { D - 1, D - 1, D - 366, D - 1 };
    for (int i = 0; i < 4; i++) {
        client(ids[i]);
        if (i < 3)
            nps(ids[i], D - 2, 10);
        dg_frame_partner_in p = { ids[i], kinds[i], days[i] };
        cr_assert_eq(dg_frame_add_partner(b, &p, &err), 0);
    }
    dg_frame *f = finish();
    dg_stage_rules r;
    dg_stage_rules_default(&r);
    uint8_t stage[8], act[8];
    classify(f, &r, D, stage, act);
    expect(f, stage, act, "panel", DG_STAGE_PARTNER, DG_ACTIVITY_ACTIVE);
    expect(f, stage, act, "community", DG_STAGE_PARTNER, DG_ACTIVITY_ACTIVE);
    expect(f, stage, act, "stale", DG_STAGE_ADVOCATE, DG_ACTIVITY_ACTIVE);
    expect(f, stage, act, "not-advocate", DG_STAGE_CLIENT, DG_ACTIVITY_ACTIVE);
    cr_assert_eq(dg_stage_rules_parse(&r, "partner_activities = panel, co_design", "t", &err), 0);
    classify(f, &r, D, stage, act);
    expect(f, stage, act, "community", DG_STAGE_ADVOCATE, DG_ACTIVITY_ACTIVE);
    expect(f, stage, act, "panel", DG_STAGE_PARTNER, DG_ACTIVITY_ACTIVE);
    /* the behavioural stage: every one of them is a client by orders alone, and the rules are
     * the caller's, unchanged */
    uint8_t bstage[8], bact[8];
    cr_assert_eq(dg_stage_behavioural_at(f, &r, D, bstage, bact, &err), 0, "%s", err.message);
    for (int i = 0; i < 4; i++)
        expect(f, bstage, bact, ids[i], DG_STAGE_CLIENT, DG_ACTIVITY_ACTIVE);
    cr_assert(r.promoter_signal && r.referral_signal && r.review_signal);

    /* reports: funnel conversion = reached[s] / reached[s-1] */
    dg_stage_counts k;
    dg_stage_count(stage, act, f->n_customers, D, &k);
    dg_table *t = NULL;
    cr_assert_eq(dg_stage_funnel_table(&t, &k, &err), 0);
    cr_assert_eq(dg_table_rows(t), 5);
    char *text = test_render(t, DG_FORMAT_CSV);
    /* 4 known, 4 bought, 4 clients, 3 advocates, 1 partner */
    cr_assert(strstr(text, "advocate,3,0.75,0.75,2"), "%s", text);
    cr_assert(strstr(text, "partner,1,0.25,0.3333333333,1"), "%s", text);
    free(text);
    dg_table_free(t);
    dg_frame_free(f);
}

static void known_from(const char *id, int day)
{
    dg_frame_customer_in c = { .customer_id = id, .has_acquired_day = true, .acquired_day = day };
    cr_assert_eq(dg_frame_add_customer(b, &c, &err), 0, "%s", err.message);
}

/* a client from D-200 on: orders at D-300, D-200 and D-10 */
static void steady_client(const char *id)
{
    customer(id);
    order(id, D - 300);
    order(id, D - 200);
    order(id, D - 10);
}

static char *csv_of(dg_table *t)
{
    return test_render_free(t, DG_FORMAT_CSV);
}

#define HAS(text, row) cr_assert(strstr(text, "\n" row "\n"), "no row %s in\n%s", row, text)

/* Each customer's stage worked out on D-100, D-89 (1972-06-30), D-58 (07-31), D-27 (08-31) and
 * D (1972-09-27), with the default rules. */
static dg_frame *moves_frame(void)
{
    cr_assert_eq(dg_frame_builder_new(&b, 2000, false, &err), 0);
    known_from("stays-prospect", D - 200);                   /* prospect throughout */
    known_from("buys", D - 200);    order("buys", D - 50);   /* prospect until D-50 */
    customer("turns-client");       /* customer from D-150, client from D-20 */
    order("turns-client", D - 150);
    order("turns-client", D - 20);
    customer("falls-back");         /* a lapsed client (last order > 180 days ago) until D-35, */
    order("falls-back", D - 500);   /* then its last order is over 365 days old: a churned */
    order("falls-back", D - 400);   /* customer */
    steady_client("stays-client");
    steady_client("stops-promoting");   /* advocate on a promoter answer until a detractor one */
    nps("stops-promoting", D - 150, 10);
    nps("stops-promoting", D - 50, 3);
    steady_client("joins-panel");   /* advocate, then partner from its panel at D-50 */
    nps("joins-panel", D - 150, 10);
    dg_frame_partner_in panel = { "joins-panel", "panel", D - 50 };
    cr_assert_eq(dg_frame_add_partner(b, &panel, &err), 0);
    known_from("new-buyer", D - 30);   order("new-buyer", D - 30);
    known_from("new-prospect", D - 5);
    known_from("not-yet", D + 1);      /* unknown on every date below: in no cell */
    return finish();
}

Test(stage, migration_matrix_worked_by_hand)
{
    dg_frame *f = moves_frame();
    dg_stage_rules r;
    dg_stage_rules_default(&r);
    dg_table *t = NULL;
    cr_assert_eq(dg_stage_migration_table(&t, f, &r, D - 100, D, &err), 0, "%s", err.message);
    cr_assert_eq(dg_table_rows(t), 6);
    char *text = csv_of(t);
    /* from \ to: prospect, customer, client, advocate, partner, total, stayed, up, down */
    HAS(text, "prospect,1,1,0,0,0,2,0.5,0.5,0");          /* stays-prospect, buys */
    HAS(text, "customer,0,0,1,0,0,1,0,1,0");              /* turns-client */
    HAS(text, "client,0,1,1,0,0,2,0.5,0,0.5");            /* falls-back moves down */
    HAS(text, "advocate,0,0,1,0,1,2,0,0.5,0.5");          /* stops-promoting, joins-panel */
    HAS(text, "partner,0,0,0,0,0,0,,,");
    HAS(text, "(not yet known),1,1,0,0,0,2,,,");          /* new-prospect, new-buyer */
    free(text);
    /* the same day twice: everyone known stays */
    cr_assert_eq(dg_stage_migration_table(&t, f, &r, D - 27, D - 27, &err), 0, "%s", err.message);
    text = csv_of(t);
    HAS(text, "customer,0,4,0,0,0,4,1,0,0");
    HAS(text, "(not yet known),0,0,0,0,0,0,,,");
    free(text);
    cr_assert_eq(dg_stage_migration_table(&t, f, &r, D, D - 1, &err), DG_EINVAL);
    dg_frame_free(f);
}

Test(stage, funnel_counts_the_stage_on_the_day)
{
    dg_frame *f = moves_frame();
    dg_stage_rules r;
    dg_stage_rules_default(&r);
    uint8_t stage[16], act[16];
    classify(f, &r, D, stage, act);
    dg_stage_counts k;
    dg_stage_count(stage, act, f->n_customers, D, &k);
    dg_table *t = NULL;
    cr_assert_eq(dg_stage_funnel_table(&t, &k, &err), 0);
    char *text = csv_of(t);
    /* 9 known on D: 2 prospects, 3 customers, 3 clients, 1 partner. falls-back was a client and
     * is a customer now: it counts up to customer only; stops-promoting counts up to client. */
    HAS(text, "prospect,9,1,,2");
    HAS(text, "customer,7,0.7777777778,0.7777777778,3");
    HAS(text, "client,4,0.4444444444,0.5714285714,3");
    HAS(text, "advocate,1,0.1111111111,0.25,0");
    HAS(text, "partner,1,0.1111111111,1,1");
    free(text);
    dg_frame_free(f);
}

Test(stage, history_worked_by_hand)
{
    dg_frame *f = moves_frame();
    dg_stage_rules r;
    dg_stage_rules_default(&r);
    dg_table *t = NULL;
    cr_assert_eq(dg_stage_history_table(&t, f, &r, D - 100, D, &err), 0, "%s", err.message);
    cr_assert_eq(dg_table_rows(t), 4);
    char *text = csv_of(t);
    /* date, prospect, customer, client, advocate, partner, lapsed, churned */
    HAS(text, "1972-06-30,2,1,2,2,0,1,0");   /* falls-back a lapsed client */
    HAS(text, "1972-07-31,2,1,2,2,0,1,0");
    HAS(text, "1972-08-31,1,4,2,0,1,0,1");   /* falls-back churned, new-buyer known */
    HAS(text, "1972-09-27,2,3,3,0,1,0,1");   /* the last row is --at, not a month end */
    free(text);
    cr_assert_eq(dg_stage_history_table(&t, f, &r, D, D - 1, &err), DG_EINVAL);
    dg_frame_free(f);
}

Test(stage, rules_file)
{
    dg_stage_rules r;
    dg_stage_rules_default(&r);
    cr_assert_eq(r.client_min_orders, 2);
    cr_assert_eq(r.active_days, 365);
    cr_assert_eq(r.lapsed_days, 180);
    cr_assert_eq(r.churned_days, 365);
    cr_assert_eq(r.promoter_min_nps, 9);
    cr_assert(r.promoter_signal && r.referral_signal && r.review_signal);
    cr_assert_eq(r.n_partner_kinds, 5);
    cr_assert_eq(dg_stage_rules_parse(&r, "# c\n\nlapsed_days = 90 # x\n", "ok", &err), 0);
    cr_assert_eq(r.lapsed_days, 90);
    cr_assert_eq(dg_stage_rules_parse(&r, "client_min_orders = 0\n", "f.conf", &err), DG_EINVAL);
    cr_assert(strstr(err.message, "f.conf:1:21: client_min_orders = \"0\""), "%s", err.message);
    cr_assert_eq(dg_stage_rules_parse(&r, "\nactive_dayz = 3\n", "f.conf", &err), DG_EINVAL);
    cr_assert(strstr(err.message, "f.conf:2:") && strstr(err.message, "unknown key"), "%s",
              err.message);
    cr_assert_eq(dg_stage_rules_parse(&r, "nonsense\n", "f.conf", &err), DG_EPARSE);
    cr_assert_eq(dg_stage_rules_parse(&r, "advocacy_signals = love\n", "f.conf", &err), DG_EINVAL);
    cr_assert_eq(dg_stage_rules_parse(&r, "churned_days = 10\n", "f.conf", &err), DG_EINVAL);
    cr_assert_eq(r.lapsed_days, 90);   /* a failed parse changes nothing */

    FILE *in = fopen("config/stages.conf", "r");
    cr_assert(in);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    int ch;
    while ((ch = fgetc(in)) != EOF)
        fputc(ch, mem);
    fclose(in);
    fclose(mem);
    cr_assert_str_eq(text, dg_stage_rules_default_text());
    free(text);
}
