/* `dangol followup`: post-purchase follow-up — schedule the tasks of the rules (idempotent),
 * list them, record an outcome (audited), and the outbox of a channel for the SMS or e-mail
 * tool (consent respected, the export audited). Writes are the library's (dangol/followup.h);
 * tables come from the report layer, as the API shows them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/analysis.h"
#include "dangol/audit.h"
#include "dangol/consent.h"
#include "dangol/report_voc.h"
#include "dangol/ticket.h"
#include "dangol/vocab.h"

typedef struct followup_args {
    const char *rules_path, *state, *customer, *channel, *outcome, *note, *actor, *key;
    const char *version_text, *at_text, *reason, *positional;
    int32_t day;
    bool has_day;
} followup_args;

static int parse_args(dg_cli *cli, int argc, char **argv, followup_args *a)
{
    memset(a, 0, sizeof *a);
    a->day = dg_consent_today();
    const dg_cli_option options[] = {
        dg_cli_text("rules", &a->rules_path),
        dg_cli_text("state", &a->state),
        dg_cli_text("customer", &a->customer),
        dg_cli_text("channel", &a->channel),
        dg_cli_text("outcome", &a->outcome),
        dg_cli_text("note", &a->note),
        dg_cli_text("actor", &a->actor),
        dg_cli_text("idempotency-key", &a->key),
        dg_cli_text("version", &a->version_text),
        dg_cli_text("at", &a->at_text),
        dg_cli_text("reason", &a->reason),
        dg_cli_day("as-of", &a->day, &a->has_day),
        dg_cli_day("date", &a->day, &a->has_day),
    };
    return dg_cli_options(cli, argc, argv, options, DG_CLI_N(options), &a->positional, 1);
}

static int schedule(dg_cli *cli, const followup_args *a)
{
    dg_error err;
    dg_error_clear(&err);
    dg_followup_rules rules;
    int rc = a->rules_path ? dg_followup_rules_load(&rules, a->rules_path, &err)
                           : dg_followup_rules_default(&rules, &err);
    if (rc != 0)
        return dg_cli_fail(cli, &err);
    dg_store *store;
    int code = dg_cli_open_store(cli, 0, &store);
    if (code != DG_EXIT_OK)
        return code;
    int64_t created = 0;
    char name[DG_AUDIT_NAME_MAX];
    dg_audit_actor audit;
    dg_audit_actor_cli(&audit, name);
    rc = dg_followup_schedule(&created, store, &rules, a->day, &audit, &err);
    dg_store_close(store);
    if (rc != 0)
        return dg_cli_fail(cli, &err);
    const char *column = "tasks_created";
    static const dg_cell_type types[] = { DG_CELL_INT };
    dg_table *t = dg_cli_table("Follow-up schedule", &column, types, 1);
    if (t) {
        dg_table_add_row(t);
        dg_table_set_int(t, 0, created);
    }
    return dg_cli_print_free(cli, t);
}

/* A positive whole number (a task id, a version) or DG_EXIT_USAGE. */
static int parse_count(dg_cli *cli, const char *what, const char *text, int64_t *out)
{
    char *end;
    long long v = text ? strtoll(text, &end, 10) : 0;
    if (!text || end == text || *end || v <= 0)
        return dg_cli_usage_error(cli, "%s \"%s\": expected a whole number from 1", what,
                                  text ? text : "");
    *out = v;
    return DG_EXIT_OK;
}

static int done(dg_cli *cli, const followup_args *a)
{
    dg_error err;
    dg_error_clear(&err);
    dg_followup_done_request r = { .note = a->note, .actor = a->actor,
                                   .idempotency_key = a->key, .at = DG_FOLLOWUP_NOW };
    int code = parse_count(cli, "task id", a->positional, &r.task_id);
    if (code == DG_EXIT_OK && a->version_text)
        code = parse_count(cli, "--version", a->version_text, &r.expected_version);
    if (code != DG_EXIT_OK)
        return code;
    if (!a->outcome)
        return dg_cli_usage_error(cli, "done needs --outcome reached|no_answer|declined|sent|"
                                  "cancelled");
    if (dg_followup_outcome_parse(&r.outcome, a->outcome, &err) != 0)
        return dg_cli_usage_error(cli, "--outcome: %s", err.message);
    if (a->at_text && dg_ticket_time_parse(&r.at, a->at_text, &err) != 0)
        return dg_cli_usage_error(cli, "--at \"%s\": %s", a->at_text, err.message);
    dg_store *store;
    if ((code = dg_cli_open_store(cli, 0, &store)) != DG_EXIT_OK)
        return code;
    dg_followup_result res;
    char name[DG_AUDIT_NAME_MAX];
    dg_audit_actor audit;
    dg_audit_actor_cli(&audit, name);
    r.audit = &audit;   /* the outcome and its audit entry commit together */
    int rc = dg_followup_done(&res, store, &r, &err);
    dg_store_close(store);
    if (rc != 0)
        return dg_cli_fail(cli, &err);
    static const char *const columns[] = { "task", "version", "replayed" };
    static const dg_cell_type types[] = { DG_CELL_INT, DG_CELL_INT, DG_CELL_TEXT };
    dg_table *t = dg_cli_table("Follow-up outcome", columns, types, 3);
    if (t) {
        dg_table_add_row(t);
        dg_table_set_int(t, 0, res.task_id);
        dg_table_set_int(t, 1, res.version);
        dg_table_set_text(t, 2, res.replayed ? "yes" : "no");
        if (res.replayed)
            dg_table_add_note(t, "this idempotency key was used before: its first result is "
                                 "shown and nothing was written");
    }
    return dg_cli_print_free(cli, t);
}

static int tasks_report(dg_report *out, dg_store *store, void *ctx, dg_error *err)
{
    return dg_report_followup_list(out, store, ctx, err);
}

static int list(dg_cli *cli, const followup_args *a)
{
    const char *state = a->state ? dg_vocab_code("followup_state", a->state,
                                                 strlen(a->state)) : NULL;
    if (a->state && !state)
        return dg_cli_usage_error(cli, "--state \"%s\": valid: open, done", a->state);
    dg_followup_list_options opt = { .state = state, .customer_id = a->customer,
                                     .due_by = a->has_day ? a->day : INT32_MAX, .notes = true };
    return dg_cli_store_report(cli, tasks_report, &opt);
}

static int outbox(dg_cli *cli, const followup_args *a)
{
    dg_error err;
    dg_error_clear(&err);
    dg_followup_channel channel;
    if (!a->channel)
        return dg_cli_usage_error(cli, "outbox needs --channel sms|email|call");
    if (dg_followup_channel_parse(&channel, a->channel, &err) != 0)
        return dg_cli_usage_error(cli, "--channel: %s", err.message);
    if (!a->reason || !*a->reason)
        return dg_cli_usage_error(cli, "outbox exports personal data: give --reason TEXT "
                                  "(kept in the audit trail)");
    dg_store *store;
    int code = dg_cli_open_store(cli, 0, &store);
    if (code != DG_EXIT_OK)
        return code;
    dg_report rep = { 0 };
    char **customers = NULL;
    size_t n = 0;
    int rc = dg_report_followup_outbox(&rep, store, channel, a->day, &customers, &n, &err);
    code = rc == 0 && n ? dg_cli_audit(cli, store, DG_AUDIT_EXPORT,
                                       (const char *const *)customers, n, a->reason, NULL)
                        : DG_EXIT_OK;
    if (code == DG_EXIT_OK)
        code = dg_cli_report_print(cli, rc, &rep, &err);
    for (size_t i = 0; i < n; i++)
        free(customers[i]);
    free(customers);
    dg_report_clear(&rep);
    dg_store_close(store);
    return code;
}

static int run(dg_cli *cli, int argc, char **argv)
{
    static const char *const subcommands[] = { "schedule", "list", "done", "outbox" };
    int sub = dg_cli_subcommand(cli, argc, argv, subcommands, DG_CLI_N(subcommands));
    if (sub < 0)
        return DG_EXIT_USAGE;
    followup_args a;
    dg_cli_getopt_reset();
    int code = parse_args(cli, argc - 1, argv + 1, &a);
    if (code != DG_EXIT_OK)
        return code;
    if (a.positional && sub != 2)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", a.positional);
    switch (sub) {
    case 0: return schedule(cli, &a);
    case 1: return list(cli, &a);
    case 2: return done(cli, &a);
    default: return outbox(cli, &a);
    }
}

DG_CLI_COMMAND(followup) = {
    "followup", "Post-purchase follow-up: scheduled tasks, outcomes, the consent-aware outbox",
    "usage: dangol [--db PATH] [--format table|csv|json] followup SUBCOMMAND [OPTIONS]\n\n"
    "  schedule [--as-of DATE] [--rules FILE]   create the tasks of the rules for orders up to\n"
    "                             DATE (default today); running it again creates nothing twice\n"
    "  list [--state open|done] [--customer ID] [--as-of DATE]   tasks (due by DATE if given)\n"
    "  done ID --outcome reached|no_answer|declined|sent|cancelled [--note TEXT]\n"
    "       [--version N] [--actor WHO] [--at TIME] [--idempotency-key KEY]\n"
    "                             record the outcome of an open task (audited)\n"
    "  outbox --channel sms|email|call --reason TEXT [--as-of DATE]   open tasks of the channel\n"
    "                             due by DATE whose customer consents to the contact, with the\n"
    "                             phone or e-mail, for an SMS or e-mail tool (--format csv|json);\n"
    "                             the others are counted in a note; the export is audited\n\n"
    "--rules FILE: follow-up rules (config/followups.conf; default: the built-in ones).\n"
    "Outcomes and channels may be written in Korean (통화 완료, 문자).\n"
    "A stale --version or a task already done exits 1 and writes nothing; an unknown task\n"
    "exits 3; a bad option 2; a bad rules file 1 (file:line:column). See docs/followups.md.\n",
    run,
};
