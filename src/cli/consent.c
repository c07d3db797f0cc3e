/* `dangol consent`: grants and withdrawals of consent per purpose, a customer's consent and its
 * history, and the send list of a purpose. Writes are the library's dg_consent_record; the
 * tables come from the report layer, as the API shows them. */
#include <stdio.h>
#include <string.h>

#include "cli/analysis.h"
#include "dangol/audit.h"
#include "dangol/consent.h"

typedef struct consent_args {
    const char *purpose, *source, *actor, *key, *customer;
    int32_t day;
} consent_args;

static int parse_args(dg_cli *cli, int argc, char **argv, consent_args *a)
{
    memset(a, 0, sizeof *a);
    a->day = DG_CONSENT_TODAY;
    const dg_cli_option options[] = {
        dg_cli_text("purpose", &a->purpose),
        dg_cli_text("source", &a->source),
        dg_cli_text("actor", &a->actor),
        dg_cli_text("idempotency-key", &a->key),
        dg_cli_day("date", &a->day, NULL),
        dg_cli_day("as-of", &a->day, NULL),
    };
    return dg_cli_options(cli, argc, argv, options, DG_CLI_N(options), &a->customer, 1);
}

static int record(dg_cli *cli, dg_consent_action action, const consent_args *a)
{
    dg_error err;
    dg_error_clear(&err);
    const char *code;
    if (!a->customer)
        return dg_cli_usage_error(cli, "%s takes a customer id", dg_consent_action_code(action));
    if (dg_consent_purpose_parse(&code, a->purpose, &err) != 0 ||
        dg_consent_source_parse(&code, a->source, &err) != 0)
        return dg_cli_usage_error(cli, "%s", err.message);
    dg_store *store;
    int exit_code = dg_cli_open_store(cli, 0, &store);
    if (exit_code != DG_EXIT_OK)
        return exit_code;
    dg_consent_request r = { .customer_id = a->customer, .purpose = a->purpose,
                             .source = a->source, .day = a->day, .actor = a->actor,
                             .idempotency_key = a->key };
    dg_consent_result res;
    int rc = dg_consent_record(&res, store, action, &r, &err);
    if (rc != 0) {
        dg_store_close(store);
        return dg_cli_fail(cli, &err);
    }
    exit_code = !res.replayed
        ? dg_cli_audit(cli, store, action == DG_CONSENT_GRANT ? DG_AUDIT_CONSENT_GRANT
                       : DG_AUDIT_CONSENT_WITHDRAW, &a->customer, 1, NULL, NULL) : DG_EXIT_OK;
    dg_store_close(store);
    if (exit_code != DG_EXIT_OK)
        return exit_code;
    static const char *const columns[] = { "event", "changed", "replayed" };
    static const dg_cell_type types[] = { DG_CELL_INT, DG_CELL_TEXT, DG_CELL_TEXT };
    dg_table *t = dg_cli_table("Consent event", columns, types, 3);
    if (t) {
        dg_table_add_row(t);
        dg_table_set_int(t, 0, res.event_id);
        dg_table_set_text(t, 1, res.replayed ? "" : res.changed ? "yes" : "no");
        dg_table_set_text(t, 2, res.replayed ? "yes" : "no");
        if (res.replayed)
            dg_table_add_note(t, "this idempotency key was used before: its first event is "
                                 "shown and nothing was written");
    }
    return dg_cli_print_free(cli, t);
}

static int report(dg_cli *cli, bool list, const consent_args *a)
{
    dg_error err;
    dg_error_clear(&err);
    if (!list && !a->customer)
        return dg_cli_usage_error(cli, "show takes a customer id");
    if (list && a->customer)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", a->customer);
    const char *code;
    if (list && dg_consent_purpose_parse(&code, a->purpose, &err) != 0)
        return dg_cli_usage_error(cli, "--purpose: %s", err.message);
    dg_store *store;
    int exit_code = dg_cli_open_store(cli, DG_STORE_READONLY, &store);
    if (exit_code != DG_EXIT_OK)
        return exit_code;
    dg_report rep = { 0 };
    int rc = list ? dg_report_consent_list(&rep, store, a->purpose, a->day, &err)
                  : dg_report_consent_customer(&rep, store, a->customer, a->day, &err);
    exit_code = dg_cli_report_print(cli, rc, &rep, &err);
    dg_report_clear(&rep);
    dg_store_close(store);
    return exit_code;
}

static int run(dg_cli *cli, int argc, char **argv)
{
    static const char *const subcommands[] = { "grant", "withdraw", "show", "list" };
    int sub = dg_cli_subcommand(cli, argc, argv, subcommands, DG_CLI_N(subcommands));
    if (sub < 0)
        return DG_EXIT_USAGE;
    consent_args a;
    dg_cli_getopt_reset();
    int code = parse_args(cli, argc - 1, argv + 1, &a);
    if (code != DG_EXIT_OK)
        return code;
    switch (sub) {
    case 0: return record(cli, DG_CONSENT_GRANT, &a);
    case 1: return record(cli, DG_CONSENT_WITHDRAW, &a);
    case 2: return report(cli, false, &a);
    default: return report(cli, true, &a);
    }
}

DG_CLI_COMMAND(consent) = {
    "consent", "consent per purpose: grant, withdraw, a customer's history, send lists",
    "usage: dangol [--db PATH] [--format table|csv|json] consent SUBCOMMAND [OPTIONS]\n\n"
    "  grant ID --purpose P --source S     record that customer ID consents to purpose P\n"
    "  withdraw ID --purpose P --source S  record that they withdraw it\n"
    "  show ID [--as-of DATE]              their consent per purpose and the whole history\n"
    "  list --purpose P [--as-of DATE]     the customers who may be contacted for P (a send "
    "list)\n\n"
    "Purposes: marketing_email, marketing_sms, marketing_phone, third_party_sharing (or their\n"
    "English or Korean names, e.g. \"문자(SMS) 마케팅 수신\"). Sources: web, store, call, import, "
    "api.\n"
    "  --date DATE        the day the grant or withdrawal takes effect (default: today, UTC)\n"
    "  --actor WHO        who recorded it (default: system)\n"
    "  --idempotency-key KEY  the same key with the same request again writes nothing\n\n"
    "The consent for a purpose on a day is the latest grant or withdrawal on or before it; with\n"
    "none, the customer record's imported consent_email / consent_sms / consent_phone flag. An\n"
    "erased customer never consents. History is append-only (docs/security.md). A bad purpose,\n"
    "source or date exits 2; an unknown customer 3; a grant for an erased customer or a reused\n"
    "key 1.\n",
    run,
};
