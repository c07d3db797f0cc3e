/* `dangol ticket`: VOC tickets — open, the workflow (assign, start, resolve, close, reopen,
 * comment), show and list, the SLA lists (breached, at-risk), escalation and service recovery.
 * Every write is one operation of the library (dangol/ticket.h); every list comes from the
 * report layer, as the API shows it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/analysis.h"
#include "dangol/audit.h"
#include "dangol/ticket.h"

typedef struct ticket_args {
    const char *customer, *kind, *channel, *priority, *category, *subject, *order, *staff;
    const char *actor, *to, *note, *key, *state, *calendar_path, *sla_path;
    const char *at_text, *as_of_text, *version_text, *within_text;
    const char *positional;
} ticket_args;

static int parse_args(dg_cli *cli, int argc, char **argv, ticket_args *a)
{
    memset(a, 0, sizeof *a);
    const dg_cli_option options[] = {
        dg_cli_text("customer", &a->customer),
        dg_cli_text("kind", &a->kind),
        dg_cli_text("channel", &a->channel),
        dg_cli_text("priority", &a->priority),
        dg_cli_text("category", &a->category),
        dg_cli_text("subject", &a->subject),
        dg_cli_text("order", &a->order),
        dg_cli_text("staff", &a->staff),
        dg_cli_text("actor", &a->actor),
        dg_cli_text("to", &a->to),
        dg_cli_text("note", &a->note),
        dg_cli_text("idempotency-key", &a->key),
        dg_cli_text("state", &a->state),
        dg_cli_text("calendar", &a->calendar_path),
        dg_cli_text("sla", &a->sla_path),
        dg_cli_text("at", &a->at_text),
        dg_cli_text("as-of", &a->as_of_text),
        dg_cli_text("version", &a->version_text),
        dg_cli_text("within", &a->within_text),
    };
    return dg_cli_options(cli, argc, argv, options, DG_CLI_N(options), &a->positional, 1);
}

static int parse_time(dg_cli *cli, const char *option, const char *text, int64_t *out)
{
    *out = DG_TICKET_NOW;
    if (!text)
        return DG_EXIT_OK;
    dg_error err;
    dg_error_clear(&err);
    if (dg_ticket_time_parse(out, text, &err) != 0)
        return dg_cli_usage_error(cli, "%s \"%s\": %s", option, text, err.message);
    return DG_EXIT_OK;
}

static int parse_code(dg_cli *cli, const char *option, dg_ticket_domain domain,
                      const char *text, int *out)
{
    dg_error err;
    dg_error_clear(&err);
    if (text && dg_ticket_code_parse(out, domain, text, &err) != 0)
        return dg_cli_usage_error(cli, "%s: %s", option, err.message);
    return DG_EXIT_OK;
}

/* A positive whole number (a ticket id, a version) or DG_EXIT_USAGE. */
static int parse_count(dg_cli *cli, const char *what, const char *text, int64_t *out)
{
    char *end;
    long long v = text ? strtoll(text, &end, 10) : 0;
    if (!text || end == text || *end || v <= 0)
        return dg_cli_usage_error(cli, "%s \"%s\": expected a whole number from 1",
                                  what, text ? text : "");
    *out = v;
    return DG_EXIT_OK;
}

/* The calendar and SLA targets: the built-in ones, or the files given. */
static int load_config(dg_cli *cli, const ticket_args *a, dg_calendar *cal, dg_ticket_sla *sla)
{
    dg_error err;
    dg_error_clear(&err);
    int rc = a->calendar_path ? dg_calendar_load(cal, a->calendar_path, &err)
                              : dg_calendar_default(cal, &err);
    if (rc == 0)
        rc = dg_ticket_sla_default(sla, &err);
    if (rc == 0 && a->sla_path)
        rc = dg_ticket_sla_load(sla, a->sla_path, &err);
    return rc == 0 ? DG_EXIT_OK : dg_cli_fail(cli, &err);
}

static int print_result(dg_cli *cli, const dg_ticket_result *res)
{
    static const char *const columns[] = { "ticket", "ticket_state", "version", "event",
                                           "replayed" };
    static const dg_cell_type types[] = { DG_CELL_INT, DG_CELL_TEXT, DG_CELL_INT, DG_CELL_INT,
                                          DG_CELL_TEXT };
    dg_table *t = dg_cli_table("Ticket", columns, types, 5);
    if (t) {
        dg_table_add_row(t);
        dg_table_set_int(t, 0, res->ticket_id);
        dg_table_set_text(t, 1, dg_ticket_code(DG_TICKET_DOMAIN_STATE, (int)res->state));
        dg_table_set_int(t, 2, res->version);
        dg_table_set_int(t, 3, res->event_id);
        dg_table_set_text(t, 4, res->replayed ? "yes" : "no");
        if (res->replayed)
            dg_table_add_note(t, "this idempotency key was used before: its first result is "
                                 "shown and nothing was written");
    }
    return dg_cli_print_free(cli, t);
}

static int open_ticket(dg_cli *cli, const ticket_args *a)
{
    if (!a->customer || !a->kind)
        return dg_cli_usage_error(cli, "open needs --customer ID and --kind KIND");
    int kind = 0, channel = -1, priority = DG_TICKET_NORMAL, code;
    dg_ticket_open_request r = { .customer_id = a->customer, .category = a->category,
                                 .subject = a->subject, .order_id = a->order,
                                 .staff_id = a->staff, .actor = a->actor,
                                 .idempotency_key = a->key };
    if ((code = parse_code(cli, "--kind", DG_TICKET_DOMAIN_KIND, a->kind, &kind)) ||
        (code = parse_code(cli, "--channel", DG_TICKET_DOMAIN_CHANNEL, a->channel, &channel)) ||
        (code = parse_code(cli, "--priority", DG_TICKET_DOMAIN_PRIORITY, a->priority,
                           &priority)) ||
        (code = parse_time(cli, "--at", a->at_text, &r.at)))
        return code;
    r.kind = (dg_ticket_kind)kind;
    r.channel = channel;
    r.priority = (dg_ticket_priority)priority;
    dg_calendar cal;
    dg_ticket_sla sla;
    if ((code = load_config(cli, a, &cal, &sla)) != DG_EXIT_OK)
        return code;
    dg_store *store;
    if ((code = dg_cli_open_store(cli, 0, &store)) != DG_EXIT_OK)
        return code;
    dg_error err;
    dg_error_clear(&err);
    dg_ticket_result res;
    char name[DG_AUDIT_NAME_MAX];
    dg_audit_actor audit;
    dg_audit_actor_cli(&audit, name);
    r.audit = &audit;   /* the ticket and its audit entry commit together */
    int rc = dg_ticket_open(&res, store, &cal, &sla, &r, &err);
    dg_store_close(store);
    return rc != 0 ? dg_cli_fail(cli, &err) : print_result(cli, &res);
}

static int act(dg_cli *cli, dg_ticket_action action, const ticket_args *a)
{
    dg_ticket_update u = { .action = action, .assignee = a->to, .note = a->note,
                           .actor = a->actor, .idempotency_key = a->key };
    int code = parse_count(cli, "ticket id", a->positional, &u.ticket_id);
    if (code == DG_EXIT_OK && a->version_text)
        code = parse_count(cli, "--version", a->version_text, &u.expected_version);
    if (code == DG_EXIT_OK)
        code = parse_time(cli, "--at", a->at_text, &u.at);
    if (code != DG_EXIT_OK)
        return code;
    if (action == DG_TICKET_ACT_ASSIGN && !a->to)
        return dg_cli_usage_error(cli, "assign needs --to WHO");
    if (action == DG_TICKET_ACT_COMMENT && !a->note)
        return dg_cli_usage_error(cli, "comment needs --note TEXT");
    dg_store *store;
    if ((code = dg_cli_open_store(cli, 0, &store)) != DG_EXIT_OK)
        return code;
    dg_error err;
    dg_error_clear(&err);
    dg_ticket_result res;
    char name[DG_AUDIT_NAME_MAX];
    dg_audit_actor audit;
    dg_audit_actor_cli(&audit, name);
    u.audit = &audit;
    int rc = dg_ticket_apply(&res, store, &u, &err);
    dg_store_close(store);
    return rc != 0 ? dg_cli_fail(cli, &err) : print_result(cli, &res);
}

typedef enum { READ_SHOW, READ_LIST, READ_BREACHED, READ_AT_RISK } read_op;

static int report(dg_cli *cli, read_op op, const ticket_args *a)
{
    int64_t as_of, id = 0;
    int state = -1, code = parse_time(cli, "--as-of", a->as_of_text, &as_of);
    if (code == DG_EXIT_OK && op == READ_SHOW)
        code = parse_count(cli, "ticket id", a->positional, &id);
    if (code == DG_EXIT_OK)
        code = parse_code(cli, "--state", DG_TICKET_DOMAIN_STATE, a->state, &state);
    if (code != DG_EXIT_OK)
        return code;
    if (as_of == DG_TICKET_NOW)
        as_of = dg_ticket_now();
    dg_calendar cal;
    dg_ticket_sla sla;
    if ((code = load_config(cli, a, &cal, &sla)) != DG_EXIT_OK)
        return code;
    int64_t within = sla.at_risk_s;
    dg_error err;
    dg_error_clear(&err);
    if (a->within_text && dg_ticket_hours_parse(&within, a->within_text, &err) != 0)
        return dg_cli_usage_error(cli, "--within %s", err.message);
    dg_store *store;
    if ((code = dg_cli_open_store(cli, DG_STORE_READONLY, &store)) != DG_EXIT_OK)
        return code;
    dg_report rep = { 0 };
    dg_ticket_view view = op == READ_BREACHED ? DG_TICKET_VIEW_BREACHED
                        : op == READ_AT_RISK ? DG_TICKET_VIEW_AT_RISK : DG_TICKET_VIEW_LIST;
    int rc = op == READ_SHOW
                 ? dg_report_ticket_show(&rep, store, &cal, id, as_of, &err)
                 : dg_report_ticket_list(&rep, store, &cal, view, a->customer ? a->customer
                                         : a->positional, state, as_of, within, NULL, &err);
    code = dg_cli_report_print(cli, rc, &rep, &err);
    dg_report_clear(&rep);
    dg_store_close(store);
    return code;
}

/* escalate and recover: the jobs, with a count as their answer. */
static int job(dg_cli *cli, bool recover, const ticket_args *a)
{
    int64_t as_of;
    int code = parse_time(cli, "--as-of", a->as_of_text, &as_of);
    if (code != DG_EXIT_OK)
        return code;
    if (as_of == DG_TICKET_NOW)
        as_of = dg_ticket_now();
    dg_calendar cal;
    dg_ticket_sla sla;
    if ((code = load_config(cli, a, &cal, &sla)) != DG_EXIT_OK)
        return code;
    dg_store *store;
    if ((code = dg_cli_open_store(cli, 0, &store)) != DG_EXIT_OK)
        return code;
    dg_error err;
    dg_error_clear(&err);
    int64_t n = 0;
    char name[DG_AUDIT_NAME_MAX];
    dg_audit_actor audit;
    dg_audit_actor_cli(&audit, name);
    int rc = recover ? dg_ticket_recover(&n, store, &cal, &sla, as_of, a->actor, &audit, &err)
                     : dg_ticket_escalate(&n, store, as_of, a->actor, &audit, &err);
    dg_store_close(store);
    if (rc != 0)
        return dg_cli_fail(cli, &err);
    const char *column = recover ? "recovery_tickets_opened" : "tickets_escalated";
    static const dg_cell_type types[] = { DG_CELL_INT };
    dg_table *t = dg_cli_table(recover ? "Service recovery" : "Escalation", &column, types, 1);
    if (t) {
        dg_table_add_row(t);
        dg_table_set_int(t, 0, n);
    }
    return dg_cli_print_free(cli, t);
}

static int run(dg_cli *cli, int argc, char **argv)
{
    static const char *const subcommands[] = { "open", "show", "list", "assign", "start",
                                               "resolve", "close", "reopen", "comment",
                                               "breached", "at-risk", "escalate", "recover" };
    int sub = dg_cli_subcommand(cli, argc, argv, subcommands, DG_CLI_N(subcommands));
    if (sub < 0)
        return DG_EXIT_USAGE;
    ticket_args a;
    dg_cli_getopt_reset();
    int code = parse_args(cli, argc - 1, argv + 1, &a);
    if (code != DG_EXIT_OK)
        return code;
    bool takes_id = (sub >= 1 && sub <= 8);
    if (a.positional && !takes_id)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", a.positional);
    switch (sub) {
    case 0: return open_ticket(cli, &a);
    case 1: return report(cli, READ_SHOW, &a);
    case 2: return report(cli, READ_LIST, &a);
    case 3: return act(cli, DG_TICKET_ACT_ASSIGN, &a);
    case 4: return act(cli, DG_TICKET_ACT_START, &a);
    case 5: return act(cli, DG_TICKET_ACT_RESOLVE, &a);
    case 6: return act(cli, DG_TICKET_ACT_CLOSE, &a);
    case 7: return act(cli, DG_TICKET_ACT_REOPEN, &a);
    case 8: return act(cli, DG_TICKET_ACT_COMMENT, &a);
    case 9: return report(cli, READ_BREACHED, &a);
    case 10: return report(cli, READ_AT_RISK, &a);
    case 11: return job(cli, false, &a);
    default: return job(cli, true, &a);
    }
}

DG_CLI_COMMAND(ticket) = {
    "ticket", "VOC tickets: open, work, SLA breaches and risks, escalation, service recovery",
    "usage: dangol [--db PATH] [--format table|csv|json] ticket SUBCOMMAND [OPTIONS]\n\n"
    "  open --customer ID --kind complaint|inquiry|suggestion|compliment\n"
    "       [--channel call_centre|web|app|store|email] [--priority low|normal|high|urgent]\n"
    "       [--category TEXT] [--subject TEXT] [--order ID] [--staff ID]\n"
    "  show ID                    the ticket, its SLA states and its events\n"
    "  list [--customer ID] [--state STATE]\n"
    "  assign ID --to WHO         open/assigned -> assigned (in_progress stays in_progress)\n"
    "  start ID                   assigned -> in_progress\n"
    "  resolve ID                 in_progress -> resolved\n"
    "  close ID                   resolved -> closed\n"
    "  reopen ID                  resolved/closed -> open\n"
    "  comment ID --note TEXT     an event without a state change\n"
    "  breached [--as-of TIME]    unresolved tickets past a due time\n"
    "  at-risk [--within HOURS] [--as-of TIME]   next due time within HOURS business hours\n"
    "                             (default: at_risk_hours of the SLA file)\n"
    "  escalate [--as-of TIME]    raise the priority of breached tickets, once each\n"
    "  recover [--as-of TIME]     a recovery ticket for every detractor (NPS 0-6), CSAT 1-2 or\n"
    "                             complaint feedback that has none, once per incident\n\n"
    "Common options:\n"
    "  --version N        the version you read: refused (exit 1) when the ticket changed since\n"
    "  --note TEXT        a note kept on the event   --actor WHO   who (default: system)\n"
    "  --at TIME, --as-of TIME   YYYY-MM-DDTHH:MM[:SS][Z|+09:00], or YYYY-MM-DD for the end of\n"
    "                     that day (UTC); default now\n"
    "  --idempotency-key KEY   the same key with the same request again writes nothing\n"
    "  --calendar FILE    business calendar (config/calendar.conf; default: the built-in)\n"
    "  --sla FILE         SLA targets (config/sla.conf; default: the built-in)\n\n"
    "Kinds, channels, states and priorities may be written in Korean (불만, 콜센터, 긴급).\n"
    "A transition the state does not allow, a stale --version or a time before the ticket was\n"
    "opened exit 1 and write nothing; an unknown ticket or customer exits 3; a bad option 2.\n"
    "See docs/tickets.md.\n",
    run,
};
