/* `dangol tier`: customer tiers — the evaluation (dangol/tier.h) and the reports of the report
 * layer (a customer's tier and history, the distribution, the migration matrix, tier against
 * stage or RFM segment), as the API shows them, and the rules in force. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/analysis.h"
#include "dangol/audit.h"
#include "dangol/tier.h"

typedef struct tier_args {
    const char *rules_path, *actor, *by, *positional;
    int32_t as_of, from, to;
    bool as_of_given, from_given, to_given;
} tier_args;

static int parse_args(dg_cli *cli, int argc, char **argv, tier_args *a)
{
    memset(a, 0, sizeof *a);
    a->as_of = a->from = a->to = DG_DAY_NONE;
    const dg_cli_option options[] = {
        dg_cli_day("as-of", &a->as_of, &a->as_of_given),
        dg_cli_day("from", &a->from, &a->from_given),
        dg_cli_day("to", &a->to, &a->to_given),
        dg_cli_text("rules", &a->rules_path),
        dg_cli_text("actor", &a->actor),
        dg_cli_text("by", &a->by),
    };
    return dg_cli_options(cli, argc, argv, options, DG_CLI_N(options), &a->positional, 1);
}

static int evaluate(dg_cli *cli, const tier_args *a)
{
    dg_error err;
    dg_error_clear(&err);
    dg_tier_rules rules;
    dg_tier_rules_default(&rules);
    char *text = NULL;
    if (a->rules_path && dg_tier_rules_load(&rules, &text, a->rules_path, &err) != 0)
        return dg_cli_fail(cli, &err);
    dg_store *store;
    int code = dg_cli_open_store(cli, 0, &store);
    if (code != DG_EXIT_OK) {
        free(text);
        return code;
    }
    int32_t as_of = a->as_of_given ? a->as_of : dg_day_of((int64_t)time(NULL));
    dg_tier_evaluation ev;
    char name[DG_AUDIT_NAME_MAX];
    dg_audit_actor audit;
    dg_audit_actor_cli(&audit, name);
    /* without --rules: the rules of the last evaluation (none: the built-in ones) */
    int rc = a->rules_path ? 0 : dg_tier_rules_stored_text(store, &text, &err);
    if (rc == 0)
        rc = dg_tier_evaluate(store, text, a->rules_path ? a->rules_path
                                           : "the store's tier rules", as_of, a->actor, &audit,
                              &ev, &err);
    dg_store_close(store);
    free(text);
    if (rc != 0)
        return dg_cli_fail(cli, &err);
    static const char *const columns[] = { "as_of", "previous", "customers", "upgrades",
                                           "downgrades", "already" };
    static const dg_cell_type types[] = { DG_CELL_DATE, DG_CELL_DATE, DG_CELL_INT, DG_CELL_INT,
                                          DG_CELL_INT, DG_CELL_TEXT };
    dg_table *t = dg_cli_table("Tier evaluation", columns, types, 6);
    if (t) {
        dg_table_add_row(t);
        dg_table_set_int(t, 0, ev.as_of);
        if (ev.previous != INT32_MIN)
            dg_table_set_int(t, 1, ev.previous);
        dg_table_set_int(t, 2, ev.customers);
        dg_table_set_int(t, 3, ev.upgrades);
        dg_table_set_int(t, 4, ev.downgrades);
        dg_table_set_text(t, 5, ev.already ? "yes" : "no");
        if (ev.already)
            dg_table_add_note(t, "this day was evaluated already (tiers are evaluated through "
                                 "the previous day shown): nothing was written");
    }
    return dg_cli_print_free(cli, t);
}

/* The rules in force (the store's, or with --rules the file's, checked). */
static int show_rules(dg_cli *cli, const tier_args *a)
{
    dg_error err;
    dg_error_clear(&err);
    dg_tier_rules rules;
    dg_tier_rules_default(&rules);
    char *text = NULL;
    int rc;
    if (a->rules_path) {
        rc = dg_tier_rules_load(&rules, &text, a->rules_path, &err);
        free(text);
    } else {
        dg_store *store;
        int code = dg_cli_open_store(cli, DG_STORE_READONLY, &store);
        if (code != DG_EXIT_OK)
            return code;
        rc = dg_tier_rules_stored(store, &rules, &err);
        dg_store_close(store);
    }
    if (rc != 0)
        return dg_cli_fail(cli, &err);
    static const char *const columns[] = { "tier", "name_en", "name_ko", "threshold",
                                           "earn_per_mille", "discount_percent" };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_INT,
                                          DG_CELL_INT, DG_CELL_INT };
    char title[256];
    snprintf(title, sizeof title, "Tiers by %s over %d days; %s review from month %d, "
             "downgrade %s, grace %d days", dg_tier_measure_code(rules.measure),
             rules.window_days, dg_tier_review_code(rules.review), rules.review_start_month,
             dg_tier_downgrade_code(rules.downgrade), rules.grace_days);
    dg_table *t = dg_cli_table(title, columns, types, 6);
    for (size_t i = 0; t && i < rules.n_levels; i++) {
        const dg_tier_level *l = &rules.levels[i];
        dg_table_add_row(t);
        dg_table_set_text(t, 0, l->code);
        dg_table_set_text(t, 1, l->name_en);
        dg_table_set_text(t, 2, l->name_ko);
        dg_table_set_int(t, 3, l->threshold);
        dg_table_set_int(t, 4, l->earn_per_mille);
        dg_table_set_int(t, 5, l->discount_percent);
    }
    return dg_cli_print_free(cli, t);
}

typedef enum { SUB_EVALUATE, SUB_SHOW, SUB_DISTRIBUTION, SUB_MIGRATION, SUB_CROSSTAB,
               SUB_RULES, N_SUBS } tier_sub;

static int report(dg_cli *cli, tier_sub sub, const tier_args *a)
{
    dg_error err;
    dg_error_clear(&err);
    dg_tier_crosstab_by by = DG_TIER_BY_STAGE;
    if (sub == SUB_SHOW && !a->positional)
        return dg_cli_usage_error(cli, "show takes a customer id");
    if (sub == SUB_MIGRATION && (!a->from_given || !a->to_given))
        return dg_cli_usage_error(cli, "migration needs --from DATE and --to DATE");
    if (sub == SUB_MIGRATION && a->from > a->to)
        return dg_cli_usage_error(cli, "--from must not be after --to");
    if (sub == SUB_CROSSTAB && !a->by)
        return dg_cli_usage_error(cli, "crosstab needs --by stage|segment");
    if (sub == SUB_CROSSTAB && dg_tier_crosstab_by_parse(a->by, &by, &err) != 0)
        return dg_cli_usage_error(cli, "--by: %s", err.message);
    dg_frame *frame = NULL;
    int code;
    if (sub == SUB_CROSSTAB && (code = dg_cli_load_frame(cli, a->as_of, false, &frame)) != 0)
        return code;
    dg_store *store;
    if ((code = dg_cli_open_store(cli, DG_STORE_READONLY, &store)) != DG_EXIT_OK) {
        dg_frame_free(frame);
        return code;
    }
    dg_report rep = { 0 };
    int rc = sub == SUB_SHOW ? dg_report_tier_customer(&rep, store, a->positional, a->as_of, &err)
           : sub == SUB_DISTRIBUTION ? dg_report_tier_distribution(&rep, store, a->as_of, &err)
           : sub == SUB_MIGRATION ? dg_report_tier_migration(&rep, store, a->from, a->to, &err)
                                  : dg_report_tier_crosstab(&rep, store, frame, by, &err);
    code = dg_cli_report_print(cli, rc, &rep, &err);
    dg_report_clear(&rep);
    dg_store_close(store);
    dg_frame_free(frame);
    return code;
}

static int run(dg_cli *cli, int argc, char **argv)
{
    static const char *const subs[N_SUBS] = { "evaluate", "show", "distribution", "migration",
                                              "crosstab", "rules" };
    int sub = dg_cli_subcommand(cli, argc, argv, subs, DG_CLI_N(subs));
    if (sub < 0)
        return DG_EXIT_USAGE;
    tier_args a;
    dg_cli_getopt_reset();
    int code = parse_args(cli, argc - 1, argv + 1, &a);
    if (code != DG_EXIT_OK)
        return code;
    if (a.positional && sub != SUB_SHOW)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", a.positional);
    bool takes_rules = sub == SUB_EVALUATE || sub == SUB_RULES;
    if (a.rules_path && !takes_rules)
        return dg_cli_usage_error(cli, "--rules is for evaluate and rules: the reports use the "
                                       "rules of the last evaluation");
    if ((a.from_given || a.to_given) && sub != SUB_MIGRATION)
        return dg_cli_usage_error(cli, "--from and --to are for migration");
    if (a.by && sub != SUB_CROSSTAB)
        return dg_cli_usage_error(cli, "--by is for crosstab");
    switch ((tier_sub)sub) {
    case SUB_EVALUATE: return evaluate(cli, &a);
    case SUB_RULES: return show_rules(cli, &a);
    default: return report(cli, (tier_sub)sub, &a);
    }
}

DG_CLI_COMMAND(tier) = {
    "tier", "customer tiers: evaluate, a customer's tier, distribution, migration, crosstabs",
    "usage: dangol [--db PATH] [--format table|csv|json] tier SUBCOMMAND [OPTIONS]\n\n"
    "  evaluate [--as-of DATE] [--rules FILE] [--actor WHO]\n"
    "        move customers up as soon as they qualify and down on review dates, through DATE\n"
    "        (default: today, UTC); evaluating a day again writes nothing. Without --rules:\n"
    "        the rules of the last evaluation (none yet: the built-in ones)\n"
    "  show ID [--as-of DATE]           a customer's tier, measure, benefits and tier history\n"
    "  distribution [--as-of DATE]      customers per tier\n"
    "  migration --from DATE --to DATE  customers by tier on DATE (rows) and on DATE (columns)\n"
    "  crosstab --by stage|segment [--as-of DATE]\n"
    "                                   tier against the relationship stage or RFM segment\n"
    "  rules [--rules FILE]             the rules in force (or FILE's, checked)\n\n"
    "The rules (config/tiers.conf, docs/tiers.md): tiers in English and Korean, the measure\n"
    "(spend, orders or points earned over a rolling window), thresholds, the earn multiplier\n"
    "and discount, the review cadence, the downgrade policy and the grace period. The reports\n"
    "(default day: the last evaluated) use the rules of the last evaluation. A bad rules file\n"
    "exits 1 naming file:line:column; an unknown customer exits 3; a bad option exits 2.\n",
    run,
};
