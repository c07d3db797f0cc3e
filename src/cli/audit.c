/* `dangol audit verify|list|prune`: the audit trail (docs/security.md, "The audit trail"). verify
 * walks the hash chain and names the first changed or removed entry (exit 1); list shows the
 * entries of a customer, a user or a period; prune is the retention job (--keep-days, at least
 * 365, default 730), itself written to the trail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/analysis.h"
#include "cli/cli.h"
#include "dangol/audit.h"
#include "dangol/report.h"
#include "dangol/text.h"

int dg_cli_audit(dg_cli *cli, dg_store *store, const char *action, const char *const *customers,
                 size_t n_customers, const char *reason, json_t *detail)
{
    char name[DG_AUDIT_NAME_MAX];
    dg_audit_actor actor;
    dg_audit_actor_cli(&actor, name);
    char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(detail);
    dg_error err;
    dg_error_clear(&err);
    dg_audit_event ev = { .action = action, .customers = customers, .n_customers = n_customers,
                          .reason = reason, .detail = text };
    int rc = detail && !text ? dg_error_set(&err, DG_ENOMEM, "out of memory")
                             : dg_audit_append(store, &actor, &ev, NULL, &err);
    free(text);
    return rc == 0 ? DG_EXIT_OK : dg_cli_fail(cli, &err);
}

static int verification_report(dg_report *out, dg_store *store, void *ctx, dg_error *err)
{
    dg_audit_verification *v = ctx;
    int rc = dg_audit_verify(store, v, err);
    return rc == 0 ? dg_report_audit_verification(out, v, err) : rc;
}

static int verify(dg_cli *cli, int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return dg_cli_usage_error(cli, "audit verify takes no arguments");
    dg_audit_verification v;
    int code = dg_cli_store_report(cli, verification_report, &v);
    if (code == DG_EXIT_OK && !v.ok) {
        fprintf(stderr, "%s audit: the audit trail is broken: %s\n", cli->program, v.problem);
        return DG_EXIT_DATA;
    }
    return code;
}

static int entries_report(dg_report *out, dg_store *store, void *ctx, dg_error *err)
{
    return dg_report_audit(out, store, ctx, err);
}

/* --since DATE: entries from its midnight (UTC) on (ctx: the filter). */
static int parse_since(const dg_cli *cli, const char *text, void *ctx)
{
    dg_audit_filter *filter = ctx;
    dg_error err;
    dg_error_clear(&err);
    int32_t day;
    if (dg_date_parse(text, strlen(text), &day, &err) != 0)
        return dg_cli_usage_error(cli, "--since: %s", err.message);
    filter->since = (int64_t)day * 86400;
    return DG_EXIT_OK;
}

/* --limit N, from 1 (ctx: the filter). */
static int parse_limit(const dg_cli *cli, const char *text, void *ctx)
{
    dg_audit_filter *filter = ctx;
    char *end = NULL;
    filter->limit = (size_t)strtoul(text, &end, 10);
    if (!*text || *end || *text == '-' || filter->limit < 1)
        return dg_cli_usage_error(cli, "--limit \"%s\" must be a whole number from 1", text);
    return DG_EXIT_OK;
}

static int list(dg_cli *cli, int argc, char **argv)
{
    dg_audit_filter filter = { 0 };
    const dg_cli_option options[] = {
        dg_cli_text("customer", &filter.customer_id),
        dg_cli_text("user", &filter.user),
        dg_cli_call("since", parse_since, &filter),
        dg_cli_call("limit", parse_limit, &filter),
    };
    int code = dg_cli_options(cli, argc, argv, options, DG_CLI_N(options), NULL, 0);
    if (code != DG_EXIT_OK)
        return code;
    return dg_cli_store_report(cli, entries_report, &filter);
}

/* --keep-days N: at least DG_AUDIT_KEEP_DAYS_MIN, at most 36500 (ctx: the long). */
static int parse_keep_days(const dg_cli *cli, const char *text, void *ctx)
{
    char *end = NULL;
    long keep = strtol(text, &end, 10);
    if (!*text || *end || keep < DG_AUDIT_KEEP_DAYS_MIN || keep > 36500)
        return dg_cli_usage_error(cli, "--keep-days \"%s\": the audit trail is kept at least "
                                  "%d days (PIPA: one year; two for large holders, the "
                                  "default %d), at most 36500", text,
                                  DG_AUDIT_KEEP_DAYS_MIN, DG_AUDIT_KEEP_DAYS_DEFAULT);
    *(long *)ctx = keep;
    return DG_EXIT_OK;
}

static int prune(dg_cli *cli, int argc, char **argv)
{
    long keep = DG_AUDIT_KEEP_DAYS_DEFAULT;
    const dg_cli_option options[] = { dg_cli_call("keep-days", parse_keep_days, &keep) };
    int code = dg_cli_options(cli, argc, argv, options, DG_CLI_N(options), NULL, 0);
    if (code != DG_EXIT_OK)
        return code;
    dg_store *store;
    if ((code = dg_cli_open_store(cli, 0, &store)) != DG_EXIT_OK)
        return code;
    dg_error err;
    dg_error_clear(&err);
    char name[DG_AUDIT_NAME_MAX];
    dg_audit_actor actor;
    dg_audit_actor_cli(&actor, name);
    int64_t removed = 0;
    int rc = dg_audit_prune(store, &actor, (int)keep, (int64_t)time(NULL), &removed, &err);
    dg_store_close(store);
    if (rc != 0)
        return dg_cli_fail(cli, &err);
    if (!cli->quiet)
        fprintf(stderr, "%s audit: %lld entries older than %ld days removed%s\n", cli->program,
                (long long)removed, keep, removed ? "; the chain goes on from an anchor" : "");
    return DG_EXIT_OK;
}

static int run(dg_cli *cli, int argc, char **argv)
{
    const char *valid = "verify, list, prune";
    if (argc < 2)
        return dg_cli_usage_error(cli, "missing subcommand; valid: %s", valid);
    dg_cli_getopt_reset();
    if (strcmp(argv[1], "verify") == 0)
        return verify(cli, argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0)
        return list(cli, argc - 1, argv + 1);
    if (strcmp(argv[1], "prune") == 0)
        return prune(cli, argc - 1, argv + 1);
    return dg_cli_usage_error(cli, "unknown subcommand \"%s\"; valid: %s", argv[1], valid);
}

DG_CLI_COMMAND(audit) = {
    "audit", "the audit trail of personal-data access and writes: verify, list, prune",
    "usage: dangol [--db PATH] [--format table|csv|json] audit verify\n"
    "       dangol [--db PATH] [--format table|csv|json] audit list [--customer ID] [--user U]\n"
    "                                                          [--since DATE] [--limit N]\n"
    "       dangol [--db PATH] audit prune [--keep-days N]\n\n"
    "Every access to customers' personal fields (API look-ups and lists, `dangol export`) and\n"
    "every write (customers, orders, feedback, points, users, tokens) is an entry: who (user or\n"
    "token, role), when (UTC), from where (client address; \"cli\" and the OS user), the action,\n"
    "the customers, the reason of a bulk export, and a write's before and after. Each entry\n"
    "holds SHA-256 of the previous entry's hash and its own content (docs/security.md).\n\n"
    "  verify         walks the chain; a changed or removed entry is named and exits 1\n"
    "  list           the entries, oldest first: --customer ID (concerning that customer),\n"
    "                 --user U (by that user or OS user), --since DATE (YYYY-MM-DD, UTC),\n"
    "                 --limit N\n"
    "  prune          removes the entries older than --keep-days N (default 730; below 365 is\n"
    "                 refused, exit 2: PIPA asks for at least a year) behind an anchor that\n"
    "                 keeps the rest verifiable; the prune itself is an entry\n",
    run,
};
