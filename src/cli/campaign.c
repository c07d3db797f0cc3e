/* `dangol campaign`: campaigns with a control group — create, list, show, audience preview,
 * launch, send list and results. Every write is one operation of the library
 * (dangol/campaign.h); every report comes from the report layer, as the API shows it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/analysis.h"
#include "dangol/audit.h"
#include "dangol/campaign.h"
#include "dangol/points.h"

typedef struct campaign_args {
    const char *name, *audience, *share, *seed, *coupon, *points, *channel, *window, *key;
    const char *actor, *rules_path, *reason;
    int32_t day, as_of;
    const char *positional;
} campaign_args;

static int parse_args(dg_cli *cli, int argc, char **argv, campaign_args *a)
{
    memset(a, 0, sizeof *a);
    a->day = DG_CAMPAIGN_TODAY;
    a->as_of = DG_DAY_NONE;
    const dg_cli_option options[] = {
        dg_cli_text("name", &a->name),
        dg_cli_text("audience", &a->audience),
        dg_cli_text("where", &a->audience),
        dg_cli_text("control-share", &a->share),
        dg_cli_text("seed", &a->seed),
        dg_cli_text("coupon", &a->coupon),
        dg_cli_text("points", &a->points),
        dg_cli_text("channel", &a->channel),
        dg_cli_text("window-days", &a->window),
        dg_cli_text("idempotency-key", &a->key),
        dg_cli_text("actor", &a->actor),
        dg_cli_text("rules", &a->rules_path),
        dg_cli_text("reason", &a->reason),
        dg_cli_day("date", &a->day, NULL),
        dg_cli_day("as-of", &a->as_of, NULL),
    };
    return dg_cli_options(cli, argc, argv, options, DG_CLI_N(options), &a->positional, 1);
}

/* A whole number from lo to hi given to option, or a usage error. */
static int parse_count(dg_cli *cli, const char *option, const char *text, long long lo,
                       long long hi, long long *out)
{
    char *end;
    long long v = strtoll(text, &end, 10);
    if (!*text || *end || v < lo || v > hi)
        return dg_cli_usage_error(cli, "%s \"%s\": expected a whole number from %lld to %lld",
                                  option, text, lo, hi);
    *out = v;
    return DG_EXIT_OK;
}

static int share_and_seed(dg_cli *cli, const campaign_args *a, int64_t *bp, uint64_t *seed)
{
    dg_error err;
    *bp = 1000;
    *seed = 1;
    if (a->share && dg_campaign_share_parse(a->share, bp, &err) != 0)
        return dg_cli_usage_error(cli, "--control-share: %s", err.message);
    long long s;
    if (a->seed) {
        int code = parse_count(cli, "--seed", a->seed, 0, 9007199254740991LL, &s);
        if (code != DG_EXIT_OK)
            return code;
        *seed = (uint64_t)s;
    }
    return DG_EXIT_OK;
}

static int print_report(dg_cli *cli, int rc, dg_report *rep, const dg_error *err)
{
    int code = rc == DG_EINVAL ? (dg_cli_fail(cli, err), DG_EXIT_USAGE)
                               : dg_cli_report_print(cli, rc, rep, err);
    dg_report_clear(rep);
    return code;
}

static int create(dg_cli *cli, const campaign_args *a)
{
    if (!a->positional)
        return dg_cli_usage_error(cli, "create takes the new campaign's id");
    if (a->coupon && a->points)
        return dg_cli_usage_error(cli, "the offer is --coupon DEFINITION or --points N, not both");
    dg_campaign c = { .campaign_id = a->positional, .name = a->name, .audience = a->audience,
                      .channel = a->channel, .window_days = 30 };
    int code = share_and_seed(cli, a, &c.control_share_bp, &c.seed);
    if (code != DG_EXIT_OK)
        return code;
    long long v;
    if (a->window) {
        if ((code = parse_count(cli, "--window-days", a->window, 1, DG_CAMPAIGN_MAX_WINDOW,
                                &v)) != DG_EXIT_OK)
            return code;
        c.window_days = (int32_t)v;
    }
    dg_error err;
    dg_error_clear(&err);
    if (a->points) {
        if (dg_points_amount_parse(a->points, "--points", false, &c.offer_points, &err) != 0)
            return dg_cli_usage_error(cli, "%s", err.message);
        c.offer = DG_CAMPAIGN_OFFER_POINTS;
    } else if (a->coupon) {
        c.offer = DG_CAMPAIGN_OFFER_COUPON;
        c.coupon_definition = a->coupon;
    }
    dg_store *store;
    if ((code = dg_cli_open_store(cli, 0, &store)) != DG_EXIT_OK)
        return code;
    char name[DG_AUDIT_NAME_MAX];
    dg_audit_actor actor;
    dg_audit_actor_cli(&actor, name);
    dg_campaign_write w = { .actor = a->actor ? a->actor : name, .idempotency_key = a->key,
                            .audit = &actor };
    bool replayed = false;
    int rc = dg_campaign_create(&replayed, store, &c, &w, &err);
    if (rc != 0) {
        dg_store_close(store);
        return rc == DG_EINVAL || rc == DG_ERANGE ? (dg_cli_fail(cli, &err), DG_EXIT_USAGE)
                                                  : dg_cli_fail(cli, &err);
    }
    dg_report rep = { 0 };
    rc = dg_report_campaign_show(&rep, store, c.campaign_id, &err);
    if (rc == 0 && replayed)
        dg_table_add_note(rep.tables[0], "this idempotency key was used before: nothing was "
                                         "written");
    if (rc == 0 && rep.n_tables > 1) {   /* only the definition: no groups before launch */
        dg_table_free(rep.tables[1]);
        rep.n_tables = 1;
    }
    code = print_report(cli, rc, &rep, &err);
    dg_store_close(store);
    return code;
}

static int launch(dg_cli *cli, const campaign_args *a)
{
    if (!a->positional)
        return dg_cli_usage_error(cli, "launch takes a campaign id");
    dg_error err;
    dg_error_clear(&err);
    dg_points_rules rules;
    int code = dg_cli_points_rules(cli, a->rules_path, &rules);
    if (code != DG_EXIT_OK)
        return code;
    dg_store *store;
    if ((code = dg_cli_open_store(cli, 0, &store)) != DG_EXIT_OK)
        return code;
    char name[DG_AUDIT_NAME_MAX];
    dg_audit_actor actor;
    dg_audit_actor_cli(&actor, name);
    dg_campaign_write w = { .actor = a->actor ? a->actor : name, .idempotency_key = a->key,
                            .audit = &actor };
    dg_campaign_launch_result res;
    int rc = dg_campaign_launch(&res, store, a->positional, a->day, &rules, &w, &err);
    dg_store_close(store);
    if (rc != 0)
        return dg_cli_fail(cli, &err);
    static const char *const cols[] = { "campaign", "launched_on", "audience_as_of", "members",
                                        "treatment", "control", "coupons_issued",
                                        "points_granted", "replayed" };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_DATE, DG_CELL_DATE, DG_CELL_INT,
                                          DG_CELL_INT, DG_CELL_INT, DG_CELL_INT, DG_CELL_INT,
                                          DG_CELL_TEXT };
    dg_table *t = dg_cli_table("Campaign launched", cols, types, 9);
    if (t) {
        dg_table_add_row(t);
        dg_table_set_text(t, 0, a->positional);
        dg_table_set_int(t, 1, res.launched_on);
        dg_table_set_int(t, 2, res.audience_as_of);
        dg_table_set_int(t, 3, res.members);
        dg_table_set_int(t, 4, res.treatment);
        dg_table_set_int(t, 5, res.control);
        dg_table_set_int(t, 6, res.coupons_issued);
        dg_table_set_int(t, 7, res.points_granted);
        dg_table_set_text(t, 8, res.replayed ? "yes" : "no");
        if (res.replayed)
            dg_table_add_note(t, "this idempotency key was used before: its first result is "
                                 "shown and nothing was written");
    }
    return dg_cli_print_free(cli, t);
}

static int send_list(dg_cli *cli, const campaign_args *a)
{
    if (!a->positional)
        return dg_cli_usage_error(cli, "send-list takes a campaign id");
    dg_store *store;
    int code = dg_cli_open_store(cli, 0, &store);
    if (code != DG_EXIT_OK)
        return code;
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    int64_t left_out = 0;
    int32_t day = a->day == DG_CAMPAIGN_TODAY && a->as_of != DG_DAY_NONE ? a->as_of : a->day;
    int rc = dg_report_campaign_send_list(&rep, store, a->positional, a->channel, day,
                                          &left_out, &err);
    if (rc == 0) {   /* contacts leave the store: an export entry with its reason; the
                        customers are the campaign's frozen treatment group with consent */
        size_t n = dg_table_rows(rep.tables[0]);
        code = dg_cli_audit(cli, store, DG_AUDIT_EXPORT, NULL, 0,
                            a->reason ? a->reason : "campaign send list",
                            json_pack("{s:s,s:I,s:I}", "campaign", a->positional, "rows",
                                      (json_int_t)n, "left_out", (json_int_t)left_out));
        if (code != DG_EXIT_OK) {
            dg_report_clear(&rep);
            dg_store_close(store);
            return code;
        }
    }
    code = print_report(cli, rc, &rep, &err);
    dg_store_close(store);
    return code;
}

static int results(dg_cli *cli, const campaign_args *a)
{
    if (!a->positional)
        return dg_cli_usage_error(cli, "results takes a campaign id");
    dg_error err;
    dg_error_clear(&err);
    dg_points_rules rules;
    int code = dg_cli_points_rules(cli, a->rules_path, &rules);
    if (code != DG_EXIT_OK)
        return code;
    dg_frame *frame = NULL;
    if ((code = dg_cli_load_frame(cli, a->as_of, false, &frame)) != DG_EXIT_OK)
        return code;
    dg_store *store;
    if ((code = dg_cli_open_store(cli, DG_STORE_READONLY, &store)) != DG_EXIT_OK) {
        dg_frame_free(frame);
        return code;
    }
    dg_report rep = { 0 };
    int rc = dg_report_campaign_results(&rep, store, frame, a->positional, &rules, &err);
    code = dg_cli_report_print(cli, rc, &rep, &err);
    dg_report_clear(&rep);
    dg_store_close(store);
    dg_frame_free(frame);
    return code;
}

static int read_report(dg_cli *cli, int sub, const campaign_args *a)
{
    if (sub == 2 && !a->positional)
        return dg_cli_usage_error(cli, "show takes a campaign id");
    int64_t bp = 1000;
    uint64_t seed = 1;
    int code = sub == 3 ? share_and_seed(cli, a, &bp, &seed) : DG_EXIT_OK;
    if (code != DG_EXIT_OK)
        return code;
    dg_store *store;
    if ((code = dg_cli_open_store(cli, DG_STORE_READONLY, &store)) != DG_EXIT_OK)
        return code;
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    int rc = sub == 1 ? dg_report_campaign_list(&rep, store, &err)
           : sub == 2 ? dg_report_campaign_show(&rep, store, a->positional, &err)
           : dg_report_campaign_audience(&rep, store, a->audience ? a->audience : "", a->as_of,
                                         (double)bp / 10000.0, seed, &err);
    code = print_report(cli, rc, &rep, &err);
    dg_store_close(store);
    return code;
}

static int run(dg_cli *cli, int argc, char **argv)
{
    static const char *const subcommands[] = { "create", "list", "show", "audience", "launch",
                                               "send-list", "results" };
    int sub = dg_cli_subcommand(cli, argc, argv, subcommands, DG_CLI_N(subcommands));
    if (sub < 0)
        return DG_EXIT_USAGE;
    campaign_args a;
    dg_cli_getopt_reset();
    int code = parse_args(cli, argc - 1, argv + 1, &a);
    if (code != DG_EXIT_OK)
        return code;
    if (a.positional && (sub == 1 || sub == 3))
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", a.positional);
    switch (sub) {
    case 0: return create(cli, &a);
    case 4: return launch(cli, &a);
    case 5: return send_list(cli, &a);
    case 6: return results(cli, &a);
    default: return read_report(cli, sub, &a);
    }
}

DG_CLI_COMMAND(campaign) = {
    "campaign", "campaigns with a control group: audience, launch, send list, results",
    "usage: dangol [--db PATH] [--format table|csv|json] campaign SUBCOMMAND [OPTIONS]\n\n"
    "  create ID [--name TEXT] [--audience FILTER] [--control-share 0.1|10%] [--seed N]\n"
    "            [--coupon DEFINITION | --points N] [--channel PURPOSE] [--window-days N]\n"
    "  list                               every campaign with its state and group sizes\n"
    "  show ID                            one campaign and its groups per RFM segment\n"
    "  audience [--audience FILTER] [--as-of DATE] [--control-share S] [--seed N]\n"
    "                                     preview: customers per segment and the groups\n"
    "  launch ID [--date DATE]            freeze the audience (as of the day before DATE) and\n"
    "                                     the groups; issue the coupon or grant the points to\n"
    "                                     the treatment group. Once: again exits 1\n"
    "  send-list ID [--channel PURPOSE] [--date DATE] [--reason TEXT]\n"
    "                                     the treatment group with consent for the channel\n"
    "                                     (others left out and counted), for an SMS or e-mail\n"
    "                                     tool: --format csv\n"
    "  results ID [--as-of DATE]          response rate and revenue per customer per group,\n"
    "                                     uplift with 95% intervals, incremental revenue, cost\n\n"
    "FILTER is the cube's --where language over customers: DIM=V1,V2;DIM!=V;DIM=FROM..TO on\n"
    "region, gender, age, acquisition, customer_type, income, segment, stage, activity, tier,\n"
    "clv_decile (1..10), p_alive (0.0..0.9: lower bound), consent_email|sms|phone (yes|no).\n"
    "Example: --audience \"segment=At Risk,Hibernating;region=Seoul;p_alive=0.3..\".\n"
    "Defaults: control share 10%, seed 1, no offer, channel marketing_sms, window 30 days,\n"
    "launch date today (UTC). --idempotency-key KEY: a retried write answers its first result.\n"
    "--rules FILE: the points rules (expiry and money value of granted points).\n"
    "A bad value or filter exits 2 naming it; an unknown campaign or coupon exits 3; a second\n"
    "launch exits 1. docs/campaigns.md has the statistics.\n",
    run,
};
